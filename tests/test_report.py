"""The monthly report's views and rendering against their plain definitions."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from projpush.report import SupervisionReport, build_report, render
from projpush.synth import SAMPLE_AS_OF, sample_portfolio, synthetic_portfolio


@pytest.fixture(scope="module")
def reports() -> list[SupervisionReport]:
    """The sample city's report, and a synthetic ledger's before its last events."""
    synthetic = synthetic_portfolio(300, seed=11)  # stands at 31 October
    return [
        build_report(sample_portfolio(), SAMPLE_AS_OF),
        build_report(synthetic, dt.date(2020, 9, 30), policy="dalian"),
    ]


def plain_open_by_tier_and_sheet(report: SupervisionReport) -> dict[tuple[str, str], int]:
    """One named key per open issue, counted and sorted."""
    counts = Counter(
        (q.tier or "none", q.sheet.value if q.sheet else "none") for q in report.issues if q.is_open
    )
    return dict(sorted(counts.items()))


class TestOpenByTierAndSheet:
    """Counting the raw status fields first gives the plain per-issue count."""

    def test_equals_plain_count(self, reports: list[SupervisionReport]) -> None:
        """Same keys, counts and order on both ledgers."""
        for report in reports:
            assert plain_open_by_tier_and_sheet(report) == report.open_by_tier_and_sheet()

    def test_sample_figures(self, reports: list[SupervisionReport]) -> None:
        """The sample city's open issues add up to those still open on the report date."""
        report = reports[0]
        expected = sum(1 for q in report.issues if q.is_open)
        assert expected == sum(report.open_by_tier_and_sheet().values())


class TestAccountabilityText:
    """Each unit's line lists its issues and reasons in first-seen order."""

    def test_issues_and_reasons_first_seen(self, reports: list[SupervisionReport]) -> None:
        """The entry properties equal the plain first-seen fold over the items."""
        for report in reports:
            for entry in report.accountability:
                issues = list(dict.fromkeys(i.issue for i in entry.items))
                reasons = list(dict.fromkeys(i.reason for i in entry.items))
                assert (tuple(issues), tuple(reasons)) == (entry.issues, entry.reasons)

    def test_rendered_line(self, reports: list[SupervisionReport]) -> None:
        """The English text shows a unit's line as unit: issues (sorted reasons)."""
        report = reports[1]
        entry = report.accountability[0]
        reasons = ", ".join(sorted({r.value for r in entry.reasons}))
        expected = f"  {entry.unit}: {', '.join(entry.issues)} ({reasons})"
        assert expected in render(report, lang="en").splitlines()
