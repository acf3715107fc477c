"""The report as one HTML page: its structure, its map, its safety, and a real browser's view."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest

from projpush import _page
from projpush.cli import main
from projpush.errors import ValidationError
from projpush.lights import Light
from projpush.report import _tier_names, build_report, render
from projpush.synth import SAMPLE_AS_OF, sample_portfolio

if TYPE_CHECKING:
    from projpush.report import SupervisionReport

SAMPLE = Path(__file__).parents[1] / "src" / "projpush" / "data" / "sample_ledger.json"
DOCS_IMG = Path(__file__).parents[1] / "docs" / "img" / "report-html.png"
SECTIONS = ["map", "summary", "lights", "issues", "rankings", "accountability", "findings"]
A4 = (595.0, 842.0)  # points, as a PDF's MediaBox gives them (to within one)


class Page(HTMLParser):
    """The elements of a page, in order, with their attributes, and the text of each section."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: dict[str, list[str]] = {}
        self._section: list[str] = []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        named = {k: v or "" for k, v in attrs}
        self.elements.append((tag, named))
        if tag == "section":
            self._section.append(named["id"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self._section.pop()

    def handle_data(self, data: str) -> None:
        if self._section:
            self.texts.setdefault(self._section[-1], []).append(data)

    def text(self, section: str) -> str:
        return "".join(self.texts.get(section, []))

    def having(self, tag: str, **wanted: str) -> list[dict[str, str]]:
        return [
            a
            for t, a in self.elements
            if t == tag and all(a.get(k.rstrip("_")) == v for k, v in wanted.items())
        ]


@pytest.fixture(scope="module")
def report() -> SupervisionReport:
    return build_report(sample_portfolio(), SAMPLE_AS_OF)


@pytest.fixture(scope="module")
def zh(report: SupervisionReport) -> str:
    return render(report, fmt="html", lang="zh")


@pytest.fixture(scope="module")
def en(report: SupervisionReport) -> str:
    return render(report, fmt="html", lang="en")


class TestStructure:
    """The page holds the map and the tables, in the report's language, in order."""

    def test_sections_in_order(self, zh: str) -> None:
        """The map first, then the six tables of the workbook."""
        page = Page(zh)
        assert SECTIONS == [a["id"] for t, a in page.elements if t == "section"]
        assert zh.startswith('<!DOCTYPE html>\n<html lang="zh-CN">')
        assert '<html lang="en">' in render(
            build_report(sample_portfolio(), SAMPLE_AS_OF), fmt="html", lang="en"
        )

    def test_titles_in_each_language(self, zh: str, en: str) -> None:
        """Section titles are the workbook's sheet names, in the report's language."""
        for name in (
            "一图：红黄绿灯图",
            "汇总",
            "红黄绿灯",
            "问题清单",
            "排名",
            "问责清单 (",
            "台账缺口 (",
        ):
            assert name in zh
        for name in (
            "Light map",
            "Summary",
            "Lights",
            "Issues",
            "Rankings",
            "Accountability (",
            "Ledger gaps (",
        ):
            assert name in en
        assert "<title>重大项目月度通报 2020-10</title>" in zh
        assert "<title>Monthly report on major projects 2020-10</title>" in en

    def test_headline_figures_as_the_text_report(self, report: SupervisionReport, zh: str) -> None:
        """Each headline figure is printed as the text report prints it."""
        page = Page(zh)
        summary = page.text("summary")
        for label, value in report.summary.figure_rows(
            "zh", tier_names=_tier_names(report.policy, "zh")
        ):
            assert label in summary
            assert value in summary
        assert "年度计划完成率73.2 %" in summary

    def test_every_red_and_yellow_reason(self, report: SupervisionReport, zh: str, en: str) -> None:
        """Every red or yellow project's every reason is on the page, in its language."""
        for page, lang in ((Page(zh), "zh"), (Page(en), "en")):
            lights = page.text("lights")
            for v in (*report.red, *report.yellow):
                assert page.having("tr", id=f"p-{v.project}")
                for reason in v.reasons:
                    if reason.code:
                        assert reason.text(lang) in lights

    def test_every_project_has_a_row(self, report: SupervisionReport, zh: str) -> None:
        """The lights table lists every project of the report once, red first."""
        rows = [a["id"][2:] for a in Page(zh).having("tr") if a.get("id", "").startswith("p-")]
        assert sorted(p.key for p in report.project_lights) == sorted(rows)
        assert report.red[0].project == rows[0]

    def test_lights_by_shape_and_name_as_well_as_colour(self, zh: str, en: str) -> None:
        """A light cell says its light in words and a shape, besides its colour class."""
        assert '<td class="light light-red">■ 红灯</td>' in zh
        assert '<td class="light light-yellow">▲ 黄灯</td>' in zh
        assert '<td class="light light-green">● 绿灯</td>' in zh
        assert '<td class="light light-red">■ red</td>' in en

    def test_issue_tables(self, report: SupervisionReport, zh: str) -> None:
        """The open issues by tier and sheet, and each overdue issue with its days."""
        issues = Page(zh).text("issues")
        assert "联系市领导红色督办单6" in issues
        for o in report.overdue:
            assert f"{o.issue}" in issues
            assert f"{o.deadline.isoformat()}" in issues
        assert '<td class="sheet-red">红色督办单</td>' in zh

    def test_accountability_and_findings(self, report: SupervisionReport, zh: str) -> None:
        """Each accountability item and each ledger gap has its row."""
        page = Page(zh)
        items = sum(len(e.items) for e in report.accountability)
        assert f"问责清单 ({items})" in zh
        for f in report.findings:
            assert f.text("zh") in page.text("findings")


class TestMap:
    """The light map is inline SVG: a row a project, a cell a month, months to come blank."""

    def test_a_row_a_project_a_cell_a_month(self, report: SupervisionReport, zh: str) -> None:
        """Twelve cells a project; the months after as_of are drawn as not ended."""
        page = Page(zh)
        assert report.light_map is not None
        rows = page.having("g", class_="row")
        assert [p.key for p in report.light_map.projects] == [r["data-key"] for r in rows]
        cells = page.having("g", class_="cell")
        assert 12 * len(rows) == len(cells)
        states = [c["data-light"] for c in cells]
        assert 2 * len(rows) == states.count("not-ended")  # November and December 2020
        expected = [
            "not-ended" if m.last_day > SAMPLE_AS_OF else (light.value if light else "none")
            for p in report.light_map.projects
            for m, light in zip(report.light_map.months, report.light_map.row(p.key), strict=True)
        ]
        assert expected == states

    def test_shapes_tell_lights_apart(self, zh: str) -> None:
        """Red is a square, yellow a triangle, green a circle: not only a colour."""
        assert '<g class="cell" data-light="red"><title>红灯</title>' in zh
        red = re.search(r'data-light="red">.*?</g>', zh)
        yellow = re.search(r'data-light="yellow">.*?</g>', zh)
        green = re.search(r'data-light="green">.*?</g>', zh)
        assert red
        assert yellow
        assert green
        assert red[0].count("<rect") == 2  # the box and the square
        assert "<polygon" in yellow[0]
        assert "<circle" in green[0]

    def test_a_large_map_shows_red_and_yellow_first(self, report: SupervisionReport) -> None:
        """Beyond MAP_ROWS projects, the map draws the red and yellow ones, then the rest."""
        assert report.light_map is not None
        few = attrs.evolve(report, light_map=report.light_map)
        rows = _page._drawn(few, report.light_map)
        assert len(report.light_map.projects) == len(rows)
        old = _page.MAP_ROWS
        try:
            _page.MAP_ROWS = 10  # type: ignore[misc]
            rows = _page._drawn(few, report.light_map)
            html = render(report, fmt="html", lang="en")
        finally:
            _page.MAP_ROWS = old  # type: ignore[misc]
        expected = [v.project for v in (*report.red, *report.yellow)]
        assert expected == [key for key, _ in rows][: len(expected)]
        assert 10 == len(rows)
        assert "The map shows 10 of 50 projects, the red and yellow ones first" in html

    def test_no_map_is_said(self, report: SupervisionReport) -> None:
        """A report without a map (one built on tables) says so where the map would be."""
        bare = attrs.evolve(report, light_map=None)
        assert "<p>本报告未附红黄绿灯图</p>" in render(bare, fmt="html", lang="zh")
        assert "<p>This report carries no light map</p>" in render(bare, fmt="html", lang="en")


class TestSelfContained:
    """Nothing is fetched, nothing from the ledger is markup, the page prints on A4."""

    def test_no_external_resource(self, zh: str, en: str) -> None:
        """No src, no link, no url(), no @import, no script: the page is all there is."""
        for text in (zh, en):
            page = Page(text)
            assert not [t for t, _ in page.elements if t in {"script", "link", "img", "iframe"}]
            assert not [a for _, a in page.elements if "src" in a or "href" in a]
            assert "url(" not in text
            assert "@import" not in text

    def test_print_style_for_a4(self, zh: str) -> None:
        """The print style sheet sets A4 and repeats table headers on each page."""
        assert "@page { size: A4;" in zh
        assert "thead { display: table-header-group; }" in zh

    def test_ledger_text_is_escaped(self) -> None:
        """A name that looks like markup is shown as typed, never run."""
        p = sample_portfolio()
        first = p.projects[0]
        named = attrs.evolve(first, name='<script>alert("x")</script>&amp;')
        ledger = attrs.evolve(p, projects=(named, *p.projects[1:]))
        html = render(build_report(ledger, SAMPLE_AS_OF), fmt="html", lang="zh")
        assert "<script>" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;amp;" in html

    def test_a_year_without_plans_says_so(self) -> None:
        """The note of a year without plans heads the page, and the map judges nothing."""
        html = render(build_report(sample_portfolio(), dt.date(2021, 3, 31)), fmt="html")
        assert "注意: 台账中没有2021年的年度计划：投资数字为零" in html

    def test_bad_format(self, report: SupervisionReport) -> None:
        """An unknown format names the field and the choices, html among them."""
        with pytest.raises(ValidationError) as info:
            render(report, fmt="pdf")  # type: ignore[arg-type]
        expected = "fmt: expected 'text', 'json', 'csv', 'csv-fields' or 'html', got 'pdf'"
        assert expected == str(info.value)


class TestCommandLine:
    """--format html prints the page, or writes it to --output, on both routes."""

    def test_demo_prints_the_page(self, capsys: pytest.CaptureFixture[str], zh: str) -> None:
        """The demo's page is the library's page."""
        assert 0 == main(["demo", "--format", "html"])
        assert zh == capsys.readouterr().out

    def test_output_file(self, tmp_path: Path, en: str) -> None:
        """--output writes the page as UTF-8."""
        target = tmp_path / "report.html"
        assert 0 == main(["demo", "--format", "html", "--lang", "en", "-o", str(target)])
        assert en == target.read_text(encoding="utf-8")

    def test_parquet_route_gives_the_same_page(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A Parquet ledger's report on the table engine prints the JSON ledger's page."""
        pytest.importorskip("polars")
        folder = tmp_path / "ledger.parquet"
        assert 0 == main(["convert", str(SAMPLE), str(folder)])
        capsys.readouterr()
        args = ["--as-of", "2020-10-31", "--format", "html", "--trusted"]
        assert 0 == main(["report", str(SAMPLE), *args])
        on_objects = capsys.readouterr().out
        assert 0 == main(["report", str(folder), *args])
        assert on_objects == capsys.readouterr().out


# --------------------------------------------------------------------------- a real browser


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _headless(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    # --no-sandbox: CI runs as root in a container, where Chromium's sandbox cannot start.
    command = [
        browser,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        *args,
    ]
    return subprocess.run(command, capture_output=True, timeout=120, check=True)


@pytest.fixture(scope="module")
def browser() -> str:
    found = _browser()
    if found is None:
        pytest.skip(
            "no headless browser: install Debian's chromium (apt-get install chromium), "
            "as .ci/run does where it can"
        )
    return found


class TestInABrowser:
    """Chromium, headless, reads the page as written, prints it on A4 and takes its picture."""

    def test_dom_as_written(self, browser: str, zh: str, tmp_path: Path) -> None:
        """The browser's DOM holds every section, map cell and light row the page has."""
        source = tmp_path / "report.html"
        source.write_text(zh, encoding="utf-8")
        dom = _headless(browser, tmp_path / "profile", "--dump-dom", source.as_uri()).stdout
        page, parsed = Page(zh), Page(dom.decode("utf-8"))
        assert SECTIONS == [a["id"] for t, a in parsed.elements if t == "section"]
        for tag, cls in (("g", "cell"), ("g", "row"), ("td", "light light-red"), ("ol", "reasons")):
            assert len(page.having(tag, class_=cls)) == len(parsed.having(tag, class_=cls))
        assert len(page.having("tr")) == len(parsed.having("tr"))

    def test_prints_on_a4(self, browser: str, zh: str, tmp_path: Path) -> None:
        """Printed to PDF, every page is A4."""
        source = tmp_path / "report.html"
        source.write_text(zh, encoding="utf-8")
        pdf = tmp_path / "report.pdf"
        _headless(
            browser,
            tmp_path / "profile",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            source.as_uri(),
        )
        boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", pdf.read_bytes())
        assert boxes
        for width, height in boxes:
            assert abs(float(width) - A4[0]) < 1
            assert abs(float(height) - A4[1]) < 1

    def test_screenshot(self, browser: str, zh: str, tmp_path: Path) -> None:
        """A picture of the page's top; PROJPUSH_DOCS_IMG=1 saves it for docs/cli.md."""
        source = tmp_path / "report.html"
        source.write_text(zh, encoding="utf-8")
        shot = tmp_path / "report.png"
        _headless(
            browser,
            tmp_path / "profile",
            "--window-size=1000,1300",
            f"--screenshot={shot}",
            source.as_uri(),
        )
        data = shot.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert (1000, 1300) == _png_size(data)
        if os.environ.get("PROJPUSH_DOCS_IMG") == "1":
            DOCS_IMG.parent.mkdir(exist_ok=True)
            DOCS_IMG.write_bytes(data)


def _png_size(data: bytes) -> tuple[int, int]:
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_every_light_has_a_mark() -> None:
    """Every light (and no light) has its shape."""
    assert {*Light, None} == set(_page._MARKS)
