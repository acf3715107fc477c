"""The one zh/en message catalogue: every word projpush writes for a reader goes through it.

A report, a table, a workbook, a page and a command-line message are each
entirely in the language asked for, Chinese (``"zh"``) or English
(``"en"``). Their words live here, and only here: the labels and headings,
the enums' names, the ledger gaps' sentences (findings), the lights'
reasons, the escalation rules' notes, the tables' headers, the command
line's messages and the report policy sets' names. Each entry is a pair of
:meth:`str.format` templates, Chinese then English, over the same named
facts; :func:`message` fills one in. Names from the ledger (projects, units,
people, issue titles) are facts, printed as they are.

Keys are dotted, a section then a name: ``report.red``, ``finding.no_leader``,
``reason.lag.streak``, ``cli.check.valid``, ``enum.Light.red``.

>>> message("report.red", "zh"), message("report.red", "en")
('红灯项目', 'Red projects')
>>> message("cli.check.valid", "zh", ledger="city.json", findings=3)
'city.json：有效，发现3处台账缺口'
>>> from projpush.lights import Light
>>> enum_name(Light.RED, "zh"), enum_name(Light.RED, "en")
('红灯', 'red')

The enums' Chinese names are the domain's own words, which the ledger
readers accept as well as the values (``市级`` for ``city``); the catalogue
takes them from the enums and adds the English words. This module is the
report side's: the rules (:mod:`projpush.model`, :mod:`projpush.lights`,
...) import it only when a sentence is written, never at import.
"""

from __future__ import annotations

import enum
import functools
import re
from types import MappingProxyType
from typing import TYPE_CHECKING, Final, Literal, TypeAlias, cast

from projpush.errors import UnknownReferenceError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = [
    "CATALOGUE",
    "LANGS",
    "check_lang",
    "enum_name",
    "light_policy_name",
    "message",
    "section",
    "template",
]

Lang: TypeAlias = Literal["zh", "en"]
LANGS: Final[tuple[Lang, Lang]] = ("zh", "en")

# --------------------------------------------------------------------------- the entries
# key -> (zh, en). Grouped by section; each section's comment says who writes it.

_ENTRIES: Final[dict[str, tuple[str, str]]] = {
    # The command line's own messages (projpush.cli): prefixes, outcomes, refusals.
    "cli.error": ("projpush：错误：{message}", "projpush: error: {message}"),
    "cli.error_at": ("  位置：{where}", "  at {where}"),
    "cli.note": ("projpush：注意：{message}", "projpush: note: {message}"),
    "cli.interrupted": ("projpush：已中断", "projpush: interrupted"),
    "cli.provisional": (
        "{year}年按暂定日历计算工作日（周末及固定日期节假日），待国务院放假通知发布",
        "{year} counted on a provisional calendar (weekends, fixed-date holidays) until its notice",
    ),
    "cli.check.note": ("注意：{message}", "note: {message}"),
    "cli.check.problem": ("错误：{location}：{message}", "error: {location}: {message}"),
    "cli.check.finding": ("缺口：{subject}：{kind}：{text}", "warning: {subject}: {kind}: {text}"),
    "cli.check.valid": (
        "{ledger}：有效，发现{findings}处台账缺口",
        "{ledger}: valid, {findings} findings",
    ),
    "cli.check.invalid": (
        "{ledger}：无效（{problems}处错误），发现{findings}处台账缺口",
        "{ledger}: invalid ({problems} problems), {findings} findings",
    ),
    "cli.check.invalid_one": (
        "{ledger}：无效（1处错误），发现{findings}处台账缺口",
        "{ledger}: invalid (1 problem), {findings} findings",
    ),
    "cli.unprintable": (
        "输出编码{encoding}无法写出的{count}个字符已写为“?”；设置PYTHONIOENCODING=utf-8{instead}即可保留",
        (
            "{count} characters that the output encoding {encoding} cannot hold were written as "
            "'?'; set PYTHONIOENCODING=utf-8{instead} to keep them"
        ),
    ),
    "cli.unprintable_one": (
        "输出编码{encoding}无法写出的1个字符已写为“?”；设置PYTHONIOENCODING=utf-8{instead}即可保留",
        (
            "1 character that the output encoding {encoding} cannot hold was written as "
            "'?'; set PYTHONIOENCODING=utf-8{instead} to keep them"
        ),
    ),
    "cli.output_hint": ("，或用 --output FILE 写入文件", " or write to a file with --output FILE"),
    # The text report's headings and words (projpush.report), shared by the CSV and workbook.
    "report.lights": ("红黄绿灯", "Warning lights"),
    "report.red": ("红灯项目", "Red projects"),
    "report.yellow": ("黄灯项目", "Yellow projects"),
    "report.issues": ("问题办理(按层级和督办单颜色)", "Open issues by tier and sheet colour"),
    "report.overdue": ("超期问题", "Overdue issues"),
    "report.accountability": ("问责清单", "Accountability list"),
    "report.findings": ("台账缺口", "Ledger gaps"),
    "report.none": ("无", "none"),
    "report.policy": ("规则", "policy"),
    "report.deadline": ("时限", "deadline"),
    "report.days": ("超期天数(自然日/工作日)", "days overdue (calendar/working)"),
    "report.note": ("注意", "Note"),
    "report.no_tier": ("未交办", "not assigned"),
    "report.no_sheet": ("未发督办单", "no sheet"),
    "report.provisional": ("按暂定日历计", "on a provisional calendar"),
    # The monthly summary's figures (projpush.metrics.MonthlySummary), by key, and its words.
    "figure.by_unit": ("单位排名", "Ranking of units"),
    "figure.by_region": ("地区排名", "Ranking of regions"),
    "figure.projects": ("项目数", "projects"),
    "figure.annual_plan": ("年度计划投资(亿元)", "annual plan (100M yuan)"),
    "figure.done_to_date": ("累计完成投资(亿元)", "done to date (100M yuan)"),
    "figure.completion": ("年度计划完成率", "plan completion"),
    "figure.schedule": ("时序进度", "time schedule"),
    "figure.gap": ("超时序进度(百分点)", "gap to schedule (points)"),
    "figure.monthly_progress": ("月投资进度", "monthly progress"),
    "figure.yoy_growth": ("同比增长", "year-on-year growth"),
    "figure.new_completion": ("新建项目完成率", "new projects completion"),
    "figure.continuing_completion": ("续建项目完成率", "continuing projects completion"),
    "figure.start_rate": ("开工率", "start rate"),
    "figure.resumption_rate": ("复工率", "resumption rate"),
    "figure.share_green": ("进度顺利占比", "share green"),
    "figure.light_green": ("绿灯", "green"),
    "figure.light_yellow": ("黄灯", "yellow"),
    "figure.light_red": ("红灯", "red"),
    "figure.leader_coverage": ("包保领导覆盖率", "leader coverage"),
    "figure.secretary_coverage": ("服务秘书覆盖率", "secretary coverage"),
    "figure.ready_to_start": ("具备开工条件", "ready to start"),
    "figure.outstanding_items": ("未办结开工要件", "approval items outstanding"),
    "figure.days_to_grant": ("平均审批天数", "days to grant (mean)"),
    "figure.one_trip": ("最多跑一次占比", "one-trip share"),
    "figure.contacts_overdue": ("服务秘书联系逾期", "secretary contacts overdue"),
    "figure.issues": ("问题办结/收集", "issues closed/collected"),
    "figure.closure_rate": ("问题办结率", "closure rate"),
    "figure.on_time_rate": ("按期办结率", "on-time closure rate"),
    "figure.working_days": ("平均办结工作日", "working days to close (mean)"),
    "figure.tier": ("{tier}层级解决率", "resolution rate at {tier}"),
    "figure.spi": ("进度绩效指数SPI", "SPI"),
    "figure.cpi": ("成本绩效指数CPI", "CPI"),
    "figure.node_completion": ("节点完成率", "node completion"),
    "summary.title": (
        "重大项目月度通报 {month}(截至 {as_of})",
        "Monthly project report {month} (as of {as_of})",
    ),
    "summary.head.figure": ("指标", "figure"),
    "summary.head.value": ("数值", "value"),
    "summary.head.rank": ("名次", "rank"),
    "summary.head.group": ("单位/地区", "group"),
    "summary.ranking": ("{ranking}: {figure} ({direction})", "{ranking}: {figure} ({direction})"),
    "summary.not_applicable": ("不适用", "n/a"),
    "summary.on_schedule": ("与时序进度持平", "on schedule"),
    "summary.ahead": ("超出时序进度{points}个百分点", "{points} points ahead"),
    "summary.behind": ("落后时序进度{points}个百分点", "{points} points behind"),
    # Reporting discipline (projpush.discipline): stale projects and late monthly reports.
    "discipline.never_reported": ("从未报送", "never reported"),
    "discipline.last_report": ("最近月报{month}", "last report {month}"),
    "discipline.no_plan": ("无计划可据", "no plan to count from"),
    "discipline.months_silent": ("{months}个月未更新", "{months} months without a report"),
    "discipline.stale": (
        "{project}（{unit}）{stage}阶段，{last}，{silent}，超过{limit}个月即为数据陈旧",
        "{project} ({unit}), {stage}: {last}, {silent} (stale from {limit} months)",
    ),
    "discipline.late": (
        "{project}（{unit}）{month}月报应于{due}前报送，未报送（逾期{days}个工作日）",
        (
            "{project} ({unit}): the report for {month}, due {due}, is missing "
            "({days} working days late)"
        ),
    ),
    # The report's notes, printed before its figures and on stderr (projpush.report.Note).
    "note.no_plans": (
        "台账中没有{year}年的年度计划：投资数字为零",
        "the ledger holds no annual plan for {year}: the investment figures are zero",
    ),
    "note.provisional": (
        "部分超期天数按暂定日历计算（放假通知尚未发布），标有“按暂定日历计”的可能随通知改变",
        (
            "some overdue counts read a provisional calendar year (its holiday notice is not"
            " out): those marked 'on a provisional calendar' may change with it"
        ),
    ),
    # The ready-made report policy sets (projpush.report.POLICY_SETS): zh, then en.
    "policy_set.default": ("默认：宁波红黄绿灯与三级协调", "Ningbo lights and ladder"),
    "policy_set.ningbo": (
        "宁波：连续滞后月份（及节点任务）亮灯，三级协调",
        "Ningbo: lagging months (and node tasks), three-level coordination",
    ),
    "policy_set.dalian": ("大连：节点任务亮灯，挂牌督办", "Dalian: node tasks, listed supervision"),
    "policy_set.binzhou": ("滨州：县级指挥部 → 市级指挥部", "Binzhou: county → city HQ"),
    "policy_set.yinzhou": ("鄞州：镇（街道）→ 区", "Yinzhou: town → district"),
    "policy_set.tonglu": (
        "桐庐：四级协调，责任单位至县主要领导",
        "Tonglu: four-tier coordination, unit to the county's top leader",
    ),
    "policy_set.wuhan": (
        "武汉：完成进度低于时序进度60%红灯、80%黄灯",
        "Wuhan: completion as a share of the time schedule (red below 60 %, yellow below 80 %)",
    ),
    "policy_set.xinhuang": (
        "新晃：月度任务完成低于80%重点跟踪，低于60%亮黄牌",
        "Xinhuang: the month's task (below 80 % follow-up, below 60 % yellow card)",
    ),
    "policy_set.yinchuan": ("银川：与时序进度的差距", "Yinchuan: gap to schedule"),
    "policy_set.sanya": ("三亚：上月完成差额", "Sanya: shortfall, previous month"),
    "policy_set.named": ("{name}（{source}）", "{name} ({source})"),
    # One map, five tables (projpush.report.render_tables): table names, header, items.
    "tables.map": ("一图 攻坚作战图", "map"),
    "tables.plan": ("计划表", "plan"),
    "tables.tasks": ("任务表", "tasks"),
    "tables.division": ("分工表", "division of labour"),
    "tables.responsibility": ("责任表", "responsibilities"),
    "tables.progress": ("进度表", "progress"),
    "tables.head.project": ("项目", "project"),
    "tables.head.table": ("表", "table"),
    "tables.head.item": ("事项", "item"),
    "tables.head.value": ("内容", "value"),
    "tables.lights": ("亮灯", "lights"),
    "tables.name": ("项目名称", "name"),
    "tables.total_investment": ("总投资", "total investment"),
    "tables.annual_plan": ("{year}年度计划投资", "annual plan {year}"),
    "tables.month": ("计划{plan} / 完成{done}", "plan {plan} / done {done}"),
    "tables.unreported": ("未报送", "unreported"),
    "tables.days_late": ("（逾期{days}天）", " ({days} days late)"),
    "tables.unit": ("责任单位", "unit"),
    "tables.leaders": ("包保领导", "leaders"),
    "tables.secretary": ("服务秘书", "secretaries"),
    "tables.task_force": ("工作专班", "task force"),
    "tables.project": ("项目", "project"),
    "tables.issue": (
        "{title}：{owner}［{tier}］{deadline}前办结，{state}",
        "{title}: {owner} [{tier}] due {deadline}, {state}",
    ),
    "tables.completion": ("年度计划完成率", "completion"),
    "tables.schedule": ("时序进度", "time schedule"),
    "tables.gap": ("超时序进度(百分点)", "gap to schedule (points)"),
    "tables.amount": ("{amount} 万元", "{amount} 万元"),
    # A month's light in the map strip of the five tables: one mark.
    "mark.green": ("绿", "G"),
    "mark.yellow": ("黄", "Y"),
    "mark.red": ("红", "R"),
    "mark.none": ("-", "-"),
    # The stages of the command line's progress bar (projpush._progress).
    "progress.load": ("读取台账", "loading the ledger"),
    "progress.issues": ("问题办理", "issues"),
    "progress.lights": ("红黄绿灯", "lights"),
    "progress.figures": ("通报指标", "figures"),
    "progress.done": ("完成", "done"),
    # The escalation rules' notes (projpush._notes), said from their facts.
    "escalation_note.blue": (
        "蓝色督办单：在办理时限内，{tier}（{owner}）须于{due}前办结",
        "blue sheet: within the limit, due {due} at {tier} ({owner})",
    ),
    "escalation_note.warning": (
        "预警：办理时限已用{pct}%，{tier}（{owner}）须于{due}前办结",
        "warning: {pct}% of the limit used; due {due} at {tier} ({owner})",
    ),
    "escalation_note.yellow": (
        "{tier}（{owner}）未在{due}前办结：发黄色督办单，延期{days}个工作日至{renewed}",
        (
            "deadline {due} missed at {tier} ({owner}); yellow sheet, renewed limit {days} "
            "working days to {renewed}"
        ),
    ),
    "escalation_note.red": (
        "{tier}（{owner}）未在延期时限{due}前办结：发红色督办单，通报并问责",
        "renewed limit {due} missed at {tier} ({owner}); red sheet: notice and accountability",
    ),
    "escalation_note.top": (
        "最高层级{tier}（{owner}）未在{due}前办结：仍为红色督办单，列入问责清单",
        (
            "limit {due} missed at the top tier {tier} ({owner}); stays red, on the "
            "accountability list"
        ),
    ),
    "escalation_note.escalated": (
        "{tier}（{owner}）未在{due}前办结：提级至{next}（{label}），{days}个工作日内即{new}前办结",
        (
            "limit {due} missed at {tier} ({owner}); escalated to {next} ({label}), {days} "
            "working days to {new}"
        ),
    ),
    # The ledger gaps (projpush.model.Finding), by kind, over the finding's facts.
    "finding.no_leader": ("{project}：无包保领导", "{project}: no guarantor leader"),
    "finding.no_secretary": ("{project}：无服务秘书", "{project}: no service secretary"),
    "finding.several_secretaries": (
        "{project}：配备多名服务秘书（{secretaries}）",
        "{project}: served by {secretaries}",
    ),
    "finding.secretary_overloaded": (
        "服务{projects}个项目，超过上限{cap}个",
        "serves {projects} projects, more than the cap of {cap}",
    ),
    "finding.milestone_overdue": (
        "{milestone}：计划{planned}完成，截至{as_of}未完成",
        "{milestone}: planned {planned}, not completed by {as_of}",
    ),
    "finding.unknown_unit": (
        "{project}：责任单位“{unit}”不在单位名录中",
        "{project}: unit {unit!r} is not in the unit directory",
    ),
    "finding.monthly_plan_exceeds_annual": (
        "{year}年月度计划合计{monthly_plan}万元，超过年度计划{annual_plan}万元",
        "{year}: monthly plans sum to {monthly_plan} 万元, annual plan is {annual_plan} 万元",
    ),
    # The lights' reasons (projpush.lights.Reason), by rule and code, over the reason's figures.
    "reason.scope.not_judged": (
        "项目处于{stage}阶段，不在亮灯范围（{judged}）",
        "not judged: the project is {stage}, outside the stages judged ({judged})",
    ),
    "reason.scope.no_plan": (  # the error is the library's, in English: said in Chinese here
        "{year}年无可据以亮灯的计划，不亮灯",
        "not judged: {error}",
    ),
    "reason.scope.no_month_yet": (
        "{year}年尚无已结束的报告月份（截至{as_of}），暂不亮灯",
        "not judged: no reporting month of {year} has ended by {as_of}",
    ),
    "reason.scope.month_not_ended": (
        "{month}截至{as_of}尚未结束，不亮灯",
        "not judged: {month} had not ended by {as_of}",
    ),
    "reason.lag.streak": (
        (
            "截至{last}连续{streak}个月低于进度要求（{months}），"
            "达到{light}标准（黄灯{streak_for_yellow}个月，红灯{streak_for_red}个月）"
        ),
        (
            "{streak} consecutive lagging months to {last} ({months}): {light} "
            "(yellow at {streak_for_yellow} months, red at {streak_for_red})"
        ),
    ),
    "reason.lag.below": (
        "{months}{basis}完成{done}万元，低于进度要求{required}万元（计划{plan}万元{times_tolerance}）",
        (
            "{months}: {basis} completed {done} 万元 is below the requirement {required} 万元 "
            "(plan {plan} 万元{times_tolerance})"
        ),
    ),
    "reason.lag.unreported": (
        "{months}未报送完成投资，按滞后计",
        "{months}: no investment reported, counted as lagging",
    ),
    "reason.lag.met": (
        "{months}{basis}完成{done}万元，达到进度要求{required}万元（计划{plan}万元{times_tolerance}）",
        (
            "{months}: {basis} completed {done} 万元 meets the requirement {required} 万元 "
            "(plan {plan} 万元{times_tolerance})"
        ),
    ),
    "reason.node.missed": (
        "节点“{milestones}”计划{planned}完成，截至{as_of}未完成（逾期{days_late}天）",
        "node '{milestones}' planned for {planned} is not done by {as_of} ({days_late} days over)",
    ),
    "reason.node.late": (
        "节点“{milestones}”计划{planned}完成，实际{done}完成（迟{days_late}天）",
        "node '{milestones}' planned for {planned} was done late on {done} ({days_late} days)",
    ),
    "reason.node.slow": (
        (
            "节点“{milestones}”完成{percent}%，按时间应完成{expected}%，落后{behind}个百分点"
            "（容差{tolerance}个百分点）"
        ),
        (
            "node '{milestones}' is {percent}% complete against {expected}% of its window elapsed, "
            "{behind} points behind (tolerance {tolerance})"
        ),
    ),
    "reason.node.on_schedule": (
        "截至{as_of}到期节点{due}个均已完成，在建节点进度正常",
        "all {due} nodes due by {as_of} are done; open nodes are on pace",
    ),
    "reason.node.no_milestones": (
        "未录入节点任务，按节点规则不亮灯",
        "not judged: the project has no node tasks",
    ),
    "reason.gap.points": (
        (
            "截至{last}完成年度计划{completion}%（{done}/{annual}万元），"
            "时序进度{progress}%，{direction}{gap_abs}个百分点"
            "（黄灯{yellow_op}{yellow_at}，红灯{red_op}{red_at}）"
        ),
        (
            "to {last}: {completion}% of the annual plan ({done} of {annual} 万元) against "
            "{progress}% of the year, {gap_abs} points {direction} "
            "(yellow {yellow_op} {yellow_at}, red {red_op} {red_at})"
        ),
    ),
    "reason.gap.relative": (
        (
            "截至{last}完成年度计划{completion}%（{done}/{annual}万元），"
            "时序进度{progress}%，较序时进度{direction}{gap_abs}%"
            "（黄灯{yellow_op}{yellow_at}%，红灯{red_op}{red_at}%）"
        ),
        (
            "to {last}: {completion}% of the annual plan ({done} of {annual} 万元) against "
            "{progress}% of the year, {direction} of schedule by {gap_abs}% of it "
            "(yellow {yellow_op} {yellow_at}%, red {red_op} {red_at}%)"
        ),
    ),
    "reason.gap.unreported": (
        "{months}未报送完成投资，累计完成额未计入",
        "{months}: no investment reported; nothing counted for them",
    ),
    "reason.share.schedule": (
        (
            "截至{last}完成年度计划{completion}%（{done}/{annual}万元），"
            "时序进度{progress}%，为时序进度的{share}%（{bands}）"
        ),
        (
            "to {last}: {completion}% of the annual plan ({done} of {annual} 万元) against "
            "{progress}% of the year, {share}% of the schedule ({bands})"
        ),
    ),
    "reason.share.points": (
        (
            "截至{last}完成年度计划{completion}%（{done}/{annual}万元），"
            "时序进度{progress}%，{direction}{gap_abs}个百分点（{bands}）"
        ),
        (
            "to {last}: {completion}% of the annual plan ({done} of {annual} 万元) against "
            "{progress}% of the year, {gap_abs} points {direction} ({bands})"
        ),
    ),
    "reason.share.task": (
        "{month}完成{done}万元，为当月任务{task}万元的{share}%（{bands}）",
        "{month}: {done} 万元 completed, {share}% of the month's task of {task} 万元 ({bands})",
    ),
    "reason.share.no_task": (
        "{month}无月度任务，按月度任务规则不亮灯",
        "not judged: {month} has no task",
    ),
    "reason.share.unreported": (
        "{months}未报送完成投资，按未完成计",
        "{months}: no investment reported; nothing counted for them",
    ),
    "reason.growth.rate": (
        "截至{last}累计完成{done}万元，上年同期{base}万元，增速{growth}%（计划{plan}%，全市平均{average}）",
        (
            "to {last}: {done} 万元 against {base} 万元 a year before, growth {growth}% "
            "(plan {plan}%, average {average})"
        ),
    ),
    "reason.growth.no_base": (
        "截至{last}累计完成{done}万元，上年同期无完成投资，无法计算增速，不亮灯",
        "not judged: {done} 万元 to {last}, nothing completed in the same months a year before",
    ),
    "reason.growth.unreported": (
        "{months}未报送完成投资，按零计",
        "{months}: no investment reported; counted as nothing",
    ),
    "reason.site.idle": (
        (
            "现场自{first_idle}至{last_seen}连续{idle_days}天未见机械作业，"
            "超过{threshold}天，需赴现场督查"
        ),
        (
            "site idle for {idle_days} days ({first_idle} to {last_seen}), over {threshold}: "
            "an on-site inspection is called for"
        ),
    ),
    "reason.site.active": (
        "现场最近作业日{last_active}，闲置{idle_days}天，未超过{threshold}天",
        "site last active on {last_active}, idle {idle_days} days, within {threshold}",
    ),
    "reason.site.no_observations": (
        "截至{as_of}无现场视频监控记录，按现场规则不亮灯",
        "not judged: no site observations by {as_of}",
    ),
    # ... and the words the lights' sentences are made of.
    "lights.yes": ("是", "yes"),
    "lights.no": ("否", "no"),
    "lights.not_judged": ("不亮灯", "not judged"),
    "lights.behind": ("落后", "behind"),
    "lights.ahead": ("超前", "ahead"),
    "lights.basis.monthly": ("当月", "the month's"),
    "lights.basis.cumulative": ("累计", "cumulative"),
    "lights.band.behind": (
        "{light}落后超过{points}个百分点",
        "{light} over {points} points behind",
    ),
    "lights.band.below": ("{light}低于{share}%", "{light} below {share}%"),
    "lights.band_sep": ("，", ", "),
    "lights.no_average": ("无", "none"),
    "lights.times": ("×{tolerance}", " × {tolerance}"),
    "lights.list_sep": ("、", ", "),
    "lights.reasons_sep": ("；", "; "),
    "lights.verdict": ("{project} {as_of} {light}{reasons}", "{project} {as_of} {light}{reasons}"),
    "lights.verdict_reasons": ("：{reasons}", ": {reasons}"),
    # Forecasts and policy comparisons (projpush._foresight_text): words and lines.
    "forecast.forecast": ("预测", "Forecast"),
    "forecast.as_of": ("截至", "as of"),
    "forecast.policy": ("规则", "policy"),
    "forecast.month_end": ("{month}月底", "end of {month}"),
    "forecast.at_risk": ("需关注的项目", "Projects to watch"),
    "forecast.order": (
        "各月灯色依次为按计划完成/按近期进度/零完成",
        "each month's lights under plan/run-rate/nothing",
    ),
    "forecast.now": ("现在", "now"),
    "forecast.none": ("无", "none"),
    "forecast.not_judged": ("不亮灯", "not judged"),
    "forecast.due": (
        "即将变色或升级的问题（{n}个工作日内）",
        "Issues changing sheet or tier within {n} working days",
    ),
    "forecast.working_days": ("{n}个工作日后", "in {n} working days"),
    "forecast.compare": ("规则对比", "Policy comparison"),
    "forecast.lights": ("灯色变化", "Light changes"),
    "forecast.issues": ("问题变化", "Issue changes"),
    "forecast.figures": ("数字变化", "Figure changes"),
    "forecast.no_sheet": ("未发督办单", "no sheet"),
    "forecast.head": (
        "{forecast}（截至{as_of}，规则：{policy}）",
        "{forecast} (as of {as_of}, policy {policy})",
    ),
    "forecast.counts": (
        "{assumption} 绿{green} 黄{yellow} 红{red} 不亮灯{not_judged}",
        "{assumption}: green {green}, yellow {yellow}, red {red}, not judged {not_judged}",
    ),
    "forecast.worst_of": ("取{policies}中较重者", "the worst of {policies}"),
    "forecast.not_replayed": ("按此规则无法重演", "cannot be replayed under this policy"),
    "forecast.figure.lights.green": ("绿灯项目数", "green projects"),
    "forecast.figure.lights.yellow": ("黄灯项目数", "yellow projects"),
    "forecast.figure.lights.red": ("红灯项目数", "red projects"),
    "forecast.figure.lights.not_judged": ("不亮灯项目数", "projects not judged"),
    "forecast.figure.tier": ("{tier}层级未办结问题数", "open issues at {tier}"),
    "forecast.figure.sheet": ("{sheet}未办结问题数", "open issues with {sheet}"),
    "forecast.figure.issues.overdue": ("超期问题数", "overdue issues"),
    "forecast.figure.accountability.units": ("问责单位数", "units on the accountability list"),
    # A forecast's assumptions (projpush.foresight.Outlook) and least efforts (Effort).
    "forecast.assumed.plan": ("假设{months}按计划完成", "assuming {months} complete the plan"),
    "forecast.assumed.run_rate": (
        "假设{months}每月完成近三月均值{rate}万元",
        "assuming {months} complete the run-rate of {rate} 万元 a month",
    ),
    "forecast.assumed.nothing": ("假设{months}零完成", "assuming {months} complete nothing"),
    "effort.when": ("{month}底", "the end of {month}"),
    "effort.not_judged": ("{when}不亮灯", "not judged at {when}"),
    "effort.impossible": (
        "{when}前无法避免亮{light}：{why}",
        "nothing done by {when} keeps the light from turning {light}: {why}",
    ),
    "effort.amount": ("至少{amount}万元", "at least {amount} 万元"),
    "effort.node": ("节点“{name}”（{day}前）", "node '{name}' (by {day})"),
    "effort.nothing_needed": (
        "{when}前无需新增完成，不会亮{light}",
        "nothing more is needed by {when} to stay out of {light}",
    ),
    "effort.must": (
        "须在{when}前完成{needs}，否则亮{light}",
        "must complete {needs} by {when}, or the light turns {light}",
    ),
    # The months by name.
    "month.1": ("1月", "January"),
    "month.2": ("2月", "February"),
    "month.3": ("3月", "March"),
    "month.4": ("4月", "April"),
    "month.5": ("5月", "May"),
    "month.6": ("6月", "June"),
    "month.7": ("7月", "July"),
    "month.8": ("8月", "August"),
    "month.9": ("9月", "September"),
    "month.10": ("10月", "October"),
    "month.11": ("11月", "November"),
    "month.12": ("12月", "December"),
    # A policy's lint (projpush.foresight.lint): each finding's sentence, by code ...
    "lint.gap": (
        "{subject}：差距{span}不属于任何灯色",
        "{subject}: a shortfall {span} gets no light",
    ),
    "lint.overlap": (
        "{subject}：差距{span}同时属于{lights}",
        "{subject}: a shortfall {span} is both {lights}",
    ),
    "lint.unstated": (
        "{subject}：边界{at}是否含在{light}内未说明",
        "{subject}: whether the boundary {at} belongs to {light} is not stated",
    ),
    "lint.measure": (
        "{subject}：未说明按百分点还是按比例计算",
        "{subject}: the text does not say whether its figures are points or a ratio",
    ),
    "lint.unreachable": ("{subject}：{what}永远不会出现", "{subject}: {what} can never happen"),
    "lint.limit": (
        "{subject}：{field}为{value}，须大于0",
        "{subject}: {field} is {value}, must be above 0",
    ),
    "lint.tolerance": (
        "{subject}：容差系数{value}大于1，要求高于计划本身",
        "{subject}: tolerance {value} is above 1, a bar above the plan itself",
    ),
    "lint.refused": ("{subject}：{error}", "{subject}: {error}"),
    # ... and what can never happen.
    "lint.what.red": ("红灯", "red"),
    "lint.what.yellow": ("黄灯", "yellow"),
    "lint.what.red_streak": ("红灯（连续月数超过12）", "red (a streak longer than 12 months)"),
    "lint.what.yellow_streak": (
        "黄灯（连续月数超过12）",
        "yellow (a streak longer than 12 months)",
    ),
    "lint.what.red_no_days": ("红灯（未设亮红灯的闲置天数）", "red (no idle days set for red)"),
    "lint.what.early_blue": (
        "提前{before}个工作日的蓝色督办单（时限仅{limit}个工作日，实际于交办时发出）",
        (
            "a blue sheet {before} working days before the deadline (the limit is {limit}: it "
            "comes at assignment)"
        ),
    ),
    "lint.what.same_tier": (
        "第{n}级“{name}”（与下级同名）",
        "tier {n} '{name}' (named as one below it)",
    ),
    # The built-in light policies, as a forecast names the one it applies.
    "light_policy.ningbo": ("宁波连续滞后月份", "Ningbo lagging months"),
    "light_policy.dalian": ("大连节点任务", "Dalian node tasks"),
    "light_policy.wuhan": ("武汉时序进度占比", "Wuhan share of the time schedule"),
    "light_policy.xinhuang": ("新晃月度任务", "Xinhuang monthly task"),
    "light_policy.yinchuan": ("银川与时序进度的差距", "Yinchuan gap to schedule"),
    "light_policy.sanya": ("三亚上月完成差额", "Sanya shortfall of the previous month"),
    "light_policy.tianjin": ("天津投资增速", "Tianjin investment growth"),
    "light_policy.ningbo_video": ("宁波工地视频监控", "Ningbo site cameras"),
    # The report as one HTML page (projpush._page): its own headings and the map's words.
    "page.title": ("重大项目月度通报", "Monthly report on major projects"),
    "page.as_of": ("截至", "as of"),
    "page.map": ("一图：红黄绿灯图", "Light map"),
    "page.map_year": (
        "{year}年各项目月末亮灯情况",
        "Each project's light at each month end of {year}",
    ),
    "page.map_part": (
        "图中列出{shown}个项目（共{total}个），红灯、黄灯项目在前",
        "The map shows {shown} of {total} projects, the red and yellow ones first",
    ),
    "page.no_map": ("本报告未附红黄绿灯图", "This report carries no light map"),
    "page.not_ended": ("月份未结束", "month not ended"),
    "page.not_judged": ("不亮灯/无数据", "not judged or no data"),
    "page.reasons": ("红灯、黄灯项目及亮灯原因", "Red and yellow projects and their reasons"),
    "page.counts": ("未办结问题(按层级和督办单颜色)", "Open issues by tier and sheet colour"),
    "page.rankings": ("排名", "Rankings"),
    "page.month": ("{month}月", "{month:02d}"),
    "page.project": ("项目", "project"),
    "page.due": ("即将变色或升级的问题", "Issues changing sheet or tier"),
    "page.to_tier": ("→ {tier}", "→ {tier}"),
    "page.due_head.issue": ("问题编号", "issue"),
    "page.due_head.project": ("项目代码", "project"),
    "page.due_head.on": ("日期", "on"),
    "page.due_head.working_days": ("工作日", "working days"),
    "page.due_head.change": ("变化", "change"),
    "page.due_head.note": ("说明", "note"),
    # The notebook views (projpush._html): labels shown in both languages.
    "repr.summary_title": ("重大项目月度通报", "Monthly report"),
    "repr.key": ("代码", "key"),
    "repr.value": ("数值", "value"),
    "repr.id": ("编号", "id"),
    "repr.name": ("项目名称", "name"),
    "repr.project": ("项目", "project"),
    "repr.level": ("级别", "level"),
    "repr.stage": ("阶段", "stage"),
    "repr.region": ("地区", "region"),
    "repr.unit": ("责任单位", "unit"),
    "repr.total": ("总投资(亿元)", "total"),
    "repr.annual_plan": ("{year}年度计划(亿元)", "plan {year}"),
    "repr.node": ("节点", "node"),
    "repr.planned": ("计划", "planned"),
    "repr.done": ("完成", "done"),
    "repr.title": ("问题", "title"),
    "repr.state": ("状态", "state"),
    "repr.tier": ("层级", "tier"),
    "repr.owner": ("承办单位", "owner"),
    "repr.deadline": ("时限", "deadline"),
    "repr.sheet": ("督办单", "sheet"),
    "repr.date": ("日期", "date"),
    "repr.event": ("事件", "event"),
    "repr.note": ("说明", "note"),
    "repr.portfolio": ("台账", "Portfolio"),
    "repr.a_project": ("项目", "Project"),
    "repr.an_issue": ("问题", "Issue"),
    "repr.more": ("另有{n}个", "… {n} more"),
    "repr.more_projects": ("另有{n}个项目", "… {n} more projects"),
    "repr.no_projects": ("无项目", "no projects"),
    "repr.portfolio_counts": (
        (
            "{projects}个项目 · {leaders}名包保领导 · {secretaries}名服务秘书 · {issues}个问题"
            "（{open}个未销号） · {units}个单位 · {task_forces}个专班"
        ),
        (
            "{projects} projects · {leaders} leaders · {secretaries} secretaries · {issues} issues "
            "({open} open) · {units} units · {task_forces} task forces"
        ),
    ),
    "repr.rollup_counts": (
        "{projects}个项目 · 绿灯{green} · 黄灯{yellow} · 红灯{red}",
        "{projects} projects · {green} green · {yellow} yellow · {red} red",
    ),
    # The pictures (projpush.plot): the light map's and the sensitivity chart's words.
    "plot.not_judged": ("不亮灯/无数据", "not judged"),
    "plot.map_title": ("{year}年重点项目红黄绿灯（{policy}）", "Project lights {year} ({policy})"),
    "plot.by_working_days": ("{parameter}（工作日）", "{parameter} (working days)"),
    "plot.by_step": ("{parameter}（步长 {step}）", "{parameter} (step {step})"),
    "plot.sensitivity_title": (
        "阈值敏感性（{policy}，现值 {base}）",
        "Sensitivity ({policy}, now {base})",
    ),
    "plot.day_limit_title": (
        "办理时限敏感性（{policy}，现值 {base}）",
        "Day limit ({policy}, now {base})",
    ),
    # The report as CSV tables (projpush._csvreport): a figure's kind and unit, own tables.
    "csv.kind.count": ("计数", "count"),
    "csv.kind.amount": ("金额", "amount"),
    "csv.kind.ratio": ("比率", "share"),
    "csv.kind.points": ("百分点差", "gap"),
    "csv.kind.days": ("天数", "days"),
    "csv.kind.index": ("指数", "index"),
    "csv.unit.amount": ("亿元", "100M yuan"),
    "csv.unit.ratio": ("%", "%"),
    "csv.unit.points": ("百分点", "points"),
    "csv.unit.days": ("天", "days"),
    "csv.unit.working_days": ("工作日", "working days"),
    "csv.report": ("通报", "Report"),
    "csv.overdue": ("超期问题", "Overdue issues"),
    "csv.counts": ("未办结问题", "Open issues"),
    "csv.rankings_unit": ("计量单位", "unit"),
    "csv.head.item": ("项目", "item"),
    "csv.head.content": ("内容", "content"),
    "csv.head.figure": ("指标", "figure"),
    "csv.head.kind": ("类别", "kind"),
    "csv.head.value": ("数值", "value"),
    "csv.head.unit": ("计量单位", "unit"),
    # The report's forecast as CSV tables (projpush._csvforecast): the least amounts' columns.
    "csv.head.yellow_amount": ("避免黄灯须完成(亿元)", "out of yellow: at least (100M yuan)"),
    "csv.head.red_amount": ("避免红灯须完成(亿元)", "out of red: at least (100M yuan)"),
    # projpush lint and projpush sensitivity (projpush._whatif_text): headings and lines.
    "lint.clean": ("{subject}：未发现问题", "{subject}: no findings"),
    "lint.summary": (
        "检查规则{policies}项，发现问题{findings}个",
        "policies checked: {policies}, findings: {findings}",
    ),
    "sensitivity.title": (
        "阈值敏感性（截至{as_of}，规则：{policy}，{parameter}现值{base}，步长{step}）",
        "Sensitivity (as of {as_of}, policy {policy}, {parameter} now {base}, step {step})",
    ),
    "sensitivity.issue_title": (
        "办理时限敏感性（截至{as_of}，规则：{policy}，{parameter}现值{base}个工作日）",
        "Day-limit sensitivity (as of {as_of}, policy {policy}, {parameter} {base} days)",
    ),
    "sensitivity.head.offset": ("步数", "steps"),
    "sensitivity.head.value": ("取值", "value"),
    "sensitivity.head.changed": ("变灯项目数", "projects changing light"),
    "sensitivity.head.issues": ("变化问题数", "issues changing"),
    "sensitivity.head.green": ("绿灯", "green"),
    "sensitivity.head.yellow": ("黄灯", "yellow"),
    "sensitivity.head.red": ("红灯", "red"),
    "sensitivity.head.not_judged": ("不亮灯", "not judged"),
    "sensitivity.head.subject": ("变化对象", "changes"),
    "sensitivity.refused": ("不可取：{error}", "refused: {error}"),
    "sensitivity.change": ("{subject}：{before}→{after}", "{subject}: {before} → {after}"),
    # The report as a workbook (projpush._xlsx), whose tables the CSV shares: sheets.
    "workbook.sheet.summary": ("汇总", "Summary"),
    "workbook.sheet.lights": ("红黄绿灯", "Lights"),
    "workbook.sheet.issues": ("问题清单", "Issues"),
    "workbook.sheet.rankings": ("排名", "Rankings"),
    "workbook.sheet.accountability": ("问责清单", "Accountability"),
    "workbook.sheet.findings": ("台账缺口", "Ledger gaps"),
    "workbook.sheet.forecast": ("预测", "Forecast"),
    "workbook.sheet.continued": ("{title} {n}", "{title} {n}"),
    # ... their column headers
    "workbook.head.figure": ("指标", "figure"),
    "workbook.head.value": ("数值", "value"),
    "workbook.head.project": ("项目代码", "project"),
    "workbook.head.name": ("项目名称", "name"),
    "workbook.head.unit": ("责任单位", "unit"),
    "workbook.head.light": ("红黄绿灯", "light"),
    "workbook.head.reasons": ("亮灯原因", "reasons"),
    "workbook.head.issue": ("问题编号", "issue"),
    "workbook.head.tier": ("办理层级", "tier"),
    "workbook.head.owner": ("承办单位", "owner"),
    "workbook.head.deadline": ("办理时限", "deadline"),
    "workbook.head.sheet": ("督办单", "sheet"),
    "workbook.head.calendar_days": ("超期自然日", "days overdue (calendar)"),
    "workbook.head.working_days": ("超期工作日", "days overdue (working)"),
    "workbook.head.open": ("未办结问题", "open issues"),
    "workbook.head.ranking": ("排名", "ranking"),
    "workbook.head.rank": ("名次", "rank"),
    "workbook.head.group": ("单位/地区", "group"),
    "workbook.head.reason": ("问责事由", "reason"),
    "workbook.head.date": ("日期", "date"),
    "workbook.head.detail": ("说明", "detail"),
    "workbook.head.subject": ("对象", "subject"),
    "workbook.head.kind": ("缺口", "kind"),
    "workbook.head.now": ("现在", "now"),
    "workbook.head.out_of_yellow": ("避免黄灯", "out of yellow"),
    "workbook.head.out_of_red": ("避免红灯", "out of red"),
    "workbook.head.least_effort": ("所需努力", "least effort"),
    "workbook.head.assumed": ("{month} {assumption}", "{month} {assumption}"),
    # ... and the words of their rows
    "workbook.month": ("通报月份", "report month"),
    "workbook.as_of": ("截至日期", "as of"),
    "workbook.not_started": ("未开工项目", "projects not started"),
    "workbook.contacts_served": ("服务秘书服务项目", "secretary-project pairs served"),
    "workbook.issues_collected": ("问题收集", "issues collected"),
    "workbook.issues_closed": ("问题办结", "issues closed"),
    "workbook.not_judged": ("不亮灯", "not judged"),
    "workbook.not_applicable": ("不适用", "n/a"),
    "workbook.ranked": ("{figure} ({direction})", "{figure} ({direction})"),
    "workbook.date_format": ('yyyy"年"m"月"d"日"', "yyyy-mm-dd"),
}

# The English names of the enums a reader may see; the Chinese ones are the enums' labels.
_ENUM_EN: Final[dict[str, dict[str, str]]] = {
    "Light": {"green": "green", "yellow": "yellow", "red": "red"},
    "SheetColor": {"blue": "blue sheet", "yellow": "yellow sheet", "red": "red sheet"},
    "FindingKind": {
        "no_leader": "no leader",
        "no_secretary": "no secretary",
        "several_secretaries": "several secretaries",
        "secretary_overloaded": "secretary overloaded",
        "milestone_overdue": "milestone overdue",
        "unknown_unit": "unknown unit",
        "monthly_plan_exceeds_annual": "monthly plan exceeds annual",
    },
    "AccountabilityReason": {
        "red_sheet": "red sheet",
        "repeated_yellow": "repeated yellow sheets",
        "missed_at_red": "overdue after a red sheet",
        "top_tier_unresolved": "unresolved at the top tier",
    },
    "Level": {"province": "province", "city": "city", "county": "county", "town": "town"},
    "Category": {
        "infrastructure": "infrastructure",
        "industry": "industry",
        "services": "modern services",
        "social": "social undertakings",
    },
    "Stage": {
        "planned": "planned",
        "reserved": "reserved",
        "under_construction": "under construction",
        "suspended": "suspended",
        "completed": "completed",
    },
    "StageEventKind": {
        "started": "started",
        "suspended": "suspended",
        "resumed": "resumed",
        "completed": "completed",
    },
    "ApprovalKind": {
        "project_approval": "project approval",
        "land_use": "land use",
        "planning": "planning permit",
        "environmental": "environmental assessment",
        "energy": "energy assessment",
        "construction_permit": "construction permit",
        "other": "other",
    },
    "LeaderRank": {"city": "city", "district": "district", "town": "town"},
    "Cadence": {"daily": "daily", "weekly": "weekly", "monthly": "monthly"},
    "IssueCategory": {
        "funds": "funds",
        "land": "land",
        "planning": "planning",
        "environment": "environmental capacity",
        "energy": "energy quota",
        "demolition": "demolition",
        "approval": "approval",
        "utilities": "utilities",
        "other": "other",
    },
    "Difficulty": {"general": "general", "difficult": "difficult"},
    "IssueState": {
        "collected": "collected",
        "assigned": "assigned",
        "in_progress": "in progress",
        "escalated": "escalated",
        "paused": "paused",
        "resolved": "resolved, awaiting verification",
        "closed": "closed",
    },
    "EventKind": {
        "collected": "collected",
        "assigned": "assigned",
        "started": "started",
        "plan_submitted": "work plan submitted",
        "deadline_set": "deadline set",
        "sheet_issued": "sheet issued",
        "escalated": "escalated",
        "paused": "clock paused",
        "resumed": "clock resumed",
        "resolved": "resolved",
        "rejected": "verification failed",
        "closed": "closed",
        "note": "note",
    },
    "GroupBy": {
        "level": "level",
        "category": "category",
        "region": "region",
        "unit": "unit",
        "leader": "leader",
        "stage": "stage",
    },
    "Assumption": {"plan": "plan", "run_rate": "run rate", "nothing": "nothing"},
}
# Enums without a label of their own: (zh, en) here.
_ENUM_BOTH: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "MilestoneState": {
        "pending": ("未到期", "pending"),
        "due": ("今日到期", "due"),
        "overdue": ("逾期未完成", "overdue"),
        "on_time": ("按期完成", "on time"),
        "late": ("逾期完成", "late"),
    },
    "Better": {
        "higher": ("高者为先", "higher is better"),
        "lower": ("低者为先", "lower is better"),
    },
}


def _labelled_enums() -> list[type[enum.Enum]]:
    """The enums whose Chinese labels the catalogue takes (imported here, at first use)."""
    from projpush.escalation import AccountabilityReason  # noqa: PLC0415
    from projpush.foresight import Assumption  # noqa: PLC0415
    from projpush.lights import Light  # noqa: PLC0415
    from projpush.metrics import GroupBy  # noqa: PLC0415
    from projpush.model import (  # noqa: PLC0415
        ApprovalKind,
        Cadence,
        Category,
        Difficulty,
        EventKind,
        FindingKind,
        IssueCategory,
        IssueState,
        LeaderRank,
        Level,
        SheetColor,
        Stage,
        StageEventKind,
    )

    return [
        Light,
        SheetColor,
        FindingKind,
        AccountabilityReason,
        Level,
        Category,
        Stage,
        StageEventKind,
        ApprovalKind,
        LeaderRank,
        Cadence,
        IssueCategory,
        Difficulty,
        IssueState,
        EventKind,
        GroupBy,
        Assumption,
    ]


@functools.cache
def _catalogue() -> Mapping[str, tuple[str, str]]:
    entries = dict(_ENTRIES)
    for cls in _labelled_enums():
        english = _ENUM_EN[cls.__name__]
        for member in cls:
            zh = member.zh  # type: ignore[attr-defined]
            entries[f"enum.{cls.__name__}.{member.value}"] = (zh, english[member.value])
    for name, members in _ENUM_BOTH.items():
        for value, pair in members.items():
            entries[f"enum.{name}.{value}"] = pair
    return MappingProxyType(entries)


def __getattr__(name: str) -> object:
    """``CATALOGUE``: every entry, key -> (zh, en), the enums' names included."""
    if name == "CATALOGUE":
        return _catalogue()
    msg = f"module {__name__!r} has no attribute {name!r}"
    raise AttributeError(msg)


if TYPE_CHECKING:
    CATALOGUE: Mapping[str, tuple[str, str]]


def check_lang(lang: object, field: str = "lang") -> Lang:
    """``lang`` when it is ``"zh"`` or ``"en"``.

    Raises:
        ValidationError: it is neither.
    """
    if isinstance(lang, str) and lang in {"zh", "en"}:
        return cast("Lang", lang)
    raise ValidationError.about(field, "'zh' or 'en'", lang)


def template(key: str, lang: str) -> str:
    """The template of ``key`` in ``lang``, unfilled.

    Raises:
        UnknownReferenceError: the catalogue has no such key.
        ValidationError: ``lang`` is neither ``"zh"`` nor ``"en"``.
    """
    pair = _ENTRIES.get(key) if isinstance(key, str) else None
    if pair is None:
        pair = _catalogue().get(key) if isinstance(key, str) else None
        if pair is None:
            raise UnknownReferenceError.about("key", "a key of the message catalogue", key)
    if lang == "zh":
        return pair[0]
    if lang == "en":
        return pair[1]
    raise ValidationError.about("lang", "'zh' or 'en'", lang)


def message(key: str, lang: str, /, **facts: object) -> str:
    """The entry ``key`` in ``lang``, its named facts filled in.

    Raises:
        UnknownReferenceError: the catalogue has no such key.
        ValidationError: ``lang`` is neither ``"zh"`` nor ``"en"``, or a fact
            the entry names is missing.
    """
    text = template(key, lang)
    if not facts:
        return text
    try:
        return text.format_map(facts)
    except KeyError as missing:
        raise ValidationError.about(
            "facts", f"a fact named {missing.args[0]} (for {key})", sorted(facts)
        ) from None


def enum_name(member: enum.Enum, lang: str) -> str:
    """An enum member's name for a reader: ``红灯`` / ``red``, ``逾期未完成`` / ``overdue``.

    Raises:
        UnknownReferenceError: the catalogue does not name that enum.
        ValidationError: ``member`` is no enum member, or ``lang`` is neither.
    """
    if not isinstance(member, enum.Enum):
        raise ValidationError.about("member", "an enum member", member)
    return template(f"enum.{type(member).__name__}.{member.value}", lang)


def section(prefix: str, lang: str) -> Mapping[str, str]:
    """Every entry of a section in ``lang``, by the name after the prefix.

    >>> section("mark", "en")["red"]
    'R'

    Raises:
        UnknownReferenceError: no key begins with ``prefix.``.
        ValidationError: ``lang`` is neither.
    """
    if not isinstance(prefix, str):
        raise UnknownReferenceError.about("prefix", "a section of the message catalogue", prefix)
    return _section(prefix, check_lang(lang))


def light_policy_name(name: str, lang: str) -> str:
    """A light policy by its name for a reader: ``ningbo`` as 宁波连续滞后月份.

    ``worst_of(a, b)`` names its parts (取a、b中较重者); a policy of one's own
    keeps its name.

    >>> light_policy_name("worst_of(ningbo, dalian)", "zh")
    '取宁波连续滞后月份、大连节点任务中较重者'

    Raises:
        ValidationError: ``lang`` is neither ``"zh"`` nor ``"en"``, or ``name``
            is no text.
    """
    check_lang(lang)
    if not isinstance(name, str):
        raise ValidationError.about("name", "a light policy's name", name)
    match = re.fullmatch(r"worst_of\((.*)\)", name)
    if match is not None:
        parts = [light_policy_name(p, lang) for p in match[1].split(", ")]
        joined = template("lights.list_sep", lang).join(parts)
        return message("forecast.worst_of", lang, policies=joined)
    pair = _catalogue().get(f"light_policy.{name}")
    if pair is None:
        return name
    return pair[LANGS.index(cast("Lang", lang))]


@functools.cache
def _section(prefix: str, lang: Lang) -> Mapping[str, str]:
    index = LANGS.index(lang)
    start = prefix + "."
    found = {k[len(start) :]: v[index] for k, v in _catalogue().items() if k.startswith(start)}
    if not found:
        raise UnknownReferenceError.about("prefix", "a section of the message catalogue", prefix)
    return MappingProxyType(found)
