"""The command line run in this process, for the CLI tests."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projpush.cli import main

if TYPE_CHECKING:
    import pytest


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """``projpush ARGV``: its exit status, what it wrote on stdout and on stderr."""
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err
