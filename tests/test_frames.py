"""Tests of projpush.frames: flat records of portfolio-level results and pandas frames."""

from __future__ import annotations

import datetime as dt
import decimal
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush import frames
from projpush.columnar import from_frames, to_frames
from projpush.errors import ValidationError
from projpush.escalation import (
    EscalationPolicy,
    accountability_list,
    advance,
    assign,
    overdue,
    unit_stats,
)
from projpush.frames import (
    issue_records,
    light_map_records,
    portfolio_records,
    records,
    summary_records,
    to_frame,
    verdict_records,
)
from projpush.lights import Light, judge_portfolio, light_map
from projpush.metrics import Ratio, group_figures, investment, monthly_summary, rank
from projpush.model import Issue, Leader, Level, Month, Portfolio, Project, Secretary, SheetColor
from projpush.schedule import WeekdayCalendar
from projpush.synth import SAMPLE_AS_OF, sample_portfolio
from projpush.testing import dates, portfolios

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
    calendar=CAL,
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
        rows = records(overdue(PORTFOLIO, dt.date(2020, 4, 30), calendar=CAL))
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


@pytest.fixture
def pd():
    """pandas, or the test is skipped."""
    return pytest.importorskip("pandas")


@pytest.fixture
def arrow_decimal(pd):
    """The dtype of exact amounts with pyarrow installed, or the test is skipped."""
    pa = pytest.importorskip("pyarrow")
    return pd.ArrowDtype(pa.decimal128(38, 12))


def agrees(text: Any, value: Any, dtype: Any, pd: Any) -> bool:
    """A typed frame cell says what the records cell of the same row and column says."""
    if text is None:
        return bool(pd.isna(value))
    kind = str(dtype)
    if kind.startswith("decimal128") or (kind == "object" and isinstance(value, Decimal)):
        return type(value) is Decimal and value == Decimal(text)
    if kind == "datetime64[s]":
        return value.to_pydatetime().date().isoformat() == text
    if kind == "period[M]":
        return str(value) == text
    if kind == "Float64":
        return value == float(Fraction(text))
    return value == text


def assert_agrees_with_records(obj: Any, pd: Any, **options: Any) -> None:
    """to_frame has the rows and columns of records, each cell the same value, typed."""
    rows = records(obj, **options)
    frame = to_frame(obj, **options)
    assert list(frame.columns) == (list(rows[0]) if rows else [])
    assert len(frame) == len(rows)
    for column in frame.columns:
        dtype = frame[column].dtype
        for text, value in zip((r[column] for r in rows), frame[column], strict=True):
            assert agrees(text, value, dtype, pd), (column, text, value, dtype)


def exact_sum(amounts) -> Decimal:
    """The sum of ``amounts`` with digits to spare: never rounded."""
    with decimal.localcontext(prec=80):
        return sum(amounts, Decimal(0))


class TestTypedFrame:
    """to_frame types each column by its values: exact amounts, dates, months, enums."""

    def test_a_dtype_per_kind(self, pd, arrow_decimal):
        """Text, enums, money, counts, dates, months and ratios each get their dtype."""
        ledger = to_frame(PORTFOLIO)
        assert "string" == ledger["key"].dtype
        assert arrow_decimal == ledger["total_investment"].dtype
        assert "Int64" == ledger["milestones"].dtype == ledger["open_issues"].dtype
        level = ledger["level"].dtype
        assert isinstance(level, pd.CategoricalDtype)
        assert [x.value for x in Level] == list(level.categories)
        assert not level.ordered
        verdicts = to_frame(judge_portfolio(PORTFOLIO, AS_OF))
        assert "datetime64[s]" == verdicts["as_of"].dtype
        assert "Float64" == verdicts["severity"].dtype
        assert "period[M]" == to_frame(light_map(PORTFOLIO, 2020))["month"].dtype
        issues = to_frame(PORTFOLIO.issues)
        assert "datetime64[s]" == issues["raised_on"].dtype == issues["deadline"].dtype
        assert [x.value for x in SheetColor] == list(issues["sheet"].dtype.categories)
        flags = to_frame([{"planned": True}, {"planned": None}])
        assert "boolean" == flags["planned"].dtype

    def test_lights_are_ordered_green_to_red(self, pd):
        """The light column is an ordered Categorical, green < yellow < red: max is the worst."""
        assert Light.GREEN < Light.YELLOW < Light.RED
        frame = to_frame(light_map(PORTFOLIO, 2020))
        light = frame["light"].dtype
        assert light.ordered
        assert ["green", "yellow", "red"] == list(light.categories)
        assert "red" == frame["light"].max()
        assert "red" == frame.groupby("key", observed=True)["light"].max().loc["A"]

    def test_sum_of_an_amount_column_is_the_exact_sum(self, pd, arrow_decimal):
        """groupby().sum() adds amounts exactly, as the object API does; records' text would not."""
        ledger = sample_portfolio()
        frame = to_frame(ledger)
        sums = frame.groupby("region")["total_investment"].sum()
        for region, total in sums.items():
            members = [p.total_investment for p in ledger.projects if p.region == region]
            assert type(total) is Decimal
            assert sum(members, Decimal(0)) == total
        groups = to_frame(group_figures(ledger, "unit", SAMPLE_AS_OF))
        whole = investment(ledger.projects, SAMPLE_AS_OF)
        assert whole.annual_plan == groups["annual_plan"].sum()
        assert whole.done_to_date == groups["done_to_date"].sum()
        assert arrow_decimal == groups["annual_plan"].dtype

    def test_amounts_without_pyarrow_are_decimal_objects(self, pd, monkeypatch):
        """Without pyarrow an amount column holds the Decimal values, which sum exactly too."""
        monkeypatch.setattr(frames, "_pyarrow", lambda: None)
        frame = to_frame(PORTFOLIO)
        assert "object" == frame["total_investment"].dtype
        assert [Decimal("218900.50")] * 2 == frame["total_investment"].tolist()
        assert Decimal("437801.00") == frame.groupby("unit")["total_investment"].sum().iloc[0]

    def test_amounts_arrow_cannot_hold_stay_decimal_objects(self, pd, arrow_decimal):
        """A Decimal of one's own past 12 places or 26 digits keeps an exact object column."""
        fine = Decimal("9999999999999999.999999999999")  # the largest amount the model takes
        assert arrow_decimal == to_frame([{"x": fine}])["x"].dtype
        for value in (Decimal("1E-13"), Decimal(10) ** 26, Decimal("NaN")):
            column = to_frame([{"x": value}, {"x": Decimal(1)}])["x"]
            assert "object" == column.dtype, value
            assert value.compare_total(column.iloc[0]) == 0

    def test_missing_values(self, pd):
        """None is NA (NaT for dates and months), the column keeps the dtype of its type."""
        ledger = to_frame(PORTFOLIO)
        assert ledger["code"].isna().all()
        assert "string" == ledger["code"].dtype == ledger["owner"].dtype
        issues = to_frame(PORTFOLIO.issues)
        assert issues["closed_on"].isna().all()
        assert "datetime64[s]" == issues["closed_on"].dtype
        assert issues.loc[0, "closed_on"] is pd.NaT
        lights = to_frame(light_map(sample_portfolio(), 2020, lenient=True))
        assert lights["light"].isna().any()
        assert lights["light"].notna().any()
        months = to_frame([{"month": Month(2020, 5)}, {"month": None}])["month"]
        assert months.iloc[1] is pd.NaT

    def test_not_applicable_figures_are_missing_numbers(self, pd, arrow_decimal):
        """A figure of a zero denominator is NA in a numeric column, even if no group has one."""
        groups = to_frame(group_figures(PORTFOLIO, "level", AS_OF))
        assert groups["yoy_growth_pct"].isna().all()
        assert arrow_decimal == groups["yoy_growth_pct"].dtype
        ranking = to_frame(rank([("a", Ratio(1, 2)), ("b", Ratio(1, 0))], figure="f"))
        assert [1, pd.NA] == ranking["rank"].tolist()
        assert Decimal("50.0") == ranking.loc[0, "value"]
        assert ranking["value"].isna().iloc[1]
        assert "Int64" == ranking["rank"].dtype

    def test_every_result_agrees_with_its_records(self, pd):
        """Each cell of to_frame is the value its records cell writes as text."""
        ledger = sample_portfolio()
        summary = monthly_summary(ledger, SAMPLE_AS_OF)
        results: list[tuple[Any, dict[str, Any]]] = [
            (ledger, {}),
            (judge_portfolio(ledger, SAMPLE_AS_OF), {"lang": "en"}),
            (light_map(ledger, 2020, lenient=True), {}),
            (ledger.issues, {}),
            (summary, {}),
            (summary, {"by": "region"}),
            (group_figures(ledger, "leader", SAMPLE_AS_OF), {}),
            (overdue(ledger, SAMPLE_AS_OF), {}),
            (unit_stats(ledger, SAMPLE_AS_OF), {}),
            (accountability_list(ledger, SAMPLE_AS_OF), {}),
            *((r, {}) for r in summary.rankings),
        ]
        for obj, options in results:
            assert_agrees_with_records(obj, pd, **options)

    def test_kinds_that_widen(self, pd, arrow_decimal):
        """Ints among Decimals are exact amounts; ints among Fractions are ratios."""
        money = to_frame([{"x": 3}, {"x": Decimal("0.25")}])["x"]
        assert arrow_decimal == money.dtype
        assert Decimal("3.25") == money.sum()
        ratio = to_frame([{"x": 1}, {"x": Fraction(1, 4)}])["x"]
        assert "Float64" == ratio.dtype
        assert [1.0, 0.25] == ratio.tolist()

    def test_other_values_keep_an_object_column(self, pd):
        """Values of no kind (a tuple, a datetime, a 65-bit int) stay as they are."""
        moment = dt.datetime(2020, 5, 1, 8, 30, tzinfo=dt.UTC)
        frame = to_frame([{"t": ("a", "b"), "at": moment, "n": 2**64}, {"t": None}])
        assert ["object"] * 3 == [str(t) for t in frame.dtypes]
        assert (("a", "b"), moment, 2**64) == tuple(frame.iloc[0])
        assert frame.iloc[1].isna().all()
        assert to_frame([{"x": None}])["x"].isna().all()

    @pytest.mark.parametrize(
        ("cells", "kinds"),
        [
            ((1, "1"), "int and str"),
            ((True, 1), "bool and int"),
            ((Decimal(1), Fraction(1, 3)), "Decimal and Fraction"),
            ((Light.RED, SheetColor.RED), "Light and SheetColor"),
            ((dt.date(2020, 5, 1), Month(2020, 5)), "Month and date"),
        ],
    )
    def test_a_column_of_mixed_kinds_is_refused(self, pd, cells, kinds):
        """Only one's own dicts can mix kinds in a column: refused, naming the column."""
        with pytest.raises(
            ValidationError,
            match=rf"^x: expected values of one kind in a column, got {kinds} values",
        ) as caught:
            to_frame([{"x": c} for c in cells])
        assert "x" == caught.value.field

    def test_a_ledger_frame_is_a_projects_table(self, pd):
        """As docs/columnar.md says, to_frame(portfolio) reads back as a projects table."""
        ledger = sample_portfolio()
        tables = to_frames(ledger)
        text = tables.projects[[c for c in tables.projects if not c.startswith("annual_plan_")]]
        typed = from_frames(tables.monthly, to_frame(ledger), tables.stage_events)
        assert from_frames(tables.monthly, text, tables.stage_events) == typed
        assert [p.total_investment for p in typed.projects] == [
            ledger.project(p.key).total_investment for p in typed.projects
        ]

    def test_records_keep_their_text(self):
        """records still writes exact text: typed frames change nothing for its users."""
        row = records(PORTFOLIO)[0]
        assert "218900.50" == row["total_investment"]
        assert "city" == row["level"]
        assert "2020-03-02" == records(PORTFOLIO.issues)[0]["raised_on"]


big_amounts = st.decimals(
    min_value=0, max_value=Decimal("9999999999999999.999999999999"), places=12, allow_nan=False
)


class TestTypedFrameProperties:
    """Over generated portfolios, every amount and date of to_frame is the object's value."""

    @given(portfolios(), dates)
    def test_amounts_and_dates_are_the_objects(self, portfolio, as_of):
        """Amount cells equal the Decimal amounts; dates and months equal the dates."""
        pd = pytest.importorskip("pandas")
        ledger = to_frame(portfolio)
        for p, amount in zip(portfolio.projects, ledger.get("total_investment", []), strict=True):
            assert type(amount) is Decimal
            assert p.total_investment == amount
        issues = to_frame(portfolio.issues)
        for q, row in zip(portfolio.issues, issues.itertuples(), strict=True):
            for name in ("raised_on", "deadline", "closed_on"):
                day, cell = getattr(q, name), getattr(row, name)
                assert (cell is pd.NaT) if day is None else day == cell.to_pydatetime().date()
        verdicts = judge_portfolio(portfolio, as_of, lenient=True).verdicts
        frame = to_frame(verdicts)
        assert all(c.to_pydatetime().date() == as_of for c in frame.get("as_of", []))
        year_map = light_map(portfolio, as_of.year, lenient=True)
        months = [(m.year, m.month) for _ in year_map.projects for m in year_map.months]
        assert months == [(c.year, c.month) for c in to_frame(year_map).get("month", [])]
        assert_agrees_with_records(portfolio, pd)
        assert_agrees_with_records(portfolio.issues, pd)

    @given(st.lists(st.tuples(st.sampled_from("AB"), big_amounts), max_size=12))
    def test_sums_of_the_largest_amounts_are_exact(self, pairs):
        """Amounts up to the model's limit fit the Arrow column and sum to the exact total."""
        pytest.importorskip("pyarrow")
        frame = to_frame([{"unit": u, "amount": a} for u, a in pairs])
        if not pairs:
            return
        assert str(frame["amount"].dtype).startswith("decimal128(38, 12)")
        assert [a for _, a in pairs] == frame["amount"].tolist()
        for unit, total in frame.groupby("unit")["amount"].sum().items():
            assert exact_sum(a for u, a in pairs if u == unit) == total


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
