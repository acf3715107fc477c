"""The notes the escalation rules write, read back as facts and said in the reader's language.

:func:`projpush.escalation.advance` records each sheet and escalation with a
note in a fixed English form (``"deadline 2020-10-28 missed at unit (市发改委);
yellow sheet, renewed limit 3 working days to 2020-11-03"``), and the table
engine writes the same notes word for word: the stored text is the record,
and it stays as it is. This module reads the facts back out of the forms the
rules write (:func:`note_facts`) and says them in Chinese or English, the
tier named in the reader's words (:func:`note_text`). A note of any other
form (typed by a person, or by a rule of one's own) is shown as typed.

>>> note = "deadline 2020-10-28 missed at unit (市发改委); yellow sheet, renewed limit 3 working days to 2020-11-03"
>>> print(note_text(note, "zh", {"unit": "项目责任单位"}))
项目责任单位（市发改委）未在2020-10-28前办结：发黄色督办单，延期3个工作日至2020-11-03
>>> print(note_text(note, "en", {"unit": "responsible unit"}))
deadline 2020-10-28 missed at responsible unit (市发改委); yellow sheet, renewed limit 3 working days to 2020-11-03
"""  # noqa: E501 (a stored note is one line)

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from projpush.messages import message

if TYPE_CHECKING:
    from collections.abc import Mapping

    from projpush.report import Lang

__all__ = ["note_facts", "note_text"]

_DATE: Final = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_AT: Final = r"(?P<tier>\S+) \((?P<owner>.*?)\)"
# Each form escalation._due_event writes; its sentences are the catalogue's
# (projpush.messages, escalation_note.FORM).
_FORMS: Final = {
    "blue": re.compile(rf"blue sheet: within the limit, due (?P<due>{_DATE}) at {_AT}"),
    "warning": re.compile(
        rf"\[warning (?P<share>[0-9/]+)\] (?P<pct>[0-9]+)% of the limit used; "
        rf"due (?P<due>{_DATE}) at {_AT}"
    ),
    "yellow": re.compile(
        rf"deadline (?P<due>{_DATE}) missed at {_AT}; yellow sheet, renewed limit "
        rf"(?P<days>[0-9]+) working days to (?P<renewed>{_DATE})"
    ),
    "red": re.compile(
        rf"renewed limit (?P<due>{_DATE}) missed at {_AT}; "
        r"red sheet: notice and accountability"
    ),
    "top": re.compile(
        rf"\[accountability\] limit (?P<due>{_DATE}) missed at the top tier {_AT}; "
        r"stays red, on the accountability list"
    ),
    "escalated": re.compile(
        rf"limit (?P<due>{_DATE}) missed at {_AT}; escalated to (?P<next>\S+) "
        rf"\((?P<label>.*)\), (?P<days>[0-9]+) working days to (?P<new>{_DATE})"
    ),
}


def note_facts(note: str) -> tuple[str, dict[str, str]] | None:
    """The form of a note the escalation rules wrote and its facts, or None for another note.

    >>> note_facts("renewed limit 2020-10-14 missed at unit (市发改委); red sheet: notice and accountability")
    ('red', {'due': '2020-10-14', 'tier': 'unit', 'owner': '市发改委'})
    >>> note_facts("协调会议已召开") is None
    True
    """  # noqa: E501
    for form, pattern in _FORMS.items():
        match = pattern.fullmatch(note)
        if match is not None:
            return form, match.groupdict()
    return None


def note_text(note: str, lang: Lang, tiers: Mapping[str, str]) -> str:
    """``note`` in ``lang``, each tier named by ``tiers``; a note of another form as typed."""
    found = note_facts(note)
    if found is None:
        return note
    form, facts = found
    named = dict(facts)
    for key in ("tier", "next"):
        if key in named:
            named[key] = tiers.get(named[key], named[key])
    return message(f"escalation_note.{form}", lang, **named)
