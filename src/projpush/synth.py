"""Seeded generators of realistic portfolios: the bundled sample city and benchmark ledgers.

:func:`sample_portfolio` builds the small city that ``projpush demo`` reports
on: a prefecture-level city modelled on the seeds (division 330200, eight
districts and counties), fifty key projects (重点项目) of every level,
category and stage, with monthly plans and actuals, node tasks, start-up
approvals, camera observations, guarantor leaders, service secretaries, task
forces and a problem list (问题清单) of fifty issues in every state, as of
:data:`SAMPLE_AS_OF`. It is fixed data: every call returns an equal value.

:func:`synthetic_portfolio` builds ledgers of any size for benchmarks, with
the same shape drawn from a seeded :class:`random.Random`.

Money is 万元, whole amounts, as monthly reports give them. Deadlines are
working days on the official 2020 calendar (:data:`CALENDAR_2020`, the State
Council's 2020 holiday notice typed in), so the sample needs no optional
dependency.

>>> p = sample_portfolio()
>>> len(p.projects), len(p.issues), SAMPLE_AS_OF
(50, 50, datetime.date(2020, 10, 31))
>>> p.issue("Q-2020-001").deadline  # assigned Tuesday 2020-09-29, 5 working days
datetime.date(2020, 10, 13)
"""

from __future__ import annotations

import datetime as dt
import functools
import random
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final, cast

import attrs

from projpush._convert import FrozenMap
from projpush._gc import no_cycle_collection
from projpush.errors import CalendarCoverageError, ValidationError
from projpush.model import (
    ApprovalItem,
    ApprovalKind,
    Cadence,
    Category,
    Contact,
    Difficulty,
    EventKind,
    Issue,
    IssueCategory,
    IssueEvent,
    IssueState,
    Leader,
    LeaderRank,
    Level,
    Milestone,
    Month,
    Portfolio,
    Project,
    ProjectCode,
    Secretary,
    SheetColor,
    SiteObservation,
    Stage,
    StageEvent,
    StageEventKind,
    TaskForce,
    Unit,
)
from projpush.schedule import HolidayCalendar, add_working_days, last_complete_month

if TYPE_CHECKING:
    from collections.abc import Callable, Container, Iterable, Iterator, Sequence

    from projpush.schedule import WorkingCalendar

__all__ = [
    "CALENDAR_2020",
    "SAMPLE_AS_OF",
    "SAMPLE_POLICY",
    "SAMPLE_TIERS",
    "sample_portfolio",
    "synthetic_portfolio",
]

SAMPLE_AS_OF: Final = dt.date(2020, 10, 31)
"""The date the sample ledger stands at: the end of October 2020."""

SAMPLE_TIERS: Final = ("unit", "city_office", "city_leader")
"""The tiers the sample's issues climb: Ningbo's three-level coordination (三级协调机制),
as ``projpush.escalation.Ladder.ningbo()`` names them: responsible unit → city
key-project office (市重点办) → city leader."""

SAMPLE_POLICY: Final = "ningbo@1"
"""The escalation policy version the sample's issues record on assignment."""

_D = dt.date
CALENDAR_2020: Final = HolidayCalendar(
    years=range(2020, 2021),
    holidays={
        _D(2020, 1, 1),
        *(_D(2020, 1, d) for d in (24, 27, 28, 29, 30, 31)),  # 春节, extended for the epidemic
        _D(2020, 4, 6),
        *(_D(2020, 5, d) for d in (1, 4, 5)),
        _D(2020, 6, 25),
        _D(2020, 6, 26),
        *(_D(2020, 10, d) for d in (1, 2, 5, 6, 7, 8)),
    },
    workdays={
        _D(2020, 1, 19),
        _D(2020, 4, 26),
        _D(2020, 5, 9),
        _D(2020, 6, 28),
        _D(2020, 9, 27),
        _D(2020, 10, 10),
    },
    name="official 2020 calendar (国务院办公厅 2020 notice)",
)
"""The Chinese official working-day calendar for 2020 alone (weekdays off, 调休 Saturdays on)."""

_YEAR: Final = 2020
# Per-mille share of an annual plan by month: slow around the Spring Festival
# (and the 2020 epidemic stop), heavier towards the year-end push.
_MONTH_WEIGHTS: Final = (40, 30, 70, 85, 90, 95, 90, 90, 95, 95, 100, 120)

_REGIONS: Final = (
    ("海曙区", "330203"),
    ("江北区", "330205"),
    ("北仑区", "330206"),
    ("镇海区", "330211"),
    ("鄞州区", "330212"),
    ("奉化区", "330213"),
    ("余姚市", "330281"),
    ("宁海县", "330226"),
)
_DIVISION: Final = dict(_REGIONS)
_CITY_DIVISION: Final = "330200"

_LEVELS: Final = {"P": Level.PROVINCE, "C": Level.CITY, "X": Level.COUNTY, "T": Level.TOWN}
_CATEGORIES: Final = {
    "I": Category.INFRASTRUCTURE,
    "N": Category.INDUSTRY,
    "S": Category.SERVICES,
    "L": Category.SOCIAL,
}
_STAGES: Final = {
    "pl": Stage.PLANNED,
    "rs": Stage.RESERVED,
    "uc": Stage.UNDER_CONSTRUCTION,
    "sp": Stage.SUSPENDED,
    "cp": Stage.COMPLETED,
}
# National-code sector and type by category: type 01 审批 (government
# investment), 03 备案 (enterprise investment).
_SECTOR: Final = {
    Category.INFRASTRUCTURE: ("48", "01"),
    Category.INDUSTRY: ("39", "03"),
    Category.SERVICES: ("72", "03"),
    Category.SOCIAL: ("84", "01"),
}

# --------------------------------------------------------------------------- the sample city

# name, level, category, stage, region, responsible unit, total 万元, profile.
# Profiles of projects in progress: green (on track), yellow (the last two
# months lag), yellowgap (September lags, October unreported), red (three or
# more months lag), gap (one month unreported mid-year, on track otherwise),
# new:MM (started in month MM of 2020, on track). "L" marks a local id only.
_SAMPLE: Final = (
    ("机场快速路南延工程", "C", "I", "uc", "海曙区", "市交通局", 586000, "new:02 cam"),
    ("三官堂大桥及接线工程", "C", "I", "uc", "江北区", "市住建局", 312000, "green cam covid"),
    ("轨道交通3号线一期", "P", "I", "uc", "鄞州区", "市轨道交通集团", 2150000, "yellow cam covid"),
    ("甬金铁路宁波段", "P", "I", "uc", "鄞州区", "市发改委", 1260000, "red cam idle"),
    ("鄞州大道快速路", "C", "I", "uc", "鄞州区", "市交通局", 890000, "yellowgap"),
    ("宁海抽水蓄能电站", "P", "I", "uc", "宁海县", "市发改委", 798000, "new:06"),
    ("甬江建闸工程", "C", "I", "pl", "江北区", "市水利局", 1500000, "L"),
    ("舜宇光电二期", "P", "N", "uc", "余姚市", "市经信局", 420000, "green cam"),
    ("吉利春晓整车项目", "P", "N", "uc", "北仑区", "市经信局", 1150000, "green covid"),
    ("奥克斯智能空调项目", "C", "N", "uc", "鄞州区", "市经信局", 218900, "new:03"),
    ("中车产业基地", "C", "N", "uc", "鄞州区", "鄞州区人民政府", 365000, "red covid"),
    ("超霸电池新厂区", "X", "N", "rs", "鄞州区", "鄞州区人民政府", 86000, ""),
    ("智能装备产业园一期", "X", "N", "uc", "北仑区", "北仑区人民政府", 152000, "green"),
    ("集成电路封测基地", "C", "N", "uc", "北仑区", "市经信局", 510000, "yellow cam"),
    ("新材料产业基地二期", "X", "N", "uc", "镇海区", "镇海区人民政府", 134000, "green covid"),
    ("石化新材料一体化项目", "P", "N", "uc", "镇海区", "市发改委", 1680000, "green cam"),
    ("工业机器人生产基地", "X", "N", "uc", "余姚市", "余姚市人民政府", 96000, "gap"),
    ("精密轴承技改项目", "T", "N", "rs", "奉化区", "奉化区江口街道", 18500, ""),
    ("生物医药产业园", "C", "N", "uc", "海曙区", "市经信局", 230000, "red"),
    ("电子信息新材料项目", "X", "N", "uc", "宁海县", "宁海县人民政府", 188000, "new:02"),
    ("智能家电产业园", "X", "N", "uc", "余姚市", "余姚市人民政府", 124000, "green"),
    ("轨道车辆配套产业园", "X", "N", "cp", "江北区", "江北区人民政府", 67000, "done:07"),
    ("再生铝循环利用项目", "X", "N", "rs", "宁海县", "宁海县人民政府", 58000, ""),
    ("钛白粉技改项目", "T", "N", "sp", "镇海区", "镇海区澥浦镇", 32000, "stop:08"),
    ("食品加工新厂区", "T", "N", "sp", "奉化区", "奉化区萧王庙街道", 12800, "stop:09"),
    ("注塑装备扩建项目", "T", "N", "cp", "北仑区", "北仑区小港街道", 9600, "done:06"),
    ("汽车零部件生产线", "T", "N", "uc", "北仑区", "北仑区大碶街道", 15600, "green"),
    ("光伏组件扩产项目", "X", "N", "uc", "宁海县", "宁海县人民政府", 76000, "yellow"),
    ("通用航空产业基地", "C", "N", "pl", "宁海县", "市发改委", 800000, "L"),
    ("东部新城银泰城", "C", "S", "cp", "鄞州区", "市商务局", 260000, "done:09"),
    ("四明金融小镇", "X", "S", "uc", "鄞州区", "鄞州区人民政府", 145000, "green"),
    ("宁波国家保险创新产业园核心区", "C", "S", "uc", "鄞州区", "市金融办", 198000, "gap"),
    ("南部商务区二期", "X", "S", "cp", "鄞州区", "鄞州区人民政府", 176000, "done:09"),
    ("华侨城欢乐海岸", "C", "S", "uc", "镇海区", "市文广旅游局", 650000, "green cam covid"),
    ("宁波新世界广场", "X", "S", "uc", "海曙区", "海曙区人民政府", 420000, "red cam idle"),
    ("镇海i设计小镇", "X", "S", "uc", "镇海区", "镇海区人民政府", 88000, "green"),
    ("宁南贸易物流园区", "X", "S", "sp", "奉化区", "奉化区人民政府", 132000, "stop:07"),
    ("城市之光三期", "T", "S", "cp", "海曙区", "海曙区南门街道", 46000, "done:05"),
    ("宁波数字传媒基地", "C", "S", "uc", "江北区", "市文广旅游局", 158000, "green"),
    ("美康智能健康产业中心", "T", "S", "uc", "鄞州区", "鄞州区下应街道", 68000, "new:01"),
    ("冷链物流中心", "T", "S", "rs", "北仑区", "北仑区霞浦街道", 22000, ""),
    ("跨境电商产业园", "X", "S", "pl", "江北区", "江北区人民政府", 95000, "L"),
    ("宁大医学院附属医院原址改扩建工程", "C", "L", "uc", "江北区", "市卫健委", 186000, "gap"),
    ("奥体中心", "C", "L", "uc", "江北区", "市体育局", 520000, "green cam covid"),
    ("市疾控中心迁建工程", "C", "L", "uc", "海曙区", "市卫健委", 92000, "green"),
    ("宁海第一中学新校区", "X", "L", "rs", "宁海县", "宁海县人民政府", 110000, ""),
    ("桑家安置房", "T", "L", "uc", "鄞州区", "鄞州区首南街道", 78000, "green covid"),
    ("农村生活污水治理工程", "T", "L", "cp", "奉化区", "奉化区尚田街道", 8600, "done:08"),
    ("市儿童医院二期", "C", "L", "pl", "海曙区", "市卫健委", 240000, ""),
    ("小城镇环境综合整治", "T", "L", "uc", "宁海县", "宁海县西店镇", 24000, "red"),
)
# The README's example code belongs to the first project.
_FIRST_CODE: Final = "2020-330200-47-03-012345"
# Deliberate soft gaps for the integrity report (by project name).
_NO_LEADER: Final = "汽车零部件生产线"
_NO_SECRETARY: Final = "跨境电商产业园"
_CAMERA_IDLE: Final = {"甬金铁路宁波段": _D(2020, 10, 10), "宁波新世界广场": _D(2020, 10, 14)}

_CITY_LEADERS: Final = (
    ("王建国", "市长、市重大项目推进指挥部总指挥"),
    ("陈志明", "常务副市长、常务副总指挥"),
    ("刘海涛", "副市长(分管交通城建)"),
    ("张慧敏", "副市长(分管工业和信息化)"),
    ("周立新", "副市长(分管商贸金融)"),
    ("赵晓红", "副市长(分管教育卫生)"),
)
_VICE_MAYOR: Final = {
    Category.INFRASTRUCTURE: "刘海涛",
    Category.INDUSTRY: "张慧敏",
    Category.SERVICES: "周立新",
    Category.SOCIAL: "赵晓红",
}
_DISTRICT_LEADERS: Final = {
    "海曙区": ("孙伟", "副区长"),
    "江北区": ("马丽", "副区长"),
    "北仑区": ("黄磊", "区长"),
    "镇海区": ("吴敏", "副区长"),
    "鄞州区": ("郑涛", "区委常委、副区长"),
    "奉化区": ("何静", "副区长"),
    "余姚市": ("林峰", "副市长"),
    "宁海县": ("高翔", "副县长"),
}
_TOWN_LEADERS: Final = (
    "钱进",
    "蒋红",
    "沈立",
    "韩梅",
    "杨光",
    "朱斌",
    "秦岭",
    "许诺",
    "曹阳",
    "邓宁",
)
_SECRETARY_NAMES: Final = (
    "李明", "王芳", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄丽", "周涛", "吴刚",
    "徐婷", "孙浩", "胡斌", "朱琳", "高峰", "林晓", "何勇", "郭佳", "马超", "罗敏",
    "梁鹏", "宋雪", "郑凯", "谢丹", "韩冰", "唐亮", "冯雷", "于洁", "董宇", "萧然",
)  # fmt: skip
# How many projects each secretary of a region serves, in order; 北仑区's
# first secretary serves six, one over the default cap of five.
_SECRETARY_LOADS: Final = {"北仑区": (6,), "鄞州区": (1, 2, 3, 1, 1, 1, 2), "江北区": (1, 2, 1, 2)}

_TASK_FORCES: Final = (
    ("固定资产投资专班", "市发改委"),
    ("工业运行专班", "市经信局"),
    ("审批服务专班", "市审管办"),
    ("资金协调专班", "市财政局"),
    ("国土规划专班", "市自然资源和规划局"),
    ("征迁清零专班", "市住建局"),
)
_DEPARTMENTS: Final = (
    "市发改委",
    "市重点办",
    "市财政局",
    "市自然资源和规划局",
    "市生态环境局",
    "市审管办",
    "市住建局",
    "市交通局",
    "市经信局",
    "市商务局",
    "市金融办",
    "市文广旅游局",
    "市卫健委",
    "市体育局",
    "市水利局",
    "市轨道交通集团",
    "国网宁波供电公司",
    "市政府",
)
_ISSUE_UNIT: Final = {
    IssueCategory.FUNDS: "市财政局",
    IssueCategory.LAND: "市自然资源和规划局",
    IssueCategory.PLANNING: "市自然资源和规划局",
    IssueCategory.ENVIRONMENT: "市生态环境局",
    IssueCategory.ENERGY: "市发改委",
    IssueCategory.APPROVAL: "市审管办",
    IssueCategory.UTILITIES: "国网宁波供电公司",
    IssueCategory.OTHER: "市发改委",
}
_MILESTONES: Final = {
    Category.INFRASTRUCTURE: ("征迁清零", "施工许可证取得", "桩基工程完成", "主体结构完成"),
    Category.INDUSTRY: ("土地摘牌", "施工许可证取得", "主体厂房结顶", "设备安装调试"),
    Category.SERVICES: ("施工许可证取得", "地下室施工完成", "主体结顶", "幕墙工程完成"),
    Category.SOCIAL: ("施工许可证取得", "主体结构完成", "室内装修完成", "竣工验收"),
}
_APPROVALS: Final = (
    ("立项批复", ApprovalKind.PROJECT_APPROVAL, "市发改委"),
    ("用地预审", ApprovalKind.LAND_USE, "市自然资源和规划局"),
    ("建设工程规划许可证", ApprovalKind.PLANNING, "市自然资源和规划局"),
    ("环评批复", ApprovalKind.ENVIRONMENTAL, "市生态环境局"),
    ("节能审查", ApprovalKind.ENERGY, "市发改委"),
    ("施工许可证", ApprovalKind.CONSTRUCTION_PERMIT, "市住建局"),
)


@functools.cache
def sample_portfolio() -> Portfolio:
    """The bundled sample ledger (台账) of a fictional city, as of :data:`SAMPLE_AS_OF`.

    Fifty key projects in eight districts and counties of a city with
    division code 330200, of all four levels, all four categories (close to
    Dalian's 20/67/40/23 mix) and all five stages; fifty issues in every
    state. Three soft gaps are left on purpose for
    :func:`~projpush.model.integrity_report`: a town project with no
    guarantor leader, a planned project with no service secretary yet, and a
    secretary serving six projects. Every call returns the same value.

    >>> p = sample_portfolio()
    >>> sorted({x.level.value for x in p.projects})
    ['city', 'county', 'province', 'town']
    """
    rng = random.Random(20201031)  # noqa: S311 (sample data, not secrets)
    projects = [_sample_project(i, row, rng) for i, row in enumerate(_SAMPLE)]
    task_forces, projects = _sample_task_forces(projects)
    leaders = _sample_leaders(projects)
    secretaries = _sample_secretaries(projects, rng)
    issues = _sample_issues(projects, secretaries)
    units = _units(projects, issues)
    return Portfolio(
        projects=tuple(projects),
        leaders=tuple(leaders),
        secretaries=tuple(secretaries),
        issues=tuple(issues),
        units=tuple(units),
        task_forces=tuple(task_forces),
    )


def _sample_project(i: int, row: tuple[Any, ...], rng: random.Random) -> Project:
    name, lv, cat, st, region, unit, total, profile = row
    level, category, stage = _LEVELS[lv], _CATEGORIES[cat], _STAGES[st]
    flags = profile.split()
    code: str | None = None
    local_id: str | None = None
    if "L" in flags:
        local_id = f"MH-2020-{i + 1:03d}"  # 谋划 list number
    elif i == 0:
        code = _FIRST_CODE
    else:
        division = _CITY_DIVISION if level in (Level.PROVINCE, Level.CITY) else _DIVISION[region]
        sector, kind = _SECTOR[category]
        year = 2020 if stage in (Stage.PLANNED, Stage.RESERVED) else rng.choice((2017, 2018, 2019))
        code = f"{year}-{division}-{sector}-{kind}-{rng.randrange(1, 10**6):06d}"
    events, start_month, end_month = _stage_history(stage, flags, rng)
    total_wan = Decimal(total)
    annual: dict[int, Decimal] = {}
    plan: dict[Month, Decimal] = {}
    done: dict[Month, Decimal] = {}
    if stage not in (Stage.PLANNED, Stage.RESERVED):
        share = rng.randint(15, 35) if stage is not Stage.COMPLETED else rng.randint(8, 20)
        annual_int = total * share // 100
        months = [Month(_YEAR, m) for m in range(start_month, end_month + 1)]
        plan_int = dict(zip(months, _split(annual_int, start_month, end_month), strict=True))
        annual[_YEAR] = Decimal(annual_int)
        plan = {m: Decimal(v) for m, v in plan_int.items()}
        lag, unreported = _lag_months(flags, stage, events)
        through = min(Month.of(SAMPLE_AS_OF), Month(_YEAR, end_month))
        done = {m: Decimal(v) for m, v in _actuals(plan_int, lag, unreported, through, rng).items()}
    elif stage is Stage.RESERVED:
        annual[_YEAR] = Decimal(0)
    return Project(
        code=None if code is None else ProjectCode.parse(code),
        local_id=local_id,
        name=name,
        level=level,
        category=category,
        stage=stage,
        region=region,
        unit=unit,
        owner=f"{name}建设单位" if category is Category.INDUSTRY else None,
        total_investment=total_wan,
        annual_plans=FrozenMap(annual),
        monthly_plan=FrozenMap(plan),
        monthly_done=FrozenMap(done),
        milestones=_sample_milestones(category, stage, flags, events, rng),
        approvals=_sample_approvals(stage, events, rng),
        stage_events=tuple(events),
        site_activity=_sample_site(name, flags),
    )


def _flag(flags: Sequence[str], prefix: str) -> int | None:
    return next((int(f.split(":")[1]) for f in flags if f.startswith(prefix + ":")), None)


def _stage_history(
    stage: Stage, flags: Sequence[str], rng: random.Random
) -> tuple[list[StageEvent], int, int]:
    """Stage events leading to ``stage``, and the first and last month planned in 2020."""
    if stage in (Stage.PLANNED, Stage.RESERVED):
        return [], 1, 12
    new = _flag(flags, "new")
    if new is not None:
        day = 26 if new == 2 else rng.randint(5, 25)  # 2月26日: a集中开工 day
        return [StageEvent(StageEventKind.STARTED, _D(_YEAR, new, day), "集中开工")], new, 12
    started = _D(rng.choice((2018, 2019)), rng.randint(3, 11), rng.randint(1, 28))
    events = [StageEvent(StageEventKind.STARTED, started)]
    if "covid" in flags:
        events.append(StageEvent(StageEventKind.SUSPENDED, _D(2020, 1, 23), "春节及疫情停工"))
        events.append(StageEvent(StageEventKind.RESUMED, _D(2020, 2, rng.randint(17, 28)), "复工"))
    stop = _flag(flags, "stop")
    if stop is not None:
        events.append(StageEvent(StageEventKind.SUSPENDED, _D(_YEAR, stop, rng.randint(3, 20))))
        return events, 1, 12
    finished = _flag(flags, "done")
    if finished is not None:
        events.append(
            StageEvent(
                StageEventKind.COMPLETED, _D(_YEAR, finished, rng.randint(10, 28)), "竣工验收"
            )
        )
        return events, 1, finished
    return events, 1, 12


def _lag_months(
    flags: Sequence[str], stage: Stage, events: Sequence[StageEvent]
) -> tuple[set[int], set[int]]:
    """Months (numbers) that lag and months left unreported, by profile."""
    if "yellow" in flags:
        return {9, 10}, set()
    if "yellowgap" in flags:
        return {9}, {10}
    if "red" in flags:
        return {7, 8, 9, 10}, set()
    if "gap" in flags:
        return set(), {6}
    if stage is Stage.SUSPENDED:
        return set(range(events[-1].on.month, 13)), set()
    return set(), set()


def _actuals(
    plan: dict[Month, int],
    lag: set[int],
    unreported: set[int],
    through: Month,
    rng: random.Random,
) -> dict[Month, int]:
    """The sample's monthly completed amounts through ``through`` (see :func:`_cumulative_done`)."""
    planned = ((m, plan[m]) for m in sorted(plan) if m <= through)
    return dict(_cumulative_done(planned, lag, unreported, rng.randint))


def _cumulative_done(
    plan: Iterable[tuple[Month, int]],
    lag: Container[int],
    unreported: Container[int],
    per_mille: Callable[[int, int], int],
) -> Iterator[tuple[Month, int]]:
    """Monthly completed amounts whose cumulative total meets or misses the plan as asked.

    A meeting month brings the year-to-date total to 100–104 % of the plan
    to date (a little under 102 % before a lagging month, so the lag shows);
    a lagging month leaves it at 80–93 %, never going backwards. Months in
    ``unreported`` get no amount. ``per_mille(low, high)`` draws a whole
    number from ``low`` to ``high``.
    """
    cum_plan = cum_done = 0
    for month, amount in plan:
        cum_plan += amount
        if month.month in unreported:
            continue
        if month.month in lag:
            target = max(cum_done, cum_plan * per_mille(800, 930) // 1000)
        else:
            high = 1015 if month.month + 1 in lag else 1040
            target = max(cum_done, cum_plan, cum_plan * per_mille(1000, high) // 1000)
        yield month, target - cum_done
        cum_done = target


def _sample_milestones(
    category: Category,
    stage: Stage,
    flags: Sequence[str],
    events: Sequence[StageEvent],
    rng: random.Random,
) -> tuple[Milestone, ...]:
    if stage in (Stage.PLANNED, Stage.RESERVED):
        return ()
    names: tuple[str, ...] = _MILESTONES[category]
    start = max(events[0].on, _D(_YEAR, 1, 1))
    planned = [
        _D(_YEAR, 3, 31),
        _D(_YEAR, 6, 30),
        _D(_YEAR, 9, 30),
        _D(_YEAR, 12, 15),
    ]
    if stage is Stage.COMPLETED:
        # Everything up to completion was done; acceptance (竣工验收) on the day.
        end = events[-1].on
        planned = [d for d in planned[:3] if start < d < end] + [end]
        names = (*names[: len(planned) - 1], "竣工验收")
    out = []
    for k, (name, due) in enumerate(zip(names, planned, strict=True)):
        if due <= start:
            continue
        window_start = max(start, planned[k - 1] if k else start)
        late = ("red" in flags or stage is Stage.SUSPENDED) and k == 2
        slow = "yellow" in flags and k == 2
        if due > SAMPLE_AS_OF:
            behind = "yellow" in flags or "red" in flags
            percent = Decimal(rng.randint(20, 40) if behind else rng.randint(55, 80))
            out.append(Milestone(name, due, start=window_start, percent=percent))
        elif late:
            out.append(Milestone(name, due, start=window_start, percent=Decimal(60)))
        elif slow:
            out.append(Milestone(name, due, start=window_start, done=_D(_YEAR, 10, 20)))
        else:
            done = due - dt.timedelta(days=rng.randint(0, 12))
            out.append(Milestone(name, due, start=window_start, done=max(done, window_start)))
    return tuple(out)


def _sample_approvals(
    stage: Stage, events: Sequence[StageEvent], rng: random.Random
) -> tuple[ApprovalItem, ...]:
    if stage is Stage.PLANNED:
        name, kind, authority = _APPROVALS[0]
        return (ApprovalItem(name, kind, authority, applied=_D(2020, 9, 21)),)
    if stage is Stage.RESERVED:
        granted = rng.randint(2, 4)
        items = []
        for k, (name, kind, authority) in enumerate(_APPROVALS):
            applied = _D(2020, 3 + k, rng.randint(1, 20))
            got = applied + dt.timedelta(days=rng.randint(3, 30)) if k < granted else None
            items.append(
                ApprovalItem(
                    name, kind, authority, applied=applied, granted=got, one_trip=k % 2 == 0
                )
            )
        return tuple(items)
    start = events[0].on
    if start.year < _YEAR:
        return ()
    items = []
    for k, (name, kind, authority) in enumerate(_APPROVALS):
        applied = start - dt.timedelta(days=90 - 12 * k)
        got = applied + dt.timedelta(days=rng.randint(2, 10))
        items.append(
            ApprovalItem(name, kind, authority, applied=applied, granted=got, one_trip=k != 1)
        )
    return tuple(items)


def _sample_site(name: str, flags: Sequence[str]) -> tuple[SiteObservation, ...]:
    if "cam" not in flags:
        return ()
    idle_from = _CAMERA_IDLE.get(name)
    out = []
    for day in range(1, 32):
        on = _D(2020, 10, day)
        holiday = on <= _D(2020, 10, 3)  # sites idle for the first days of National Day
        idle = holiday or (idle_from is not None and on >= idle_from)
        out.append(SiteObservation(on, not idle))
    return tuple(out)


def _sample_task_forces(projects: list[Project]) -> tuple[list[TaskForce], list[Project]]:
    def pick(p: Project) -> str | None:
        if p.stage in (Stage.PLANNED, Stage.RESERVED):
            return "审批服务专班"
        if p.category is Category.INDUSTRY and p.level is not Level.TOWN:
            return "工业运行专班"
        if p.level is Level.PROVINCE or p.category is Category.INFRASTRUCTURE:
            return "固定资产投资专班"
        if p.name in ("桑家安置房", "宁波新世界广场", "鄞州大道快速路"):
            return "征迁清零专班"
        if p.stage is Stage.SUSPENDED:
            return "资金协调专班"
        return None

    chosen = [pick(p) for p in projects]
    updated = [
        p if tf is None else attrs.evolve(p, task_force=tf)
        for p, tf in zip(projects, chosen, strict=True)
    ]
    forces = [
        TaskForce(
            name,
            lead=lead,
            members=(lead, "市重点办"),
            projects=tuple(p.key for p, tf in zip(updated, chosen, strict=True) if tf == name),
        )
        for name, lead in _TASK_FORCES
    ]
    return forces, updated


def _sample_leaders(projects: list[Project]) -> list[Leader]:
    guaranteed: dict[str, list[str]] = {}

    def add(leader: str, p: Project) -> None:
        guaranteed.setdefault(leader, []).append(p.key)

    towns: dict[str, str] = {}
    for p in projects:
        if p.level is Level.PROVINCE:
            add("王建国", p)
        if p.level in (Level.PROVINCE, Level.CITY):
            add(_VICE_MAYOR[p.category], p)
            if p.stage is Stage.PLANNED:
                add("陈志明", p)
        elif p.level is Level.COUNTY:
            add(_DISTRICT_LEADERS[p.region][0], p)
        elif p.name != _NO_LEADER:
            leader = towns.setdefault(p.unit, _TOWN_LEADERS[len(towns)])
            add(leader, p)
    leaders = [
        Leader(name, LeaderRank.CITY, role, tuple(guaranteed.get(name, ())))
        for name, role in _CITY_LEADERS
    ]
    leaders += [
        Leader(name, LeaderRank.DISTRICT, f"{region}{role}", tuple(guaranteed[name]))
        for region, (name, role) in _DISTRICT_LEADERS.items()
        if name in guaranteed
    ]
    leaders += [
        Leader(name, LeaderRank.TOWN, f"{unit}主要负责人", tuple(guaranteed[name]))
        for unit, name in towns.items()
    ]
    return leaders


def _sample_secretaries(projects: list[Project], rng: random.Random) -> list[Secretary]:
    names = iter(_SECRETARY_NAMES)
    out: list[Secretary] = []
    for region, _division in _REGIONS:
        served = [p for p in projects if p.region == region and p.name != _NO_SECRETARY]
        loads = list(_SECRETARY_LOADS.get(region, ()))
        while served:
            size = loads.pop(0) if loads else 1 if len(served) % 2 else 2
            group, served = served[:size], served[size:]
            name = next(names)
            unit = group[0].unit if group[0].level is Level.TOWN else f"{region}发改局"
            if group[0].level in (Level.PROVINCE, Level.CITY):
                unit = "市发改委"
            cadences = {p.key: Cadence.DAILY for p in group if p.level is Level.PROVINCE}
            contacts = [c for p in group for c in _contacts(p, cadences, len(out), rng)]
            out.append(
                Secretary(
                    name,
                    unit,
                    tuple(p.key for p in group),
                    cadences=FrozenMap(cadences),
                    contacts=tuple(contacts),
                )
            )
    return out


def _contacts(
    p: Project, cadences: dict[str, Cadence], n: int, rng: random.Random
) -> list[Contact]:
    """October's contact log of one project: on cadence, except every seventh secretary."""
    daily = p.key in cadences
    if n % 7 == 3:  # a few secretaries have let contact lapse
        last = _D(2020, 10, rng.randint(6, 16))
    else:
        last = _D(2020, 10, 30 if daily else rng.randint(26, 30))
    step = 1 if daily else 7
    days = [last - dt.timedelta(days=step * k) for k in range(4 if daily else 3)]
    modes = ("visit", "phone", "wechat")
    return [Contact(p.key, d, modes[(d.day + n) % 3]) for d in sorted(days)]


# --------------------------------------------------------------------------- sample issues

# project name, category, difficulty (g/d), title, script, collected on, party if paused.
_ISSUES: Final = (
    ("机场快速路南延工程", "land", "g", "林地调规手续未批", "closed", "2020-09-28"),
    (
        "三官堂大桥及接线工程",
        "demolition",
        "d",
        "桥位北岸3户民房征迁未清零",
        "closed_difficult",
        "2020-03-10",
    ),
    ("三官堂大桥及接线工程", "utilities", "g", "高压线迁改滞后", "closed", "2020-05-12"),
    ("轨道交通3号线一期", "demolition", "d", "车站地块征迁扫尾", "escalated", "2020-09-14"),
    ("轨道交通3号线一期", "planning", "g", "出入口规划方案调整", "resolved", "2020-10-19"),
    ("甬金铁路宁波段", "land", "d", "新增建设用地指标不足", "paused", "2020-08-17", "省自然资源厅"),
    ("甬金铁路宁波段", "funds", "d", "地方配套资金缺口", "escalated_leader", "2020-08-03"),
    (
        "鄞州大道快速路",
        "demolition",
        "d",
        "沿线厂房拆迁补偿未谈妥",
        "in_progress_yellow",
        "2020-09-21",
    ),
    ("鄞州大道快速路", "utilities", "g", "市政管网迁改配合慢", "closed_late", "2020-06-08"),
    ("宁海抽水蓄能电站", "approval", "g", "核准批复办理", "closed", "2020-04-20"),
    (
        "宁海抽水蓄能电站",
        "environment",
        "g",
        "水土保持方案批复",
        "closed_paused",
        "2020-05-06",
        "水利部太湖流域管理局",
    ),
    ("舜宇光电二期", "approval", "g", "厂房施工许可证办理", "closed", "2020-03-02"),
    ("舜宇光电二期", "energy", "d", "新增能耗指标缺口", "closed_escalated", "2020-06-15"),
    ("吉利春晓整车项目", "utilities", "g", "供电不稳定易闪断", "closed", "2020-07-06"),
    ("吉利春晓整车项目", "planning", "g", "试车跑道规划条件调整", "in_progress", "2020-10-20"),
    ("奥克斯智能空调项目", "funds", "g", "银行授信审批慢", "closed", "2020-04-13"),
    ("奥克斯智能空调项目", "utilities", "g", "双回路供电未落实", "assigned", "2020-10-26"),
    ("中车产业基地", "land", "g", "三大招商地块土地摘牌", "closed_rejected", "2020-05-18"),
    ("中车产业基地", "funds", "d", "电车采购资金未落实", "escalated", "2020-09-07"),
    ("中车产业基地", "other", "g", "充电设施建设主体未明确", "closed", "2020-06-22"),
    ("超霸电池新厂区", "environment", "g", "环评批复未取得", "in_progress", "2020-10-16"),
    ("超霸电池新厂区", "land", "g", "用地预审材料退回", "collected", "2020-10-29"),
    ("集成电路封测基地", "energy", "g", "节能审查意见未出", "in_progress_yellow", "2020-09-24"),
    (
        "集成电路封测基地",
        "utilities",
        "g",
        "110千伏变电站配套滞后",
        "paused",
        "2020-10-12",
        "省电力公司",
    ),
    (
        "石化新材料一体化项目",
        "environment",
        "d",
        "污染物排放总量替代指标不足",
        "closed_difficult",
        "2020-04-08",
    ),
    (
        "石化新材料一体化项目",
        "energy",
        "d",
        "能耗指标省级统筹",
        "closed_paused",
        "2020-03-16",
        "省发改委",
    ),
    ("工业机器人生产基地", "approval", "g", "消防设计审查未通过", "closed", "2020-08-10"),
    ("精密轴承技改项目", "approval", "g", "技改项目备案变更", "collected", "2020-10-30"),
    ("生物医药产业园", "funds", "d", "专项债券资金未到位", "escalated", "2020-08-24"),
    ("生物医药产业园", "planning", "g", "实验楼容积率调整", "in_progress", "2020-10-21"),
    ("电子信息新材料项目", "demolition", "g", "施工现场青苗赔偿", "closed", "2020-02-17"),
    ("电子信息新材料项目", "land", "g", "供地手续办理", "closed", "2020-02-10"),
    ("再生铝循环利用项目", "energy", "d", "能耗空间不足", "paused", "2020-09-28", "省发改委"),
    (
        "钛白粉技改项目",
        "environment",
        "d",
        "环境容量不足被责令停工",
        "in_progress_yellow",
        "2020-09-01",
    ),
    ("食品加工新厂区", "funds", "g", "企业资金链紧张", "assigned", "2020-10-27"),
    ("光伏组件扩产项目", "utilities", "g", "并网接入方案未批", "resolved", "2020-10-14"),
    ("通用航空产业基地", "planning", "d", "空域使用论证", "collected", "2020-10-28"),
    ("东部新城银泰城", "approval", "g", "商业部分竣工验收备案", "closed", "2020-08-31"),
    (
        "宁波国家保险创新产业园核心区",
        "other",
        "g",
        "招商入驻企业办公用房配套",
        "closed",
        "2020-07-20",
    ),
    ("华侨城欢乐海岸", "land", "g", "二期地块出让时序", "resolved", "2020-10-15"),
    ("宁波新世界广场", "demolition", "d", "地块东侧违建拆除", "in_progress", "2020-10-09"),
    ("宁波新世界广场", "funds", "g", "总包工程款拖欠", "assigned", "2020-10-28"),
    ("宁南贸易物流园区", "funds", "d", "融资对接未落实导致停工", "escalated", "2020-08-10"),
    ("城市之光三期", "approval", "g", "规划核实手续", "closed", "2020-04-27"),
    ("宁波数字传媒基地", "utilities", "g", "市政管网配套未接通", "closed_late", "2020-07-13"),
    ("宁大医学院附属医院原址改扩建工程", "approval", "g", "施工图审查提速", "closed", "2020-06-01"),
    ("市疾控中心迁建工程", "utilities", "g", "配套管网施工问题", "resolved", "2020-10-13"),
    ("宁海第一中学新校区", "land", "g", "土地征收报批", "assigned", "2020-10-23"),
    ("桑家安置房", "demolition", "d", "地块拆迁扫尾", "closed_difficult", "2020-05-11"),
    ("小城镇环境综合整治", "funds", "g", "整治项目资金拨付慢", "in_progress", "2020-10-22"),
)


def _sample_issues(projects: list[Project], secretaries: list[Secretary]) -> list[Issue]:
    by_name = {p.name: p for p in projects}
    secretary_of = {k: s.name for s in secretaries for k in s.projects}
    leaders = {p.key: _VICE_MAYOR[p.category] for p in projects}
    out = []
    for n, (name, category, diff, title, script, on, *party) in enumerate(_ISSUES, start=1):
        p = by_name[name]
        by = secretary_of.get(p.key)
        raised_by = f"服务秘书 {by}" if by and n % 4 else f"第{'一二三四五六七'[n % 7]}巡回督导组"
        cat = IssueCategory(category)
        first_owner = _issue_owner(p, cat)
        issue = Issue.collect(
            f"Q-2020-{n:03d}",
            p.key,
            category=cat,
            title=title,
            on=dt.date.fromisoformat(on),
            by=raised_by,
            difficulty=Difficulty.DIFFICULT if diff == "d" else Difficulty.GENERAL,
        )
        out.append(_play(issue, script, first_owner, leaders[p.key], party[0] if party else ""))
    return out


def _issue_owner(p: Project, category: IssueCategory) -> str:
    if category is IssueCategory.DEMOLITION or p.level in (Level.COUNTY, Level.TOWN):
        return f"{p.region}人民政府"
    return _ISSUE_UNIT[category]


def _play(  # noqa: C901, PLR0911, PLR0912 (one line per script reads best)
    issue: Issue, script: str, owner: str, leader: str, party: str
) -> Issue:
    """Take ``issue`` through the steps a script names, on working-day dates."""
    cal = CALENDAR_2020
    difficult = issue.difficulty is Difficulty.DIFFICULT

    def wd(day: dt.date, n: int) -> dt.date:
        return add_working_days(day, n, calendar=cal)

    t = wd(issue.raised_on, 1)
    if script == "collected":
        return issue
    # A difficult issue first owes a work plan within 2 working days; a general one
    # is to be solved within 5.
    due = wd(t, 2 if difficult else 5)
    issue = issue.step(
        EventKind.ASSIGNED,
        t,
        "市重点办",
        tier="unit",
        owner=owner,
        deadline=due,
        policy=SAMPLE_POLICY,
        note=f"{'difficult issue: work plan' if difficult else 'general issue'}, due {due}",
    )
    issue = issue.step(EventKind.SHEET_ISSUED, t, "市重点办", sheet=SheetColor.BLUE)
    if script == "assigned":
        return issue
    t = wd(t, 1)
    issue = issue.step(EventKind.STARTED, t, owner)
    if difficult:
        t, due = wd(t, 1), wd(t, 15)
        issue = issue.step(EventKind.PLAN_SUBMITTED, t, owner, deadline=due, note="办理方案")
    if script == "in_progress":
        return issue
    if script == "in_progress_yellow":
        return _yellow(issue, due)[0]
    if script == "escalated":
        return _red(issue, due, owner)[0]
    if script == "escalated_leader":
        return _to_leader(issue, due, owner, leader)
    if script == "paused":
        return issue.step(EventKind.PAUSED, wd(t, 2), owner, party=party)
    if script == "resolved":
        return issue.step(EventKind.RESOLVED, wd(t, 3), owner)
    if script == "closed":
        return _close(issue.step(EventKind.RESOLVED, wd(t, 3), owner))
    if script == "closed_difficult":
        return _close(issue.step(EventKind.RESOLVED, wd(due, -1), owner))
    if script == "closed_late":
        return _close_after(*_yellow(issue, due), owner)
    if script == "closed_escalated":
        return _close_after(*_red(issue, due, owner), "市重点办")
    if script == "closed_rejected":
        return _rejected(issue, t, owner)
    return _close_paused(issue, t, owner, party)


def _yellow(issue: Issue, due: dt.date) -> tuple[Issue, dt.date]:
    """Miss the deadline: a yellow sheet the next working day and a renewed limit of 3."""
    t = add_working_days(due, 1, calendar=CALENDAR_2020)
    renewed = add_working_days(t, 3, calendar=CALENDAR_2020)
    issue = issue.step(EventKind.SHEET_ISSUED, t, "市重点办", sheet=SheetColor.YELLOW)
    issue = issue.step(EventKind.DEADLINE_SET, t, "市重点办", deadline=renewed, note="限期整改")
    return issue, renewed


def _red(issue: Issue, due: dt.date, owner: str) -> tuple[Issue, dt.date]:
    """Miss the renewed limit too: a red sheet, and the office takes it over (挂牌督办)."""
    issue, renewed = _yellow(issue, due)
    t = add_working_days(renewed, 1, calendar=CALENDAR_2020)
    limit = add_working_days(t, 10, calendar=CALENDAR_2020)
    issue = issue.step(EventKind.SHEET_ISSUED, t, "市重点办", sheet=SheetColor.RED)
    issue = issue.step(
        EventKind.ESCALATED,
        t,
        "市重点办",
        tier="city_office",
        owner="市重点办",
        deadline=limit,
        note=f"{owner}逾期未办结,挂牌督办",
    )
    return issue, limit


def _to_leader(issue: Issue, due: dt.date, owner: str, leader: str) -> Issue:
    issue, limit = _red(issue, due, owner)
    t = add_working_days(limit, 1, calendar=CALENDAR_2020)
    return issue.step(
        EventKind.ESCALATED,
        t,
        "市重点办",
        tier="city_leader",
        owner="市政府",
        deadline=add_working_days(t, 10, calendar=CALENDAR_2020),
        note=f"提请{leader}副市长专题协调",
    )


def _close(issue: Issue) -> Issue:
    t = add_working_days(issue.status.updated, 2, calendar=CALENDAR_2020)
    return issue.step(EventKind.CLOSED, t, "市重点办", note="核验销号")


def _close_after(issue: Issue, limit: dt.date, owner: str) -> Issue:
    t = add_working_days(limit, -1, calendar=CALENDAR_2020)
    return _close(issue.step(EventKind.RESOLVED, max(t, issue.status.updated), owner))


def _rejected(issue: Issue, t: dt.date, owner: str) -> Issue:
    t = add_working_days(t, 2, calendar=CALENDAR_2020)
    issue = issue.step(EventKind.RESOLVED, t, owner)
    t = add_working_days(t, 1, calendar=CALENDAR_2020)
    issue = issue.step(EventKind.REJECTED, t, "市重点办", note="现场核验:摘牌手续未完成")
    t = add_working_days(t, 2, calendar=CALENDAR_2020)
    return _close(issue.step(EventKind.RESOLVED, t, owner))


def _close_paused(issue: Issue, t: dt.date, owner: str, party: str) -> Issue:
    t = add_working_days(t, 1, calendar=CALENDAR_2020)
    issue = issue.step(EventKind.PAUSED, t, owner, party=party, note="等待上级审批")
    t = add_working_days(t, 12, calendar=CALENDAR_2020)
    issue = issue.step(EventKind.RESUMED, t, owner, note=f"{party}批复")
    t = add_working_days(t, 2, calendar=CALENDAR_2020)
    return _close(issue.step(EventKind.RESOLVED, t, owner))


def _units(projects: Iterable[Project], issues: Iterable[Issue]) -> list[Unit]:
    names = dict.fromkeys(_DEPARTMENTS)
    names.update(dict.fromkeys(p.unit for p in projects))
    names.update(dict.fromkeys(f"{region}人民政府" for region, _ in _REGIONS))
    names.update(dict.fromkeys(e.owner for i in issues for e in i.events if e.owner))
    regions = {region for region, _ in _REGIONS}
    out = []
    for name in names:
        region = next((r for r in regions if name.startswith(r)), None)
        kind = "department" if region is None else "district" if name.endswith("政府") else "town"
        out.append(Unit(name, region, kind))
    return out


# --------------------------------------------------------------------------- synthetic ledgers

# Shares drawn from the seeds: Binzhou's 94 province / 140 city / 169 county
# projects plus a town tier; Dalian's 20/67/40/23 categories.
_LEVEL_WEIGHTS: Final = (
    (Level.PROVINCE, 15),
    (Level.CITY, 25),
    (Level.COUNTY, 35),
    (Level.TOWN, 25),
)
_CATEGORY_WEIGHTS: Final = (
    (Category.INFRASTRUCTURE, 20),
    (Category.INDUSTRY, 67),
    (Category.SERVICES, 40),
    (Category.SOCIAL, 23),
)
_STAGE_WEIGHTS: Final = (
    (Stage.PLANNED, 5),
    (Stage.RESERVED, 10),
    (Stage.UNDER_CONSTRUCTION, 70),
    (Stage.SUSPENDED, 3),
    (Stage.COMPLETED, 12),
)
# Median total investment (万元) and spread of its logarithm, by level.
_SIZE: Final = {
    Level.PROVINCE: (400_000, 0.8),
    Level.CITY: (120_000, 0.8),
    Level.COUNTY: (40_000, 0.9),
    Level.TOWN: (8_000, 0.9),
}
_ISSUE_CATEGORY_WEIGHTS: Final = (
    (IssueCategory.FUNDS, 20),
    (IssueCategory.LAND, 18),
    (IssueCategory.PLANNING, 10),
    (IssueCategory.ENVIRONMENT, 8),
    (IssueCategory.ENERGY, 6),
    (IssueCategory.DEMOLITION, 14),
    (IssueCategory.APPROVAL, 14),
    (IssueCategory.UTILITIES, 10),
)
# Closed first: a year-to-date problem list is mostly closed (Binzhou: 88 %).
_STATE_WEIGHTS: Final = (
    (IssueState.CLOSED, 55),
    (IssueState.RESOLVED, 8),
    (IssueState.IN_PROGRESS, 12),
    (IssueState.ASSIGNED, 8),
    (IssueState.COLLECTED, 5),
    (IssueState.ESCALATED, 7),
    (IssueState.PAUSED, 5),
)
_TITLES: Final = {
    IssueCategory.FUNDS: ("配套资金缺口", "专项债券资金未到位", "银行授信审批慢"),
    IssueCategory.LAND: ("新增建设用地指标不足", "林地调规手续未批", "土地摘牌滞后"),
    IssueCategory.PLANNING: ("规划条件调整", "控规调整未批", "规划方案审查慢"),
    IssueCategory.ENVIRONMENT: ("环评批复未取得", "排放总量替代指标不足"),
    IssueCategory.ENERGY: ("能耗指标缺口", "节能审查未通过"),
    IssueCategory.DEMOLITION: ("地块征迁未清零", "拆迁补偿未谈妥", "青苗赔偿纠纷"),
    IssueCategory.APPROVAL: ("施工许可证办理慢", "消防设计审查未通过", "竣工验收备案"),
    IssueCategory.UTILITIES: ("供电不稳定", "市政管网配套滞后", "配套道路未建成"),
}
_ACTORS: Final = (
    "服务秘书",
    *(f"第{c}巡回督导组" for c in "一二三四五六七"),
    "项目单位",
)
_PARTIES: Final = ("省自然资源厅", "省发改委", "省生态环境厅", "省电力公司")


def _cumulative(pairs: Sequence[tuple[Any, int]]) -> tuple[list[Any], list[int]]:
    items, cum, total = [], [], 0
    for item, weight in pairs:
        total += weight
        items.append(item)
        cum.append(total)
    return items, cum


def synthetic_portfolio(
    n_projects: int,
    *,
    seed: int = 0,
    issues_per_project: int = 3,
    year: int = _YEAR,
    as_of: dt.date | None = None,
    calendar: WorkingCalendar | None = None,
) -> Portfolio:
    """A seeded, realistic ledger of ``n_projects`` projects, for benchmarks and tests.

    Levels, categories and stages follow the seeds' shares; total investment
    is log-normal by level; about 70 % of projects in progress keep to their
    monthly plan, the rest lag two months (yellow under the Ningbo rule),
    three or more (red), or miss a report. ``n_projects * issues_per_project``
    issues fall on random projects, in every state, with working-day
    deadlines on ``calendar``. Leaders, one service secretary per project
    (serving one to three) and task forces come with it. The same arguments
    always give an equal portfolio.

    Args:
        n_projects: how many projects (0 to 5,000,000).
        seed: the seed of the :class:`random.Random` drawing everything.
        issues_per_project: issues per project on average.
        year: the plan year.
        as_of: the date the ledger stands at; by default 31 October of ``year``.
        calendar: the working-day calendar for deadlines; by default
            :data:`CALENDAR_2020`, which covers 2020 only.

    Raises:
        ValidationError: a count is out of range, or ``as_of`` is not in ``year``.
        CalendarCoverageError: ``calendar`` has no data for ``year``.

    >>> p = synthetic_portfolio(200, seed=1)
    >>> len(p.projects), len(p.issues)
    (200, 600)
    """
    # Past 5,000,000 the registration years that keep codes unique would reach before 1990.
    if isinstance(n_projects, bool) or not isinstance(n_projects, int):
        raise ValidationError.about("n_projects", "a whole number from 0 to 5000000", n_projects)
    if not 0 <= n_projects <= 5_000_000:
        raise ValidationError.about("n_projects", "a whole number from 0 to 5000000", n_projects)
    if isinstance(issues_per_project, bool) or not isinstance(issues_per_project, int):
        raise ValidationError.about("issues_per_project", "a whole number >= 0", issues_per_project)
    if issues_per_project < 0:
        raise ValidationError.about("issues_per_project", "a whole number >= 0", issues_per_project)
    as_of = _D(year, 10, 31) if as_of is None else as_of
    if as_of.year != year:
        raise ValidationError.about("as_of", f"a date in {year}", as_of)
    cal = CALENDAR_2020 if calendar is None else calendar
    if year not in cal.years:
        name = getattr(cal, "name", type(cal).__name__)
        msg = (
            f"calendar: {name} has no working-day data for {year} "
            f"(covers {cal.years.start}–{cal.years.stop - 1}); pass a calendar covering it"
        )
        raise CalendarCoverageError(msg, field="calendar", expected=f"data for {year}", got=name)
    builder = _Synth(random.Random(seed), year, as_of, cal)  # noqa: S311 (data, not secrets)
    # Millions of acyclic values: the cycle collector would only rescan them, over and over.
    with no_cycle_collection():
        return builder.build(n_projects, issues_per_project)


class _Synth:
    """The state of one synthetic build: the random source and value pools."""

    def __init__(self, rng: random.Random, year: int, as_of: dt.date, cal: WorkingCalendar) -> None:
        self.rng = rng
        self.year = year
        self.as_of = as_of
        self.months = [Month(year, m) for m in range(1, 13)]
        last = last_complete_month(as_of)
        self.through = last.month if last.year == year else 0
        first = _D(year, 1, 1)
        days = [first + dt.timedelta(days=k) for k in range((_D(year, 12, 31) - first).days + 1)]
        self.workdays = [d for d in days if cal.is_working_day(d)]
        # Issues are raised early enough that every deadline stays inside the year.
        limit = min(as_of, _D(year, 11, 30))
        self.last = max(0, sum(d <= limit for d in self.workdays) - 1)
        self.events: dict[tuple[Any, ...], IssueEvent] = {}
        self.stage_events: dict[tuple[StageEventKind, dt.date], StageEvent] = {}
        self.decimals: dict[int, Decimal] = {}

    # ---- projects

    def build(self, n: int, per_project: int) -> Portfolio:
        rng = self.rng
        levels = _draw(rng, _LEVEL_WEIGHTS, n)
        categories = _draw(rng, _CATEGORY_WEIGHTS, n)
        stages = _draw(rng, _STAGE_WEIGHTS, n)
        regions = [_REGIONS[rng.randrange(len(_REGIONS))] for _ in range(n)]
        projects = [
            self.project(i, levels[i], categories[i], stages[i], regions[i]) for i in range(n)
        ]
        issues = self.issues(projects, n * per_project)
        forces = self.task_forces(projects)
        return Portfolio(
            projects=tuple(projects),
            leaders=tuple(self.leaders(projects)),
            secretaries=tuple(self.secretaries(projects)),
            issues=tuple(issues),
            units=tuple(_units(projects, ())),
            task_forces=tuple(forces),
        )

    def money(self, amount: int) -> Decimal:
        value = self.decimals.get(amount)
        if value is None:
            value = self.decimals[amount] = Decimal(amount)
        return value

    def stage_event(self, kind: StageEventKind, on: dt.date) -> StageEvent:
        key = (kind, on)
        event = self.stage_events.get(key)
        if event is None:
            event = self.stage_events[key] = StageEvent(kind, on)
        return event

    def project(
        self, i: int, level: Level, category: Category, stage: Stage, region: tuple[str, str]
    ) -> Project:
        rng, year = self.rng, self.year
        name, division = region
        median, sigma = _SIZE[level]
        total = max(500, int(median * rng.lognormvariate(0, sigma)))
        sector, kind = _SECTOR[category]
        code: ProjectCode | None = None
        local_id: str | None = None
        if stage is Stage.PLANNED and i % 2:
            local_id = f"MH-{year}-{i + 1:06d}"
        else:
            reg = year if stage in (Stage.PLANNED, Stage.RESERVED) else year - rng.randint(0, 3)
            div = _CITY_DIVISION if level in (Level.PROVINCE, Level.CITY) else division
            # Six digits of serial: past 999,999 projects the serials start again, four
            # registration years earlier (registrations span four years), so codes stay unique.
            block, serial = divmod(i, 999_999)
            code = ProjectCode(str(reg - 4 * block), div, sector, kind, f"{serial + 1:06d}")
        unit = f"{name}人民政府" if level in (Level.COUNTY, Level.TOWN) else _DEPARTMENTS[i % 15]
        events: tuple[StageEvent, ...] = ()
        plan: dict[Month, Decimal] = {}
        done: dict[Month, Decimal] = {}
        annual: dict[int, Decimal] = {}
        milestones: tuple[Milestone, ...] = ()
        if stage not in (Stage.PLANNED, Stage.RESERVED):
            events, last_month = self.history(stage)
            annual_int = total * rng.randint(10, 40) // 100
            plan_int = _split(annual_int, 1, last_month)
            annual = {year: self.money(annual_int)}
            plan = dict(zip(self.months, map(self.money, plan_int), strict=False))
            done = dict(self.actuals(plan_int, min(self.through, last_month), stage, events))
            milestones = self.milestones(category, rng.randrange(4))
        return Project(
            name=f"{name}{_TITLE_STEMS[category][i % 4]}{i + 1}号",
            level=level,
            category=category,
            stage=stage,
            region=name,
            unit=unit,
            code=code,
            local_id=local_id,
            total_investment=self.money(total),
            # Plain dicts: the model's converters freeze them (one map built, not two).
            annual_plans=cast("FrozenMap[int, Decimal]", annual),
            monthly_plan=cast("FrozenMap[Month, Decimal]", plan),
            monthly_done=cast("FrozenMap[Month, Decimal]", done),
            milestones=milestones,
            stage_events=events,
        )

    def history(self, stage: Stage) -> tuple[tuple[StageEvent, ...], int]:
        rng, year = self.rng, self.year
        last_month = 12
        started = self.stage_event(
            StageEventKind.STARTED,
            _D(year - rng.randint(1, 3), rng.randint(1, 12), rng.randint(1, 28)),
        )
        if stage is Stage.UNDER_CONSTRUCTION:
            return (started,), last_month
        month = rng.randint(1, max(1, self.through))
        on = min(_D(year, month, rng.randint(1, 28)), self.as_of)
        if stage is Stage.SUSPENDED:
            return (started, self.stage_event(StageEventKind.SUSPENDED, on)), last_month
        return (started, self.stage_event(StageEventKind.COMPLETED, on)), on.month

    def actuals(
        self, plan: list[int], through: int, stage: Stage, events: Sequence[StageEvent]
    ) -> list[tuple[Month, Decimal]]:
        rng = self.rng
        rnd = rng.random
        draw = rnd()
        lag: range | tuple[int, ...] = ()
        unreported = 0
        if stage is Stage.SUSPENDED:
            lag = range(events[-1].on.month, 13)
        elif draw < 0.10:
            lag = (through - 1, through)
        elif draw < 0.18:
            lag = range(through - rng.randint(2, 4), through + 1)
        elif draw < 0.23:
            unreported = rng.randint(1, through) if through else 0

        def per_mille(low: int, high: int) -> int:
            # random() scaled to whole steps: randint is several times slower.
            return low + int(rnd() * (high - low + 1))

        planned = zip(self.months[:through], plan, strict=False)
        money = self.money
        return [(m, money(v)) for m, v in _cumulative_done(planned, lag, (unreported,), per_mille)]

    @functools.cache  # noqa: B019 (one builder, a few dozen variants; freed with it)
    def milestones(self, category: Category, variant: int) -> tuple[Milestone, ...]:
        """Two node tasks shared by many projects: on time, late, overdue or open."""
        year, as_of = self.year, self.as_of
        first, second = _MILESTONES[category][1:3]
        due1, due2 = _D(year, 4, 30), _D(year, 9, 30)
        start = _D(year, 1, 1)
        one = Milestone(first, due1, start=start, done=min(due1, as_of) if as_of >= due1 else None)
        if variant == 0 or as_of < due2:
            two = Milestone(second, due2, start=due1, percent=Decimal(50))
        elif variant == 1:
            two = Milestone(second, due2, start=due1, done=due2)
        elif variant == 2:
            two = Milestone(second, due2, start=due1, done=min(as_of, due2 + dt.timedelta(days=20)))
        else:
            two = Milestone(second, due2, start=due1, percent=Decimal(70))
        return (one, two)

    # ---- people

    def leaders(self, projects: Sequence[Project]) -> list[Leader]:
        city: dict[str, list[str]] = {name: [] for name, _ in _CITY_LEADERS}
        district: dict[str, list[str]] = {}
        town: list[list[str]] = []
        for p in projects:
            if p.level in (Level.PROVINCE, Level.CITY):
                city[_VICE_MAYOR[p.category]].append(p.key)
                if p.level is Level.PROVINCE:
                    city["王建国"].append(p.key)
            elif p.level is Level.COUNTY:
                district.setdefault(p.region, []).append(p.key)
            else:
                if not town or len(town[-1]) >= 4:
                    town.append([])
                town[-1].append(p.key)
        out = [Leader(n, LeaderRank.CITY, r, tuple(city[n])) for n, r in _CITY_LEADERS]
        out += [
            Leader(f"{region}区县领导", LeaderRank.DISTRICT, "副区长", tuple(keys))
            for region, keys in district.items()
        ]
        out += [
            Leader(f"乡镇领导{k + 1:05d}", LeaderRank.TOWN, "镇长", tuple(keys))
            for k, keys in enumerate(town)
        ]
        return out

    def secretaries(self, projects: Sequence[Project]) -> list[Secretary]:
        rng = self.rng
        out: list[Secretary] = []
        i = 0
        while i < len(projects):
            group = projects[i : i + rng.choice((1, 1, 1, 2, 2, 3))]
            i += len(group)
            keys = tuple(p.key for p in group)
            cadences = {p.key: Cadence.DAILY for p in group if p.level is Level.PROVINCE}
            contact = Contact(
                keys[0], self.workdays[rng.randint(max(0, self.last - 15), self.last)], "visit"
            )
            out.append(
                Secretary(
                    f"服务秘书{len(out) + 1:06d}",
                    f"{group[0].region}发改局",
                    keys,
                    cadences=FrozenMap(cadences),
                    contacts=(contact,),
                )
            )
        return out

    def task_forces(self, projects: Sequence[Project]) -> list[TaskForce]:
        members: dict[str, list[str]] = {name: [] for name, _ in _TASK_FORCES}
        names = [name for name, _ in _TASK_FORCES]
        for k, p in enumerate(projects):
            if k % 3 == 0:
                members[names[k // 3 % len(names)]].append(p.key)
        return [
            TaskForce(name, lead=lead, members=(lead,), projects=tuple(members[name]))
            for name, lead in _TASK_FORCES
        ]

    # ---- issues

    def event(self, step: int, at: int, who: str, extra: Any = None) -> IssueEvent:
        """A pooled event of one of the steps in :data:`_STEP_KINDS` (equal events are shared).

        ``who`` is the actor (collection) or the owner unit; ``extra`` is the
        time limit in working days (assignment), the party (pause) or None.
        """
        key = (step, at, who, extra)
        event = self.events.get(key)
        if event is None:
            event = self.events[key] = self.make_event(step, at, who, extra)
        return event

    def make_event(  # noqa: PLR0911 (one return per step kind)
        self, step: int, at: int, who: str, extra: Any
    ) -> IssueEvent:
        kind, frm, to = _STEP_KINDS[step]
        day, office = self.workdays[at], "市重点办"
        if kind is EventKind.COLLECTED:
            return IssueEvent(day, kind, who, frm, to)
        if kind is EventKind.ASSIGNED:
            deadline = self.workdays[at + extra]
            return IssueEvent(
                day,
                kind,
                office,
                frm,
                to,
                tier="unit",
                owner=who,
                deadline=deadline,
                policy=SAMPLE_POLICY,
            )
        if kind is EventKind.PAUSED:
            return IssueEvent(day, kind, who, frm, to, party=extra)
        if kind is EventKind.SHEET_ISSUED:
            return IssueEvent(day, kind, office, frm, to, sheet=SheetColor.RED)
        if kind is EventKind.ESCALATED:
            deadline = self.workdays[at + 10]
            return IssueEvent(
                day, kind, office, frm, to, tier="city_office", owner=office, deadline=deadline
            )
        if kind is EventKind.CLOSED:
            return IssueEvent(day, kind, office, frm, to)
        return IssueEvent(day, kind, who, frm, to)  # started, resolved

    def issues(self, projects: Sequence[Project], count: int) -> list[Issue]:
        if not projects:
            return []
        rng = self.rng
        cats = _draw(rng, _ISSUE_CATEGORY_WEIGHTS, count)
        states = _draw(rng, _STATE_WEIGHTS, count)
        general, difficult = Difficulty.GENERAL, Difficulty.DIFFICULT
        year, n = self.year, len(projects)
        out = []
        for j in range(count):
            p = projects[int(rng.random() * n)]
            cat = cats[j]
            hard = rng.random() < 0.25
            events = self.history_of(states[j], _issue_owner(p, cat), hard)
            titles = _TITLES[cat]
            title = titles[j % len(titles)]
            issue_id = f"Q{year}-{j + 1:07d}"
            out.append(Issue(issue_id, p.key, cat, title, events, difficult if hard else general))
        return out

    def history_of(self, state: IssueState, owner: str, difficult: bool) -> tuple[IssueEvent, ...]:
        """Events leading to ``state``, on working-day indices that end by ``as_of``."""
        rng, last, ev, s = self.rng, self.last, self.event, IssueState
        r = rng.random()
        if state is s.COLLECTED:
            t = max(0, last - int(r * 4))
        else:
            span = _SPAN.get(state, 14)
            t = int(r * (max(0, last - span) + 1))
        out = [ev(0, t, _ACTORS[int(rng.random() * len(_ACTORS))])]
        if state is s.COLLECTED:
            return tuple(out)
        t = min(t + 1, last)
        limit = 2 if difficult else 5
        out.append(ev(1, t, owner, limit))
        if state is s.ASSIGNED:
            return tuple(out)
        t = min(t + 1, last)
        out.append(ev(2, t, owner))
        if state is s.IN_PROGRESS:
            return tuple(out)
        if state is s.PAUSED:
            party = _PARTIES[int(rng.random() * len(_PARTIES))]
            out.append(ev(3, min(t + 1, last), owner, party))
            return tuple(out)
        if state is s.ESCALATED:
            t = min(t + limit + 1, last)
            out.append(ev(4, t, ""))
            out.append(ev(5, t, ""))
            return tuple(out)
        t = min(t + 1 + int(rng.random() * 8), last)
        out.append(ev(6, t, owner))
        if state is s.CLOSED:
            out.append(ev(7, min(t + 2, last), ""))
        return tuple(out)


_S = IssueState
# The steps synthetic histories take: (kind, from state, to state), by step number.
_STEP_KINDS: Final = (
    (EventKind.COLLECTED, None, _S.COLLECTED),
    (EventKind.ASSIGNED, _S.COLLECTED, _S.ASSIGNED),
    (EventKind.STARTED, _S.ASSIGNED, _S.IN_PROGRESS),
    (EventKind.PAUSED, _S.IN_PROGRESS, _S.PAUSED),
    (EventKind.SHEET_ISSUED, _S.IN_PROGRESS, _S.IN_PROGRESS),
    (EventKind.ESCALATED, _S.IN_PROGRESS, _S.ESCALATED),
    (EventKind.RESOLVED, _S.IN_PROGRESS, _S.RESOLVED),
    (EventKind.CLOSED, _S.RESOLVED, _S.CLOSED),
)
# Working days an issue in a state needs between collection and ``as_of``.
_SPAN: Final = {_S.ASSIGNED: 1, _S.IN_PROGRESS: 3, _S.PAUSED: 4}


_TITLE_STEMS: Final = {
    Category.INFRASTRUCTURE: ("快速路工程", "综合管廊", "跨江大桥", "轨道交通站点"),
    Category.INDUSTRY: ("智能制造基地", "新材料项目", "汽车零部件产业园", "技改扩产项目"),
    Category.SERVICES: ("商业综合体", "物流园区", "总部大楼", "文旅小镇"),
    Category.SOCIAL: ("医院改扩建", "学校新校区", "安置房", "体育中心"),
}


def _draw(rng: random.Random, pairs: Sequence[tuple[Any, int]], k: int) -> list[Any]:
    items, cum = _cumulative(pairs)
    return rng.choices(items, cum_weights=cum, k=k)


def _split(annual: int, first: int, last: int) -> list[int]:
    """Spread a whole annual amount over months ``first..last`` by the seasonal weights.

    The rounding rest goes to the last month, so the parts add up to ``annual``.
    """
    weights = _MONTH_WEIGHTS[first - 1 : last]
    total = sum(weights)
    out = [annual * w // total for w in weights]
    out[-1] += annual - sum(out)
    return out
