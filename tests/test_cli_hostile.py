"""The command line against a hostile user: outputs over inputs, FIFOs, Ctrl-C, pipes.

Also bad option values of every subcommand, ledgers over the size limit, and
consoles that cannot show Chinese.

Each case ends in one line on stderr and a known exit status, never a
traceback, and never with an input ledger destroyed. Paths are checked before
any work: the tests make the report builder fail loudly if it is reached.
"""

from __future__ import annotations

import argparse
import codecs
import datetime as dt
import io as io_
import os
import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import attrs
import pytest

from cli_run import run
from projpush import _paths, cli, io, ledger
from projpush.cli import EXIT_BROKEN_PIPE, EXIT_ERROR, EXIT_INTERRUPTED, main
from projpush.csvledger import dump_csv_ledger
from projpush.errors import LedgerError, ValidationError
from projpush.ledger import MAX_LEDGER_BYTES
from projpush.synth import sample_portfolio

AS_OF = ("--as-of", "2020-10-31")
PYTHON = (sys.executable, "-m", "projpush")


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A JSON ledger file and a CSV ledger folder of the sample city, made once."""
    folder = tmp_path_factory.mktemp("city")
    io.dump_portfolio(sample_portfolio(), folder / "city.json")
    dump_csv_ledger(sample_portfolio(), folder / "csv")
    return folder / "city.json", folder / "csv"


@pytest.fixture
def ledgers(tmp_path: Path, city: tuple[Path, Path]) -> tuple[Path, Path]:
    """Fresh copies of the two ledgers in ``tmp_path`` (the test's working folder)."""
    json_file, csv_folder = tmp_path / "city.json", tmp_path / "csv"
    json_file.write_bytes(city[0].read_bytes())
    csv_folder.mkdir()
    for path in city[1].iterdir():
        (csv_folder / path.name).write_bytes(path.read_bytes())
    return json_file, csv_folder


@pytest.fixture
def no_work(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make building a report (or tables) fail the test: the paths must be refused first."""

    def reached(*_args: object, **_kwargs: object) -> None:
        pytest.fail("the report was built before the paths were checked")

    monkeypatch.setattr("projpush.report.build_report", reached)
    monkeypatch.setattr("projpush.report.render_tables", reached)
    monkeypatch.setattr("projpush.report.sample_ledger", reached)


def snapshot(*paths: Path) -> dict[str, bytes]:
    """Every file under ``paths`` by name, with its bytes."""
    out = {}
    for path in paths:
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        out.update({str(f): f.read_bytes() for f in files if f.is_file()})
    return out


def one_line(err: str) -> str:
    """The single line of ``err`` (asserting that it is one line, with no traceback)."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert 1 == len(lines), err
    return lines[0]


# --------------------------------------------------------------------------- output over input


class TestOutputOverInput:
    """An --output or --map that is an input ledger, by any spelling, is refused."""

    @pytest.mark.parametrize(
        "spelling",
        ["city.json", "./city.json", "csv/../city.json", "{tmp}/city.json", "link.json", "hard"],
    )
    @pytest.mark.parametrize("option", ["--output", "-o"])
    @pytest.mark.usefixtures("no_work")
    def test_json_ledger_as_output(  # noqa: PLR0917 (pytest passes fixtures by position)
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
        ledgers: tuple[Path, Path],
        spelling: str,
        option: str,
    ) -> None:
        """The ledger itself, relatively, through .., absolutely, by symlink or hard link."""
        monkeypatch.chdir(tmp_path)
        (tmp_path / "link.json").symlink_to("city.json")
        (tmp_path / "hard").hardlink_to(tmp_path / "city.json")
        before = snapshot(tmp_path)
        typed = spelling.format(tmp=tmp_path)
        status, out, err = run(capsys, "report", "city.json", *AS_OF, option, typed)
        assert (EXIT_ERROR, "") == (status, out)
        shown = str(Path(typed))  # as argparse's Path holds it: "./city.json" is "city.json"
        assert (
            f"projpush: error: --output: {shown!r} is the input ledger 'city.json'; "
            f"it would be lost"
        ) == one_line(err)
        assert before == snapshot(tmp_path)

    @pytest.mark.parametrize("typed", ["csv/report.txt", "./csv/projects.csv", "csv", "csv/"])
    @pytest.mark.usefixtures("no_work")
    def test_inside_a_csv_ledger_folder(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
        ledgers: tuple[Path, Path],
        typed: str,
    ) -> None:
        """A new or existing file inside the input folder, or the folder itself."""
        monkeypatch.chdir(tmp_path)
        before = snapshot(tmp_path)
        status, _, err = run(capsys, "report", "csv", *AS_OF, "--output", typed)
        assert EXIT_ERROR == status
        line = one_line(err)
        shown = str(Path(typed))
        if shown == "csv":
            assert f"projpush: error: --output: {shown!r} is the input ledger 'csv'; " in line
        else:
            assert (
                f"projpush: error: --output: {shown!r} lies inside the input ledger folder "
                f"'csv'; write it somewhere else"
            ) == line
        assert before == snapshot(tmp_path)

    @pytest.mark.usefixtures("no_work")
    def test_inside_the_folder_through_a_symlink(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
        ledgers: tuple[Path, Path],
    ) -> None:
        """A link to the ledger folder is the folder: writing into it is refused."""
        monkeypatch.chdir(tmp_path)
        (tmp_path / "alias").symlink_to("csv", target_is_directory=True)
        status, _, err = run(capsys, "report", "csv", *AS_OF, "-o", "alias/out.txt")
        assert EXIT_ERROR == status
        assert "lies inside the input ledger folder 'csv'" in one_line(err)

    @pytest.mark.parametrize(
        ("ledger", "picture", "message"),
        [
            ("city.json", "city.json", "--map: 'city.json' is the input ledger 'city.json'"),
            ("csv", "csv/map.png", "--map: 'csv/map.png' lies inside the input ledger folder"),
        ],
    )
    @pytest.mark.usefixtures("no_work")
    def test_map_over_input(  # noqa: PLR0917 (pytest passes fixtures by position)
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
        ledgers: tuple[Path, Path],
        ledger: str,
        picture: str,
        message: str,
    ) -> None:
        """--map is an output too (a .json --map is refused for its suffix first)."""
        monkeypatch.chdir(tmp_path)
        (tmp_path / "city.png").symlink_to("city.json")
        before = snapshot(tmp_path)
        picture = "city.png" if picture == "city.json" else picture
        status, _, err = run(capsys, "report", ledger, *AS_OF, "--map", picture)
        assert EXIT_ERROR == status
        assert message.replace("'city.json' is", "'city.png' is") in one_line(err)
        assert before == snapshot(tmp_path)

    def test_an_unrelated_output_is_written(
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
        ledgers: tuple[Path, Path],
    ) -> None:
        """A folder beside the ledger folder whose name starts the same is not inside it."""
        monkeypatch.chdir(tmp_path)
        (tmp_path / "csv2").mkdir()
        status, _, err = run(capsys, "report", "csv", *AS_OF, "-o", "csv2/report.txt")
        assert (0, "") == (status, err)
        assert "红灯项目" in (tmp_path / "csv2" / "report.txt").read_text("utf-8")


class TestOutputChecks:
    """The rest of an output's checks, all before any work."""

    @pytest.mark.parametrize("name", ["lights.pdf", "lights", "lights.png.txt"])
    @pytest.mark.usefixtures("no_work")
    def test_map_suffix(self, capsys: pytest.CaptureFixture[str], name: str) -> None:
        """--map must end in .png or .svg, checked before the report is built."""
        status, _, err = run(capsys, "demo", "--map", name)
        assert EXIT_ERROR == status
        assert (
            f"projpush: error: --map: expected a file name ending in .png or .svg, got {name!r}"
        ) == one_line(err)

    @pytest.mark.usefixtures("no_work")
    def test_missing_folder(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """An output in a folder that does not exist is refused."""
        typed = str(tmp_path / "nowhere" / "r.txt")
        status, _, err = run(capsys, "demo", "-o", typed)
        assert EXIT_ERROR == status
        assert (
            f"projpush: error: --output: the folder {str(tmp_path / 'nowhere')!r} of "
            f"{typed!r} does not exist"
        ) == one_line(err)

    @pytest.mark.usefixtures("no_work")
    def test_read_only_folder(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """A folder this user cannot write is refused (os.access, so root is simulated)."""
        monkeypatch.setattr(os, "access", lambda *_a, **_k: False)
        typed = str(tmp_path / "map.svg")
        status, _, err = run(capsys, "demo", "--map", typed)
        assert EXIT_ERROR == status
        assert (
            f"projpush: error: --map: the folder {str(tmp_path)!r} of {typed!r} is not writable"
        ) == one_line(err)

    @pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
    def test_read_only_folder_for_real(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """The same with a folder really made read-only."""
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        try:
            status, _, err = run(capsys, "demo", "-o", str(folder / "r.txt"))
        finally:
            folder.chmod(0o755)
        assert EXIT_ERROR == status
        assert "is not writable" in one_line(err)

    @pytest.mark.usefixtures("no_work")
    def test_output_is_a_folder(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A folder is no output file."""
        status, _, err = run(capsys, "demo", "-o", str(tmp_path))
        assert EXIT_ERROR == status
        assert (
            f"projpush: error: --output: {str(tmp_path)!r} is a folder; expected a file name"
        ) == one_line(err)

    @pytest.mark.usefixtures("no_work")
    def test_output_is_a_fifo(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A FIFO (or device) as output would be replaced by a file: refused."""
        fifo = tmp_path / "pipe.txt"
        os.mkfifo(fifo)
        status, _, err = run(capsys, "demo", "-o", str(fifo))
        assert EXIT_ERROR == status
        assert (
            f"projpush: error: --output: {str(fifo)!r} is a FIFO (named pipe); "
            f"expected a regular file or a new name"
        ) == one_line(err)
        assert stat.S_ISFIFO(fifo.stat().st_mode)

    @pytest.mark.usefixtures("no_work")
    def test_map_is_the_output(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
    ) -> None:
        """--map and --output naming one file would lose the report: refused."""
        monkeypatch.chdir(tmp_path)
        status, _, err = run(capsys, "demo", "-o", "a.svg", "--map", "./a.svg")
        assert EXIT_ERROR == status
        assert (
            "projpush: error: --map: 'a.svg' is also the --output file; give each its own name"
        ) == one_line(err)

    def test_errors_name_field_expected_got(self, tmp_path: Path) -> None:
        """The checks raise ProjpushErrors that name the option, the expectation, the value."""
        with pytest.raises(ValidationError) as info:
            _paths.check_output_path(tmp_path, "--output")
        assert ("--output", "a file name", str(tmp_path)) == (
            info.value.field,
            info.value.expected,
            info.value.got,
        )
        with pytest.raises(ValidationError) as info:
            _paths.check_map_suffix(Path("x.gif"))
        assert ("--map", "x.gif") == (info.value.field, info.value.got)


# --------------------------------------------------------------------------- written files


class TestOutputFiles:
    """--output goes through the atomic writer: umask, kept mode, symlinks."""

    def test_new_output_follows_the_umask(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """A new report file gets 0o666 & ~umask."""
        old = os.umask(0o027)
        try:
            status, _, _ = run(capsys, "demo", "-o", str(tmp_path / "r.txt"))
        finally:
            os.umask(old)
        assert 0 == status
        assert 0o640 == stat.S_IMODE((tmp_path / "r.txt").stat().st_mode)

    def test_output_keeps_mode_and_symlink(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path
    ) -> None:
        """Through a symlink, the target is rewritten with its mode; the link stays."""
        real = tmp_path / "real.txt"
        real.write_text("old", encoding="utf-8")
        real.chmod(0o604)
        link = tmp_path / "r.txt"
        link.symlink_to(real)
        status, _, _ = run(capsys, "demo", "-o", str(link), "--format", "json")
        assert 0 == status
        assert link.is_symlink()
        assert real.read_text("utf-8").startswith("{")
        assert 0o604 == stat.S_IMODE(real.stat().st_mode)


# --------------------------------------------------------------------------- not files


def run_process(*argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*PYTHON, *argv], capture_output=True, text=True, timeout=timeout, check=False
    )


class TestNotAFile:
    """A FIFO or device given as a ledger is refused at once, without opening it."""

    @pytest.mark.parametrize(
        "argv",
        [("report", "{}", *AS_OF), ("tables", "{}", *AS_OF, "--leader", "x"), ("check", "{}")],
        ids=["report", "tables", "check"],
    )
    @pytest.mark.parametrize("name", ["ledger.json", "ledger"])
    def test_fifo_does_not_hang(self, tmp_path: Path, argv: tuple[str, ...], name: str) -> None:
        """Nobody writes the FIFO: a reader that opened it would wait forever."""
        fifo = tmp_path / name
        os.mkfifo(fifo)
        done = run_process(*(a.format(fifo) for a in argv), timeout=30)
        assert (EXIT_ERROR, "") == (done.returncode, done.stdout)
        assert (
            f"projpush: error: LEDGER: {str(fifo)!r} is a FIFO (named pipe); "
            f"expected a JSON ledger file or a folder of CSV files"
        ) == one_line(done.stderr)

    def test_device(self, capsys: pytest.CaptureFixture[str]) -> None:
        """/dev/null would read as an empty file, /dev/zero without end."""
        for device in ("/dev/null", "/dev/zero"):
            status, _, err = run(capsys, "check", device)
            assert EXIT_ERROR == status
            assert f"LEDGER: {device!r} is a character device; expected" in one_line(err)

    def test_error_names_field_expected_got(self, tmp_path: Path) -> None:
        """The check raises a LedgerError naming LEDGER, the expectation and the path."""
        fifo = tmp_path / "f"
        os.mkfifo(fifo)
        with pytest.raises(LedgerError) as info:
            _paths.check_ledger_path(fifo)
        assert ("LEDGER", str(fifo)) == (info.value.field, info.value.got)
        assert "a JSON ledger file or a folder of CSV files" == info.value.expected

    def test_missing_ledger_is_left_to_the_loader(self, capsys: pytest.CaptureFixture[str]) -> None:
        """A path that is not there gets the loader's own message."""
        status, _, err = run(capsys, "check", "/no/such/ledger.json")
        assert EXIT_ERROR == status
        assert "no ledger at '/no/such/ledger.json'" in one_line(err)


# --------------------------------------------------------------------------- signals and pipes


class TestInterrupt:
    """Ctrl-C gives one line and exit status 130."""

    def test_in_process(
        self, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A KeyboardInterrupt anywhere in the work becomes one line and 130."""

        def interrupted(*_args: object, **_kwargs: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr("projpush.report.build_report", interrupted)
        status, out, err = run(capsys, "demo")
        assert (EXIT_INTERRUPTED, "", "projpush：已中断\n") == (status, out, err)
        status, out, err = run(capsys, "demo", "--lang", "en")
        assert (EXIT_INTERRUPTED, "", "projpush: interrupted\n") == (status, out, err)

    def test_debug_shows_the_traceback(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """--debug lets the interrupt through, for a developer who wants to see where."""

        def interrupted(*_args: object, **_kwargs: object) -> None:
            raise KeyboardInterrupt

        monkeypatch.setattr("projpush.report.build_report", interrupted)
        with pytest.raises(KeyboardInterrupt):
            main(["--debug", "demo"])

    def test_sigint_to_a_running_command(self) -> None:
        """A real SIGINT to a process busy building a report."""
        script = textwrap.dedent(
            """
            import sys, time
            import projpush.report

            def slow(*args, **kwargs):
                print("ready", file=sys.stderr, flush=True)
                time.sleep(60)

            projpush.report.build_report = slow
            from projpush.cli import main
            sys.exit(main(["demo"]))
            """
        )
        with subprocess.Popen(
            [sys.executable, "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as process:
            assert process.stderr is not None
            assert "ready\n" == process.stderr.readline()
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=30)
        said = (process.returncode, out, err)  # in the report's language, Chinese by default
        assert (EXIT_INTERRUPTED, "", "projpush：已中断\n") == said


class TestPipes:
    """A reader that leaves early, or no stdout at all, ends the command quietly."""

    def test_head(self) -> None:
        """``projpush demo | head -1``: the first line, nothing on stderr."""
        done = subprocess.run(
            ["/bin/sh", "-c", f"'{sys.executable}' -m projpush demo --format csv | head -1"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (0, "\ufeff通报\n", "") == (done.returncode, done.stdout, done.stderr)

    def test_reader_gone_before_the_write(self) -> None:
        """The pipe closed before anything is written: exit 141, no message, no traceback."""
        with subprocess.Popen(
            [*PYTHON, "demo", "--format", "json"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as process:
            assert process.stdout is not None
            process.stdout.close()
            _, err = process.communicate(timeout=60)
        assert (EXIT_BROKEN_PIPE, "") == (process.returncode, err)

    def test_closed_stdout(self) -> None:
        """Started with stdout closed (``>&-``): the report goes nowhere, quietly."""
        done = subprocess.run(
            ["/bin/sh", "-c", f"'{sys.executable}' -m projpush demo >&-"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert (0, "") == (done.returncode, done.stderr)


# --------------------------------------------------------------------------- option values


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    """The one line a usage error writes (asserting status 2, no usage text, no stdout)."""
    with pytest.raises(SystemExit) as exit_:
        main(list(argv))
    out, err = capsys.readouterr()
    assert (EXIT_ERROR, "") == (exit_.value.code, out)
    assert "usage:" not in err
    return one_line(err)


DATE = "expected a date YYYY-MM-DD from 1900-01-31 to 2200-12-31, got {!r}"
SIZE = (
    "expected a size of 1 byte or more such as 512M, 8G or 8GiB (K, M, G, T: powers of 1024; "
    "a bare number: bytes), got {!r}"
)
POLICIES = (
    "'binzhou', 'dalian', 'default', 'ningbo', 'sanya', 'tonglu', 'wuhan', 'xinhuang', "
    "'yinchuan' or 'yinzhou'"
)
BAD_DATES = ["1900-01-01", "1899-12-31", "2201-01-01", "2020-13-01", "2020-02-30", "20201031",
             "2020-W44-6", "2020-1-5", "31/10/2020", "", "２０２０-10-31"]  # fmt: skip
BAD_SIZES = ["8GB", "1.5G", "0", "-1", "G", "", "8 G", "4K B", "１G", "1e9", "1_000", "8\u212a",
             "8GİB", "9" * 5000]  # fmt: skip
LEDGER_COMMANDS = ("report", "tables", "check", "convert")


def bad_option_cases() -> list[tuple[tuple[str, ...], str]]:
    """(argv, the error line) for a bad value of every option of every subcommand."""
    base = {
        "report": ("report", "L.json", *AS_OF),
        "demo": ("demo",),
        "tables": ("tables", "L.json", *AS_OF, "--leader", "x"),
        "check": ("check", "L.json"),
        "convert": ("convert", "L.json", "out"),
    }
    cases: list[tuple[tuple[str, ...], str]] = []
    for command in ("report", "demo", "tables", "check"):
        head = tuple(a for a in base[command] if a not in AS_OF)
        cases += [((*head, "--as-of", d), f"--as-of: {DATE.format(d)}") for d in BAD_DATES]
    for command in LEDGER_COMMANDS:
        cases += [
            ((*base[command], "--max-ledger-size", s), f"--max-ledger-size: {SIZE.format(s)}")
            for s in BAD_SIZES
        ]
    for command in ("report", "demo"):
        cases += [
            ((*base[command], "--policy", "atlantis"),
             f"--policy: expected {POLICIES}, got 'atlantis'"),
            ((*base[command], "--format", "xml"),
             "--format: expected 'text', 'json', 'csv', 'csv-fields', 'xlsx' or 'html', got 'xml'"),
            ((*base[command], "--lang", "fr"), "--lang: expected 'zh' or 'en', got 'fr'"),
        ]  # fmt: skip
    cases += [
        ((*base["tables"], "--format", "json"), "--format: expected 'text' or 'csv', got 'json'"),
        ((*base["tables"], "--lang", "EN"), "--lang: expected 'zh' or 'en', got 'EN'"),
        ((*base["check"], "--lang", "cn"), "--lang: expected 'zh' or 'en', got 'cn'"),
        ((*base["convert"], "--to", "xls"),
         "--to: expected 'json', 'xlsx', 'parquet' or 'csv', got 'xls'"),
        (("schema", "--sql", "mysql"), "--sql: expected 'sqlite' or 'postgresql', got 'mysql'"),
        (("template", "t.xlsx", "--year", "1800"),
         "--year: expected a whole number from 1900 to 2200, got '1800'"),
        (("template", "t.xlsx", "--year", "２０２６年"),
         "--year: expected a whole number from 1900 to 2200, got '２０２６年'"),
        (("report", "L.json", *AS_OF, "--provisional-year", "2O27"),
         "--provisional-year: expected a whole number from 1900 to 2200, got '2O27'"),
        (("reprot", "L.json"),
         ("COMMAND: expected one of 'report', 'demo', 'tables', 'convert', 'schema', 'check', "
         "'template', 'forecast', 'compare', 'sensitivity', 'lint', got 'reprot'")),
    ]  # fmt: skip
    for command in ("forecast", "compare", "sensitivity"):
        head = (command, "L.json")
        two = {
            "compare": ("--policy", "default", "--policy", "dalian"),
            "sensitivity": ("--parameter", "tolerance"),
        }.get(command, ())
        argv = (*head, *AS_OF, *two)
        cases += [((*head, "--as-of", d), f"--as-of: {DATE.format(d)}") for d in BAD_DATES]
        cases += [
            ((*argv, "--max-ledger-size", "8GB"), f"--max-ledger-size: {SIZE.format('8GB')}"),
            ((*argv, "--format", "xlsx"), "--format: expected 'text', 'json' or 'csv', got 'xlsx'"),
            ((*argv, "--lang", "fr"), "--lang: expected 'zh' or 'en', got 'fr'"),
            ((*head, *AS_OF, "--policy", "atlantis"),
             f"--policy: expected {POLICIES}, got 'atlantis'"),
        ]  # fmt: skip
    cases += [
        (("forecast", "L.json", *AS_OF, "--months", "13"),
         "--months: expected a whole number from 1 to 12, got '13'"),
        (("forecast", "L.json", *AS_OF, "--months", "２"),
         "--months: expected a whole number from 1 to 12, got '２'"),
        (("forecast", "L.json", *AS_OF, "--due-within", "251"),
         "--due-within: expected a whole number from 0 to 250, got '251'"),
        (("sensitivity", "L.json", *AS_OF, "--parameter", "tolerance", "--steps", "1,two"),
         "--steps: expected whole numbers separated by commas (-2,-1,1,2), got '1,two'"),
        (("sensitivity", "L.json", *AS_OF, "--parameter", "tolerance", "--step", "-0.1"),
         "--step: expected a positive number, got '-0.1'"),
        (("sensitivity", "L.json", *AS_OF, "--parameter", "tolerance", "--step", "x"),
         "--step: expected a positive number, got 'x'"),
        (("lint", "--lang", "fr"), "--lang: expected 'zh' or 'en', got 'fr'"),
        (("sensitivity", "L.json", *AS_OF, "--plot", ""), "--plot: expected a path, got ''"),
        (("lint", "--format", "xlsx"), "--format: expected 'text', 'json' or 'csv', got 'xlsx'"),
        (("lint", "--published", "atlantis"),
         "--published: expected 'wuhan' or 'yinchuan_literal', got 'atlantis'"),
        (("lint", "--spec", ""), "--spec: expected a path, got ''"),
    ]  # fmt: skip
    for command in LEDGER_COMMANDS:
        cases.append(((command, "", *base[command][2:]), "LEDGER: expected a path, got ''"))
    cases += [
        (("convert", "L.json", ""), "TARGET: expected a path, got ''"),
        (("demo", "--output", ""), "--output: expected a path, got ''"),
        (("report", "L.json", *AS_OF, "-o", ""), "--output: expected a path, got ''"),
        (("demo", "--map", ""), "--map: expected a path, got ''"),
    ]
    return cases


# Options whose bad values are mostly not the parser's to refuse: paths (TestOutputOverInput,
# TestOutputChecks; the parser refuses only an empty one) and names looked up in the ledger
# (TestNamesInTheLedger).
CHECKED_ELSEWHERE = {"--map", "--output", "--project", "--leader"}


class TestOptionValues:
    """A bad value of any option is one line naming the option and what was typed, status 2."""

    @pytest.mark.parametrize(("argv", "message"), bad_option_cases())
    @pytest.mark.usefixtures("no_work")
    def test_bad_value(
        self, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
    ) -> None:
        """The line is exactly ``projpush: error: --opt: expected ..., got '...'``."""
        assert f"projpush: error: {message}" == usage_error(capsys, *argv)

    def test_every_option_is_swept(self) -> None:
        """Each option that takes a value, of each subcommand, has a bad-value case above."""
        parser = cli._parser()
        [commands] = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        swept = {
            (argv[0], arg) for argv, _ in bad_option_cases() for arg in argv if arg[:2] == "--"
        }
        missing = [
            (name, action.option_strings[0])
            for name, sub in commands.choices.items()
            for action in sub._actions
            if action.option_strings and action.nargs != 0
            if action.option_strings[0] not in CHECKED_ELSEWHERE
            if (name, action.option_strings[0]) not in swept
        ]
        assert [] == missing

    @pytest.mark.parametrize(
        ("argv", "message"),
        [
            (("report", "L.json"), "the following arguments are required: --as-of"),
            (("report", "L.json", "--as", "2020-10-31"),
             "the following arguments are required: --as-of"),
            (("check", "L.json", "--as", "2020-10-31"), "unrecognized arguments: --as 2020-10-31"),
            (("report", "L.json", "--as-of"), "--as-of: expected one argument"),
            (("demo", "-o"), "--output: expected one argument"),
            (("tables", "L.json", *AS_OF, "--leader", "a", "--project", "b"),
             "--project: not allowed with argument --leader"),
            (("tables", "L.json", *AS_OF),
             "one of the arguments --project --leader is required"),
            ((), "the following arguments are required: COMMAND"),
        ],
    )  # fmt: skip
    def test_usage_errors_are_one_line(
        self, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], message: str
    ) -> None:
        """argparse's own errors, too, are one line without the usage; no option is guessed."""
        assert f"projpush: error: {message}" == usage_error(capsys, *argv)

    @pytest.mark.parametrize("day", ["1900-01-31", "2200-12-31"])
    def test_the_first_and_last_dates(self, day: str) -> None:
        """The ends of the range are accepted, and the first one judges (the sample's tables)."""
        assert dt.date.fromisoformat(day) == cli._date(day)

    def test_first_date_judges(self, capsys: pytest.CaptureFixture[str]) -> None:
        """1900-01-31 is the first date whose last complete month the model holds."""
        status, out, err = run(capsys, "demo", "--as-of", "1900-01-31", "--format", "csv")
        assert (0, "projpush：注意：台账中没有1900年的年度计划：投资数字为零\n") == (status, err)
        assert "\ufeff通报" == out.splitlines()[0]

    @pytest.mark.parametrize(
        ("typed", "size"),
        [("8G", 8 * 2**30), ("8g", 8 * 2**30), ("8GiB", 8 * 2**30), ("8gib", 8 * 2**30),
         ("512M", 512 * 2**20), ("4K", 4096), ("1T", 2**40), ("4096", 4096), ("1", 1)],
    )  # fmt: skip
    def test_sizes(self, typed: str, size: int) -> None:
        """K, M, G, T (with or without iB, any case) are powers of 1024; a bare number is bytes."""
        assert size == cli._size(typed)

    def test_default_size_is_the_library_default(self) -> None:
        """--max-ledger-size defaults to ledger.MAX_LEDGER_BYTES (4 GiB)."""
        for argv in (["check", "x"], ["report", "x", *AS_OF], ["convert", "x", "y"]):
            assert MAX_LEDGER_BYTES == cli._parser().parse_args(argv).max_ledger_size


class TestNamesInTheLedger:
    """A value looked up in the ledger or its calendar is refused naming its option."""

    def test_unknown_project(
        self, capsys: pytest.CaptureFixture[str], city: tuple[Path, Path]
    ) -> None:
        """--project names no project of the ledger."""
        status, _, err = run(capsys, "tables", str(city[0]), *AS_OF, "--project", "NB-404")
        assert EXIT_ERROR == status
        assert (
            "projpush: error: --project: expected the code or local id of a project in the "
            "ledger, got 'NB-404'"
        ) == one_line(err)

    def test_unknown_leader(
        self, capsys: pytest.CaptureFixture[str], city: tuple[Path, Path]
    ) -> None:
        """--leader names no leader of the ledger."""
        status, _, err = run(capsys, "tables", str(city[1]), *AS_OF, "--leader", "王市长")
        assert EXIT_ERROR == status
        assert (
            "projpush: error: --leader: expected a leader in the ledger, got '王市长'"
        ) == one_line(err)

    def test_as_of_beyond_the_calendar(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The demo's calendar holds 2020 only: a later --as-of is refused by its name."""
        status, _, err = run(capsys, "demo", "--as-of", "2021-01-31")
        assert EXIT_ERROR == status
        assert (
            "projpush: error: --as-of: expected a date in 2020–2020, the years the working-day "
            "calendar covers, got '2021-01-31'"
        ) == one_line(err)


# --------------------------------------------------------------------------- ledger size


class TestMaxLedgerSize:
    """--max-ledger-size refuses a larger ledger before any of it is read."""

    @pytest.fixture
    def unread(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Make any ledger reader fail the test: the size must be refused first."""

        def reached(*_args: object, **_kwargs: object) -> None:
            pytest.fail("the ledger was read")

        for name in (
            "projpush.io.load_portfolio",
            "projpush.io.parse_ledger_document",
            "projpush.io.csvfolder.load_csv_ledger",
            "projpush.io.csvfolder.read_csv_ledger",
        ):
            monkeypatch.setattr(name, reached)  # fmt: skip

    @pytest.mark.parametrize(
        "argv",
        [("report", "{}", *AS_OF), ("tables", "{}", *AS_OF, "--leader", "x"), ("check", "{}"),
         ("convert", "{}", "out.json")],
        ids=LEDGER_COMMANDS,
    )  # fmt: skip
    @pytest.mark.parametrize("kind", ["json", "csv"])
    @pytest.mark.usefixtures("no_work", "unread")
    def test_refused_unread(  # noqa: PLR0917 (pytest passes fixtures by position)
        self,
        capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path,
        ledgers: tuple[Path, Path],
        argv: tuple[str, ...],
        kind: str,
    ) -> None:
        """Every command that reads a ledger: one line naming the ledger, its size, the limit."""
        monkeypatch.chdir(tmp_path)
        name = "city.json" if kind == "json" else "csv"
        size = ledger._ledger_size(tmp_path / name)
        typed = [a.format(name) for a in argv]
        status, out, err = run(capsys, *typed, "--max-ledger-size", "1K")
        assert (EXIT_ERROR, "") == (status, out)
        shown = f"{size / 1024:.1f} KiB ({size:,} bytes)"
        assert (
            f"projpush: error: LEDGER: the ledger {name!r} is {shown}, more than the limit of "
            f"1.0 KiB (1,024 bytes); give a larger --max-ledger-size to read it"
        ) == one_line(err)
        assert not (tmp_path / "out.json").exists()

    def test_at_the_limit(
        self, capsys: pytest.CaptureFixture[str], city: tuple[Path, Path]
    ) -> None:
        """A ledger of exactly the limit is read; one byte less is refused."""
        size = city[0].stat().st_size
        status, out, _ = run(capsys, "check", str(city[0]), *AS_OF, "--max-ledger-size", str(size))
        assert (0, True) == (status, out.endswith(": valid, 11 findings\n"))
        status, _, err = run(capsys, "check", str(city[0]), "--max-ledger-size", str(size - 1))
        assert EXIT_ERROR == status
        assert f"is {size / 1024:.1f} KiB ({size:,} bytes), more than" in one_line(err)

    def test_csv_folder_counts_its_csv_files(
        self, capsys: pytest.CaptureFixture[str], ledgers: tuple[Path, Path]
    ) -> None:
        """A CSV folder's size is its CSV files': a spreadsheet kept beside them does not count."""
        folder = ledgers[1]
        size = sum(f.stat().st_size for f in folder.glob("*.csv"))
        (folder / "台账.xlsx").write_bytes(b"PK" * 2**20)
        status, _, err = run(capsys, "check", str(folder), "--max-ledger-size", str(size))
        assert (0, "") == (status, err)
        status, _, err = run(capsys, "check", str(folder), "--max-ledger-size", str(size - 1))
        assert EXIT_ERROR == status
        assert f"({size:,} bytes), more than the limit of" in one_line(err)

    def test_default_reads_the_sample(
        self, capsys: pytest.CaptureFixture[str], city: tuple[Path, Path]
    ) -> None:
        """Without the option, 4 GiB: every real ledger here is read."""
        status, _, err = run(capsys, "report", str(city[0]), *AS_OF, "--format", "csv")
        assert (0, "") == (status, err)


# --------------------------------------------------------------------------- console encoding


RARE = "刘䶮路"  # GBK (cp936) has 刘 and 路, not 䶮 (CJK extension A)


@pytest.fixture(scope="module")
def rare_city(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The sample city whose first project and its unit are named with RARE; and its key."""
    book = sample_portfolio()
    first = attrs.evolve(book.projects[0], name=RARE, unit=f"{RARE}局")
    path = tmp_path_factory.mktemp("rare") / "rare.json"
    io.dump_portfolio(attrs.evolve(book, projects=(first, *book.projects[1:])), path)
    return path, first.key


def run_with(encoding: str, *argv: str) -> subprocess.CompletedProcess[bytes]:
    """The command in a fresh process whose stdout and stderr use ``encoding``."""
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    return subprocess.run([*PYTHON, *argv], capture_output=True, env=env, timeout=120, check=False)


def replaced(text: str, encoding: str) -> tuple[str, int]:
    """``text`` with each character ``encoding`` lacks as '?', and how many there were."""
    chars = [c if c.encode(encoding, "ignore") else "?" for c in text]
    return "".join(chars), sum(1 for a, b in zip(chars, text, strict=True) if a != b)


def note(n: int, encoding: str, *, output: bool, lang: str = "en") -> str:
    """The note of ``n`` characters written as '?': in Chinese where the console holds it."""
    if lang == "zh":
        instead = "，或用 --output FILE 写入文件" if output else ""
        return (
            f"projpush：注意：输出编码{encoding}无法写出的{n:,}个字符已写为“?”；"
            f"设置PYTHONIOENCODING=utf-8{instead}即可保留"
        )
    instead = " or write to a file with --output FILE" if output else ""
    return (
        f"projpush: note: {n:,} characters that the output encoding {encoding} cannot hold "
        f"were written as '?'; set PYTHONIOENCODING=utf-8{instead} to keep them"
    )


class TestConsoleEncoding:
    """What the console cannot show is written as '?', with one note on stderr; no traceback."""

    @pytest.mark.parametrize(
        ("encoding", "argv", "output", "lang"),
        [
            ("ascii", ("report", "{ledger}", *AS_OF), True, "en"),
            ("cp936", ("report", "{ledger}", *AS_OF), True, "zh"),
            ("cp936", ("tables", "{ledger}", *AS_OF, "--project", "{key}"), False, "zh"),
            ("ascii", ("check", "{ledger}", *AS_OF), False, "en"),
            ("ascii", ("demo", "--format", "csv", "--lang", "en"), True, "en"),
        ],
        ids=["report-ascii", "report-cp936", "tables-cp936", "check-ascii", "demo-csv-ascii"],
    )
    def test_replaced_and_noted(
        self,
        rare_city: tuple[Path, str],
        encoding: str,
        argv: tuple[str, ...],
        output: bool,
        lang: str,
    ) -> None:
        """The output is the UTF-8 one with each character the encoding lacks as '?'.

        The note is in the command's language (Chinese by default) where the
        console can show it; an ASCII console gets it in English.
        """
        typed = [a.format(ledger=rare_city[0], key=rare_city[1]) for a in argv]
        reference = run_with("utf-8", *typed)
        assert (0, b"") == (reference.returncode, reference.stderr)
        done = run_with(encoding, *typed)
        # A CSV's byte-order mark says UTF-8: a console of another encoding is written none.
        utf8 = reference.stdout.decode("utf-8").removeprefix("\ufeff")
        expected, n = replaced(utf8, encoding)
        assert n > 0
        assert (0, expected) == (done.returncode, done.stdout.decode(encoding))
        shown = codecs.lookup(encoding).name  # Python's name: gbk for cp936
        said = one_line(done.stderr.decode(encoding))
        assert note(n, shown, output=output, lang=lang) == said

    def test_nothing_to_replace(self, rare_city: tuple[Path, str]) -> None:
        """A console that can show everything gets no note."""
        done = run_with("utf-8", "report", str(rare_city[0]), *AS_OF)
        assert (0, b"") == (done.returncode, done.stderr)
        assert f"{RARE}局".encode() in done.stdout

    def test_help(self) -> None:
        """--help holds Chinese words: on an ASCII console, '?' and the note."""
        done = run_with("ascii", "--help")
        assert 0 == done.returncode
        assert b"projects (??????)." in done.stdout
        assert b"five tables (????)" in done.stdout
        assert note(10, "ascii", output=False) == one_line(done.stderr.decode("ascii"))

    def test_strict_stderr(self, city: tuple[Path, Path]) -> None:
        """An error line with Chinese on a strict ASCII stderr is escaped, not a traceback."""
        done = run_with("ascii:strict", "tables", str(city[0]), *AS_OF, "--leader", "王市长")
        assert (EXIT_ERROR, b"") == (done.returncode, done.stdout)
        assert (
            r"projpush: error: --leader: expected a leader in the ledger, got '\u738b\u5e02\u957f'"
        ) == one_line(done.stderr.decode("ascii"))

    def test_one_write_is_never_doubled(self) -> None:
        """A refused write left nothing behind: the bytes are the text once, replaced."""
        raw = io_.BytesIO()
        stream = io_.TextIOWrapper(raw, encoding="ascii", write_through=True)
        console = cli._Console(stream)
        console.write("ok 红灯 ok\n")
        console.write("plain\n")
        console.flush()
        assert (b"ok ?? ok\nplain\n", 2) == (raw.getvalue(), console.replaced)
