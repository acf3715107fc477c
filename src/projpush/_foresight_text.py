"""Forecasts and policy diffs as text, JSON and CSV: foresight at the edge (private).

The command line (``projpush forecast``, ``projpush compare``) and the
report's forecast section print through these; the rules stay pure.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

from projpush._csvsafe import csv_text
from projpush._notes import note_text
from projpush.errors import UnknownReferenceError
from projpush.foresight import (
    Assumption,
    Effort,
    Forecast,
    PolicyDiff,
    ProjectForecast,
    forecast,
)
from projpush.lights import Light
from projpush.messages import enum_name, light_policy_name, message, section
from projpush.metrics import _tier_words

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterator, Mapping

    from projpush.lights import Verdict
    from projpush.model import Portfolio, SheetColor
    from projpush.report import PolicySet
    from projpush.schedule import WorkingCalendar

__all__ = [
    "build_forecast",
    "diff_dict",
    "diff_lines",
    "forecast_dict",
    "forecast_lines",
    "render_diff",
    "render_forecast",
]

_NOT_REPLAYED: Final = "cannot be replayed under this policy"  # foresight._last_note's


def _words(lang: str) -> Mapping[str, str]:
    return section("forecast", lang)


def _set_name(name: str, lang: str) -> str:
    """A report policy set as a reader knows it: in Chinese by its name in the catalogue.

    In English the name typed (``default``, ``yinchuan``) is a word already;
    a set of one's own is called as it is.
    """
    if lang == "en":
        return name
    try:
        return message(f"policy_set.{name}", lang)
    except UnknownReferenceError:
        return name


def _tier(tier: str | None, lang: str) -> str:
    if tier is None:
        return "-"
    return _tier_words(lang).get(tier, tier)


def _why(note: str, lang: str) -> str:
    """The last automatic step's note in ``lang``, or why there is none."""
    if note == _NOT_REPLAYED:
        return message("forecast.not_replayed", lang)
    return note_text(note, lang, _tier_words(lang))  # type: ignore[arg-type]


def _figure_name(name: str, lang: str) -> str:
    """A compared figure's name: lights.red as 红灯项目数, issues.tier.city as 市政府层级问题数."""
    kind, _, what = name.rpartition(".")
    if kind == "issues.tier":
        shown = message("report.no_tier", lang) if what == "none" else _tier(what, lang)
        return message("forecast.figure.tier", lang, tier=shown)
    if kind == "issues.sheet":
        return message("forecast.figure.sheet", lang, sheet=_sheet(_sheet_colour(what), lang))
    try:
        return message(f"forecast.figure.{name}", lang)
    except UnknownReferenceError:
        return name


def _sheet_colour(value: str) -> SheetColor | None:
    from projpush.model import SheetColor  # noqa: PLC0415

    return None if value == "none" else SheetColor(value)


def _light(light: Light | None, lang: str) -> str:
    if light is None:
        return _words(lang)["not_judged"]
    return enum_name(light, lang)


def _assumption(a: Assumption, lang: str) -> str:
    return enum_name(a, lang)


def _sheet(sheet: SheetColor | None, lang: str) -> str:
    if sheet is None:
        return _words(lang)["no_sheet"]
    return enum_name(sheet, lang)


def _at_risk(p: ProjectForecast) -> bool:
    """A project worth a line: not green now, or not green at some month end foreseen."""
    lights = [p.now.light, *(o.light for o in p.outlooks)]
    return any(x is not None and x > Light.GREEN for x in lights)


def _effort_shown(p: ProjectForecast) -> Effort | None:
    """The effort a line shows: out of red when red threatens, else out of yellow."""
    yellow, red = p.efforts
    if not red.judged:
        return None
    if not red.possible or red.amount or red.milestones:
        return red
    if not yellow.possible or yellow.amount or yellow.milestones:
        return yellow
    return None


def forecast_lines(fc: Forecast, lang: str = "zh") -> Iterator[str]:
    """The forecast as text lines: counts per month end and assumption, projects, issues."""
    w = _words(lang)
    yield message(
        "forecast.head",
        lang,
        forecast=w["forecast"],
        as_of=fc.as_of,
        policy=light_policy_name(fc.policy, lang),
    )
    sep = message("lights.reasons_sep", lang)
    for month in fc.months:
        parts = []
        for a in Assumption:
            c = fc.counts(month, a)
            parts.append(
                message(
                    "forecast.counts",
                    lang,
                    assumption=_assumption(a, lang),
                    green=c.green,
                    yellow=c.yellow,
                    red=c.red,
                    not_judged=c.not_judged,
                )
            )
        yield f"  {w['month_end'].format(month=month)}: {sep.join(parts)}"
    shown = [p for p in fc.projects if _at_risk(p)]
    yield ""
    yield f"{w['at_risk']} ({len(shown)}), {w['order']}"
    for p in shown:
        steps = []
        for month in fc.months:
            lights = "/".join(_light(p.outlook(month, a).light, lang) for a in Assumption)
            steps.append(f"{month} {lights}")
        yield f"  {p.project} {p.name}: {w['now']} {_light(p.now.light, lang)} → {', '.join(steps)}"
        effort = _effort_shown(p)
        if effort is not None:
            yield f"    {effort.sentence(lang)}"
    if fc.due_within is not None:
        yield ""
        yield f"{w['due'].format(n=fc.due_within)} ({len(fc.due_soon)})"
        for d in fc.due_soon:
            if d.sheet is not None:
                change = _sheet(d.sheet, lang)
            else:
                change = message("page.to_tier", lang, tier=_tier(d.tier, lang))
            when = w["working_days"].format(n=d.working_days)
            yield f"  {d.issue} [{d.project}] {d.on} ({when}) {change}: {_why(d.note, lang)}"


def _reasons(v: Verdict, lang: str) -> list[str]:
    return [r.text(lang) for r in v.reasons]


def forecast_dict(fc: Forecast) -> dict[str, Any]:
    """The forecast as JSON-ready data with stable keys."""
    return {
        "as_of": fc.as_of.isoformat(),
        "policy": fc.policy,
        "months": [str(m) for m in fc.months],
        "counts": [
            {"month": str(m), "assumption": a.value, **_counts(fc, m, a)}
            for m in fc.months
            for a in Assumption
        ],
        "projects": [_project_dict(p) for p in fc.projects],
        "due_within": fc.due_within,
        "due_soon": [
            {
                "issue": d.issue,
                "project": d.project,
                "on": d.on.isoformat(),
                "working_days": d.working_days,
                "kind": d.kind.value,
                "sheet": d.sheet.value if d.sheet else None,
                "tier": d.tier,
                "deadline": d.deadline.isoformat() if d.deadline else None,
                "note": d.note,
            }
            for d in fc.due_soon
        ],
    }


def _counts(fc: Forecast, month: Any, a: Assumption) -> dict[str, int]:
    c = fc.counts(month, a)
    return {"green": c.green, "yellow": c.yellow, "red": c.red, "not_judged": c.not_judged}


def _project_dict(p: ProjectForecast) -> dict[str, Any]:
    return {
        "project": p.project,
        "name": p.name,
        "unit": p.unit,
        "now": p.now.light.value if p.now.light else None,
        "outlooks": [
            {
                "month": str(o.month),
                "assumption": o.assumption.value,
                "light": o.light.value if o.light else None,
                "reasons_zh": [r.text("zh") for r in o.reasons],
                "reasons_en": [r.text("en") for r in o.reasons],
            }
            for o in p.outlooks
        ],
        "efforts": [_effort_dict(e) for e in p.efforts],
    }


def _effort_dict(e: Effort) -> dict[str, Any]:
    return {
        "month": str(e.month),
        "light": e.light.value,
        "judged": e.judged,
        "possible": e.possible,
        "amount": None if e.amount is None else f"{e.amount:f}",
        "milestones": [{"name": n, "by": d.isoformat()} for n, d in e.milestones],
        "zh": e.sentence("zh"),
        "en": e.sentence("en"),
    }


def render_forecast(fc: Forecast, fmt: str = "text", lang: str = "zh") -> str:
    """The forecast as text, JSON (stable keys) or CSV (one row a project, month and assumption)."""
    if fmt == "json":
        return json.dumps(forecast_dict(fc), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        header = ("project", "month", "assumption", "light", "amount", "text")
        rows: list[tuple[str, ...]] = [header]
        for p in fc.projects:
            for o in p.outlooks:
                text = "; ".join(r.text(lang) for r in o.reasons)
                rows.append((p.project, str(o.month), o.assumption.value, _code(o.light), "", text))
            for e in p.efforts:
                amount = "" if e.amount is None else f"{e.amount:f}"
                what = f"effort_{e.light.value}"
                rows.append((p.project, str(e.month), what, "", amount, e.sentence(lang)))
        return csv_text(rows, lineterminator="\n")
    return "\n".join(forecast_lines(fc, lang)) + "\n"


def _code(light: Light | None) -> str:
    return "" if light is None else light.value


def diff_lines(diff: PolicyDiff, lang: str = "zh") -> Iterator[str]:
    """A policy comparison as text lines: lights, issues and figures that change, and why."""
    w = _words(lang)
    sep = message("lights.reasons_sep", lang)
    name_a, name_b = _set_name(diff.a, lang), _set_name(diff.b, lang)
    yield f"{w['compare']}: {name_a} → {name_b} ({w['as_of']} {diff.as_of})"
    yield ""
    yield f"{w['lights']} ({len(diff.lights)})"
    for c in diff.lights:
        yield f"  {c.project}: {_light(c.a.light, lang)} → {_light(c.b.light, lang)}"
        yield f"    {name_a}: {sep.join(_reasons(c.a, lang))}"
        yield f"    {name_b}: {sep.join(_reasons(c.b, lang))}"
    yield ""
    yield f"{w['issues']} ({len(diff.issues)})"
    for q in diff.issues:
        a = f"{_sheet(q.sheet_a, lang)} {_tier(q.tier_a, lang)} {q.deadline_a or '-'}"
        b = f"{_sheet(q.sheet_b, lang)} {_tier(q.tier_b, lang)} {q.deadline_b or '-'}"
        yield f"  {q.issue} [{q.project}]: {a} → {b}"
        yield f"    {name_a}: {_why(q.why_a, lang)}"
        yield f"    {name_b}: {_why(q.why_b, lang)}"
    yield ""
    yield f"{w['figures']} ({len(diff.figures)})"
    for f in diff.figures:
        yield f"  {_figure_name(f.name, lang)}: {f.a} → {f.b}"


def diff_dict(diff: PolicyDiff) -> dict[str, Any]:
    """A policy comparison as JSON-ready data with stable keys."""

    def light(v: Verdict) -> dict[str, Any]:
        return {
            "light": _code(v.light) or None,
            "reasons_zh": _reasons(v, "zh"),
            "reasons_en": _reasons(v, "en"),
        }

    return {
        "as_of": diff.as_of.isoformat(),
        "a": diff.a,
        "b": diff.b,
        "lights": [{"project": c.project, "a": light(c.a), "b": light(c.b)} for c in diff.lights],
        "issues": [
            {
                "issue": q.issue,
                "project": q.project,
                "a": {
                    "sheet": q.sheet_a.value if q.sheet_a else None,
                    "tier": q.tier_a,
                    "deadline": q.deadline_a.isoformat() if q.deadline_a else None,
                    "why": q.why_a,
                },
                "b": {
                    "sheet": q.sheet_b.value if q.sheet_b else None,
                    "tier": q.tier_b,
                    "deadline": q.deadline_b.isoformat() if q.deadline_b else None,
                    "why": q.why_b,
                },
            }
            for q in diff.issues
        ],
        "figures": [{"name": f.name, "a": f.a, "b": f.b} for f in diff.figures],
    }


def render_diff(diff: PolicyDiff, fmt: str = "text", lang: str = "zh") -> str:
    """A policy comparison as text, JSON (stable keys) or CSV (one row a change)."""
    if fmt == "json":
        return json.dumps(diff_dict(diff), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        rows: list[tuple[str, ...]] = [("kind", "subject", "a", "b", "why_a", "why_b")]
        sep = "; "
        rows.extend(
            (
                "light",
                c.project,
                _code(c.a.light),
                _code(c.b.light),
                sep.join(_reasons(c.a, lang)),
                sep.join(_reasons(c.b, lang)),
            )
            for c in diff.lights
        )
        for q in diff.issues:
            a = f"{q.sheet_a.value if q.sheet_a else ''} {q.tier_a or ''} {q.deadline_a or ''}"
            b = f"{q.sheet_b.value if q.sheet_b else ''} {q.tier_b or ''} {q.deadline_b or ''}"
            rows.append(("issue", q.issue, a.strip(), b.strip(), q.why_a, q.why_b))
        rows.extend(("figure", f.name, str(f.a), str(f.b), "", "") for f in diff.figures)
        return csv_text(rows, lineterminator="\n")
    return "\n".join(diff_lines(diff, lang)) + "\n"


def build_forecast(
    portfolio: Portfolio,
    as_of: dt.date,
    chosen: PolicySet,
    *,
    months: int = 2,
    due_within: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> Forecast:
    """The forecast of a report's policy set: issues advanced as the report advances them.

    An issue that records its policy version is advanced under that version
    (the built-in cities' and the set's own); one that records none under
    the set's escalation policy.

    Raises:
        As :func:`projpush.foresight.forecast`.
    """
    from projpush.report import _report_book  # noqa: PLC0415 (report imports this module)

    return forecast(
        portfolio,
        as_of,
        chosen.lights,
        months=months,
        escalation=chosen.escalation,
        book=_report_book(chosen.escalation),
        due_within=due_within,
        calendar=calendar,
    )
