"""Presentation helpers for report figures (private).

Rounding happens here and only here: exact values come in, text goes out.
Reports round half-up (四舍五入), away from zero on a tie, which Python's
``round`` (half-even) does not do.
"""

from __future__ import annotations

import functools
import unicodedata
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

from projpush.errors import ValidationError
from projpush.model import WAN_PER_YI

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ["column_letter", "exact", "group_digits", "half_up", "table", "text_width", "yi_text"]


def column_letter(index: int) -> str:
    """The spreadsheet's name of the 0-based column ``index``: ``A``, ..., ``Z``, ``AA``.

    >>> column_letter(0), column_letter(25), column_letter(26)
    ('A', 'Z', 'AA')
    """
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def exact(value: Decimal | Fraction | int) -> Fraction:
    """The exact value of a Decimal, Fraction or int as a Fraction."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
        raise ValidationError.about("value", "a Decimal, Fraction or int (never float)", value)
    if isinstance(value, Decimal):
        check_figure(value, "value")
    return Fraction(value)


_FIGURE_DIGITS = 60  # a sum of a nation's amounts is below 10^30 万元, at 12 places


def check_figure(value: Decimal, field: str) -> None:
    """Refuse a Decimal figure that is not finite or has an absurd exponent, before any work.

    ``Fraction(Decimal("1E+999999999"))`` builds a billion-digit integer:
    a figure of more than 60 digits either side of the point is no sum of
    amounts a ledger holds.

    Raises:
        ValidationError: the value is NaN, infinite, or beyond 10^60 or 10^-60.
    """
    if not value.is_finite():
        raise ValidationError.about(field, "a finite number", value)
    if value and (
        value.adjusted() > _FIGURE_DIGITS or int(value.as_tuple().exponent) < -_FIGURE_DIGITS
    ):
        expected = f"a number below 10^{_FIGURE_DIGITS} with at most {_FIGURE_DIGITS} places"
        raise ValidationError.about(field, expected, value)


def half_up(value: Decimal | Fraction | int, places: int = 1) -> Decimal:
    """Round an exact value to ``places`` decimals, ties away from zero.

    Works on the exact fraction, so 5/12 and 0.05 round without any binary
    or context-precision error.

    >>> half_up(Fraction(4733, 100), 1), half_up(Decimal("-0.05"), 1), half_up(Fraction(5, 12), 3)
    (Decimal('47.3'), Decimal('-0.1'), Decimal('0.417'))
    """
    if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= 28:
        raise ValidationError.about("places", "a whole number of decimals from 0 to 28", places)
    scaled = abs(exact(value)) * 10**places
    whole, rest = divmod(scaled.numerator, scaled.denominator)
    if 2 * rest >= scaled.denominator:
        whole += 1
    sign = -1 if value < 0 and whole else 1
    return Decimal(sign * whole).scaleb(-places)


def group_digits(value: Decimal) -> str:
    """Format a rounded Decimal with thousands separators: ``1,017.0``.

    >>> group_digits(Decimal("1017.0")), group_digits(Decimal("-4793300"))
    ('1,017.0', '-4,793,300')
    """
    return f"{value:,f}"


def yi_text(amount_wan: Decimal) -> str:
    """An amount in 万元 as report text in 亿元: two decimals, half-up, digits grouped.

    >>> yi_text(Decimal("10170000")), yi_text(Decimal("4793300.00")), yi_text(Decimal(218900))
    ('1,017.00', '479.33', '21.89')
    """
    return group_digits(half_up(exact(amount_wan) / exact(WAN_PER_YI), 2))


def text_width(text: str) -> int:
    """Display width of ``text`` in a monospaced terminal (CJK characters count 2).

    >>> text_width("截至2020-10"), text_width("abc")
    (11, 3)
    """
    if text.isascii():  # most tokens of a report: words, numbers, dates
        return len(text)
    return len(text) + sum(map(_wide, text))


@functools.lru_cache(maxsize=4096)
def _wide(char: str) -> int:
    """1 for a character two columns wide (East Asian wide or full-width), else 0."""
    return 1 if unicodedata.east_asian_width(char) in "WF" else 0


def _pad(text: str, width: int, *, right: bool) -> str:
    fill = " " * (width - text_width(text))
    return fill + text if right else text + fill


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A plain-text table: first column left-aligned, the others right-aligned.

    >>> print(table(["a", "bb"], [["x", "1"], ["yy", "22"]]))
    a   bb
    --  --
    x    1
    yy  22
    """
    widths = [max(text_width(str(row[i])) for row in (header, *rows)) for i in range(len(header))]
    widths = [max(w, 1) for w in widths]

    def line(cells: Sequence[str]) -> str:
        parts = [
            _pad(str(c), w, right=i > 0) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])
