"""Issue handling and tiered escalation: the closed loop of a problem list.

A problem (:class:`~projpush.model.Issue`) is collected, assigned to a tier
of a :class:`Ladder` with a working-day deadline, worked on, resolved, and
verified and closed (销号). Supervision sheets (蓝黄红三色督办单) follow how
far resolution has slipped, and an issue climbs the ladder when its limit
passes unresolved, or at once when a tier declares it beyond its powers.

Everything here is a pure function over immutable issues. A transition
(:func:`assign`, :func:`start`, :func:`submit_plan`, :func:`escalate`,
:func:`declare_beyond_powers`, :func:`pause`, :func:`resume`,
:func:`resolve`, :func:`reject`, :func:`close`) returns a new issue with one
more event. :func:`advance` brings an issue up to date at a moment: it adds,
in time order, every sheet, warning and escalation that came due, each as a
dated event with its reason, and nothing else.

>>> import datetime as dt
>>> from projpush.model import Issue
>>> policy = EscalationPolicy.binzhou()
>>> q = Issue.collect("Q-1", "P-1", category="land", title="林地调规",
...     on=dt.date(2020, 9, 28), by="驻企服务员")
>>> q = assign(q, dt.date(2020, 9, 29), policy, by="市指挥部办公室", owner="滨城区指挥部")
>>> q.deadline
datetime.date(2020, 10, 13)
>>> for e in timeline(q, policy, dt.date(2020, 10, 31)):
...     print(e.at, e.kind.value, e.sheet.value if e.sheet else e.tier, e.deadline)
2020-09-29 sheet_issued blue None
2020-10-14 sheet_issued yellow 2020-10-19
2020-10-20 sheet_issued red None
2020-10-20 escalated city 2020-11-03
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from fractions import Fraction
from operator import attrgetter
from typing import Any, Final, NamedTuple, TypeVar, overload

import attrs

from projpush._convert import (
    LabelledEnum,
    instance_arg,
    instances_arg,
    label,
    plain_date_arg,
    positional_calendar,
    to_ratio,
    unchecked,
)
from projpush.errors import (
    CalendarCoverageError,
    InvalidTransition,
    PolicyError,
    ProjpushError,
    UnknownReferenceError,
    ValidationError,
)
from projpush.model import (
    WORKING_STATES,
    Difficulty,
    EventKind,
    Issue,
    IssueEvent,
    IssueState,
    IssueStatus,
    Portfolio,
    SheetColor,
    next_state,
)
from projpush.schedule import (
    WorkingCalendar,
    _provisional_years,
    add_working_days,
    is_provisional,
    resolve_calendar,
    working_days_between,
)

__all__ = [
    "AUTO_ACTOR",
    "AccountabilityEntry",
    "AccountabilityItem",
    "AccountabilityReason",
    "EscalationPolicy",
    "Ladder",
    "MovedDeadline",
    "Overdue",
    "PolicyBook",
    "SheetPolicy",
    "Tier",
    "UnitStats",
    "accountability_list",
    "advance",
    "advance_all",
    "assign",
    "close",
    "declare_beyond_powers",
    "escalate",
    "moved_deadlines",
    "open_by_tier_and_colour",
    "overdue",
    "pause",
    "reject",
    "resolve",
    "resume",
    "start",
    "submit_plan",
    "timeline",
    "unit_stats",
]

AUTO_ACTOR: Final = "督办系统"
"""The actor of every event :func:`advance` adds (the supervision system)."""

_new_event: Final = unchecked(IssueEvent)

_WARNING_TAG: Final = "[warning "
_ACCOUNTABILITY_TAG: Final = "[accountability]"
# Events that open a fresh limit window (a RESUMED deadline only shifts the current one).
_WINDOW_KINDS: Final = frozenset(
    {
        EventKind.ASSIGNED,
        EventKind.PLAN_SUBMITTED,
        EventKind.DEADLINE_SET,
        EventKind.ESCALATED,
        EventKind.SHEET_ISSUED,
    }
)

# --------------------------------------------------------------------------- validators


def _positive(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PolicyError.about(attribute.name, "a whole number of working days >= 1", value)


def _version(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise PolicyError.about(attribute.name, "a version number >= 1", value)


def _text(_instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise PolicyError.about(attribute.name, "a non-empty string", value)


# --------------------------------------------------------------------------- ladders


@attrs.frozen
class Tier:
    """One rung of an escalation ladder: who handles an issue there, and for how long.

    ``limit`` is the number of working days a tier has to solve an issue that
    escalates into it, counted from the day after the escalation. The deadline
    set at *assignment* follows the closed-loop rule of the policy instead
    (``general_days``, or a work plan for a difficult issue), whichever tier
    the issue enters at.

    Raises:
        PolicyError: an empty name or owner, or a limit under one working day.
    """

    name: str = attrs.field(validator=_text)
    owner: str = attrs.field(validator=_text)
    limit: int = attrs.field(validator=_positive)
    zh: str = ""


def _to_tiers(value: Iterable[Tier]) -> tuple[Tier, ...]:
    if isinstance(value, Tier):
        return (value,)
    if not isinstance(value, Iterable):
        raise PolicyError.about("ladder.tiers", "a list of Tier", value)
    return tuple(value)


def _check_tiers(
    _instance: Ladder, _attribute: attrs.Attribute[tuple[Tier, ...]], value: tuple[Tier, ...]
) -> None:
    if not value:
        raise PolicyError.about("ladder.tiers", "at least one tier", value)
    seen: set[str] = set()
    for i, tier in enumerate(value):
        if not isinstance(tier, Tier):
            raise PolicyError.about(f"ladder.tiers[{i}]", "a Tier", tier)
        if tier.name in seen:
            raise PolicyError.about(
                f"ladder.tiers[{i}].name", "a name unique in the ladder", tier.name
            )
        seen.add(tier.name)


@attrs.frozen
class Ladder:
    """An ordered escalation ladder (分级协调/两级督办), lowest tier first.

    Raises:
        PolicyError: no tiers, something else than a :class:`Tier`, or two
            tiers of one name.

    >>> [t.name for t in Ladder.ningbo().tiers]
    ['unit', 'city_office', 'city_leader']
    >>> Ladder(())
    Traceback (most recent call last):
    ...
    projpush.errors.PolicyError: ladder.tiers: expected at least one tier, got ()
    """

    tiers: tuple[Tier, ...] = attrs.field(converter=_to_tiers, validator=_check_tiers)
    name: str = "custom"
    _index: dict[str, int] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_index", {t.name: i for i, t in enumerate(self.tiers)})

    @classmethod
    def dalian(cls) -> Ladder:
        """Dalian's two levels (市、区两级问题解决督办机制): district, then 挂牌督办."""
        return cls(
            (
                Tier("district", "区(市、县)政府", 5, "区市县限时解决"),
                Tier("city", "市政府", 20, "市政府挂牌督办"),
            ),
            "dalian",
        )

    @classmethod
    def ningbo(cls) -> Ladder:
        """Ningbo's three levels (三级协调机制): unit, city office, city leader."""
        return cls(
            (
                Tier("unit", "项目责任单位", 5, "项目责任单位协调落实"),
                Tier("city_office", "市重点办及成员单位", 10, "市重点办及成员单位服务推进"),
                Tier("city_leader", "联系市领导", 10, "市领导联系决策协调"),
            ),
            "ningbo",
        )

    @classmethod
    def binzhou(cls) -> Ladder:
        """Binzhou's headquarters (指挥部): county, then city joint consultation."""
        return cls(
            (
                Tier("county", "县(市、区)指挥部", 5, "县级指挥部属地推进"),
                Tier("city", "市重大项目推进指挥部", 10, "市级集中会商"),
            ),
            "binzhou",
        )

    @classmethod
    def yinzhou(cls) -> Ladder:
        """Yinzhou's two levels: town/street, then the district's leaders."""
        return cls(
            (
                Tier("town", "镇(街道)", 5, "镇(街道)落实"),
                Tier("district", "区领导小组办公室", 10, "区领导包案协调"),
            ),
            "yinzhou",
        )

    @classmethod
    def tonglu(cls) -> Ladder:
        """Tonglu County's four tiers (2014): unit's leader in charge, unit head, county leaders.

        逐级协调: 分管领导 → 责任单位主要负责人 → 联系项目的县领导 → 县主要领导.
        The published rule gives no limits per tier; these are projpush's.
        """
        return cls(
            (
                Tier("unit_deputy", "责任单位分管领导", 5, "责任单位分管领导协调"),
                Tier("unit_head", "责任单位主要负责人", 5, "责任单位主要负责人协调"),
                Tier("county_leader", "联系项目县领导", 10, "联系项目县领导协调"),
                Tier("county_head", "县主要领导", 10, "县主要领导协调"),
            ),
            "tonglu",
        )

    @property
    def entry(self) -> Tier:
        """The lowest tier, where issues start unless assigned higher."""
        return self.tiers[0]

    @property
    def top(self) -> Tier:
        """The highest tier."""
        return self.tiers[-1]

    def index(self, name: str) -> int:
        """Position of the tier called ``name`` (0 is the lowest).

        Raises:
            UnknownReferenceError: no tier has that name.
        """
        try:
            return self._index[name]
        except KeyError:
            names = ", ".join(repr(t.name) for t in self.tiers)
            msg = f"tier: no tier {name!r} in the {self.name} ladder (tiers: {names})"
            raise UnknownReferenceError(
                msg, field="tier", expected=f"one of {names}", got=name
            ) from None

    def tier(self, name: str) -> Tier:
        """The tier called ``name`` (raises :class:`UnknownReferenceError` otherwise)."""
        return self.tiers[self.index(name)]

    def above(self, name: str) -> Tier | None:
        """The tier just above ``name``, or ``None`` at the top."""
        i = self.index(name) + 1
        return self.tiers[i] if i < len(self.tiers) else None


# --------------------------------------------------------------------------- policies


def _to_shares(value: Iterable[Fraction | int | str]) -> tuple[Fraction, ...]:
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise PolicyError.about("warnings", "a list of shares such as (Fraction(1, 2),)", value)
    out: list[Fraction] = []
    for i, v in enumerate(value):
        # The shares' grammar ("1/2", "50%"); "1e999999999" is refused, never computed.
        expected = "a Fraction such as Fraction(1, 2)"
        share = to_ratio(v, f"warnings[{i}]", expected=expected, error=PolicyError)
        # Checked here, not in a validator, so that the error shows the value as given.
        if not 0 < share < 1:
            raise PolicyError.about(f"warnings[{i}]", "a share strictly between 0 and 1", v)
        if out and share <= out[-1]:
            raise PolicyError.about(f"warnings[{i}]", f"> warnings[{i - 1}] ({out[-1]})", v)
        out.append(share)
    return tuple(out)


def _optional_positive(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if value is not None:
        _positive(_instance, attribute, value)


def _at_least_two(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise PolicyError.about(attribute.name, "a count >= 2 (one yellow is not a repeat)", value)


@attrs.frozen
class SheetPolicy:
    """When blue, yellow and red supervision sheets (蓝黄红三色督办单) are issued.

    Attributes:
        blue_days_before: ``None`` issues the blue sheet at assignment
            (Binzhou); a number issues it that many working days before the
            deadline (Suqian: only when the deadline is near).
        renewed_days: the renewed limit a yellow sheet grants, in working days
            counted from the day after the yellow sheet.
        warnings: shares of a limit at which a warning note is recorded
            (help-desk style ``(1/2, 3/4)``); empty for none.
        yellows_for_accountability: yellow sheets against one unit that put
            it on the accountability list ("repeated yellows").

    Raises:
        PolicyError: a count of days under one, a warning that is not a
            share strictly inside (0, 1) above the one before, or fewer than
            two yellows for accountability.
    """

    blue_days_before: int | None = attrs.field(default=None, validator=_optional_positive)
    renewed_days: int = attrs.field(default=3, validator=_positive)
    warnings: tuple[Fraction, ...] = attrs.field(default=(), converter=_to_shares)
    yellows_for_accountability: int = attrs.field(default=2, validator=_at_least_two)

    @classmethod
    def binzhou(cls) -> SheetPolicy:
        """Blue at assignment, yellow with 3 more working days, then red."""
        return cls()

    @classmethod
    def suqian(cls, days_before: int = 2) -> SheetPolicy:
        """Blue only when the deadline is ``days_before`` working days away."""
        return cls(blue_days_before=days_before)

    @classmethod
    def help_desk(cls) -> SheetPolicy:
        """Blue at assignment and warnings at 50 % and 75 % of each limit used."""
        return cls(warnings=(Fraction(1, 2), Fraction(3, 4)))


def _instance_of(cls: type) -> Any:
    """An attrs validator like ``instance_of`` that raises :class:`PolicyError`."""

    def check(_instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, cls):
            raise PolicyError.about(attribute.name, f"a {cls.__name__}", value)

    return check


def _general_days(_instance: object, attribute: attrs.Attribute[int], value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not 3 <= value <= 5:
        raise PolicyError.about(attribute.name, "3 to 5 working days (一般问题3—5个工作日)", value)


@attrs.frozen
class EscalationPolicy:
    """A city's closed-loop rules: ladder, time limits and sheets, under a version.

    An issue records ``key`` (``"name@version"``) when assigned and is always
    judged by that version, even after the policy is revised; keep old
    versions in a :class:`PolicyBook`.

    Raises:
        PolicyError: an empty name or one with ``@``, a ladder or sheet
            policy of another type, a version or ``plan_days`` under one, or
            ``general_days`` outside 3–5.

    >>> p = EscalationPolicy.binzhou()
    >>> p.key, p.general_days, p.plan_days, p.revise(general_days=3).key
    ('binzhou@1', 5, 2, 'binzhou@2')
    """

    name: str = attrs.field(validator=_text)
    ladder: Ladder = attrs.field(validator=_instance_of(Ladder))
    version: int = attrs.field(default=1, validator=_version)
    general_days: int = attrs.field(default=5, validator=_general_days)
    plan_days: int = attrs.field(default=2, validator=_positive)
    sheets: SheetPolicy = attrs.field(factory=SheetPolicy, validator=_instance_of(SheetPolicy))
    key: str = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        if "@" in self.name:
            raise PolicyError.about("name", "a name without '@'", self.name)
        object.__setattr__(self, "key", f"{self.name}@{self.version}")

    @classmethod
    def dalian(cls) -> EscalationPolicy:
        """Dalian: district then city listed supervision (挂牌督办)."""
        return cls("dalian", Ladder.dalian())

    @classmethod
    def ningbo(cls) -> EscalationPolicy:
        """Ningbo: the three-level coordination mechanism (三级协调机制)."""
        return cls("ningbo", Ladder.ningbo())

    @classmethod
    def binzhou(cls) -> EscalationPolicy:
        """Binzhou: county HQ then city HQ, 3–5 working days, 蓝黄红 sheets."""
        return cls("binzhou", Ladder.binzhou(), sheets=SheetPolicy.binzhou())

    @classmethod
    def yinzhou(cls) -> EscalationPolicy:
        """Yinzhou: town/street then district, problems closed off by 销号."""
        return cls("yinzhou", Ladder.yinzhou())

    @classmethod
    def tonglu(cls) -> EscalationPolicy:
        """Tonglu County (2014): four-tier coordination, unit to the county's top leader."""
        return cls("tonglu", Ladder.tonglu())

    def revise(self, **changes: Any) -> EscalationPolicy:
        """This policy edited, under the next version number.

        Raises:
            PolicyError: a change names no field of the policy, or makes it
                inconsistent (see the class).
        """
        fields = [f.name for f in attrs.fields(EscalationPolicy) if f.init and f.name != "version"]
        for name, value in changes.items():
            if name not in fields:
                raise PolicyError.about(
                    name, f"a field of EscalationPolicy ({', '.join(fields)})", value
                )
        return attrs.evolve(self, version=self.version + 1, **changes)


def _to_policies(value: Iterable[EscalationPolicy]) -> tuple[EscalationPolicy, ...]:
    if isinstance(value, EscalationPolicy):
        return (value,)
    if not isinstance(value, Iterable):
        raise PolicyError.about("policies", "a list of EscalationPolicy", value)
    return tuple(value)


@attrs.frozen
class PolicyBook:
    """Every version of the policies in force, so old issues keep their rules.

    >>> v1 = EscalationPolicy.binzhou()
    >>> book = PolicyBook((v1, v1.revise(general_days=3)))
    >>> book.get("binzhou@2").general_days, book.latest("binzhou").version
    (3, 2)

    Raises:
        PolicyError: an entry is not an :class:`EscalationPolicy`, or two
            share one ``name@version``.
    """

    policies: tuple[EscalationPolicy, ...] = attrs.field(converter=_to_policies)
    _index: dict[str, EscalationPolicy] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        index: dict[str, EscalationPolicy] = {}
        for i, p in enumerate(self.policies):
            if not isinstance(p, EscalationPolicy):
                raise PolicyError.about(f"policies[{i}]", "an EscalationPolicy", p)
            if p.key in index:
                raise PolicyError.about(f"policies[{i}].key", "a unique name@version", p.key)
            index[p.key] = p
        object.__setattr__(self, "_index", index)

    def get(self, key: str) -> EscalationPolicy:
        """The policy version ``key`` (``"name@version"``).

        Raises:
            UnknownReferenceError: the book does not hold that version.
        """
        try:
            return self._index[key]
        except KeyError:
            held = ", ".join(sorted(self._index)) or "none"
            msg = f"policy: no policy version {key!r} in the book (holds {held})"
            raise UnknownReferenceError(
                msg, field="policy", expected=f"one of {held}", got=key
            ) from None

    def latest(self, name: str) -> EscalationPolicy:
        """The highest version of the policy called ``name``.

        Raises:
            UnknownReferenceError: the book holds no policy of that name.
        """
        versions = [p for p in self.policies if p.name == name]
        if not versions:
            msg = f"policy: no policy called {name!r} in the book"
            raise UnknownReferenceError(msg, field="policy", expected="a known name", got=name)
        return max(versions, key=lambda p: p.version)


def _policy_for(issue: Issue, policy: EscalationPolicy | PolicyBook) -> EscalationPolicy:
    """The policy version ``issue`` was assigned under."""
    return _policy_of(issue.id, issue.status.policy, policy)


def _policy_of(
    issue_id: str, key: str | None, policy: EscalationPolicy | PolicyBook
) -> EscalationPolicy:
    """The policy version ``key`` that the issue ``issue_id`` records, from ``policy``."""
    if isinstance(policy, EscalationPolicy):
        if key is None or key == policy.key:
            return policy
        msg = (
            f"issue {issue_id!r}: assigned under policy {key!r}, but {policy.key!r} was "
            f"given; pass a PolicyBook that holds {key!r}"
        )
        raise UnknownReferenceError(msg, field="policy", expected=key, got=policy.key)
    if not isinstance(policy, PolicyBook):
        raise PolicyError.about("policy", "an EscalationPolicy or a PolicyBook", policy)
    if key is None:
        msg = f"issue {issue_id!r}: no policy version recorded; assign it with assign()"
        raise UnknownReferenceError(msg, field="policy", expected="a recorded policy", got=None)
    try:
        return policy.get(key)
    except UnknownReferenceError as error:
        raise _within(error, f"issue {issue_id!r}") from None


# --------------------------------------------------------------------------- transitions


_E = TypeVar("_E", bound=ProjpushError)


def _within(error: _E, where: str) -> _E:
    """``error`` again, its message prefixed with ``where``, its field/expected/got kept."""
    return type(error)(
        f"{where}: {error}", field=error.field, expected=error.expected, got=error.got
    )


def _step(issue: Issue, kind: EventKind, on: dt.date, by: str, **payload: Any) -> Issue:
    """``issue.step`` with the issue named in any error."""
    if type(issue) is not Issue:
        instance_arg(issue, Issue, "issue")
    try:
        return issue.step(kind, on, by, **payload)
    except InvalidTransition as error:
        raise _within(error, f"issue {issue.id!r}") from None


def _add(calendar: WorkingCalendar, issue_id: str, start: dt.date, n: int, what: str) -> dt.date:
    """``add_working_days`` with the issue and the date being computed named in any error."""
    try:
        return add_working_days(start, n, calendar=calendar)
    except CalendarCoverageError as error:
        raise _within(error, f"issue {issue_id!r}: {what}") from None


def _between(
    calendar: WorkingCalendar, issue_id: str, start: dt.date, end: dt.date, what: str
) -> int:
    """``working_days_between`` with the issue and the count being made named in any error."""
    try:
        return working_days_between(start, end, calendar=calendar)
    except CalendarCoverageError as error:
        raise _within(error, f"issue {issue_id!r}: {what}") from None


def assign(
    issue: Issue,
    on: dt.date,
    policy: EscalationPolicy,
    *,
    by: str,
    tier: str | None = None,
    owner: str | None = None,
    days: int | None = None,
    calendar: WorkingCalendar | None = None,
) -> Issue:
    """Assign (交办) a collected issue to a tier and unit, with its deadline.

    A general issue gets ``days`` working days (default the policy's
    ``general_days``, 3–5); a difficult one gets ``plan_days`` to submit a
    work plan, and then the plan's own date. The first working day after
    ``on`` is day 1. The issue records the policy version for good.

    Raises:
        UnknownReferenceError: ``tier`` is not on the policy's ladder.
        ValidationError: ``on`` is not a date, or ``days`` lies outside 3–5 or
            is given for a difficult issue.
        CalendarCoverageError: the deadline falls in a year the calendar lacks.
        InvalidTransition: the issue is not freshly collected.
        PolicyError: ``policy`` is not an :class:`EscalationPolicy`.

    >>> from projpush.model import Issue
    >>> q = Issue.collect("Q-1", "P-1", category="utilities", title="双回路供电",
    ...     on=dt.date(2020, 9, 28), by="服务秘书")
    >>> q = assign(q, dt.date(2020, 9, 29), EscalationPolicy.dalian(), by="市发改委")
    >>> q.tier, q.owner, q.deadline, q.status.policy
    ('district', '区(市、县)政府', datetime.date(2020, 10, 13), 'dalian@1')
    """
    plain_date_arg(on, "on")
    if not isinstance(policy, EscalationPolicy):
        raise PolicyError.about("policy", "an EscalationPolicy", policy)
    ladder = policy.ladder
    entry = ladder.entry if tier is None else ladder.tier(tier)
    cal = resolve_calendar(calendar)
    if issue.difficulty is Difficulty.DIFFICULT:
        if days is not None:
            raise ValidationError.about(
                "days", "None for a difficult issue (it gets a work plan)", days
            )
        n = policy.plan_days
        note = f"difficult issue: work plan within {n} working days"
    else:
        n = policy.general_days if days is None else days
        if isinstance(n, bool) or not isinstance(n, int) or not 3 <= n <= 5:
            raise ValidationError.about("days", "3 to 5 working days", n)
        note = f"general issue: {n} working days"
    deadline = _add(cal, issue.id, on, n, "assignment deadline")
    return _step(
        issue,
        EventKind.ASSIGNED,
        on,
        by,
        tier=entry.name,
        owner=owner or entry.owner,
        deadline=deadline,
        policy=policy.key,
        note=f"{note}, due {deadline}",
    )


def start(issue: Issue, on: dt.date, *, by: str) -> Issue:
    """Record that the owner unit started work (开始办理).

    Raises:
        InvalidTransition: the issue is not assigned.
        ValidationError: ``on`` is not a date.

    >>> from projpush.model import Issue
    >>> q = Issue.collect("Q-1", "P-1", category="land", title="t",
    ...     on=dt.date(2020, 9, 28), by="s")
    >>> start(q, dt.date(2020, 9, 29), by="u")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    projpush.errors.InvalidTransition: issue 'Q-1': cannot start an issue that is collected; ...
    """
    plain_date_arg(on, "on")
    return _step(issue, EventKind.STARTED, on, by)


def submit_plan(issue: Issue, on: dt.date, plan_date: dt.date, *, by: str) -> Issue:
    """Record a difficult issue's work plan (办理方案); its date becomes the deadline.

    Only difficult issues get a plan, and only one: a second plan would
    quietly extend the limit.

    Raises:
        InvalidTransition: the issue is general, already has a plan, or is not being handled.
        ValidationError: ``on`` or ``plan_date`` is not a date, or
            ``plan_date`` is not after ``on``.
    """
    plain_date_arg(on, "on")
    plain_date_arg(plan_date, "plan_date")
    if issue.difficulty is not Difficulty.DIFFICULT:
        msg = f"issue {issue.id!r}: a work plan is for difficult issues; this one is general"
        raise InvalidTransition(msg, field="difficulty", expected="difficult", got="general")
    if any(e.kind is EventKind.PLAN_SUBMITTED for e in issue.events):
        msg = f"issue {issue.id!r}: a work plan was already submitted; plans are not renewed"
        raise InvalidTransition(
            msg, field="kind", expected="one plan per issue", got="plan_submitted"
        )
    if plan_date <= on:
        raise ValidationError.about("plan_date", f"a date after {on}", plan_date)
    return _step(
        issue,
        EventKind.PLAN_SUBMITTED,
        on,
        by,
        deadline=plan_date,
        note=f"work plan: resolve by {plan_date}",
    )


def _escalation(issue: Issue, policy: EscalationPolicy) -> tuple[str, Tier]:
    """The current tier and the one above it, or raise if the issue cannot climb."""
    current = issue.tier
    if current is None:
        msg = f"issue {issue.id!r}: cannot escalate an issue that has no tier yet; assign it first"
        raise InvalidTransition(msg, field="tier", expected="an assigned issue", got=None)
    nxt = policy.ladder.above(current)
    if nxt is None:
        msg = (
            f"issue {issue.id!r}: already at the top tier {current!r} of the "
            f"{policy.ladder.name} ladder; it stays there until resolved"
        )
        raise InvalidTransition(msg, field="tier", expected="a tier below the top", got=current)
    return current, nxt


def escalate(
    issue: Issue,
    on: dt.date,
    policy: EscalationPolicy | PolicyBook,
    *,
    by: str,
    reason: str,
    calendar: WorkingCalendar | None = None,
) -> Issue:
    """Escalate (提级) an issue exactly one tier up, with that tier's limit.

    Tiers are never skipped: to climb two, escalate twice, and the history
    shows both steps.

    Raises:
        InvalidTransition: unassigned, already at the top, or not open for escalation.
        UnknownReferenceError: the issue's policy version is not the one given
            or not in the book.
        PolicyError: ``policy`` is neither an :class:`EscalationPolicy` nor a
            :class:`PolicyBook`.
        CalendarCoverageError: the new deadline falls in a year the calendar lacks.
        ValidationError: ``on`` is not a date.
    """
    plain_date_arg(on, "on")
    instance_arg(issue, Issue, "issue")
    p = _policy_for(issue, policy)
    current, nxt = _escalation(issue, p)
    deadline = _add(resolve_calendar(calendar), issue.id, on, nxt.limit, "escalation deadline")
    return _step(
        issue,
        EventKind.ESCALATED,
        on,
        by,
        tier=nxt.name,
        owner=nxt.owner,
        deadline=deadline,
        note=f"escalated from {current} to {nxt.name}: {reason}",
    )


def declare_beyond_powers(
    issue: Issue,
    on: dt.date,
    policy: EscalationPolicy | PolicyBook,
    *,
    by: str,
    reason: str,
    calendar: WorkingCalendar | None = None,
) -> Issue:
    """The current tier declares the issue beyond its powers: escalate at once.

    Dalian: problems that need the city to coordinate are reported and the
    city government lists them for supervision (挂牌督办).

    Raises:
        ValidationError: ``on`` is not a date; otherwise as :func:`escalate`.

    >>> from projpush.model import Issue
    >>> p = EscalationPolicy.dalian()
    >>> q = Issue.collect("Q-2", "P-1", category="land", title="林地调规",
    ...     on=dt.date(2018, 5, 2), by="服务秘书")
    >>> q = assign(q, dt.date(2018, 5, 2), p, by="市发改委", owner="中山区")
    >>> q = declare_beyond_powers(q, dt.date(2018, 5, 3), p, by="中山区",
    ...     reason="林地调规需省级审批")
    >>> q.tier, q.owner, q.deadline
    ('city', '市政府', datetime.date(2018, 5, 31))
    """
    instance_arg(issue, Issue, "issue")
    current = issue.tier
    return escalate(
        issue,
        on,
        policy,
        by=by,
        reason=f"beyond the powers of {current}: {reason}",
        calendar=calendar,
    )


def pause(issue: Issue, on: dt.date, party: str, *, by: str) -> Issue:
    """Stop the clock while the issue waits on ``party``, outside the ladder (暂停计时).

    Raises:
        InvalidTransition: the issue is not being handled.
        ValidationError: ``on`` is not a date, or ``party`` is empty.
    """
    plain_date_arg(on, "on")
    return _step(issue, EventKind.PAUSED, on, by, party=party, note=f"waiting on {party}")


def resume(issue: Issue, on: dt.date, *, by: str, calendar: WorkingCalendar | None = None) -> Issue:
    """Restart the clock; the deadline moves by the working days spent paused.

    The working days left at the pause (the pause day itself counts as
    used) are granted again from the day after ``on``. A deadline already
    missed when the issue was paused stays missed.

    Raises:
        InvalidTransition: the issue is not paused.
        CalendarCoverageError: the moved deadline falls in a year the calendar lacks.
        ValidationError: ``on`` is not a date.

    >>> from projpush.model import Issue
    >>> q = Issue.collect("Q-3", "P-1", category="approval", title="省级审批",
    ...     on=dt.date(2020, 9, 1), by="s")
    >>> q = assign(q, dt.date(2020, 9, 1), EscalationPolicy.ningbo(), by="市重点办")
    >>> q.deadline
    datetime.date(2020, 9, 8)
    >>> q = pause(q, dt.date(2020, 9, 3), "省发改委", by="市重点办")
    >>> resume(q, dt.date(2020, 9, 14), by="市重点办").deadline
    datetime.date(2020, 9, 17)
    """
    plain_date_arg(on, "on")
    instance_arg(issue, Issue, "issue")
    paused_on = next((e.at for e in reversed(issue.events) if e.kind is EventKind.PAUSED), None)
    deadline = issue.deadline
    if issue.state is not IssueState.PAUSED or paused_on is None or deadline is None:
        return _step(issue, EventKind.RESUMED, on, by)  # raises with the state named
    cal = resolve_calendar(calendar)
    left = _between(cal, issue.id, paused_on, deadline, "resumed deadline")
    if left > 0:
        new = _add(cal, issue.id, on, left, "resumed deadline")
        note = f"paused {paused_on}–{on}; {left} working days left, due {new}"
    else:
        new = deadline
        note = f"paused {paused_on}–{on} after the deadline {deadline}; it stays missed"
    return _step(issue, EventKind.RESUMED, on, by, deadline=new, note=note)


def resolve(issue: Issue, on: dt.date, *, by: str, note: str = "") -> Issue:
    """The owner unit reports the issue solved (办结); it awaits verification.

    Raises:
        InvalidTransition: the issue is not being handled.
        ValidationError: ``on`` is not a date.

    >>> from projpush.model import Issue
    >>> q = Issue.collect("Q-1", "P-1", category="land", title="t",
    ...     on=dt.date(2020, 9, 28), by="s")
    >>> q = assign(q, dt.date(2020, 9, 29), EscalationPolicy.yinzhou(), by="区办")
    >>> q = close(resolve(q, dt.date(2020, 10, 9), by="镇(街道)"), dt.date(2020, 10, 10), by="区办")
    >>> q.state.value, q.closed_on
    ('closed', datetime.date(2020, 10, 10))
    """
    plain_date_arg(on, "on")
    return _step(issue, EventKind.RESOLVED, on, by, note=note)


def reject(issue: Issue, on: dt.date, *, by: str, reason: str) -> Issue:
    """Verification failed (核验未通过): back to work; the deadline in force stands.

    Raises:
        InvalidTransition: the issue is not resolved (awaiting verification).
        ValidationError: ``on`` is not a date.
    """
    plain_date_arg(on, "on")
    return _step(issue, EventKind.REJECTED, on, by, note=reason)


def close(issue: Issue, on: dt.date, *, by: str) -> Issue:
    """Verify the resolution and close the issue off the list (销号).

    Raises:
        InvalidTransition: the issue is not resolved (awaiting verification).
        ValidationError: ``on`` is not a date.
    """
    plain_date_arg(on, "on")
    return _step(issue, EventKind.CLOSED, on, by)


# --------------------------------------------------------------------------- advance


class _Window(NamedTuple):
    """The current limit window: where it began, its deadline, what it already recorded.

    ``length`` is the window in working days, counted once when the window
    opens, and only if the policy records warnings (nothing else needs it).
    """

    start: dt.date
    deadline: dt.date
    length: int | None
    warned: frozenset[Fraction]
    accounted: bool


_NO_SHARES: Final[frozenset[Fraction]] = frozenset()
_NOTE: Final = EventKind.NOTE


def _mark(e: IssueEvent) -> Fraction | bool | None:
    """What an automatic note records in its window.

    A warning's share, True for the accountability note, None for any other event.
    """
    if e.kind is not EventKind.NOTE or e.actor != AUTO_ACTOR:
        return None
    if e.note.startswith(_WARNING_TAG):
        return _warning_share(e.note)
    return True if _is_accountability_note(e) else None


def _warning_share(note: str) -> Fraction | None:
    """The share a warning note records (``[warning 1/2] ...``), or None if it names none.

    A note that only looks like a warning (no closing bracket, no number in
    it) records nothing: it is not one :func:`advance` wrote.

    >>> _warning_share("[warning 3/4] 75% of the limit used"), _warning_share("[warning x]")
    (Fraction(3, 4), None)
    """
    end = note.find("]")
    if not note.startswith(_WARNING_TAG) or end < 0:
        return None
    try:
        return Fraction(note[len(_WARNING_TAG) : end])
    except (ValueError, ZeroDivisionError):
        return None


def _is_accountability_note(e: IssueEvent) -> bool:
    """Whether ``e`` is the note that puts an issue unresolved at the top on the list."""
    return e.kind is _NOTE and e.actor == AUTO_ACTOR and e.note.startswith(_ACCOUNTABILITY_TAG)


def _opens(e: IssueEvent) -> bool:
    """Whether ``e`` opens a fresh limit window."""
    return e.deadline is not None and e.kind in _WINDOW_KINDS


def _opened(
    e: IssueEvent,
    sheets: SheetPolicy,
    cal: WorkingCalendar,
    issue_id: str,
    warned: frozenset[Fraction] = _NO_SHARES,
    *,
    accounted: bool = False,
) -> _Window:
    """The window ``e`` opens, with what was recorded in it since (nothing, when just added)."""
    deadline = e.deadline
    assert deadline is not None  # noqa: S101 (only called when _opens(e))
    length = _between(cal, issue_id, e.at, deadline, "limit window") if sheets.warnings else None
    return _Window(e.at, deadline, length, warned, accounted)


def _window(
    events: tuple[IssueEvent, ...], sheets: SheetPolicy, cal: WorkingCalendar, issue_id: str
) -> _Window | None:
    """The current limit window, and the warnings and accountability already recorded in it."""
    warned: set[Fraction] = set()
    accounted = False
    for e in reversed(events):
        if _opens(e):
            shares = frozenset(warned) if warned else _NO_SHARES
            return _opened(e, sheets, cal, issue_id, shares, accounted=accounted)
        mark = _mark(e)
        if mark is True:
            accounted = True
        elif isinstance(mark, Fraction):
            warned.add(mark)
    return None


def _recorded(
    win: _Window, e: IssueEvent, sheets: SheetPolicy, cal: WorkingCalendar, issue_id: str
) -> _Window:
    """The window once ``e``, just added after ``win``, is taken into account."""
    if _opens(e):
        return _opened(e, sheets, cal, issue_id)
    mark = _mark(e)
    if mark is True:
        return _Window(win.start, win.deadline, win.length, win.warned, accounted=True)
    if isinstance(mark, Fraction):
        return _Window(win.start, win.deadline, win.length, win.warned | {mark}, win.accounted)
    return win


# Ranks break ties between due points on the same day: blue, warnings, breach.
_BLUE, _WARN, _BREACH = 0, 1, 2


def _next_due(
    status: IssueStatus,
    win: _Window,
    policy: EscalationPolicy,
    cal: WorkingCalendar,
    issue_id: str,
) -> tuple[dt.date, int, Fraction | None] | None:
    """The next automatic step (date, rank, share) if nothing is done, or None."""
    deadline = status.deadline
    if not status.state.is_working or deadline is None:
        return None
    sheets = policy.sheets
    candidates: list[tuple[dt.date, int, Fraction | None]] = []
    if status.sheet is None:
        if sheets.blue_days_before is None:
            at = win.start
        else:
            at = _add(cal, issue_id, deadline, -sheets.blue_days_before, "blue sheet date")
        candidates.append((at, _BLUE, None))
    if sheets.warnings:
        warning = _next_warning(win, deadline, sheets.warnings, cal, issue_id)
        if warning is not None:
            candidates.append(warning)
    if not win.accounted:
        candidates.append((_add(cal, issue_id, deadline, 1, "breach date"), _BREACH, None))
    return min(candidates, key=lambda c: c[:2], default=None)


def _next_warning(
    win: _Window,
    deadline: dt.date,
    shares: tuple[Fraction, ...],
    cal: WorkingCalendar,
    issue_id: str,
) -> tuple[dt.date, int, Fraction | None] | None:
    """The first warning of the window not yet recorded, counted back from the deadline."""
    # Counting back from the (possibly pause-shifted) deadline keeps paused days out.
    length = win.length
    if length is None or length < 1:
        return None
    for share in shares:
        if share not in win.warned:
            back = length - math.ceil(share * length)
            at = _add(cal, issue_id, deadline, -back, "warning date") if back > 0 else deadline
            return (at, _WARN, share)
    return None


def _due_event(
    due: tuple[dt.date, int, Fraction | None],
    on: dt.date,
    status: IssueStatus,
    *,
    policy: EscalationPolicy,
    cal: WorkingCalendar,
    issue_id: str,
) -> tuple[EventKind, dict[str, Any]]:
    """The event a due point becomes when recorded on ``on``."""
    _, rank, share = due
    deadline = status.deadline
    tier = status.tier
    where = f"{tier} ({status.owner})"
    if rank == _BLUE:
        note = f"blue sheet: within the limit, due {deadline} at {where}"
        return EventKind.SHEET_ISSUED, {"sheet": SheetColor.BLUE, "note": note}
    if rank == _WARN:
        pct = round(share * 100) if share is not None else "?"
        note = f"{_WARNING_TAG}{share}] {pct}% of the limit used; due {deadline} at {where}"
        return EventKind.NOTE, {"note": note}
    sheet = status.sheet
    if sheet is None or sheet is SheetColor.BLUE:
        renewed = _add(cal, issue_id, on, policy.sheets.renewed_days, "renewed deadline")
        note = (
            f"deadline {deadline} missed at {where}; yellow sheet, renewed limit "
            f"{policy.sheets.renewed_days} working days to {renewed}"
        )
        return EventKind.SHEET_ISSUED, {
            "sheet": SheetColor.YELLOW,
            "deadline": renewed,
            "note": note,
        }
    if sheet is SheetColor.YELLOW:
        note = f"renewed limit {deadline} missed at {where}; red sheet: notice and accountability"
        return EventKind.SHEET_ISSUED, {"sheet": SheetColor.RED, "note": note}
    assert tier is not None  # noqa: S101 (a working issue always has a tier)
    nxt = policy.ladder.above(tier)
    if nxt is None:
        note = (
            f"{_ACCOUNTABILITY_TAG} limit {deadline} missed at the top tier {where}; "
            "stays red, on the accountability list"
        )
        return EventKind.NOTE, {"note": note}
    new = _add(cal, issue_id, on, nxt.limit, "escalation deadline")
    label = f"{nxt.owner}, {nxt.zh}" if nxt.zh else nxt.owner
    note = (
        f"limit {deadline} missed at {where}; escalated to {nxt.name} ({label}), "
        f"{nxt.limit} working days to {new}"
    )
    return EventKind.ESCALATED, {
        "tier": nxt.name,
        "owner": nxt.owner,
        "deadline": new,
        "note": note,
    }


@overload
def advance(
    issue: Issue,
    as_of: dt.date,
    policy: EscalationPolicy | PolicyBook,
    *,
    calendar: WorkingCalendar | None = None,
) -> Issue: ...
@overload
def advance(
    issue: Issue,
    as_of: dt.date,
    policy: EscalationPolicy | PolicyBook,
    calendar: WorkingCalendar | None,
    /,
) -> Issue: ...
def advance(
    issue: Issue,
    as_of: dt.date,
    policy: EscalationPolicy | PolicyBook,
    *old: WorkingCalendar | None,
    calendar: WorkingCalendar | None = None,
) -> Issue:
    """Bring an issue up to date at ``as_of``: every sheet and escalation now due.

    Each step is its own dated event by :data:`AUTO_ACTOR`, with its reason,
    in time order: the blue sheet; warnings at shares of the limit; on a
    missed deadline a yellow sheet with a renewed limit; on a missed renewed
    limit a red sheet and escalation one tier up; on each further miss the
    next tier; at the top tier a note that puts the issue on the
    accountability list. A step that fell due before the issue's latest
    event (say, while it awaited verification) is recorded on that event's
    date, since time never goes backwards within an issue.

    The result depends only on the issue's history, ``as_of``, the policy
    version the issue was assigned under, and the calendar. Advancing twice
    to the same day adds nothing; advancing through intermediate days gives
    the same issue as advancing at once. Paused, resolved and closed issues
    are left as they are.

    Args:
        issue: the issue.
        as_of: the day to bring it up to.
        policy: the policy it was assigned under, or a book of versions.
        *old: deprecated: the calendar passed fourth, positionally, as before
            0.2; it still works and warns (``DeprecationWarning``).
        calendar: working days; the China official calendar by default.

    Raises:
        UnknownReferenceError: the recorded policy version or tier is unknown.
        CalendarCoverageError: a date falls in a year the calendar lacks.
        PolicyError: ``policy`` is neither an :class:`EscalationPolicy` nor a
            :class:`PolicyBook`.
        ValidationError: ``as_of`` is not a date.

    >>> from projpush.model import Issue
    >>> p = EscalationPolicy.binzhou()
    >>> q = Issue.collect("Q-1", "P-1", category="funds", title="t",
    ...     on=dt.date(2020, 9, 28), by="s")
    >>> q = assign(q, dt.date(2020, 9, 29), p, by="市指挥部办公室")
    >>> q = advance(q, dt.date(2020, 10, 14), p)
    >>> q.sheet, q.deadline
    (<SheetColor.YELLOW: 'yellow'>, datetime.date(2020, 10, 19))
    >>> advance(q, dt.date(2020, 10, 14), p) == q
    True
    """
    if old:
        calendar = positional_calendar("advance", old, calendar)
    if type(as_of) is not dt.date:  # checked inline: a province's run calls this 300,000 times
        plain_date_arg(as_of, "as_of")
    if type(issue) is not Issue:
        instance_arg(issue, Issue, "issue")
    status = issue.status
    # A set look-up, not the is_working property: most issues are closed, paused or resolved.
    if status.state not in WORKING_STATES or as_of < status.updated or status.deadline is None:
        return issue
    p = _policy_for(issue, policy)
    tier = status.tier
    if tier is None or tier not in p.ladder._index:  # noqa: SLF001 (hot path)
        p.ladder.index(str(tier))  # raises, naming the ladder's tiers
    # With a sheet issued and no warnings only the breach can fall due: not before the
    # deadline passes, and never once the top tier's accountability note closed the window.
    if (
        status.sheet is not None
        and not p.sheets.warnings
        and (as_of <= status.deadline or _is_accountability_note(issue.events[-1]))
    ):
        return issue
    cal = resolve_calendar(calendar)
    # Found once by scanning back, then carried along as events are added.
    win = _window(issue.events, p.sheets, cal, issue.id)
    while win is not None:
        due = _next_due(status, win, p, cal, issue.id)
        if due is None:
            break
        on = max(due[0], status.updated)
        if on > as_of:
            break
        kind, payload = _due_event(due, on, status, policy=p, cal=cal, issue_id=issue.id)
        target = next_state(status, kind)
        # Every value here comes from the checked issue and policy: no converters needed.
        event = _new_event(on, kind, AUTO_ACTOR, status.state, target, **payload)
        # extend folds the event into the status (apply_event) once; folding it here
        # as well and extending at the end did that work twice per event.
        issue = issue.extend((event,))
        status = issue.status
        win = _recorded(win, event, p.sheets, cal, issue.id)
    return issue


@overload
def advance_all(
    issues: Iterable[Issue],
    as_of: dt.date,
    policy: EscalationPolicy | PolicyBook,
    *,
    calendar: WorkingCalendar | None = None,
) -> tuple[Issue, ...]: ...
@overload
def advance_all(
    issues: Iterable[Issue],
    as_of: dt.date,
    policy: EscalationPolicy | PolicyBook,
    calendar: WorkingCalendar | None,
    /,
) -> tuple[Issue, ...]: ...
def advance_all(
    issues: Iterable[Issue],
    as_of: dt.date,
    policy: EscalationPolicy | PolicyBook,
    *old: WorkingCalendar | None,
    calendar: WorkingCalendar | None = None,
) -> tuple[Issue, ...]:
    """:func:`advance` every issue of a problem list to ``as_of``.

    ``calendar`` is a keyword, as in :func:`advance`; passed fourth,
    positionally, as before 0.2, it still works and warns
    (``DeprecationWarning``).

    Raises:
        ValidationError: ``as_of`` is not a date.
        UnknownReferenceError, CalendarCoverageError, PolicyError: as
            :func:`advance`, for the first issue that raises.
    """
    if old:
        calendar = positional_calendar("advance_all", old, calendar)
    plain_date_arg(as_of, "as_of")
    cal = resolve_calendar(calendar)
    return tuple(
        advance(q, as_of, policy, calendar=cal) for q in instances_arg(issues, Issue, "issues")
    )


@overload
def timeline(
    issue: Issue,
    policy: EscalationPolicy | PolicyBook,
    until: dt.date,
    *,
    calendar: WorkingCalendar | None = None,
) -> tuple[IssueEvent, ...]: ...
@overload
def timeline(
    issue: Issue,
    policy: EscalationPolicy | PolicyBook,
    until: dt.date,
    calendar: WorkingCalendar | None,
    /,
) -> tuple[IssueEvent, ...]: ...
def timeline(
    issue: Issue,
    policy: EscalationPolicy | PolicyBook,
    until: dt.date,
    *old: WorkingCalendar | None,
    calendar: WorkingCalendar | None = None,
) -> tuple[IssueEvent, ...]:
    """The dated sheets and escalations ahead, up to ``until``, if nothing is done.

    This is what a dashboard shows as "turns yellow on …, red on …".
    ``calendar`` is a keyword, as in :func:`advance`; passed fourth,
    positionally, as before 0.2, it still works and warns
    (``DeprecationWarning``).

    Raises:
        ValidationError: ``until`` is not a date; otherwise as :func:`advance`.

    >>> from projpush.model import Issue
    >>> p = EscalationPolicy.ningbo()
    >>> q = Issue.collect("Q-1", "P-1", category="land", title="t",
    ...     on=dt.date(2020, 9, 28), by="s")
    >>> q = assign(q, dt.date(2020, 9, 29), p, by="市重点办")
    >>> [(e.at.isoformat(), e.kind.value, e.sheet and e.sheet.value, e.tier)
    ...  for e in timeline(q, p, dt.date(2020, 10, 31))]  # doctest: +NORMALIZE_WHITESPACE
    [('2020-09-29', 'sheet_issued', 'blue', None),
     ('2020-10-14', 'sheet_issued', 'yellow', None),
     ('2020-10-20', 'sheet_issued', 'red', None),
     ('2020-10-20', 'escalated', None, 'city_office')]
    """
    if old:
        calendar = positional_calendar("timeline", old, calendar)
    plain_date_arg(until, "until")
    return advance(issue, until, policy, calendar=calendar).events[len(issue.events) :]


# --------------------------------------------------------------------------- views


def _issues(issues: Iterable[Issue] | Portfolio) -> Iterable[Issue]:
    """The issues of a portfolio, or ``issues`` checked to be issues."""
    if isinstance(issues, Portfolio):
        return issues.issues
    return instances_arg(issues, Issue, "issues")


def open_by_tier_and_colour(
    issues: Iterable[Issue] | Portfolio,
) -> dict[tuple[str | None, SheetColor | None], tuple[str, ...]]:
    """Open issue ids grouped by (tier, sheet colour), least severe colour first.

    Call :func:`advance` first so that colours are current.

    >>> from projpush.model import Issue
    >>> p = EscalationPolicy.binzhou()
    >>> q = Issue.collect("Q-1", "P-1", category="land", title="t",
    ...     on=dt.date(2020, 9, 28), by="s")
    >>> q = advance(assign(q, dt.date(2020, 9, 29), p, by="o"), dt.date(2020, 10, 21), p)
    >>> open_by_tier_and_colour([q])
    {('city', <SheetColor.RED: 'red'>): ('Q-1',)}
    """
    groups: dict[tuple[str | None, SheetColor | None], list[str]] = {}
    for q in _issues(issues):
        if q.is_open:
            groups.setdefault((q.tier, q.sheet), []).append(q.id)

    def order(key: tuple[str | None, SheetColor | None]) -> tuple[str, int]:
        return (key[0] or "", -1 if key[1] is None else key[1].severity)

    return {k: tuple(groups[k]) for k in sorted(groups, key=order)}


# Sort keys of the views below (an overdue issue, an accountability item).
_ISSUE: Final = attrgetter("issue")
_CALENDAR_DAYS: Final = attrgetter("calendar_days")
_WORKING_DAYS: Final = attrgetter("working_days")
_DAY: Final = attrgetter("on")
_REASON: Final = attrgetter("reason")
_COUNTED_KINDS: Final = frozenset({EventKind.SHEET_ISSUED, EventKind.ESCALATED, EventKind.NOTE})
"""The kinds of event that can put a unit on the accountability list."""


@attrs.frozen
class Overdue:
    """An open issue past its deadline, with how far past in calendar and working days.

    ``provisional``: the deadline or the working days counted since lie in
    a year the calendar holds provisionally
    (:meth:`~projpush.schedule.HolidayCalendar.with_provisional_year`), so
    either may change when that year's holiday notice arrives.
    """

    issue: str
    tier: str | None
    owner: str | None
    deadline: dt.date
    sheet: SheetColor | None
    calendar_days: int
    working_days: int
    provisional: bool = False


@overload
def overdue(
    issues: Iterable[Issue] | Portfolio,
    as_of: dt.date,
    *,
    calendar: WorkingCalendar | None = None,
) -> tuple[Overdue, ...]: ...
@overload
def overdue(
    issues: Iterable[Issue] | Portfolio,
    as_of: dt.date,
    calendar: WorkingCalendar | None,
    /,
) -> tuple[Overdue, ...]: ...
def overdue(
    issues: Iterable[Issue] | Portfolio,
    as_of: dt.date,
    *old: WorkingCalendar | None,
    calendar: WorkingCalendar | None = None,
) -> tuple[Overdue, ...]:
    """Issues being handled whose deadline is before ``as_of``, most overdue first.

    Paused issues (clock stopped) and resolved ones awaiting verification
    are not overdue. ``calendar`` is a keyword; passed third, positionally,
    as before 0.2, it still works and warns (``DeprecationWarning``).

    Raises:
        CalendarCoverageError: a deadline or ``as_of`` lies in a year the
            calendar lacks.
        ValidationError: ``as_of`` is not a date.

    >>> from projpush.model import Issue
    >>> p = EscalationPolicy.binzhou()
    >>> q = Issue.collect("Q-1", "P-1", category="land", title="t",
    ...     on=dt.date(2020, 9, 28), by="s")
    >>> q = assign(q, dt.date(2020, 9, 29), p, by="o", owner="滨城区")
    >>> [(o.calendar_days, o.working_days) for o in overdue([q], dt.date(2020, 10, 19))]
    [(6, 4)]
    """
    if old:
        calendar = positional_calendar("overdue", old, calendar)
    plain_date_arg(as_of, "as_of")
    cal = resolve_calendar(calendar)
    out = []
    # Working days late, by deadline: a province's overdue issues share a few hundred deadlines.
    working_days: dict[dt.date, tuple[int, bool]] = {}
    for q in _issues(issues):
        status = q.status
        deadline = status.deadline
        if status.state.is_working and deadline is not None and deadline < as_of:
            late = working_days.get(deadline)
            if late is None:
                late = working_days[deadline] = (
                    working_days_between(deadline, as_of, calendar=cal),
                    is_provisional(deadline, as_of, calendar=cal),
                )
            overdue_by = (as_of - deadline).days
            out.append(
                Overdue(q.id, status.tier, status.owner, deadline, status.sheet, overdue_by, *late)
            )
    # Most overdue first, then by issue: three stable sorts, minor key first, order as one
    # sort by (-working, -calendar, issue) would, comparing ints rather than tuples.
    out.sort(key=_ISSUE)
    out.sort(key=_CALENDAR_DAYS, reverse=True)
    out.sort(key=_WORKING_DAYS, reverse=True)
    return tuple(out)


@attrs.frozen
class MovedDeadline:
    """A deadline the official calendar moves: the event that set it, the day before and after."""

    issue: str
    seq: int
    kind: EventKind
    at: dt.date
    before: dt.date
    after: dt.date


# The events whose deadline is counted in working days from the event's day (an
# assignment's or an escalation's limit, a resumed clock's days left, a renewed sheet's);
# a work plan's date and a deadline set are typed by people, and stay as typed.
_COUNTED: Final = frozenset(
    {EventKind.ASSIGNED, EventKind.ESCALATED, EventKind.RESUMED, EventKind.SHEET_ISSUED}
)


def moved_deadlines(
    issues: Iterable[Issue] | Portfolio,
    provisional: WorkingCalendar,
    official: WorkingCalendar,
) -> tuple[MovedDeadline, ...]:
    """The deadlines counted across a provisional year that the year's notice moves.

    Each deadline counted in working days from its event's day (see
    :data:`_COUNTED`) whose count reads a year ``provisional`` holds
    provisionally is counted again on ``official``: the same number of
    working days from the same day. Those that land on another day are
    listed, in ledger order; the histories are not changed (nothing is lost
    from an issue's history): advancing with the official calendar records
    the new limits from then on.

    Raises:
        ValidationError: a calendar is not a WorkingCalendar.
        CalendarCoverageError: a deadline lies outside ``official``'s years.

    >>> from projpush.model import Issue
    >>> from projpush.schedule import china_calendar
    >>> guess = china_calendar().with_provisional_year(2027)
    >>> notice = guess.with_year(2027, holidays={dt.date(2027, 1, 1), dt.date(2027, 1, 4)},
    ...                          workdays=set())
    >>> q = Issue.collect("Q-1", "P-1", category="land", title="t",
    ...     on=dt.date(2026, 12, 25), by="s")
    >>> q = assign(q, dt.date(2026, 12, 28), EscalationPolicy.binzhou(), by="o", owner="滨城区",
    ...     calendar=guess)
    >>> [(m.kind.value, str(m.before), str(m.after)) for m in moved_deadlines([q], guess, notice)]
    [('assigned', '2027-01-05', '2027-01-06')]
    """
    for field, given in (("provisional", provisional), ("official", official)):
        if not callable(getattr(given, "is_working_day", None)):
            raise ValidationError.about(field, "a WorkingCalendar", given)
    if not _provisional_years(provisional):
        return ()
    moved = []
    for q in _issues(issues):
        for seq, e in enumerate(q.events):
            deadline = e.deadline
            if e.kind not in _COUNTED or deadline is None or deadline <= e.at:
                continue
            if not is_provisional(e.at, deadline, calendar=provisional):
                continue
            days = _between(provisional, q.id, e.at, deadline, "the provisional deadline")
            after = _add(official, q.id, e.at, days, "the official deadline")
            if after != deadline:
                moved.append(MovedDeadline(q.id, seq, e.kind, e.at, deadline, after))
    return tuple(moved)


class AccountabilityReason(LabelledEnum):
    """Why a unit is on the accountability list (约谈/问责)."""

    RED_SHEET = "red_sheet"
    REPEATED_YELLOW = "repeated_yellow"
    MISSED_AT_RED = "missed_at_red"
    TOP_TIER_UNRESOLVED = "top_tier_unresolved"


label(
    AccountabilityReason,
    {
        "red_sheet": "红色督办单",
        "repeated_yellow": "多次黄色督办单",
        "missed_at_red": "红色督办后仍超时",
        "top_tier_unresolved": "最高层级超时未解决",
    },
)


@attrs.frozen
class AccountabilityItem:
    """One dated fact that puts a unit on the list."""

    issue: str
    reason: AccountabilityReason
    on: dt.date
    detail: str


@attrs.frozen
class AccountabilityEntry:
    """A unit on the accountability list, with every fact against it."""

    unit: str
    items: tuple[AccountabilityItem, ...]

    @property
    def issues(self) -> tuple[str, ...]:
        """The issues involved, in first-seen order."""
        return tuple(dict.fromkeys(map(_ISSUE, self.items)))

    @property
    def reasons(self) -> tuple[AccountabilityReason, ...]:
        """The distinct reasons, in first-seen order."""
        return tuple(dict.fromkeys(map(_REASON, self.items)))


class _Owned(NamedTuple):
    """An event with the owner unit and deadline in force just before it."""

    owner: str | None
    deadline: dt.date | None
    event: IssueEvent


class _AsOf(NamedTuple):
    """An issue's history up to a day, and its owner and openness on that day."""

    steps: tuple[_Owned, ...]
    owner: str | None
    is_open: bool


def _as_of(q: Issue, as_of: dt.date) -> _AsOf:
    """Fold ``q``'s events up to ``as_of`` for owner, deadline and openness only.

    ``q.status`` holds these facts today; the views need them at ``as_of``
    (an issue closed after ``as_of`` was still open then). The events were
    validated when ``q`` was built, so this skips ``apply_event``'s checks.
    An issue not yet collected on ``as_of`` has no steps and is not open.
    """
    owner: str | None = None
    deadline: dt.date | None = None
    is_open = False
    steps: list[_Owned] = []
    for e in q.events:
        if e.at > as_of:
            break
        steps.append(_Owned(owner, deadline, e))
        owner = e.owner or owner
        deadline = e.deadline or deadline
        is_open = e.to_state.is_open
    return _AsOf(tuple(steps), owner, is_open)


def _open_on(q: Issue, as_of: dt.date) -> bool:
    """Whether ``q`` was open on ``as_of`` (its events are in date order)."""
    return next((e.to_state.is_open for e in reversed(q.events) if e.at <= as_of), False)


def _check_yellows(value: object) -> None:
    """Refuse a ``yellows`` count that is not a whole number of at least 2."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 2:
        raise ValidationError.about("yellows", "a count >= 2 (one yellow is not a repeat)", value)


def accountability_list(  # noqa: C901 (one flat pass over every event, for speed)
    issues: Iterable[Issue] | Portfolio,
    as_of: dt.date,
    *,
    yellows: int = 2,
) -> tuple[AccountabilityEntry, ...]:
    """Units with red sheets, repeated yellows, or issues unresolved at the top tier.

    A sheet or a missed limit counts against the unit that owned the issue
    when it happened (not the tier it escalated to). ``yellows`` yellow
    sheets against one unit count as repeated (a policy's
    ``sheets.yellows_for_accountability``). Open and closed issues both
    count, up to ``as_of``; only issues still open on ``as_of`` count as
    unresolved at the top.

    Raises:
        ValidationError: ``as_of`` is not a date, or ``yellows`` not a whole
            number of at least 2.

    >>> from projpush.model import Issue
    >>> p = EscalationPolicy.dalian()
    >>> q = Issue.collect("Q-1", "P-1", category="land", title="t",
    ...     on=dt.date(2020, 9, 28), by="s")
    >>> q = assign(q, dt.date(2020, 9, 29), p, by="o", owner="中山区")
    >>> q = advance(q, dt.date(2020, 10, 21), p)
    >>> [(e.unit, [r.value for r in e.reasons])
    ...  for e in accountability_list([q], dt.date(2020, 10, 21))]
    [('中山区', ['red_sheet'])]
    """
    plain_date_arg(as_of, "as_of")
    _check_yellows(yellows)
    items: dict[str, list[AccountabilityItem]] = {}
    yellow_items: dict[str, list[AccountabilityItem]] = {}
    # Locals, not attribute look-ups: reading a member off an enum class takes ten times as
    # long, and this loop sees every event of a province's problem list.
    sheet_issued, escalated = EventKind.SHEET_ISSUED, EventKind.ESCALATED
    red, yellow = SheetColor.RED, SheetColor.YELLOW
    for q in _issues(issues):
        owner: str | None = None  # the unit owning q just before the event at hand
        previous: IssueEvent | None = None
        for e in q.events:
            if e.at > as_of:
                break
            kind = e.kind
            if owner is None or kind not in _COUNTED_KINDS:
                pass
            elif kind is sheet_issued:
                if e.sheet is red:
                    reason = AccountabilityReason.RED_SHEET
                    items.setdefault(owner, []).append(
                        AccountabilityItem(q.id, reason, e.at, e.note)
                    )
                elif e.sheet is yellow:
                    reason = AccountabilityReason.REPEATED_YELLOW
                    yellow_items.setdefault(owner, []).append(
                        AccountabilityItem(q.id, reason, e.at, e.note)
                    )
            elif kind is escalated:
                # An escalation right after a red sheet is that sheet's own consequence.
                if e.actor == AUTO_ACTOR and not (previous is not None and previous.sheet is red):
                    reason = AccountabilityReason.MISSED_AT_RED
                    items.setdefault(owner, []).append(
                        AccountabilityItem(q.id, reason, e.at, e.note)
                    )
            elif _is_accountability_note(e) and _open_on(q, as_of):
                reason = AccountabilityReason.TOP_TIER_UNRESOLVED
                items.setdefault(owner, []).append(AccountabilityItem(q.id, reason, e.at, e.note))
            owner = e.owner or owner
            previous = e
    return _entries(items, yellow_items, yellows)


def _entries(
    items: dict[str, list[AccountabilityItem]],
    yellow_items: dict[str, list[AccountabilityItem]],
    yellows: int,
) -> tuple[AccountabilityEntry, ...]:
    """The list by unit name, each unit's items by day and issue; ``yellows`` make a repeat."""
    for unit, ys in yellow_items.items():
        if len(ys) >= yellows:
            items.setdefault(unit, []).extend(ys)
    # Two stable sorts, minor key first, give the order of one sort by (day, issue), and
    # compare dates and strings rather than tuples: twice as fast.
    return tuple(
        AccountabilityEntry(unit, tuple(sorted(sorted(its, key=_ISSUE), key=_DAY)))
        for unit, its in sorted(items.items())
    )


@attrs.frozen
class UnitStats:
    """How one unit handled the issues it owned (per-unit handling statistics)."""

    unit: str
    handled: int
    resolved: int
    resolved_on_time: int
    closed: int
    escalated_away: int
    yellow_sheets: int
    red_sheets: int
    open_now: int

    @property
    def on_time_rate(self) -> Fraction | None:
        """Resolved on time / resolved, or None if it resolved nothing."""
        return Fraction(self.resolved_on_time, self.resolved) if self.resolved else None


_SHEET_KEYS: Final = {SheetColor.YELLOW: "yellow_sheets", SheetColor.RED: "red_sheets"}
_KIND_KEYS: Final = {EventKind.CLOSED: "closed", EventKind.ESCALATED: "escalated_away"}


def _stat_keys(e: IssueEvent, deadline: dt.date | None) -> tuple[str, ...]:
    """The counters one event adds to, for the unit owning the issue at the time."""
    if e.kind is EventKind.RESOLVED:
        on_time = deadline is not None and e.at <= deadline
        return ("resolved", "resolved_on_time") if on_time else ("resolved",)
    if e.kind is EventKind.SHEET_ISSUED and e.sheet in _SHEET_KEYS:
        return (_SHEET_KEYS[e.sheet],)
    key = _KIND_KEYS.get(e.kind)
    return () if key is None else (key,)


def unit_stats(issues: Iterable[Issue] | Portfolio, as_of: dt.date) -> tuple[UnitStats, ...]:
    """Per-unit handling statistics up to ``as_of``, by unit name.

    An issue counts for every unit that owned it; a resolution, sheet or
    escalation counts for the unit that owned the issue at the time;
    "on time" means resolved on or before the deadline then in force.

    Raises:
        ValidationError: ``as_of`` is not a date.

    >>> from projpush.model import Issue
    >>> p = EscalationPolicy.yinzhou()
    >>> q = Issue.collect("Q-1", "P-1", category="land", title="t",
    ...     on=dt.date(2020, 9, 28), by="s")
    >>> q = assign(q, dt.date(2020, 9, 29), p, by="o", owner="下应街道")
    >>> q = resolve(q, dt.date(2020, 10, 9), by="下应街道")
    >>> s = unit_stats([q], dt.date(2020, 10, 31))[0]
    >>> s.unit, s.handled, s.resolved_on_time, s.open_now
    ('下应街道', 1, 1, 1)
    """
    plain_date_arg(as_of, "as_of")
    counts: dict[str, dict[str, int]] = {}
    fields = [f.name for f in attrs.fields(UnitStats)][1:]

    def bump(unit: str, key: str) -> None:
        counts.setdefault(unit, dict.fromkeys(fields, 0))[key] += 1

    for q in _issues(issues):
        history = _as_of(q, as_of)
        owners: set[str] = set()
        for owner, deadline, e in history.steps:
            if e.owner and e.owner not in owners:
                owners.add(e.owner)
                bump(e.owner, "handled")
            if owner is not None:
                for key in _stat_keys(e, deadline):
                    bump(owner, key)
        if history.owner is not None and history.is_open:
            bump(history.owner, "open_now")
    return tuple(UnitStats(unit, **c) for unit, c in sorted(counts.items()))
