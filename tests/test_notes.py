"""The escalation rules' notes are read back as facts and said in the reader's language."""

from __future__ import annotations

import re

import pytest

from projpush._notes import note_facts, note_text
from projpush.model import EventKind
from projpush.report import _tier_names, build_report, render
from projpush.synth import SAMPLE_AS_OF, sample_portfolio

RULE_KINDS = {EventKind.SHEET_ISSUED, EventKind.ESCALATED}


@pytest.fixture(scope="module")
def notes() -> list[str]:
    """Every note the rules wrote while bringing the sample city up to date."""
    book = sample_portfolio()
    report = build_report(book, SAMPLE_AS_OF)
    assert report.issues is not None
    recorded = {q.id: len(q.events) for q in book.issues}  # the ledger's own, typed by people
    return [
        e.note
        for q in report.issues
        for e in q.events[recorded[q.id] :]
        if e.kind in RULE_KINDS and e.note
    ]


class TestFacts:
    """Each form the rules write is recognised; any other note is left alone."""

    def test_every_rule_note_is_read(self, notes: list[str]) -> None:
        """Each sheet and escalation note of the sample city has its form."""
        forms = {note: note_facts(note) for note in notes}
        assert [] == [note for note, found in forms.items() if found is None]
        assert {"yellow", "red", "escalated"} <= {f[0] for f in forms.values() if f}

    def test_facts_of_an_escalation(self) -> None:
        """The dates, tiers, owners and days come back as written."""
        note = (
            "limit 2020-09-23 missed at city_office (市重点办); escalated to city_leader "
            "(联系市领导, 市领导联系决策协调), 10 working days to 2020-10-14"
        )
        assert (
            "escalated",
            {
                "due": "2020-09-23",
                "tier": "city_office",
                "owner": "市重点办",
                "next": "city_leader",
                "label": "联系市领导, 市领导联系决策协调",
                "days": "10",
                "new": "2020-10-14",
            },
        ) == note_facts(note)

    def test_blue_and_warning(self) -> None:
        """A blue sheet and a warning, as escalation writes them."""
        blue = "blue sheet: within the limit, due 2020-10-30 at unit (市交通局)"
        warning = "[warning 1/2] 50% of the limit used; due 2020-10-30 at unit (市交通局)"
        assert (
            "蓝色督办单：在办理时限内，项目责任单位（市交通局）须于2020-10-30前办结"
            == note_text(blue, "zh", {"unit": "项目责任单位"})
        )
        assert "预警：办理时限已用50%，unit（市交通局）须于2020-10-30前办结" == note_text(
            warning, "zh", {}
        )

    def test_other_notes_as_typed(self) -> None:
        """A person's note, or a near miss of a form, is shown exactly as typed."""
        for typed in ("协调会议已召开", "deadline 2020-10-28 missed", ""):
            assert note_facts(typed) is None
            assert typed == note_text(typed, "zh", {})


class TestText:
    """A rule's note reads in Chinese without English, in English without identifiers."""

    def test_chinese(self, notes: list[str]) -> None:
        """No Latin word is left but the tiers' and owners' names (none in the sample)."""
        tiers = _tier_names(build_report(sample_portfolio(), SAMPLE_AS_OF).policy, "zh")
        for note in notes:
            assert [] == re.findall(r"[A-Za-z]{2,}", note_text(note, "zh", tiers)), note

    def test_english(self, notes: list[str]) -> None:
        """The tier is named in words (city office), never city_office."""
        tiers = _tier_names(build_report(sample_portfolio(), SAMPLE_AS_OF).policy, "en")
        for note in notes:
            assert [] == re.findall(r"\b[a-z]+_[a-z_]+\b", note_text(note, "en", tiers)), note

    def test_yellow_sheet_in_chinese(self) -> None:
        """A yellow sheet's note, as the workbook, the CSV and the page print it."""
        note = (
            "deadline 2020-10-28 missed at unit (市自然资源和规划局); yellow sheet, "
            "renewed limit 3 working days to 2020-11-03"
        )
        assert (
            "项目责任单位（市自然资源和规划局）未在2020-10-28前办结：发黄色督办单，"
            "延期3个工作日至2020-11-03"
        ) == note_text(note, "zh", {"unit": "项目责任单位"})

    def test_report_formats_say_it(self) -> None:
        """The Chinese CSV and page print the note in Chinese; the JSON keeps it as stored."""
        report = build_report(sample_portfolio(), SAMPLE_AS_OF)
        stored = next(i.detail for e in report.accountability for i in e.items if i.detail)
        tiers = _tier_names(report.policy, "zh")
        assert note_text(stored, "zh", tiers) in render(report, fmt="csv")
        assert stored in render(report, fmt="json")
