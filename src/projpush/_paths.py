"""Checks on the command line's paths, made before any work starts.

A ledger must be a regular file or a folder: a FIFO or a device would make
the reader wait forever or read without end, so :func:`check_ledger_path`
looks with :func:`os.stat` (which never opens the file) first. An output
(``--output``, ``--map``) must not be an input ledger or lie inside an input
ledger folder, by any spelling (``./x``, a symlink, a hard link), must have
an existing, writable folder, and must not be a folder, FIFO or device
itself: :func:`check_output_path` refuses each before the report is built.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, Final

from projpush.errors import LedgerError, ValidationError

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ["check_ledger_path", "check_map_suffix", "check_output_path"]

_KINDS: Final = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
MAP_SUFFIXES: Final = (".png", ".svg")


def path_arg(value: object, field: str = "path") -> Path:
    """A path argument of the API as a Path: text or an ``os.PathLike``, nothing else.

    Raises:
        ValidationError: ``value`` is None, bytes, a number or another object,
            or empty text.
    """
    if isinstance(value, str | os.PathLike) and not isinstance(value, bytes):
        path = Path(value)
        if str(path) and os.fspath(value) != "":
            return path
    raise ValidationError.about(field, "a path (str or os.PathLike)", value)


def _kind(mode: int) -> str:
    """What a non-regular, non-folder file is, in words."""
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def check_ledger_path(path: Path, option: str = "LEDGER") -> None:
    """Refuse a ledger path that is neither a regular file nor a folder, without opening it.

    A path that does not exist passes: the ledger loader says so in its own words.

    Raises:
        LedgerError: the path is a FIFO, a device or a socket; ``field`` is ``option``.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return
    expected = "a JSON ledger file or a folder of CSV files"
    msg = f"{option}: {str(path)!r} is {_kind(mode)}; expected {expected}"
    raise LedgerError(msg, field=option, expected=expected, got=str(path))


def check_map_suffix(path: Path, option: str = "--map") -> None:
    """Refuse a light-map file name that is neither ``.png`` nor ``.svg``.

    Raises:
        ValidationError: the suffix is another; ``field`` is ``option``.
    """
    if path.suffix.lower() not in MAP_SUFFIXES:
        raise ValidationError.about(option, "a file name ending in .png or .svg", str(path))


def check_output_path(path: Path, option: str, inputs: Iterable[Path] = ()) -> None:
    """Refuse an output path that would destroy an input or cannot be written.

    ``inputs`` are the ledgers read (files or folders). The output is refused
    when it is one of them, however spelt (resolved through ``..`` and
    symlinks, or the same file by a hard link), or lies inside an input
    folder; when its folder is missing or not writable; or when it is itself
    a folder, FIFO, device or socket.

    Raises:
        ValidationError: one of the above; ``field`` is ``option``, ``got`` the
            path as typed.
    """
    typed = str(path)
    resolved = Path(os.path.realpath(path))
    for source in inputs:
        source_resolved = Path(os.path.realpath(source))
        if resolved == source_resolved or _same_file(resolved, source_resolved):
            msg = f"{option}: {typed!r} is the input ledger {str(source)!r}; it would be lost"
            expected = "a path apart from the inputs"
            raise ValidationError(msg, field=option, expected=expected, got=typed)
        if source_resolved.is_dir() and resolved.is_relative_to(source_resolved):
            msg = (
                f"{option}: {typed!r} lies inside the input ledger folder {str(source)!r}; "
                f"write it somewhere else"
            )
            expected = "a path outside the inputs"
            raise ValidationError(msg, field=option, expected=expected, got=typed)
    try:
        mode: int | None = resolved.stat().st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        msg = f"{option}: {typed!r} is a folder; expected a file name"
        raise ValidationError(msg, field=option, expected="a file name", got=typed)
    if mode is not None and not stat.S_ISREG(mode):
        msg = f"{option}: {typed!r} is {_kind(mode)}; expected a regular file or a new name"
        raise ValidationError(msg, field=option, expected="a regular file", got=typed)
    folder = resolved.parent
    if not folder.is_dir():
        msg = f"{option}: the folder {str(folder)!r} of {typed!r} does not exist"
        raise ValidationError(msg, field=option, expected="an existing folder", got=typed)
    if not os.access(folder, os.W_OK | os.X_OK):
        msg = f"{option}: the folder {str(folder)!r} of {typed!r} is not writable"
        raise ValidationError(msg, field=option, expected="a writable folder", got=typed)


def _same_file(a: Path, b: Path) -> bool:
    """True when ``a`` and ``b`` both exist and are one file (a hard link counts)."""
    try:
        return a.samefile(b)
    except OSError:
        return False


def check_output_folder(path: Path, option: str, inputs: Iterable[Path] = ()) -> None:
    """Refuse an output folder that is an input, lies inside one, or holds one.

    A folder that exists must be empty or a ledger folder already (its files
    of the same names are replaced); a file there is refused.

    Raises:
        ValidationError: one of the above; ``field`` is ``option``.
    """
    typed = str(path)
    resolved = Path(os.path.realpath(path))
    for source in inputs:
        source_resolved = Path(os.path.realpath(source))
        if resolved.is_relative_to(source_resolved) or source_resolved.is_relative_to(resolved):
            msg = (
                f"{option}: {typed!r} overlaps the input ledger {str(source)!r}; "
                f"write it somewhere else"
            )
            expected = "a folder apart from the inputs"
            raise ValidationError(msg, field=option, expected=expected, got=typed)
    if resolved.exists() and not resolved.is_dir():
        msg = f"{option}: {typed!r} is not a folder; expected a folder to write the ledger in"
        raise ValidationError(msg, field=option, expected="a folder", got=typed)
    parent = resolved if resolved.exists() else resolved.parent
    if not parent.is_dir() or not os.access(parent, os.W_OK | os.X_OK):
        msg = f"{option}: the folder {str(parent)!r} of {typed!r} is missing or not writable"
        raise ValidationError(msg, field=option, expected="a writable folder", got=typed)
