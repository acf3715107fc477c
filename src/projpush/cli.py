"""The ``projpush`` command: supervision reports, Yinzhou's tables, ledger checks.

``projpush report LEDGER --as-of DATE`` prints the monthly supervision report;
``projpush demo`` prints it for the bundled sample city; ``projpush tables``
prints "one map, five tables" (一图五表) for a project or a leader;
``projpush check LEDGER`` lists every problem in a ledger. A bad input ends
the command with one line saying what and where, and exit status 2 (1 for a
ledger that ``check`` found invalid); ``--debug`` shows the traceback. A bad
option value is such a line too, naming the option and what was typed; a
ledger larger than ``--max-ledger-size`` is refused unread; a character the
console cannot show is written as ``?``, with one note on stderr.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import sys
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, NoReturn, TextIO

from projpush import __version__
from projpush.errors import (
    CalendarCoverageError,
    ProjpushError,
    UnknownReferenceError,
    ValidationError,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator, Sequence

    from _typeshed import SupportsWrite

    from projpush._progress import Stages
    from projpush.engine.tables import LedgerTables
    from projpush.ledger import LedgerCheck
    from projpush.messages import Lang
    from projpush.model import Portfolio
    from projpush.report import SupervisionReport
    from projpush.schedule import WorkingCalendar

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a writer whose reader left
# projpush lint --published: the cities' texts as read (projpush._whatif_text.PUBLISHED).
PUBLISHED_RULES: Final = ("wuhan", "yinchuan_literal")

# A report judges the last complete month of --as-of, and the model's months run from
# 1900-01 to 2200-12: so the first date it can judge is the end of the first month.
FIRST_AS_OF: Final = dt.date(1900, 1, 31)
LAST_AS_OF: Final = dt.date(2200, 12, 31)
DEFAULT_MAX_LEDGER_SIZE: Final = "4G"  # ledger.MAX_LEDGER_BYTES, spelt as the option takes it

_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# ASCII: under Unicode case folding the Kelvin sign would match K. At most 30 digits, far
# beyond any disk, so that int() never meets its 4,300-digit limit.
_SIZE: Final = re.compile(r"([0-9]{1,30})(?:([KMGT])(?:iB)?)?", re.IGNORECASE | re.ASCII)
_UNITS: Final = {None: 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}
_SIZE_EXPECTED: Final = (
    "a size of 1 byte or more such as 512M, 8G or 8GiB (K, M, G, T: powers of 1024; "
    "a bare number: bytes)"
)


# --------------------------------------------------------------------------- option values
# Each parser raises ArgumentTypeError("expected ..., got '...'"); argparse puts the option
# in front, and _Parser.error prints it as one line.


def _date(text: str) -> dt.date:
    """An ``--as-of``: a date written YYYY-MM-DD that the model's months can judge."""
    try:
        day = dt.date.fromisoformat(text) if _ISO_DATE.fullmatch(text) else None
    except ValueError:  # 2020-02-30
        day = None
    if day is None or not FIRST_AS_OF <= day <= LAST_AS_OF:
        msg = f"expected a date YYYY-MM-DD from {FIRST_AS_OF} to {LAST_AS_OF}, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return day


def _size(text: str) -> int:
    """A ``--max-ledger-size``: a whole number of bytes, or of K, M, G or T (powers of 1024).

    ``GB`` and the like are refused: whether they mean 10^9 or 2^30 would be a guess.

    >>> _size("8G"), _size("512MiB"), _size("4096")
    (8589934592, 536870912, 4096)
    """
    match = _SIZE.fullmatch(text)
    if match is None or int(match[1]) < 1:
        msg = f"expected {_SIZE_EXPECTED}, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    unit = match[2].upper() if match[2] else None
    return int(match[1]) * _UNITS[unit]


def _count(low: int, high: int) -> Callable[[str], int]:
    """A parser of a whole number from ``low`` to ``high`` (``--months``, ``--due-within``)."""

    def parse(text: str) -> int:
        if not re.fullmatch(r"[0-9]{1,4}", text) or not low <= int(text) <= high:
            msg = f"expected a whole number from {low} to {high}, got {text!r}"
            raise argparse.ArgumentTypeError(msg)
        return int(text)

    return parse


def _offsets(text: str) -> tuple[int, ...]:
    """``--steps -2,-1,1,2``: whole numbers of steps, comma-separated, none repeated."""
    parts = text.split(",")
    if not all(re.fullmatch(r"[+-]?[0-9]{1,4}", p.strip()) for p in parts):
        msg = f"expected whole numbers separated by commas (-2,-1,1,2), got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    offsets = tuple(int(p) for p in parts)
    if len(set(offsets)) != len(offsets):
        msg = f"expected each step once, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return offsets


def _positive(text: str) -> str:
    """``--step 0.05``: a positive number, kept as typed (its kind is the parameter's)."""
    try:
        number = Decimal(text)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number <= 0:
        msg = f"expected a positive number, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return text


def _path(text: str) -> Path:
    """A path as typed; an empty one is refused (``Path("")`` would be the current folder)."""
    if not text:
        msg = f"expected a path, got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return Path(text)


def _year(text: str) -> int:
    """A ``--year`` (or ``--provisional-year``): a year the model's plans accept."""
    from projpush.model import _to_year  # noqa: PLC0415 (keep --help fast)

    try:
        return _to_year(text, "--year")
    except ValidationError as error:
        msg = f"expected {error.expected}, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _ledger_arg(text: str) -> Path | str:
    """A LEDGER or TARGET: a path, or a database URL kept as typed (a Path folds its ``//``)."""
    return text if "://" in text else _path(text)


def _alternatives(values: Sequence[str]) -> str:
    """``'a', 'b' or 'c'``, as the library's own errors list choices."""
    names = [repr(v) for v in values]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _one_of(values: Sequence[str]) -> Callable[[str], str]:
    """A parser accepting exactly one of ``values`` (a policy, a format, a language)."""

    def parse(text: str) -> str:
        if text not in values:
            msg = f"expected {_alternatives(values)}, got {text!r}"
            raise argparse.ArgumentTypeError(msg)
        return text

    return parse


# --------------------------------------------------------------------------- output


class _Console:
    """A text stream that writes what its encoding cannot hold as ``?``, and counts it.

    A Chinese report on a console whose encoding is ASCII, or GBK (cp936)
    and a rare character such as ``䶮`` or ``⑪``, would otherwise end in a
    UnicodeEncodeError traceback. A text stream encodes all of one
    ``write`` before it writes any of it, so a refused write left nothing
    behind and is made again with replacements.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.replaced = 0
        self.encoding = ""

    def write(self, text: str) -> None:
        try:
            self.stream.write(text)
        except UnicodeEncodeError as error:
            encoding = error.encoding
            bad = {c for c in set(text) if not _encodes(c, encoding)}
            self.replaced += sum(text.count(c) for c in bad)
            self.encoding = encoding
            self.stream.write(text.encode(encoding, "replace").decode(encoding))

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.stream.flush()

    def note(self, *, output_option: bool, lang: str = "en") -> None:
        """Say on stderr, once, that characters were replaced and how to avoid it."""
        if not self.replaced:
            return
        n = self.replaced
        key = "cli.unprintable" if n != 1 else "cli.unprintable_one"
        _say_message(
            "cli.note",
            lang,
            message=(key, {"count": f"{n:,}", "encoding": self.encoding, "instead": output_option}),
        )


def _encodes(char: str, encoding: str) -> bool:
    try:
        char.encode(encoding)
    except UnicodeEncodeError:
        return False
    return True


def _say_message(key: str, lang: str, **facts: object) -> None:
    """Say the catalogue's ``key`` in ``lang`` on stderr; in English where stderr cannot hold it.

    A fact given as ``(key, facts)`` is itself an entry, said in the same
    language; ``instead`` (True or False) is the ``--output`` hint of an
    unprintable-characters note.
    """
    from projpush.messages import message  # noqa: PLC0415

    def said(lang: str) -> str:
        filled: dict[str, object] = {}
        for name, value in facts.items():
            if isinstance(value, tuple):
                inner_key, inner = value
                inner = dict(inner)
                if "instead" in inner:
                    hint = inner["instead"]
                    inner["instead"] = message("cli.output_hint", lang) if hint else ""
                filled[name] = message(inner_key, lang, **inner)
            else:
                filled[name] = value
        return message(key, lang, **filled)

    line = said(lang)
    encoding = getattr(sys.stderr, "encoding", None) or "utf-8"
    if lang != "en" and not _encodes(line, encoding):
        line = said("en")
    _say(line)


def _say(line: str) -> None:
    """Write one line to stderr, whatever its encoding (or nothing, if it is closed)."""
    stream = sys.stderr
    if stream is None:  # started with stderr closed (2>&-)
        return
    try:
        stream.write(line + "\n")
    except UnicodeEncodeError as error:  # PYTHONIOENCODING=ascii:strict
        stream.write(line.encode(error.encoding, "backslashreplace").decode(error.encoding) + "\n")
    stream.flush()


# --------------------------------------------------------------------------- parser


class _Parser(argparse.ArgumentParser):
    """argparse, with each usage error as one line ``projpush: error: --opt: ...``, status 2.

    argparse writes the usage and ``argument --as-of: ...``; projpush's bad
    inputs are one line naming the option and what was typed, like the
    errors of the ledger and the paths.
    """

    def error(self, message: str) -> NoReturn:
        message = re.sub(r"^argument ([^\s:/]+)(?:/\S+)?: ", r"\1: ", message)
        message = re.sub(
            r"invalid choice: (.*) \(choose from (.*)\)$", r"expected one of \2, got \1", message
        )
        _say(f"projpush: error: {message}")
        self.exit(EXIT_ERROR)

    def print_help(self, file: SupportsWrite[str] | None = None) -> None:
        if file is not None or sys.stdout is None:
            super().print_help(file)
            return
        console = _Console(sys.stdout)  # the help holds Chinese words too
        console.write(self.format_help())
        console.note(output_option=False)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="projpush",
        description="Supervision reports for major investment projects (重大项目推进).",
        allow_abbrev=False,  # --as 2020-10-31 is not guessed to be --as-of
    )
    parser.add_argument("--version", action="version", version=f"projpush {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, **kwargs: str) -> argparse.ArgumentParser:
        return commands.add_parser(name, allow_abbrev=False, **kwargs)  # type: ignore[arg-type]

    def choice(p: argparse.ArgumentParser, option: str, values: Sequence[str], **kw: str) -> None:
        p.add_argument(option, type=_one_of(values), metavar=f"{{{','.join(values)}}}", **kw)  # type: ignore[arg-type]

    def max_size(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--max-ledger-size",
            type=_size,
            default=DEFAULT_MAX_LEDGER_SIZE,
            metavar="SIZE",
            help="refuse a larger ledger before reading it (default 4G; K, M, G, T: of 1024)",
        )

    def report_options(p: argparse.ArgumentParser) -> None:
        from projpush.report import POLICY_SETS  # noqa: PLC0415 (keep --help fast)

        choice(p, "--policy", sorted(POLICY_SETS), default="default")
        choice(
            p,
            "--format",
            ("text", "json", "csv", "csv-fields", "xlsx", "html"),
            default="text",
            help=(
                "csv: the tables; csv-fields: a field,value row a value; xlsx: a workbook,"
                " written to --output FILE.xlsx; html: one page"
            ),
        )
        choice(p, "--lang", ("zh", "en"), default="zh")
        p.add_argument("--map", type=_path, metavar="FILE", help="save a light map (PNG or SVG)")
        p.add_argument(
            "--forecast",
            action="store_true",
            help=(
                "add a forecast section (every format): the next two month ends,"
                " the least effort, the issues due within 5 working days"
            ),
        )
        p.add_argument("--output", "-o", type=_path, metavar="FILE", help="write here, not stdout")

    report = command("report", help="the monthly supervision report of a ledger")
    report.add_argument(
        "ledger",
        type=_ledger_arg,
        metavar="LEDGER",
        help="a JSON file, a CSV or Parquet folder, a SQLite file or a database URL",
    )
    report.add_argument("--as-of", type=_date, required=True, metavar="DATE")
    report.add_argument(
        "--trusted",
        action="store_true",
        help=(
            "read a ledger projpush wrote by the fast route: a JSON ledger by the bulk"
            " reader, a Parquet folder or a database on the table engine, checked column-wise"
            " (the same ledgers refused as without it)"
        ),
    )
    report.add_argument(
        "--provisional-year",
        type=_year,
        metavar="YEAR",
        help=(
            "count working days in YEAR, the year after the official calendar's last, on a"
            " provisional calendar (weekends and the fixed-date holidays) until its holiday"
            " notice is out; overdue counts that read it are marked"
        ),
    )
    max_size(report)
    report_options(report)

    demo = command("demo", help="the report on the bundled sample ledger")
    demo.add_argument("--as-of", type=_date, default=None, metavar="DATE")
    report_options(demo)

    tables = command("tables", help="one map, five tables (一图五表)")
    tables.add_argument("ledger", type=_ledger_arg, metavar="LEDGER")
    tables.add_argument("--as-of", type=_date, required=True, metavar="DATE")
    who = tables.add_mutually_exclusive_group(required=True)
    who.add_argument("--project", metavar="CODE")
    who.add_argument("--leader", metavar="NAME")
    choice(tables, "--format", ("text", "csv"), default="text")
    choice(tables, "--lang", ("zh", "en"), default="zh")
    max_size(tables)

    convert = command(
        "convert",
        help="convert a ledger between JSON, a workbook, a CSV or Parquet folder and a database",
    )
    convert.add_argument(
        "ledger",
        type=_ledger_arg,
        metavar="LEDGER",
        help="a JSON file, an .xlsx workbook, a CSV or Parquet folder, a SQLite file or a URL",
    )
    convert.add_argument(
        "target",
        type=_ledger_arg,
        metavar="TARGET",
        help="a .json or .xlsx file, a folder (Parquet unless --to csv), a SQLite file "
        "(.sqlite, .sqlite3, .db) or a sqlite:// or postgresql:// URL",
    )
    choice(
        convert,
        "--to",
        ("json", "xlsx", "parquet", "csv"),
        help="the file format written (default: by the suffix .json, .xlsx or a SQLite "
        "file's, a URL a database, else parquet)",
    )
    convert.add_argument(
        "--trusted", action="store_true", help="read a JSON ledger through the fast bulk path"
    )
    max_size(convert)

    _schema_command(command)
    _check_command(command, max_size)

    template = command("template", help="write a blank ledger workbook for offices to fill in")
    template.add_argument("target", type=_path, metavar="FILE.xlsx")
    template.add_argument(
        "--year",
        type=_year,
        action="append",
        metavar="YEAR",
        help="an annual plan column for YEAR (repeatable; default: this year's)",
    )
    _foresight_commands(command, max_size)
    return parser


def _foresight_commands(
    command: Callable[..., argparse.ArgumentParser],
    max_size: Callable[[argparse.ArgumentParser], None],
) -> None:
    """``forecast`` and ``compare``: the rules of :mod:`projpush.foresight`."""
    from projpush.report import POLICY_SETS  # noqa: PLC0415 (keep --help fast)

    def choice(p: argparse.ArgumentParser, option: str, values: Sequence[str], **kw: Any) -> None:
        p.add_argument(option, type=_one_of(values), metavar=f"{{{','.join(values)}}}", **kw)

    def foresight(name: str, help_text: str) -> argparse.ArgumentParser:
        p = command(name, help=help_text)
        p.add_argument("ledger", type=_path, metavar="LEDGER")
        p.add_argument("--as-of", type=_date, required=True, metavar="DATE")
        choice(p, "--format", ("text", "json", "csv"), default="text")
        choice(p, "--lang", ("zh", "en"), default="zh")
        p.add_argument("--output", "-o", type=_path, metavar="FILE", help="write here, not stdout")
        max_size(p)
        return p

    fore = foresight(
        "forecast", "who turns yellow or red at the next month ends, and what it takes"
    )
    choice(fore, "--policy", sorted(POLICY_SETS), default="default")
    fore.add_argument("--months", type=_count(1, 12), default=2, metavar="N")
    fore.add_argument(
        "--due-within",
        type=_count(0, 250),
        default=None,
        metavar="N",
        help="also list the issues whose sheet or tier changes within N working days",
    )
    compare = foresight("compare", "the ledger under two policy sets: what changes, and why")
    choice(compare, "--policy", sorted(POLICY_SETS), action="append", required=True)
    sens = foresight("sensitivity", "how many projects (or issues) change as one threshold moves")
    choice(sens, "--policy", sorted(POLICY_SETS), default="default")
    sens.add_argument(
        "--parameter",
        required=True,
        metavar="NAME",
        help="a light threshold (tolerance, streak_for_red, yellow_at, 0.tolerance, ...) or a"
        " day limit (renewed_days, general_days, limit.TIER, ...)",
    )
    sens.add_argument(
        "--steps",
        type=_offsets,
        default=(-2, -1, 1, 2),
        metavar="N,N,...",
        help="whole steps to move it by (default -2,-1,1,2; write --steps=-1,1)",
    )
    sens.add_argument(
        "--step", type=_positive, default=None, metavar="X", help="one step (default: its own)"
    )
    sens.add_argument(
        "--plot", type=_path, default=None, metavar="FILE", help="also draw it (PNG or SVG)"
    )
    lint = command("lint", help="check policies for gaps, overlaps and lights that never happen")
    lint.add_argument(
        "policy_sets",
        nargs="*",
        type=_one_of(sorted(POLICY_SETS)),
        metavar="POLICY_SET",
        help="the report's policy sets to lint (default: all, unless --published or --spec)",
    )
    choice(lint, "--published", PUBLISHED_RULES, action="append", default=[])
    lint.add_argument("--spec", type=_path, action="append", default=[], metavar="FILE.json")
    choice(lint, "--format", ("text", "json", "csv"), default="text")
    choice(lint, "--lang", ("zh", "en"), default="zh")
    lint.add_argument("--output", "-o", type=_path, metavar="FILE", help="write here, not stdout")


def _check_command(
    command: Callable[..., argparse.ArgumentParser],
    max_size: Callable[[argparse.ArgumentParser], None],
) -> None:
    """``projpush check LEDGER [--as-of DATE] [--lang zh|en]``: every problem and gap."""
    check = command("check", help="list every problem in a ledger")
    check.add_argument("ledger", type=_ledger_arg, metavar="LEDGER")
    check.add_argument("--as-of", type=_date, default=None, metavar="DATE")
    check.add_argument(
        "--lang",
        type=_one_of(("zh", "en")),
        default="en",
        metavar="{zh,en}",
        help="the language of the lines (default en)",
    )
    max_size(check)


def _schema_command(command: Callable[..., argparse.ArgumentParser]) -> None:
    """``projpush schema --sql sqlite|postgresql``: the DDL of the ledger's tables."""
    schema = command("schema", help="the ledger's tables as SQL DDL (CREATE TABLE statements)")
    dialects = ("sqlite", "postgresql")
    schema.add_argument(
        "--sql",
        type=_one_of(dialects),
        required=True,
        metavar=f"{{{','.join(dialects)}}}",
        help="the database: SQLite or PostgreSQL",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Nothing ends in a traceback unless ``--debug`` asks for one: a bad input
    is one line and status 2, Ctrl-C one line and status 130, a reader that
    closes the pipe early (``projpush demo | head``) a quiet status 141. A
    character the console cannot show is written as ``?``, with one note on
    stderr saying how to keep it.
    """
    args = _parser().parse_args(argv)
    out = _Console(sys.stdout or _devnull())  # None: started with stdout closed (>&-)
    # The library's notes (a CSV read as GB18030) as "projpush: note: ..."; check lists its own.
    notes = _Notes() if args.command != "check" else logging.NullHandler()
    log = logging.getLogger("projpush")
    log.addHandler(notes)
    level = log.level
    log.setLevel(min(log.getEffectiveLevel(), logging.INFO))
    try:
        status = (_schema if args.command == "schema" else _run)(args, out)  # schema reads none
        out.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        if args.debug:
            raise
        _say_message("cli.interrupted", _lang(args))
        return EXIT_INTERRUPTED
    except (ProjpushError, OSError, ImportError) as error:  # ImportError: a missing extra
        if args.debug:
            raise
        where = getattr(error, "field", None) or getattr(error, "filename", None)
        _say(f"projpush: error: {error}")
        if where and str(where) not in str(error):
            _say(f"  at {where}")
        return EXIT_ERROR
    finally:
        log.removeHandler(notes)
        log.setLevel(level)
        out.note(output_option=hasattr(args, "output"), lang=_lang(args))
    return status


def _lang(args: argparse.Namespace) -> str:
    """The language of the command's own messages: its ``--lang``, else English."""
    lang = getattr(args, "lang", None)
    return lang if isinstance(lang, str) else "en"


class _Notes(logging.Handler):
    """Write the ``projpush`` logger's notes on stderr, one line each (``check`` lists its own)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)

    def emit(self, record: logging.LogRecord) -> None:
        _say(f"projpush: note: {record.getMessage()}")


def _devnull() -> TextIO:
    """Somewhere to write when the process was started with stdout closed."""
    return Path(os.devnull).open("w", encoding="utf-8")


def _silence_stdout() -> None:
    """Point stdout at the null device, so Python's exit flush cannot fail again.

    The recipe of the :mod:`signal` documentation ("Note on SIGPIPE").
    """
    if sys.stdout is None:
        return
    try:
        fileno = sys.stdout.fileno()
    except (OSError, ValueError):  # not a real file (a test's capture)
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fileno)
    os.close(devnull)


def _check_paths(args: argparse.Namespace) -> None:
    """Refuse, before any work, a ledger or output path that cannot be used safely.

    Raises:
        LedgerError: the ledger is a FIFO, device or socket.
        LedgerTooLargeError: the ledger is larger than ``--max-ledger-size``.
        ValidationError: ``--output`` or ``--map`` is an input ledger, lies in
            an input ledger folder, has a missing or read-only folder, or is not
            a regular file; ``--map`` does not end in .png or .svg, or is the
            ``--output`` file; ``--format xlsx`` has no ``--output`` ending
            in .xlsx.
        ImportError: ``--map`` without the plot extra (matplotlib), or
            ``--format xlsx`` without the xlsx extra (openpyxl).
    """
    from projpush import _paths  # noqa: PLC0415 (keep --help fast)
    from projpush.ledger import _check_size  # noqa: PLC0415

    ledger = getattr(args, "ledger", None)
    inputs = [ledger] if isinstance(ledger, Path) else []  # a URL is no path to check
    for path in inputs:
        _paths.check_ledger_path(path)
        if path.exists():  # a missing ledger is said by the loader, in its words
            remedy = "give a larger --max-ledger-size to read it"
            _check_size(path, args.max_ledger_size, field="LEDGER", remedy=remedy)
    output, picture = getattr(args, "output", None), getattr(args, "map", None)
    if getattr(args, "command", None) in {"report", "demo"} and args.format == "xlsx":
        _check_workbook(output)
    if output is not None:
        _paths.check_output_path(output, "--output", inputs)
    if picture is not None:
        _paths.check_map_suffix(picture)
        _paths.check_output_path(picture, "--map", inputs)
        from projpush.plot import _matplotlib  # noqa: PLC0415 (only --map needs it)

        _matplotlib()  # a missing plot extra is said before the work, not after
        if output is not None and os.path.realpath(picture) == os.path.realpath(output):
            msg = f"--map: {str(picture)!r} is also the --output file; give each its own name"
            raise ValidationError(
                msg, field="--map", expected="a file apart from --output", got=str(picture)
            )


def _check_workbook(output: Path | None) -> None:
    """Refuse ``--format xlsx`` without an ``--output FILE.xlsx``, or without openpyxl.

    A workbook is a binary file: it is never written to the terminal.
    """
    if output is None:
        msg = "--format xlsx: a workbook is written to a file: give --output FILE.xlsx"
        raise ValidationError(msg, field="--format", expected="--output FILE.xlsx", got="xlsx")
    if output.suffix.lower() != ".xlsx":
        raise ValidationError.about(
            "--output", "a file name ending in .xlsx with --format xlsx", str(output)
        )
    from projpush._xlsx import _openpyxl  # noqa: PLC0415 (only a workbook needs it)

    _openpyxl()  # a missing xlsx extra is said before the work, not after


def _run(args: argparse.Namespace, out: _Console) -> int:
    from projpush import report  # noqa: PLC0415 (keep --help fast)

    _check_paths(args)
    _check_plot(args)
    own = {"check": _check, "convert": _convert, "template": _template, "lint": _lint}.get(
        args.command
    )
    if own is not None:
        return own(args, out)
    calendar = _calendar(args)  # None: the China official calendar, from the cn extra
    if args.command == "demo":
        from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF  # noqa: PLC0415

        # The sample city lives in 2020, whose holiday notice the sample carries
        # typed in, so the demo runs on a core install.
        portfolio, as_of, calendar = (
            report.sample_ledger(),
            args.as_of or SAMPLE_AS_OF,
            CALENDAR_2020,
        )
        stages = None
    elif args.command == "report" and args.trusted and _is_tables(args.ledger):
        return _report_on_tables(args, out, calendar)
    else:
        portfolio, stages = _load(args)
        as_of = args.as_of
    if args.command in {"forecast", "compare", "sensitivity"}:
        return _foresee(args, out, portfolio)
    if args.command == "tables":
        try:
            text = report.render_tables(
                portfolio,
                as_of,
                project=args.project,
                leader=args.leader,
                fmt=args.format,
                lang=args.lang,
            )
        except UnknownReferenceError as error:
            raise _unknown_person_or_project(error, args) from None
        out.write(_without_bom(text, out))
        return EXIT_OK
    try:
        shown = stages or _progress(args.lang)
        result = report.build_report(
            portfolio, as_of, policy=args.policy, calendar=calendar, progress=shown
        )
    except CalendarCoverageError as error:
        raise _beyond_the_calendar(error, as_of) from None
    result = _with_forecast(args, result, lambda: portfolio, calendar)
    _write_report(args, out, result)
    if args.map and result.light_map is not None:
        from projpush import plot  # noqa: PLC0415 (needs the plot extra)

        plot.save_light_map(result.light_map, args.map, lang=args.lang)
    return EXIT_OK


def _foresee(args: argparse.Namespace, out: _Console, portfolio: Portfolio) -> int:
    """``forecast``, ``compare`` and ``sensitivity``: the rules of :mod:`projpush.foresight`."""
    from projpush import _foresight_text, foresight, report  # noqa: PLC0415

    try:
        if args.command == "compare":
            if len(args.policy) != 2:  # a comparison has two sides
                expected = "two policy sets: --policy A --policy B"
                raise ValidationError.about("--policy", expected, args.policy)
            a, b = (report.policy_set(name) for name in args.policy)
            diff = foresight.compare(portfolio, args.as_of, a, b)
            text = _foresight_text.render_diff(diff, args.format, args.lang)
        elif args.command == "sensitivity":
            return _sensitivity(args, out, portfolio)
        else:
            chosen = report.policy_set(args.policy)
            fc = _foresight_text.build_forecast(
                portfolio, args.as_of, chosen, months=args.months, due_within=args.due_within
            )
            text = _foresight_text.render_forecast(fc, args.format, args.lang)
    except CalendarCoverageError as error:
        raise _beyond_the_calendar(error, args.as_of) from None
    _write_text(args, out, text)
    return EXIT_OK


def _write_text(args: argparse.Namespace, out: _Console, text: str) -> None:
    """Print ``text``, or write it atomically to ``--output``."""
    if args.output:
        from projpush.io import _atomic_write_bytes, _encoded  # noqa: PLC0415

        _atomic_write_bytes(args.output, _encoded(args.output, text, encoding="utf-8", newline=""))
    else:
        out.write(text)


def _check_plot(args: argparse.Namespace) -> None:
    """Refuse, before any work, a ``sensitivity --plot`` file that cannot be drawn or written."""
    picture = getattr(args, "plot", None)
    if picture is None:
        return
    from projpush import _paths  # noqa: PLC0415

    _paths.check_map_suffix(picture, "--plot")
    _paths.check_output_path(
        picture, "--plot", [args.ledger] if isinstance(args.ledger, Path) else []
    )
    from projpush.plot import _matplotlib  # noqa: PLC0415 (only --plot needs it)

    _matplotlib()  # a missing plot extra is said before the work, not after
    if args.output is not None and os.path.realpath(picture) == os.path.realpath(args.output):
        msg = f"--plot: {str(picture)!r} is also the --output file; give each its own name"
        raise ValidationError(
            msg, field="--plot", expected="a file apart from --output", got=str(picture)
        )


def _sensitivity(args: argparse.Namespace, out: _Console, portfolio: Portfolio) -> int:
    """``projpush sensitivity``: one threshold or day limit moved step by step."""
    from projpush import _whatif_text, report  # noqa: PLC0415

    chosen = report.policy_set(args.policy)
    s = _whatif_text.run_sensitivity(
        portfolio, args.as_of, chosen, args.parameter, steps=args.steps, step=args.step
    )
    shown = report.policy_shown(chosen, args.lang)
    _write_text(args, out, _whatif_text.render_sensitivity(s, args.format, args.lang, shown))
    if args.plot is not None:
        from projpush import plot  # noqa: PLC0415 (needs the plot extra)

        plot.save_sensitivity(s, args.plot, lang=args.lang)
    return EXIT_OK


def _lint(args: argparse.Namespace, out: _Console) -> int:
    """``projpush lint``: status 1 when any policy has a finding, as ``check`` has for a ledger."""
    from projpush import _whatif_text  # noqa: PLC0415

    linted = _whatif_text.lint_targets(args.policy_sets, args.published, args.spec)
    _write_text(args, out, _whatif_text.render_lint(linted, args.format, args.lang))
    return EXIT_INVALID if any(found for _, found in linted) else EXIT_OK


def _with_forecast(
    args: argparse.Namespace,
    result: SupervisionReport,
    portfolio: Callable[[], Portfolio],
    calendar: WorkingCalendar | None = None,
) -> SupervisionReport:
    """``result`` with its forecast section when ``--forecast`` asks for one."""
    if not args.forecast:
        return result
    from projpush.report import with_forecast  # noqa: PLC0415

    try:
        return with_forecast(result, portfolio(), calendar=calendar)
    except CalendarCoverageError as error:
        raise _beyond_the_calendar(error, result.as_of) from None


def _write_report(args: argparse.Namespace, out: _Console, result: SupervisionReport) -> None:
    """Print the report, or write it to ``--output``."""
    from projpush import report  # noqa: PLC0415 (keep --help fast)

    for note in result.notes:  # also on stderr: a JSON or CSV reader may not see it
        _say_message("cli.note", args.lang, message=note.text(args.lang))
    if args.format == "xlsx":  # _check_paths made sure of --output
        report.render_xlsx(result, args.output, lang=args.lang)  # atomically, as the others
        return
    text = report.render(result, fmt=args.format, lang=args.lang)
    if args.output:
        from projpush.io import _atomic_write_bytes, _encoded  # noqa: PLC0415

        data = _encoded(args.output, text, encoding="utf-8", newline="")
        _atomic_write_bytes(args.output, data)  # the umask's mode, or the file's own
    else:
        out.write(_without_bom(text, out))


def _without_bom(text: str, out: _Console) -> str:
    """``text`` without its byte-order mark on a console whose encoding is no UTF.

    The mark tells a spreadsheet that a CSV file is UTF-8: a redirected
    UTF-8 output keeps it, a GBK or ASCII console has no use for it.
    """
    encoding = (getattr(out.stream, "encoding", None) or "").lower().replace("-", "")
    return text[1:] if text.startswith("\ufeff") and not encoding.startswith("utf") else text


def _objects(tables: LedgerTables) -> Portfolio:
    """The ledger's tables as objects, for what only the object rules compute (the forecast)."""
    from projpush.engine.tables import to_portfolio  # noqa: PLC0415

    return to_portfolio(tables)


def _is_parquet(path: Path) -> bool:
    """True for a Parquet ledger folder, decided without importing the engine."""
    from projpush.ledger import _is_parquet  # noqa: PLC0415 (keep --help fast)

    return isinstance(path, Path) and path.is_dir() and _is_parquet(path)


def _report_on_tables(
    args: argparse.Namespace, out: _Console, calendar: WorkingCalendar | None
) -> int:
    """``projpush report --trusted`` of a Parquet folder or a database, on the table engine.

    The same report as of the ledger read as objects, and the same refusal
    of a ledger the checked load refuses: the columns are checked as they
    are read, the rules across rows (unique keys, references, stage and
    issue histories, the model's value rules) column-wise by
    :mod:`projpush.engine.checks`. Only ``--map`` and ``--format html``
    build the projects as objects, for the picture and the page's map.
    """
    from projpush.engine.report import build_report_tables  # noqa: PLC0415

    tables = _read_tables(args.ledger)
    try:
        result = build_report_tables(
            tables,
            args.as_of,
            policy=args.policy,
            calendar=calendar,
            progress=_progress(args.lang),
        )
    except CalendarCoverageError as error:
        raise _beyond_the_calendar(error, args.as_of) from None
    if args.map or args.format == "html":
        import attrs  # noqa: PLC0415

        from projpush.engine.tables import to_portfolio  # noqa: PLC0415
        from projpush.lights import light_map  # noqa: PLC0415

        # The map the object report draws while judging: the same page, the same picture.
        projects = to_portfolio(tables).projects
        if projects:
            picture = light_map(
                projects, args.as_of.year, result.policy.lights, lenient=True, as_of=args.as_of
            )
            result = attrs.evolve(result, light_map=picture)
    result = _with_forecast(args, result, lambda: _objects(tables))
    _write_report(args, out, result)
    if args.map and result.light_map is not None:
        from projpush import plot  # noqa: PLC0415 (needs the plot extra)

        plot.save_light_map(result.light_map, args.map, lang=args.lang)
    return EXIT_OK


def _unknown_person_or_project(
    error: UnknownReferenceError, args: argparse.Namespace
) -> ProjpushError:
    """``error`` about the ``--project`` or ``--leader`` typed, named by its option."""
    if error.field == "project" and error.got == args.project:
        expected = "the code or local id of a project in the ledger"
        return UnknownReferenceError.about("--project", expected, args.project)
    if error.field == "leader" and error.got == args.leader:
        return UnknownReferenceError.about("--leader", "a leader in the ledger", args.leader)
    return error


def _calendar(args: argparse.Namespace) -> WorkingCalendar | None:
    """The official calendar with ``--provisional-year`` added, or None (the official one).

    Raises:
        ValidationError: the year is not the one after the official data's last.
        ImportError: the ``cn`` extra (the official data) is missing.
    """
    year = getattr(args, "provisional_year", None)
    if year is None:
        return None
    from projpush.messages import message  # noqa: PLC0415
    from projpush.schedule import china_calendar  # noqa: PLC0415

    official = china_calendar()
    if year != official.years.stop:
        expected = f"{official.years.stop}, the year after the official calendar's last"
        raise ValidationError.about("--provisional-year", expected, year)
    logging.getLogger("projpush").info("%s", message("cli.provisional", _lang(args), year=year))
    return official.with_provisional_year(year)


def _beyond_the_calendar(error: CalendarCoverageError, as_of: dt.date) -> ProjpushError:
    """``error`` named by ``--as-of`` when it is the year of ``--as-of`` the calendar lacks.

    A deadline in another year the calendar lacks (an issue due next January)
    is the ledger's, not the option's: that error stays as it is.
    """
    day = error.got
    if not isinstance(day, dt.date) or day.year != as_of.year:
        return error
    expected = f"{error.expected}, the years the working-day calendar covers"
    return CalendarCoverageError.about("--as-of", expected, str(as_of))


def _convert(args: argparse.Namespace, out: _Console) -> int:
    """``projpush convert``: read any ledger, write it in the format asked for."""
    from projpush import _paths, ledger  # noqa: PLC0415

    if args.to is None and _is_database(args.target):
        return _convert_to_database(args, out)
    if isinstance(args.target, str):  # a URL, with --to asking for a file
        raise ValidationError.about(
            "TARGET",
            f"a file or folder for --to {args.to} (a URL is written without --to)",
            _hidden(args.target),
        )

    fmt = args.to or {".json": "json", ".xlsx": "xlsx"}.get(args.target.suffix.lower(), "parquet")
    if fmt in {"json", "xlsx"}:
        _paths.check_output_path(args.target, "TARGET", [args.ledger])
    else:
        _paths.check_output_folder(args.target, "TARGET", [args.ledger])
    portfolio = ledger.load_ledger(
        args.ledger, trusted=args.trusted, max_bytes=args.max_ledger_size
    )
    if fmt == "json":
        from projpush.io import dump_portfolio  # noqa: PLC0415

        dump_portfolio(portfolio, args.target)
    elif fmt == "csv":
        from projpush.io.csvfolder import dump_csv_ledger  # noqa: PLC0415

        dump_csv_ledger(portfolio, args.target)
    elif fmt == "xlsx":
        from projpush.io.xlsx import dump_xlsx_ledger  # noqa: PLC0415 (the xlsx extra)

        dump_xlsx_ledger(portfolio, args.target)
    else:
        from projpush.engine.tables import from_portfolio  # noqa: PLC0415
        from projpush.io.parquet import write_parquet  # noqa: PLC0415

        write_parquet(from_portfolio(portfolio), args.target)
    n = len(portfolio.projects)
    out.write(f"{args.target}: {fmt} ledger of {n} project{'s' if n != 1 else ''}\n")
    return EXIT_OK


def _template(args: argparse.Namespace, out: _Console) -> int:
    """``projpush template FILE.xlsx``: the blank ledger workbook, 说明 sheet first."""
    from projpush import _paths  # noqa: PLC0415
    from projpush.io.xlsx import write_xlsx_template  # noqa: PLC0415 (the xlsx extra)

    if args.target.suffix.lower() != ".xlsx":
        raise ValidationError.about("FILE.xlsx", "a file name ending in .xlsx", str(args.target))
    _paths.check_output_path(args.target, "FILE.xlsx", [])
    years = args.year or [dt.date.today().year]  # noqa: DTZ011 (the edge may read the clock)
    write_xlsx_template(args.target, years=years)
    out.write(f"{args.target}: a blank ledger workbook, annual plans of {years[0]}")
    out.write("".join(f", {y}" for y in years[1:]) + "\n")
    return EXIT_OK


def _is_database(target: Path | str) -> bool:
    """True for a database URL or a SQLite file name (``.sqlite``, ``.sqlite3``, ``.db``)."""
    return isinstance(target, str) or target.suffix.lower() in {".sqlite", ".sqlite3", ".db"}


def _is_tables(path: Path | str) -> bool:
    """True for a ledger held as tables: a Parquet folder, a SQLite file or a database URL."""
    return _is_database(path) or (isinstance(path, Path) and _is_parquet(path))


def _read_tables(path: Path | str) -> LedgerTables:
    """The tables of a Parquet folder or a database, read as recorded (columns checked)."""
    if _is_database(path):
        from projpush.io.sql import read_sql  # noqa: PLC0415 (the sql extra)

        return read_sql(path)
    from projpush.io.parquet import read_parquet  # noqa: PLC0415

    return read_parquet(path)


def _convert_to_database(args: argparse.Namespace, out: _Console) -> int:
    """``projpush convert LEDGER city.sqlite`` (or a URL): the ledger's tables written over."""
    from projpush import _paths, ledger  # noqa: PLC0415
    from projpush.engine.tables import from_portfolio  # noqa: PLC0415
    from projpush.io.sql import write_sql  # noqa: PLC0415 (the sql extra)

    inputs = [args.ledger] if isinstance(args.ledger, Path) else []
    if isinstance(args.target, Path):
        _paths.check_output_path(args.target, "TARGET", inputs)
    elif args.target == args.ledger:
        raise ValidationError.about("TARGET", "a database other than LEDGER", args.target)
    portfolio = ledger.load_ledger(
        args.ledger, trusted=args.trusted, max_bytes=args.max_ledger_size
    )
    write_sql(from_portfolio(portfolio), args.target, replace=True)
    n = len(portfolio.projects)
    shown = args.target if isinstance(args.target, Path) else _hidden(args.target)
    out.write(f"{shown}: sql ledger of {n} project{'s' if n != 1 else ''}\n")
    return EXIT_OK


def _hidden(url: str) -> str:
    """A URL as it may be printed: its password, if any, as ``***``."""
    from projpush.io.sql import _hide_password  # noqa: PLC0415

    return _hide_password(url)


def _schema(args: argparse.Namespace, out: _Console) -> int:
    """``projpush schema --sql DIALECT``: the DDL of the ledger's tables."""
    from projpush.io.sql import ddl  # noqa: PLC0415 (the sql extra)

    out.write(ddl(args.sql))
    return EXIT_OK


def _check(args: argparse.Namespace, out: _Console) -> int:
    from projpush.ledger import check_ledger  # noqa: PLC0415

    as_of = args.as_of or dt.date.today()  # noqa: DTZ011 (the edge may read the clock)
    outcome = check_ledger(args.ledger, as_of, max_bytes=args.max_ledger_size)
    for line in _check_lines(outcome, str(args.ledger), args.lang):
        out.write(line + "\n")
    return EXIT_OK if outcome.valid else EXIT_INVALID


def _check_lines(outcome: LedgerCheck, ledger: str, lang: Lang = "en") -> Iterator[str]:
    r"""What ``projpush check`` prints of ``outcome``, in ``lang``: notes, problems, gaps, verdict.

    Each line begins with its kind (``note:``, ``error:``, ``warning:``, in
    Chinese ``注意：``, ``错误：``, ``缺口：``); a gap names its kind and says
    its sentence in ``lang``. The problems' messages, and the readers'
    notes, are the library's, in English.

    >>> from projpush.ledger import LedgerCheck
    >>> from projpush.model import Finding, FindingKind
    >>> gap = Finding.of(FindingKind.NO_LEADER, "NB-7", project="汽车零部件生产线")
    >>> print("\n".join(_check_lines(LedgerCheck((), (gap,), None), "city.json", "zh")))
    缺口：NB-7：无包保领导：汽车零部件生产线：无包保领导
    city.json：有效，发现1处台账缺口
    """
    from projpush.messages import check_lang, enum_name, message  # noqa: PLC0415

    check_lang(lang)
    for note in outcome.notes:
        yield message("cli.check.note", lang, message=note)
    for problem in outcome.problems:
        yield message("cli.check.problem", lang, location=problem.location, message=problem.message)
    for finding in outcome.findings:
        kind = enum_name(finding.kind, lang)
        yield message(
            "cli.check.finding", lang, subject=finding.subject, kind=kind, text=finding.text(lang)
        )
    n, found = len(outcome.problems), len(outcome.findings)
    if outcome.valid:
        yield message("cli.check.valid", lang, ledger=ledger, findings=found)
    else:
        key = "cli.check.invalid" if n > 1 else "cli.check.invalid_one"
        yield message(key, lang, ledger=ledger, problems=n, findings=found)


def _load(args: argparse.Namespace) -> tuple[Portfolio, Stages | None]:
    """The ledger of ``args``; a report's bar shows the load, most of a large ledger's wait."""
    from projpush import ledger  # noqa: PLC0415 (keep --help fast)

    stages = _progress(args.lang, loading=True) if args.command == "report" else None
    try:
        portfolio = ledger.load_ledger(
            args.ledger,
            trusted=getattr(args, "trusted", False),
            max_bytes=args.max_ledger_size,
        )
    except BaseException:
        if stages is not None:
            stages.close()
        raise
    return portfolio, stages


def _progress(lang: str, *, loading: bool = False) -> Stages | None:
    """A bar of the stages on stderr when it is a terminal (and tqdm is installed), else None.

    With ``loading`` its first step is the ledger's load, shown at once.
    """
    from projpush._progress import terminal_stages  # noqa: PLC0415 (only a terminal needs it)

    stages = terminal_stages(sys.stderr, lang)
    if stages is not None and loading:
        stages.loading()
    return stages
