"""``import projpush``: every public name, imported lazily, and nothing loaded up front."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

import projpush

INIT = Path(projpush.__file__)


def type_checking_imports() -> dict[str, str]:
    """The names the TYPE_CHECKING block imports, each with its module."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    block = next(
        n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
    )
    return {
        alias.name: node.module
        for node in block.body
        if isinstance(node, ast.ImportFrom) and node.module
        for alias in node.names
    }


class TestNames:
    """The run-time map, the type checkers' imports and ``__all__`` agree."""

    def test_three_lists_agree(self) -> None:
        assert type_checking_imports() == projpush._MODULE_OF
        assert set(projpush.__all__) == {*projpush._MODULE_OF, "__version__"}

    @pytest.mark.parametrize("name", sorted(projpush._MODULE_OF))
    def test_each_name_is_its_modules_own(self, name: str) -> None:
        module = importlib.import_module(projpush._MODULE_OF[name])
        assert getattr(projpush, name) is getattr(module, name)

    def test_unknown_name(self) -> None:
        with pytest.raises(AttributeError, match="module 'projpush' has no attribute 'Projekt'"):
            projpush.Projekt  # noqa: B018

    def test_dir_lists_the_public_names(self) -> None:
        assert set(projpush.__all__) <= set(dir(projpush))

    def test_star_import(self) -> None:
        namespace: dict[str, object] = {}
        exec("from projpush import *", namespace)  # noqa: S102
        assert {*projpush.__all__} <= set(namespace)


class TestSubmodules:
    """Every public submodule is an attribute of the package, imported on first access."""

    def test_the_list_is_every_public_module(self) -> None:
        found = {m.name for m in pkgutil.iter_modules(projpush.__path__)}
        assert {m for m in found if not m.startswith("_")} == projpush._SUBMODULES

    def test_type_checkers_see_each_one(self) -> None:
        """The TYPE_CHECKING block imports each submodule, so ``projpush.records`` is typed."""
        tree = ast.parse(INIT.read_text(encoding="utf-8"))
        block = next(
            n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING"
        )
        relative = {
            alias.name
            for node in block.body
            if isinstance(node, ast.ImportFrom) and node.level == 1 and node.module is None
            for alias in node.names
            if alias.asname == alias.name
        }
        assert projpush._SUBMODULES == relative

    @pytest.mark.parametrize("name", sorted(projpush._SUBMODULES))
    def test_each_is_the_module(self, name: str) -> None:
        assert importlib.import_module(f"projpush.{name}") is getattr(projpush, name)

    def test_dir_lists_them(self) -> None:
        assert projpush._SUBMODULES <= set(dir(projpush))

    def test_records_after_a_bare_import(self) -> None:
        """``import projpush; projpush.records`` loads the records module and nothing else."""
        code = (
            "import sys, projpush\nprojpush.records.ReportDict\n"
            "print(*sorted(m for m in sys.modules if m.startswith('projpush')))"
        )
        run = [sys.executable, "-c", code]
        out = subprocess.run(run, check=True, capture_output=True, text=True).stdout
        assert ["projpush", "projpush.records"] == out.split()


class TestImportCost:
    """``import projpush`` loads no submodule; a name loads only its own."""

    def fresh(self, code: str, prefix: str = "projpush") -> set[str]:
        run = [sys.executable, "-c", f"import sys\n{code}\nprint(*sorted(sys.modules))"]
        out = subprocess.run(run, check=True, capture_output=True, text=True).stdout
        return {m for m in out.split() if m.startswith(prefix)}

    def test_no_optional_dependency_until_used(self) -> None:
        """Every public name loaded, and still no extra: they load when a function needs them."""
        loaded = self.fresh("from projpush import *", prefix="")
        extras = {"polars", "pyarrow", "pandas", "matplotlib", "numpy", "dask", "chinese_calendar"}
        extras |= {"tqdm", "openpyxl"}
        assert not extras & {m.split(".")[0] for m in loaded}

    def test_import_loads_nothing_else(self) -> None:
        assert self.fresh("import projpush") == {"projpush"}

    def test_a_name_loads_its_module(self) -> None:
        loaded = self.fresh("from projpush import Project")
        assert "projpush.model" in loaded
        assert not {"projpush.csvledger", "projpush.report", "projpush.engine"} & loaded

    def test_the_core_loads_no_reader(self) -> None:
        """The pure core (model, schedule, lights, escalation, metrics) imports nothing from io."""
        loaded = self.fresh(
            "import projpush.model, projpush.schedule, projpush.lights, projpush.escalation, "
            "projpush.metrics"
        )
        assert [] == sorted(m for m in loaded if m.startswith("projpush.io"))


class TestOnePackageOfReaders:
    """The readers and writers live in projpush.io, one module per format; old paths still work."""

    def test_the_csv_ledger_is_one_module_under_two_names(self) -> None:
        from projpush import csvledger  # noqa: PLC0415
        from projpush.io import csvfolder  # noqa: PLC0415

        assert [] == [
            n for n in csvledger.__all__ if getattr(csvledger, n) is not getattr(csvfolder, n)
        ]
        assert csvfolder.load_csv_ledger is projpush.load_csv_ledger

    def test_parquet_has_its_module(self) -> None:
        pytest.importorskip("pyarrow")
        from projpush.engine import tables  # noqa: PLC0415
        from projpush.io import parquet  # noqa: PLC0415

        assert ["is_parquet_ledger", "read_parquet", "write_parquet"] == parquet.__all__
        assert tables.read_parquet.__doc__ is not None
        assert "projpush.io.parquet.read_parquet" in tables.read_parquet.__doc__
