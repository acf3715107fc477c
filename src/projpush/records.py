"""The shapes of the JSON-ready dicts and table rows projpush returns, as ``TypedDict`` types.

``MonthlySummary.to_dict()`` and the ``to_dict()`` of each figure give
:class:`SummaryDict` and its parts; the ``records`` functions of
:mod:`projpush.frames` give lists of :class:`ProjectRecord`,
:class:`VerdictRecord`, :class:`LightMapRecord`, :class:`IssueRecord` and
:class:`FigureRecord`. Exact values are strings (``"1234.5"``, ``"7/2"``),
so that JSON keeps them exact; counts are ints; a figure that does not apply
(a share of nothing) is ``None``.

A type checker then knows each key; nothing changes at run time (a
``TypedDict`` is a plain ``dict``):

>>> import datetime as dt
>>> from projpush.metrics import monthly_summary
>>> from projpush.model import Portfolio
>>> summary: SummaryDict = monthly_summary(Portfolio(), dt.date(2020, 5, 31)).to_dict()
>>> summary["investment"]["completion"]["percent"] is None, summary["month"]
(True, '2020-05')
"""

from typing import Any, NotRequired, TypedDict

__all__ = [
    "ApprovalFiguresDict",
    "ContactFiguresDict",
    "CoverageDict",
    "EarnedValueDict",
    "FigureRecord",
    "GroupRecord",
    "InvestmentDict",
    "IssueFiguresDict",
    "IssueRecord",
    "LightFiguresDict",
    "LightMapRecord",
    "PointsDict",
    "ProjectRecord",
    "RankingDict",
    "RankingRecord",
    "RatioDict",
    "ReportDict",
    "SecretaryContactsDict",
    "SummaryDict",
    "TierFiguresDict",
    "VerdictRecord",
]


class RatioDict(TypedDict):
    """A share (``Ratio.to_dict``): the exact parts, the exact value, and it rounded.

    The rounded value is under ``percent``, or under the unit of a mean
    (``days``, ``working_days``) when ``to_dict(mean=...)`` names one.
    """

    numerator: str
    denominator: str
    value: str | None
    percent: NotRequired[str | None]
    days: NotRequired[str | None]
    working_days: NotRequired[str | None]


class PointsDict(TypedDict):
    """A gap in percentage points (``Points.to_dict``): exact, and rounded."""

    value: str | None
    points: str | None


class InvestmentDict(TypedDict):
    """Investment against the plan (``Investment.to_dict``); amounts in 万元."""

    projects: int
    annual_plan: str
    done_to_date: str
    done_in_month: str
    done_last_year: str
    completion: RatioDict
    monthly_progress: RatioDict
    yoy_growth: RatioDict


class LightFiguresDict(TypedDict):
    """Light counts (``LightFigures.to_dict``): by light value, and the green share."""

    counts: dict[str, int]
    not_judged: int
    share_green: RatioDict


class CoverageDict(TypedDict):
    """Shares of projects with a guarantor leader and with a service secretary."""

    leader: RatioDict
    secretary: RatioDict


class SecretaryContactsDict(TypedDict):
    """One secretary's contacts: projects served, and the keys of those overdue."""

    name: str
    served: int
    overdue: list[str]


class ContactFiguresDict(TypedDict):
    """Contact figures (``ContactFigures.to_dict``)."""

    served: int
    overdue: int
    overdue_share: RatioDict
    per_secretary: list[SecretaryContactsDict]


class ApprovalFiguresDict(TypedDict):
    """Approval figures (``ApprovalFigures.to_dict``); ``days_to_grant`` is a mean in days."""

    not_started: int
    ready_to_start: int
    outstanding_items: int
    days_to_grant: RatioDict
    one_trip: RatioDict


class TierFiguresDict(TypedDict):
    """One tier's issues: reached, resolved, and the resolution rate."""

    tier: str
    reached: int
    resolved: int
    resolution_rate: RatioDict


class IssueFiguresDict(TypedDict):
    """Issue figures (``IssueFigures.to_dict``); ``mean_working_days`` is a mean."""

    collected: int
    closed: int
    closure_rate: RatioDict
    on_time_rate: RatioDict
    mean_working_days: RatioDict
    tiers: list[TierFiguresDict]


class EarnedValueDict(TypedDict):
    """Earned-value figures (``EarnedValue.to_dict``); indices to three places."""

    bac: str
    pv: str
    ev: str
    ac: str | None
    sv: str
    cv: str | None
    spi: str | None
    cpi: str | None
    eac: str | None
    vac: str | None


class GroupRecord(TypedDict):
    """One group's row (``GroupFigures.to_record``): a region, a level, a unit..."""

    dimension: str
    key: str
    members: int
    projects_planned: int
    annual_plan: str
    done_to_date: str
    done_in_month: str
    done_last_year: str
    completion_pct: str | None
    gap_points: str | None
    monthly_progress_pct: str | None
    yoy_growth_pct: str | None
    nodes_due: int
    nodes_done: int
    node_completion_pct: str | None


class RankingRecord(TypedDict):
    """One row of a ranking (``Ranking.to_records``)."""

    figure: str
    better: str
    rank: int | None
    key: str
    value: str | None


class RankingDict(TypedDict):
    """A ranking in :class:`SummaryDict`: the figure, which way is better, and its rows."""

    figure: str
    better: str
    rows: list[RankingRecord]


class SummaryDict(TypedDict):
    """Every figure of a monthly report (``MonthlySummary.to_dict``)."""

    as_of: str
    month: str | None
    basis: str
    projects: int
    investment: InvestmentDict
    schedule: RatioDict
    gap: PointsDict
    new: InvestmentDict
    continuing: InvestmentDict
    start_rate: RatioDict
    resumption_rate: RatioDict
    lights: LightFiguresDict | None
    coverage: CoverageDict
    approvals: ApprovalFiguresDict
    contacts: ContactFiguresDict
    issues: IssueFiguresDict
    earned_value: EarnedValueDict | None
    groups: dict[str, list[GroupRecord]]
    rankings: list[RankingDict]


class ProjectRecord(TypedDict):
    """One project of the ledger (``frames.portfolio_records``), people and issues counted."""

    key: str
    code: str | None
    local_id: str | None
    name: str
    level: str
    category: str
    stage: str
    region: str
    unit: str
    owner: str | None
    total_investment: str
    leaders: str
    secretaries: str
    task_force: str | None
    milestones: int
    issues: int
    open_issues: int


class VerdictRecord(TypedDict):
    """One verdict (``frames.verdict_records``): the light and its reasons as text."""

    project: str
    as_of: str
    policy: str
    light: str | None
    severity: str
    reason_codes: str
    reasons: str


class LightMapRecord(TypedDict):
    """One project and month of a light map (``frames.light_map_records``), long format."""

    key: str
    name: str
    month: str
    light: str | None


class IssueRecord(TypedDict):
    """One issue of the problem list (``frames.issue_records``), where it stands now."""

    id: str
    project: str
    category: str
    difficulty: str
    state: str
    tier: str | None
    owner: str | None
    deadline: str | None
    sheet: str | None
    raised_on: str
    closed_on: str | None
    escalations: int
    policy: str | None
    events: int


class FigureRecord(TypedDict):
    """One headline figure (``frames.summary_records`` without ``by``): label and text."""

    figure: str
    value: str


class ReportVerdictDict(TypedDict):
    """A red or yellow project in :class:`ReportDict`, its reasons in both languages."""

    project: str
    light: str | None
    severity: str
    reasons_zh: list[str]
    reasons_en: list[str]


class ReportLightsDict(TypedDict):
    """The lights section of :class:`ReportDict`: counts, and the red and yellow projects."""

    counts: dict[str, int]
    red: list[ReportVerdictDict]
    yellow: list[ReportVerdictDict]


class OpenIssuesDict(TypedDict):
    """Open issues of one tier and sheet colour (``"none"`` before any sheet)."""

    tier: str
    sheet: str
    count: int


class OverdueDict(TypedDict):
    """An overdue issue: where it is, since when, how late in calendar and working days.

    ``provisional``: the count reads a year the calendar holds provisionally.
    """

    issue: str
    tier: str | None
    owner: str | None
    deadline: str
    sheet: str | None
    calendar_days: int
    working_days: int
    provisional: bool


class ReportIssuesDict(TypedDict):
    """The issues section of :class:`ReportDict`."""

    open_by_tier_and_sheet: list[OpenIssuesDict]
    overdue: list[OverdueDict]


class AccountabilityItemDict(TypedDict):
    """One reason a unit is on the accountability list (问责清单)."""

    issue: str
    reason: str
    on: str
    detail: str


class AccountabilityDict(TypedDict):
    """A unit on the accountability list, with its items."""

    unit: str
    items: list[AccountabilityItemDict]


class FindingDict(TypedDict):
    """A gap in the ledger, with its sentence in both languages."""

    kind: str
    subject: str
    detail: str
    zh: str
    en: str


class NoteDict(TypedDict):
    """A note on the report's figures (a year without plans, ...), in both languages."""

    code: str
    year: int
    zh: str
    en: str


class PolicyNameDict(TypedDict):
    """The report's policy set: its name and the published rule it follows."""

    name: str
    source: str


class ReportDict(TypedDict):
    """The monthly supervision report (``SupervisionReport.to_dict``).

    ``forecast`` is there only for a report made with a forecast.
    """

    as_of: str
    policy: PolicyNameDict
    summary: SummaryDict
    lights: ReportLightsDict
    issues: ReportIssuesDict
    accountability: list[AccountabilityDict]
    findings: list[FindingDict]
    notes: list[NoteDict]
    forecast: NotRequired[dict[str, Any]]
