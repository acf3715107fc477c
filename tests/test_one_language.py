"""A report is in the language asked for: no English word in Chinese, no raw identifier in either.

Names from the ledger stay as typed (a project called "CBD 二期" keeps its
letters), so the ledger's own words are taken out of the output before it is
searched. Two acronyms are the Chinese reports' own words: SPI and CPI
(进度绩效指数SPI).
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, reject, settings
from hypothesis import strategies as st

from projpush import _xlsx, cli, foresight, testing
from projpush._foresight_text import render_diff, render_forecast
from projpush.errors import ProjpushError
from projpush.escalation import AUTO_ACTOR
from projpush.ledger import LedgerCheck
from projpush.model import integrity_report
from projpush.report import build_report, policy_set, render, render_tables, with_forecast
from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF, sample_portfolio

if TYPE_CHECKING:
    from collections.abc import Iterator

    from projpush.model import Portfolio

ENGLISH = re.compile(r"[A-Za-z]{2,}")
IDENTIFIER = re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b")
ACRONYMS = {"SPI", "CPI"}


def ledger_words(portfolio: Portfolio) -> set[str]:
    """Every text the ledger holds that a report may print as it is."""
    words: set[str] = set()
    for p in portfolio.projects:
        words |= {p.key, str(p.code or ""), p.local_id or "", p.name, p.unit, p.region}
        words |= {p.task_force or "", *(m.name for m in p.milestones)}
        words |= {m.unit or "" for m in p.milestones}
        words |= {a.name for a in p.approvals}
    for q in portfolio.issues:
        words |= {q.id, q.title, q.project, q.owner or "", q.tier or ""}
        words |= {e.owner or "" for e in q.events}
        words |= {e.party or "" for e in q.events}
        # what people typed as an event's note (a resolution, a rejection's reason); the
        # supervision system's own notes are the rules' words, rendered in the reader's language
        words |= {e.note for e in q.events if e.actor != AUTO_ACTOR}
    words |= {ld.name for ld in portfolio.leaders} | {s.name for s in portfolio.secretaries}
    words |= {t.name for t in portfolio.task_forces}
    words |= {u.name for u in portfolio.units}
    return {w for w in words if w}


def without_ledger(text: str, words: set[str]) -> str:
    """``text`` with the ledger's words taken out, longest first (a name holds a code).

    The report's acronyms go first: a ledger name "S" must not leave "PI" of "SPI".
    """
    for acronym in ACRONYMS:
        text = text.replace(acronym, " ")
    for word in sorted(words, key=len, reverse=True):
        text = text.replace(word, " ")
    return text


def outputs(
    portfolio: Portfolio, as_of: dt.date, lang: str, *, advance: bool = True
) -> Iterator[tuple[str, str]]:
    """What a reader of ``lang`` reads.

    The report as text, CSV, HTML and workbook cells, with its forecast
    section; the five tables; ``projpush check``'s lines; the forecast and
    a comparison of two policy sets as text.
    """
    report = build_report(portfolio, as_of, calendar=CALENDAR_2020, advance=advance)
    try:  # a drawn ledger's issues may not replay under the built-in books (a version, a tier)
        foreseen = with_forecast(report, portfolio, calendar=CALENDAR_2020)
        diff = foresight.compare(
            portfolio, as_of, policy_set("default"), policy_set("dalian"), calendar=CALENDAR_2020
        )
    except ProjpushError:
        foreseen, diff = report, None
    for name, shown in (("", report), (" with forecast", foreseen)):
        yield "text" + name, render(shown, fmt="text", lang=lang)  # type: ignore[arg-type]
        yield "csv" + name, render(shown, fmt="csv", lang=lang)  # type: ignore[arg-type]
        page = render(shown, fmt="html", lang=lang)  # type: ignore[arg-type]
        words = re.sub(r"<style>.*?</style>|<[^>]*>", " ", page, flags=re.DOTALL)
        yield "html" + name, html.unescape(words)
    sheets = _xlsx.tables(foreseen, lang)  # type: ignore[arg-type]
    yield "workbook", "\n".join(_workbook_text(sheets))
    for p in portfolio.projects:
        tables = render_tables(portfolio, as_of, project=p.key, lang=lang)  # type: ignore[arg-type]
        yield f"tables {p.key}", tables
    checked = LedgerCheck((), integrity_report(portfolio, as_of), portfolio)
    yield "check", "\n".join(cli._check_lines(checked, "宁波市重大项目台账", lang))  # type: ignore[arg-type]
    if foreseen.forecast is not None:
        yield "forecast", render_forecast(foreseen.forecast, "text", lang)
    if diff is not None:
        yield "compare", render_diff(diff, "text", lang)


def notebook_views(portfolio: Portfolio, as_of: dt.date) -> Iterator[tuple[str, str]]:
    """The notebook's HTML views, as text: both languages by design, identifiers in neither."""
    report = build_report(portfolio, as_of, calendar=CALENDAR_2020, advance=False)
    shown = [("report", report), ("lights", report.lights), ("map", report.light_map)]
    shown += [(f"project {p.key}", p) for p in portfolio.projects]
    shown += [(f"issue {q.id}", q) for q in report.issues or ()]
    shown += [("ledger", portfolio)]
    for what, result in shown:
        if result is None:  # no light map without projects
            continue
        page = result._repr_html_()
        words = re.sub(r"<[^>]*>", " ", page)
        yield what, html.unescape(words)


def _workbook_text(sheets: list[_xlsx.Table]) -> Iterator[str]:
    """Every sheet's title, header and text cells (numbers and dates are not words)."""
    for sheet in sheets:
        yield sheet.title
        yield " ".join(sheet.header)
        for row in sheet.rows:
            for cell in row:
                value = cell.value if isinstance(cell, _xlsx.Styled) else cell
                if isinstance(value, str):
                    yield value


def english_words(text: str) -> set[str]:
    return set(ENGLISH.findall(text)) - ACRONYMS


class TestSampleCity:
    """The demo's report and tables, in each language."""

    @pytest.mark.parametrize("lang", ["zh", "en"])
    def test_no_raw_identifier(self, lang: str) -> None:
        """No snake_case word (red_sheet, milestone_overdue, city_office) is printed."""
        book = sample_portfolio()
        words = ledger_words(book)
        for what, text in outputs(book, SAMPLE_AS_OF, lang):
            assert set() == set(IDENTIFIER.findall(without_ledger(text, words))), what

    def test_every_output_is_read(self) -> None:
        """The search covers the forecast, the comparison, check and the workbook too."""
        book = sample_portfolio()
        read = {what.split(" ")[0] for what, _ in outputs(book, SAMPLE_AS_OF, "zh")}
        assert {"text", "csv", "html", "workbook", "tables", "check", "forecast", "compare"} == read

    def test_no_raw_identifier_in_the_notebook_views(self) -> None:
        """The HTML views name stages, states, events, tiers and notes in words."""
        book = sample_portfolio()
        words = ledger_words(book)
        for what, text in notebook_views(book, SAMPLE_AS_OF):
            assert set() == set(IDENTIFIER.findall(without_ledger(text, words))), what

    def test_no_english_in_chinese(self) -> None:
        """The Chinese report and tables hold no English word beside the ledger's names."""
        book = sample_portfolio()
        words = ledger_words(book)
        for what, text in outputs(book, SAMPLE_AS_OF, "zh"):
            assert set() == english_words(without_ledger(text, words)), what


class TestGeneratedLedgers:
    """Any ledger's report and tables, in each language."""

    @settings(max_examples=15, deadline=None)
    @given(
        book=testing.portfolios(max_projects=3),
        month=st.integers(min_value=1, max_value=12),
    )
    def test_one_language(self, book: Portfolio, month: int) -> None:
        """No identifier in either language, no English word in Chinese."""
        as_of = dt.date(2020, month, 28)
        words = ledger_words(book)
        try:  # a drawn ledger may record a policy version or a tier no built-in ladder has
            build_report(book, as_of, calendar=CALENDAR_2020, advance=False)
        except ProjpushError:
            reject()
        for lang in ("zh", "en"):
            for what, text in outputs(book, as_of, lang, advance=False):
                rest = without_ledger(text, words)
                assert set() == set(IDENTIFIER.findall(rest)), (lang, what)
                if lang == "zh":
                    assert set() == english_words(rest), what
        for what, text in notebook_views(book, as_of):
            rest = without_ledger(text, words)
            assert set() == set(IDENTIFIER.findall(rest)), what
