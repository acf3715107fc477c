"""HTML snippets for notebooks: the ``_repr_html_`` of verdicts, summaries and portfolios.

Each function returns a small, self-contained fragment with inline styles
(notebooks strip ``<style>`` blocks inconsistently); every piece of text
from the data is escaped with :func:`html.escape`.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Final

from projpush._fmt import yi_text
from projpush.lights import Light
from projpush.metrics import _label
from projpush.plot import COLOURS

if TYPE_CHECKING:
    from projpush.lights import LightMap, Rollup, Verdict
    from projpush.metrics import MonthlySummary
    from projpush.model import Issue, Portfolio, Project
    from projpush.report import SupervisionReport

__all__ = [
    "issue_html",
    "light_map_html",
    "monthly_summary_html",
    "portfolio_html",
    "project_html",
    "report_html",
    "rollup_html",
    "verdict_html",
]

_TABLE: Final = 'style="border-collapse:collapse;font-size:90%"'
_CELL: Final = 'style="border:1px solid #ddd;padding:2px 6px;text-align:left"'
_PROJECT_ROWS: Final = 20


def _table(head: list[str], rows: list[list[str]]) -> str:
    """A table; cells are escaped here."""
    th = "".join(f"<th {_CELL}>{escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td {_CELL}>{escape(c)}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table {_TABLE}><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def verdict_html(verdict: Verdict) -> str:
    """A verdict: a coloured badge with the light, then every reason in Chinese and English.

    >>> import datetime as dt
    >>> from projpush.lights import Light, Verdict
    >>> print(verdict_html(Verdict("<NB-1>", dt.date(2020, 5, 31), Light.RED, (), "ningbo")))
    ... # doctest: +ELLIPSIS
    <div ...><span ...>红灯 red</span> <b>&lt;NB-1&gt;</b> 2020-05-31 · ningbo<ul ...></ul></div>
    """
    light = verdict.light
    # Dark text on the light badges (yellow, and the grey of a verdict without a light).
    text_colour = "#fff" if light is Light.GREEN or light is Light.RED else "#000"
    words = "不亮灯 not judged" if light is None else f"{light.zh} {light.value}"
    badge = (
        f'<span style="background:{COLOURS[light]};color:{text_colour};border-radius:3px;'
        f'padding:1px 6px">{escape(words)}</span>'
    )
    items = "".join(
        f"<li>{escape(r.text('zh'))}<br><small>{escape(r.text('en'))}</small></li>"
        for r in verdict.reasons
    )
    return (
        f'<div style="font-family:sans-serif">{badge} <b>{escape(verdict.project)}</b> '
        f"{verdict.as_of.isoformat()} · {escape(verdict.policy)}"
        f'<ul style="margin:4px 0">{items}</ul></div>'
    )


def monthly_summary_html(summary: MonthlySummary) -> str:
    """A monthly report: the headline figures (Chinese and English labels), then the rankings."""
    zh = summary.figure_rows("zh")
    en = summary.figure_rows("en")
    rows = [
        [z_label, e_label, value] for (z_label, value), (e_label, _) in zip(zh, en, strict=True)
    ]
    month = "—" if summary.month is None else str(summary.month)
    parts = [
        (
            f"<div><b>重大项目月度通报 Monthly report {escape(month)}</b> "
            f"(截至 as of {summary.as_of.isoformat()})"
        ),
        _table(["指标", "figure", "value"], rows),
    ]
    for ranking in summary.rankings:
        if not ranking.rows:
            continue
        group = " ".join(_label(lang, "by_" + ranking.group) for lang in ("zh", "en"))
        figure = " ".join(_label(lang, ranking.figure) for lang in ("zh", "en"))
        parts.append(f"<p><b>{escape(group)}</b> · {escape(figure)}</p>")
        table_rows = [
            ["—" if r.rank is None else str(r.rank), r.key, r.text()] for r in ranking.rows
        ]
        parts.append(_table(["名次 rank", "key", "value"], table_rows))
    parts.append("</div>")
    return "".join(parts)


def portfolio_html(portfolio: Portfolio) -> str:
    """A ledger (台账): counts, then the first projects with stage, region, unit and 亿元."""
    open_issues = sum(q.is_open for q in portfolio.issues)
    counts = (
        f"{len(portfolio.projects)} projects 项目 · {len(portfolio.leaders)} leaders 包保领导 · "
        f"{len(portfolio.secretaries)} secretaries 服务秘书 · {len(portfolio.issues)} issues 问题 "
        f"({open_issues} open 未销号) · {len(portfolio.units)} units · "
        f"{len(portfolio.task_forces)} task forces 专班"
    )
    rows = [
        [
            p.key,
            p.name,
            f"{p.stage.zh} {p.stage.value}",
            p.region,
            p.unit,
            yi_text(p.total_investment),
        ]
        for p in portfolio.projects[:_PROJECT_ROWS]
    ]
    more = len(portfolio.projects) - _PROJECT_ROWS
    tail = f"<p>… {more} more projects 另有{more}个项目</p>" if more > 0 else ""
    head = ["key", "name 项目", "stage 阶段", "region 地区", "unit 责任单位", "total 总投资(亿元)"]
    table = _table(head, rows) if rows else ""
    return f"<div><b>Portfolio 台账</b><p>{escape(counts)}</p>{table}{tail}</div>"


def report_html(report: SupervisionReport) -> str:
    """A monthly report in a notebook: its headline figures, the light map, red and yellow."""
    from projpush._page import _drawn, _svg  # noqa: PLC0415 (the page's drawing)

    parts = [f"<div><p><b>{escape(repr(report))}</b></p>", monthly_summary_html(report.summary)]
    lmap = report.light_map
    if lmap is not None and lmap.projects:
        parts += [*_svg(lmap, _drawn(report, lmap), "zh"), *_legend_inline()]
    for title, verdicts in (("红灯 red", report.red), ("黄灯 yellow", report.yellow)):
        parts.append(f"<p><b>{title} ({len(verdicts)})</b></p>")
        parts += [verdict_html(v) for v in verdicts[:_PROJECT_ROWS]]
        if len(verdicts) > _PROJECT_ROWS:
            parts.append(f"<p>… {len(verdicts) - _PROJECT_ROWS} more</p>")
    parts.append("</div>")
    return "".join(parts)


def _legend_inline() -> list[str]:
    marks = {Light.RED: "■", Light.YELLOW: "▲", Light.GREEN: "●"}
    spans = [
        f'<span style="color:{COLOURS[light]}">{mark}</span> {light.zh} {light.value}'
        for light, mark in marks.items()
    ]
    return [f"<p>{' · '.join(spans)} · – 不亮灯 not judged</p>"]


def rollup_html(rollup: Rollup) -> str:
    """A roll-up of lights: its counts, then the red and yellow verdicts with their reasons."""
    counts = rollup.counts
    head = (
        f"<p><b>{escape(rollup.policy)} · {rollup.as_of.isoformat()}</b>: "
        f"{len(rollup.verdicts)} projects 项目 · {counts.green} 绿灯 green · "
        f"{counts.yellow} 黄灯 yellow · {counts.red} 红灯 red</p>"
    )
    shown = [*rollup.red, *rollup.yellow]
    items = [verdict_html(v) for v in shown[:_PROJECT_ROWS]]
    more = len(shown) - _PROJECT_ROWS
    tail = f"<p>… {more} more 另有{more}个</p>" if more > 0 else ""
    return f"<div>{head}{''.join(items)}{tail}</div>"


def light_map_html(light_map: LightMap) -> str:
    """A light map as SVG: a row a project (at most 200), a column a month."""
    from projpush._page import MAP_ROWS, _svg  # noqa: PLC0415 (the page's drawing)

    rows = [(p.key, p.name) for p in light_map.projects[:MAP_ROWS]]
    if not rows:
        return f"<p>{light_map.year}: no projects 无项目</p>"
    more = len(light_map.projects) - len(rows)
    tail = f"<p>… {more} more projects 另有{more}个项目</p>" if more > 0 else ""
    return (
        "<div>" + "".join(_svg(light_map, rows, "zh")) + "".join(_legend_inline()) + tail + "</div>"
    )


def project_html(project: Project) -> str:
    """A project (重大项目): its key facts, its plan this ledger holds, its node tasks."""
    rows = [
        ["key", project.key],
        ["name 项目名称", project.name],
        ["level 级别", f"{project.level.zh} {project.level.value}"],
        ["stage 阶段", f"{project.stage.zh} {project.stage.value}"],
        ["region 地区", project.region],
        ["unit 责任单位", project.unit],
        ["total 总投资(亿元)", yi_text(project.total_investment)],
    ]
    rows += [
        [f"plan {year} 年度计划(亿元)", yi_text(v)] for year, v in project.annual_plans.items()
    ]
    tasks = [
        [m.name, m.planned.isoformat(), "" if m.done is None else m.done.isoformat()]
        for m in project.milestones
    ]
    table = _table(["node 节点", "planned 计划", "done 完成"], tasks) if tasks else ""
    return f"<div><b>Project 项目</b>{_table(['', ''], rows)}{table}</div>"


def issue_html(issue: Issue) -> str:
    """A problem-list issue (问题): where it stands, then its history, one row an event."""
    status = issue.status
    rows = [
        ["id", issue.id],
        ["project 项目", issue.project],
        ["title 问题", issue.title],
        ["state 状态", f"{status.state.zh} {status.state.value}"],
        ["tier 层级", status.tier or "—"],
        ["owner 承办单位", status.owner or "—"],
        ["deadline 时限", "—" if status.deadline is None else status.deadline.isoformat()],
        [
            "sheet 督办单",
            "—" if status.sheet is None else f"{status.sheet.zh} {status.sheet.value}",
        ],
    ]
    events = [[e.at.isoformat(), f"{e.kind.zh} {e.kind.value}", e.note] for e in issue.events]
    history = _table(["date 日期", "event 事件", "note 说明"], events) if events else ""
    return f"<div><b>Issue 问题</b>{_table(['', ''], rows)}{history}</div>"
