"""The monthly supervision report as one self-contained HTML page (private).

:func:`projpush.report.render` with ``fmt="html"`` is the public entry. The
page is the report's "one map, five tables" (一图五表) view: the light map
as inline SVG, then the headline figures, the lights with every red and
yellow project's reasons, the problem list, the rankings, the
accountability list and the ledger's gaps.

Nothing is fetched: the style sheet is inline, the map is drawn in SVG
elements, the fonts are the reader's own. A light is a colour, a shape
(■ red, ▲ yellow, ● green) and its name, so the page reads the same in
grey print and to a reader who cannot tell red from green. A print
style sheet lays it out on A4, table headers repeated on each page. Every
piece of text from the ledger is escaped.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING, Final

from projpush._csvforecast import _due_block
from projpush._fmt import text_width
from projpush._notes import note_text
from projpush._xlsx import _headers, _sheet_names
from projpush.lights import Light
from projpush.messages import enum_name, message, section
from projpush.metrics import _label
from projpush.plot import COLOURS
from projpush.report import _reason_words, _sheet_words, _tier_names, policy_shown

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from projpush.lights import LightMap
    from projpush.report import Lang, SupervisionReport

__all__ = ["MAP_ROWS", "page"]

MAP_ROWS: Final = 200
"""The most projects the map draws: beyond, the red and yellow ones first, then the others."""

_MARKS: Final = {Light.RED: "■", Light.YELLOW: "▲", Light.GREEN: "●", None: "–"}

_STYLE: Final = """
:root { --red: %(red)s; --yellow: %(yellow)s; --green: %(green)s; --grey: %(grey)s; }
body { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
  "PingFang SC", "WenQuanYi Zen Hei", sans-serif; margin: 1.5em auto; max-width: 60em;
  padding: 0 1em; color: #111; line-height: 1.45; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.2em; border-bottom: 2px solid #444; margin-top: 1.6em; }
h3 { font-size: 1em; margin-bottom: 0.3em; }
table { border-collapse: collapse; margin: 0.4em 0 1em; font-size: 0.9em; }
th, td { border: 1px solid #999; padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: #d9d9d9; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.key { white-space: nowrap; }
.light { white-space: nowrap; font-weight: bold; }
.light-red { background: var(--red); color: #fff; }
.light-yellow { background: var(--yellow); color: #000; }
.light-green { background: var(--green); color: #fff; }
.sheet-red { background: var(--red); color: #fff; }
.sheet-yellow { background: var(--yellow); color: #000; }
.sheet-blue { background: #00b0f0; color: #000; }
.notes { border-left: 4px solid var(--yellow); padding-left: 0.6em; }
ol.reasons { margin: 0; padding-left: 1.4em; }
figure { margin: 0; }
svg text { font-family: inherit; }
@media print {
  @page { size: A4; margin: 12mm 10mm; }
  body { max-width: none; margin: 0; padding: 0; font-size: 9pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr, figure { break-inside: avoid; page-break-inside: avoid; }
  svg { max-width: 100%%; height: auto; }
}
"""


def page(report: SupervisionReport, lang: Lang) -> str:
    """The whole page of ``report`` in ``lang``, as text (UTF-8 when written)."""
    return "".join(_page(report, lang))


def _page(report: SupervisionReport, lang: Lang) -> Iterator[str]:
    words = section("page", lang)
    text = section("report", lang)
    sheets = _sheet_names(lang)
    month = "—" if report.summary.month is None else str(report.summary.month)
    title = f"{words['title']} {month}"
    colours = {
        "red": COLOURS[Light.RED],
        "yellow": COLOURS[Light.YELLOW],
        "green": COLOURS[Light.GREEN],
        "grey": COLOURS[None],
    }
    yield '<!DOCTYPE html>\n<html lang="{}">\n<head>\n<meta charset="utf-8">\n'.format(
        "zh-CN" if lang == "zh" else "en"
    )
    yield '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
    yield f"<title>{escape(title)}</title>\n<style>{_STYLE % colours}</style>\n</head>\n<body>\n"
    shown = policy_shown(report.policy, lang)
    yield f"<header>\n<h1>{escape(title)}</h1>\n"
    yield (
        f'<p>{words["as_of"]} <time datetime="{report.as_of.isoformat()}">'
        f"{report.as_of.isoformat()}</time> · {escape(text['policy'])}: {escape(shown)}</p>\n"
    )
    if report.notes:
        yield '<div class="notes">' + "".join(
            f"<p>{escape(text['note'])}: {escape(n.text(lang))}</p>" for n in report.notes
        )
        yield "</div>\n"
    yield "</header>\n"
    yield f'<section id="map">\n<h2>{escape(words["map"])}</h2>\n'
    yield from _map(report, lang)
    yield "</section>\n"
    tiers = _tier_names(report.policy, lang)
    heads = _headers(lang)
    figures = report.summary.figure_rows(lang, tier_names=tiers)
    yield from _section("summary", sheets[0], heads["summary"], figures, numeric=(1,))
    yield f'<section id="lights">\n<h2>{escape(sheets[1])}</h2>\n'
    yield from _lights(report, lang)
    yield "</section>\n"
    yield f'<section id="issues">\n<h2>{escape(sheets[2])}</h2>\n'
    yield f"<h3>{escape(words['counts'])}</h3>\n"
    yield from _issue_counts(report, lang, tiers)
    yield f"<h3>{escape(text['overdue'])} ({len(report.overdue)})</h3>\n"
    yield from _overdue(report, lang, tiers)
    yield "</section>\n"
    yield f'<section id="rankings">\n<h2>{escape(sheets[3])}</h2>\n'
    yield from _rankings(report, lang)
    yield "</section>\n"
    accountability = [
        (
            e.unit,
            i.issue,
            _reason_words(i.reason, lang),
            i.on.isoformat(),
            note_text(i.detail, lang, tiers) if i.detail else "",
        )
        for e in report.accountability
        for i in e.items
    ]
    yield from _section("accountability", sheets[4], heads["accountability"], accountability)
    findings = [(f.subject, enum_name(f.kind, lang), f.text(lang)) for f in report.findings]
    yield from _section("findings", sheets[5], heads["findings"], findings)
    yield from _forecast(report, lang)
    yield "</body>\n</html>\n"


# --------------------------------------------------------------------------- tables


def _table(
    head: Sequence[str], rows: Iterable[Sequence[str]], *, numeric: Sequence[int] = ()
) -> Iterator[str]:
    """A table of plain text cells, escaped here; the ``numeric`` columns right-aligned."""
    yield "<table>\n<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head)
    yield "</tr></thead>\n<tbody>\n"
    for row in rows:
        cells = (
            f'<td class="n">{escape(c)}</td>' if i in numeric else f"<td>{escape(c)}</td>"
            for i, c in enumerate(row)
        )
        yield "<tr>" + "".join(cells) + "</tr>\n"
    yield "</tbody>\n</table>\n"


def _section(
    key: str,
    title: str,
    head: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    numeric: Sequence[int] = (),
) -> Iterator[str]:
    # The figures are no list of items: only the other tables count their rows.
    counted = title if key == "summary" else f"{title} ({len(rows)})"
    yield f'<section id="{key}">\n<h2>{escape(counted)}</h2>\n'
    yield from _table(head, rows, numeric=numeric)
    yield "</section>\n"


def _light_cell(light: Light | None, lang: Lang) -> str:
    """A light as colour, shape and name: ``■ 红灯`` on red."""
    if light is None:
        return (
            f'<td class="light">{_MARKS[None]} {escape(message("workbook.not_judged", lang))}</td>'
        )
    name = enum_name(light, lang)
    return f'<td class="light light-{light.value}">{_MARKS[light]} {escape(name)}</td>'


def _lights(report: SupervisionReport, lang: Lang) -> Iterator[str]:
    """Every project, red then yellow (worst first, with their reasons), green, not judged."""
    reasons = {v.project: [r.text(lang) for r in v.reasons if r.code] for v in report.red}
    reasons.update({v.project: [r.text(lang) for r in v.reasons if r.code] for v in report.yellow})
    order = {key: i for i, key in enumerate(reasons)}
    rest = len(order)
    rank = {Light.GREEN: rest, None: rest + 1}
    rows = sorted(
        report.project_lights,
        key=lambda p: order[p.key] if p.key in order else rank.get(p.light, rest + 2),
    )
    head = _headers(lang)["lights"]
    yield "<table>\n<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head)
    yield "</tr></thead>\n<tbody>\n"
    for p in rows:
        said = reasons.get(p.key, ())
        listed = (
            '<ol class="reasons">' + "".join(f"<li>{escape(r)}</li>" for r in said) + "</ol>"
            if said
            else ""
        )
        yield (
            f'<tr id="p-{escape(p.key)}"><td class="key">{escape(p.key)}</td>'
            f"<td>{escape(p.name)}</td><td>{escape(p.unit)}</td>"
            f"{_light_cell(p.light, lang)}<td>{listed}</td></tr>\n"
        )
    yield "</tbody>\n</table>\n"


def _forecast(report: SupervisionReport, lang: Lang) -> Iterator[str]:
    """The forecast section, when the report carries one (``report.with_forecast``).

    One row a project to watch (not green now, or not green at a month end
    foreseen): its light now and at each month end under each assumption,
    and the sentence of its least effort; then the issues due soon.
    """
    fc = report.forecast
    if fc is None:
        return
    from projpush._foresight_text import _at_risk, _effort_shown  # noqa: PLC0415
    from projpush.foresight import Assumption  # noqa: PLC0415

    title = message("workbook.sheet.forecast", lang)
    heads = section("workbook.head", lang)
    shown = [p for p in fc.projects if _at_risk(p)]
    yield f'<section id="forecast">\n<h2>{escape(title)} ({len(shown)})</h2>\n'
    columns = [(m, a) for m in fc.months for a in Assumption]
    head = [
        heads["project"],
        heads["name"],
        heads["now"],
        *(
            message("workbook.head.assumed", lang, month=m, assumption=enum_name(a, lang))
            for m, a in columns
        ),
        heads["least_effort"],
    ]
    yield "<table>\n<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head)
    yield "</tr></thead>\n<tbody>\n"
    for p in shown:
        effort = _effort_shown(p)
        cells = "".join(_light_cell(p.outlook(m, a).light, lang) for m, a in columns)
        said = escape(effort.sentence(lang)) if effort is not None else ""
        yield (
            f'<tr><td class="key">{escape(p.project)}</td><td>{escape(p.name)}</td>'
            f"{_light_cell(p.now.light, lang)}{cells}<td>{said}</td></tr>\n"
        )
    yield "</tbody>\n</table>\n"
    if fc.due_within is not None:
        due, due_head, rows = _due_block(report, fc, lang)  # the CSV's table, as a page's
        yield f"<h3>{escape(due)} ({len(fc.due_soon)})</h3>\n"
        yield from _table(due_head, rows, numeric=(3,))
    yield "</section>\n"


def _sheet_cell(sheet: str, lang: Lang) -> str:
    words = escape(_sheet_words(sheet, lang))
    return f"<td>{words}</td>" if sheet == "none" else f'<td class="sheet-{sheet}">{words}</td>'


def _issue_counts(report: SupervisionReport, lang: Lang, tiers: dict[str, str]) -> Iterator[str]:
    head = _headers(lang)["issues"][8:]
    yield "<table>\n<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head)
    yield "</tr></thead>\n<tbody>\n"
    no_tier = message("report.no_tier", lang)
    for (tier, sheet), n in report.open_by_tier_and_sheet().items():
        named = no_tier if tier == "none" else tiers.get(tier, tier)
        yield (
            f'<tr><td>{escape(named)}</td>{_sheet_cell(sheet, lang)}<td class="n">{n}</td></tr>\n'
        )
    yield "</tbody>\n</table>\n"


def _overdue(report: SupervisionReport, lang: Lang, tiers: dict[str, str]) -> Iterator[str]:
    head = _headers(lang)["issues"][:7]
    yield "<table>\n<thead><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head)
    yield "</tr></thead>\n<tbody>\n"
    no_tier = message("report.no_tier", lang)
    for o in report.overdue:
        tier = no_tier if o.tier is None else tiers.get(o.tier, o.tier)
        sheet = "none" if o.sheet is None else o.sheet.value
        yield (
            f"<tr><td>{escape(o.issue)}</td><td>{escape(tier)}</td>"
            f"<td>{escape(o.owner or '—')}</td><td>{o.deadline.isoformat()}</td>"
            f"{_sheet_cell(sheet, lang)}"
            f'<td class="n">{o.calendar_days}</td><td class="n">{o.working_days}</td></tr>\n'
        )
    yield "</tbody>\n</table>\n"


def _rankings(report: SupervisionReport, lang: Lang) -> Iterator[str]:
    head = _headers(lang)["rankings"][2:]
    for ranking in report.summary.rankings:
        if not ranking.rows:
            continue
        direction = enum_name(ranking.better, lang)
        name = _label(lang, "by_" + ranking.group)
        figure = message(
            "workbook.ranked", lang, figure=_label(lang, ranking.figure), direction=direction
        )
        yield f"<h3>{escape(name)}: {escape(figure)}</h3>\n"
        rows = [
            ("—" if r.rank is None else str(r.rank), r.key, r.text(1, lang)) for r in ranking.rows
        ]
        yield from _table(head, rows, numeric=(0, 2))


# --------------------------------------------------------------------------- the map

_CELL: Final = 30  # a month's width, in px
_ROW: Final = 18  # a project's height, in px
_TOP: Final = 22  # the month header's height
_UNIT: Final = 6.5  # px per unit of text_width at 12 px (a CJK character is 2 units)
_MAX_LABEL: Final = 300


def _map(report: SupervisionReport, lang: Lang) -> Iterator[str]:
    """The light map as an SVG figure, or a line saying the report has none."""
    words = section("page", lang)
    lmap = report.light_map
    if lmap is None or not lmap.projects:
        yield f"<p>{escape(words['no_map'])}</p>\n"
        return
    projects = _drawn(report, lmap)
    yield f"<figure>\n<figcaption>{escape(words['map_year'].format(year=lmap.year))}"
    if len(projects) < len(lmap.projects):
        part = words["map_part"].format(shown=len(projects), total=len(lmap.projects))
        yield f"; {escape(part)}"
    yield "</figcaption>\n"
    yield from _svg(lmap, projects, lang)
    yield from _legend(lang)
    yield "</figure>\n"


def _drawn(report: SupervisionReport, lmap: LightMap) -> list[tuple[str, str]]:
    """The (key, name) rows the map draws: all, or :data:`MAP_ROWS`, red and yellow first."""
    rows = [(p.key, p.name) for p in lmap.projects]
    if len(rows) <= MAP_ROWS:
        return rows
    names = dict(rows)
    first = [v.project for v in (*report.red, *report.yellow) if v.project in names]
    taken = set(first)
    rest = (key for key, _ in rows if key not in taken)
    keys = [*first, *rest][:MAP_ROWS]
    return [(key, names[key]) for key in keys]


def _svg(lmap: LightMap, projects: list[tuple[str, str]], lang: Lang) -> Iterator[str]:
    words = section("page", lang)
    label = min(max(text_width(name) for _, name in projects) * _UNIT + 8, _MAX_LABEL)
    width = int(label + 12 * _CELL + 2)
    height = _TOP + len(projects) * _ROW + 2
    ended = [lmap.as_of is None or m.last_day <= lmap.as_of for m in lmap.months]
    yield (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-size="12">\n'
        f"<title>{escape(words['map_year'].format(year=lmap.year))}</title>\n"
    )
    for i, m in enumerate(lmap.months):
        x = label + i * _CELL + _CELL / 2
        shown = words["month"].format(month=m.month)
        yield f'<text x="{x:g}" y="15" text-anchor="middle">{escape(shown)}</text>\n'
    for row, (key, name) in enumerate(projects):
        y = _TOP + row * _ROW
        yield f'<g class="row" data-key="{escape(key)}">'
        yield (
            f'<text x="{label - 6:g}" y="{y + 13}" text-anchor="end">'
            f"<title>{escape(key)}</title>{escape(name)}</text>"
        )
        for col, light in enumerate(lmap.row(key)):
            yield _cell(label + col * _CELL, y, light, ended[col], lang)
        yield "</g>\n"
    yield "</svg>\n"


def _cell(x: float, y: int, light: Light | None, ended: bool, lang: Lang) -> str:
    """One month of one project: a box, and the light's shape in its colour."""
    words = section("page", lang)
    if not ended:
        name, shape, fill = words["not_ended"], "", "#fafafa"
    elif light is None:
        name, fill = words["not_judged"], "#eeeeee"
        shape = (
            f'<line x1="{x + 9:g}" y1="{y + 9}" x2="{x + 17:g}" y2="{y + 9}" '
            f'stroke="{COLOURS[None]}" stroke-width="2"/>'
        )
    else:
        name = enum_name(light, lang)
        fill = "#ffffff"
        shape = _shape(x + _CELL / 2, y + _ROW / 2, light)
    state = "not-ended" if not ended else (light.value if light else "none")
    return (
        f'<g class="cell" data-light="{state}"><title>{escape(name)}</title>'
        f'<rect x="{x:g}" y="{y}" width="{_CELL}" height="{_ROW}" fill="{fill}" '
        f'stroke="#cccccc"/>{shape}</g>'
    )


def _shape(cx: float, cy: float, light: Light) -> str:
    """■ red, ▲ yellow, ● green: told apart in grey print too."""
    colour = COLOURS[light]
    if light is Light.RED:
        return f'<rect x="{cx - 6:g}" y="{cy - 6:g}" width="12" height="12" fill="{colour}"/>'
    if light is Light.YELLOW:
        points = f"{cx:g},{cy - 7:g} {cx + 7:g},{cy + 6:g} {cx - 7:g},{cy + 6:g}"
        return f'<polygon points="{points}" fill="{colour}" stroke="#8a6d00" stroke-width="0.8"/>'
    return f'<circle cx="{cx:g}" cy="{cy:g}" r="6" fill="{colour}"/>'


def _legend(lang: Lang) -> Iterator[str]:
    words = section("page", lang)
    items = [
        (_MARKS[light], enum_name(light, lang), f"light-{light.value}")
        for light in (Light.RED, Light.YELLOW, Light.GREEN)
    ]
    items += [(_MARKS[None], words["not_judged"], ""), ("□", words["not_ended"], "")]
    yield '<p class="legend">' + " ".join(
        f'<span class="light {cls}">{mark} {escape(name)}</span>' for mark, name, cls in items
    )
    yield "</p>\n"
