"""One ledger through every format: JSON, CSV, workbook, Parquet, SQLite and PostgreSQL.

Each format reads back the ledger it wrote, equal, so every pair of formats
agrees. The ledger holds the text spreadsheets mangle: leading zeros, a
long digit string, a value that starts with ``=``, a date before 1900 and a
newline in a cell.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import attrs
import pytest
from hypothesis import HealthCheck, given, settings

pytest.importorskip("adbc_driver_sqlite")
pytest.importorskip("openpyxl")

from projpush import testing
from projpush.csvledger import dump_csv_ledger
from projpush.engine.tables import from_portfolio, write_parquet
from projpush.io import dump_portfolio
from projpush.io.sql import write_sql
from projpush.io.xlsx import dump_xlsx_ledger
from projpush.ledger import load_ledger
from projpush.synth import sample_portfolio

if TYPE_CHECKING:
    from collections.abc import Callable

    from projpush.model import Portfolio

PG_URL = os.environ.get("PROJPUSH_TEST_POSTGRES_URL")


def _parquet(p: Portfolio, target: Path) -> None:
    write_parquet(from_portfolio(p), target)


FORMATS: dict[str, tuple[str, Callable[[Portfolio, Path], None]]] = {
    "json": ("city.json", dump_portfolio),
    "csv": ("city-csv", dump_csv_ledger),
    "xlsx": ("city.xlsx", dump_xlsx_ledger),
    "parquet": ("city.parquet", _parquet),
    "sqlite": ("city.sqlite", write_sql),
}


def _round_trips(portfolio: Portfolio, folder: Path) -> dict[str, Portfolio]:
    back = {}
    for name, (file, write) in FORMATS.items():
        write(portfolio, folder / file)
        back[name] = load_ledger(folder / file)
    if PG_URL:
        write_sql(portfolio, PG_URL, replace=True)
        back["postgresql"] = load_ledger(PG_URL)
    return back


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


class TestEveryFormat:
    """A ledger written in any format reads back equal, so any two formats agree."""

    def test_the_text_spreadsheets_mangle(self, tmp_path):
        ledger = hostile()
        for name, back in _round_trips(ledger, tmp_path).items():
            assert ledger == back, name
            project = back.projects[0]
            assert ("=SUM(A1:A9)", "007", "123456789012345678901") == (
                project.name,
                project.owner,
                project.local_id,
            ), name
            assert dt.date(1899, 12, 31) == project.milestones[0].planned, name

    @settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(testing.portfolios(max_projects=3))
    def test_generated_ledgers(self, portfolio):
        with tempfile.TemporaryDirectory() as folder:
            for name, back in _round_trips(portfolio, Path(folder)).items():
                assert portfolio == back, name
