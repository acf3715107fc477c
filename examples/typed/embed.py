"""Embedding projpush over a database, as a service's code does: checked by ``mypy --strict``.

The service keeps its projects in its own tables (SQLite here, from the
standard library); it builds projpush values from the rows, judges the lights
and returns the month's figures as JSON-ready dicts. With the ``sql`` extra,
``projpush.io.sql`` reads and writes ledger tables directly instead.
"""

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator

from projpush.errors import ProjpushError
from projpush.frames import verdict_records
from projpush.lights import judge
from projpush.metrics import monthly_summary
from projpush.model import Portfolio, Project
from projpush.records import SummaryDict, VerdictRecord

SCHEMA = """
create table project (key text, name text, level text, category text, stage text,
                      region text, unit text, plan_2020 text);
create table monthly (key text, month text, plan text, done text);
"""


def demo_database() -> sqlite3.Connection:
    """A database as the service has it: two projects and their monthly figures."""
    db = sqlite3.connect(":memory:")
    db.executescript(SCHEMA)
    db.executemany(
        "insert into project values (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            ("NB-1", "港区扩建", "city", "infrastructure", "under_construction", "北仑区",
             "市港航局", "12000"),
            ("NB-2", "机场快速路南延", "市级", "基础设施", "在建", "海曙区", "市交通局", "6000"),
        ],
    )  # fmt: skip
    db.executemany(
        "insert into monthly values (?, ?, ?, ?)",
        [(k, f"2020-{m:02d}", p, d) for k, p, d in (("NB-1", "1000", "1000"), ("NB-2", "500", "300"))
         for m in range(1, 6)],
    )  # fmt: skip
    return db


def projects(db: sqlite3.Connection) -> Iterator[Project]:
    """One Project per row: the database's text goes in as it is, projpush checks it."""
    for key, name, level, category, stage, region, unit, plan in db.execute(
        "select * from project order by key"
    ):
        months = db.execute("select month, plan, done from monthly where key = ?", (key,))
        rows = [(str(m), str(p), str(d)) for m, p, d in months]
        yield Project(
            local_id=str(key), name=str(name), level=str(level), category=str(category),
            stage=str(stage), region=str(region), unit=str(unit),
            annual_plans={2020: str(plan)},
            monthly_plan={m: p for m, p, _ in rows},
            monthly_done={m: d for m, _, d in rows},
        )  # fmt: skip


def month_report(db: sqlite3.Connection, as_of: dt.date) -> tuple[SummaryDict, list[VerdictRecord]]:
    """The month's figures and every project's light, JSON-ready."""
    ledger = Portfolio(projects=list(projects(db)))
    verdicts = [judge(p, as_of) for p in ledger.projects]
    return monthly_summary(ledger, as_of).to_dict(), verdict_records(verdicts, "en")


def main() -> int:
    """Print the report of May 2020; a bad row is one line naming its field."""
    try:
        figures, lights = month_report(demo_database(), dt.date(2020, 5, 31))
    except ProjpushError as error:
        print(f"ledger error: {error}")
        return 2
    print(json.dumps({"completion": figures["investment"]["completion"]["percent"],
                      "lights": {r["project"]: r["light"] for r in lights}},
                     ensure_ascii=False))  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
