"""Event payloads fit their kind: the model, every reader and every generator agree."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import TYPE_CHECKING, Any

import attrs
import pytest
from hypothesis import given, settings

from projpush import testing
from projpush.csvledger import dump_csv_ledger, load_csv_ledger
from projpush.errors import LedgerError, ValidationError
from projpush.escalation import EscalationPolicy
from projpush.io import dump_portfolio, load_portfolio
from projpush.model import (
    EVENT_PAYLOADS,
    PAYLOAD_FIELDS,
    EventKind,
    EventPayload,
    Issue,
    IssueEvent,
    IssueState,
    Portfolio,
    SheetColor,
    check_payload,
    replay,
)
from projpush.synth import sample_portfolio, synthetic_portfolio

if TYPE_CHECKING:
    from pathlib import Path

D = dt.date
VALUES: dict[str, Any] = {
    "tier": "city",
    "owner": "市政府",
    "deadline": D(2020, 12, 31),
    "sheet": SheetColor.RED,
    "party": "省发改委",
    "policy": "ningbo@1",
}
_S = IssueState
_K = EventKind
# For each kind, the steps that lead to a state it may start from: (kind, from, to, payload).
_ASSIGN = (_K.ASSIGNED, _S.COLLECTED, _S.ASSIGNED, {"tier": "district", "owner": "区政府"})
_RESOLVE = (_K.RESOLVED, _S.ASSIGNED, _S.RESOLVED, {})
_PAUSE = (_K.PAUSED, _S.ASSIGNED, _S.PAUSED, {"party": "省厅"})
BEFORE: dict[EventKind, tuple[tuple[Any, ...], ...]] = {
    _K.COLLECTED: (),
    _K.ASSIGNED: (),
    _K.STARTED: (_ASSIGN,),
    _K.PLAN_SUBMITTED: (_ASSIGN,),
    _K.DEADLINE_SET: (_ASSIGN,),
    _K.SHEET_ISSUED: (_ASSIGN,),
    _K.ESCALATED: (_ASSIGN,),
    _K.PAUSED: (_ASSIGN,),
    _K.RESUMED: (_ASSIGN, _PAUSE),
    _K.RESOLVED: (_ASSIGN,),
    _K.REJECTED: (_ASSIGN, _RESOLVE),
    _K.CLOSED: (_ASSIGN, _RESOLVE),
    _K.NOTE: (),
}
TARGET = {
    _K.COLLECTED: (None, _S.COLLECTED),
    _K.ASSIGNED: (_S.COLLECTED, _S.ASSIGNED),
    _K.STARTED: (_S.ASSIGNED, _S.IN_PROGRESS),
    _K.PLAN_SUBMITTED: (_S.ASSIGNED, _S.ASSIGNED),
    _K.DEADLINE_SET: (_S.ASSIGNED, _S.ASSIGNED),
    _K.SHEET_ISSUED: (_S.ASSIGNED, _S.ASSIGNED),
    _K.ESCALATED: (_S.ASSIGNED, _S.ESCALATED),
    _K.PAUSED: (_S.ASSIGNED, _S.PAUSED),
    _K.RESUMED: (_S.PAUSED, _S.ASSIGNED),
    _K.RESOLVED: (_S.ASSIGNED, _S.RESOLVED),
    _K.REJECTED: (_S.RESOLVED, _S.IN_PROGRESS),
    _K.CLOSED: (_S.RESOLVED, _S.CLOSED),
    _K.NOTE: (_S.COLLECTED, _S.COLLECTED),
}
REFUSED = [(kind, name) for kind, rule in EVENT_PAYLOADS.items() for name in rule.refuses]
NEEDED = [(kind, name) for kind, rule in EVENT_PAYLOADS.items() for name in rule.needs]


def history(kind: EventKind, **payload: Any) -> list[IssueEvent]:
    """A legal history ending in one event of ``kind`` with its needed fields and ``payload``."""
    needed = {name: VALUES[name] for name in EVENT_PAYLOADS[kind].needs}
    if kind is _K.COLLECTED:
        return [IssueEvent(D(2020, 9, 1), kind, "秘书", None, _S.COLLECTED, **payload)]
    events = [IssueEvent(D(2020, 9, 1), _K.COLLECTED, "秘书", None, _S.COLLECTED)]
    for step, frm, to, fields in BEFORE[kind]:
        events.append(IssueEvent(D(2020, 9, 2), step, "办", frm, to, **fields))
    frm, to = TARGET[kind]
    events.append(IssueEvent(D(2020, 9, 3), kind, "办", frm, to, **(needed | payload)))
    return events


def issue_of(events: list[IssueEvent]) -> Issue:
    return Issue("Q-1", "P-1", "land", "林地调规", tuple(events))  # type: ignore[arg-type]


class TestRules:
    """The table of payloads is whole and consistent."""

    def test_every_kind_has_a_rule(self):
        """Each event kind has its rule, and a rule's fields are payload fields."""
        assert set(EventKind) == set(EVENT_PAYLOADS)
        for rule in EVENT_PAYLOADS.values():
            assert set(rule.allows) <= set(PAYLOAD_FIELDS)
            assert not set(rule.needs) & set(rule.may)
            assert set(PAYLOAD_FIELDS) == set(rule.allows) | set(rule.refuses)

    def test_the_issue_cases(self):
        """A note and a collection carry nothing; only an assignment records the policy."""
        assert EventPayload() == EVENT_PAYLOADS[_K.NOTE] == EVENT_PAYLOADS[_K.COLLECTED]
        assert [_K.ASSIGNED] == [k for k, r in EVENT_PAYLOADS.items() if "policy" in r.allows]

    def test_generators_draw_only_allowed_payloads(self):
        """The strategies' payload table draws within the model's."""
        for kind, names in testing._PAYLOAD.items():
            assert set(names) <= set(EVENT_PAYLOADS[kind].allows), kind

    @pytest.mark.parametrize("kind", list(EventKind))
    def test_every_allowed_payload_is_accepted(self, kind):
        """The needed and the optional fields together: a legal event."""
        events = history(kind, **{name: VALUES[name] for name in EVENT_PAYLOADS[kind].may})
        assert kind is issue_of(events).events[-1].kind


class TestModelRefuses:
    """Replaying a history refuses a payload that does not fit its event's kind."""

    @pytest.mark.parametrize(("kind", "name"), REFUSED)
    def test_refused_field(self, kind, name):
        """Each kind, each field it never carries: a ValidationError at events[i].field."""
        events = history(kind, **{name: VALUES[name]})
        index = len(events) - 1
        with pytest.raises(ValidationError) as error:
            replay(events)
        field = f"events[{index}].{name}"
        assert field == error.value.field
        assert str(error.value).startswith(f"{field}: expected no {name} on a {kind.value} event")
        with pytest.raises(ValidationError, match=rf"^{re.escape(field)}: "):
            issue_of(events)

    @pytest.mark.parametrize(("kind", "name"), NEEDED)
    def test_needed_field(self, kind, name):
        """Each kind, each field it must carry: missing is refused too."""
        events = history(kind)
        events[-1] = attrs.evolve(events[-1], **{name: None})
        with pytest.raises(ValidationError) as error:
            replay(events)
        assert f"events[{len(events) - 1}].{name}" == error.value.field
        assert f"a value for a {kind.value} event" in str(error.value)

    def test_note_changes_no_deadline(self):
        """The issue's example: a note that would move the deadline, through Issue.step."""
        issue = issue_of(history(_K.ASSIGNED, deadline=D(2020, 9, 10)))
        with pytest.raises(ValidationError) as error:
            issue.step(_K.NOTE, D(2020, 9, 11), "秘书", note="走访", deadline=D(2021, 1, 1))
        assert (
            "events[2].deadline: expected no deadline on a note event (it carries only a note), "
            "got datetime.date(2021, 1, 1)"
        ) == str(error.value)
        assert D(2020, 9, 10) == issue.deadline

    def test_collected_carries_no_assignment(self):
        """A collection that names an owner unit is refused, with what it may carry."""
        with pytest.raises(ValidationError) as error:
            replay(history(_K.COLLECTED, owner="区政府"))
        assert (
            "events[0].owner: expected no owner on a collected event (it carries only a note), "
            "got '区政府'"
        ) == str(error.value)

    def test_a_sheet_names_its_value(self):
        """A sheet on the wrong kind is shown by its value, and the allowed fields are listed."""
        with pytest.raises(ValidationError) as error:
            check_payload(_K.ESCALATED, {"tier": "t", "owner": "o", "sheet": SheetColor.RED})
        assert (
            "event.sheet: expected no sheet on a escalated event "
            "(it carries tier, owner, deadline and a note), got 'red'"
        ) == str(error.value)

    def test_check_payload_agrees_with_replay(self):
        """check_payload and the replay refuse the same field with the same message."""
        for kind, name in REFUSED:
            events = history(kind, **{name: VALUES[name]})
            where = f"events[{len(events) - 1}]"
            values = {f: getattr(events[-1], f) for f in PAYLOAD_FIELDS}
            with pytest.raises(ValidationError) as direct:
                check_payload(kind, values, where)
            with pytest.raises(ValidationError) as replayed:
                replay(events)
            assert str(direct.value) == str(replayed.value)


def ledger_with_bad_event() -> tuple[Portfolio, int, int]:
    """The sample ledger, and the issue and event where its first started event is."""
    p = sample_portfolio()
    for i, issue in enumerate(p.issues):
        for j, event in enumerate(issue.events):
            if event.kind is _K.STARTED:
                return p, i, j
    raise AssertionError  # pragma: no cover


class TestReaders:
    """Every reader refuses a started event that carries a tier, with the model's words."""

    def json_ledger(self, tmp_path: Path) -> tuple[Path, int, int]:
        p, i, j = ledger_with_bad_event()
        dump_portfolio(p, tmp_path / "good.json")
        document = json.loads((tmp_path / "good.json").read_text("utf-8"))
        document["issues"][i]["events"][j]["tier"] = "city"
        path = tmp_path / "bad.json"
        path.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
        return path, i, j

    @pytest.mark.parametrize("trusted", [False, True])
    def test_json(self, tmp_path, trusted):
        """Checked and trusted: the same LedgerError, at the event's JSON path."""
        path, i, j = self.json_ledger(tmp_path)
        with pytest.raises(LedgerError) as error:
            load_portfolio(path, trusted=trusted)
        assert f"$.issues[{i}].events[{j}]" in (error.value.field or "")
        assert f"events[{j}].tier: expected no tier on a started event" in str(error.value)

    def test_csv(self, tmp_path):
        """A CSV folder's event row with a tier on a started event is refused."""
        p, i, j = ledger_with_bad_event()
        dump_csv_ledger(p, tmp_path / "csv")
        path = tmp_path / "csv" / "issue_events.csv"
        lines = path.read_text("utf-8-sig").splitlines()
        header = lines[0].split(",")
        row = 1 + sum(len(q.events) for q in p.issues[:i]) + j
        cells = lines[row].split(",")
        assert "started" == cells[header.index("kind")]
        cells[header.index("tier")] = "city"
        lines[row] = ",".join(cells)
        path.write_text("\n".join(lines) + "\n", "utf-8")
        with pytest.raises(LedgerError) as error:
            load_csv_ledger(tmp_path / "csv")
        assert "expected no tier on a started event" in str(error.value)
        assert "issue_events.csv" in str(error.value)

    def test_tables(self):
        """Parquet tables: LedgerTables.of refuses the row, naming its issue and seq."""
        pa = pytest.importorskip("pyarrow")
        from projpush.engine import LedgerTables, from_portfolio  # noqa: PLC0415

        tables = from_portfolio(sample_portfolio())
        events = tables.issue_events
        kinds = events.column("kind").to_pylist()
        row = kinds.index("started")
        tiers = events.column("tier").to_pylist()
        tiers[row] = "city"
        bad = events.set_column(
            events.schema.get_field_index("tier"), "tier", pa.array(tiers, pa.string())
        )
        issue, seq = events.column("issue")[row].as_py(), events.column("seq")[row].as_py()
        with pytest.raises(ValidationError) as error:
            LedgerTables.of(**{**dict(tables), "issue_events": bad})
        assert "issue_events.tier" == error.value.field
        assert (
            f"issue {issue!r}, event seq {seq}: issue_events.tier: expected no tier on a "
            "started event (it carries only a note), got 'city'"
        ) == str(error.value)

    def test_tables_need_fields_too(self):
        """A paused row without its party is refused by LedgerTables.of as by the model."""
        pa = pytest.importorskip("pyarrow")
        from projpush.engine import LedgerTables, from_portfolio  # noqa: PLC0415

        tables = from_portfolio(sample_portfolio())
        events = tables.issue_events
        parties = events.column("party").to_pylist()
        row = events.column("kind").to_pylist().index("paused")
        parties[row] = None
        bad = events.set_column(
            events.schema.get_field_index("party"), "party", pa.array(parties, pa.string())
        )
        with pytest.raises(ValidationError, match=r"issue_events\.party: expected a value"):
            LedgerTables.of(**{**dict(tables), "issue_events": bad})

    def test_tables_of_every_generator(self):
        """The engine's synthetic tables and the sample's tables pass the check."""
        pytest.importorskip("pyarrow")
        from projpush.engine import LedgerTables, from_portfolio  # noqa: PLC0415
        from projpush.engine.synth import synthetic_tables  # noqa: PLC0415

        for tables in (synthetic_tables(300, seed=7), from_portfolio(sample_portfolio())):
            assert tables == LedgerTables.of(**dict(tables))


class TestGenerators:
    """The synthetic ledgers, the strategies and the escalation rules make fitting payloads."""

    @staticmethod
    def assert_fit(issues: Any) -> None:
        for issue in issues:
            for i, event in enumerate(issue.events):
                check_payload(event.kind, attrs.asdict(event, recurse=False), f"events[{i}]")

    def test_synthetic_ledgers(self):
        """The sample and a synthetic ledger."""
        self.assert_fit(sample_portfolio().issues)
        self.assert_fit(synthetic_portfolio(200, seed=3).issues)

    @settings(max_examples=50)
    @given(testing.issues())
    def test_strategy_issues(self, issue):
        """testing.issues() draws payloads the model allows."""
        self.assert_fit([issue])

    @settings(max_examples=50)
    @given(testing.ladder_issues(EscalationPolicy.ningbo()))
    def test_ladder_issues(self, issue):
        """The escalation rules' events (advance, resume, plans, sheets) fit their kinds."""
        self.assert_fit([issue])
