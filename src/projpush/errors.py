"""The errors projpush raises: one root, leaves that also inherit a built-in.

Every message names the field, what was expected and what came, so that the
person who typed the ledger can find and mend the value without a traceback.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "CalendarCoverageError",
    "DuplicateKeyError",
    "InvalidTransition",
    "LedgerError",
    "LedgerTooLargeError",
    "MoneyTypeError",
    "PolicyError",
    "ProjpushError",
    "UnknownReferenceError",
    "ValidationError",
]


class ProjpushError(Exception):
    """Root of every error projpush raises on bad input or an illegal step.

    Attributes:
        field: the field (or JSON path) at fault, when one is.
        expected: what the field should have held.
        got: the value that came instead.
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        expected: str | None = None,
        got: Any = None,
    ) -> None:
        super().__init__(message)
        self.field = field
        self.expected = expected
        self.got = got

    @property
    def detail(self) -> str:
        """The message without a leading ``"{field}: "``, for callers that show the field apart.

        >>> ProjpushError.about("planned", "a date", "x").detail
        "expected a date, got 'x'"
        >>> ProjpushError("no field here").detail
        'no field here'
        """
        text = str(self)
        return text.removeprefix(f"{self.field}: ") if self.field else text

    @classmethod
    def about(cls, field: str, expected: str, got: Any) -> ProjpushError:
        """Build an error whose message reads ``field: expected X, got Y``.

        >>> str(ProjpushError.about("percent", "a percentage", 10**5000))
        'percent: expected a percentage, got an int of about 5001 digits'
        """
        return cls(
            f"{field}: expected {expected}, got {shown(got)}",
            field=field,
            expected=expected,
            got=got,
        )


def shown(value: Any) -> str:
    """``repr(value)`` for a message; an int too long to print is described instead.

    Python refuses to print an int of more than 4,300 digits (``ValueError``),
    and a message must never fail while it is being built.
    """
    try:
        return repr(value)
    except ValueError:
        if isinstance(value, int):
            digits = int(abs(value).bit_length() * 0.30102999566398) + 1  # log10(2)
            return f"an int of about {digits} digits"
        return f"a {type(value).__name__} that cannot be printed"


class ValidationError(ProjpushError, ValueError):
    """A value breaks an invariant of the domain (bad code, date order, range)."""


class MoneyTypeError(ProjpushError, TypeError):
    """An amount of money came as a type that cannot be exact, such as float."""


class DuplicateKeyError(ValidationError):
    """Two records claim the same key (project code, issue id, name)."""


class UnknownReferenceError(ProjpushError, LookupError):
    """A record or look-up names a project, tier or person that does not exist."""


class InvalidTransition(ProjpushError, ValueError):  # noqa: N818 (the domain name the issues use)
    """An issue or project was asked to take a step its current state forbids."""


class CalendarCoverageError(ProjpushError, ValueError):
    """A working-day question about a year the calendar has no official data for."""


class PolicyError(ProjpushError, ValueError):
    """A policy's thresholds or ladder are inconsistent (yellow after red, no tiers)."""


class LedgerError(ProjpushError, ValueError):
    """A ledger document is malformed; ``field`` holds the path of the first bad value."""


class LedgerTooLargeError(LedgerError):
    """A ledger is larger than the size limit it is read under, so it was not read.

    ``got`` is the ledger's size in bytes (a folder's: the sum of the files
    its reader would open).

    Attributes:
        path: the ledger, as given.
        size: its size in bytes (also ``got``).
        limit: the limit in bytes (``max_bytes``, ``--max-ledger-size``).
    """

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        expected: str | None = None,
        got: Any = None,
        path: str | None = None,
        limit: int | None = None,
    ) -> None:
        super().__init__(message, field=field, expected=expected, got=got)
        self.path = path
        self.size: int | None = got if isinstance(got, int) else None
        self.limit = limit
