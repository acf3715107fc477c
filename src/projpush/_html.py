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
from projpush.plot import COLOURS

if TYPE_CHECKING:
    from projpush.lights import Verdict
    from projpush.metrics import MonthlySummary
    from projpush.model import Portfolio

__all__ = ["monthly_summary_html", "portfolio_html", "verdict_html"]

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
        parts.append(f"<p><b>{escape(ranking.group)}</b> · {escape(ranking.figure)}</p>")
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
