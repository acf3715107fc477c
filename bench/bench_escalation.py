"""Benchmark: advance 300,000 open issues of a synthetic problem list to a date.

Run: ``python bench/bench_escalation.py [N]`` (N issues, default 300,000).

The synthetic list: issues on four city policies (Binzhou, Ningbo, Dalian,
Yinzhou, through one PolicyBook), assigned on days spread over the 60 days
before the run date, 10 % difficult with a work plan, 5 % paused on an
outside party, 5 % declared beyond their tier's powers, 20 % started. Every
issue is open. Two runs are timed on the China official calendar:

- *daily*: the list was advanced yesterday and is advanced to today, the
  job a supervision office runs every morning (target <= 2 s);
- *catch-up*: the list was never advanced and every sheet and escalation
  since assignment is recorded now (each issue that gains events is rebuilt
  and its history re-validated, so this costs more per changed issue).
"""

from __future__ import annotations

import datetime as dt
import platform
import random
import sys
import time
from collections import Counter

import attrs

from projpush.escalation import (
    EscalationPolicy,
    PolicyBook,
    advance,
    assign,
    declare_beyond_powers,
    pause,
    start,
    submit_plan,
)
from projpush.model import Issue
from projpush.schedule import china_calendar

TODAY = dt.date(2024, 11, 29)
YESTERDAY = TODAY - dt.timedelta(days=1)
POLICIES = (
    EscalationPolicy.binzhou(),
    EscalationPolicy.ningbo(),
    EscalationPolicy.dalian(),
    EscalationPolicy.yinzhou(),
)
BOOK = PolicyBook(POLICIES)
TEMPLATES = 6_000


def template(i: int, rng: random.Random) -> Issue:
    cal = china_calendar()
    policy = POLICIES[i % len(POLICIES)]
    on = TODAY - dt.timedelta(days=rng.randrange(0, 60))
    roll = rng.random()
    difficult = roll < 0.10
    q = Issue.collect(
        f"T{i}",
        f"P{i % 5000:05d}",
        category="land",
        title="问题",
        on=on,
        by="服务秘书",
        difficulty="difficult" if difficult else "general",
    )
    q = assign(q, on, policy, by="办公室", owner=f"单位{i % 211}", calendar=cal)
    step = on + dt.timedelta(days=1)
    if step > TODAY:
        return q
    if difficult:
        q = submit_plan(q, step, step + dt.timedelta(days=rng.randrange(10, 40)), by="单位")
    elif roll < 0.15:
        q = pause(q, step, "省级部门", by="单位")
    elif roll < 0.20:
        q = declare_beyond_powers(q, step, policy, by="单位", reason="超出权限", calendar=cal)
    elif roll < 0.40:
        q = start(q, step, by="单位")
    return q


def synthetic(n: int, seed: int = 20241129) -> list[Issue]:
    """``n`` distinct issues (own ids) cut from a few thousand random histories."""
    rng = random.Random(seed)
    templates = [template(i, rng) for i in range(min(n, TEMPLATES))]
    return [attrs.evolve(templates[i % len(templates)], id=f"Q{i:06d}") for i in range(n)]


def timed(issues: list[Issue], as_of: dt.date, repeat: int = 3) -> tuple[float, list[Issue]]:
    cal = china_calendar()
    best = float("inf")
    out: list[Issue] = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = [advance(q, as_of, BOOK, calendar=cal) for q in issues]
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    china_calendar()
    t0 = time.perf_counter()
    fresh = synthetic(n)
    build = time.perf_counter() - t0
    catch_up, yesterday = timed(fresh, YESTERDAY, repeat=1)
    daily, today = timed(yesterday, TODAY)
    changed = sum(a is not b for a, b in zip(yesterday, today, strict=True))
    colours = Counter(q.sheet.value if q.sheet else "none" for q in today)
    states = Counter(q.state.value for q in today)
    print(f"python {platform.python_version()} on {platform.machine()}, {n:,} open issues")
    print(f"build the synthetic list: {build:.1f} s (not timed below)")
    print(f"catch-up advance to {YESTERDAY} (never advanced): {catch_up:.2f} s (one run)")
    print(
        f"daily advance {YESTERDAY} -> {TODAY}: {daily:.3f} s (best of 3), "
        f"{daily / n * 1e6:.2f} µs/issue, {changed:,} issues gained events"
    )
    print(f"sheets on {TODAY}: {dict(sorted(colours.items()))}")
    print(f"states on {TODAY}: {dict(sorted(states.items()))}")
    print(f"target (daily <= 2 s): {'met' if daily <= 2 else 'MISSED'}")


if __name__ == "__main__":
    main()
