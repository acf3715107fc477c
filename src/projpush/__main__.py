"""Run the ``projpush`` command line: ``python -m projpush``."""

import sys

from projpush.cli import main

if __name__ == "__main__":
    sys.exit(main())
