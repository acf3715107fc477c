"""The CSV ledger folder under its first name: it lives in :mod:`projpush.io.csvfolder`.

The readers and writers of every format live in :mod:`projpush.io`, one
module per format; the CSV folder's is :mod:`projpush.io.csvfolder`. This
module keeps the first name working for the code that imports it: it
re-exports the same functions (the same objects, so ``projpush.csvledger.
load_csv_ledger is projpush.io.csvfolder.load_csv_ledger``). To replace one
in a test, patch it in :mod:`projpush.io.csvfolder`, where the readers find it.
"""

from __future__ import annotations

from projpush.io.csvfolder import (
    CSV_FILES,
    _read,
    _Reader,
    _tables,
    check_csv_ledger,
    decode_csv,
    dump_csv_ledger,
    load_csv_ledger,
    read_csv_ledger,
)

__all__ = [
    "CSV_FILES",
    "check_csv_ledger",
    "decode_csv",
    "dump_csv_ledger",
    "load_csv_ledger",
    "read_csv_ledger",
]
# _read, _Reader and _tables: for the code and tests that reached inside the module.
_PRIVATE = (_read, _Reader, _tables)
