"""A progress bar on a terminal for the command's stages (private).

The command line shows one bar while it loads the ledger and computes the
report, the current stage named in the report's language, on stderr and only
when stderr is a terminal: a pipe, a file or a CI log gets nothing. The bar
is tqdm's (the ``progress`` extra), imported only then, and it is cleared
when the work is done, so the report's first line is not left behind a
half-drawn one. Without tqdm the command works as before, silently.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from typing import TextIO

__all__ = ["Stages", "terminal_stages"]


class Stages:
    """The command's stages on one bar: the load, then the report's (``progress`` callback).

    The report calls it as ``stages(stage, done, total)``; ``done == total``
    ends the bar.
    """

    def __init__(self, bar: Any, lang: str) -> None:
        self._bar = bar
        from projpush.messages import section  # noqa: PLC0415

        self._names = section("progress", "en" if lang == "en" else "zh")
        self._loaded = 0

    def loading(self) -> None:
        """The ledger is being read: the bar's first step."""
        self._show("load", 0)
        self._loaded = 1

    def __call__(self, stage: str, done: int, total: int) -> None:
        self._bar.total = total + self._loaded
        self._show(stage, done + self._loaded)
        if done >= total:
            self.close()

    def close(self) -> None:
        """Clear the bar from the terminal."""
        self._bar.close()

    def _show(self, stage: str, position: int) -> None:
        self._bar.set_description_str(self._names.get(stage, stage), refresh=False)
        self._bar.n = position
        self._bar.refresh()


def terminal_stages(stream: TextIO, lang: str, *, stages: int = 4) -> Stages | None:
    """A bar of ``stages`` steps on ``stream`` when it is a terminal and tqdm is installed."""
    if not stream.isatty():
        return None
    try:
        tqdm = importlib.import_module("tqdm").tqdm
    except ImportError:  # the progress extra is optional: no bar then
        return None
    bar = tqdm(
        total=stages,
        file=stream,
        leave=False,
        dynamic_ncols=True,
        bar_format="{desc}: {bar} {n_fmt}/{total_fmt} [{elapsed}]",
    )
    return Stages(bar, lang)
