"""The report's forecast section as CSV tables (private; ``projpush report --forecast``).

:func:`projpush._csvreport.blocks` appends these after the report's own
tables when the report carries a forecast (:func:`projpush.report.with_forecast`).
Two blocks, in the CSV report's rules (one kind of value a column, every word
in the report's language):

- the forecast, one row a project: its code and name, its light now and at
  each month end foreseen under each assumption (a light's name, or 不亮灯),
  the least amount to complete this month to stay out of yellow and out of
  red (亿元, exact; empty when the effort is not an amount), and the two
  report sentences, which also name node tasks and an effort no amount makes;
- with ``due_within``, the issues due soon: issue, project, ISO date, working
  days from the report's date, the change (a sheet, or the tier it moves to)
  and the step's note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from projpush._notes import note_text
from projpush.foresight import Assumption
from projpush.messages import enum_name, message, section
from projpush.report import _tier_names

if TYPE_CHECKING:
    from collections.abc import Sequence
    from decimal import Decimal

    from projpush.foresight import Effort, Forecast
    from projpush.lights import Light
    from projpush.report import Lang, SupervisionReport

__all__ = ["forecast_blocks"]

Block = tuple[str, "Sequence[str]", "list[Sequence[str]]"]


def forecast_blocks(report: SupervisionReport, lang: Lang) -> list[Block]:
    """The forecast's blocks (none when the report carries no forecast)."""
    fc = report.forecast
    if fc is None:
        return []
    blocks: list[Block] = [_forecast_block(fc, lang)]
    if fc.due_within is not None:
        blocks.append(_due_block(report, fc, lang))
    return blocks


def _forecast_block(fc: Forecast, lang: Lang) -> Block:
    head = section("workbook.head", lang)
    columns = [(m, a) for m in fc.months for a in Assumption]
    header = (
        head["project"],
        head["name"],
        head["now"],
        *(
            message("workbook.head.assumed", lang, month=m, assumption=enum_name(a, lang))
            for m, a in columns
        ),
        message("csv.head.yellow_amount", lang),
        message("csv.head.red_amount", lang),
        head["out_of_yellow"],
        head["out_of_red"],
    )
    rows: list[Sequence[str]] = [
        (
            p.project,
            p.name,
            _light(p.now.light, lang),
            *(_light(p.outlook(m, a).light, lang) for m, a in columns),
            *(_yi(e) for e in p.efforts),
            *(e.sentence(lang) for e in p.efforts),
        )
        for p in fc.projects
    ]
    return message("workbook.sheet.forecast", lang), header, rows


def _light(light: Light | None, lang: Lang) -> str:
    return message("workbook.not_judged", lang) if light is None else enum_name(light, lang)


def _yi(effort: Effort) -> str:
    """The least amount in 亿元, exact (万元 / 10,000), or empty when it is no amount."""
    if not effort.judged or not effort.possible or effort.amount is None:
        return ""
    return _plain_decimal(effort.amount.scaleb(-4))


def _plain_decimal(value: Decimal) -> str:
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _due_block(report: SupervisionReport, fc: Forecast, lang: Lang) -> Block:
    tiers = _tier_names(report.policy, lang)
    header = tuple(
        message(f"page.due_head.{c}", lang)
        for c in ("issue", "project", "on", "working_days", "change", "note")
    )
    rows: list[Sequence[str]] = [
        (
            d.issue,
            d.project,
            d.on.isoformat(),
            str(d.working_days),
            enum_name(d.sheet, lang)
            if d.sheet is not None
            else message("page.to_tier", lang, tier=tiers.get(d.tier or "", d.tier or "")),
            note_text(d.note, lang, tiers),
        )
        for d in fc.due_soon
    ]
    return message("page.due", lang), header, rows
