"""The ``projpush`` command: supervision reports, Yinzhou's tables, ledger checks.

``projpush report LEDGER --as-of DATE`` prints the monthly supervision report;
``projpush demo`` prints it for the bundled sample city; ``projpush tables``
prints "one map, five tables" (一图五表) for a project or a leader;
``projpush check LEDGER`` lists every problem in a ledger. A bad input ends
the command with one line saying what and where, and exit status 2 (1 for a
ledger that ``check`` found invalid); ``--debug`` shows the traceback.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from projpush import __version__
from projpush.errors import ProjpushError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

__all__ = ["main"]

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_ERROR = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as a shell reports a command stopped by Ctrl-C
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports a writer whose reader left


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        msg = f"expected a date YYYY-MM-DD, got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="projpush",
        description="Supervision reports for major investment projects (重大项目推进).",
    )
    parser.add_argument("--version", action="version", version=f"projpush {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks on errors")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def report_options(p: argparse.ArgumentParser) -> None:
        from projpush.report import POLICY_SETS  # noqa: PLC0415 (keep --help fast)

        p.add_argument("--policy", choices=sorted(POLICY_SETS), default="default")
        p.add_argument("--format", choices=("text", "json", "csv"), default="text")
        p.add_argument("--lang", choices=("zh", "en"), default="zh")
        p.add_argument("--map", type=Path, metavar="FILE", help="save a light map (PNG or SVG)")
        p.add_argument("--output", "-o", type=Path, metavar="FILE", help="write here, not stdout")

    report = commands.add_parser("report", help="the monthly supervision report of a ledger")
    report.add_argument("ledger", type=Path, help="a JSON ledger file or a folder of CSV files")
    report.add_argument("--as-of", type=_date, required=True, metavar="DATE")
    report.add_argument(
        "--trusted",
        action="store_true",
        help="read a JSON ledger projpush wrote or checked through the fast bulk path",
    )
    report_options(report)

    demo = commands.add_parser("demo", help="the report on the bundled sample ledger")
    demo.add_argument("--as-of", type=_date, default=None, metavar="DATE")
    report_options(demo)

    tables = commands.add_parser("tables", help="one map, five tables (一图五表)")
    tables.add_argument("ledger", type=Path)
    tables.add_argument("--as-of", type=_date, required=True, metavar="DATE")
    who = tables.add_mutually_exclusive_group(required=True)
    who.add_argument("--project", metavar="CODE")
    who.add_argument("--leader", metavar="NAME")
    tables.add_argument("--format", choices=("text", "csv"), default="text")
    tables.add_argument("--lang", choices=("zh", "en"), default="zh")

    convert = commands.add_parser(
        "convert", help="convert a ledger between JSON, a CSV folder and a Parquet folder"
    )
    convert.add_argument("ledger", type=Path, help="a JSON file, a CSV folder or a Parquet folder")
    convert.add_argument(
        "target", type=Path, help="a .json file, or a folder (Parquet unless --to csv)"
    )
    convert.add_argument(
        "--to",
        choices=("json", "parquet", "csv"),
        default=None,
        help="the format written (default: json for a .json target, else parquet)",
    )
    convert.add_argument(
        "--trusted", action="store_true", help="read a JSON ledger through the fast bulk path"
    )

    check = commands.add_parser("check", help="list every problem in a ledger")
    check.add_argument("ledger", type=Path)
    check.add_argument("--as-of", type=_date, default=None, metavar="DATE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status.

    Nothing ends in a traceback unless ``--debug`` asks for one: a bad input
    is one line and status 2, Ctrl-C one line and status 130, a reader that
    closes the pipe early (``projpush demo | head``) a quiet status 141.
    """
    args = _parser().parse_args(argv)
    try:
        out = sys.stdout or _devnull()  # None: started with stdout closed (>&-)
        status = _run(args, out)
        out.flush()  # a closed pipe shows here, not at interpreter exit
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:
        if args.debug:
            raise
        print("projpush: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except (ProjpushError, OSError, ImportError) as error:  # ImportError: a missing extra
        if args.debug:
            raise
        where = getattr(error, "field", None) or getattr(error, "filename", None)
        print(f"projpush: error: {error}", file=sys.stderr)
        if where and str(where) not in str(error):
            print(f"  at {where}", file=sys.stderr)
        return EXIT_ERROR
    return status


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
        ValidationError: ``--output`` or ``--map`` is an input ledger, lies in
            an input ledger folder, has a missing or read-only folder, or is not
            a regular file; ``--map`` does not end in .png or .svg, or is the
            ``--output`` file.
        ImportError: ``--map`` without the plot extra (matplotlib).
    """
    from projpush import _paths  # noqa: PLC0415 (keep --help fast)

    ledger = getattr(args, "ledger", None)
    inputs = [ledger] if ledger is not None else []
    for path in inputs:
        _paths.check_ledger_path(path)
    output, picture = getattr(args, "output", None), getattr(args, "map", None)
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


def _run(args: argparse.Namespace, out: TextIO) -> int:
    from projpush import ledger, report  # noqa: PLC0415 (keep --help fast)

    _check_paths(args)
    if args.command == "check":
        return _check(args, out)
    if args.command == "convert":
        return _convert(args, out)
    calendar = None  # the China official calendar, from the cn extra
    if args.command == "demo":
        from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF  # noqa: PLC0415

        # The sample city lives in 2020, whose holiday notice the sample carries
        # typed in, so the demo runs on a core install.
        portfolio, as_of, calendar = (
            report.sample_ledger(),
            args.as_of or SAMPLE_AS_OF,
            CALENDAR_2020,
        )
    else:
        portfolio = ledger.load_ledger(args.ledger, trusted=getattr(args, "trusted", False))
        as_of = args.as_of
    if args.command == "tables":
        text = report.render_tables(
            portfolio,
            as_of,
            project=args.project,
            leader=args.leader,
            fmt=args.format,
            lang=args.lang,
        )
        out.write(text)
        return EXIT_OK
    result = report.build_report(
        portfolio, as_of, policy=args.policy, calendar=calendar, progress=_progress()
    )
    text = report.render(result, fmt=args.format, lang=args.lang)
    if args.output:
        from projpush.io import _atomic_write_bytes, _encoded  # noqa: PLC0415

        data = _encoded(args.output, text, encoding="utf-8", newline="")
        _atomic_write_bytes(args.output, data)  # the umask's mode, or the file's own
    else:
        out.write(text)
    if args.map and result.light_map is not None:
        from projpush import plot  # noqa: PLC0415 (needs the plot extra)

        plot.save_light_map(result.light_map, args.map, lang=args.lang)
    return EXIT_OK


def _convert(args: argparse.Namespace, out: TextIO) -> int:
    """``projpush convert``: read any ledger, write it in the format asked for."""
    from projpush import _paths, ledger  # noqa: PLC0415

    fmt = args.to or ("json" if args.target.suffix.lower() == ".json" else "parquet")
    if fmt == "json":
        _paths.check_output_path(args.target, "TARGET", [args.ledger])
    else:
        _paths.check_output_folder(args.target, "TARGET", [args.ledger])
    portfolio = ledger.load_ledger(args.ledger, trusted=args.trusted)
    if fmt == "json":
        from projpush.io import dump_portfolio  # noqa: PLC0415

        dump_portfolio(portfolio, args.target)
    elif fmt == "csv":
        from projpush.csvledger import dump_csv_ledger  # noqa: PLC0415

        dump_csv_ledger(portfolio, args.target)
    else:
        from projpush.engine.tables import from_portfolio, write_parquet  # noqa: PLC0415

        write_parquet(from_portfolio(portfolio), args.target)
    n = len(portfolio.projects)
    out.write(f"{args.target}: {fmt} ledger of {n} project{'s' if n != 1 else ''}\n")
    return EXIT_OK


def _check(args: argparse.Namespace, out: TextIO) -> int:
    from projpush.ledger import check_ledger  # noqa: PLC0415

    as_of = args.as_of or dt.date.today()  # noqa: DTZ011 (the edge may read the clock)
    outcome = check_ledger(args.ledger, as_of)
    out.writelines(f"error: {problem}\n" for problem in outcome.problems)
    out.writelines(
        f"warning: {finding.subject}: {finding.kind.value}: {finding.detail}\n"
        for finding in outcome.findings
    )
    n = len(outcome.problems)
    status = "valid" if outcome.valid else f"invalid ({n} problem{'s' if n > 1 else ''})"
    out.write(f"{args.ledger}: {status}, {len(outcome.findings)} findings\n")
    return EXIT_OK if outcome.valid else EXIT_INVALID


def _progress() -> Callable[[str, int, int], None] | None:
    """A progress callback writing to stderr, when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(stage: str, done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        print(f"\r{stage}: {done:,}/{total:,}", end=end, file=sys.stderr, flush=True)

    return show
