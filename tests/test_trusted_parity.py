"""The trusted and checked JSON loads refuse the same ledgers, with the same error.

A differential test: a valid ledger written by projpush is damaged, in its
meaning (``tests/strategies_parity.py``) or blindly (``tests/strategies_fuzz.py``),
and loaded both ways. Either both give equal portfolios, or both raise a
:class:`~projpush.errors.LedgerError` with the same message and path.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projpush.errors import ProjpushError
from projpush.io import dump_portfolio, load_portfolio
from projpush.model import EventKind, IssueState, SheetColor
from projpush.synth import sample_portfolio
from strategies import portfolios
from strategies_fuzz import JsonCase, damaged_json, dumps, json_cases, outcome
from strategies_parity import OPS, MeaningEdit, apply_meaning_edit, meaning_edits

pa = pytest.importorskip("pyarrow")
pytest.importorskip("polars")

from projpush.engine import LedgerTables, from_portfolio, status_table, to_portfolio  # noqa: E402

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


# --------------------------------------------------------------------------- Parquet, --trusted


@attrs.frozen
class HistoryEdit:
    """One change to the ``issue_events`` table: ``op`` at row ``row``; ``pick`` chooses a value."""

    op: str
    row: int
    pick: int


HISTORY_OPS = ("kind", "from_state", "to_state", "at", "sheet", "swap", "delete", "duplicate")
history_edits = st.builds(
    HistoryEdit,
    op=st.sampled_from(HISTORY_OPS),
    row=st.integers(min_value=0, max_value=10**4),
    pick=st.integers(min_value=0, max_value=10**4),
)


def edited_events(events: pa.Table, edit: HistoryEdit) -> pa.Table:
    """``events`` with one cell of a history column changed, or a row deleted, repeated or moved."""
    if not events.num_rows:
        return events
    r = edit.row % events.num_rows
    if edit.op == "delete":
        return pa.concat_tables([events.slice(0, r), events.slice(r + 1)])
    if edit.op == "duplicate":
        return pa.concat_tables([events, events.slice(r, 1)])
    column = "seq" if edit.op == "swap" else edit.op
    values = events.column(column).to_pylist()
    if edit.op == "swap":  # two events of one table trade places in their issues' order
        other = edit.pick % events.num_rows
        values[r], values[other] = values[other], values[r]
    elif edit.op == "at":
        values[r] = values[r] + dt.timedelta(days=edit.pick % 41 - 20)
    else:
        members = {"kind": EventKind, "sheet": SheetColor}.get(column, IssueState)
        choices = [None, *(m.value for m in members)]
        values[r] = choices[edit.pick % len(choices)]
    kind = events.schema.field(column).type
    array = pa.array(values, pa.string() if pa.types.is_dictionary(kind) else kind)
    return events.set_column(events.column_names.index(column), column, array)


def assert_tables_parity(tables: LedgerTables, edits: list[HistoryEdit]) -> None:
    """The engine (``report --trusted``) refuses a damaged history as to_portfolio does."""
    events = tables.issue_events
    for edit in edits:
        events = edited_events(events, edit)
    read, error = outcome(lambda: LedgerTables.of(**{**dict(tables), "issue_events": events}))
    if read is None:  # refused while read (a payload that does not fit), on both paths alike
        assert isinstance(error, ProjpushError)
        return
    checked, c_error = outcome(lambda: to_portfolio(read))
    trusted, t_error = outcome(lambda: status_table(read))
    assert type(c_error) is type(t_error), (c_error, t_error)
    if c_error is not None:
        # The same refusal: to_portfolio may name the row it is about (``issue_events.at:
        # row issue='Q-1', seq=3: ...``), where the engine gives the model's own message.
        assert (c_error.expected, c_error.got) == (t_error.expected, t_error.got)  # type: ignore[union-attr]
    else:
        assert [i.id for i in checked.issues] == trusted["id"].to_list()
        assert [i.state.value for i in checked.issues] == trusted["state"].to_list()


class TestTablesHistoryParity:
    """Issue histories damaged in a ledger's tables: the engine refuses what the model refuses."""

    @parity_settings
    @given(st.lists(history_edits, min_size=1, max_size=3))
    def test_sample_ledger(self, edits: list[HistoryEdit]) -> None:
        """The sample's 296 events: states, kinds, dates and sheets changed, rows moved."""
        assert_tables_parity(sample_tables(), edits)

    @parity_settings
    @given(portfolios(max_projects=3), st.lists(history_edits, min_size=1, max_size=3))
    def test_drawn_ledgers(self, p: Portfolio, edits: list[HistoryEdit]) -> None:
        """Drawn ledgers' histories, damaged the same way."""
        assert_tables_parity(from_portfolio(p), edits)

    @pytest.mark.parametrize(
        ("op", "row", "pick", "words"),
        [
            ("delete", 0, 0, "an issue starts when collected"),
            ("at", 3, 0, "time never goes backwards within an issue"),
            ("to_state", 1, 1, "states: expected collected -> assigned for assigned"),
            ("kind", 3, 12, "cannot close an issue that is assigned"),
        ],
    )
    def test_each_rule(self, op: str, row: int, pick: int, words: str) -> None:
        """Each rule of a history, broken in the sample, is refused by the engine in its words."""
        events = edited_events(sample_tables().issue_events, HistoryEdit(op, row, pick))
        tables = LedgerTables.of(**{**dict(sample_tables()), "issue_events": events})
        with pytest.raises(ProjpushError, match=re.escape(words)):
            status_table(tables)
        assert_tables_parity(sample_tables(), [HistoryEdit(op, row, pick)])


_TABLES: list[LedgerTables] = []


def sample_tables() -> LedgerTables:
    """The sample ledger's tables (made once)."""
    if not _TABLES:
        _TABLES.append(from_portfolio(sample_portfolio()))
    return _TABLES[0]
