"""Pausing the cycle collector around bulk work (private).

Building or summarising a province's ledger allocates millions of acyclic
values (tuples, Decimals, frozen attrs objects). Every collection they
trigger walks all of them and frees nothing; reference counting frees them
anyway. So the bulk functions pause the collector while they run.
"""

from __future__ import annotations

import contextlib
import gc
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ["no_cycle_collection"]


@contextlib.contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Pause the cycle collector inside the block; restore its state after, even on error.

    >>> with no_cycle_collection():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
