"""One ledger through every format: JSON, CSV, workbook, Parquet, SQLite and PostgreSQL.

Each format reads back the ledger it wrote, equal, and ``projpush convert``
between every ordered pair of formats (a database URL included) gives the
ledger back, equal. The ledgers, fixed and generated, hold the text
spreadsheets mangle: leading zeros, long digit strings, values that start
with ``=``, dates before 1900 and newlines in cells
(:mod:`strategies_formats`).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

pytest.importorskip("adbc_driver_sqlite")
pytest.importorskip("openpyxl")

import postgres
from projpush.cli import main
from projpush.csvledger import dump_csv_ledger
from projpush.engine.tables import LedgerTables, from_portfolio, write_parquet
from projpush.errors import LedgerError, ProjpushError
from projpush.io import dump_portfolio
from projpush.io.sql import write_sql
from projpush.io.xlsx import dump_xlsx_ledger
from projpush.ledger import load_ledger
from projpush.synth import sample_portfolio
from strategies_formats import spreadsheet_ledgers

if TYPE_CHECKING:
    from collections.abc import Callable

    from projpush.model import Portfolio


@pytest.fixture(scope="module")
def pg(postgres_server):
    """A database of this module's own on the test server (None without one), dropped after.

    Its own, so that processes running tests side by side never write the same tables.
    """
    if postgres_server is None:
        yield None
        return
    with postgres.database(postgres_server) as url:
        yield url


def _parquet(p: Portfolio, target: Path) -> None:
    write_parquet(from_portfolio(p), target)


FORMATS: dict[str, tuple[str, Callable[[Portfolio, Path], None]]] = {
    "json": ("city.json", dump_portfolio),
    "csv": ("city-csv", dump_csv_ledger),
    "xlsx": ("city.xlsx", dump_xlsx_ledger),
    "parquet": ("city.parquet", _parquet),
    "sqlite": ("city.sqlite", write_sql),
}


def _round_trip(name: str, portfolio: Portfolio, folder: Path, pg: str | None) -> Portfolio:
    """``portfolio`` written in the format ``name`` and read back."""
    if name == "postgresql":
        assert pg
        write_sql(portfolio, pg, replace=True)
        return load_ledger(pg)
    file, write = FORMATS[name]
    write(portfolio, folder / file)
    return load_ledger(folder / file)


def _server(name: str, pg: str | None) -> None:
    if name == "postgresql" and not pg:
        pytest.skip(postgres.NO_POSTGRES)


def hostile() -> Portfolio:
    """The sample city with the text spreadsheets mangle, in fields that keep text as typed."""
    ledger = sample_portfolio()
    first = ledger.projects[0]
    milestone = attrs.evolve(
        first.milestones[0],
        name="征迁清零\n第二行",
        start=dt.date(1899, 12, 30),
        planned=dt.date(1899, 12, 31),
    )
    first = attrs.evolve(
        first,
        name="=SUM(A1:A9)",
        owner="007",
        local_id="123456789012345678901",
        milestones=(milestone, *first.milestones[1:]),
    )
    return attrs.evolve(ledger, projects=(first, *ledger.projects[1:]))


EVERY_FORMAT = [*FORMATS, "postgresql"]


class TestEveryFormat:
    """A ledger written in any format reads back equal, so any two formats agree."""

    @pytest.mark.parametrize("name", EVERY_FORMAT)
    def test_the_text_spreadsheets_mangle(self, tmp_path, pg, name):
        _server(name, pg)
        ledger = hostile()
        back = _round_trip(name, ledger, tmp_path, pg)
        assert ledger == back
        project = back.projects[0]
        assert ("=SUM(A1:A9)", "007", "123456789012345678901") == (
            project.name,
            project.owner,
            project.local_id,
        )
        assert dt.date(1899, 12, 31) == project.milestones[0].planned

    @pytest.mark.parametrize("name", EVERY_FORMAT)
    def test_generated_ledgers(self, pg, name):
        _server(name, pg)

        @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(spreadsheet_ledgers())
        def round_trip(portfolio):
            with tempfile.TemporaryDirectory() as folder:
                assert portfolio == _round_trip(name, portfolio, Path(folder), pg)

        round_trip()


# Where each format's ledger is written, and the options convert is given to write it.
_PLACES = {
    "json": ("ledger.json", []),
    "csv": ("ledger-csv", ["--to", "csv"]),
    "xlsx": ("ledger.xlsx", []),
    "parquet": ("ledger-parquet", []),
    "sqlite": ("ledger.sqlite", []),
    "postgresql": (None, []),
}
_PAIRS = [
    (source, target)
    for source in _PLACES
    for target in _PLACES
    if not (source == target == "postgresql")  # one database: convert onto itself is refused
]


def _place(name: str, folder: Path, pg: str | None, end: str) -> str:
    file, _ = _PLACES[name]
    if file is None:
        assert pg
        return pg
    return str(folder / f"{end}-{file}")


def _write(name: str, ledger: Portfolio, where: str) -> None:
    if name == "postgresql":
        write_sql(ledger, where, replace=True)
    else:
        FORMATS[name][1](ledger, Path(where))


class TestConvertEveryPair:
    """projpush convert from each format to each, generated ledgers coming back equal."""

    @pytest.mark.parametrize(("source", "target"), _PAIRS, ids=[f"{a}-{b}" for a, b in _PAIRS])
    def test_convert(self, pg, source, target):
        _server(source, pg)
        _server(target, pg)

        @settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.too_slow])
        @given(spreadsheet_ledgers(max_projects=2))
        def convert(ledger):
            with tempfile.TemporaryDirectory() as scratch:
                folder = Path(scratch)
                src = _place(source, folder, pg, "from")
                dst = _place(target, folder, pg, "to")
                _write(source, ledger, src)
                assert 0 == main(["convert", src, dst, *_PLACES[target][1]])
                assert ledger == load_ledger(dst if target == "postgresql" else Path(dst))

        convert()


def _corrupt(name: str, column: str, row: int, value: object) -> LedgerTables:
    """The sample's tables with one cell replaced (the model refuses the result)."""
    import pyarrow as pa  # noqa: PLC0415

    tables = from_portfolio(sample_portfolio())
    table = getattr(tables, name)
    values = table.column(column).to_pylist()
    values[row] = value
    index = table.column_names.index(column)
    kind = table.schema.field(column).type
    if pa.types.is_dictionary(kind):
        kind = pa.string()
    changed = table.set_column(index, column, pa.array(values, kind))
    return LedgerTables.of(**{**dict(tables), name: changed})


CORRUPTIONS = {
    "negative amount": ("annual_plans", "plan", 0, Decimal(-5)),
    "stage step out of order": ("stage_events", "kind", 0, "completed"),
}
# What a database's own keys refuse as it is written, naming the table; Parquet, which has
# no keys, refuses it when the ledger is read.
REFUSED_BY_KEYS = {
    "issue of no project": (
        "issues",
        "project",
        0,
        "2099-000000-00-00-000000",
        "FOREIGN KEY|foreign key",
    ),
    "two projects, one key": ("projects", "key", 1, None, "UNIQUE|duplicate key"),
}


def _targets(tmp_path: Path, pg: str | None) -> list[object]:
    return [tmp_path / "bad.sqlite", *([pg] if pg else [])]


class TestSameErrorEverywhere:
    """A ledger the model refuses is refused in the same words from Parquet, SQLite, PostgreSQL."""

    @pytest.mark.parametrize("case", sorted(CORRUPTIONS))
    def test_the_same_message(self, case, tmp_path, pg):
        tables = _corrupt(*CORRUPTIONS[case])
        write_parquet(tables, tmp_path / "bad.parquet")
        with pytest.raises(ProjpushError) as expected:
            load_ledger(tmp_path / "bad.parquet")
        for target in _targets(tmp_path, pg):
            write_sql(tables, target, replace=True)
            with pytest.raises(ProjpushError) as got:
                load_ledger(target)
            assert (type(expected.value), str(expected.value)) == (
                type(got.value),
                str(got.value),
            ), target

    @pytest.mark.parametrize("case", sorted(REFUSED_BY_KEYS))
    def test_the_keys_refuse_it_on_writing(self, case, tmp_path, pg):
        name, column, row, value, words = REFUSED_BY_KEYS[case]
        if value is None:  # the key of the project before
            value = from_portfolio(sample_portfolio()).projects.column("key")[0].as_py()
        tables = _corrupt(name, column, row, value)
        write_parquet(tables, tmp_path / "bad.parquet")
        with pytest.raises(ProjpushError):
            load_ledger(tmp_path / "bad.parquet")
        for target in _targets(tmp_path, pg):
            with pytest.raises(
                LedgerError, match=rf"^{name}: the database refused the rows: .*({words})"
            ):
                write_sql(tables, target, replace=True)
