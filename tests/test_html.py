"""Tests of the notebook HTML reprs: content, escaping, Chinese and English."""

from __future__ import annotations

import datetime as dt

import attrs

from projpush._html import monthly_summary_html, portfolio_html, verdict_html
from projpush.lights import Light, Reason, Verdict, judge
from projpush.metrics import monthly_summary
from projpush.model import Leader, Portfolio, Project, Secretary

AS_OF = dt.date(2020, 3, 31)
CELL = 'style="border:1px solid #ddd;padding:2px 6px;text-align:left"'


def mk(key, name="港区扩建", done="90"):
    return Project(
        name=name,
        level="city",
        category="infrastructure",
        stage="under_construction",
        region="北仑区",
        unit="市港航局",
        local_id=key,
        total_investment="218900",
        annual_plans={2020: "1200"},
        monthly_plan={f"2020-{m:02d}": "100" for m in range(1, 13)},
        monthly_done={f"2020-{m:02d}": done for m in range(1, 4)},
    )


class TestVerdictHtml:
    """verdict_html: badge, project, date, policy and reasons in both languages."""

    def test_red_with_reasons(self):
        """A red verdict shows 红灯 and its streak reason in Chinese and English."""
        out = verdict_html(judge(mk("NB-1"), AS_OF))
        assert "红灯 red" in out
        assert "#c62828" in out
        assert "连续3个月低于进度要求" in out
        assert "<b>NB-1</b> 2020-03-31 · ningbo" in out

    def test_not_judged_is_grey(self):
        """A verdict without a light says so, in grey."""
        out = verdict_html(Verdict("P", AS_OF, None, (), "ningbo"))
        assert "不亮灯 not judged" in out
        assert "#bdbdbd" in out

    def test_text_is_escaped(self):
        """Project keys, policies and reasons are escaped."""
        reason = Reason.custom("x", "y", zh="<script>", en="a & b")
        out = verdict_html(Verdict("<P>", AS_OF, Light.GREEN, (reason,), "<pol>"))
        assert "<script>" not in out
        assert "&lt;script&gt;" in out
        assert "a &amp; b" in out
        assert "&lt;P&gt;" in out
        assert "&lt;pol&gt;" in out

    def test_custom_reason(self):
        """A user policy's reason shows its own sentence in both languages."""
        reason = Reason.custom("mine", "odd", zh="现场停工", en="site stopped")
        out = verdict_html(Verdict("P", AS_OF, Light.RED, (reason,), "mine"))
        assert "现场停工" in out
        assert "site stopped" in out


class TestMonthlySummaryHtml:
    """monthly_summary_html: headline figures with both labels, and rankings."""

    def test_figures_and_rankings(self):
        """The table carries 时序进度 / time schedule and the unit ranking."""
        summary = monthly_summary(Portfolio(projects=(mk("A"), mk("B", done="100"))), AS_OF)
        out = monthly_summary_html(summary)
        assert "重大项目月度通报 Monthly report 2020-03" in out
        assert "<td " in out
        assert ">时序进度</td>" in out
        assert ">time schedule</td>" in out
        assert ">25.0 %</td>" in out
        assert "市港航局" in out

    def test_ranking_values_read_as_in_the_text_report(self):
        """A ranking shows "87.5 %" in HTML, as the text report does, not a bare "87.5"."""
        summary = monthly_summary(
            Portfolio(projects=(mk("A", done="350"),)), AS_OF, judge_lights=False
        )
        out = monthly_summary_html(summary)
        assert ">87.5 %</td>" in out
        assert "87.5 %" in summary.to_text()

    def test_unranked_value_is_not_applicable(self):
        """A group with no plan ranks last with "n/a"."""
        summary = monthly_summary(
            Portfolio(projects=(mk("A"), attrs.evolve(mk("B"), unit="U", annual_plans={}))),
            AS_OF,
            judge_lights=False,
        )
        out = monthly_summary_html(summary)
        assert "<td " + CELL + ">—</td><td " + CELL + ">U</td><td " + CELL + ">n/a</td>" in out

    def test_empty_portfolio(self):
        """An empty ledger renders with 不适用 (n/a) figures and no ranking tables."""
        out = monthly_summary_html(monthly_summary(Portfolio(), AS_OF, judge_lights=False))
        assert "名次" not in out
        assert ">不适用</td>" in out


class TestPortfolioHtml:
    """portfolio_html: counts and the first projects."""

    def test_counts_and_rows(self):
        """Counts of people and issues, then one row per project with 亿元."""
        portfolio = Portfolio(
            projects=(mk("A", name="<b>码头</b>"),),
            leaders=(Leader("张三", "city", projects=("A",)),),
            secretaries=(Secretary("李四", "市发改委", projects=("A",)),),
        )
        out = portfolio_html(portfolio)
        assert "1 projects · 1 leaders · 1 secretaries" in out
        assert "1个项目 · 1名包保领导 · 1名服务秘书" in out
        assert "&lt;b&gt;码头&lt;/b&gt;" in out
        assert ">21.89</td>" in out
        assert ">在建 under construction</td>" in out

    def test_long_ledger_is_cut(self):
        """Only the first 20 projects are listed; the rest are counted."""
        out = portfolio_html(Portfolio(projects=tuple(mk(f"P{i}") for i in range(23))))
        assert 20 == out.count("<tr><td ")
        assert "… 3 more projects 另有3个项目" in out

    def test_empty(self):
        """An empty ledger shows its zero counts and no table."""
        out = portfolio_html(Portfolio())
        assert "0 projects" in out
        assert "<table" not in out


class TestReprHooks:
    """Jupyter finds the HTML through ``_repr_html_`` on the objects themselves."""

    def test_verdict_and_portfolio(self):
        """A verdict and a portfolio render through their own hooks."""
        p = mk("P-1")
        verdict = judge(p, dt.date(2020, 5, 31))
        assert verdict_html(verdict) == verdict._repr_html_()
        portfolio = Portfolio(projects=(p,))
        assert portfolio_html(portfolio) == portfolio._repr_html_()

    def test_monthly_summary(self):
        """A monthly summary renders through its own hook."""
        summary = monthly_summary(
            Portfolio(projects=(mk("P-1"),)), dt.date(2020, 5, 31), judge_lights=False
        )
        assert monthly_summary_html(summary) == summary._repr_html_()
