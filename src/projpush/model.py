"""The domain objects of projpush: projects, people, issues and the ledger.

Everything here is an immutable value (a frozen attrs class). A change is a
new value made with :func:`attrs.evolve`, which re-runs every validator, so an
invalid object cannot be built by evolving a valid one. Money is
:class:`~decimal.Decimal` in **万元** (ten thousand yuan) throughout; use
:func:`yi` and :func:`to_yi` to cross to and from 亿元 (1 亿元 = 10,000 万元).

>>> p = Project(
...     code="2020-330200-47-03-012345", name="机场快速路南延", level="city",
...     category="infrastructure", stage="under_construction", region="海曙区",
...     unit="市交通局", total_investment=yi("21.89"),
... )
>>> p.key, p.code.division, p.total_investment
('2020-330200-47-03-012345', '330200', Decimal('218900.00'))
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import functools
import operator
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, KeysView, Mapping
from decimal import Decimal
from itertools import compress
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final, TypeAlias, TypeVar

import attrs

from projpush._convert import (
    SORT_KEYS,
    FrozenMap,
    LabelledEnum,
    check_distinct,
    code_in,
    codes_in,
    date_arg,
    date_in,
    duplicate_key,
    enum_faces,
    label,
    money_in,
    names_in,
    normalise_text,
    optional_code_in,
    optional_date_in,
    plain_date_arg,
    takes_field,
    to_code_text,
    to_enum,
    to_money,
    to_money_map,
    to_percent,
    to_tuple_of,
    tuple_faces,
    typed_converters,
    unchecked,
)
from projpush.errors import (
    DuplicateKeyError,
    InvalidTransition,
    UnknownReferenceError,
    ValidationError,
    shown,
)

if TYPE_CHECKING:
    from projpush.records import ProjectRecord

__all__ = [
    "EVENT_PAYLOADS",
    "PAYLOAD_FIELDS",
    "WORKING_STATES",
    "ApprovalItem",
    "ApprovalKind",
    "Cadence",
    "Category",
    "Contact",
    "Difficulty",
    "EventKind",
    "EventPayload",
    "Fact",
    "Finding",
    "FindingKind",
    "FrozenMap",
    "Issue",
    "IssueCategory",
    "IssueEvent",
    "IssueState",
    "IssueStatus",
    "Leader",
    "LeaderRank",
    "Level",
    "Milestone",
    "Month",
    "Portfolio",
    "Project",
    "ProjectCode",
    "Secretary",
    "SheetColor",
    "SiteObservation",
    "Stage",
    "StageEvent",
    "StageEventKind",
    "TaskForce",
    "Unit",
    "check_payload",
    "integrity_report",
    "money",
    "replay",
    "to_yi",
    "yi",
]

WAN_PER_YI: Final = Decimal(10_000)


# --------------------------------------------------------------------------- money


def money(value: Decimal | int | str) -> Decimal:
    """Return an exact amount in 万元 from a Decimal, an int or a decimal string.

    A ``float`` is refused: it cannot hold 479.33 exactly.

    >>> money("1,052.5")
    Decimal('1052.5')
    >>> money(0.1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    projpush.errors.MoneyTypeError: amount: money must be exact; pass a Decimal or a string ...
    """
    return to_money(value, "amount")


def yi(value: Decimal | int | str) -> Decimal:
    """Convert an amount in 亿元 to 万元, exactly.

    >>> yi("479.33")
    Decimal('4793300.00')
    """
    return to_money(value, "amount") * WAN_PER_YI


def to_yi(amount_wan: Decimal) -> Decimal:
    """Convert an amount in 万元 to 亿元, exactly.

    >>> to_yi(Decimal("10520000"))
    Decimal('1052')
    """
    return to_money(amount_wan, "amount") / WAN_PER_YI


# --------------------------------------------------------------------------- enums


class Level(LabelledEnum):
    """Key-project level (省级/市级/县级/镇级重点项目)."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"


label(Level, {"province": "省级", "city": "市级", "county": "县级", "town": "镇级"})


class Category(LabelledEnum):
    """Project category (基础设施/工业/现代服务业/社会事业)."""

    INFRASTRUCTURE = "infrastructure"
    INDUSTRY = "industry"
    SERVICES = "services"
    SOCIAL = "social"


label(
    Category,
    {
        "infrastructure": "基础设施",
        "industry": "工业",
        "services": "现代服务业",
        "social": "社会事业",
    },
)


class Stage(LabelledEnum):
    """Lifecycle stage ("四个一批" 谋划/储备/开工/竣工, plus 停工)."""

    PLANNED = "planned"
    RESERVED = "reserved"
    UNDER_CONSTRUCTION = "under_construction"
    SUSPENDED = "suspended"
    COMPLETED = "completed"


label(
    Stage,
    {
        "planned": "谋划",
        "reserved": "储备",
        "under_construction": "在建",
        "suspended": "停工",
        "completed": "竣工",
    },
)


class StageEventKind(LabelledEnum):
    """A dated change of a project's stage (开工/停工/复工/竣工)."""

    STARTED = "started"
    SUSPENDED = "suspended"
    RESUMED = "resumed"
    COMPLETED = "completed"


label(
    StageEventKind,
    {
        "started": "开工",
        "suspended": "停工",
        "resumed": "复工",
        "completed": "竣工",
    },
)


class ApprovalKind(LabelledEnum):
    """Kind of a start-up approval item (开工要件, the "four certificates" and more)."""

    PROJECT_APPROVAL = "project_approval"
    LAND_USE = "land_use"
    PLANNING = "planning"
    ENVIRONMENTAL = "environmental"
    ENERGY = "energy"
    CONSTRUCTION_PERMIT = "construction_permit"
    OTHER = "other"


label(
    ApprovalKind,
    {
        "project_approval": "立项审批核准备案",
        "land_use": "用地",
        "planning": "规划许可",
        "environmental": "环评",
        "energy": "能评",
        "construction_permit": "施工许可",
        "other": "其他",
    },
)


class LeaderRank(LabelledEnum):
    """Rank of a guarantor leader (市/区县/乡镇 领导)."""

    CITY = "city"
    DISTRICT = "district"
    TOWN = "town"


label(LeaderRank, {"city": "市级", "district": "区县级", "town": "乡镇级"})


class Cadence(LabelledEnum):
    """How often a service secretary must contact a project owner."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"

    @property
    def days(self) -> int:
        """The longest gap, in calendar days, allowed between two contacts."""
        return {"daily": 1, "weekly": 7, "monthly": 31}[self.value]


label(Cadence, {"daily": "每天", "weekly": "每周", "monthly": "每月"})


class IssueCategory(LabelledEnum):
    """What blocks a project (资金/土地/规划/环境容量/能耗/征迁/审批/水电配套)."""

    FUNDS = "funds"
    LAND = "land"
    PLANNING = "planning"
    ENVIRONMENT = "environment"
    ENERGY = "energy"
    DEMOLITION = "demolition"
    APPROVAL = "approval"
    UTILITIES = "utilities"
    OTHER = "other"


label(
    IssueCategory,
    {
        "funds": "资金",
        "land": "土地",
        "planning": "规划",
        "environment": "环境容量",
        "energy": "能耗指标",
        "demolition": "征迁",
        "approval": "审批",
        "utilities": "水电配套",
        "other": "其他",
    },
)


class Difficulty(LabelledEnum):
    """General issues are solved within days; difficult ones first get a work plan."""

    GENERAL = "general"
    DIFFICULT = "difficult"


label(Difficulty, {"general": "一般问题", "difficult": "疑难问题"})


class SheetColor(LabelledEnum):
    """Supervision-sheet colour (蓝黄红三色督办单); later members are worse."""

    BLUE = "blue"
    YELLOW = "yellow"
    RED = "red"

    @property
    def severity(self) -> int:
        """0 for blue, 1 for yellow, 2 for red."""
        return ("blue", "yellow", "red").index(self.value)


label(SheetColor, {"blue": "蓝色督办单", "yellow": "黄色督办单", "red": "红色督办单"})


class IssueState(LabelledEnum):
    """Where an issue stands in the closed loop (收集→交办→办理→办结→销号)."""

    COLLECTED = "collected"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    ESCALATED = "escalated"
    PAUSED = "paused"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        """True until the issue is verified and closed (销号)."""
        return self is not IssueState.CLOSED

    @property
    def is_working(self) -> bool:
        """True while a unit holds the issue against a running deadline.

        Assigned, in progress or escalated: the states whose time limit can
        be missed, and from which an issue may be resolved or paused.
        """
        return self in WORKING_STATES


label(
    IssueState,
    {
        "collected": "已收集",
        "assigned": "已交办",
        "in_progress": "办理中",
        "escalated": "已提级",
        "paused": "暂停计时",
        "resolved": "已办结待核",
        "closed": "已销号",
    },
)

WORKING_STATES: Final = frozenset(
    {IssueState.ASSIGNED, IssueState.IN_PROGRESS, IssueState.ESCALATED}
)


class EventKind(LabelledEnum):
    """What happened to an issue in one event of its history."""

    COLLECTED = "collected"
    ASSIGNED = "assigned"
    STARTED = "started"
    PLAN_SUBMITTED = "plan_submitted"
    DEADLINE_SET = "deadline_set"
    SHEET_ISSUED = "sheet_issued"
    ESCALATED = "escalated"
    PAUSED = "paused"
    RESUMED = "resumed"
    RESOLVED = "resolved"
    REJECTED = "rejected"
    CLOSED = "closed"
    NOTE = "note"


label(
    EventKind,
    {
        "collected": "收集",
        "assigned": "交办",
        "started": "开始办理",
        "plan_submitted": "制定办理方案",
        "deadline_set": "重设时限",
        "sheet_issued": "下发督办单",
        "escalated": "提级",
        "paused": "暂停计时",
        "resumed": "恢复计时",
        "resolved": "办结",
        "rejected": "核验未通过",
        "closed": "销号",
        "note": "备注",
    },
)


# --------------------------------------------------------------------------- month


def _to_int(value: object, field: str, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError.about(field, f"a whole number from {low} to {high}", value)
    return value


def _year_field(value: object, field: str) -> int:
    return _to_int(value, field, 1900, 2200)


def _month_field(value: object, field: str) -> int:
    return _to_int(value, field, 1, 12)


_MONTH_TEXT: Final = re.compile(r"(\d{4})-(\d{1,2})")


# Typed faces of the enum fields: each accepts a member, its value, its name or its
# Chinese label, and says so to type checkers (``level: Level | str``).


def _level(value: Level | str, field: str = "value") -> Level:
    return to_enum(Level, value, field)


def _category(value: Category | str, field: str = "value") -> Category:
    return to_enum(Category, value, field)


def _stage(value: Stage | str, field: str = "value") -> Stage:
    return to_enum(Stage, value, field)


def _stage_event_kind(value: StageEventKind | str, field: str = "value") -> StageEventKind:
    return to_enum(StageEventKind, value, field)


def _approval_kind(value: ApprovalKind | str, field: str = "value") -> ApprovalKind:
    return to_enum(ApprovalKind, value, field)


def _leader_rank(value: LeaderRank | str, field: str = "value") -> LeaderRank:
    return to_enum(LeaderRank, value, field)


def _cadence(value: Cadence | str, field: str = "value") -> Cadence:
    return to_enum(Cadence, value, field)


def _issue_category(value: IssueCategory | str, field: str = "value") -> IssueCategory:
    return to_enum(IssueCategory, value, field)


def _difficulty(value: Difficulty | str, field: str = "value") -> Difficulty:
    return to_enum(Difficulty, value, field)


def _event_kind(value: EventKind | str, field: str = "value") -> EventKind:
    return to_enum(EventKind, value, field)


def _issue_state(value: IssueState | str, field: str = "value") -> IssueState:
    return to_enum(IssueState, value, field)


def _optional_issue_state(
    value: IssueState | str | None, field: str = "value"
) -> IssueState | None:
    return None if value is None else to_enum(IssueState, value, field)


def _optional_sheet(value: SheetColor | str | None, field: str = "value") -> SheetColor | None:
    return None if value is None else to_enum(SheetColor, value, field)


enum_faces(
    (_level, Level),
    (_category, Category),
    (_stage, Stage),
    (_stage_event_kind, StageEventKind),
    (_approval_kind, ApprovalKind),
    (_leader_rank, LeaderRank),
    (_cadence, Cadence),
    (_issue_category, IssueCategory),
    (_difficulty, Difficulty),
    (_event_kind, EventKind),
    (_issue_state, IssueState),
)
takes_field(_optional_issue_state)
takes_field(_optional_sheet)


@attrs.frozen(cache_hash=True, field_transformer=typed_converters)
class Month:
    """A calendar month, the unit of monthly plans and reports (月度).

    >>> m = Month.parse("2020-12")
    >>> str(m + 1), m.last_day, (m + 1) - m
    ('2021-01', datetime.date(2020, 12, 31), 1)
    """

    year: int = attrs.field(metadata={"convert": _year_field})
    month: int = attrs.field(metadata={"convert": _month_field})

    @classmethod
    def parse(cls, text: object, field: str = "month") -> Month:
        """Parse ``YYYY-MM`` (full-width digits allowed)."""
        if isinstance(text, Month):
            return text
        known = _month_of_text(text) if isinstance(text, str) else None
        if known is not None:
            return known
        match = _MONTH_TEXT.fullmatch(normalise_text(text)) if isinstance(text, str) else None
        if match is None:
            raise ValidationError.about(field, "a month YYYY-MM", text)
        year, month = int(match[1]), int(match[2])
        if not 1 <= month <= 12:
            raise ValidationError.about(field, "a month YYYY-MM with MM from 01 to 12", text)
        return cls(year, month)

    @classmethod
    def year_months(cls, year: int) -> tuple[Month, ...]:
        """The twelve months of ``year``, January first (shared values, built once).

        >>> [str(m) for m in Month.year_months(2020)[::5]]
        ['2020-01', '2020-06', '2020-11']
        """
        return _year_months(_year_field(year, "year"))

    @classmethod
    def of(cls, day: dt.date) -> Month:
        """The month a date (or a datetime) falls in.

        Raises:
            ValidationError: ``day`` is not a date.
        """
        if type(day) is not dt.date:
            date_arg(day, "day")
        return _month_at(day.year * 12 + day.month - 1)

    @property
    def first_day(self) -> dt.date:
        """The 1st of the month."""
        return dt.date(self.year, self.month, 1)

    @property
    def last_day(self) -> dt.date:
        """The last day of the month (28, 29, 30 or 31)."""
        return _last_day(self.year, self.month)

    @property
    def index(self) -> int:
        """Months since year 0, so that ``a.index - b.index`` counts months."""
        return self.year * 12 + self.month - 1

    def __lt__(self, other: Month) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return (self.year, self.month) < (other.year, other.month)

    def __le__(self, other: Month) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return (self.year, self.month) <= (other.year, other.month)

    def __gt__(self, other: Month) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return (self.year, self.month) > (other.year, other.month)

    def __ge__(self, other: Month) -> bool:
        if not isinstance(other, Month):
            return NotImplemented
        return (self.year, self.month) >= (other.year, other.month)

    def __add__(self, months: int) -> Month:
        if not isinstance(months, int):
            return NotImplemented
        return _month_at(self.index + months)

    def __sub__(self, other: object) -> Any:
        if isinstance(other, Month):
            return self.index - other.index
        if isinstance(other, int):
            return self + -other
        return NotImplemented

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@functools.lru_cache(maxsize=4096)
def _month_at(index: int) -> Month:
    """The month ``index`` months after January of year 0, built once and shared.

    Rules step through months by the million (a province's monthly figures);
    a shared value spares both the field checks and the memory.
    """
    year, month0 = divmod(index, 12)
    return Month(year, month0 + 1)


@functools.lru_cache(maxsize=256)
def _year_months(year: int) -> tuple[Month, ...]:
    return tuple(_month_at(year * 12 + m) for m in range(12))


@functools.lru_cache(maxsize=4096)
def _month_of_text(text: str) -> Month | None:
    """The month a ``YYYY-MM`` text names, parsed once per distinct text; None if bad."""
    match = _MONTH_TEXT.fullmatch(normalise_text(text))
    if match is None or not 1 <= int(match[2]) <= 12:
        return None
    return _month_at(int(match[1]) * 12 + int(match[2]) - 1)


SORT_KEYS[Month] = operator.attrgetter("index")  # one int per key, not Month.__lt__ per pair


@functools.lru_cache(maxsize=4096)
def _last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _to_month(value: object, field: str) -> Month:
    return value if type(value) is Month else Month.parse(value, field)


def _to_year(value: object, field: str) -> int:
    if isinstance(value, str) and normalise_text(value).isdigit():
        value = int(normalise_text(value))
    return _to_int(value, field, 1900, 2200)


# --------------------------------------------------------------------------- project code


_CODE_PARTS: Final = (
    ("year", 4),
    ("division", 6),
    ("sector", 2),
    ("type", 2),
    ("serial", 6),
)


@attrs.frozen
class ProjectCode:
    """The national unique project code (项目代码), ``YYYY-AAAAAA-BB-CC-NNNNNN``.

    Year of registration, 6-digit administrative division, 2-digit sector,
    2-digit type and a 6-digit serial. Parse text with :meth:`parse`, which
    folds full-width digits and hyphens and strips surrounding spaces.

    >>> code = ProjectCode.parse(" ２０２０－330200-47-03-012345 ")
    >>> str(code), code.year, code.serial
    ('2020-330200-47-03-012345', '2020', '012345')
    >>> ProjectCode.parse("2020-33020-47-03-012345")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    projpush.errors.ValidationError: code: division part must be 6 digits, got '33020' in ...
    """

    year: str
    division: str
    sector: str
    type: str
    serial: str

    def __attrs_post_init__(self) -> None:
        parts = (self.year, self.division, self.sector, self.type, self.serial)
        text = "-".join(part if isinstance(part, str) else shown(part) for part in parts)
        for (part, width), value in zip(_CODE_PARTS, parts, strict=True):
            _check_code_part(part, width, value, text)

    @classmethod
    def parse(cls, text: object, field: str = "code") -> ProjectCode:
        """Parse and validate a code, naming the bad part on failure."""
        if isinstance(text, ProjectCode):
            return text
        if not isinstance(text, str):
            raise ValidationError.about(field, "a project code YYYY-AAAAAA-BB-CC-NNNNNN", text)
        clean = normalise_text(text).replace("—", "-").replace("–", "-")
        parts = clean.split("-")
        if len(parts) != len(_CODE_PARTS):
            msg = (
                f"{field}: expected 5 parts YYYY-AAAAAA-BB-CC-NNNNNN separated by '-', "
                f"got {len(parts)} in {text!r}"
            )
            raise ValidationError(msg, field=field, expected="5 parts", got=text)
        for (part, width), value in zip(_CODE_PARTS, parts, strict=True):
            _check_code_part(part, width, value, clean, field)
        return _checked_code(*parts)  # checked just above, part by part

    def __str__(self) -> str:
        return f"{self.year}-{self.division}-{self.sector}-{self.type}-{self.serial}"


_checked_code: Final = unchecked(ProjectCode)


def _check_code_part(part: str, width: int, value: object, text: str, field: str = "code") -> None:
    if (
        not isinstance(value, str)
        or len(value) != width
        or not (value.isascii() and value.isdigit())
    ):
        msg = f"{field}: {part} part must be {width} digits, got {shown(value)} in {text!r}"
        raise ValidationError(msg, field=f"{field}.{part}", expected=f"{width} digits", got=value)
    if part == "year" and not 1990 <= int(value) <= 2200:
        msg = f"{field}: year part must be from 1990 to 2200, got {value!r} in {text!r}"
        raise ValidationError(msg, field=f"{field}.year", expected="1990..2200", got=value)


def _to_code(value: ProjectCode | str | None, field: str = "value") -> ProjectCode | None:
    return None if value is None else ProjectCode.parse(value, field)


takes_field(_to_code)


# --------------------------------------------------------------------------- project parts


def _to_percent(value: Decimal | int | str | None, field: str = "value") -> Decimal | None:
    return None if value is None else to_percent(value, field)


takes_field(_to_percent)


def _not_before(
    other: str, *, what: str = "is before"
) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """Validator: this date field, when set, is not before the field ``other``."""

    def check(instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        earlier = getattr(instance, other)
        if value is not None and earlier is not None and value < earlier:
            label = getattr(instance, "name", type(instance).__name__)
            msg = (
                f"{type(instance).__name__.lower()} {label!r}: {attribute.name} {value} "
                f"{what} {other} {earlier}"
            )
            raise ValidationError(
                msg, field=attribute.name, expected=f">= {other} {earlier}", got=value
            )

    return check


@attrs.frozen(field_transformer=typed_converters)
class Milestone:
    """A node task (节点任务) of a project's monthly push plan (月度推进计划).

    ``done`` is the actual completion date, ``None`` while open; ``percent``
    is the reported share complete (0–100) of an open milestone.
    """

    name: str
    planned: dt.date = attrs.field(converter=date_in)
    start: dt.date | None = attrs.field(default=None, converter=optional_date_in)
    done: dt.date | None = attrs.field(
        default=None, converter=optional_date_in, validator=_not_before("start")
    )
    percent: Decimal | None = attrs.field(default=None, converter=_to_percent)
    unit: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.start is not None and self.planned < self.start:
            msg = f"milestone {self.name!r}: planned {self.planned} is before start {self.start}"
            raise ValidationError(
                msg,
                field="planned",
                expected=f">= start {self.start}",
                got=self.planned,
            )
        if self.done is not None and self.percent not in (None, Decimal(100)):
            msg = (
                f"milestone {self.name!r}: done on {self.done} but percent is {self.percent}, "
                f"not 100"
            )
            raise ValidationError(
                msg, field="percent", expected="100 or None when done", got=self.percent
            )

    def is_done(self, as_of: dt.date) -> bool:
        """True if completed on or before ``as_of`` (a later date is not known yet).

        Raises:
            ValidationError: ``as_of`` is not a date.
        """
        if type(as_of) is not dt.date:
            plain_date_arg(as_of, "as_of")
        return self.done is not None and self.done <= as_of


@attrs.frozen(field_transformer=typed_converters)
class StageEvent:
    """A dated change of stage: started (开工), suspended, resumed (复工), completed."""

    kind: StageEventKind = attrs.field(converter=_stage_event_kind)
    on: dt.date = attrs.field(converter=date_in)
    note: str = ""


_STAGE_AFTER: Final = {
    StageEventKind.STARTED: Stage.UNDER_CONSTRUCTION,
    StageEventKind.RESUMED: Stage.UNDER_CONSTRUCTION,
    StageEventKind.SUSPENDED: Stage.SUSPENDED,
    StageEventKind.COMPLETED: Stage.COMPLETED,
}
_STAGE_STEPS: Final = {
    None: {StageEventKind.STARTED},
    StageEventKind.STARTED: {StageEventKind.SUSPENDED, StageEventKind.COMPLETED},
    StageEventKind.RESUMED: {StageEventKind.SUSPENDED, StageEventKind.COMPLETED},
    StageEventKind.SUSPENDED: {StageEventKind.RESUMED},
    StageEventKind.COMPLETED: set(),
}


@attrs.frozen(field_transformer=typed_converters)
class ApprovalItem:
    """A precondition a project needs before it may start (开工要件).

    ``one_trip`` records whether the owner got it in a single visit
    (最多跑一次, "at most one trip").
    """

    name: str
    kind: ApprovalKind = attrs.field(default=ApprovalKind.OTHER, converter=_approval_kind)
    authority: str | None = None
    required: bool = True
    applied: dt.date | None = attrs.field(default=None, converter=optional_date_in)
    granted: dt.date | None = attrs.field(
        default=None, converter=optional_date_in, validator=_not_before("applied")
    )
    one_trip: bool = False

    def is_granted(self, as_of: dt.date | None = None) -> bool:
        """True if granted (on or before ``as_of`` when given).

        Raises:
            ValidationError: ``as_of`` is neither None nor a date.
        """
        if as_of is not None and type(as_of) is not dt.date:
            plain_date_arg(as_of, "as_of")
        return self.granted is not None and (as_of is None or self.granted <= as_of)


@attrs.frozen(field_transformer=typed_converters)
class SiteObservation:
    """One day's site activity from remote video monitoring (远程视频监控)."""

    day: dt.date = attrs.field(converter=date_in)
    active: bool
    source: str = "camera"


AmountIn: TypeAlias = Decimal | int | str
"""An amount (万元) as a constructor accepts it: a ``Decimal``, an ``int`` or a decimal string."""

YearAmountsIn: TypeAlias = (
    Mapping[int, AmountIn] | Mapping[str, AmountIn] | Mapping[int | str, AmountIn]
)
"""Amounts by year as a constructor accepts them: keys ``2020`` or ``"2020"``."""

MonthAmountsIn: TypeAlias = (
    Mapping[Month, AmountIn] | Mapping[str, AmountIn] | Mapping[Month | str, AmountIn]
)
"""Amounts by month as a constructor accepts them: keys ``Month`` or ``"2020-05"``.

A union of mappings rather than one ``Mapping[Month | str, ...]``: a mapping's
key type is invariant, and a ``dict[str, str]`` must type-check as it runs.
"""


def _key_map(value: YearAmountsIn, field: str = "value") -> FrozenMap[int, Decimal]:
    return to_money_map(_to_year, value, field)


def _month_map(value: MonthAmountsIn, field: str = "value") -> FrozenMap[Month, Decimal]:
    return to_money_map(_to_month, value, field)


def _milestones(value: Iterable[Milestone], field: str = "value") -> tuple[Milestone, ...]:
    return to_tuple_of(Milestone, value, field)


def _approvals(value: Iterable[ApprovalItem], field: str = "value") -> tuple[ApprovalItem, ...]:
    return to_tuple_of(ApprovalItem, value, field)


def _stage_events(value: Iterable[StageEvent], field: str = "value") -> tuple[StageEvent, ...]:
    return to_tuple_of(StageEvent, value, field)


def _site_activity(
    value: Iterable[SiteObservation], field: str = "value"
) -> tuple[SiteObservation, ...]:
    return to_tuple_of(SiteObservation, value, field)


tuple_faces(
    (_milestones, Milestone),
    (_approvals, ApprovalItem),
    (_stage_events, StageEvent),
    (_site_activity, SiteObservation),
)
takes_field(_key_map)
takes_field(_month_map)


@attrs.frozen(field_transformer=typed_converters)
class Project:
    """A major (key) investment project on the city's list (重大项目 / 重点项目).

    A project is identified by its national :class:`ProjectCode`, or by a
    ``local_id`` while it has none yet (planned projects); :attr:`key` is
    whichever it has. Amounts are 万元. ``monthly_done`` holds the months
    reported; a month absent from it is *unreported*, which is not zero.
    ``stage`` is the stage now; ``stage_events`` its dated history, which must
    lead to it.
    """

    name: str
    level: Level = attrs.field(converter=_level)
    category: Category = attrs.field(converter=_category)
    stage: Stage = attrs.field(converter=_stage)
    region: str
    unit: str
    code: ProjectCode | None = attrs.field(default=None, converter=_to_code)
    local_id: str | None = attrs.field(default=None, converter=optional_code_in)
    owner: str | None = None
    total_investment: Decimal = attrs.field(default=Decimal(0), converter=money_in)
    annual_plans: FrozenMap[int, Decimal] = attrs.field(factory=FrozenMap, converter=_key_map)
    monthly_plan: FrozenMap[Month, Decimal] = attrs.field(factory=FrozenMap, converter=_month_map)
    monthly_done: FrozenMap[Month, Decimal] = attrs.field(factory=FrozenMap, converter=_month_map)
    milestones: tuple[Milestone, ...] = attrs.field(default=(), converter=_milestones)
    approvals: tuple[ApprovalItem, ...] = attrs.field(default=(), converter=_approvals)
    stage_events: tuple[StageEvent, ...] = attrs.field(default=(), converter=_stage_events)
    site_activity: tuple[SiteObservation, ...] = attrs.field(default=(), converter=_site_activity)
    task_force: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.code is None and self.local_id is None:
            msg = f"project {self.name!r}: needs a national code or a local_id, got neither"
            raise ValidationError(msg, field="code", expected="a code or a local_id", got=None)
        _check_unique((m.name for m in self.milestones), "milestones", self.key)
        _check_unique((a.name for a in self.approvals), "approvals", self.key)
        self._check_stage_events()

    def _check_stage_events(self) -> None:
        previous: StageEvent | None = None
        for i, event in enumerate(self.stage_events):
            field = f"stage_events[{i}]"
            if previous is not None and event.on < previous.on:
                msg = (
                    f"project {self.key}: {field} on {event.on} is before the previous event "
                    f"on {previous.on}"
                )
                raise ValidationError(msg, field=field, expected=f">= {previous.on}", got=event.on)
            allowed = _STAGE_STEPS[previous.kind if previous else None]
            if event.kind not in allowed:
                after = previous.kind.value if previous else "no event"
                raise InvalidTransition.about(
                    field,
                    f"one of {sorted(k.value for k in allowed)} after {after}",
                    event.kind.value,
                )
            previous = event
        if previous is not None and _STAGE_AFTER[previous.kind] is not self.stage:
            expected = _STAGE_AFTER[previous.kind].value
            msg = (
                f"project {self.key}: stage is {self.stage.value!r} but the last stage event "
                f"({previous.kind.value} on {previous.on}) leads to {expected!r}"
            )
            raise ValidationError(msg, field="stage", expected=expected, got=self.stage.value)

    def _repr_html_(self) -> str:
        from projpush._html import project_html  # noqa: PLC0415 (notebooks only)

        return project_html(self)

    @property
    def key(self) -> str:
        """The national code as text, or the local id when there is no code."""
        return str(self.code) if self.code is not None else str(self.local_id)

    @property
    def started_on(self) -> dt.date | None:
        """The date construction started (开工), if recorded."""
        return next((e.on for e in self.stage_events if e.kind is StageEventKind.STARTED), None)

    @property
    def completed_on(self) -> dt.date | None:
        """The date the project was completed (竣工), if recorded."""
        return next(
            (e.on for e in self.stage_events if e.kind is StageEventKind.COMPLETED),
            None,
        )

    def stage_at(self, day: dt.date) -> Stage:
        """The stage on ``day``, from the stage events (before the first: not started).

        A project whose history starts after ``day`` was not under way yet,
        so it counts as :attr:`Stage.RESERVED` then, unless it is still
        planned or reserved now.

        Raises:
            ValidationError: ``day`` is not a date.
        """
        if type(day) is not dt.date:  # one test per call: a light map asks 12 per project
            plain_date_arg(day, "day")
        current: Stage | None = None
        for event in self.stage_events:
            if event.on > day:
                break
            current = _STAGE_AFTER[event.kind]
        if current is not None:
            return current
        if self.stage in (Stage.PLANNED, Stage.RESERVED):
            return self.stage
        return Stage.RESERVED if self.stage_events else self.stage

    def is_new_in(self, year: int) -> bool:
        """True if the project started (新开工) in ``year``; else it is continuing (续建).

        Raises:
            ValidationError: ``year`` is not a whole number from 1900 to 2200.
        """
        if type(year) is not int:  # an int out of range is just not the year it started
            _year_field(year, "year")
        started = self.started_on
        return started is not None and started.year == year

    def annual_plan(self, year: int) -> Decimal | None:
        """The annual planned investment for ``year``, or None if none is set.

        Raises:
            ValidationError: ``year`` is not a whole number from 1900 to 2200.
        """
        if type(year) is not int:  # an int out of range just has no plan
            _year_field(year, "year")
        return self.annual_plans.get(year)

    def ready_to_start(self, as_of: dt.date | None = None) -> bool:
        """True when every required approval item is granted (by ``as_of`` if given).

        Raises:
            ValidationError: ``as_of`` is neither None nor a date.
        """
        if as_of is not None and type(as_of) is not dt.date:
            plain_date_arg(as_of, "as_of")
        return all(a.is_granted(as_of) for a in self.approvals if a.required)

    def outstanding_approvals(self, as_of: dt.date | None = None) -> tuple[ApprovalItem, ...]:
        """Required approval items not granted (by ``as_of`` if given).

        Raises:
            ValidationError: ``as_of`` is neither None nor a date.
        """
        if as_of is not None and type(as_of) is not dt.date:
            plain_date_arg(as_of, "as_of")
        return tuple(a for a in self.approvals if a.required and not a.is_granted(as_of))


def _check_unique(names: Iterable[str], field: str, owner: str) -> None:
    """Names kept as typed must still differ once folded (``桩基１`` is ``桩基1``)."""
    names = tuple(names)
    counts = Counter(names)
    dupes = sorted(n for n, c in counts.items() if c > 1)
    if dupes:
        msg = f"{owner}: {field} must have unique names, got {dupes[0]!r} {counts[dupes[0]]} times"
        raise DuplicateKeyError(msg, field=field, expected="unique names", got=dupes[0])
    if len(names) > 1:
        try:
            check_distinct([normalise_text(n) for n in names], names, field, "name")
        except DuplicateKeyError as err:
            raise DuplicateKeyError(
                f"{owner}: {err}", field=err.field, expected=err.expected, got=err.got
            ) from None


# --------------------------------------------------------------------------- people


@attrs.frozen(field_transformer=typed_converters)
class Unit:
    """A responsible unit (责任单位): a department or a district government."""

    name: str
    region: str | None = None
    kind: str = "department"


@attrs.frozen(field_transformer=typed_converters)
class Leader:
    """A leader who personally guarantees projects (包保 / 领衔 / 帮包 领导)."""

    name: str
    rank: LeaderRank = attrs.field(converter=_leader_rank)
    role: str = ""
    projects: tuple[str, ...] = attrs.field(default=(), converter=codes_in)


@attrs.frozen(field_transformer=typed_converters)
class Contact:
    """One dated contact of a service secretary with a project owner."""

    project: str = attrs.field(converter=code_in)
    on: dt.date = attrs.field(converter=date_in)
    mode: str = "visit"
    note: str = ""


def _cadence_map(
    value: Mapping[str, Cadence] | Mapping[str, str] | Mapping[str, Cadence | str],
    field: str = "value",
) -> FrozenMap[str, Cadence]:
    if not isinstance(value, Mapping):
        raise ValidationError.about(field, "a mapping of project key to cadence", value)
    pairs = [
        (to_code_text(k, f"{field} key"), to_enum(Cadence, v, f"{field}[{k!r}]"))
        for k, v in value.items()
    ]
    if len({k for k, _ in pairs}) < len(pairs):  # "L-1" and "Ｌ-1": one project, given twice
        first: dict[str, object] = {}
        for (k, _), typed in zip(pairs, value, strict=True):
            if first.setdefault(k, typed) is not typed:
                raise duplicate_key(f"{field}[{typed!r}]", "project key", first[k], typed)
    return FrozenMap(pairs)


def _contacts(value: Iterable[Contact], field: str = "value") -> tuple[Contact, ...]:
    return to_tuple_of(Contact, value, field)


takes_field(_cadence_map)
tuple_faces((_contacts, Contact))


@attrs.frozen(field_transformer=typed_converters)
class Secretary:
    """A service secretary (服务秘书 / 驻企服务员 / 专员) who follows projects end to end.

    One secretary may serve several projects (Dalian: 378 for 719), and must
    contact each project's owner at its cadence (``cadences`` per project,
    else ``default_cadence``); ``contacts`` is the dated log.
    """

    name: str
    unit: str
    projects: tuple[str, ...] = attrs.field(default=(), converter=codes_in)
    default_cadence: Cadence = attrs.field(default=Cadence.WEEKLY, converter=_cadence)
    cadences: FrozenMap[str, Cadence] = attrs.field(factory=FrozenMap, converter=_cadence_map)
    contacts: tuple[Contact, ...] = attrs.field(default=(), converter=_contacts)

    def __attrs_post_init__(self) -> None:
        served = set(self.projects)
        for key in self.cadences:
            if key not in served:
                msg = f"secretary {self.name!r}: cadence given for {key!r}, which they do not serve"
                raise UnknownReferenceError(
                    msg, field="cadences", expected="a served project", got=key
                )
        for i, contact in enumerate(self.contacts):
            if contact.project not in served:
                msg = (
                    f"secretary {self.name!r}: contacts[{i}] names {contact.project!r}, which "
                    f"they do not serve"
                )
                raise UnknownReferenceError(
                    msg,
                    field=f"contacts[{i}].project",
                    expected="a served project",
                    got=contact.project,
                )

    def cadence_for(self, project: str) -> Cadence:
        """The contact cadence for one served project."""
        return self.cadences.get(project, self.default_cadence)

    def last_contact(self, project: str, as_of: dt.date) -> dt.date | None:
        """The latest contact with ``project`` on or before ``as_of``.

        Raises:
            ValidationError: ``as_of`` is not a date.
        """
        plain_date_arg(as_of, "as_of")
        days = [c.on for c in self.contacts if c.project == project and c.on <= as_of]
        return max(days, default=None)


@attrs.frozen(field_transformer=typed_converters)
class TaskForce:
    """A task force or squad (专班 / 小分队) pushing a set of projects."""

    name: str
    lead: str | None = None
    members: tuple[str, ...] = attrs.field(default=(), converter=names_in)
    projects: tuple[str, ...] = attrs.field(default=(), converter=codes_in)


# --------------------------------------------------------------------------- issues


@attrs.frozen(field_transformer=typed_converters)
class IssueEvent:
    """One entry of an issue's history: who did what when, and the state it left.

    The payload fields are set by the kinds that carry them: ``tier``,
    ``owner`` and ``deadline`` on assignment and escalation, ``deadline`` on
    a work plan or a renewed limit, ``sheet`` on a supervision sheet,
    ``party`` on a pause, ``policy`` (the policy version) on assignment.
    """

    at: dt.date = attrs.field(converter=date_in)
    kind: EventKind = attrs.field(converter=_event_kind)
    actor: str
    from_state: IssueState | None = attrs.field(converter=_optional_issue_state)
    to_state: IssueState = attrs.field(converter=_issue_state)
    note: str = ""
    tier: str | None = None
    owner: str | None = None
    deadline: dt.date | None = attrs.field(default=None, converter=optional_date_in)
    sheet: SheetColor | None = attrs.field(default=None, converter=_optional_sheet)
    party: str | None = None
    policy: str | None = None


_PAYLOAD: Final = frozenset(("note", "tier", "owner", "deadline", "sheet", "party", "policy"))
"""The optional fields of an IssueEvent, which Issue.step takes as keywords."""


@attrs.frozen
class EventPayload:
    """Which payload fields an event of one kind must carry, and which it may.

    ``note`` is free text that any event may carry; every other payload field
    (``tier``, ``owner``, ``deadline``, ``sheet``, ``party``, ``policy``)
    changes a fact of the issue, so only the kinds that change that fact
    carry it. The table is :data:`EVENT_PAYLOADS`; :func:`check_payload`
    applies it, and every reader of a ledger (through :func:`apply_event`)
    refuses what it refuses.

    >>> EVENT_PAYLOADS[EventKind.ASSIGNED].needs
    ('tier', 'owner')
    >>> EVENT_PAYLOADS[EventKind.NOTE].refuses
    ('tier', 'owner', 'deadline', 'sheet', 'party', 'policy')
    """

    needs: tuple[str, ...] = ()
    may: tuple[str, ...] = ()

    @property
    def allows(self) -> tuple[str, ...]:
        """Every payload field the kind may carry besides ``note``: ``needs`` then ``may``."""
        return self.needs + self.may

    @property
    def refuses(self) -> tuple[str, ...]:
        """The payload fields the kind never carries, in field order."""
        return tuple(f for f in PAYLOAD_FIELDS if f not in self.allows)


PAYLOAD_FIELDS: Final = ("tier", "owner", "deadline", "sheet", "party", "policy")
"""The payload fields that change a fact of the issue (all but the note), in field order."""

_P = EventPayload
EVENT_PAYLOADS: Final[Mapping[EventKind, EventPayload]] = MappingProxyType(
    {
        EventKind.COLLECTED: _P(),
        # An assignment names the tier and unit; the deadline and the policy version are
        # what assign() records, but a ledger may hold an assignment made by hand.
        EventKind.ASSIGNED: _P(("tier", "owner"), ("deadline", "policy")),
        EventKind.STARTED: _P(),
        EventKind.PLAN_SUBMITTED: _P(("deadline",)),
        EventKind.DEADLINE_SET: _P(("deadline",)),
        # A yellow sheet comes with its renewed limit (蓝黄红三色督办单).
        EventKind.SHEET_ISSUED: _P(("sheet",), ("deadline",)),
        EventKind.ESCALATED: _P(("tier", "owner"), ("deadline",)),
        EventKind.PAUSED: _P(("party",)),
        # Resuming moves the deadline by the working days spent paused.
        EventKind.RESUMED: _P((), ("deadline",)),
        EventKind.RESOLVED: _P(),
        EventKind.REJECTED: _P(),
        EventKind.CLOSED: _P(),
        EventKind.NOTE: _P(),
    }
)
"""For each :class:`EventKind`, the payload fields it must and may carry (:class:`EventPayload`).

A note changes no tier, owner, deadline, sheet, party or policy; a
collection carries no assignment; only an assignment records the policy
version. ``docs/ledger-format.md`` prints the table.
"""

_REFUSES: Final = {kind: rule.refuses for kind, rule in EVENT_PAYLOADS.items()}
_NEEDS: Final = {kind: rule.needs for kind, rule in EVENT_PAYLOADS.items() if rule.needs}


def check_payload(kind: EventKind, values: Mapping[str, object], where: str = "event") -> None:
    """Refuse a payload that does not fit ``kind``: a field it lacks or one it never carries.

    A field counts as carried when ``values`` holds it and it is not None.
    Readers that see an event before it is an :class:`IssueEvent` (a row of
    a table, a spreadsheet line) call this to refuse what the model refuses,
    with the same message.

    Args:
        kind: the event's kind.
        values: the event's payload fields by name (other keys are ignored).
        where: the event's place, the prefix of the field named in an error
            (``events[3]``).

    Raises:
        ValidationError: a needed field is missing, or a refused one is carried;
            ``field`` is ``{where}.{name}``.

    >>> check_payload(EventKind.NOTE, {"note": "走访", "tier": "city"}, "events[2]")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    projpush.errors.ValidationError: events[2].tier: expected no tier on a note event ...'city'
    """
    kind = to_enum(EventKind, kind, f"{where}.kind")
    if not isinstance(values, Mapping):
        raise ValidationError.about(where, "a mapping of payload fields", values)
    rule = EVENT_PAYLOADS[kind]
    for name in rule.needs:
        if values.get(name) is None:
            raise ValidationError.about(
                f"{where}.{name}", f"a value for a {kind.value} event", None
            )
    for name in rule.refuses:
        got = values.get(name)
        if got is not None:
            raise _refused(kind, name, got, where)


def _fits_kind(event: IssueEvent, index: int) -> None:
    """:func:`check_payload` on an event (attribute look-ups, no mapping built)."""
    kind = event.kind
    for name in _NEEDS.get(kind, ()):
        if getattr(event, name) is None:
            raise ValidationError.about(
                f"events[{index}].{name}", f"a value for a {kind.value} event", None
            )
    for name in _REFUSES[kind]:  # a note that moved the deadline would hide a missed limit
        got = getattr(event, name)
        if got is not None:
            raise _refused(kind, name, got, f"events[{index}]")


def _refused(kind: EventKind, name: str, got: object, where: str) -> ValidationError:
    allows = EVENT_PAYLOADS[kind].allows
    carries = f"{', '.join(allows)} and a note" if allows else "only a note"
    value = got.value if isinstance(got, SheetColor) else got
    return ValidationError.about(  # type: ignore[return-value]
        f"{where}.{name}", f"no {name} on a {kind.value} event (it carries {carries})", value
    )


@attrs.frozen
class IssueStatus:
    """The current facts of an issue, replayed from its events alone."""

    state: IssueState
    updated: dt.date
    tier: str | None = None
    owner: str | None = None
    deadline: dt.date | None = None
    sheet: SheetColor | None = None
    party: str | None = None
    paused_from: IssueState | None = None
    policy: str | None = None
    escalations: int = 0


_S = IssueState
_WORKING: Final = WORKING_STATES
_ACTIVE: Final = _WORKING | {_S.COLLECTED}
# kind -> (states it may start from, state it leads to; None = stays where it is)
_STEPS: Final[dict[EventKind, tuple[frozenset[IssueState], IssueState | None]]] = {
    EventKind.ASSIGNED: (frozenset({_S.COLLECTED}), _S.ASSIGNED),
    EventKind.STARTED: (frozenset({_S.ASSIGNED, _S.ESCALATED}), _S.IN_PROGRESS),
    EventKind.PLAN_SUBMITTED: (_WORKING, None),
    EventKind.DEADLINE_SET: (_WORKING | {_S.PAUSED}, None),
    EventKind.SHEET_ISSUED: (_WORKING | {_S.PAUSED}, None),
    EventKind.ESCALATED: (_ACTIVE, _S.ESCALATED),
    EventKind.PAUSED: (_WORKING, _S.PAUSED),
    EventKind.RESUMED: (frozenset({_S.PAUSED}), None),
    EventKind.RESOLVED: (_WORKING, _S.RESOLVED),
    EventKind.REJECTED: (frozenset({_S.RESOLVED}), _S.IN_PROGRESS),
    EventKind.CLOSED: (frozenset({_S.RESOLVED}), _S.CLOSED),
    EventKind.NOTE: (frozenset(IssueState), None),
}


_VERB: Final = {
    EventKind.ASSIGNED: "assign",
    EventKind.STARTED: "start",
    EventKind.PLAN_SUBMITTED: "submit a work plan for",
    EventKind.DEADLINE_SET: "set a deadline on",
    EventKind.SHEET_ISSUED: "issue a sheet on",
    EventKind.ESCALATED: "escalate",
    EventKind.PAUSED: "pause",
    EventKind.RESUMED: "resume",
    EventKind.RESOLVED: "resolve",
    EventKind.REJECTED: "reject the resolution of",
    EventKind.CLOSED: "close",
}


def next_state(status: IssueStatus | None, kind: EventKind) -> IssueState:
    """The state an event of ``kind`` leads to from ``status``, or raise.

    Raises:
        InvalidTransition: the step is not allowed from the current state.
    """
    if status is None:
        if kind is EventKind.COLLECTED:
            return IssueState.COLLECTED
        raise InvalidTransition.about(
            "events[0].kind", "'collected' (an issue starts when collected)", kind.value
        )
    if kind is EventKind.COLLECTED:
        raise InvalidTransition.about(
            "kind",
            f"a step from {status.state.value!r}",
            "collected (only the first event)",
        )
    sources, target = _STEPS[kind]
    if status.state not in sources:
        allowed = sorted(k.value for k, (src, _) in _STEPS.items() if status.state in src)
        msg = (
            f"cannot {_VERB.get(kind, kind.value)} an issue that is {status.state.value}; "
            f"allowed steps: {', '.join(allowed)}"
        )
        raise InvalidTransition(msg, field="kind", expected=f"one of {allowed}", got=kind.value)
    if kind is EventKind.RESUMED:
        assert status.paused_from is not None  # noqa: S101 (a paused status always records it)
        return status.paused_from
    return status.state if target is None else target


def apply_event(status: IssueStatus | None, event: IssueEvent, index: int = 0) -> IssueStatus:
    """Fold one event into the status; the heart of "state from events alone"."""
    if status is not None and event.at < status.updated:
        field = f"events[{index}]"
        msg = (
            f"{field}: {event.kind.value} on {event.at} is before the previous event on "
            f"{status.updated}; time never goes backwards within an issue"
        )
        raise InvalidTransition(
            msg, field=f"{field}.at", expected=f">= {status.updated}", got=event.at
        )
    try:
        target = next_state(status, event.kind)
    except InvalidTransition as error:
        if error.field == "kind":  # say which event, so a ledger loader can point at it
            error.field = f"events[{index}].kind"
        raise
    current = status.state if status else None
    if event.from_state is not current or event.to_state is not target:
        got = f"{_v(event.from_state)} -> {_v(event.to_state)}"
        raise InvalidTransition.about(
            f"events[{index}] states",
            f"{_v(current)} -> {target.value} for {event.kind.value}",
            got,
        )
    kind = event.kind
    _fits_kind(event, index)
    if status is None:
        return IssueStatus(target, event.at)
    sheet = event.sheet
    if sheet is not None and status.sheet is not None and sheet.severity < status.sheet.severity:
        msg = (
            f"events[{index}]: a {sheet.value} sheet after a {status.sheet.value} one; a sheet "
            f"never improves while the issue is open"
        )
        raise InvalidTransition(
            msg,
            field=f"events[{index}].sheet",
            expected=f"at least {status.sheet.value}",
            got=sheet.value,
        )
    # Built field by field rather than through attrs.evolve, which looks every field
    # up again: this runs once per event of a province's whole problem list.
    return IssueStatus(
        target,
        event.at,
        event.tier or status.tier,
        event.owner or status.owner,
        event.deadline or status.deadline,
        sheet or status.sheet,
        *_pause(status, event),
        event.policy or status.policy,
        status.escalations + (kind is EventKind.ESCALATED),
    )


def _pause(status: IssueStatus, event: IssueEvent) -> tuple[str | None, IssueState | None]:
    """The paused party and the state to resume to, after ``event``."""
    if event.kind is EventKind.PAUSED:
        return event.party, status.state
    if event.kind is EventKind.RESUMED:
        return None, None
    return status.party, status.paused_from


def _v(state: IssueState | None) -> str:
    return "none" if state is None else state.value


def replay(events: Iterable[IssueEvent]) -> IssueStatus:
    """Derive an issue's status from its events, validating every step.

    Raises:
        InvalidTransition: an event is illegal where it stands, or out of time order.
        ValidationError: there are no events, or an event lacks its payload.
    """
    if isinstance(events, str | bytes | Mapping) or not isinstance(events, Iterable):
        raise ValidationError.about("events", "a sequence of IssueEvent", events)
    status: IssueStatus | None = None
    for i, event in enumerate(events):
        if not isinstance(event, IssueEvent):
            raise ValidationError.about(f"events[{i}]", "an IssueEvent", event)
        status = apply_event(status, event, i)
    if status is None:
        raise ValidationError.about("events", "at least the 'collected' event", ())
    return status


def _issue_events(value: Iterable[IssueEvent], field: str = "value") -> tuple[IssueEvent, ...]:
    return to_tuple_of(IssueEvent, value, field)


tuple_faces((_issue_events, IssueEvent))


@attrs.frozen(field_transformer=typed_converters)
class Issue:
    """A problem blocking a project (问题), on the problem list (问题清单).

    Its whole history is the append-only tuple ``events``; every current fact
    (state, tier, owner unit, deadline, sheet colour) is replayed from them
    into :attr:`status` when the value is built, so the two cannot disagree.
    Start one with :meth:`collect`; take steps with :meth:`step` (the rules in
    :mod:`projpush.escalation` do this for you).

    >>> issue = Issue.collect("Q-1", "2020-330200-47-03-012345", category="land",
    ...     title="林地调规", on=dt.date(2020, 9, 28), by="服务秘书 李军")
    >>> issue = issue.step(EventKind.ASSIGNED, dt.date(2020, 9, 29), "市重点办",
    ...     tier="district", owner="中山区", deadline=dt.date(2020, 10, 13))
    >>> issue.state, issue.deadline, len(issue.events)
    (<IssueState.ASSIGNED: 'assigned'>, datetime.date(2020, 10, 13), 2)
    """

    id: str = attrs.field(converter=code_in)
    project: str = attrs.field(converter=code_in)
    category: IssueCategory = attrs.field(converter=_issue_category)
    title: str
    events: tuple[IssueEvent, ...] = attrs.field(converter=_issue_events)
    difficulty: Difficulty = attrs.field(default=Difficulty.GENERAL, converter=_difficulty)
    status: IssueStatus = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "status", replay(self.events))

    @classmethod
    def collect(
        cls,
        issue_id: str,
        project: str,
        *,
        category: IssueCategory | str,
        title: str,
        on: dt.date,
        by: str,
        difficulty: Difficulty | str = Difficulty.GENERAL,
        note: str = "",
    ) -> Issue:
        """Start an issue's history with its collection (收集) on ``on`` by ``by``."""
        first = IssueEvent(on, EventKind.COLLECTED, by, None, IssueState.COLLECTED, note=note)
        return cls(issue_id, project, category, title, (first,), difficulty)

    def step(self, kind: EventKind, at: dt.date, actor: str, **payload: Any) -> Issue:
        """Return this issue with one more event of ``kind``; illegal steps raise.

        ``payload`` takes the event's optional fields (``tier``, ``owner``,
        ``deadline``, ``sheet``, ``party``, ``policy``, ``note``).

        Raises:
            InvalidTransition: the step is not allowed where the issue stands.
            ValidationError: a bad value, or a payload keyword that is no event field.
        """
        unknown = sorted(set(payload) - _PAYLOAD)
        if unknown:
            expected = f"one of the event fields ({', '.join(sorted(_PAYLOAD))})"
            raise ValidationError.about(unknown[0], expected, payload[unknown[0]])
        kind = to_enum(EventKind, kind, "kind")
        target = next_state(self.status, kind)
        return self.extend((IssueEvent(at, kind, actor, self.status.state, target, **payload),))

    def extend(self, events: Iterable[IssueEvent]) -> Issue:
        """Return this issue with ``events`` appended, each checked where it stands.

        The history already held was checked when this value was built, so
        only the new events are folded into the running status; rebuilding
        through ``attrs.evolve`` would replay the whole history again, which
        is most of the cost of advancing a province's problem list.

        Raises:
            InvalidTransition: an event is illegal where it stands.
        """
        status = self.status
        added = tuple(events)
        for index, event in enumerate(added, start=len(self.events)):
            status = apply_event(status, event, index)
        extended: Issue = object.__new__(Issue)
        for name in _ISSUE_FIELDS:
            object.__setattr__(extended, name, getattr(self, name))
        object.__setattr__(extended, "events", (*self.events, *added))
        object.__setattr__(extended, "status", status)
        return extended

    def _repr_html_(self) -> str:
        from projpush._html import issue_html  # noqa: PLC0415 (notebooks only)

        return issue_html(self)

    @property
    def raised_on(self) -> dt.date:
        """The date the issue was collected."""
        return self.events[0].at

    @property
    def raised_by(self) -> str:
        """Who raised it (a secretary, a supervision group, a unit)."""
        return self.events[0].actor

    @property
    def state(self) -> IssueState:
        """The current state."""
        return self.status.state

    @property
    def tier(self) -> str | None:
        """The tier of the escalation ladder now handling it."""
        return self.status.tier

    @property
    def owner(self) -> str | None:
        """The unit now responsible for solving it."""
        return self.status.owner

    @property
    def deadline(self) -> dt.date | None:
        """The current time limit."""
        return self.status.deadline

    @property
    def sheet(self) -> SheetColor | None:
        """The colour of the latest supervision sheet, if any was issued."""
        return self.status.sheet

    @property
    def is_open(self) -> bool:
        """True until verified and closed (销号)."""
        return self.status.state.is_open

    @property
    def closed_on(self) -> dt.date | None:
        """The date it was closed (销号), if it is."""
        if self.is_open:
            return None
        return next(e.at for e in reversed(self.events) if e.kind is EventKind.CLOSED)


_ISSUE_FIELDS: Final = tuple(f.name for f in attrs.fields(Issue) if f.init and f.name != "events")


# --------------------------------------------------------------------------- portfolio


class FindingKind(LabelledEnum):
    """A soft gap in a ledger, reported rather than raised."""

    NO_LEADER = "no_leader"
    NO_SECRETARY = "no_secretary"
    SEVERAL_SECRETARIES = "several_secretaries"
    SECRETARY_OVERLOADED = "secretary_overloaded"
    MILESTONE_OVERDUE = "milestone_overdue"
    UNKNOWN_UNIT = "unknown_unit"
    MONTHLY_PLAN_EXCEEDS_ANNUAL = "monthly_plan_exceeds_annual"


label(
    FindingKind,
    {
        "no_leader": "无包保领导",
        "no_secretary": "无服务秘书",
        "several_secretaries": "服务秘书不唯一",
        "secretary_overloaded": "服务秘书服务项目过多",
        "milestone_overdue": "节点逾期未完成",
        "unknown_unit": "责任单位不在名录",
        "monthly_plan_exceeds_annual": "月度计划合计超年度计划",
    },
)


Fact: TypeAlias = Decimal | int | dt.date | str | tuple[str, ...]
"""A fact of a :class:`Finding`: a name, a date, a year, a count, an amount (万元) or names."""

# The facts each kind's sentences name; the sentences are the message catalogue's
# (projpush.messages, finding.KIND), and the English one writes ``Finding.detail``.
_FINDING_FACTS: Final = {
    FindingKind.NO_LEADER: frozenset({"project"}),
    FindingKind.NO_SECRETARY: frozenset({"project"}),
    FindingKind.SEVERAL_SECRETARIES: frozenset({"project", "secretaries"}),
    FindingKind.SECRETARY_OVERLOADED: frozenset({"projects", "cap"}),
    FindingKind.MILESTONE_OVERDUE: frozenset({"milestone", "planned", "as_of"}),
    FindingKind.UNKNOWN_UNIT: frozenset({"project", "unit"}),
    FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL: frozenset({"year", "monthly_plan", "annual_plan"}),
}
"""The facts each kind's sentences name, in either language."""


def _finding_kind(value: FindingKind | str, field: str = "value") -> FindingKind:
    return to_enum(FindingKind, value, field)


def _to_facts(value: Mapping[str, Fact], field: str = "value") -> FrozenMap[str, Fact]:
    if isinstance(value, FrozenMap):
        return value
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ValidationError.about(field, "a mapping of name to fact", value)
    return FrozenMap(value)


enum_faces((_finding_kind, FindingKind))
takes_field(_to_facts)


@attrs.frozen(field_transformer=typed_converters)
class Finding:
    """One soft gap found in a portfolio, with the project (or person) it is about.

    Attributes:
        kind: what the gap is.
        subject: the project's key, or the secretary's name.
        detail: the English sentence, as :meth:`text` writes it in ``"en"``
            (kept for the readers of earlier releases).
        facts: what the sentence says, by name: ``project`` (the project's
            name), ``milestone``, ``planned`` and ``as_of`` (dates), ``year``,
            ``monthly_plan`` and ``annual_plan`` (exact ``Decimal`` 万元),
            ``unit``, ``secretaries`` (names, sorted), ``projects`` (a count)
            and ``cap``, each where its kind has it. Empty for a finding made
            with its words only.

    >>> f = Finding.of(FindingKind.NO_LEADER, "NB-7", project="汽车零部件生产线")
    >>> f.text(), f.text("en") == f.detail
    ('汽车零部件生产线：无包保领导', True)
    """

    kind: FindingKind = attrs.field(converter=_finding_kind)
    subject: str
    detail: str
    facts: FrozenMap[str, Fact] = attrs.field(factory=FrozenMap, converter=_to_facts)

    def __attrs_post_init__(self) -> None:
        # Refused here, not when rendered: a report must always be able to print a finding.
        if self.facts:
            _check_facts(self.kind, self.facts)

    @classmethod
    def of(cls, kind: FindingKind, subject: str, **facts: Fact) -> Finding:
        """A finding from its facts, its ``detail`` written from them in English.

        Raises:
            ValidationError: ``kind`` is no FindingKind, or a fact its
                sentences name is missing.
        """
        kind = to_enum(FindingKind, kind, "kind")
        known = FrozenMap(facts)
        _check_facts(kind, known)
        detail = _finding_template(kind, "en").format_map(_fact_words(known, "en"))
        return cls(kind, subject, detail, known)

    def text(self, lang: str = "zh") -> str:
        """The finding as one sentence, in Chinese (``"zh"``) or English (``"en"``).

        The English sentence is :attr:`detail` (which :meth:`of` writes from
        the facts); the Chinese one is written from the facts. A finding
        without facts has only its ``detail``, in both languages.

        Raises:
            ValidationError: ``lang`` is neither.
        """
        if lang == "zh" and self.facts:
            return _finding_template(self.kind, "zh").format_map(_fact_words(self.facts, "zh"))
        if lang not in ("zh", "en"):
            raise ValidationError.about("lang", "'zh' or 'en'", lang)
        return self.detail


def _finding_template(kind: FindingKind, lang: str) -> str:
    """The sentence of a finding's kind in ``lang``, from the message catalogue (at first use)."""
    from projpush.messages import template  # noqa: PLC0415 (the report side's, when written)

    return template(f"finding.{kind.value}", lang)


def _check_facts(kind: FindingKind, facts: FrozenMap[str, Fact]) -> None:
    needed = _FINDING_FACTS[kind]
    if not needed <= facts.keys():
        names = ", ".join(sorted(needed))
        raise ValidationError.about(
            "facts", f"facts naming {names} (for {kind.value})", dict(facts)
        )


def _fact_words(facts: FrozenMap[str, Fact], lang: str) -> dict[str, object]:
    """Facts as the sentences write them: text kept (``!r`` may quote it), the rest as words.

    English writes an amount as ``str(Decimal)`` (``1.0E-7``), as ``detail``
    always has; Chinese writes it plainly (``0.00000010``).
    """
    zh = lang == "zh"
    words: dict[str, object] = {}
    for name, value in facts.items():
        if isinstance(value, tuple):
            words[name] = ("、" if zh else ", ").join(value)
        elif isinstance(value, Decimal) and zh:
            words[name] = f"{value:f}"
        elif isinstance(value, str):
            words[name] = value
        else:
            words[name] = str(value)
    return words


def _unique_index(items: Iterable[Any], key: Callable[[Any], str], field: str) -> dict[str, Any]:
    index: dict[str, Any] = {}
    for i, item in enumerate(items):
        k = key(item)
        if k in index:
            msg = f"{field}[{i}]: duplicate key {k!r}"
            raise DuplicateKeyError(msg, field=f"{field}[{i}]", expected="a unique key", got=k)
        index[k] = item
    return index


def _unique_names(items: tuple[Any, ...], field: str) -> None:
    """Refuse two records whose names, kept as typed, are one name once folded."""
    names = [x.name for x in items]
    _unique_index(names, lambda n: n, field)  # the same text twice: the plain message
    if len(names) > 1:
        check_distinct([normalise_text(n) for n in names], names, field, "name")


def project_ids(project: Project) -> tuple[str, ...]:
    """The texts that name ``project``: its key, its local id, and the code a local id spells.

    ``Portfolio.project`` and every reader find a project by any of them, so
    no two projects may share one: a project's code must not be another's
    local id, in any form that parses as that code (``2020—330200-…``).
    """
    local = project.local_id
    if local is None or (project.code is None and len(local) != _CODE_LENGTH):
        return (project.key,)
    ids = dict.fromkeys((project.key, local))
    if len(local) == _CODE_LENGTH:  # only text of a code's length can parse as one
        with contextlib.suppress(ValidationError):
            ids[str(ProjectCode.parse(local))] = None
    return tuple(ids)


_CODE_LENGTH: Final = 24  # YYYY-AAAAAA-BB-CC-NNNNNN, however its dashes are written


def _unique_project_ids(projects: tuple[Project, ...], by_key: Mapping[str, Project]) -> None:
    """Refuse a project named by a text that names another project (see :func:`project_ids`).

    ``by_key`` holds every project by its key (checked unique already), so
    only the projects with a local id have more texts to check.
    """
    extra: dict[str, int] = {}  # a local id, or the code it spells, that is no project's key
    for i, project in enumerate(projects):
        if project.local_id is None:
            continue
        for text in project_ids(project)[1:]:
            other = by_key.get(text)
            if other is None:
                j = extra.setdefault(text, i)
                if j != i:
                    raise _shared_id(projects, i, projects[j], text)
            elif other is not project:
                raise _shared_id(projects, i, other, text)


def _shared_id(
    projects: tuple[Project, ...], i: int, other: Project, text: str
) -> DuplicateKeyError:
    """The error for ``projects[i]`` and ``other`` both named by ``text``."""
    project = projects[i]
    j = next(k for k, x in enumerate(projects) if x is other)
    whose = "code" if str(other.code) == text else "local id"
    mine = "code" if str(project.code) == text else "local id"
    field = f"projects[{i}].{'code' if mine == 'code' else 'local_id'}"
    given = project.key if mine == "code" else project.local_id
    theirs = other.key if whose == "code" else other.local_id
    msg = (
        f"{field}: expected a key no other project has, got {mine} {given!r}, "
        f"which names projects[{j}] too (its {whose} {theirs!r})"
    )
    return DuplicateKeyError(msg, field=field, expected="a unique key", got=given)


def _group(pairs: Iterable[tuple[str, Any]]) -> dict[str, tuple[Any, ...]]:
    groups: dict[str, list[Any]] = {}
    for k, v in pairs:
        groups.setdefault(k, []).append(v)
    return {k: tuple(v) for k, v in groups.items()}


def _projects(value: Iterable[Project], field: str = "value") -> tuple[Project, ...]:
    return to_tuple_of(Project, value, field)


def _leaders(value: Iterable[Leader], field: str = "value") -> tuple[Leader, ...]:
    return to_tuple_of(Leader, value, field)


def _secretaries(value: Iterable[Secretary], field: str = "value") -> tuple[Secretary, ...]:
    return to_tuple_of(Secretary, value, field)


def _issues(value: Iterable[Issue], field: str = "value") -> tuple[Issue, ...]:
    return to_tuple_of(Issue, value, field)


def _units(value: Iterable[Unit], field: str = "value") -> tuple[Unit, ...]:
    return to_tuple_of(Unit, value, field)


def _task_forces(value: Iterable[TaskForce], field: str = "value") -> tuple[TaskForce, ...]:
    return to_tuple_of(TaskForce, value, field)


tuple_faces(
    (_projects, Project),
    (_leaders, Leader),
    (_secretaries, Secretary),
    (_issues, Issue),
    (_units, Unit),
    (_task_forces, TaskForce),
)


@attrs.frozen(field_transformer=typed_converters)
class Portfolio:
    """The ledger (台账): projects, people, units and the problem list.

    Construction checks the hard rules (unique keys, every reference to a
    project resolves) and builds look-up indexes once; soft gaps are left to
    :func:`integrity_report`. Binzhou's "three lists" (三张清单) are views:
    :attr:`projects`, :attr:`issues` and the progress figures of
    :mod:`projpush.metrics`.
    """

    projects: tuple[Project, ...] = attrs.field(default=(), converter=_projects)
    leaders: tuple[Leader, ...] = attrs.field(default=(), converter=_leaders)
    secretaries: tuple[Secretary, ...] = attrs.field(default=(), converter=_secretaries)
    issues: tuple[Issue, ...] = attrs.field(default=(), converter=_issues)
    units: tuple[Unit, ...] = attrs.field(default=(), converter=_units)
    task_forces: tuple[TaskForce, ...] = attrs.field(default=(), converter=_task_forces)
    _index: _Index = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", _Index.build(self))

    def with_issues(self, issues: Iterable[Issue]) -> Portfolio:
        """This portfolio with its problem list replaced, as the rules' advance leaves it.

        Equal to ``attrs.evolve(self, issues=issues)``, with the same checks of
        the new issues (unique ids, known projects), but the indexes of the
        projects and people are kept rather than built again: a province's
        monthly run replaces its problem list and nothing else. When the new
        list holds the same ids and projects in the same places, as
        advancing the list returns it, only the issues that came back as new
        objects are indexed again.

        Raises:
            ValidationError: an item is not an Issue.
            DuplicateKeyError: two issues share an id.
            UnknownReferenceError: an issue names a project not in the portfolio.
        """
        checked = to_tuple_of(Issue, issues, "issues")
        result: Portfolio = object.__new__(Portfolio)
        for field in _PORTFOLIO_FIELDS:
            object.__setattr__(result, field, getattr(self, field))
        object.__setattr__(result, "issues", checked)
        object.__setattr__(result, "_index", self._index.with_issues(checked))
        return result

    def project(self, key: str | ProjectCode) -> Project:
        """The project with this code or local id.

        Raises:
            UnknownReferenceError: no project has that key (or the key is not text).
        """
        text = str(key) if isinstance(key, ProjectCode) else key
        found = self._find_project(text) if isinstance(text, str) else None
        if found is None:
            msg = f"project: no project with code or local id {text!r} in the portfolio"
            raise UnknownReferenceError(
                msg, field="project", expected="a known project key", got=text
            )
        return found

    def _find_project(self, text: str) -> Project | None:
        found = self._index.projects.get(text) or self._index.local_ids.get(text)
        if found is not None:
            return found
        folded = normalise_text(text)  # a local id typed another way: Ｌ-１ is L-1
        found = self._index.projects.get(folded) or self._index.local_ids.get(folded)
        if found is not None:
            return found
        try:  # a code written another way: full-width digits, spaces, other dashes
            return self._index.projects.get(str(ProjectCode.parse(text)))
        except ValidationError:
            return None

    def issue(self, issue_id: str) -> Issue:
        """The issue with this id (raises :class:`UnknownReferenceError` otherwise)."""
        try:
            return self._index.issues[issue_id]
        except (KeyError, TypeError):  # TypeError: an unhashable id, such as a list
            found = _code_get(self._index.issues, issue_id)
            if found is not None:
                return found
            msg = f"issue: no issue with id {issue_id!r} in the portfolio"
            raise UnknownReferenceError(
                msg, field="issue", expected="a known issue id", got=issue_id
            ) from None

    def by_unit(self, unit: str) -> tuple[Project, ...]:
        """Projects whose responsible unit is ``unit`` (empty if none).

        Units are compared folded, as every name look-up is: ``市　教育局``
        (a full-width space) finds the projects of ``市 教育局`` too.
        """
        return self._index.folded("unit", unit)

    def by_region(self, region: str) -> tuple[Project, ...]:
        """Projects in ``region`` (compared folded, as :meth:`by_unit` compares)."""
        return self._index.folded("region", region)

    def by_leader(self, leader: str) -> tuple[Project, ...]:
        """Projects guaranteed by the leader named ``leader`` (the name compared folded)."""
        found = self._index.by_leader.get(leader)
        return found if found is not None else self._index.folded("leader", leader)

    def by_secretary(self, secretary: str) -> tuple[Project, ...]:
        """Projects served by the secretary named ``secretary`` (the name compared folded)."""
        found = self._index.by_secretary.get(secretary)
        return found if found is not None else self._index.folded("secretary", secretary)

    def leaders_of(self, project: str) -> tuple[Leader, ...]:
        """Leaders who guarantee ``project`` (its key, full-width forms allowed)."""
        found = self._index.leaders_of.get(project)
        return found if found is not None else _code_get(self._index.leaders_of, project) or ()

    def secretaries_of(self, project: str) -> tuple[Secretary, ...]:
        """Secretaries serving ``project`` (exactly one in a sound ledger)."""
        found = self._index.secretaries_of.get(project)
        if found is not None:
            return found
        return _code_get(self._index.secretaries_of, project) or ()

    def with_leader(self) -> KeysView[str]:
        """Keys of the projects that have at least one guarantor leader."""
        return self._index.leaders_of.keys()

    def with_secretary(self) -> KeysView[str]:
        """Keys of the projects that have at least one service secretary."""
        return self._index.secretaries_of.keys()

    def to_records(self) -> list[ProjectRecord]:
        """One flat dict a project, ready for ``pandas.DataFrame``."""
        from projpush.frames import portfolio_records  # noqa: PLC0415 (the edge)

        return portfolio_records(self)

    def _repr_html_(self) -> str:
        from projpush._html import portfolio_html  # noqa: PLC0415 (notebooks only)

        return portfolio_html(self)

    def issues_of(self, project: str) -> tuple[Issue, ...]:
        """Issues raised on ``project``."""
        found = self._index.issues_of.get(project)
        return found if found is not None else _code_get(self._index.issues_of, project) or ()


_V = TypeVar("_V")


def _code_get(table: Mapping[str, _V], key: object) -> _V | None:
    """``table[key]`` for a code typed in another form (``Ｌ-１``), or None.

    Codes are stored folded, so the folded key finds them; only a look-up
    that missed comes here.
    """
    if not isinstance(key, str):
        return None
    folded = normalise_text(key)
    return None if folded == key else table.get(folded)


@attrs.frozen
class _Index:
    """Look-up tables of a portfolio, built once at construction."""

    projects: dict[str, Project]
    local_ids: dict[str, Project]
    issues: dict[str, Issue]
    by_leader: dict[str, tuple[Project, ...]]
    by_secretary: dict[str, tuple[Project, ...]]
    leaders_of: dict[str, tuple[Leader, ...]]
    secretaries_of: dict[str, tuple[Secretary, ...]]
    issues_of: dict[str, tuple[Issue, ...]]
    # Projects by folded unit, region, leader or secretary name, each made at its first look-up.
    folds: dict[str, dict[str, tuple[Project, ...]]] = attrs.field(factory=dict, repr=False)

    def folded(self, kind: str, name: object) -> tuple[Project, ...]:
        """The projects of the unit, region, leader or secretary ``name``, names compared folded.

        Names are kept as typed, so ``市　教育局`` and ``市 教育局`` may both
        stand in a ledger; a look-up by either finds both.
        """
        if not isinstance(name, str):
            return ()
        table = self.folds.get(kind)
        if table is None:
            groups: dict[str, list[Project]] = {}
            if kind in {"unit", "region"}:
                for x in self.projects.values():  # in portfolio order
                    groups.setdefault(normalise_text(getattr(x, kind)), []).append(x)
            else:  # leaders' and secretaries' names never collide once folded
                named = self.by_leader if kind == "leader" else self.by_secretary
                for k, v in named.items():
                    groups.setdefault(normalise_text(k), []).extend(v)
            table = self.folds[kind] = {k: tuple(v) for k, v in groups.items()}
        return table.get(normalise_text(name), ())

    @classmethod
    def build(cls, p: Portfolio) -> _Index:
        projects = _unique_index(p.projects, lambda x: x.key, "projects")
        local_ids = _unique_index(  # over all projects, so an error names the real position
            p.projects,
            lambda x: x.local_id or f"\0{id(x)}",  # no local id: never a clash
            "projects",
        )
        _unique_project_ids(p.projects, projects)
        _unique_names(p.leaders, "leaders")
        _unique_names(p.secretaries, "secretaries")
        _unique_names(p.units, "units")
        _unique_names(p.task_forces, "task_forces")

        def resolve(owner: str, where: str, keys: tuple[str, ...]) -> tuple[str, ...]:
            if projects.keys() >= set(keys):
                return keys
            i, key = next((i, k) for i, k in enumerate(keys) if k not in projects)
            msg = f"{owner}.projects[{i}]: refers to unknown project {key!r}"
            raise UnknownReferenceError(
                msg, field=f"{where}.projects[{i}]", expected="a project in the portfolio", got=key
            )

        leader_pairs = [
            (k, ld)
            for j, ld in enumerate(p.leaders)
            for k in resolve(f"leader {ld.name!r}", f"leaders[{j}]", ld.projects)
        ]
        sec_pairs = [
            (k, s)
            for j, s in enumerate(p.secretaries)
            for k in resolve(f"secretary {s.name!r}", f"secretaries[{j}]", s.projects)
        ]
        for j, tf in enumerate(p.task_forces):
            resolve(f"task force {tf.name!r}", f"task_forces[{j}]", tf.projects)
        index = cls(
            projects=projects,
            local_ids={k: v for k, v in local_ids.items() if not k.startswith("\0")},
            issues={},
            by_leader=_group((ld.name, projects[k]) for k, ld in leader_pairs),
            by_secretary=_group((s.name, projects[k]) for k, s in sec_pairs),
            leaders_of=_group(leader_pairs),
            secretaries_of=_group(sec_pairs),
            issues_of={},
        )
        return index.with_issues(p.issues)

    def with_issues(self, issues: tuple[Issue, ...]) -> _Index:
        """This index for another problem list over the same projects."""
        advanced = self._advanced(issues)
        if advanced is not None:
            return advanced
        by_id = _unique_index(issues, lambda x: x.id, "issues")
        if not {x.project for x in issues} <= self.projects.keys():
            i, x = next((i, x) for i, x in enumerate(issues) if x.project not in self.projects)
            msg = f"issues[{i}] ({x.id}): refers to unknown project {x.project!r}"
            raise UnknownReferenceError(
                msg,
                field=f"issues[{i}].project",
                expected="a project in the portfolio",
                got=x.project,
            )
        return attrs.evolve(self, issues=by_id, issues_of=_group((x.project, x) for x in issues))

    def _advanced(self, issues: tuple[Issue, ...]) -> _Index | None:
        """The index when ``issues`` holds the same ids and projects in the same places, or None.

        That is what advancing a problem list gives: ids stay unique and
        projects known, so nothing needs checking again, and the index
        changes only where an issue came back as a new object (a daily run
        changes about one issue in two hundred).
        """
        old = list(self.issues.values())
        if len(old) != len(issues):
            return None
        changed = list(compress(range(len(old)), map(operator.is_not, old, issues)))
        if len(changed) * 8 > len(old):  # a catch-up: building afresh is cheaper than patching
            return None
        if any(issues[i].id != old[i].id or issues[i].project != old[i].project for i in changed):
            return None
        by_id, groups = dict(self.issues), dict(self.issues_of)
        new = {id(old[i]): issues[i] for i in changed}
        for i in changed:
            by_id[old[i].id] = issues[i]
        for project in {old[i].project for i in changed}:
            groups[project] = tuple([new.get(id(q), q) for q in groups[project]])
        return attrs.evolve(self, issues=by_id, issues_of=groups)


_PORTFOLIO_FIELDS: Final = tuple(
    f.name for f in attrs.fields(Portfolio) if f.init and f.name != "issues"
)


def integrity_report(
    portfolio: Portfolio, as_of: dt.date, *, secretary_cap: int = 5
) -> tuple[Finding, ...]:
    """List the soft gaps of a ledger at ``as_of``, each with its project code.

    Gaps: a key project with no guarantor leader or no service secretary (or
    several), a secretary serving more than ``secretary_cap`` projects, a
    milestone past its planned date without completion, a responsible unit
    missing from the unit directory (when one is given), and monthly plans
    summing to more than the year's annual plan.

    Raises:
        ValidationError: ``as_of`` is not a date, or ``portfolio`` no Portfolio.

    >>> p = Project(local_id="L-1", name="试验项目", level="city", category="social",
    ...     stage="reserved", region="海曙区", unit="市教育局")
    >>> [f.kind.value for f in integrity_report(Portfolio(projects=(p,)), dt.date(2020, 5, 31))]
    ['no_leader', 'no_secretary']
    """
    plain_date_arg(as_of, "as_of")
    if not isinstance(portfolio, Portfolio):
        raise ValidationError.about("portfolio", "a Portfolio", portfolio)
    unit_names = {u.name for u in portfolio.units}
    findings = [
        f for p in portfolio.projects for f in _project_gaps(portfolio, p, as_of, unit_names)
    ]
    findings.extend(
        Finding.of(
            FindingKind.SECRETARY_OVERLOADED, s.name, projects=len(s.projects), cap=secretary_cap
        )
        for s in portfolio.secretaries
        if len(s.projects) > secretary_cap
    )
    return tuple(findings)


def _project_gaps(
    portfolio: Portfolio, project: Project, as_of: dt.date, unit_names: set[str]
) -> Iterator[Finding]:
    key, name = project.key, project.name
    if not portfolio.leaders_of(key):
        yield Finding.of(FindingKind.NO_LEADER, key, project=name)
    secretaries = portfolio.secretaries_of(key)
    if not secretaries:
        yield Finding.of(FindingKind.NO_SECRETARY, key, project=name)
    elif len(secretaries) > 1:
        names = tuple(sorted(s.name for s in secretaries))  # not in ledger order
        yield Finding.of(FindingKind.SEVERAL_SECRETARIES, key, project=name, secretaries=names)
    for m in project.milestones:
        if m.planned < as_of and not m.is_done(as_of):
            yield Finding.of(
                FindingKind.MILESTONE_OVERDUE,
                key,
                project=name,
                milestone=m.name,
                planned=m.planned,
                as_of=as_of,
            )
    annual_plans = project.annual_plans.view()
    by_year = _monthly_sums(project.monthly_plan) if annual_plans else {}
    for year, plan in annual_plans.items():
        monthly = by_year.get(year, Decimal(0))
        if monthly > plan:
            yield Finding.of(
                FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL,
                key,
                project=name,
                year=year,
                monthly_plan=monthly,
                annual_plan=plan,
            )
    if unit_names and project.unit not in unit_names:
        yield Finding.of(FindingKind.UNKNOWN_UNIT, key, project=name, unit=project.unit)


def _monthly_sums(plan: FrozenMap[Month, Decimal]) -> dict[int, Decimal]:
    """The monthly plan's amounts summed by year, each from zero in month order."""
    months = plan.view()
    if not months:
        return {}
    first, last = next(iter(months)), next(reversed(months))
    if first.year == last.year:  # the usual plan, one year's months (kept in order): sum in C
        return {first.year: sum(months.values(), Decimal(0))}
    by_year: dict[int, Decimal] = {}  # one pass over the months, not one per planned year
    for month, amount in months.items():
        by_year[month.year] = by_year.get(month.year, Decimal(0)) + amount
    return by_year


# Hypothesis's entry point (projpush._hypothesis) registers strategies for the classes
# above. When Hypothesis was imported first, the hook waited for this module rather than
# import it itself (which made `import hypothesis` about 200 ms slower): tell it.
_plugin = sys.modules.get("projpush._hypothesis")
if _plugin is not None:
    _plugin.model_loaded(sys.modules[__name__])
del _plugin
