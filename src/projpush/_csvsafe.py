"""CSV that a spreadsheet opens safely: the one writer of every CSV projpush makes.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a
formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``); a leading tab or
carriage return lets one slip past filters. As OWASP recommends, such a cell
is written with a single quote before it, which makes it text. A cell that
is a plain signed number (``-12.9``, ``+5.5``) is a number, never a formula,
and is written as it is.

So that projpush reads back exactly what it wrote, the rule is a bijection
on all strings. Call a text *risky* when it begins with one of
``= + - @ TAB CR`` and is not a signed decimal number. Then:

- writing: a cell whose text, after its leading quotes, is risky gets one
  more quote in front (``=1+2`` → ``'=1+2``, ``'=1+2`` → ``''=1+2``);
- reading: a cell that begins with a quote and whose text after its leading
  quotes is risky loses one quote.

Every other cell, quotes included (``'hello``, ``'-5``), is written and
read unchanged.

>>> escape_cell("=HYPERLINK(1)"), escape_cell("'=x"), escape_cell("-12.9"), escape_cell("'a")
("'=HYPERLINK(1)", "''=x", '-12.9', "'a")
>>> all(unescape_cell(escape_cell(t)) == t for t in ["=x", "'=x", "''@", "-", "-5", "'-5", ""])
True
"""

from __future__ import annotations

import csv
import re
from io import StringIO
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["csv_text", "escape_cell", "is_risky", "unescape_cell"]

#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
TRIGGERS: Final = frozenset("=+-@\t\r")
_NUMBER: Final = re.compile(r"[+-](?:[0-9]+(?:\.[0-9]+)?|\.[0-9]+)")
QUOTE: Final = "'"


def is_risky(text: str) -> bool:
    """True when a spreadsheet could run ``text`` as a formula.

    >>> is_risky("=1+2"), is_risky("@SUM(A1)"), is_risky("-2+3"), is_risky("-2.5"), is_risky("甲")
    (True, True, True, False, False)
    """
    return bool(text) and text[0] in TRIGGERS and _NUMBER.fullmatch(text) is None


def escape_cell(text: str) -> str:
    """``text`` as written to a CSV cell: one quote more when it is risky after its quotes."""
    return QUOTE + text if is_risky(text.lstrip(QUOTE)) else text


def unescape_cell(text: str) -> str:
    """The text of a CSV cell :func:`escape_cell` wrote: the inverse, for every string."""
    if text.startswith(QUOTE) and is_risky(text.lstrip(QUOTE)):
        return text[1:]
    return text


def csv_text(rows: Iterable[Iterable[str]], *, lineterminator: str) -> str:
    r"""The CSV text of ``rows`` (header included), every cell passed through :func:`escape_cell`.

    >>> csv_text([["name", "note"], ["=1+2", "-3"]], lineterminator="\n")
    "name,note\n'=1+2,-3\n"
    """
    out = StringIO()
    writer = csv.writer(out, lineterminator=lineterminator)
    writer.writerows([escape_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
