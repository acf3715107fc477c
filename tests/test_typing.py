"""The constructors say what they accept, to type checkers and to ``inspect.signature``."""

import datetime as dt
import inspect
from collections.abc import Iterable, Mapping
from decimal import Decimal

import pytest

from projpush.errors import ValidationError
from projpush.model import (
    IssueEvent,
    IssueState,
    Level,
    Milestone,
    Month,
    Portfolio,
    Project,
    ProjectCode,
    Secretary,
    SheetColor,
)


def annotation(cls: type, name: str) -> object:
    return inspect.signature(cls).parameters[name].annotation


class TestSignatures:
    """inspect.signature shows the accepted types, not ``object``."""

    def test_enum_fields_take_the_member_or_text(self):
        assert Level | str == annotation(Project, "level")

    def test_money_takes_decimal_int_or_text(self):
        assert Decimal | int | str == annotation(Project, "total_investment")

    def test_month_amounts_take_month_or_text_keys(self):
        amounts = Decimal | int | str
        expected = Mapping[Month, amounts] | Mapping[str, amounts] | Mapping[Month | str, amounts]
        assert expected == annotation(Project, "monthly_plan")

    def test_code_takes_text(self):
        assert ProjectCode | str | None == annotation(Project, "code")

    def test_records_take_any_iterable(self):
        assert Iterable[Project] == annotation(Portfolio, "projects")
        assert Iterable[str] == annotation(Secretary, "projects")

    def test_dates_take_iso_text(self):
        assert dt.date | str == annotation(Milestone, "planned")
        assert dt.date | str | None == annotation(IssueEvent, "deadline")
        assert SheetColor | str | None == annotation(IssueEvent, "sheet")

    def test_plain_fields_keep_their_annotation(self):
        assert annotation(Project, "name") is str
        assert str | None == annotation(Project, "owner")

    def test_no_parameter_is_object(self):
        for cls in (Project, Portfolio, Secretary, Milestone, IssueEvent):
            params = inspect.signature(cls).parameters.values()
            assert [] == [p.name for p in params if p.annotation in (object, "object", "Any")]


class TestFacesStillNameTheField:
    """A typed converter still names its field in its errors."""

    def test_enum(self):
        with pytest.raises(ValidationError, match=r"^level: expected one of province"):
            Project(
                local_id="L-1", name="x", level="planet", category="infrastructure",
                stage="planned", region="r", unit="u",
            )  # fmt: skip

    def test_list_of_records(self):
        with pytest.raises(ValidationError, match=r"^projects\[0\]: expected Project, got 'x'"):
            Portfolio(projects=["x"])  # type: ignore[list-item]

    def test_optional_state(self):
        with pytest.raises(ValidationError, match=r"^from_state: expected one of"):
            IssueEvent("2020-01-02", "collected", "me", "nowhere", IssueState.COLLECTED)

    def test_lists_are_accepted_and_frozen(self):
        secretary = Secretary("李军", "市发改委", projects=["L-1", "L-2"])
        assert ("L-1", "L-2") == secretary.projects
