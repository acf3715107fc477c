"""Ledger files at the edge: load a JSON ledger or a folder of CSV files, and check one.

:func:`load_ledger` takes a JSON ledger file (see :mod:`projpush.io`) or a
folder of CSV files as exported from spreadsheets (see
:mod:`projpush.csvledger`) and returns a :class:`~projpush.model.Portfolio`;
the first bad value stops it with a :class:`~projpush.errors.LedgerError`
naming where. :func:`check_ledger` reads the same inputs but goes on past
bad records, so that a person mending a ledger sees every problem at once.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from projpush import io
from projpush.errors import LedgerError, ProjpushError
from projpush.model import (
    Finding,
    Issue,
    Leader,
    Portfolio,
    Project,
    ProjectCode,
    Secretary,
    TaskForce,
    Unit,
    integrity_report,
)

if TYPE_CHECKING:
    import datetime as dt
    import os

__all__ = ["LedgerCheck", "Problem", "check_ledger", "load_ledger"]

_LISTS: Final[dict[str, type]] = {
    "projects": Project,
    "leaders": Leader,
    "secretaries": Secretary,
    "issues": Issue,
    "units": Unit,
    "task_forces": TaskForce,
}


def _ledger_path(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path, if it names a folder or a ``.json`` file that exists.

    A CSV ledger is a folder of files; one CSV or spreadsheet file given by
    mistake would otherwise be read as JSON and fail on its first byte, with
    a message about JSON syntax rather than about the path.
    """
    target = Path(path)
    if not target.exists():
        msg = f"path: no ledger at {str(target)!r} (expected a JSON file or a folder of CSV files)"
        raise LedgerError(msg, field="path", expected="an existing path", got=str(target))
    if not target.is_dir() and target.suffix.lower() != ".json":
        raise LedgerError.about("path", "a .json ledger file or a folder of CSV files", str(target))
    return target


def load_ledger(path: str | os.PathLike[str], *, trusted: bool = False) -> Portfolio:
    """Load a ledger: a JSON file, a folder of CSV files, or a Parquet ledger folder.

    A folder holding ``projects.parquet`` (or a ``projects/`` dataset) is a
    Parquet ledger (:mod:`projpush.engine.tables`, the ``engine`` extra); any
    other folder is a CSV ledger.

    Every value is checked by default. ``trusted=True`` reads a JSON ledger
    that projpush wrote or already checked through the fast bulk path of
    :func:`projpush.io.load_portfolio` (equal values, object-level checks
    skipped); a CSV folder, which people edit by hand, is always checked.

    Raises:
        LedgerError: the path does not exist or is a file not named
            ``*.json`` (``field`` is ``"path"``), or the ledger is malformed
            (``field`` says where).
        OSError: the path cannot be read.
    """
    target = _ledger_path(path)
    if target.is_dir() and _is_parquet(target):
        from projpush.engine.tables import read_parquet, to_portfolio  # noqa: PLC0415

        return to_portfolio(read_parquet(target))
    if target.is_dir():
        from projpush.csvledger import load_csv_ledger  # noqa: PLC0415 (CSV ledgers only)

        return load_csv_ledger(target)
    return io.load_portfolio(target, trusted=trusted)


def _is_parquet(folder: Path) -> bool:
    """True for a Parquet ledger folder; decided without importing the engine's extras."""
    projects = folder / "projects"
    return (folder / "projects.parquet").is_file() or (
        projects.is_dir() and any(projects.rglob("*.parquet"))
    )


@attrs.frozen
class Problem:
    """One thing wrong with a ledger: where it is and what is wrong."""

    location: str
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@attrs.frozen
class LedgerCheck:
    """The outcome of :func:`check_ledger`: hard problems and soft findings."""

    problems: tuple[Problem, ...]
    findings: tuple[Finding, ...]
    portfolio: Portfolio | None

    @property
    def valid(self) -> bool:
        """True when the ledger loads with no hard problem."""
        return not self.problems


def check_ledger(path: str | os.PathLike[str], as_of: dt.date) -> LedgerCheck:
    """Check a ledger and report every problem found, each with its location.

    A JSON ledger is checked record by record, so one bad milestone does not
    hide a bad issue further down; references between records (a leader
    naming an unknown project, duplicate codes) are checked on the records
    that loaded. A CSV folder is checked by its own loader, row by row; a
    Parquet folder is loaded whole, and its first problem is reported.
    Soft gaps (:func:`~projpush.model.integrity_report`) come as findings.

    Raises:
        LedgerError: the path does not exist or is a file not named
            ``*.json`` (``field`` is ``"path"``); problems inside a ledger
            are returned, not raised.
        OSError: the path cannot be read.
    """
    target = _ledger_path(path)
    if target.is_dir() and _is_parquet(target):
        return _check_portfolio(lambda: load_ledger(target), as_of)
    if target.is_dir():
        return _check_loaded(target, as_of)
    try:
        document = io.parse_ledger_document(target.read_bytes())
    except LedgerError as error:
        return LedgerCheck((Problem(error.field or "$", error.detail),), (), None)
    problems = [
        Problem(f"$.{key}", f"unknown key {key!r}; known keys: {', '.join(_LISTS)}")
        for key in document
        if key not in _LISTS
    ]
    records: dict[str, list[Any]] = {name: [] for name in _LISTS}
    for name, cls in _LISTS.items():
        items = document.get(name, [])
        if not isinstance(items, list):
            problems.append(Problem(f"$.{name}", f"expected a JSON list, got {io.shown(items)!r}"))
            continue
        for i, item in enumerate(items):
            try:
                records[name].append(io.from_dict(cls, item))
            except LedgerError as error:
                where = (error.field or "$").replace("$", f"$.{name}[{i}]", 1)
                problems.append(Problem(where, error.detail))
    problems.extend(_reference_problems(records, _raw_keys(document.get("projects"))))
    if problems:
        return LedgerCheck(tuple(problems), (), None)
    fields: dict[str, Any] = {name: tuple(items) for name, items in records.items()}
    return _check_portfolio(lambda: Portfolio(**fields), as_of)


def _check_loaded(target: Path, as_of: dt.date) -> LedgerCheck:
    from projpush import csvledger  # noqa: PLC0415 (only CSV ledgers need it)

    problems, portfolio = csvledger.read_csv_ledger(target)  # one read: check and build
    if portfolio is None:
        found = tuple(Problem(e.field or "ledger", e.detail) for e in problems)
        return LedgerCheck(found, (), None)
    return LedgerCheck((), integrity_report(portfolio, as_of), portfolio)


def _check_portfolio(build: Any, as_of: dt.date) -> LedgerCheck:
    try:
        portfolio: Portfolio = build()
    except ProjpushError as error:
        return LedgerCheck((Problem(error.field or "ledger", error.detail),), (), None)
    return LedgerCheck((), integrity_report(portfolio, as_of), portfolio)


def _raw_keys(items: object) -> set[str]:
    """Project keys as written, bad records included.

    A project that fails to load must not make every reference to it look
    unknown: that problem is reported once, where the project is.
    """
    keys: set[str] = set()
    for item in items if isinstance(items, list) else ():
        if not isinstance(item, dict):
            continue
        code, local_id = item.get("code"), item.get("local_id")
        try:
            keys.add(str(ProjectCode.parse(code)))
        except ProjpushError:
            keys.add(str(code))
        keys.add(str(local_id))
    return keys


def _reference_problems(records: dict[str, list[Any]], written: set[str]) -> list[Problem]:
    problems = []
    keys = Counter(p.key for p in records["projects"])
    for i, project in enumerate(records["projects"]):
        if keys[project.key] > 1:
            problems.append(Problem(f"$.projects[{i}]", f"duplicate project key {project.key!r}"))
            keys[project.key] = 1  # report each duplicate once
    for name in ("leaders", "secretaries", "task_forces"):
        for i, record in enumerate(records[name]):
            for j, key in enumerate(record.projects):
                if key not in keys and key not in written:
                    where = f"$.{name}[{i}].projects[{j}]"
                    problems.append(Problem(where, f"refers to unknown project {key!r}"))
    for i, issue in enumerate(records["issues"]):
        if issue.project not in keys and issue.project not in written:
            where = f"$.issues[{i}].project"
            problems.append(Problem(where, f"refers to unknown project {issue.project!r}"))
    return problems
