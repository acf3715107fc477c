"""Optional dependencies, imported on first use (private).

pandas, matplotlib and dask are extras: importing projpush never imports
them, and a function that needs one says which extra installs it.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["require"]


def require(module: str, *, extra: str, user: str) -> Any:
    """Import ``module`` for ``user``, or raise an ImportError naming the extra to install.

    >>> require("json", extra="none", user="a doctest").__name__
    'json'
    >>> require("no_such_package.sub", extra="plot", user="projpush.plot")
    Traceback (most recent call last):
    ...
    ImportError: projpush.plot needs no_such_package; install it with: pip install "projpush[plot]"
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        package = module.partition(".")[0]
        msg = f'{user} needs {package}; install it with: pip install "projpush[{extra}]"'
        raise ImportError(msg) from None
