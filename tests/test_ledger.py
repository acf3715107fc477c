"""Tests for projpush.ledger: check_ledger agrees with load_ledger on what is sound."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import pytest

from projpush.errors import LedgerError
from projpush.ledger import Problem, check_ledger, load_ledger

if TYPE_CHECKING:
    from pathlib import Path

AS_OF = dt.date(2020, 6, 30)


class TestCheckAgreesWithLoad:
    """A JSON ledger the loader refuses is never reported sound by check_ledger."""

    def test_unknown_top_level_key(self, tmp_path: Path) -> None:
        """An unknown list name is a problem at its path (found by the loader fuzzer)."""
        path = tmp_path / "ledger.json"
        document = {"format": "projpush-ledger", "version": 1, "problems": [], "projects": []}
        path.write_text(json.dumps(document), encoding="utf-8")
        with pytest.raises(LedgerError, match=r"unknown key\(s\) 'problems' for Portfolio"):
            load_ledger(path)
        check = check_ledger(path, AS_OF)
        assert (False, None) == (check.valid, check.portfolio)
        assert (
            Problem(
                "$.problems",
                "unknown key 'problems'; known keys: projects, leaders, secretaries, issues, "
                "units, task_forces",
            ),
        ) == check.problems
