"""Lossless JSON for every model value, and the JSON ledger file (台账文件).

The encoding is canonical and exact: ``Decimal`` amounts as strings
(``"479.33"``, never a float), dates as ISO ``YYYY-MM-DD``, months as
``"YYYY-MM"``, project codes as their 24-character text, enums by value, and
mappings (``annual_plans``, monthly plans, cadences) as JSON objects whose
keys are text (``"2020"``, ``"2020-05"``). An object is written as its
``attrs`` *init* fields, so a derived field (an issue's ``status``, a
portfolio's indexes) is never stored: it is rebuilt, and re-checked, when the
value is read back.

Encoding and decoding walk the attrs fields and their annotations, so a field
added to the model later is serialised without touching this module.
Decoding hands each leaf value (a date string, an amount, an enum value) to
the model's own converters, so the ledger accepts exactly what the model
accepts and reports errors in the model's words, prefixed by the JSON path
of the first bad value:

>>> from projpush.model import Milestone
>>> m = from_json(Milestone, '{"name": "土地摘牌", "planned": "2020-06-30", "percent": "40"}')
>>> m.planned, m.percent
(datetime.date(2020, 6, 30), Decimal('40'))
>>> to_dict(m)["percent"]
'40'
>>> from_json(Milestone, '{"name": "土地摘牌", "planned": "2020-06-31"}')  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
projpush.errors.LedgerError: $.planned: planned: expected an ISO date YYYY-MM-DD, got '2020-06-31'
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
import json
import os
import re
import stat
import sys
import tempfile
import types
import typing
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Final, TypeVar, overload

import attrs

from projpush._convert import _BY_CLASS, FrozenMap, duplicate_key, to_enum
from projpush._paths import path_arg
from projpush.errors import LedgerError, ProjpushError
from projpush.model import Month, Portfolio, ProjectCode, _to_year

__all__ = [
    "LEDGER_FORMAT",
    "LEDGER_VERSION",
    "dump_portfolio",
    "from_dict",
    "from_json",
    "load_portfolio",
    "parse_ledger_document",
    "to_dict",
    "to_json",
]

T = TypeVar("T")

LEDGER_FORMAT: Final = "projpush-ledger"
LEDGER_VERSION: Final = 1

# Values written as one JSON string rather than as an object of their fields.
_SCALARS: Final[dict[type, typing.Callable[[object, str], Any]]] = {
    Month: Month.parse,
    ProjectCode: ProjectCode.parse,
}


# Top-level leaves: the model's converter by field class (one table with
# _convert's), years for ints (annual_plans' keys), and the scalars above.
_LEAVES: Final[dict[type, typing.Callable[[object, str], Any]]] = {
    **_BY_CLASS,
    int: _to_year,
    **_SCALARS,
}


# --------------------------------------------------------------------------- encoding


def to_dict(obj: object) -> Any:
    """Return the JSON value of a model object: dicts, lists, strings, ints, bools, None.

    An attrs object becomes a dict of its init fields; :class:`~projpush.model.Month`
    and :class:`~projpush.model.ProjectCode` become their text wherever they
    stand (also at the top level), mappings become dicts with text keys.

    >>> from projpush.model import Project, yi
    >>> p = Project(local_id="L-7", name="港口", level="city", category="infrastructure",
    ...     stage="planned", region="北仑区", unit="市港航局", annual_plans={2020: yi("1.5")})
    >>> d = to_dict(p)
    >>> d["annual_plans"], d["code"], d["stage"]
    ({'2020': '15000.0'}, None, 'planned')

    Raises:
        LedgerError: the value holds something with no JSON form (a float, a datetime).
    """
    return _encode(obj, "$")


def to_json(obj: object, *, indent: int | None = None) -> str:
    """Return the JSON text of a model object, Chinese kept as is (no ASCII escapes).

    >>> from projpush.model import Month
    >>> to_json(Month(2020, 5))
    '"2020-05"'
    """
    return json.dumps(to_dict(obj), ensure_ascii=False, indent=indent)


_INT_BITS: Final = 13_280  # 4,000 decimal digits: below the 4,300 Python prints


def _encode(value: object, path: str) -> Any:  # noqa: C901, PLR0911 (one return per JSON kind)
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        if value.bit_length() > _INT_BITS:  # json could not write it (over 4,300 digits)
            raise LedgerError.about(path, "a whole number of at most 4,000 digits", value)
        return value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.datetime):
        raise LedgerError.about(path, "a date, not a datetime", value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if type(value) in _SCALARS:
        return str(value)
    if attrs.has(type(value)):
        return {
            f.alias: _encode(getattr(value, f.name), f"{path}.{f.alias}")
            for f in attrs.fields(type(value))  # type: ignore[arg-type]
            if f.init
        }
    if isinstance(value, Mapping):
        return _encode_mapping(value, path)
    if isinstance(value, tuple | list):
        return [_encode(v, f"{path}[{i}]") for i, v in enumerate(value)]
    raise LedgerError.about(path, "a value with a JSON form (float is never one)", value)


def _encode_mapping(value: Mapping[Any, Any], path: str) -> dict[str, Any]:
    out = {}
    for k, v in value.items():
        key = _encode_key(k, path)  # once per key: it names the value's path too
        out[key] = _encode(v, f"{path}[{_quote(key)}]")
    return out


def _encode_key(key: object, path: str) -> str:
    encoded = _encode(key, path)
    if isinstance(encoded, bool) or not isinstance(encoded, str | int):
        raise LedgerError.about(path, "a mapping key that is text, a number or a month", key)
    return str(encoded)


# --------------------------------------------------------------------------- decoding


@overload
def from_dict(cls: type[T], data: Any) -> T: ...
@overload
def from_dict(cls: Any, data: Any) -> Any: ...
def from_dict(cls: Any, data: Any) -> Any:
    """Build a model value of type ``cls`` from its JSON value (see :func:`to_dict`).

    ``cls`` is a model class, :class:`~projpush.model.Month`,
    :class:`~projpush.model.ProjectCode`, or a typing form of them such as
    ``tuple[Milestone, ...]`` or ``FrozenMap[int, Decimal]``.

    >>> from projpush.model import Leader
    >>> from_dict(Leader, {"name": "张副市长", "rank": "city", "projects": ["L-1"]})
    Leader(name='张副市长', rank=<LeaderRank.CITY: 'city'>, role='', projects=('L-1',))

    Raises:
        LedgerError: the value is malformed; ``field`` is the JSON path of the
            first bad value, the message adds the model's own explanation.
    """
    return _decode(cls, data, "$", top=True)


def from_json(cls: Any, text: str | bytes) -> Any:
    """Build a model value of type ``cls`` from JSON text.

    Raises:
        LedgerError: the text is not JSON (with its line and column) or the
            value is malformed (with the JSON path of the first bad value).
    """
    return from_dict(cls, _parse(text))


def _parse(text: str | bytes) -> Any:
    if not isinstance(text, str | bytes):
        raise LedgerError.about("$", "JSON text (str or bytes)", text)
    # A lone surrogate (a "\ud800" escape) is valid JSON but no character: a ledger
    # holding one could never be written back as UTF-8. A scan of the text finds
    # the documents that may hold one (bytes are decoded strictly: only escapes).
    if isinstance(text, bytes):
        suspect = _SURROGATE_ESCAPE.search(text) is not None
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            msg = f"$: the document is not UTF-8 (byte {err.start}: {err.reason})"
            raise LedgerError(msg, field="$", expected="UTF-8 text") from None
    else:
        suspect = _SURROGATE_IN_TEXT.search(text) is not None
    try:
        document = json.loads(text, object_pairs_hook=_Object, parse_constant=_no_constant)
    except json.JSONDecodeError as err:
        msg = f"$: invalid JSON at line {err.lineno}, column {err.colno}: {err.msg}"
        raise LedgerError(msg, field="$", expected="JSON text", got=err.msg) from None
    except RecursionError:
        raise LedgerError("$: JSON nested too deeply", field="$") from None
    except LedgerError:
        raise  # from _no_constant: a ValueError too, already in our words
    except ValueError:
        # json turns a number literal into an int before any hook sees it, and Python
        # refuses ints longer than sys.get_int_max_str_digits(): a plain ValueError.
        limit = sys.get_int_max_str_digits()
        msg = f"$: a JSON number has more than {limit} digits; no ledger value is that long"
        raise LedgerError(msg, field="$", expected=f"at most {limit} digits") from None
    if suspect:
        _check_characters(document, "$")
    return document


_SURROGATE: Final = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE: Final = re.compile(rb"\\u[dD][89a-fA-F]")
_SURROGATE_IN_TEXT: Final = re.compile("[\ud800-\udfff]|\\\\u[dD][89a-fA-F]")
_FIELD_NAME: Final = re.compile(r"[a-z_]+")


def _check_characters(value: Any, path: str) -> None:
    """Raise at the first text (key or value) under ``value`` that holds a lone surrogate."""
    if isinstance(value, str):
        match = _SURROGATE.search(value)
        if match is not None:
            code = f"U+{ord(match[0]):04X}"
            msg = (
                f"{path}: {value!r} holds a lone surrogate ({code}), which is not a character; "
                f"write the character itself, or both halves of a \\u escape pair"
            )
            raise LedgerError(msg, field=path, expected="text of Unicode characters", got=value)
    elif isinstance(value, dict):
        for key, item in value.items():
            _check_characters(key, path)
            # A field name reads .name, a mapping key (a year, a month, a project) ["key"].
            step = f".{key}" if _FIELD_NAME.fullmatch(key) else f"[{_quote(key)}]"
            _check_characters(item, path + step)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_characters(item, f"{path}[{i}]")


class _Object(dict[str, Any]):
    """A parsed JSON object that remembers keys it saw twice (json keeps the last)."""

    __slots__ = ("duplicates",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        self.duplicates = sorted(k for k, n in Counter(k for k, _ in pairs).items() if n > 1)


def _no_constant(name: str) -> Any:
    msg = f'$: {name} is not a JSON number; write amounts as strings such as "479.33"'
    raise LedgerError(msg, field="$", expected="a JSON number or string", got=name)


def _decode(hint: Any, data: Any, path: str, *, top: bool = False) -> Any:
    """Shape ``data`` for ``hint``: objects and their lists are built here, leaves are not.

    Inside an object, a leaf (date, amount, enum, month, text) is passed on as
    it came, for the object's converters to parse; at the top level (``top``)
    there is no object, so the leaf is parsed here.
    """
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is typing.Union or origin is types.UnionType:
        rest = [a for a in args if a is not type(None)]
        if data is None and len(rest) < len(args):
            return None
        return _decode(rest[0], data, path, top=top) if len(rest) == 1 else data
    if isinstance(hint, type) and attrs.has(hint) and hint not in _SCALARS:
        return _decode_object(hint, data, path)
    if origin is tuple or hint is tuple:
        if not isinstance(data, list):
            raise LedgerError.about(path, "a JSON list", shown(data))
        item = args[0] if len(args) == 2 and args[1] is Ellipsis else Any
        return tuple(_decode(item, v, f"{path}[{i}]", top=top) for i, v in enumerate(data))
    if _is_mapping(origin or hint):
        return _decode_mapping(args, data, path, top=top)
    return _parse_leaf(hint, data, path) if top else data


def _is_mapping(cls: Any) -> bool:
    return isinstance(cls, type) and issubclass(cls, Mapping)


def _decode_mapping(args: tuple[Any, ...], data: Any, path: str, *, top: bool) -> Any:
    if not isinstance(data, dict):
        raise LedgerError.about(path, "a JSON object", shown(data))
    _check_duplicates(data, path)
    key_hint, value_hint = args if len(args) == 2 else (Any, Any)
    items = {k: _decode(value_hint, v, f"{path}[{_quote(k)}]", top=top) for k, v in data.items()}
    if not top:
        return items
    pairs: dict[Any, Any] = {}
    given: dict[Any, str] = {}
    for k, v in items.items():
        where = f"{path}[{_quote(k)}]"
        key = _parse_leaf(key_hint, k, where)
        first = given.setdefault(key, k)
        if first is not k:  # "2020-1" after "2020-01": one month, never a silent overwrite
            err = duplicate_key(where, "key", first, k)
            raise LedgerError(str(err), field=where, expected=err.expected, got=err.got)
        pairs[key] = v
    return FrozenMap(pairs)


def _parse_leaf(hint: Any, data: Any, path: str) -> Any:
    """Parse a top-level leaf the way a model field of that type would."""
    parse = _leaf_converter(hint)
    try:
        return parse(data, path)
    except ProjpushError as err:
        # The converter named ``path`` as its field: its message starts with it already.
        raise LedgerError(str(err), field=path, expected=err.expected, got=err.got) from None


def _leaf_converter(hint: Any) -> typing.Callable[[object, str], Any]:
    """The converter of a leaf of type ``hint``, as a model field of that type has it."""
    parse = _LEAVES.get(hint) if isinstance(hint, type) else None
    if parse is None and isinstance(hint, type) and issubclass(hint, enum.Enum):
        parse = functools.partial(to_enum, hint)
    return parse or _as_is


def _as_is(data: object, _path: str) -> object:
    return data


def _decode_object(cls: type[T], data: Any, path: str) -> T:
    if not isinstance(data, dict):
        raise LedgerError.about(path, f"a JSON object for {cls.__name__}", shown(data))
    _check_duplicates(data, path)
    fields = _init_fields(typing.cast("Any", cls))
    unknown = [k for k in data if k not in fields]
    if unknown:
        names = ", ".join(repr(k) for k in unknown)
        msg = f"{path}: unknown key(s) {names} for {cls.__name__}; known keys: {', '.join(fields)}"
        raise LedgerError(msg, field=f"{path}.{unknown[0]}", expected="a known key", got=unknown[0])
    missing = [k for k, (_, required) in fields.items() if required and k not in data]
    if missing:
        msg = f"{path}: {cls.__name__} needs key {missing[0]!r}, which is missing"
        raise LedgerError(msg, field=f"{path}.{missing[0]}", expected="a value", got=None)
    kwargs = {k: _decode(fields[k][0], v, f"{path}.{k}") for k, v in data.items()}
    return _construct(cls, kwargs, path)


def _construct(cls: type[T], kwargs: dict[str, Any], path: str) -> T:
    """``cls(**kwargs)``, any error turned into a LedgerError located at ``path``."""
    try:
        return cls(**kwargs)
    except LedgerError:
        raise
    except ProjpushError as err:
        raise _wrap(err, _join(path, _subpath(cls, err.field))) from None
    except (TypeError, ValueError, LookupError, ArithmeticError) as err:
        # A model bug or an input no converter foresaw: still a ledger error, never bare.
        msg = f"{path}: cannot build {cls.__name__}: {type(err).__name__}: {err}"
        raise LedgerError(msg, field=path) from None


@functools.cache
def _init_fields(cls: Any) -> dict[str, tuple[Any, bool]]:
    """JSON key -> (type hint, required) for the init fields of an attrs class."""
    hints = typing.get_type_hints(cls)
    return {
        f.alias: (hints.get(f.name, Any), f.default is attrs.NOTHING)
        for f in attrs.fields(cls)
        if f.init
    }


def _check_duplicates(data: dict[str, Any], path: str) -> None:
    duplicates = getattr(data, "duplicates", ())
    if duplicates:
        msg = f"{path}: key {duplicates[0]!r} appears more than once in one JSON object"
        raise LedgerError(msg, field=f"{path}.{duplicates[0]}", expected="unique keys")


_SEGMENT: Final = re.compile(r"\.?([A-Za-z_]\w*)|\[(\d+)\]|\[('[^']*'|\"[^\"]*\"|[^\]]*)\]")


def _subpath(cls: type, field: str | None) -> str:
    """Turn a model error's ``field`` into the JSON path below the object, as far as it goes.

    ``planned`` -> ``.planned``; ``events[2].deadline`` -> ``.events[2].deadline``;
    ``annual_plans['2020']`` -> ``.annual_plans["2020"]``; a part that names no
    JSON value (``code.division``, ``leader 'x'``) ends the path there.
    """
    if not field:
        return ""
    out: list[str] = []
    hint: Any = cls
    pos = 0
    while pos < len(field):
        match = _SEGMENT.match(field, pos)
        if match is None:
            break
        name, index, key = match.groups()
        origin, args = typing.get_origin(hint), typing.get_args(hint)
        if origin is typing.Union or origin is types.UnionType:
            rest = [a for a in args if a is not type(None)]
            hint = rest[0] if len(rest) == 1 else Any
            origin, args = typing.get_origin(hint), typing.get_args(hint)
        if name is not None and isinstance(hint, type) and attrs.has(hint):
            fields = _init_fields(hint) if hint not in _SCALARS else {}
            if name not in fields:
                break
            out.append(f".{name}")
            hint = fields[name][0]
        elif index is not None and (origin is tuple or hint is tuple):
            out.append(f"[{index}]")
            hint = args[0] if args else Any
        elif key is not None and _is_mapping(origin or hint):
            out.append(f"[{_quote(key.strip(chr(39) + chr(34)))}]")
            hint = args[1] if len(args) == 2 else Any
        else:
            break
        pos = match.end()
    return "".join(out)


def _join(path: str, sub: str) -> str:
    return path + sub


def _wrap(err: ProjpushError, path: str) -> LedgerError:
    message = str(err)
    return LedgerError(f"{path}: {message}", field=path, expected=err.expected, got=err.got)


def _quote(key: str) -> str:
    return json.dumps(key, ensure_ascii=False)


class _Kind(str):
    """The name of a JSON container, shown bare in a message instead of its content."""

    __slots__ = ()

    def __repr__(self) -> str:
        return str(self)


def shown(data: Any) -> Any:
    """A short stand-in for a bad value in a message (not a whole sub-document)."""
    if isinstance(data, dict):
        return _Kind("a JSON object")
    if isinstance(data, list):
        return _Kind("a JSON list")
    return data


# --------------------------------------------------------------------------- ledger files


def load_portfolio(path: str | os.PathLike[str], *, trusted: bool = False) -> Portfolio:
    """Read a JSON ledger file (UTF-8, a byte-order mark tolerated) into a portfolio.

    The document is ``{"format": "projpush-ledger", "version": 1, "projects":
    [...], "leaders": [...], "secretaries": [...], "issues": [...], "units":
    [...], "task_forces": [...]}``; the lists may be left out when empty.

    Every value is checked by default. ``trusted=True`` is for a ledger that
    projpush wrote or already checked (a province's monthly bulk load): the
    same values are built several times faster, converting each distinct text
    once (see ``docs/performance.md``). It skips no check: a malformed ledger
    fails with the same error as here.

    Raises:
        LedgerError: the file is not a ledger of this format and version, or a
            value in it is malformed (``field`` is its JSON path), or ``path``
            names no regular file (``field`` is ``"path"``).
        ValidationError: ``path`` is not a path.
        OSError: the file cannot be read.
    """
    target = path_arg(path)
    if not target.is_file():  # missing, a folder, a FIFO: said here, not by a bare OSError
        expected = "an existing JSON ledger file"
        raise LedgerError.about("path", expected, str(target))
    if trusted:
        from projpush._bulk import decode_trusted  # noqa: PLC0415 (it builds on this module)

        return decode_trusted(target)
    return _decode_ledger(target.read_bytes())


def _decode_ledger(raw: bytes) -> Portfolio:
    """The validating decoder of a whole ledger document."""
    portfolio: Portfolio = _decode_object(Portfolio, parse_ledger_document(raw), "$")
    return portfolio


def parse_ledger_document(text: str | bytes) -> dict[str, Any]:
    """Parse a JSON ledger's text and check its format and version.

    Returns the document's body (the record lists by name), not yet decoded
    into model objects, for callers that decode record by record.

    Raises:
        LedgerError: not JSON, not an object, or not this format and version.
    """
    document = _parse(text)
    if not isinstance(document, dict):
        raise LedgerError.about("$", "a JSON object (a projpush ledger)", shown(document))
    _check_duplicates(document, "$")
    body = dict(document)
    kind, version = body.pop("format", None), body.pop("version", None)
    if kind != LEDGER_FORMAT:
        raise LedgerError.about("$.format", repr(LEDGER_FORMAT), kind)
    if isinstance(version, bool) or version != LEDGER_VERSION:
        raise LedgerError.about("$.version", str(LEDGER_VERSION), version)
    return body


def dump_portfolio(portfolio: Portfolio, path: str | os.PathLike[str]) -> None:
    """Write a portfolio as a JSON ledger file (UTF-8, indented, keys in field order).

    The file is written to a temporary file beside it and then moved into
    place, so a reader never sees half a ledger. Records are encoded and
    written one at a time, so a province's ledger never exists whole as text.
    An existing file keeps its permission bits and a new one follows the
    umask; through a symbolic link, the file it points to is written and the
    link stays.

    Raises:
        LedgerError: a text holds a lone surrogate, which UTF-8 cannot hold
            (``field`` is its JSON path), or ``portfolio`` is no Portfolio;
            nothing is written.
        ValidationError: ``path`` is not a path.
    """
    target = path_arg(path)
    if not isinstance(portfolio, Portfolio):
        raise LedgerError.about("portfolio", "a Portfolio", portfolio)
    _atomic_write_chunks(target, _ledger_chunks(portfolio))


def _ledger_chunks(portfolio: Portfolio) -> Iterator[bytes]:
    """The ledger file, a record at a time: the bytes of ``json.dumps(document, indent=2)``."""
    yield f'{{\n  "format": "{LEDGER_FORMAT}",\n  "version": {LEDGER_VERSION}'.encode()
    for f in attrs.fields(Portfolio):
        if not f.init:
            continue
        records = getattr(portfolio, f.name)
        yield f',\n  "{f.alias}": ['.encode()
        for i, record in enumerate(records):
            data = _encode(record, f"$.{f.alias}[{i}]")
            text = json.dumps(data, ensure_ascii=False, indent=2).replace("\n", "\n    ")
            try:
                encoded = text.encode("utf-8")
            except UnicodeEncodeError:
                _check_characters(data, f"$.{f.alias}[{i}]")  # names the text at fault
                raise
            yield (b"\n    " if i == 0 else b",\n    ") + encoded
        yield b"\n  ]" if records else b"]"
    yield b"\n}\n"


def _encoded(path: Path, text: str, *, encoding: str, newline: str) -> bytes:
    """The bytes of the file ``path`` holding ``text``, with ``newline`` for each line end.

    Raises:
        LedgerError: the text holds a character ``encoding`` cannot hold (for
            UTF-8, a lone surrogate); ``field`` is the file and line.
    """
    if newline not in {"", "\n"}:
        text = text.replace("\n", newline)
    try:
        return text.encode(encoding)
    except UnicodeEncodeError as err:
        line = text.count(newline or "\n", 0, err.start) + 1
        where = f"{path.name}:{line}"
        bad = err.object[err.start : err.end]
        msg = f"{where}: {bad!r} cannot be written in {encoding} ({err.reason})"
        raise LedgerError(msg, field=where, expected=f"text {encoding} can hold", got=bad) from None


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically; see :func:`_atomic_write_chunks`."""
    _atomic_write_chunks(path, (data,))


def _atomic_write_chunks(path: Path, chunks: Iterable[bytes]) -> None:
    """Write ``chunks`` to a temporary file beside ``path``, then move it into place.

    This is the one writer of every file projpush makes (JSON and CSV ledgers,
    the command line's ``--output`` and ``--map``):

    - a reader never sees half a file: the temporary file is renamed over the
      target in one step;
    - if making a chunk fails, the temporary file goes and ``path`` is untouched;
    - an existing file keeps its permission bits; a new file gets
      ``0o666 & ~umask``, as ``open()`` would give it (``mkstemp`` alone
      would leave ``0o600``);
    - when ``path`` is a symbolic link, the file it points to is written and
      the link stays (a dangling link's target is created).
    """
    target = Path(os.path.realpath(path))
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        mode = 0o666 & ~_umask()
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            _chmod(handle.fileno(), tmp, mode)
            handle.writelines(chunks)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _chmod(fd: int, name: str, mode: int) -> None:
    """Set the mode of the open file ``fd`` (by ``name`` where ``fchmod`` is missing)."""
    if hasattr(os, "fchmod"):
        os.fchmod(fd, mode)
    else:  # pragma: no cover (Windows: only the read-only bit means anything)
        os.chmod(name, mode)  # noqa: PTH101 (the temporary file's own name)


def _umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with Path("/proc/self/status").open(encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    old = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(old)
    return old
