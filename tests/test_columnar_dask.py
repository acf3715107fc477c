"""Tests of projpush.columnar.on_partitions: Dask partitions give the pandas path's answers.

Skipped without dask (``projpush[dask]``). The documented example needs
``distributed`` too and runs on a ``LocalCluster(processes=False)``; the
other tests use Dask's synchronous scheduler, which needs nothing more.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

dask = pytest.importorskip("dask")
dd = pytest.importorskip("dask.dataframe")

from projpush.columnar import (  # noqa: E402 (after the skip)
    figures_frame,
    from_frames,
    groups_frame,
    groups_from_figures,
    judge_frame,
    light_map_frame,
    on_partitions,
    to_frames,
)
from projpush.errors import (  # noqa: E402
    MoneyTypeError,
    UnknownReferenceError,
    ValidationError,
)
from projpush.lights import GapPolicy  # noqa: E402
from projpush.synth import SAMPLE_AS_OF, sample_portfolio  # noqa: E402

DOC = Path(__file__).parent.parent / "docs" / "columnar.md"
MARK = "<!-- dask-example: tests/test_columnar_dask.py runs the next block -->"


@pytest.fixture(scope="module")
def tables():
    return to_frames(sample_portfolio())


@pytest.fixture
def synchronous():
    with dask.config.set(scheduler="synchronous"):
        yield


def computed(result, *, stable=False):
    frame = result.compute()
    kind = "stable" if stable else "quicksort"
    return frame.sort_values("key", kind=kind, ignore_index=True)


def pieces(tables, npartitions=4):
    return dd.from_pandas(tables.monthly, npartitions=npartitions)


class TestDocumentedExample:
    """The Dask example of docs/columnar.md runs as written, on a local cluster."""

    def test_example_runs(self):
        """The block after the marker executes; its lights equal the pandas path's."""
        pytest.importorskip("distributed")
        text = DOC.read_text(encoding="utf-8")
        block = re.search(re.escape(MARK) + r"\n```python\n(.*?)\n```", text, re.DOTALL)
        assert block is not None, "docs/columnar.md lost its marked Dask example"
        namespace: dict[str, object] = {}
        exec(compile(block[1], str(DOC), "exec"), namespace)  # noqa: S102 (our own docs)
        tables = to_frames(sample_portfolio())
        figures = figures_frame(
            tables.monthly,
            SAMPLE_AS_OF,
            projects=tables.projects,
            stage_events=tables.stage_events,
        )
        assert namespace["lights"].equals(namespace["expected"])
        assert figures.equals(namespace["figures"])
        assert groups_from_figures(figures, "region").equals(namespace["regions"])


@pytest.mark.usefixtures("synchronous")
class TestEqualsPandas:
    """on_partitions gives, sorted by key, what the pandas function gives."""

    @pytest.mark.parametrize("policy", [None, GapPolicy.yinchuan(), GapPolicy.sanya()])
    def test_lights(self, tables, policy):
        """Lights of the sample ledger, under the Ningbo, Yinchuan and Sanya rules."""
        kw = {"projects": tables.projects, "stage_events": tables.stage_events}
        expected = judge_frame(tables.monthly, SAMPLE_AS_OF, policy, **kw)
        got = computed(on_partitions(judge_frame, pieces(tables), SAMPLE_AS_OF, policy, **kw))
        assert expected.equals(got)

    def test_light_map(self, tables):
        """The light map, months in order within each project."""
        kw = {"projects": tables.projects, "stage_events": tables.stage_events, "lenient": True}
        expected = light_map_frame(tables.monthly, 2020, **kw)
        got = computed(on_partitions(light_map_frame, pieces(tables), 2020, **kw), stable=True)
        assert expected.equals(got)

    def test_figures_and_groups(self, tables):
        """Per-project figures, and groups made from them, equal the pandas path."""
        kw = {"projects": tables.projects, "stage_events": tables.stage_events}
        expected = figures_frame(tables.monthly, SAMPLE_AS_OF, **kw)
        got = computed(on_partitions(figures_frame, pieces(tables), SAMPLE_AS_OF, **kw))
        assert expected.equals(got)
        for by in ("level", "region", "stage"):
            want = groups_frame(tables.monthly, by, SAMPLE_AS_OF, **kw)
            assert want.equals(groups_from_figures(got, by))

    def test_dask_projects_table(self, tables):
        """A Dask projects table joins like a pandas one."""
        projects = dd.from_pandas(tables.projects, npartitions=3)
        expected = judge_frame(
            tables.monthly,
            SAMPLE_AS_OF,
            projects=tables.projects,
            stage_events=tables.stage_events,
        )
        got = on_partitions(
            judge_frame,
            pieces(tables),
            SAMPLE_AS_OF,
            projects=projects,
            stage_events=tables.stage_events,
        )
        assert expected.equals(computed(got))

    def test_one_table(self, tables):
        """Without a projects table, the monthly table carries the project columns."""
        joined = tables.monthly.merge(tables.projects, on="key", how="outer")
        expected = judge_frame(joined, SAMPLE_AS_OF, stage_events=tables.stage_events)
        got = on_partitions(
            judge_frame,
            dd.from_pandas(joined, npartitions=5),
            SAMPLE_AS_OF,
            stage_events=tables.stage_events,
        )
        assert expected.equals(computed(got))

    def test_pandas_tables_unchanged(self, tables):
        """on_partitions leaves the caller's pandas tables as they were."""
        before = tables.projects.copy()
        lazy = on_partitions(judge_frame, pieces(tables), SAMPLE_AS_OF, projects=tables.projects)
        lazy.compute()
        assert before.equals(tables.projects)

    def test_more_partitions_than_projects(self):
        """Empty partitions give empty frames of the right columns."""
        portfolio = sample_portfolio()
        small = to_frames(type(portfolio)(projects=portfolio.projects[:3]))
        monthly = dd.from_pandas(small.monthly, npartitions=8)
        got = on_partitions(
            judge_frame,
            monthly,
            SAMPLE_AS_OF,
            projects=small.projects,
            stage_events=small.stage_events,
        )
        expected = judge_frame(
            small.monthly,
            SAMPLE_AS_OF,
            projects=small.projects,
            stage_events=small.stage_events,
        )
        assert expected.equals(computed(got))
        assert list(expected.dtypes) == list(got.dtypes)


@pytest.mark.usefixtures("synchronous")
class TestErrors:
    """Refusals at call time; bad rows when computed, as the pandas path raises them."""

    def test_only_per_project_functions(self, tables):
        """groups_frame mixes partitions' projects: refused, as is any other function."""
        for fn in (groups_frame, from_frames, len):
            with pytest.raises(
                ValidationError,
                match=r"^fn: expected judge_frame, light_map_frame or figures_frame "
                r"\(per-project rules\), got '(groups_frame|from_frames|len)'",
            ):
                on_partitions(fn, pieces(tables), SAMPLE_AS_OF)

    def test_pandas_monthly_refused(self, tables):
        """monthly must be a Dask DataFrame (use the pandas function for pandas)."""
        with pytest.raises(
            ValidationError, match=r"^monthly: expected a Dask DataFrame, got 'DataFrame'"
        ):
            on_partitions(judge_frame, tables.monthly, SAMPLE_AS_OF)

    def test_float_column_at_once(self, tables):
        """A float amount column is refused when on_partitions is called."""
        floats = dd.from_pandas(tables.monthly.assign(done=1.5), npartitions=2)
        with pytest.raises(MoneyTypeError, match=r"^monthly\.done: money must be exact"):
            on_partitions(judge_frame, floats, SAMPLE_AS_OF, projects=tables.projects)

    def test_missing_columns_at_once(self, tables):
        """Missing columns in monthly or projects are refused at once."""
        with pytest.raises(ValidationError, match=r"^monthly: expected the columns \['name'"):
            on_partitions(judge_frame, pieces(tables), SAMPLE_AS_OF)
        with pytest.raises(ValidationError, match=r"^projects: expected the columns \['unit'\]"):
            on_partitions(
                judge_frame,
                pieces(tables),
                SAMPLE_AS_OF,
                projects=tables.projects.drop(columns=["unit"]),
            )
        with pytest.raises(ValidationError, match=r"^stage_events: expected the columns \['on'\]"):
            on_partitions(
                judge_frame,
                pieces(tables),
                SAMPLE_AS_OF,
                projects=tables.projects,
                stage_events=tables.stage_events.drop(columns=["on"]),
            )

    def test_unknown_stage_event_key_at_once(self, tables):
        """With a pandas projects table, stage events of unknown keys are refused at once."""
        events = tables.stage_events.assign(key="NO-SUCH-KEY")
        with pytest.raises(
            UnknownReferenceError,
            match=r"^stage_events\.key: expected a key of a project, got 'NO-SUCH-KEY'",
        ):
            on_partitions(
                judge_frame,
                pieces(tables),
                SAMPLE_AS_OF,
                projects=tables.projects,
                stage_events=events,
            )

    def test_unknown_key_when_computed(self, tables):
        """A monthly key the projects table lacks is the pandas path's error, on compute."""
        projects = tables.projects[tables.projects["key"] != tables.projects.loc[0, "key"]]
        lazy = on_partitions(judge_frame, pieces(tables), SAMPLE_AS_OF, projects=projects)
        with pytest.raises(UnknownReferenceError, match=r"^monthly\.key: expected a key of the"):
            lazy.compute()

    def test_bad_cell_when_computed(self, tables):
        """A bad amount is reported with its key and month when computed."""
        monthly = tables.monthly.copy()
        monthly.loc[0, "done"] = "abc"
        lazy = on_partitions(
            judge_frame,
            dd.from_pandas(monthly, npartitions=2),
            dt.date(2020, 10, 31),
            projects=tables.projects,
        )
        key, month = monthly.loc[0, "key"], monthly.loc[0, "month"]
        with pytest.raises(ValidationError, match=rf"^monthly\.done\[{key} {month}\]"):
            lazy.compute()
