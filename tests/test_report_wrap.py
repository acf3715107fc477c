"""The text report's line wrapping and display widths, against their plain definitions.

``text_width`` counts ASCII by ``len`` and caches each wide character, and
``_wrapped`` returns a text that fits at once; both must give exactly what
the character-by-character definitions give.
"""

from __future__ import annotations

import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from projpush._fmt import text_width
from projpush.report import _NO_LINE_START, _TOKEN, _wrapped

# Report text: ASCII words and numbers, Chinese, full-width marks, spaces and newlines.
_TEXT = st.text(
    st.sampled_from("ab1-.%截至进度红灯万元，。（）①m² \u3000\n\t"), min_size=0, max_size=120
)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _token_by_token(text: str, indent: str, width: int) -> list[str]:
    """The wrapping rule, one token at a time, for every text (the reference)."""
    lines, line, used, room = [], indent, 0, width - _width(indent)
    for token in _TOKEN.findall(text):
        size = _width(token)
        if used and used + size > room and not token.isspace() and token[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line, used = indent + "  ", 0
            room = width - _width(line)
        if not (used == 0 and token.isspace()):
            line += token
            used += size
    if line.strip():
        lines.append(line.rstrip())
    return lines


@given(_TEXT)
def test_text_width_is_the_east_asian_width(text: str) -> None:
    assert text_width(text) == _width(text)


@given(_TEXT, st.sampled_from(["", "  ", "    "]), st.integers(min_value=8, max_value=120))
def test_wrapping_is_the_token_rule(text: str, indent: str, width: int) -> None:
    assert list(_wrapped(text, indent, width)) == _token_by_token(text, indent, width)
