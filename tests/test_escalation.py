"""Scenario tests for issue handling, supervision sheets and tiered escalation."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import attrs
import pytest

from projpush.errors import (
    CalendarCoverageError,
    InvalidTransition,
    PolicyError,
    ProjpushError,
    UnknownReferenceError,
    ValidationError,
)
from projpush.escalation import (
    AUTO_ACTOR,
    AccountabilityReason,
    EscalationPolicy,
    Ladder,
    PolicyBook,
    SheetPolicy,
    Tier,
    accountability_list,
    advance,
    advance_all,
    assign,
    close,
    declare_beyond_powers,
    escalate,
    open_by_tier_and_colour,
    overdue,
    pause,
    reject,
    resolve,
    resume,
    start,
    submit_plan,
    timeline,
    unit_stats,
)
from projpush.model import Difficulty, EventKind, Issue, IssueState, SheetColor, replay
from projpush.schedule import FallbackCalendar, WeekdayCalendar, china_calendar

D = dt.date
COLLECTED_ON = D(2020, 9, 28)
ASSIGNED_ON = D(2020, 9, 29)
BINZHOU = EscalationPolicy.binzhou()
NINGBO = EscalationPolicy.ningbo()
DALIAN = EscalationPolicy.dalian()
YINZHOU = EscalationPolicy.yinzhou()


def collected(
    issue_id: str = "Q-1", on: dt.date = COLLECTED_ON, difficulty: str = "general"
) -> Issue:
    return Issue.collect(
        issue_id,
        "2020-330200-47-03-012345",
        category="land",
        title="林地调规",
        on=on,
        by="服务秘书",
        difficulty=difficulty,
    )


def assigned(
    policy: EscalationPolicy = BINZHOU,
    issue_id: str = "Q-1",
    on: dt.date = ASSIGNED_ON,
    owner: str | None = None,
    **kw: object,
) -> Issue:
    return assign(
        collected(issue_id, on - dt.timedelta(days=1)), on, policy, by="办公室", owner=owner, **kw
    )


def auto(issue: Issue, since: int) -> list[tuple[dt.date, str, str | None]]:
    """The added events as (date, kind, sheet colour or tier)."""
    return [
        (e.at, e.kind.value, e.sheet.value if e.sheet else e.tier) for e in issue.events[since:]
    ]


class TestNationalDay:
    """The 2020 National Day holiday and its make-up Saturday."""

    def test_general_issue_due_after_holiday(self) -> None:
        """Assigned Tue 2020-09-29 with 5 working days: due 2020-10-13."""
        issue = assigned()
        assert D(2020, 10, 13) == issue.deadline
        assert "binzhou@1" == issue.status.policy
        assert ("county", "县(市、区)指挥部") == (issue.tier, issue.owner)

    def test_three_day_limit(self) -> None:
        """3 working days from 29 Sep: 30 Sep, 9 Oct, 10 Oct (make-up Saturday)."""
        assert D(2020, 10, 10) == assigned(days=3).deadline

    def test_not_overdue_on_the_due_day(self) -> None:
        """Advancing to the due day adds the blue sheet only."""
        issue = advance(assigned(), D(2020, 10, 13), BINZHOU)
        assert [(D(2020, 9, 29), "sheet_issued", "blue")] == auto(issue, 2)


class TestBinzhouLadder:
    """County HQ → city HQ joint consultation, 蓝黄红 sheets."""

    def test_full_slide_to_the_top(self) -> None:
        """Blue, yellow with a renewed limit, red with escalation, then accountability."""
        issue = advance(assigned(owner="滨城区指挥部"), D(2020, 11, 30), BINZHOU)
        assert [
            (D(2020, 9, 29), "sheet_issued", "blue"),
            (D(2020, 10, 14), "sheet_issued", "yellow"),
            (D(2020, 10, 20), "sheet_issued", "red"),
            (D(2020, 10, 20), "escalated", "city"),
            (D(2020, 11, 4), "note", None),
        ] == auto(issue, 2)
        assert D(2020, 11, 3) == issue.deadline
        assert (SheetColor.RED, "city", "市重大项目推进指挥部") == (
            issue.sheet,
            issue.tier,
            issue.owner,
        )
        assert all(e.actor == AUTO_ACTOR for e in issue.events[2:])

    def test_yellow_renews_the_limit(self) -> None:
        """The yellow sheet carries the renewed deadline and its reason."""
        issue = advance(assigned(owner="滨城区指挥部"), D(2020, 10, 14), BINZHOU)
        yellow = issue.events[-1]
        assert D(2020, 10, 19) == yellow.deadline == issue.deadline
        assert "deadline 2020-10-13 missed at county (滨城区指挥部)" in yellow.note
        assert "renewed limit 3 working days to 2020-10-19" in yellow.note

    def test_resolved_in_time_stays_blue(self) -> None:
        """Resolved and closed (销号) within the limit: no further sheets."""
        issue = advance(assigned(), D(2020, 10, 9), BINZHOU)
        issue = close(resolve(issue, D(2020, 10, 12), by="滨城区"), D(2020, 10, 15), by="市办")
        assert issue == advance(issue, D(2021, 1, 1), BINZHOU)
        assert SheetColor.BLUE == issue.sheet
        assert IssueState.CLOSED == issue.state


class TestDalianLadder:
    """District → city listed supervision (挂牌督办)."""

    def test_beyond_powers_goes_to_city_at_once(self) -> None:
        """A tier declaring an issue beyond its powers escalates it the same day."""
        issue = assigned(DALIAN, on=D(2018, 5, 2), owner="中山区")
        issue = declare_beyond_powers(
            issue, D(2018, 5, 3), DALIAN, by="中山区", reason="林地调规需省级审批"
        )
        last = issue.events[-1]
        assert (EventKind.ESCALATED, "city", "市政府") == (last.kind, last.tier, last.owner)
        assert "beyond the powers of district: 林地调规需省级审批" in last.note
        assert D(2018, 5, 31) == issue.deadline

    def test_slip_escalation(self) -> None:
        """An unresolved district issue is listed by the city after its red sheet."""
        issue = advance(assigned(DALIAN, owner="中山区"), D(2020, 10, 20), DALIAN)
        assert ("city", SheetColor.RED) == (issue.tier, issue.sheet)
        assert D(2020, 11, 17) == issue.deadline

    def test_escalated_issue_keeps_its_colour(self) -> None:
        """After a declared escalation the blue sheet stays; the city's limit runs."""
        issue = advance(assigned(DALIAN, owner="中山区"), D(2020, 9, 29), DALIAN)
        issue = declare_beyond_powers(issue, D(2020, 9, 30), DALIAN, by="中山区", reason="r")
        issue = advance(issue, D(2020, 10, 20), DALIAN)
        assert (SheetColor.BLUE, "city") == (issue.sheet, issue.tier)


class TestNingboLadder:
    """Responsible unit → city key-project office → city leader (三级协调)."""

    def test_each_tier_in_turn(self) -> None:
        """Two escalations, one tier at a time, then the accountability note."""
        issue = advance(assigned(NINGBO, owner="市交通局"), D(2020, 12, 31), NINGBO)
        assert [
            (D(2020, 9, 29), "sheet_issued", "blue"),
            (D(2020, 10, 14), "sheet_issued", "yellow"),
            (D(2020, 10, 20), "sheet_issued", "red"),
            (D(2020, 10, 20), "escalated", "city_office"),
            (D(2020, 11, 4), "escalated", "city_leader"),
            (D(2020, 11, 19), "note", None),
        ] == auto(issue, 2)
        assert issue.events[-1].note.startswith("[accountability] limit 2020-11-18 missed")

    def test_manual_escalation_is_one_tier(self) -> None:
        """``escalate`` climbs exactly one tier; at the top it refuses."""
        issue = escalate(assigned(NINGBO), D(2020, 9, 30), NINGBO, by="市重点办", reason="r")
        assert "city_office" == issue.tier
        issue = escalate(issue, D(2020, 10, 9), NINGBO, by="市重点办", reason="r")
        assert "city_leader" == issue.tier
        with pytest.raises(InvalidTransition, match="already at the top tier 'city_leader'"):
            escalate(issue, D(2020, 10, 10), NINGBO, by="市重点办", reason="r")


class TestYinzhouLadder:
    """Town/street → district, problems closed off by 销号."""

    def test_town_then_district(self) -> None:
        """An overdue town issue reaches the district leaders' office."""
        issue = advance(assigned(YINZHOU, owner="下应街道"), D(2020, 10, 20), YINZHOU)
        assert ("district", "区领导小组办公室") == (issue.tier, issue.owner)

    def test_rejected_resolution_keeps_the_deadline(self) -> None:
        """A failed verification sends it back with the deadline it had."""
        issue = resolve(assigned(YINZHOU), D(2020, 10, 12), by="下应街道")
        issue = reject(issue, D(2020, 10, 15), by="区办", reason="供电仍未接通")
        assert (IssueState.IN_PROGRESS, D(2020, 10, 13)) == (issue.state, issue.deadline)
        issue = advance(issue, D(2020, 10, 15), YINZHOU)
        # Blue was due on 29 Sep and yellow on 14 Oct; both recorded on the rejection day.
        assert [
            (D(2020, 10, 15), "sheet_issued", "blue"),
            (D(2020, 10, 15), "sheet_issued", "yellow"),
        ] == auto(issue, 4)


class TestPause:
    """The clock stops while the issue waits on an outside party."""

    def test_resume_recomputes_the_deadline(self) -> None:
        """Three working days left at the pause are granted again after it."""
        issue = assigned(NINGBO, on=D(2020, 9, 1))
        assert D(2020, 9, 8) == issue.deadline
        issue = pause(issue, D(2020, 9, 3), "省发改委", by="市重点办")
        assert IssueState.PAUSED == issue.state
        assert issue == advance(issue, D(2020, 10, 30), NINGBO)
        issue = resume(issue, D(2020, 9, 14), by="市重点办")
        assert (IssueState.ASSIGNED, D(2020, 9, 17)) == (issue.state, issue.deadline)
        assert "paused 2020-09-03–2020-09-14; 3 working days left" in issue.events[-1].note

    def test_pause_over_the_holiday(self) -> None:
        """Paused on 30 Sep, resumed 12 Oct: the 4 days left run 13–16 Oct."""
        issue = pause(assigned(), D(2020, 9, 30), "省自然资源厅", by="县指挥部")
        issue = resume(issue, D(2020, 10, 12), by="县指挥部")
        assert D(2020, 10, 16) == issue.deadline
        issue = advance(issue, D(2020, 10, 19), BINZHOU)
        # Never advanced before the pause, so the blue sheet is recorded on resumption.
        assert [
            (D(2020, 10, 12), "sheet_issued", "blue"),
            (D(2020, 10, 19), "sheet_issued", "yellow"),
        ] == auto(issue, 4)

    def test_pause_after_the_deadline_rescues_nothing(self) -> None:
        """A deadline already missed when paused stays missed."""
        issue = pause(assigned(), D(2020, 10, 14), "省厅", by="县指挥部")
        issue = resume(issue, D(2020, 10, 20), by="县指挥部")
        assert D(2020, 10, 13) == issue.deadline
        assert "it stays missed" in issue.events[-1].note

    def test_resume_an_issue_not_paused(self) -> None:
        """Resuming a running issue names the state and the step."""
        with pytest.raises(InvalidTransition, match="cannot resume an issue that is assigned"):
            resume(assigned(), D(2020, 9, 30), by="x")


class TestDifficultIssue:
    """A work plan within 2 working days, then resolution by the plan's date."""

    def test_two_stage_limit(self) -> None:
        """Plan due 30 Sep (2 working days: 30 Sep, 9 Oct), then the plan's date."""
        issue = assign(
            collected(difficulty="difficult"), D(2020, 9, 29), BINZHOU, by="市指挥部办公室"
        )
        assert Difficulty.DIFFICULT == issue.difficulty
        assert D(2020, 10, 9) == issue.deadline
        issue = submit_plan(issue, D(2020, 10, 9), D(2020, 11, 30), by="县指挥部")
        assert D(2020, 11, 30) == issue.deadline
        issue = advance(issue, D(2020, 11, 30), BINZHOU)
        assert SheetColor.BLUE == issue.sheet
        issue = advance(issue, D(2020, 12, 1), BINZHOU)
        assert SheetColor.YELLOW == issue.sheet

    def test_late_plan_turns_yellow_first(self) -> None:
        """No plan by its limit: a yellow sheet, and the plan then sets the deadline."""
        issue = assign(collected(difficulty="difficult"), D(2020, 9, 29), BINZHOU, by="办")
        issue = advance(issue, D(2020, 10, 12), BINZHOU)
        # Plan due Fri 9 Oct; yellow on the make-up Saturday 10 Oct, renewed to 14 Oct.
        assert (SheetColor.YELLOW, D(2020, 10, 14)) == (issue.sheet, issue.deadline)
        issue = submit_plan(issue, D(2020, 10, 13), D(2020, 10, 30), by="县指挥部")
        assert (SheetColor.YELLOW, D(2020, 10, 30)) == (issue.sheet, issue.deadline)
        issue = advance(issue, D(2020, 11, 2), BINZHOU)
        assert (SheetColor.RED, "city") == (issue.sheet, issue.tier)

    def test_plan_rules(self) -> None:
        """Plans are for difficult issues, once, and end after they are made."""
        with pytest.raises(InvalidTransition, match="a work plan is for difficult issues"):
            submit_plan(assigned(), D(2020, 9, 30), D(2020, 10, 30), by="x")
        issue = assign(collected(difficulty="difficult"), D(2020, 9, 29), BINZHOU, by="办")
        with pytest.raises(ValidationError, match="plan_date: expected a date after 2020-09-30"):
            submit_plan(issue, D(2020, 9, 30), D(2020, 9, 30), by="x")
        issue = submit_plan(issue, D(2020, 9, 30), D(2020, 10, 30), by="x")
        with pytest.raises(InvalidTransition, match="a work plan was already submitted"):
            submit_plan(issue, D(2020, 10, 9), D(2020, 12, 30), by="x")
        with pytest.raises(ValidationError, match="days: expected None for a difficult issue"):
            assign(collected(difficulty="difficult"), D(2020, 9, 29), BINZHOU, by="办", days=3)


class TestPolicyVersions:
    """An issue keeps the policy version it was assigned under."""

    V2 = BINZHOU.revise(general_days=3, sheets=SheetPolicy(renewed_days=5))
    BOOK = PolicyBook((BINZHOU, V2))

    def test_edit_after_assignment_changes_nothing(self) -> None:
        """Advancing through the book uses version 1's renewed limit of 3 days."""
        issue = assigned()
        assert "binzhou@2" == self.V2.key
        via_book = advance(issue, D(2020, 10, 31), self.BOOK)
        assert advance(issue, D(2020, 10, 31), BINZHOU) == via_book
        assert D(2020, 10, 13) == via_book.events[1].deadline
        assert D(2020, 10, 19) == via_book.events[3].deadline

    def test_new_issues_take_the_new_version(self) -> None:
        """An issue assigned under version 2 gets 3 days and a 5-day renewal."""
        issue = assigned(self.V2)
        assert D(2020, 10, 10) == issue.deadline
        issue = advance(issue, D(2020, 10, 12), self.BOOK)
        assert D(2020, 10, 19) == issue.deadline  # yellow on 12 Oct, 5 more working days

    def test_wrong_version_is_refused(self) -> None:
        """Passing only the edited policy names the version the issue needs."""
        with pytest.raises(UnknownReferenceError, match=r"assigned under policy 'binzhou@1'"):
            advance(assigned(), D(2020, 10, 31), self.V2)
        with pytest.raises(UnknownReferenceError, match=r"no policy version 'binzhou@1'"):
            advance(assigned(), D(2020, 10, 31), PolicyBook(self.V2))

    def test_book_rules(self) -> None:
        """Versions are unique in a book; ``latest`` finds the newest."""
        assert self.V2 == self.BOOK.latest("binzhou")
        with pytest.raises(PolicyError, match=r"policies\[1\]\.key: expected a unique"):
            PolicyBook((BINZHOU, BINZHOU))
        with pytest.raises(UnknownReferenceError, match="no policy called 'suqian'"):
            self.BOOK.latest("suqian")


class TestSheetVariants:
    """Blue when near (Suqian) and warnings at shares of the limit."""

    def test_blue_when_near(self) -> None:
        """Blue two working days before the deadline, not at assignment."""
        policy = attrs.evolve(BINZHOU, name="suqian", sheets=SheetPolicy.suqian(2))
        issue = advance(assigned(policy), D(2020, 10, 13), policy)
        assert [(D(2020, 10, 10), "sheet_issued", "blue")] == auto(issue, 2)

    def test_warnings_at_half_and_three_quarters(self) -> None:
        """5-day limit: warnings on day 3 (50 %) and day 4 (75 %)."""
        policy = attrs.evolve(BINZHOU, name="helpdesk", sheets=SheetPolicy.help_desk())
        issue = advance(assigned(policy), D(2020, 10, 14), policy)
        assert [
            (D(2020, 9, 29), "sheet_issued", "blue"),
            (D(2020, 10, 10), "note", None),
            (D(2020, 10, 12), "note", None),
            (D(2020, 10, 14), "sheet_issued", "yellow"),
        ] == auto(issue, 2)
        assert issue.events[3].note.startswith("[warning 1/2] 50% of the limit used")

    def test_warnings_shift_with_a_pause(self) -> None:
        """Paused days do not count: the 75 % warning moves with the deadline."""
        policy = attrs.evolve(BINZHOU, name="helpdesk", sheets=SheetPolicy.help_desk())
        issue = pause(assigned(policy), D(2020, 9, 30), "省厅", by="x")
        issue = resume(issue, D(2020, 10, 12), by="x")
        issue = advance(issue, D(2020, 10, 16), policy)
        warnings = [e.at for e in issue.events if e.kind is EventKind.NOTE]
        assert [D(2020, 10, 14), D(2020, 10, 15)] == warnings

    def test_bad_sheet_policies(self) -> None:
        """Shares must rise strictly inside (0, 1), as Fractions."""
        with pytest.raises(PolicyError, match=r"warnings\[1\]: expected > warnings\[0\]"):
            SheetPolicy(warnings=(Fraction(3, 4), Fraction(1, 2)))
        with pytest.raises(PolicyError, match="strictly between 0 and 1"):
            SheetPolicy(warnings=(Fraction(1),))
        with pytest.raises(PolicyError, match="a Fraction such as"):
            SheetPolicy(warnings=(0.5,))  # type: ignore[arg-type]
        with pytest.raises(PolicyError, match="yellows_for_accountability: expected a count"):
            SheetPolicy(yellows_for_accountability=1)


class TestTimeline:
    """The dated points a dashboard shows, if nothing is done."""

    def test_will_turn_red_on(self) -> None:
        """The red sheet and escalation dates of an assigned issue."""
        points = timeline(assigned(NINGBO), NINGBO, D(2020, 10, 31))
        red = next(e for e in points if e.sheet is SheetColor.RED)
        assert D(2020, 10, 20) == red.at
        assert ["blue", "yellow", "red", "escalated"] == [
            e.sheet.value if e.sheet else e.kind.value for e in points
        ]

    def test_nothing_ahead_for_a_paused_issue(self) -> None:
        """A paused clock shows no future points."""
        issue = pause(assigned(), D(2020, 9, 30), "省厅", by="x")
        assert () == timeline(issue, BINZHOU, D(2021, 1, 1))


class TestAdvance:
    """Idempotence and the bulk helper."""

    def test_idempotent(self) -> None:
        """Advancing twice to the same day adds nothing."""
        once = advance(assigned(), D(2020, 10, 20), BINZHOU)
        assert once is advance(once, D(2020, 10, 20), BINZHOU)

    def test_stepwise_equals_at_once(self) -> None:
        """Day by day or in one go, the same history."""
        issue = assigned(NINGBO)
        stepped = issue
        day = D(2020, 9, 29)
        while day <= D(2020, 11, 30):
            stepped = advance(stepped, day, NINGBO)
            day += dt.timedelta(days=1)
        assert advance(issue, D(2020, 11, 30), NINGBO) == stepped

    def test_before_the_last_event_adds_nothing(self) -> None:
        """A day before the issue's latest event leaves it as it is."""
        issue = start(assigned(), D(2020, 10, 12), by="县指挥部")
        assert issue is advance(issue, D(2020, 10, 1), BINZHOU)

    def test_collected_issue_has_nothing_due(self) -> None:
        """No assignment, no clock."""
        issue = collected()
        assert issue is advance(issue, D(2021, 1, 1), BINZHOU)

    def test_advance_all(self) -> None:
        """Every issue of a list advanced with one calendar."""
        issues = advance_all([assigned(), assigned(issue_id="Q-2")], D(2020, 10, 14), BINZHOU)
        assert [SheetColor.YELLOW, SheetColor.YELLOW] == [q.sheet for q in issues]

    def test_rebuilt_issue_equals_constructed(self) -> None:
        """The issue advance returns is the one Issue itself would build from the events."""
        issue = advance(assigned(NINGBO), D(2020, 12, 31), NINGBO)
        rebuilt = attrs.evolve(issue, events=issue.events)
        assert (rebuilt, rebuilt.status) == (issue, issue.status)

    def test_replay_equals_stored_state(self) -> None:
        """The state replayed from the events is the state stored."""
        issue = advance(assigned(NINGBO), D(2020, 12, 31), NINGBO)
        assert replay(issue.events) == issue.status

    @pytest.mark.parametrize("note", ["[warning 1/2 no bracket", "[warning half]", "[warning 1/0]"])
    def test_note_that_only_looks_like_a_warning(self, note: str) -> None:
        """A system note with a broken warning tag records no warning, and raises nothing."""
        policy = attrs.evolve(BINZHOU, sheets=SheetPolicy.help_desk())
        issue = assigned(policy).step(EventKind.NOTE, D(2020, 9, 30), AUTO_ACTOR, note=note)
        warned = [
            e.note[:13]
            for e in advance(issue, D(2020, 10, 13), policy).events
            if "[warning" in e.note
        ]
        assert warned == [note[:13], "[warning 1/2]", "[warning 3/4]"]


class TestViews:
    """Board, overdue list, accountability list and unit statistics."""

    AS_OF = D(2020, 10, 21)

    def portfolio(self) -> list[Issue]:
        red = assigned(owner="滨城区指挥部")
        yellow1 = assigned(issue_id="Q-2", on=D(2020, 10, 9), owner="惠民县指挥部")
        yellow2 = assigned(issue_id="Q-3", on=D(2020, 10, 9), owner="惠民县指挥部")
        done = close(
            resolve(assigned(issue_id="Q-4", owner="博兴县指挥部"), D(2020, 10, 9), by="博兴"),
            D(2020, 10, 10),
            by="市办",
        )
        return list(advance_all([red, yellow1, yellow2, done], self.AS_OF, BINZHOU))

    def test_board(self) -> None:
        """Open issues by tier and colour."""
        assert {
            ("city", SheetColor.RED): ("Q-1",),
            ("county", SheetColor.YELLOW): ("Q-2", "Q-3"),
        } == open_by_tier_and_colour(self.portfolio())

    def test_overdue(self) -> None:
        """Days overdue in calendar and working days, most overdue first."""
        rows = overdue(self.portfolio(), D(2020, 10, 26))
        assert [("Q-2", 5, 3), ("Q-3", 5, 3)] == [
            (o.issue, o.calendar_days, o.working_days) for o in rows
        ]
        assert (D(2020, 10, 21), SheetColor.YELLOW) == (rows[0].deadline, rows[0].sheet)

    def test_accountability_list(self) -> None:
        """Red sheets and repeated yellows, each against the unit that owned the issue."""
        entries = accountability_list(self.portfolio(), self.AS_OF)
        assert [
            ("惠民县指挥部", ("Q-2", "Q-3"), (AccountabilityReason.REPEATED_YELLOW,)),
            ("滨城区指挥部", ("Q-1",), (AccountabilityReason.RED_SHEET,)),
        ] == [(e.unit, e.issues, e.reasons) for e in entries]
        assert "红色督办单" == AccountabilityReason.RED_SHEET.zh

    def test_top_tier_unresolved(self) -> None:
        """At the top tier the issue stays red and its owner joins the list."""
        issue = advance(assigned(owner="滨城区指挥部"), D(2020, 11, 4), BINZHOU)
        entries = {e.unit: e.reasons for e in accountability_list([issue], D(2020, 11, 4))}
        assert (AccountabilityReason.TOP_TIER_UNRESOLVED,) == entries["市重大项目推进指挥部"]
        assert SheetColor.RED == issue.sheet

    def test_top_tier_unresolved_then_closed_later(self) -> None:
        """An issue closed after ``as_of`` was still unresolved at the top on ``as_of``."""
        issue = advance(assigned(owner="滨城区指挥部"), D(2020, 11, 4), BINZHOU)
        issue = close(resolve(issue, D(2020, 11, 9), by="x"), D(2020, 11, 10), by="y")
        reason = AccountabilityReason.TOP_TIER_UNRESOLVED
        before = {e.unit: e.reasons for e in accountability_list([issue], D(2020, 11, 4))}
        after = {e.unit: e.reasons for e in accountability_list([issue], D(2020, 11, 10))}
        assert (reason,) == before["市重大项目推进指挥部"]
        assert "市重大项目推进指挥部" not in after

    def test_unit_stats(self) -> None:
        """Per-unit counts of handling, sheets and escalations."""
        stats = {s.unit: s for s in unit_stats(self.portfolio(), self.AS_OF)}
        assert (1, 1, 1, 0) == (
            stats["博兴县指挥部"].handled,
            stats["博兴县指挥部"].resolved_on_time,
            stats["博兴县指挥部"].closed,
            stats["博兴县指挥部"].open_now,
        )
        assert Fraction(1) == stats["博兴县指挥部"].on_time_rate
        county = stats["滨城区指挥部"]
        assert (1, 1, 1, 0, None) == (
            county.yellow_sheets,
            county.red_sheets,
            county.escalated_away,
            county.open_now,
            county.on_time_rate,
        )
        assert 1 == stats["市重大项目推进指挥部"].open_now
        assert 2 == stats["惠民县指挥部"].yellow_sheets


class TestBadInput:
    """Every bad input is a clear ProjpushError."""

    def test_events_out_of_order(self) -> None:
        """A step dated before the last event, and a history out of order."""
        issue = assigned()
        with pytest.raises(InvalidTransition, match="time never goes backwards") as info:
            resolve(issue, D(2020, 9, 28), by="x")
        assert "issue 'Q-1'" in str(info.value)
        first, second = issue.events
        with pytest.raises(ProjpushError, match="events"):
            attrs.evolve(issue, events=(second, first))

    def test_unknown_tier(self) -> None:
        """Assigning to a tier the ladder lacks names the ladder's tiers."""
        with pytest.raises(UnknownReferenceError, match="no tier '省级' in the binzhou ladder"):
            assign(collected(), D(2020, 9, 29), BINZHOU, by="x", tier="省级")

    def test_unknown_tier_on_advance(self) -> None:
        """An issue whose tier is not on its policy's ladder."""
        issue = collected().step(
            EventKind.ASSIGNED,
            D(2020, 9, 29),
            "x",
            tier="省级",
            owner="省发改委",
            deadline=D(2020, 10, 13),
            policy="binzhou@1",
        )
        with pytest.raises(UnknownReferenceError, match="no tier '省级'"):
            advance(issue, D(2020, 10, 1), BINZHOU)

    def test_resolving_a_closed_issue(self) -> None:
        """The message names the state and the attempted step."""
        issue = close(resolve(assigned(), D(2020, 10, 9), by="x"), D(2020, 10, 10), by="y")
        with pytest.raises(
            InvalidTransition, match="issue 'Q-1': cannot resolve an issue that is closed"
        ):
            resolve(issue, D(2020, 10, 12), by="x")

    def test_rejecting_an_unresolved_issue(self) -> None:
        """The model's wording, with the issue named and field, expected and got kept."""
        with pytest.raises(
            InvalidTransition,
            match="issue 'Q-1': cannot reject the resolution of an issue that is assigned; "
            "allowed steps: ",
        ) as caught:
            reject(assigned(), D(2020, 9, 30), by="x", reason="r")
        assert ("kind", "rejected") == (caught.value.field, caught.value.got)
        assert "'resolved'" in str(caught.value.expected)

    def test_closing_an_unassigned_issue(self) -> None:
        """Closing needs a resolution first."""
        with pytest.raises(InvalidTransition, match="cannot close an issue that is collected"):
            close(collected(), D(2020, 9, 29), by="x")

    def test_escalating_an_unassigned_issue(self) -> None:
        """Escalation needs a tier to climb from."""
        with pytest.raises(InvalidTransition, match="has no tier yet; assign it first"):
            escalate(collected(), D(2020, 9, 29), BINZHOU, by="x", reason="r")

    def test_ladder_with_no_tiers(self) -> None:
        """A ladder needs at least one tier, with unique names."""
        with pytest.raises(
            PolicyError, match=r"ladder.tiers: expected at least one tier, got \(\)"
        ):
            Ladder(())
        with pytest.raises(PolicyError, match=r"tiers\[1\].name: expected a name unique"):
            Ladder((Tier("town", "镇", 5), Tier("town", "区", 10)))
        with pytest.raises(PolicyError, match="limit: expected a whole number"):
            Tier("town", "镇", 0)
        with pytest.raises(PolicyError, match="owner: expected a non-empty string"):
            Tier("town", " ", 5)

    def test_policy_ranges(self) -> None:
        """General days are 3–5; per-issue days too."""
        with pytest.raises(PolicyError, match="general_days: expected 3 to 5 working days"):
            attrs.evolve(BINZHOU, general_days=7)
        with pytest.raises(PolicyError, match="name: expected a name without '@'"):
            EscalationPolicy("a@b", Ladder.binzhou())
        with pytest.raises(ValidationError, match="days: expected 3 to 5 working days, got 2"):
            assign(collected(), D(2020, 9, 29), BINZHOU, by="x", days=2)

    def test_deadline_outside_the_calendar(self) -> None:
        """A deadline in a year without official data, unless a fallback is named."""
        late = collected(on=D(2030, 3, 1))
        with pytest.raises(CalendarCoverageError, match="issue 'Q-1': assignment deadline: no"):
            assign(late, D(2030, 3, 4), BINZHOU, by="x")
        fallback = FallbackCalendar(china_calendar(), WeekdayCalendar())
        issue = assign(late, D(2030, 3, 4), BINZHOU, by="x", calendar=fallback)
        assert D(2030, 3, 11) == issue.deadline

    def test_deadline_running_past_the_calendar(self) -> None:
        """Advancing into an uncovered year raises rather than guesses."""
        last_year = china_calendar().years.stop - 1
        issue = assigned(on=D(last_year, 12, 21))
        with pytest.raises(CalendarCoverageError, match=f"no working-day data for {last_year + 1}"):
            advance(issue, D(last_year + 1, 3, 1), BINZHOU)

    def test_resumed_deadline_past_the_calendar(self) -> None:
        """Counting the days left at a pause names the issue and what was being counted."""
        last_year = china_calendar().years.stop - 1
        fallback = FallbackCalendar(china_calendar(), WeekdayCalendar())
        issue = assigned(on=D(last_year, 12, 28), calendar=fallback)
        issue = pause(issue, D(last_year, 12, 29), "省发改委", by="x")
        with pytest.raises(
            CalendarCoverageError,
            match=f"issue 'Q-1': resumed deadline: no working-day data for {last_year + 1}",
        ) as caught:
            resume(issue, D(last_year, 12, 30), by="x")
        assert ("date", issue.deadline) == (caught.value.field, caught.value.got)
