"""Converters and validators shared by the domain objects (private).

Each converter names the field it guards in its error, so a bad value in a
ledger is reported as ``planned: expected a date ..., got '2020-13-01'``.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import operator
import re
import sys
import typing
import unicodedata
import warnings
from collections.abc import (
    Callable,
    Hashable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    Mapping,
    Sequence,
    ValuesView,
)
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Final, TypeVar, cast, overload

import attrs

from projpush.errors import DuplicateKeyError, MoneyTypeError, ProjpushError, ValidationError

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)


_ZH: dict[enum.Enum, str] = {}


class _ValueEnumType(enum.EnumType):
    """Enum's metaclass, with a look-up by value that fails as projpush fails."""

    def __call__(cls, value: Any, *args: Any, **kwargs: Any) -> Any:
        if args or kwargs:  # the functional API, Enum("Name", "a b"): Enum's own
            return super().__call__(value, *args, **kwargs)
        try:
            return cls._value2member_map_[value]
        except (KeyError, TypeError):  # not a value, or an unhashable one
            pass
        # ``Level("市级")`` reads a name or a label as :func:`to_enum` does, and anything
        # else is a ValidationError (a ValueError) listing the values and their labels,
        # instead of Enum's bare "'x' is not a valid Level" (which itself fails to be
        # written for an int of more than 4,300 digits).
        return to_enum(cast("type[enum.Enum]", cls), value, cls.__name__)


class ValueEnum(enum.Enum, metaclass=_ValueEnumType):
    """An enum whose members print as their value: ``print(Light.RED)`` writes ``red``.

    The value is what a ledger holds and a report writes, so it is what
    ``str()`` and f-strings give; ``repr()`` still names the member.

    >>> class Colour(ValueEnum):
    ...     RED = "red"
    >>> print(Colour.RED), f"{Colour.RED}", repr(Colour.RED)
    red
    (None, 'red', "<Colour.RED: 'red'>")
    """

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, spec: str) -> str:
        return format(str(self.value), spec)


class LabelledEnum(ValueEnum):
    """An enum whose members carry a Chinese label in ``zh`` (registered by :func:`label`).

    :func:`to_enum` accepts the label as well as the value and the name; like
    every :class:`ValueEnum`, a member prints as its value.
    """

    # Members are singletons compared by identity, so the identity hash is a valid one; it
    # is the C slot, where Enum's own hashes the name in Python. Rules and loaders look
    # members up in dicts and sets millions of times (every issue event checks three).
    __hash__ = object.__hash__

    @property
    def zh(self) -> str:
        """The member's name in Chinese policy documents."""
        return _ZH[self]


def label(cls: type[LabelledEnum], labels: Mapping[str, str]) -> None:
    """Register the Chinese label of every member of ``cls``, by value (all must have one)."""
    for member in cls:
        _ZH[member] = labels[member.value]


def normalise_text(value: str) -> str:
    """Fold full-width digits, letters and punctuation to ASCII and strip spaces.

    The form in which codes, amounts, dates, months and enum labels are
    parsed, and in which names are compared (two names that fold to the same
    text are one name). Free text is never stored in this form: ``①`` would
    become ``1``, ``m²`` ``m2`` and ``㈱`` ``(株)``.

    >>> normalise_text(" ２０２０－０１　")
    '2020-01'
    """
    return unicodedata.normalize("NFKC", value).strip()


def duplicate_key(
    field: str, what: str, first: object, second: object, first_at: str = ""
) -> DuplicateKeyError:
    """The error for two keys that mean the same thing, both shown as they were given.

    >>> str(duplicate_key("monthly_plan['2020-1']", "month", "2020-01", "2020-1"))
    "monthly_plan['2020-1']: expected each month once, got '2020-01' and '2020-1', \
which are the same month"
    """
    at = f" ({first_at})" if first_at else ""
    msg = (
        f"{field}: expected each {what} once, got {first!r}{at} and {second!r}, "
        f"which are the same {what}"
    )
    return DuplicateKeyError(msg, field=field, expected=f"each {what} once", got=second)


_MONEY_DIGITS = 15  # 10^16 万元: far beyond a nation's yearly investment (about 10^10)
_MONEY_PLACES = 12  # a trillionth of 万元: far below a fen (10^-6 万元)
_TEXT_LIMIT = 64  # characters of an amount, percent or share written as text

# An amount as text, once NFKC-folded: ASCII digits, thousands separated by commas in
# threes or not at all, one decimal point with digits on both sides, and the exponent
# str(Decimal) writes for a very large or small amount ("1E+3", "1E-7"); a sign only
# for the fields that allow a negative amount. "1_000", "1,05,2", "+5", ".5", "١٢٣" fail.
_AMOUNT_TEXT: Final = re.compile(
    r"-?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]{1,3})?"
)
AMOUNT_GRAMMAR: Final = "an amount in 万元 written in digits, such as 479.33 or 1,052.5"

# A percent or a share as text, once folded: digits with at most one decimal point, an
# optional % sign (NFKC folds ％), or a fraction n/d of whole numbers. No exponent, no
# thousands separator: a share is never large, and 1e999999999 must not be computed.
_PERCENT_TEXT: Final = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]+)?)(?P<pct>%)?")
_SHARE_TEXT: Final = re.compile(
    r"(?P<sign>-)?(?:(?P<num>[0-9]+)/(?P<den>[0-9]+)|(?P<number>[0-9]+(?:\.[0-9]+)?)(?P<pct>%)?)"
)
_SHARE_DIGITS = 30  # digits of a share's numerator or denominator, or of a Decimal share


def to_percent(value: object, field: str) -> Decimal:
    """A percentage from 0 to 100 (``percent`` complete), exactly, by its own grammar.

    A ``Decimal`` or ``int``, or text: digits with at most one decimal point
    and an optional ``%`` (full-width forms folded), such as ``"62.5"`` or
    ``"62.5%"``. No exponent, sign or thousands separator; at most 12 places.

    >>> to_percent("62.5%", "percent"), to_percent(40, "percent")
    (Decimal('62.5'), Decimal('40'))
    >>> to_percent("1e2", "percent")
    Traceback (most recent call last):
    ...
    projpush.errors.ValidationError: percent: expected a percentage from 0 to 100 written in digits, such as 62.5 or '62.5%', got '1e2'
    """  # noqa: E501 (a doctest's output is one line)
    grammar = "a percentage from 0 to 100 written in digits, such as 62.5 or '62.5%'"
    if isinstance(value, float):
        msg = (
            f"{field}: a percentage must be exact; pass a Decimal or a string such as "
            f"Decimal({str(value)!r}) instead of the float {value!r}"
        )
        raise MoneyTypeError(msg, field=field, expected="Decimal, int or str", got=value)
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise ValidationError.about(field, grammar, value)
    if isinstance(value, str):
        text = normalise_text(value)
        match = _PERCENT_TEXT.fullmatch(text) if len(text) <= _TEXT_LIMIT else None
        if match is None:
            raise ValidationError.about(field, grammar, value)
        result = Decimal(match["number"])
    elif isinstance(value, int):
        result = Decimal(value) if -1000 < value < 1000 else Decimal(1000)  # out of range
    else:
        result = value
        if not result.is_finite() or result.adjusted() > 3:
            raise ValidationError.about(field, "a percentage from 0 to 100", value)
    if not 0 <= result <= 100:
        raise ValidationError.about(field, "a percentage from 0 to 100", value)
    if int(result.as_tuple().exponent) < -_MONEY_PLACES:
        raise ValidationError.about(
            field, f"a percentage with at most {_MONEY_PLACES} places", value
        )
    return result.copy_abs() if result.is_zero() else result


def to_ratio(
    value: object,
    field: str,
    *,
    expected: str = "a share such as '3/5', '0.6' or '60%'",
    error: type[ProjpushError] = ValidationError,
    signed: bool = False,
) -> Fraction:
    """An exact ratio (a share, a factor, a growth rate, points) by the shares' grammar.

    A ``Fraction``, ``Decimal`` or ``int``, or text: a fraction ``n/d`` of
    whole numbers, or digits with at most one decimal point and an optional
    ``%`` (``"60%"`` is 3/5); a leading ``-`` only when ``signed``. A float
    is refused (it is not exact), and so is any number of more than 30
    digits: ``"1e999999999"`` is refused by its form, and a ``Decimal`` or
    ``Fraction`` that large by its size, before anything is computed with it.
    The range is the caller's to check. Raises ``error`` (a
    :class:`~projpush.errors.PolicyError` for a policy's thresholds) whose
    message says ``expected``.

    >>> to_ratio("60%", "red_below"), to_ratio("5/12", "share")
    (Fraction(3, 5), Fraction(5, 12))
    >>> to_ratio("1e999999999", "share")
    Traceback (most recent call last):
    ...
    projpush.errors.ValidationError: share: expected a share such as '3/5', '0.6' or '60%', got '1e999999999'
    """  # noqa: E501 (a doctest's output is one line)
    if isinstance(value, str):
        result = _ratio_text(value, field, expected, error, signed=signed)
    elif isinstance(value, Fraction | Decimal | int) and not isinstance(value, bool):
        result = _ratio_number(value, field, expected, error)
    else:
        raise error.about(field, expected, value)
    if result < 0 and not signed:
        raise error.about(field, expected, value)
    return result


def _ratio_text(
    value: str, field: str, expected: str, error: type[ProjpushError], *, signed: bool
) -> Fraction:
    text = normalise_text(value)
    match = _SHARE_TEXT.fullmatch(text) if len(text) <= _TEXT_LIMIT else None
    if match is None or (match["sign"] and not signed):
        raise error.about(field, expected, value)
    if match["den"] is not None:
        if int(match["den"]) == 0:
            raise error.about(field, f"{expected} (a denominator other than 0)", value)
        result = Fraction(int(match["num"]), int(match["den"]))
    else:
        result = Fraction(Decimal(match["number"])) / (100 if match["pct"] else 1)
    return -result if match["sign"] else result


def _ratio_number(
    value: Fraction | Decimal | int, field: str, expected: str, error: type[ProjpushError]
) -> Fraction:
    """``value`` as a Fraction, refused unread when it is too large to compute with."""
    if isinstance(value, Fraction):
        big = max(abs(value.numerator), value.denominator) >= 10**_SHARE_DIGITS
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise error.about(field, expected, value)
        exponent = int(value.as_tuple().exponent)
        big = abs(value.adjusted()) > _SHARE_DIGITS or -exponent > _SHARE_DIGITS
    else:
        big = abs(value) >= 10**_SHARE_DIGITS
    if big:
        raise error.about(field, f"{expected} (at most {_SHARE_DIGITS} digits)", value)
    return Fraction(value)


def to_money(value: object, field: str) -> Decimal:
    """Convert an amount (万元) to an exact Decimal.

    Refused: a float, NaN, infinity, and amounts no ledger holds (10^16 万元
    or more, or finer than 10^-12 万元).
    """
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, bool):
        raise MoneyTypeError.about(field, "a Decimal or a string amount in 万元", value)
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        msg = (
            f"{field}: money must be exact; pass a Decimal or a string such as "
            f"Decimal({str(value)!r}) instead of the float {value!r}"
        )
        raise MoneyTypeError(msg, field=field, expected="Decimal or str", got=value)
    elif isinstance(value, str):
        text = normalise_text(value)
        if len(text) > _TEXT_LIMIT or not _AMOUNT_TEXT.fullmatch(text):
            finite = text.lower().lstrip("+-") not in {"nan", "snan", "inf", "infinity"}
            raise ValidationError.about(
                field, AMOUNT_GRAMMAR if finite else "a finite amount", value
            )
        result = Decimal(text.replace(",", ""))
    else:
        raise MoneyTypeError.about(field, "a Decimal or a string amount in 万元", value)
    if not result.is_finite():
        raise ValidationError.about(field, "a finite amount", value)
    if result.adjusted() > _MONEY_DIGITS or int(result.as_tuple().exponent) < -_MONEY_PLACES:
        # 1E+999999999 is finite, but no ledger holds it: written out in full it is
        # a billion digits, and the first sum with it overflows.
        limits = f"below 10^{_MONEY_DIGITS + 1} 万元, at most {_MONEY_PLACES} places"
        raise ValidationError.about(field, f"an amount {limits}", value)
    if result.is_zero():
        result = result.copy_abs()  # "-0" is zero: never write a signed zero to a ledger
    return result


def to_nonneg_money(value: object, field: str) -> Decimal:
    """Convert an amount and require it to be zero or more."""
    result = to_money(value, field)
    if result < 0:
        raise ValidationError.about(field, "an amount >= 0", value)
    return result


def to_date(value: object, field: str) -> dt.date:
    """Accept a ``date`` or an ISO ``YYYY-MM-DD`` string; reject datetimes and the rest."""
    if isinstance(value, dt.datetime):
        raise ValidationError.about(field, "a date (not a datetime)", value)
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(normalise_text(value))
        except ValueError:
            raise ValidationError.about(field, "an ISO date YYYY-MM-DD", value) from None
    raise ValidationError.about(field, "a date", value)


def to_optional_date(value: object, field: str) -> dt.date | None:
    """Like :func:`to_date`, letting ``None`` through."""
    return None if value is None else to_date(value, field)


def date_arg(value: object, field: str) -> dt.date:
    """``value`` if it is a date, else a ValidationError naming ``field``.

    For the date arguments of the rules (``as_of``, ``on``), which are given
    by a program, not read from a ledger: nothing is parsed. The rules do date
    arithmetic at once; without this, an ISO string passed for a date would
    surface as a bare AttributeError or TypeError from deep inside. A hot
    rule tests ``type(as_of) is dt.date`` itself and calls this only when
    that fails, so a datetime (a date subclass) is still let through here.

    >>> date_arg("2020-10-31", "as_of")
    Traceback (most recent call last):
    ...
    projpush.errors.ValidationError: as_of: expected a date, got '2020-10-31'
    """
    if not isinstance(value, dt.date):
        raise ValidationError.about(field, "a date", value)
    return value


def instance_arg(value: object, cls: type[T], field: str) -> T:
    """Require an argument to be a ``cls`` (an Issue, a Portfolio): a ValidationError if not.

    >>> instance_arg(None, int, "issue")
    Traceback (most recent call last):
    ...
    projpush.errors.ValidationError: issue: expected an int, got None
    """
    if not isinstance(value, cls):
        raise ValidationError.about(field, _a(cls.__name__), value)
    return value


def _a(name: str) -> str:
    return f"{'an' if name[:1] in 'AEIOUaeiou' else 'a'} {name}"


def instances_arg(value: object, cls: type[T], field: str) -> tuple[T, ...]:
    """Require an iterable of ``cls`` (issues, projects), refusing text and mappings.

    Raises:
        ValidationError: ``value`` is not such an iterable, or an item is no ``cls``;
            the field names the item (``issues[3]``).
    """
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise ValidationError.about(field, f"an iterable of {cls.__name__}", value)
    items = tuple(value)
    for i, item in enumerate(items):
        if not isinstance(item, cls):
            raise ValidationError.about(f"{field}[{i}]", _a(cls.__name__), item)
    return items


def plain_date_arg(value: object, field: str) -> dt.date:
    """Like :func:`date_arg`, refusing a datetime too, as the ledger's fields do.

    For the rules that compare the argument with the ledger's dates (a
    milestone's ``planned``, an issue's deadline): a datetime cannot be
    compared with a date, and would surface as a bare TypeError.

    >>> plain_date_arg(dt.datetime(2020, 10, 31, 9), "on")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    projpush.errors.ValidationError: on: expected a date (not a datetime), got datetime...
    """
    if type(value) is dt.date:  # the usual case, first: rules call this once per item
        return value
    if isinstance(value, dt.datetime):
        raise ValidationError.about(field, "a date (not a datetime)", value)
    return date_arg(value, field)


def positional_calendar(name: str, old: tuple[T, ...], calendar: object) -> T:
    """The calendar of a call in the form before 0.2, passed positionally, with a warning.

    ``name(..., calendar)`` is ``name(..., calendar=calendar)`` now: the rule
    takes ``*old`` before its keywords, and calls this when ``old`` is not
    empty. A second extra argument, or a calendar given both ways, is refused
    as Python would refuse it, naming the keyword.

    Raises:
        ValidationError: ``old`` holds more than the calendar, or
            ``calendar=`` was given too.
    """
    if len(old) != 1 or calendar is not None:
        msg = (
            f"{name}: expected the calendar once, as calendar=, got {len(old)} extra "
            f"positional argument{'s' if len(old) != 1 else ''}"
            f"{' and calendar=' if calendar is not None else ''}"
        )
        raise ValidationError(msg, field="calendar", expected="calendar=", got=old[0])
    warnings.warn(
        f"{name}(..., calendar) is deprecated: pass it as a keyword, "
        f"{name}(..., calendar=calendar) (as every rule takes it)",
        DeprecationWarning,
        stacklevel=3,
    )
    return old[0]


def whole_arg(value: object, field: str, what: str) -> int:
    """``value`` if it is an int (not a bool), else a ValidationError naming ``field``.

    ``what`` says what is counted: ``n: expected a whole number of working days``.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError.about(field, f"a whole number of {what}", value)
    return value


def year_arg(value: object, field: str) -> int:
    """``value`` if it is a year a :class:`~projpush.model.Month` can hold, else ValidationError.

    The model's own year rule (an int, not a bool, from 1900 to 2200), so that
    a rule given a year can build every month of it.

    >>> year_arg("2020", "year")
    Traceback (most recent call last):
    ...
    projpush.errors.ValidationError: year: expected a whole number from 1900 to 2200, got '2020'
    """
    from projpush.model import _year_field  # noqa: PLC0415 (model imports this module)

    return _year_field(value, field)


def enum_choices(enum_cls: type[enum.Enum]) -> str:
    """The members of ``enum_cls`` as an error lists them: each value, and its Chinese label.

    A ledger is typed by people who read the policy documents' words as
    often as projpush's values, and :func:`to_enum` takes either.

    >>> from projpush.model import Level
    >>> enum_choices(Level)
    'province (省级), city (市级), county (县级), town (镇级)'
    """
    return ", ".join(f"{m.value} ({_ZH[m]})" if m in _ZH else str(m.value) for m in enum_cls)


def to_enum(enum_cls: type[E], value: object, field: str) -> E:
    """Accept a member, its value, its name or its Chinese label (``.zh``).

    >>> from projpush.model import Difficulty
    >>> to_enum(Difficulty, "疑难问题", "difficulty")
    <Difficulty.DIFFICULT: 'difficult'>
    >>> try:
    ...     to_enum(Difficulty, "hard", "difficulty")
    ... except ValidationError as error:
    ...     print(error.expected)
    one of general (一般问题), difficult (疑难问题)
    """
    if isinstance(value, enum_cls):
        return value
    if isinstance(value, str):
        text = normalise_text(value)
        for member in enum_cls:
            if text in (member.value, member.name, getattr(member, "zh", None)):
                return member
    raise ValidationError.about(field, f"one of {enum_choices(enum_cls)}", value)


def to_text(value: object, field: str) -> str:
    """Require a non-blank string: free text (a name, a title), kept as typed.

    Only the white space at its two ends goes; every other character stays,
    full-width punctuation, ``①``, ``m²`` and ``㈱`` included.

    >>> to_text(" ①号楼（一期）㈱ 5m² ", "name")
    '①号楼（一期）㈱ 5m²'
    """
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError.about(field, "a non-empty string", value)
    return text


def to_code_text(value: object, field: str) -> str:
    """Require a non-blank code (a local id, an issue id, a project key), normalised.

    A code is compared, not read: full-width letters and digits are folded
    and the ends stripped, so ``Ｌ-１`` and ``L-1`` are one code.

    >>> to_code_text(" ＮＢ－７ ", "local_id")
    'NB-7'
    """
    text = normalise_text(value) if isinstance(value, str) else ""
    if not text:
        raise ValidationError.about(field, "a non-empty code", value)
    return text


def to_optional_code_text(value: object, field: str) -> str | None:
    """Like :func:`to_code_text`, letting ``None`` through."""
    return None if value is None else to_code_text(value, field)


def to_str_tuple(value: object, field: str) -> tuple[str, ...]:
    """Convert an iterable of names (not a bare string) to a tuple of texts, kept as typed.

    Two names that fold to the same text (``王　五`` and ``王 五``) are one
    name given twice, and refused.
    """
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError.about(field, "a list of names", value)
    items = tuple(to_text(v, f"{field}[{i}]") for i, v in enumerate(value))
    if len(items) > 1:
        check_distinct([normalise_text(item) for item in items], items, field, "name")
    return items


def to_code_tuple(value: object, field: str) -> tuple[str, ...]:
    """Convert an iterable of project keys (not a bare string) to a tuple of codes.

    A key given twice, in any form (``L-1`` and ``Ｌ-1``), is refused.
    """
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise ValidationError.about(field, "a list of project keys", value)
    given = tuple(value)
    items = tuple(to_code_text(v, f"{field}[{i}]") for i, v in enumerate(given))
    check_distinct(items, given, field, "project key")
    return items


def check_distinct(
    keys: Sequence[Hashable], given: Sequence[object], field: str, what: str
) -> None:
    """Refuse two entries of a list whose ``keys`` are equal, naming both as ``given``.

    ``keys[i]`` is the form in which entry ``i`` is compared (a folded name,
    a parsed code); the error names the later entry, ``field[i]``.
    """
    if len(set(keys)) == len(keys):
        return
    seen: dict[Hashable, int] = {}
    for i, key in enumerate(keys):
        j = seen.setdefault(key, i)
        if j != i:
            raise duplicate_key(f"{field}[{i}]", what, given[j], given[i], f"{field}[{j}]")


def to_tuple_of(cls: type[V], value: object, field: str) -> tuple[V, ...]:
    """Require an iterable of ``cls`` instances and freeze it as a tuple."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError.about(field, f"a list of {cls.__name__}", value)
    items = tuple(value)
    for i, item in enumerate(items):
        if not isinstance(item, cls):
            raise ValidationError.about(f"{field}[{i}]", cls.__name__, item)
    return items


SORT_KEYS: dict[type, Callable[[Any], Any]] = {}
"""The sort key of FrozenMap keys by class, for classes whose own ``<`` is Python code.

A month's plan is twelve entries and a province has a hundred thousand of
them: ``projpush.model`` registers one integer per Month here instead of a
call of ``Month.__lt__`` per comparison.
"""


class FrozenMap(Mapping[K, V]):
    """An immutable, hashable mapping kept in key order, for value objects.

    >>> FrozenMap({2: "b", 1: "a"})
    FrozenMap({1: 'a', 2: 'b'})

    Built from pairs, a key given twice is refused rather than overwritten:

    >>> FrozenMap([(1, "a"), (1.0, "b")])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    projpush.errors.DuplicateKeyError: data: expected each key once, got 1 and 1.0, which are ...

    Raises:
        DuplicateKeyError: two of the pairs have equal keys.
    """

    __slots__ = ("_data", "_hash", "_view")

    def __init__(self, data: Mapping[K, V] | Iterable[tuple[K, V]] = ()) -> None:
        if type(data) is dict or isinstance(data, Mapping):  # a dict first: the usual case, in C
            items = dict(data)
        elif isinstance(data, str | bytes) or not isinstance(data, Iterable):
            raise ValidationError.about("FrozenMap", "a mapping or (key, value) pairs", data)
        else:
            pairs = data if isinstance(data, list | tuple) else list(data)
            try:
                items = dict(pairs)
            except (TypeError, ValueError):  # an entry that is no pair, or an unhashable key
                expected = "a mapping or (key, value) pairs with hashable keys"
                raise ValidationError.about("FrozenMap", expected, data) from None
            if len(items) != len(pairs):
                _refuse_repeated_key(pairs)
        rank = SORT_KEYS.get(type(next(iter(items), None)))
        try:
            ranks = None if rank is None else list(map(rank, items))
        except (AttributeError, TypeError):  # keys of mixed kinds: their own order decides
            ranks = None
        if ranks is None:
            self._data: dict[K, V] = dict(sorted(items.items(), key=_sort_key))
        elif ranks == sorted(ranks):  # already in order, as ledgers write them: keep the dict
            self._data = items
        else:
            keys = list(items)
            order = sorted(range(len(keys)), key=ranks.__getitem__)
            self._data = {keys[i]: items[keys[i]] for i in order}
        self._hash: int | None = None
        self._view: MappingProxyType[K, V] | None = None

    def __getitem__(self, key: K) -> V:
        return self._data[key]

    def __iter__(self) -> Iterator[K]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __reversed__(self) -> Iterator[K]:
        return reversed(self._data)

    def view(self) -> MappingProxyType[K, V]:
        """A read-only view of the underlying dict, for loops that run per project.

        Its ``get``, ``items`` and ``len`` are the dict's own C methods, with
        no Python call in between; nothing can change the map through it.
        """
        view = self._view
        if view is None:  # made once: the summary asks each project's maps every month
            view = self._view = MappingProxyType(self._data)
        return view

    # The Mapping mix-ins go through __getitem__ one key at a time; rules that
    # walk a province's monthly figures want the dict's own views.
    @overload
    def get(self, key: K, /) -> V | None: ...
    @overload
    def get(self, key: K, default: V | T, /) -> V | T: ...
    def get(self, key: K, default: object = None, /) -> object:
        """The value for ``key``, or ``default``."""
        return self._data.get(key, default)

    def keys(self) -> KeysView[K]:
        """The keys, in order."""
        return self._data.keys()

    def values(self) -> ValuesView[V]:
        """The values, in key order."""
        return self._data.values()

    def items(self) -> ItemsView[K, V]:
        """The (key, value) pairs, in key order."""
        return self._data.items()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, FrozenMap):
            return self._data == other._data
        if isinstance(other, Mapping):
            return self._data == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = hash(frozenset(self._data.items()))
        return self._hash

    def __repr__(self) -> str:
        return f"FrozenMap({self._data!r})"

    def __reduce__(self) -> tuple[type[FrozenMap[K, V]], tuple[dict[K, V]]]:
        """Pickle and copy as the mapping alone (a cached view cannot be pickled)."""
        return (type(self), (self._data,))


_sort_key: Final = operator.itemgetter(0)  # a pair's key, in C


def _refuse_repeated_key(pairs: Sequence[tuple[Any, Any]]) -> None:
    """Raise for the first key of ``pairs`` equal to an earlier one."""
    seen: dict[Any, Any] = {}
    for key, _ in pairs:
        if key in seen:
            first = next(k for k in seen if k == key)
            raise duplicate_key("data", "key", first, key)
        seen[key] = None


def to_money_map(
    key: Callable[[object, str], K], value: object, field: str
) -> FrozenMap[K, Decimal]:
    """Convert a mapping of keys to amounts (each key converted, each amount >= 0).

    The field label of an entry (``monthly_plan['2020-05']``) is built only
    when that entry is bad: ledgers hold millions of good ones.
    """
    if not isinstance(value, Mapping):
        raise ValidationError.about(field, "a mapping of period to amount", value)
    items = []
    for k, v in value.items():
        try:
            converted = key(k, field)
            amount = v if type(v) is Decimal and _plain_amount(v) else None
            if amount is None:
                amount = to_nonneg_money(v, field)
        except ProjpushError as error:
            label = f"{field}[{str(k)!r}]"
            message = str(error).replace(f"{field}:", f"{label}:", 1)
            raise type(error)(
                message, field=label, expected=error.expected, got=error.got
            ) from None
        items.append((converted, amount))
    try:
        return FrozenMap(items)
    except DuplicateKeyError:  # two keys that convert alike: 2020 and "2020", "2020-1", "2020-01"
        _refuse_colliding_keys(key, value, field)
        raise


def _plain_amount(value: Decimal) -> bool:
    """A Decimal :func:`to_nonneg_money` keeps as it is: finite, unsigned, bounded, not too fine."""
    return (
        value.is_finite()
        and not value.is_signed()  # "-0" too: it is written as 0
        and value.adjusted() <= _MONEY_DIGITS
        and int(value.as_tuple().exponent) >= -_MONEY_PLACES
    )


def _refuse_colliding_keys(
    key: Callable[[object, str], Any], value: Mapping[Any, Any], field: str
) -> None:
    """Raise for the first key of ``value`` that converts as an earlier one did, naming both."""
    given: dict[Any, Any] = {}
    for k in value:
        converted = key(k, field)
        first = given.setdefault(converted, k)
        if first is not k:
            what = "year" if type(converted) is int else "month"
            raise duplicate_key(f"{field}[{str(k)!r}]", what, first, k)


def to_bool(value: object, field: str) -> bool:
    """Require a real ``bool`` (a ledger's "yes"/"no" is mapped by the loader)."""
    if not isinstance(value, bool):
        raise ValidationError.about(field, "true or false", value)
    return value


def to_any_text(value: object, field: str) -> str:
    """Require a string, possibly empty (notes, roles), kept as typed but for its ends' spaces."""
    if not isinstance(value, str):
        raise ValidationError.about(field, "a string", value)
    return value.strip()


def to_optional_text(value: object, field: str) -> str | None:
    """Like :func:`to_text`, letting ``None`` through."""
    return None if value is None else to_text(value, field)


# The converter of a field annotated with a plain class. projpush.io parses a
# top-level JSON leaf with the same table, so both accept the same values.
_BY_CLASS: dict[type, Callable[[object, str], Any]] = {
    str: to_text,
    dt.date: to_date,
    Decimal: to_nonneg_money,
    bool: to_bool,
}

# The same, keyed by annotations as the model spells them, and their optional forms.
_BY_TYPE: dict[str, Callable[[object, str], Any]] = {
    "str": _BY_CLASS[str],
    "str|None": to_optional_text,
    "dt.date": _BY_CLASS[dt.date],
    "dt.date|None": to_optional_date,
    "Decimal": _BY_CLASS[Decimal],
    "bool": _BY_CLASS[bool],
    "tuple[str,...]": to_str_tuple,
}


def typed_converters(cls: type, fields: list[attrs.Attribute[Any]]) -> list[attrs.Attribute[Any]]:
    """An attrs ``field_transformer`` that converts each field by its annotation.

    A field's converter is its ``converter=`` when that is a face declared by
    :func:`takes_field`, else ``metadata["convert"]`` if given, else the one
    its annotation calls for (text, date, money, bool, tuples of names or of a
    model class, enums). Every converter receives the field's name, so errors
    read ``planned: expected an ISO date YYYY-MM-DD, got '2020-13-01'``. A
    field that accepts more than its annotated type (an ISO string for a date,
    a value for an enum) names a typed face, so that type checkers see what
    the ``__init__`` accepts: ``level: Level | str``.
    """
    namespace = vars(sys.modules[cls.__module__])
    result = []
    for f in fields:
        if not f.init:
            result.append(f)
        elif f.converter is not None:
            face = cast("Callable[..., Any]", f.converter)
            impl = _FIELD_CONVERTERS.get(face)
            if impl is None:  # a converter of one argument, used as given
                result.append(f)
            else:
                result.append(f.evolve(converter=_bind(impl, f.name, _face_hints(face))))
        else:
            fn = f.metadata.get("convert") or _converter_for(f, namespace)
            result.append(f.evolve(converter=_bind(fn, f.name, _field_hints(f, namespace))))
    return result


_FIELD_CONVERTERS: dict[Callable[..., Any], Callable[[Any, str], Any]] = {}


def takes_field(
    face: Callable[[Any, str], Any], impl: Callable[[Any, str], Any] | None = None
) -> None:
    """Declare ``face`` a field converter ``(value, field) -> converted`` for typed_converters.

    A field of a class built with :func:`typed_converters` may name ``face``
    as its ``converter=``: the generated ``__init__`` then calls ``impl``
    (``face`` itself by default) with the value and the field's name, so its
    errors name the field. ``face`` is what type checkers read: the mypy attrs
    plugin types the ``__init__`` parameter as ``face``'s first parameter
    (``Level | str``), and so does ``inspect.signature`` at run time. ``impl``
    saves a call per field when ``face`` only forwards to it.
    """
    _FIELD_CONVERTERS[face] = face if impl is None else impl


def enum_faces(*pairs: tuple[Callable[..., Any], type[enum.Enum]]) -> None:
    """Declare each ``(face, Enum)`` a field converter that runs ``to_enum(Enum, ...)``."""
    for face, enum_cls in pairs:
        takes_field(face, functools.partial(to_enum, enum_cls))


def tuple_faces(*pairs: tuple[Callable[..., Any], type]) -> None:
    """Declare each ``(face, cls)`` a field converter that runs ``to_tuple_of(cls, ...)``."""
    for face, cls in pairs:
        takes_field(face, functools.partial(to_tuple_of, cls))


def typed_faces() -> Mapping[Callable[..., Any], Callable[[Any, str], Any]]:
    """The declared field converters, each face with what it runs (read-only)."""
    return MappingProxyType(_FIELD_CONVERTERS)


def _bind(
    fn: Callable[[Any, str], Any], name: str, hints: dict[str, Any] | None
) -> Callable[[Any], Any]:
    def convert(value: Any) -> Any:
        return fn(value, name)

    # attrs annotates the generated __init__ with the converter's first parameter:
    # give it what the field accepts, so `inspect.signature(Project)` reads
    # `level: Level | str`, not `value: object`.
    if hints is not None:
        convert.__annotations__ = hints
    return convert


def _face_hints(face: Callable[..., Any]) -> dict[str, Any] | None:
    """``{"value": <first parameter's type>, "return": <type>}`` of ``face``, resolved."""
    code = getattr(face, "__code__", None)
    annotations = getattr(face, "__annotations__", None)
    if code is None or not annotations or code.co_varnames[:1] != ("value",):
        return None
    try:
        hints = typing.get_type_hints(face)
    except (NameError, TypeError):  # a name only a type checker sees: keep the text
        hints = annotations
    return {"value": hints["value"], "return": hints.get("return", Any)}


def _field_hints(f: attrs.Attribute[Any], namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The field's own annotation as the converter's, resolved in its class's module."""
    spelled = {"value": f.type, "return": f.type}
    holder = type("_Annotated", (), {"__annotations__": spelled})
    try:
        return typing.get_type_hints(holder, globalns=dict(namespace))
    except (NameError, TypeError):  # a name only a type checker sees: keep the text
        return spelled


def _converter_for(
    f: attrs.Attribute[Any], namespace: Mapping[str, Any]
) -> Callable[[object, str], Any]:
    spelled = str(f.type).replace(" ", "")
    if spelled == "str" and f.default == "":
        return to_any_text
    if spelled in _BY_TYPE:
        return _BY_TYPE[spelled]
    if spelled.startswith("tuple[") and spelled.endswith(",...]"):
        item = namespace[spelled[len("tuple[") : -len(",...]")]]
        return lambda v, name: to_tuple_of(item, v, name)
    optional = spelled.endswith("|None")
    target = namespace.get(spelled.removesuffix("|None"))
    if isinstance(target, type) and issubclass(target, enum.Enum):
        if optional:
            return lambda v, name: None if v is None else to_enum(target, v, name)
        return lambda v, name: to_enum(target, v, name)
    msg = f"no converter for field {f.name!r} of type {f.type!r}"  # a bug in projpush
    raise TypeError(msg)


# Typed faces of the converters above, for the ``converter=`` of model fields: the
# mypy attrs plugin and ``inspect.signature`` read a field's accepted type from them.


def date_in(value: dt.date | str, field: str = "value") -> dt.date:
    """A date field: a ``date`` or an ISO ``YYYY-MM-DD`` string."""
    return to_date(value, field)


def optional_date_in(value: dt.date | str | None, field: str = "value") -> dt.date | None:
    """An optional date field: a ``date``, an ISO string or ``None``."""
    return to_optional_date(value, field)


def money_in(value: Decimal | int | str, field: str = "value") -> Decimal:
    """An amount field (万元, >= 0): a ``Decimal``, an ``int`` or a decimal string."""
    return to_nonneg_money(value, field)


def names_in(value: Iterable[str], field: str = "value") -> tuple[str, ...]:
    """A field of names (any iterable of strings but a string), kept as typed."""
    return to_str_tuple(value, field)


def codes_in(value: Iterable[str], field: str = "value") -> tuple[str, ...]:
    """A field of project keys (any iterable of strings but a string), normalised."""
    return to_code_tuple(value, field)


def code_in(value: str, field: str = "value") -> str:
    """A code field (a project key, an issue id), normalised."""
    return to_code_text(value, field)


def optional_code_in(value: str | None, field: str = "value") -> str | None:
    """An optional code field, normalised."""
    return to_optional_code_text(value, field)


for _face, _impl in (
    (date_in, to_date),
    (optional_date_in, to_optional_date),
    (money_in, to_nonneg_money),
    (names_in, to_str_tuple),
    (codes_in, to_code_tuple),
    (code_in, to_code_text),
    (optional_code_in, to_optional_code_text),
):
    takes_field(_face, _impl)


def unchecked(cls: type[T]) -> Callable[..., T]:
    """A constructor of the attrs class ``cls`` that skips its converters and checks.

    It takes the same arguments as ``cls`` (same names, same defaults) and
    sets them as given, without ``__attrs_post_init__``. Only for values that
    projpush itself made from values already checked: an event a rule adds to
    an issue, a record of a ledger that is trusted (``load_ledger(...,
    trusted=True)``). The generated code is what attrs writes for a class
    without converters, so it costs what a plain slotted object costs.

    >>> import attrs
    >>> @attrs.frozen
    ... class P:
    ...     x: int = attrs.field(converter=int)
    ...     tags: tuple[str, ...] = ()
    >>> unchecked(P)("7")
    P(x='7', tags=())
    """
    fields = [f for f in attrs.fields(cast("Any", cls)) if f.init]
    scope: dict[str, Any] = {"_new": object.__new__, "_set": object.__setattr__, "_cls": cls}
    params, body = [], ["o = _new(_cls)"]
    for i, f in enumerate(fields):
        if f.default is attrs.NOTHING:
            params.append(f.alias)
        elif isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
            scope[f"_factory{i}"], scope["_NOTHING"] = f.default.factory, attrs.NOTHING
            params.append(f"{f.alias}=_NOTHING")
            body.append(f"if {f.alias} is _NOTHING: {f.alias} = _factory{i}()")
        else:
            scope[f"_default{i}"] = f.default
            params.append(f"{f.alias}=_default{i}")
        body.append(f"_set(o, {f.name!r}, {f.alias})")
    if "_attrs_cached_hash" in getattr(cls, "__slots__", ()):  # attrs' cache_hash=True slot
        body.append("_set(o, '_attrs_cached_hash', None)")
    source = f"def make({', '.join(params)}):\n    " + "\n    ".join([*body, "return o"])
    exec(source, scope)  # noqa: S102 (generated from the class's own field names)
    make: Callable[..., T] = scope["make"]
    make.__qualname__ = make.__name__ = f"unchecked_{cls.__name__}"
    return make
