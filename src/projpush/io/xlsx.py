"""Ledgers kept as an Excel workbook (Excel 台账): one sheet per table.

A city's or county's office keeps its ledger in Excel or WPS and sends the
workbook up. :func:`load_xlsx_ledger` reads such a workbook into a
:class:`~projpush.model.Portfolio`, :func:`check_xlsx_ledger` lists every
problem in it (``项目!I7: 总投资: ...``: sheet, cell, the column's header),
:func:`dump_xlsx_ledger` writes a portfolio as a workbook that reads back
equal, and :func:`write_xlsx_template` writes the blank workbook offices fill
in: headers, a 说明 (instructions) sheet, drop-downs of the Chinese labels,
formats per column, frozen header rows. The format is documented in
``docs/ledger-format.md`` ("Excel workbook").

The sheets are the CSV ledger's files (``projects``, ``monthly``, ...) with
the same headers, Chinese or English, and the same field rules: a typed cell
(a number, a date) is turned into the text of its column's kind, and that
text goes through the CSV reader's own checks. So a workbook accepts what a
CSV folder accepts, and is refused where a CSV folder is refused.

Reading uses python-calamine, writing openpyxl (both in the ``xlsx`` extra,
imported on first use). The rows of a written workbook are laid down as
SpreadsheetML, as for the report workbook (:mod:`projpush._xlsx`).

>>> import tempfile, pathlib
>>> from projpush.model import Project
>>> p = Project(local_id="007", name="=港口扩建", level="county", category="industry",
...     stage="planned", region="北仑区", unit="市港航局", annual_plans={2020: "1500.5"})
>>> with tempfile.TemporaryDirectory() as folder:
...     book = pathlib.Path(folder) / "ledger.xlsx"
...     dump_xlsx_ledger(Portfolio(projects=(p,)), book)
...     again = load_xlsx_ledger(book).project("007")
>>> again.name, again.annual_plan(2020)
('=港口扩建', Decimal('1500.5'))
"""

from __future__ import annotations

import datetime as dt
import io
import math
import re
import zipfile
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from projpush._convert import LabelledEnum, normalise_text
from projpush._extras import require
from projpush._fmt import column_letter as _column_letter
from projpush._fmt import text_width
from projpush.errors import LedgerError
from projpush.io import _atomic_write_bytes
from projpush.io.csvfolder import (
    _BY_FILE,
    _TABLES,
    _CellValueError,
    _column_name,
    _norm_header,
    _Place,
    _problem,
    _Reader,
    _Sheet,
    _Source,
    _Table,
    _tables,
)
from projpush.io.csvfolder import _cell as _csv_cell
from projpush.model import (
    ApprovalKind,
    Cadence,
    Category,
    Difficulty,
    EventKind,
    IssueCategory,
    IssueState,
    LeaderRank,
    Level,
    Month,
    Portfolio,
    SheetColor,
    Stage,
    StageEventKind,
    _to_year,
)

if TYPE_CHECKING:
    import os
    from collections.abc import Callable, Iterable, Iterator, Sequence

__all__ = [
    "SHEETS",
    "check_xlsx_ledger",
    "dump_xlsx_ledger",
    "excel_amount",
    "load_xlsx_ledger",
    "read_xlsx_ledger",
    "write_xlsx_template",
]

#: Each table's sheet: the CSV file it mirrors, its English and its Chinese sheet name.
SHEETS: Final = {
    "projects.csv": ("projects", "项目"),
    "stage_events.csv": ("stage_events", "阶段事件"),
    "monthly.csv": ("monthly", "月度投资"),
    "milestones.csv": ("milestones", "节点任务"),
    "approvals.csv": ("approvals", "审批要件"),
    "site_activity.csv": ("site_activity", "施工记录"),
    "units.csv": ("units", "单位"),
    "task_forces.csv": ("task_forces", "专班"),
    "leaders.csv": ("leaders", "包保领导"),
    "secretaries.csv": ("secretaries", "服务秘书"),
    "cadences.csv": ("cadences", "联系频次"),
    "contacts.csv": ("contacts", "联系记录"),
    "issues.csv": ("issues", "问题清单"),
    "issue_events.csv": ("issue_events", "问题办理"),
}
_README: Final = "说明"

# The enum behind each column whose cells are one of a fixed list (the drop-downs).
_ENUMS: Final[dict[tuple[str, str], type[LabelledEnum]]] = {
    ("projects.csv", "level"): Level,
    ("projects.csv", "category"): Category,
    ("projects.csv", "stage"): Stage,
    ("stage_events.csv", "kind"): StageEventKind,
    ("approvals.csv", "kind"): ApprovalKind,
    ("leaders.csv", "rank"): LeaderRank,
    ("secretaries.csv", "default_cadence"): Cadence,
    ("cadences.csv", "cadence"): Cadence,
    ("issues.csv", "category"): IssueCategory,
    ("issues.csv", "difficulty"): Difficulty,
    ("issue_events.csv", "kind"): EventKind,
    ("issue_events.csv", "from_state"): IssueState,
    ("issue_events.csv", "to_state"): IssueState,
    ("issue_events.csv", "sheet"): SheetColor,
}
_YES, _NO = "是", "否"

_PLACES: Final = Decimal("0.0001")  # 0.0001 万元 = 1 元
_TOLERANCE: Final = Decimal("1e-9")
_DIGITS: Final = 15  # the significant digits Excel keeps of a number
_MAX_ROWS: Final = 1_048_576  # Excel's rows in a sheet, the header's included
_MAX_TEXT: Final = 32_767  # Excel's characters in a cell
_FIRST_SERIAL_DAY: Final = dt.date(1900, 3, 1)  # earlier days: Excel's 1900 leap-year bug

_MONEY_RULE: Final = (
    "an amount in 万元 with at most 4 decimals (0.0001 万元 = 1 元); an Excel number "
    "must lie within 1e-9 of one, or the amount be typed as text"
)


# --------------------------------------------------------------------------- cells as text


def excel_amount(number: float, *, scale: int = 1) -> Decimal | None:
    """The exact amount an Excel number stands for, or None if it stands for none.

    Excel keeps numbers as binary floating point, so ``479.33`` is stored as
    479.329999999999984...: a number within 1e-9 of a value with at most
    four decimals (0.0001 万元 = 1 元) is read as that value, exactly; any
    other (``0.123456789``, a sum that drifted) is refused, not rounded.

    >>> excel_amount(479.33), excel_amount(0.1 + 0.2), excel_amount(1500.0), excel_amount(0.12345)
    (Decimal('479.33'), Decimal('0.3'), Decimal('1500'), None)

    ``scale`` multiplies the number first, exactly: a cell formatted as a
    percentage holds 0.4 for 40 %, read with ``scale=100``.

    >>> excel_amount(0.4, scale=100), excel_amount(0.123456, scale=100)
    (Decimal('40'), Decimal('12.3456'))
    """
    if not math.isfinite(number):
        return None
    exact = Decimal(number) * scale
    try:
        nearest = exact.quantize(_PLACES, rounding=ROUND_HALF_EVEN)
    except InvalidOperation:  # too large to hold four decimals
        return None
    if abs(exact - nearest) > _TOLERANCE:
        return None
    plain = nearest.normalize()
    return plain.quantize(Decimal(1)) if plain == plain.to_integral_value() else plain


def _number_text(number: float, kind: str) -> str:
    """The text of a number cell in a column of ``kind``."""
    if kind in {"money", "percent"}:
        amount = excel_amount(number)
        if amount is None:
            expected = _MONEY_RULE if kind == "money" else "a percentage with at most 4 decimals"
            raise _CellValueError(expected, number)
        return format(amount, "f")
    if kind in {"date", "month"}:
        raise _CellValueError(
            f"a {'date' if kind == 'date' else 'month'}: a cell formatted as a date, or text "
            f"such as {'2020-05-01' if kind == 'date' else '2020-05'}",
            number,
        )
    if number.is_integer():
        if abs(number) >= 10**_DIGITS:
            raise _CellValueError(
                "text: Excel keeps only 15 digits of a number, so a long digit string must "
                "be typed as text (format the column as 文本 first)",
                number,
            )
        return str(int(number))
    return repr(number)


def _date_text(value: dt.date, kind: str) -> str:
    """The text of a date cell (a datetime at midnight is its date)."""
    if isinstance(value, dt.datetime):
        if value.time() != dt.time(0):
            if kind in {"date", "month"}:
                raise _CellValueError("a date without a time of day", value.isoformat(sep=" "))
            return value.isoformat(sep=" ")
        value = value.date()
    if kind == "month":
        if value.day != 1:
            raise _CellValueError(
                "a month: the first day of a month, or text such as 2020-05", value.isoformat()
            )
        return str(Month(value.year, value.month))
    if kind in {"money", "percent"}:
        expected = _MONEY_RULE if kind == "money" else "a percentage"
        raise _CellValueError(expected, f"the date {value.isoformat()}")
    return value.isoformat()


def _cell_text(value: object, kind: str) -> str:
    """The text of one typed cell of a column of ``kind``, as the CSV grammar reads it."""
    if isinstance(value, _FormulaError):
        raise _CellValueError("a value, not a formula's error", value.shown)
    if isinstance(value, _Percent):
        if kind != "percent":
            return _number_text(value.fraction, kind)
        amount = excel_amount(value.fraction, scale=100)
        if amount is None:
            raise _CellValueError("a percentage with at most 4 decimals", f"{value.fraction:%}")
        return format(amount, "f")
    if isinstance(value, bool):
        return ("yes" if value else "no") if kind == "bool" else ("TRUE" if value else "FALSE")
    if isinstance(value, int | float):
        return _number_text(float(value), kind)
    if isinstance(value, dt.date):
        return _date_text(value, kind)
    return str(value)  # a time or a duration: text, which a typed column refuses


# --------------------------------------------------------------------------- reading


@attrs.frozen
class _SheetPlace(_Place):
    """The cells of a sheet, as Excel names them: ``项目!B7``, a whole row ``项目!7:7``."""

    sheet: str = ""

    @property
    def _name(self) -> str:
        return self.sheet if re.fullmatch(r"\w+", self.sheet) else f"'{self.sheet}'"

    def cell(self, line: int, index: int | None, header: str) -> str:  # noqa: ARG002
        """The cell at ``index`` on ``line``; the whole row when the sheet lacks the column."""
        if index is None:
            return self.row(line)
        return f"{self._name}!{_column_letter(index)}{line}"

    def blank_cell(self, line: int, index: int) -> str:
        """The cell at ``index`` on ``line``."""
        return f"{self._name}!{_column_letter(index)}{line}"

    def row(self, line: int) -> str:
        """The whole row ``line``."""
        return f"{self._name}!{line}:{line}"


def _sheet_key(name: str) -> str:
    return normalise_text(name).lower().removesuffix(".csv")


_BY_SHEET: Final = {
    _sheet_key(name): file for file, names in SHEETS.items() for name in (*names, file)
}


class _Workbook(_Source):
    """The tables of a workbook, one sheet each, found by their English or Chinese names."""

    kind = "sheet"

    def __init__(self, path: Path) -> None:
        calamine = require("python_calamine", extra="xlsx", user="projpush.io.xlsx")
        self.name = path.name
        self.gb18030 = []
        try:
            self.errors = calamine.CalamineError
            self.book = calamine.CalamineWorkbook.from_path(str(path))
            names = list(self.book.sheet_names)
        except (calamine.CalamineError, OSError) as err:
            msg = f"path: {str(path)!r} is not a readable .xlsx workbook ({err})"
            raise LedgerError(
                msg, field="path", expected="an .xlsx workbook", got=str(path)
            ) from None
        self.path = path
        self.sheets: dict[str, list[str]] = {}
        for name in names:
            file = _BY_SHEET.get(_sheet_key(name))
            if file is not None:
                self.sheets.setdefault(file, []).append(name)

    def called(self, file: str) -> str:
        """The table ``file`` as a message names it: ``sheet 项目``."""
        found = self.sheets.get(file)
        return f"sheet {found[0] if found else SHEETS[file][1]}"

    def ignored(self, index: int, key: str) -> bool:
        """A leading 序号 (row number) column is no column of the table."""
        return index == 0 and key in {"序号", "no."}

    def text(self, value: object, kind: str) -> str:
        """The text of a typed cell, by the workbook rules (:func:`excel_amount`, dates)."""
        return _cell_text(value, kind)

    def sheet(self, report: Callable[[LedgerError], None], file: str) -> _Sheet | None:
        """The table ``file``'s sheet from its header row on; None if the workbook has none."""
        names = self.sheets.get(file)
        if not names:
            return None
        name = names[0]
        if len(names) > 1:
            detail = f"sheets {names[0]!r} and {names[1]!r} both hold this table; keep one"
            report(_problem(self.called(file), detail, "one sheet", names[1]))
        place = _SheetPlace(file, header_line=1, sheet=name)
        try:
            records = self.book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except (self.errors, OSError) as err:  # listed, but its part missing or damaged
            detail = f"the sheet cannot be read ({_first_line(err)})"
            report(_problem(self.called(file), detail, "a readable sheet", name))
            return _Sheet([], place)
        errors, percents = _marked_cells(self.path, name, percents=file == "milestones.csv")
        for (line, column), shown in errors.items():
            if line < len(records):  # calamine reads an error cell as blank: say what it holds
                row = records[line]
                row.extend([""] * (column + 1 - len(row)))
                row[column] = _FormulaError(shown)
        for line, column in percents:  # only the milestones have a percent column
            row = records[line] if line < len(records) else []
            if column < len(row) and isinstance(row[column], float):
                row[column] = _Percent(row[column])
        start = _header_row(_BY_FILE[file], records)
        place = _SheetPlace(file, header_line=start + 1, sheet=name)
        if start >= len(records):
            report(
                _problem(self.called(file), "the sheet is empty; expected a header row", "a header")
            )
            return _Sheet([], place)
        header = [_header_text(cell) for cell in records[start]]
        return _Sheet([header, *records[start + 1 :]], place)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


@attrs.frozen
class _Percent:
    """A number cell formatted as a percentage: Excel holds 0.4 for 40 %."""

    fraction: float


@attrs.frozen
class _FormulaError:
    """A cell holding a formula's error (``#N/A``, ``#DIV/0!``), which no column accepts."""

    shown: str


_ERROR_CELL: Final = re.compile(rb'<c\b[^>]*?\bt="e"[^>]*>')
_REF: Final = re.compile(rb'\br="([A-Z]+)([0-9]+)"')
_VALUE: Final = re.compile(rb"<v>([^<]*)</v>")
_SHEET_ENTRY: Final = re.compile(rb"<(?:\w+:)?sheet\b[^>]*>")
_ATTRIBUTE: Final = re.compile(rb'\b(name|r:id|Id|Target)="([^"]*)"')


def _marked_cells(
    path: Path, sheet: str, *, percents: bool
) -> tuple[dict[tuple[int, int], str], set[tuple[int, int]]]:
    """The error cells of ``sheet`` with the error each shows, and (if asked) its percent cells.

    python-calamine gives an error cell as blank and a percentage as its
    fraction; the sheet's XML says ``t="e"``, and the cell's style says
    whether it shows a percentage. Cells are 0-based (row, column). A part
    that cannot be found leaves the reading as calamine's.
    """
    try:
        with zipfile.ZipFile(path) as package:
            target = _sheet_part(package, sheet)
            data = package.read(target) if target else b""
            styles = _percent_styles(package) if percents and data else set()
    except (OSError, KeyError, zipfile.BadZipFile):
        return {}, set()
    errors = {}
    for cell in _ERROR_CELL.finditer(data):
        shown = _VALUE.match(data, cell.end())
        where = _cell_of(cell[0])
        if where is not None:
            errors[where] = shown[1].decode() if shown else "#ERROR"
    marked = set()
    if styles:
        for cell in _STYLED_CELL.finditer(data):
            where = _cell_of(cell[0])
            if int(cell[1]) in styles and where is not None:
                marked.add(where)
    return errors, marked


def _cell_of(tag: bytes) -> tuple[int, int] | None:
    ref = _REF.search(tag)
    if ref is None:
        return None
    column = 0
    for letter in ref[1].decode():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(ref[2]) - 1, column - 1


_STYLED_CELL: Final = re.compile(rb'<c\b[^>]*?\bs="([0-9]+)"[^>]*>')
_NUMBER_FORMAT: Final = re.compile(rb"<numFmt\b[^>]*>")
_QUOTED: Final = re.compile(r'"[^"]*"|\\.')
_BUILTIN_PERCENT: Final = frozenset({9, 10})  # 0% and 0.00%


def _percent_styles(package: zipfile.ZipFile) -> set[int]:
    """The indexes of the cell formats that show a number as a percentage."""
    styles = package.read("xl/styles.xml")
    percent = set(_BUILTIN_PERCENT)
    for entry in _NUMBER_FORMAT.finditer(styles):
        number = re.search(rb'\bnumFmtId="([0-9]+)"', entry[0])
        code = re.search(rb'\bformatCode="([^"]*)"', entry[0])
        if number and code and "%" in _QUOTED.sub("", _unescape(code[1].decode())):
            percent.add(int(number[1]))
    block = re.search(rb"<cellXfs\b.*?</cellXfs>", styles, re.DOTALL)
    out = set()
    for i, xf in enumerate(re.finditer(rb"<xf\b[^>]*>", block[0] if block else b"")):
        number = re.search(rb'\bnumFmtId="([0-9]+)"', xf[0])
        if number and int(number[1]) in percent:
            out.add(i)
    return out


def _sheet_part(package: zipfile.ZipFile, sheet: str) -> str | None:
    """The name of the part holding ``sheet``, through the workbook and its relationships."""
    ids = {}
    for entry in _SHEET_ENTRY.finditer(package.read("xl/workbook.xml")):
        attributes = {k.decode(): v.decode() for k, v in _ATTRIBUTE.findall(entry[0])}
        ids[_unescape(attributes.get("name", ""))] = attributes.get("r:id", "")
    targets = {}
    for entry in re.finditer(rb"<Relationship\b[^>]*>", package.read("xl/_rels/workbook.xml.rels")):
        attributes = {k.decode(): v.decode() for k, v in _ATTRIBUTE.findall(entry[0])}
        targets[attributes.get("Id", "")] = attributes.get("Target", "")
    target = targets.get(ids.get(sheet, ""))
    if not target:
        return None
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _unescape(text: str) -> str:
    return (
        text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'")
    ).replace("&amp;", "&")


def _header_text(cell: object) -> str:
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)


def _header_row(table: _Table, records: Sequence[Sequence[Any]]) -> int:
    """The index of the header row: the first filled row not a title above it.

    The header is the first row of several filled cells, or of one naming a
    column; the rows above it are titles (one filled cell each, merged
    across the table or not). A sheet with no such row (one column, its
    header mistyped) has its first filled row as header, told it is unknown.
    """
    names: dict[str, str] = {}
    for col in table.columns:
        for alias in (col.name, *col.aliases):
            names.setdefault(_norm_header(alias), col.name)

    def known(cell: object) -> bool:
        return _column_name(table, names, _norm_header(str(cell))) is not None

    rows = [
        (i, cells)
        for i, row in enumerate(records)
        if (cells := [c for c in row if not (isinstance(c, str) and not c.strip())])
    ]
    header = next((n for n, (_, cells) in enumerate(rows) if len(cells) > 1 or known(cells[0])), 0)
    if rows:
        return rows[header][0]  # the rows above it are titles: one cell naming no column
    return len(records)


def read_xlsx_ledger(
    path: str | os.PathLike[str],
) -> tuple[tuple[LedgerError, ...], Portfolio | None]:
    """Read a ledger workbook once: every problem found, and the portfolio if none.

    The portfolio is None exactly when there are problems. Each problem's
    ``field`` is its location (``项目!I7``: sheet and cell; a whole row
    ``项目!7:7``; a sheet ``sheet 项目``).

    Raises:
        LedgerError: the file is not a readable workbook (``field`` is ``"path"``).
        ImportError: the ``xlsx`` extra (python-calamine) is missing.
    """
    reader = _Reader(_Workbook(Path(path)))
    portfolio = reader.read()
    return tuple(reader.problems), portfolio


def check_xlsx_ledger(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """List every problem of a ledger workbook as ``(location, message)`` pairs.

    Raises:
        LedgerError: the file is not a readable workbook.
        ImportError: the ``xlsx`` extra is missing.
    """
    problems, _ = read_xlsx_ledger(path)
    return [(str(e.field), e.detail) for e in problems]


def load_xlsx_ledger(path: str | os.PathLike[str]) -> Portfolio:
    """Read a ledger workbook (see ``docs/ledger-format.md``) into a portfolio.

    Raises:
        LedgerError: the file is not a readable workbook, or the first
            problem found; ``field`` is its location (``项目!I7``).
        ImportError: the ``xlsx`` extra is missing.
    """
    problems, portfolio = read_xlsx_ledger(path)
    if portfolio is None:
        raise problems[0]
    return portfolio


# --------------------------------------------------------------------------- writing


def _header(table: _Table, name: str) -> str:
    """The Chinese header a written workbook gives the column ``name`` (its unit shown)."""
    if name.startswith("annual_plan_"):
        return f"{name.removeprefix('annual_plan_')}年度计划投资(万元)"
    col = next(c for c in table.columns if c.name == name)
    suffix = {"money": "(万元)", "percent": "(%)"}.get(col.kind, "")
    return (col.aliases[0] if col.aliases else col.name) + suffix


def _kind_of(table: _Table, name: str) -> str:
    if name.startswith("annual_plan_"):
        return "money"
    return next(c.kind for c in table.columns if c.name == name)


def _value(value: object, where: str) -> object:
    """A value as a workbook cell holds it: amounts and dates typed, labels in Chinese."""
    if value is None or isinstance(value, str | Decimal | dt.date):
        return value
    if isinstance(value, bool):
        return _YES if value else _NO
    if isinstance(value, LabelledEnum):
        return value.zh
    return _csv_cell(value, where)  # a list of names, a code: the CSV file's text


_ESCAPE: Final = re.compile("_(?=x[0-9A-Fa-f]{4}_)|[\x00-\x08\x0b-\x1f\ufffe\uffff]")
_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_PLAIN: Final = re.compile("[^&<>_\x00-\x08\x0b-\x1f\ud800-\udfff\ufffe\uffff]*")


def _text_xml(text: str, where: str) -> str:
    """``text`` as a cell's XML, losing nothing: OOXML's ``_xHHHH_`` for what XML cannot hold.

    A carriage return and the control characters are written ``_x000D_``,
    and a ``_x`` that would read as such an escape is itself escaped, so a
    reader gives back the text exactly. Lone surrogates and texts longer than
    Excel's 32,767 characters cannot be written.
    """
    if len(text) <= _MAX_TEXT and _PLAIN.fullmatch(text):
        return text  # most cells: nothing to escape
    if _SURROGATE.search(text):
        msg = f"{where}: the text {text!r} holds a lone surrogate, which a workbook cannot hold"
        raise LedgerError(msg, field=where, expected="text without lone surrogates", got=text)
    if len(text) > _MAX_TEXT:
        msg = f"{where}: a text of {len(text):,} characters; a workbook cell holds {_MAX_TEXT:,}"
        raise LedgerError(msg, field=where, expected=f"at most {_MAX_TEXT:,} characters", got=text)
    text = _ESCAPE.sub(lambda m: "_x005F_" if m[0] == "_" else f"_x{ord(m[0]):04X}_", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days  # from 1 March 1900, Excel's day numbers


def _cell_xml(ref: str, value: object, kind: str, style: int, where: str) -> str:
    """One cell's XML: a number or a date when it reads back exactly, else inline text."""
    if isinstance(value, Decimal) and kind in {"money", "percent"}:
        number = float(value)
        if excel_amount(number) == value and len(value.as_tuple().digits) <= _DIGITS:
            return f'<c r="{ref}" s="{style}"><v>{number!r}</v></c>'
        value = format(value, "f")  # finer than 1 元 or too long for a number: as text
    elif isinstance(value, dt.date):
        if value >= _FIRST_SERIAL_DAY:
            return f'<c r="{ref}" s="{style}"><v>{_serial(value)}</v></c>'
        value = value.isoformat()  # before Excel's dates: as text, which the date rule reads
    text = _text_xml(str(value), where)
    return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


_FORMATS: Final = {
    "text": "@",
    "list": "@",
    "month": "@",  # 2020-05 typed into a text cell stays a month, not a date
    "bool": "@",
    "date": "yyyy-mm-dd",
    "money": "#,##0.00##",
    "percent": "0.####",
}
_WIDTHS: Final = {"date": 12, "money": 14, "percent": 10, "bool": 10, "month": 10}
_CODE_WIDTH: Final = 26  # a project code, 2020-330200-47-03-012345, in a blank template too
_MAX_WIDTH: Final = 50
_SAMPLED: Final = 1000  # rows looked at for a column's width


def _width(layout: _Layout, index: int, kind: str, header: str) -> float:
    """A column's width: its header's, its widest cell's among the first rows, its kind's."""
    name = layout.columns[index]
    least = _CODE_WIDTH if name in {"code", "project"} else _WIDTHS.get(kind, 12)
    cells = (row[index] for row in layout.rows[:_SAMPLED])
    texts = [text_width(v) for v in cells if isinstance(v, str)]
    return min(max(least, text_width(header) + 2, max(texts, default=0) + 2), _MAX_WIDTH)


@attrs.frozen
class _Layout:
    """One table's sheet as written: name, columns (English), headers, kinds, rows."""

    file: str
    sheet: str
    columns: tuple[str, ...]
    rows: Sequence[Sequence[Any]]

    @property
    def table(self) -> _Table:
        return _BY_FILE[self.file]


def _layouts(portfolio: Portfolio, years: Iterable[int] = ()) -> list[_Layout]:
    tables = _tables(portfolio, _value)
    out = []
    for file, (columns, cells) in tables.items():
        cols, rows = list(columns), cells
        if file == "projects.csv":
            have = {c for c in cols if c.startswith("annual_plan_")}
            more = sorted({f"annual_plan_{y}" for y in years} - have)
            cols += more
            rows = [[*row, *([None] * len(more))] for row in rows]
        if len(rows) >= _MAX_ROWS:
            msg = (
                f"{SHEETS[file][1]}: {len(rows):,} rows, more than a sheet holds "
                f"({_MAX_ROWS - 1:,} below the header); write a CSV or Parquet folder instead"
            )
            raise LedgerError(msg, field=SHEETS[file][1], expected="fewer rows", got=len(rows))
        out.append(_Layout(file, SHEETS[file][1], tuple(cols), rows))
    return out


def _validation(layout: _Layout, name: str, letter: str) -> Any:
    """The drop-down (or number rule) of a column, or None for free text."""
    datavalidation = require(
        "openpyxl.worksheet.datavalidation", extra="xlsx", user="projpush.io.xlsx"
    )
    kind = _kind_of(layout.table, name)
    cells = f"{letter}2:{letter}{_MAX_ROWS}"
    enum = _ENUMS.get((layout.file, name))
    if enum is not None or kind == "bool":
        labels = [m.zh for m in enum] if enum is not None else [_YES, _NO]
        rule = datavalidation.DataValidation(
            type="list", formula1=f'"{",".join(labels)}"', allow_blank=True
        )
        rule.error = f"请从下拉列表中选择：{'、'.join(labels)}"
    elif kind in {"money", "percent"}:
        top = "100" if kind == "percent" else "9999999999999"
        rule = datavalidation.DataValidation(
            type="decimal", operator="between", formula1="0", formula2=top, allow_blank=True
        )
        rule.error = "请填写不小于0的数字" + ("（0到100）" if kind == "percent" else "（万元）")
    elif kind == "date":
        rule = datavalidation.DataValidation(
            type="date", operator="greaterThan", formula1="1", allow_blank=True
        )
        rule.error = "请填写日期，如 2020-05-01"
    else:
        return None
    rule.showErrorMessage = True
    rule.errorTitle = "输入有误"
    rule.add(cells)
    return rule


def _workbook(layouts: list[_Layout], readme: bool) -> bytes:
    """The workbook's bytes: openpyxl lays out the sheets, the rows are added as XML."""
    openpyxl = require("openpyxl", extra="xlsx", user="projpush.io.xlsx")
    styles = require("openpyxl.styles", extra="xlsx", user="projpush.io.xlsx")
    cells = require("openpyxl.cell", extra="xlsx", user="projpush.io.xlsx")
    book = openpyxl.Workbook(write_only=True)
    if readme:
        _readme(book, styles, cells)
    bold = styles.Font(bold=True)
    fill = styles.PatternFill("solid", fgColor="D9D9D9")
    written = []
    for layout in layouts:
        sheet = book.create_sheet(layout.sheet)
        sheet.freeze_panes = "A2"
        ids = []
        for i, name in enumerate(layout.columns):
            letter = _column_letter(i)
            kind = _kind_of(layout.table, name)
            dimension = sheet.column_dimensions[letter]
            dimension.number_format = _FORMATS[kind]
            header = _header(layout.table, name)
            dimension.width = _width(layout, i, kind, header)
            ids.append(int(dimension.style_id))
            rule = _validation(layout, name, letter)
            if rule is not None:
                sheet.data_validations.append(rule)
        row = []
        for name in layout.columns:
            cell = cells.WriteOnlyCell(sheet, value=_header(layout.table, name))
            cell.font, cell.fill = bold, fill
            row.append(cell)
        sheet.append(row)
        written.append((sheet, layout, ids))
    buffer = io.BytesIO()
    book.save(buffer)
    rows = {sheet.path.lstrip("/"): (layout, ids) for sheet, layout, ids in written}
    return _with_rows(buffer.getvalue(), rows)


def _with_rows(package: bytes, rows: dict[str, tuple[_Layout, list[int]]]) -> bytes:
    """``package`` with each sheet's rows after its header row."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            found = rows.get(info.filename)
            if found is None:
                target.writestr(info, data)
                continue
            head, end, tail = data.partition(b"</sheetData>")
            with target.open(info, "w") as sheet:
                sheet.write(head)
                for chunk in _rows_xml(*found):
                    sheet.write(chunk.encode("utf-8"))
                sheet.write(end + tail)
    return out.getvalue()


def _rows_xml(layout: _Layout, ids: list[int]) -> Iterator[str]:
    letters = [_column_letter(i) for i in range(len(layout.columns))]
    kinds = [_kind_of(layout.table, name) for name in layout.columns]
    parts: list[str] = []
    for n, row in enumerate(layout.rows, start=2):
        parts.append(f'<row r="{n}">')
        for letter, value, kind, style, name in zip(
            letters, row, kinds, ids, layout.columns, strict=True
        ):
            if value is not None and value != "":
                where = f"{layout.sheet}!{letter}{n}"
                parts.append(_cell_xml(f"{letter}{n}", value, kind, style, f"{where} ({name})"))
        parts.append("</row>")
        if n % 5000 == 0:
            yield "".join(parts)
            parts.clear()
    yield "".join(parts)


def dump_xlsx_ledger(portfolio: Portfolio, path: str | os.PathLike[str]) -> None:
    """Write a portfolio as a ledger workbook that :func:`load_xlsx_ledger` reads back equal.

    Every table gets its sheet, with Chinese sheet names and headers, even
    when it has no rows; the headers are frozen, the columns formatted by
    kind, and the enum columns have drop-downs. Amounts are Excel numbers
    when the money rule reads them back exactly, else text; dates are Excel
    dates from 1 March 1900 on, text before. Text is always text, never a
    formula (``=x`` stays ``=x``), with its leading zeros and newlines.

    Raises:
        LedgerError: a table has more rows than a sheet holds, a text holds a
            lone surrogate or more than 32,767 characters, or a name in a
            list cell holds a list separator (``field`` says where).
        ImportError: the ``xlsx`` extra (openpyxl) is missing.
        OSError: the file cannot be written.
    """
    data = _workbook(_layouts(portfolio), readme=False)
    _atomic_write_bytes(Path(path), data)


def write_xlsx_template(path: str | os.PathLike[str], *, years: Iterable[int] = ()) -> None:
    """Write the blank ledger workbook an office fills in: every sheet, headers and rules.

    A 说明 (instructions) sheet comes first; each table's sheet has its
    Chinese headers frozen, its columns formatted (text, dates, amounts),
    drop-downs of the Chinese labels of the enum columns and of 是/否, and
    an annual plan column for each of ``years``. Read back, it is an empty
    valid ledger.

    Raises:
        ValidationError: a year is not one the model accepts.
        ImportError: the ``xlsx`` extra (openpyxl) is missing.
        OSError: the file cannot be written.
    """
    checked = [_to_year(y, "years") for y in years]
    data = _workbook(_layouts(Portfolio(), checked), readme=True)
    _atomic_write_bytes(Path(path), data)


_KIND_WORDS: Final = {
    "text": "文本",
    "list": "文本，多个用分号 ; 分隔",
    "date": "日期，如 2020-05-01",
    "month": "月份，如 2020-05",
    "money": "金额（万元），最多4位小数",
    "percent": "百分比数字，0到100（40 表示 40%）",
    "bool": "是/否",
}
_RULES: Final = (
    "本工作簿为重大项目台账，每张工作表一张表，表头可用中文或英文（见下表）。",
    (
        "金额以万元为单位，最多4位小数（0.0001万元即1元）。以数字填写的金额须与某个至多4位小数的值"
        "相差不超过1e-9，否则拒收并指出单元格；也可以文本填写，如 479.33。"
    ),
    (
        "日期填写为Excel日期，或文本 2020-05-01、2020/5/1、2020年5月1日；"
        "1900年3月1日以前的日期请以文本填写。"
    ),
    "月份填写为文本 2020-05；填写为日期时须为当月1日。",
    "项目代码、编号等以文本保存，前导零和长数字不会丢失；不要以数字格式填写18位代码。",
    "下拉列表中的选项为各栏目可填写的值。可在第一列加“序号”列，表头上方可加一行标题。",
    "以“#”开头的表头为备注列，读取时忽略。",
)


def _readme(book: Any, styles: Any, cells: Any) -> None:
    """The 说明 sheet: the rules, then every sheet's columns with their kind."""
    sheet = book.create_sheet(_README)
    for letter, width in zip("ABCDE", (14, 22, 20, 8, 40), strict=True):
        sheet.column_dimensions[letter].width = width
    bold = styles.Font(bold=True)
    title = cells.WriteOnlyCell(sheet, value="重大项目台账填写说明")
    title.font = styles.Font(bold=True, size=14)
    sheet.append([title])
    for rule in _RULES:
        sheet.append([rule])
    sheet.append([])
    head = []
    for text in ("工作表", "表头", "英文表头", "必填", "填写内容"):
        cell = cells.WriteOnlyCell(sheet, value=text)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    for table in _TABLES:
        for col in table.columns:
            kind = _KIND_WORDS[col.kind]
            enum = _ENUMS.get((table.file, col.name))
            if enum is not None:
                kind = "下拉选择：" + "、".join(m.zh for m in enum)
            required = _YES if col.required else ""
            sheet.append(
                [SHEETS[table.file][1], _header(table, col.name), col.name, required, kind]
            )
    sheet.append(
        [
            SHEETS["projects.csv"][1],
            "2021年度计划投资(万元)",
            "annual_plan_2021",
            "",
            "金额（万元），每年一列",
        ]
    )
