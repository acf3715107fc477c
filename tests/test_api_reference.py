"""The API reference (docs/api, mkdocstrings) has a page for every public module."""

import pkgutil
import re
from pathlib import Path

import projpush

DOCS = Path(__file__).parent.parent / "docs"


def public_modules() -> list[str]:
    found = pkgutil.walk_packages(projpush.__path__, "projpush.")
    return sorted(
        i.name for i in found if not any(part.startswith("_") for part in i.name.split("."))
    )


def documented() -> set[str]:
    text = "\n".join(p.read_text(encoding="utf-8") for p in (DOCS / "api").glob("*.md"))
    return set(re.findall(r"^::: (projpush[\w.]*)", text, re.MULTILINE))


class TestApiReference:
    """Each public module is rendered by a ``::: module`` directive, and listed in the nav."""

    def test_every_public_module_has_a_directive(self):
        assert [] == [m for m in public_modules() if m not in documented()]

    def test_every_page_is_in_the_nav(self):
        nav = (DOCS.parent / "mkdocs.yml").read_text(encoding="utf-8")
        pages = sorted(p.name for p in (DOCS / "api").glob("*.md"))
        assert [] == [p for p in pages if f"api/{p}" not in nav]

    def test_the_notebook_reprs_are_documented(self):
        assert "projpush._html" in documented()
