"""Shared test set-up: Hypothesis settings profiles, a PostgreSQL server, the sample ledger.

``PROJPUSH_HYPOTHESIS_PROFILE`` picks one: ``default`` (fast, for working),
``ci`` (more examples, derandomised so a CI run is reproducible) or
``thorough`` (many examples, for a deliberate hunt).

``postgres_server`` is the URL of a PostgreSQL server for the session, the
environment's or one started from the binaries (:mod:`postgres`), or None
where neither exists; ``pg_server`` is the same URL, skipping the test, with
the reason, where there is none. ``ledger_file`` is the sample city written
as a JSON ledger, for the command line's tests (:mod:`cli_run` runs it).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, settings

import postgres
from projpush import io
from projpush.synth import sample_portfolio

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

settings.register_profile("default", max_examples=50, deadline=None)
settings.register_profile(
    "ci",
    max_examples=200,
    deadline=None,
    derandomize=True,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=1000,
    deadline=None,
    print_blob=True,  # a failure found in CI can be replayed with @reproduce_failure
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("PROJPUSH_HYPOTHESIS_PROFILE", "default"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str | None]:
    """A PostgreSQL server's URL for the session, or None where there is none."""
    with postgres.server() as url:
        yield url


@pytest.fixture(scope="session")
def pg_server(postgres_server: str | None) -> str:
    """A PostgreSQL server's URL; the test skips, saying why, where there is none."""
    if postgres_server is None:
        pytest.skip(postgres.NO_POSTGRES)
    return postgres_server


@pytest.fixture(scope="session")
def ledger_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sample city as a JSON ledger, written once per session."""
    path = tmp_path_factory.mktemp("ledger") / "city.json"
    io.dump_portfolio(sample_portfolio(), path)
    return path
