"""Load the Chinese official holiday data from the optional ``chinese-calendar`` package.

Kept apart so that :mod:`projpush.schedule` imports the package only when a
caller asks for the China calendar, and so that the one place that knows the
package's layout is small.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    import datetime as dt

__all__ = ["INSTALL_HINT", "OfficialData", "load_official"]

INSTALL_HINT = 'pip install "projpush[cn]"'


@attrs.frozen
class OfficialData:
    """The official rest days and make-up workdays, with the years they cover."""

    years: range
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str


def load_official() -> OfficialData:
    """Read the holiday and make-up-workday tables of ``chinese_calendar``.

    Raises:
        ImportError: the optional dependency is not installed; the message
            says how to install it.
    """
    try:
        package = importlib.import_module("chinese_calendar")
    except ImportError:
        msg = (
            "the China official calendar needs the optional dependency "
            f"chinese-calendar: {INSTALL_HINT}"
        )
        raise ImportError(msg, name="chinese_calendar") from None
    holidays = frozenset(package.holidays)
    workdays = frozenset(package.workdays)
    years = sorted({d.year for d in holidays | workdays})
    version = getattr(package, "__version__", "unknown")
    return OfficialData(
        years=range(years[0], years[-1] + 1),
        holidays=holidays,
        workdays=workdays,
        source=f"China official calendar (chinese-calendar {version})",
    )
