"""The monthly supervision report as an Excel workbook (private).

:func:`projpush.report.render_xlsx` is the public entry; this module builds
the sheets and writes them with openpyxl (the ``xlsx`` extra), imported on
the first workbook.

Each sheet is one table: a header row, frozen and repeated on every printed
page, then one row an item. Figures are stored as numbers (amounts in 亿元
as the text report shows them, shares as fractions with a percent format,
counts as integers, dates as Excel dates) and only their format rounds
them. Text from the ledger is stored as text, never as a formula.

A province's report has hundreds of thousands of rows: openpyxl (in
write-only mode) lays out the package, the styles, each sheet's settings
and header row, and :func:`_with_rows` writes the other rows as
SpreadsheetML into the sheets it saved (see :func:`workbook_bytes`).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, NamedTuple

from projpush._extras import require
from projpush._fmt import column_letter as _column_letter
from projpush._fmt import text_width
from projpush._notes import note_text
from projpush.lights import Light
from projpush.messages import enum_name, message, section
from projpush.metrics import NotApplicable, Points, Ratio, _label
from projpush.model import SheetColor
from projpush.report import _sheet_words, _tier_names, policy_shown

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from projpush.metrics import MonthlySummary
    from projpush.report import Lang, SupervisionReport

__all__ = ["LIGHT_FILLS", "SHEET_FILLS", "workbook_bytes"]

# Excel's standard colours: a light cell is filled with its light, a sheet cell with its sheet.
LIGHT_FILLS: Final = {Light.GREEN: "00B050", Light.YELLOW: "FFFF00", Light.RED: "FF0000"}
SHEET_FILLS: Final = {
    SheetColor.BLUE: "00B0F0",
    SheetColor.YELLOW: "FFFF00",
    SheetColor.RED: "FF0000",
}
_HEADER_FILL: Final = "D9D9D9"

COUNT: Final = "#,##0"
AMOUNT: Final = "#,##0.00"  # 亿元, two decimals as the text report
PERCENT: Final = "0.0%"
POINTS: Final = "+0.0;-0.0;0.0"
MEAN: Final = "0.0"
INDEX: Final = "0.000"

_MAX_ROWS: Final = 1_048_576  # Excel's rows in a sheet, the header's included
_A4: Final = "9"  # the paper size code of A4 (Worksheet.PAPERSIZE_A4)
_MAX_WIDTH: Final = 60  # a column no wider than this (in widths of a digit) wraps its text
_WIDE: Final = 100  # a sheet wider than this prints landscape
_MAX_TEXT: Final = 32_767  # Excel's characters in a cell
# The characters XML 1.0 cannot hold (and lone surrogates, which UTF-8 cannot): as U+FFFD.
_ILLEGAL: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

# Each sheet's key, and its columns' keys in the catalogue (messages, workbook.head.*):
# the problem list's sheet holds the overdue issues, a blank column, then the open counts.
_SHEET_KEYS: Final = ("summary", "lights", "issues", "rankings", "accountability", "findings")
_COLUMNS: Final = {
    "summary": ("figure", "value"),
    "lights": ("project", "name", "unit", "light", "reasons"),
    "issues": (
        "issue",
        "tier",
        "owner",
        "deadline",
        "sheet",
        "calendar_days",
        "working_days",
        "",
        "tier",
        "sheet",
        "open",
    ),
    "rankings": ("ranking", "figure", "rank", "group", "value"),
    "accountability": ("unit", "issue", "reason", "date", "detail"),
    "findings": ("subject", "kind", "detail"),
}


def _sheet_names(lang: Lang) -> tuple[str, ...]:
    """The six sheets' names in ``lang``: 汇总, 红黄绿灯, ...; Summary, Lights, ..."""
    return tuple(message(f"workbook.sheet.{key}", lang) for key in _SHEET_KEYS)


def _headers(lang: Lang) -> dict[str, tuple[str, ...]]:
    """Each sheet's header row in ``lang``, by the sheet's key."""
    return {
        sheet: tuple(message(f"workbook.head.{c}", lang) if c else "" for c in columns)
        for sheet, columns in _COLUMNS.items()
    }


class Styled(NamedTuple):
    """A cell with a style of its own; a plain value takes its column's style."""

    value: Any
    style: str | None


class Table(NamedTuple):
    """One sheet: its title, header, each column's style (or None) and its rows."""

    title: str
    header: tuple[str, ...]
    styles: tuple[str | None, ...]
    rows: Sequence[Sequence[Any]]


def workbook_bytes(report: SupervisionReport, lang: Lang) -> bytes:
    """The report as the bytes of an .xlsx workbook, in ``lang``.

    openpyxl writes the package: the styles, each sheet's settings and its
    header row. The rows are written here, as SpreadsheetML, into each
    sheet's ``<sheetData>``: openpyxl takes some 30 µs a cell, a minute for
    the two million cells of a 100,000-project report; this takes seconds.

    Raises:
        ImportError: openpyxl is missing; the message names the ``xlsx`` extra.
    """
    openpyxl = _openpyxl()
    book = openpyxl.Workbook(write_only=True)
    names = _styles(book, lang)
    ids: dict[str, int] = {}
    sheets = []
    for table in tables(report, lang):
        for part in _parts(table, lang):
            sheet = _write(book, part, names)
            ids = ids or _style_ids(sheet, names)
            sheets.append((sheet, part))
    buffer = io.BytesIO()
    book.save(buffer)
    # Saving numbers the sheets, and so names their files (xl/worksheets/sheet1.xml).
    rows = {sheet.path.lstrip("/"): part for sheet, part in sheets}
    return _with_rows(buffer.getvalue(), rows, ids)


def _openpyxl() -> Any:
    """openpyxl, or the ImportError naming the extra that installs it."""
    return require("openpyxl", extra="xlsx", user="projpush.report.render_xlsx")


# --------------------------------------------------------------------------- the tables


def tables(report: SupervisionReport, lang: Lang) -> list[Table]:
    """The six sheets of the workbook, in order, as plain values and style names."""
    names, heads = _sheet_names(lang), _headers(lang)
    text = section("report", lang)
    tiers = _tier_names(report.policy, lang)

    def tier(name: str | None) -> str:
        return text["no_tier"] if name in (None, "none") else tiers.get(name, name)

    # A cell a colour: tens of thousands of overdue issues share three.
    colours: dict[SheetColor | str | None, Styled] = {}

    def sheet(colour: SheetColor | str | None) -> Styled:
        cell = colours.get(colour)
        if cell is None:
            value = colour.value if isinstance(colour, SheetColor) else colour or "none"
            style = f"sheet-{value}" if value != "none" else None
            cell = colours[colour] = Styled(_sheet_words(value, lang), style)
        return cell

    overdue = [
        (
            o.issue,
            tier(o.tier),
            o.owner,
            o.deadline,
            sheet(o.sheet),
            o.calendar_days,
            o.working_days,
        )
        for o in report.overdue
    ]
    counts = [(tier(t), sheet(s), n) for (t, s), n in report.open_by_tier_and_sheet().items()]
    width = max(len(overdue), len(counts))
    blank: tuple[Any, ...] = (None,) * 7
    issues = [
        (
            *(overdue[i] if i < len(overdue) else blank),
            None,
            *(counts[i] if i < len(counts) else blank[:3]),
        )
        for i in range(width)
    ]
    accountability = [
        (
            e.unit,
            i.issue,
            enum_name(i.reason, lang),
            i.on,
            note_text(i.detail, lang, tiers) if i.detail else None,
        )
        for e in report.accountability
        for i in e.items
    ]
    findings = [(f.subject, enum_name(f.kind, lang), f.text(lang)) for f in report.findings]
    return [
        Table(names[0], heads["summary"], (None, None), list(_summary_rows(report, lang))),
        Table(
            names[1], heads["lights"], (None, None, None, None, "wrap"), _light_rows(report, lang)
        ),
        Table(
            names[2],
            heads["issues"],
            (None, None, None, "date", None, "count", "count", None, None, None, "count"),
            issues,
        ),
        Table(
            names[3],
            heads["rankings"],
            (None, None, "count", None, None),
            list(_ranking_rows(report.summary, lang)),
        ),
        Table(names[4], heads["accountability"], (None, None, None, "date", None), accountability),
        Table(names[5], heads["findings"], (None, None, "wrap"), findings),
        *_forecast_tables(report, lang),
    ]


def _forecast_tables(report: SupervisionReport, lang: Lang) -> list[Table]:
    """The forecast sheet, when the report carries a forecast (``report.with_forecast``).

    One row a project: its light now, its light at each month end foreseen
    under each assumption (the cell coloured by it), and its two least efforts.
    """
    fc = report.forecast
    if fc is None:
        return []
    from projpush.foresight import Assumption  # noqa: PLC0415

    cells = _light_cells(lang)
    head = section("workbook.head", lang)
    header: tuple[str, ...] = (head["project"], head["name"], head["now"])
    columns = [(m, a) for m in fc.months for a in Assumption]
    header += tuple(
        message("workbook.head.assumed", lang, month=m, assumption=enum_name(a, lang))
        for m, a in columns
    )
    header += (head["out_of_yellow"], head["out_of_red"])
    rows = [
        (
            p.project,
            p.name,
            cells[p.now.light],
            *(cells[p.outlook(m, a).light] for m, a in columns),
            *(e.sentence(lang) for e in p.efforts),
        )
        for p in fc.projects
    ]
    styles = (None, None, None, *(None for _ in columns), "wrap", "wrap")
    return [Table(message("workbook.sheet.forecast", lang), header, styles, rows)]


def _summary_rows(report: SupervisionReport, lang: Lang) -> Iterator[tuple[str, Any]]:
    """The headline figures, each as a number with its format (or "n/a" as text)."""
    s = report.summary
    words, text = section("workbook", lang), section("report", lang)
    names = _tier_names(report.policy, lang)
    yield words["month"], "—" if s.month is None else str(s.month)
    yield words["as_of"], Styled(report.as_of, "date")
    yield text["policy"], policy_shown(report.policy, lang)
    for note in report.notes:
        yield text["note"], note.text(lang)
    for key, value in _figures(s):
        label = words[key] if key in words else _label(lang, key, names)
        yield label, _cell(value, lang)


# A figure of the summary: a count, an amount in 亿元 (Decimal), a share, a gap, or a
# ratio shown as a plain number with so many decimals (a mean, an index).
_Figure = int | Decimal | Ratio | Points | tuple[Ratio, int]


def _figures(s: MonthlySummary) -> Iterator[tuple[str, _Figure]]:
    """The figures of :meth:`MonthlySummary.figure_rows`, in its order, as values.

    A pair the text prints as ``0/9`` is two rows of counts here.
    """
    inv, iss = s.investment, s.issues
    yield "projects", s.projects
    yield "annual_plan", _yi(inv.annual_plan)
    yield "done_to_date", _yi(inv.done_to_date)
    yield "completion", inv.completion
    yield "schedule", s.schedule
    yield "gap", s.gap
    yield "monthly_progress", inv.monthly_progress
    yield "yoy_growth", inv.yoy_growth
    yield "new_completion", s.new.completion
    yield "continuing_completion", s.continuing.completion
    yield "start_rate", s.start_rate
    yield "resumption_rate", s.resumption_rate
    if s.lights is not None:
        yield "share_green", s.lights.share_green
        for name, n in s.lights.counts:
            yield f"light_{name}", n
    yield "leader_coverage", s.coverage.leader
    yield "secretary_coverage", s.coverage.secretary
    yield "ready_to_start", s.approvals.ready_to_start
    yield "not_started", s.approvals.not_started
    yield "outstanding_items", s.approvals.outstanding_items
    yield "days_to_grant", (s.approvals.days_to_grant, 1)
    yield "one_trip", s.approvals.one_trip
    yield "contacts_overdue", s.contacts.overdue
    yield "contacts_served", s.contacts.served
    yield "issues_collected", iss.collected
    yield "issues_closed", iss.closed
    yield "closure_rate", iss.closure_rate
    yield "on_time_rate", iss.on_time_rate
    yield "working_days", (iss.mean_working_days, 1)
    for t in iss.tiers:
        yield f"tier:{t.tier}", t.resolution_rate
    if s.earned_value is not None:
        yield "spi", (s.earned_value.spi, 3)
        yield "cpi", (s.earned_value.cpi, 3)


def _yi(amount_wan: Decimal) -> Decimal:
    """An amount in 万元 in 亿元, exactly (a shift of the decimal point)."""
    return amount_wan.scaleb(-4)


def _cell(value: _Figure, lang: Lang) -> Styled:
    """A figure as a number and its format; a figure not applicable as the words for it."""
    na = Styled(message("workbook.not_applicable", lang), None)
    if isinstance(value, tuple):
        ratio, places = value
        exact = ratio.value
        return na if isinstance(exact, NotApplicable) else Styled(float(exact), _PLACES[places])
    if isinstance(value, Ratio):
        exact = value.value
        return na if isinstance(exact, NotApplicable) else Styled(float(exact), "percent")
    if isinstance(value, Points):
        gap = value.value
        return na if isinstance(gap, NotApplicable) else Styled(float(gap), "points")
    if isinstance(value, Decimal):
        return Styled(value, "amount")
    return Styled(value, "count")


_PLACES: Final = {1: "mean", 3: "index"}


def _ranking_rows(s: MonthlySummary, lang: Lang) -> Iterator[tuple[Any, ...]]:
    for ranking in s.rankings:
        name = _label(lang, "by_" + ranking.group)
        direction = enum_name(ranking.better, lang)
        figure = message(
            "workbook.ranked", lang, figure=_label(lang, ranking.figure), direction=direction
        )
        for row in ranking.rows:
            rank = "—" if row.rank is None else row.rank
            yield name, figure, rank, row.key, _ranked(row.value, lang)


def _ranked(value: Ratio | Points | Decimal | int, lang: Lang) -> Styled:
    if isinstance(value, Decimal):  # a ranked amount is any figure, not an amount in 万元
        return Styled(float(value), None)
    return _cell(value, lang)


def _light_rows(report: SupervisionReport, lang: Lang) -> list[tuple[Any, ...]]:
    """One row a project: red, then yellow (worst first), then green, then not judged.

    A red or yellow project carries its reasons, one a line; a green or
    unjudged one its light only.
    """
    reasons = {
        v.project: "\n".join(r.text(lang) for r in v.reasons if r.code)
        for v in (*report.red, *report.yellow)
    }
    order = {v.project: i for i, v in enumerate((*report.red, *report.yellow))}
    rest = len(order)
    rank = {Light.GREEN: rest, None: rest + 1}
    rows = sorted(
        report.project_lights,
        key=lambda p: order[p.key] if p.key in order else rank.get(p.light, rest + 2),
    )
    cells = _light_cells(lang)
    return [(p.key, p.name, p.unit, cells[p.light], reasons.get(p.key)) for p in rows]


def _light_cells(lang: Lang) -> dict[Light | None, Styled]:
    """A light's cell: its name in ``lang``, coloured by it; ``不亮灯`` / not judged plain."""
    cells: dict[Light | None, Styled] = {
        light: Styled(enum_name(light, lang), f"light-{light.value}") for light in Light
    }
    cells[None] = Styled(message("workbook.not_judged", lang), None)
    return cells


# --------------------------------------------------------------------------- writing


def _parts(table: Table, lang: Lang) -> Iterator[Table]:
    """``table``, split into sheets of as many rows as Excel holds ("问责清单 2", ...)."""
    size = _MAX_ROWS - 1
    if len(table.rows) <= size:
        yield table
        return
    for n, start in enumerate(range(0, len(table.rows), size), start=1):
        title = (
            table.title
            if n == 1
            else message("workbook.sheet.continued", lang, title=table.title, n=n)
        )
        yield table._replace(title=title, rows=table.rows[start : start + size])


def _styles(book: Any, lang: Lang) -> dict[str, str]:
    """Register the workbook's named styles; map each style key to its name."""
    styles = require("openpyxl.styles", extra="xlsx", user="projpush.report.render_xlsx")

    def solid(colour: str) -> Any:
        return styles.PatternFill("solid", fgColor=colour)

    wrap = styles.Alignment(wrap_text=True, vertical="top")
    specs: dict[str, dict[str, Any]] = {
        "header": {
            "font": styles.Font(bold=True),
            "fill": solid(_HEADER_FILL),
            "alignment": styles.Alignment(wrap_text=True, horizontal="center", vertical="center"),
        },
        "wrap": {"alignment": wrap},
        "count": {"number_format": COUNT},
        "amount": {"number_format": AMOUNT},
        "percent": {"number_format": PERCENT},
        "points": {"number_format": POINTS},
        "mean": {"number_format": MEAN},
        "index": {"number_format": INDEX},
        "date": {"number_format": message("workbook.date_format", lang)},
    }
    centred = styles.Alignment(horizontal="center")
    for light, colour in LIGHT_FILLS.items():
        specs[f"light-{light.value}"] = {"fill": solid(colour), "alignment": centred}
    for sheet, colour in SHEET_FILLS.items():
        specs[f"sheet-{sheet.value}"] = {"fill": solid(colour), "alignment": centred}
    names = {}
    for key, spec in specs.items():
        name = f"projpush {key}"
        book.add_named_style(styles.NamedStyle(name=name, **spec))
        names[key] = name
    return names


def _write(book: Any, table: Table, names: dict[str, str]) -> Any:
    """Add ``table``'s sheet to ``book``: widths, frozen header, print setup, the header row.

    The other rows are written by :func:`_with_rows`, once openpyxl has saved the book.
    """
    utils = require("openpyxl.utils", extra="xlsx", user="projpush.report.render_xlsx")
    properties = require(
        "openpyxl.worksheet.properties", extra="xlsx", user="projpush.report.render_xlsx"
    )
    cells = require("openpyxl.cell", extra="xlsx", user="projpush.report.render_xlsx")
    sheet = book.create_sheet(table.title)
    widths = _widths(table)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[utils.get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    sheet.print_title_rows = "1:1"
    sheet.print_options.gridLines = True
    setup = sheet.page_setup
    setup.paperSize = _A4
    setup.orientation = "landscape" if sum(widths) > _WIDE else "portrait"
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = properties.PageSetupProperties(fitToPage=True)
    last = utils.get_column_letter(len(table.header))
    sheet.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"
    header = []
    for text in table.header:
        cell = cells.WriteOnlyCell(sheet, value=text or None)
        cell.style = names["header"]
        header.append(cell)
    sheet.append(header)
    return sheet


def _style_ids(sheet: Any, names: dict[str, str]) -> dict[str, int]:
    """The index in the workbook's cell formats of each named style, registering each."""
    cells = require("openpyxl.cell", extra="xlsx", user="projpush.report.render_xlsx")
    ids = {}
    for key, name in names.items():
        cell = cells.WriteOnlyCell(sheet)
        cell.style = name
        ids[key] = int(cell.style_id)
    return ids


def _with_rows(package: bytes, rows: dict[str, Table], ids: dict[str, int]) -> bytes:
    """``package`` with each sheet's rows after its header row."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(package)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            table = rows.get(info.filename)
            if table is None:
                target.writestr(info, data)
                continue
            head, end, tail = data.partition(b"</sheetData>")
            if not end:  # pragma: no cover (openpyxl always writes the header row)
                msg = f"{info.filename}: no sheetData to write the rows into"
                raise RuntimeError(msg)
            with target.open(info, "w") as sheet:
                sheet.write(head)
                for chunk in _rows_xml(table, ids):
                    sheet.write(chunk.encode("utf-8"))
                sheet.write(end + tail)
    return out.getvalue()


_CHUNK: Final = 5000  # rows serialised, then encoded, at a time
_EPOCH: Final = dt.date(1899, 12, 30)  # Excel's day 0, for the days from 1 March 1900 on
_LEAP: Final = dt.date(1900, 3, 1)
_DAY: Final = dt.timedelta(days=1)


def _rows_xml(table: Table, ids: dict[str, int]) -> Iterator[str]:
    """The SpreadsheetML of ``table``'s rows, from the sheet's row 2, a chunk at a time."""
    letters = [_column_letter(i) for i in range(len(table.header))]
    column_styles = table.styles
    parts: list[str] = []
    for n, row in enumerate(table.rows, start=2):
        parts.append(f'<row r="{n}">')
        for letter, value, style in zip(letters, row, column_styles, strict=True):
            if isinstance(value, Styled):
                value, style = value  # noqa: PLW2901 (a cell of its own style)
            if value is not None:
                parts.append(_cell_xml(f"{letter}{n}", value, style, ids))
        parts.append("</row>")
        if n % _CHUNK == 0:
            yield "".join(parts)
            parts.clear()
    yield "".join(parts)


def _cell_xml(ref: str, value: Any, style: str | None, ids: dict[str, int]) -> str:
    """One cell: text inline (never a formula), a number, or a date as Excel's day number."""
    if isinstance(value, str):
        s = f' s="{ids[style]}"' if style else ""
        text = _xml(value)
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    if isinstance(value, dt.date):
        s = f' s="{ids[style or "date"]}"'
        return f'<c r="{ref}"{s}><v>{_serial(value)}</v></c>'
    s = f' s="{ids[style]}"' if style else ""
    if isinstance(value, Decimal):
        number = f"{value:f}"
    elif isinstance(value, float):
        number = repr(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = str(value)
    else:  # pragma: no cover (the tables hold no other kind)
        msg = f"{ref}: a cell cannot hold {value!r}"
        raise TypeError(msg)
    return f'<c r="{ref}"{s}><v>{number}</v></c>'


def _serial(day: dt.date) -> int:
    """Excel's number of ``day``: its 1900 date system counts a 29 February 1900.

    >>> _serial(dt.date(2020, 10, 31)), _serial(dt.date(1900, 3, 1)), _serial(dt.date(1900, 2, 28))
    (44135, 61, 59)
    """
    return (day - (_EPOCH if day >= _LEAP else _EPOCH + _DAY)).days


def _xml(text: str) -> str:
    """``text`` as XML character data: escaped, without what XML cannot hold, in Excel's limit."""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("\ufffd", text)
    if len(text) > _MAX_TEXT:
        text = text[: _MAX_TEXT - 1] + "…"
    if "&" in text or "<" in text or ">" in text:
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


def _widths(table: Table) -> list[float]:
    """Each column's width: its widest cell as shown (a CJK character counts 2), capped."""

    def shown(value: Any, style: str | None) -> int:
        if isinstance(value, Styled):
            value, style = value
        if value is None:
            return 0
        if isinstance(value, str):
            return max(map(_text_width, value.split("\n")))
        return _number_width(value, style)

    widths: list[float] = []
    for i, head in enumerate(table.header):
        style = table.styles[i]
        column = {row[i] for row in table.rows}  # each value once: a unit is on many rows
        wide = max((shown(v, style) for v in column), default=0)
        widths.append(min(max(wide, _text_width(head)) + 2, _MAX_WIDTH))
    return widths


def _text_width(text: str) -> int:
    return len(text) if text.isascii() else text_width(text)


def _number_width(value: object, style: str | None) -> int:
    """About how wide a number or date shows in its format."""
    if isinstance(value, dt.date):
        return 14  # 2020年10月31日; 2020-10-31 is narrower
    if style == "percent":
        return 7
    if style in {"amount", "points", "mean", "index"} and isinstance(value, (float, Decimal)):
        return len(f"{value:,.3f}") + 1
    if isinstance(value, int):
        return len(f"{value:,}")
    if isinstance(value, (float, Decimal, Fraction)):
        return len(f"{float(value):,.3f}")
    return len(str(value))
