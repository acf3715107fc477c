"""Tests of projpush.frames: flat records of portfolio-level results and pandas frames."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest

from projpush.errors import ValidationError
from projpush.escalation import EscalationPolicy, advance, assign, overdue
from projpush.frames import (
    issue_records,
    light_map_records,
    portfolio_records,
    records,
    summary_records,
    to_frame,
    verdict_records,
)
from projpush.lights import judge_portfolio, light_map
from projpush.metrics import group_figures, monthly_summary
from projpush.model import Issue, Leader, Portfolio, Project, Secretary
from projpush.schedule import WeekdayCalendar
from projpush.synth import SAMPLE_AS_OF, sample_portfolio

AS_OF = dt.date(2020, 3, 31)
CAL = WeekdayCalendar()


def mk(key, done="90"):
    return Project(
        name=f"项目{key}",
        level="city",
        category="infrastructure",
        stage="under_construction",
        region="北仑区",
        unit="市港航局",
        local_id=key,
        total_investment="218900.50",
        annual_plans={2020: "1200"},
        monthly_plan={f"2020-{m:02d}": "100" for m in range(1, 13)},
        monthly_done={f"2020-{m:02d}": done for m in range(1, 4)},
    )


POLICY = EscalationPolicy.binzhou()
ISSUE = advance(
    assign(
        Issue.collect("Q-1", "A", category="land", title="林地", on=dt.date(2020, 3, 2), by="s"),
        dt.date(2020, 3, 2),
        POLICY,
        by="办公室",
        calendar=CAL,
    ),
    AS_OF,
    POLICY,
    CAL,
)
PORTFOLIO = Portfolio(
    projects=(mk("A"), mk("B", done="100")),
    leaders=(Leader("张三", "city", projects=("A",)), Leader("王五", "city", projects=("A",))),
    secretaries=(Secretary("李四", "市发改委", projects=("A", "B")),),
    issues=(ISSUE,),
)


class TestRecords:
    """Each result becomes flat rows with exact text amounts and ISO dates."""

    def test_portfolio(self):
        """One row per project, people joined, issues counted."""
        row = portfolio_records(PORTFOLIO)[0]
        assert {
            "key": "A",
            "code": None,
            "local_id": "A",
            "name": "项目A",
            "level": "city",
            "category": "infrastructure",
            "stage": "under_construction",
            "region": "北仑区",
            "unit": "市港航局",
            "owner": None,
            "total_investment": "218900.50",
            "leaders": "张三、王五",
            "secretaries": "李四",
            "task_force": None,
            "milestones": 0,
            "issues": 1,
            "open_issues": 1,
        } == row

    def test_rollup(self):
        """A roll-up gives one row per verdict, reasons as text."""
        rows = verdict_records(judge_portfolio(PORTFOLIO, AS_OF))
        assert [("A", "red"), ("B", "green")] == [(r["project"], r["light"]) for r in rows]
        assert "lag/streak" in rows[0]["reason_codes"]
        assert "连续3个月" in rows[0]["reasons"]
        assert "3" == rows[0]["severity"]
        assert "2020-03-31" == rows[0]["as_of"]

    def test_rollup_in_english(self):
        """lang picks the language of the reasons."""
        rows = records(judge_portfolio(PORTFOLIO, AS_OF), lang="en")
        assert "3 consecutive lagging months" in rows[0]["reasons"]

    def test_light_map_long_format(self):
        """Twelve rows per project, months as text, None when not judged."""
        rows = light_map_records(light_map(PORTFOLIO, 2020))
        assert 24 == len(rows)
        assert {"key": "A", "name": "项目A", "month": "2020-03", "light": "red"} == rows[2]
        assert rows[3]["light"] is not None

    def test_issues(self):
        """Issue rows say where each issue stands."""
        row = issue_records(PORTFOLIO)[0]
        assert ("Q-1", "escalated", "city", "red", "binzhou@1", 1) == (
            row["id"],
            row["state"],
            row["tier"],
            row["sheet"],
            row["policy"],
            row["escalations"],
        )
        assert "2020-03-02" == row["raised_on"]
        assert row["closed_on"] is None

    def test_summary_headlines_and_groups(self):
        """A summary gives its headline figures, or a group table with by=."""
        summary = monthly_summary(PORTFOLIO, AS_OF, calendar=CAL)
        heads = summary_records(summary)
        assert {"figure": "time schedule", "value": "25.0 %"} in heads
        assert {"figure": "时序进度", "value": "25.0 %"} in summary_records(summary, lang="zh")
        assert ["市港航局"] == [r["key"] for r in records(summary, by="unit")]

    def test_ranking_and_groups(self):
        """Rankings and group figures use their own record methods."""
        summary = monthly_summary(PORTFOLIO, AS_OF, calendar=CAL)
        assert summary.rankings[0].to_records() == records(summary.rankings[0])
        groups = group_figures(PORTFOLIO, "region", AS_OF)
        assert [g.to_record() for g in groups] == records(groups)

    def test_attrs_values(self):
        """Other attrs results (overdue issues) flatten field by field."""
        rows = records(overdue(PORTFOLIO, dt.date(2020, 4, 30), CAL))
        assert "Q-1" == rows[0]["issue"]
        assert "red" == rows[0]["sheet"]

    def test_plain_and_empty(self):
        """Dicts pass through; an empty list gives no rows; verdict lists work."""
        assert [{"a": 1}] == records([{"a": 1}])
        assert [] == records([])
        verdicts = judge_portfolio(PORTFOLIO, AS_OF).verdicts
        assert verdict_records(verdicts) == records(verdicts)
        assert issue_records([ISSUE]) == records([ISSUE])

    @pytest.mark.parametrize("bad", [42, "text", {"a": 1}, [object()]])
    def test_unknown(self, bad):
        """Anything else is refused, naming what is understood."""
        with pytest.raises(ValidationError, match=r"obj: expected a"):
            records(bad)

    def test_bad_lang(self):
        """Headline rows come in zh or en only."""
        summary = monthly_summary(Portfolio(), AS_OF, judge_lights=False)
        with pytest.raises(ValidationError, match=r"lang: expected 'zh' or 'en', got 'fr'"):
            summary_records(summary, lang="fr")


class TestToFrame:
    """to_frame builds a DataFrame from the records."""

    def test_frame(self):
        """Columns are the record keys; the light map pivots to projects × months."""
        pd = pytest.importorskip("pandas")
        frame = to_frame(light_map(PORTFOLIO, 2020))
        assert isinstance(frame, pd.DataFrame)
        wide = frame.pivot(index="key", columns="month", values="light")
        assert (2, 12) == wide.shape
        assert "red" == wide.loc["A", "2020-03"]

    def test_import_error_names_the_extra(self):
        """Without pandas, the message says which extra to install."""
        code = (
            "import sys; sys.modules['pandas'] = None\n"
            "from projpush.frames import to_frame\n"
            "try:\n    to_frame([])\n"
            "except ImportError as e:\n    print(e)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert 'pip install "projpush[pandas]"' in out


class TestRecordMethods:
    """Portfolio-level results offer ``to_records()`` themselves."""

    def test_methods_match_the_functions(self):
        """The methods return what the frames functions return."""
        portfolio = sample_portfolio()
        rollup = judge_portfolio(portfolio, SAMPLE_AS_OF)
        lmap = light_map(portfolio, 2020)
        assert portfolio_records(portfolio) == portfolio.to_records()
        assert verdict_records(rollup) == rollup.to_records()
        assert light_map_records(lmap) == lmap.to_records()
