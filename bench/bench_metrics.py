"""Benchmark: the monthly summary of 100,000 projects and 300,000 issues.

Run:  python bench/bench_metrics.py [--projects N] [--issues M] [--repeat R] [--profile]

Builds a synthetic portfolio (fixed seed: 10 regions, 60 units, 40 leaders,
4 levels and categories, 12 + 5 months of plans and actuals, 3 milestones and
2 approval items per project, issue histories of 2 to 7 events) and times
``monthly_summary`` on 2020-09-30 with precomputed light verdicts. The
portfolio is built outside the timing. Target: <= 1 s.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import time
from decimal import Decimal

from projpush.metrics import monthly_summary
from projpush.model import (
    ApprovalItem,
    EventKind,
    Issue,
    IssueEvent,
    IssueState,
    Leader,
    Milestone,
    Month,
    Portfolio,
    Project,
    Secretary,
    StageEvent,
)
from projpush.schedule import china_calendar

AS_OF = dt.date(2020, 9, 30)
LEVELS = ("province", "city", "county", "town")
CATEGORIES = ("infrastructure", "industry", "services", "social")
S = IssueState


def build_project(rng: random.Random, i: int) -> Project:
    plan = Decimal(rng.randrange(1_000, 200_000))
    monthly = {Month(2020, m): (plan / 12).quantize(Decimal("0.01")) for m in range(1, 13)}
    done = {Month(2020, m): Decimal(rng.randrange(0, int(plan / 8))) for m in range(1, 10)}
    done |= {Month(2019, m): Decimal(rng.randrange(0, int(plan / 8))) for m in range(1, 13)}
    started = dt.date(rng.choice((2019, 2020)), rng.randrange(1, 7), 15)
    return Project(
        local_id=f"P{i:06d}",
        name=f"项目{i}",
        level=LEVELS[i % 4],
        category=CATEGORIES[(i // 4) % 4],
        stage="under_construction",
        region=f"区{i % 10}",
        unit=f"单位{i % 60}",
        total_investment=plan * 3,
        annual_plans={2020: plan},
        monthly_plan=monthly,
        monthly_done=done,
        stage_events=(StageEvent("started", started),),
        milestones=tuple(
            Milestone(
                f"节点{k}",
                planned=dt.date(2020, 3 * k + 1, 10),
                done=dt.date(2020, 3 * k + 1, rng.randrange(1, 28)) if rng.random() < 0.8 else None,
            )
            for k in range(3)
        ),
        approvals=(
            ApprovalItem("用地", applied=dt.date(2019, 11, 4), granted=dt.date(2019, 11, 20)),
            ApprovalItem("施工许可", applied=dt.date(2019, 12, 2), granted=dt.date(2019, 12, 9)),
        ),
    )


def build_issue(rng: random.Random, i: int, project: str) -> Issue:
    raised = dt.date(2020, 1, 6) + dt.timedelta(days=rng.randrange(0, 250))
    day = raised + dt.timedelta(days=1)
    events = [IssueEvent(raised, EventKind.COLLECTED, "秘书", None, S.COLLECTED)]
    events.append(
        IssueEvent(
            day,
            EventKind.ASSIGNED,
            "重点办",
            S.COLLECTED,
            S.ASSIGNED,
            tier="county",
            owner="区",
            deadline=day + dt.timedelta(days=7),
        )
    )
    state = S.ASSIGNED
    if rng.random() < 0.2:
        day += dt.timedelta(days=8)
        events.append(
            IssueEvent(
                day,
                EventKind.ESCALATED,
                "重点办",
                state,
                S.ESCALATED,
                tier="city",
                owner="市",
                deadline=day + dt.timedelta(days=10),
            )
        )
        state = S.ESCALATED
    if rng.random() < 0.85:
        day += dt.timedelta(days=rng.randrange(1, 12))
        events.append(IssueEvent(day, EventKind.RESOLVED, "区", state, S.RESOLVED))
        day += dt.timedelta(days=rng.randrange(0, 3))
        events.append(IssueEvent(day, EventKind.CLOSED, "重点办", S.RESOLVED, S.CLOSED))
    return Issue(f"Q{i:06d}", project, "land", "问题", tuple(events))


def build(n_projects: int, n_issues: int) -> tuple[Portfolio, list[str]]:
    rng = random.Random(20200930)
    projects = tuple(build_project(rng, i) for i in range(n_projects))
    keys = [p.key for p in projects]
    issues = tuple(build_issue(rng, i, keys[i % n_projects]) for i in range(n_issues))
    leaders = tuple(
        Leader(f"领导{k}", "city", projects=tuple(keys[k::40])) for k in range(min(40, n_projects))
    )
    secretaries = tuple(
        Secretary(f"秘书{k}", "发改委", projects=tuple(keys[k : k + 2]))
        for k in range(0, n_projects, 2)
    )
    portfolio = Portfolio(
        projects=projects, issues=issues, leaders=leaders, secretaries=secretaries
    )
    verdicts = [rng.choice(("green", "green", "green", "yellow", "red")) for _ in keys]
    return portfolio, verdicts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=100_000)
    parser.add_argument("--issues", type=int, default=300_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    start = time.perf_counter()
    portfolio, verdicts = build(args.projects, args.issues)
    calendar = china_calendar()
    print(
        f"built {args.projects} projects, {args.issues} issues in "
        f"{time.perf_counter() - start:.1f} s"
    )
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        monthly_summary(portfolio, AS_OF, calendar=calendar, verdicts=verdicts)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        return
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        summary = monthly_summary(portfolio, AS_OF, calendar=calendar, verdicts=verdicts)
        times.append(time.perf_counter() - start)
    print(
        f"monthly_summary: best {min(times):.3f} s, median {sorted(times)[len(times) // 2]:.3f} s"
        f" over {args.repeat} runs"
    )
    closure = summary.issues.closure_rate.percent()
    print(f"completion {summary.completion.percent()}, closure {closure}")


if __name__ == "__main__":
    main()
