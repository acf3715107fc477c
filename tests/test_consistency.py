"""One way of doing each thing across the library: enums print, calendars are passed."""

import datetime as dt
import enum
import inspect

import pytest

from projpush import escalation, lights, metrics, model, schedule
from projpush.errors import ValidationError
from projpush.lights import Light


def public_enums() -> list[type[enum.Enum]]:
    found = []
    for module in (model, schedule, lights, escalation, metrics):
        for name in module.__all__:
            value = getattr(module, name)
            if isinstance(value, type) and issubclass(value, enum.Enum):
                found.append(value)
    return found


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
            for module in (schedule, lights, escalation, metrics)
            for f in (getattr(module, n) for n in module.__all__)
            if inspect.isfunction(f) and "calendar" in inspect.signature(f).parameters
        ],
        ids=lambda f: f.__name__,
    )
    def test_every_rule_takes_it_last_or_by_keyword_only(self, fn):
        params = list(inspect.signature(fn).parameters.values())
        calendar = inspect.signature(fn).parameters["calendar"]
        assert calendar.kind is inspect.Parameter.KEYWORD_ONLY or "calendar" == params[-1].name
        if fn.__name__ != "resolve_calendar":
            assert calendar.default is None
