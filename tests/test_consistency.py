"""One way of doing each thing across the library: enums print, calendars are passed."""

import datetime as dt
import enum
import importlib
import importlib.util
import inspect

import pytest

from projpush import (
    discipline,
    escalation,
    foresight,
    lights,
    metrics,
    model,
    report,
    schedule,
    synth,
    testing,
)
from projpush.errors import ValidationError
from projpush.escalation import EscalationPolicy
from projpush.lights import Light
from projpush.model import Issue, Milestone


def public_enums() -> list[type[enum.Enum]]:
    found = []
    for module in (model, schedule, lights, escalation, metrics):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, enum.Enum):
                found.append(value)
    return found


SUBJECT_IS_THE_CALENDAR = frozenset({"resolve_calendar", "calendar_table"})
"""Functions about the calendar itself, which take it first, as their subject."""


def public_modules() -> list[object]:
    """The public modules with rules taking a calendar, the engine's when polars is there."""
    found: list[object] = [
        schedule, lights, escalation, metrics, discipline, foresight, report, synth, testing,
    ]  # fmt: skip
    if importlib.util.find_spec("polars") is None:  # pragma: no cover (the extras are there)
        return found
    found.extend(
        importlib.import_module(f"projpush.engine.{name}")
        for name in ("escalation", "foresight", "lights", "metrics", "report", "schedule", "synth")
    )
    return found


def collected(on: dt.date = dt.date(2020, 9, 28)) -> Issue:
    return Issue.collect("Q-1", "P-1", category="land", title="t", on=on, by="s")


WEEKDAYS = schedule.WeekdayCalendar()
BINZHOU = EscalationPolicy.binzhou()


def assigned_issue() -> Issue:
    return escalation.assign(
        collected(), dt.date(2020, 9, 29), BINZHOU, by="o", owner="滨城区", calendar=WEEKDAYS
    )


def old_and_new_forms() -> list[tuple[str, object, tuple[object, ...]]]:
    """(name, function, its arguments before the calendar) of each rule with the shim."""
    q = assigned_issue()
    day = dt.date(2020, 10, 20)
    milestone = Milestone("土地清表", planned=dt.date(2020, 9, 30), start=dt.date(2020, 9, 1))
    return [
        ("advance", escalation.advance, (q, day, BINZHOU)),
        ("advance_all", escalation.advance_all, ([q], day, BINZHOU)),
        ("timeline", escalation.timeline, (q, BINZHOU, dt.date(2020, 11, 30))),
        ("overdue", escalation.overdue, ([q], day)),
        ("milestone_timing", schedule.milestone_timing, (milestone, dt.date(2020, 10, 13))),
        ("advance_through", testing.advance_through, (q, [dt.date(2020, 10, 5), day], BINZHOU)),
    ]


class TestEnumsPrintAsTheirValue:
    """str(), print() and f-strings give a member's value; repr() still names it."""

    def test_light(self, capsys):
        print(Light.RED)  # noqa: T201 (what the issue asks of print itself)
        assert "red\n" == capsys.readouterr().out

    def test_format_spec_applies_to_the_value(self):
        assert "  red|" == f"{Light.RED:>5}|"

    def test_repr_names_the_member(self):
        assert "<Light.RED: 'red'>" == repr(Light.RED)

    @pytest.mark.parametrize("cls", public_enums(), ids=lambda c: c.__name__)
    def test_every_public_enum(self, cls):
        assert [str(m.value) for m in cls] == [str(m) for m in cls]
        assert [str(m.value) for m in cls] == [f"{m}" for m in cls]


class TestCalendarIsAKeyword:
    """``calendar=`` is passed by keyword, after the facts, everywhere."""

    def test_new_order(self):
        assert dt.date(2020, 10, 6) == schedule.add_working_days(
            dt.date(2020, 9, 29), 5, calendar=schedule.WeekdayCalendar()
        )

    @pytest.mark.parametrize(
        ("name", "args"),
        [
            ("add_working_days", (dt.date(2020, 9, 29), 5)),
            ("working_days_between", (dt.date(2020, 9, 29), dt.date(2020, 10, 13))),
            ("next_working_day", (dt.date(2020, 10, 3),)),
        ],
    )
    def test_old_order_warns_and_agrees(self, name, args):
        fn = getattr(schedule, name)
        cal = schedule.WeekdayCalendar()
        expected = fn(*args, calendar=cal)
        with pytest.warns(DeprecationWarning, match=rf"^{name}\(calendar, \.\.\.\) is deprecated"):
            assert expected == fn(cal, *args)

    def test_calendar_given_third_is_refused(self):
        with pytest.raises(
            ValidationError,
            match=r"^add_working_days: expected 2 positional arguments and calendar= as a "
            r"keyword, got 3 positional arguments",
        ):
            schedule.add_working_days(  # type: ignore[call-overload]
                dt.date(2020, 9, 29), 5, schedule.WeekdayCalendar()
            )

    def test_default_is_the_official_calendar(self):
        pytest.importorskip("chinese_calendar")
        # 2020-10-01..08 is the National Day holiday: 9 October is the next working day
        assert dt.date(2020, 10, 9) == schedule.next_working_day(dt.date(2020, 10, 5))

    @pytest.mark.parametrize(
        "fn",
        [
            f
            for module in public_modules()
            for f in (getattr(module, n) for n in module.__all__)
            if inspect.isfunction(f)
            and f.__name__ not in SUBJECT_IS_THE_CALENDAR
            and "calendar" in inspect.signature(f).parameters
        ],
        ids=lambda f: f"{f.__module__}.{f.__name__}",
    )
    def test_every_rule_takes_it_by_keyword_only(self, fn):
        """Keyword-only, named ``calendar``, None (the official calendar) by default."""
        calendar = inspect.signature(fn).parameters["calendar"]
        assert inspect.Parameter.KEYWORD_ONLY == calendar.kind
        assert calendar.default is None

    def test_the_sweep_sees_the_rules_it_is_about(self):
        """The sweep above covers the rules that took the calendar positionally before."""
        swept = {
            f"{module.__name__}.{name}"
            for module in public_modules()
            for name in module.__all__
            if inspect.isfunction(f := getattr(module, name))
            and "calendar" in inspect.signature(f).parameters
        }
        assert {
            "projpush.escalation.advance",
            "projpush.escalation.overdue",
            "projpush.schedule.milestone_timing",
            "projpush.testing.advance_through",
        } <= swept


class TestCalendarPassedPositionally:
    """The form before 0.2, the calendar last and positional, still works and warns."""

    @pytest.mark.parametrize(
        ("name", "fn", "args"), old_and_new_forms(), ids=[n for n, *_ in old_and_new_forms()]
    )
    def test_old_form_warns_and_agrees(self, name, fn, args):
        """Same answer as calendar=, with a DeprecationWarning naming the keyword form."""
        expected = fn(*args, calendar=WEEKDAYS)
        with pytest.warns(
            DeprecationWarning,
            match=rf"^{name}\(\.\.\., calendar\) is deprecated: pass it as a keyword, "
            rf"{name}\(\.\.\., calendar=calendar\)",
        ):
            assert expected == fn(*args, WEEKDAYS)

    def test_the_answer_depends_on_the_calendar(self):
        """The shim passes the calendar on: weekdays and the 2020 calendar differ here."""
        q, day = assigned_issue(), dt.date(2020, 10, 12)
        with pytest.warns(DeprecationWarning, match=r"^overdue\(\.\.\., calendar\)"):
            old = escalation.overdue([q], day, synth.CALENDAR_2020)
        assert escalation.overdue([q], day, calendar=synth.CALENDAR_2020) == old
        assert escalation.overdue([q], day, calendar=WEEKDAYS) != old

    def test_warning_points_at_the_caller(self):
        """The warning is attributed to the line that called the rule, not to projpush."""
        with pytest.warns(DeprecationWarning, match=r"^overdue\(") as caught:
            escalation.overdue([assigned_issue()], dt.date(2020, 10, 20), WEEKDAYS)
        assert __file__ == caught[0].filename

    def test_calendar_given_both_ways_is_refused(self):
        """A calendar positional and as calendar= too is an error naming the keyword."""
        with pytest.raises(
            ValidationError,
            match=r"^overdue: expected the calendar once, as calendar=, got 1 extra "
            r"positional argument and calendar=$",
        ):
            escalation.overdue(  # type: ignore[call-overload]
                [assigned_issue()], dt.date(2020, 10, 20), WEEKDAYS, calendar=WEEKDAYS
            )

    def test_two_extra_arguments_are_refused(self):
        """More than the calendar after the facts is an error, not a silent drop."""
        with pytest.raises(ValidationError, match=r"got 2 extra positional arguments$"):
            escalation.advance(  # type: ignore[call-overload]
                assigned_issue(), dt.date(2020, 10, 20), BINZHOU, WEEKDAYS, WEEKDAYS
            )


class TestEngineCalendarPassedPositionally:
    """The engine's advance_tables and overdue_table keep the same shim."""

    @pytest.fixture
    def engine(self):
        pytest.importorskip("polars")
        import projpush.engine  # noqa: PLC0415 (the engine extra is optional)

        return projpush.engine

    def test_advance_tables(self, engine):
        """Same events as calendar=, with the warning."""
        tables = engine.from_issues([assigned_issue()])
        day = dt.date(2020, 10, 20)
        expected = engine.advance_tables(tables, day, BINZHOU, calendar=WEEKDAYS)
        with pytest.warns(DeprecationWarning, match=r"^advance_tables\(\.\.\., calendar\)"):
            old = engine.advance_tables(tables, day, BINZHOU, WEEKDAYS)
        assert expected.issue_events.equals(old.issue_events)
        assert 0 < expected.issue_events.num_rows

    def test_advance_tables_keeps_unrecorded(self, engine):
        """The keyword after the calendar still goes with the old form."""
        tables = engine.from_issues([assigned_issue()])
        book = escalation.PolicyBook((BINZHOU,))
        day = dt.date(2020, 10, 20)
        expected = engine.advance_tables(tables, day, book, calendar=WEEKDAYS, unrecorded=BINZHOU)
        with pytest.warns(DeprecationWarning, match=r"^advance_tables\("):
            old = engine.advance_tables(tables, day, book, WEEKDAYS, unrecorded=BINZHOU)
        assert expected.issue_events.equals(old.issue_events)

    def test_overdue_table(self, engine):
        """Same rows as calendar=, with the warning."""
        tables = engine.from_issues([assigned_issue()])
        day = dt.date(2020, 10, 20)
        expected = engine.overdue_table(tables, day, calendar=WEEKDAYS)
        with pytest.warns(DeprecationWarning, match=r"^overdue_table\(\.\.\., calendar\)"):
            old = engine.overdue_table(tables, day, WEEKDAYS)
        assert expected.equals(old)
        assert 1 == len(expected)
