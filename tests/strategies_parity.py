"""Edits that break a ledger's meaning rather than its syntax, for the trusted/checked parity.

:mod:`strategies_fuzz` damages a JSON document blindly (a node deleted,
replaced, renamed). The edits here aim at what only a reader that knows the
domain can refuse: an enum value that is no member, a date that is no day,
events out of order or out of their kind's payload, stage events swapped, a
milestone planned before it starts, a project with neither code nor local
id, a secretary's cadence or contact for a project they do not serve, a
record or list entry given twice, a value of the wrong JSON type. Each edit
is a value drawn first and applied later, so a failing case prints as a
readable edit.
"""

from __future__ import annotations

import copy
from typing import Any, Final

import attrs
from hypothesis import strategies as st

from strategies_fuzz import Pairs

# Field -> texts to put there: near misses first, then values that are valid elsewhere.
_ENUMS: Final = {
    "level": ("city", "市级", "CITY", "town", "镇级", "national", ""),
    "category": ("industry", "工业", "farming", " "),
    "stage": ("completed", "竣工", "suspended", "建设中"),
    "kind": ("note", "closed", "started", "备注", "suspended", "noted"),
    "from_state": ("assigned", "collected", "已交办", "open", None),
    "to_state": ("closed", "in_progress", "paused", "done"),
    "sheet": ("red", "blue", "红色督办单", "orange"),
    "difficulty": ("difficult", "疑难", "hard"),
    "rank": ("city", "district", "village"),
    "default_cadence": ("daily", "每日", "hourly"),
    "mode": ("visit", "phone", "fax"),
}
_DATES: Final = (
    "2020-02-30",
    "2020-13-01",
    "2020/6/30",
    "2020年6月30日",
    "１９９９-０１-０１",
    "1899-12-31",
    "2201-01-01",
    "0001-01-01",
    "2020-06-30T00:00:00",
    "2019-01-01",
    "2030-12-31",
    "",
)
_DATE_FIELDS: Final = (
    "at",
    "on",
    "planned",
    "start",
    "done",
    "deadline",
    "applied",
    "granted",
    "day",
)
_AMOUNTS: Final = ("-1", "1e3", "1E+999999999", "1,05,2", "１２３.５", "0.0000000000001", "1" * 30)
_PAYLOAD: Final = {
    "tier": "city",
    "owner": "市政府",
    "deadline": "2020-12-31",
    "sheet": "red",
    "party": "省厅",
    "policy": "ningbo@1",
}
_RETYPES: Final = (None, 0, 1.5, True, [], {}, ["x"], "x")

OPS: Final = (
    "enum",
    "date",
    "amount",
    "retype",
    "drop",
    "event_swap",
    "event_back",
    "payload",
    "payload_drop",
    "stage_swap",
    "milestone_start",
    "no_id",
    "cadence",
    "contact",
    "dup_record",
    "dup_entry",
    "dup_name",
    "dup_key",
)


@attrs.frozen
class MeaningEdit:
    """One edit: ``op`` at the ``target``-th candidate (modulo their count), choosing ``pick``."""

    op: str
    target: int
    pick: int


meaning_edits: st.SearchStrategy[MeaningEdit] = st.builds(
    MeaningEdit,
    op=st.sampled_from(OPS),
    target=st.integers(min_value=0, max_value=10**6),
    pick=st.integers(min_value=0, max_value=10**6),
)


def _records(document: dict[str, Any]) -> list[dict[str, Any]]:
    """Every JSON object of the document below the top, outermost first."""
    out: list[dict[str, Any]] = []
    stack: list[Any] = [document[k] for k in document if isinstance(document[k], list)]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            out.append(node)
            stack.extend(v for v in node.values() if isinstance(v, dict | list))
        elif isinstance(node, list):
            stack.extend(node)
    return out


def _choose(items: list[Any], n: int) -> Any:
    return items[n % len(items)] if items else None


def _with(records: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    return [r for r in records if key in r]


def _lists(document: dict[str, Any], key: str) -> list[list[Any]]:
    return [r[key] for r in _records(document) if isinstance(r.get(key), list) and r[key]]


def apply_meaning_edit(document: dict[str, Any], edit: MeaningEdit) -> dict[str, Any]:  # noqa: C901, PLR0912, PLR0915 (an op a branch)
    """``document`` (a parsed JSON ledger) with ``edit`` applied, as a changed deep copy.

    An edit that finds nothing to change leaves the copy as it was.
    """
    doc = copy.deepcopy(document)
    records = _records(doc)
    t, k = edit.target, edit.pick
    op = edit.op
    if op == "enum":
        fields = [(r, f) for r in records for f in _ENUMS if f in r]
        if fields:
            r, f = _choose(fields, t)
            r[f] = _choose(list(_ENUMS[f]), k)
    elif op == "date":
        fields = [(r, f) for r in records for f in _DATE_FIELDS if f in r]
        if fields:
            r, f = _choose(fields, t)
            r[f] = _choose(list(_DATES), k)
    elif op == "amount":
        fields = [(r, f) for r in records for f in ("total_investment", "percent") if f in r]
        maps = [m for r in records for f in ("annual_plans", "monthly_plan", "monthly_done")
                if isinstance(m := r.get(f), dict) and m]  # fmt: skip
        if fields and t % 2:
            r, f = _choose(fields, t)
            r[f] = _choose(list(_AMOUNTS), k)
        elif maps:
            m = _choose(maps, t)
            m[_choose(sorted(m), k)] = _choose(list(_AMOUNTS), k)
    elif op == "retype":
        fields = [(r, f) for r in records for f in r]
        if fields:
            r, f = _choose(fields, t)
            r[f] = _choose(list(_RETYPES), k)
    elif op == "drop":
        fields = [(r, f) for r in records for f in r]
        if fields:
            r, f = _choose(fields, t)
            del r[f]
    elif op in {"event_swap", "event_back"}:
        histories = [h for h in _lists(doc, "events") if len(h) > 1]
        h = _choose(histories, t)
        if h is not None:
            i = 1 + k % (len(h) - 1)
            if op == "event_swap":
                h[i - 1], h[i] = h[i], h[i - 1]
            else:
                h[i]["at"] = "2000-01-03"
    elif op in {"payload", "payload_drop"}:
        events = [e for h in _lists(doc, "events") for e in h if isinstance(e, dict)]
        e = _choose(events, t)
        if e is not None:
            name = _choose(sorted(_PAYLOAD), k)
            e[name] = None if op == "payload_drop" else _PAYLOAD[name]
    elif op == "stage_swap":
        h = _choose([h for h in _lists(doc, "stage_events") if len(h) > 1], t)
        if h is not None:
            h[0], h[-1] = h[-1], h[0]
    elif op == "milestone_start":
        m = _choose(_with(records, "planned"), t)
        if m is not None:
            m["start"] = "2030-01-01"
    elif op == "no_id":
        p = _choose(_with(records, "local_id"), t)
        if p is not None:
            p["code"] = p["local_id"] = None
    elif op == "cadence":
        s = _choose(_with(records, "cadences"), t)
        if s is not None:
            s["cadences"]["NOT-SERVED"] = "daily"
    elif op == "contact":
        c = _choose([c for x in _lists(doc, "contacts") for c in x], t)
        if c is not None:
            c["project"] = "NOT-SERVED"
    elif op == "dup_record":
        lists = [v for v in doc.values() if isinstance(v, list) and v]
        lists += [x for f in ("milestones", "approvals", "events") for x in _lists(doc, f)]
        x = _choose(lists, t)
        if x is not None:
            x.append(copy.deepcopy(_choose(x, k)))
    elif op == "dup_entry":
        x = _choose([x for f in ("projects", "members") for x in _lists(doc, f)], t)
        if x is not None and not isinstance(x[0], dict):
            x.append(_choose(x, k))
    elif op == "dup_name":
        x = _choose([x for f in ("milestones", "approvals") for x in _lists(doc, f)], t)
        if x is not None:
            x.append({**copy.deepcopy(x[0]), "name": x[-1]["name"]})
    elif op == "dup_key":
        r = _choose(records, t)
        if r:
            first = _choose(sorted(r), k)
            _replace(doc, r, Pairs((*r.items(), (first, r[first]))))
    return doc


def _replace(doc: Any, old: dict[str, Any], new: Any) -> None:
    """Put ``new`` where the object ``old`` stands in ``doc``."""
    stack = [doc]
    while stack:
        node = stack.pop()
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, value in list(items):
            if value is old:
                node[key] = new
                return
            if isinstance(value, dict | list):
                stack.append(value)
