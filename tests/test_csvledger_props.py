"""Property tests for projpush.csvledger: any portfolio survives a CSV round trip."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from projpush._convert import normalise_text
from projpush._csvsafe import csv_text, escape_cell, is_risky, unescape_cell
from projpush.csvledger import check_csv_ledger, dump_csv_ledger, load_csv_ledger
from projpush.model import Portfolio, Unit
from strategies import portfolios


class TestCsvRoundTrip:
    """dump_csv_ledger then load_csv_ledger is the identity on portfolios."""

    @given(portfolios())
    def test_load_dump_is_identity(self, p: Portfolio) -> None:
        """Any portfolio the shared strategy draws comes back equal, and checks clean."""
        with tempfile.TemporaryDirectory() as folder:
            dump_csv_ledger(p, folder)
            assert [] == check_csv_ledger(folder)
            assert p == load_csv_ledger(Path(folder))

    @given(portfolios())
    def test_dump_is_stable(self, p: Portfolio) -> None:
        """Dumping what was loaded writes the same bytes again."""
        with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
            dump_csv_ledger(p, first)
            dump_csv_ledger(load_csv_ledger(first), second)
            for path in sorted(Path(first).iterdir()):
                assert path.read_bytes() == (Path(second) / path.name).read_bytes()


# Any character UTF-8 can hold (no lone surrogates), with the formula triggers and
# the quote drawn often, so that quoted-trigger prefixes such as "''=" come up.
_CHARS = st.one_of(
    st.sampled_from(["=", "+", "-", "@", "\t", "\r", "'", "0", "5", ".", ";"]),
    st.characters(exclude_categories=("Cs",)),
)
_TEXTS = st.text(_CHARS, max_size=12)


class TestFormulaQuoting:
    """The spreadsheet quoting rule loses nothing, for every string."""

    @given(_TEXTS)
    def test_escape_then_unescape_is_identity(self, text: str) -> None:
        """unescape_cell(escape_cell(t)) == t, and what is written is never a formula."""
        written = escape_cell(text)
        assert text == unescape_cell(written)
        assert not is_risky(written)

    @given(st.lists(st.lists(_TEXTS, min_size=1, max_size=4), min_size=1, max_size=4))
    def test_csv_text_round_trips(self, rows: list[list[str]]) -> None:
        """Rows through csv_text, csv.reader and unescape_cell come back cell for cell."""
        text = csv_text(rows, lineterminator="\r\n")
        read = [
            [unescape_cell(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""))
        ]
        assert rows == read

    @given(_TEXTS.filter(lambda t: normalise_text(t) != ""))
    def test_any_text_cell_round_trips_through_the_ledger(self, text: str) -> None:
        """A unit name, an issue title and a note of any text survive dump and load.

        The model keeps text normalised (NFKC, stripped), so the text compared is
        the one the model holds; the CSV ledger must give exactly that back.
        """
        unit = Unit(text)
        book = Portfolio(units=(unit,))
        with tempfile.TemporaryDirectory() as folder:
            dump_csv_ledger(book, folder)
            again = load_csv_ledger(folder)
        assert (unit.name,) == tuple(u.name for u in again.units)
