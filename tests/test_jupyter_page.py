"""The "projpush in Jupyter" page is a notebook that runs: its outputs are the results' own views.

``mkdocs build`` runs ``docs/jupyter.ipynb`` afresh (mkdocs-jupyter,
``execute: true``) and shows what it prints; this test runs it the same way,
in a kernel, and checks what a reader of the page sees: the report's
one-line repr, its HTML view with the light map in SVG, the text report,
a picture as PNG without ``%matplotlib inline``, and the HTML views of the
light map, a project, an issue and a frame.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = Path(__file__).parents[1] / "docs" / "jupyter.ipynb"


@pytest.fixture(scope="module")
def cells() -> list[Any]:
    """The notebook's code cells, run in a fresh kernel from the docs folder."""
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")  # no migration warning from jupyter_core
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook,
        timeout=300,
        kernel_name="python3",
        allow_errors=False,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute()
    return [c for c in notebook.cells if c.cell_type == "code"]


def data(cell: Any) -> dict[str, Any]:
    """The rich output of a cell (its last expression's display)."""
    results = [o for o in cell.outputs if o.output_type == "execute_result"]
    assert results, cell.source
    found: dict[str, Any] = results[-1]["data"]
    return found


def printed(cell: Any) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def cell_of(cells: list[Any], source: str) -> Any:
    [found] = [c for c in cells if c.source.strip() == source]
    return found


class TestJupyterPage:
    def test_it_is_in_the_site(self) -> None:
        mkdocs = (NOTEBOOK.parents[1] / "mkdocs.yml").read_text(encoding="utf-8")
        assert "projpush in Jupyter: jupyter.ipynb" in mkdocs
        assert "execute: true" in mkdocs

    def test_the_repr_is_one_line(self, cells: list[Any]) -> None:
        line = printed(cells[0]).strip()
        assert line.startswith("<SupervisionReport 2020-10-31 default: 50 projects")
        assert "\n" not in line

    def test_the_report_shows_its_html_view(self, cells: list[Any]) -> None:
        view = data(cell_of(cells, "report"))
        assert "<svg" in view["text/html"]
        assert "重大项目月度通报" in view["text/html"]
        assert "\n" not in view["text/plain"]

    def test_str_is_the_text_report(self, cells: list[Any]) -> None:
        text = printed(cells[2])
        assert text.startswith("重大项目月度通报 2020-10(截至 2020-10-31)")

    def test_a_picture_shows_without_matplotlib_inline(self, cells: list[Any]) -> None:
        assert not any("%matplotlib" in c.source for c in cells)
        picture = data(cell_of(cells, "plot.light_map_figure(report.light_map)"))
        assert picture["image/png"]

    @pytest.mark.parametrize(
        "source",
        ["report.lights", "report.light_map", "portfolio.projects[0]", "report.issues[0]"],
    )
    def test_each_result_has_an_html_view(self, cells: list[Any], source: str) -> None:
        assert data(cell_of(cells, source))["text/html"].startswith("<div")
