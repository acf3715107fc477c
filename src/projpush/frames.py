"""Flat records and pandas DataFrames of portfolio-level results.

:func:`records` turns a result (a portfolio, a light roll-up or light map,
verdicts, issues, a monthly summary, rankings, escalation views) into a list
of flat dicts, one table row each, ready for ``pandas.DataFrame``; it needs
nothing beyond projpush. :func:`to_frame` builds the DataFrame and needs the
optional extra ``projpush[pandas]`` (pandas is imported on first use).

As in :meth:`projpush.metrics.GroupFigures.to_record`, exact amounts are
strings (``"4793300.00"``, never a float), dates are ISO strings, enums are
their values and a missing value is ``None``.

>>> import datetime as dt
>>> from projpush.model import Portfolio, Project
>>> p = Project(local_id="NB-1", name="港区扩建", level="city", category="infrastructure",
...     stage="under_construction", region="北仑区", unit="市港航局", total_investment="2000")
>>> row = records(Portfolio(projects=(p,)))[0]
>>> row["key"], row["stage"], row["total_investment"]
('NB-1', 'under_construction', '2000')
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from typing import Any

import attrs

from projpush._extras import require
from projpush.errors import ValidationError
from projpush.lights import LightMap, Rollup, Verdict
from projpush.metrics import GroupBy, GroupFigures, MonthlySummary, Ranking
from projpush.model import Issue, Month, Portfolio

__all__ = [
    "issue_records",
    "light_map_records",
    "portfolio_records",
    "records",
    "summary_records",
    "to_frame",
    "verdict_records",
]


def _cell(value: object) -> Any:
    """A value as a flat table cell: text for exact numbers, dates and months."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Decimal | Fraction | Month):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple | list | frozenset | set):
        return "、".join(str(_cell(v)) for v in value)
    return str(value)


def _reason_text(verdict: Verdict, lang: str) -> str:
    return ("；" if lang == "zh" else "; ").join(r.text(lang) for r in verdict.reasons)


def portfolio_records(portfolio: Portfolio) -> list[dict[str, Any]]:
    """One row per project of the ledger (台账), with its people and issue counts."""
    rows = []
    for p in portfolio.projects:
        issues = portfolio.issues_of(p.key)
        rows.append(
            {
                "key": p.key,
                "code": _cell(p.code),
                "local_id": p.local_id,
                "name": p.name,
                "level": p.level.value,
                "category": p.category.value,
                "stage": p.stage.value,
                "region": p.region,
                "unit": p.unit,
                "owner": p.owner,
                "total_investment": _cell(p.total_investment),
                "leaders": _cell([x.name for x in portfolio.leaders_of(p.key)]),
                "secretaries": _cell([x.name for x in portfolio.secretaries_of(p.key)]),
                "task_force": p.task_force,
                "milestones": len(p.milestones),
                "issues": len(issues),
                "open_issues": sum(q.is_open for q in issues),
            }
        )
    return rows


def verdict_records(verdicts: Rollup | Iterable[Verdict], lang: str = "zh") -> list[dict[str, Any]]:
    """One row per verdict: project, date, light, severity and the reasons as text."""
    items = verdicts.verdicts if isinstance(verdicts, Rollup) else verdicts
    return [
        {
            "project": v.project,
            "as_of": v.as_of.isoformat(),
            "policy": v.policy,
            "light": _cell(v.light),
            "severity": _cell(v.severity),
            "reason_codes": ",".join(f"{r.rule}/{r.code}" for r in v.reasons),
            "reasons": _reason_text(v, lang),
        }
        for v in items
    ]


def light_map_records(light_map: LightMap) -> list[dict[str, Any]]:
    """One row per project and month (long format); ``light`` None when not judged.

    Pivot with ``to_frame(lm).pivot(index="key", columns="month", values="light")``.
    """
    months = light_map.months
    return [
        {"key": p.key, "name": p.name, "month": str(m), "light": _cell(light)}
        for p in light_map.projects
        for m, light in zip(months, light_map.row(p.key), strict=True)
    ]


def issue_records(issues: Portfolio | Iterable[Issue]) -> list[dict[str, Any]]:
    """One row per issue (问题清单): where it stands now."""
    items = issues.issues if isinstance(issues, Portfolio) else issues
    return [
        {
            "id": q.id,
            "project": q.project,
            "category": q.category.value,
            "difficulty": q.difficulty.value,
            "state": q.state.value,
            "tier": q.tier,
            "owner": q.owner,
            "deadline": _cell(q.deadline),
            "sheet": _cell(q.sheet),
            "raised_on": q.raised_on.isoformat(),
            "closed_on": _cell(q.closed_on),
            "escalations": q.status.escalations,
            "policy": q.status.policy,
            "events": len(q.events),
        }
        for q in items
    ]


def summary_records(
    summary: MonthlySummary, by: GroupBy | str | None = None, lang: str = "en"
) -> list[dict[str, Any]]:
    """The headline figures as ``figure``/``value`` rows, or the group table of ``by``."""
    if by is not None:
        return summary.to_records(by)
    if lang not in ("zh", "en"):
        raise ValidationError.about("lang", "'zh' or 'en'", lang)
    return [
        {"figure": label, "value": value}
        for label, value in summary.figure_rows("zh" if lang == "zh" else "en")
    ]


def _attrs_record(item: Any) -> dict[str, Any]:
    return {f.name: _cell(getattr(item, f.name)) for f in attrs.fields(type(item))}


def records(obj: object, **options: Any) -> list[dict[str, Any]]:
    """Flat dicts of any portfolio-level result, one table row each.

    Understands a :class:`~projpush.model.Portfolio`, a
    :class:`~projpush.lights.Rollup`, a :class:`~projpush.lights.LightMap`, a
    :class:`~projpush.metrics.MonthlySummary` (``by=`` picks a group table),
    a :class:`~projpush.metrics.Ranking`, and iterables of verdicts, issues,
    group figures or other attrs values (such as
    :func:`projpush.escalation.overdue` or :func:`~projpush.escalation.unit_stats`).
    ``options`` go to the specific function (``lang``, ``by``).

    Raises:
        ValidationError: ``obj`` is none of these.
    """
    result: list[dict[str, Any]]
    if isinstance(obj, Portfolio):
        result = portfolio_records(obj)
    elif isinstance(obj, Rollup):
        result = verdict_records(obj, **options)
    elif isinstance(obj, LightMap):
        result = light_map_records(obj)
    elif isinstance(obj, MonthlySummary):
        result = summary_records(obj, **options)
    elif isinstance(obj, Ranking):
        result = obj.to_records()
    elif isinstance(obj, Iterable) and not isinstance(obj, str | bytes | dict):
        result = _iterable_records(list(obj), **options)
    else:
        raise ValidationError.about(
            "obj", "a portfolio, roll-up, light map, summary, ranking or list of results", obj
        )
    return result


def _iterable_records(items: list[Any], **options: Any) -> list[dict[str, Any]]:
    if not items:
        return []
    first = items[0]
    if isinstance(first, Verdict):
        return verdict_records(items, **options)
    if isinstance(first, Issue):
        return issue_records(items)
    if isinstance(first, GroupFigures):
        return [g.to_record() for g in items]
    if isinstance(first, dict):
        return [dict(x) for x in items]
    if attrs.has(type(first)):
        return [_attrs_record(x) for x in items]
    raise ValidationError.about("obj", "a list of verdicts, issues or attrs values", first)


def to_frame(obj: object, **options: Any) -> Any:
    """A ``pandas.DataFrame`` of :func:`records` (needs ``projpush[pandas]``).

    Raises:
        ImportError: pandas is not installed.
        ValidationError: as :func:`records`.
    """
    rows = records(obj, **options)
    pd = require("pandas", extra="pandas", user="projpush.frames.to_frame")
    return pd.DataFrame.from_records(rows)
