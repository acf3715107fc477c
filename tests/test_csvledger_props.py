"""Property tests for projpush.csvledger: any portfolio survives a CSV round trip."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from hypothesis import given

from projpush.csvledger import check_csv_ledger, dump_csv_ledger, load_csv_ledger
from strategies import portfolios

if TYPE_CHECKING:
    from projpush.model import Portfolio


class TestCsvRoundTrip:
    """dump_csv_ledger then load_csv_ledger is the identity on portfolios."""

    @given(portfolios())
    def test_load_dump_is_identity(self, p: Portfolio) -> None:
        """Any portfolio the shared strategy draws comes back equal, and checks clean."""
        with tempfile.TemporaryDirectory() as folder:
            dump_csv_ledger(p, folder)
            assert [] == check_csv_ledger(folder)
            assert p == load_csv_ledger(Path(folder))

    @given(portfolios())
    def test_dump_is_stable(self, p: Portfolio) -> None:
        """Dumping what was loaded writes the same bytes again."""
        with tempfile.TemporaryDirectory() as first, tempfile.TemporaryDirectory() as second:
            dump_csv_ledger(p, first)
            dump_csv_ledger(load_csv_ledger(first), second)
            for path in sorted(Path(first).iterdir()):
                assert path.read_bytes() == (Path(second) / path.name).read_bytes()
