"""A PostgreSQL server for the tests: the environment's, or one started from the binaries.

``PROJPUSH_TEST_POSTGRES_URL`` names a running server (``.ci/run`` starts one).
Without it, :func:`server` starts a throwaway one from the PostgreSQL 15
binaries (``PROJPUSH_TEST_POSTGRES_BIN``, by default Debian's folder):
``initdb`` into a temporary folder, on a Unix socket there only, stopped and
removed at the end. Only where neither exists do the PostgreSQL tests skip,
saying so (:data:`NO_POSTGRES`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

PG_BIN = Path(os.environ.get("PROJPUSH_TEST_POSTGRES_BIN", "/usr/lib/postgresql/15/bin"))
NO_POSTGRES = (
    "no PostgreSQL: set PROJPUSH_TEST_POSTGRES_URL or install PostgreSQL 15 "
    f"({PG_BIN}/initdb is missing)"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def server() -> Iterator[str | None]:
    """The URL of a PostgreSQL server, or None when there is none and none can be started."""
    url = os.environ.get("PROJPUSH_TEST_POSTGRES_URL")
    if url:
        yield url
        return
    if not (PG_BIN / "initdb").exists():
        yield None
        return
    folder = Path(tempfile.mkdtemp(prefix="projpush-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        as_user = ["runuser", "-u", "postgres", "--"]
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    run = {"capture_output": True}
    subprocess.run(
        [*as_user, PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", "postgres"],
        check=True,
        **run,
    )
    options = f"-p {port} -k {folder} -c listen_addresses='' -c fsync=off"
    start = [*as_user, PG_BIN / "pg_ctl", "-D", data, "-o", options, "-l", folder / "log"]
    subprocess.run([*start, "-w", "start"], check=True, **run)
    try:
        yield f"postgresql://postgres@/postgres?host={folder}&port={port}"
    finally:
        stop = [*as_user, PG_BIN / "pg_ctl", "-D", data, "-m", "immediate", "stop"]
        subprocess.run(stop, check=False, **run)
        shutil.rmtree(folder, ignore_errors=True)


def with_database(url: str, name: str) -> str:
    """``url`` with its database replaced by ``name``."""
    base, _, query = url.partition("?")
    head, _, _ = base.rpartition("/")
    return f"{head}/{name}" + (f"?{query}" if query else "")


@contextlib.contextmanager
def database(url: str) -> Iterator[str]:
    """A fresh database on the server at ``url``, dropped afterwards: its URL.

    Each its own, so that processes running tests side by side never write
    the same tables.
    """
    import psycopg  # noqa: PLC0415 (the sql extra)

    name = f"projpush_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield with_database(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
