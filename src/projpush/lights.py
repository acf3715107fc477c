"""Red/yellow/green warning lights (红黄绿灯) of projects, with their reasons.

Every rule here is a pure function of a :class:`~projpush.model.Project`, a
date ``as_of`` and a policy. A policy is a frozen value with named thresholds
and a named constructor per city; its :meth:`judge` returns a
:class:`Verdict`: the light, and the structured :class:`Reason` objects that
say why, each rendering to one sentence in Chinese or English.

Ready-made policies:

- :meth:`LagPolicy.ningbo` (the default): consecutive lagging months;
- :meth:`NodePolicy.dalian`: node tasks (节点任务);
- :meth:`GapPolicy.yinchuan` and :meth:`GapPolicy.sanya`: the gap between
  annual-plan completion and time-schedule progress (时序进度);
- :meth:`SharePolicy.wuhan` and :meth:`SharePolicy.xinhuang`: completion as
  a share of the time schedule or of the month's task;
- :meth:`GrowthPolicy.tianjin`: cumulative growth over the year before,
  against the plan and the city average;
- :meth:`SiteActivityPolicy.ningbo_video`: idle sites seen by remote video
  monitoring (远程视频监控);
- :class:`WorstOf`: the worst light of several policies, with all reasons.

A project outside the stages a policy judges (by default anything but under
construction) gets a verdict whose ``light`` is ``None`` with a
``not_judged`` reason: never a silent green.

>>> import datetime as dt
>>> from projpush.model import Project
>>> p = Project(
...     name="机场快速路南延", level="city", category="infrastructure",
...     stage="under_construction", region="海曙区", unit="市交通局", local_id="NB-7",
...     monthly_plan={"2020-01": "3000", "2020-02": "3000", "2020-03": "3000"},
...     monthly_done={"2020-01": "2800", "2020-02": "2900", "2020-03": "2900"},
... )
>>> v = judge(p, dt.date(2020, 3, 31))
>>> v.light, v.light.zh
(<Light.RED: 'red'>, '红灯')
>>> print(v.reasons[0].text())
截至2020-03连续3个月低于进度要求（2020-01、2020-02、2020-03），达到红灯标准（黄灯2个月，红灯3个月）
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from operator import attrgetter
from typing import (
    TYPE_CHECKING,
    Any,
    Final,
    Protocol,
    TypeAlias,
    cast,
    runtime_checkable,
)

import attrs

from projpush._convert import (
    FrozenMap,
    LabelledEnum,
    ValueEnum,
    instance_arg,
    instances_arg,
    label,
    normalise_text,
    plain_date_arg,
    to_ratio,
    year_arg,
)
from projpush.errors import PolicyError, ValidationError
from projpush.model import Month, Portfolio, Project, Stage
from projpush.schedule import (
    MilestoneState,
    TimeBasis,
    Year,
    cumulative_to,
    last_complete_month,
    milestone_timing,
    time_progress,
)

if TYPE_CHECKING:
    import enum
    from collections.abc import Iterator

    from projpush.model import SiteObservation
    from projpush.records import LightMapRecord, VerdictRecord

__all__ = [
    "Cutoff",
    "Dimension",
    "GapMeasure",
    "GapPolicy",
    "Growth",
    "GrowthPolicy",
    "LagPolicy",
    "Light",
    "LightCounts",
    "LightMap",
    "LightPolicy",
    "NodePolicy",
    "Reason",
    "Requirement",
    "Rollup",
    "ShareBasis",
    "SharePolicy",
    "ShareReading",
    "SiteActivityPolicy",
    "Verdict",
    "WorstOf",
    "average_growth",
    "growth_to",
    "judge",
    "judge_portfolio",
    "light_history",
    "light_map",
]

_ZERO: Final = Decimal(0)
_ONE: Final = Decimal(1)
_HUNDRED: Final = Fraction(100)
_UNDER_CONSTRUCTION: Final = frozenset({Stage.UNDER_CONSTRUCTION})
_NONE_JUDGED: Final = (bytes(12), bytes(12))
# A portfolio is judged on one date: work out the month it reaches once, not per project.
_last_complete_month: Final = functools.lru_cache(maxsize=64)(last_complete_month)


@functools.lru_cache(maxsize=16)
def _month_ends(year: int) -> tuple[dt.date, ...]:
    """The last days of the twelve months of ``year``: asked once a project, made once a year."""
    return tuple(m.last_day for m in Month.year_months(year))


# --------------------------------------------------------------------------- light


class Light(LabelledEnum):
    """A project's warning light (红黄绿灯); a worse light compares greater.

    >>> Light.RED > Light.YELLOW > Light.GREEN, max(Light).zh
    (True, '红灯')
    """

    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"

    @property
    def severity(self) -> int:
        """0 for green, 1 for yellow, 2 for red."""
        return _SEVERITY[self]

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Light):
            return NotImplemented
        return _SEVERITY[self] < _SEVERITY[other]

    def __le__(self, other: object) -> bool:
        if not isinstance(other, Light):
            return NotImplemented
        return _SEVERITY[self] <= _SEVERITY[other]

    def __gt__(self, other: object) -> bool:
        if not isinstance(other, Light):
            return NotImplemented
        return _SEVERITY[self] > _SEVERITY[other]

    def __ge__(self, other: object) -> bool:
        if not isinstance(other, Light):
            return NotImplemented
        return _SEVERITY[self] >= _SEVERITY[other]


_SEVERITY: Final = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}
label(Light, {"green": "绿灯", "yellow": "黄灯", "red": "红灯"})
# Compact codes of a light map: 0 = not judged, then by severity.
_CODE: Final[dict[Light | None, int]] = {None: 0, Light.GREEN: 1, Light.YELLOW: 2, Light.RED: 3}
_FROM_CODE: Final[tuple[Light | None, ...]] = (None, Light.GREEN, Light.YELLOW, Light.RED)


def _rank(light: Light | None) -> int:
    """Order for "worse": not judged < green < yellow < red."""
    return _CODE[light]


# --------------------------------------------------------------------------- reasons

Figure: TypeAlias = Decimal | Fraction | int | dt.date | str | bool


def _to_figures(value: object) -> FrozenMap[str, Figure]:
    if isinstance(value, FrozenMap):
        return value
    if not isinstance(value, Mapping):
        raise ValidationError.about("figures", "a mapping of name to figure", value)
    for k, v in value.items():
        if isinstance(v, float):
            raise ValidationError.about(f"figures[{k!r}]", "an exact figure, not a float", v)
    return FrozenMap(value)


def _to_months(value: Iterable[Month]) -> tuple[Month, ...]:
    return value if type(value) is tuple else instances_arg(value, Month, "months")


def _to_names(value: Iterable[str]) -> tuple[str, ...]:
    return value if type(value) is tuple else instances_arg(value, str, "milestones")


@attrs.frozen
class Reason:
    """One reason for a light: the rule, what it looked at, the figures compared.

    Attributes:
        rule: the rule family (``lag``, ``node``, ``gap``, ``site``, ``scope``
            or a user policy's own name).
        code: what the reason says within the rule (``streak``, ``below``,
            ``unreported``, ``missed``, ...).
        months: the months involved, oldest first.
        milestones: the names of the milestones involved.
        figures: the facts, by name (amounts in 万元 as Decimal, shares and
            points as Fraction, dates, counts).
        thresholds: the policy's thresholds they were compared with.
        templates: ``(zh, en)`` format strings for a user-defined code; the
            built-in codes render without them.

    >>> r = Reason.custom("safety", "incident", zh="{day}发生安全事故",
    ...     en="safety incident on {day}", figures={"day": dt.date(2020, 5, 3)})
    >>> r.text(), r.text("en")
    ('2020-05-03发生安全事故', 'safety incident on 2020-05-03')
    """

    rule: str
    code: str
    months: tuple[Month, ...] = attrs.field(default=(), converter=_to_months)
    milestones: tuple[str, ...] = attrs.field(default=(), converter=_to_names)
    figures: FrozenMap[str, Figure] = attrs.field(factory=FrozenMap, converter=_to_figures)
    thresholds: FrozenMap[str, Figure] = attrs.field(factory=FrozenMap, converter=_to_figures)
    templates: tuple[str, str] | None = None

    def __attrs_post_init__(self) -> None:
        for name in ("rule", "code"):
            if not isinstance(getattr(self, name), str):
                expected = "a text (the rule family, the reason code)"
                raise ValidationError.about(name, expected, getattr(self, name))
        # Refused here, not when rendered: a verdict must always be able to say why.
        if self.templates is None and (self.rule, self.code) not in _CODES:
            raise ValidationError.about(
                "code", "a built-in reason code or a Reason.custom template", (self.rule, self.code)
            )

    @classmethod
    def custom(
        cls,
        rule: str,
        code: str,
        *,
        zh: str,
        en: str,
        months: Iterable[Month] = (),
        milestones: Iterable[str] = (),
        figures: Mapping[str, Figure] | None = None,
        thresholds: Mapping[str, Figure] | None = None,
    ) -> Reason:
        """A reason of a user-defined policy, rendered from ``str.format`` templates.

        The templates may name any figure or threshold, and ``months`` and
        ``milestones`` (joined with 、 or commas).
        """
        return cls(
            rule,
            code,
            tuple(months),
            tuple(milestones),
            FrozenMap(figures or {}),
            FrozenMap(thresholds or {}),
            (zh, en),
        )

    def text(self, lang: str = "zh") -> str:
        """One readable sentence, in Chinese (``"zh"``) or English (``"en"``).

        Raises:
            ValidationError: ``lang`` is neither.
        """
        if lang not in ("zh", "en"):
            raise ValidationError.about("lang", "'zh' or 'en'", lang)
        if self.templates is not None:
            return self.templates[lang == "en"].format_map(self._values(lang))
        return _said(f"reason.{self.rule}.{self.code}", lang).format_map(self._values(lang))

    def _values(self, lang: str) -> dict[str, str]:
        sep = _said("lights.list_sep", lang)
        values: dict[str, str] = {}
        # Thresholds override figures of the same name. _fmt's exact-type look-up is inlined:
        # a province's report formats 10^5 reasons of half a dozen figures each.
        for items in (self.figures.items(), self.thresholds.items()):
            for k, v in items:
                plain = _PLAIN.get(type(v))
                values[k] = plain(v) if plain is not None else _fmt(v, lang)
        gap = self.figures.get("gap")
        if isinstance(gap, Fraction):
            values["gap_abs"] = _points(abs(gap))
            values["direction"] = _said("lights.behind" if gap > 0 else "lights.ahead", lang)
        tolerance = self.thresholds.get("tolerance")
        if tolerance is not None:  # a bar of the whole plan (× 1) is not worth a word
            times = _said("lights.times", lang).format(tolerance=values["tolerance"])
            values["times_tolerance"] = "" if tolerance == 1 else times
        values["months"] = _joined_months(self.months, sep)
        values["milestones"] = sep.join(self.milestones)
        # A figure said in each language (basis_zh beside basis, bands_zh and bands_en) is
        # named plainly too in its language, so that both templates name the same facts.
        suffix = _SUFFIX[lang]
        for k in [k for k in values if k.endswith(suffix)]:
            values[k[:-3]] = values[k]
        return values


_SUFFIX: Final = {"zh": "_zh", "en": "_en"}


@functools.cache
def _said(key: str, lang: str) -> str:
    """The message catalogue's template ``key`` in ``lang``, looked up once.

    The catalogue is the report side's (:mod:`projpush.messages`), imported
    the first time a sentence is written, never when the rules are.
    """
    from projpush.messages import template  # noqa: PLC0415 (the report side's, at first use)

    return template(key, lang)


def _joined_months(months: tuple[Month, ...], sep: str) -> str:
    try:
        return _joined_hashable(months, sep)
    except TypeError:  # a custom reason's months need not be hashable
        return sep.join(map(str, months))


# Lag reasons name runs of the year's months: a few dozen distinct tuples of shared Months.
@functools.lru_cache(maxsize=1024)
def _joined_hashable(months: tuple[Month, ...], sep: str) -> str:
    return sep.join(map(str, months))


def _points(value: Fraction) -> str:
    """Half-up to one decimal place, as government reports print figures."""
    rounded = Decimal(value.numerator) / Decimal(value.denominator)
    return str(rounded.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _fmt(value: Figure, lang: str) -> str:
    # One look-up by exact type first: a report formats 10^5 figures, and each
    # isinstance test against Fraction goes through ABCMeta.
    plain = _PLAIN.get(type(value))
    if plain is not None:
        return plain(value)
    if isinstance(value, bool):
        return _said("lights.yes" if value else "lights.no", lang)
    if isinstance(value, Fraction):
        return _points(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


_PLAIN: Final[dict[type, Callable[[Any], str]]] = {
    str: str,
    int: str,
    Decimal: "{:f}".format,
    dt.date: dt.date.isoformat,
    Fraction: _points,
}

_CODES: Final = frozenset(
    {
        ("scope", "not_judged"),
        ("scope", "no_plan"),
        ("scope", "no_month_yet"),
        ("scope", "month_not_ended"),
        ("lag", "streak"),
        ("lag", "below"),
        ("lag", "unreported"),
        ("lag", "met"),
        ("node", "missed"),
        ("node", "late"),
        ("node", "slow"),
        ("node", "on_schedule"),
        ("node", "no_milestones"),
        ("gap", "points"),
        ("gap", "relative"),
        ("gap", "unreported"),
        ("share", "schedule"),
        ("share", "points"),
        ("share", "task"),
        ("share", "no_task"),
        ("share", "unreported"),
        ("growth", "rate"),
        ("growth", "no_base"),
        ("growth", "unreported"),
        ("site", "idle"),
        ("site", "active"),
        ("site", "no_observations"),
    }
)
"""The built-in reasons, (rule, code): each is said by the catalogue's ``reason.RULE.CODE``."""


# --------------------------------------------------------------------------- verdict


@attrs.frozen
class Verdict:
    """The judgement of one project on one date: a light (or none) and its reasons.

    ``light`` is ``None`` when the project was *not judged* (outside the
    stages the policy judges, nothing to judge yet): that is never green.
    ``severity`` orders verdicts of the same light for red and yellow lists:
    the streak in months, the gap in points, days overdue, days idle.
    """

    project: str
    as_of: dt.date
    light: Light | None
    reasons: tuple[Reason, ...]
    policy: str
    severity: Fraction = Fraction(0)

    @property
    def judged(self) -> bool:
        """False when the policy did not judge the project."""
        return self.light is not None

    def _repr_html_(self) -> str:
        from projpush._html import verdict_html  # noqa: PLC0415 (notebooks only)

        return verdict_html(self)

    def text(self, lang: str = "zh") -> str:
        """The light and every reason, one line.

        >>> v = Verdict("NB-1", dt.date(2020, 5, 31), Light.GREEN, (), "ningbo")
        >>> v.text(), v.text("en")
        ('NB-1 2020-05-31 绿灯', 'NB-1 2020-05-31 green')

        Raises:
            ValidationError: ``lang`` is neither ``"zh"`` nor ``"en"``.
        """
        if lang not in ("zh", "en"):
            raise ValidationError.about("lang", "'zh' or 'en'", lang)
        if self.light is None:
            head = _said("lights.not_judged", lang)
        else:
            head = _said(f"enum.Light.{self.light.value}", lang)
        parts = [r.text(lang) for r in self.reasons]
        joined = _said("lights.reasons_sep", lang).join(parts)
        tail = _said("lights.verdict_reasons", lang).format(reasons=joined) if parts else ""
        return _said("lights.verdict", lang).format(
            project=self.project, as_of=self.as_of.isoformat(), light=head, reasons=tail
        )


@runtime_checkable
class LightPolicy(Protocol):
    """Anything that judges a project on a date: the built-in policies and yours."""

    @property
    def name(self) -> str:
        """A short name shown in verdicts."""
        ...

    def judge(self, project: Project, as_of: dt.date, /) -> Verdict:
        """The verdict on ``project`` at the end of ``as_of``."""
        ...


def _to_stages(value: Iterable[Stage | str]) -> frozenset[Stage]:
    allowed = ", ".join(repr(s.value) for s in Stage)
    if isinstance(value, str) or not isinstance(value, Iterable):  # a bare "planned" too
        raise PolicyError.about("stages", f"a list of stages among {allowed}", value)
    stages = []
    for i, s in enumerate(value):
        try:
            stages.append(s if isinstance(s, Stage) else Stage(s))
        except (TypeError, ValueError):
            raise PolicyError.about(f"stages[{i}]", f"a stage among {allowed}", s) from None
    return frozenset(stages)


def _stage_field() -> Any:
    return attrs.field(default=_UNDER_CONSTRUCTION, converter=_to_stages)


def _out_of_scope(
    project: Project, as_of: dt.date, stages: frozenset[Stage], policy: str
) -> Verdict | None:
    stage = project.stage_at(as_of)
    if stage in stages:
        return None
    return Verdict(project.key, as_of, None, (_not_judged(stage, stages),), policy)


# A reason is a value: a portfolio's not-judged projects share one per stage, made once.
@functools.lru_cache(maxsize=64)
def _not_judged(stage: Stage, stages: frozenset[Stage]) -> Reason:
    ordered = sorted(stages, key=lambda s: list(Stage).index(s))
    return Reason(
        "scope",
        "not_judged",
        figures={
            "stage": stage.value,
            "stage_zh": stage.zh,
            "stage_en": _said(f"enum.Stage.{stage.value}", "en"),
            "judged": ", ".join(s.value for s in ordered),
            "judged_zh": "、".join(s.zh for s in ordered),
            "judged_en": ", ".join(_said(f"enum.Stage.{s.value}", "en") for s in ordered),
        },
    )


def _no_month_yet(project: Project, as_of: dt.date, policy: str) -> Verdict:
    reason = Reason("scope", "no_month_yet", figures={"year": as_of.year, "as_of": as_of})
    return Verdict(project.key, as_of, None, (reason,), policy)


def _no_plan(project: Project, year: int, what: str) -> ValidationError:
    years = sorted({m.year for m in project.monthly_plan} | set(project.annual_plans))
    has = ", ".join(map(str, years)) if years else "no year"
    msg = f"project {project.key}: no {what} for {year} (it has plans for {has})"
    return ValidationError(
        msg, field=what.replace(" ", "_"), expected=f"a plan for {year}", got=has
    )


def _to_rate(value: Decimal | int | str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise PolicyError.about("tolerance", "an exact factor (Decimal, int or str)", value)
    # The shares' grammar ("0.9", "90%"), but kept a Decimal: it scales amounts in 万元.
    share = to_ratio(value, "tolerance", expected="a decimal factor", error=PolicyError)
    if not 0 < share <= 1:
        raise PolicyError.about("tolerance", "a factor in (0, 1]", value)
    # Kept as given (0.90 stays 0.90: a reason quotes the policy's own spelling).
    if isinstance(value, Decimal):
        rate = value
    elif isinstance(value, str) and "/" not in value and "%" not in normalise_text(value):
        rate = Decimal(normalise_text(value))
    else:
        rate = Decimal(share.numerator) / Decimal(share.denominator)
    if rate.as_tuple().exponent < -12 or share != rate:  # type: ignore[operator]
        raise PolicyError.about("tolerance", "a factor with at most 12 decimal places", value)
    return rate


def _member_of(cls: type[enum.Enum]) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """An attrs validator: the value is a member of ``cls`` (a name or value is not)."""
    allowed = ", ".join(f"{cls.__name__}.{m.name}" for m in cls)

    def check(_instance: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if not isinstance(value, cls):
            raise PolicyError.about(attribute.name, f"one of {allowed}", value)

    return check


def _whole(field: str, low: int) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    def check(_instance: Any, _attribute: attrs.Attribute[Any], value: Any) -> None:
        # Bounded: a streak or a count of days beyond a million is no policy, and its
        # message could not even print an int of more than 4,300 digits.
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise PolicyError.about(field, f"a whole number >= {low}", value)
        if value > 10**6:
            raise PolicyError.about(field, f"a whole number from {low} to 1000000", value)

    return check


# --------------------------------------------------------------------------- lag: Ningbo


class Requirement(ValueEnum):
    """What a month must reach to meet the progress requirement (进度要求)."""

    CUMULATIVE = "cumulative"
    """Completed since 1 January ≥ planned since 1 January × tolerance."""
    MONTHLY = "monthly"
    """The month's own completed amount ≥ its own planned amount × tolerance."""


@attrs.frozen
class LagPolicy:
    """Consecutive lagging months (Ningbo, the default): 连续两个月低于进度要求亮黄灯，三个月亮红灯.

    Each month judged either meets the requirement or lags; a month with no
    report lags, with that reason. The streak is the run of lagging months
    ending at the month judged; a month that meets the requirement, or one
    in which the project was outside ``stages``, ends it. The months judged
    on ``as_of`` are January through the last month that has ended on
    ``as_of`` (its last day counts), in ``as_of``'s year: 2020-05-31 judges
    through May, 2020-05-20 through April, and a date in January before the
    31st judges nothing yet.

    Attributes:
        streak_for_yellow: streak that turns the light yellow (Ningbo: 2).
        streak_for_red: streak that turns it red (Ningbo: 3); must be greater.
        tolerance: factor on the plan that lowers the bar (1 = the full plan).
        requirement: cumulative (default) or the month's own amount.
        stages: the stages judged (default: under construction only).
    """

    streak_for_yellow: int = attrs.field(default=2, validator=_whole("streak_for_yellow", 1))
    streak_for_red: int = attrs.field(default=3, validator=_whole("streak_for_red", 1))
    tolerance: Decimal = attrs.field(default=_ONE, converter=_to_rate)
    requirement: Requirement = attrs.field(
        default=Requirement.CUMULATIVE, validator=_member_of(Requirement)
    )
    stages: frozenset[Stage] = _stage_field()
    name: str = "ningbo"

    def __attrs_post_init__(self) -> None:
        if self.streak_for_red <= self.streak_for_yellow:
            raise PolicyError.about(
                "streak_for_red",
                f"> streak_for_yellow ({self.streak_for_yellow})",
                self.streak_for_red,
            )

    @classmethod
    def ningbo(cls, tolerance: Decimal | int | str = _ONE) -> LagPolicy:
        """Ningbo's red/yellow/green warning system: yellow at 2 lagging months, red at 3."""
        return cls(streak_for_yellow=2, streak_for_red=3, tolerance=tolerance, name="ningbo")

    def light_for(self, streak: int) -> Light:
        """The light for a streak of lagging months.

        >>> [LagPolicy.ningbo().light_for(n).value for n in (0, 1, 2, 3, 7)]
        ['green', 'green', 'yellow', 'red', 'red']
        """
        if streak >= self.streak_for_red:
            return Light.RED
        if streak >= self.streak_for_yellow:
            return Light.YELLOW
        return Light.GREEN

    def judge(self, project: Project, as_of: dt.date, /) -> Verdict:
        """Judge ``project`` through the last month ended on ``as_of``.

        Raises:
            ValidationError: ``as_of`` is not a date, or the project has no
                monthly plan for the year.

        >>> from projpush.model import Project
        >>> p = Project(name="港区扩建", level="city", category="infrastructure",
        ...     stage="under_construction", region="北仑区", unit="市港航局", local_id="NB-1",
        ...     monthly_plan={"2020-01": "100", "2020-02": "100"},
        ...     monthly_done={"2020-01": "90", "2020-02": "100"})
        >>> v = LagPolicy.ningbo().judge(p, dt.date(2020, 2, 29))
        >>> v.light.value, [r.code for r in v.reasons]
        ('yellow', ['streak', 'below', 'below'])
        """
        if type(as_of) is not dt.date:  # one test per call: the rules judge 10^5 projects
            plain_date_arg(as_of, "as_of")
        year = as_of.year
        last = _last_complete_month(as_of)
        scoped = _out_of_scope(project, as_of, self.stages, self.name)
        if scoped is not None:
            return scoped
        plans, dones = self._year(project, year)
        if last.year != year:
            return _no_month_yet(project, as_of, self.name)
        months = last.month
        # The light map's one pass over plain amounts: a month lags where its streak is not 0.
        lagging = self._streaks(plans[:months], dones[:months])
        judged = _in_stages(project, _month_ends(year)[:months], self.stages)
        return self._verdict(project, as_of, last, plans, dones, lagging, judged)

    def _verdict(  # noqa: PLR0917 (the year's facts, read once by the caller)
        self,
        project: Project,
        as_of: dt.date,
        last: Month,
        plans: list[Decimal],
        dones: list[Decimal | None],
        lagging: list[int],
        judged: list[bool],
    ) -> Verdict:
        """The verdict at ``last``, from the year's amounts and the streaks and stages to it."""
        streak = 0
        for ok, lags in zip(judged, lagging, strict=True):
            streak = streak + 1 if ok and lags else 0
        return self._streak_verdict(project.key, as_of, last, plans, dones, streak)

    def _streak_verdict(  # noqa: PLR0917 (the year's facts, read once by the caller)
        self,
        key: str,
        as_of: dt.date,
        last: Month,
        plans: list[Decimal],
        dones: list[Decimal | None],
        streak: int,
    ) -> Verdict:
        """The verdict on the project ``key`` whose streak at ``last`` is ``streak`` months.

        The table engine, which finds the streaks column-wise, calls this too:
        its verdicts are the object rule's own.
        """
        months = last.month
        year_months = Month.year_months(last.year)
        light = self.light_for(streak)
        reasons: list[Reason] = []
        if streak:
            run_months = year_months[months - streak : months]
            reasons.append(
                Reason(
                    "lag",
                    "streak",
                    run_months,
                    figures=FrozenMap(
                        {
                            "streak": streak,
                            "last": last,
                            "light": light.value,
                            "light_zh": light.zh,
                        }
                    ),
                    thresholds=self._streak_thresholds,
                )
            )
            reasons.extend(self._month_reason(m, plans, dones) for m in run_months)
        else:
            reasons.append(self._month_reason(last, plans, dones))
        return Verdict(key, as_of, light, tuple(reasons), self.name, Fraction(streak))

    def _year(self, project: Project, year: int) -> tuple[list[Decimal], list[Decimal | None]]:
        """The twelve planned and reported amounts of ``year`` (0 and None where absent).

        Raises:
            ValidationError: the project has no monthly plan for ``year``.
        """
        plans = _from_january(project.monthly_plan, year)
        if plans is not None:
            plans += [_ZERO] * (12 - len(plans))
        else:
            _require_monthly_plan(project, year)
            plans = [_ZERO] * 12
            for m, v in project.monthly_plan.items():
                if m.year == year:
                    plans[m.month - 1] = v
        dones = cast("list[Decimal | None] | None", _from_january(project.monthly_done, year))
        if dones is not None:
            dones += [None] * (12 - len(dones))
        else:
            dones = [None] * 12
            for m, v in project.monthly_done.items():
                if m.year == year:
                    dones[m.month - 1] = v
        return plans, dones

    def _month_reason(
        self, month: Month, plans: list[Decimal], dones: list[Decimal | None]
    ) -> Reason:
        """Why ``month`` lags or meets the requirement, from the year's amounts."""
        i = month.month - 1
        # Summed from 0 in month order, as the running totals are: the same Decimal digits.
        plan_to_date = sum(plans[: i + 1], _ZERO)
        done = dones[i]
        if done is None:
            return Reason("lag", "unreported", (month,), figures=FrozenMap({"plan": plan_to_date}))
        monthly = self.requirement is Requirement.MONTHLY
        if monthly:
            got, plan = done, plans[i]
        else:
            got = sum((d for d in dones[: i + 1] if d is not None), _ZERO)
            plan = plan_to_date
        required = plan * self.tolerance
        basis = "lights.basis.monthly" if monthly else "lights.basis.cumulative"
        return Reason(
            "lag",
            "below" if got < required else "met",
            (month,),
            figures=FrozenMap(
                {
                    "done": got,
                    "plan": plan,
                    "required": required,
                    "basis": _said(basis, "en"),
                    "basis_zh": _said(basis, "zh"),
                }
            ),
            thresholds=self._tolerance_threshold,
        )

    # The lag reasons pass FrozenMaps: a dict would be checked for floats, a third of a reason's
    # cost, and their figures are exact by construction. Thresholds are shared, made once.
    @functools.cached_property
    def _streak_thresholds(self) -> FrozenMap[str, Figure]:
        return FrozenMap(
            {"streak_for_yellow": self.streak_for_yellow, "streak_for_red": self.streak_for_red}
        )

    @functools.cached_property
    def _tolerance_threshold(self) -> FrozenMap[str, Figure]:
        return FrozenMap({"tolerance": self.tolerance})

    def _streak_codes(self) -> bytes:
        """Light code (1 green, 2 yellow, 3 red) by streak length, for streaks 0 to 12."""
        return bytes(_CODE[self.light_for(n)] for n in range(13))

    def _year_codes(self, project: Project, year: int, table: bytes) -> tuple[bytes, bytes]:
        """Light codes and streaks of the twelve month ends of ``year``, in one pass.

        The hot path of :func:`light_map`: no reasons, no series objects;
        ``table`` is :meth:`_streak_codes`, computed once per map.
        """
        judged: list[bool] | None = None
        if project.stage_events:
            judged = _in_stages(project, _month_ends(year), self.stages)
            if not any(judged):
                return _NONE_JUDGED
        elif project.stage not in self.stages:
            return _NONE_JUDGED
        streaks = self._streaks(*self._year(project, year))
        return _codes(judged, streaks, table)

    def _judge_and_codes(
        self, project: Project, as_of: dt.date, table: bytes
    ) -> tuple[Verdict, tuple[bytes, bytes]]:
        """``judge`` at ``as_of`` (lenient) and ``_year_codes`` of its year, reading the year once.

        Raises:
            ValidationError: ``as_of`` is not a date.
        """
        if type(as_of) is not dt.date:
            plain_date_arg(as_of, "as_of")
        year = as_of.year
        last = _last_complete_month(as_of)
        stages = self.stages
        # Stages at the month ends, None when the project never changed stage.
        judged = _in_stages(project, _month_ends(year), stages) if project.stage_events else None
        in_map = any(judged) if judged is not None else project.stage in stages
        scoped = _out_of_scope(project, as_of, stages, self.name)
        if scoped is not None and not in_map:
            return scoped, _NONE_JUDGED
        try:
            plans, dones = self._year(project, year)
        except ValidationError as error:
            return scoped or _no_plan_verdict(project, as_of, self.name, error), _NONE_JUDGED
        streaks = self._streaks(plans, dones)
        codes = _codes(judged, streaks, table) if in_map else _NONE_JUDGED
        if scoped is not None:
            return scoped, codes
        if last.year != year:
            return _no_month_yet(project, as_of, self.name), codes
        # A streak runs from January, so the year's streaks start with those to ``last``.
        months = last.month
        judged_to_last = judged[:months] if judged is not None else [in_map] * months
        verdict = self._verdict(
            project, as_of, last, plans, dones, streaks[:months], judged_to_last
        )
        return verdict, codes

    def _streaks(self, plans: list[Decimal], dones: list[Decimal | None]) -> list[int]:
        """The streak at each month end, every month judged."""
        tolerance = self.tolerance
        cumulative = self.requirement is Requirement.CUMULATIVE
        plan_total = done_total = _ZERO
        streak = 0
        streaks: list[int] = []
        if cumulative and tolerance == 1:
            for plan, done in zip(plans, dones, strict=True):
                plan_total += plan
                if done is None:
                    streak += 1
                else:
                    done_total += done
                    streak = streak + 1 if done_total < plan_total else 0
                streaks.append(streak)
            return streaks
        for plan, done in zip(plans, dones, strict=True):
            plan_total += plan
            if done is None:
                streak += 1
            else:
                done_total += done
                got, bar = (done_total, plan_total) if cumulative else (done, plan)
                streak = streak + 1 if got < bar * tolerance else 0
            streaks.append(streak)
        return streaks


def _in_stages(project: Project, days: tuple[dt.date, ...], stages: frozenset[Stage]) -> list[bool]:
    """Whether ``project`` is in one of ``stages`` on each of ``days``.

    From its last stage event on, a project is in its current stage (the
    model checks this), so only the days before that event need
    :meth:`~projpush.model.Project.stage_at`: most projects started years ago.
    """
    now = project.stage in stages
    events = project.stage_events
    if not events:
        return [now] * len(days)
    settled = events[-1].on
    return [now if day >= settled else project.stage_at(day) in stages for day in days]


def _require_monthly_plan(project: Project, year: int) -> None:
    """Raise unless ``project`` has a monthly plan for some month of ``year``."""
    if not any(m.year == year for m in project.monthly_plan):
        raise _no_plan(project, year, "monthly plan")


def _from_january(values: FrozenMap[Month, Decimal], year: int) -> list[Decimal] | None:
    """The values in month order when the map holds January to month n of ``year``, else None.

    FrozenMap keeps its keys sorted, so n keys from January to month n of
    ``year`` are exactly those months: most ledgers hold a year's plan and
    the reports of that year to date.
    """
    n = len(values)
    if not 0 < n <= 12:
        return None
    first, last = next(iter(values)), next(reversed(values))
    if first.year != year or first.month != 1 or last.year != year or last.month != n:
        return None
    return list(values.values())


def _codes(judged: list[bool] | None, streaks: list[int], table: bytes) -> tuple[bytes, bytes]:
    """Codes and streaks of a year judged in every month (``judged`` None or all true) or not."""
    if judged is not None and not all(judged):
        return _masked(judged, streaks, table)
    return bytes(map(table.__getitem__, streaks)), bytes(streaks)


def _masked(judged: list[bool], streaks: list[int], table: bytes) -> tuple[bytes, bytes]:
    """Codes and streaks when some months are outside the judged stages.

    Such a month is not judged (code 0) and ends the streak.
    """
    run = 0
    codes = bytearray(12)
    runs = bytearray(12)
    for i, (ok, s) in enumerate(zip(judged, streaks, strict=True)):
        run = run + 1 if ok and s else 0
        runs[i] = run
        codes[i] = table[run] if ok else 0
    return bytes(codes), bytes(runs)


# --------------------------------------------------------------------------- nodes: Dalian


def _to_points(value: object, field: str) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, Decimal | Fraction | int | str):
        raise PolicyError.about(
            field, "an exact number of points (Decimal, Fraction, int or str)", value
        )
    return to_ratio(value, field, expected="a number of points", error=PolicyError, signed=True)


def _exact(points: Fraction) -> str:
    """``points`` as an error shows them, exactly: a decimal when it is one, else ``n/d``.

    >>> _exact(Fraction(21, 2)), _exact(Fraction(30)), _exact(Fraction(1, 3))
    ('10.5', '30', '1/3')
    """
    rest = points.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:
        return str(points)
    return f"{Decimal(points.numerator) / Decimal(points.denominator):f}"


def _slack_points(value: Decimal | Fraction | int | str) -> Fraction:
    points = _to_points(value, "slack_points")
    if not 0 <= points <= _HUNDRED:  # checked here, where the value is still as given
        raise PolicyError.about("slack_points", "from 0 to 100 points", value)
    return points


def _yellow_at(value: Decimal | Fraction | int | str) -> Fraction:
    points = _to_points(value, "yellow_at")
    if points < 0:
        raise PolicyError.about("yellow_at", ">= 0 points", value)
    return points


def _red_at(value: Decimal | Fraction | int | str) -> Fraction:
    return _to_points(value, "red_at")


@attrs.frozen
class NodePolicy:
    """Node tasks (Dalian): 按序时节点完成亮绿灯，推进较慢亮黄灯，未按节点完成亮红灯.

    On ``as_of``: red if some milestone planned on or before ``as_of`` is not
    done by then (``missed_on_due_day=False`` spares one due that very day);
    yellow if none is missed but one was done late within the reporting month
    of ``as_of`` (first day of its month to ``as_of``), or an open
    milestone's percent complete trails the share of its window (start →
    planned) elapsed by more than ``slack_points``; green otherwise. Open
    milestones without a start date or a reported percent are not judged for
    slowness. A project with no milestones is not judged.
    """

    slack_points: Fraction = attrs.field(default=Fraction(10), converter=_slack_points)
    missed_on_due_day: bool = True
    stages: frozenset[Stage] = _stage_field()
    name: str = "dalian"

    @classmethod
    def dalian(cls, slack_points: Fraction | Decimal | int = 10) -> NodePolicy:
        """Dalian's node-task lights on its government supervision platform."""
        return cls(slack_points=slack_points, name="dalian")

    def judge(self, project: Project, as_of: dt.date, /) -> Verdict:  # noqa: C901 (one pass over the milestones)
        """Judge ``project``'s milestones on ``as_of``.

        Raises:
            ValidationError: ``as_of`` is not a date.

        >>> from projpush.model import Milestone, Project
        >>> p = Project(name="黑嘴子码头改造", level="city", category="services",
        ...     stage="under_construction", region="西岗区", unit="西岗区政府", local_id="DL-1",
        ...     milestones=(Milestone("东侧道路清障", planned=dt.date(2018, 6, 10),
        ...                           done=dt.date(2018, 6, 11)),))
        >>> v = NodePolicy.dalian().judge(p, dt.date(2018, 6, 30))
        >>> v.light.value, v.reasons[0].text()
        ('yellow', '节点“东侧道路清障”计划2018-06-10完成，实际2018-06-11完成（迟1天）')
        """
        if type(as_of) is not dt.date:
            plain_date_arg(as_of, "as_of")
        scoped = _out_of_scope(project, as_of, self.stages, self.name)
        if scoped is not None:
            return scoped
        if not project.milestones:
            reason = Reason("node", "no_milestones")
            return Verdict(project.key, as_of, None, (reason,), self.name)
        period_start = Month.of(as_of).first_day
        missed: list[Reason] = []
        slow: list[Reason] = []
        worst_missed = 0
        worst_slow = Fraction(0)
        due = 0
        for m in project.milestones:
            t = milestone_timing(m, as_of)
            if t.state is MilestoneState.OVERDUE or (
                t.state is MilestoneState.DUE and self.missed_on_due_day
            ):
                worst_missed = max(worst_missed, t.days_late)
                missed.append(
                    Reason(
                        "node",
                        "missed",
                        milestones=(m.name,),
                        figures={"planned": m.planned, "as_of": as_of, "days_late": t.days_late},
                    )
                )
                continue
            if t.is_due:
                due += 1
            done_late = m.done if t.state is MilestoneState.LATE else None
            if done_late is not None and done_late >= period_start:
                worst_slow = max(worst_slow, Fraction(t.days_late))
                slow.append(
                    Reason(
                        "node",
                        "late",
                        milestones=(m.name,),
                        figures={"planned": m.planned, "done": done_late, "days_late": t.days_late},
                    )
                )
            behind = t.behind_points
            if not t.is_done and behind is not None and behind > self.slack_points:
                assert t.expected_share is not None  # noqa: S101 (behind implies a share)
                worst_slow = max(worst_slow, behind)
                slow.append(
                    Reason(
                        "node",
                        "slow",
                        milestones=(m.name,),
                        figures={
                            "percent": t.percent if t.percent is not None else _ZERO,
                            "expected": t.expected_share * 100,
                            "behind": behind,
                        },
                        thresholds={"tolerance": self.slack_points},
                    )
                )
        if missed:
            reasons = (*missed, *slow)
            return Verdict(
                project.key, as_of, Light.RED, reasons, self.name, Fraction(worst_missed)
            )
        if slow:
            return Verdict(project.key, as_of, Light.YELLOW, tuple(slow), self.name, worst_slow)
        reason = Reason("node", "on_schedule", figures={"as_of": as_of, "due": due})
        return Verdict(project.key, as_of, Light.GREEN, (reason,), self.name)


# --------------------------------------------------------------------------- gap: Yinchuan, Sanya


class GapMeasure(ValueEnum):
    """How the shortfall against the time schedule is measured."""

    POINTS = "points"
    """Time progress − plan completion, in percentage points (Yinchuan)."""
    RELATIVE = "relative"
    """(time progress − completion) / time progress, in percent (Sanya)."""


class Cutoff(ValueEnum):
    """Which months of investment a judgement on ``as_of`` counts."""

    LAST_COMPLETE_MONTH = "last_complete_month"
    """Through the last month ended on ``as_of`` (its last day counts)."""
    PREVIOUS_MONTH = "previous_month"
    """Through the month before ``as_of``'s month, always (Sanya: 截至上月末)."""


_OPS: Final = {True: "≥", False: ">"}


@attrs.frozen
class GapPolicy:
    """Gap between annual-plan completion and time-schedule progress (对照时序进度亮灯).

    The shortfall ``gap`` (positive when behind; see :class:`GapMeasure`)
    is compared with ``yellow_at`` and ``red_at``: red if ``gap`` reaches
    ``red_at`` (``≥`` when ``red_inclusive``, else ``>``), else yellow if it
    reaches ``yellow_at`` likewise, else green. Completion = investment
    reported from 1 January through the cutoff month / the annual plan;
    progress = :func:`~projpush.schedule.time_progress` at the end of the
    cutoff month on ``basis``. Unreported months add nothing and are named
    in a reason.
    """

    yellow_at: Fraction = attrs.field(converter=_yellow_at)
    red_at: Fraction = attrs.field(converter=_red_at)
    measure: GapMeasure = attrs.field(default=GapMeasure.POINTS, validator=_member_of(GapMeasure))
    yellow_inclusive: bool = True
    red_inclusive: bool = False
    cutoff: Cutoff = attrs.field(default=Cutoff.LAST_COMPLETE_MONTH, validator=_member_of(Cutoff))
    basis: TimeBasis = attrs.field(default=TimeBasis.MONTH, validator=_member_of(TimeBasis))
    stages: frozenset[Stage] = _stage_field()
    name: str = "gap"

    def __attrs_post_init__(self) -> None:
        if self.red_at < self.yellow_at or (
            self.red_at == self.yellow_at and self.red_inclusive and not self.yellow_inclusive
        ):
            expected = f"a threshold beyond yellow_at ({_exact(self.yellow_at)})"
            msg = f"red_at: expected {expected}, got {_exact(self.red_at)}"
            raise PolicyError(msg, field="red_at", expected=expected, got=self.red_at)

    @classmethod
    def yinchuan(cls) -> GapPolicy:
        """Yinchuan (2025): on schedule green, 10–30 points below yellow, more than 30 red.

        The published rule leaves a shortfall under 10 points unassigned;
        this policy shows it green, with the gap in its reason.
        """
        return cls(
            yellow_at=Fraction(10),
            red_at=Fraction(30),
            measure=GapMeasure.POINTS,
            yellow_inclusive=True,
            red_inclusive=False,
            name="yinchuan",
        )

    @classmethod
    def sanya(cls) -> GapPolicy:
        """Sanya (2022): to the end of the previous month; short by at most half yellow, more red.

        "Short" is any shortfall (above 0 %); "half" is half of the schedule.
        """
        return cls(
            yellow_at=Fraction(0),
            red_at=Fraction(50),
            measure=GapMeasure.RELATIVE,
            yellow_inclusive=False,
            red_inclusive=False,
            cutoff=Cutoff.PREVIOUS_MONTH,
            name="sanya",
        )

    def light_for(self, gap: Fraction) -> Light:
        """The light for a shortfall (points or percent, per :attr:`measure`).

        >>> [GapPolicy.yinchuan().light_for(Fraction(g)).value for g in (0, 9, 10, 30, 31)]
        ['green', 'green', 'yellow', 'yellow', 'red']
        """
        if gap > self.red_at or (self.red_inclusive and gap == self.red_at):
            return Light.RED
        if gap > self.yellow_at or (self.yellow_inclusive and gap == self.yellow_at):
            return Light.YELLOW
        return Light.GREEN

    def judge(self, project: Project, as_of: dt.date, /) -> Verdict:
        """Judge ``project``'s year-to-date completion against the time schedule.

        Raises:
            ValidationError: ``as_of`` is not a date, or the project has no
                annual plan (or a zero one) for the year.

        >>> from projpush.model import Project
        >>> p = Project(name="滨州项目", level="city", category="industry",
        ...     stage="under_construction", region="滨城区", unit="市发改委", local_id="BZ-1",
        ...     annual_plans={2020: "1000"},
        ...     monthly_done={f"2020-{m:02d}": "40" for m in range(1, 6)})
        >>> v = GapPolicy.yinchuan().judge(p, dt.date(2020, 5, 31))
        >>> v.light.value, str(v.severity)
        ('yellow', '65/3')
        """
        if type(as_of) is not dt.date:
            plain_date_arg(as_of, "as_of")
        year = as_of.year
        scoped = _out_of_scope(project, as_of, self.stages, self.name)
        if scoped is not None:
            return scoped
        annual = project.annual_plan(year)
        if annual is None or annual <= 0:
            raise _no_plan(project, year, "annual plan")
        last = (
            Month.of(as_of) - 1
            if self.cutoff is Cutoff.PREVIOUS_MONTH
            else last_complete_month(as_of)
        )
        if last.year != year:
            return _no_month_yet(project, as_of, self.name)
        c = cumulative_to(project, last)
        completion = Fraction(c.done_to_date) / Fraction(annual)
        progress = time_progress(last.last_day, self.basis)
        gap = (progress - completion) * 100
        if self.measure is GapMeasure.RELATIVE:
            gap = gap / progress
        light = self.light_for(gap)
        yellow_op = _OPS[self.yellow_inclusive]
        red_op = _OPS[self.red_inclusive]
        reasons = [
            Reason(
                "gap",
                self.measure.value,
                (last,),
                figures={
                    "last": last,
                    "done": c.done_to_date,
                    "annual": annual,
                    "completion": completion * 100,
                    "progress": progress * 100,
                    "gap": gap,
                },
                thresholds={
                    "yellow_at": self.yellow_at,
                    "red_at": self.red_at,
                    "yellow_op": yellow_op,
                    "red_op": red_op,
                },
            )
        ]
        if c.unreported:
            reasons.append(Reason("gap", "unreported", c.unreported))
        return Verdict(project.key, as_of, light, tuple(reasons), self.name, max(gap, Fraction(0)))


# --------------------------------------------------------------------------- share: Wuhan, Xinhuang


class ShareBasis(ValueEnum):
    """What completion is a share of."""

    TIME_SCHEDULE = "time_schedule"
    """Year-to-date completion of the annual plan against time-schedule progress (Wuhan)."""
    MONTH_TASK = "month_task"
    """The month's completed investment against the month's own task (Xinhuang)."""


class ShareReading(ValueEnum):
    """How "below 60 % of the benchmark" is read."""

    RATIO = "ratio"
    """completion / benchmark < 60 % (the natural reading)."""
    POINTS = "points"
    """completion < benchmark − (100 − 60) percentage points."""


def _to_share(value: object, field: str) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | Fraction | int | str):
        raise PolicyError.about(
            field, "an exact fraction (Fraction, Decimal, int or str) or None", value
        )
    # The shares' grammar: "60%" is 3/5; "1e999999999" is refused, never computed.
    share = to_ratio(value, field, expected="a fraction such as '3/5' or '0.6'", error=PolicyError)
    if not 0 < share <= 1:
        raise PolicyError.about(field, "a fraction in (0, 1]", value)
    return share


def _yellow_below(value: object) -> Fraction | None:
    return _to_share(value, "yellow_below")


def _red_below(value: object) -> Fraction | None:
    return _to_share(value, "red_below")


@attrs.frozen
class SharePolicy:
    """Completion as a share of a benchmark (完成进度占时序进度/月度任务的比例).

    The benchmark is time-schedule progress (:attr:`ShareBasis.TIME_SCHEDULE`:
    year-to-date completion of the annual plan, from 1 January through the
    cutoff month, against :func:`~projpush.schedule.time_progress` at its
    end) or the month's task (:attr:`ShareBasis.MONTH_TASK`: the cutoff
    month's completed investment against its planned amount). Red when the
    completion is *below* ``red_below`` of the benchmark, else yellow when
    below ``yellow_below``, else green; a threshold that is ``None`` gives
    no light of its colour. A share exactly at a threshold is not below it.

    On the :attr:`ShareReading.POINTS` reading, "below 60 %" means below the
    benchmark minus 40 percentage points. On the month basis the benchmark
    is the whole task (100 %), so the two readings agree.

    Unreported months add nothing and are named in a reason (an unreported
    month judged on the month basis counts as nothing done). A month whose
    task is zero is not judged on the month basis; a time schedule of zero
    (no month ended yet) is not judged either.
    """

    yellow_below: Fraction | None = attrs.field(converter=_yellow_below)
    red_below: Fraction | None = attrs.field(converter=_red_below)
    basis: ShareBasis = attrs.field(
        default=ShareBasis.TIME_SCHEDULE, validator=_member_of(ShareBasis)
    )
    reading: ShareReading = attrs.field(
        default=ShareReading.RATIO, validator=_member_of(ShareReading)
    )
    cutoff: Cutoff = attrs.field(default=Cutoff.LAST_COMPLETE_MONTH, validator=_member_of(Cutoff))
    time_basis: TimeBasis = attrs.field(default=TimeBasis.MONTH, validator=_member_of(TimeBasis))
    stages: frozenset[Stage] = _stage_field()
    name: str = "share"

    def __attrs_post_init__(self) -> None:
        if self.yellow_below is None and self.red_below is None:
            raise PolicyError.about("red_below", "a threshold (yellow_below is None too)", None)
        if (
            self.yellow_below is not None
            and self.red_below is not None
            and self.red_below >= self.yellow_below
        ):
            expected = f"a share below yellow_below ({_exact(self.yellow_below)})"
            msg = f"red_below: expected {expected}, got {_exact(self.red_below)}"
            raise PolicyError(msg, field="red_below", expected=expected, got=self.red_below)

    @classmethod
    def wuhan(cls, reading: ShareReading = ShareReading.RATIO) -> SharePolicy:
        """Wuhan's monthly bulletin: 低于时序进度60%亮红灯，低于80%亮黄灯.

        Read as a ratio by default (completion / time schedule below 3/5 red,
        below 4/5 yellow); ``ShareReading.POINTS`` reads it as 40 and 20
        points below the schedule.
        """
        return cls(
            yellow_below=Fraction(4, 5),
            red_below=Fraction(3, 5),
            basis=ShareBasis.TIME_SCHEDULE,
            reading=reading,
            name="wuhan",
        )

    @classmethod
    def xinhuang(cls, card: Light = Light.RED) -> SharePolicy:
        """Xinhuang County (2015): below 80 % of the month's task 重点跟踪督查, below 60 % 黄牌.

        The focused follow-up is a yellow light and the yellow card (亮黄牌,
        shown on the county hall's screen, no stage bonus) a red one: the
        card is the rule's worst sanction. With ``card=Light.YELLOW`` the
        card is a yellow light and the follow-up band (60–80 %) gives no
        light of its own: green, its share in the reason.

        Raises:
            PolicyError: ``card`` is not ``Light.RED`` or ``Light.YELLOW``.
        """
        if card is Light.RED:
            yellow, red = Fraction(4, 5), Fraction(3, 5)
        elif card is Light.YELLOW:
            yellow, red = Fraction(3, 5), None
        else:
            raise PolicyError.about("card", "Light.RED or Light.YELLOW", card)
        return cls(
            yellow_below=yellow,
            red_below=red,
            basis=ShareBasis.MONTH_TASK,
            name="xinhuang",
        )

    def light_for(self, completion: Fraction, benchmark: Fraction) -> Light:
        """The light for a completion against a benchmark, both as shares (1 = 100 %).

        >>> w = SharePolicy.wuhan()
        >>> [w.light_for(Fraction(c, 100), Fraction(1, 2)).value for c in (29, 30, 39, 40, 50)]
        ['red', 'yellow', 'yellow', 'green', 'green']
        >>> p = SharePolicy.wuhan(ShareReading.POINTS)
        >>> [p.light_for(Fraction(c, 100), Fraction(1, 2)).value for c in (9, 10, 29, 30)]
        ['red', 'yellow', 'yellow', 'green']
        """
        if self.red_below is not None and completion < self._bar(self.red_below, benchmark):
            return Light.RED
        if self.yellow_below is not None and completion < self._bar(self.yellow_below, benchmark):
            return Light.YELLOW
        return Light.GREEN

    def _bar(self, share: Fraction, benchmark: Fraction) -> Fraction:
        if self.reading is ShareReading.POINTS:
            return benchmark - (1 - share)
        return benchmark * share

    def judge(self, project: Project, as_of: dt.date, /) -> Verdict:
        """Judge ``project``'s completion as a share of its benchmark.

        Raises:
            ValidationError: ``as_of`` is not a date, or the project has no
                annual plan (or a zero one) for the year on the time-schedule
                basis, no monthly plan for the year on the month basis.

        >>> from projpush.model import Project
        >>> p = Project(name="光谷大道改造", level="city", category="infrastructure",
        ...     stage="under_construction", region="东湖高新区", unit="市城建局", local_id="WH-1",
        ...     annual_plans={2022: "12000"},
        ...     monthly_done={f"2022-{m:02d}": "500" for m in range(1, 7)})
        >>> v = SharePolicy.wuhan().judge(p, dt.date(2022, 6, 30))
        >>> v.light.value, v.reasons[0].text("en")  # doctest: +NORMALIZE_WHITESPACE
        ('red', 'to 2022-06: 25.0% of the annual plan (3000 of 12000 万元) against 50.0% of
          the year, 50.0% of the schedule (yellow below 80%, red below 60%)')
        """
        if type(as_of) is not dt.date:
            plain_date_arg(as_of, "as_of")
        year = as_of.year
        scoped = _out_of_scope(project, as_of, self.stages, self.name)
        if scoped is not None:
            return scoped
        on_schedule = self.basis is ShareBasis.TIME_SCHEDULE
        annual = project.annual_plan(year) if on_schedule else None
        if not on_schedule:
            _require_monthly_plan(project, year)
        elif annual is None or annual <= 0:
            raise _no_plan(project, year, "annual plan")
        last = (
            Month.of(as_of) - 1
            if self.cutoff is Cutoff.PREVIOUS_MONTH
            else last_complete_month(as_of)
        )
        if last.year != year:
            return _no_month_yet(project, as_of, self.name)
        read = (
            _on_task(project, last) if annual is None else self._on_schedule(project, last, annual)
        )
        if read is None:
            reason = Reason("share", "no_task", (last,), figures={"month": last})
            return Verdict(project.key, as_of, None, (reason,), self.name)
        completion, benchmark, figures, unreported = read
        light = self.light_for(completion, benchmark)
        code = "schedule" if on_schedule else "task"
        if self.reading is ShareReading.POINTS and on_schedule:
            shortfall = (benchmark - completion) * 100
            figures["gap"] = shortfall
            code = "points"
        else:
            shortfall = (1 - completion / benchmark) * 100
        figures["share"] = completion / benchmark * 100
        reasons = [Reason("share", code, (last,), figures=figures, thresholds=self._thresholds)]
        if unreported:
            reasons.append(Reason("share", "unreported", unreported))
        severity = max(shortfall, Fraction(0))
        return Verdict(project.key, as_of, light, tuple(reasons), self.name, severity)

    def _on_schedule(self, project: Project, last: Month, annual: Decimal) -> _ShareRead:
        """Year-to-date completion of ``annual`` and the time schedule at the end of ``last``."""
        c = cumulative_to(project, last)
        completion = Fraction(c.done_to_date) / Fraction(annual)
        # Never 0: ``last`` has ended, on either basis.
        benchmark = time_progress(last.last_day, self.time_basis)
        figures: dict[str, object] = {
            "last": last,
            "done": c.done_to_date,
            "annual": annual,
            "completion": completion * 100,
            "progress": benchmark * 100,
        }
        return completion, benchmark, figures, c.unreported

    @functools.cached_property
    def _thresholds(self) -> FrozenMap[str, Figure]:
        points = self.reading is ShareReading.POINTS
        values: dict[str, Figure] = {}
        zh: list[str] = []
        en: list[str] = []
        for colour, share in (("yellow", self.yellow_below), ("red", self.red_below)):
            if share is None:
                continue
            values[f"{colour}_below"] = share * 100
            light = {lang: _said(f"enum.Light.{colour}", lang) for lang in ("zh", "en")}
            light["en"] = colour  # the English band names the colour: "red below 60%"
            if points and self.basis is ShareBasis.TIME_SCHEDULE:
                behind = _exact((1 - share) * 100)
                band, facts = "lights.band.behind", {"points": behind}
            else:
                band, facts = "lights.band.below", {"share": _exact(share * 100)}
            zh.append(_said(band, "zh").format(light=light["zh"], **facts))
            en.append(_said(band, "en").format(light=light["en"], **facts))
        values["bands_zh"] = _said("lights.band_sep", "zh").join(zh)
        values["bands_en"] = _said("lights.band_sep", "en").join(en)
        return FrozenMap(values)


_ShareRead: TypeAlias = tuple[Fraction, Fraction, dict[str, object], tuple[Month, ...]]


def _on_task(project: Project, last: Month) -> _ShareRead | None:
    """The month's completion of its task (None when the month has no task)."""
    task = project.monthly_plan.get(last, _ZERO)
    if task <= 0:
        return None
    done = project.monthly_done.get(last)
    got = _ZERO if done is None else done
    figures: dict[str, object] = {"month": last, "done": got, "task": task}
    unreported = () if done is not None else (last,)
    return Fraction(got) / Fraction(task), Fraction(1), figures, unreported


# --------------------------------------------------------------------------- growth: Tianjin


def _to_growth(value: object, field: str) -> Fraction | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | Fraction | int | str):
        raise PolicyError.about(
            field, "an exact growth rate (Fraction, Decimal, int or str) or None", value
        )
    expected = "a growth rate such as '0.08' or '2/25'"
    rate = to_ratio(value, field, expected=expected, error=PolicyError, signed=True)
    if rate < -1:
        raise PolicyError.about(field, "a growth rate of -1 (a fall to nothing) or more", value)
    return rate


def _plan_growth(value: object) -> Fraction | None:
    return _to_growth(value, "plan_growth")


def _average_growth(value: object) -> Fraction | None:
    return _to_growth(value, "average_growth")


def _zero_light(value: object) -> Light:
    if value is not Light.YELLOW and value is not Light.RED:
        raise PolicyError.about("zero_growth", "Light.YELLOW or Light.RED", value)
    return value


@attrs.frozen
class Growth:
    """Cumulative investment through a month against the same months of the year before.

    Attributes:
        month: the last month counted.
        done: completed from 1 January through ``month`` (万元).
        base: completed in the same months of the year before (万元).
        planned: planned from 1 January through ``month`` (万元).
        unreported: the months of either year with no report (counted as nothing).
    """

    month: Month
    done: Decimal
    base: Decimal
    planned: Decimal
    unreported: tuple[Month, ...]

    @property
    def rate(self) -> Fraction | None:
        """(done − base) / base, exact; None when there is no base (zero last year)."""
        if self.base <= 0:
            return None
        return Fraction(self.done - self.base) / Fraction(self.base)

    @property
    def plan_rate(self) -> Fraction | None:
        """The growth the monthly plan asks for: (planned − base) / base; None without a base."""
        if self.base <= 0:
            return None
        return Fraction(self.planned - self.base) / Fraction(self.base)


def _sum_months(values: Mapping[Month, Decimal], year: int, through: int) -> Decimal:
    return sum((v for m, v in values.items() if m.year == year and m.month <= through), _ZERO)


def growth_to(project: Project, month: Month) -> Growth:
    """The project's cumulative growth through ``month`` over the same months a year before.

    >>> from projpush.model import Project
    >>> p = Project(name="滨海新区项目", level="city", category="industry",
    ...     stage="under_construction", region="滨海新区", unit="区发改委", local_id="TJ-1",
    ...     monthly_plan={"2022-01": "110", "2022-02": "110"},
    ...     monthly_done={"2021-01": "100", "2021-02": "100", "2022-01": "105", "2022-02": "105"})
    >>> g = growth_to(p, Month(2022, 2))
    >>> g.done, g.base, g.rate, g.plan_rate
    (Decimal('210'), Decimal('200'), Fraction(1, 20), Fraction(1, 10))
    """
    instance_arg(project, Project, "project")
    year, through = month.year, month.month
    unreported = tuple(
        m
        for y in (year - 1, year)
        for m in Month.year_months(y)[:through]
        if m not in project.monthly_done
    )
    return Growth(
        month,
        _sum_months(project.monthly_done, year, through),
        _sum_months(project.monthly_done, year - 1, through),
        _sum_months(project.monthly_plan, year, through),
        unreported,
    )


def average_growth(
    projects: Portfolio | Iterable[Project],
    month: Month,
    stages: Iterable[Stage | str] = (Stage.UNDER_CONSTRUCTION,),
) -> Fraction | None:
    """The growth of the projects' summed investment (全市平均增速) through ``month``.

    Computed from the summed amounts, never by averaging the projects'
    rates: Σ done / Σ base − 1, over the projects in ``stages`` at the end
    of ``month`` that have a base (something completed in the same months a
    year before). None when none has.

    Raises:
        PolicyError: ``stages`` is not a list of stages.

    >>> from projpush.model import Project
    >>> mk = lambda key, before, now: Project(name=key, level="city", category="industry",
    ...     stage="under_construction", region="和平区", unit="区发改委", local_id=key,
    ...     monthly_done={"2021-01": before, "2022-01": now})
    >>> average_growth([mk("A", "100", "130"), mk("B", "300", "300")], Month(2022, 1))
    Fraction(3, 40)
    """
    chosen = _to_stages(stages)
    items = (
        projects.projects
        if isinstance(projects, Portfolio)
        else instances_arg(projects, Project, "projects")
    )
    done = base = _ZERO
    for p in items:
        if p.stage_at(month.last_day) not in chosen:
            continue
        g = growth_to(p, month)
        if g.base > 0:
            done += g.done
            base += g.base
    if base <= 0:
        return None
    return Fraction(done - base) / Fraction(base)


@attrs.frozen
class GrowthPolicy:
    """Cumulative growth against the plan and the average (累计增速对照计划和全市平均).

    Growth is the project's investment completed from 1 January through the
    last month ended on ``as_of``, over the same months of the year before
    (:func:`growth_to`; both years come from the ledger's monthly reports).
    Red when growth is negative; green when it is at or above the plan
    growth and at or above ``average_growth``; otherwise yellow, and
    ``zero_growth`` (yellow by default, or red) when growth is exactly zero
    and short of the plan or the average.

    The plan growth is ``plan_growth`` when given (a district's target), else
    the growth the project's own monthly plan asks for over the year before.
    ``average_growth`` is an input: the city's figure as published, or
    :func:`average_growth` of the portfolio (see :meth:`tianjin_for`); when
    None, only the plan is compared. A project with nothing completed in the
    same months a year before has no growth and is not judged.
    """

    plan_growth: Fraction | None = attrs.field(default=None, converter=_plan_growth)
    average_growth: Fraction | None = attrs.field(default=None, converter=_average_growth)
    zero_growth: Light = attrs.field(default=Light.YELLOW, converter=_zero_light)
    stages: frozenset[Stage] = _stage_field()
    name: str = "growth"

    @classmethod
    def tianjin(
        cls,
        *,
        average_growth: Fraction | Decimal | str | None = None,
        plan_growth: Fraction | Decimal | str | None = None,
        zero_growth: Light = Light.YELLOW,
    ) -> GrowthPolicy:
        """Tianjin (2022): 累计增速高于计划和全市平均绿灯，正增长但低于其一黄灯，负增长红灯.

        Zero growth short of the plan or the average is not covered by the
        published rule: yellow by default (it did not fall), red on request.
        """
        return cls(plan_growth, average_growth, zero_growth, name="tianjin")

    @classmethod
    def tianjin_for(
        cls,
        projects: Portfolio | Iterable[Project],
        as_of: dt.date,
        *,
        plan_growth: Fraction | Decimal | str | None = None,
        zero_growth: Light = Light.YELLOW,
    ) -> GrowthPolicy:
        """Tianjin's policy with the average computed from ``projects`` through ``as_of``.

        The average is :func:`average_growth` of the projects under
        construction through the last month ended on ``as_of``.

        Raises:
            ValidationError: ``as_of`` is not a date.
        """
        plain_date_arg(as_of, "as_of")
        average = average_growth(projects, last_complete_month(as_of))
        return cls.tianjin(average_growth=average, plan_growth=plan_growth, zero_growth=zero_growth)

    def light_for(self, growth: Fraction, plan: Fraction | None) -> Light:
        """The light for a growth rate against a plan rate (and the policy's average).

        >>> t = GrowthPolicy.tianjin(average_growth="0.05")
        >>> [t.light_for(Fraction(g, 100), Fraction(8, 100)).value for g in (-1, 0, 5, 8, 9)]
        ['red', 'yellow', 'yellow', 'green', 'green']
        """
        if growth < 0:
            return Light.RED
        meets_plan = plan is None or growth >= plan
        meets_average = self.average_growth is None or growth >= self.average_growth
        if meets_plan and meets_average:
            return Light.GREEN
        return self.zero_growth if growth == 0 else Light.YELLOW

    def judge(self, project: Project, as_of: dt.date, /) -> Verdict:
        """Judge ``project``'s cumulative growth through the last month ended on ``as_of``.

        Raises:
            ValidationError: ``as_of`` is not a date, or the policy has no
                ``plan_growth`` and the project no monthly plan for the year.

        >>> from projpush.model import Project
        >>> p = Project(name="滨海新区项目", level="city", category="industry",
        ...     stage="under_construction", region="滨海新区", unit="区发改委", local_id="TJ-1",
        ...     monthly_plan={"2022-01": "110", "2022-02": "110"},
        ...     monthly_done={"2021-01": "100", "2021-02": "100",
        ...                   "2022-01": "105", "2022-02": "105"})
        >>> v = GrowthPolicy.tianjin(average_growth="0.04").judge(p, dt.date(2022, 2, 28))
        >>> v.light.value, v.reasons[0].text("en")  # doctest: +NORMALIZE_WHITESPACE
        ('yellow', 'to 2022-02: 210 万元 against 200 万元 a year before, growth 5.0%
          (plan 10.0%, average 4.0%)')
        """
        if type(as_of) is not dt.date:
            plain_date_arg(as_of, "as_of")
        year = as_of.year
        scoped = _out_of_scope(project, as_of, self.stages, self.name)
        if scoped is not None:
            return scoped
        if self.plan_growth is None:
            _require_monthly_plan(project, year)
        last = last_complete_month(as_of)
        if last.year != year:
            return _no_month_yet(project, as_of, self.name)
        g = growth_to(project, last)
        rate = g.rate
        if rate is None:
            reason = Reason("growth", "no_base", (last,), figures={"last": last, "done": g.done})
            return Verdict(project.key, as_of, None, (reason,), self.name)
        return self._verdict(project.key, as_of, g, rate)

    def judge_regions(
        self, projects: Portfolio | Iterable[Project], as_of: dt.date
    ) -> dict[str, Verdict]:
        """Judge each region's (district's) summed growth, as Tianjin's rule judges districts.

        A region's growth is Σ done / Σ base − 1 over its projects in
        ``stages`` on ``as_of`` that have a base (never the mean of their
        rates); its plan growth, without ``plan_growth``, is Σ planned /
        Σ base − 1 over the same projects. The verdicts are keyed by region,
        sorted, and name the region where a project's verdict names the
        project; their reasons list no unreported months (see each
        project's own verdict for those). A region none of whose projects
        has a base is not judged.

        Raises:
            ValidationError: ``as_of`` is not a date, or the policy has no
                ``plan_growth`` and a project counted has no monthly plan
                for the year.

        >>> from projpush.model import Project
        >>> mk = lambda key, region, before, now: Project(name=key, level="city",
        ...     category="industry", stage="under_construction", region=region, unit="区发改委",
        ...     local_id=key, monthly_plan={"2022-01": "110"},
        ...     monthly_done={"2021-01": before, "2022-01": now})
        >>> ps = [mk("A", "和平区", "100", "130"), mk("B", "和平区", "100", "80"),
        ...       mk("C", "河西区", "100", "95")]
        >>> policy = GrowthPolicy.tianjin_for(ps, dt.date(2022, 1, 31))
        >>> {r: v.light.value for r, v in policy.judge_regions(ps, dt.date(2022, 1, 31)).items()}
        {'和平区': 'yellow', '河西区': 'red'}
        """
        plain_date_arg(as_of, "as_of")
        last = last_complete_month(as_of)
        sums: dict[str, list[Decimal]] = {}
        for p in projects.projects if isinstance(projects, Portfolio) else projects:
            if p.stage_at(as_of) not in self.stages:
                continue
            if self.plan_growth is None:
                _require_monthly_plan(p, as_of.year)
            g = growth_to(p, last)
            # Σ done and Σ planned of the projects with a base, Σ base, and Σ done of them all.
            done, base, planned, total = sums.setdefault(p.region, [_ZERO] * 4)
            if g.base > 0:
                done, base, planned = done + g.done, base + g.base, planned + g.planned
            sums[p.region] = [done, base, planned, total + g.done]
        verdicts: dict[str, Verdict] = {}
        for region, (done, base, planned, total) in sorted(sums.items()):
            g = Growth(last, done, base, planned, ())
            if last.year != as_of.year:
                verdicts[region] = _no_month_yet_for(region, as_of, self.name)
                continue
            rate = g.rate
            if rate is None:
                reason = Reason("growth", "no_base", (last,), figures={"last": last, "done": total})
                verdicts[region] = Verdict(region, as_of, None, (reason,), self.name)
                continue
            verdicts[region] = self._verdict(region, as_of, g, rate)
        return verdicts

    def _verdict(self, key: str, as_of: dt.date, g: Growth, rate: Fraction) -> Verdict:
        """The verdict on ``key`` (a project or a region) of its growth ``g`` at ``rate``."""
        last = g.month
        plan = self.plan_growth if self.plan_growth is not None else g.plan_rate
        light = self.light_for(rate, plan)
        thresholds: dict[str, object] = {
            "plan": (plan or 0) * 100,
            "average_zh": _said("lights.no_average", "zh")
            if self.average_growth is None
            else _exact_percent(self.average_growth),
            "average_en": "none"
            if self.average_growth is None
            else _exact_percent(self.average_growth),
        }
        figures: dict[str, object] = {
            "last": last,
            "done": g.done,
            "base": g.base,
            "growth": rate * 100,
        }
        reasons = [Reason("growth", "rate", (last,), figures=figures, thresholds=thresholds)]
        if g.unreported:
            reasons.append(Reason("growth", "unreported", g.unreported))
        short = [b for b in (plan, self.average_growth) if b is not None and rate < b]
        severity = max((b - rate) * 100 for b in short) if short else Fraction(0)
        if rate < 0:
            severity = max(severity, -rate * 100)
        return Verdict(key, as_of, light, tuple(reasons), self.name, severity)


def _no_month_yet_for(key: str, as_of: dt.date, policy: str) -> Verdict:
    reason = Reason("scope", "no_month_yet", figures={"year": as_of.year, "as_of": as_of})
    return Verdict(key, as_of, None, (reason,), policy)


def _exact_percent(rate: Fraction) -> str:
    return _points(rate * 100) + "%"


# --------------------------------------------------------------------------- site activity


@attrs.frozen
class SiteActivityPolicy:
    """Idle sites seen by remote video monitoring (远程视频监控): 器械长时间没有开动，赶赴现场督查.

    The idle span is counted in calendar days from the first idle
    observation after the last active one to the latest observation on or
    before ``as_of``. Longer than ``yellow_after_days`` → yellow, longer than
    ``red_after_days`` (when set) → red; the reason calls for an on-site
    inspection. A project with no observation by ``as_of`` is not judged.
    """

    yellow_after_days: int = attrs.field(default=7, validator=_whole("yellow_after_days", 1))
    red_after_days: int | None = None
    stages: frozenset[Stage] = _stage_field()
    name: str = "ningbo_video"

    def __attrs_post_init__(self) -> None:
        red = self.red_after_days
        if red is not None and (
            isinstance(red, bool) or not isinstance(red, int) or red <= self.yellow_after_days
        ):
            raise PolicyError.about(
                "red_after_days", f"None or > yellow_after_days ({self.yellow_after_days})", red
            )

    @classmethod
    def ningbo_video(
        cls, yellow_after_days: int = 7, red_after_days: int | None = None
    ) -> SiteActivityPolicy:
        """Ningbo's video monitoring room: a long-idle site calls for an inspection."""
        return cls(yellow_after_days, red_after_days, name="ningbo_video")

    def judge(self, project: Project, as_of: dt.date, /) -> Verdict:
        """Judge the site's recent activity on ``as_of``.

        Raises:
            ValidationError: ``as_of`` is not a date.

        >>> from projpush.model import Project, SiteObservation
        >>> days = [SiteObservation(dt.date(2020, 6, d), d < 3) for d in range(1, 13)]
        >>> p = Project(name="三官堂大桥", level="city", category="infrastructure",
        ...     stage="under_construction", region="江北区", unit="市城投", local_id="NB-3",
        ...     site_activity=tuple(days))
        >>> v = SiteActivityPolicy.ningbo_video().judge(p, dt.date(2020, 6, 12))
        >>> v.light.value, v.reasons[0].text("en")  # doctest: +NORMALIZE_WHITESPACE
        ('yellow', 'site idle for 10 days (2020-06-03 to 2020-06-12), over 7:
          an on-site inspection is called for')
        """
        if type(as_of) is not dt.date:
            plain_date_arg(as_of, "as_of")
        scoped = _out_of_scope(project, as_of, self.stages, self.name)
        if scoped is not None:
            return scoped
        seen = sorted((o for o in project.site_activity if o.day <= as_of), key=_day)
        if not seen:
            reason = Reason("site", "no_observations", figures={"as_of": as_of})
            return Verdict(project.key, as_of, None, (reason,), self.name)
        last_seen = seen[-1].day
        last_active = max((o.day for o in seen if o.active), default=None)
        idle = [
            o.day for o in seen if not o.active and (last_active is None or o.day > last_active)
        ]
        idle_days = (last_seen - idle[0]).days + 1 if idle else 0
        if idle_days > self.yellow_after_days:
            red = self.red_after_days
            light = Light.RED if red is not None and idle_days > red else Light.YELLOW
            threshold = red if light is Light.RED and red is not None else self.yellow_after_days
            reason = Reason(
                "site",
                "idle",
                figures={"idle_days": idle_days, "first_idle": idle[0], "last_seen": last_seen},
                thresholds={"threshold": threshold},
            )
            return Verdict(project.key, as_of, light, (reason,), self.name, Fraction(idle_days))
        reason = Reason(
            "site",
            "active",
            figures={"last_active": last_active or last_seen, "idle_days": idle_days},
            thresholds={"threshold": self.yellow_after_days},
        )
        return Verdict(project.key, as_of, Light.GREEN, (reason,), self.name)


def _day(o: SiteObservation) -> dt.date:
    return o.day


# --------------------------------------------------------------------------- worst of


def _to_policies(value: Iterable[LightPolicy]) -> tuple[LightPolicy, ...]:
    if not isinstance(value, Iterable):
        raise PolicyError.about("policies", "a list of LightPolicy", value)
    policies = tuple(value)
    if not policies:
        raise PolicyError.about("policies", "at least one policy", policies)
    for i, p in enumerate(policies):
        if not isinstance(p, LightPolicy):
            raise PolicyError.about(f"policies[{i}]", "a LightPolicy (name, judge)", p)
    return policies


@attrs.frozen
class WorstOf:
    """The worst light of several policies, with the reasons of every one.

    Red beats yellow beats green beats not judged: a project is not judged
    only when no policy judges it. ``severity`` is the largest among the
    policies that gave the worst light.

    >>> WorstOf((LagPolicy.ningbo(), NodePolicy.dalian())).name
    'worst_of(ningbo, dalian)'
    """

    policies: tuple[LightPolicy, ...] = attrs.field(converter=_to_policies)

    @property
    def name(self) -> str:
        """``worst_of(a, b, ...)``."""
        return f"worst_of({', '.join(p.name for p in self.policies)})"

    def judge(self, project: Project, as_of: dt.date, /) -> Verdict:
        """Judge with every policy and keep the worst light.

        Raises:
            ValidationError: ``as_of`` is not a date, or as the policies raise.
        """
        if type(as_of) is not dt.date:
            plain_date_arg(as_of, "as_of")
        verdicts = [p.judge(project, as_of) for p in self.policies]
        worst = max((v.light for v in verdicts), key=_rank)
        severity = max((v.severity for v in verdicts if v.light is worst), default=Fraction(0))
        reasons = tuple(r for v in verdicts for r in v.reasons)
        return Verdict(project.key, as_of, worst, reasons, self.name, severity)


# --------------------------------------------------------------------------- module-level rules


def judge(
    project: Project,
    as_of: dt.date,
    policy: LightPolicy | None = None,
    *,
    year: int | None = None,
) -> Verdict:
    """The light of ``project`` on ``as_of`` under ``policy`` (Ningbo's by default).

    Args:
        project: the project.
        as_of: the date of the judgement (the end of that day).
        policy: any :class:`LightPolicy`; :meth:`LagPolicy.ningbo` when None.
        year: the plan year, when the caller wants to pin it: ``as_of``
            before it is an error, after it is moved to its 31 December.

    Raises:
        ValidationError: ``as_of`` is not a date, ``year`` not a whole number
            from 1900 to 2200, ``as_of`` is before the plan year ``year``, or
            the project has no plan for the year the policy needs.
        PolicyError: ``policy`` is not a :class:`LightPolicy`.

    >>> from projpush.model import Project
    >>> p = Project(name="试验", level="city", category="social", stage="completed",
    ...     region="鄞州区", unit="区教育局", local_id="YZ-1", monthly_plan={"2020-01": "1"})
    >>> v = judge(p, dt.date(2020, 5, 31))
    >>> v.light is None, v.reasons[0].text("en")
    (True, 'not judged: the project is completed, outside the stages judged (under construction)')
    """
    if type(project) is not Project:  # one test per project of a province: inline
        instance_arg(project, Project, "project")
    chosen = _default(policy)
    return chosen.judge(project, _effective(as_of, year))


_BUILT_IN: Final = (
    LagPolicy,
    NodePolicy,
    GapPolicy,
    SharePolicy,
    GrowthPolicy,
    SiteActivityPolicy,
    WorstOf,
)


def _default(policy: LightPolicy | None) -> LightPolicy:
    """``policy``, or Ningbo's lag policy when None; anything else with no ``judge`` is refused."""
    if policy is None:
        return LagPolicy.ningbo()
    # The built-in policies first: a runtime Protocol check costs a few microseconds.
    if not isinstance(policy, _BUILT_IN) and not isinstance(policy, LightPolicy):
        raise PolicyError.about("policy", "a LightPolicy (name, judge)", policy)
    return policy


def _effective(as_of: dt.date, year: int | None) -> dt.date:
    """The date judged, checked first: a lenient roll-up must not take it for a bad project."""
    if type(as_of) is not dt.date:
        plain_date_arg(as_of, "as_of")
    if year is None:
        return as_of
    year_arg(year, "year")
    if as_of.year < year:
        raise ValidationError.about("as_of", f"a date in or after the plan year {year}", as_of)
    return min(as_of, dt.date(year, 12, 31))


def light_history(
    project: Project, year: int, policy: LightPolicy | None = None
) -> tuple[Verdict, ...]:
    """The project's verdicts at the twelve month ends of ``year``.

    Raises:
        ValidationError: ``year`` is not a whole number from 1900 to 2200, or
            the project has no plan for ``year`` the policy needs.
        PolicyError: ``policy`` is not a :class:`LightPolicy`.

    >>> from projpush.model import Project
    >>> p = Project(name="港区扩建", level="city", category="infrastructure",
    ...     stage="under_construction", region="北仑区", unit="市港航局", local_id="NB-1",
    ...     monthly_plan={f"2020-{m:02d}": "100" for m in range(1, 13)},
    ...     monthly_done={f"2020-{m:02d}": "100" if m in (1, 5) else "90" for m in range(1, 13)})
    >>> "".join(v.light.value[0] for v in light_history(p, 2020))
    'ggyrrrrrrrrr'
    """
    chosen = _default(policy)
    return tuple(chosen.judge(project, m.last_day) for m in Year(year_arg(year, "year")).months)


@attrs.frozen
class LightMap:
    """Lights of projects × the twelve month ends of a year: the data of a light map.

    Stored compactly (one byte per cell); :meth:`verdict` re-judges one cell
    with full reasons on demand. A map drawn ``as_of`` a day judges no month
    that had not ended by then: those cells are not judged, in :meth:`row`,
    :meth:`counts`, the records and the picture alike.

    Raises:
        ValidationError: a look-up names a project key the map lacks, or
            something else than a :class:`~projpush.model.Month` of its year.
    """

    year: int
    policy: LightPolicy
    projects: tuple[Project, ...] = attrs.field(repr=False)
    codes: tuple[bytes, ...] = attrs.field(repr=False)
    severities: tuple[tuple[Fraction, ...] | bytes, ...] = attrs.field(repr=False)
    as_of: dt.date | None = None
    _row: dict[str, int] = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        # Checked in O(1) but for the index, which is built anyway: light_map makes one
        # of these per run, a caller's own is refused here rather than deep in a look-up.
        if isinstance(self.year, bool) or not isinstance(self.year, int):
            raise ValidationError.about("year", "a year (int)", self.year)
        for name in ("projects", "codes", "severities"):
            if type(getattr(self, name)) is not tuple:
                raise ValidationError.about(
                    name, "a tuple, one entry per project", getattr(self, name)
                )
        if not len(self.projects) == len(self.codes) == len(self.severities):
            expected = f"one entry per project ({len(self.projects)})"
            raise ValidationError.about(
                "codes", expected, f"{len(self.codes)} codes, {len(self.severities)} severities"
            )
        if self.as_of is not None:
            plain_date_arg(self.as_of, "as_of")
        try:
            rows = {p.key: i for i, p in enumerate(self.projects)}
        except AttributeError:
            i, bad = next((i, p) for i, p in enumerate(self.projects) if not hasattr(p, "key"))
            raise ValidationError.about(f"projects[{i}]", "a Project", bad) from None
        object.__setattr__(self, "_row", rows)

    def _repr_html_(self) -> str:
        from projpush._html import light_map_html  # noqa: PLC0415 (notebooks only)

        return light_map_html(self)

    def to_records(self) -> list[LightMapRecord]:
        """One flat dict a project-month (key, name, month, light)."""
        from projpush.frames import light_map_records  # noqa: PLC0415

        return light_map_records(self)

    @property
    def months(self) -> tuple[Month, ...]:
        """The twelve months, January first."""
        return Year(self.year).months

    @property
    def keys(self) -> tuple[str, ...]:
        """The project keys, in row order."""
        return tuple(p.key for p in self.projects)

    def row(self, key: str) -> tuple[Light | None, ...]:
        """The twelve lights of one project (None: not judged)."""
        return tuple(_FROM_CODE[c] for c in self.codes[self._index(key)])

    def light(self, key: str, month: Month) -> Light | None:
        """The light of one project at the end of ``month``."""
        return _FROM_CODE[self.codes[self._index(key)][self._col(month)]]

    def counts(self, month: Month) -> LightCounts:
        """How many projects show each light at the end of ``month``."""
        col = self._col(month)
        return LightCounts.of(_FROM_CODE[row[col]] for row in self.codes)

    def verdict(self, key: str, month: Month) -> Verdict:
        """The full verdict, with reasons, of one cell."""
        self._col(month)
        project = self.projects[self._index(key)]
        if self.as_of is not None and month > _last_complete_month(self.as_of):
            figures = {"month": str(month), "as_of": self.as_of}
            reason = Reason("scope", "month_not_ended", figures=figures)
            return Verdict(key, month.last_day, None, (reason,), self.policy.name)
        return self.policy.judge(project, month.last_day)

    def _index(self, key: str) -> int:
        try:
            return self._row[key]
        except KeyError:
            raise ValidationError.about("key", "a project key in the light map", key) from None

    def _col(self, month: Month) -> int:
        if not isinstance(month, Month) or month.year != self.year:
            raise ValidationError.about("month", f"a month of {self.year}", str(month))
        return month.month - 1


def light_map(
    projects: Portfolio | Iterable[Project],
    year: int,
    policy: LightPolicy | None = None,
    *,
    lenient: bool = False,
    as_of: dt.date | None = None,
) -> LightMap:
    """Lights of every project at every month end of ``year`` (the projects × months map).

    A :class:`LagPolicy` takes a one-pass path with no reason objects; any
    other policy is judged cell by cell.

    With ``lenient``, a project that cannot be judged has no light in any month.
    With ``as_of``, the months that had not ended by then are not judged: a
    map for a report of 31 October shows no light for November or December.

    Raises:
        ValidationError: ``year`` is not a whole number from 1900 to 2200 (even
            if ``lenient``), ``as_of`` is not a date, or a project has no plan
            for ``year`` (under a lag policy), unless ``lenient``.
        PolicyError: ``policy`` is not a :class:`LightPolicy`.

    >>> from projpush.model import Project
    >>> p = Project(name="港区扩建", level="city", category="infrastructure",
    ...     stage="under_construction", region="北仑区", unit="市港航局", local_id="NB-1",
    ...     monthly_plan={f"2020-{m:02d}": "100" for m in range(1, 13)},
    ...     monthly_done={f"2020-{m:02d}": "90" for m in range(1, 4)})
    >>> lm = light_map([p], 2020)
    >>> [x.value for x in lm.row("NB-1")][:4], lm.counts(Month(2020, 12)).red
    (['green', 'yellow', 'red', 'red'], 1)
    >>> [x and x.value for x in light_map([p], 2020, as_of=dt.date(2020, 3, 15)).row("NB-1")][:4]
    ['green', 'yellow', None, None]
    """
    chosen = _default(policy)
    year = year_arg(year, "year")  # before a lenient map could take a bad year for a bad project
    if as_of is not None:
        plain_date_arg(as_of, "as_of")
    items = tuple(projects.projects if isinstance(projects, Portfolio) else projects)
    codes: list[bytes] = []
    severities: list[tuple[Fraction, ...] | bytes] = []
    if isinstance(chosen, LagPolicy):
        year_codes = chosen._year_codes  # noqa: SLF001 (the policy's own fast path)
        table = chosen._streak_codes()  # noqa: SLF001
        for p in items:
            try:
                c, s = year_codes(p, year, table)
            except ValidationError:
                if not lenient:
                    raise
                c, s = _NONE_JUDGED
            codes.append(c)
            severities.append(s)
    else:
        judge_one = _lenient(chosen) if lenient else chosen.judge
        month_ends = [m.last_day for m in Year(year).months]
        for p in items:
            verdicts = [judge_one(p, day) for day in month_ends]
            codes.append(bytes(_CODE[v.light] for v in verdicts))
            severities.append(tuple(v.severity for v in verdicts))
    return _up_to(LightMap(year, chosen, items, tuple(codes), tuple(severities)), as_of)


def _up_to(lmap: LightMap, as_of: dt.date | None) -> LightMap:
    """``lmap`` without a light in the months that had not ended by ``as_of``."""
    if as_of is None:
        return lmap
    last = _last_complete_month(as_of)
    ended = 12 if last.year > lmap.year else last.month if last.year == lmap.year else 0
    if ended < 12:
        gone = 12 - ended
        codes = tuple(c[:ended] + bytes(gone) for c in lmap.codes)
        severities = tuple(
            s[:ended] + bytes(gone)
            if isinstance(s, bytes)
            else (*s[:ended], *[_NO_SEVERITY] * gone)
            for s in lmap.severities
        )
        lmap = attrs.evolve(lmap, codes=codes, severities=severities)
    return attrs.evolve(lmap, as_of=as_of)


_NO_SEVERITY: Final = Fraction(0)


# --------------------------------------------------------------------------- portfolio


@attrs.frozen
class LightCounts:
    """How many projects show each light, and how many were not judged."""

    green: int = 0
    yellow: int = 0
    red: int = 0
    not_judged: int = 0

    @classmethod
    def of(cls, lights: Iterable[Light | None]) -> LightCounts:
        """Tally lights, ``None`` counting as not judged.

        >>> LightCounts.of([Light.RED, None, Light.RED, Light.GREEN])
        LightCounts(green=1, yellow=0, red=2, not_judged=1)
        """
        tally = Counter(instances_arg(lights, object, "lights"))
        return cls(tally[Light.GREEN], tally[Light.YELLOW], tally[Light.RED], tally[None])

    @property
    def judged(self) -> int:
        """Projects with a light."""
        return self.green + self.yellow + self.red

    @property
    def total(self) -> int:
        """All projects counted."""
        return self.judged + self.not_judged


class Dimension(ValueEnum):
    """A way to group a portfolio's verdicts."""

    REGION = "region"
    UNIT = "unit"
    LEADER = "leader"
    CATEGORY = "category"
    LEVEL = "level"


_PROJECT: Final = attrgetter("project")
_SEVERITY_OF: Final = attrgetter("severity")


def _worst_first(verdicts: Iterable[Verdict], light: Light) -> tuple[Verdict, ...]:
    """The verdicts showing ``light``, by severity (largest first), then by project key."""
    chosen = sorted((v for v in verdicts if v.light is light), key=_PROJECT)
    # Two stable sorts instead of a (-severity, project) key: no Fraction negated per verdict,
    # no tuple compared element by element.
    chosen.sort(key=_SEVERITY_OF, reverse=True)
    return tuple(chosen)


@attrs.frozen
class Rollup:
    """A portfolio's lights on one date: counts, red and yellow lists, groups.

    ``red`` and ``yellow`` are sorted by severity, worst first (longest
    streak, largest gap), then by project key.
    """

    as_of: dt.date
    policy: str
    verdicts: tuple[Verdict, ...]
    portfolio: Portfolio = attrs.field(eq=False, repr=False)

    def __repr__(self) -> str:
        """One line: the date, the policy and the counts, not every verdict."""
        c = self.counts
        return (
            f"<Rollup {self.as_of.isoformat()} {self.policy}: {len(self.verdicts)} projects, "
            f"{c.green} green, {c.yellow} yellow, {c.red} red>"
        )

    def _repr_html_(self) -> str:
        from projpush._html import rollup_html  # noqa: PLC0415 (notebooks only)

        return rollup_html(self)

    def to_records(self, lang: str = "zh") -> list[VerdictRecord]:
        """One flat dict a verdict, ready for ``pandas.DataFrame``."""
        from projpush.frames import verdict_records  # noqa: PLC0415

        return verdict_records(self, lang)

    @property
    def counts(self) -> LightCounts:
        """Counts per light."""
        return LightCounts.of(v.light for v in self.verdicts)

    # Cached (attrs gives a slotted class a slot for each): a report reads them for its
    # text and again for its JSON, and a province has tens of thousands.
    @functools.cached_property
    def red(self) -> tuple[Verdict, ...]:
        """Red verdicts, worst first."""
        return _worst_first(self.verdicts, Light.RED)

    @functools.cached_property
    def yellow(self) -> tuple[Verdict, ...]:
        """Yellow verdicts, worst first."""
        return _worst_first(self.verdicts, Light.YELLOW)

    @property
    def not_judged(self) -> tuple[Verdict, ...]:
        """Verdicts without a light, in portfolio order."""
        return tuple(v for v in self.verdicts if v.light is None)

    def by(self, dimension: Dimension | str) -> dict[str, Rollup]:
        """Sub-roll-ups per region, unit, leader, category or level, keys sorted.

        A project guaranteed by several leaders counts under each; one with
        none is grouped under ``""``.

        Raises:
            ValidationError: ``dimension`` is none of these.
        """
        try:
            dim = dimension if isinstance(dimension, Dimension) else Dimension(dimension)
        except ValueError:
            allowed = ", ".join(repr(d.value) for d in Dimension)
            raise ValidationError.about("dimension", f"one of {allowed}", dimension) from None
        groups: dict[str, list[Verdict]] = {}
        for v in self.verdicts:
            for g in self._groups(v.project, dim):
                groups.setdefault(g, []).append(v)
        return {
            g: Rollup(self.as_of, self.policy, tuple(vs), self.portfolio)
            for g, vs in sorted(groups.items())
        }

    def _groups(self, key: str, dim: Dimension) -> Iterator[str]:
        p = self.portfolio.project(key)
        if dim is Dimension.REGION:
            yield p.region
        elif dim is Dimension.UNIT:
            yield p.unit
        elif dim is Dimension.CATEGORY:
            yield p.category.value
        elif dim is Dimension.LEVEL:
            yield p.level.value
        else:
            leaders = self.portfolio.leaders_of(key)
            if not leaders:
                yield ""
            for leader in leaders:
                yield leader.name


def judge_portfolio(
    portfolio: Portfolio,
    as_of: dt.date,
    policy: LightPolicy | None = None,
    *,
    year: int | None = None,
    lenient: bool = False,
) -> Rollup:
    """Judge every project of ``portfolio`` on ``as_of`` and roll the lights up.

    With ``lenient``, a project that cannot be judged (no plan for the year)
    is shown as not judged, with the error as its reason, instead of stopping
    the whole roll-up: what a portfolio report wants.

    Raises:
        ValidationError: ``as_of`` is not a date or ``year`` not a whole number
            from 1900 to 2200 (even if ``lenient``); as :func:`judge`, naming the
            project (unless ``lenient``).
        PolicyError: ``policy`` is not a :class:`LightPolicy`.

    >>> from projpush.model import Portfolio, Project
    >>> mk = lambda key, done: Project(name=key, level="city", category="industry",
    ...     stage="under_construction", region="金普新区", unit="市发改委", local_id=key,
    ...     monthly_plan={"2020-01": "10", "2020-02": "10"},
    ...     monthly_done={"2020-01": done, "2020-02": done})
    >>> r = judge_portfolio(Portfolio(projects=(mk("A", "10"), mk("B", "5"))), dt.date(2020, 2, 29))
    >>> r.counts, [v.project for v in r.yellow]
    (LightCounts(green=1, yellow=1, red=0, not_judged=0), ['B'])
    """
    instance_arg(portfolio, Portfolio, "portfolio")
    chosen = _default(policy)
    day = _effective(as_of, year)
    judge_one = _lenient(chosen) if lenient else chosen.judge
    verdicts = tuple(judge_one(p, day) for p in portfolio.projects)
    return Rollup(day, chosen.name, verdicts, portfolio)


def _lenient(policy: LightPolicy) -> Callable[[Project, dt.date], Verdict]:
    """``policy.judge`` that turns a project's ValidationError into a not-judged verdict."""

    def judge_one(project: Project, as_of: dt.date) -> Verdict:
        try:
            return policy.judge(project, as_of)
        except ValidationError as error:
            return _no_plan_verdict(project, as_of, policy.name, error)

    return judge_one


def _no_plan_verdict(project: Project, as_of: dt.date, policy: str, error: Exception) -> Verdict:
    """The not-judged verdict of a lenient roll-up for a project that cannot be judged."""
    reason = Reason("scope", "no_plan", figures={"error": str(error), "year": as_of.year})
    return Verdict(project.key, as_of, None, (reason,), policy)


def _judge_with_map(
    portfolio: Portfolio, as_of: dt.date, policy: LightPolicy
) -> tuple[Rollup, LightMap]:
    """``judge_portfolio`` at ``as_of`` and ``light_map`` of its year up to ``as_of``, lenient.

    Equal to calling the two; a :class:`LagPolicy` reads each project's year
    and computes its streaks once for both, as a monthly report wants.

    Raises:
        As :func:`judge_portfolio` and :func:`light_map` with ``lenient``.
    """
    chosen = _default(policy)
    if not isinstance(chosen, LagPolicy):
        return (
            judge_portfolio(portfolio, as_of, chosen, lenient=True),
            light_map(portfolio, as_of.year, chosen, lenient=True, as_of=as_of),
        )
    day = _effective(as_of, None)
    year = year_arg(day.year, "year")
    items = portfolio.projects
    judge_and_codes = chosen._judge_and_codes  # noqa: SLF001 (the policy's own fast path)
    table = chosen._streak_codes()  # noqa: SLF001
    pairs = [judge_and_codes(p, day, table) for p in items]
    verdicts = tuple(v for v, _ in pairs)
    codes = tuple(c for _, (c, _) in pairs)
    severities = tuple(s for _, (_, s) in pairs)
    rollup = Rollup(day, chosen.name, verdicts, portfolio)
    return rollup, _up_to(LightMap(year, chosen, tuple(items), codes, severities), day)
