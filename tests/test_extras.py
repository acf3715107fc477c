"""Each format's dependency is an optional extra, imported when used, named when missing.

Every case runs in a fresh interpreter with the dependency blocked (a
finder first on ``sys.meta_path`` raises ``ModuleNotFoundError`` for it, as
Python does for a package that is not installed), since a module imported
once stays imported: the ImportError,
raised where the format is used, names the user and the extra to install.
``import projpush`` itself needs none of them.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

SAMPLE = Path(__file__).parents[1] / "src" / "projpush" / "data" / "sample_ledger.json"


_BLOCK = """\
import importlib.abc, sys


class _NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in {blocked!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)


sys.meta_path.insert(0, _NotInstalled())
"""


def _run(blocked: tuple[str, ...], code: str, folder: Path) -> subprocess.CompletedProcess[str]:
    """``code`` run in ``folder`` with the modules ``blocked``, as if not installed."""
    script = _BLOCK.format(blocked={p.partition(".")[0] for p in blocked}) + code
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=folder,
        check=False,
        timeout=120,
    )


# (blocked modules, the use, the message's start, the extra)
USES = {
    "read a workbook": (
        ("python_calamine",),
        "from projpush.io.xlsx import load_xlsx_ledger\nload_xlsx_ledger('ledger.xlsx')",
        "projpush.io.xlsx needs python_calamine",
        "xlsx",
    ),
    "load_ledger of a workbook": (
        ("python_calamine",),
        "from projpush.ledger import load_ledger\nload_ledger('ledger.xlsx')",
        "projpush.io.xlsx needs python_calamine",
        "xlsx",
    ),
    "write a workbook": (
        ("openpyxl",),
        (
            "from projpush.io.xlsx import dump_xlsx_ledger\nfrom projpush.model import Portfolio\n"
            "dump_xlsx_ledger(Portfolio(), 'out.xlsx')"
        ),
        "projpush.io.xlsx needs openpyxl",
        "xlsx",
    ),
    "write the template": (
        ("openpyxl",),
        "from projpush.io.xlsx import write_xlsx_template\nwrite_xlsx_template('t.xlsx')",
        "projpush.io.xlsx needs openpyxl",
        "xlsx",
    ),
    "Parquet": (
        ("pyarrow",),
        "from projpush.io.parquet import read_parquet",
        "projpush.engine needs pyarrow",
        "engine",
    ),
    "a SQLite database": (
        ("adbc_driver_sqlite", "adbc_driver_sqlite.dbapi"),
        "from projpush.io.sql import read_sql\nread_sql('ledger.sqlite')",
        "projpush.io.sql needs adbc_driver_sqlite",
        "sql",
    ),
    "a PostgreSQL database": (
        ("adbc_driver_postgresql", "adbc_driver_postgresql.dbapi"),
        "from projpush.io.sql import read_sql\nread_sql('postgresql://nobody@127.0.0.1:1/x')",
        "projpush.io.sql needs adbc_driver_postgresql",
        "sql",
    ),
    "pandas frames": (
        ("pandas",),
        (
            "from projpush.engine import from_portfolio\n"
            "from projpush.io.dataframes import to_pandas\n"
            "from projpush.synth import sample_portfolio\n"
            "to_pandas(from_portfolio(sample_portfolio()))"
        ),
        "projpush.io.dataframes.to_pandas needs pandas",
        "pandas",
    ),
    "polars frames": (
        ("polars",),
        (
            "from projpush.engine import LedgerTables\n"
            "from projpush.io.dataframes import to_polars\n"
            "to_polars(LedgerTables.of())"
        ),
        "projpush.engine needs polars",
        "engine",
    ),
}


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the sample ledger as a workbook and as a SQLite file."""
    from projpush.io.sql import write_sql  # noqa: PLC0415
    from projpush.io.xlsx import dump_xlsx_ledger  # noqa: PLC0415
    from projpush.synth import sample_portfolio  # noqa: PLC0415

    folder = tmp_path_factory.mktemp("ledgers")
    dump_xlsx_ledger(sample_portfolio(), folder / "ledger.xlsx")
    write_sql(sample_portfolio(), folder / "ledger.sqlite")
    return folder


@pytest.mark.parametrize("use", sorted(USES))
def test_the_message_names_the_extra(ledgers: Path, use: str) -> None:
    """The first use of a format without its dependency is an ImportError naming the extra."""
    blocked, code, start, extra = USES[use]
    wrapped = (
        "try:\n"
        + textwrap.indent(code, "    ")
        + ("\nexcept ImportError as error:\n    print(error)\nelse:\n    print('no error')\n")
    )
    result = _run(blocked, wrapped, ledgers)
    assert "" == result.stderr
    assert f'{start}; install it with: pip install "projpush[{extra}]"\n' == result.stdout


def test_importing_projpush_needs_no_extra(tmp_path: Path) -> None:
    """import projpush, projpush.io and the format modules' names load with every extra blocked."""
    blocked = ("python_calamine", "openpyxl", "adbc_driver_sqlite", "adbc_driver_postgresql")
    blocked += ("pandas", "polars", "pyarrow", "sqlalchemy", "psycopg")
    code = "import projpush, projpush.io, projpush.io.csvfolder, projpush.io.xlsx\nprint('ok')\n"
    result = _run(blocked, code, tmp_path)
    assert ("", "ok\n") == (result.stderr, result.stdout)


@pytest.mark.parametrize(
    ("blocked", "target", "extra"),
    [
        (("openpyxl",), "out.xlsx", "xlsx"),
        (("adbc_driver_sqlite", "adbc_driver_sqlite.dbapi"), "out.sqlite", "sql"),
        (("pyarrow",), "out-parquet", "engine"),
    ],
)
def test_convert_says_it_in_one_line(
    tmp_path: Path, blocked: tuple[str, ...], target: str, extra: str
) -> None:
    """projpush convert to a format whose extra is missing: one line, status 2, nothing written."""
    code = (
        f"from projpush.cli import main\nsys.exit(main(['convert', {str(SAMPLE)!r}, {target!r}]))\n"
    )
    result = _run(blocked, code, tmp_path)
    assert 2 == result.returncode
    [line] = result.stderr.splitlines()
    assert line.startswith("projpush: error: ")
    assert line.endswith(f'install it with: pip install "projpush[{extra}]"')
    assert not (tmp_path / target).exists()
