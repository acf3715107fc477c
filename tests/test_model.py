"""Example tests for the domain model: every validator and the words of every error."""

from __future__ import annotations

import copy
import datetime as dt
import pickle
from decimal import Decimal

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from projpush._convert import to_enum
from projpush.errors import (
    DuplicateKeyError,
    InvalidTransition,
    MoneyTypeError,
    ProjpushError,
    UnknownReferenceError,
    ValidationError,
)
from projpush.escalation import AccountabilityReason
from projpush.lights import Light
from projpush.metrics import GroupBy
from projpush.model import (
    ApprovalItem,
    Cadence,
    Contact,
    EventKind,
    Finding,
    FindingKind,
    FrozenMap,
    Issue,
    IssueState,
    Leader,
    Milestone,
    Month,
    Portfolio,
    Project,
    ProjectCode,
    Secretary,
    SheetColor,
    Stage,
    StageEvent,
    StageEventKind,
    TaskForce,
    Unit,
    integrity_report,
    money,
    replay,
    to_yi,
    yi,
)

CODE = "2020-330200-47-03-012345"
D = dt.date


def project(**changes: object) -> Project:
    """A valid city infrastructure project, with ``changes`` applied."""
    fields: dict[str, object] = {
        "code": CODE,
        "name": "机场快速路南延",
        "level": "city",
        "category": "infrastructure",
        "stage": "under_construction",
        "region": "海曙区",
        "unit": "市交通局",
    }
    fields.update(changes)
    return Project(**fields)  # type: ignore[arg-type]


def collected() -> Issue:
    on = D(2020, 9, 28)
    return Issue.collect("Q-1", CODE, category="land", title="林地调规", on=on, by="服务秘书 李军")


def assigned() -> Issue:
    return collected().step(
        EventKind.ASSIGNED,
        D(2020, 9, 29),
        "市重点办",
        tier="district",
        owner="中山区",
        deadline=D(2020, 10, 13),
    )


class TestProjectCode:
    """The national project code: five parts, each checked and named when bad."""

    def test_parse(self):
        """A well-formed code splits into its parts."""
        code = ProjectCode.parse(CODE)
        assert ("2020", "330200", "47", "03", "012345") == attrs.astuple(code)
        assert CODE == str(code)

    def test_full_width_and_spaces_are_folded(self):
        """Full-width digits and hyphens and surrounding spaces are normalised."""
        assert CODE == str(ProjectCode.parse(" ２０２０－３３０２００-47-03-012345\u3000"))

    def test_dashes_are_folded(self):
        """An em dash or en dash typed for the hyphen is accepted."""
        assert CODE == str(ProjectCode.parse("2020—330200–47-03-012345"))

    @pytest.mark.parametrize(
        ("text", "message"),
        [
            ("20-330200-47-03-012345", r"year part must be 4 digits, got '20'"),
            ("1989-330200-47-03-012345", r"year part must be from 1990 to 2200, got '1989'"),
            ("2020-33020-47-03-012345", r"division part must be 6 digits, got '33020'"),
            ("2020-330200-4-03-012345", r"sector part must be 2 digits, got '4'"),
            ("2020-330200-47-0A-012345", r"type part must be 2 digits, got '0A'"),
            ("2020-330200-47-03-01234", r"serial part must be 6 digits, got '01234'"),
        ],
    )
    def test_each_bad_part_is_named(self, text, message):
        """The message names the part, its width and the text it came in."""
        with pytest.raises(ValidationError, match=message) as info:
            ProjectCode.parse(text)
        assert text in str(info.value)

    def test_wrong_number_of_parts(self):
        """Four parts are reported as a count."""
        with pytest.raises(ValidationError, match=r"expected 5 parts .* got 4"):
            ProjectCode.parse("2020-330200-47-012345")

    def test_not_text(self):
        """A number is not a code."""
        with pytest.raises(ValidationError, match=r"code: expected a project code"):
            ProjectCode.parse(2020330200)

    def test_direct_construction_with_a_number(self):
        """Building a code from parts that are not text is a ValidationError, not TypeError."""
        with pytest.raises(ValidationError, match=r"year part must be 4 digits, got 2020"):
            ProjectCode(2020, "330200", "47", "03", "012345")  # type: ignore[arg-type]

    def test_project_without_code_uses_local_id(self):
        """A planned project has only a local id, which becomes its key."""
        p = project(code=None, local_id="NB-2021-007", stage="planned")
        assert "NB-2021-007" == p.key

    def test_project_code_field_is_parsed(self):
        """The code field takes text and keeps a ProjectCode."""
        assert ProjectCode.parse(CODE) == project(code=f" {CODE} ").code


class TestMoney:
    """Money is an exact Decimal in 万元; a float is refused with advice."""

    def test_money_accepts_text_int_and_decimal(self):
        """Commas and full-width digits are fine; the value is exact."""
        assert Decimal("1052.5") == money("1,052.5")
        assert Decimal(12) == money("１２")
        assert Decimal(7) == money(7)
        assert Decimal("479.33") == money(Decimal("479.33"))

    def test_float_is_refused_with_advice(self):
        """The message says to pass a Decimal or a string and shows how."""
        with pytest.raises(
            MoneyTypeError,
            match=r"amount: money must be exact; pass a Decimal or a string such as "
            r"Decimal\('479.33'\) instead of the float 479.33",
        ):
            money(479.33)  # type: ignore[arg-type]

    def test_float_in_a_field_names_the_field(self):
        """A float investment names the field it was given for."""
        with pytest.raises(MoneyTypeError, match=r"^total_investment: money must be exact"):
            project(total_investment=1.5)

    def test_money_type_error_is_a_type_error(self):
        """MoneyTypeError is also a TypeError and a ProjpushError."""
        with pytest.raises(TypeError):
            money(0.1)  # type: ignore[arg-type]
        assert issubclass(MoneyTypeError, ProjpushError)

    @pytest.mark.parametrize("value", ["NaN", "Infinity", Decimal("NaN"), Decimal("-Infinity")])
    def test_not_finite(self, value):
        """NaN and infinity are not amounts."""
        with pytest.raises(ValidationError, match=r"amount: expected a finite amount"):
            money(value)

    def test_not_a_number(self):
        """Text that is no number says what it expected."""
        with pytest.raises(ValidationError, match=r"amount: expected an amount in 万元 written in"):
            money("四百")

    @pytest.mark.parametrize("value", [True, None, [1]])
    def test_other_types(self, value):
        """A bool, None or a list is a MoneyTypeError naming the accepted types."""
        with pytest.raises(MoneyTypeError, match=r"expected a Decimal or a string amount in 万元"):
            money(value)

    def test_negative_investment(self):
        """An investment is never negative."""
        with pytest.raises(ValidationError, match=r"total_investment: expected an amount >= 0"):
            project(total_investment="-1")

    def test_negative_in_a_plan(self):
        """A negative monthly amount names the month."""
        with pytest.raises(
            ValidationError, match=r"monthly_plan\['2020-05'\]: expected an amount >= 0"
        ):
            project(monthly_plan={"2020-05": "-3"})

    def test_float_in_a_plan(self):
        """A float in an annual plan names the year and gives the advice."""
        with pytest.raises(MoneyTypeError, match=r"annual_plans\['2020'\]: money must be exact"):
            project(annual_plans={2020: 5.5})

    def test_yi_helpers(self):
        """1 亿元 = 10,000 万元, both ways, exactly (Binzhou's 479.33 亿元)."""
        assert Decimal(4793300) == yi("479.33")
        assert Decimal("479.33") == to_yi(yi("479.33"))
        assert Decimal(1052) == to_yi(Decimal(10520000))

    def test_yi_refuses_float(self):
        """The 亿元 helper refuses a float too."""
        with pytest.raises(MoneyTypeError, match=r"pass a Decimal or a string"):
            yi(1017.0)  # type: ignore[arg-type]


class TestMonth:
    """Month parsing, arithmetic across years, and month ends."""

    def test_parse_and_str(self):
        """YYYY-MM, with one-digit or full-width months."""
        assert Month(2020, 5) == Month.parse("2020-5")
        assert Month(2020, 5) == Month.parse("２０２０－０５")
        assert "2020-05" == str(Month(2020, 5))

    def test_december_plus_one_is_january(self):
        """Adding a month to December rolls the year."""
        assert Month(2021, 1) == Month(2020, 12) + 1

    def test_january_minus_one_is_december(self):
        """Subtracting a month from January goes back a year."""
        assert Month(2019, 12) == Month(2020, 1) - 1

    def test_difference_counts_months(self):
        """Month minus month is a whole number of months."""
        assert 13 == Month(2021, 2) - Month(2020, 1)
        assert -1 == Month(2020, 1) - Month(2020, 2)

    @pytest.mark.parametrize(
        ("month", "last"),
        [
            (Month(2020, 2), D(2020, 2, 29)),
            (Month(2021, 2), D(2021, 2, 28)),
            (Month(2020, 4), D(2020, 4, 30)),
            (Month(2020, 12), D(2020, 12, 31)),
            (Month(2020, 1), D(2020, 1, 31)),
        ],
    )
    def test_last_day(self, month, last):
        """Month ends: leap February, 30-day months, December."""
        assert last == month.last_day

    def test_first_day_and_of(self):
        """The first day, and the month a date falls in."""
        assert D(2020, 5, 1) == Month(2020, 5).first_day
        assert Month(2020, 5) == Month.of(D(2020, 5, 31))

    def test_ordering(self):
        """Months sort in time order across years."""
        assert [Month(2019, 12), Month(2020, 1), Month(2020, 11)] == sorted(
            [Month(2020, 11), Month(2020, 1), Month(2019, 12)]
        )

    @pytest.mark.parametrize("text", ["2020-13", "2020-00", "2020/05", "May 2020", ""])
    def test_bad_text(self, text):
        """Bad months say what format they expected."""
        with pytest.raises(ValidationError, match=r"month: expected a month YYYY-MM"):
            Month.parse(text)

    def test_bad_fields(self):
        """The constructor checks each field's range and type."""
        with pytest.raises(ValidationError, match=r"month: expected a whole number from 1 to 12"):
            Month(2020, 13)
        with pytest.raises(ValidationError, match=r"year: expected a whole number from 1900"):
            Month("2020", 1)  # type: ignore[arg-type]


class TestMilestone:
    """Node tasks: dates in order, percent in range and consistent with completion."""

    def test_valid(self):
        """A milestone with a window and a percent complete."""
        m = Milestone("土地摘牌", "2020-06-30", start="2020-03-01", percent="40")  # type: ignore[arg-type]
        assert (D(2020, 6, 30), D(2020, 3, 1), Decimal(40)) == (m.planned, m.start, m.percent)

    def test_planned_before_start(self):
        """The planned date may not come before the start."""
        with pytest.raises(
            ValidationError,
            match=r"milestone '桩基': planned 2020-02-01 is before start 2020-03-01",
        ) as info:
            Milestone("桩基", D(2020, 2, 1), start=D(2020, 3, 1))
        assert "planned" == info.value.field

    def test_done_before_start(self):
        """A milestone cannot be done before it started."""
        with pytest.raises(
            ValidationError, match=r"milestone '桩基': done 2020-02-01 is before start 2020-03-01"
        ) as info:
            Milestone("桩基", D(2020, 6, 1), start=D(2020, 3, 1), done=D(2020, 2, 1))
        assert "done" == info.value.field

    @pytest.mark.parametrize("percent", ["-1", "100.1", "250"])
    def test_percent_range(self, percent):
        """Percent complete is 0–100."""
        with pytest.raises(ValidationError, match=r"percent: expected a percentage from 0 to 100"):
            Milestone("桩基", D(2020, 6, 1), percent=percent)  # type: ignore[arg-type]

    def test_percent_with_done(self):
        """A completed milestone is 100 % or has no percent."""
        with pytest.raises(
            ValidationError,
            match=r"milestone '桩基': done on 2020-05-01 but percent is 60, not 100",
        ):
            Milestone("桩基", D(2020, 6, 1), done=D(2020, 5, 1), percent=Decimal(60))
        done = Milestone("桩基", D(2020, 6, 1), done=D(2020, 5, 1), percent=Decimal(100))
        assert done.is_done(D(2020, 5, 1))

    def test_is_done_knows_only_the_past(self):
        """A completion after ``as_of`` is not known yet."""
        m = Milestone("桩基", D(2020, 6, 1), done=D(2020, 6, 5))
        assert (False, True) == (m.is_done(D(2020, 6, 4)), m.is_done(D(2020, 6, 5)))

    def test_bad_date(self):
        """A date that does not exist names the field and the value."""
        with pytest.raises(
            ValidationError, match=r"planned: expected an ISO date YYYY-MM-DD, got '2020-02-30'"
        ):
            Milestone("桩基", "2020-02-30")  # type: ignore[arg-type]

    def test_datetime_is_not_a_date(self):
        """A datetime is refused, so times of day never slip into date rules."""
        with pytest.raises(ValidationError, match=r"planned: expected a date \(not a datetime\)"):
            Milestone("桩基", dt.datetime(2020, 6, 1, 12, 0))  # noqa: DTZ001

    def test_evolve_revalidates(self):
        """Evolving a valid milestone into an invalid one fails."""
        m = Milestone("桩基", D(2020, 6, 1), start=D(2020, 3, 1))
        with pytest.raises(ValidationError, match=r"planned 2020-01-01 is before start"):
            attrs.evolve(m, planned=D(2020, 1, 1))


class TestApprovalItem:
    """Approval items: granted after applied; readiness of a project."""

    def test_granted_before_applied(self):
        """A grant cannot precede its application."""
        with pytest.raises(
            ValidationError,
            match=r"approvalitem '环评': granted 2020-01-01 is before applied 2020-02-01",
        ):
            ApprovalItem("环评", applied=D(2020, 2, 1), granted=D(2020, 1, 1))

    def test_ready_to_start(self):
        """A project is ready when every required item is granted by the date."""
        p = project(
            stage="reserved",
            approvals=(
                ApprovalItem("环评", kind="environmental", granted=D(2020, 3, 1)),
                ApprovalItem("施工许可", kind="construction_permit", granted=D(2020, 4, 1)),
                ApprovalItem("节能审查", required=False),
            ),
        )
        assert (False, True, True) == (
            p.ready_to_start(D(2020, 3, 31)),
            p.ready_to_start(D(2020, 4, 1)),
            p.ready_to_start(),
        )
        assert ("施工许可",) == tuple(a.name for a in p.outstanding_approvals(D(2020, 3, 31)))


class TestProject:
    """Projects: identity, unique milestones, stage history consistent with the stage."""

    def test_needs_code_or_local_id(self):
        """A project with neither a code nor a local id is refused."""
        with pytest.raises(
            ValidationError,
            match=r"project '机场快速路南延': needs a national code or a local_id, got neither",
        ):
            project(code=None)

    def test_duplicate_milestone_names(self):
        """Two milestones of one project may not share a name."""
        twice = (Milestone("桩基", D(2020, 6, 1)), Milestone("桩基", D(2020, 7, 1)))
        with pytest.raises(
            DuplicateKeyError,
            match=rf"{CODE}: milestones must have unique names, got '桩基' 2 times",
        ):
            project(milestones=twice)

    def test_duplicate_approval_names(self):
        """Approval items are unique by name too."""
        with pytest.raises(DuplicateKeyError, match=r"approvals must have unique names"):
            project(approvals=(ApprovalItem("环评"), ApprovalItem("环评")))

    def test_stage_events_out_of_order(self):
        """Stage events go forward in time."""
        events = (
            StageEvent("started", D(2020, 3, 1)),  # type: ignore[arg-type]
            StageEvent("suspended", D(2020, 2, 1)),  # type: ignore[arg-type]
        )
        with pytest.raises(
            ValidationError,
            match=r"stage_events\[1\] on 2020-02-01 is before the previous event on 2020-03-01",
        ):
            project(stage="suspended", stage_events=events)

    def test_first_event_must_be_a_start(self):
        """A history cannot begin with a resumption."""
        with pytest.raises(
            InvalidTransition,
            match=r"stage_events\[0\]: expected one of \['started'\] after no event, got 'resumed'",
        ):
            project(stage_events=(StageEvent("resumed", D(2020, 3, 1)),))  # type: ignore[arg-type]

    def test_resume_without_suspension(self):
        """Resuming a project that was never suspended is illegal."""
        events = (
            StageEvent("started", D(2020, 3, 1)),  # type: ignore[arg-type]
            StageEvent("resumed", D(2020, 4, 1)),  # type: ignore[arg-type]
        )
        with pytest.raises(
            InvalidTransition, match=r"stage_events\[1\].*after started, got 'resumed'"
        ):
            project(stage_events=events)

    def test_nothing_after_completion(self):
        """A completed project takes no further stage events."""
        events = (
            StageEvent("started", D(2020, 3, 1)),  # type: ignore[arg-type]
            StageEvent("completed", D(2021, 3, 1)),  # type: ignore[arg-type]
            StageEvent("suspended", D(2021, 4, 1)),  # type: ignore[arg-type]
        )
        with pytest.raises(InvalidTransition, match=r"expected one of \[\] after completed"):
            project(stage="suspended", stage_events=events)

    def test_stage_must_match_history(self):
        """The current stage is where the last event leads."""
        with pytest.raises(
            ValidationError,
            match=r"stage is 'completed' but the last stage event \(started on 2020-03-01\) "
            r"leads to 'under_construction'",
        ):
            project(stage="completed", stage_events=(StageEvent("started", D(2020, 3, 1)),))  # type: ignore[arg-type]

    def test_stage_at(self):
        """Stage on a date: reserved before the start, then as the events say (Ningde 复工)."""
        p = project(
            stage="under_construction",
            stage_events=(
                StageEvent(StageEventKind.STARTED, D(2019, 10, 8)),
                StageEvent(StageEventKind.SUSPENDED, D(2020, 1, 24)),
                StageEvent(StageEventKind.RESUMED, D(2020, 2, 20)),
            ),
        )
        assert [
            Stage.RESERVED,
            Stage.UNDER_CONSTRUCTION,
            Stage.SUSPENDED,
            Stage.UNDER_CONSTRUCTION,
        ] == [p.stage_at(d) for d in (D(2019, 1, 1), D(2019, 10, 8), D(2020, 2, 1), D(2020, 2, 20))]

    def test_stage_at_without_events(self):
        """With no history, the stage is the stage now."""
        assert Stage.PLANNED == project(stage="planned").stage_at(D(2020, 1, 1))

    def test_is_new_in(self):
        """New (新开工) in the year it started; continuing (续建) after."""
        p = project(stage_events=(StageEvent(StageEventKind.STARTED, D(2019, 10, 8)),))
        assert (True, False) == (p.is_new_in(2019), p.is_new_in(2020))
        assert not project().is_new_in(2020)

    def test_started_and_completed_on(self):
        """The dates of 开工 and 竣工 come from the history."""
        p = project(
            stage="completed",
            stage_events=(
                StageEvent(StageEventKind.STARTED, D(2019, 10, 8)),
                StageEvent(StageEventKind.COMPLETED, D(2021, 6, 30)),
            ),
        )
        assert (D(2019, 10, 8), D(2021, 6, 30)) == (p.started_on, p.completed_on)

    def test_enum_by_value_name_or_chinese(self):
        """Enums take their value, their name or their Chinese label."""
        assert (Stage.UNDER_CONSTRUCTION,) * 3 == (
            project(stage="under_construction").stage,
            project(stage="UNDER_CONSTRUCTION").stage,
            project(stage="在建").stage,
        )

    def test_bad_enum(self):
        """A bad enum value lists the allowed ones."""
        expected = r"level: expected one of province \(省级\), city \(市级\)"
        with pytest.raises(ValidationError, match=expected):
            project(level="national")

    def test_annual_plan(self):
        """Annual plans keyed by year; years given as text are accepted."""
        p = project(annual_plans={"2020": "5000"})
        assert (Decimal(5000), None) == (p.annual_plan(2020), p.annual_plan(2021))


class TestPeople:
    """Leaders, secretaries, units and task forces."""

    def test_leader_projects_must_be_a_list(self):
        """A bare string is not a list of projects."""
        with pytest.raises(
            ValidationError, match=r"projects: expected a list of project keys, got 'L-1'"
        ):
            Leader("张", "city", projects="L-1")  # type: ignore[arg-type]

    def test_secretary_cadence_for_unserved_project(self):
        """A cadence for a project the secretary does not serve is refused."""
        with pytest.raises(
            UnknownReferenceError,
            match=r"secretary '李军': cadence given for 'L-2', which they do not serve",
        ):
            Secretary("李军", "市发改委", projects=("L-1",), cadences={"L-2": "daily"})

    def test_secretary_contact_with_unserved_project(self):
        """A contact logged for a project not served is refused, naming the contact."""
        with pytest.raises(
            UnknownReferenceError,
            match=r"secretary '李军': contacts\[0\] names 'L-2', which they do not serve",
        ) as info:
            Secretary(
                "李军", "市发改委", projects=("L-1",), contacts=(Contact("L-2", D(2020, 5, 1)),)
            )
        assert "contacts[0].project" == info.value.field

    def test_secretary_cadence_and_last_contact(self):
        """Per-project cadence overrides the default; the last contact is as of a date."""
        s = Secretary(
            "李军",
            "市发改委",
            projects=("L-1", "L-2"),
            cadences={"L-1": "daily"},
            contacts=(Contact("L-1", D(2020, 5, 1)), Contact("L-1", D(2020, 5, 3))),
        )
        assert (Cadence.DAILY, Cadence.WEEKLY) == (s.cadence_for("L-1"), s.cadence_for("L-2"))
        assert (D(2020, 5, 1), None) == (
            s.last_contact("L-1", D(2020, 5, 2)),
            s.last_contact("L-2", D(2020, 5, 9)),
        )
        assert (1, 7, 31) == tuple(c.days for c in Cadence)

    def test_bad_cadence(self):
        """An unknown cadence names the project it was given for."""
        expected = r"cadences\['L-1'\]: expected one of daily \(每天\)"
        with pytest.raises(ValidationError, match=expected):
            Secretary("李军", "市发改委", projects=("L-1",), cadences={"L-1": "hourly"})


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Leader(5, "city"), "name"),  # type: ignore[arg-type]
        (lambda: Unit(None), "name"),  # type: ignore[arg-type]
        (lambda: Unit("  "), "name"),
        (lambda: TaskForce("专班", members=[1]), "members[0]"),  # type: ignore[list-item]
        (lambda: Secretary("李军", 5), "unit"),  # type: ignore[arg-type]
        (lambda: Secretary("李军", "委", cadences=["L-1"]), "cadences"),  # type: ignore[arg-type]
        (lambda: Contact("L-1", 20200501), "on"),  # type: ignore[arg-type]
        (lambda: Milestone("桩基", D(2020, 1, 1), unit=3), "unit"),  # type: ignore[arg-type]
        (lambda: ApprovalItem("环评", required="yes"), "required"),  # type: ignore[arg-type]
        (lambda: project(milestones=["桩基"]), "milestones[0]"),
        (lambda: project(annual_plans=[2020]), "annual_plans"),
        (lambda: project(annual_plans={"二〇二〇": "1"}), "annual_plans['二〇二〇']"),
        (lambda: project(code=12345), "code"),
        (lambda: Issue("Q", CODE, "land", "t", events=None), "events"),  # type: ignore[arg-type]
        (lambda: Portfolio(projects=[5]), "projects[0]"),  # type: ignore[list-item]
        (lambda: Month(2020.0, 5), "year"),  # type: ignore[arg-type]
        (lambda: ProjectCode.parse(None), "code"),
    ],
)
def test_bad_types_raise_projpush_errors(build, field):
    """Wrong types are ValidationErrors naming the field, never bare TypeError/KeyError."""
    with pytest.raises(ProjpushError) as info:
        build()
    assert field == info.value.field
    assert str(info.value).startswith(field)


class TestIssue:
    """The closed loop: legal steps only, time forward, sheets never improve."""

    def test_collect_and_assign(self):
        """Collected, then assigned with tier, owner and deadline (the 2020-10-13 example)."""
        issue = assigned()
        assert (IssueState.ASSIGNED, "district", "中山区", D(2020, 10, 13)) == (
            issue.state,
            issue.tier,
            issue.owner,
            issue.deadline,
        )
        assert (D(2020, 9, 28), "服务秘书 李军") == (issue.raised_on, issue.raised_by)

    def test_step_takes_the_kind_as_text(self):
        """A step named by its value is the same step."""
        issue = collected().step("assigned", D(2020, 9, 29), "办", tier="district", owner="中山区")  # type: ignore[arg-type]
        assert IssueState.ASSIGNED == issue.state

    def test_step_with_an_unknown_kind(self):
        """An unknown step is a ValidationError listing the kinds."""
        with pytest.raises(ValidationError, match=r"kind: expected one of collected \(收集\)"):
            collected().step("approve", D(2020, 9, 29), "办")  # type: ignore[arg-type]

    def test_close_never_assigned(self):
        """Closing a collected issue names the state, the step and the allowed steps."""
        with pytest.raises(
            InvalidTransition,
            match=r"cannot close an issue that is collected; "
            r"allowed steps: assigned, escalated, note",
        ) as info:
            collected().step(EventKind.CLOSED, D(2020, 9, 29), "办")
        assert "closed" == info.value.got

    def test_resolve_a_closed_issue(self):
        """A closed issue cannot be resolved again."""
        issue = (
            assigned()
            .step(EventKind.RESOLVED, D(2020, 10, 9), "中山区")
            .step(EventKind.CLOSED, D(2020, 10, 10), "市重点办")
        )
        with pytest.raises(InvalidTransition, match=r"cannot resolve an issue that is closed"):
            issue.step(EventKind.RESOLVED, D(2020, 10, 11), "中山区")

    def test_collect_twice(self):
        """Only the first event is a collection."""
        with pytest.raises(InvalidTransition, match=r"collected \(only the first event\)"):
            collected().step(EventKind.COLLECTED, D(2020, 9, 29), "办")

    def test_history_must_start_with_collection(self):
        """An issue's first event is its collection."""
        first = assigned().events[1]
        with pytest.raises(InvalidTransition, match=r"events\[0\].kind: expected 'collected'"):
            Issue("Q-1", CODE, "land", "t", events=(first,))  # type: ignore[arg-type]

    def test_empty_history(self):
        """An issue with no events does not exist."""
        with pytest.raises(
            ValidationError, match=r"events: expected at least the 'collected' event"
        ):
            Issue("Q-1", CODE, "land", "t", events=())  # type: ignore[arg-type]

    def test_time_going_backwards(self):
        """An event dated before the previous one is refused."""
        with pytest.raises(
            InvalidTransition,
            match=r"events\[2\]: started on 2020-09-28 is before the previous event on 2020-09-29; "
            r"time never goes backwards",
        ):
            assigned().step(EventKind.STARTED, D(2020, 9, 28), "中山区")

    def test_missing_payload(self):
        """An assignment without a tier is refused, naming the payload field."""
        with pytest.raises(
            ValidationError, match=r"events\[1\].tier: expected a value for a assigned event"
        ):
            collected().step(EventKind.ASSIGNED, D(2020, 9, 29), "办", owner="中山区")

    def test_sheet_never_improves_while_open(self):
        """After a red sheet, a yellow one is refused."""
        issue = assigned().step(EventKind.SHEET_ISSUED, D(2020, 10, 14), "督查组", sheet="red")
        assert SheetColor.RED == issue.sheet
        with pytest.raises(
            InvalidTransition,
            match=r"events\[3\]: a yellow sheet after a red one; a sheet never improves",
        ):
            issue.step(EventKind.SHEET_ISSUED, D(2020, 10, 15), "督查组", sheet="yellow")

    def test_pause_and_resume_return_to_prior_state(self):
        """A paused clock resumes in the state it left, with the party recorded then cleared."""
        working = assigned().step(EventKind.STARTED, D(2020, 9, 30), "中山区")
        paused = working.step(EventKind.PAUSED, D(2020, 10, 9), "中山区", party="省自然资源厅")
        assert (IssueState.PAUSED, "省自然资源厅") == (paused.state, paused.status.party)
        resumed = paused.step(EventKind.RESUMED, D(2020, 10, 20), "中山区")
        assert (IssueState.IN_PROGRESS, None) == (resumed.state, resumed.status.party)
        escalated = assigned().step(
            EventKind.ESCALATED, D(2020, 10, 1), "市", tier="city", owner="市政府"
        )
        back = escalated.step(EventKind.PAUSED, D(2020, 10, 2), "市", party="省厅").step(
            EventKind.RESUMED, D(2020, 10, 3), "市"
        )
        assert (IssueState.ESCALATED, 1) == (back.state, back.status.escalations)

    def test_resolve_from_paused_is_illegal(self):
        """A paused issue must resume before it is resolved."""
        paused = assigned().step(EventKind.PAUSED, D(2020, 10, 9), "中山区", party="省厅")
        with pytest.raises(InvalidTransition, match=r"cannot resolve an issue that is paused"):
            paused.step(EventKind.RESOLVED, D(2020, 10, 10), "中山区")

    def test_rejected_goes_back_to_work(self):
        """A resolution that fails verification sends the issue back in progress."""
        issue = assigned().step(EventKind.RESOLVED, D(2020, 10, 9), "中山区")
        assert IssueState.IN_PROGRESS == issue.step(EventKind.REJECTED, D(2020, 10, 10), "市").state

    def test_closed_on(self):
        """closed_on is the 销号 date, None while open."""
        resolved = assigned().step(EventKind.RESOLVED, D(2020, 10, 9), "中山区")
        closed = resolved.step(EventKind.CLOSED, D(2020, 10, 12), "市重点办")
        assert (None, True) == (resolved.closed_on, resolved.is_open)
        assert (D(2020, 10, 12), False) == (closed.closed_on, closed.is_open)

    def test_state_mismatch_in_a_stored_event(self):
        """A stored event whose states disagree with the replay is refused."""
        event = attrs.evolve(assigned().events[1], to_state=IssueState.IN_PROGRESS)
        with pytest.raises(
            InvalidTransition,
            match=r"events\[1\] states: expected collected -> assigned for assigned",
        ):
            Issue("Q-1", CODE, "land", "t", events=(collected().events[0], event))  # type: ignore[arg-type]

    def test_replay_matches_status(self):
        """The status is the replay of the events."""
        issue = assigned().step(EventKind.STARTED, D(2020, 9, 30), "中山区")
        assert replay(issue.events) == issue.status


def portfolio(**changes: object) -> Portfolio:
    p1 = project()
    p2 = project(code=None, local_id="NB-7", name="港口扩建", region="北仑区", unit="市港航局")
    fields: dict[str, object] = {
        "projects": (p1, p2),
        "leaders": (Leader("张副市长", "city", "总指挥", (CODE, "NB-7")),),
        "secretaries": (
            Secretary("李军", "市发改委", (CODE,)),
            Secretary("王芳", "北仑区", ("NB-7",)),
        ),
        "issues": (assigned(),),
        "units": (Unit("市交通局"), Unit("市港航局")),
        "task_forces": (TaskForce("交通专班", projects=(CODE,)),),
    }
    fields.update(changes)
    return Portfolio(**fields)  # type: ignore[arg-type]


class TestPortfolio:
    """The ledger: unique keys, references that resolve, look-ups."""

    def test_duplicate_codes(self):
        """Two projects with one code are refused, naming the position."""
        with pytest.raises(DuplicateKeyError, match=rf"projects\[1\]: duplicate key '{CODE}'"):
            Portfolio(projects=(project(), project(name="另一个")))

    def test_duplicate_local_ids(self):
        """Local ids are unique too, even on projects that also have a code."""
        with pytest.raises(DuplicateKeyError, match=r"projects\[1\]: duplicate key 'NB-7'"):
            Portfolio(projects=(project(local_id="NB-7"), project(code=None, local_id="NB-7")))

    @pytest.mark.parametrize(
        ("change", "message", "field"),
        [
            (
                {"leaders": (Leader("张", "city", projects=("X",)),)},
                r"leader '张'.projects\[0\]: refers to unknown project 'X'",
                "leaders[0].projects[0]",
            ),
            (
                {"secretaries": (Secretary("李军", "委", ("NB-7", "X")),)},
                r"secretary '李军'.projects\[1\]: refers to unknown project 'X'",
                "secretaries[0].projects[1]",
            ),
            (
                {"task_forces": (TaskForce("专班", projects=("X",)),)},
                r"task force '专班'.projects\[0\]: refers to unknown project 'X'",
                "task_forces[0].projects[0]",
            ),
            (
                {"issues": (attrs.evolve(assigned(), project="X"),)},
                r"issues\[0\] \(Q-1\): refers to unknown project 'X'",
                "issues[0].project",
            ),
        ],
    )
    def test_unknown_references(self, change, message, field):
        """Every reference to a project must resolve; the error names where it is."""
        with pytest.raises(UnknownReferenceError, match=message) as info:
            portfolio(**change)
        assert field == info.value.field

    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"issues": (assigned(), assigned())}, r"issues\[1\]: duplicate key 'Q-1'"),
            ({"leaders": (Leader("张", "city"), Leader("张", "town"))}, r"leaders\[1\]"),
            ({"units": (Unit("局"), Unit("局"))}, r"units\[1\]: duplicate key '局'"),
            (
                {"secretaries": (Secretary("李", "委"), Secretary("李", "委"))},
                r"secretaries\[1\]",
            ),
            ({"task_forces": (TaskForce("专班"), TaskForce("专班"))}, r"task_forces\[1\]"),
        ],
    )
    def test_duplicate_names(self, change, message):
        """Issues, leaders, secretaries, units and task forces have unique keys."""
        with pytest.raises(DuplicateKeyError, match=message):
            portfolio(**change)

    def test_with_issues_equals_evolve(self):
        """Replacing the problem list keeps the people's indexes and rebuilds the issues'."""
        base = portfolio()
        later = attrs.evolve(assigned(), id="Q-2", project="NB-7")
        replaced = base.with_issues([assigned(), later])
        assert attrs.evolve(base, issues=(assigned(), later)) == replaced
        assert ((later,), base.by_leader("张副市长")) == (
            replaced.issues_of("NB-7"),
            replaced.by_leader("张副市长"),
        )
        assert later is replaced.issue("Q-2")

    @pytest.mark.parametrize(
        ("issues", "error", "message"),
        [
            ([assigned(), assigned()], DuplicateKeyError, r"issues\[1\]: duplicate key 'Q-1'"),
            (
                [attrs.evolve(assigned(), project="X")],
                UnknownReferenceError,
                r"issues\[0\] \(Q-1\): refers to unknown project 'X'",
            ),
            (["Q-1"], ValidationError, r"issues\[0\]: expected Issue, got 'Q-1'"),
        ],
    )
    def test_with_issues_checks(self, issues, error, message):
        """The new problem list is checked as construction checks it."""
        with pytest.raises(error, match=message):
            portfolio().with_issues(issues)

    def test_look_ups(self):
        """Projects by key (code text, code, full-width code, local id), unit, region, people."""
        pf = portfolio()
        p1, p2 = pf.projects
        assert p1 is pf.project(CODE)
        assert p1 is pf.project(ProjectCode.parse(CODE))
        assert p1 is pf.project("２０２０-330200-47-03-012345")
        assert p2 is pf.project("NB-7")
        assert ((p1,), (p2,), ()) == (
            pf.by_unit("市交通局"),
            pf.by_region("北仑区"),
            pf.by_unit("无"),
        )
        assert (p1, p2) == pf.by_leader("张副市长")
        assert ((p2,), ()) == (pf.by_secretary("王芳"), pf.by_secretary("无"))
        assert ("张副市长",) == tuple(ld.name for ld in pf.leaders_of("NB-7"))
        assert ("李军",) == tuple(s.name for s in pf.secretaries_of(CODE))
        assert (pf.issues, ()) == (pf.issues_of(CODE), pf.issues_of("NB-7"))
        assert pf.issues[0] is pf.issue("Q-1")

    def test_unknown_project(self):
        """An unknown key is an UnknownReferenceError (also a LookupError)."""
        with pytest.raises(UnknownReferenceError, match=r"no project with code or local id 'X'"):
            portfolio().project("X")
        with pytest.raises(LookupError):
            portfolio().project("2021-330200-47-03-012345")

    def test_unknown_issue(self):
        """An unknown issue id names the id."""
        with pytest.raises(UnknownReferenceError, match=r"no issue with id 'Q-9'"):
            portfolio().issue("Q-9")

    def test_evolve_revalidates(self):
        """Evolving a portfolio re-checks its references."""
        with pytest.raises(UnknownReferenceError):
            attrs.evolve(portfolio(), projects=(project(),))


class TestIntegrityReport:
    """Soft gaps, one finding each, with the project (or person) they are about."""

    def kinds(self, pf: Portfolio, **kwargs: object) -> list[tuple[str, str]]:
        return [(f.kind.value, f.subject) for f in integrity_report(pf, D(2020, 5, 31), **kwargs)]  # type: ignore[arg-type]

    def test_sound_ledger(self):
        """A portfolio with leaders, one secretary each and known units has no findings."""
        assert [] == self.kinds(portfolio())

    def test_no_leader_and_no_secretary(self):
        """A project with nobody guaranteeing or serving it is reported twice."""
        pf = portfolio(leaders=(), secretaries=(Secretary("李军", "委", (CODE,)),))
        assert [("no_leader", CODE), ("no_leader", "NB-7"), ("no_secretary", "NB-7")] == self.kinds(
            pf
        )

    def test_several_secretaries(self):
        """Every key project has exactly one secretary."""
        pf = portfolio(
            secretaries=(
                Secretary("李军", "委", (CODE, "NB-7")),
                Secretary("王芳", "区", ("NB-7",)),
            )
        )
        findings = integrity_report(pf, D(2020, 5, 31))
        assert [(FindingKind.SEVERAL_SECRETARIES, "NB-7")] == [
            (f.kind, f.subject) for f in findings
        ]
        assert "served by 李军, 王芳" in findings[0].detail

    def test_secretary_cap(self):
        """A secretary over the cap is reported by name; the cap is a parameter."""
        pf = portfolio(secretaries=(Secretary("李军", "委", (CODE, "NB-7")),))
        assert [] == self.kinds(pf)
        assert [("secretary_overloaded", "李军")] == self.kinds(pf, secretary_cap=1)
        finding = integrity_report(pf, D(2020, 5, 31), secretary_cap=1)[0]
        assert "serves 2 projects, more than the cap of 1" == finding.detail

    def test_milestone_overdue(self):
        """A milestone planned before as_of and not done by then is overdue."""
        p = project(
            milestones=(
                Milestone("桩基", D(2020, 5, 1)),
                Milestone("主体", D(2020, 5, 1), done=D(2020, 6, 2)),
                Milestone("验收", D(2020, 5, 31)),
                Milestone("土地", D(2020, 4, 1), done=D(2020, 4, 30)),
            )
        )
        pf = portfolio(projects=(p, portfolio().projects[1]))
        findings = [
            f
            for f in integrity_report(pf, D(2020, 5, 31))
            if f.kind is FindingKind.MILESTONE_OVERDUE
        ]
        assert [
            "桩基: planned 2020-05-01, not completed by 2020-05-31",
            "主体: planned 2020-05-01, not completed by 2020-05-31",
        ] == [f.detail for f in findings]

    def test_unknown_unit(self):
        """A unit missing from the directory is reported when there is a directory."""
        pf = portfolio(units=(Unit("市交通局"),))
        assert [("unknown_unit", "NB-7")] == self.kinds(pf)
        assert [] == self.kinds(portfolio(units=()))

    def test_monthly_plan_exceeds_annual(self):
        """Monthly plans summing to more than the year's plan are reported with figures."""
        p = project(
            annual_plans={2020: "100"},
            monthly_plan={"2020-01": "60", "2020-02": "50", "2021-01": "99"},
        )
        pf = portfolio(projects=(p, portfolio().projects[1]))
        findings = integrity_report(pf, D(2020, 5, 31))
        assert ["2020: monthly plans sum to 110 万元, annual plan is 100 万元"] == [
            f.detail for f in findings if f.kind is FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL
        ]

    def test_monthly_plan_of_one_year(self):
        """A plan within one year is summed whole; a year planned without months never exceeds."""
        p = project(
            annual_plans={2020: "100.5", 2021: "0"},
            monthly_plan={"2020-03": "40.25", "2020-01": "30.25", "2020-12": "30.01"},
        )
        pf = portfolio(projects=(p, portfolio().projects[1]))
        findings = integrity_report(pf, D(2020, 5, 31))
        assert ["2020: monthly plans sum to 100.51 万元, annual plan is 100.5 万元"] == [
            f.detail for f in findings if f.kind is FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL
        ]


def every_gap() -> Portfolio:
    """A ledger with one finding of every kind (under a secretary cap of 1)."""
    first = project(
        milestones=(Milestone("桩基工程完成", D(2020, 4, 30)),),
        annual_plans={2020: "100"},
        monthly_plan={"2020-01": "60.5", "2020-02": "50"},
    )
    second = project(code=None, local_id="NB-7", name="港口扩建", unit="市港航局")
    third = project(code=None, local_id="NB-8", name="物流园", unit="市港航局")
    return Portfolio(
        projects=(first, second, third),
        leaders=(Leader("张副市长", "city", "总指挥", ("NB-7", "NB-8")),),
        secretaries=(Secretary("李军", "委", (CODE, "NB-7")), Secretary("王芳", "区", ("NB-7",))),
        units=(Unit("市港航局"),),
    )


class TestFindingText:
    """A finding keeps its facts and reads in either language; its English is ``detail``."""

    def findings(self) -> tuple[Finding, ...]:
        return integrity_report(every_gap(), D(2020, 5, 31), secretary_cap=1)

    def test_every_kind_in_both_languages(self):
        expected = [
            (
                FindingKind.NO_LEADER,
                CODE,
                "机场快速路南延：无包保领导",
                "机场快速路南延: no guarantor leader",
            ),
            (
                FindingKind.MILESTONE_OVERDUE,
                CODE,
                "桩基工程完成：计划2020-04-30完成，截至2020-05-31未完成",
                "桩基工程完成: planned 2020-04-30, not completed by 2020-05-31",
            ),
            (
                FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL,
                CODE,
                "2020年月度计划合计110.5万元，超过年度计划100万元",
                "2020: monthly plans sum to 110.5 万元, annual plan is 100 万元",
            ),
            (
                FindingKind.UNKNOWN_UNIT,
                CODE,
                "机场快速路南延：责任单位“市交通局”不在单位名录中",
                "机场快速路南延: unit '市交通局' is not in the unit directory",
            ),
            (
                FindingKind.SEVERAL_SECRETARIES,
                "NB-7",
                "港口扩建：配备多名服务秘书（李军、王芳）",
                "港口扩建: served by 李军, 王芳",
            ),
            (
                FindingKind.NO_SECRETARY,
                "NB-8",
                "物流园：无服务秘书",
                "物流园: no service secretary",
            ),
            (
                FindingKind.SECRETARY_OVERLOADED,
                "李军",
                "服务2个项目，超过上限1个",
                "serves 2 projects, more than the cap of 1",
            ),
        ]
        found = self.findings()
        assert expected == [(f.kind, f.subject, f.text("zh"), f.text("en")) for f in found]
        assert {f.kind for f in found} == set(FindingKind)
        assert all(f.text("en") == f.detail for f in found)
        assert all(f.text() == f.text("zh") for f in found)

    def test_facts(self):
        """The facts are the ledger's values, amounts as exact Decimal sums."""
        facts = {f.kind: dict(f.facts) for f in self.findings()}
        assert facts == {
            FindingKind.NO_LEADER: {"project": "机场快速路南延"},
            FindingKind.MILESTONE_OVERDUE: {
                "project": "机场快速路南延",
                "milestone": "桩基工程完成",
                "planned": D(2020, 4, 30),
                "as_of": D(2020, 5, 31),
            },
            FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL: {
                "project": "机场快速路南延",
                "year": 2020,
                "monthly_plan": Decimal("110.5"),
                "annual_plan": Decimal(100),
            },
            FindingKind.UNKNOWN_UNIT: {"project": "机场快速路南延", "unit": "市交通局"},
            FindingKind.SEVERAL_SECRETARIES: {
                "project": "港口扩建",
                "secretaries": ("李军", "王芳"),
            },
            FindingKind.NO_SECRETARY: {"project": "物流园"},
            FindingKind.SECRETARY_OVERLOADED: {"projects": 2, "cap": 1},
        }
        monthly = facts[FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL]["monthly_plan"]
        assert type(monthly) is Decimal

    def test_value_object(self):
        """Findings with facts stay hashable, picklable values."""
        found = self.findings()
        assert found == pickle.loads(pickle.dumps(found))  # noqa: S301 (our own bytes)
        assert len(set(found)) == len(found)

    def test_made_from_facts(self):
        made = Finding.of(FindingKind.UNKNOWN_UNIT, "NB-7", project="港口扩建", unit="市'局")
        assert made.detail == """港口扩建: unit "市'局" is not in the unit directory"""
        assert made.text("zh") == "港口扩建：责任单位“市'局”不在单位名录中"
        assert made == Finding(
            made.kind, "NB-7", made.detail, {"project": "港口扩建", "unit": "市'局"}
        )  # type: ignore[arg-type]

    def test_chinese_amounts_without_an_exponent(self):
        tiny = Finding.of(
            FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL,
            "NB-7",
            project="港口扩建",
            year=2020,
            monthly_plan=Decimal("1.0E-7"),
            annual_plan=Decimal(0),
        )
        assert tiny.detail == "2020: monthly plans sum to 1.0E-7 万元, annual plan is 0 万元"
        assert tiny.text("zh") == "2020年月度计划合计0.00000010万元，超过年度计划0万元"

    def test_words_only(self):
        """A finding made with its words only (as before facts) says them in both languages."""
        bare = Finding(FindingKind.NO_LEADER, "NB-7", "港口扩建: no guarantor leader")
        assert bare.facts == FrozenMap()
        assert bare.text("zh") == bare.text("en") == bare.detail

    def test_refused(self):
        """Facts lacking a name the sentences need, facts that are no mapping, another language."""
        with pytest.raises(
            ValidationError,
            match=r"^facts: expected facts naming project, unit \(for unknown_unit\)",
        ):
            Finding.of(FindingKind.UNKNOWN_UNIT, "NB-7", project="港口扩建")
        with pytest.raises(
            ValidationError,
            match=r"naming as_of, milestone, planned \(for milestone_overdue\), got",
        ):
            Finding(FindingKind.MILESTONE_OVERDUE, "NB-7", "x", {"project": "港口扩建"})  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=r"^facts: expected a mapping"):
            Finding(FindingKind.NO_LEADER, "NB-7", "x", [("project", "港口扩建")])  # type: ignore[arg-type]
        with pytest.raises(ValidationError, match=r"^lang: expected 'zh' or 'en', got 'fr'"):
            self.findings()[0].text("fr")


class TestLookupByLocalId:
    """A project with both a code and a local id is found by either."""

    def test_local_id_of_a_coded_project(self):
        """``Portfolio.project`` accepts the local id of a project that has a code."""
        p = Project(
            code="2020-330200-47-03-012345",
            local_id="NB-3",
            name="港区",
            level="city",
            category="infrastructure",
            stage="reserved",
            region="北仑区",
            unit="市交通局",
        )
        portfolio = Portfolio(projects=(p,))
        assert p == portfolio.project("NB-3")
        assert p == portfolio.project("2020-330200-47-03-012345")


class TestCoverageViews:
    """The portfolio names the projects that have a leader and a secretary."""

    def test_with_leader_and_secretary(self):
        """Only projects named by a leader or secretary are listed."""
        kw = {
            "level": "city",
            "category": "social",
            "stage": "reserved",
            "region": "海曙区",
            "unit": "市教育局",
        }
        a, b = Project(local_id="A", name="甲", **kw), Project(local_id="B", name="乙", **kw)
        portfolio = Portfolio(
            projects=(a, b),
            leaders=(Leader("张三", "city", projects=("A",)),),
            secretaries=(Secretary("李四", "市发改委", projects=("A", "B")),),
        )
        assert {"A"} == set(portfolio.with_leader())
        assert {"A", "B"} == set(portfolio.with_secretary())


class TestFrozenMapView:
    """A frozen map offers a read-only dict view and reverse iteration."""

    @given(st.permutations(Month.year_months(2020) + Month.year_months(2019)[::3]))
    def test_months_in_any_order_come_out_sorted(self, months):
        """Months given in any order are kept in calendar order, each with its value."""
        fm = FrozenMap({m: Decimal(m.month) for m in months})
        assert (sorted(months), [m.month for m in sorted(months)]) == (
            list(fm),
            [int(v) for v in fm.values()],
        )

    def test_view_is_read_only(self):
        """The view reads like the map and cannot change it."""
        fm = FrozenMap({2: "b", 1: "a"})
        view = fm.view()
        assert [2, 1] == list(reversed(fm))
        assert dict(fm) == dict(view)
        with pytest.raises(TypeError):
            view[3] = "c"  # type: ignore[index]

    def test_view_is_made_once_and_never_pickled(self):
        """The view is cached; copies and pickles carry the mapping, not the view."""
        fm = FrozenMap({Month(2020, 5): Decimal(1)})
        assert fm.view() is fm.view()
        pickled = pickle.loads(pickle.dumps(fm))  # noqa: S301 (our own bytes)
        assert (fm, fm, fm) == (pickled, copy.deepcopy(fm), copy.copy(fm))


class TestWorkingStates:
    """The states whose deadline can be missed."""

    def test_is_working(self):
        """Assigned, in progress and escalated issues are working; the rest are not."""
        working = {s for s in IssueState if s.is_working}
        assert {IssueState.ASSIGNED, IssueState.IN_PROGRESS, IssueState.ESCALATED} == working


class TestLabelledEnums:
    """Every enum with a Chinese label shares one mechanism: ``.zh``, and to_enum takes it."""

    @pytest.mark.parametrize(
        ("member", "zh"),
        [
            (Stage.UNDER_CONSTRUCTION, "在建"),
            (Light.RED, "红灯"),
            (AccountabilityReason.RED_SHEET, "红色督办单"),
            (GroupBy.UNIT, "责任单位"),
        ],
    )
    def test_label_and_lookup(self, member, zh):
        """The label reads back, and converts to the member as a ledger cell would."""
        assert (zh, member) == (member.zh, to_enum(type(member), zh, "field"))

    def test_identity_hash(self):
        """Members hash by identity (the C slot), and still work as dict keys and in sets."""
        assert (object.__hash__(EventKind.CLOSED), 1, True) == (
            hash(EventKind.CLOSED),
            {EventKind.CLOSED: 1}[EventKind["CLOSED"]],
            EventKind("closed") in frozenset(EventKind),
        )


# Free text as a hostile ledger types it: compatibility characters NFKC would rewrite.
TYPED = "①号楼（一期）㈱ 5m²"


class TestFreeTextIsKeptAsTyped:
    """Names, titles and notes keep every character; only the spaces at their ends go."""

    def test_project_texts(self):
        """Name, region, unit, owner and task force come back character for character."""
        p = project(
            name=f" {TYPED}\u3000",
            region="海曙区（东）",
            unit="㈱ 市交通局",
            owner="Ｘ公司",
            task_force="①专班",
        )
        assert (TYPED, "海曙区（东）", "㈱ 市交通局", "Ｘ公司", "①专班") == (
            p.name,
            p.region,
            p.unit,
            p.owner,
            p.task_force,
        )

    def test_parts_people_and_issues(self):
        """Milestones, approvals, notes, people and issue titles: as typed."""
        m = Milestone(TYPED, D(2020, 3, 1), unit="㈱")
        a = ApprovalItem("施工许可（㊀）", authority="市住建局①")
        e = StageEvent("started", D(2020, 1, 1), note="m² ㈱")
        lead = Leader("张　三", "city", role="副市长（常务）")
        force = TaskForce("交通专班①", lead="Ｌｉ", members=("王　五", "㈱"))
        issue = Issue.collect(
            "Q-1",
            CODE,
            category="land",
            title=TYPED,
            on=D(2020, 9, 28),
            by="服务秘书（李军）",
            note="林地①",
        )
        assert (TYPED, "㈱", "施工许可（㊀）", "市住建局①", "m² ㈱") == (
            m.name,
            m.unit,
            a.name,
            a.authority,
            e.note,
        )
        assert ("张　三", "副市长（常务）", "Ｌｉ", ("王　五", "㈱")) == (
            lead.name,
            lead.role,
            force.lead,
            force.members,
        )
        assert (TYPED, "服务秘书（李军）", "林地①") == (
            issue.title,
            issue.events[0].actor,
            issue.events[0].note,
        )

    def test_codes_are_folded(self):
        """Codes are compared, so they are folded: local ids, issue ids, project references."""
        p = project(code=None, local_id=" Ｌ-１ ")
        lead = Leader("张", "city", projects=("Ｌ-１",))
        issue = Issue.collect(
            "Ｑ-１", "Ｌ-１", category="land", title="t", on=D(2020, 9, 28), by="s"
        )
        assert ("L-1", ("L-1",), "Q-1", "L-1") == (
            p.local_id,
            lead.projects,
            issue.id,
            issue.project,
        )

    def test_look_ups_compare_folded_forms(self):
        """A look-up by a name or a key in another form finds what is stored as typed."""
        p1 = project(unit="市　交通局", region="海曙区")
        p2 = project(code=None, local_id="NB-7", unit="市 交通局", region="海曙区")
        pf = Portfolio(projects=(p1, p2), leaders=(Leader("张　三", "city", projects=("NB-7",)),))
        assert (p1, p2) == pf.by_unit("市 交通局") == pf.by_unit("市　交通局")
        assert (p2,) == pf.by_leader("张 三") == pf.by_leader("张　三")
        assert p2 is pf.project("ＮＢ-７")
        assert ("张　三",) == tuple(ld.name for ld in pf.leaders_of("ＮＢ-７"))


class TestKeysThatCollide:
    """Keys equal once normalised are an error naming both as given, never an overwrite."""

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            (
                {"monthly_plan": {"2020-01": "1", "２０２０-０１": "2"}},
                (
                    "monthly_plan['２０２０-０１']: expected each month once, got '2020-01' and "
                    "'２０２０-０１', which are the same month"
                ),
            ),
            (
                {"monthly_done": {"2020-01": "1", "2020-1": "2"}},
                (
                    "monthly_done['2020-1']: expected each month once, got '2020-01' and '2020-1', "
                    "which are the same month"
                ),
            ),
            (
                {"annual_plans": {2020: "1", "2020": "2"}},
                (
                    "annual_plans['2020']: expected each year once, got 2020 and '2020', which are "
                    "the same year"
                ),
            ),
        ],
    )
    def test_map_keys(self, changes, message):
        """Two months or years of one plan that are one period: DuplicateKeyError, both named."""
        with pytest.raises(DuplicateKeyError) as caught:
            project(**changes)
        assert message == str(caught.value)
        assert caught.value.field == message.split(":", 1)[0]

    def test_cadence_keys(self):
        """Two cadences for one project key, written two ways."""
        with pytest.raises(DuplicateKeyError) as caught:
            Secretary("李", "局", ("L-1",), cadences={"L-1": "weekly", "Ｌ-1": "monthly"})
        assert (
            "cadences['Ｌ-1']: expected each project key once, got 'L-1' and 'Ｌ-1', which are "
            "the same project key"
        ) == str(caught.value)

    def test_frozen_map_from_pairs(self):
        """A FrozenMap built from pairs refuses a key given twice."""
        with pytest.raises(DuplicateKeyError) as caught:
            FrozenMap([(1, "a"), (2, "b"), (True, "c")])
        assert "data: expected each key once, got 1 and True, which are the same key" == str(
            caught.value
        )
        assert {1: "a"} == FrozenMap(iter([(1, "a")]))

    @pytest.mark.parametrize(
        ("build", "message"),
        [
            (
                lambda: Leader("张", "city", projects=("L-1", "Ｌ-1")),
                (
                    "projects[1]: expected each project key once, got 'L-1' (projects[0]) and "
                    "'Ｌ-1', which are the same project key"
                ),
            ),
            (
                lambda: Secretary("李", "局", ("L-1", "L-2", "L-1")),
                (
                    "projects[2]: expected each project key once, got 'L-1' (projects[0]) and "
                    "'L-1', which are the same project key"
                ),
            ),
            (
                lambda: TaskForce("专班", members=("王　五", "王 五")),
                (
                    "members[1]: expected each name once, got '王\\u3000五' (members[0]) and "
                    "'王 五', which are the same name"
                ),
            ),
        ],
    )
    def test_list_entries(self, build, message):
        """A list naming one project or one person twice, in any form."""
        with pytest.raises(DuplicateKeyError) as caught:
            build()
        assert message == str(caught.value)

    def test_names_of_parts(self):
        """Two milestones whose names fold alike are one milestone named twice."""
        with pytest.raises(DuplicateKeyError) as caught:
            project(
                milestones=(Milestone("桩基１", D(2020, 3, 1)), Milestone("桩基1", D(2020, 4, 1)))
            )
        assert (
            f"{CODE}: milestones[1]: expected each name once, got '桩基１' (milestones[0]) and "
            "'桩基1', which are the same name"
        ) == str(caught.value)

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            (
                {"units": (Unit("市　交通局"), Unit("市 交通局"))},
                (
                    "units[1]: expected each name once, got '市\\u3000交通局' (units[0]) and "
                    "'市 交通局', which are the same name"
                ),
            ),
            (
                {"leaders": (Leader("Ａ", "city"), Leader("A", "city"))},
                (
                    "leaders[1]: expected each name once, got 'Ａ' (leaders[0]) and 'A', which are "
                    "the same name"
                ),
            ),
        ],
    )
    def test_names_in_a_portfolio(self, changes, message):
        """Units, leaders, secretaries, task forces: names kept as typed, compared folded."""
        with pytest.raises(DuplicateKeyError) as caught:
            Portfolio(**changes)
        assert message == str(caught.value)

    @pytest.mark.parametrize(
        "local",
        [CODE, "２０２０-330200-47-03-012345", "2020—330200—47—03—012345"],
    )
    def test_code_against_another_local_id(self, local):
        """A local id that is (or spells) another project's code would name two projects."""
        other = project(code="2020-330200-47-03-099999", local_id=local, name="另一个")
        with pytest.raises(DuplicateKeyError) as caught:
            Portfolio(projects=(project(), other))
        assert (
            f"projects[1].local_id: expected a key no other project has, got local id "
            f"{other.local_id!r}, which names projects[0] too (its code {CODE!r})"
        ) == str(caught.value)
        assert ("projects[1].local_id", other.local_id) == (caught.value.field, caught.value.got)

    def test_code_after_a_local_id_spelling_it(self):
        """The other order: a project's code spelt earlier as a local id without a code."""
        first = project(code=None, local_id="2020–330200–47–03–012345")
        with pytest.raises(DuplicateKeyError) as caught:
            Portfolio(projects=(first, project()))
        assert (
            f"projects[0].local_id: expected a key no other project has, got local id "
            f"'2020–330200–47–03–012345', which names projects[1] too (its code {CODE!r})"
        ) == str(caught.value)
