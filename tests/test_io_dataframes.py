"""The whole ledger as pandas and polars frames: typed columns, lossless round trips."""

from __future__ import annotations

import enum
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

pl = pytest.importorskip("polars")
pd = pytest.importorskip("pandas")

from projpush.engine import LedgerTables, from_portfolio, to_portfolio  # noqa: E402
from projpush.engine.tables import TABLES, _columns  # noqa: E402
from projpush.errors import ValidationError  # noqa: E402
from projpush.model import Portfolio  # noqa: E402
from projpush.synth import sample_portfolio  # noqa: E402
from strategies_formats import spreadsheet_ledgers  # noqa: E402


def _equal(expected: LedgerTables, actual: LedgerTables) -> None:
    for name, table in expected:
        assert table.equals(getattr(actual, name)), name


class TestPolars:
    """Polars frames of every table, typed, and back."""

    def test_types(self):
        frames = from_portfolio(sample_portfolio()).to_polars()
        assert 19 == len(frames)
        events = frames["issue_events"]
        assert pl.Date == events.schema["at"]
        assert isinstance(events.schema["sheet"], pl.Enum)
        assert pl.Decimal(38, 12) == frames["monthly"].schema["done"]
        assert pl.Boolean == frames["approvals"].schema["required"]

    def test_round_trip(self):
        tables = from_portfolio(sample_portfolio())
        _equal(tables, LedgerTables.from_frames(tables.to_polars()))

    @settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
    @given(spreadsheet_ledgers())
    def test_generated_portfolios_round_trip(self, portfolio):
        tables = from_portfolio(portfolio)
        assert portfolio == to_portfolio(LedgerTables.from_frames(tables.to_polars()))


class TestPandas:
    """Pandas frames of every table, typed, and back."""

    def test_types(self):
        frames = from_portfolio(sample_portfolio()).to_pandas()
        events = frames["issue_events"]
        assert "category" == str(events["kind"].dtype)
        assert "decimal128(38, 12)[pyarrow]" == str(frames["monthly"]["done"].dtype)
        assert "date32[day][pyarrow]" == str(events["at"].dtype)
        assert isinstance(frames["projects"]["total_investment"].iloc[0], Decimal)

    def test_round_trip(self):
        tables = from_portfolio(sample_portfolio())
        _equal(tables, LedgerTables.from_frames(tables.to_pandas()))

    @settings(max_examples=25, suppress_health_check=[HealthCheck.too_slow])
    @given(spreadsheet_ledgers())
    def test_generated_portfolios_round_trip(self, portfolio):
        tables = from_portfolio(portfolio)
        assert portfolio == to_portfolio(LedgerTables.from_frames(tables.to_pandas()))

    def test_frames_of_ones_own(self):
        projects = pd.DataFrame(
            {
                "seq": [0],
                "key": ["NB-7"],
                "code": [None],
                "local_id": ["NB-7"],
                "name": ["港口扩建"],
                "level": ["county"],
                "category": ["industry"],
                "stage": ["planned"],
                "region": ["北仑区"],
                "unit": ["市港航局"],
                "owner": [None],
                "total_investment": [Decimal("1500.5")],
                "task_force": [None],
            }
        )
        ledger = to_portfolio(LedgerTables.from_frames({"projects": projects}))
        assert Decimal("1500.5") == ledger.project("NB-7").total_investment


_POLARS = {
    "money": pl.Decimal(38, 12),
    "date32": pl.Date,
    "bool": pl.Boolean,
    "string": pl.String,
    "int16": pl.Int16,
    "int32": pl.Int32,
}
_PANDAS = {
    "money": "decimal128(38, 12)[pyarrow]",
    "date32": "date32[day][pyarrow]",
    "bool": "bool[pyarrow]",
    "string": "string[pyarrow]",
    "int16": "int16[pyarrow]",
    "int32": "int32[pyarrow]",
}
# Full ledgers and an empty one: a frame with no rows is typed all the same.
_LEDGERS = {"sample": sample_portfolio, "empty": Portfolio}


class TestEveryColumnTyped:
    """Every column of every table has its ledger type, in both libraries, rows or none."""

    @pytest.mark.parametrize("ledger", sorted(_LEDGERS))
    def test_polars(self, ledger):
        frames = from_portfolio(_LEDGERS[ledger]()).to_polars()
        assert list(TABLES) == list(frames)
        for name in TABLES:
            schema = frames[name].schema
            assert [c for c, _, _ in _columns(name)] == list(schema), name
            for column, kind, _ in _columns(name):
                if isinstance(kind, type) and issubclass(kind, enum.Enum):
                    expected = pl.Enum([m.value for m in kind])
                else:
                    expected = _POLARS[kind]
                assert expected == schema[column], f"{name}.{column}"

    @pytest.mark.parametrize("ledger", sorted(_LEDGERS))
    def test_pandas(self, ledger):
        frames = from_portfolio(_LEDGERS[ledger]()).to_pandas()
        assert list(TABLES) == list(frames)
        for name in TABLES:
            frame = frames[name]
            assert [c for c, _, _ in _columns(name)] == list(frame.columns), name
            for column, kind, _ in _columns(name):
                dtype = frame[column].dtype
                if isinstance(kind, type) and issubclass(kind, enum.Enum):
                    assert isinstance(dtype, pd.CategoricalDtype), f"{name}.{column}"
                    assert [m.value for m in kind] == list(dtype.categories), f"{name}.{column}"
                else:
                    assert _PANDAS[kind] == str(dtype), f"{name}.{column}"

    def test_the_people_and_the_issues_are_there(self):
        """Leaders, secretaries, their projects and contacts, issues and events: every row."""
        tables = from_portfolio(sample_portfolio())
        for frames in (tables.to_polars(), tables.to_pandas()):
            for name in ("leaders", "secretaries", "contacts", "issues", "issue_events"):
                assert getattr(tables, name).num_rows == len(frames[name]) > 0, name


class TestErrors:
    """A bad frame is refused, naming the table and column."""

    def test_a_float_amount(self):
        frame = from_portfolio(sample_portfolio()).to_polars()["annual_plans"]
        frame = frame.with_columns(pl.col("plan").cast(pl.Float64))
        with pytest.raises(
            ValidationError,
            match=r"annual_plans\.plan: expected exact amounts \(decimal128\(38, 12\), Decimal or "
            r"text\), not binary floating point, got 'double'",
        ):
            LedgerTables.from_frames({"annual_plans": frame})

    def test_an_unknown_table(self):
        with pytest.raises(ValidationError, match="table: expected one of projects, "):
            LedgerTables.from_frames({"project": pl.DataFrame()})

    def test_not_a_frame(self):
        with pytest.raises(
            ValidationError, match="projects: expected a pandas or polars DataFrame"
        ):
            LedgerTables.from_frames({"projects": [1, 2]})

    def test_not_tables(self):
        from projpush.io.dataframes import to_polars  # noqa: PLC0415

        with pytest.raises(ValidationError, match="tables: expected a LedgerTables, got 'dict'"):
            to_polars({})

    def test_an_unknown_enum_value(self):
        frame = from_portfolio(sample_portfolio()).to_pandas()["projects"]
        frame["stage"] = frame["stage"].astype(str).replace("planned", "谋划中")
        with pytest.raises(
            ValidationError,
            match=r"projects\.stage: row key='MH-2020-007': expected one of planned \(谋划\)",
        ):
            LedgerTables.from_frames({"projects": frame})
