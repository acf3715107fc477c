"""Property tests for projpush.csvledger: any portfolio survives a CSV round trip."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from projpush._csvsafe import csv_text, escape_cell, is_risky, unescape_cell
from projpush.csvledger import check_csv_ledger, dump_csv_ledger, load_csv_ledger
from projpush.io import dump_portfolio, load_portfolio
from projpush.model import Issue, Milestone, Portfolio, Project, Unit
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

    @given(_TEXTS.filter(lambda t: t.strip() != ""))
    def test_any_text_cell_round_trips_through_the_ledger(self, text: str) -> None:
        """A unit name of any text survives dump and load.

        The model keeps free text as typed but for the spaces at its ends, so
        the text compared is the one the model holds; the CSV ledger must give
        exactly that back.
        """
        unit = Unit(text)
        book = Portfolio(units=(unit,))
        with tempfile.TemporaryDirectory() as folder:
            dump_csv_ledger(book, folder)
            again = load_csv_ledger(folder)
        assert (unit.name,) == tuple(u.name for u in again.units)


# Characters that NFKC would rewrite, drawn often: full-width forms and the ideographic
# space, circled and parenthesised numbers, enclosed CJK (㈱), squared units (㎡),
# super- and subscripts, ligatures, Roman numerals; and any other character UTF-8 holds.
_COMPATIBILITY = (
    [chr(c) for c in range(0xFF01, 0xFF5F)]  # ！ … ～, full-width ASCII
    + [chr(c) for c in range(0x2460, 0x2474)]  # ① … ⑳
    + list("\u3000（）【】、。；：㈱㈲㊀㊣㎡㎏℃№™Ⅲⅻ²³₂ﬁﬀ･ｶﾞ¼½…")
)
_FREE_TEXT = st.text(
    st.one_of(st.sampled_from(_COMPATIBILITY), st.characters(exclude_categories=("Cs",))),
    min_size=1,
    max_size=12,
).filter(lambda t: t.strip() != "")


class TestFreeTextIsKeptAsTyped:
    """Names, titles and notes of any text: kept as typed by every reader and writer."""

    @settings(max_examples=60, deadline=None)
    @given(st.lists(_FREE_TEXT, min_size=6, max_size=6))
    def test_round_trips_through_every_path(self, texts: list[str]) -> None:
        """Project construction, JSON (checked and trusted) and CSV give back the same text.

        The model drops only the white space at the two ends of a text; every
        other character, ① and ㈱ and full-width punctuation included, stays.
        """
        name, unit, owner, milestone, title, note = texts
        project = Project(
            local_id="L-1",
            name=name,
            level="city",
            category="social",
            stage="reserved",
            region=unit,
            unit=unit,
            owner=owner,
            milestones=(Milestone(milestone, "2020-06-30"),),
        )
        issue = Issue.collect(
            "Q-1", "L-1", category="land", title=title, on="2020-09-28", by=owner, note=note
        )
        typed = (name.strip(), unit.strip(), owner.strip(), milestone.strip(), title.strip())
        assert typed == (
            project.name,
            project.unit,
            project.owner,
            project.milestones[0].name,
            issue.title,
        )
        assert note.strip() == issue.events[0].note
        book = Portfolio(projects=(project,), issues=(issue,))
        with tempfile.TemporaryDirectory() as folder:
            dump_portfolio(book, Path(folder) / "l.json")
            dump_csv_ledger(book, Path(folder) / "csv")
            checked = load_portfolio(Path(folder) / "l.json")
            trusted = load_portfolio(Path(folder) / "l.json", trusted=True)
            from_csv = load_csv_ledger(Path(folder) / "csv")
        assert book == checked == trusted == from_csv
        assert typed[0] == trusted.projects[0].name == from_csv.projects[0].name
