"""The tutorial's code (docs/tutorial.md), as a user writes it: checked by ``mypy --strict``."""

import datetime as dt
from decimal import Decimal

from projpush.lights import Light, judge
from projpush.metrics import monthly_summary
from projpush.model import Leader, Month, Portfolio, Project, Secretary, yi
from projpush.records import SummaryDict


def plan(amount: str) -> dict[str, str]:
    """The same amount planned for each month of 2020."""
    return {f"2020-{m:02d}": amount for m in range(1, 13)}


port = Project(
    code="2020-330200-47-03-012345",
    name="港区扩建",
    level="city",
    category="infrastructure",
    stage="under_construction",
    region="北仑区",
    unit="市港航局",
    total_investment=yi("21.89"),
    annual_plans={2020: "12000"},
    monthly_plan=plan("1000"),
    monthly_done={
        "2020-01": "1000",
        "2020-02": "1100",
        "2020-03": "1000",
        "2020-04": "1000",
        "2020-05": "1000",
    },
)
road = Project(
    local_id="NB-ROAD-7",
    name="机场快速路南延",
    level="city",
    category="infrastructure",
    stage="under_construction",
    region="海曙区",
    unit="市交通局",
    annual_plans={2020: "6000"},
    monthly_plan=plan("500"),
    monthly_done={
        "2020-01": "500",
        "2020-02": "400",
        "2020-03": "300",
        "2020-04": "300",
        "2020-05": "300",
    },
)
ledger = Portfolio(
    projects=(port, road),
    leaders=(Leader("张副市长", "city", "分管副市长", projects=(port.key, road.key)),),
    secretaries=(Secretary("李军", "市发改委", projects=[port.key, road.key]),),
)
names: list[str] = [p.name for p in ledger.by_unit("市交通局")]

verdict = judge(road, dt.date(2020, 5, 31))
assert verdict.light is Light.RED  # a stage that is not judged would give None
reason: str = verdict.reasons[0].text("en")

summary = monthly_summary(ledger, dt.date(2020, 5, 31))
completion: str = summary.completion.percent()
assert summary.lights is not None  # None only when lights are not judged
counts: tuple[tuple[str, int], ...] = summary.lights.counts
planned: Decimal = port.monthly_plan[Month(2020, 5)]
first_line: str = summary.to_text(lang="zh").splitlines()[0]
figures: SummaryDict = summary.to_dict()
share: str | None = figures["investment"]["completion"]["percent"]

if __name__ == "__main__":
    print(names, verdict.light, reason, completion, counts, planned, share, sep="\n")
    print(first_line)
