"""The model's rules across a ledger's rows, column-wise: what the trusted tables route checks.

:func:`~projpush.engine.tables.to_portfolio` checks a ledger by building it
as objects, which takes about a minute at 100,000 projects. The engine
(``projpush report --trusted`` of a Parquet folder or a database) reads the
tables as recorded instead, and checks here, over whole columns, that they
hold a ledger ``to_portfolio`` would accept:

- :func:`check_rows`, run by both routes first: each table's row key
  (:data:`~projpush.engine.tables.ROW_KEYS`) and each list's ``seq`` is
  given once, a month is the first day of its month, and every child row's
  owner is in its table. A table holds what a JSON object or list holds,
  so a row key given twice is the JSON key written twice, and refused;
- :func:`check_tables`, the trusted route's (``build_report_tables``): the
  unique keys across records (local ids and the codes they spell, issue
  ids, the names of leaders, secretaries, units and task forces, and each
  record's lists, compared folded as the model compares them), every
  reference (a project named by a leader, a secretary, a task force or an
  issue, a secretary's cadences and contacts for projects they serve),
  each project's stage history, and the value rules of every record that
  the column types do not already enforce (see ``docs/tables.md``);
- :func:`check_issues`, the issue views' (the problem list alone), and
  :func:`refuse_issue`, which the engine's history check calls.

The checks find the records that may break a rule (a superset, never
fewer); the first of them is then built as an object exactly as
``to_portfolio`` builds it, so the refusal is ``to_portfolio``'s own error,
class, field and message. A ledger projpush wrote has no such record, and
costs only the column scans: 0.4–0.5 s at 100,000 projects and 300,000
issues on a quiet two-core machine, beside 6–12 s for the report
(``docs/tables.md``, "What the trusted route checks").

>>> from projpush.engine import from_portfolio
>>> from projpush.synth import sample_portfolio
>>> check_tables(from_portfolio(sample_portfolio()))  # a ledger projpush wrote: nothing found
"""

from __future__ import annotations

import sys
from functools import partial
from typing import TYPE_CHECKING, Any, Final

from projpush._extras import require
from projpush.errors import (
    DuplicateKeyError,
    ProjpushError,
    UnknownReferenceError,
    ValidationError,
)
from projpush.model import _STAGE_AFTER, _STAGE_STEPS, Issue, IssueEvent, Month, Project

if TYPE_CHECKING:
    from projpush.engine.tables import LedgerTables

pl: Any = require("polars", extra="engine", user="projpush.engine")
pa: Any = require("pyarrow", extra="engine", user="projpush.engine")
pc: Any = require("pyarrow.compute", extra="engine", user="projpush.engine")

__all__ = ["check_issues", "check_rows", "check_tables", "refuse_issue"]

# Every character Python's str.strip() removes: the model strips text with it.
_SPACE: Final = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())
# A national project code as the model writes it (ProjectCode.__str__).
_CODE: Final = r"^[0-9]{4}-[0-9]{6}-[0-9]{2}-[0-9]{2}-[0-9]{6}$"
_CODE_LENGTH: Final = 24
_BLANK: Final = "^[" + "".join(f"\\x{{{ord(c):x}}}" for c in _SPACE) + "]*$"
_PLAIN_CODE: Final = r"^[!-~](?:[ -~]*[!-~])?$"

# The tables whose rows are a list of the ledger (no owner): their seq is unique alone.
_LISTS: Final = ("projects", "leaders", "secretaries", "issues", "units", "task_forces")

# The last tables checked, by identity (Arrow tables never change): a monthly cycle
# prepares the issues several times, and the tables it advances share all the others.
_CHECKED: list[tuple[int, ...]] = []
_HELD: list[Any] = []  # the checked tables themselves, so that their ids stay theirs


def check_rows(tables: LedgerTables, names: tuple[str, ...] | None = None) -> dict[str, Any]:
    """Refuse a row key given twice in any table, or a month that is not a month's first day.

    Both routes run this first (``to_portfolio`` and :func:`check_tables`),
    so they refuse such a ledger alike. In ``projects`` the first key given
    again (in ``seq`` order) is named by its row's ``seq``, as before;
    elsewhere the later row of the pair is named by its key columns.

    ``names`` limits the check to those tables (``projects`` and
    ``monthly`` are checked only when named).

    Returns:
        For each table checked that has rows, the owner of each run of its rows
        (a polars Series) when they are grouped by owner as projpush writes
        them, else the whole owner column: the owners the table names.

    Raises:
        DuplicateKeyError: ``field`` is ``table.column``, the key's last column.
        ValidationError: ``monthly.month`` is not the first day of a month.
    """
    from projpush.engine.tables import ROW_KEYS  # noqa: PLC0415 (tables calls this)

    names = tuple(ROW_KEYS) if names is None else names
    owners: dict[str, Any] = {}
    if "projects" in names:
        projects = pl.from_arrow(tables.projects.select(["seq", "key"])).sort("seq")
        if projects["key"].n_unique() < len(projects):
            seq, key = projects.filter(~pl.col("key").is_first_distinct()).row(0)
            msg = f"projects.key: row seq={seq}: duplicate key {key!r}"
            raise DuplicateKeyError(msg, field="projects.key", expected="a unique key", got=key)
        owners["projects"] = projects["key"]
    monthly = tables.monthly
    if "monthly" in names and monthly.num_rows:
        days = pl.from_arrow(monthly.select(["key", "month"]))
        off = days.filter(pl.col("month").dt.day() != 1)
        if len(off):
            key, month = off.row(0)
            msg = f"monthly.month: row key={key!r}: expected the first day of a month, got {month}"
            raise ValidationError(
                msg, field="monthly.month", expected="the first day of a month", got=month
            )
    for name in names:
        table, keys = getattr(tables, name), ROW_KEYS[name]
        if name == "projects" or not table.num_rows:
            continue
        owners[name] = _unique_rows(name, table, keys)
        if name in _LISTS:
            _unique_rows(name, table, ("seq",))
    for child, owner in _OWNERS.items():
        if child in owners:
            _refuse_orphans(tables, child, owners[child], owner)
    return owners


# Each child table's owner column, and the table and column it names.
_OWNERS: Final = {
    "annual_plans": ("key", "projects", "key"),
    "monthly": ("key", "projects", "key"),
    "milestones": ("key", "projects", "key"),
    "approvals": ("key", "projects", "key"),
    "stage_events": ("key", "projects", "key"),
    "site_observations": ("key", "projects", "key"),
    "leader_projects": ("leader", "leaders", "name"),
    "secretary_projects": ("secretary", "secretaries", "name"),
    "secretary_cadences": ("secretary", "secretaries", "name"),
    "contacts": ("secretary", "secretaries", "name"),
    "issue_events": ("issue", "issues", "id"),
    "task_force_members": ("task_force", "task_forces", "name"),
    "task_force_projects": ("task_force", "task_forces", "name"),
}


def _refuse_orphans(
    tables: LedgerTables, child: str, named: Any, owner: tuple[str, str, str]
) -> None:
    """Refuse a row of ``child`` whose owner is no row of its table: the first, in row order."""
    column, parent, key = owner
    owners = pl.from_arrow(getattr(tables, parent).column(key))
    if not _missing(named, owners):
        return
    got = named.filter(~named.is_in(owners.implode()))[0]
    article = "an" if key[0] in "aeiou" else "a"
    raise ValidationError.about(f"{child}.{column}", f"{article} {key} of the {parent} table", got)


def _unique_rows(name: str, table: Any, keys: tuple[str, ...]) -> Any:
    """Refuse a row of ``table`` whose ``keys`` an earlier row has; the owners it names."""
    frame = pl.from_arrow(table.select(list(keys)))
    runs = _runs(frame, keys)
    if runs is not None:
        return runs
    key = pl.struct(keys) if len(keys) > 1 else pl.col(keys[0])
    again = frame.filter(~key.is_first_distinct())
    if not len(again):
        return frame[keys[0]]
    values = again.row(0)
    cell = f"{name}.{keys[-1]}"
    where = ", ".join(f"{c}={_shown(v)}" for c, v in zip(keys, values, strict=True))
    got = values[-1] if len(values) == 1 else ", ".join(_shown(v) for v in values)
    msg = f"{cell}: row {where}: given twice; expected a unique key"
    raise DuplicateKeyError(msg, field=cell, expected="a unique key", got=got)


def _runs(frame: Any, keys: tuple[str, ...]) -> Any:
    """The owner of each run of rows, if no key can repeat: else None.

    As projpush writes a table, its rows come grouped by owner, the second
    key rising within each group: then comparing neighbours proves every
    key unique, without hashing a million pairs.
    """
    if len(keys) == 1:
        return frame[keys[0]] if frame[keys[0]].n_unique() == len(frame) else None
    owner, second = pl.col(keys[0]), pl.col(keys[1])
    new = (owner != owner.shift(1)).fill_null(value=True)
    marked = frame.select(new.alias("_new"), (~new & (second <= second.shift(1))).alias("_back"))
    if marked["_back"].any():
        return None
    runs = frame[keys[0]].filter(marked["_new"])
    return runs if runs.n_unique() == len(runs) else None


def _shown(value: Any) -> str:
    from projpush.engine.tables import _cell_text  # noqa: PLC0415

    return _cell_text(value)


def check_tables(tables: LedgerTables) -> None:
    """Refuse the tables as ``to_portfolio`` would, with its error; do nothing for a good ledger.

    Runs :func:`check_rows`, then finds column-wise every record that may
    break a rule of the model (see the module), and builds the first of
    them as ``to_portfolio`` does, which raises its error. The issue
    histories are checked by the engine as it prepares the events
    (:func:`refuse_issue`). The tables last checked are remembered, so a
    report's stages check them once.

    Raises:
        ProjpushError: the error ``to_portfolio`` raises for these tables
            (``DuplicateKeyError``, ``UnknownReferenceError``,
            ``InvalidTransition``, ``ValidationError`` ...), located as it
            locates it.
    """
    ids = tuple(id(table) for _, table in tables)
    if _CHECKED and _CHECKED[0] == ids:
        return
    owners = check_rows(tables)
    for key in _project_suspects(tables):
        _refuse_project(tables, key)
    if _later_suspects(tables, owners):
        from projpush.engine.tables import to_portfolio  # noqa: PLC0415

        to_portfolio(tables)  # raises its error; a record only suspected passes
    _CHECKED[:] = [ids]
    _HELD[:] = [table for _, table in tables]
    # check_issues finds nothing more: its rules are among the ones just checked
    _ISSUES_CHECKED[:] = [(id(tables.issues), id(tables.issue_events))]
    _ISSUES_HELD[:] = [tables.issues, tables.issue_events]


_ISSUES_CHECKED: list[tuple[int, ...]] = []
_ISSUES_HELD: list[Any] = []


def check_issues(tables: LedgerTables) -> None:
    """Refuse a problem list that breaks the model's rules for issues, as ``to_portfolio`` would.

    The engine's issue views (:func:`~projpush.engine.status_table`,
    :func:`~projpush.engine.advance_tables` and the rest) run this on every
    tables they are given, which may hold a problem list alone
    (:func:`~projpush.engine.from_issues`): an issue's id or event given
    twice or an event of no issue (:func:`check_rows`), an id or a project
    key the model would refuse or read otherwise, a blank title, actor or
    payload text, and two ids that are one once folded. The histories are checked as the events are
    prepared (:func:`refuse_issue`); whether each issue's project is in the
    ledger is a rule of the whole ledger (:func:`check_tables`).

    Raises:
        ProjpushError: the error ``to_portfolio`` raises for the issue at fault.
    """
    ids = (id(tables.issues), id(tables.issue_events))
    if _ISSUES_CHECKED and _ISSUES_CHECKED[0] == ids:
        return
    check_rows(tables, ("issues", "issue_events"))
    for issue_id in _issue_suspects(tables):
        refuse_issue(tables, issue_id)
    _refuse_folded_ids(tables, pl.from_arrow(tables.issues.select(["seq", "id"])).sort("seq"))
    _ISSUES_CHECKED[:] = [ids]
    _ISSUES_HELD[:] = [tables.issues, tables.issue_events]


def _issue_suspects(tables: LedgerTables) -> list[str]:
    """The ids of the issues whose values may break a rule, in ledger order."""
    issues = _frame(tables, "issues", ["seq", "id", "project", "title"])
    odd = issues.filter(
        ~pl.col("id").str.contains(_PLAIN_CODE) | ~pl.col("project").str.contains(_PLAIN_CODE)
    )
    odd = odd.filter(
        (_folded("id") != pl.col("id"))
        | (pl.col("id") == "")
        | (_folded("project") != pl.col("project"))
        | (pl.col("project") == "")
    )
    found = [odd["id"], issues.filter(_blank("title"))["id"]]
    events = tables.issue_events
    for column in ("actor", "tier", "owner", "party", "policy"):  # a million rows: in Arrow
        blank = pc.equal(pc.utf8_trim(events.column(column), _SPACE), "")
        if pc.any(blank).as_py():
            found.append(pl.from_arrow(events.column("issue").filter(blank)))
    suspect = pl.concat([s.cast(pl.String) for s in found]).unique()
    if not len(suspect):
        return []
    return [str(i) for i in issues.filter(pl.col("id").is_in(suspect.implode())).sort("seq")["id"]]


def _refuse_folded_ids(tables: LedgerTables, issues: Any) -> None:
    """Refuse two issue ids that are one once folded, as the portfolio's index does."""
    from projpush.engine.tables import _in_record  # noqa: PLC0415 (it calls this module)

    folded = issues.select(_folded("id").alias("id"))["id"]
    if folded.n_unique() == len(folded):
        return
    again = folded.is_first_distinct().not_().arg_true()[0]
    key = folded[again]
    msg = f"issues[{again}]: duplicate key {key!r}"
    error = DuplicateKeyError(msg, field=f"issues[{again}]", expected="a unique key", got=key)
    raise _in_record(error, tables, "issues", key, "")


# --------------------------------------------------------------------------- finding suspects


def _folded(column: str) -> Any:
    """``normalise_text`` over a column: NFKC, then the ends' spaces stripped."""
    return pl.col(column).str.normalize("NFKC").str.strip_chars(_SPACE)


def _blank(column: str) -> Any:
    """The text the model's ``to_text`` refuses: empty once stripped (null: not blank)."""
    return pl.col(column).str.contains(_BLANK)


def _any(frame: Any, *conditions: Any) -> bool:
    """Whether any row of ``frame`` meets any of ``conditions`` (a null meets none)."""
    if not len(frame) or not conditions:
        return False
    condition = conditions[0]
    for other in conditions[1:]:
        condition = condition | other
    return bool(frame.select(condition.fill_null(value=False).any()).item())


def _odd_codes(frame: Any, column: str) -> bool:
    """A code the model would refuse, or read otherwise than written (not in its folded form).

    Printable ASCII with no space at its ends is its own folded form; only
    the other codes (a local id in Chinese, say) are folded to compare.
    """
    if not len(frame):
        return False
    odd = frame.select(column).filter(~pl.col(column).str.contains(_PLAIN_CODE))
    return _any(odd, (_folded(column) != pl.col(column)) | (pl.col(column) == ""))


def _frame(tables: LedgerTables, name: str, columns: list[str] | None = None) -> Any:
    table = getattr(tables, name)
    return pl.from_arrow(table if columns is None else table.select(columns))


def _bad_money(table: Any, column: str, *, bounded: bool) -> Any:
    """Rows whose amount the model refuses: below zero, or (``bounded``) 10^16 万元 or more.

    Every amount is bounded; a percent (a milestone's) is bounded by 100 instead.
    """
    data = table.column(column)
    bad = pc.less(data, pa.scalar(0, data.type))
    if bounded:
        bad = pc.or_(bad, pc.greater_equal(data, pa.scalar(10**16, data.type)))
    return pl.Series("_money", pc.fill_null(bad, fill_value=False))


def _folded_twice(frame: Any, owner: str | None, column: str) -> bool:
    """Two rows of one owner (or of the whole table) whose ``column`` is one text once folded."""
    if len(frame) < 2:
        return False
    folded = _folded(column)
    key = folded if owner is None else pl.struct(pl.col(owner), folded)
    return bool(frame.select(key.is_duplicated().any()).item())


def _missing(names: Any, owners: Any) -> bool:
    """Some of ``names`` (a Series) is not among ``owners`` (a Series)."""
    if not len(names) or names.equals(owners, check_names=False):  # the owners, in their order
        return False
    return not bool(names.is_in(owners.implode()).all())


def _project_suspects(tables: LedgerTables) -> list[str]:
    """The keys of the projects whose own rules may fail (values, lists, stage history), in order.

    Every rule ``Project(...)`` and its parts check that the column types
    do not: text the model refuses blank, a code or local id it would read
    otherwise or not at all, a key that is not the project's, an amount
    below zero or beyond 10^16 万元, a year beyond 1900 to 2200, a
    milestone or approval whose dates or percent disagree, list names
    given twice once folded, and the stage history.
    """
    projects = _frame(tables, "projects").with_columns(
        _bad_money(tables.projects, "total_investment", bounded=True)
    )
    code, local = pl.col("code"), pl.col("local_id")
    year = code.str.slice(0, 4).cast(pl.Int32, strict=False)
    found = [
        projects.filter(
            _blank("name")
            | _blank("region")
            | _blank("unit")
            | _blank("owner")
            | _blank("task_force")
            | (code.is_not_null() & (~code.str.contains(_CODE) | (year < 1990) | (year > 2200)))
            | (code.is_null() & local.is_null())
            | (pl.col("key") != pl.coalesce(code, local))
            | pl.col("_money")
        )["key"]
    ]
    plans = _frame(tables, "annual_plans", ["key", "year"])
    plans = plans.with_columns(_bad_money(tables.annual_plans, "plan", bounded=True))
    found.append(
        plans.filter(pl.col("_money") | (pl.col("year") < 1900) | (pl.col("year") > 2200))["key"]
    )
    monthly = _frame(tables, "monthly", ["key"]).with_columns(
        _bad_money(tables.monthly, "plan", bounded=True)
        | _bad_money(tables.monthly, "done", bounded=True)
    )
    found.append(monthly.filter(pl.col("_money"))["key"])
    milestones = _frame(tables, "milestones").with_columns(
        _bad_money(tables.milestones, "percent", bounded=False)
    )
    start, done, percent = pl.col("start"), pl.col("done"), pl.col("percent")
    found.append(
        milestones.filter(
            _blank("name")
            | _blank("unit")
            | (done < start)
            | (pl.col("planned") < start)
            | (done.is_not_null() & percent.is_not_null() & (percent != 100))
            | pl.col("_money")
            | (percent > 100)
            | pl.struct("key", _folded("name")).is_duplicated()
        )["key"]
    )
    approvals = _frame(tables, "approvals", ["key", "name", "authority", "applied", "granted"])
    found.append(
        approvals.filter(
            _blank("name")
            | _blank("authority")
            | (pl.col("granted") < pl.col("applied"))
            | pl.struct("key", _folded("name")).is_duplicated()
        )["key"]
    )
    sites = _frame(tables, "site_observations", ["key", "source"])
    found.append(sites.filter(_blank("source"))["key"])
    found.append(_stage_suspects(tables, projects))
    odd = projects.filter(local.is_not_null() & ~local.str.contains(_PLAIN_CODE))
    found.append(odd.filter((_folded("local_id") != local) | (local == ""))["key"])
    suspect = pl.concat([s.cast(pl.String) for s in found]).unique()
    if not len(suspect):
        return []
    order = projects.filter(pl.col("key").is_in(suspect.implode())).sort("seq")
    return [str(key) for key in order["key"]]


_STEP_PAIRS: Final = tuple(
    f"{'' if before is None else before.value}|{kind.value}"
    for before, kinds in _STAGE_STEPS.items()
    for kind in kinds
)
_LEADS_TO: Final = {kind.value: stage.value for kind, stage in _STAGE_AFTER.items()}


def _stage_suspects(tables: LedgerTables, projects: Any) -> Any:
    """Projects whose stage history the model refuses.

    As ``Project._check_stage_events``: an event dated before the one
    before it, a step not allowed after the one before (the first must be
    ``started``), or a last event that does not lead to the project's stage.
    """
    events = _frame(tables, "stage_events", ["key", "seq", "kind", "on"])
    if not len(events):
        return pl.Series("key", [], pl.String)
    if _runs(events, ("key", "seq")) is None:  # not as projpush writes it: put it in order
        events = events.sort("key", "seq")
    kind, key = pl.col("kind").cast(pl.String), pl.col("key")
    first = (key != key.shift(1)).fill_null(value=True)
    last = (key != key.shift(-1)).fill_null(value=True)
    before = pl.when(~first).then(kind.shift(1)).otherwise(pl.lit(""))
    pair = pl.concat_str([before, pl.lit("|"), kind])
    back = ~first & (pl.col("on") < pl.col("on").shift(1))
    broken = events.filter(back | ~pair.is_in(_STEP_PAIRS))["key"]
    ends = events.filter(last).select("key", kind.replace_strict(_LEADS_TO).alias("_leads"))
    stages = projects.select("key", pl.col("stage").cast(pl.String).alias("_stage"))
    wrong = ends.join(stages, on="key").filter(pl.col("_leads") != pl.col("_stage"))["key"]
    return pl.concat([broken, wrong])


def _later_suspects(tables: LedgerTables, owners: dict[str, Any]) -> bool:
    """Whether a rule ``to_portfolio`` checks after building the projects may fail.

    The people's rules and references, the issues' values and projects
    (their histories are the engine's own check), and the keys the
    portfolio keeps unique. (A child row's owner is :func:`check_rows`'s.)
    """
    keys = owners["projects"]
    if _people_suspects(tables):
        return True
    issues = _frame(tables, "issues", ["id", "project", "title"])
    if _odd_codes(issues, "id") or _odd_codes(issues, "project") or _any(issues, _blank("title")):
        return True
    events = tables.issue_events
    for column in ("actor", "tier", "owner", "party", "policy"):  # a million rows: in Arrow
        if pc.any(pc.equal(pc.utf8_trim(events.column(column), _SPACE), "")).as_py():
            return True
    if _shared_ids(_frame(tables, "projects", ["key", "code", "local_id"])):
        return True
    named = [_frame(tables, t, ["project"])["project"] for t, _, _ in _PROJECT_LISTS]
    if any(_missing(n, keys) for n in (*named, issues["project"])):
        return _refuse_unknown(tables, keys)
    return False


# The lists of projects a person or a task force holds: (table, owner table, owner column).
_PROJECT_LISTS: Final = (
    ("leader_projects", "leaders", "leader"),
    ("secretary_projects", "secretaries", "secretary"),
    ("task_force_projects", "task_forces", "task_force"),
)


def _refuse_unknown(tables: LedgerTables, keys: Any) -> bool:
    """Refuse the first reference to no project, as the portfolio's index does.

    Nothing else is at fault but, perhaps, an issue's history, which
    ``to_portfolio`` would refuse first (it builds every issue before the
    portfolio's index): the histories are checked before, by the engine.
    Then, in the index's order, each leader's, secretary's and task force's
    projects (in ledger order), then each issue's. True (ask ``to_portfolio``)
    when an owner's name is not as the model holds it (spaces at its ends).
    """
    from projpush.engine.escalation import _prepare  # noqa: PLC0415 (it builds on this module)
    from projpush.engine.tables import _in_record  # noqa: PLC0415

    _prepare(tables)  # refuses a broken history, as to_portfolio would first
    for child, parent, column in _PROJECT_LISTS:
        owners = _frame(tables, parent, ["seq", "name"]).sort("seq").with_row_index("_j")
        rows = _frame(tables, child, [column, "seq", "project"])
        rows = rows.join(owners.select("name", "_j"), left_on=column, right_on="name")
        rows = rows.sort("_j", "seq").with_columns(pl.int_range(pl.len()).over("_j").alias("_i"))
        bad = rows.filter(~pl.col("project").is_in(keys.implode()))
        if not len(bad):
            continue
        j, i, name, project = bad.select("_j", "_i", column, "project").row(0)
        if name != name.strip():
            return True
        what = {"leaders": "leader", "secretaries": "secretary"}.get(parent, "task force")
        msg = f"{what} {name!r}.projects[{i}]: refers to unknown project {project!r}"
        error = UnknownReferenceError(
            msg,
            field=f"{parent}[{j}].projects[{i}]",
            expected="a project in the portfolio",
            got=project,
        )
        raise _in_record(error, tables, parent, name, f"projects[{i}]")
    issues = _frame(tables, "issues", ["seq", "id", "project"]).sort("seq").with_row_index("_i")
    bad = issues.filter(~pl.col("project").is_in(keys.implode()))
    if not len(bad):  # pragma: no cover (a reference to no project was found above)
        return True
    i, issue_id, project = bad.select("_i", "id", "project").row(0)
    msg = f"issues[{i}] ({issue_id}): refers to unknown project {project!r}"
    error = UnknownReferenceError(
        msg, field=f"issues[{i}].project", expected="a project in the portfolio", got=project
    )
    raise _in_record(error, tables, "issues", issue_id, "project")


def _people_suspects(tables: LedgerTables) -> bool:  # noqa: C901, PLR0911 (a rule a line)
    """The rules of leaders, secretaries, units and task forces, and a secretary's references."""
    for name, owner, texts in (
        ("leaders", None, ("name",)),
        ("secretaries", None, ("name", "unit")),
        ("units", None, ("name", "kind", "region")),
        ("task_forces", None, ("name", "lead")),
        ("task_force_members", "task_force", ("member",)),
    ):
        frame = _frame(tables, name, [*texts, *([owner] if owner else [])])
        if _any(frame, *(_blank(c) for c in texts)):
            return True
        if _folded_twice(frame, owner, texts[0]):
            return True
    for name, column in (
        ("leader_projects", "leader"),
        ("secretary_projects", "secretary"),
        ("task_force_projects", "task_force"),
    ):
        frame = _frame(tables, name, [column, "project"])
        if _odd_codes(frame, "project"):  # (a project of no project is _refuse_unknown's)
            return True
        # a key given twice to one owner, exactly (its codes are folded already)
        if len(frame) and frame.select(pl.struct(column, "project").is_duplicated().any()).item():
            return True
    served = _frame(tables, "secretary_projects", ["secretary", "project"])
    pair = pl.concat_str(["secretary", pl.lit("\0"), "project"]).alias("_pair")
    for name in ("secretary_cadences", "contacts"):
        columns = ["secretary", "project", *(["mode"] if name == "contacts" else [])]
        frame = _frame(tables, name, columns)
        if not len(frame):
            continue
        if _odd_codes(frame, "project") or (name == "contacts" and _any(frame, _blank("mode"))):
            return True
        if _missing(frame.select(pair)["_pair"], served.select(pair)["_pair"]):
            return True
    return False


def _shared_ids(projects: Any) -> bool:
    """Two projects named by one text (``projpush.model.project_ids``).

    Local ids given twice, or a local id (or the code it spells) that is
    another project's key or another's local id.
    """
    local = projects.filter(pl.col("local_id").is_not_null())
    if not len(local):
        return False
    local = local.with_columns(_folded("local_id").alias("local_id"))  # as the model holds it
    if local["local_id"].n_unique() < len(local):
        return True
    spelled = pl.col("local_id").str.replace_all("[—–]", "-")
    texts = pl.concat(
        [
            local.filter(pl.col("local_id") != pl.col("key")).select(
                "key", pl.col("local_id").alias("_t")
            ),
            local.filter(pl.col("local_id").str.len_chars() == _CODE_LENGTH).select(
                "key", spelled.alias("_t")
            ),
        ]
    ).unique()
    texts = texts.filter(pl.col("_t") != pl.col("key"))
    if not len(texts):
        return False
    named = pl.concat([projects["key"], texts["_t"]])
    return bool(named.n_unique() < len(named))


# --------------------------------------------------------------------------- refusing


def _refuse_project(tables: LedgerTables, key: str) -> None:
    """Build the project ``key`` exactly as ``to_portfolio`` builds it: its error, if any."""
    from projpush.engine.tables import (  # noqa: PLC0415 (it calls this module)
        _PROJECT_CHILDREN,
        _by_owner,
        _in_record,
        _made,
        _nth,
        _ordered,
    )

    def mine(name: str) -> list[dict[str, Any]]:
        data = getattr(tables, name)
        return _by_owner(data.filter(pc.equal(data["key"], key)), "key").get(key, [])

    row = _ordered(tables.projects.filter(pc.equal(tables.projects["key"], key)))[0]
    row.pop("key")
    for table, (field, build) in _PROJECT_CHILDREN.items():
        data = getattr(tables, table)
        row[field] = tuple(
            _made(build, r, table, partial(_nth, data, "key", key, i))
            for i, r in enumerate(mine(table))
        )
    row["annual_plans"] = {r["year"]: r["plan"] for r in mine("annual_plans")}
    months = mine("monthly")
    row["monthly_plan"] = {Month.of(r["month"]): r["plan"] for r in months if r["plan"] is not None}
    row["monthly_done"] = {Month.of(r["month"]): r["done"] for r in months if r["done"] is not None}
    try:
        project = Project(**row)
    except ProjpushError as error:
        raise _in_record(error, tables, "projects", key) from None
    if project.key != key:
        raise ValidationError.about("projects.key", f"the project's key {project.key!r}", key)


def refuse_issue(tables: LedgerTables, issue_id: str) -> None:
    """Build the issue ``issue_id`` exactly as ``to_portfolio`` builds it: its error, if any.

    The engine calls this for each issue whose history it suspects, in
    ledger order, so a broken history is refused in ``to_portfolio``'s
    words, located at the event's row (``issue_events.kind: row
    issue='Q-1', seq=3: ...``).

    Raises:
        ProjpushError: the error ``to_portfolio`` raises for this issue.
    """
    from projpush.engine.tables import (  # noqa: PLC0415 (it calls this module)
        _by_owner,
        _in_record,
        _made,
        _nth,
        _ordered,
    )

    issues, events = tables.issues, tables.issue_events
    rows = _ordered(issues.filter(pc.equal(issues["id"], issue_id)))
    if not rows:
        raise ValidationError.about("issue", "an issue id of the ledger", issue_id)
    row = rows[0]
    own = _by_owner(events.filter(pc.equal(events["issue"], issue_id)), "issue")
    row["events"] = tuple(
        _made(IssueEvent, e, "issue_events", partial(_nth, events, "issue", issue_id, i))
        for i, e in enumerate(own.get(issue_id, []))
    )
    try:
        Issue(**row)
    except ProjpushError as error:
        raise _in_record(error, tables, "issues", issue_id) from None
