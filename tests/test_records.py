"""The TypedDicts of projpush.records name exactly the keys the dicts and records have."""

import datetime as dt

import pytest

from projpush import frames, records
from projpush.lights import judge, light_map
from projpush.metrics import GroupBy, Ratio, monthly_summary
from projpush.report import build_report
from projpush.schedule import WeekdayCalendar
from projpush.synth import sample_portfolio

AS_OF = dt.date(2020, 10, 31)


@pytest.fixture(scope="module")
def portfolio():
    return sample_portfolio()


@pytest.fixture(scope="module")
def summary(portfolio):
    return monthly_summary(portfolio, AS_OF)


def keys_match(typed, value):
    """Every required key is there, and every key is declared."""
    assert typed.__required_keys__ <= value.keys(), typed.__name__
    assert value.keys() <= typed.__required_keys__ | typed.__optional_keys__, typed.__name__


class TestSummaryDict:
    """MonthlySummary.to_dict() is a SummaryDict, all the way down."""

    def test_top_level(self, summary):
        keys_match(records.SummaryDict, summary.to_dict())

    @pytest.mark.parametrize(
        ("key", "typed"),
        [
            ("investment", records.InvestmentDict),
            ("schedule", records.RatioDict),
            ("gap", records.PointsDict),
            ("lights", records.LightFiguresDict),
            ("coverage", records.CoverageDict),
            ("approvals", records.ApprovalFiguresDict),
            ("contacts", records.ContactFiguresDict),
            ("issues", records.IssueFiguresDict),
        ],
    )
    def test_parts(self, summary, key, typed):
        keys_match(typed, summary.to_dict()[key])

    def test_nested_rows(self, summary):
        d = summary.to_dict()
        for tier in d["issues"]["tiers"]:
            keys_match(records.TierFiguresDict, tier)
        for row in d["contacts"]["per_secretary"]:
            keys_match(records.SecretaryContactsDict, row)
        for ranking in d["rankings"]:
            keys_match(records.RankingDict, ranking)
            for row in ranking["rows"]:
                keys_match(records.RankingRecord, row)

    def test_group_records(self, summary):
        for row in summary.to_records(GroupBy.REGION):
            keys_match(records.GroupRecord, row)

    def test_a_mean_names_its_unit(self):
        assert {"numerator", "denominator", "value", "days"} == set(
            Ratio(7, 2).to_dict(mean="days")
        )
        keys_match(records.RatioDict, Ratio(7, 2).to_dict(mean="days"))


class TestFrameRecords:
    """The records functions of projpush.frames give the declared rows."""

    def test_projects(self, portfolio):
        for row in frames.portfolio_records(portfolio):
            keys_match(records.ProjectRecord, row)

    def test_issues(self, portfolio):
        for row in frames.issue_records(portfolio):
            keys_match(records.IssueRecord, row)

    def test_verdicts(self, portfolio):
        for row in frames.verdict_records([judge(p, AS_OF) for p in portfolio.projects]):
            keys_match(records.VerdictRecord, row)

    def test_light_map(self, portfolio):
        for row in frames.light_map_records(light_map(portfolio, 2020)):
            keys_match(records.LightMapRecord, row)

    def test_figures(self, summary):
        for row in frames.summary_records(summary):
            keys_match(records.FigureRecord, row)


class TestReportDict:
    """SupervisionReport.to_dict() is a ReportDict, all the way down."""

    @pytest.fixture
    def report(self, portfolio):
        return build_report(portfolio, AS_OF, calendar=WeekdayCalendar()).to_dict()

    def test_sections(self, report):
        keys_match(records.ReportDict, report)
        keys_match(records.PolicyNameDict, report["policy"])
        keys_match(records.SummaryDict, report["summary"])
        keys_match(records.ReportLightsDict, report["lights"])
        keys_match(records.ReportIssuesDict, report["issues"])

    def test_rows(self, report):
        rows = [
            *((records.ReportVerdictDict, v) for v in report["lights"]["red"]),
            *((records.ReportVerdictDict, v) for v in report["lights"]["yellow"]),
            *((records.OpenIssuesDict, r) for r in report["issues"]["open_by_tier_and_sheet"]),
            *((records.OverdueDict, r) for r in report["issues"]["overdue"]),
            *((records.AccountabilityDict, r) for r in report["accountability"]),
            *((records.FindingDict, r) for r in report["findings"]),
            *((records.NoteDict, r) for r in report["notes"]),
        ]
        assert rows
        for typed, row in rows:
            keys_match(typed, row)
        for entry in report["accountability"]:
            for item in entry["items"]:
                keys_match(records.AccountabilityItemDict, item)
