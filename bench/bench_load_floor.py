"""Benchmark: what reading a JSON ledger costs at the least, against the trusted load.

Run:  python bench/bench_load_floor.py LEDGER.json [--repeat R]

(A ledger of the cycle benchmark: ``python bench/bench_cycle.py --sizes 100000
--keep DIR`` writes ``DIR/ledger-100000-3.json``.)

Each line is one way of getting from the file to something in memory, from
the least work to the whole job, so that the load's cost can be set against
what no Python loader can avoid:

- ``read``: the file's bytes decoded to text, a chunk at a time as the
  trusted path reads them;
- ``parse``: every record of the ledger parsed to plain dicts and lists, one
  record at a time, as the trusted path reads it (nothing built);
- ``read and parse whole``: the text read, then ``json.loads`` of all of it at once;
- ``objects``: as many bare slotted Python objects created as the loaded
  ledger holds memory blocks (about one per object: records, events,
  statuses, dates, amounts, tuples, maps), with nothing converted or
  checked: the floor of building;
- ``trusted load``: :func:`projpush.load_ledger` with ``trusted=True``, the
  whole job: parse, convert, build, replay every issue, index;
- ``unpickle``: the same portfolio read back from a pickle (the floor of any
  format that rebuilds these objects one by one in Python).

Best of ``--repeat`` runs, process CPU time, cycle collector paused as the
loaders pause it.
"""

from __future__ import annotations

import argparse
import gc
import json
import pickle
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from projpush._bulk import _Reader
from projpush.ledger import load_ledger

if TYPE_CHECKING:
    from collections.abc import Callable


class _Bare:
    __slots__ = ("a", "b", "c", "d")

    def __init__(self, a: object, b: object, c: object, d: object) -> None:
        self.a, self.b, self.c, self.d = a, b, c, d


def _best(run: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeat):
        result = None  # free the last result before the next run
        start = time.process_time()
        result = run()
        best = min(best, time.process_time() - start)
    return best, result


def _read(path: Path) -> None:
    with path.open("rb") as stream:
        reader = _Reader(stream)
        while not reader.eof:
            reader.text = ""
            reader._more()  # noqa: SLF001 (the reader's own step, timed alone)


def _parse_records(path: Path) -> int:
    """Parse the ledger as the trusted path does, one record at a time; count the values."""
    with path.open("rb") as stream:
        reader = _Reader(stream)
        reader.take("{")
        records = 0
        while reader.peek() != "}":
            if records:
                reader.take(",")
            reader.value()  # the key
            reader.take(":")
            if reader.peek() == "[":
                reader.take("[")
                first = True
                while reader.peek() != "]":
                    if not first:
                        reader.take(",")
                    reader.value()
                    records += 1
                    first = False
                reader.take("]")
            else:
                reader.value()
            records += 1
    return records


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("ledger", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    path: Path = args.ledger
    gc.disable()
    rows: list[tuple[str, float]] = []
    seconds, _ = _best(lambda: _read(path), args.repeat)
    rows.append(("read", seconds))
    seconds, _ = _best(lambda: _parse_records(path), args.repeat)
    rows.append(("parse", seconds))
    seconds, _ = _best(lambda: json.loads(path.read_text(encoding="utf-8-sig")), args.repeat)
    rows.append(("read and parse whole", seconds))
    blocks = sys.getallocatedblocks()
    seconds, portfolio = _best(lambda: load_ledger(path, trusted=True, max_bytes=None), args.repeat)
    count = sys.getallocatedblocks() - blocks  # about one block per object the ledger holds
    seconds_objects, _ = _best(lambda: [_Bare(i, i, i, i) for i in range(count)], args.repeat)
    rows.append((f"objects ({count:,})", seconds_objects))
    rows.append(("trusted load", seconds))
    blob = pickle.dumps(portfolio, protocol=pickle.HIGHEST_PROTOCOL)
    del portfolio
    seconds, _ = _best(lambda: pickle.loads(blob), args.repeat)  # noqa: S301 (our own bytes)
    rows.append(("unpickle", seconds))
    size = path.stat().st_size / 2**20
    print(f"{path.name}: {size:,.0f} MiB; best of {args.repeat}, CPU seconds")
    print("| step | seconds |\n|---|---|")
    for name, value in rows:
        print(f"| {name} | {value:.2f} |")


if __name__ == "__main__":
    main()
