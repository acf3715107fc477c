"""Tests of projpush.columnar: DataFrames of monthly figures give the object API's answers.

The functions run on the table engine; the object API is the reference.
"""

from __future__ import annotations

import datetime as dt
import io
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction

import attrs
import numpy as np
import pandas as pd
import pytest

from projpush.columnar import (
    LedgerFrames,
    figures_frame,
    from_frames,
    groups_frame,
    groups_from_figures,
    judge_frame,
    light_map_frame,
    to_frames,
    to_tables,
)
from projpush.engine import from_portfolio, judge_tables
from projpush.engine import lights as engine_lights
from projpush.engine import tables as engine_tables
from projpush.errors import (
    DuplicateKeyError,
    InvalidTransition,
    MoneyTypeError,
    PolicyError,
    ProjpushError,
    UnknownReferenceError,
    ValidationError,
)
from projpush.frames import light_map_records, verdict_records
from projpush.lights import (
    GapPolicy,
    LagPolicy,
    NodePolicy,
    SiteActivityPolicy,
    WorstOf,
    judge_portfolio,
    light_map,
)
from projpush.metrics import NOT_APPLICABLE, group_figures, investment
from projpush.model import Month, Portfolio, Project
from projpush.synth import SAMPLE_AS_OF, sample_portfolio
from test_columnar_props import frame_rows, group_rows, plain

AS_OF = dt.date(2020, 3, 31)
MONTHS = ["2020-01", "2020-02", "2020-03"]


def project_table(**columns):
    base = {
        "key": ["A", "B"],
        "name": ["项目A", "项目B"],
        "level": ["city", "county"],
        "category": ["industry", "social"],
        "stage": ["under_construction", "under_construction"],
        "region": ["海曙区", "鄞州区"],
        "unit": ["市发改委", "区教育局"],
        "annual_plan_2020": ["1200", "600"],
    }
    return pd.DataFrame({**base, **columns})


def monthly_table(**columns):
    base = {
        "key": ["A"] * 3 + ["B"] * 3,
        "month": MONTHS * 2,
        "plan": ["100"] * 3 + ["50"] * 3,
        "done": ["90", "90", "90", "50", "40", None],
    }
    return pd.DataFrame({**base, **columns})


def stripped(portfolio):
    """The projects as the tables hold them: no milestones, approvals or site observations."""
    projects = sorted(portfolio.projects, key=lambda p: p.key)
    return Portfolio(
        projects=tuple(
            attrs.evolve(p, milestones=(), approvals=(), site_activity=()) for p in projects
        )
    )


def renamed(records):
    return [{("key" if k == "project" else k): v for k, v in r.items()} for r in records]


@pytest.fixture(scope="module")
def sample():
    return sample_portfolio()


@pytest.fixture(scope="module")
def tables(sample):
    return to_frames(sample)


class TestToFrames:
    """to_frames writes the three tables from_frames reads, amounts as exact text."""

    def test_columns(self, tables):
        """The monthly and stage tables have fixed columns; projects add the annual plans."""
        assert ["key", "month", "plan", "done"] == tables.monthly.columns.tolist()
        assert ["key", "kind", "on", "note"] == tables.stage_events.columns.tolist()
        assert "annual_plan_2020" in tables.projects.columns
        assert isinstance(tables, LedgerFrames)

    def test_amounts_are_text(self, tables):
        """Plans and reports are strings or None, never floats."""
        cells = tables.monthly["plan"].tolist() + tables.monthly["done"].tolist()
        assert {str, type(None)} == {type(c) for c in cells}

    def test_round_trip(self, sample, tables):
        """from_frames(to_frames(p)) is p without what the tables do not hold, sorted by key."""
        back = from_frames(tables.monthly, tables.projects, tables.stage_events)
        assert stripped(sample) == back

    def test_empty_portfolio(self):
        """An empty portfolio gives empty tables that read back as an empty portfolio."""
        empty = to_frames(Portfolio())
        assert 0 == len(empty.monthly)
        assert Portfolio() == from_frames(empty.monthly, empty.projects, empty.stage_events)


class TestInputs:
    """The forms analysts' tables come in are read exactly."""

    def test_decimal_int_and_text_amounts(self):
        """Decimal, int, NumPy int and text (with a thousands separator) are one amount."""
        monthly = monthly_table(
            plan=[Decimal(100), 100, np.int64(100), "100", "1,000", "100.0"],
        )
        p = from_frames(monthly, project_table()).project("A")
        assert [Decimal(100)] * 3 == list(p.monthly_plan.values())
        assert (
            Decimal("100.0")
            == from_frames(monthly, project_table()).project("B").monthly_plan[Month(2020, 3)]
        )

    def test_integer_column(self):
        """An int64 column is exact."""
        monthly = monthly_table(plan=np.array([100] * 6, dtype="int64"))
        assert (
            Decimal(100)
            == from_frames(monthly, project_table()).project("A").monthly_plan[Month(2020, 1)]
        )

    def test_missing_cells_are_not_zero(self):
        """None, NaN and pd.NA mean unreported: the month is absent, not 0."""
        for blank in (None, np.nan, pd.NA):
            monthly = monthly_table(
                done=pd.Series(["90", blank, "90", "1", "1", "1"], dtype=object)
            )
            p = from_frames(monthly, project_table()).project("A")
            assert [Month(2020, 1), Month(2020, 3)] == list(p.monthly_done)

    def test_nullable_string_dtype(self):
        """A pandas string column with missing values reads like text."""
        monthly = monthly_table(done=pd.array(["90", None, "90", "1", "1", "1"], dtype="string"))
        assert 2 == len(from_frames(monthly, project_table()).project("A").monthly_done)

    def test_read_csv_as_text(self):
        """pandas.read_csv(..., dtype=str) gives tables read exactly, blanks unreported."""
        csv = "key,month,plan,done\nA,2020-01,100,90.10\nA,2020-02,100,\n"
        monthly = pd.read_csv(io.StringIO(csv), dtype=str)
        p = from_frames(monthly, project_table()).project("A")
        assert {Month(2020, 1): Decimal("90.10")} == dict(p.monthly_done)

    def test_month_forms(self):
        """Text, Month and a monthly Period are the same month."""
        monthly = monthly_table(
            month=["2020-01", Month(2020, 2), pd.Period("2020-03", "M"), *MONTHS]
        )
        p = from_frames(monthly, project_table()).project("A")
        assert [Month(2020, m) for m in (1, 2, 3)] == list(p.monthly_plan)

    def test_full_width_keys_join(self):
        """Keys are folded as the model folds text, so full-width and ASCII keys join."""
        monthly = monthly_table(key=["Ａ"] * 3 + ["B "] * 3)
        assert ("A", "B") == tuple(p.key for p in from_frames(monthly, project_table()).projects)

    def test_extra_columns_ignored(self):
        """Columns the tables do not define are ignored."""
        monthly = monthly_table(remark=["x"] * 6)
        projects = project_table(leaders=["张三", "李四"])
        assert 2 == len(from_frames(monthly, projects).projects)

    def test_code_and_local_id(self):
        """A code column makes the project's code, and the key must be that code."""
        code = "2020-330200-47-03-012345"
        projects = project_table(key=[code, "B"], code=[code, None], local_id=["NB-1", None])
        monthly = monthly_table(key=[code] * 3 + ["B"] * 3)
        p = from_frames(monthly, projects).project(code)
        assert (code, "NB-1") == (str(p.code), p.local_id)

    def test_project_without_rows(self):
        """A project in the projects table with no monthly rows is kept, with no figures."""
        projects = project_table(key=["A", "C"])
        p = from_frames(
            monthly_table(key=["A"] * 6, month=MONTHS + [f"2020-0{m}" for m in (4, 5, 6)]), projects
        ).project("C")
        assert (0, 0) == (len(p.monthly_plan), len(p.monthly_done))

    def test_repeated_project_columns(self):
        """Without a projects table, monthly carries the project columns on every row."""
        extra = project_table().iloc[:1].assign(key="C", name="项目C")
        projects = pd.concat([project_table(), extra], ignore_index=True)
        joined = monthly_table().merge(projects, on="key", how="outer")
        portfolio = from_frames(joined)
        assert ["A", "B", "C"] == [p.key for p in portfolio.projects]
        assert portfolio == from_frames(monthly_table(), projects)

    def test_repeated_columns_missing(self):
        """A key whose rows lack the project columns (a left merge) names the project."""
        joined = monthly_table().merge(project_table().iloc[:1], on="key", how="left")
        with pytest.raises(ValidationError, match=r"^monthly\[B\]: name: expected a non-empty"):
            from_frames(joined)

    def test_stage_events(self):
        """Stage events are sorted by date; a midnight timestamp is a date."""
        events = pd.DataFrame(
            {
                "key": ["A", "A"],
                "kind": ["completed", "started"],
                "on": [pd.Timestamp("2020-02-10"), "2019-05-01"],
            }
        )
        projects = project_table(stage=["completed", "under_construction"])
        p = from_frames(monthly_table(), projects, events).project("A")
        assert [dt.date(2019, 5, 1), dt.date(2020, 2, 10)] == [e.on for e in p.stage_events]
        assert "" == p.stage_events[0].note


class TestFloatRefused:
    """Money is never float: a float column or cell is refused, naming it."""

    def test_float_column(self):
        """A float64 plan column is refused before any value is read."""
        monthly = monthly_table(plan=[100.0] * 6)
        with pytest.raises(
            MoneyTypeError,
            match=r"^monthly\.plan: money must be exact, but the "
            r"column holds float64 numbers; read it as text",
        ) as info:
            judge_frame(monthly, AS_OF, projects=project_table())
        assert ("monthly.plan", "float64") == (info.value.field, info.value.got)
        assert isinstance(info.value, ProjpushError)
        assert isinstance(info.value, TypeError)

    def test_all_missing_float_column(self):
        """A column of nothing but NaN is float too, and refused: read the table as text."""
        with pytest.raises(MoneyTypeError, match=r"^monthly\.done: money must be exact"):
            from_frames(monthly_table(done=[np.nan] * 6), project_table())

    def test_float_cell(self):
        """A float inside a text column is refused with its key and month."""
        monthly = monthly_table(done=pd.Series(["90", 90.5, "90", "1", "1", "1"], dtype=object))
        with pytest.raises(
            MoneyTypeError,
            match=r"^monthly\.done\[A 2020-02\]: money must be "
            r"exact; pass a Decimal or a string such as Decimal\('90.5'\)",
        ):
            from_frames(monthly, project_table())

    def test_numpy_float_cell(self):
        """A NumPy float in an object column is a float."""
        monthly = monthly_table(plan=pd.Series([np.float64(1)] + ["1"] * 5, dtype=object))
        with pytest.raises(MoneyTypeError, match=r"^monthly\.plan\[A 2020-01\]"):
            from_frames(monthly, project_table())

    def test_float_annual_plan(self):
        """A float annual plan column is refused by name."""
        with pytest.raises(MoneyTypeError, match=r"^projects\.annual_plan_2020: money must be"):
            from_frames(monthly_table(), project_table(annual_plan_2020=[1200.0, 600.0]))

    def test_float_annual_plan_repeated(self):
        """In a single table, the annual plan columns are checked too."""
        joined = monthly_table().merge(project_table(annual_plan_2020=[1.5, 2.5]), on="key")
        with pytest.raises(MoneyTypeError, match=r"^monthly\.annual_plan_2020: money must be"):
            from_frames(joined)

    def test_float_total_investment(self):
        """total_investment is money too."""
        with pytest.raises(MoneyTypeError, match=r"^projects\.total_investment: money"):
            from_frames(monthly_table(), project_table(total_investment=[1.0, 2.0]))


class TestErrors:
    """Every bad table is refused with its table, column and row named."""

    def test_not_a_frame(self):
        """A list of dicts is not a DataFrame."""
        with pytest.raises(
            ValidationError, match=r"^monthly: expected a pandas DataFrame, got 'list'"
        ):
            from_frames([{"key": "A"}], project_table())

    def test_missing_monthly_column(self):
        """monthly needs key, month, plan and done."""
        with pytest.raises(
            ValidationError, match=r"^monthly: expected the columns \['done'\], got"
        ):
            from_frames(monthly_table().drop(columns=["done"]), project_table())

    def test_missing_project_columns_hint(self):
        """Without a projects table, the message says monthly may carry them or pass one."""
        with pytest.raises(
            ValidationError,
            match=r"^monthly: expected the columns \['name', .*'unit'\] \(or pass a projects "
            r"table\)",
        ):
            from_frames(monthly_table())

    def test_missing_projects_column(self):
        """projects needs its required columns."""
        with pytest.raises(ValidationError, match=r"^projects: expected the columns \['stage'\]"):
            from_frames(monthly_table(), project_table().drop(columns=["stage"]))

    def test_duplicate_project(self):
        """A key twice in projects."""
        with pytest.raises(
            DuplicateKeyError, match=r"^projects\.key: expected each project once, got 'A'"
        ):
            from_frames(monthly_table(), project_table(key=["A", "A"]))

    def test_duplicate_month(self):
        """A project and month twice in monthly, even with nothing in them."""
        monthly = monthly_table(month=["2020-01", "2020-01", "2020-03", *MONTHS])
        with pytest.raises(
            DuplicateKeyError,
            match=r"^monthly\[A 2020-01\]: expected one row per project and month",
        ):
            from_frames(monthly, project_table())

    def test_unknown_monthly_key(self):
        """monthly names a key projects lacks."""
        with pytest.raises(
            UnknownReferenceError,
            match=r"^monthly\.key: expected a key of the projects table, got 'B'",
        ):
            from_frames(monthly_table(), project_table(key=["A", "C"]))

    def test_unknown_stage_event_key(self):
        """stage_events names a key no project has."""
        events = pd.DataFrame({"key": ["Z"], "kind": ["started"], "on": ["2020-01-01"]})
        with pytest.raises(
            UnknownReferenceError, match=r"^stage_events\.key: expected a key of a project, got 'Z'"
        ):
            from_frames(monthly_table(), project_table(), events)

    def test_disagreeing_repeated_column(self):
        """In a single table, a project's rows must agree on the project columns."""
        joined = monthly_table().merge(project_table(), on="key")
        joined.loc[1, "region"] = "江北区"
        with pytest.raises(
            ValidationError,
            match=r"^monthly: project 'A' has two values in column 'region': '海曙区' and '江北区'",
        ):
            from_frames(joined)

    def test_bad_month(self):
        """A month must be YYYY-MM with MM from 01 to 12."""
        with pytest.raises(
            ValidationError,
            match=r"^monthly\.month\[A\]: expected a month YYYY-MM with MM from 01 to 12, "
            r"got '2020-13'",
        ):
            from_frames(
                monthly_table(month=["2020-13", "2020-02", "2020-03", *MONTHS]), project_table()
            )

    def test_timestamp_month_refused(self):
        """A timestamp is not guessed into a month."""
        monthly = monthly_table(month=[pd.Timestamp("2020-01-01"), *MONTHS[1:], *MONTHS])
        with pytest.raises(
            ValidationError,
            match=r"^monthly\.month\[A\]: expected a month YYYY-MM \(text, Month or monthly "
            r"Period\)",
        ):
            from_frames(monthly, project_table())

    def test_missing_month(self):
        """A row with figures and no month."""
        with pytest.raises(
            ValidationError, match=r"^monthly\.month\[A\]: expected a month YYYY-MM, got None"
        ):
            from_frames(monthly_table(month=[None, "2020-02", "2020-03", *MONTHS]), project_table())

    def test_bad_key(self):
        """A key is non-empty text."""
        with pytest.raises(
            ValidationError,
            match=r"^monthly\.key: expected a project key \(a non-empty text\), got 7",
        ):
            from_frames(monthly_table(key=[7] * 3 + ["B"] * 3), project_table())
        with pytest.raises(ValidationError, match=r"^projects\.key: expected a project key"):
            from_frames(monthly_table(), project_table(key=["A", " "]))

    def test_bad_enum(self):
        """A bad level names the project and the model's field."""
        with pytest.raises(
            ValidationError, match=r"^projects\[A\]: level: expected one of province \(省级\)"
        ):
            from_frames(monthly_table(), project_table(level=["capital", "city"]))

    def test_negative_amount(self):
        """Amounts are zero or more."""
        with pytest.raises(
            ValidationError, match=r"^monthly\.plan\[B 2020-02\]: expected an amount >= 0, got '-5'"
        ):
            from_frames(monthly_table(plan=["1"] * 4 + ["-5", "1"]), project_table())

    def test_bad_text_amount(self):
        """Text that is not a number."""
        with pytest.raises(
            ValidationError,
            match=r"^projects\.annual_plan_2020\[B\]: expected an amount in 万元 written in",
        ):
            from_frames(monthly_table(), project_table(annual_plan_2020=["1", "lots"]))

    def test_bad_stage_events(self):
        """A bad kind, a timestamp with a time, a bad date, an illegal step."""

        def events(kind, on):
            return pd.DataFrame({"key": ["A"], "kind": [kind], "on": [on]})

        with pytest.raises(
            ValidationError, match=r"^stage_events\[A 2020-01-01\]: kind: expected one of"
        ):
            from_frames(monthly_table(), project_table(), events("begun", "2020-01-01"))
        with pytest.raises(
            ValidationError,
            match=r"^stage_events\.on\[A\]: expected a date \(a timestamp at midnight at most\)",
        ):
            from_frames(
                monthly_table(),
                project_table(),
                events("started", pd.Timestamp("2020-01-01 08:00")),
            )
        with pytest.raises(
            ValidationError,
            match=r"^stage_events\.on\[A\]: expected an ISO date YYYY-MM-DD, got '2020-02-30'",
        ):
            from_frames(monthly_table(), project_table(), events("started", "2020-02-30"))
        with pytest.raises(
            ValidationError, match=r"^stage_events\.on\[A\]: expected a date, got None"
        ):
            from_frames(monthly_table(), project_table(), events("started", None))
        with pytest.raises(
            InvalidTransition,
            match=r"^projects\[A\]: stage_events\[0\]: expected one of \['started'\]",
        ):
            from_frames(monthly_table(), project_table(), events("resumed", "2020-01-01"))
        with pytest.raises(ValidationError, match=r"^stage_events: expected the columns \['on'\]"):
            from_frames(
                monthly_table(),
                project_table(),
                events("started", "2020-01-01").drop(columns=["on"]),
            )

    def test_as_of_and_year(self):
        """as_of is a date (a midnight Timestamp is one); year is a whole year."""
        got = judge_frame(monthly_table(), pd.Timestamp("2020-03-31"), projects=project_table())
        assert ["2020-03-31"] * 2 == got["as_of"].tolist()
        for fn in (judge_frame, figures_frame):
            with pytest.raises(ValidationError, match=r"^as_of: expected a date, got '2020-03-31'"):
                fn(monthly_table(), "2020-03-31", projects=project_table())
        with pytest.raises(ValidationError, match=r"^as_of: expected a date, got None"):
            groups_frame(monthly_table(), "region", None, projects=project_table())
        with pytest.raises(
            ValidationError, match=r"^as_of: expected a date \(a timestamp at midnight at most\)"
        ):
            judge_frame(monthly_table(), pd.Timestamp("2020-03-31 12:00"), projects=project_table())
        for year in ("2020", True, 2020.0, 10_000):
            with pytest.raises(ValidationError, match=r"^year: expected a year from 1900 to 2200"):
                light_map_frame(monthly_table(), year, projects=project_table())
        with pytest.raises(ValidationError, match=r"^year: expected a year from 1900 to 2200"):
            judge_frame(monthly_table(), AS_OF, projects=project_table(), year="2020")

    def test_key_is_not_the_code(self):
        """With a code column, the key must be the code."""
        projects = project_table(code=["2020-330200-47-03-012345", None])
        with pytest.raises(
            ValidationError,
            match=r"^projects\.key\[A\]: expected the project's code or local_id, got 'A'",
        ):
            from_frames(monthly_table(), projects)

    def test_error_field(self):
        """The error's field carries the location too."""
        with pytest.raises(ValidationError) as info:
            from_frames(monthly_table(), project_table(level=["capital", "city"]))
        assert "projects[A].level" == info.value.field


class TestLights:
    """judge_frame and light_map_frame give the object API's verdicts, value for value."""

    @pytest.mark.parametrize(
        "policy",
        [
            None,
            LagPolicy.ningbo("0.9"),
            GapPolicy.yinchuan(),
            GapPolicy.sanya(),
            WorstOf((LagPolicy.ningbo(), GapPolicy.yinchuan())),
        ],
    )
    def test_sample_ledger(self, sample, tables, policy):
        """The sample ledger's lights equal judge_portfolio's, sorted by key."""
        got = judge_frame(
            tables.monthly,
            SAMPLE_AS_OF,
            policy,
            projects=tables.projects,
            stage_events=tables.stage_events,
            lenient=True,
        )
        want = renamed(
            verdict_records(judge_portfolio(stripped(sample), SAMPLE_AS_OF, policy, lenient=True))
        )
        assert want == plain(got)

    def test_not_judged(self, sample, tables):
        """Projects outside construction are not judged, with the same reason as the object API."""
        got = judge_frame(
            tables.monthly,
            SAMPLE_AS_OF,
            projects=tables.projects,
            stage_events=tables.stage_events,
            lang="en",
        )
        not_judged = got[got["light"].isna()]
        assert 18 == len(not_judged)
        assert all(r.startswith("not judged") for r in not_judged["reasons"])

    def test_no_plan_is_the_same_error(self):
        """Without lenient, a project with no plan is the object API's error."""
        monthly = monthly_table(plan=[None] * 6)
        with pytest.raises(ValidationError) as want:
            judge_portfolio(from_frames(monthly, project_table()), AS_OF)
        with pytest.raises(ValidationError) as got:
            judge_frame(monthly, AS_OF, projects=project_table())
        assert str(want.value) == str(got.value)

    def test_year_and_language(self):
        """year pins the plan year; lang picks the reasons' language."""
        got = judge_frame(
            monthly_table(), dt.date(2021, 2, 1), projects=project_table(), year=2020, lang="en"
        )
        assert ["2020-12-31"] * 2 == got["as_of"].tolist()
        assert "12 consecutive lagging months to 2020-12" in got.loc[0, "reasons"]

    def test_lights_are_an_ordered_categorical(self, tables):
        """As in every frame: green < yellow < red, so lights compare; not judged is missing."""
        kw = {"projects": tables.projects, "stage_events": tables.stage_events, "lenient": True}
        for frame in (
            judge_frame(tables.monthly, SAMPLE_AS_OF, **kw),
            light_map_frame(tables.monthly, 2020, **kw),
        ):
            assert ["green", "yellow", "red"] == list(frame["light"].cat.categories)
            assert frame["light"].cat.ordered
            assert (frame["light"] > "green").sum() == frame["light"].isin(["yellow", "red"]).sum()

    def test_row_order(self):
        """Shuffled rows give the same frame."""
        monthly = monthly_table()
        expected = judge_frame(monthly, AS_OF, projects=project_table())
        shuffled = monthly.sample(frac=1, random_state=3)
        assert expected.equals(judge_frame(shuffled, AS_OF, projects=project_table().iloc[::-1]))

    def test_ningbo_streak(self):
        """A: three months below plan is red; B: short February, unreported March is yellow."""
        got = judge_frame(monthly_table(), AS_OF, projects=project_table())
        assert [("A", "red", "3"), ("B", "yellow", "2")] == list(
            got[["key", "light", "severity"]].itertuples(index=False, name=None)
        )

    @pytest.mark.parametrize(
        "policy",
        [
            NodePolicy.dalian(),
            SiteActivityPolicy.ningbo_video(),
            WorstOf((LagPolicy(), NodePolicy())),
        ],
    )
    def test_policies_needing_more_are_refused(self, policy):
        """Node tasks and site observations are not in the tables."""
        with pytest.raises(
            PolicyError, match=r"^policy: expected a LagPolicy or GapPolicy, or WorstOf them"
        ):
            judge_frame(monthly_table(), AS_OF, policy, projects=project_table())
        with pytest.raises(PolicyError, match=r"^policy: expected a LagPolicy"):
            light_map_frame(monthly_table(), 2020, policy, projects=project_table())

    def test_light_map(self, sample, tables):
        """light_map_frame equals light_map_records of light_map."""
        got = light_map_frame(
            tables.monthly,
            2020,
            projects=tables.projects,
            stage_events=tables.stage_events,
            lenient=True,
        )
        want = light_map_records(light_map(stripped(sample), 2020, lenient=True))
        assert want == plain(got)

    def test_empty(self):
        """No rows give an empty frame with the columns."""
        got = judge_frame(monthly_table().iloc[:0], AS_OF, projects=project_table().iloc[:0])
        assert [
            "key",
            "as_of",
            "policy",
            "light",
            "severity",
            "reason_codes",
            "reasons",
        ] == got.columns.tolist()
        assert 0 == len(got)


class TestFigures:
    """figures_frame and groups_frame are projpush.metrics' figures, exact."""

    def test_binzhou(self):
        """479.33 亿元 of 1,017.0 亿元 at the end of May 2020: 47.1 %, 5.5 points ahead."""
        monthly = pd.DataFrame(
            {"key": ["BZ"], "month": ["2020-05"], "plan": [None], "done": ["4793300"]}
        )
        projects = project_table(
            key=["BZ"],
            name=["滨州"],
            level=["city"],
            category=["industry"],
            stage=["under_construction"],
            region=["滨州市"],
            unit=["市发改委"],
            annual_plan_2020=["10170000"],
        )
        row = figures_frame(monthly, dt.date(2020, 5, 31), projects=projects).loc[0]
        assert ("47.1", "5.5") == (row["completion_pct"], row["gap_points"])
        assert Fraction(4793300, 10170000) == row["completion"]
        assert Fraction(5, 12) == row["schedule"]
        assert (Fraction(4793300, 10170000) - Fraction(5, 12)) * 100 == row["gap"]
        assert Decimal(4793300) == row["done_to_date"]

    def test_each_project_is_investment(self, sample, tables):
        """Each row is metrics.investment of the one project."""
        got = figures_frame(
            tables.monthly, SAMPLE_AS_OF, projects=tables.projects, stage_events=tables.stage_events
        )
        for row, p in zip(got.to_dict("records"), stripped(sample).projects, strict=True):
            inv = investment([p], SAMPLE_AS_OF)
            assert (
                p.key,
                inv.annual_plan,
                inv.done_to_date,
                inv.done_in_month,
                inv.done_last_year,
                inv.completion.value,
                inv.projects == 1,
                p.stage_at(SAMPLE_AS_OF).value,
            ) == (
                row["key"],
                row["annual_plan"],
                row["done_to_date"],
                row["done_in_month"],
                row["done_last_year"],
                row["completion"],
                row["planned"],
                row["stage"],
            )

    def test_zero_plan_not_applicable(self):
        """A zero annual plan gives not-applicable rates, never 0 % or an error."""
        row = figures_frame(
            monthly_table(), AS_OF, projects=project_table(annual_plan_2020=["0", "600"])
        ).loc[0]
        assert (NOT_APPLICABLE, NOT_APPLICABLE, None, None) == (
            row["completion"],
            row["gap"],
            row["completion_pct"],
            row["gap_points"],
        )
        assert row["planned"]

    def test_unplanned_project(self):
        """A project with no annual plan for the year is not on the list: zero, not applicable."""
        row = figures_frame(
            monthly_table(), AS_OF, projects=project_table(annual_plan_2020=[None, "600"])
        ).loc[0]
        assert (False, Decimal(0), Decimal(0), NOT_APPLICABLE) == (
            row["planned"],
            row["annual_plan"],
            row["done_to_date"],
            row["completion"],
        )

    def test_group_rate_is_pooled(self):
        """A region's completion is its summed done / summed plan, not the mean of rates."""
        rows = [("P1", "A", "100", "90"), ("P2", "A", "900", "90"), ("P3", "B", "10", "5")]
        monthly = pd.DataFrame(
            [{"key": k, "month": "2020-05", "plan": None, "done": d} for k, _, _, d in rows]
        )
        projects = pd.DataFrame(
            [
                {
                    "key": k,
                    "name": k,
                    "level": "city",
                    "category": "industry",
                    "stage": "under_construction",
                    "region": r,
                    "unit": "U",
                    "annual_plan_2020": a,
                }
                for k, r, a, _ in rows
            ]
        )
        got = groups_frame(monthly, "region", dt.date(2020, 5, 31), projects=projects)
        assert [("A", 2, Fraction(180, 1000), "18.0"), ("B", 1, Fraction(1, 2), "50.0")] == list(
            got[["region", "members", "completion", "completion_pct"]].itertuples(
                index=False, name=None
            )
        )

    @pytest.mark.parametrize("by", ["level", "category", "region", "unit", "stage"])
    def test_groups_equal_group_figures(self, sample, tables, by):
        """groups_frame equals group_figures; groups_from_figures equals groups_frame."""
        got = groups_frame(
            tables.monthly,
            by,
            SAMPLE_AS_OF,
            projects=tables.projects,
            stage_events=tables.stage_events,
        )
        assert group_rows(group_figures(sample, by, SAMPLE_AS_OF)) == frame_rows(got, by)
        each = figures_frame(
            tables.monthly, SAMPLE_AS_OF, projects=tables.projects, stage_events=tables.stage_events
        )
        assert got.equals(groups_from_figures(each, by))

    def test_groups_from_text_figures(self, tables):
        """Figures written to CSV and read back as text group the same."""
        each = figures_frame(
            tables.monthly, SAMPLE_AS_OF, projects=tables.projects, stage_events=tables.stage_events
        )
        text = pd.read_csv(io.StringIO(each.to_csv(index=False)), dtype=str)
        text["planned"] = each["planned"]
        assert groups_from_figures(each, "unit").equals(groups_from_figures(text, "unit"))

    def test_leader_refused(self):
        """Leaders are not in the tables."""
        with pytest.raises(
            ValidationError,
            match=r"^by: expected one of \['level', 'category', 'region', 'unit', 'stage'\] "
            r"\(the tables hold no leaders\), got 'leader'",
        ):
            groups_frame(monthly_table(), "leader", AS_OF, projects=project_table())
        with pytest.raises(ValidationError, match=r"^by: expected one of"):
            groups_from_figures(
                figures_frame(monthly_table(), AS_OF, projects=project_table()), "county"
            )

    def test_groups_from_figures_errors(self):
        """Mixed dates, a missing column, a planned flag that is not a bool."""
        first = figures_frame(monthly_table(), AS_OF, projects=project_table())
        later = figures_frame(monthly_table(), dt.date(2020, 4, 30), projects=project_table())
        with pytest.raises(
            ValidationError,
            match=r"^figures\.schedule: expected the figures of one date, got \['1/3', '1/4'\]",
        ):
            groups_from_figures(pd.concat([first, later]), "region")
        with pytest.raises(ValidationError, match=r"^figures: expected the columns \['gap'\]"):
            groups_from_figures(first.drop(columns=["gap"]), "region")
        with pytest.raises(
            ValidationError, match=r"^figures\.planned\[A\]: expected True or False, got 'yes'"
        ):
            groups_from_figures(first.assign(planned=["yes", True]), "region")
        with pytest.raises(
            MoneyTypeError, match=r"^figures\.annual_plan\[A\]: money must be exact"
        ):
            groups_from_figures(
                first.assign(annual_plan=pd.Series([1.5, "1"], dtype=object)), "region"
            )

    def test_groups_from_figures_bad_cells(self):
        """A schedule that is not an exact share, a group that is not text."""
        first = figures_frame(monthly_table(), AS_OF, projects=project_table())
        with pytest.raises(
            ValidationError,
            match=r"^figures\.schedule\[A\]: expected an exact share such as 5/12, got None",
        ):
            groups_from_figures(
                first.assign(schedule=pd.Series([None, "1/4"], dtype=object)), "region"
            )
        with pytest.raises(
            ValidationError, match=r"^figures\.schedule\[B\]: expected an exact share"
        ):
            groups_from_figures(first.assign(schedule=["1/4", "quarter"]), "region")
        with pytest.raises(
            ValidationError, match=r"^figures\.region\[B\]: expected a text, got nan"
        ):
            groups_from_figures(first.assign(region=["海曙区", float("nan")]), "region")

    def test_empty_groups(self):
        """No projects give an empty group table."""
        empty = figures_frame(monthly_table().iloc[:0], AS_OF, projects=project_table().iloc[:0])
        assert 0 == len(groups_from_figures(empty, "region"))
        assert "region" == groups_from_figures(empty, "region").columns[0]


class TestOnTheEngine:
    """The columnar functions are the engine's, in pandas: no Project is built for them."""

    @pytest.fixture
    def no_objects(self, monkeypatch):
        """Building a Project, or turning tables into one, raises."""

        def refuse(*args, **kwargs):
            msg = "a Project was built"
            raise AssertionError(msg)

        monkeypatch.setattr(Project, "__init__", refuse)
        monkeypatch.setattr(engine_tables, "to_portfolio", refuse)
        monkeypatch.setattr(engine_lights, "_projects", refuse)

    @pytest.mark.usefixtures("no_objects")
    def test_no_project_is_built(self, tables):
        """Every function but from_frames runs without a Project, errors included."""
        kw = {"projects": tables.projects, "stage_events": tables.stage_events}
        worst = WorstOf((LagPolicy.ningbo(), GapPolicy.yinchuan()))
        for policy in (None, GapPolicy.sanya(), worst):
            assert 50 == len(judge_frame(tables.monthly, SAMPLE_AS_OF, policy, lenient=True, **kw))
            assert 600 == len(light_map_frame(tables.monthly, 2020, policy, lenient=True, **kw))
        each = figures_frame(tables.monthly, SAMPLE_AS_OF, **kw)
        assert groups_frame(tables.monthly, "unit", SAMPLE_AS_OF, **kw).equals(
            groups_from_figures(each, "unit")
        )
        assert 50 == to_tables(tables.monthly, **kw).projects.num_rows
        unplanned = monthly_table(plan=[None] * 6)
        with pytest.raises(ValidationError, match=r"^project A: no monthly plan for 2020"):
            judge_frame(unplanned, AS_OF, worst, projects=project_table())
        with pytest.raises(ValidationError, match=r"^project A: no monthly plan for 2020"):
            light_map_frame(unplanned, 2020, projects=project_table())
        with pytest.raises(AssertionError, match="a Project was built"):
            from_frames(tables.monthly, **kw)

    def test_to_tables_is_the_engine_ledger(self, sample, tables):
        """to_tables holds the portfolio's engine tables: the engine gives the same lights."""
        got = to_tables(tables.monthly, tables.projects, tables.stage_events)
        direct = from_portfolio(stripped(sample))
        for name in ("monthly", "annual_plans", "stage_events"):
            assert getattr(got, name).num_rows == getattr(direct, name).num_rows
        ours = judge_tables(got, SAMPLE_AS_OF, lenient=True).verdicts
        theirs = judge_tables(direct, SAMPLE_AS_OF, lenient=True).verdicts
        assert ours.sort("key").equals(theirs.sort("key"))

    def test_dtypes(self, tables):
        """Amounts exact Arrow decimals, lights ordered, verdict cells text, shares Fractions."""
        kw = {"projects": tables.projects, "stage_events": tables.stage_events}
        each = figures_frame(tables.monthly, SAMPLE_AS_OF, **kw)
        money = "decimal128(38, 12)[pyarrow]"
        for c in ("annual_plan", "done_to_date", "done_in_month", "done_last_year"):
            assert money == str(each[c].dtype)
        assert "bool" == str(each["planned"].dtype)
        assert {Fraction} == {type(v) for v in each["schedule"]}
        groups = groups_frame(tables.monthly, "level", SAMPLE_AS_OF, **kw)
        assert ["int64", "int64", money] == [
            str(groups[c].dtype) for c in ("members", "projects_planned", "done_to_date")
        ]
        assert groups["done_to_date"].sum() == each["done_to_date"].sum()
        lights = judge_frame(tables.monthly, SAMPLE_AS_OF, **kw)
        assert {"category"} == {str(lights[c].dtype) for c in ["light"]}
        assert {"object"} == {str(t) for c, t in lights.dtypes.items() if c != "light"}

    def test_amounts_written_as_given(self):
        """Reasons write amounts as the object API does: "90.0" keeps its place."""
        monthly = monthly_table(done=["90.0", "90", "90.00", "50", "40", None])
        got = judge_frame(monthly, AS_OF, projects=project_table(), lang="en")
        want = renamed(
            verdict_records(judge_portfolio(from_frames(monthly, project_table()), AS_OF), "en")
        )
        assert "completed 270.00 万元" in got.loc[0, "reasons"]
        assert got.loc[1].to_dict() == want[1]

    def test_tolerance_the_engine_cannot_hold(self):
        """A tolerance with more than 6 decimal places is refused, naming the engine."""
        with pytest.raises(PolicyError, match=r"^tolerance: expected a factor with at most 6"):
            judge_frame(
                monthly_table(), AS_OF, LagPolicy.ningbo("0.1234567"), projects=project_table()
            )


class TestImportErrors:
    """Without pandas or Dask, the message names the extra to install."""

    def run(self, code):
        return subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout

    def test_pandas(self):
        """A blocked pandas import says projpush[pandas]."""
        out = self.run(
            "import sys; sys.modules['pandas'] = None\n"
            "from projpush.columnar import judge_frame\n"
            "import datetime\n"
            "try:\n    judge_frame(None, datetime.date(2020, 1, 31))\n"
            "except ImportError as e:\n    print(e)\n"
        )
        assert (
            'projpush.columnar needs pandas; install it with: pip install "projpush[pandas]"\n'
            == out
        )

    def test_dask(self):
        """A blocked dask import says projpush[dask]."""
        out = self.run(
            "import sys; sys.modules['dask'] = None; sys.modules['dask.dataframe'] = None\n"
            "from projpush.columnar import judge_frame, on_partitions\n"
            "try:\n    on_partitions(judge_frame, None)\nexcept ImportError as e:\n    print(e)\n"
        )
        assert 'pip install "projpush[dask]"' in out
