"""A griffe extension for the API reference: doctest blocks in docstrings become ``pycon`` code.

The docstrings' examples are plain doctest blocks (``>>>`` lines and their
output) so that pytest runs them; Markdown would read ``>>>`` as nested
quotes and ``[a, b]`` in an output as a link. This wraps each block in a
fenced ``pycon`` block when the reference is built, so it is highlighted as
a session; the source, and so the doctests, stay as they are.
"""

from __future__ import annotations

from typing import Any

import griffe


def fence_doctests(text: str) -> str:
    """``text`` with each doctest block (``>>>`` up to a blank line) fenced as ``pycon``."""
    out: list[str] = []
    lines = text.split("\n")
    i, fenced = 0, False
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if stripped.startswith("```"):
            fenced = not fenced
        if not fenced and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            out += [f"{indent}```pycon", *block, f"{indent}```"]
            continue
        out.append(line)
        i += 1
    return "\n".join(out)


class DoctestFences(griffe.Extension):
    """Fence the doctest blocks of every docstring (see the module docstring)."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:  # noqa: ARG002
        """Rewrite ``obj``'s docstring as it is loaded."""
        if obj.docstring is not None and ">>>" in obj.docstring.value:
            obj.docstring.value = fence_doctests(obj.docstring.value)
