"""Reporting discipline (报送纪律): stale projects and late monthly reports.

Two rules over a portfolio's projects on a date ``as_of``, under a
:class:`ReportingPolicy`; both are pure and read no clock.

- **Staleness** (数据更新不及时): a project whose last monthly report
  (``monthly_done``) is ``N`` or more months before the last month ended on
  ``as_of`` is stale. The defaults follow the national PPP integrated
  information platform's rule (2022): 6 months in preparation or
  procurement, 12 in execution. The model's stages map to those as: planned
  (谋划) and reserved (储备) → preparation and procurement, 6 months; under
  construction (在建) and suspended (停工) → execution, 12 months; a
  completed project (竣工) is not checked.
- **Due dates** (报送时限): a month's report is due within ``due_days``
  working days after the month ends (Guangxi, 2010: 5), that is on the
  ``due_days``-th working day after its last day. Once that day has passed,
  a project that should report and has no report for the month is late.

The ledger records *what* was reported, not *when*: a report filed after its
due date but present by ``as_of`` cannot be told from one filed on time, so
only the reports still missing are listed as late.

>>> import datetime as dt
>>> from projpush.model import Project
>>> from projpush.schedule import china_calendar
>>> p = Project(name="南宁东站综合体", level="city", category="infrastructure",
...     stage="under_construction", region="青秀区", unit="市交通局", local_id="NN-1",
...     monthly_plan={"2020-01": "100"}, monthly_done={"2020-01": "100"})
>>> report_due(Month(2020, 9), calendar=china_calendar())  # 9, 10 (a make-up Saturday), 12–14 Oct
datetime.date(2020, 10, 14)
>>> [r.text() for r in late_reports([p], dt.date(2020, 3, 10), calendar=china_calendar())]
['NN-1（市交通局）2020-02月报应于2020-03-06前报送，未报送（逾期2个工作日）']
"""

from __future__ import annotations

import datetime as dt  # noqa: TC003 (the doctests' dt, and attrs resolves the annotations)
import functools
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, Final

import attrs

from projpush._convert import plain_date_arg
from projpush.errors import PolicyError, ValidationError
from projpush.model import Month, Portfolio, Project, Stage
from projpush.schedule import (
    WorkingCalendar,
    add_working_days,
    last_complete_month,
    resolve_calendar,
    working_days_between,
)

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = [
    "LateReport",
    "ReportingPolicy",
    "StaleProject",
    "last_report",
    "late_reports",
    "report_due",
    "stale_projects",
]

# The national PPP platform (2022): preparation and procurement 6 months, execution 12.
_PPP_STALE: Final = {
    Stage.PLANNED: 6,
    Stage.RESERVED: 6,
    Stage.UNDER_CONSTRUCTION: 12,
    Stage.SUSPENDED: 12,
}
_GUANGXI_DUE_DAYS: Final = 5


def _whole(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise PolicyError.about(field, f"a whole number from {low} to {high}", value)
    return value


def _stage(value: object, field: str) -> Stage:
    try:
        return value if isinstance(value, Stage) else Stage(value)
    except (TypeError, ValueError):
        allowed = ", ".join(repr(s.value) for s in Stage)
        raise PolicyError.about(field, f"a stage among {allowed}", value) from None


def _to_limits(value: object) -> tuple[tuple[Stage, int], ...]:
    """Months per stage, in the stages' own order (a stage is not orderable, so no FrozenMap)."""
    if not isinstance(value, Mapping):
        raise PolicyError.about("stale_after", "a mapping of stage to months", value)
    limits: dict[Stage, int] = {}
    for key, months in value.items():
        stage = _stage(key, "stale_after")
        limits[stage] = _whole(months, f"stale_after[{stage.value!r}]", 1, 120)
    return tuple((s, limits[s]) for s in Stage if s in limits)


def _to_stages(value: object) -> frozenset[Stage]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise PolicyError.about("due_stages", "a list of stages", value)
    return frozenset(_stage(s, "due_stages") for s in value)


def _due_days(_instance: Any, _attribute: attrs.Attribute[int], value: object) -> None:
    _whole(value, "due_days", 1, 20)


@attrs.frozen
class ReportingPolicy:
    """When a project's data is stale and when a month's report is due.

    Attributes:
        stale_after: months without a report after which a project in each
            stage is stale (a stage left out is not checked). Default: the
            national PPP platform's rule (2022), see the module.
        due_days: working days after a month ends within which its report
            is due (Guangxi, 2010: 5).
        due_stages: the stages, at the month's end, of the projects that owe
            a monthly report (default: under construction only).

    Raises:
        PolicyError: a stage that does not exist, a number of months outside
            1–120, or ``due_days`` outside 1–20.

    >>> p = ReportingPolicy()
    >>> p.limit_for(Stage.RESERVED), p.limit_for(Stage.UNDER_CONSTRUCTION), p.due_days
    (6, 12, 5)
    >>> p.limit_for(Stage.COMPLETED) is None
    True
    """

    stale_after: tuple[tuple[Stage, int], ...] = attrs.field(
        factory=lambda: dict(_PPP_STALE), converter=_to_limits
    )
    due_days: int = attrs.field(default=_GUANGXI_DUE_DAYS, validator=_due_days)
    due_stages: frozenset[Stage] = attrs.field(
        default=frozenset({Stage.UNDER_CONSTRUCTION}), converter=_to_stages
    )

    def limit_for(self, stage: Stage) -> int | None:
        """The months after which a project in ``stage`` is stale; None: not checked."""
        return next((months for s, months in self.stale_after if s is stage), None)


def _chosen(policy: ReportingPolicy | None) -> ReportingPolicy:
    if policy is None:
        return ReportingPolicy()
    if not isinstance(policy, ReportingPolicy):
        raise PolicyError.about("policy", "a ReportingPolicy", policy)
    return policy


def _projects(projects: Portfolio | Iterable[Project]) -> tuple[Project, ...]:
    return projects.projects if isinstance(projects, Portfolio) else tuple(projects)


def last_report(project: Project, through: Month) -> Month | None:
    """The latest month up to ``through`` with a monthly report, or None.

    >>> from projpush.model import Project
    >>> p = Project(name="x", level="city", category="industry", stage="reserved",
    ...     region="r", unit="u", local_id="X", monthly_done={"2021-03": "1", "2022-08": "1"})
    >>> str(last_report(p, Month(2022, 6)))
    '2021-03'
    """
    months = [m for m in project.monthly_done if m <= through]
    return max(months) if months else None


def _expected_since(project: Project) -> Month | None:
    """The first month the ledger expects a report for: its first planned month."""
    firsts = [min(project.monthly_plan)] if project.monthly_plan else []
    if project.annual_plans:
        firsts.append(Month(min(project.annual_plans), 1))
    return min(firsts) if firsts else None


@attrs.frozen
class StaleProject:
    """A project whose monthly reports stopped: how long ago, against which limit.

    Attributes:
        project: the project key.
        unit: its responsible unit.
        stage: its stage on the day judged.
        last_report: the last month reported, or None if it never reported.
        months_silent: months from the last report (or, never having
            reported, from the month before its first planned month) to the
            last month ended; None when it has neither a report nor a plan.
        limit: the policy's months for its stage.
    """

    project: str
    unit: str
    stage: Stage
    last_report: Month | None
    months_silent: int | None
    limit: int

    def text(self, lang: str = "zh") -> str:
        """One line, in Chinese (``"zh"``) or English (``"en"``).

        Raises:
            ValidationError: ``lang`` is neither.
        """
        _check_lang(lang)
        if self.last_report is None:
            last = _said("discipline.never_reported", lang)
        else:
            last = _said("discipline.last_report", lang).format(month=self.last_report)
        if self.months_silent is None:
            silent = _said("discipline.no_plan", lang)
        else:
            silent = _said("discipline.months_silent", lang).format(months=self.months_silent)
        return _said("discipline.stale", lang).format(
            project=self.project,
            unit=self.unit,
            stage=_said(f"enum.Stage.{self.stage.value}", lang),
            last=last,
            silent=silent,
            limit=self.limit,
        )


@functools.cache
def _said(key: str, lang: str) -> str:
    """The message catalogue's template ``key`` in ``lang`` (the report side's, at first use)."""
    from projpush.messages import template  # noqa: PLC0415

    return template(key, lang)


def _check_lang(lang: str) -> None:
    if lang not in ("zh", "en"):
        raise ValidationError.about("lang", "'zh' or 'en'", lang)


def stale_projects(
    projects: Portfolio | Iterable[Project],
    as_of: dt.date,
    policy: ReportingPolicy | None = None,
) -> tuple[StaleProject, ...]:
    """The projects whose monthly reports are ``stale_after`` months old or older on ``as_of``.

    Months are counted from the last month reported to the last month ended
    on ``as_of``: a project last reported in January is 6 months silent at
    the end of July. A project that never reported counts from the month
    before its first planned month (its first report was due then); one with
    neither a report nor a plan is listed with no count. The stage is the
    project's stage on ``as_of``; stages the policy has no limit for are
    not checked. Longest silent first (no count first), then by key.

    Raises:
        ValidationError: ``as_of`` is not a date.
        PolicyError: ``policy`` is not a :class:`ReportingPolicy`.

    >>> from projpush.model import Project
    >>> p = Project(name="x", level="city", category="industry", stage="reserved",
    ...     region="r", unit="市发改委", local_id="X-1", monthly_done={"2022-01": "1"})
    >>> stale = stale_projects([p], dt.date(2022, 7, 31))
    >>> [s.text("en") for s in stale]  # doctest: +NORMALIZE_WHITESPACE
    ['X-1 (市发改委), reserved: last report 2022-01, 6 months without a report
      (stale from 6 months)']
    >>> stale_projects([p], dt.date(2022, 7, 30))  # June is the last month ended: 5 months
    ()
    """
    plain_date_arg(as_of, "as_of")
    chosen = _chosen(policy)
    through = last_complete_month(as_of)
    found: list[StaleProject] = []
    for p in _projects(projects):
        stage = p.stage_at(as_of)
        limit = chosen.limit_for(stage)
        if limit is None:
            continue
        last = last_report(p, through)
        since = last if last is not None else _since_plan(p)
        silent = None if since is None else through - since
        if silent is None or silent >= limit:
            found.append(StaleProject(p.key, p.unit, stage, last, silent, limit))
    found.sort(key=_stale_order)
    return tuple(found)


def _since_plan(project: Project) -> Month | None:
    first = _expected_since(project)
    return None if first is None else first - 1


def _stale_order(s: StaleProject) -> tuple[int, int, str]:
    silent = s.months_silent
    return (0 if silent is None else 1, -(silent or 0), s.project)


def report_due(
    month: Month, *, days: int = _GUANGXI_DUE_DAYS, calendar: WorkingCalendar | None = None
) -> dt.date:
    """The day ``month``'s report is due: the ``days``-th working day after it ends.

    Raises:
        ValidationError: ``month`` is not a :class:`~projpush.model.Month`,
            or ``days`` not a whole number from 1 to 20.
        CalendarCoverageError: the calendar has no data for the days counted.

    >>> from projpush.schedule import china_calendar
    >>> report_due(Month(2020, 1), calendar=china_calendar())  # the Spring Festival, extended
    datetime.date(2020, 2, 7)
    """
    if not isinstance(month, Month):
        raise ValidationError.about("month", "a Month", month)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 20:
        raise ValidationError.about("days", "a whole number from 1 to 20", days)
    return add_working_days(month.last_day, days, calendar=resolve_calendar(calendar))


@attrs.frozen
class LateReport:
    """A monthly report still missing after its due date.

    Attributes:
        project: the project key.
        unit: its responsible unit (who reports).
        month: the month whose report is missing.
        due: the day it was due.
        working_days_late: working days after ``due`` up to ``as_of``.
    """

    project: str
    unit: str
    month: Month
    due: dt.date
    working_days_late: int

    def text(self, lang: str = "zh") -> str:
        """One line, in Chinese (``"zh"``) or English (``"en"``).

        Raises:
            ValidationError: ``lang`` is neither.
        """
        _check_lang(lang)
        return _said("discipline.late", lang).format(
            project=self.project,
            unit=self.unit,
            month=self.month,
            due=self.due,
            days=self.working_days_late,
        )


def late_reports(
    projects: Portfolio | Iterable[Project],
    as_of: dt.date,
    policy: ReportingPolicy | None = None,
    *,
    month: Month | None = None,
    calendar: WorkingCalendar | None = None,
) -> tuple[LateReport, ...]:
    """The projects whose report for ``month`` is missing once it was due, on ``as_of``.

    ``month`` defaults to the latest month whose report was due before
    ``as_of`` (its due day has passed). A project owes the report when its
    stage at the month's end is one of ``due_stages``. By unit, then key.

    Raises:
        ValidationError: ``as_of`` is not a date, or ``month`` is not a
            month whose report was due before ``as_of``.
        PolicyError: ``policy`` is not a :class:`ReportingPolicy`.
        CalendarCoverageError: the calendar has no data for the days counted.

    >>> from projpush.model import Project
    >>> from projpush.schedule import china_calendar
    >>> p = Project(name="x", level="city", category="industry", stage="under_construction",
    ...     region="r", unit="市住建局", local_id="X-1", monthly_done={"2020-08": "1"})
    >>> late = late_reports([p], dt.date(2020, 10, 16), calendar=china_calendar())
    >>> [(str(r.month), r.due, r.working_days_late) for r in late]
    [('2020-09', datetime.date(2020, 10, 14), 2)]
    """
    plain_date_arg(as_of, "as_of")
    chosen = _chosen(policy)
    cal = resolve_calendar(calendar)
    due_of: Callable[[Month], dt.date] = lambda m: report_due(  # noqa: E731
        m, days=chosen.due_days, calendar=cal
    )
    if month is None:
        month = last_complete_month(as_of)
        while due_of(month) >= as_of:
            month -= 1
    elif not isinstance(month, Month):
        raise ValidationError.about("month", "a Month", month)
    due = due_of(month)
    if due >= as_of:
        raise ValidationError.about(
            "month",
            f"a month whose report was due before {as_of} ({month} is due {due})",
            str(month),
        )
    late_by = working_days_between(due, as_of, calendar=cal)
    found = [
        LateReport(p.key, p.unit, month, due, late_by)
        for p in _projects(projects)
        if p.stage_at(month.last_day) in chosen.due_stages and month not in p.monthly_done
    ]
    found.sort(key=lambda r: (r.unit, r.project))
    return tuple(found)
