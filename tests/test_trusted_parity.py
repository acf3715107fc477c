"""The trusted and checked JSON loads refuse the same ledgers, with the same error.

A differential test: a valid ledger written by projpush is damaged, in its
meaning (``tests/strategies_parity.py``) or blindly (``tests/strategies_fuzz.py``),
and loaded both ways. Either both give equal portfolios, or both raise a
:class:`~projpush.errors.LedgerError` with the same message and path.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projpush.io import dump_portfolio, load_portfolio
from projpush.synth import sample_portfolio
from strategies import portfolios
from strategies_fuzz import JsonCase, damaged_json, dumps, json_cases, outcome
from strategies_parity import OPS, MeaningEdit, apply_meaning_edit, meaning_edits

if TYPE_CHECKING:
    from projpush.model import Portfolio

_SAMPLE: dict[str, Any] = {}


def sample_document() -> dict[str, Any]:
    """The bundled sample ledger as projpush writes it, parsed (made once)."""
    if not _SAMPLE:
        with tempfile.TemporaryDirectory() as name:
            path = Path(name) / "s.json"
            dump_portfolio(sample_portfolio(), path)
            _SAMPLE.update(json.loads(path.read_text("utf-8")))
    return _SAMPLE


def document_of(p: Portfolio) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "p.json"
        dump_portfolio(p, path)
        document: dict[str, Any] = json.loads(path.read_text("utf-8"))
        return document


def assert_parity(data: bytes) -> tuple[Portfolio | None, Exception | None]:
    """Load ``data`` both ways: equal values, or the same error class, message and path."""
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "ledger.json"
        path.write_bytes(data)
        checked, c_error = outcome(lambda: load_portfolio(path))
        trusted, t_error = outcome(lambda: load_portfolio(path, trusted=True))
    assert type(c_error) is type(t_error), (c_error, t_error)
    if c_error is None:
        assert checked == trusted
        assert [i.status for i in checked.issues] == [i.status for i in trusted.issues]
    else:
        assert str(c_error) == str(t_error)
        assert c_error.field == t_error.field  # type: ignore[union-attr]
    return checked, c_error


# Each example loads a ledger twice; the sample's 50 projects take about 0.4 s a pair.
parity_settings = settings(
    max_examples=60, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)


class TestMeaningEdits:
    """Ledgers broken in their meaning: both loads agree."""

    @parity_settings
    @given(st.lists(meaning_edits, min_size=1, max_size=3))
    def test_sample_ledger(self, edits: list[MeaningEdit]) -> None:
        """The sample ledger (50 projects, their issues, people), damaged by domain edits."""
        document = sample_document()
        for edit in edits:
            document = apply_meaning_edit(document, edit)
        assert_parity(dumps(document, ascii_only=False).encode())

    @parity_settings
    @given(portfolios(max_projects=3), st.lists(meaning_edits, min_size=1, max_size=3))
    def test_drawn_ledgers(self, p: Portfolio, edits: list[MeaningEdit]) -> None:
        """Drawn portfolios, damaged by domain edits."""
        document = document_of(p)
        for edit in edits:
            document = apply_meaning_edit(document, edit)
        assert_parity(dumps(document).encode())

    @pytest.mark.parametrize("op", OPS)
    def test_each_edit_is_refused_by_both(self, op: str) -> None:
        """Each kind of edit, on the sample, is refused by both loads (at some pick)."""
        refused = []
        for target in range(12):
            document = apply_meaning_edit(sample_document(), MeaningEdit(op, target, target))
            _, error = assert_parity(dumps(document, ascii_only=False).encode())
            refused.append(error is not None)
        assert any(refused), op


class TestBlindEdits:
    """Ledgers damaged blindly (keys, values, bytes): both loads agree."""

    @parity_settings
    @given(portfolios(max_projects=3), json_cases)
    def test_damaged(self, p: Portfolio, case: JsonCase) -> None:
        """The fuzz cases of the loader fuzzers, now with parity."""
        assert_parity(damaged_json(document_of(p), case))

    @parity_settings
    @given(json_cases)
    def test_damaged_sample(self, case: JsonCase) -> None:
        """The same blind damage on the sample ledger."""
        assert_parity(damaged_json(sample_document(), case))
