"""Fuzzing the ledger loaders: damaged JSON and CSV ledgers fail only with a ProjpushError.

Each case starts from a valid portfolio, written by the library itself, and
damages it (see ``tests/strategies_fuzz.py``). Whatever comes back, the loaders
either return a portfolio or raise a :class:`~projpush.errors.LedgerError`;
:func:`~projpush.ledger.check_ledger` never raises on bad content, agrees with
the loader on whether the ledger is sound, and whatever loads is a ledger the
library writes back and reads again unchanged.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projpush.csvledger import (
    CSV_FILES,
    check_csv_ledger,
    dump_csv_ledger,
    load_csv_ledger,
    read_csv_ledger,
)
from projpush.errors import LedgerError
from projpush.io import (
    LEDGER_FORMAT,
    LEDGER_VERSION,
    dump_portfolio,
    from_dict,
    from_json,
    load_portfolio,
    parse_ledger_document,
)
from projpush.ledger import check_ledger, load_ledger
from projpush.model import Portfolio, Project
from strategies import portfolios
from strategies_fuzz import (
    MODEL_CLASSES,
    CsvCase,
    JsonCase,
    csv_cases,
    damaged_csv,
    damaged_json,
    dumps,
    json_cases,
    json_values,
    outcome,
    read_folder_records,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

AS_OF = dt.date(2020, 6, 30)

# Fuzzing spends its time on the damage, not on drawing large portfolios.
small_portfolios = portfolios(max_projects=3)
fuzz_settings = settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@contextmanager
def folder() -> Iterator[Path]:
    """A fresh temporary folder per example (Hypothesis reruns a test body many times)."""
    with tempfile.TemporaryDirectory() as name:
        yield Path(name)


def json_bytes(p: Portfolio, where: Path) -> bytes:
    path = where / "ledger.json"
    dump_portfolio(p, path)
    return path.read_bytes()


def csv_bytes(p: Portfolio, where: Path) -> dict[str, bytes]:
    target = where / "csv"
    dump_csv_ledger(p, target)
    return {path.name: path.read_bytes() for path in sorted(target.iterdir())}


def assert_rewrites_unchanged(p: Portfolio, where: Path) -> None:
    """``p`` survives a JSON and a CSV round trip, and a second dump writes the same bytes."""
    first = json_bytes(p, where)
    again = load_portfolio(where / "ledger.json")
    assert p == again
    assert first == json_bytes(again, where)
    files = csv_bytes(p, where)
    again = load_csv_ledger(where / "csv")
    assert p == again
    assert files == csv_bytes(again, where)


def assert_showable(error: Exception | None) -> None:
    """A refusal names where it is, and its message can be printed to any UTF-8 terminal."""
    if error is not None:
        assert isinstance(error, LedgerError)
        assert error.field
        assert f"{error.field}: {error}".encode()  # no lone surrogate in a message


def assert_check_agrees(path: Path, loaded: Portfolio | None) -> None:
    """check_ledger never raises on content, and is sound exactly when the ledger loads."""
    check = check_ledger(path, AS_OF)
    assert (loaded is not None) == check.valid, check.problems
    if loaded is None:
        assert check.problems
        assert all(p.location and p.message for p in check.problems)
    else:
        assert loaded == check.portfolio


class TestJsonFuzz:
    """Damaged JSON ledgers load, or fail with a LedgerError; nothing else escapes."""

    @fuzz_settings
    @given(small_portfolios, json_cases)
    def test_damaged_ledger(self, p: Portfolio, case: JsonCase) -> None:
        """A valid ledger with keys, values, records or bytes damaged loads or fails cleanly."""
        with folder() as where:
            document = json.loads(json_bytes(p, where))
            path = where / "damaged.json"
            path.write_bytes(damaged_json(document, case))
            loaded, error = outcome(lambda: load_ledger(path))
            assert_showable(error)
            assert_check_agrees(path, loaded)
            # The trusted bulk path refuses what the validating path refuses, and only
            # that (tests/test_trusted_parity.py draws edits aimed at its checks).
            fast, fast_error = outcome(lambda: load_ledger(path, trusted=True))
            assert_showable(fast_error)
            assert loaded == fast
            assert (error is None) == (fast_error is None)
            if loaded is not None:
                assert_rewrites_unchanged(loaded, where)

    @given(json_values)
    def test_random_document(self, value: Any) -> None:
        """Any JSON value, bare or under a valid header, is parsed or refused with a LedgerError."""
        for text in (
            dumps(value),
            dumps({"format": LEDGER_FORMAT, "version": LEDGER_VERSION, "projects": value}),
            dumps(
                {"format": LEDGER_FORMAT, "version": LEDGER_VERSION, **value}
                if isinstance(value, dict)
                else value
            ),
        ):
            body, error = outcome(functools.partial(parse_ledger_document, text))
            assert_showable(error)
            if body is not None:
                _, error = outcome(functools.partial(from_dict, Portfolio, body))
                assert_showable(error)

    @given(st.sampled_from(MODEL_CLASSES), json_values)
    def test_random_value_for_each_class(self, cls: type, value: Any) -> None:
        """Any JSON value decoded as any model class builds it or is a LedgerError."""
        _, error = outcome(lambda: from_json(cls, dumps(value)))
        assert_showable(error)

    @given(st.binary(max_size=64))
    def test_random_bytes(self, data: bytes) -> None:
        """Any bytes are parsed or refused with a LedgerError."""
        _, error = outcome(lambda: parse_ledger_document(data))
        assert_showable(error)


class TestCsvFuzz:
    """Damaged CSV ledger folders load, or fail with a LedgerError; check lists problems."""

    @fuzz_settings
    @given(small_portfolios, csv_cases)
    def test_damaged_folder(self, p: Portfolio, case: CsvCase) -> None:
        """Cells, headers, rows, files, line ends and encodings damaged: a clean answer."""
        with folder() as where:
            records = read_folder_records(csv_bytes(p, where))
            target = where / "damaged"
            target.mkdir()
            for name, data in damaged_csv(records, case).items():
                (target / name).write_bytes(data)
            problems, portfolio = read_csv_ledger(target)
            assert (portfolio is None) == bool(problems)
            for problem in problems:
                assert_showable(problem)
            assert [(str(e.field), e.detail) for e in problems] == check_csv_ledger(target)
            loaded, error = outcome(lambda: load_csv_ledger(target))
            assert (error is None) == (portfolio is not None)
            assert_showable(error)
            assert portfolio == loaded
            assert_check_agrees(target, loaded)
            if loaded is not None:
                assert_rewrites_unchanged(loaded, where)


class TestRoundTrip:
    """A valid ledger is written and read back unchanged, in either format."""

    # One test for both formats: drawing the portfolio is most of the cost, so the
    # thorough profile draws each one once.
    @given(portfolios())
    def test_json_and_csv(self, p: Portfolio) -> None:
        """load(dump(p)) == p, and dump(load(dump(p))) is byte for byte dump(p), in both formats.

        And JSON -> portfolio -> CSV -> portfolio -> JSON writes the JSON ledger it started from.
        """
        with folder() as where:
            first = json_bytes(p, where)
            from_json_file = load_portfolio(where / "ledger.json")
            assert p == from_json_file
            assert first == json_bytes(from_json_file, where)
            files = csv_bytes(from_json_file, where)
            assert sorted(CSV_FILES) == sorted(files)
            from_csv = load_csv_ledger(where / "csv")
            assert p == from_csv
            assert files == csv_bytes(from_csv, where)
            assert first == json_bytes(from_csv, where)


class TestModelLeaks:
    """What the fuzzer found outside the loaders, in the model's converters (lead's files)."""

    @pytest.mark.parametrize("amount", ["1E+999999999", "1e-999999999", "1E+30"])
    def test_amount_with_an_absurd_exponent_is_refused(self, amount: str) -> None:
        """An amount no ledger holds is a LedgerError at its path, not a value that breaks later.

        It used to load; dump_csv_ledger then wrote its billion-digit ``f`` form
        (``format(value, "f")``) and build_report raised a bare decimal.Overflow.
        """
        text = (
            '{"local_id": "NB-7", "name": "港口扩建", "level": "county", "category": "industry", '
            '"stage": "planned", "region": "北仑区", "unit": "市港航局", '
            f'"total_investment": "{amount}"}}'
        )
        with pytest.raises(LedgerError, match=r"^\$\.total_investment: total_investment: "):
            from_json(Project, text)
