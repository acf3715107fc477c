"""Every public callable, given junk, raises a ProjpushError or answers: never a bare error.

The callables are generated from the ``__all__`` of each public module and
their signatures: every function, every class (its constructor) and every
public classmethod or staticmethod. Each is called with each required
argument set to a junk value (``None``, a float, an empty container, a huge
number, text, an object), one argument at a time with the others ``None``,
and, through Hypothesis, with junk drawn at random. What may come out is a
value or a :class:`~projpush.errors.ProjpushError`; an ``AttributeError``,
a ``TypeError: unhashable``, a ``KeyError`` from deep inside, or a call
that runs longer than its time limit fails the test.

:data:`KNOWN` lists the callables that still let a bare error out, with
what escapes; the test for each of them is an expected failure, strict, so
mending one fails its entry until it is taken off the list.
"""

from __future__ import annotations

import datetime as dt
import importlib
import inspect
import signal
from contextlib import contextmanager
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from projpush.errors import ProjpushError, shown

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

MODULES: Final = (
    "projpush.errors",
    "projpush.model",
    "projpush.schedule",
    "projpush.lights",
    "projpush.escalation",
    "projpush.metrics",
    "projpush.io",
    "projpush.ledger",
    "projpush.csvledger",
    "projpush.report",
    "projpush.synth",
    "projpush.foresight",
    "projpush.messages",
)
JUNK: Final = (
    None,
    1.5,
    float("nan"),
    "",
    "x",
    b"x",
    [],
    {},
    (),
    set(),
    [None],
    {"a": 1},
    object(),
    True,
    -1,
    10**30,
    10**5000,
    Decimal("NaN"),
    Decimal("1E+999999999"),
    Fraction(1, 3),
    # Valid for one argument, so that the others (None) are what is checked.
    dt.date(2020, 6, 30),
    dt.datetime(2020, 6, 30, 9),  # noqa: DTZ001 (naive, as a caller would pass it)
    "2020-06-30",
    0,
)
LIMIT: Final = 2.0  # seconds a call may take: a hang is a failure, not a wait

# Callables that still let a bare built-in error out (what escapes, for one junk value).
KNOWN: Final[dict[str, str]] = {}


def public_callables() -> Iterator[tuple[str, Callable[..., Any]]]:
    """``(qualified name, callable)`` for everything public in :data:`MODULES`."""
    for name in MODULES:
        module = importlib.import_module(name)
        for attr in getattr(module, "__all__", ()):
            obj = getattr(module, attr)
            qual = f"{name}.{attr}"
            if inspect.isclass(obj):
                if issubclass(obj, BaseException) or getattr(obj, "_is_protocol", False):
                    continue  # errors are raised, not called; a Protocol is a type only
                yield qual, obj
                for key, raw in vars(obj).items():
                    if not key.startswith("_") and isinstance(raw, classmethod | staticmethod):
                        yield f"{qual}.{key}", getattr(obj, key)
            elif callable(obj):
                yield qual, obj


CALLABLES: Final = dict(public_callables())


class _Timeout(Exception):  # noqa: N818 (a signal within this module)
    """The call ran past :data:`LIMIT`."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    def stop(*_: object) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def calls(fn: Callable[..., Any], junk: Any) -> Iterator[tuple[tuple[Any, ...], dict[str, Any]]]:
    """The argument lists to try: each required parameter junk in turn, the others None."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):  # pragma: no cover (a builtin without a signature)
        return
    params = [
        p for p in signature.parameters.values() if p.kind not in {p.VAR_POSITIONAL, p.VAR_KEYWORD}
    ]
    required = [p for p in params if p.default is p.empty]
    for target in required or params[:1]:
        values = {p.name: None for p in required} | {target.name: junk}
        args = tuple(
            values[p.name] for p in params if p.kind is p.POSITIONAL_ONLY and p.name in values
        )
        kwargs = {
            k: v
            for k, v in values.items()
            if k not in {p.name for p in params if p.kind is p.POSITIONAL_ONLY}
        }
        yield args, kwargs
    if not params:
        yield (), {}


def escapes(fn: Callable[..., Any], junk: Any) -> list[str]:
    """What bare errors (or time-outs) come out of ``fn`` called with ``junk``."""
    out = []
    for args, kwargs in calls(fn, junk):
        try:
            with time_limit(LIMIT):
                fn(*args, **kwargs)
        except ProjpushError:
            pass
        except _Timeout:
            out.append(f"no answer within {LIMIT} s for {shown(junk):.40}")
        except Exception as error:  # noqa: BLE001 (what the sweep is looking for)
            try:
                text = str(error)
            except ValueError:  # its message holds an int too long to print
                text = "(a message that cannot be printed)"
            out.append(f"{type(error).__name__}: {text:.80} for {shown(junk):.40}")
    return out


def sweep_params() -> list[Any]:
    return [
        pytest.param(
            name,
            marks=pytest.mark.xfail(strict=True, reason=f"known escape: {KNOWN[name]}"),
        )
        if name in KNOWN
        else name
        for name in CALLABLES
    ]


class TestSweep:
    """Junk in, a ProjpushError or an answer out, for every public callable."""

    def test_the_sweep_reaches_every_module(self):
        """Each module gives callables, and every KNOWN entry is still one of them."""
        for module in MODULES[1:]:
            assert any(name.startswith(f"{module}.") for name in CALLABLES), module
        assert set(KNOWN) <= set(CALLABLES)

    @pytest.mark.parametrize("name", sweep_params())
    def test_fixed_junk(self, name):
        """Every junk value of :data:`JUNK`, each argument in turn."""
        found = [e for junk in JUNK for e in escapes(CALLABLES[name], junk)]
        assert [] == found

    @settings(max_examples=200, deadline=None)
    @given(
        st.sampled_from(sorted(set(CALLABLES) - set(KNOWN))),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.integers(min_value=10**20),
            st.floats(),
            st.decimals(),
            st.fractions(),
            st.text(max_size=10),
            st.binary(max_size=4),
            st.lists(st.none() | st.integers() | st.text(max_size=3), max_size=3),
            st.dictionaries(st.text(max_size=3), st.integers(), max_size=3),
            st.dates(),
            st.datetimes(),
        ),
    )
    def test_drawn_junk(self, name, junk):
        """Junk drawn by Hypothesis, for the callables that hold with the fixed junk."""
        assert [] == escapes(CALLABLES[name], junk)
