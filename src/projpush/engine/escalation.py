"""Escalation over the ledger's tables, column-wise: the engine's :mod:`projpush.escalation`.

A province's problem list is hundreds of thousands of issues and millions of
events. Here they stay two Arrow tables (``issues`` and ``issue_events``),
and the rules of :mod:`projpush.escalation` run over whole columns:

- :func:`status_table`: every issue's current facts, replayed from its events;
- :func:`advance_tables`: every sheet, warning, escalation and accountability
  note that fell due by a date, appended to ``issue_events`` as the dated
  events :func:`projpush.escalation.advance` records, word for word;
- :func:`overdue_table`, :func:`open_table`, :func:`accountability_table`
  and :func:`unit_stats_table`: the views of the same names, as frames.

Advancing works in rounds. Each round finds, for every issue still being
handled, its next due step (the blue sheet, a warning, or the breach of its
limit) with the working-day arithmetic of :mod:`projpush.engine.schedule`,
and records it where it falls on or before the date; an issue leaves the
rounds once nothing more is due. A round is a handful of array operations
over the issues still in play, so the work grows with the steps taken, not
with the events already held.

The results equal the object rules on the same ledger, event for event and
row for row (differential property tests pin them). Any error is the
object rule's own: the first issue, in ledger order, that the object rule
would refuse is rebuilt and advanced by it, which raises. :func:`history`
gives the object :class:`~projpush.model.Issue` of one id, for drill-down.

>>> import datetime as dt
>>> from projpush.engine import from_portfolio
>>> from projpush.escalation import EscalationPolicy
>>> from projpush.synth import SAMPLE_AS_OF, sample_portfolio
>>> tables = from_portfolio(sample_portfolio())
>>> later = advance_tables(tables, SAMPLE_AS_OF, EscalationPolicy.ningbo())
>>> later.issue_events.num_rows - tables.issue_events.num_rows
17
>>> open_table(later).select("tier", "sheet", "count").rows()[:2]
[(None, None, 3), ('city_leader', 'red', 6)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, overload

import attrs

from projpush._convert import plain_date_arg, positional_calendar
from projpush._extras import require
from projpush.engine.checks import check_issues, refuse_issue
from projpush.engine.schedule import WorkDays, epoch_day
from projpush.errors import PolicyError, UnknownReferenceError, ValidationError
from projpush.escalation import (
    AUTO_ACTOR,
    AccountabilityReason,
    EscalationPolicy,
    PolicyBook,
    _check_yellows,
    _policy_of,
    _warning_share,
    advance,
)
from projpush.model import _STEPS, EventKind, Issue, IssueEvent, IssueState, SheetColor
from projpush.schedule import (
    WorkingCalendar,
    _provisional_years,
    resolve_calendar,
    working_days_between,
)

if TYPE_CHECKING:
    import datetime as dt

    from projpush.engine.tables import LedgerTables

pl: Any = require("polars", extra="engine", user="projpush.engine")
np: Any = require("numpy", extra="engine", user="projpush.engine")
pa: Any = require("pyarrow", extra="engine", user="projpush.engine")

__all__ = [
    "accountability_table",
    "advance_tables",
    "history",
    "open_table",
    "overdue_table",
    "status_table",
    "unit_stats_table",
]

_WORKING: Final = ("assigned", "in_progress", "escalated")
_STATES: Final = tuple(s.value for s in IssueState)
_SHEETS: Final = tuple(s.value for s in SheetColor)
_WINDOW_KINDS: Final = ("assigned", "plan_submitted", "deadline_set", "escalated", "sheet_issued")
_ACCOUNTABILITY_TAG: Final = "[accountability]"
_WARNING_PATTERN: Final = r"^\[warning ([^\]]*)\]"

# The steps a round can record, as codes of the events table it builds.
_BLUE, _WARN, _YELLOW, _RED, _ESCALATE, _TOP = range(6)


def _text(column: str) -> Any:
    """A text column with the empty string read as missing (the model's ``or``)."""
    return pl.when(pl.col(column) != "").then(pl.col(column))


# The last tables prepared, by identity (Arrow tables never change): a monthly cycle asks
# for the events and the status several times, and preparing them is most of the work.
_PREPARED: list[Any] = []


def _events(tables: LedgerTables) -> Any:
    """Every event, the issues in ledger order and each one's events in ``seq`` order.

    Enums stay categorical. Added columns: ``i``, the issue's position in the
    ledger; ``_row``; ``_start``, the row where the issue's events begin;
    ``_last``, whether the row is the issue's last event.

    Raises:
        ValidationError: an event names an issue the issues table lacks.
    """
    return _prepare(tables)[0]


def _status(tables: LedgerTables) -> Any:
    """:func:`status_table` with ``i`` and each issue's current limit window (private)."""
    return _prepare(tables)[1]


def _prepare(tables: LedgerTables) -> tuple[Any, Any]:
    check_issues(tables)  # the problem list's rules across rows: see engine.checks
    if _PREPARED and _PREPARED[0] is tables.issue_events and _PREPARED[1] is tables.issues:
        return _PREPARED[2], _PREPARED[3]
    ids = pl.from_arrow(tables.issues.select(["id", "seq"])).sort("seq")["id"]
    raw = pl.from_arrow(tables.issue_events)
    events = _bounds(_slim(_in_order(raw.with_row_index("_pos"), ids)))
    status = _fold(tables, events)
    _check_histories(tables, events, status)
    _PREPARED[:] = [tables.issue_events, tables.issues, events, status]
    return _PREPARED[2], _PREPARED[3]


# The rules of a history on the enums' codes (their positions, as Arrow's dictionaries and
# polars' Enum number them), so that a million events are compared as small integers: each
# step the model allows as ``kind * len(IssueState) + state it starts from``; where a step
# leads (a kind absent here stays where the issue stands; ``resumed`` goes back to before
# the pause); each sheet's severity.
_KINDS: Final = tuple(k.value for k in EventKind)
_KIND_CODE: Final = {k: i for i, k in enumerate(EventKind)}
_STATE_CODE: Final = {s: i for i, s in enumerate(IssueState)}
_ALLOWED_STEPS: Final = tuple(
    sorted(
        _KIND_CODE[kind] * len(IssueState) + _STATE_CODE[state]
        for kind, (sources, _) in _STEPS.items()
        for state in sources
    )
)
_TARGETS: Final = {_KIND_CODE[k]: _STATE_CODE[t] for k, (_, t) in _STEPS.items() if t is not None}
_SEVERITY: Final = {i: c.severity for i, c in enumerate(SheetColor)}


def _check_histories(tables: LedgerTables, events: Any, status: Any) -> None:
    """Refuse, in the model's words, the first issue whose recorded history breaks its rules.

    The rules of :func:`projpush.model.replay`, column-wise over the sorted
    events: an issue's first event is its collection (``none -> collected``);
    each later event starts from the state the one before left
    (``from_state``), is a step the model allows from there, leads where
    that step leads (``to_state``), is not dated before it, and issues no
    sheet milder than the last one; and every issue has an event. The
    issues that break one are rebuilt as objects, in ledger order, and the
    first one's replay raises the model's own error; the payloads were
    checked when the tables were read
    (:func:`~projpush.engine.tables.check_event_payloads`).

    Raises:
        InvalidTransition: an event out of time order, or a step the
            model refuses where it stands.
        ValidationError: an issue without events.
    """

    def code(column: str, values: tuple[str, ...]) -> Any:
        return pl.col(column).cast(pl.Enum(values)).to_physical().cast(pl.Int16)

    kind, to, before = code("kind", _KINDS), code("to_state", _STATES), code("from_state", _STATES)
    first = pl.col("_row") == pl.col("_start")
    left = to.shift(1)  # the state the event before left the issue in
    paused_from = _previous(pl.when(kind == _KIND_CODE[EventKind.PAUSED]).then(before))
    leads = (
        pl.when(kind == _KIND_CODE[EventKind.RESUMED])
        .then(paused_from)
        .otherwise(kind.replace_strict(_TARGETS, default=left, return_dtype=pl.Int16))
    )
    severity = code("sheet", _SHEETS).replace_strict(_SEVERITY, default=None)
    # no sheet on the event (or none before it) is nothing milder: not a suspect
    milder = (severity < _previous(severity)).fill_null(value=False)
    collected = _STATE_CODE[IssueState.COLLECTED]
    opening = (kind != _KIND_CODE[EventKind.COLLECTED]) | before.is_not_null() | (to != collected)
    step = (
        (pl.col("at") < pl.col("at").shift(1))
        | before.is_null()
        | (before != left)
        | ~(kind * len(IssueState) + left).is_in(_ALLOWED_STEPS)
        | (to != leads)
        | milder
    )
    broken = pl.when(first).then(opening).otherwise(step).fill_null(value=True)
    flagged = events.filter(broken)["i"].unique()
    empty = status.filter(pl.col("events").is_null())["i"]
    suspects = pl.concat([flagged, empty]).unique().sort()
    if not len(suspects):
        return
    ids = status.filter(pl.col("i").is_in(suspects.implode())).sort("i")["id"]
    for issue_id in ids:
        refuse_issue(tables, issue_id)  # raises to_portfolio's error for a history it refuses


_SLIM: Final = (
    "i",
    "seq",
    "at",
    "kind",
    "from_state",
    "to_state",
    "tier",
    "owner",
    "deadline",
    "sheet",
    "party",
    "policy",
    "_pos",
)


def _slim(events: Any) -> Any:
    """The columns the rules read, the long texts left in the Arrow table.

    ``_pos`` is the event's row in ``issue_events`` (its note is read from
    there when a view shows it); ``_auto`` marks the events of
    :data:`~projpush.escalation.AUTO_ACTOR`; ``_acc`` its accountability
    notes, and ``_share`` the share text of its warning notes.
    """
    auto = pl.col("actor") == AUTO_ACTOR
    note = pl.when(auto & (pl.col("kind") == "note")).then(pl.col("note"))
    return events.select(
        *_SLIM,
        auto.alias("_auto"),
        note.str.starts_with(_ACCOUNTABILITY_TAG).fill_null(value=False).alias("_acc"),
        note.str.extract(_WARNING_PATTERN, 1).alias("_share"),
    ).with_columns(pl.col("_pos").cast(pl.Int64))


def _in_order(events: Any, ids: Any) -> Any:
    """``events`` with ``i``, sorted by issue position, then ``seq``.

    A ledger written by projpush already holds each issue's events together,
    in ledger order and by ``seq``: that is checked by comparing neighbours,
    and then neither a join on the ids nor a sort is needed.
    """
    issue, seq = pl.col("issue"), pl.col("seq")
    new = (issue != issue.shift(1)).fill_null(value=True)
    marked = events.with_columns(new.alias("_new"))
    runs = marked.filter(pl.col("_new"))["issue"]
    backwards = marked.select((~pl.col("_new") & (seq <= seq.shift(1))).any()).item()
    if len(runs) == len(ids) and not backwards and runs.equals(ids, check_names=False):
        return marked.with_columns((pl.col("_new").cast(pl.Int32).cum_sum() - 1).alias("i")).drop(
            "_new"
        )
    index = pl.DataFrame({"id": ids, "i": pl.int_range(len(ids), dtype=pl.Int32, eager=True)})
    joined = events.join(index, left_on="issue", right_on="id", how="left")
    orphans = joined.filter(pl.col("i").is_null())
    if len(orphans):
        got = orphans["issue"][0]
        raise ValidationError.about("issue_events.issue", "an id of the issues table", got)
    return joined.sort("i", "seq")


def _bounds(frame: Any) -> Any:
    """``frame`` (sorted by issue) with ``_row``, ``_start`` and ``_last`` (see :func:`_events`).

    ``i`` is flagged sorted, which it is, so that polars groups the events
    of each issue by slicing instead of hashing (about twice as fast).
    """
    new = (pl.col("i") != pl.col("i").shift(1)).fill_null(value=True)
    return frame.with_columns(
        pl.col("i").set_sorted(), pl.int_range(pl.len(), dtype=pl.Int64).alias("_row")
    ).with_columns(
        pl.when(new).then(pl.col("_row")).forward_fill().alias("_start"),
        (pl.col("i") != pl.col("i").shift(-1)).fill_null(value=True).alias("_last"),
    )


def _latest(value: Any) -> Any:
    """The latest non-missing ``value`` of the row's issue, up to and including the row."""
    at = pl.when(value.is_not_null()).then(pl.col("_row")).forward_fill()
    return pl.when(at >= pl.col("_start")).then(value.forward_fill())


def _previous(value: Any) -> Any:
    """:func:`_latest` just before the row: the value in force when the event happened."""
    return pl.when(pl.col("_row") > pl.col("_start")).then(_latest(value).shift(1))


def _fold(tables: LedgerTables, events: Any) -> Any:
    """Each issue's status, replayed from its sorted events, with its window (see ``_status``).

    A status field is the latest value recorded for it: the last one set in
    the issue's events (polars' ``last(ignore_nulls=True)`` per issue).
    """
    kind = pl.col("kind")
    pause = kind.is_in(["paused", "resumed"])
    opens = pl.col("deadline").is_not_null() & kind.is_in(_WINDOW_KINDS)

    def latest(value: Any) -> Any:
        return value.last(ignore_nulls=True)

    folded = (
        events.lazy()
        .group_by("i", maintain_order=True)
        .agg(
            pl.col("to_state").last().alias("state"),
            pl.col("at").last().alias("updated"),
            latest(_text("tier")).alias("tier"),
            latest(_text("owner")).alias("owner"),
            latest(pl.col("deadline")).alias("deadline"),
            latest(pl.col("sheet")).alias("sheet"),
            latest(_text("policy")).alias("policy"),
            latest(pl.when(pause).then(kind)).alias("pause_kind"),
            latest(pl.when(pause).then(pl.col("party"))).alias("pause_party"),
            latest(pl.when(pause).then(pl.col("from_state"))).alias("pause_from"),
            (kind == "escalated").sum().alias("escalations"),
            pl.len().cast(pl.Int32).alias("events"),
            pl.col("seq").last().alias("last_seq"),
            latest(pl.when(opens).then(pl.col("at"))).alias("win_start"),
            latest(pl.when(opens).then(pl.col("deadline"))).alias("win_deadline"),
            latest(pl.when(opens).then(pl.col("seq"))).alias("win_seq"),
        )
        .collect()
    )
    paused = pl.col("pause_kind") == "paused"
    issues = (
        pl.from_arrow(tables.issues)
        .sort("seq")
        .select(
            pl.int_range(pl.len(), dtype=pl.Int32).alias("i"),
            "seq",
            "id",
            "project",
            pl.col("category").cast(pl.String),
            pl.col("difficulty").cast(pl.String),
        )
    )
    return (
        issues.join(folded, on="i", how="left")
        .select(
            "i",
            "seq",
            "id",
            "project",
            "category",
            "difficulty",
            pl.col("state").cast(pl.String),
            "updated",
            "tier",
            "owner",
            "deadline",
            pl.col("sheet").cast(pl.String),
            pl.when(paused).then(pl.col("pause_party")).alias("party"),
            pl.when(paused).then(pl.col("pause_from")).cast(pl.String).alias("paused_from"),
            "policy",
            pl.col("escalations").cast(pl.Int32),
            "events",
            "last_seq",
            "win_start",
            "win_deadline",
            "win_seq",
        )
        .sort("i")
    )


def status_table(tables: LedgerTables) -> Any:
    """Every issue's current status, replayed from its events, in ledger order.

    The facts of :attr:`projpush.model.Issue.status`, one row per issue:
    ``seq``, ``id``, ``project``, ``category``, ``difficulty``; ``state``
    and ``updated`` (the last event's); ``tier``, ``owner``, ``deadline``,
    ``sheet`` and ``policy`` (the latest recorded); ``party`` and
    ``paused_from`` while paused; ``escalations``; ``events`` (how many)
    and ``last_seq`` (the highest ``seq``).

    Each issue's history is checked as it is read, column-wise, by the
    model's rules (see ``_check_histories``); the first issue the model
    refuses raises the model's own error.

    Raises:
        ValidationError: an event names an issue the issues table lacks, or
            an issue has no event.
        InvalidTransition: an issue's history the model refuses.
    """
    return _status(tables).drop("i", "win_start", "win_deadline", "win_seq")


def history(tables: LedgerTables, issue_id: str) -> Issue:
    """The object :class:`~projpush.model.Issue` of ``issue_id``, its whole history checked.

    Raises:
        ValidationError: no issue has that id, or its rows break the model's rules.
    """
    from projpush.engine.tables import _by_owner, _ordered  # noqa: PLC0415

    pc = require("pyarrow.compute", extra="engine", user="projpush.engine")
    rows = _ordered(tables.issues.filter(pc.equal(tables.issues["id"], issue_id)))
    if not rows:
        raise ValidationError.about("issue", "an issue id of the ledger", issue_id)
    events = _by_owner(
        tables.issue_events.filter(pc.equal(tables.issue_events["issue"], issue_id)), "issue"
    )
    return Issue(**rows[0], events=tuple(IssueEvent(**e) for e in events.get(issue_id, [])))


# --------------------------------------------------------------------------- policies


@attrs.frozen(eq=False)
class _Rules:
    """The policies the advancing issues were assigned under, as arrays by policy index."""

    policies: tuple[EscalationPolicy, ...]
    blue: Any  # working days before the deadline, or -1: at assignment
    renewed: Any
    has_warnings: Any
    shares: Any  # number of warning shares
    num: Any  # [policy, share]
    den: Any
    tiers: Any  # number of tiers
    limit: Any  # [policy, tier]
    stride: int  # texts of tier t or share k of policy i are at i * stride + t (or k)

    @classmethod
    def of(cls, policies: tuple[EscalationPolicy, ...]) -> _Rules:
        for p in policies:
            _check_bounds(p)
        width = max(len(p.sheets.warnings) for p in policies) or 1
        height = max(len(p.ladder.tiers) for p in policies)
        num = np.zeros((len(policies), width), np.int64)
        den = np.ones((len(policies), width), np.int64)
        limit = np.zeros((len(policies), height), np.int64)
        for i, p in enumerate(policies):
            for k, share in enumerate(p.sheets.warnings):
                num[i, k], den[i, k] = share.numerator, share.denominator
            for t, tier in enumerate(p.ladder.tiers):
                limit[i, t] = tier.limit
        return cls(
            policies,
            np.array(
                [
                    -1 if p.sheets.blue_days_before is None else p.sheets.blue_days_before
                    for p in policies
                ],
                np.int64,
            ),
            np.array([p.sheets.renewed_days for p in policies], np.int64),
            np.array([bool(p.sheets.warnings) for p in policies]),
            np.array([len(p.sheets.warnings) for p in policies], np.int64),
            num,
            den,
            np.array([len(p.ladder.tiers) for p in policies], np.int64),
            limit,
            max(width, height),
        )


_MOST_DAYS: Final = 100_000  # working days: some four centuries, beyond any calendar
_MOST_DENOMINATOR: Final = 10**9  # a share's denominator; its products stay inside int64


def _check_bounds(policy: EscalationPolicy) -> None:
    """Refuse what the engine's 64-bit arrays cannot hold exactly (the object rules can)."""
    sheets = policy.sheets
    days = {
        "sheets.renewed_days": sheets.renewed_days,
        "sheets.blue_days_before": sheets.blue_days_before or 1,
        **{f"ladder.tiers[{i}].limit": t.limit for i, t in enumerate(policy.ladder.tiers)},
    }
    for field, value in days.items():
        if value > _MOST_DAYS:
            raise PolicyError.about(
                field, f"at most {_MOST_DAYS} working days for the engine", value
            )
    for i, share in enumerate(sheets.warnings):
        if share.denominator > _MOST_DENOMINATOR:
            expected = f"a share with a denominator of at most {_MOST_DENOMINATOR} for the engine"
            raise PolicyError.about(f"sheets.warnings[{i}]", expected, share)


_Chosen = tuple[EscalationPolicy | PolicyBook, EscalationPolicy | None]
"""The policy or book given, and the policy of the issues that record none (or None)."""


def _resolve(
    keys: list[str | None],
    policy: EscalationPolicy | PolicyBook,
    default: EscalationPolicy | None = None,
) -> tuple[tuple[EscalationPolicy, ...], list[int | None]]:
    """The distinct policies the keys name, and each key's index into them (None: refused).

    A refused key is left to the object rule, which raises naming the issue.
    """
    found: dict[str | None, int | None] = {}
    chosen: dict[str, EscalationPolicy] = {}
    for key in dict.fromkeys(keys):
        try:
            p = default if key is None and default is not None else _policy_of("", key, policy)
        except UnknownReferenceError:
            found[key] = None
        else:
            chosen.setdefault(p.key, p)
            found[key] = list(chosen).index(p.key)
    return tuple(chosen.values()), [found[key] for key in keys]


# --------------------------------------------------------------------------- advance


@overload
def advance_tables(
    tables: LedgerTables,
    as_of: dt.date,
    policy: EscalationPolicy | PolicyBook,
    *,
    calendar: WorkingCalendar | None = None,
    unrecorded: EscalationPolicy | None = None,
) -> LedgerTables: ...
@overload
def advance_tables(
    tables: LedgerTables,
    as_of: dt.date,
    policy: EscalationPolicy | PolicyBook,
    calendar: WorkingCalendar | None,
    /,
    *,
    unrecorded: EscalationPolicy | None = None,
) -> LedgerTables: ...
def advance_tables(
    tables: LedgerTables,
    as_of: dt.date,
    policy: EscalationPolicy | PolicyBook,
    *old: WorkingCalendar | None,
    calendar: WorkingCalendar | None = None,
    unrecorded: EscalationPolicy | None = None,
) -> LedgerTables:
    """The tables with every issue brought up to date at ``as_of``.

    The events :func:`projpush.escalation.advance_all` would add to each
    issue are appended to ``issue_events``, by :data:`~projpush.escalation.AUTO_ACTOR`,
    with the same dates, payloads and notes, each numbered after its
    issue's last ``seq``. The other tables are unchanged.

    Args:
        tables: the ledger.
        as_of: the day to bring every issue up to.
        policy: the policy the issues were assigned under, or a book of versions.
        *old: deprecated: the calendar passed fourth, positionally, as before
            0.2; it still works and warns (``DeprecationWarning``).
        calendar: working days; the China official calendar by default.
        unrecorded: with a book, the policy of the issues that record no
            version (the object rule refuses those): what
            :func:`projpush.report.build_report` does, advancing such issues
            under its chosen policy.

    Raises:
        ValidationError: ``as_of`` is not a date.
        PolicyError: ``policy`` is neither an EscalationPolicy nor a PolicyBook,
            or ``unrecorded`` is given and is not an EscalationPolicy.
        UnknownReferenceError, CalendarCoverageError: as
            :func:`projpush.escalation.advance`, for the first issue in
            ledger order that raises.
    """
    if old:
        calendar = positional_calendar("advance_tables", old, calendar)
    plain_date_arg(as_of, "as_of")
    if not isinstance(policy, EscalationPolicy | PolicyBook):
        raise PolicyError.about("policy", "an EscalationPolicy or a PolicyBook", policy)
    if unrecorded is not None and not isinstance(unrecorded, EscalationPolicy):
        raise PolicyError.about("unrecorded", "an EscalationPolicy or None", unrecorded)
    cal = resolve_calendar(calendar)
    status = _status(tables)
    day = pl.lit(as_of, dtype=pl.Date)
    moving = status.filter(
        pl.col("state").is_in(_WORKING)
        & (pl.col("updated") <= day)
        & pl.col("deadline").is_not_null()
    )
    if moving.is_empty():
        return tables
    run = _advanced(tables, moving, as_of, policy=(policy, unrecorded), cal=cal)
    if not run.steps:
        return tables
    from projpush.engine.tables import conform  # noqa: PLC0415

    added = run.frame(moving)
    table = conform("issue_events", added.to_arrow())
    later: LedgerTables = attrs.evolve(
        tables, issue_events=pa.concat_tables([tables.issue_events, table])
    )
    # The advanced tables prepared from these ones and the run: no join on the ids, no
    # sort of the whole, no second fold of every event.
    held = _events(tables).drop("_row", "_start", "_last")
    offset = tables.issue_events.num_rows
    new = _slim(pl.from_arrow(table).with_columns(i=added["i"]).with_row_index("_pos", offset))
    key = pl.col("i").cast(pl.Int64) * 2**32 + pl.col("seq")  # one key sorts twice as fast
    events = _bounds(pl.concat([held, new]).sort(key))
    final = run.status(moving)
    status = status.update(final.cast(status.select(final.columns).schema), on="i")
    _PREPARED[:] = [later.issue_events, later.issues, events, status]
    return later


def _advanced(
    tables: LedgerTables,
    moving: Any,
    as_of: dt.date,
    *,
    policy: _Chosen,
    cal: WorkingCalendar,
    pad: int = 1,
) -> _Run:
    """``moving`` advanced to ``as_of``; the run holds the steps it recorded."""
    policies, index = _resolve(moving["policy"].to_list(), *policy)
    bad = np.array([i is None for i in index], bool)
    if not policies:  # every issue is refused: the first one raises
        _replay_first(tables, moving, np.flatnonzero(bad), as_of, policy=policy, cal=cal)
    rules = _Rules.of(policies)
    pol = np.array([0 if i is None else i for i in index], np.int64)
    tier, bad_tier = _tier_index(moving, pol, rules)
    bad |= bad_tier
    marks = _windows(tables, moving, pol, rules)
    dates = ("updated", "deadline", "win_start", "win_deadline")
    lows = [as_of.year, *(moving[c].min().year for c in dates if moving[c].min() is not None)]
    highs = [as_of.year, *(moving[c].max().year for c in dates if moving[c].max() is not None)]
    days = WorkDays.of(cal, min(lows) - pad, max(highs) + pad)
    run = _Run.begin(moving, pol, tier, marks, rules=rules, days=days, bad=bad)
    run.go(epoch_day(as_of))
    failed = np.flatnonzero(run.failed)
    if len(failed) and not _replay_first(tables, moving, failed, as_of, policy=policy, cal=cal):
        return _advanced(tables, moving, as_of, policy=policy, cal=cal, pad=pad * 4)
    return run


def _replay_first(
    tables: LedgerTables,
    moving: Any,
    rows: Any,
    as_of: dt.date,
    *,
    policy: _Chosen,
    cal: WorkingCalendar,
) -> bool:
    """Advance the first issue of ``rows`` (ledger order) by the object rule, which raises.

    Returns False when it does not: the engine's span of days was too short.
    """
    if not len(rows):
        return True
    issue = history(tables, moving["id"][int(rows.min())])
    book, unrecorded = policy
    chosen = unrecorded if issue.status.policy is None and unrecorded is not None else book
    advance(issue, as_of, chosen, calendar=cal)
    return False


def _tier_index(moving: Any, pol: Any, rules: _Rules) -> tuple[Any, Any]:
    """Each issue's tier as an index into its policy's ladder, and where it is unknown."""
    index = np.full(len(moving), -1, np.int64)
    for i, p in enumerate(rules.policies):
        names = {t.name: k for k, t in enumerate(p.ladder.tiers)}
        mine = pol == i
        index[mine] = _codes(moving["tier"].filter(pl.Series(mine)), names)
    return np.maximum(index, 0), index < 0


def _codes(column: Any, codes: dict[str, int], missing: int = -1) -> Any:
    """The code of each text of ``column`` (``missing`` for null or unknown text), as int64."""
    coded = column.replace_strict(codes, default=missing, return_dtype=pl.Int64)
    return np.array(coded.fill_null(missing).to_numpy(), dtype=np.int64)  # a copy, writable


def _windows(tables: LedgerTables, moving: Any, pol: Any, rules: _Rules) -> Any:
    """Each moving issue's warnings and accountability already recorded in its window."""
    marks = (
        _events(tables)
        .filter(pl.col("_auto") & (pl.col("kind") == "note"))
        .join(
            moving.select("i", "win_seq", pl.int_range(pl.len()).alias("row")),
            on="i",
        )
        .filter(pl.col("seq") > pl.col("win_seq"))
        .select(
            "row",
            pl.col("_acc").alias("accounted"),
            pl.col("_share").alias("share"),
        )
    )
    parsed = {t: _warning_share(f"[warning {t}]") for t in marks["share"].drop_nulls().unique()}
    rows = marks["row"].to_numpy()
    warned = np.zeros(len(moving), np.int64)
    for row, text in zip(rows, marks["share"].to_list(), strict=True):
        share = None if text is None else parsed[text]
        shares = rules.policies[int(pol[row])].sheets.warnings
        if share in shares:
            warned[row] |= 1 << shares.index(share)
    accounted = np.zeros(len(moving), bool)
    accounted[rows[marks["accounted"].to_numpy()]] = True
    return warned, accounted


_NONE: Final = np.iinfo(np.int64).max


@attrs.define
class _Run:
    """The issues being advanced, as arrays, and the events recorded so far."""

    rules: _Rules
    days: WorkDays
    pol: Any
    state: Any
    updated: Any
    tier: Any
    owner: Any  # index into owners
    owners: list[str | None]
    tier_owner: Any  # [policy, tier]: the index of the tier's owner
    deadline: Any
    sheet: Any  # -1 none, else the SheetColor's severity
    start: Any
    end: Any  # the window's own deadline
    length: Any  # working days of the window, -1 when not counted
    warned: Any
    accounted: Any
    seq: Any
    seq0: Any  # the last seq before the run
    escalations: Any
    win_seq: Any  # the seq of the event that opened the window
    alive: Any
    failed: Any
    steps: list[dict[str, Any]] = attrs.field(factory=list)

    @classmethod
    def begin(
        cls,
        moving: Any,
        pol: Any,
        tier: Any,
        marks: tuple[Any, Any],
        *,
        rules: _Rules,
        days: WorkDays,
        bad: Any,
    ) -> _Run:
        owners = sorted(
            {*moving["owner"].drop_nulls().to_list()}
            | {t.owner for p in rules.policies for t in p.ladder.tiers}
        )
        code = {o: i for i, o in enumerate(owners)}
        owners_list: list[str | None] = [*owners, None]
        owner = _codes(moving["owner"], code, len(owners))
        tier_owner = np.zeros(rules.limit.shape, np.int64)
        for i, p in enumerate(rules.policies):
            for t, rung in enumerate(p.ladder.tiers):
                tier_owner[i, t] = code[rung.owner]
        has_window = moving["win_start"].is_not_null().to_numpy()
        start = _epoch(moving["win_start"])
        end = _epoch(moving["win_deadline"])
        length = np.full(len(moving), -1, np.int64)
        counted = rules.has_warnings[pol] & has_window
        failed = bad.copy()
        if counted.any():
            n, out = days.count(start[counted], end[counted])
            length[counted] = n
            failed[np.flatnonzero(counted)[out]] = True
        state = _codes(moving["state"], {s: i for i, s in enumerate(_STATES)})
        sheet = _codes(moving["sheet"], {s: i for i, s in enumerate(_SHEETS)})
        return cls(
            rules=rules,
            days=days,
            pol=pol,
            state=state,
            updated=_epoch(moving["updated"]),
            tier=tier,
            owner=owner,
            owners=owners_list,
            tier_owner=tier_owner,
            deadline=_epoch(moving["deadline"]),
            sheet=sheet,
            start=start,
            end=end,
            length=length,
            warned=marks[0],
            accounted=marks[1],
            seq=moving["last_seq"].to_numpy().astype(np.int64),
            seq0=moving["last_seq"].to_numpy().astype(np.int64),
            escalations=moving["escalations"].to_numpy().astype(np.int64),
            win_seq=moving["win_seq"].fill_null(-1).to_numpy().astype(np.int64),
            alive=has_window & ~failed,
            failed=failed,
        )

    def _shift(self, rows: Any, start: Any, n: Any) -> Any:
        """Shift working days for ``rows``; rows that leave the span fail and stop."""
        day, out = self.days.shift(start, n)
        if out.any():
            self.failed[rows[out]] = True
            self.alive[rows[out]] = False
        return day

    def go(self, as_of: int) -> None:
        """Record every step due on or before ``as_of``, round by round."""
        rules = self.rules
        while self.alive.any():
            a = np.flatnonzero(self.alive)
            p, deadline = self.pol[a], self.deadline[a]
            best = np.full(len(a), _NONE, np.int64)  # date * 4 + rank
            share = np.full(len(a), -1, np.int64)
            # the blue sheet: at the window's start, or some working days before the deadline
            blue = self.sheet[a] < 0
            before = rules.blue[p]
            at = self.start[a].copy()
            near = blue & (before >= 0)
            if near.any():
                at[near] = self._shift(a[near], deadline[near], -before[near])
            best = np.where(blue, at * 4 + 0, best)
            # warnings: the first share of the window not yet recorded
            warn = rules.has_warnings[p] & (self.length[a] >= 1)
            if warn.any():
                share = self._next_share(a, p, warn)
                w = share >= 0
                length = self.length[a]
                num = rules.num[p, np.maximum(share, 0)]
                den = rules.den[p, np.maximum(share, 0)]
                back = length - (-((-num * length) // den))
                at = deadline.copy()
                shifted = w & (back > 0)
                if shifted.any():
                    at[shifted] = self._shift(a[shifted], deadline[shifted], -back[shifted])
                best = np.where(w, np.minimum(best, at * 4 + 1), best)
            # the breach: the first working day after the deadline
            breach = ~self.accounted[a]
            if breach.any():
                at = deadline.copy()
                at[breach] = self._shift(a[breach], deadline[breach], 1)
                best = np.where(breach, np.minimum(best, at * 4 + 2), best)
            due = (best != _NONE) & self.alive[a]
            on = np.maximum(best >> 2, self.updated[a])
            act = due & (on <= as_of)
            self.alive[a[~act]] = False
            if act.any():
                self._record(a[act], on[act], (best & 3)[act], share[act])

    def _next_share(self, a: Any, p: Any, warn: Any) -> Any:
        share = np.full(len(a), -1, np.int64)
        for k in range(self.rules.num.shape[1]):
            free = (
                warn & (share < 0) & (k < self.rules.shares[p]) & ((self.warned[a] >> k) & 1 == 0)
            )
            share[free] = k
        return share

    def _record(self, rows: Any, on: Any, rank: Any, share: Any) -> None:
        rules = self.rules
        p = self.pol[rows]
        sheet, tier = self.sheet[rows], self.tier[rows]
        top = tier + 1 >= rules.tiers[p]
        step = np.select(
            [rank == 0, rank == 1, sheet <= 0, sheet == 1, ~top],
            [_BLUE, _WARN, _YELLOW, _RED, _ESCALATE],
            _TOP,
        )
        new_deadline = np.full(len(rows), -1, np.int64)
        yellow, escalate = step == _YELLOW, step == _ESCALATE
        if yellow.any():
            new_deadline[yellow] = self._shift(rows[yellow], on[yellow], rules.renewed[p[yellow]])
        if escalate.any():
            limit = rules.limit[p[escalate], tier[escalate] + 1]
            new_deadline[escalate] = self._shift(rows[escalate], on[escalate], limit)
        ok = ~self.failed[rows]
        rows, on, step, share, new_deadline = (
            rows[ok],
            on[ok],
            step[ok],
            share[ok],
            new_deadline[ok],
        )
        p, sheet, tier = p[ok], sheet[ok], tier[ok]
        yellow, escalate = step == _YELLOW, step == _ESCALATE
        self.seq[rows] += 1
        before_state = self.state[rows]
        self.steps.append(
            {
                "row": rows,
                "seq": self.seq[rows].copy(),
                "at": on,
                "step": step,
                "from_state": before_state,
                "old_deadline": self.deadline[rows].copy(),
                "old_tier": p * rules.stride + tier,
                "old_owner": self.owner[rows].copy(),
                "share": p * rules.stride + np.maximum(share, 0),
                "renewed": rules.renewed[p],
                "new_deadline": new_deadline,
                "new_tier": p * rules.stride + np.where(escalate, tier + 1, 0),
            }
        )
        self.updated[rows] = on
        blue = step == _BLUE
        self.sheet[rows[blue]] = 0
        self.sheet[rows[yellow]] = 1
        self.sheet[rows[step == _RED]] = 2
        warn = step == _WARN
        self.warned[rows[warn]] |= 1 << share[warn]
        self.accounted[rows[step == _TOP]] = True
        opened = yellow | escalate
        if opened.any():
            r, d = rows[opened], new_deadline[opened]
            self.deadline[r] = d
            self.start[r], self.end[r] = on[opened], d
            self.win_seq[r] = self.seq[r]
            self.warned[r] = 0
            self.accounted[r] = False
            counted = rules.has_warnings[p[opened]]
            if counted.any():
                n, out = self.days.count(on[opened][counted], d[counted])
                self.length[r[counted]] = n
                if out.any():
                    self.failed[r[counted][out]] = True
                    self.alive[r[counted][out]] = False
        if escalate.any():
            r = rows[escalate]
            self.tier[r] = tier[escalate] + 1
            self.state[r] = _STATES.index("escalated")
            self.owner[r] = self.tier_owner[p[escalate], tier[escalate] + 1]
            self.escalations[r] += 1

    def status(self, moving: Any) -> Any:
        """The status columns of the issues that took a step, as the run left them."""
        moved = np.flatnonzero(self.seq != self.seq0)
        p, t = self.pol[moved], self.tier[moved]
        names = _tier_texts(self.rules)[0]
        return pl.DataFrame(
            {
                "i": moving["i"].gather(pl.Series(moved)),
                "state": pl.Series(_STATES).gather(pl.Series(self.state[moved])),
                "updated": _dates(self.updated[moved]),
                "tier": pl.Series(names).gather(pl.Series(p * self.rules.stride + t)),
                "owner": pl.Series(self.owners, dtype=pl.String).gather(
                    pl.Series(self.owner[moved])
                ),
                "deadline": _dates(self.deadline[moved]),
                "sheet": pl.Series(_SHEETS).gather(pl.Series(np.maximum(self.sheet[moved], 0))),
                "escalations": self.escalations[moved],
                "events": moving["events"].gather(pl.Series(moved))
                + pl.Series(self.seq[moved] - self.seq0[moved]),
                "last_seq": self.seq[moved],
                "win_start": _dates(self.start[moved]),
                "win_deadline": _dates(self.end[moved]),
                "win_seq": self.win_seq[moved],
            }
        )

    def frame(self, moving: Any) -> Any:
        """The recorded steps as ``issue_events`` rows, notes written as the object rule's."""
        rules = self.rules
        cols = {k: np.concatenate([s[k] for s in self.steps]) for k in self.steps[0]}
        tier_names, tier_owners, tier_labels, tier_limits = _tier_texts(rules)
        share_texts, share_pcts = _share_texts(rules)
        steps = pl.DataFrame(cols).with_columns(
            issue=moving["id"].gather(pl.Series(cols["row"])),
            at=_dates(cols["at"]),
            old_deadline=_dates(cols["old_deadline"]).dt.to_string("%Y-%m-%d"),
            new_deadline=_dates(cols["new_deadline"]),
            old_tier=pl.Series(tier_names).gather(pl.Series(cols["old_tier"])),
            old_owner=pl.Series(self.owners, dtype=pl.String)
            .gather(pl.Series(cols["old_owner"]))
            .fill_null("None"),
            share_text=pl.Series(share_texts).gather(pl.Series(cols["share"])),
            share_pct=pl.Series(share_pcts).gather(pl.Series(cols["share"])),
            next_tier=pl.Series(tier_names).gather(pl.Series(cols["new_tier"])),
            next_owner=pl.Series(tier_owners).gather(pl.Series(cols["new_tier"])),
            next_label=pl.Series(tier_labels).gather(pl.Series(cols["new_tier"])),
            next_limit=pl.Series(tier_limits).gather(pl.Series(cols["new_tier"])),
            from_state=pl.Series(_STATES).gather(pl.Series(cols["from_state"])),
        )
        return _notes(steps).select(
            moving["i"].gather(pl.Series(cols["row"])).alias("i"),
            "issue",
            pl.col("seq").cast(pl.Int32),
            "at",
            pl.col("step").replace_strict(_KIND, return_dtype=pl.String).alias("kind"),
            pl.lit(AUTO_ACTOR).alias("actor"),
            "from_state",
            pl.when(pl.col("step") == _ESCALATE)
            .then(pl.lit("escalated"))
            .otherwise(pl.col("from_state"))
            .alias("to_state"),
            "note",
            pl.when(pl.col("step") == _ESCALATE).then(pl.col("next_tier")).alias("tier"),
            pl.when(pl.col("step") == _ESCALATE).then(pl.col("next_owner")).alias("owner"),
            pl.when(pl.col("step").is_in([_YELLOW, _ESCALATE]))
            .then(pl.col("new_deadline"))
            .alias("deadline"),
            pl.col("step")
            .replace_strict(_SHEET, default=None, return_dtype=pl.String)
            .alias("sheet"),
            pl.lit(None, pl.String).alias("party"),
            pl.lit(None, pl.String).alias("policy"),
        )


_KIND: Final = {
    _BLUE: "sheet_issued",
    _WARN: "note",
    _YELLOW: "sheet_issued",
    _RED: "sheet_issued",
    _ESCALATE: "escalated",
    _TOP: "note",
}
_SHEET: Final = {_BLUE: "blue", _YELLOW: "yellow", _RED: "red"}


def _notes(steps: Any) -> Any:
    """``steps`` with the note of each step, as :func:`projpush.escalation.advance` words it.

    Each kind of step's sentence is formatted on its own rows only (a
    ``when``/``then`` chain would format every sentence on every row), and
    the rows keep their order.
    """
    where = pl.format("{} ({})", "old_tier", "old_owner")
    due = pl.col("old_deadline")
    new = pl.col("new_deadline").dt.to_string("%Y-%m-%d")
    sentences = {
        _BLUE: pl.format("blue sheet: within the limit, due {} at {}", due, where),
        _WARN: pl.format(
            "[warning {}] {}% of the limit used; due {} at {}",
            "share_text",
            "share_pct",
            due,
            where,
        ),
        _YELLOW: pl.format(
            "deadline {} missed at {}; yellow sheet, renewed limit {} working days to {}",
            due,
            where,
            "renewed",
            new,
        ),
        _RED: pl.format(
            "renewed limit {} missed at {}; red sheet: notice and accountability", due, where
        ),
        _ESCALATE: pl.format(
            "limit {} missed at {}; escalated to {} ({}), {} working days to {}",
            due,
            where,
            "next_tier",
            "next_label",
            "next_limit",
            new,
        ),
        _TOP: pl.format(
            "[accountability] limit {} missed at the top tier {}; stays red, on the "
            "accountability list",
            due,
            where,
        ),
    }
    indexed = steps.with_row_index("_step_row")
    parts = [
        indexed.filter(pl.col("step") == step).with_columns(sentence.alias("note"))
        for step, sentence in sentences.items()
    ]
    return pl.concat(parts).sort("_step_row").drop("_step_row")


def _tier_texts(rules: _Rules) -> tuple[list[str], list[str], list[str], list[int]]:
    """Tier names, owners, labels and limits, indexed by ``policy * stride + tier``."""
    size, w = len(rules.policies) * rules.stride, rules.stride
    names, owners, labels, limits = [""] * size, [""] * size, [""] * size, [0] * size
    for i, p in enumerate(rules.policies):
        for t, tier in enumerate(p.ladder.tiers):
            names[i * w + t], owners[i * w + t] = tier.name, tier.owner
            labels[i * w + t] = f"{tier.owner}, {tier.zh}" if tier.zh else tier.owner
            limits[i * w + t] = tier.limit
    return names, owners, labels, limits


def _share_texts(rules: _Rules) -> tuple[list[str], list[str]]:
    """Warning shares as written (``1/2``) and as rounded percents, by ``policy * stride + k``."""
    size, w = len(rules.policies) * rules.stride, rules.stride
    texts, pcts = ["?"] * size, ["?"] * size
    for i, p in enumerate(rules.policies):
        for k, share in enumerate(p.sheets.warnings):
            texts[i * w + k], pcts[i * w + k] = str(share), str(round(share * 100))
    return texts, pcts


def _epoch(column: Any) -> Any:
    """A date column as ``date32`` numbers, missing dates as 0 (masked by the caller)."""
    return column.cast(pl.Int32).fill_null(0).to_numpy().astype(np.int64)


def _dates(days: Any) -> Any:
    return pl.Series(days.astype(np.int32)).cast(pl.Date)


# --------------------------------------------------------------------------- views


@overload
def overdue_table(
    tables: LedgerTables, as_of: dt.date, *, calendar: WorkingCalendar | None = None
) -> Any: ...
@overload
def overdue_table(
    tables: LedgerTables, as_of: dt.date, calendar: WorkingCalendar | None, /
) -> Any: ...
def overdue_table(
    tables: LedgerTables,
    as_of: dt.date,
    *old: WorkingCalendar | None,
    calendar: WorkingCalendar | None = None,
) -> Any:
    """Issues being handled whose deadline is before ``as_of``, most overdue first.

    The rows of :func:`projpush.escalation.overdue`: ``issue``, ``tier``,
    ``owner``, ``deadline``, ``sheet``, ``calendar_days`` and
    ``working_days`` past the deadline, and ``provisional`` (the count reads
    a year the calendar holds provisionally). Advance the tables first
    (:func:`advance_tables`) so that deadlines and sheets are current.
    ``calendar`` is a keyword; passed third, positionally, as before 0.2, it
    still works and warns (``DeprecationWarning``).

    Raises:
        ValidationError: ``as_of`` is not a date.
        CalendarCoverageError: a deadline or ``as_of`` lies in a year the calendar lacks.
    """
    if old:
        calendar = positional_calendar("overdue_table", old, calendar)
    plain_date_arg(as_of, "as_of")
    cal = resolve_calendar(calendar)
    day = pl.lit(as_of, dtype=pl.Date)
    late = _status(tables).filter(pl.col("state").is_in(_WORKING) & (pl.col("deadline") < day))
    deadline = _epoch(late["deadline"])
    working = np.zeros(len(late), np.int64)
    if len(late):
        low = late["deadline"].min().year
        days = WorkDays.of(cal, low, as_of.year)
        working, out = days.count(deadline, np.full(len(late), epoch_day(as_of)))
        if out.any():
            first = late["deadline"][int(np.flatnonzero(out)[0])]
            working_days_between(first, as_of, calendar=cal)  # raises the object rule's error
    return late.select(
        pl.col("id").alias("issue"),
        "tier",
        "owner",
        "deadline",
        "sheet",
        (day - pl.col("deadline")).dt.total_days().cast(pl.Int64).alias("calendar_days"),
        pl.Series("working_days", working, dtype=pl.Int64),
        _provisional(cal, as_of).alias("provisional"),
    ).sort(["working_days", "calendar_days", "issue"], descending=[True, True, False])


def _provisional(cal: WorkingCalendar, as_of: dt.date) -> Any:
    """Whether the working days from ``deadline`` to ``as_of`` read a provisional year."""
    years = [y for y in _provisional_years(cal) if y <= as_of.year]
    if not years:
        return pl.lit(value=False)
    return pl.col("deadline").dt.year() <= max(years)


def open_table(tables: LedgerTables) -> Any:
    """Open issues grouped by (tier, sheet colour), as the object view.

    The groups of :func:`projpush.escalation.open_by_tier_and_colour`, one
    row each: ``tier``, ``sheet`` (null: no sheet yet), ``count`` and
    ``issues`` (their ids, in ledger order), ordered by tier name, then from
    no sheet to red.
    """
    severity = pl.col("sheet").replace_strict(
        {s: i for i, s in enumerate(_SHEETS)}, default=-1, return_dtype=pl.Int8
    )
    return (
        _status(tables)
        .filter(pl.col("state") != "closed")
        .group_by("tier", "sheet", maintain_order=True)
        .agg(pl.len().alias("count"), pl.col("id").alias("issues"))
        .with_columns(pl.col("count").cast(pl.Int64))
        .sort(pl.col("tier").fill_null(""), severity.fill_null(-1))
    )


def _before(tables: LedgerTables, as_of: dt.date) -> Any:
    """Events up to ``as_of``, with what was in force just before each, and openness then.

    Added columns: ``owner_before`` and ``deadline_before`` (the latest
    recorded before the event), ``sheet_before`` (the previous event's
    sheet), ``open_then`` (the issue is not closed on ``as_of``).
    """
    last_open = pl.when(pl.col("_last")).then(pl.col("to_state") != "closed")
    return _bounds(
        _events(tables).filter(pl.col("at") <= pl.lit(as_of, dtype=pl.Date))
    ).with_columns(
        owner_before=_previous(_text("owner")),
        deadline_before=_previous(pl.col("deadline")),
        sheet_before=pl.when(pl.col("_row") > pl.col("_start")).then(pl.col("sheet").shift(1)),
        open_then=last_open.backward_fill(),
    )


def accountability_table(tables: LedgerTables, as_of: dt.date, *, yellows: int = 2) -> Any:
    """The accountability list at ``as_of``, one row per fact.

    The items of :func:`projpush.escalation.accountability_list`, with the
    columns ``unit``, ``issue``, ``reason`` (an
    :class:`~projpush.escalation.AccountabilityReason` value), ``on`` and
    ``detail``, ordered by unit, then day and issue, as the object list's
    entries and items are.

    Raises:
        ValidationError: ``as_of`` is not a date, or ``yellows`` not a whole
            number of at least 2.
    """
    plain_date_arg(as_of, "as_of")
    _check_yellows(yellows)
    kind, sheet = pl.col("kind"), pl.col("sheet")
    reason = (
        pl.when(pl.col("owner_before").is_null())
        .then(None)
        .when((kind == "sheet_issued") & (sheet == "red"))
        .then(pl.lit(AccountabilityReason.RED_SHEET.value))
        .when((kind == "sheet_issued") & (sheet == "yellow"))
        .then(pl.lit(AccountabilityReason.REPEATED_YELLOW.value))
        .when(
            (kind == "escalated")
            & pl.col("_auto")
            & ~(pl.col("sheet_before") == "red").fill_null(value=False)
        )
        .then(pl.lit(AccountabilityReason.MISSED_AT_RED.value))
        .when(pl.col("_acc") & pl.col("open_then"))
        .then(pl.lit(AccountabilityReason.TOP_TIER_UNRESOLVED.value))
    )
    yellow = pl.col("reason") == AccountabilityReason.REPEATED_YELLOW.value
    # Lazy: the sort carries only the columns the list needs, not every event column.
    items = (
        _before(tables, as_of)
        .lazy()
        .with_columns(reason=reason)
        .filter(pl.col("reason").is_not_null())
        .filter(~yellow | (yellow.sum().over("owner_before") >= yellows))
        .join(_status(tables).lazy().select("i", pl.col("id").alias("issue")), on="i")
        .sort("owner_before", "at", "issue", yellow, "seq")
        .collect()
    )
    notes = tables.issue_events.column("note").take(pa.array(items["_pos"].to_numpy()))
    return items.select(
        pl.col("owner_before").alias("unit"),
        "issue",
        "reason",
        pl.col("at").alias("on"),
        pl.Series("detail", pl.from_arrow(notes), dtype=pl.String),
    )


_COUNTS: Final = (
    "handled",
    "resolved",
    "resolved_on_time",
    "closed",
    "escalated_away",
    "yellow_sheets",
    "red_sheets",
    "open_now",
)


def unit_stats_table(tables: LedgerTables, as_of: dt.date) -> Any:
    """Per-unit handling statistics up to ``as_of``, by unit name.

    One row per unit, with the counts of :class:`~projpush.escalation.UnitStats`,
    as :func:`projpush.escalation.unit_stats` gives them.

    Raises:
        ValidationError: ``as_of`` is not a date.
    """
    plain_date_arg(as_of, "as_of")
    events = _before(tables, as_of)
    kind, unit = pl.col("kind"), pl.col("owner_before")
    resolved = kind == "resolved"
    counted = (
        events.filter(unit.is_not_null())
        .group_by(unit.alias("unit"))
        .agg(
            resolved=resolved.sum(),
            resolved_on_time=(resolved & (pl.col("at") <= pl.col("deadline_before"))).sum(),
            closed=(kind == "closed").sum(),
            escalated_away=(kind == "escalated").sum(),
            yellow_sheets=((kind == "sheet_issued") & (pl.col("sheet") == "yellow")).sum(),
            red_sheets=((kind == "sheet_issued") & (pl.col("sheet") == "red")).sum(),
        )
    )
    handled = (
        events.filter(_text("owner").is_not_null())
        .select(pl.col("owner").alias("unit"), "i")
        .unique()
        .group_by("unit")
        .agg(handled=pl.len())
    )
    open_now = (
        events.select(_latest(_text("owner")).alias("unit"), "open_then", "_last")
        .filter(pl.col("_last") & pl.col("open_then") & pl.col("unit").is_not_null())
        .group_by("unit")
        .agg(open_now=pl.len())
    )
    return (
        handled.join(counted, on="unit", how="full", coalesce=True)
        .join(open_now, on="unit", how="full", coalesce=True)
        .select("unit", *(pl.col(c).fill_null(0).cast(pl.Int64) for c in _COUNTS))
        .sort("unit")
    )
