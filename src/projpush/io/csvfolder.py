"""Ledgers kept as a folder of CSV files (CSV 台账), as spreadsheets export them.

A city's project office keeps its ledger in Excel or WPS; "Save as CSV UTF-8"
gives one file per sheet. :func:`load_csv_ledger` reads such a folder into a
:class:`~projpush.model.Portfolio`, :func:`check_csv_ledger` lists every
problem in it (file, spreadsheet line, column), and :func:`dump_csv_ledger`
writes a portfolio back in the same format. The files and their columns are
documented in ``docs/ledger-format.md`` ("CSV ledger").

Only the standard :mod:`csv` module is used. Cells are text: an amount such as
``479.33`` is read as an exact :class:`~decimal.Decimal`, never through a
float. Each value is then handed to the model's own converters, so the CSV
ledger accepts what the model accepts, and errors carry the model's words
prefixed by the cell's location, ``projects.csv:5:total_investment``.

The workbook (:mod:`projpush.io.xlsx`) and a database's own tables
(:mod:`projpush.io.sql`, ``read_mapped``) are read by this module's reader,
so the three share one set of field rules. The module was
``projpush.csvledger``; that name stays, as an alias of this one.

>>> import tempfile
>>> from projpush.model import Project
>>> p = Project(local_id="NB-7", name="港口扩建", level="county", category="industry",
...     stage="planned", region="北仑区", unit="市港航局", annual_plans={2020: "1500.5"})
>>> with tempfile.TemporaryDirectory() as folder:
...     dump_csv_ledger(Portfolio(projects=(p,)), folder)
...     load_csv_ledger(folder).project("NB-7").annual_plan(2020)
Decimal('1500.5')
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import logging
import re
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, TypeVar

import attrs

from projpush._convert import normalise_text, to_date, to_enum, to_money
from projpush._csvsafe import csv_text, unescape_cell
from projpush._fmt import column_letter as _column_letter
from projpush._paths import path_arg
from projpush.errors import LedgerError, ProjpushError, ValidationError
from projpush.io import _atomic_write_bytes, _encoded
from projpush.model import (
    ApprovalItem,
    Cadence,
    Contact,
    FrozenMap,
    Issue,
    IssueEvent,
    IssueState,
    Leader,
    Milestone,
    Month,
    Portfolio,
    Project,
    ProjectCode,
    Secretary,
    SiteObservation,
    StageEvent,
    TaskForce,
    Unit,
    _to_year,
    project_ids,
)

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable, Mapping, Sequence

__all__ = [
    "CSV_FILES",
    "check_csv_ledger",
    "decode_csv",
    "dump_csv_ledger",
    "load_csv_ledger",
    "read_csv_ledger",
]

T = TypeVar("T")
_LOG: Final = logging.getLogger("projpush")

# Separators of a list inside one cell (a leader's projects, a task force's members).
_LIST_SPLIT: Final = re.compile(r"[;；、]")
_LIST_JOIN: Final = ";"


# --------------------------------------------------------------------------- the format


@attrs.frozen
class _Col:
    """One column of a CSV file: its English name, Chinese header aliases, kind."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False
    kind: str = "text"  # text, date, money, percent, bool, list, month


@attrs.frozen
class _Table:
    """One CSV file of the ledger."""

    file: str
    columns: tuple[_Col, ...]
    required: bool = False


def _project_col() -> _Col:
    return _Col("project", ("项目代码", "项目", "项目编号"), required=True)


_TABLES: Final = (
    _Table(
        "projects.csv",
        (
            _Col("code", ("项目代码", "代码")),
            _Col("local_id", ("本地编号", "项目编号", "编号")),
            _Col("name", ("项目名称", "名称"), required=True),
            _Col("level", ("级别", "项目级别"), required=True),
            _Col("category", ("类别", "项目类别"), required=True),
            _Col("stage", ("阶段", "项目阶段"), required=True),
            _Col("region", ("区域", "所在区域", "地区"), required=True),
            _Col("unit", ("责任单位",), required=True),
            _Col("owner", ("业主", "业主单位", "建设单位")),
            _Col("total_investment", ("总投资",), kind="money"),
            _Col("task_force", ("专班",)),
        ),
        required=True,
    ),
    _Table(
        "stage_events.csv",
        (
            _project_col(),
            _Col("kind", ("事件", "类型"), required=True),
            _Col("on", ("日期",), required=True, kind="date"),
            _Col("note", ("备注",)),
        ),
    ),
    _Table(
        "monthly.csv",
        (
            _project_col(),
            _Col("month", ("月份",), required=True, kind="month"),
            _Col("plan", ("计划", "计划投资", "月度计划"), kind="money"),
            _Col("done", ("完成", "完成投资"), kind="money"),
        ),
    ),
    _Table(
        "milestones.csv",
        (
            _project_col(),
            _Col("name", ("节点", "节点名称", "节点任务"), required=True),
            _Col("planned", ("计划完成日期",), required=True, kind="date"),
            _Col("start", ("开始日期", "计划开始日期"), kind="date"),
            _Col("done", ("实际完成日期",), kind="date"),
            _Col("percent", ("完成比例", "完成百分比", "进度"), kind="percent"),
            _Col("unit", ("责任单位",)),
        ),
    ),
    _Table(
        "approvals.csv",
        (
            _project_col(),
            _Col("name", ("要件", "要件名称", "事项"), required=True),
            _Col("kind", ("类型", "要件类型")),
            _Col("authority", ("审批部门",)),
            _Col("required", ("必需", "是否必需"), kind="bool"),
            _Col("applied", ("申报日期",), kind="date"),
            _Col("granted", ("批复日期", "办结日期"), kind="date"),
            _Col("one_trip", ("最多跑一次",), kind="bool"),
        ),
    ),
    _Table(
        "site_activity.csv",
        (
            _project_col(),
            _Col("day", ("日期",), required=True, kind="date"),
            _Col("active", ("有施工", "是否施工"), required=True, kind="bool"),
            _Col("source", ("来源",)),
        ),
    ),
    _Table(
        "units.csv",
        (
            _Col("name", ("单位名称", "名称"), required=True),
            _Col("region", ("区域",)),
            _Col("kind", ("类型",)),
        ),
    ),
    _Table(
        "task_forces.csv",
        (
            _Col("name", ("专班名称", "名称"), required=True),
            _Col("lead", ("牵头领导", "组长")),
            _Col("members", ("成员",), kind="list"),
            _Col("projects", ("项目",), kind="list"),
        ),
    ),
    _Table(
        "leaders.csv",
        (
            _Col("name", ("姓名",), required=True),
            _Col("rank", ("级别",), required=True),
            _Col("role", ("职务",)),
            _Col("projects", ("包保项目", "项目"), kind="list"),
        ),
    ),
    _Table(
        "secretaries.csv",
        (
            _Col("name", ("姓名",), required=True),
            _Col("unit", ("单位",), required=True),
            _Col("projects", ("服务项目", "项目"), kind="list"),
            _Col("default_cadence", ("联系频次",)),
        ),
    ),
    _Table(
        "cadences.csv",
        (
            _Col("secretary", ("服务秘书",), required=True),
            _project_col(),
            _Col("cadence", ("联系频次",), required=True),
        ),
    ),
    _Table(
        "contacts.csv",
        (
            _Col("secretary", ("服务秘书",), required=True),
            _project_col(),
            _Col("on", ("日期",), required=True, kind="date"),
            _Col("mode", ("方式",)),
            _Col("note", ("备注",)),
        ),
    ),
    _Table(
        "issues.csv",
        (
            _Col("id", ("问题编号", "编号"), required=True),
            _project_col(),
            _Col("category", ("问题类别", "类别"), required=True),
            _Col("title", ("问题", "问题描述"), required=True),
            _Col("difficulty", ("难度",)),
        ),
    ),
    _Table(
        "issue_events.csv",
        (
            _Col("issue", ("问题编号",), required=True),
            _Col("at", ("日期",), required=True, kind="date"),
            _Col("kind", ("事件",), required=True),
            _Col("actor", ("经办人", "操作人"), required=True),
            _Col("from_state", ("原状态",)),
            _Col("to_state", ("新状态",)),
            _Col("tier", ("层级",)),
            _Col("owner", ("承办单位",)),
            _Col("deadline", ("时限", "办结时限"), kind="date"),
            _Col("sheet", ("督办单",)),
            _Col("party", ("等待方",)),
            _Col("policy", ("政策版本",)),
            _Col("note", ("备注",)),
        ),
    ),
)
_BY_FILE: Final = {t.file: t for t in _TABLES}

#: The files of a CSV ledger, in the order they are read and written.
CSV_FILES: Final = tuple(t.file for t in _TABLES)

# ``annual_plan_2020``, ``2020年度计划投资``, ``2020年计划投资``, ``年度计划投资2020``.
_ANNUAL: Final = re.compile(
    r"annual_plan_(\d{4})|(\d{4})年?年度计划投资|(\d{4})年计划投资|年度计划投资_?(\d{4})年?"
)
_UNIT_SUFFIX: Final = re.compile(r"\((?:万元|%)\)$")

_DATE: Final = re.compile(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?")
_MONTH: Final = re.compile(r"(\d{4})[-/.年](\d{1,2})(?:月|[-/.]0?1)?")
# What a reference to no project expected, in the model's words (the JSON reader's too).
_A_PROJECT: Final = "a project in the portfolio"
_TRUE: Final = frozenset({"yes", "y", "true", "1", "是", "√"})
_FALSE: Final = frozenset({"no", "n", "false", "0", "否", "×"})


def _column_name(table: _Table, names: Mapping[str, str], key: str) -> str | None:
    """The column a normalised header names (annual plans by year), or None."""
    name = names.get(key)
    year = _ANNUAL.fullmatch(key) if name is None and table.file == "projects.csv" else None
    if year is not None:
        name = f"annual_plan_{next(g for g in year.groups() if g)}"
    return name


def _kind(table: _Table, name: str) -> str:
    """The kind of the column ``name`` of ``table``: an annual plan is money."""
    if name.startswith("annual_plan_"):
        return "money"
    return next(c.kind for c in table.columns if c.name == name)


def _missing_columns(table: _Table, seen: Mapping[str, str], where: str) -> list[LedgerError]:
    out = []
    for col in table.columns:
        if col.required and col.name not in seen:
            aliases = "/".join(col.aliases)
            detail = f"required column {col.name!r} ({aliases}) is missing"
            out.append(_problem(where, detail, col.name, None))
    if table.file == "projects.csv" and "code" not in seen and "local_id" not in seen:
        detail = "needs a 'code' (项目代码) or a 'local_id' (本地编号) column; it has neither"
        out.append(_problem(where, detail, "code or local_id", None))
    return out


def _year_problem(where: str, header: str, column: str) -> LedgerError | None:
    """The problem with an annual plan column whose year the model refuses, if any."""
    year = column.removeprefix("annual_plan_")
    if year == column:
        return None
    try:
        _to_year(year, column)  # the model's own year rule, range included
    except ProjpushError as err:
        expected = err.expected or "a year"
        detail = f"the year of {header!r} must be {expected.removeprefix('a whole number ')}"
        return _problem(where, detail, expected, year)
    return None


def _norm_header(text: str) -> str:
    return _UNIT_SUFFIX.sub("", normalise_text(text).lower().replace(" ", ""))


# --------------------------------------------------------------------------- rows


@attrs.frozen
class _Place:
    """Where a table's cells are, as messages name them: a CSV file (``projects.csv:5:总投资``).

    A workbook's sheet names them its own way (:mod:`projpush.io.xlsx`).
    """

    file: str
    header_line: int = 1

    def cell(self, line: int, index: int | None, header: str) -> str:  # noqa: ARG002 (a sheet's)
        """The cell of the column ``header`` (at ``index``, None if absent) on ``line``."""
        return f"{self.file}:{line}:{header}"

    def blank_cell(self, line: int, index: int) -> str:
        """The cell at ``index`` of a column with no header."""
        return f"{self.file}:{line}:{_column_letter(index)}"

    def row(self, line: int) -> str:
        """The whole row ``line``."""
        return f"{self.file}:{line}"


@attrs.frozen
class _Row:
    """One data row: its cells by column name and the headers as the file wrote them."""

    file: str
    line: int
    cells: Mapping[str, str]
    headers: Mapping[str, str]
    place: _Place | None = None  # None: the CSV file ``file``
    index: Mapping[str, int] = attrs.field(factory=dict)  # column name -> position
    bad: frozenset[str] = frozenset()  # cells already reported (a workbook's typed cells)

    def get(self, column: str) -> str | None:
        """The cell's text, or None when blank or when the file lacks the column."""
        text = self.cells.get(column, "").strip()
        return text or None

    def header(self, column: str) -> str:
        return self.headers.get(column, column)

    def where(self, column: str) -> str:
        if self.place is None:
            return f"{self.file}:{self.line}:{self.header(column)}"
        return self.place.cell(self.line, self.index.get(column), self.header(column))


def _problem(where: str, detail: str, expected: str | None = None, got: Any = None) -> LedgerError:
    return LedgerError(f"{where}: {detail}", field=where, expected=expected, got=got)


def _cell_error(row: _Row, column: str, expected: str, got: Any) -> LedgerError:
    return _problem(
        row.where(column), f"{row.header(column)}: expected {expected}, got {got!r}", expected, got
    )


_EVENT_FIELD: Final = re.compile(r"events\[(\d+)\](?:\.(\w+)| states)?")
_LEAD: Final = re.compile(r"[A-Za-z_]\w*")


def _translate(row: _Row, column: str, err: ProjpushError) -> LedgerError:
    """A model error as a ledger error at ``row``'s ``column``, in the model's words."""
    text = str(err)
    prefixes = [f"{f}:" for f in (err.field, _attr_of(err.field)) if f]
    prefix = next((x for x in prefixes if text.startswith(x)), None)
    if prefix is not None:
        text = text[len(prefix) :].lstrip()
    else:
        match = _EVENT_FIELD.match(text)
        if match and text[match.end() : match.end() + 1] == ":":
            text = text[match.end() + 1 :].lstrip()
    return _problem(row.where(column), f"{row.header(column)}: {text}", err.expected, err.got)


def _attr_of(field: str | None) -> str:
    match = _LEAD.match(field or "")
    return match[0] if match else ""


# --------------------------------------------------------------------------- cell parsers


def _parse_date(row: _Row, column: str, text: str) -> dt.date:
    match = _DATE.fullmatch(normalise_text(text))
    if match:
        try:
            return dt.date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            pass
    # Refused in the JSON reader's words, with the spellings a cell may use besides.
    return _by_the_model(row, column, to_date, text, "YYYY/M/D or YYYY年M月D日")


def _parse_month(row: _Row, column: str, text: str) -> Month:
    match = _MONTH.fullmatch(normalise_text(text))
    if match and 1 <= int(match[2]) <= 12:
        try:
            return Month(int(match[1]), int(match[2]))
        except ProjpushError:
            pass
    return _by_the_model(row, column, Month.parse, text, "YYYY/M or YYYY年M月")


def _parse_money(row: _Row, column: str, text: str) -> Decimal:
    return _by_the_model(row, column, to_money, text)


def _parse_percent(_row: _Row, _column: str, text: str) -> str:
    return text  # the model reads it, range included, and shows the number as typed


def _by_the_model(
    row: _Row, column: str, convert: Callable[[str, str], T], text: str, also: str = ""
) -> T:
    """``convert(text)`` by the model's rule (what JSON reads), its refusal at the cell.

    ``also`` names the other spellings a cell may use, added to the message;
    ``expected`` stays the model's, as every reader gives it.
    """
    try:
        return convert(text, column)
    except ProjpushError as err:
        error = _translate(row, column, err)
        if not also:
            raise error from None
        msg = f"{error} (a cell may also read {also})"
        raise LedgerError(msg, field=error.field, expected=error.expected, got=error.got) from None


def _parse_bool(row: _Row, column: str, text: str) -> bool:
    word = normalise_text(text).lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    raise _cell_error(row, column, "yes/no (是/否, true/false, 1/0)", text)


def _parse_list(_row: _Row, _column: str, text: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in _LIST_SPLIT.split(text) if item.strip())


_PARSERS: Final[dict[str, Callable[[_Row, str, str], Any]]] = {
    "date": _parse_date,
    "month": _parse_month,
    "money": _parse_money,
    "percent": _parse_percent,
    "bool": _parse_bool,
    "list": _parse_list,
}


# --------------------------------------------------------------------------- reading


@functools.cache
def _table_columns(file: str, skip: tuple[str, ...] = ()) -> tuple[tuple[str, _Col, bool], ...]:
    """(keyword, column, required) for each column of ``file`` not skipped."""
    return tuple((c.name, c, c.required) for c in _BY_FILE[file].columns if c.name not in skip)


@functools.cache
def _field_columns(
    file: str, cls: type, skip: tuple[str, ...] = ()
) -> tuple[tuple[str, _Col, bool], ...]:
    """(keyword, column, required) for each init field of ``cls`` that ``file`` has.

    Worked out once per file and class, not once per row.
    """
    columns = {c.name: c for c in _BY_FILE[file].columns}
    return tuple(
        (f.alias, columns[f.alias], f.default is attrs.NOTHING)
        for f in attrs.fields(cls)
        if f.init and f.alias not in skip and f.alias in columns
    )


@attrs.frozen
class _Sheet:
    """One table's cells as its source holds them, header row first, and where they are.

    A CSV file's cells are text. A workbook's are typed (numbers, dates):
    :meth:`_Source.text` turns each into text once the header has said its
    column's kind, so every source shares the text grammar below.
    """

    records: Sequence[Sequence[Any]]
    place: _Place


class _CellValueError(Exception):
    """A typed cell that has no text of its column's kind (raised by a source's ``text``)."""

    def __init__(self, expected: str, got: object) -> None:
        super().__init__(expected)
        self.expected = expected
        self.got = got


class _Source:
    """Where the reader finds the tables of a ledger: here, a folder of CSV files."""

    kind = "file"  # what a table is called in a message

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.name = folder.name
        self.gb18030: list[str] = []  # the files read as GB18030, not UTF-8
        try:
            self.listing = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
        except FileNotFoundError:
            self.listing = {}

    def called(self, file: str) -> str:
        """The table ``file`` as a message names it."""
        return file

    def ignored(self, index: int, key: str) -> bool:  # noqa: ARG002 (a workbook's rule)
        """True for a column the source holds beside the table (a workbook's 序号)."""
        return False

    def text(self, value: object, kind: str) -> str:  # noqa: ARG002 (a workbook's rule)
        """The text of a typed cell of a column of ``kind``; a CSV cell is text already."""
        return str(value)

    def sheet(self, report: Callable[[LedgerError], None], file: str) -> _Sheet | None:
        """The table ``file``, None if absent; [] records (reported) when unreadable."""
        path = self.folder / file
        if not path.is_file():
            path = self.listing.get(file, path)
        if not path.is_file():
            return None
        return _Sheet(self._records(path, file, report), _Place(file))

    def _records(
        self, path: Path, file: str, report: Callable[[LedgerError], None]
    ) -> list[list[str]]:
        """The file's records, header first; [] (reported) when it cannot be read as CSV."""
        data = path.read_bytes()
        try:
            text, encoding = decode_csv(data)
        except UnicodeDecodeError as err:
            if data.startswith(codecs.BOM_UTF8):
                detail = f"starts with a UTF-8 byte-order mark but is not UTF-8 (byte {err.start})"
            else:
                detail = f"neither UTF-8 nor GB18030 text (byte {err.start})"
            remedy = "; save it as 'CSV UTF-8 (逗号分隔)' from Excel or WPS"
            report(_problem(file, detail + remedy, "UTF-8 or GB18030 text", None))
            return []
        if encoding != "utf-8":
            self.gb18030.append(file)
        records: list[list[str]] = []
        try:
            # A cell projpush quoted against formulas ('=x) reads back as it was typed (=x).
            records.extend(
                [unescape_cell(cell) for cell in record]
                for record in csv.reader(StringIO(text, newline=""), strict=True)
            )
        except csv.Error as err:
            where = f"{file}:{len(records) + 1}"  # the row being read when it broke
            report(_problem(where, f"not readable as CSV: {err}", "CSV text", None))
            return []
        if not records:
            report(_problem(file, "the file is empty; expected a header row", "a header"))
        return records


def _filled(cell: object) -> bool:
    """True for a cell that holds something: text other than spaces, or a typed value."""
    return cell.strip() != "" if isinstance(cell, str) else cell is not None


class _Reader:
    """Reads one ledger, collecting every problem instead of stopping at the first."""

    def __init__(self, source: _Source | Path) -> None:
        if isinstance(source, Path):
            source = _Source(source)  # a CSV folder
        self.source = source
        self.called = source.called
        self.problems: list[LedgerError] = []
        self.keys: dict[str, str] = {}  # code, local id or key -> project key
        self.bad_keys: set[str] = set()  # keys of project rows that failed
        self.bad_names: dict[str, set[str]] = {}  # per file: names of rows that failed
        self.bad_children: set[str] = set()  # projects with a bad milestone, month, event...
        self.projects_usable = True

    def report(self, error: LedgerError) -> None:
        self.problems.append(error)

    # ------------------------------------------------------------------ files

    def table(self, file: str) -> list[_Row] | None:
        """The rows of ``file``, None if it is absent; problems are reported."""
        table = _BY_FILE[file]
        sheet = self.source.sheet(self.report, file)
        if sheet is None:
            if table.required:
                kind = self.source.kind
                detail = f"this {kind} is required but missing"
                self.report(_problem(self.called(file), detail, f"the {kind}", None))
            return None
        records, place = sheet.records, sheet.place
        header = [str(text) for text in records[0]] if records else []
        columns = self._header(table, header, place) if records else None
        if columns is None:
            return []
        headers = {
            name: text.strip()
            for name, text in zip(columns, header, strict=True)
            if name is not None
        }
        index = {name: i for i, name in enumerate(columns) if name is not None}
        self._blank_headers(place, records)
        rows = []
        for line, record in enumerate(records[1:], start=place.header_line + 1):
            if not any(_filled(cell) for cell in record):
                continue  # spreadsheets export trailing blank rows
            extra = [cell for cell in record[len(columns) :] if _filled(cell)]
            if extra:
                detail = f"the row has {len(record)} cells but the header has {len(columns)}"
                self.report(_problem(place.row(line), detail, f"{len(columns)} cells", extra[0]))
                # the row is still read, so rows that refer to it are not reported too
            rows.append(self._row(_Row(file, line, {}, headers, place, index), columns, record))
        return rows

    def _row(self, row: _Row, columns: list[str | None], record: Sequence[Any]) -> _Row:
        """``row`` with the cells of ``record``; a typed cell as the text of its column's kind.

        A typed cell that has no such text is reported here, and marked bad
        so that it is not reported again as blank.
        """
        cells: dict[str, str] = {}
        bad: set[str] = set()
        table = _BY_FILE[row.file]
        for name, cell in zip(columns, record, strict=False):
            if name is None:
                continue
            if isinstance(cell, str):
                cells[name] = cell
                continue
            try:
                cells[name] = self.source.text(cell, _kind(table, name))
            except _CellValueError as err:
                self.report(_cell_error(row, name, err.expected, err.got))
                cells[name] = str(cell)  # not blank: a required cell is not reported again
                bad.add(name)
        return attrs.evolve(row, cells=cells, bad=frozenset(bad))

    def _blank_headers(self, place: _Place, records: Sequence[Sequence[Any]]) -> None:
        """Report each column with a blank header but a filled cell: its data would be lost."""
        blank = [i for i, text in enumerate(records[0]) if not _norm_header(str(text))]
        for i in blank:
            line, cell = next(
                (
                    (n, r[i])
                    for n, r in enumerate(records[1:], start=place.header_line + 1)
                    if r[i : i + 1] and _filled(r[i])
                ),
                (0, ""),
            )
            if line:
                detail = (
                    f"column {_column_letter(i)} has a blank header but holds {cell!r}; expected "
                    f"a header naming the column (start it with '#' to keep an extra column), "
                    f"or blank cells"
                )
                self.report(_problem(place.blank_cell(line, i), detail, "a header", cell))

    def _header(
        self, table: _Table, header: list[str], place: _Place | None = None
    ) -> list[str | None] | None:
        """Column name per position (None: ignored), or None when the header is unusable."""
        place = place or _Place(table.file)
        names: dict[str, str] = {}
        for col in table.columns:
            for alias in (col.name, *col.aliases):
                names.setdefault(_norm_header(alias), col.name)
        result: list[str | None] = []
        seen: dict[str, str] = {}
        ok = True
        for i, text in enumerate(header):
            key = _norm_header(text)
            if not key or key.startswith("#") or self.source.ignored(i, key):
                result.append(None)  # blank headers (with blank cells) and "#备注" are ignored
                continue
            name = _column_name(table, names, key)
            where = place.cell(place.header_line, i, text.strip())
            bad_year = None if name is None else _year_problem(where, text.strip(), name)
            if bad_year is not None:
                self.report(bad_year)
                ok = False
            if name is None:
                known = ", ".join(c.name for c in table.columns)
                extra = ", annual_plan_YYYY" if table.file == "projects.csv" else ""
                detail = (
                    f"unknown column {text.strip()!r}; known columns: {known}{extra} "
                    f"(or their Chinese headers); start a header with '#' to keep an extra column"
                )
                self.report(_problem(where, detail, "a known column"))
                ok = False
                result.append(None)
                continue
            if name in seen:  # both headers as the file has them: 'name' and ' Name '
                detail = f"column {name!r} appears twice, as {seen[name]!r} and {text!r}"
                self.report(_problem(where, detail, "unique columns"))
                ok = False
            seen.setdefault(name, text)
            result.append(name)
        missing = _missing_columns(table, seen, place.row(place.header_line))
        self.problems.extend(missing)
        return result if ok and not missing else None

    # ------------------------------------------------------------------ values

    def values(self, row: _Row, cls: type, skip: tuple[str, ...] = ()) -> dict[str, Any] | None:
        """Keyword arguments for ``cls`` from ``row``: parsed cells, blanks left to defaults.

        A blank cell of a field with no default is passed as ``""`` so that the
        model says what it expected. None if a cell could not be parsed.
        """
        return self.cells(row, _field_columns(row.file, cls, skip))

    def cells(self, row: _Row, columns: Iterable[tuple[str, _Col, bool]]) -> dict[str, Any] | None:
        """Parsed cells of ``row`` by keyword; a blank required cell is ``""``, others left out.

        None (each problem reported) if a cell could not be parsed.
        """
        out: dict[str, Any] = {}
        ok = True
        for key, col, required in columns:
            if col.name in row.bad:
                ok = False  # reported when the row was read
                continue
            text = row.get(col.name)
            if text is None:
                if required:
                    out[key] = ""
                continue
            parse = _PARSERS.get(col.kind)
            if parse is None:
                out[key] = text
                continue
            try:
                out[key] = parse(row, col.name, text)
            except LedgerError as err:
                self.report(err)
                ok = False
        return out if ok else None

    def make(self, row: _Row, cls: type[T]) -> T | None:
        """Build ``cls`` from ``row``'s cells alone, reporting any problem at its cell."""
        return self.build(row, cls, self.values(row, cls))

    def build(
        self,
        row: _Row,
        cls: Callable[..., T],
        values: Mapping[str, Any] | None,
        where: Callable[[ProjpushError], tuple[_Row, str]] | None = None,
    ) -> T | None:
        """Build ``cls(**values)``, reporting a model error at the cell it is about."""
        if values is None:
            return None
        try:
            return cls(**values)
        except ProjpushError as err:
            at_row, column = where(err) if where else (row, _attr_of(err.field))
            self.report(_translate(at_row, column, err))
            return None

    def _resolve(self, text: str) -> str | None:
        """The project key a code or local id names, as written or as a code once folded.

        ``2020–330200–47–03–000001`` (dash variants, full-width digits) finds
        the project coded ``2020-330200-47-03-000001``.
        """
        key = self.keys.get(normalise_text(text))
        if key is None:
            try:
                key = self.keys.get(str(ProjectCode.parse(text)))
            except ProjpushError:
                return None
        return key

    def _unknown(self, text: str) -> bool:
        """True when ``text`` names no project and that is not already reported."""
        return normalise_text(text) not in self.bad_keys and self.projects_usable

    def project(self, row: _Row, column: str = "project") -> str | None:
        """The project key a cell names (a code, its local id); None if unknown."""
        text = row.get(column)
        if text is None:
            self.report(_cell_error(row, column, "a project code or local id", ""))
            return None
        key = self._resolve(text)
        if key is None and self._unknown(text):
            projects = self.called("projects.csv")
            detail = (
                f"{row.header(column)}: no project with code or local id {text!r} in {projects}"
            )
            self.report(_problem(row.where(column), detail, _A_PROJECT, text))
        return key

    def projects_list(self, row: _Row, items: Iterable[str]) -> tuple[str, ...] | None:
        """The project keys a list cell names; None (reported) if one is unknown or repeated.

        A project named twice, in any form (its code and its local id, ``L-1``
        and ``Ｌ-1``), is reported naming both entries as typed.
        """
        keys: dict[str, str] = {}
        for item in items:
            key = self._resolve(item)
            if key is None:
                if self._unknown(item):
                    projects = self.called("projects.csv")
                    detail = f"projects: no project with code or local id {item!r} in {projects}"
                    where = row.where("projects")
                    self.report(_problem(where, detail, _A_PROJECT, item))
                    return None
                continue
            if key in keys:
                first = keys[key]
                detail = (
                    f"{row.header('projects')}: expected each project once, got {first!r} and "
                    f"{item!r}, which both name {key!r}"
                )
                self.report(_problem(row.where("projects"), detail, "each project once", item))
                return None
            keys[key] = item
        return tuple(keys)

    def unique(self, rows: Iterable[tuple[_Row, str]], column: str, what: str) -> set[int]:
        """Report rows whose key repeats an earlier row's; return their lines.

        Keys are compared folded (``市　教育局`` is ``市 教育局``); when the two
        cells differ as typed, the message shows both.
        """
        seen: dict[str, _Row] = {}
        dupes = set()
        for row, key in rows:
            first = seen.get(key)
            if first is None:
                seen[key] = row
                continue
            detail = f"{row.header(column)}: duplicate {what} {key!r}; line {first.line} has it too"
            mine, theirs = row.get(column), first.get(column)
            if mine != theirs:
                detail += f" (typed {theirs!r} there, {mine!r} here)"
            self.report(_problem(row.where(column), detail, "a unique key", key))
            dupes.add(row.line)
        return dupes

    # ------------------------------------------------------------------ the ledger

    def read(self) -> Portfolio | None:
        project_rows = self._project_rows()
        children = self._children()
        projects = self._projects(project_rows, children)
        units = self._named("units.csv", Unit)
        forces = self._task_forces()
        leaders = self._leaders()
        secretaries = self._secretaries()
        issues = self._issues()
        if self.problems:
            return None
        try:
            return Portfolio(
                projects=projects,
                leaders=leaders,
                secretaries=secretaries,
                issues=issues,
                units=units,
                task_forces=forces,
            )
        except ProjpushError as err:  # every rule is checked above; kept as a safety net
            self.report(_problem(self.source.name, str(err), err.expected, err.got))
            return None

    def _project_rows(self) -> list[tuple[_Row, dict[str, Any], Project]]:
        """Each sound, unique project row: its values and the project they build."""
        rows = self.table("projects.csv")
        if rows is None or (not rows and self.problems):
            self.projects_usable = False
            return []
        out = []
        keyed: list[tuple[_Row, str]] = []
        local: list[tuple[_Row, str]] = []
        for row in rows:
            values = self._annual(row, self.values(row, Project))
            project = self.build(row, Project, values, _at_project_row(row))
            if project is None or values is None:
                code = row.get("code") or row.get("local_id")
                if code:
                    self.bad_keys.add(normalise_text(code))
                continue
            if project.code is not None:  # keyed by its code; a local id is checked below
                keyed.append((row, project.key))
            if project.local_id is not None:
                local.append((row, project.local_id))
            out.append((row, values, project))
        dupes = self.unique(keyed, "code", "project code") | self.unique(
            local, "local_id", "local id"
        )
        dupes |= self._shared_ids(
            [(row, project) for row, _, project in out if row.line not in dupes]
        )
        for _row, _, project in out:
            if project.local_id is not None:
                self.keys.setdefault(project.local_id, project.key)
        for _row, _, project in out:
            self.keys[project.key] = project.key
        return [(row, values, project) for row, values, project in out if row.line not in dupes]

    def _shared_ids(self, rows: list[tuple[_Row, Project]]) -> set[int]:
        """Report project rows named by a text that names an earlier row's project too.

        A code of one project that is the local id of another (in any form that
        parses as the code) would make every reference to it ambiguous. The
        lines reported are returned.
        """
        owner: dict[str, tuple[_Row, Project]] = {}
        lines = set()
        for row, project in rows:
            for text in project_ids(project):
                first_row, first = owner.setdefault(text, (row, project))
                if first is project:
                    continue
                column = "code" if str(project.code) == text else "local_id"
                whose = "code" if str(first.code) == text else "local id"
                typed = row.get(column)
                theirs = first_row.get("code" if whose == "code" else "local_id")
                detail = (
                    f"{row.header(column)}: expected a code or local id no other project has, "
                    f"got {typed!r}, which names the project of line {first_row.line} too "
                    f"(its {whose} {theirs!r})"
                )
                self.report(_problem(row.where(column), detail, "a unique project key", typed))
                lines.add(row.line)
                break
        return lines

    def _annual(self, row: _Row, values: dict[str, Any] | None) -> dict[str, Any] | None:
        plans = {}
        for column, text in row.cells.items():
            if column in row.bad:
                values = None
                continue
            if not column.startswith("annual_plan_") or not text.strip():
                continue
            try:
                plans[int(column.removeprefix("annual_plan_"))] = _parse_money(row, column, text)
            except LedgerError as err:
                self.report(err)
                values = None
        return None if values is None else {**values, "annual_plans": plans}

    def _children(self) -> dict[str, dict[str, list[tuple[_Row, Any]]]]:
        """Per file, per project key: the rows and the values they hold."""
        out: dict[str, dict[str, list[tuple[_Row, Any]]]] = {}
        classes: dict[str, type] = {
            "stage_events.csv": StageEvent,
            "milestones.csv": Milestone,
            "approvals.csv": ApprovalItem,
            "site_activity.csv": SiteObservation,
        }
        builders: dict[str, Callable[[_Row], Any]] = {
            **{file: functools.partial(self.make, cls=cls) for file, cls in classes.items()},
            "monthly.csv": self._monthly,
        }
        for file, make in builders.items():
            groups: dict[str, list[tuple[_Row, Any]]] = {}
            for row in self.table(file) or []:
                key = self.project(row)
                value = make(row)
                if key is not None and value is not None:
                    groups.setdefault(key, []).append((row, value))
                elif key is not None:
                    self.bad_children.add(key)
            out[file] = groups
        for file, what in (("milestones.csv", "milestone"), ("approvals.csv", "approval item")):
            for group in out[file].values():
                self.unique(((r, normalise_text(v.name)) for r, v in group), "name", what)
        for group in out["monthly.csv"].values():
            self.unique(((r, str(v[0])) for r, v in group), "month", "month for this project")
        return out

    def _monthly(self, row: _Row) -> tuple[Month, Decimal | None, Decimal | None] | None:
        """A monthly.csv row's month, plan and done, parsed by the kinds its table declares."""
        values = self.cells(row, _table_columns("monthly.csv", skip=("project",)))
        if row.get("month") is None:
            self.report(_cell_error(row, "month", "a month YYYY-MM", ""))
            return None
        if values is None:
            return None
        return values["month"], values.get("plan"), values.get("done")

    def _projects(
        self,
        rows: list[tuple[_Row, dict[str, Any], Project]],
        children: dict[str, dict[str, list[tuple[_Row, Any]]]],
    ) -> tuple[Project, ...]:
        out = []
        for row, values, project in rows:
            key = project.key
            if key in self.bad_children:
                continue  # checked as a whole only once its rows are sound
            if not any(key in groups for groups in children.values()):
                out.append(project)  # no child rows: the project its row built is whole
                continue

            def kids(file: str, key: str = key) -> list[tuple[_Row, Any]]:
                return children[file].get(key, [])

            monthly = kids("monthly.csv")
            events = kids("stage_events.csv")
            full = {
                **values,
                "milestones": tuple(v for _, v in kids("milestones.csv")),
                "approvals": tuple(v for _, v in kids("approvals.csv")),
                "site_activity": tuple(v for _, v in kids("site_activity.csv")),
                "stage_events": tuple(v for _, v in events),
                "monthly_plan": {m: p for _, (m, p, _d) in monthly if p is not None},
                "monthly_done": {m: d for _, (m, _p, d) in monthly if d is not None},
            }

            def where(err: ProjpushError, r: _Row = row, ev: Any = events) -> tuple[_Row, str]:
                match = re.match(r"stage_events\[(\d+)\]", err.field or "")
                if match:
                    return ev[int(match[1])][0], "kind"
                return r, _project_column(err)

            built = self.build(row, Project, full, where)
            if built is not None:
                out.append(built)
        return tuple(out)

    def _named(self, file: str, cls: type[T]) -> tuple[T, ...]:
        """The rows of a file keyed by name (units, people, task forces), names unique."""
        rows = self.table(file) or []
        self.unique(((r, normalise_text(r.get("name") or "")) for r in rows), "name", "name")
        out = []
        for row in rows:
            values = self.values(row, cls)
            if values is not None and "projects" in values:
                keys = self.projects_list(row, values["projects"])
                values = None if keys is None else {**values, "projects": keys}
            built = self.build(row, cls, values)
            if built is None:
                self.bad_names.setdefault(file, set()).add(normalise_text(row.get("name") or ""))
            else:
                out.append(built)
        return tuple(out)

    def _task_forces(self) -> tuple[TaskForce, ...]:
        return self._named("task_forces.csv", TaskForce)

    def _leaders(self) -> tuple[Leader, ...]:
        return self._named("leaders.csv", Leader)

    def _secretaries(self) -> tuple[Secretary, ...]:
        plain = self._named("secretaries.csv", Secretary)
        by_name = {normalise_text(s.name): s for s in plain}
        cadences: dict[str, dict[str, Any]] = {}
        cadence_rows = self.table("cadences.csv") or []
        pairs = [(row, self._served(row, by_name)) for row in cadence_rows]
        dupes = self.unique(
            ((row, f"{s[1].name} / {s[0]}") for row, s in pairs if s is not None),
            "project",
            "secretary / project pair",
        )
        for row, secretary in pairs:
            if secretary is None or row.line in dupes:
                continue
            key, person = secretary
            try:
                cadence = to_enum(Cadence, row.get("cadence") or "", "cadence")
            except ProjpushError as err:
                self.report(_translate(row, "cadence", err))
                continue
            cadences.setdefault(person.name, {})[key] = cadence
        contacts: dict[str, list[Contact]] = {}
        for row in self.table("contacts.csv") or []:
            secretary = self._served(row, by_name)
            values = self.values(row, Contact)
            if secretary is None or values is None:
                continue
            contact = self.build(row, Contact, {**values, "project": secretary[0]})
            if contact is not None:
                contacts.setdefault(secretary[1].name, []).append(contact)
        # Each secretary row is built alone first, so its own problems come in file order
        # before its cadence and contact rows are read; a secretary with neither keeps it.
        return tuple(
            attrs.evolve(
                s,
                cadences=FrozenMap(cadences.get(s.name, {})),
                contacts=tuple(contacts.get(s.name, ())),
            )
            if s.name in cadences or s.name in contacts
            else s
            for s in plain
        )

    def _served(self, row: _Row, by_name: Mapping[str, Secretary]) -> tuple[str, Secretary] | None:
        """The project and the secretary a cadence or contact row names, both checked."""
        typed = row.get("secretary") or ""
        name = normalise_text(typed)  # names are compared folded
        person = by_name.get(name)
        key = self.project(row)
        if person is None and name in self.bad_names.get("secretaries.csv", ()):
            return None  # its own row is reported already
        if person is None:
            detail = (
                f"{row.header('secretary')}: no secretary named {typed!r} in "
                f"{self.called('secretaries.csv')}"
            )
            self.report(_problem(row.where("secretary"), detail, "a known secretary", typed))
            return None
        if key is None:
            return None
        if key not in person.projects:
            detail = (
                f"{row.header('project')}: {person.name!r} does not serve {key!r} "
                f"(see the projects column of {self.called('secretaries.csv')})"
            )
            self.report(_problem(row.where("project"), detail, "a project they serve", key))
            return None
        return key, person

    def _issues(self) -> tuple[Issue, ...]:
        issue_rows = self.table("issues.csv")
        event_rows = self.table("issue_events.csv")
        if issue_rows is None:
            if event_rows:
                issues = self.called("issues.csv")
                detail = f"{self.called('issue_events.csv')} is present, so {issues} is required"
                self.report(_problem(issues, detail, f"the {self.source.kind}", None))
            return ()
        ids = [(r, normalise_text(r.get("id") or "")) for r in issue_rows]
        self.unique(ids, "id", "issue id")
        known = {key for _, key in ids}
        events: dict[str, list[_Row]] = {}
        for row in event_rows or []:
            key = normalise_text(row.get("issue") or "")
            if key not in known:
                issues = self.called("issues.csv")
                detail = f"{row.header('issue')}: no issue with id {key!r} in {issues}"
                self.report(_problem(row.where("issue"), detail, f"an issue in {issues}", key))
                continue
            events.setdefault(key, []).append(row)
        out = []
        for row, key in ids:
            issue = self._issue(row, events.get(key, []))
            if issue is not None:
                out.append(issue)
        return tuple(out)

    def _issue(self, row: _Row, event_rows: list[_Row]) -> Issue | None:
        """Build one issue by replaying its event rows in file order."""
        values = self.values(row, Issue)
        project = self.project(row)
        if values is None or project is None:
            return None
        if not event_rows:
            detail = (
                f"{row.header('id')}: issue {row.get('id')!r} has no events; "
                f"{self.called('issue_events.csv')} needs at least its 'collected' event"
            )
            self.report(_problem(row.where("id"), detail, "a collected event", None))
            return None
        first, rest = event_rows[0], event_rows[1:]
        payload = self.values(first, IssueEvent, skip=("from_state", "to_state"))
        given = self._states(first)
        if payload is None or given is None:
            return None
        event = self.build(
            first,
            IssueEvent,
            {"from_state": given[0], "to_state": given[1] or IssueState.COLLECTED, **payload},
        )
        if event is None:
            return None
        issue = self.build(
            row,
            Issue,
            {**values, "project": project, "events": (event,)},
            _issue_locator(row, event_rows, None),
        )
        for erow in rest:
            if issue is None:
                break
            issue = self._step(issue, erow, _issue_locator(row, event_rows, erow))
        return issue

    def _step(
        self, issue: Issue, row: _Row, where: Callable[[ProjpushError], tuple[_Row, str]]
    ) -> Issue | None:
        """Take the step one event row records; explicit from/to states must agree."""
        payload = self.values(row, IssueEvent, skip=("from_state", "to_state"))
        if payload is None:
            return None
        stepped = self.build(row, issue.step, payload, where)
        if stepped is None or not self._states_match(row, stepped.events[-1]):
            return None
        return stepped

    def _states(self, row: _Row) -> tuple[IssueState | None, IssueState | None] | None:
        out: list[IssueState | None] = []
        for column in ("from_state", "to_state"):
            text = row.get(column)
            try:
                out.append(None if text is None else to_enum(IssueState, text, column))
            except ProjpushError as err:
                self.report(_translate(row, column, err))
                return None
        return out[0], out[1]

    def _states_match(self, row: _Row, event: IssueEvent) -> bool:
        given = self._states(row)
        if given is None:
            return False
        for column, state, actual in zip(
            ("from_state", "to_state"), given, (event.from_state, event.to_state), strict=True
        ):
            if state is not None and state is not actual:
                shown = "none" if actual is None else actual.value
                detail = (
                    f"{row.header(column)}: expected {shown!r} for a {event.kind.value} event "
                    f"here, got {state.value!r} (leave the column blank to derive it)"
                )
                self.report(_problem(row.where(column), detail, shown, state.value))
                return False
        return True


def _issue_locator(
    row: _Row, event_rows: list[_Row], current: _Row | None
) -> Callable[[ProjpushError], tuple[_Row, str]]:
    """Where an issue's error belongs: its issues.csv row or one of its event rows.

    ``events[2].deadline`` points at the third event row; a bare field such as
    ``kind`` comes from the step being taken (``current``) or, when building
    the issue itself, from the issues.csv row.
    """

    def where(err: ProjpushError) -> tuple[_Row, str]:
        match = _EVENT_FIELD.fullmatch(err.field or "")
        if match is None:
            return (current or row), _attr_of(err.field)
        event_row = event_rows[int(match[1])]
        if match[2]:
            return event_row, match[2]
        return event_row, "to_state" if event_row.get("to_state") else "kind"

    return where


def _at_project_row(row: _Row) -> Callable[[ProjpushError], tuple[_Row, str]]:
    def where(err: ProjpushError) -> tuple[_Row, str]:
        return row, _project_column(err)

    return where


def _project_column(err: ProjpushError) -> str:
    attr = _attr_of(err.field)
    return attr if attr in {c.name for c in _BY_FILE["projects.csv"].columns} else "code"


# --------------------------------------------------------------------------- public


def read_csv_ledger(
    folder: str | os.PathLike[str],
) -> tuple[tuple[LedgerError, ...], Portfolio | None]:
    """Read a CSV ledger folder once: every problem found, and the portfolio if none.

    The portfolio is None exactly when there are problems. Each problem's
    ``field`` is its location (``projects.csv:5:total_investment``).

    >>> read_csv_ledger("/nonexistent")
    ((LedgerError('projects.csv: this file is required but missing'),), None)

    Raises:
        ValidationError: ``folder`` is not a path.
    """
    problems, portfolio, _ = _read(path_arg(folder, "folder"))
    return problems, portfolio


def _read(folder: Path) -> tuple[tuple[LedgerError, ...], Portfolio | None, tuple[str, ...]]:
    """:func:`read_csv_ledger`, and the notes of the reading (a file read as GB18030)."""
    source = _Source(folder)
    reader = _Reader(source)
    portfolio = reader.read()
    notes: tuple[str, ...] = ()
    if source.gb18030:
        files = ", ".join(sorted(source.gb18030))
        note = f"read as GB18030, not UTF-8 (the encoding Chinese Excel saves CSV in): {files}"
        _LOG.info(note)
        notes = (note,)
    return tuple(reader.problems), portfolio, notes


def decode_csv(data: bytes) -> tuple[str, str]:
    """The text of a CSV file's bytes and the encoding read, by the ledger's one rule.

    A UTF-8 byte-order mark means UTF-8; otherwise valid UTF-8 is read as
    UTF-8; otherwise the bytes are read as GB18030, which holds GBK and so
    the "CSV (逗号分隔)" that Chinese Excel and WPS save by default.

    Raises:
        UnicodeDecodeError: the bytes are not text of that encoding.
        ValidationError: ``data`` is not bytes.

    >>> decode_csv("名称".encode("utf-8-sig")), decode_csv("名称".encode("gbk"))
    (('名称', 'utf-8'), ('名称', 'gb18030'))
    """
    if not isinstance(data, bytes | bytearray):
        raise ValidationError.about("data", "the bytes of a CSV file", data)
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def check_csv_ledger(folder: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """List every problem of a CSV ledger folder as ``(location, message)`` pairs.

    Reading goes on past a bad row, so a person mending the spreadsheets sees
    every problem at once; a row that refers to a project whose own row is
    bad is not reported again. An empty list means the folder loads.

    >>> check_csv_ledger("/nonexistent")
    [('projects.csv', 'this file is required but missing')]
    """
    problems, _ = read_csv_ledger(folder)
    return [(str(e.field), e.detail) for e in problems]


def load_csv_ledger(folder: str | os.PathLike[str]) -> Portfolio:
    """Read a folder of CSV files (see ``docs/ledger-format.md``) into a portfolio.

    Raises:
        LedgerError: the first problem found; ``field`` is its location
            (``projects.csv:5:total_investment``: file, spreadsheet line with
            the header as line 1, column as headed in the file).
        OSError: a file cannot be read.
    """
    problems, portfolio = read_csv_ledger(folder)
    if portfolio is None:
        raise problems[0]
    return portfolio


# --------------------------------------------------------------------------- writing


def dump_csv_ledger(portfolio: Portfolio, folder: str | os.PathLike[str]) -> None:
    """Write a portfolio as a CSV ledger folder that :func:`load_csv_ledger` reads back.

    Every file of the format is written, with English headers, even when it
    has no rows, so no stale file of an earlier dump survives. Files are UTF-8
    with a byte-order mark, so that Excel shows the Chinese text when the file
    is opened by double-click. The folder is created if needed.

    Raises:
        LedgerError: a name to be written into a list cell contains one of the
            list separators ``;``, ``；`` or ``、``; or a text holds a lone
            surrogate, which UTF-8 cannot hold (``field`` is the file and line);
            or ``portfolio`` is no Portfolio.
        ValidationError: ``folder`` is not a path.
    """
    target = path_arg(folder, "folder")
    if not isinstance(portfolio, Portfolio):
        raise LedgerError.about("portfolio", "a Portfolio", portfolio)
    # Every file is encoded before any is written, so a text UTF-8 cannot hold
    # leaves the folder as it was rather than half old, half new.
    files = {
        target / file: _encoded(
            target / file, _text(header, rows), encoding="utf-8-sig", newline=""
        )
        for file, (header, rows) in _tables(portfolio).items()
    }
    target.mkdir(parents=True, exist_ok=True)
    for path, data in files.items():
        _atomic_write_bytes(path, data)


def _tables(
    p: Portfolio, cell: Callable[[object, str], Any] | None = None
) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Each file's header (English column names) and rows, every value through ``cell``.

    ``cell(value, where)`` is the CSV file's text by default; a workbook
    passes its own, which keeps numbers and dates typed.
    """
    cell = cell or _cell
    years = sorted({y for x in p.projects for y in x.annual_plans})
    project_cols = [c.name for c in _BY_FILE["projects.csv"].columns]
    out: dict[str, tuple[list[str], list[list[Any]]]] = {}
    out["projects.csv"] = (
        project_cols + [f"annual_plan_{y}" for y in years],
        [
            [cell(getattr(x, c), "") for c in project_cols]
            + [cell(x.annual_plans.get(y), "") for y in years]
            for x in p.projects
        ],
    )

    def per_project(file: str, attr: str) -> None:
        cols = [c.name for c in _BY_FILE[file].columns]
        rows = [
            [x.key, *(cell(getattr(item, c), "") for c in cols[1:])]
            for x in p.projects
            for item in getattr(x, attr)
        ]
        out[file] = (cols, rows)

    per_project("stage_events.csv", "stage_events")
    out["monthly.csv"] = (
        ["project", "month", "plan", "done"],
        [
            [x.key, str(m), cell(x.monthly_plan.get(m), ""), cell(x.monthly_done.get(m), "")]
            for x in p.projects
            for m in sorted({*x.monthly_plan, *x.monthly_done})
        ],
    )
    per_project("milestones.csv", "milestones")
    per_project("approvals.csv", "approvals")
    per_project("site_activity.csv", "site_activity")
    for file, items in (
        ("units.csv", p.units),
        ("task_forces.csv", p.task_forces),
        ("leaders.csv", p.leaders),
        ("secretaries.csv", p.secretaries),
    ):
        cols = [c.name for c in _BY_FILE[file].columns]
        out[file] = (cols, [[cell(getattr(x, c), f"{file}:{c}") for c in cols] for x in items])
    out["cadences.csv"] = (
        ["secretary", "project", "cadence"],
        [[s.name, k, cell(c, "")] for s in p.secretaries for k, c in s.cadences.items()],
    )
    cols = [c.name for c in _BY_FILE["contacts.csv"].columns]
    out["contacts.csv"] = (
        cols,
        [
            [s.name, *(cell(getattr(c, n), "") for n in cols[1:])]
            for s in p.secretaries
            for c in s.contacts
        ],
    )
    cols = [c.name for c in _BY_FILE["issues.csv"].columns]
    out["issues.csv"] = (cols, [[cell(getattr(i, c), "") for c in cols] for i in p.issues])
    # from_state and to_state are derived on reading, so they are not written.
    cols = [c.name for c in _BY_FILE["issue_events.csv"].columns if not c.name.endswith("_state")]
    out["issue_events.csv"] = (
        cols,
        [[i.id, *(cell(getattr(e, n), "") for n in cols[1:])] for i in p.issues for e in i.events],
    )
    return out


def _cell(value: object, where: str = "") -> str:  # noqa: PLR0911 (one return per kind)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        for item in value:
            if _LIST_SPLIT.search(str(item)):
                msg = f"{where}: {item!r} contains a list separator (; ； 、) and cannot be written"
                raise LedgerError(msg, field=where, expected="a name without ; ； 、", got=item)
        return _LIST_JOIN.join(str(item) for item in value)
    if hasattr(value, "value") and not isinstance(value, str | int):
        return str(value.value)
    return str(value)


def _text(header: list[str], rows: list[list[str]]) -> str:
    """The file's CSV text; a cell a spreadsheet would run as a formula gets a leading quote."""
    return csv_text([header, *rows], lineterminator="\r\n")
