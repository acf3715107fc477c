"""The trusted bulk path of the JSON ledger loader (private).

``load_ledger(path, trusted=True)`` comes here. It builds values equal to
those of the validating decoder in :mod:`projpush.io`, saving three costs:

- each distinct leaf text of a field (a date, an amount, a month, a name,
  an enum value) is converted once, by that field's own converter, and the
  result is shared by every record holding the same text, which also keeps
  one copy of it in memory (a list or map of texts, such as a leader's
  projects, is converted whole by its field's converter, which refuses an
  entry given twice);
- objects are built without running their converters again
  (:func:`projpush._convert.unchecked`); their own checks (validators and
  ``__attrs_post_init__``: a project has a code or a local id, milestone
  names are unique, stage events are in order, a secretary's cadences name
  projects they serve, an issue's history replays) still run, as do the
  portfolio's (duplicate keys, unknown references);
- the file is read a chunk at a time and each record parsed on its own, so
  neither the whole text nor the parsed JSON of the whole ledger is ever in
  memory; a key written twice in one JSON object is still noticed.

So the two paths refuse the same ledgers: what the trusted path skips is
only repeated work (converting a text already converted), never a check.
Any record the fast builder cannot take as it is (a wrong JSON type, an
unknown or missing key, a leaf its converter refuses, an illegal event), and
any surprise in the text, sends the whole file to the validating decoder:
a malformed ledger fails the same way, with the same first error and JSON
path, whichever path reads it.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any, BinaryIO, Final

import attrs

from projpush._convert import FrozenMap, unchecked
from projpush._gc import no_cycle_collection
from projpush.errors import ProjpushError
from projpush.io import (
    LEDGER_FORMAT,
    LEDGER_VERSION,
    _construct,
    _decode_ledger,
    _leaf_converter,
)
from projpush.model import Month, Portfolio, ProjectCode

if typing.TYPE_CHECKING:
    from pathlib import Path

__all__ = ["decode_trusted"]

Build = Callable[[Any], Any]

_SCALARS: Final = (Month, ProjectCode)  # attrs classes that a ledger writes as one string
_ERRORS: Final = (ProjpushError, TypeError, ValueError, LookupError, ArithmeticError)


class _Fallback(Exception):  # noqa: N818 (a signal within this module, never raised out of it)
    """This ledger needs the validating decoder: something in it is malformed, or unusual."""


def decode_trusted(path: Path) -> Portfolio:
    """A portfolio from a JSON ledger file, through the trusted path.

    Raises:
        LedgerError: as :func:`projpush.io.load_portfolio` would.
        OSError: the file cannot be read.
    """
    with no_cycle_collection():
        try:
            with path.open("rb") as stream:
                document: dict[str, Any] | None = _stream(_Reader(stream))
        except (_Fallback, UnicodeDecodeError, RecursionError):
            document = None
        finally:
            for cache in _CACHES:  # the shared values stay with the portfolio, not here
                cache.clear()
        if document is None or not _is_ledger(document):
            return _decode_ledger(path.read_bytes())  # the validating path says what is wrong
        lists = {name: document.get(name, ()) for name in _LISTS}
        return _construct(Portfolio, lists, "$")


_SPACE: Final = re.compile(r"[ \t\n\r]*")
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]")


def _refuse_constant(_name: str) -> Any:
    raise _Fallback  # NaN or Infinity: the validating path words the refusal


def _one_key_once(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object as a dict; a key written twice is for the validating path to refuse."""
    built = dict(pairs)
    if len(built) < len(pairs):
        raise _Fallback
    return built


# Seeing the pairs costs no more than letting json build the dict itself (2.3 s against
# 2.6 s to parse a 71 MB ledger of 10,000 projects, on a busy machine).
_DECODER: Final = json.JSONDecoder(parse_constant=_refuse_constant, object_pairs_hook=_one_key_once)


class _Reader:
    """JSON text read from a file a chunk at a time, one value after another.

    Only the current chunk and the value being read are held as text: the
    whole text of a province's ledger, as a Python string, would be twice
    the size of the file (its Chinese makes every character two bytes).
    The bytes are decoded here, a chunk at a time: a text-mode file decodes
    8 KiB at a time however much is asked for, which cost three times as
    much as this (5.2 s against 1.7 s for a ledger of 861 MiB).
    """

    CHUNK: Final = 1 << 20  # bytes

    def __init__(self, stream: BinaryIO) -> None:
        self.stream, self.text, self.at, self.eof = stream, "", 0, False
        self.decode = codecs.getincrementaldecoder("utf-8-sig")().decode

    def _more(self) -> None:
        tail = self.text[self.at :]
        data = self.stream.read(self.CHUNK)
        self.eof = not data
        self.text, self.at = tail + self.decode(data, final=self.eof), 0
        # A lone surrogate is for the validating path to refuse, with its JSON path. In
        # text decoded from UTF-8 it can only be an escape; most ledgers hold no escape.
        window = self.text[max(len(tail) - 6, 0) :]
        if "\\u" in window and _SURROGATE_ESCAPE.search(window):
            raise _Fallback

    def peek(self) -> str:
        """The next character that is not a blank ("" at the end)."""
        while True:
            blanks = _SPACE.match(self.text, self.at)
            self.at = blanks.end() if blanks else self.at
            if self.at < len(self.text) or self.eof:
                return self.text[self.at : self.at + 1]
            self._more()

    def take(self, char: str) -> None:
        """Step over ``char``, which must come next."""
        if self.peek() != char:
            raise _Fallback
        self.at += 1

    def value(self) -> Any:
        """The next JSON value, parsed."""
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.at)
            except ValueError:  # cut off by the chunk's end, or malformed
                if self.eof:
                    raise _Fallback from None
                self._more()
                continue
            if end < len(self.text) or self.eof:  # a number at the end may go on
                self.at = end
                return value
            self._more()


def _stream(reader: _Reader) -> dict[str, Any]:
    """The ledger document, each record built as soon as it is parsed.

    The top-level object is walked here and each record of its lists parsed
    on its own, so the parsed JSON of the whole ledger never exists at once:
    only the records built so far, and one record's JSON.
    """
    document: dict[str, Any] = {}
    reader.take("{")
    while reader.peek() != "}":
        if document:
            reader.take(",")
        key = reader.value()
        if type(key) is not str:
            raise _Fallback
        reader.take(":")
        if key in _LISTS and reader.peek() == "[":
            document[key] = _stream_list(reader, key)
        else:
            document[key] = reader.value()
    reader.take("}")
    if reader.peek():
        raise _Fallback
    return document


def _stream_list(reader: _Reader, name: str) -> tuple[Any, ...]:
    build = _LISTS[name]
    records: list[Any] = []
    reader.take("[")
    while reader.peek() != "]":
        if records:
            reader.take(",")
        records.append(_record(build, reader.value()))
    reader.take("]")
    return tuple(records)


def _is_ledger(document: Any) -> bool:
    if not isinstance(document, dict) or not document.keys() <= {"format", "version", *_LISTS}:
        return False
    if any(type(document.get(name, ())) is not tuple for name in _LISTS):
        return False  # a list that was no JSON list
    version = document.get("version")
    return (
        document.get("format") == LEDGER_FORMAT
        and type(version) is int
        and version == LEDGER_VERSION
    )


def _record(build: Build, item: Any) -> Any:
    """One record built; any trouble sends the whole document to the validating path.

    The whole document, not this record: that path reports the first problem
    of the document (a syntax error further on comes before a bad record).
    """
    try:
        return build(item)
    except _ERRORS:
        raise _Fallback from None


_MISSING: Final = object()
_CACHES: Final[list[dict[object, Any]]] = []  # every leaf's cache, emptied after each load


@functools.cache
def _builder(hint: Any) -> Build:
    """The fast builder for a value of type ``hint`` (an object, a tuple, a mapping, a leaf)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        (inner,) = (a for a in args if a is not type(None))
        build = _builder(inner)
        return lambda value: None if value is None else build(value)
    if origin is tuple:
        return _tuple_builder(_builder(args[0]))
    if isinstance(origin, type) and issubclass(origin, Mapping):
        return _map_builder(_builder(args[0]), _builder(args[1]))
    if attrs.has(hint) and hint not in _SCALARS:
        return _object_builder(hint)
    convert = _leaf_converter(hint)
    return _memoised(lambda value: convert(value, "value"))


def _structured(hint: Any) -> bool:
    """True for a field the builder assembles itself (objects, tuples, mappings).

    Not a list or map of texts (a leader's projects, a task force's members,
    a secretary's cadences): whether such a text is a code (folded) or a name
    (kept as typed), and which entries collide, is the field's converter's
    to say, so the field is converted by it, as the checked path does.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        return any(_structured(a) for a in args if a is not type(None))
    if origin is tuple or (isinstance(origin, type) and issubclass(origin, Mapping)):
        return str not in args
    return attrs.has(hint) and hint not in _SCALARS


def _cache() -> dict[object, Any]:
    cache: dict[object, Any] = {}
    _CACHES.append(cache)
    return cache


# The texts of the lists of texts (a leader's projects), one object per distinct text: the
# same project keys stand in many lists, and the converters keep a text that needs no folding.
_SHARED: Final = _cache()


def _memoised(convert: Callable[[object], Any]) -> Build:
    """A leaf converted once per distinct text (or None), by ``convert``."""
    cache = _cache()

    def leaf(value: Any) -> Any:
        if type(value) is not str and value is not None:
            return convert(value)  # numbers and booleans: 1 == True as dict keys
        result = cache.get(value, _MISSING)
        if result is _MISSING:
            result = cache[value] = convert(value)
        return result

    return leaf


def _tuple_builder(item: Build) -> Build:
    def build(value: Any) -> tuple[Any, ...]:
        if type(value) is not list:
            raise _Fallback
        return tuple([item(v) for v in value])

    return build


def _map_builder(key: Build, item: Build) -> Build:
    def build(value: Any) -> FrozenMap[Any, Any]:
        if type(value) is not dict:
            raise _Fallback
        built = {key(k): item(v) for k, v in value.items()}
        if len(built) < len(value):  # two keys that convert alike ("2020-1", "2020-01")
            raise _Fallback
        return FrozenMap(built)

    return build


def _object_builder(cls: type) -> Build:
    """A builder generated for ``cls``: one straight line of code per field.

    A leaf field's text is looked up in its cache and converted by the
    field's own converter on a miss; a structured field calls its builder.
    The code is generated, as attrs generates ``__init__``, because the
    builder runs once per record of a province's ledger, and a call per
    field would cost as much again.
    """
    hints = typing.get_type_hints(cls)
    fields = [f for f in attrs.fields(cls) if f.init]
    scope: dict[str, Any] = {
        "_Fallback": _Fallback,
        "_M": _MISSING,
        "_make": unchecked(cls),
        "_known": frozenset(f.alias for f in fields),
        "_required": frozenset(f.alias for f in fields if f.default is attrs.NOTHING),
    }
    lines = [
        "def build(d):",
        "    if type(d) is not dict or not _required <= d.keys() <= _known:",
        "        raise _Fallback",
        "    get = d.get",
    ]
    for i, f in enumerate(fields):
        v = f"v{i}"
        lines.append(f"    {v} = get({f.alias!r}, _M)")
        if isinstance(f.default, attrs.Factory):  # type: ignore[arg-type]
            scope[f"_default{i}"] = f.default.factory
            lines.append(f"    if {v} is _M: {v} = _default{i}()")
        elif f.default is not attrs.NOTHING:
            scope[f"_default{i}"] = f.default
            lines.append(f"    if {v} is _M: {v} = _default{i}")
        lines.append("    else:" if f.default is not attrs.NOTHING else "    if True:")
        if _structured(hints[f.name]):
            scope[f"_build{i}"] = _builder(hints[f.name])
            lines.append(f"        {v} = _build{i}({v})")
        else:
            convert = f.converter or _same
            scope[f"_cache{i}"], scope[f"_convert{i}"] = _cache(), convert
            branch = "if"
            if _keeps_none(convert):  # most optional fields of most records are empty
                lines.append(f"        if {v} is None: pass")
                branch = "elif"
            lines += [
                f"        {branch} type({v}) is str or {v} is None:",
                f"            r = _cache{i}.get({v}, _M)",
                f"            if r is _M: r = _cache{i}[{v}] = _convert{i}({v})",
                f"            {v} = r",
            ]
            if typing.get_origin(hints[f.name]) is tuple:  # a list of texts: one copy each
                scope["_share"] = _SHARED.setdefault
                shared = f"[_share(x, x) for x in {v}]"
                lines.append(f"        elif type({v}) is list: {v} = _convert{i}({shared})")
                # any other JSON value (an object, whose keys would pass for the list, a
                # number) is the checked reader's to name: "expected a JSON list"
                lines.append("        else: raise _Fallback")
            else:
                lines.append(f"        else: {v} = _convert{i}({v})")
    lines.append(f"    o = _make({', '.join(f'v{i}' for i in range(len(fields)))})")
    # The object's own checks run as on the checked path: its validators (a milestone
    # done before it started), then its hook, which checks (a project with neither code
    # nor local id) or derives a value (Issue.status). A refusal sends the file there.
    if any(f.validator is not None for f in fields):
        scope["_validate"] = attrs.validate
        lines.append("    _validate(o)")
    if hasattr(cls, "__attrs_post_init__"):
        scope["_post_init"] = cls.__attrs_post_init__
        lines.append("    _post_init(o)")
    lines.append("    return o")
    exec("\n".join(lines), scope)  # noqa: S102 (generated from the class's own fields)
    build: Build = scope["build"]
    build.__qualname__ = f"build_{cls.__name__}"
    return build


def _keeps_none(convert: Callable[[object], Any]) -> bool:
    """True if ``convert`` turns None into None (an optional field's converter)."""
    try:
        return convert(None) is None
    except ProjpushError:
        return False


def _same(value: object) -> object:
    return value


def _lists() -> dict[str, Build]:
    """Each record list of a portfolio, with the builder of its records."""
    hints = typing.get_type_hints(Portfolio)
    fields = (f.name for f in attrs.fields(Portfolio) if f.init)
    return {name: _builder(typing.get_args(hints[name])[0]) for name in fields}


_LISTS: Final = _lists()
