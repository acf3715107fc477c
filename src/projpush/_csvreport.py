"""The monthly supervision report as CSV tables (private).

:func:`projpush.report.render` with ``fmt="csv"`` is the public entry. The
text is the workbook's tables (:mod:`projpush._xlsx`) one after another in
one file, each a block: its name on a row of its own, its header row, its
rows, then an empty row. Every column holds one kind of value: text,
a date (``2020-10-31``), a count, or a number in the unit its header or its
row's unit cell names (an amount in 亿元, exact; a share in percent and a
gap in points, rounded half-up to one decimal as the text report prints
them; a mean of days to one decimal; an index to three). A figure that does
not apply is an empty cell. Every word is in the report's language.

The text begins with a byte-order mark, so that Excel and WPS read it as
UTF-8 and not in the system's code page, and every cell goes through
:func:`projpush._csvsafe.csv_text`: none runs as a formula.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from projpush._csvforecast import forecast_blocks
from projpush._csvsafe import csv_text
from projpush._fmt import half_up
from projpush._notes import note_text
from projpush._xlsx import Styled, _figures, _headers, _sheet_names, tables
from projpush.messages import enum_name, message, section
from projpush.metrics import (
    NotApplicable,
    Points,
    Ratio,
    _label,
)
from projpush.report import _BOM, _reason_words, _sheet_words, _tier_names, policy_shown

if TYPE_CHECKING:
    from collections.abc import Iterator

    from projpush.report import Lang, SupervisionReport

__all__ = ["blocks", "csv_report"]

_OWN_HEADS: Final = {"report": ("item", "content"), "summary": ("figure", "kind", "value", "unit")}
# The figures that are means of days, and which days they count.
_DAYS: Final = {"days_to_grant": "days", "working_days": "working_days"}

Block = tuple[str, Sequence[str], list[Sequence[str]]]


def csv_report(report: SupervisionReport, lang: Lang) -> str:
    """The report's CSV text in ``lang``: a byte-order mark, then one block a table."""
    rows: list[Sequence[str]] = []
    for title, header, body in blocks(report, lang):
        rows += [(title,), header, *body, ()]
    return _BOM + csv_text(rows[:-1], lineterminator="\n")


def blocks(report: SupervisionReport, lang: Lang) -> list[Block]:
    """The tables, in order: the report's facts, figures, lights, issues, rankings, lists.

    A report with a forecast (:func:`projpush.report.with_forecast`) ends with its tables.
    """
    own, heads, names = section("csv", lang), _headers(lang), _sheet_names(lang)
    mine = {
        table: tuple(message(f"csv.head.{h}", lang) for h in columns)
        for table, columns in _OWN_HEADS.items()
    }
    book = tables(report, lang)
    return [
        (own["report"], mine["report"], list(_facts(report, lang))),
        (names[0], mine["summary"], list(_summary(report, lang))),
        (names[1], heads["lights"], _plain(book[1].rows)),
        (own["overdue"], heads["issues"][:7], list(_overdue(report, lang))),
        (own["counts"], heads["issues"][8:], list(_counts(report, lang))),
        (names[3], (*heads["rankings"], own["rankings_unit"]), list(_rankings(report, lang))),
        (names[4], heads["accountability"], list(_accountability(report, lang))),
        (names[5], heads["findings"], _plain(book[5].rows)),
        *forecast_blocks(report, lang),  # with report.with_forecast: the forecast, issues due
    ]


def _facts(report: SupervisionReport, lang: Lang) -> Iterator[tuple[str, str]]:
    words, text = section("workbook", lang), section("report", lang)
    s = report.summary
    yield words["month"], "" if s.month is None else str(s.month)
    yield words["as_of"], report.as_of.isoformat()
    yield text["policy"], policy_shown(report.policy, lang)
    for note in report.notes:
        yield text["note"], note.text(lang)


def _summary(report: SupervisionReport, lang: Lang) -> Iterator[tuple[str, str, str, str]]:
    """Each headline figure: its label, its kind, its value as a plain number, its unit."""
    words = section("workbook", lang)
    tiers = _tier_names(report.policy, lang)
    kinds, units = section("csv.kind", lang), section("csv.unit", lang)
    for key, figure in _figures(report.summary):
        label = words[key] if key in words else _label(lang, key, tiers)
        if isinstance(figure, tuple):
            ratio, places = figure
            kind = "days" if key in _DAYS else "index"
            value = _number(ratio.value, places)
            unit = units.get(_DAYS.get(key, ""), "")
        elif isinstance(figure, Ratio):
            kind, value, unit = "ratio", _number(figure.rounded(1)), units["ratio"]
        elif isinstance(figure, Points):
            kind, value, unit = "points", _number(figure.rounded(1)), units["points"]
        elif isinstance(figure, Decimal):
            kind, value, unit = "amount", _amount(figure), units["amount"]
        else:
            kind, value, unit = "count", str(figure), ""
        yield label, kinds[kind], value, unit


def _number(value: Any, places: int | None = None) -> str:
    """A figure as a plain number (``73.2``, ``-10.1``); empty when it does not apply."""
    if isinstance(value, NotApplicable):
        return ""
    if places is not None:
        value = half_up(value, places)
    return f"{value:f}"


def _amount(yi: Decimal) -> str:
    """An amount in 亿元, exact, without trailing zeros: ``374.4014``."""
    text = f"{yi:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _plain(rows: Sequence[Sequence[Any]]) -> list[Sequence[str]]:
    """The workbook's rows as CSV cells: a styled cell's value, a date in ISO, none empty."""
    return [tuple(_text(cell) for cell in row) for row in rows]


def _text(cell: Any) -> str:
    if isinstance(cell, Styled):
        cell = cell.value
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell)


def _accountability(report: SupervisionReport, lang: Lang) -> Iterator[tuple[str, ...]]:
    """An item a row; the escalation rule's note said in ``lang`` (another note as typed)."""
    tiers = _tier_names(report.policy, lang)
    for e in report.accountability:
        for i in e.items:
            detail = "" if not i.detail else note_text(i.detail, lang, tiers)
            yield e.unit, i.issue, _reason_words(i.reason, lang), i.on.isoformat(), detail


def _overdue(report: SupervisionReport, lang: Lang) -> Iterator[tuple[str, ...]]:
    tiers = _tier_names(report.policy, lang)
    no_tier = message("report.no_tier", lang)
    for o in report.overdue:
        sheet = "none" if o.sheet is None else o.sheet.value
        yield (
            o.issue,
            no_tier if o.tier is None else tiers.get(o.tier, o.tier),
            o.owner or "",
            o.deadline.isoformat(),
            _sheet_words(sheet, lang),
            str(o.calendar_days),
            str(o.working_days),
        )


def _counts(report: SupervisionReport, lang: Lang) -> Iterator[tuple[str, str, str]]:
    tiers = _tier_names(report.policy, lang)
    no_tier = message("report.no_tier", lang)
    for (tier, sheet), n in report.open_by_tier_and_sheet().items():
        named = no_tier if tier == "none" else tiers.get(tier, tier)
        yield named, _sheet_words(sheet, lang), str(n)


def _rankings(report: SupervisionReport, lang: Lang) -> Iterator[tuple[str, ...]]:
    units = section("csv.unit", lang)
    for ranking in report.summary.rankings:
        name = _label(lang, "by_" + ranking.group)
        direction = enum_name(ranking.better, lang)
        figure = message(
            "workbook.ranked", lang, figure=_label(lang, ranking.figure), direction=direction
        )
        for row in ranking.rows:
            value = row.value
            if isinstance(value, Ratio):
                shown, unit = _number(value.rounded(1)), units["ratio"]
            elif isinstance(value, Points):
                shown, unit = _number(value.rounded(1)), units["points"]
            else:  # a ranked amount is any figure, not an amount in 万元
                shown, unit = f"{value}", ""
            rank = "" if row.rank is None else str(row.rank)
            yield name, figure, rank, row.key, shown, unit
