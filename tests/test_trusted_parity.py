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
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projpush.cli import main
from projpush.errors import (
    DuplicateKeyError,
    InvalidTransition,
    ProjpushError,
    UnknownReferenceError,
    ValidationError,
)
from projpush.io import dump_portfolio, load_portfolio
from projpush.model import EventKind, IssueState, SheetColor, Stage, StageEventKind
from projpush.synth import SAMPLE_AS_OF, sample_portfolio
from strategies import portfolios
from strategies_fuzz import JsonCase, damaged_json, dumps, json_cases, outcome
from strategies_parity import OPS, MeaningEdit, apply_meaning_edit, meaning_edits

pa = pytest.importorskip("pyarrow")
pytest.importorskip("polars")

from projpush.engine import (  # noqa: E402
    LedgerTables,
    build_report_tables,
    checks,
    from_portfolio,
    status_table,
    to_portfolio,
    write_parquet,
)

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

    @pytest.mark.parametrize(
        ("records", "field"), [("task_forces", "members"), ("leaders", "projects")]
    )
    def test_an_object_for_a_list_of_texts(self, records: str, field: str) -> None:
        """A JSON object where a list of names or keys belongs (its keys would pass for the
        list): both loads say it is not a list. The fuzzer found the trusted load took it."""
        document = json.loads(json.dumps(sample_document()))
        document[records][0][field] = {"active": 1}
        _, error = assert_parity(dumps(document, ascii_only=False).encode())
        assert error is not None
        assert "expected a JSON list, got a JSON object" in str(error)

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
    if c_error is not None:  # the same refusal, in the same words, at the same row
        assert str(c_error) == str(t_error)
        assert (c_error.field, c_error.expected, c_error.got) == (  # type: ignore[union-attr]
            t_error.field,  # type: ignore[union-attr]
            t_error.expected,  # type: ignore[union-attr]
            t_error.got,  # type: ignore[union-attr]
        )
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
            ("to_state", 1, 1, "expected collected -> assigned for assigned"),
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


# --------------------------------------------------------------------------- Parquet, across rows


@attrs.frozen
class TableEdit:
    """One change to a ledger's tables: ``op`` on ``table`` at row ``row``; ``pick`` chooses."""

    op: str
    table: int
    row: int
    pick: int


# The columns that name another record (an owner, a project, an issue): where a reference dangles.
REFERENCES = (
    ("projects", "key"),
    ("annual_plans", "key"),
    ("monthly", "key"),
    ("milestones", "key"),
    ("stage_events", "key"),
    ("leader_projects", "leader"),
    ("leader_projects", "project"),
    ("secretary_projects", "secretary"),
    ("secretary_projects", "project"),
    ("secretary_cadences", "project"),
    ("contacts", "project"),
    ("issues", "project"),
    ("issue_events", "issue"),
    ("task_force_projects", "project"),
    ("task_force_members", "task_force"),
)
# Text, codes and names the model reads by its rules: blanked, padded, folded or copied.
TEXTS = (
    ("projects", "name"),
    ("projects", "local_id"),
    ("projects", "code"),
    ("projects", "owner"),
    ("milestones", "name"),
    ("approvals", "name"),
    ("leaders", "name"),
    ("secretaries", "name"),
    ("units", "name"),
    ("issues", "id"),
    ("issues", "title"),
    ("issue_events", "actor"),
    ("issue_events", "owner"),
    ("leader_projects", "project"),
    ("contacts", "mode"),
    ("task_force_members", "member"),
)
# Values the model bounds: amounts, percents, years, and dates that must keep an order.
VALUES = (
    ("projects", "total_investment"),
    ("annual_plans", "plan"),
    ("annual_plans", "year"),
    ("monthly", "done"),
    ("milestones", "percent"),
    ("milestones", "done"),
    ("milestones", "start"),
    ("approvals", "granted"),
)
TABLE_OPS = ("duplicate", "seq", "dangle", "borrow", "text", "value", "stage", "stage_row")
table_edits = st.builds(
    TableEdit,
    op=st.sampled_from(TABLE_OPS),
    table=st.integers(min_value=0, max_value=10**4),
    row=st.integers(min_value=0, max_value=10**4),
    pick=st.integers(min_value=0, max_value=10**4),
)
_TEXT_EDITS = ("", " ", "\u3000", "Ｌ－１", "L-1", " X ", "2020-330200-47-03-012345", "王建国")


def _set(table: pa.Table, column: str, row: int, value: Any) -> pa.Table:
    """``table`` with the cell ``column`` of ``row`` set to ``value`` (an enum as its text)."""
    values = table.column(column).to_pylist()
    values[row] = value
    kind = table.schema.field(column).type
    array = pa.array(values, pa.string() if pa.types.is_dictionary(kind) else kind)
    return table.set_column(table.column_names.index(column), column, array)


def _changed(tables: LedgerTables, edit: TableEdit) -> dict[str, pa.Table]:  # noqa: C901, PLR0911, PLR0912 (an op a branch)
    """The tables of ``tables`` with ``edit`` made (an edit that finds nothing changes nothing)."""
    data = dict(tables)
    names = [n for n, t in data.items() if t.num_rows]
    if not names:
        return data
    if edit.op in {"duplicate", "seq"}:  # a row given twice, or a list's place given twice
        name = names[edit.table % len(names)]
        table = data[name]
        r = edit.row % table.num_rows
        if edit.op == "duplicate":
            return {**data, name: pa.concat_tables([table, table.slice(r, 1)])}
        if "seq" not in table.column_names:
            return data
        other = table.column("seq")[edit.pick % table.num_rows].as_py()
        return {**data, name: _set(table, "seq", r, other)}
    if edit.op in {"dangle", "borrow"}:  # a name of nothing, or of another record
        name, column = REFERENCES[edit.table % len(REFERENCES)]
        table = data[name]
        if not table.num_rows:
            return data
        values = table.column(column).to_pylist()
        got = "X-404" if edit.op == "dangle" else values[edit.pick % len(values)]
        return {**data, name: _set(table, column, edit.row % table.num_rows, got)}
    if edit.op in {"text", "value"}:
        columns = TEXTS if edit.op == "text" else VALUES
        name, column = columns[edit.table % len(columns)]
        table = data[name]
        if not table.num_rows:
            return data
        r = edit.row % table.num_rows
        if edit.op == "text":
            values = [v for v in table.column(column).to_pylist() if v is not None]
            choices = [*_TEXT_EDITS, *(values[:1]), *(f" {v}" for v in values[:1])]
            return {**data, name: _set(table, column, r, choices[edit.pick % len(choices)])}
        cell = table.column(column)[r].as_py()
        kind = table.schema.field(column).type
        if pa.types.is_date(kind):
            shift = dt.timedelta(days=edit.pick % 801 - 400)
            return {**data, name: _set(table, column, r, (cell or dt.date(2020, 6, 1)) + shift)}
        if pa.types.is_integer(kind):
            return {**data, name: _set(table, column, r, [1899, 2201, 1900, 2200][edit.pick % 4])}
        amounts = ["-0.5", "1E16", "9999999999999999", "100.000000000001", "150", "-0"]
        return {**data, name: _set(table, column, r, Decimal(amounts[edit.pick % len(amounts)]))}
    # a stage history broken: an event's kind or date changed, or the project's stage
    events, projects = data["stage_events"], data["projects"]
    if edit.op == "stage" and events.num_rows:
        r = edit.row % events.num_rows
        if edit.pick % 2:
            day = events.column("on")[r].as_py() + dt.timedelta(days=edit.pick % 61 - 30)
            return {**data, "stage_events": _set(events, "on", r, day)}
        kinds = [k.value for k in StageEventKind]
        return {**data, "stage_events": _set(events, "kind", r, kinds[edit.pick % len(kinds)])}
    if not projects.num_rows:
        return data
    r = edit.row % projects.num_rows
    stages = [s.value for s in Stage]
    return {**data, "projects": _set(projects, "stage", r, stages[edit.pick % len(stages)])}


def assert_rows_parity(tables: LedgerTables, edits: list[TableEdit]) -> Exception | None:
    """The trusted engine refuses the edited tables as to_portfolio does: class, field, words."""
    data = dict(tables)
    for edit in edits:
        data = _changed(LedgerTables(**data), edit)
    read, error = outcome(lambda: LedgerTables.of(**data))
    if read is None:  # refused as it is read (a type, an enum, a payload): on both paths alike
        assert isinstance(error, ProjpushError)
        return error
    checked, c_error = outcome(lambda: to_portfolio(read))
    trusted, t_error = outcome(lambda: trusted_status(read))
    assert type(c_error) is type(t_error), (c_error, t_error)
    if c_error is not None:
        assert str(c_error) == str(t_error)
        assert c_error.field == t_error.field  # type: ignore[union-attr]
    else:
        assert [i.id for i in checked.issues] == trusted["id"].to_list()
    return c_error


def trusted_status(tables: LedgerTables) -> Any:
    """What ``report --trusted`` checks before its figures: the ledger's rules across rows
    (``build_report_tables`` runs ``check_tables`` first), then the issues as prepared."""
    checks.check_tables(tables)
    return status_table(tables)


class TestTablesRowsParity:
    """Keys given twice, references to nothing, stage histories and values broken in the tables:
    the trusted engine refuses exactly what to_portfolio refuses, with its error."""

    @parity_settings
    @given(st.lists(table_edits, min_size=1, max_size=3))
    def test_sample_ledger(self, edits: list[TableEdit]) -> None:
        """The sample's nineteen tables, damaged across their rows."""
        assert_rows_parity(sample_tables(), edits)

    @parity_settings
    @given(portfolios(max_projects=3), st.lists(table_edits, min_size=1, max_size=3))
    def test_drawn_ledgers(self, p: Portfolio, edits: list[TableEdit]) -> None:
        """Drawn ledgers' tables, damaged the same way."""
        assert_rows_parity(from_portfolio(p), edits)

    @pytest.mark.parametrize("op", TABLE_OPS)
    def test_each_edit_is_refused_by_both(self, op: str) -> None:
        """Each kind of edit, on the sample, is refused by both routes at some pick."""
        refused = [
            assert_rows_parity(sample_tables(), [TableEdit(op, n, n * 7, n * 3)]) is not None
            for n in range(16)
        ]
        assert any(refused), op

    @pytest.mark.parametrize(
        ("edit", "error", "words"),
        [
            (TableEdit("duplicate", 0, 3, 0), DuplicateKeyError, "projects.key: row seq=3"),
            (TableEdit("duplicate", 13, 0, 0), DuplicateKeyError, "issues.id: row id="),
            (TableEdit("dangle", 11, 0, 0), UnknownReferenceError, "unknown project 'X-404'"),
            (TableEdit("dangle", 12, 0, 0), ValidationError, "an id of the issues table"),
            (TableEdit("dangle", 1, 0, 0), ValidationError, "a key of the projects table"),
            (TableEdit("stage", 0, 0, 2), InvalidTransition, "stage_events.kind: row key="),
            (TableEdit("stage_row", 0, 0, 0), ValidationError, "the last stage event"),
        ],
    )
    def test_named_refusals(self, edit: TableEdit, error: type[Exception], words: str) -> None:
        """A key given twice, a reference to nothing, a broken stage history: the engine's
        refusal is to_portfolio's, class and words."""
        tables = LedgerTables.of(**_changed(sample_tables(), edit))
        with pytest.raises(error, match=re.escape(words)):
            build_report_tables(tables, SAMPLE_AS_OF)
        assert_rows_parity(sample_tables(), [edit])

    def test_a_written_ledger_has_no_suspect(self) -> None:
        """The sample and a drawn ledger as projpush writes them: the column scans find nothing,
        so the trusted route builds no object."""
        for tables in (sample_tables(), from_portfolio(sample_portfolio())):
            owners = checks.check_rows(tables)
            assert checks._project_suspects(tables) == []
            assert not checks._later_suspects(tables, owners)


class TestCommandLineRowsParity:
    """``projpush report --trusted`` of a damaged Parquet folder: the checked load's one line."""

    @pytest.mark.parametrize(
        "edit",
        [
            TableEdit("duplicate", 4, 0, 0),  # a stage event given twice
            TableEdit("dangle", 11, 3, 0),  # an issue of no project
            TableEdit("stage_row", 0, 0, 0),  # a stage the history does not lead to
        ],
    )
    def test_same_line_and_status(
        self, edit: TableEdit, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Both loads exit 2 with the same message, no traceback."""
        folder = tmp_path / "bad.parquet"
        write_parquet(LedgerTables.of(**_changed(sample_tables(), edit)), folder)
        lines = []
        for trusted in ([], ["--trusted"]):
            assert main(["report", str(folder), "--as-of", "2020-10-31", *trusted]) == 2
            err = capsys.readouterr().err
            assert "Traceback" not in err
            lines.append(err)
        assert lines[0] == lines[1]
        assert lines[0].startswith("projpush: error: ")
