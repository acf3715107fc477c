"""Result objects in a notebook: a one-line repr, the text report as str, an HTML repr each."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from projpush.report import build_report, render
from projpush.synth import SAMPLE_AS_OF, sample_portfolio

if TYPE_CHECKING:
    from projpush.report import SupervisionReport


class Tags(HTMLParser):
    """The tags of a fragment, and whether every tag opened was closed."""

    VOID = frozenset({"br", "rect", "circle", "polygon", "line"})

    def __init__(self, text: str) -> None:
        super().__init__()
        self.open: list[str] = []
        self.seen: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        self.seen.append(tag)
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: Any) -> None:
        self.seen.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open
        assert tag == self.open.pop()


@pytest.fixture(scope="module")
def report() -> SupervisionReport:
    return build_report(sample_portfolio(), SAMPLE_AS_OF)


class TestReprs:
    """A summary line, not every figure and verdict."""

    def test_report(self, report: SupervisionReport) -> None:
        """The report's repr is one short line; str() is the text report."""
        expected = (
            "<SupervisionReport 2020-10-31 default: 50 projects, 5 red, 4 yellow, "
            "5 overdue issues, 11 ledger gaps>"
        )
        assert expected == repr(report)
        assert render(report) == str(report)

    def test_rollup(self, report: SupervisionReport) -> None:
        """The roll-up's repr counts its lights."""
        assert "<Rollup 2020-10-31 ningbo: 50 projects, 23 green, 4 yellow, 5 red>" == repr(
            report.lights
        )

    def test_short(self, report: SupervisionReport) -> None:
        """Each result object's repr is a line; the light map's too."""
        for value in (report, report.lights, report.light_map):
            text = repr(value)
            assert "\n" not in text
            assert len(text) < 300


class TestHtml:
    """Each result object has an HTML repr: well formed, with its facts, ledger text escaped."""

    def test_every_object(self, report: SupervisionReport) -> None:
        """Report, roll-up, light map, project and issue: a fragment whose tags all close."""
        book = sample_portfolio()
        assert report.lights is not None
        assert report.light_map is not None
        for value in (report, report.lights, report.light_map, book.projects[0], book.issues[0]):
            tags = Tags(value._repr_html_())
            assert [] == tags.open, type(value).__name__
            assert "script" not in tags.seen

    def test_report_holds_map_and_reasons(self, report: SupervisionReport) -> None:
        """The report's fragment: the headline figures, the map, every red project's reasons."""
        fragment = report._repr_html_()
        assert "<svg" in fragment
        assert "73.2 %" in fragment
        for v in report.red:
            for reason in v.reasons:
                assert reason.text("zh") in fragment

    def test_project_and_issue(self) -> None:
        """A project's and an issue's facts, with ledger text escaped."""
        book = sample_portfolio()
        project = attrs.evolve(book.projects[0], name="<b>x</b>")
        fragment = project._repr_html_()
        assert "&lt;b&gt;x&lt;/b&gt;" in fragment
        assert project.key in fragment
        issue = book.issues[0]
        shown = issue._repr_html_()
        assert issue.id in shown
        assert issue.status.state.zh in shown
        assert len(issue.events) + 1 <= shown.count("<tr>")
