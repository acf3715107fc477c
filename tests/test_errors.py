"""Tests for projpush.errors: the shared message helpers."""

from __future__ import annotations

from projpush.errors import LedgerError, ProjpushError, ValidationError


class TestDetail:
    """ProjpushError.detail is the message without its leading field."""

    def test_about_message(self) -> None:
        """A message built by about() loses its 'field: ' prefix."""
        error = ValidationError.about("planned", "a date", "2020-13-01")
        assert "expected a date, got '2020-13-01'" == error.detail

    def test_location_field(self) -> None:
        """A ledger location as field is stripped the same way."""
        error = LedgerError("projects.csv:5:总投资: 总投资: bad", field="projects.csv:5:总投资")
        assert "总投资: bad" == error.detail

    def test_no_field(self) -> None:
        """With no field, the message is whole."""
        assert "something broke" == ProjpushError("something broke").detail

    def test_field_not_leading(self) -> None:
        """A message that does not start with its field is left whole."""
        error = ProjpushError("bad value in planned", field="planned")
        assert "bad value in planned" == error.detail
