"""The ledger as Arrow tables: the schema, the round trip and the Parquet folder."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds
import pyarrow.parquet as pq
import pytest
from hypothesis import given

from projpush.engine import (
    TABLES,
    LedgerTables,
    from_portfolio,
    is_parquet_ledger,
    read_parquet,
    schema,
    to_portfolio,
    write_parquet,
)
from projpush.engine.tables import conform
from projpush.errors import LedgerError, ValidationError
from projpush.model import Month, Portfolio, Project, StageEventKind
from projpush.synth import sample_portfolio
from projpush.testing import portfolios


def project(**changes: object) -> Project:
    fields: dict[str, object] = {
        "local_id": "NB-1",
        "name": "机场快速路南延（一期）①",
        "level": "city",
        "category": "infrastructure",
        "stage": "under_construction",
        "region": "海曙区",
        "unit": "市交通局",
        "annual_plans": {2020: "42000.50"},
        "monthly_plan": {"2020-01": "3500", "2020-02": "3500"},
        "monthly_done": {"2020-02": "0.000000000001"},
    }
    fields.update(changes)
    return Project(**fields)  # type: ignore[arg-type]


class TestSchema:
    """Every table has a fixed schema with exact money, dates and stable enum codes."""

    def test_every_table_has_a_schema(self):
        assert len(TABLES) == 19
        for name in TABLES:
            assert name == schema(name).metadata[b"projpush-ledger-table"].decode()

    def test_money_dates_and_enums(self):
        tables = from_portfolio(Portfolio(projects=(project(),)))
        fields = tables.projects.schema
        assert pa.decimal128(38, 12) == fields.field("total_investment").type
        assert pa.dictionary(pa.int8(), pa.string()) == fields.field("level").type
        assert pa.date32() == tables.monthly.schema.field("month").type
        assert ["province", "city", "county", "town"] == (
            tables.projects.column("level").chunk(0).dictionary.to_pylist()
        )
        assert [1] == tables.projects.column("level").chunk(0).indices.to_pylist()

    def test_unknown_table(self):
        with pytest.raises(ValidationError, match="table: expected one of projects"):
            schema("people")


class TestRoundTrip:
    """A portfolio comes back equal from its tables and from Parquet."""

    @given(portfolios())
    def test_tables_round_trip(self, portfolio):
        assert portfolio == to_portfolio(from_portfolio(portfolio))

    def test_sample_through_parquet(self, tmp_path):
        ledger = sample_portfolio()
        write_parquet(from_portfolio(ledger), tmp_path / "ledger")
        assert is_parquet_ledger(tmp_path / "ledger")
        assert ledger == to_portfolio(read_parquet(tmp_path / "ledger"))

    def test_exact_money_and_free_text(self, tmp_path):
        p = project()
        back = to_portfolio(from_portfolio(Portfolio(projects=(p,))))
        assert Decimal("0.000000000001") == back.projects[0].monthly_done[Month(2020, 2)]
        assert p == back.projects[0]
        assert p.name == back.projects[0].name
        assert [p.name] == from_portfolio(Portfolio(projects=(p,))).projects["name"].to_pylist()
        assert "42000.5" == str(back.projects[0].annual_plans[2020])

    def test_partitioned_dataset(self, tmp_path):
        ledger = sample_portfolio()
        tables = from_portfolio(ledger)
        folder = tmp_path / "ledger"
        write_parquet(tables, folder)
        (folder / "monthly.parquet").unlink()
        monthly = tables.monthly.append_column(
            "region", pa.array([k[:4] for k in tables.monthly["key"].to_pylist()])
        )
        ds.write_dataset(
            monthly,
            folder / "monthly",
            format="parquet",
            partitioning=["region"],
            partitioning_flavor="hive",
        )
        assert ledger == to_portfolio(read_parquet(folder))


class TestOf:
    """Tables of one's own are conformed to the schema, or refused naming the column."""

    def test_text_enums_and_column_order(self):
        table = pa.table(
            {
                "key": ["NB-1"],
                "kind": ["started"],
                "seq": [0],
                "on": [dt.date(2020, 1, 5)],
                "note": [""],
                "extra": [1],
            }
        )
        tables = LedgerTables.of(stage_events=table)
        assert ["key", "seq", "kind", "on", "note"] == tables.stage_events.column_names
        assert 0 == tables.projects.num_rows

    def test_a_column_given_twice(self):
        """Arrow allows two columns of one name (a frame fuzzer made one); it is refused."""
        table = pa.table([pa.array(["NB-1"]), pa.array([0]), pa.array([1])], ["key", "seq", "seq"])
        with pytest.raises(ValidationError, match=r"^stage_events\.seq: expected one column of"):
            LedgerTables.of(stage_events=table)

    def test_a_column_of_a_type_without_a_cast(self):
        """Dates where amounts belong, some beyond Python's years: the column and its type."""
        far = pa.array([2_932_897 * 40], pa.int32()).cast(pa.date32())
        table = pa.table({"key": ["NB-1"], "year": [2020], "plan": far})
        with pytest.raises(ValidationError, match=r"^annual_plans\.plan: expected decimal128"):
            LedgerTables.of(annual_plans=table)

    def test_unknown_enum_value(self):
        table = pa.table(
            {
                "key": ["NB-1"],
                "seq": [0],
                "kind": ["begun"],
                "on": [dt.date(2020, 1, 5)],
                "note": [""],
            }
        )
        with pytest.raises(
            ValidationError,
            match=r"stage_events.kind: row key='NB-1', seq=0: expected one of started \(开工\)",
        ):
            LedgerTables.of(stage_events=table)

    def test_dictionary_enums_are_remapped_chunk_by_chunk(self):
        """Dictionaries in another order, differing by chunk, with nulls: the stable codes."""
        kinds = pa.chunked_array(
            [
                pa.array(["suspended", "started", None, "suspended"]).dictionary_encode(),
                pa.DictionaryArray.from_arrays(
                    pa.array([1, 1], pa.int32()), pa.array(["unused", "completed"])
                ),
            ]
        )
        n = len(kinds)
        table = pa.table(
            {
                "key": ["NB-1"] * n,
                "seq": list(range(n)),
                "kind": kinds,
                "on": [dt.date(2020, 1, 5)] * n,
                "note": [""] * n,
            }
        )
        with pytest.raises(
            ValidationError, match=r"stage_events.kind: row key='NB-1', seq=2: .* got None"
        ):
            LedgerTables.of(stage_events=table)
        column = conform("stage_events", table.filter(pc.is_valid(table["kind"]))).column("kind")
        assert ["suspended", "started", "suspended", "completed", "completed"] == column.to_pylist()
        assert column.type == pa.dictionary(pa.int8(), pa.string())
        assert column.chunk(0).dictionary.to_pylist() == [s.value for s in StageEventKind]

    def test_unknown_value_in_a_dictionary(self):
        kinds = pa.DictionaryArray.from_arrays(pa.array([0, 1]), pa.array(["started", "begun"]))
        table = pa.table(
            {
                "key": ["NB-1"] * 2,
                "seq": [0, 1],
                "kind": kinds,
                "on": [dt.date(2020, 1, 5)] * 2,
                "note": [""] * 2,
            }
        )
        with pytest.raises(ValidationError, match=r"stage_events.kind: row .* got 'begun'"):
            LedgerTables.of(stage_events=table)

    def test_missing_column(self):
        with pytest.raises(ValidationError, match=r"monthly.done: expected a column of that name"):
            LedgerTables.of(
                monthly=pa.table({"key": ["A"], "month": [dt.date(2020, 1, 1)], "plan": [None]})
            )

    def test_empty_required_cell(self):
        table = pa.table(
            {"key": [None], "month": [dt.date(2020, 1, 1)], "plan": [None], "done": [None]},
            schema=pa.schema(
                [
                    ("key", pa.string()),
                    ("month", pa.date32()),
                    ("plan", pa.decimal128(38, 12)),
                    ("done", pa.decimal128(38, 12)),
                ]
            ),
        )
        with pytest.raises(
            ValidationError, match=r"monthly.key: row month='2020-01-01': expected a value in every"
        ):
            LedgerTables.of(monthly=table)

    def test_wrong_type(self):
        table = pa.table({"key": ["A"], "month": ["2020-01"], "plan": [None], "done": [None]})
        with pytest.raises(
            ValidationError, match=r"monthly.month: row key='A': expected an ISO date YYYY-MM-DD"
        ):
            LedgerTables.of(monthly=table)

    def test_text_is_read_by_the_model_rules(self):
        """Text amounts, dates and enum labels in a table are read as the JSON reader reads them."""
        table = pa.table(
            {"key": ["A"], "month": ["2020-01-01"], "plan": ["1,052.5"], "done": [None]}
        )
        monthly = LedgerTables.of(monthly=table).monthly
        assert [dt.date(2020, 1, 1), Decimal("1052.5")] == [
            monthly.column("month")[0].as_py(),
            monthly.column("plan")[0].as_py(),
        ]
        table = pa.table(
            {
                "key": ["NB-1"],
                "seq": [0],
                "kind": ["开工"],
                "on": [dt.date(2020, 1, 5)],
                "note": [""],
            }
        )
        assert ["started"] == LedgerTables.of(stage_events=table).stage_events["kind"].to_pylist()

    def test_unknown_table_and_not_a_table(self):
        with pytest.raises(ValidationError, match="table: expected one of"):
            LedgerTables.of(people=pa.table({}))
        with pytest.raises(ValidationError, match="monthly: expected a pyarrow Table"):
            LedgerTables.of(monthly=[1, 2])

    def test_orphan_rows(self):
        tables = from_portfolio(Portfolio(projects=(project(),)))
        monthly = tables.monthly.set_column(0, "key", pa.array(["NB-2"] * tables.monthly.num_rows))
        bad = LedgerTables.of(**{**dict(tables), "monthly": monthly})
        with pytest.raises(ValidationError, match=r"monthly\.key: expected a key of the projects"):
            to_portfolio(bad)

    def test_the_model_checks_every_value(self):
        tables = from_portfolio(Portfolio(projects=(project(),)))
        monthly = tables.monthly.set_column(
            2, "plan", pa.array([Decimal(-1)] * tables.monthly.num_rows, pa.decimal128(38, 12))
        )
        with pytest.raises(ValidationError, match="amount >= 0"):
            to_portfolio(LedgerTables.of(**{**dict(tables), "monthly": monthly}))


class TestParquetErrors:
    """A folder that is not a Parquet ledger, or a damaged file, is refused naming it."""

    def test_not_a_ledger(self, tmp_path):
        assert not is_parquet_ledger(tmp_path)
        with pytest.raises(LedgerError, match=r"path: expected a folder with projects.parquet"):
            read_parquet(tmp_path)

    def test_damaged_file(self, tmp_path):
        (tmp_path / "projects.parquet").write_bytes(b"not parquet")
        with pytest.raises(LedgerError, match=r"projects.parquet: not a readable Parquet table"):
            read_parquet(tmp_path)

    def test_wrong_argument_types(self, tmp_path):
        with pytest.raises(ValidationError, match="portfolio: expected a Portfolio"):
            from_portfolio([])
        with pytest.raises(ValidationError, match="tables: expected a LedgerTables"):
            to_portfolio({})
        with pytest.raises(ValidationError, match="tables: expected a LedgerTables"):
            write_parquet({}, tmp_path)

    def test_files_are_parquet_with_the_schema(self, tmp_path):
        write_parquet(from_portfolio(sample_portfolio()), tmp_path)
        assert {f"{n}.parquet" for n in TABLES} == {p.name for p in tmp_path.iterdir()}
        assert schema("projects") == pq.read_schema(tmp_path / "projects.parquet")
