"""Write the bundled sample ledger to src/projpush/data/sample_ledger.json and check it.

Usage: python bench/make_sample.py
"""

from __future__ import annotations

from pathlib import Path

from projpush.io import dump_portfolio, load_portfolio
from projpush.synth import sample_portfolio

TARGET = Path(__file__).resolve().parent.parent / "src" / "projpush" / "data" / "sample_ledger.json"


def main() -> None:
    sample = sample_portfolio()
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    dump_portfolio(sample, TARGET)
    if load_portfolio(TARGET) != sample:
        msg = f"{TARGET}: reading the ledger back does not give sample_portfolio()"
        raise SystemExit(msg)
    print(f"wrote {TARGET} ({TARGET.stat().st_size:,} bytes); it loads back equal")


if __name__ == "__main__":
    main()
