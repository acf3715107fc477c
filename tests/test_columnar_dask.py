"""Tests of projpush.columnar.on_partitions: Dask partitions give the pandas path's answers.

Skipped without dask (``projpush[dask]``). The documented example runs on a
``LocalCluster`` of two worker processes (``distributed``, part of the same
extra): the one test that starts a cluster. The others use Dask's
synchronous scheduler, which needs nothing more.
"""

from __future__ import annotations

import datetime as dt
import logging
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
    partition_by_key,
    to_frames,
)
from projpush.errors import (  # noqa: E402
    MoneyTypeError,
    UnknownReferenceError,
    ValidationError,
)
from projpush.lights import GapPolicy  # noqa: E402
from projpush.model import Project  # noqa: E402
from projpush.synth import SAMPLE_AS_OF, sample_portfolio  # noqa: E402

DOC = Path(__file__).parent.parent / "docs" / "columnar.md"
MARK = "<!-- dask-example: tests/test_columnar_dask.py runs the next block -->"
# dask's Parquet reader and writer call set_index and reset_index with inplace=True, which
# pandas 3.1 deprecates: dask's to mend, not ours.
DASK_INPLACE = "ignore:The inplace keyword:pandas.errors.Pandas4Warning"


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


@pytest.mark.filterwarnings(DASK_INPLACE)
class TestDocumentedExample:
    """The Dask example of docs/columnar.md runs as written, on two worker processes."""

    def test_example_runs(self, tmp_path, monkeypatch):
        """The block after the marker executes: every result equals one process's, exactly."""
        pytest.importorskip("distributed")
        logging.getLogger("distributed.shuffle").setLevel(logging.ERROR)
        text = DOC.read_text(encoding="utf-8")
        block = re.search(re.escape(MARK) + r"\n```python\n(.*?)\n```", text, re.DOTALL)
        assert block is not None, "docs/columnar.md lost its marked Dask example"
        monkeypatch.chdir(tmp_path)
        namespace: dict[str, object] = {}
        exec(compile(block[1], str(DOC), "exec"), namespace)  # noqa: S102 (our own docs)
        tables = to_frames(sample_portfolio())
        kw = {"projects": tables.projects, "stage_events": tables.stage_events}
        assert namespace["lights"].equals(judge_frame(tables.monthly, SAMPLE_AS_OF, **kw))
        assert namespace["regions"].equals(
            groups_frame(tables.monthly, "region", SAMPLE_AS_OF, **kw)
        )
        assert namespace["figures"].equals(figures_frame(tables.monthly, SAMPLE_AS_OF, **kw))
        lights_map = light_map_frame(tables.monthly, 2020, lenient=True, **kw)
        assert namespace["light_map"].equals(lights_map)


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

    @pytest.mark.parametrize("by", ["level", "unit", "stage"])
    def test_groups_combined_exactly(self, tables, by):
        """Each partition's counts and sums, added up, then rates: groups_frame's table."""
        kw = {"projects": tables.projects, "stage_events": tables.stage_events}
        want = groups_frame(tables.monthly, by, dt.date(2020, 10, 31), **kw)
        lazy = on_partitions(groups_frame, pieces(tables, 5), by, dt.date(2020, 10, 31), **kw)
        assert 1 == lazy.npartitions
        assert want.equals(lazy.compute())

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


@pytest.mark.filterwarnings(DASK_INPLACE)
@pytest.mark.usefixtures("synchronous")
class TestPartitioned:
    """A dataset already partitioned by key runs as it is, with the same answers."""

    @pytest.fixture
    def dataset(self, tables, tmp_path):
        """Each table written by partition_by_key and read back with its divisions."""
        for name, frame in tables._asdict().items():
            partition_by_key(frame, 3).to_parquet(tmp_path / name)
        return {
            name: dd.read_parquet(tmp_path / name, index="part", calculate_divisions=True)
            for name in ("monthly", "projects", "stage_events")
        }

    def test_partitions_hold_whole_projects(self, tables):
        """Every row of a project is in one partition, the same in every table."""
        parts = [partition_by_key(f, 3).compute() for f in (tables.monthly, tables.projects)]
        where = [dict(zip(p["key"], p.index, strict=True)) for p in parts]
        assert 3 == partition_by_key(tables.monthly, 3).npartitions
        assert where[0] == {k: where[1][k] for k in where[0]}
        assert len(set(where[1].values())) > 1

    def test_equals_pandas(self, tables, dataset):
        """Lights, figures and groups on the dataset equal the pandas path."""
        kw = {"projects": dataset["projects"], "stage_events": dataset["stage_events"]}
        one = {"projects": tables.projects, "stage_events": tables.stage_events}
        got = on_partitions(judge_frame, dataset["monthly"], SAMPLE_AS_OF, partitioned=True, **kw)
        assert judge_frame(tables.monthly, SAMPLE_AS_OF, **one).equals(computed(got))
        got = on_partitions(
            groups_frame, dataset["monthly"], "region", SAMPLE_AS_OF, partitioned=True, **kw
        )
        assert groups_frame(tables.monthly, "region", SAMPLE_AS_OF, **one).equals(got.compute())

    def test_different_divisions_are_aligned(self, tables, dataset):
        """Tables of other (known) divisions are cut to common ones first."""
        fewer = partition_by_key(tables.projects, 3).repartition(divisions=[0, 2, 3])
        kw = {"projects": fewer, "stage_events": dataset["stage_events"], "partitioned": True}
        one = {"projects": tables.projects, "stage_events": tables.stage_events}
        got = on_partitions(figures_frame, dataset["monthly"], SAMPLE_AS_OF, **kw)
        assert figures_frame(tables.monthly, SAMPLE_AS_OF, **one).equals(computed(got))

    def test_refused_without_divisions(self, tables, dataset):
        """partitioned needs Dask tables with known divisions: a pandas table is refused."""
        with pytest.raises(
            ValidationError,
            match=r"^projects: expected a Dask DataFrame with known divisions "
            r"\(partitioned=True\), got 'DataFrame'",
        ):
            on_partitions(
                judge_frame,
                dataset["monthly"],
                SAMPLE_AS_OF,
                projects=tables.projects,
                partitioned=True,
            )
        with pytest.raises(ValidationError, match=r"^monthly: expected a Dask DataFrame with"):
            on_partitions(
                judge_frame,
                pieces(tables).clear_divisions(),
                SAMPLE_AS_OF,
                projects=dataset["projects"],
                partitioned=True,
            )

    def test_bad_partition_count(self, tables):
        """npartitions is a whole number from 1."""
        for n in (0, 1.5, True):
            with pytest.raises(ValidationError, match=r"^npartitions: expected a whole number"):
                partition_by_key(tables.monthly, n)

    def test_no_project_is_built(self, tables, dataset, monkeypatch):
        """The partitions run the engine: no Project is built."""

        def refuse(*args, **kwargs):
            msg = "a Project was built"
            raise AssertionError(msg)

        monkeypatch.setattr(Project, "__init__", refuse)
        kw = {"projects": dataset["projects"], "stage_events": dataset["stage_events"]}
        for fn, args in ((judge_frame, (SAMPLE_AS_OF,)), (groups_frame, ("unit", SAMPLE_AS_OF))):
            assert len(
                on_partitions(fn, dataset["monthly"], *args, partitioned=True, **kw).compute()
            )


@pytest.mark.usefixtures("synchronous")
class TestErrors:
    """Refusals at call time; bad rows when computed, as the pandas path raises them."""

    def test_only_the_module_functions(self, tables):
        """Any other function is refused, from_frames too (it builds objects)."""
        for fn in (from_frames, groups_from_figures, len):
            with pytest.raises(
                ValidationError,
                match=r"^fn: expected judge_frame, light_map_frame, figures_frame or groups_frame, "
                r"got '(from_frames|groups_from_figures|len)'",
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
