"""Ledger files at the edge: load a JSON ledger, a CSV folder or a workbook, and check one.

:func:`load_ledger` takes a JSON ledger file (see :mod:`projpush.io`) or a
folder of CSV files as exported from spreadsheets (see
:mod:`projpush.io.csvfolder`) and returns a :class:`~projpush.model.Portfolio`;
the first bad value stops it with a :class:`~projpush.errors.LedgerError`
naming where. :func:`check_ledger` reads the same inputs but goes on past
bad records, so that a person mending a ledger sees every problem at once.

Both refuse a ledger larger than ``max_bytes`` (:data:`MAX_LEDGER_BYTES`,
4 GiB, by default) before reading any of it, and a path that is a FIFO,
device or socket before opening it.
"""

from __future__ import annotations

import contextlib
import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import attrs

from projpush import io
from projpush._paths import check_ledger_path, path_arg
from projpush.errors import LedgerError, LedgerTooLargeError, ProjpushError, ValidationError
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
    from collections.abc import Iterator

__all__ = ["MAX_LEDGER_BYTES", "LedgerCheck", "Problem", "check_ledger", "load_ledger"]

MAX_LEDGER_BYTES: Final = 4 * 2**30
"""The default size limit of a ledger, in bytes (4 GiB).

A ledger of 100,000 projects, a large province's, is 861 MiB as JSON, so
the limit leaves it room to grow almost fivefold. A checked load peaks at
about six bytes of memory for each byte of JSON (5 GiB for that ledger), a
trusted one at about one, so a 4 GiB ledger is still read on a 32 GiB
machine. A larger file is more likely a wrong path (a disk image, a log, a
database dump) than a ledger, and reading it would fill the memory before
anything could be said. A nation's ledger (8.4 GiB at 1,000,000 projects)
is read with a larger ``max_bytes``.
"""

_LISTS: Final[dict[str, type]] = {
    "projects": Project,
    "leaders": Leader,
    "secretaries": Secretary,
    "issues": Issue,
    "units": Unit,
    "task_forces": TaskForce,
}


def _ledger_path(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path, if it names a folder or a ``.json`` or ``.xlsx`` file that exists.

    A CSV ledger is a folder of files; one CSV or spreadsheet file given by
    mistake would otherwise be read as JSON and fail on its first byte, with
    a message about JSON syntax rather than about the path.
    """
    target = path_arg(path)  # None or bytes: a ValidationError, not a TypeError from Path
    if not target.exists():
        msg = f"path: no ledger at {str(target)!r} (expected a JSON file, a workbook or a folder)"
        raise LedgerError(msg, field="path", expected="an existing path", got=str(target))
    check_ledger_path(target, "path")  # a FIFO would block the reader, /dev/zero never end
    if not target.is_dir() and target.suffix.lower() not in {".json", ".xlsx"}:
        expected = "a .json ledger file, an .xlsx workbook or a folder of CSV files"
        raise LedgerError.about("path", expected, str(target))
    return target


def _max_bytes(value: object) -> int | None:
    """``value`` if it is a size limit (a whole number of bytes >= 1, or None for none)."""
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
        raise ValidationError.about("max_bytes", "a whole number of bytes >= 1, or None", value)
    return value


def _ledger_size(target: Path) -> int:
    """The bytes a reader of the ledger ``target`` would read, found with ``stat`` alone.

    A JSON file: its size. A CSV folder: the sum of the CSV files the reader
    opens (``projects.csv``, ``monthly.csv``, ...; other files in the folder
    are not read, so not counted). A Parquet folder: the sum of every file
    in it, at any depth. A workbook: its parts uncompressed, as the zip's
    directory lists them (nothing is inflated), so that a small file that
    inflates to gigabytes is refused too.
    """
    if not target.is_dir():
        size = target.stat().st_size
        return max(size, _inflated(target)) if _is_workbook(target) else size
    if _is_parquet(target):
        return sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
    from projpush.io.csvfolder import CSV_FILES  # noqa: PLC0415 (CSV ledgers only)

    names = set(CSV_FILES)
    return sum(
        f.stat().st_size for f in target.iterdir() if f.name.lower() in names and f.is_file()
    )


def _inflated(workbook: Path) -> int:
    """The bytes of a workbook's parts uncompressed; 0 if it is no zip (its reader says so)."""
    import zipfile  # noqa: PLC0415 (workbooks only)

    try:
        with zipfile.ZipFile(workbook) as package:
            return sum(info.file_size for info in package.infolist())
    except (OSError, zipfile.BadZipFile):
        return 0


def _in_units(n: int) -> str:
    """A size in bytes for a message: ``4.0 GiB (4,294,967,296 bytes)``; small ones in bytes."""
    if n < 1024:
        return f"{n:,} byte{'s' if n != 1 else ''}"
    exponent = min(4, (n.bit_length() - 1) // 10)
    return f"{n / 1024**exponent:.1f} {'KMGT'[exponent - 1]}iB ({n:,} bytes)"


def _check_size(
    target: Path,
    max_bytes: int | None,
    *,
    field: str = "path",
    remedy: str = "pass a larger max_bytes to read it",
) -> None:
    """Refuse the ledger ``target`` if it is larger than ``max_bytes`` (None: no limit).

    ``field`` and ``remedy`` let the command line name its own option.

    Raises:
        LedgerTooLargeError: ``target`` holds more than ``max_bytes`` bytes.
    """
    if max_bytes is None:
        return
    size = _ledger_size(target)
    if size <= max_bytes:
        return
    msg = (
        f"{field}: the ledger {str(target)!r} is {_in_units(size)}, more than the limit of "
        f"{_in_units(max_bytes)}; {remedy}"
    )
    expected = f"a ledger of at most {max_bytes:,} bytes"
    raise LedgerTooLargeError(
        msg, field=field, expected=expected, got=size, path=str(target), limit=max_bytes
    )


def load_ledger(
    path: str | os.PathLike[str], *, trusted: bool = False, max_bytes: int | None = MAX_LEDGER_BYTES
) -> Portfolio:
    """Load a ledger: a JSON file, a workbook (.xlsx), a CSV folder or a Parquet folder.

    A folder holding ``projects.parquet`` (or a ``projects/`` dataset) is a
    Parquet ledger (:mod:`projpush.io.parquet`, the ``engine`` extra); any
    other folder is a CSV ledger.

    Every value is checked by default. ``trusted=True`` reads a JSON ledger
    that projpush wrote or already checked through the fast bulk path of
    :func:`projpush.io.load_portfolio` (equal values, the same errors); a
    CSV folder, which people edit by hand, always takes the checked reader.

    A ledger larger than ``max_bytes`` (a folder: the files its reader
    opens, summed) is refused before any of it is read; ``None`` reads any
    size.

    >>> import tempfile, pathlib
    >>> from projpush.io import dump_portfolio
    >>> from projpush.synth import sample_portfolio
    >>> folder = tempfile.TemporaryDirectory()
    >>> city = pathlib.Path(folder.name) / "city.json"
    >>> dump_portfolio(sample_portfolio(), city)
    >>> len(load_ledger(city).projects)
    50
    >>> try:
    ...     load_ledger(city, max_bytes=64 * 1024)
    ... except LedgerTooLargeError as error:
    ...     print(error.detail.split(", ")[1])
    more than the limit of 64.0 KiB (65,536 bytes); pass a larger max_bytes to read it
    >>> folder.cleanup()

    Raises:
        LedgerError: the path does not exist, is a FIFO, device or socket, or
            is a file not named ``*.json`` or ``*.xlsx`` (``field`` is ``"path"``), or the
            ledger is malformed (``field`` says where).
        LedgerTooLargeError: the ledger is larger than ``max_bytes``.
        ValidationError: ``max_bytes`` is neither None nor a whole number >= 1.
        OSError: the path cannot be read.
    """
    limit = _max_bytes(max_bytes)
    if _is_database(path):
        return _load_database(path, limit)
    target = _ledger_path(path)
    _check_size(target, limit)
    if target.is_dir() and _is_parquet(target):
        from projpush.engine.tables import to_portfolio  # noqa: PLC0415 (the engine extra)
        from projpush.io.parquet import read_parquet  # noqa: PLC0415

        with _as_ledger_error():
            return to_portfolio(read_parquet(target))
    if target.is_dir():
        from projpush.io.csvfolder import load_csv_ledger  # noqa: PLC0415 (CSV ledgers only)

        return load_csv_ledger(target)
    if _is_workbook(target):
        from projpush.io.xlsx import load_xlsx_ledger  # noqa: PLC0415 (the xlsx extra)

        return load_xlsx_ledger(target)  # kept by hand, so always checked
    return io.load_portfolio(target, trusted=trusted)


def _is_workbook(path: Path) -> bool:
    """True for a ledger workbook (.xlsx), read by :mod:`projpush.io.xlsx`."""
    return path.suffix.lower() == ".xlsx"


def _is_database(path: str | os.PathLike[str]) -> bool:
    """True for a database URL or a SQLite file name; decided without importing the sql extra."""
    if not isinstance(path, str | os.PathLike):
        return False  # no path at all: _ledger_path says so
    text = os.fspath(path)
    return "://" in text or Path(text).suffix.lower() in {".sqlite", ".sqlite3", ".db"}


def _check_database(path: str | os.PathLike[str], limit: int | None, as_of: dt.date) -> LedgerCheck:
    """Check a database ledger: a database that cannot be read raises, a bad value is a problem."""
    try:
        portfolio = _load_database(path, limit)
    except ProjpushError as error:
        if error.field in {"path", "target"}:  # no ledger there, as for a missing file
            raise
        return LedgerCheck((Problem(error.field or "ledger", error.detail),), (), None)
    return LedgerCheck((), integrity_report(portfolio, as_of), portfolio)


def _load_database(path: str | os.PathLike[str], limit: int | None) -> Portfolio:
    """The ledger of a SQLite file or a database URL (:mod:`projpush.io.sql`), checked."""
    text = os.fspath(path)
    if "://" not in text:
        target = Path(text)
        if not target.exists():
            msg = f"path: no ledger at {text!r} (expected a SQLite ledger file)"
            raise LedgerError(msg, field="path", expected="an existing path", got=text)
        check_ledger_path(target, "path")  # a FIFO would block SQLite too
        if target.is_dir():
            raise LedgerError.about("path", "a SQLite ledger file, not a folder", text)
        _check_size(target, limit)
    from projpush.engine.tables import to_portfolio  # noqa: PLC0415 (the sql extra)
    from projpush.io.sql import read_sql  # noqa: PLC0415

    with _as_ledger_error():
        return to_portfolio(read_sql(text))


@contextlib.contextmanager
def _as_ledger_error() -> Iterator[None]:
    """Raise a table reader's error as the LedgerError every ledger reader raises.

    The tables' own checks (:meth:`~projpush.engine.tables.LedgerTables.of`,
    :func:`~projpush.engine.tables.to_portfolio`) raise the model's classes,
    as any caller building tables expects; read as a ledger, a bad value is
    a LedgerError, as from a JSON file, a CSV folder or a workbook. Message,
    ``field``, ``expected`` and ``got`` stay as they were.
    """
    try:
        yield
    except LedgerError:
        raise
    except ProjpushError as error:
        raise LedgerError(
            str(error), field=error.field, expected=error.expected, got=error.got
        ) from error


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
    notes: tuple[str, ...] = ()
    """What the reader should know: a CSV file read as GB18030, say."""

    @property
    def valid(self) -> bool:
        """True when the ledger loads with no hard problem."""
        return not self.problems


def check_ledger(
    path: str | os.PathLike[str], as_of: dt.date, *, max_bytes: int | None = MAX_LEDGER_BYTES
) -> LedgerCheck:
    """Check a ledger and report every problem found, each with its location.

    A JSON ledger is checked record by record, so one bad milestone does not
    hide a bad issue further down; references between records (a leader
    naming an unknown project, duplicate codes) are checked on the records
    that loaded. A CSV folder or a workbook is checked by its own loader, row by row; a
    Parquet folder is loaded whole, and its first problem is reported.
    Soft gaps (:func:`~projpush.model.integrity_report`) come as findings.
    A ledger larger than ``max_bytes`` is refused unread, as by
    :func:`load_ledger`.

    Raises:
        LedgerError: the path does not exist, is a FIFO, device or socket, or
            is a file not named ``*.json`` or ``*.xlsx`` (``field`` is ``"path"``);
            problems inside a ledger are returned, not raised.
        LedgerTooLargeError: the ledger is larger than ``max_bytes``.
        ValidationError: ``max_bytes`` is neither None nor a whole number >= 1.
        OSError: the path cannot be read.
    """
    limit = _max_bytes(max_bytes)
    if _is_database(path):
        return _check_database(path, limit, as_of)
    target = _ledger_path(path)
    _check_size(target, limit)
    if target.is_dir() and _is_parquet(target):
        return _check_portfolio(lambda: load_ledger(target, max_bytes=None), as_of)
    if target.is_dir() or _is_workbook(target):
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
    """Check a CSV folder or a workbook: one read by its own reader, row by row."""
    notes: tuple[str, ...] = ()
    if _is_workbook(target):
        from projpush.io.xlsx import read_xlsx_ledger  # noqa: PLC0415 (the xlsx extra)

        problems, portfolio = read_xlsx_ledger(target)
    else:
        from projpush.io import csvfolder  # noqa: PLC0415 (only CSV ledgers need it)

        problems, portfolio, notes = csvfolder._read(target)  # noqa: SLF001 (one read)
    if portfolio is None:
        found = tuple(Problem(e.field or "ledger", e.detail) for e in problems)
        return LedgerCheck(found, (), None, notes)
    return LedgerCheck((), integrity_report(portfolio, as_of), portfolio, notes)


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
