"""HTML snippets for notebooks: the ``_repr_html_`` of verdicts, summaries and portfolios.

Each function returns a small, self-contained fragment with inline styles
(notebooks strip ``<style>`` blocks inconsistently); every piece of text
from the data is escaped with :func:`html.escape`.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Final

from projpush._fmt import yi_text
from projpush._notes import note_text
from projpush.lights import Light
from projpush.messages import enum_name, message
from projpush.metrics import _label, _tier_words
from projpush.plot import COLOURS

if TYPE_CHECKING:
    import enum

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


def _both(key: str, **facts: object) -> str:
    """An entry of the catalogue in both languages, English first: ``name 项目名称``.

    A notebook view is read by both the city's staff and analysts of other
    languages, so its labels carry both; its values are the data's own.
    """
    return f"{message(key, 'en', **facts)} {message(key, 'zh', **facts)}"


def _both_zh_first(key: str) -> str:
    return f"{message(key, 'zh')} {message(key, 'en')}"


def _named(member: enum.Enum) -> str:
    """An enum's name in both languages, Chinese first: ``在建 under construction``."""
    return f"{enum_name(member, 'zh')} {enum_name(member, 'en')}"


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
    words = _both_zh_first("lights.not_judged") if light is None else _named(light)
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
            f"<div><b>{escape(message('repr.summary_title', 'zh'))} "
            f"{escape(message('repr.summary_title', 'en'))} {escape(month)}</b> "
            f"({escape(_both_zh_first('page.as_of'))} {summary.as_of.isoformat()})"
        ),
        _table(
            [message("summary.head.figure", lang) for lang in ("zh", "en")]
            + [message("summary.head.value", "en")],
            rows,
        ),
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
        head = [_both_zh_first("summary.head.rank"), _both("repr.key"), _both("repr.value")]
        parts.append(_table(head, table_rows))
    parts.append("</div>")
    return "".join(parts)


def portfolio_html(portfolio: Portfolio) -> str:
    """A ledger (台账): counts, then the first projects with stage, region, unit and 亿元."""
    open_issues = sum(q.is_open for q in portfolio.issues)
    facts = {
        "projects": len(portfolio.projects),
        "leaders": len(portfolio.leaders),
        "secretaries": len(portfolio.secretaries),
        "issues": len(portfolio.issues),
        "open": open_issues,
        "units": len(portfolio.units),
        "task_forces": len(portfolio.task_forces),
    }
    counts = [message("repr.portfolio_counts", lang, **facts) for lang in ("en", "zh")]
    rows = [
        [
            p.key,
            p.name,
            _named(p.stage),
            p.region,
            p.unit,
            yi_text(p.total_investment),
        ]
        for p in portfolio.projects[:_PROJECT_ROWS]
    ]
    more = len(portfolio.projects) - _PROJECT_ROWS
    tail = f"<p>{escape(_both('repr.more_projects', n=more))}</p>" if more > 0 else ""
    head = [
        _both(f"repr.{column}") for column in ("key", "project", "stage", "region", "unit", "total")
    ]
    table = _table(head, rows) if rows else ""
    said = "<br>".join(map(escape, counts))
    return f"<div><b>{escape(_both('repr.portfolio'))}</b><p>{said}</p>{table}{tail}</div>"


def report_html(report: SupervisionReport) -> str:
    """A monthly report in a notebook: its headline figures, the light map, red and yellow."""
    from projpush._page import _drawn, _svg  # noqa: PLC0415 (the page's drawing)

    parts = [f"<div><p><b>{escape(repr(report))}</b></p>", monthly_summary_html(report.summary)]
    lmap = report.light_map
    if lmap is not None and lmap.projects:
        parts += [*_svg(lmap, _drawn(report, lmap), "zh"), *_legend_inline()]
    for light, verdicts in ((Light.RED, report.red), (Light.YELLOW, report.yellow)):
        parts.append(f"<p><b>{escape(_named(light))} ({len(verdicts)})</b></p>")
        parts += [verdict_html(v) for v in verdicts[:_PROJECT_ROWS]]
        if len(verdicts) > _PROJECT_ROWS:
            more = len(verdicts) - _PROJECT_ROWS
            parts.append(f"<p>{escape(_both('repr.more', n=more))}</p>")
    parts.append("</div>")
    return "".join(parts)


def _legend_inline() -> list[str]:
    marks = {Light.RED: "■", Light.YELLOW: "▲", Light.GREEN: "●"}
    spans = [
        f'<span style="color:{COLOURS[light]}">{mark}</span> {escape(_named(light))}'
        for light, mark in marks.items()
    ]
    return [f"<p>{' · '.join(spans)} · – {escape(_both_zh_first('lights.not_judged'))}</p>"]


def rollup_html(rollup: Rollup) -> str:
    """A roll-up of lights: its counts, then the red and yellow verdicts with their reasons."""
    counts = rollup.counts
    facts = {
        "projects": len(rollup.verdicts),
        "green": counts.green,
        "yellow": counts.yellow,
        "red": counts.red,
    }
    tally = " / ".join(message("repr.rollup_counts", lang, **facts) for lang in ("en", "zh"))
    head = f"<p><b>{escape(rollup.policy)} · {rollup.as_of.isoformat()}</b>: {escape(tally)}</p>"
    shown = [*rollup.red, *rollup.yellow]
    items = [verdict_html(v) for v in shown[:_PROJECT_ROWS]]
    more = len(shown) - _PROJECT_ROWS
    tail = f"<p>{escape(_both('repr.more', n=more))}</p>" if more > 0 else ""
    return f"<div>{head}{''.join(items)}{tail}</div>"


def light_map_html(light_map: LightMap) -> str:
    """A light map as SVG: a row a project (at most 200), a column a month."""
    from projpush._page import MAP_ROWS, _svg  # noqa: PLC0415 (the page's drawing)

    rows = [(p.key, p.name) for p in light_map.projects[:MAP_ROWS]]
    if not rows:
        return f"<p>{light_map.year}: {escape(_both('repr.no_projects'))}</p>"
    more = len(light_map.projects) - len(rows)
    tail = f"<p>{escape(_both('repr.more_projects', n=more))}</p>" if more > 0 else ""
    return (
        "<div>" + "".join(_svg(light_map, rows, "zh")) + "".join(_legend_inline()) + tail + "</div>"
    )


def project_html(project: Project) -> str:
    """A project (重大项目): its key facts, its plan this ledger holds, its node tasks."""
    rows = [
        [_both("repr.key"), project.key],
        [_both("repr.name"), project.name],
        [_both("repr.level"), _named(project.level)],
        [_both("repr.stage"), _named(project.stage)],
        [_both("repr.region"), project.region],
        [_both("repr.unit"), project.unit],
        [_both("repr.total"), yi_text(project.total_investment)],
    ]
    rows += [
        [_both("repr.annual_plan", year=year), yi_text(v)]
        for year, v in project.annual_plans.items()
    ]
    tasks = [
        [m.name, m.planned.isoformat(), "" if m.done is None else m.done.isoformat()]
        for m in project.milestones
    ]
    head = [_both(f"repr.{column}") for column in ("node", "planned", "done")]
    table = _table(head, tasks) if tasks else ""
    return f"<div><b>{escape(_both('repr.a_project'))}</b>{_table(['', ''], rows)}{table}</div>"


def issue_html(issue: Issue) -> str:
    """A problem-list issue (问题): where it stands, then its history, one row an event."""
    status = issue.status
    tiers = {lang: _tier_words(lang) for lang in ("zh", "en")}
    tier = status.tier
    rows = [
        [_both("repr.id"), issue.id],
        [_both("repr.project"), issue.project],
        [_both("repr.title"), issue.title],
        [_both("repr.state"), _named(status.state)],
        [
            _both("repr.tier"),
            "—" if tier is None else f"{tiers['zh'].get(tier, tier)} {tiers['en'].get(tier, tier)}",
        ],
        [_both("repr.owner"), status.owner or "—"],
        [
            _both("repr.deadline"),
            "—" if status.deadline is None else status.deadline.isoformat(),
        ],
        [_both("repr.sheet"), "—" if status.sheet is None else _named(status.sheet)],
    ]
    events = [
        [e.at.isoformat(), _named(e.kind), note_text(e.note, "zh", tiers["zh"])]
        for e in issue.events
    ]
    head = [_both(f"repr.{column}") for column in ("date", "event", "note")]
    history = _table(head, events) if events else ""
    return f"<div><b>{escape(_both('repr.an_issue'))}</b>{_table(['', ''], rows)}{history}</div>"
