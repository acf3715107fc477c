"""The monthly supervision report computed on the ledger's tables.

:func:`build_report_tables` is :func:`projpush.report.build_report` for a
ledger held as tables (a Parquet ledger folder, say): the same
:class:`~projpush.report.SupervisionReport`, so :func:`projpush.report.render`
prints the same text, JSON and CSV, byte for byte (a test pins it). Every
stage runs on the engine: the issues are advanced by
:func:`~projpush.engine.advance_tables`, the lights judged by
:func:`~projpush.engine.judge_tables`, the figures made by
:func:`~projpush.engine.monthly_summary_tables`, the overdue and
accountability lists and the ledger's gaps read off the tables. Python
objects are made only for what the report prints line by line: the red and
yellow projects' verdicts (:func:`~projpush.engine.lights.verdicts_of`), the
overdue issues, the accountability entries and the findings.

The lights of every built-in policy are judged on the engine, the worst of
several (:class:`~projpush.lights.WorstOf`, as in the ``ningbo`` set)
included. A policy of one's own, or a ``WorstOf`` holding one, is judged by
the object rules on the ledger rebuilt as objects: the same report, at the
object path's speed.

>>> from projpush.engine import from_portfolio
>>> from projpush.report import build_report, render
>>> from projpush.synth import SAMPLE_AS_OF, sample_portfolio
>>> ledger = sample_portfolio()
>>> on_tables = build_report_tables(from_portfolio(ledger), SAMPLE_AS_OF)
>>> render(on_tables) == render(build_report(ledger, SAMPLE_AS_OF))
True
>>> len(on_tables.red), on_tables.lights is None
(5, True)
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import attrs

from projpush._convert import plain_date_arg
from projpush._extras import require
from projpush._gc import no_cycle_collection
from projpush.engine.checks import check_tables
from projpush.engine.escalation import (
    _status,
    accountability_table,
    advance_tables,
    overdue_table,
)
from projpush.engine.integrity import integrity_findings
from projpush.engine.lights import judge_tables, verdicts_of
from projpush.engine.metrics import monthly_summary_tables
from projpush.escalation import (
    AccountabilityEntry,
    AccountabilityItem,
    AccountabilityReason,
    Overdue,
)
from projpush.lights import (
    GapPolicy,
    LagPolicy,
    Light,
    NodePolicy,
    SiteActivityPolicy,
    WorstOf,
    _worst_first,
)
from projpush.model import IssueState, SheetColor
from projpush.report import (
    PolicySet,
    Progress,
    ProjectLight,
    SupervisionReport,
    _check_flag,
    _chosen,
    _named_counts,
    _report_book,
    _silent,
    build_report,
)
from projpush.schedule import WorkingCalendar, resolve_calendar

if TYPE_CHECKING:
    import datetime as dt

    from projpush.engine.tables import LedgerTables
    from projpush.lights import LightPolicy

pl: Any = require("polars", extra="engine", user="projpush.engine")

__all__ = ["build_report_tables"]

_ON_TABLES = (LagPolicy, GapPolicy, NodePolicy, SiteActivityPolicy, WorstOf)
_OPEN = [s.value for s in IssueState if s.is_open]


def build_report_tables(
    tables: LedgerTables,
    as_of: dt.date,
    *,
    policy: str | PolicySet = "default",
    calendar: WorkingCalendar | None = None,
    progress: Progress | None = None,
    advance: bool = True,
) -> SupervisionReport:
    """The monthly supervision report of the ledger ``tables`` at ``as_of``, on the engine.

    Equal to :func:`projpush.report.build_report` on the same ledger as
    objects, except that ``lights`` and ``issues`` are None (the tables
    path keeps no roll-up of objects; ``red``, ``yellow`` and
    ``open_counts`` hold what the report prints) and ``light_map`` is
    None (:func:`~projpush.engine.light_map_table` gives the map as a
    table). With a light policy the engine does not compute (one's own, or
    a ``WorstOf`` holding one), the report is
    :func:`~projpush.report.build_report` of the ledger rebuilt as objects.

    Args:
        tables: the ledger.
        as_of: the report date.
        policy: a :data:`~projpush.report.POLICY_SETS` name or a
            :class:`~projpush.report.PolicySet`.
        calendar: working-day calendar (default: the China official calendar).
        progress: called as ``progress(stage, done, total)`` between stages.
        advance: bring the issues up to ``as_of`` first (the default), or
            report them as the tables record them.

    Raises:
        UnknownReferenceError: no policy set has the name ``policy``, or an
            issue records a policy version the report's book lacks.
        PolicyError: ``policy`` is neither a name nor a :class:`~projpush.report.PolicySet`.
        CalendarCoverageError: an issue's dates lie in a year the calendar lacks.
        ValidationError: ``as_of`` is not a date, or ``advance`` not True or False.
        ProjpushError: a ledger :func:`~projpush.engine.to_portfolio` refuses,
            with its error (:func:`~projpush.engine.checks.check_tables`).
    """
    plain_date_arg(as_of, "as_of")
    _check_flag("advance", advance)
    chosen = _chosen(policy)
    cal = resolve_calendar(calendar)
    tell = progress or _silent
    if not _on_tables(chosen.lights):
        from projpush.engine.tables import to_portfolio  # noqa: PLC0415

        ledger = to_portfolio(tables)
        return build_report(
            ledger, as_of, policy=chosen, calendar=cal, progress=tell, advance=advance
        )
    check_tables(tables)  # the rules across rows, before any stage reads them
    with no_cycle_collection():
        return _build(tables, as_of, chosen, cal, tell, advance=advance)


def _on_tables(policy: LightPolicy) -> bool:
    """The engine computes ``policy``: one of ``_ON_TABLES``, a ``WorstOf`` only of such."""
    if isinstance(policy, WorstOf):
        return all(_on_tables(member) for member in policy.policies)
    return isinstance(policy, _ON_TABLES)


def _build(
    tables: LedgerTables,
    as_of: dt.date,
    chosen: PolicySet,
    cal: WorkingCalendar,
    tell: Progress,
    *,
    advance: bool,
) -> SupervisionReport:
    stages = ("issues", "lights", "figures")
    tell(stages[0], 0, len(stages))
    current = tables
    if advance:
        book = _report_book(chosen.escalation)
        current = advance_tables(tables, as_of, book, calendar=cal, unrecorded=chosen.escalation)
    tell(stages[1], 1, len(stages))
    frames = judge_tables(current, as_of, chosen.lights, lenient=True)
    tell(stages[2], 2, len(stages))
    tiers = tuple(t.name for t in chosen.escalation.ladder.tiers)
    summary = monthly_summary_tables(current, as_of, calendar=cal, lights=frames, tiers=tiers)
    shown = frames.verdicts.filter(pl.col("light").is_in([Light.RED.value, Light.YELLOW.value]))
    verdicts = verdicts_of(current, frames, shown["key"].to_list(), chosen.lights)
    report = SupervisionReport(
        as_of=as_of,
        policy=chosen,
        summary=summary,
        red=_worst_first(verdicts, Light.RED),
        yellow=_worst_first(verdicts, Light.YELLOW),
        open_counts=_open_counts(current),
        overdue=_overdue(current, as_of, cal),
        accountability=_accountability(current, as_of),
        findings=integrity_findings(current, as_of),
        project_lights=_project_lights(current, frames.verdicts),
    )
    tell("done", 3, len(stages))
    return report


def _project_lights(tables: LedgerTables, verdicts: Any) -> tuple[ProjectLight, ...]:
    """Every project's key, name, unit and light, in ledger order, as the object report's."""
    projects = pl.from_arrow(tables.projects.select(["key", "name", "unit"]))
    rows = verdicts.select("key", "light").join(
        projects, on="key", how="left", maintain_order="left"
    )
    return tuple(
        ProjectLight(key, name, unit, None if light is None else _LIGHTS[light])
        for key, light, name, unit in rows.iter_rows()
    )


def _open_counts(tables: LedgerTables) -> dict[tuple[str, str], int]:
    """Open issues counted by (tier, sheet colour), as the object report counts them."""
    counts = (
        _status(tables).filter(pl.col("state").is_in(_OPEN)).group_by("tier", "sheet").len().rows()
    )
    raw: Counter[tuple[str | None, SheetColor | None]] = Counter()
    for tier, sheet, n in counts:
        raw[tier, None if sheet is None else SheetColor(sheet)] += n
    return _named_counts(raw.items())


def _overdue(tables: LedgerTables, as_of: dt.date, cal: WorkingCalendar) -> tuple[Overdue, ...]:
    """The rows of :func:`~projpush.engine.overdue_table` as the object rule's values."""
    frame = overdue_table(tables, as_of, calendar=cal)
    sheets = [None if s is None else _SHEETS[s] for s in frame["sheet"].to_list()]
    columns = [field.name for field in attrs.fields(Overdue)]
    lists = [sheets if c == "sheet" else frame[c].to_list() for c in columns]
    return tuple(Overdue(*row) for row in zip(*lists, strict=True))


def _accountability(tables: LedgerTables, as_of: dt.date) -> tuple[AccountabilityEntry, ...]:
    """The rows of :func:`~projpush.engine.accountability_table` as the object list's entries."""
    frame = accountability_table(tables, as_of)
    units, issues, reasons, days, details = (
        frame[c].to_list() for c in ("unit", "issue", "reason", "on", "detail")
    )
    items: dict[str, list[AccountabilityItem]] = {}
    for unit, issue, reason, on, detail in zip(units, issues, reasons, days, details, strict=True):
        items.setdefault(unit, []).append(AccountabilityItem(issue, _REASONS[reason], on, detail))
    return tuple(AccountabilityEntry(unit, tuple(listed)) for unit, listed in items.items())


_SHEETS = {s.value: s for s in SheetColor}
_LIGHTS = {light.value: light for light in Light}
_REASONS = {r.value: r for r in AccountabilityReason}
