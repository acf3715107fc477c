"""Hypothesis strategies that break ledgers: mutated JSON documents and CSV folders.

A fuzz case starts from a *valid* portfolio (:func:`projpush.testing.portfolios`),
written the way the library writes it, and then damages it the way people and
spreadsheets do: a key deleted or renamed, a value of the wrong JSON type, a
record duplicated, the text truncated, bytes that are not UTF-8, a header
renamed, a row too long, another encoding. The loaders must answer every case
with a :class:`~projpush.errors.ProjpushError` or a portfolio, never anything
else.

The mutations are *values* (:class:`JsonEdit`, :class:`CsvEdit`, ...) drawn
first and applied later, so a failing case prints as a readable list of edits.
"""

from __future__ import annotations

import codecs
import copy
import csv
import io
import json
from typing import TYPE_CHECKING, Any, Final

import attrs
from hypothesis import strategies as st

from projpush.csvledger import CSV_FILES
from projpush.errors import ProjpushError
from projpush.io import _init_fields
from projpush.model import (
    ApprovalItem,
    Contact,
    Issue,
    IssueEvent,
    Leader,
    Milestone,
    Portfolio,
    Project,
    Secretary,
    SiteObservation,
    StageEvent,
    TaskForce,
    Unit,
)

if TYPE_CHECKING:
    from collections.abc import Callable

# --------------------------------------------------------------------------- junk values

#: Model classes a JSON document holds, for from_dict on random values.
MODEL_CLASSES: Final = (
    Portfolio,
    Project,
    Milestone,
    ApprovalItem,
    StageEvent,
    SiteObservation,
    Leader,
    Secretary,
    Contact,
    TaskForce,
    Unit,
    Issue,
    IssueEvent,
)

#: Every JSON key the ledger format knows, so random objects reach past "unknown key".
FIELD_NAMES: Final = tuple(sorted({k for cls in MODEL_CLASSES for k in _init_fields(cls)}))

# Texts that look almost right to one converter or another.
_NEAR_MISSES: Final = (
    "",
    " ",
    "\u3000",
    "-",
    "0",
    "-0",
    "-1",
    "-0.0",
    "1e3",
    "1E+999999999",
    "1e-999999999",
    "NaN",
    "-Infinity",
    "sNaN",
    "0x10",
    "1_000",
    "1,052.5",
    "1,05,2",
    "１２３.５",
    "12%",
    "100.5",
    "²",
    "\U00010a40",  # KHAROSHTHI DIGIT ONE: str.isdigit() but not int()
    "١٢٣٤",
    "2020",
    "1899",
    "2201",
    "2020-05",
    "2020-13",
    "2020-00",
    "2020-5",
    "2020/05",
    "2020年5月",
    "0000-01",
    "10000-01",
    "2020-06-30",
    "2020-06-31",
    "2020-02-30",
    "2020/6/30",
    "2020年6月30日",
    "20200630",
    "2020-06-30T00:00:00",
    "0001-01-01",
    "9999-12-31",
    "2020-330200-47-03-012345",
    "2020–330200–47–03–012345",
    "2020-330200-47-03-01234",
    "city",
    "CITY",
    "City",
    "市级",
    "under_construction",
    "collected",
    "assigned",
    "closed",
    "red",
    "blue",
    "general",
    "difficult",
    "weekly",
    "yes",
    "no",
    "true",
    "是",
    "unknown",
    "L-0",
    "L-1",
    "Q-0",
    "P-1",
    "a;b",
    "a、b",
    "\ud800",
    "\x00",
    "\ufeff",
    "'",
    '"',
    "\r\n",
    "1" * 5000,
)

near_misses: st.SearchStrategy[str] = st.sampled_from(_NEAR_MISSES)
"""Texts that look almost like a date, month, amount, code, enum value or key."""

_HUGE_INT: Final = "9" * 5000  # beyond Python's int <-> str digit limit


@attrs.frozen
class Raw:
    """JSON text written verbatim: a number no Python value prints, such as 5,000 digits."""

    text: str

    def __repr__(self) -> str:
        shown = self.text if len(self.text) <= 20 else f"{self.text[:8]}...({len(self.text)} chars)"
        return f"Raw({shown!r})"


@attrs.frozen
class Pairs:
    """A JSON object written from pairs, so a key may appear twice."""

    items: tuple[tuple[str, Any], ...]


json_scalars: st.SearchStrategy[Any] = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**6), max_value=10**6),
    st.sampled_from([2**63, -(2**63) - 1, 10**30]),
    st.just(Raw(_HUGE_INT)),
    st.just(Raw("1e999")),
    st.just(Raw("-0")),
    st.floats(),  # NaN and infinities print as NaN / Infinity: not JSON, yet json accepts them
    st.text(max_size=8),
    near_misses,
)
"""Scalars of every JSON kind, with the edge cases converters trip on."""

json_values: st.SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.sampled_from(FIELD_NAMES) | st.text(max_size=4), inner, max_size=4),
    ),
    max_leaves=12,
)
"""Random JSON values whose object keys are mostly the ledger's own field names."""


def _deeply_nested(depth: int) -> Raw:
    return Raw("[" * depth + "]" * depth)


json_junk: st.SearchStrategy[Any] = st.one_of(
    json_values,
    st.integers(min_value=500, max_value=5000).map(_deeply_nested),
)
"""What a mutation puts in place of a value: any JSON value, or a very deep nesting."""


def dumps(value: Any, *, ascii_only: bool = True) -> str:
    """JSON text of ``value``; :class:`Raw` and :class:`Pairs` are written as they are."""
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, Pairs | dict):
        items = value.items if isinstance(value, Pairs) else tuple(value.items())
        inner = ",".join(
            f"{json.dumps(k, ensure_ascii=ascii_only)}:{dumps(v, ascii_only=ascii_only)}"
            for k, v in items
        )
        return "{" + inner + "}"
    if isinstance(value, list):
        return "[" + ",".join(dumps(v, ascii_only=ascii_only) for v in value) + "]"
    return json.dumps(value, ensure_ascii=ascii_only)


# --------------------------------------------------------------------------- JSON edits


@attrs.frozen
class JsonEdit:
    """One change to a JSON document: ``op`` at the ``target``-th node (modulo their count).

    ``value`` is the junk put in, ``text`` a new key name or a string edit.
    """

    op: str
    target: int
    value: Any = None
    text: str = ""


JSON_OPS: Final = (
    "delete",
    "replace",
    "wrap_list",
    "wrap_object",
    "unwrap",
    "duplicate",
    "swap",
    "rename",
    "duplicate_key",
    "edit_string",
    "empty",
)

json_edits: st.SearchStrategy[JsonEdit] = st.builds(
    JsonEdit,
    op=st.sampled_from(JSON_OPS),
    target=st.integers(min_value=0, max_value=10**6),
    value=near_misses | json_junk,  # a near miss half the time: it reaches the converters
    text=st.sampled_from(FIELD_NAMES) | near_misses | st.text(max_size=4),
)


def _nodes(holder: list[Any]) -> list[tuple[Any, Any]]:
    """Every (container, key) of the document in ``holder[0]``, root first."""
    out: list[tuple[Any, Any]] = [(holder, 0)]
    stack = [holder[0]] if isinstance(holder[0], dict | list) else []
    while stack:
        node = stack.pop()
        pairs = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in pairs:
            out.append((node, key))
            if isinstance(value, dict | list):
                stack.append(value)
    return out


def apply_json_edit(document: Any, edit: JsonEdit) -> Any:  # noqa: C901 (one branch an op)
    """``document`` with ``edit`` applied (a changed deep copy; the input is left alone)."""
    holder = [copy.deepcopy(document)]
    nodes = _nodes(holder)
    parent, key = nodes[edit.target % len(nodes)]
    value = parent[key]
    if edit.op == "delete" and parent is not holder:
        del parent[key]
    elif edit.op == "replace":
        parent[key] = edit.value
    elif edit.op == "wrap_list":
        parent[key] = [value]
    elif edit.op == "wrap_object":
        parent[key] = {edit.text: value}
    elif edit.op == "unwrap" and isinstance(value, dict | list) and value:
        parent[key] = next(iter(value.values())) if isinstance(value, dict) else value[0]
    elif edit.op == "duplicate" and isinstance(parent, list) and parent is not holder:
        parent.insert(key, copy.deepcopy(value))
    elif edit.op == "swap" and isinstance(value, list) and len(value) > 1:
        value[0], value[-1] = value[-1], value[0]
    elif edit.op == "rename" and isinstance(parent, dict):
        renamed = {(edit.text if k == key else k): v for k, v in parent.items()}
        parent.clear()
        parent.update(renamed)
    elif edit.op == "duplicate_key" and isinstance(value, dict) and value:
        first = next(iter(value))
        parent[key] = Pairs((*value.items(), (first, edit.value)))
    elif edit.op == "edit_string" and isinstance(value, str):
        middle = len(value) // 2
        parent[key] = value[:middle] + edit.text + value[middle + 1 :]
    elif edit.op == "empty" and isinstance(value, dict | list):
        parent[key] = type(value)()
    return holder[0]


@attrs.frozen
class ByteEdit:
    """One change to the bytes of a file: truncate, insert, re-encode, a byte-order mark."""

    op: str
    at: int
    data: bytes = b""
    encoding: str = "utf-8"


BYTE_OPS: Final = ("truncate", "insert", "overwrite", "bom", "strip_bom", "reencode", "nul")

byte_edits: st.SearchStrategy[ByteEdit] = st.builds(
    ByteEdit,
    op=st.sampled_from(BYTE_OPS),
    at=st.integers(min_value=0, max_value=10**6),
    data=st.binary(min_size=1, max_size=4)
    | st.sampled_from([b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xe5\xb8", b'"', b"\r", b"\x00"]),
    encoding=st.sampled_from(["utf-16", "gbk", "gb18030", "latin-1", "utf-8-sig", "cp1252"]),
)


def apply_byte_edit(data: bytes, edit: ByteEdit) -> bytes:  # noqa: PLR0911 (a return an op)
    """``data`` with ``edit`` applied."""
    at = edit.at % (len(data) + 1)
    if edit.op == "truncate":
        return data[:at]
    if edit.op == "insert":
        return data[:at] + edit.data + data[at:]
    if edit.op == "overwrite":
        return data[:at] + edit.data + data[at + len(edit.data) :]
    if edit.op == "bom":
        return codecs.BOM_UTF8 + data
    if edit.op == "strip_bom":
        return data.removeprefix(codecs.BOM_UTF8)
    if edit.op == "nul":
        return data[:at] + b"\x00" + data[at:]
    text = data.decode("utf-8-sig", errors="replace")
    return text.encode(edit.encoding, errors="replace")


@attrs.frozen
class JsonCase:
    """A damaged JSON ledger: document edits, then how it is written, then byte edits."""

    edits: tuple[JsonEdit, ...]
    ascii_only: bool
    byte_edits: tuple[ByteEdit, ...]


json_cases: st.SearchStrategy[JsonCase] = st.builds(
    JsonCase,
    edits=st.lists(json_edits, min_size=1, max_size=3).map(tuple),
    ascii_only=st.booleans(),
    byte_edits=st.lists(byte_edits, max_size=2).map(tuple) | st.just(()),
)


def damaged_json(document: Any, case: JsonCase) -> bytes:
    """The bytes of ``document`` damaged as ``case`` says."""
    for edit in case.edits:
        document = apply_json_edit(document, edit)
    data = dumps(document, ascii_only=case.ascii_only).encode("utf-8", errors="surrogatepass")
    for byte_edit in case.byte_edits:
        data = apply_byte_edit(data, byte_edit)
    return data


# --------------------------------------------------------------------------- CSV edits


@attrs.frozen
class CsvEdit:
    """One change to a CSV ledger folder: ``op`` on file ``file``, row and column by index."""

    op: str
    file: int
    row: int = 0
    col: int = 0
    text: str = ""


CSV_OPS: Final = (
    "cell",
    "cell",
    "cell",
    "header",
    "drop_column",
    "duplicate_column",
    "add_column",
    "longer_row",
    "shorter_row",
    "delete_row",
    "duplicate_row",
    "swap_rows",
    "blank_row",
    "delete_file",
    "extra_file",
    "upper_name",
)

# Cells of every kind the CSV format reads: the near misses, plus headers and aliases.
_CSV_WORDS: Final = (
    "项目代码",
    "本地编号",
    "annual_plan_2020",
    "annual_plan_1899",
    "annual_plan_99999",
    "2020年度计划投资",
    "#备注",
    "总投资(万元)",
    "完成比例(%)",
)
csv_texts: st.SearchStrategy[str] = st.one_of(
    near_misses,
    st.sampled_from(_CSV_WORDS),
    st.sampled_from(FIELD_NAMES),  # column names: a header renamed to another known column
    st.text(max_size=6),
    st.text(alphabet=',"\r\n;；、 ', max_size=4),
)
"""Cell and header texts: near misses, Chinese headers, column names, CSV punctuation, anything."""

csv_edits: st.SearchStrategy[CsvEdit] = st.builds(
    CsvEdit,
    op=st.sampled_from(CSV_OPS),
    file=st.integers(min_value=0, max_value=len(CSV_FILES) - 1),
    row=st.integers(min_value=0, max_value=10**4),
    col=st.integers(min_value=0, max_value=10**4),
    text=csv_texts,
)


Folder = dict[str, list[list[str]]]
"""A CSV ledger as data: file name -> records (header first)."""


def read_folder_records(files: dict[str, bytes]) -> Folder:
    """The records of each file of a dumped (sound) CSV ledger."""
    return {
        name: list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
        for name, data in files.items()
    }


def _pick(rows: list[list[str]], index: int, *, data_only: bool = False) -> int | None:
    first = 1 if data_only else 0
    if len(rows) <= first:
        return None
    return first + index % (len(rows) - first)


def apply_csv_edit(folder: Folder, edit: CsvEdit) -> Folder:  # noqa: C901, PLR0912 (an op a branch)
    """``folder`` with ``edit`` applied (a changed copy)."""
    out = copy.deepcopy(folder)
    names = sorted(out)
    if not names:
        return out
    name = names[edit.file % len(names)]
    rows = out[name]
    r = _pick(rows, edit.row)
    if edit.op == "delete_file":
        del out[name]
    elif edit.op == "extra_file":
        # A name a file system takes: no NUL, slash or lone surrogate (the text goes inside).
        stem = "".join(c for c in edit.text if c.isalnum()) or "x"
        out[f"{stem}.csv"] = [[edit.text]]
    elif edit.op == "upper_name":
        out[name.upper()] = out.pop(name)
    elif r is None:
        return out
    elif edit.op == "cell" and rows[r]:
        rows[r][edit.col % len(rows[r])] = edit.text
    elif edit.op == "header" and rows[0]:
        rows[0][edit.col % len(rows[0])] = edit.text
    elif edit.op in {"drop_column", "duplicate_column"} and rows[0]:
        c = edit.col % len(rows[0])
        for record in rows:
            if c < len(record):
                if edit.op == "drop_column":
                    del record[c]
                else:
                    record.insert(c, record[c])
    elif edit.op == "add_column" and rows[0]:
        # A new column headed ``text`` holding another column's cells: plausible values.
        c = edit.col % len(rows[0])
        rows[0].append(edit.text)
        for record in rows[1:]:
            record.append(record[c] if c < len(record) else "")
    elif edit.op == "longer_row":
        rows[r].append(edit.text)
    elif edit.op == "shorter_row" and rows[r]:
        rows[r].pop()
    elif edit.op == "delete_row":
        del rows[r]
    elif edit.op == "duplicate_row":
        rows.insert(r, list(rows[r]))
    elif edit.op == "swap_rows" and (d := _pick(rows, edit.col, data_only=True)) is not None:
        rows[r], rows[d] = rows[d], rows[r]
    elif edit.op == "blank_row":
        rows.insert(r, [])
    return out


@attrs.frozen
class CsvWriting:
    """How a damaged folder is written: line ends, quoting, byte edits on one file."""

    lineterminator: str
    quote_all: bool
    file: int
    byte_edits: tuple[ByteEdit, ...]


csv_writings: st.SearchStrategy[CsvWriting] = st.builds(
    CsvWriting,
    lineterminator=st.sampled_from(["\r\n", "\n", "\r"]),
    quote_all=st.booleans(),
    file=st.integers(min_value=0, max_value=100),
    byte_edits=st.lists(byte_edits, max_size=2).map(tuple) | st.just(()),
)


@attrs.frozen
class CsvCase:
    """A damaged CSV ledger: edits to its records, then how it is written."""

    edits: tuple[CsvEdit, ...]
    writing: CsvWriting


csv_cases: st.SearchStrategy[CsvCase] = st.builds(
    CsvCase, edits=st.lists(csv_edits, min_size=1, max_size=4).map(tuple), writing=csv_writings
)


def damaged_csv(folder: Folder, case: CsvCase) -> dict[str, bytes]:
    """The files of ``folder`` damaged as ``case`` says, as bytes (UTF-8 with BOM first)."""
    for edit in case.edits:
        folder = apply_csv_edit(folder, edit)
    out: dict[str, bytes] = {}
    for name, rows in folder.items():
        buffer = io.StringIO()
        ends = case.writing.lineterminator
        if case.writing.quote_all:
            writer = csv.writer(buffer, lineterminator=ends, quoting=csv.QUOTE_ALL)
        else:
            writer = csv.writer(buffer, lineterminator=ends)
        writer.writerows(rows)
        out[name] = buffer.getvalue().encode("utf-8-sig", errors="surrogatepass")
    names = sorted(out)
    if names and case.writing.byte_edits:
        name = names[case.writing.file % len(names)]
        for byte_edit in case.writing.byte_edits:
            out[name] = apply_byte_edit(out[name], byte_edit)
    return out


# --------------------------------------------------------------------------- helpers


def outcome(load: Callable[[], Any]) -> tuple[Any, Exception | None]:
    """``(result, None)`` or ``(None, error)`` for a ProjpushError; anything else propagates."""
    try:
        return load(), None
    except ProjpushError as error:
        return None, error
