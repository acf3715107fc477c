"""A catalogue of bad inputs: each raises its documented ProjpushError leaf, naming field and value.

Every case calls one public function (or builds one public class) with one
bad input and states the precise error class expected (not a parent), the
error's ``field`` attribute, and a pattern the message must match; the
message must also contain the field. A second test checks that the error
class is documented where a reader looks: the ``Raises:`` section of the
callable's docstring, or the "## Errors" section of ``docs/<module>.md``.

A case that shows a leak in a module another person is editing carries an
``xfail(strict=True)`` mark with the fix it needs; the mark goes once the
module is mended.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
import json
import os
import re
from collections import Counter
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import pytest

from projpush import (
    cli,
    csvledger,
    escalation,
    io,
    ledger,
    lights,
    metrics,
    model,
    report,
    schedule,
)
from projpush.errors import (
    CalendarCoverageError,
    DuplicateKeyError,
    InvalidTransition,
    LedgerError,
    LedgerTooLargeError,
    MoneyTypeError,
    PolicyError,
    ProjpushError,
    UnknownReferenceError,
    ValidationError,
)
from projpush.escalation import EscalationPolicy, Ladder, PolicyBook, SheetPolicy, Tier
from projpush.io import xlsx
from projpush.lights import GapPolicy, LagPolicy, NodePolicy, Reason, SiteActivityPolicy, WorstOf
from projpush.model import (
    ApprovalItem,
    Contact,
    EventKind,
    Issue,
    IssueEvent,
    IssueState,
    Leader,
    Milestone,
    Month,
    Portfolio,
    Project,
    ProjectCode,
    Secretary,
    StageEvent,
    TaskForce,
    Unit,
)
from projpush.schedule import (
    Emergency,
    FallbackCalendar,
    HolidayCalendar,
    Quarter,
    RhythmPolicy,
    WeekdayCalendar,
)
from projpush.synth import CALENDAR_2020

if TYPE_CHECKING:
    from collections.abc import Callable

D = dt.date
DOCS = Path(__file__).parents[1] / "docs"
ON = D(2020, 9, 29)


# --------------------------------------------------------------------------- fixtures


def proj(key: str = "NB-1", **changes: Any) -> Project:
    """A valid project under construction with a 2020 plan; ``changes`` override fields."""
    fields: dict[str, Any] = {
        "local_id": key,
        "name": "港区扩建",
        "level": "city",
        "category": "infrastructure",
        "stage": "under_construction",
        "region": "北仑区",
        "unit": "市港航局",
        "annual_plans": {2020: "1200"},
        "monthly_plan": {f"2020-{m:02d}": "100" for m in range(1, 13)},
        "monthly_done": {"2020-01": "100"},
    }
    fields.update(changes)
    return Project(**fields)


def unplanned() -> Project:
    """A project under construction with no plan at all."""
    return proj("NB-0", annual_plans={}, monthly_plan={}, monthly_done={})


@functools.cache
def folio() -> Portfolio:
    return Portfolio(projects=(proj(),), leaders=(Leader("张副市长", "city", projects=("NB-1",)),))


def collected(difficulty: str = "general") -> Issue:
    return Issue.collect(
        "Q-1",
        "NB-1",
        category="land",
        title="林地调规",
        on=D(2020, 9, 28),
        by="服务秘书",
        difficulty=difficulty,
    )


def assigned(policy: EscalationPolicy | None = None) -> Issue:
    chosen = policy or EscalationPolicy.binzhou()
    return escalation.assign(collected(), ON, chosen, by="市指挥部办公室", calendar=CALENDAR_2020)


def stray_tier() -> Issue:
    """An issue recorded under binzhou@1 at a tier the Binzhou ladder does not have."""
    return collected().step(
        EventKind.ASSIGNED,
        ON,
        "市指挥部办公室",
        tier="moon",
        owner="月球指挥部",
        deadline=D(2020, 10, 13),
        policy="binzhou@1",
    )


@functools.cache
def small_report() -> report.SupervisionReport:
    return report.build_report(folio(), D(2020, 5, 31), calendar=CALENDAR_2020)


def lag_map() -> lights.LightMap:
    return lights.light_map([proj()], 2020)


def rollup() -> lights.Rollup:
    return lights.judge_portfolio(folio(), D(2020, 5, 31))


def milestone_json(**changes: Any) -> str:
    data: dict[str, Any] = {"name": "土地摘牌", "planned": "2020-06-30"}
    data.update(changes)
    return json.dumps({k: v for k, v in data.items() if v is not None}, ensure_ascii=False)


def project_doc(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "local_id": "NB-1",
        "name": "港区扩建",
        "level": "city",
        "category": "infrastructure",
        "stage": "under_construction",
        "region": "北仑区",
        "unit": "市港航局",
    }
    data.update(changes)
    return data


def ledger_doc(**changes: Any) -> bytes:
    data: dict[str, Any] = {"format": "projpush-ledger", "version": 1, "projects": []}
    data.update(changes)
    return json.dumps(data, ensure_ascii=False).encode()


PROJECTS_CSV = (
    "local_id,name,level,category,stage,region,unit,total_investment\n"
    "NB-1,港区扩建,city,infrastructure,under_construction,北仑区,市港航局,1000\n"
)


def csv_folder(tmp: Path, **files: str) -> Path:
    """A CSV ledger folder: a valid projects.csv unless replaced, plus ``files``."""
    folder = tmp / "city"
    folder.mkdir()
    files = {"projects.csv": PROJECTS_CSV, **files}
    for name, text in files.items():
        (folder / name.replace("_csv", ".csv")).write_text(text, encoding="utf-8")
    return folder


def workbook(tmp: Path, **cells: object) -> Path:
    """A ledger workbook: PROJECTS_CSV's one project in a 项目 sheet, some cells replaced."""
    import openpyxl  # noqa: PLC0415 (the xlsx extra, for these cases only)

    header, values = (line.split(",") for line in PROJECTS_CSV.splitlines())
    row: dict[str, object] = dict(zip(header, values, strict=True))
    row["total_investment"] = 1000
    row.update(cells)
    book = openpyxl.Workbook()
    book.active.title = "项目"
    book.active.append(list(row))
    book.active.append(list(row.values()))
    path = tmp / "city.xlsx"
    book.save(path)
    return path


def json_file(tmp: Path, body: bytes, name: str = "city.json") -> Path:
    path = tmp / name
    path.write_bytes(body)
    return path


def fifo(tmp: Path, name: str = "city.json") -> Path:
    """A named pipe no one writes: a reader that opened it would wait forever."""
    path = tmp / name
    os.mkfifo(path)
    return path


# --------------------------------------------------------------------------- the catalogue


class Bad(NamedTuple):
    """One bad input: how to make it, what must come out, and where that is documented."""

    call: Callable[[Path], object]
    error: type[ProjpushError]
    field: str
    match: str
    documented: object
    leak: str | None = None
    doc_gap: str | None = None


CASES: dict[str, Bad] = {}


def bad(  # noqa: PLR0917 (a catalogue row reads best as positional columns)
    case_id: str,
    call: Callable[[Path], object],
    error: type[ProjpushError],
    field: str,
    match: str,
    documented: object,
    *,
    leak: str | None = None,
    doc_gap: str | None = None,
) -> None:
    assert case_id not in CASES, case_id
    CASES[case_id] = Bad(call, error, field, match, documented, leak, doc_gap)


# One line a case reads better than the formatter's one argument a line.
# fmt: off

# ---- model: money
bad("model-money-float", lambda _: model.money(0.1), MoneyTypeError, "amount",
    r"amount: money must be exact.*float 0\.1", model.money)
bad("model-money-text", lambda _: model.money("一百"), ValidationError, "amount",
    r"amount: expected an amount in 万元 written in digits.*, got '一百'", model.money)
bad("model-money-underscores", lambda _: model.money("1_000"), ValidationError, "amount",
    r"amount: expected an amount in 万元 written in digits.*, got '1_000'", model.money)
bad("model-money-misplaced-separator", lambda _: model.money("1,05,2"), ValidationError,
    "amount", r"amount: expected an amount in 万元 written in digits.*, got '1,05,2'", model.money)
bad("model-money-other-digits", lambda _: model.money("١٢٣"), ValidationError, "amount",
    r"amount: expected an amount in 万元 written in digits.*, got '١٢٣'", model.money)
bad("model-money-plus", lambda _: model.money("+5"), ValidationError, "amount",
    r"amount: expected an amount in 万元 written in digits.*, got '\+5'", model.money)
bad("model-money-nan", lambda _: model.money("NaN"), ValidationError, "amount",
    r"amount: expected a finite amount, got 'NaN'", model.money)
bad("model-money-bool", lambda _: model.money(True), MoneyTypeError, "amount",  # noqa: FBT003
    r"amount: expected a Decimal or a string amount in 万元, got True", model.money)
bad("model-money-none", lambda _: model.money(None), MoneyTypeError, "amount",
    r"amount: expected .*, got None", model.money)
bad("model-yi-float", lambda _: model.yi(1.5), MoneyTypeError, "amount",
    r"amount: .*float 1\.5", model.yi)
bad("model-to-yi-text", lambda _: model.to_yi("x"), ValidationError, "amount",
    r"amount: expected an amount in 万元 written in digits.*, got 'x'", model.to_yi)

# ---- model: months and codes
bad("model-month-parse-13", lambda _: Month.parse("2020-13"), ValidationError, "month",
    r"month: expected a month YYYY-MM with MM from 01 to 12, got '2020-13'", Month.parse)
bad("model-month-parse-words", lambda _: Month.parse("May 2020"), ValidationError, "month",
    r"month: expected a month YYYY-MM, got 'May 2020'", Month.parse)
bad("model-month-parse-int", lambda _: Month.parse(202005), ValidationError, "month",
    r"month: expected a month YYYY-MM, got 202005", Month.parse)
bad("model-month-zero", lambda _: Month(2020, 0), ValidationError, "month",
    r"month: expected a whole number from 1 to 12, got 0", Month)
bad("model-month-year-1800", lambda _: Month(1800, 1), ValidationError, "year",
    r"year: expected a whole number from 1900 to 2200, got 1800", Month)
bad("model-code-division", lambda _: ProjectCode.parse("2020-33020-47-03-012345"),
    ValidationError, "code.division", r"code: division part must be 6 digits, got '33020'",
    ProjectCode.parse)
bad("model-code-parts", lambda _: ProjectCode.parse("2020-330200-47-03"), ValidationError,
    "code", r"code: expected 5 parts .*got 4 in '2020-330200-47-03'", ProjectCode.parse)
bad("model-code-year", lambda _: ProjectCode.parse("1980-330200-47-03-012345"),
    ValidationError, "code.year", r"code: year part must be from 1990 to 2200, got '1980'",
    ProjectCode.parse)
bad("model-code-int", lambda _: ProjectCode.parse(2020330200), ValidationError, "code",
    r"code: expected a project code YYYY-AAAAAA-BB-CC-NNNNNN, got 2020330200",
    ProjectCode.parse)

# ---- model: projects and their parts
bad("model-project-level", lambda _: proj(level="galaxy"), ValidationError, "level",
    r"level: expected one of province \(省级\), city \(市级\), .*, got 'galaxy'", Project)
bad("model-project-no-key", lambda _: proj(local_id=None), ValidationError, "code",
    r"project '港区扩建': needs a national code or a local_id, got neither", Project)
bad("model-project-float-total", lambda _: proj(total_investment=1.5), MoneyTypeError,
    "total_investment", r"total_investment: money must be exact.*float 1\.5", Project)
bad("model-project-negative-total", lambda _: proj(total_investment="-5"), ValidationError,
    "total_investment", r"total_investment: expected an amount >= 0, got '-5'", Project)
bad("model-project-annual-float", lambda _: proj(annual_plans={2020: 1.5}), MoneyTypeError,
    "annual_plans['2020']", r"annual_plans\['2020'\]: money must be exact.*float 1\.5",
    Project)
bad("model-project-annual-year", lambda _: proj(annual_plans={"twenty": "1"}),
    ValidationError, "annual_plans['twenty']",
    r"annual_plans\['twenty'\]: expected a whole number from 1900 to 2200, got 'twenty'",
    Project)
bad("model-project-month-13", lambda _: proj(monthly_plan={"2020-13": "1"}), ValidationError,
    "monthly_plan['2020-13']", r"monthly_plan\['2020-13'\]: expected a month .*got '2020-13'",
    Project)
bad("model-project-done-text", lambda _: proj(monthly_done={"2020-01": "lots"}),
    ValidationError, "monthly_done['2020-01']",
    r"monthly_done\['2020-01'\]: expected an amount in 万元 written in digits.*, got 'lots'",
    Project)
bad("model-project-duplicate-milestones",
    lambda _: proj(milestones=(Milestone("桩基", D(2020, 3, 1)), Milestone("桩基", D(2020, 4, 1)))),
    DuplicateKeyError, "milestones", r"NB-1: milestones must have unique names, got '桩基' 2 times",
    Project)
bad("model-project-stage-step",
    lambda _: proj(stage="completed", stage_events=(StageEvent("completed", D(2020, 1, 1)),)),
    InvalidTransition, "stage_events[0]",
    r"stage_events\[0\]: expected one of \['started'\] after no event, got 'completed'",
    Project)
bad("model-project-stage-mismatch",
    lambda _: proj(stage="completed", stage_events=(StageEvent("started", D(2020, 1, 1)),)),
    ValidationError, "stage", r"stage is 'completed' but the last stage event .* 'under_constr",
    Project)
bad("model-milestone-planned-before-start",
    lambda _: Milestone("桩基", planned=D(2020, 2, 1), start=D(2020, 3, 1)), ValidationError,
    "planned", r"milestone '桩基': planned 2020-02-01 is before start 2020-03-01", Milestone)
bad("model-milestone-percent", lambda _: Milestone("桩基", D(2020, 3, 1), percent="150"),
    ValidationError, "percent", r"percent: expected a percentage from 0 to 100, got '150'",
    Milestone)
bad("model-milestone-percent-exponent",
    lambda _: Milestone("桩基", D(2020, 3, 1), percent="1e999999999"), ValidationError, "percent",
    r"percent: expected a percentage from 0 to 100 written in digits, such as 62\.5 or '62\.5%', "
    r"got '1e999999999'$", Milestone)
bad("model-milestone-percent-decimal-exponent",
    lambda _: Milestone("桩基", D(2020, 3, 1), percent=Decimal("1E+999999999")), ValidationError,
    "percent", r"percent: expected a percentage from 0 to 100, got Decimal\('1E\+999999999'\)",
    Milestone)
bad("model-milestone-percent-float", lambda _: Milestone("桩基", D(2020, 3, 1), percent=40.5),
    MoneyTypeError, "percent", r"percent: a percentage must be exact; .* the float 40\.5$",
    Milestone)
bad("model-milestone-percent-places",
    lambda _: Milestone("桩基", D(2020, 3, 1), percent="40.0000000000001"), ValidationError,
    "percent", r"percent: expected a percentage with at most 12 places", Milestone)
bad("model-milestone-bad-date", lambda _: Milestone("桩基", planned="2020-02-30"),
    ValidationError, "planned", r"planned: expected an ISO date YYYY-MM-DD, got '2020-02-30'",
    Milestone)
bad("model-milestone-datetime", lambda _: Milestone("桩基", planned=dt.datetime(2020, 3, 1)),  # noqa: DTZ001
    ValidationError, "planned", r"planned: expected a date \(not a datetime\), got datetime",
    Milestone)
bad("model-milestone-done-before-start",
    lambda _: Milestone("桩基", D(2020, 3, 1), start=D(2020, 2, 1), done=D(2020, 1, 1)),
    ValidationError, "done", r"milestone '桩基': done 2020-01-01 is before start 2020-02-01",
    Milestone)
bad("model-approval-granted-before-applied",
    lambda _: ApprovalItem("施工许可", applied=D(2020, 5, 1), granted=D(2020, 4, 1)),
    ValidationError, "granted", r"granted 2020-04-01 is before applied 2020-05-01",
    ApprovalItem)
bad("model-unit-empty-name", lambda _: Unit(""), ValidationError, "name",
    r"name: expected a non-empty string, got ''", Unit)

# ---- model: people
bad("model-leader-rank", lambda _: Leader("张副市长", "emperor"), ValidationError, "rank",
    r"rank: expected one of city \(市级\), district \(区县级\), town \(乡镇级\), got 'emperor'",
    Leader)
bad("model-leader-projects-string", lambda _: Leader("张副市长", "city", projects="NB-1"),
    ValidationError, "projects", r"projects: expected a list of project keys, got 'NB-1'", Leader)
bad("model-secretary-cadence-unserved",
    lambda _: Secretary("李军", "市发改委", projects=("NB-1",), cadences={"NB-9": "daily"}),
    UnknownReferenceError, "cadences", r"secretary '李军': cadence given for 'NB-9'",
    Secretary)
bad("model-secretary-cadence-value",
    lambda _: Secretary("李军", "市发改委", default_cadence="hourly"),
    ValidationError, "default_cadence", r"default_cadence: expected one of .*, got 'hourly'",
    Secretary)
bad("model-secretary-contact-unserved",
    lambda _: Secretary("李军", "市发改委", projects=("NB-1",),
                        contacts=(Contact("NB-2", D(2020, 5, 1)),)),
    UnknownReferenceError, "contacts[0].project", r"contacts\[0\] names 'NB-2'",
    Secretary)
bad("model-contact-date", lambda _: Contact("NB-1", "yesterday"), ValidationError, "on",
    r"on: expected an ISO date YYYY-MM-DD, got 'yesterday'", Contact)

# ---- model: issues
bad("model-event-kind",
    lambda _: IssueEvent(ON, "teleported", "s", None, IssueState.COLLECTED), ValidationError,
    "kind", r"kind: expected one of collected \(收集\), .*, got 'teleported'", IssueEvent)
bad("model-event-state",
    lambda _: IssueEvent(ON, "collected", "s", None, "lost"), ValidationError, "to_state",
    r"to_state: expected one of collected \(已收集\), .*, got 'lost'", IssueEvent)
bad("model-issue-category",
    lambda _: Issue.collect("Q-1", "NB-1", category="weather", title="t", on=ON, by="s"),
    ValidationError, "category", r"category: expected one of funds \(资金\), .*, got 'weather'",
    Issue.collect)
bad("model-issue-no-events", lambda _: Issue("Q-1", "NB-1", "land", "t", ()), ValidationError,
    "events", r"events: expected at least the 'collected' event, got \(\)", Issue)
bad("model-step-close-collected", lambda _: collected().step(EventKind.CLOSED, ON, "办"),
    InvalidTransition, "kind", r"cannot close an issue that is collected; allowed steps: assig",
    Issue.step)
bad("model-step-backwards",
    lambda _: collected().step(EventKind.ASSIGNED, D(2020, 9, 20), "办", tier="t", owner="o"),
    InvalidTransition, "events[1].at", r"events\[1\]: assigned on 2020-09-20 is before",
    Issue.step)
bad("model-step-missing-tier", lambda _: collected().step(EventKind.ASSIGNED, ON, "办", owner="o"),
    ValidationError, "events[1].tier", r"events\[1\]\.tier: expected a value .*, got None",
    Issue.step)
bad("model-step-unknown-kind", lambda _: collected().step("teleport", ON, "办"),
    ValidationError, "kind", r"kind: expected one of .*, got 'teleport'", Issue.step)
bad("model-step-bad-sheet",
    lambda _: assigned().step(EventKind.SHEET_ISSUED, D(2020, 10, 14), "办", sheet="purple"),
    ValidationError, "sheet",
    r"sheet: expected one of blue \(蓝色督办单\), yellow \(黄色督办单\), red \(红色督办单\), "
    r"got 'purple'", Issue.step)
bad("model-step-sheet-improves",
    lambda _: assigned()
    .step(EventKind.SHEET_ISSUED, D(2020, 10, 14), "办", sheet="red")
    .step(EventKind.SHEET_ISSUED, D(2020, 10, 15), "办", sheet="blue"),
    InvalidTransition, "events[3].sheet", r"a blue sheet after a red one", Issue.step)
bad("model-step-unknown-payload",
    lambda _: collected().step(EventKind.ASSIGNED, ON, "办", tier="t", owner="o", colour="red"),
    ValidationError, "colour", r"colour: .*tier.*, got 'red'", Issue.step)

# ---- model: the portfolio
bad("model-portfolio-duplicate-project", lambda _: Portfolio(projects=(proj(), proj())),
    DuplicateKeyError, "projects[1]", r"projects\[1\]: duplicate key 'NB-1'", Portfolio)
bad("model-portfolio-duplicate-issue",
    lambda _: Portfolio(projects=(proj(),), issues=(collected(), collected())),
    DuplicateKeyError, "issues[1]", r"issues\[1\]: duplicate key 'Q-1'", Portfolio)
bad("model-portfolio-duplicate-leader",
    lambda _: Portfolio(leaders=(Leader("张副市长", "city"), Leader("张副市长", "district"))),
    DuplicateKeyError, "leaders[1]", r"leaders\[1\]: duplicate key '张副市长'", Portfolio)
bad("model-portfolio-leader-unknown-project",
    lambda _: Portfolio(leaders=(Leader("张副市长", "city", projects=("NB-9",)),)),
    UnknownReferenceError, "leaders[0].projects[0]", r"refers to unknown project 'NB-9'",
    Portfolio)
bad("model-portfolio-issue-unknown-project", lambda _: Portfolio(issues=(collected(),)),
    UnknownReferenceError, "issues[0].project", r"issues\[0\] \(Q-1\): refers to unknown "
    r"project 'NB-1'", Portfolio)
bad("model-portfolio-task-force-unknown-project",
    lambda _: Portfolio(task_forces=(TaskForce("交通专班", projects=("NB-9",)),)),
    UnknownReferenceError, "task_forces[0].projects[0]", r"refers to unknown project 'NB-9'",
    Portfolio)
bad("model-portfolio-not-a-project", lambda _: Portfolio(projects=("NB-1",)), ValidationError,
    "projects[0]", r"projects\[0\]: expected Project, got 'NB-1'", Portfolio)
bad("model-portfolio-project-unknown", lambda _: folio().project("NB-404"),
    UnknownReferenceError, "project", r"project: no project .*'NB-404'", Portfolio.project)
bad("model-portfolio-project-none", lambda _: folio().project(None), UnknownReferenceError,
    "project", r"project: no project .* None", Portfolio.project)
bad("model-portfolio-project-int", lambda _: folio().project(5), UnknownReferenceError,
    "project", r"project: no project .* 5 ", Portfolio.project)
bad("model-portfolio-project-list", lambda _: folio().project(["a"]), UnknownReferenceError,
    "project", r"project: .*\['a'\]", Portfolio.project)
bad("model-portfolio-issue-unknown", lambda _: folio().issue("Q-404"), UnknownReferenceError,
    "issue", r"issue: no issue with id 'Q-404'", Portfolio.issue)
bad("model-portfolio-issue-list", lambda _: folio().issue(["Q-1"]), UnknownReferenceError,
    "issue", r"issue: .*\['Q-1'\]", Portfolio.issue)

# ---- model: keys that collide once normalised (issue 15), free text kept as typed
bad("model-project-month-twice",
    lambda _: proj(monthly_plan={"2020-01": "100", "2020-1": "100"}), DuplicateKeyError,
    "monthly_plan['2020-1']", r"^monthly_plan\['2020-1'\]: expected each month once, got "
    r"'2020-01' and '2020-1', which are the same month$", Project)
bad("model-project-year-twice", lambda _: proj(annual_plans={2020: "1", "２０２０": "2"}),
    DuplicateKeyError, "annual_plans['２０２０']", r"^annual_plans\['２０２０'\]: expected each "
    r"year once, got 2020 and '２０２０', which are the same year$", Project)
bad("model-leader-project-twice",
    lambda _: Leader("张副市长", "city", projects=("NB-1", "ＮＢ-1")), DuplicateKeyError,
    "projects[1]", r"^projects\[1\]: expected each project key once, got 'NB-1' \(projects\[0\]\) "
    r"and 'ＮＢ-1', which are the same project key$", Leader)
bad("model-frozen-map-pairs", lambda _: model.FrozenMap([(2020, "a"), (2020, "b")]),
    DuplicateKeyError, "data",
    r"^data: expected each key once, got 2020 and 2020, which are the same key$",
    model.FrozenMap)
bad("model-portfolio-unit-names-fold-alike",
    lambda _: Portfolio(units=(Unit("市　港航局"), Unit("市 港航局"))), DuplicateKeyError,
    "units[1]", r"^units\[1\]: expected each name once, got '市\\u3000港航局' \(units\[0\]\) and "
    r"'市 港航局', which are the same name$", Portfolio)
bad("model-portfolio-code-is-another-local-id",
    lambda _: Portfolio(projects=(proj(code="2020-330200-47-03-012345"),
                                  proj("2020–330200–47–03–012345"))),
    DuplicateKeyError, "projects[1].local_id", r"^projects\[1\]\.local_id: expected a key no "
    r"other project has, got local id '2020–330200–47–03–012345', which names projects\[0\] too "
    r"\(its code '2020-330200-47-03-012345'\)$", Portfolio)

# ---- model: date and year arguments of the rules on model values
bad("model-integrity-report-text", lambda _: model.integrity_report(folio(), "2020"),
    ValidationError, "as_of", r"as_of: expected a date, got '2020'", model.integrity_report)
bad("model-integrity-report-datetime",
    lambda _: model.integrity_report(folio(), dt.datetime(2020, 5, 31)), ValidationError,  # noqa: DTZ001
    "as_of", r"as_of: expected a date \(not a datetime\), got datetime\.datetime\(2020, 5, 31",
    model.integrity_report)
bad("model-stage-at-text", lambda _: proj().stage_at("2020-05-31"), ValidationError, "day",
    r"day: expected a date, got '2020-05-31'", Project.stage_at)
bad("model-month-of-text", lambda _: Month.of("2020-05-31"), ValidationError, "day",
    r"day: expected a date, got '2020-05-31'", Month.of)
bad("model-is-new-in-text", lambda _: proj().is_new_in("2020"), ValidationError, "year",
    r"year: expected a whole number from 1900 to 2200, got '2020'", Project.is_new_in)
bad("model-annual-plan-float", lambda _: proj().annual_plan(2020.0), ValidationError, "year",
    r"year: expected a whole number from 1900 to 2200, got 2020\.0", Project.annual_plan)
bad("model-ready-to-start-text", lambda _: proj().ready_to_start("2020-05-31"),
    ValidationError, "as_of", r"as_of: expected a date, got '2020-05-31'", Project.ready_to_start)
bad("model-outstanding-approvals-int", lambda _: proj().outstanding_approvals(20200531),
    ValidationError, "as_of", r"as_of: expected a date, got 20200531",
    Project.outstanding_approvals)
bad("model-milestone-is-done-none", lambda _: Milestone("桩基", D(2020, 3, 1)).is_done(None),
    ValidationError, "as_of", r"as_of: expected a date, got None", Milestone.is_done)
bad("model-approval-is-granted-text",
    lambda _: ApprovalItem("施工许可", applied=D(2020, 2, 12)).is_granted("2020-02-20"),
    ValidationError, "as_of", r"as_of: expected a date, got '2020-02-20'", ApprovalItem.is_granted)
bad("model-last-contact-none",
    lambda _: Secretary("李军", "市发改委", projects=("NB-1",)).last_contact("NB-1", None),
    ValidationError, "as_of", r"as_of: expected a date, got None", Secretary.last_contact)

# ---- schedule
bad("schedule-last-complete-month-text", lambda _: schedule.last_complete_month("2020-05-31"),
    ValidationError, "as_of", r"as_of: expected a date, got '2020-05-31'",
    schedule.last_complete_month)
bad("schedule-cumulative-series-not-a-project",
    lambda _: schedule.cumulative_series("NB-1", Month(2020, 5)), ValidationError, "project",
    r"project: expected a Project, got 'NB-1'", schedule.cumulative_series)
bad("schedule-cumulative-series-month-text",
    lambda _: schedule.cumulative_series(folio().projects[0], "2020-05"), ValidationError,
    "through", r"through: expected a Month, got '2020-05'", schedule.cumulative_series)
bad("schedule-cumulative-to-month-none",
    lambda _: schedule.cumulative_to(folio().projects[0], None), ValidationError,
    "through", r"through: expected a Month, got None", schedule.cumulative_to)
bad("schedule-milestone-timing-not-a-milestone",
    lambda _: schedule.milestone_timing("土地清表", D(2020, 10, 13)), ValidationError,
    "milestone", r"milestone: expected a Milestone, got '土地清表'", schedule.milestone_timing)
C20 = CALENDAR_2020
COVERS = r"no working-day data for {}: official 2020 calendar .* covers 2020–2020"
bad("schedule-add-working-days-outside",
    lambda _: schedule.add_working_days(D(2021, 1, 5), 1, calendar=C20),
    CalendarCoverageError, "date", COVERS.format(2021), schedule.add_working_days)
bad("schedule-add-working-days-runs-out",
    lambda _: schedule.add_working_days(D(2020, 12, 30), 10, calendar=C20),
    CalendarCoverageError, "date",
    r"adding 10 working days to 2020-12-30: " + COVERS.format(2021), schedule.add_working_days)
bad("schedule-add-working-days-backwards-out",
    lambda _: schedule.add_working_days(D(2020, 1, 3), -5, calendar=C20),
    CalendarCoverageError, "date",
    r"adding -5 working days to 2020-01-03: " + COVERS.format(2019), schedule.add_working_days)
bad("schedule-add-working-days-year-9999",
    lambda _: schedule.add_working_days(D(9999, 12, 30), 5, calendar=WeekdayCalendar()),
    CalendarCoverageError, "n", r"adding 5 working days to 9999-12-30 leaves the years",
    schedule.add_working_days)
bad("schedule-add-working-days-start-text",
    lambda _: schedule.add_working_days("2020-09-29", 5, calendar=C20), ValidationError, "start",
    r"start: expected a date, got '2020-09-29'", schedule.add_working_days)
bad("schedule-add-working-days-n-float", lambda _: schedule.add_working_days(ON, 2.5, calendar=C20),
    ValidationError, "n", r"n: expected a whole number of working days, got 2\.5",
    schedule.add_working_days)
bad("schedule-working-days-between-outside",
    lambda _: schedule.working_days_between(D(2019, 12, 30), D(2020, 1, 6), calendar=C20),
    CalendarCoverageError, "date", COVERS.format(2019), schedule.working_days_between)
bad("schedule-working-days-between-end-text",
    lambda _: schedule.working_days_between(ON, "2020-10-13", calendar=C20), ValidationError, "end",
    r"end: expected a date, got '2020-10-13'", schedule.working_days_between)
bad("schedule-next-working-day-outside",
    lambda _: schedule.next_working_day(D(2030, 1, 1), calendar=C20),
    CalendarCoverageError, "date", COVERS.format(2030), schedule.next_working_day)
bad("schedule-next-working-day-none", lambda _: schedule.next_working_day(None, calendar=C20),
    ValidationError, "day", r"day: expected a date, got None", schedule.next_working_day)
bad("schedule-add-months-float", lambda _: schedule.add_months(D(2020, 1, 31), 1.5),
    ValidationError, "months", r"months: expected a whole number of months, got 1\.5",
    schedule.add_months)
bad("schedule-time-progress-text", lambda _: schedule.time_progress("2020-05-31"),
    ValidationError, "as_of", r"as_of: expected a date, got '2020-05-31'", schedule.time_progress)
bad("schedule-time-progress-basis", lambda _: schedule.time_progress(D(2020, 5, 31), "month"),
    ValidationError, "basis", r"basis: expected TimeBasis.MONTH or TimeBasis.DAY, got 'month'",
    schedule.time_progress)
bad("schedule-calendar-empty-years",
    lambda _: HolidayCalendar(years=range(2020, 2020), holidays=set(), workdays=set()),
    ValidationError, "years", r"years: expected a non-empty range .*, got range\(2020, 2020\)",
    HolidayCalendar)
bad("schedule-calendar-years-list",
    lambda _: HolidayCalendar(years=[2020], holidays=set(), workdays=set()), ValidationError,
    "years", r"years: expected a non-empty range of years with step 1, got \[2020\]",
    HolidayCalendar)
bad("schedule-calendar-holiday-outside",
    lambda _: HolidayCalendar(years=range(2020, 2021), holidays={D(2021, 1, 1)}, workdays=set()),
    ValidationError, "holidays", r"holidays: 2021-01-01 lies outside the calendar's years",
    HolidayCalendar)
bad("schedule-calendar-holiday-text",
    lambda _: HolidayCalendar(years=range(2020, 2021), holidays={"2020-01-01"}, workdays=set()),
    ValidationError, "holidays", r"holidays: expected dates, got '2020-01-01'", HolidayCalendar)
bad("schedule-calendar-weekday-workday",
    lambda _: HolidayCalendar(years=range(2020, 2021), holidays=set(), workdays={D(2020, 1, 6)}),
    ValidationError, "workdays", r"workdays: 2020-01-06 is a Monday, a working day already",
    HolidayCalendar)
bad("schedule-calendar-day-off-and-workday",
    lambda _: HolidayCalendar(years=range(2020, 2021), holidays={D(2020, 1, 4)},
                              workdays={D(2020, 1, 4)}),
    ValidationError, "workdays", r"holidays and workdays: 2020-01-04 is listed as both",
    HolidayCalendar)
bad("schedule-calendar-with-year-gap",
    lambda _: C20.with_year(2030, holidays=set(), workdays=set()), ValidationError, "year",
    r"year: expected a year next to the covered ones \(2019 or 2021\), got 2030",
    HolidayCalendar.with_year)
bad("schedule-fallback-narrower", lambda _: FallbackCalendar(WeekdayCalendar(), C20),
    ValidationError, "fallback", r"fallback: covers 2020–2020, which must include .* 1–9999",
    FallbackCalendar)
bad("schedule-quarter-5", lambda _: Quarter(2020, 5), ValidationError, "quarter",
    r"quarter: expected a quarter from 1 to 4, got 5", Quarter)
bad("schedule-rhythm-no-kinds", lambda _: RhythmPolicy(kinds=set()), PolicyError, "kinds",
    r"kinds: expected a non-empty set of routine RhythmKind members .*, got frozenset\(\)",
    RhythmPolicy)
bad("schedule-rhythm-emergency-kind",
    lambda _: RhythmPolicy(kinds={schedule.RhythmKind.DAILY_FLASH}), PolicyError, "kinds",
    r"kinds: expected .*emergencies come from Emergency.*DAILY_FLASH", RhythmPolicy)
bad("schedule-rhythm-report-day-31", lambda _: RhythmPolicy.binzhou(report_day=31), PolicyError,
    "report_day", r"report_day: expected a day of the month from 1 to 28, got 31", RhythmPolicy)
bad("schedule-emergency-backwards", lambda _: Emergency(D(2020, 2, 10), D(2020, 2, 1)),
    ValidationError, "last", r"emergency: last day 2020-02-01 is before first day 2020-02-10",
    Emergency)
bad("schedule-emergency-weekday-7",
    lambda _: Emergency(D(2020, 2, 1), D(2020, 2, 10), notice_weekday=7), PolicyError,
    "notice_weekday", r"notice_weekday: expected a weekday from 0 \(Monday\) to 6 .*, got 7",
    Emergency)
bad("schedule-rhythm-december-report-outside",
    lambda _: schedule.supervision_rhythm(2020, calendar=C20), CalendarCoverageError, "date",
    COVERS.format(2021), schedule.supervision_rhythm)
bad("schedule-rhythm-policy-name", lambda _: schedule.supervision_rhythm(2020, "binzhou"),
    PolicyError, "policy", r"policy: expected a RhythmPolicy, got 'binzhou'",
    schedule.supervision_rhythm)
bad("schedule-rhythm-year-text", lambda _: schedule.supervision_rhythm("2020"),
    ValidationError, "year", r"year: expected a whole number from 1900 to 2200, got '2020'",
    schedule.supervision_rhythm)
bad("schedule-rhythm-kinds-not-a-set", lambda _: RhythmPolicy(kinds=5), PolicyError, "kinds",
    r"kinds: expected a set of RhythmKind members, got 5", RhythmPolicy)
bad("schedule-rhythm-emergency-dates",
    lambda _: schedule.supervision_rhythm(2020, emergency=(D(2020, 2, 1), D(2020, 2, 10))),
    ValidationError, "emergency", r"emergency: expected an Emergency, got \(datetime",
    schedule.supervision_rhythm)
bad("schedule-milestone-timing-outside",
    lambda _: schedule.milestone_timing(Milestone("桩基", D(2019, 12, 1)), D(2020, 1, 10),
                                        calendar=C20),
    CalendarCoverageError, "date", COVERS.format(2019), schedule.milestone_timing)

# ---- lights
bad("lights-lag-red-before-yellow", lambda _: LagPolicy(streak_for_yellow=3, streak_for_red=2),
    PolicyError, "streak_for_red", r"streak_for_red: expected > streak_for_yellow \(3\), got 2",
    LagPolicy)
bad("lights-lag-yellow-zero", lambda _: LagPolicy(streak_for_yellow=0), PolicyError,
    "streak_for_yellow", r"streak_for_yellow: expected a whole number >= 1, got 0", LagPolicy)
bad("lights-lag-tolerance-float", lambda _: LagPolicy.ningbo(tolerance=0.9), PolicyError,
    "tolerance", r"tolerance: expected an exact factor .*, got 0\.9", LagPolicy.ningbo)
bad("lights-lag-tolerance-above-one", lambda _: LagPolicy(tolerance="1.5"), PolicyError,
    "tolerance", r"tolerance: expected a factor in \(0, 1\], got '1\.5'", LagPolicy)
bad("lights-lag-tolerance-exponent", lambda _: LagPolicy(tolerance="1e-999999999"), PolicyError,
    "tolerance", r"tolerance: expected a decimal factor, got '1e-999999999'$", LagPolicy)
bad("lights-lag-tolerance-tiny-decimal", lambda _: LagPolicy(tolerance=Decimal("1E-999999999")),
    PolicyError, "tolerance", r"tolerance: expected a decimal factor \(at most 30 digits\)",
    LagPolicy)
bad("lights-lag-tolerance-thirds", lambda _: LagPolicy(tolerance="2/3"), PolicyError,
    "tolerance", r"tolerance: expected a factor with at most 12 decimal places, got '2/3'$",
    LagPolicy)
bad("lights-lag-tolerance-text", lambda _: LagPolicy(tolerance="abc"), PolicyError, "tolerance",
    r"tolerance: expected a decimal factor, got 'abc'", LagPolicy)
bad("lights-lag-stage", lambda _: LagPolicy(stages=["planned", "building"]), PolicyError,
    "stages[1]", r"stages\[1\]: expected a stage among 'planned', .*, got 'building'$", LagPolicy)
bad("lights-lag-stages-string", lambda _: LagPolicy(stages="planned"), PolicyError, "stages",
    r"stages: expected a list of stages among 'planned', .*, got 'planned'$", LagPolicy)
bad("lights-lag-requirement", lambda _: LagPolicy(requirement="weekly"), PolicyError,
    "requirement", r"requirement: expected one of .*Requirement\.CUMULATIVE.*, got 'weekly'",
    LagPolicy)
bad("lights-node-slack-150", lambda _: NodePolicy(slack_points=150), PolicyError,
    "slack_points", r"slack_points: expected from 0 to 100 points, got 150$", NodePolicy)
bad("lights-node-slack-text-above", lambda _: NodePolicy(slack_points="100.5"), PolicyError,
    "slack_points", r"slack_points: expected from 0 to 100 points, got '100\.5'$", NodePolicy)
bad("lights-node-slack-float", lambda _: NodePolicy(slack_points=0.5), PolicyError,
    "slack_points", r"slack_points: expected an exact number of points .*, got 0\.5", NodePolicy)
bad("lights-node-dalian-slack-float", lambda _: NodePolicy.dalian(slack_points=2.5), PolicyError,
    "slack_points", r"slack_points: expected an exact number of points .*, got 2\.5",
    NodePolicy.dalian)
bad("lights-node-slack-text", lambda _: NodePolicy(slack_points="ten"), PolicyError,
    "slack_points", r"slack_points: expected a number of points, got 'ten'", NodePolicy)
bad("lights-gap-red-below-yellow", lambda _: GapPolicy(yellow_at=30, red_at=10), PolicyError,
    "red_at", r"red_at: expected a threshold beyond yellow_at \(30\), got 10$", GapPolicy)
bad("lights-gap-red-fraction", lambda _: GapPolicy(yellow_at="10.5", red_at=Fraction(31, 3)),
    PolicyError, "red_at", r"red_at: expected a threshold beyond yellow_at \(10\.5\), got 31/3$",
    GapPolicy)
bad("lights-gap-yellow-negative", lambda _: GapPolicy(yellow_at=-1, red_at=10), PolicyError,
    "yellow_at", r"yellow_at: expected >= 0 points, got -1$", GapPolicy)
bad("lights-gap-yellow-nan", lambda _: GapPolicy(yellow_at=Decimal("NaN"), red_at=10),
    PolicyError, "yellow_at", r"yellow_at: expected a number of points, got Decimal\('NaN'\)",
    GapPolicy)
bad("lights-gap-yellow-exponent", lambda _: GapPolicy(yellow_at="1e999999999", red_at=10),
    PolicyError, "yellow_at", r"yellow_at: expected a number of points, got '1e999999999'$",
    GapPolicy)
bad("lights-gap-red-huge-decimal",
    lambda _: GapPolicy(yellow_at=10, red_at=Decimal("1E+999999999")), PolicyError, "red_at",
    r"red_at: expected a number of points \(at most 30 digits\), got Decimal\('1E\+999999999'\)",
    GapPolicy)
bad("lights-gap-measure-text", lambda _: GapPolicy(yellow_at=10, red_at=30, measure="pointy"),
    PolicyError, "measure", r"measure: expected one of .*GapMeasure\.POINTS.*, got 'pointy'",
    GapPolicy)
bad("lights-gap-cutoff-text", lambda _: GapPolicy(yellow_at=10, red_at=30, cutoff="prev"),
    PolicyError, "cutoff", r"cutoff: expected one of .*Cutoff\.PREVIOUS_MONTH.*, got 'prev'",
    GapPolicy)
bad("lights-site-red-before-yellow",
    lambda _: SiteActivityPolicy(yellow_after_days=7, red_after_days=5), PolicyError,
    "red_after_days", r"red_after_days: expected None or > yellow_after_days \(7\), got 5",
    SiteActivityPolicy)
bad("lights-site-yellow-zero", lambda _: SiteActivityPolicy.ningbo_video(yellow_after_days=0),
    PolicyError, "yellow_after_days", r"yellow_after_days: expected a whole number >= 1, got 0",
    SiteActivityPolicy.ningbo_video)
bad("lights-worst-of-none", lambda _: WorstOf(()), PolicyError, "policies",
    r"policies: expected at least one policy, got \(\)", WorstOf)
bad("lights-worst-of-name", lambda _: WorstOf(("ningbo",)), PolicyError, "policies[0]",
    r"policies\[0\]: expected a LightPolicy \(name, judge\), got 'ningbo'", WorstOf)
bad("lights-worst-of-not-a-list", lambda _: WorstOf(None), PolicyError, "policies",
    r"policies: expected a list of LightPolicy, got None$", WorstOf)
bad("lights-judge-no-monthly-plan", lambda _: lights.judge(unplanned(), D(2020, 5, 31)),
    ValidationError, "monthly_plan", r"project NB-0: no monthly plan for 2020", lights.judge)
bad("lights-judge-before-year", lambda _: lights.judge(proj(), D(2019, 5, 31), year=2020),
    ValidationError, "as_of", r"as_of: expected a date in or after the plan year 2020, got",
    lights.judge)
bad("lights-judge-policy-name", lambda _: lights.judge(proj(), D(2020, 5, 31), "ningbo"),
    PolicyError, "policy", r"policy: expected a LightPolicy \(name, judge\), got 'ningbo'",
    lights.judge)
bad("lights-gap-judge-no-annual-plan",
    lambda _: GapPolicy.yinchuan().judge(unplanned(), D(2020, 5, 31)), ValidationError,
    "annual_plan", r"project NB-0: no annual plan for 2020", GapPolicy.judge)
bad("lights-history-no-plan", lambda _: lights.light_history(unplanned(), 2020),
    ValidationError, "monthly_plan", r"project NB-0: no monthly plan for 2020",
    lights.light_history)
bad("lights-map-no-plan", lambda _: lights.light_map([unplanned()], 2020), ValidationError,
    "monthly_plan", r"project NB-0: no monthly plan for 2020", lights.light_map)
bad("lights-map-policy-name", lambda _: lights.light_map([proj()], 2020, "ningbo"),
    PolicyError, "policy", r"policy: expected a LightPolicy \(name, judge\), got 'ningbo'",
    lights.light_map)
bad("lights-portfolio-no-plan",
    lambda _: lights.judge_portfolio(Portfolio(projects=(unplanned(),)), D(2020, 5, 31)),
    ValidationError, "monthly_plan", r"project NB-0: no monthly plan for 2020",
    lights.judge_portfolio)
bad("lights-map-unknown-key", lambda _: lag_map().light("NB-404", Month(2020, 5)),
    ValidationError, "key", r"key: expected a project key in the light map, got 'NB-404'",
    lights.LightMap)
bad("lights-map-other-year", lambda _: lag_map().light("NB-1", Month(2021, 5)), ValidationError,
    "month", r"month: expected a month of 2020, got '2021-05'", lights.LightMap)
bad("lights-map-month-text", lambda _: lag_map().light("NB-1", "2020-05"), ValidationError,
    "month", r"month: expected a month of 2020, got '2020-05'", lights.LightMap)
bad("lights-rollup-dimension", lambda _: rollup().by("galaxy"), ValidationError, "dimension",
    r"dimension: expected one of 'region', .*, got 'galaxy'", lights.Rollup.by)
bad("lights-reason-code", lambda _: Reason("lag", "bogus"), ValidationError, "code",
    r"code: expected a built-in reason code .*, got \('lag', 'bogus'\)", Reason)
bad("lights-reason-float-figure", lambda _: Reason("lag", "streak", figures={"x": 0.5}),
    ValidationError, "figures['x']", r"figures\['x'\]: expected an exact figure, not a float, "
    r"got 0\.5", Reason)
bad("lights-reason-language",
    lambda _: Reason("site", "no_observations", figures={"as_of": ON}).text("fr"),
    ValidationError, "lang", r"lang: expected 'zh' or 'en', got 'fr'", Reason.text)
bad("lights-verdict-language",
    lambda _: lights.Verdict("NB-1", ON, lights.Light.GREEN, (), "ningbo").text("fr"),
    ValidationError, "lang", r"lang: expected 'zh' or 'en', got 'fr'", lights.Verdict.text)
bad("lights-judge-as-of-text", lambda _: lights.judge(proj(), "2020-05-31"), ValidationError,
    "as_of", r"as_of: expected a date, got '2020-05-31'", lights.judge)
bad("lights-judge-year-text", lambda _: lights.judge(proj(), D(2020, 5, 31), year="2020"),
    ValidationError, "year", r"year: expected a whole number from 1900 to 2200, got '2020'",
    lights.judge)
bad("lights-lag-judge-none", lambda _: LagPolicy.ningbo().judge(proj(), None), ValidationError,
    "as_of", r"as_of: expected a date, got None", LagPolicy.judge)
bad("lights-node-judge-datetime",
    lambda _: NodePolicy.dalian().judge(proj(), dt.datetime(2020, 5, 31)), ValidationError,  # noqa: DTZ001
    "as_of", r"as_of: expected a date \(not a datetime\), got datetime\.datetime\(2020, 5, 31",
    NodePolicy.judge)
bad("lights-gap-judge-int", lambda _: GapPolicy.yinchuan().judge(proj(), 20200531),
    ValidationError, "as_of", r"as_of: expected a date, got 20200531", GapPolicy.judge)
bad("lights-site-judge-text",
    lambda _: SiteActivityPolicy.ningbo_video().judge(proj(), "2020-06-12"), ValidationError,
    "as_of", r"as_of: expected a date, got '2020-06-12'", SiteActivityPolicy.judge)
bad("lights-worst-of-judge-none",
    lambda _: WorstOf((LagPolicy.ningbo(), NodePolicy.dalian())).judge(proj(), None),
    ValidationError, "as_of", r"as_of: expected a date, got None", WorstOf.judge)
bad("lights-history-year-float", lambda _: lights.light_history(proj(), 2020.0),
    ValidationError, "year", r"year: expected a whole number from 1900 to 2200, got 2020\.0",
    lights.light_history)
bad("lights-map-year-text", lambda _: lights.light_map([proj()], "2020"), ValidationError,
    "year", r"year: expected a whole number from 1900 to 2200, got '2020'", lights.light_map)
bad("lights-map-lenient-year-bool", lambda _: lights.light_map([proj()], True, lenient=True),  # noqa: FBT003
    ValidationError, "year", r"year: expected a whole number from 1900 to 2200, got True",
    lights.light_map)
bad("lights-portfolio-as-of-text", lambda _: lights.judge_portfolio(folio(), "2020-05-31"),
    ValidationError, "as_of", r"as_of: expected a date, got '2020-05-31'",
    lights.judge_portfolio)
bad("lights-portfolio-lenient-as-of-none",
    lambda _: lights.judge_portfolio(folio(), None, lenient=True), ValidationError, "as_of",
    r"as_of: expected a date, got None", lights.judge_portfolio)
bad("lights-portfolio-lenient-year-1800",
    lambda _: lights.judge_portfolio(folio(), D(2020, 5, 31), year=1800, lenient=True),
    ValidationError, "year", r"year: expected a whole number from 1900 to 2200, got 1800",
    lights.judge_portfolio)

# ---- escalation
BZ = EscalationPolicy.binzhou
bad("escalation-tier-no-name", lambda _: Tier("", "区政府", 5), PolicyError, "name",
    r"name: expected a non-empty string, got ''", Tier)
bad("escalation-tier-limit-zero", lambda _: Tier("district", "区政府", 0), PolicyError, "limit",
    r"limit: expected a whole number of working days >= 1, got 0", Tier)
bad("escalation-ladder-empty", lambda _: Ladder(()), PolicyError, "ladder.tiers",
    r"ladder\.tiers: expected at least one tier, got \(\)", Ladder)
bad("escalation-ladder-duplicate-tier",
    lambda _: Ladder((Tier("a", "甲", 1), Tier("a", "乙", 2))), PolicyError,
    "ladder.tiers[1].name", r"ladder\.tiers\[1\]\.name: expected a name unique .*, got 'a'", Ladder)
bad("escalation-ladder-names", lambda _: Ladder(("district",)), PolicyError, "ladder.tiers[0]",
    r"ladder\.tiers\[0\]: expected a Tier, got 'district'", Ladder)
bad("escalation-ladder-not-a-list", lambda _: Ladder(5), PolicyError, "ladder.tiers",
    r"ladder\.tiers: expected a list of Tier, got 5", Ladder)
bad("escalation-ladder-unknown-tier", lambda _: Ladder.ningbo().index("moon"),
    UnknownReferenceError, "tier", r"tier: no tier 'moon' in the ningbo ladder", Ladder.index)
bad("escalation-sheets-float-warning", lambda _: SheetPolicy(warnings=(0.5,)), PolicyError,
    "warnings[0]", r"warnings\[0\]: expected a Fraction such as Fraction\(1, 2\), got 0\.5",
    SheetPolicy)
bad("escalation-sheets-warnings-order",
    lambda _: SheetPolicy(warnings=(Fraction(3, 4), Fraction(1, 2))), PolicyError, "warnings[1]",
    r"warnings\[1\]: expected > warnings\[0\] \(3/4\), got Fraction\(1, 2\)$", SheetPolicy)
bad("escalation-sheets-warning-text", lambda _: SheetPolicy(warnings=("half",)), PolicyError,
    "warnings[0]", r"warnings\[0\]: expected a Fraction such as Fraction\(1, 2\), got 'half'",
    SheetPolicy)
bad("escalation-sheets-warning-exponent",
    lambda _: SheetPolicy(warnings=("1e999999999",)), PolicyError, "warnings[0]",
    r"warnings\[0\]: expected a Fraction such as Fraction\(1, 2\), got '1e999999999'$",
    SheetPolicy)
bad("escalation-sheets-warning-zero-denominator", lambda _: SheetPolicy(warnings=("1/0",)),
    PolicyError, "warnings[0]", r"warnings\[0\]: expected .* \(a denominator other than 0\)",
    SheetPolicy)
bad("escalation-sheets-warning-one", lambda _: SheetPolicy(warnings=(1,)), PolicyError,
    "warnings[0]", r"warnings\[0\]: expected a share strictly between 0 and 1, got 1$",
    SheetPolicy)
bad("escalation-sheets-warning-text-above", lambda _: SheetPolicy(warnings=("1/2", "3/2")),
    PolicyError, "warnings[1]",
    r"warnings\[1\]: expected a share strictly between 0 and 1, got '3/2'$", SheetPolicy)
bad("escalation-sheets-warnings-not-a-list", lambda _: SheetPolicy(warnings=Fraction(1, 2)),
    PolicyError, "warnings", r"warnings: expected a list of shares .*, got Fraction\(1, 2\)",
    SheetPolicy)
bad("escalation-sheets-renewed-zero", lambda _: SheetPolicy(renewed_days=0), PolicyError,
    "renewed_days", r"renewed_days: expected a whole number of working days >= 1, got 0",
    SheetPolicy)
bad("escalation-sheets-one-yellow", lambda _: SheetPolicy(yellows_for_accountability=1),
    PolicyError, "yellows_for_accountability",
    r"yellows_for_accountability: expected a count >= 2 .*, got 1", SheetPolicy)
bad("escalation-sheets-blue-zero", lambda _: SheetPolicy.suqian(days_before=0), PolicyError,
    "blue_days_before", r"blue_days_before: expected a whole number of working days >= 1, got 0",
    SheetPolicy.suqian)
bad("escalation-policy-general-days", lambda _: BZ().revise(general_days=7), PolicyError,
    "general_days", r"general_days: expected 3 to 5 working days .*, got 7",
    EscalationPolicy.revise)
bad("escalation-policy-at-in-name", lambda _: EscalationPolicy("a@b", Ladder.ningbo()),
    PolicyError, "name", r"name: expected a name without '@', got 'a@b'", EscalationPolicy)
bad("escalation-policy-version-zero",
    lambda _: EscalationPolicy("x", Ladder.ningbo(), version=0), PolicyError, "version",
    r"version: expected a version number >= 1, got 0$", EscalationPolicy)
bad("escalation-policy-ladder-name", lambda _: EscalationPolicy("x", "ningbo"), PolicyError,
    "ladder", r"ladder: expected a Ladder, got 'ningbo'", EscalationPolicy)
bad("escalation-policy-sheets-name",
    lambda _: EscalationPolicy("x", Ladder.ningbo(), sheets="binzhou"), PolicyError, "sheets",
    r"sheets: expected a SheetPolicy, got 'binzhou'", EscalationPolicy)
bad("escalation-policy-revise-unknown", lambda _: BZ().revise(colour="red"), PolicyError,
    "colour", r"colour: expected a field of EscalationPolicy \(.*general_days.*\), got 'red'",
    EscalationPolicy.revise)
bad("escalation-book-duplicate", lambda _: PolicyBook((BZ(), BZ())), PolicyError,
    "policies[1].key", r"policies\[1\]\.key: expected a unique name@version, got 'binzhou@1'",
    PolicyBook)
bad("escalation-book-names", lambda _: PolicyBook(("binzhou",)), PolicyError, "policies[0]",
    r"policies\[0\]: expected an EscalationPolicy, got 'binzhou'", PolicyBook)
bad("escalation-book-not-a-list", lambda _: PolicyBook(5), PolicyError, "policies",
    r"policies: expected a list of EscalationPolicy, got 5", PolicyBook)
bad("escalation-book-get-unknown", lambda _: PolicyBook((BZ(),)).get("nowhere@1"),
    UnknownReferenceError, "policy", r"policy: no policy version 'nowhere@1' in the book",
    PolicyBook.get)
bad("escalation-book-latest-unknown", lambda _: PolicyBook((BZ(),)).latest("atlantis"),
    UnknownReferenceError, "policy", r"policy: no policy called 'atlantis' in the book",
    PolicyBook.latest)
bad("escalation-assign-unknown-tier",
    lambda _: escalation.assign(collected(), ON, BZ(), by="办", tier="moon", calendar=C20),
    UnknownReferenceError, "tier", r"tier: no tier 'moon' in the binzhou ladder",
    escalation.assign)
bad("escalation-assign-days-7",
    lambda _: escalation.assign(collected(), ON, BZ(), by="办", days=7, calendar=C20),
    ValidationError, "days", r"days: expected 3 to 5 working days, got 7", escalation.assign)
bad("escalation-assign-days-difficult",
    lambda _: escalation.assign(collected("difficult"), ON, BZ(), by="办", days=3, calendar=C20),
    ValidationError, "days", r"days: expected None for a difficult issue .*, got 3",
    escalation.assign)
bad("escalation-assign-twice",
    lambda _: escalation.assign(assigned(), D(2020, 10, 9), BZ(), by="办", calendar=C20),
    InvalidTransition, "kind", r"issue 'Q-1': cannot assign an issue that is assigned",
    escalation.assign)
bad("escalation-assign-outside-calendar",
    lambda _: escalation.assign(collected(), D(2020, 12, 30), BZ(), by="办", calendar=C20),
    CalendarCoverageError, "date",
    r"issue 'Q-1': assignment deadline: adding 5 working days to 2020-12-30: "
    + COVERS.format(2021), escalation.assign)
bad("escalation-assign-policy-name",
    lambda _: escalation.assign(collected(), ON, "binzhou", by="办", calendar=C20), PolicyError,
    "policy", r"policy: expected an EscalationPolicy, got 'binzhou'", escalation.assign)
bad("escalation-plan-general",
    lambda _: escalation.submit_plan(assigned(), D(2020, 10, 9), D(2020, 10, 20), by="办"),
    InvalidTransition, "difficulty", r"issue 'Q-1': a work plan is for difficult issues",
    escalation.submit_plan)
bad("escalation-plan-date-not-after",
    lambda _: escalation.submit_plan(
        escalation.assign(collected("difficult"), ON, BZ(), by="办", calendar=C20),
        D(2020, 10, 9), D(2020, 10, 9), by="办"),
    ValidationError, "plan_date", r"plan_date: expected a date after 2020-10-09, got",
    escalation.submit_plan)
bad("escalation-escalate-top",
    lambda _: escalation.escalate(
        escalation.escalate(assigned(), D(2020, 9, 30), BZ(), by="区", reason="r", calendar=C20),
        D(2020, 10, 9), BZ(), by="市", reason="r", calendar=C20),
    InvalidTransition, "tier", r"issue 'Q-1': already at the top tier 'city'", escalation.escalate)
bad("escalation-escalate-unassigned",
    lambda _: escalation.escalate(collected(), ON, BZ(), by="办", reason="r", calendar=C20),
    InvalidTransition, "tier", r"cannot escalate an issue that has no tier yet",
    escalation.escalate)
bad("escalation-advance-other-policy",
    lambda _: escalation.advance(assigned(), D(2020, 10, 20), EscalationPolicy.ningbo(),
                                 calendar=C20),
    UnknownReferenceError, "policy", r"assigned under policy 'binzhou@1', but 'ningbo@1' was "
    r"given", escalation.advance)
bad("escalation-advance-book-lacks-version",
    lambda _: escalation.advance(assigned(), D(2020, 10, 20),
                                 PolicyBook((EscalationPolicy.ningbo(),)), calendar=C20),
    UnknownReferenceError, "policy", r"issue 'Q-1': policy: no policy version 'binzhou@1'",
    escalation.advance)
bad("escalation-advance-stray-tier",
    lambda _: escalation.advance(stray_tier(), D(2020, 10, 20), BZ(), calendar=C20),
    UnknownReferenceError, "tier", r"tier: no tier 'moon' in the binzhou ladder",
    escalation.advance)
bad("escalation-advance-policy-none",
    lambda _: escalation.advance(assigned(), D(2020, 10, 20), None, calendar=C20),
    PolicyError, "policy",
    r"policy: expected an EscalationPolicy or a PolicyBook, got None", escalation.advance)
bad("escalation-close-collected", lambda _: escalation.close(collected(), ON, by="办"),
    InvalidTransition, "kind", r"issue 'Q-1': cannot close an issue that is collected",
    escalation.close)
bad("escalation-resume-not-paused",
    lambda _: escalation.resume(assigned(), D(2020, 10, 9), by="办", calendar=C20),
    InvalidTransition, "kind", r"issue 'Q-1': cannot resume an issue that is assigned",
    escalation.resume)
bad("escalation-pause-no-party",
    lambda _: escalation.pause(assigned(), D(2020, 9, 30), "", by="办"),
    ValidationError, "party", r"party: expected a non-empty string, got ''", escalation.pause)
bad("escalation-overdue-outside",
    lambda _: escalation.overdue([assigned()], D(2021, 1, 5), calendar=C20), CalendarCoverageError,
    "date", COVERS.format(2021), escalation.overdue)
bad("escalation-accountability-yellows",
    lambda _: escalation.accountability_list([assigned()], D(2020, 10, 31), yellows=1),
    ValidationError, "yellows", r"yellows: expected a count >= 2 .*, got 1",
    escalation.accountability_list)
bad("escalation-assign-on-text",
    lambda _: escalation.assign(collected(), "2020-09-29", BZ(), by="办", calendar=C20),
    ValidationError, "on", r"on: expected a date, got '2020-09-29'", escalation.assign)
bad("escalation-start-on-text", lambda _: escalation.start(assigned(), "2020-09-30", by="办"),
    ValidationError, "on", r"on: expected a date, got '2020-09-30'", escalation.start)
bad("escalation-plan-on-none",
    lambda _: escalation.submit_plan(
        escalation.assign(collected("difficult"), ON, BZ(), by="办", calendar=C20),
        None, D(2020, 10, 20), by="办"),
    ValidationError, "on", r"on: expected a date, got None", escalation.submit_plan)
bad("escalation-plan-date-text",
    lambda _: escalation.submit_plan(
        escalation.assign(collected("difficult"), ON, BZ(), by="办", calendar=C20),
        D(2020, 10, 9), "2020-10-20", by="办"),
    ValidationError, "plan_date", r"plan_date: expected a date, got '2020-10-20'",
    escalation.submit_plan)
bad("escalation-escalate-on-datetime",
    lambda _: escalation.escalate(assigned(), dt.datetime(2020, 9, 30), BZ(), by="区",  # noqa: DTZ001
                                  reason="r", calendar=C20),
    ValidationError, "on", r"on: expected a date \(not a datetime\), got datetime\.datetime",
    escalation.escalate)
bad("escalation-beyond-powers-on-text",
    lambda _: escalation.declare_beyond_powers(assigned(), "2020-09-30", BZ(), by="区",
                                               reason="r", calendar=C20),
    ValidationError, "on", r"on: expected a date, got '2020-09-30'",
    escalation.declare_beyond_powers)
bad("escalation-pause-on-none", lambda _: escalation.pause(assigned(), None, "省厅", by="办"),
    ValidationError, "on", r"on: expected a date, got None", escalation.pause)
bad("escalation-resume-on-text",
    lambda _: escalation.resume(escalation.pause(assigned(), D(2020, 9, 30), "省厅", by="办"),
                                "2020-10-09", by="办", calendar=C20),
    ValidationError, "on", r"on: expected a date, got '2020-10-09'", escalation.resume)
bad("escalation-resolve-on-int", lambda _: escalation.resolve(assigned(), 20201009, by="区"),
    ValidationError, "on", r"on: expected a date, got 20201009", escalation.resolve)
bad("escalation-reject-on-text",
    lambda _: escalation.reject(escalation.resolve(assigned(), D(2020, 10, 9), by="区"),
                                "2020-10-10", by="办", reason="r"),
    ValidationError, "on", r"on: expected a date, got '2020-10-10'", escalation.reject)
bad("escalation-close-on-none",
    lambda _: escalation.close(escalation.resolve(assigned(), D(2020, 10, 9), by="区"), None,
                               by="办"),
    ValidationError, "on", r"on: expected a date, got None", escalation.close)
bad("escalation-advance-as-of-text",
    lambda _: escalation.advance(assigned(), "2020-10-20", BZ(), calendar=C20),
    ValidationError, "as_of",
    r"as_of: expected a date, got '2020-10-20'", escalation.advance)
bad("escalation-advance-all-as-of-none",
    lambda _: escalation.advance_all([assigned()], None, BZ(), calendar=C20),
    ValidationError, "as_of",
    r"as_of: expected a date, got None", escalation.advance_all)
bad("escalation-timeline-until-text",
    lambda _: escalation.timeline(assigned(), BZ(), "2020-10-31", calendar=C20), ValidationError,
    "until", r"until: expected a date, got '2020-10-31'", escalation.timeline)
bad("escalation-overdue-as-of-text",
    lambda _: escalation.overdue([assigned()], "2020", calendar=C20),
    ValidationError, "as_of", r"as_of: expected a date, got '2020'", escalation.overdue)
bad("escalation-accountability-as-of-none",
    lambda _: escalation.accountability_list([assigned()], None), ValidationError, "as_of",
    r"as_of: expected a date, got None", escalation.accountability_list)
bad("escalation-unit-stats-as-of-text",
    lambda _: escalation.unit_stats([assigned()], "2020-10-31"), ValidationError, "as_of",
    r"as_of: expected a date, got '2020-10-31'", escalation.unit_stats)

# ---- metrics
def metrics_folio() -> Portfolio:
    return Portfolio(projects=(proj(),))


def issue_in_2021() -> Issue:
    q = Issue.collect("Q-9", "NB-1", category="funds", title="资金", on=D(2021, 1, 4), by="秘书")
    q = q.step(EventKind.ASSIGNED, D(2021, 1, 4), "办", tier="county", owner="区",
               deadline=D(2021, 1, 11))
    q = q.step(EventKind.RESOLVED, D(2021, 1, 8), "区")
    return q.step(EventKind.CLOSED, D(2021, 1, 9), "办")


bad("metrics-group-unknown", lambda _: metrics.group_figures(metrics_folio(), "galaxy", ON),
    ValidationError, "by", r"by: expected one of \['level', .*\], got 'galaxy'",
    metrics.group_figures)
bad("metrics-group-list", lambda _: metrics.group_figures(metrics_folio(), ["region"], ON),
    ValidationError, "by", r"by: expected one of .*, got \['region'\]", metrics.group_figures)
bad("metrics-summary-group-unknown",
    lambda _: metrics.monthly_summary(metrics_folio(), D(2020, 5, 31), calendar=C20,
                                      judge_lights=False).group("galaxy"),
    ValidationError, "by", r"by: expected one of .*, got 'galaxy'", metrics.MonthlySummary.group)
bad("metrics-summary-group-by-unknown",
    lambda _: metrics.monthly_summary(metrics_folio(), D(2020, 5, 31), calendar=C20,
                                      judge_lights=False, group_by=("galaxy",)),
    ValidationError, "by", r"by: expected one of .*, got 'galaxy'", metrics.monthly_summary)
bad("metrics-summary-no-plan",
    lambda _: metrics.monthly_summary(Portfolio(projects=(unplanned(),)), D(2020, 5, 31),
                                      calendar=C20),
    ValidationError, "monthly_plan", r"project NB-0: no monthly plan for 2020",
    metrics.monthly_summary)
bad("metrics-rank-groups-unknown-figure", lambda _: metrics.rank_groups([], "speed"),
    ValidationError, "figure", r"figure: expected one of \['completion', .*\], got 'speed'",
    metrics.rank_groups)
bad("metrics-rank-groups-list-figure", lambda _: metrics.rank_groups([], ["completion"]),
    ValidationError, "figure", r"figure: expected one of .*, got \['completion'\]",
    metrics.rank_groups)
bad("metrics-rank-direction",
    lambda _: metrics.rank([("甲", metrics.Ratio(1, 2))], better="sideways"), ValidationError,
    "better", r"better: expected one of higher, lower, got 'sideways'", metrics.rank)
bad("metrics-rank-float", lambda _: metrics.rank([("甲", 0.5)]), MoneyTypeError, "ratio",
    r"ratio: expected an exact Decimal, Fraction or int, got the float 0\.5", metrics.rank)
bad("metrics-rank-text", lambda _: metrics.rank([("甲", "88.3%")]), ValidationError, "ratio",
    r"ratio: expected a Decimal, Fraction or int, got '88\.3%'", metrics.rank)
bad("metrics-ratio-float", lambda _: metrics.Ratio(0.5, 1), MoneyTypeError, "ratio",
    r"ratio: expected an exact Decimal, Fraction or int, got the float 0\.5", metrics.Ratio)
bad("metrics-ratio-text", lambda _: metrics.Ratio("196", 222), ValidationError, "ratio",
    r"ratio: expected a Decimal, Fraction or int, got '196'", metrics.Ratio)
bad("metrics-ratio-nan", lambda _: metrics.Ratio(Decimal("NaN"), 1), ValidationError, "ratio",
    r"ratio: expected a finite number, got Decimal\('NaN'\)", metrics.Ratio)
bad("metrics-ratio-places", lambda _: metrics.Ratio(196, 222).percent(places="1"),
    ValidationError, "places", r"places: expected a whole number of decimals .*, got '1'",
    metrics.Ratio.percent)
bad("metrics-points-float", lambda _: metrics.Points(5.5), MoneyTypeError, "ratio",
    r"ratio: expected an exact Decimal, Fraction or int, got the float 5\.5", metrics.Points)
bad("metrics-time-schedule-basis", lambda _: metrics.time_schedule(D(2020, 5, 31), "day"),
    ValidationError, "basis", r"basis: expected TimeBasis.MONTH or TimeBasis.DAY, got 'day'",
    metrics.time_schedule)
bad("metrics-issue-figures-outside",
    lambda _: metrics.issue_figures([issue_in_2021()], D(2021, 3, 1), calendar=C20),
    CalendarCoverageError, "date", COVERS.format(2021), metrics.issue_figures)
bad("metrics-issue-figures-basis-text",
    lambda _: metrics.issue_figures([assigned()], D(2020, 10, 31), calendar=C20,
                                    basis="on_time"),
    ValidationError, "basis", r"basis: expected one of original, in_force, got 'on_time'",
    metrics.issue_figures)
bad("metrics-report-month-text", lambda _: metrics.report_month("2020-05-31"), ValidationError,
    "as_of", r"as_of: expected a date, got '2020-05-31'", metrics.report_month)
bad("metrics-time-schedule-datetime",
    lambda _: metrics.time_schedule(dt.datetime(2020, 5, 31)), ValidationError, "as_of",  # noqa: DTZ001
    r"as_of: expected a date \(not a datetime\), got datetime\.datetime\(2020, 5, 31",
    metrics.time_schedule)
bad("metrics-investment-text", lambda _: metrics.investment([proj()], "2020-10-31"),
    ValidationError, "as_of", r"as_of: expected a date, got '2020-10-31'", metrics.investment)
bad("metrics-new-and-continuing-none", lambda _: metrics.new_and_continuing([proj()], None),
    ValidationError, "as_of", r"as_of: expected a date, got None", metrics.new_and_continuing)
bad("metrics-start-rate-int", lambda _: metrics.start_rate([proj()], 20201031),
    ValidationError, "as_of", r"as_of: expected a date, got 20201031", metrics.start_rate)
bad("metrics-resumption-rate-text", lambda _: metrics.resumption_rate([proj()], "2020-10-31"),
    ValidationError, "as_of", r"as_of: expected a date, got '2020-10-31'",
    metrics.resumption_rate)
bad("metrics-resumption-rate-since-text",
    lambda _: metrics.resumption_rate([proj()], D(2020, 10, 31), since="2020-01-01"),
    ValidationError, "since", r"since: expected a date, got '2020-01-01'",
    metrics.resumption_rate)
bad("metrics-contact-figures-none",
    lambda _: metrics.contact_figures([Secretary("李军", "市发改委")], None), ValidationError,
    "as_of", r"as_of: expected a date, got None", metrics.contact_figures)
bad("metrics-approval-figures-text", lambda _: metrics.approval_figures([proj()], "2020-02-20"),
    ValidationError, "as_of", r"as_of: expected a date, got '2020-02-20'",
    metrics.approval_figures)
bad("metrics-issue-figures-as-of-none",
    lambda _: metrics.issue_figures([assigned()], None, calendar=C20), ValidationError, "as_of",
    r"as_of: expected a date, got None", metrics.issue_figures)
bad("metrics-issue-figures-since-text",
    lambda _: metrics.issue_figures([assigned()], D(2020, 10, 31), calendar=C20,
                                    since="2020-01-01"),
    ValidationError, "since", r"since: expected a date, got '2020-01-01'", metrics.issue_figures)
bad("metrics-earned-value-text", lambda _: metrics.earned_value(proj(), "2020-03-31"),
    ValidationError, "as_of", r"as_of: expected a date, got '2020-03-31'", metrics.earned_value)
bad("metrics-portfolio-earned-value-none",
    lambda _: metrics.portfolio_earned_value([], None), ValidationError, "as_of",
    r"as_of: expected a date, got None", metrics.portfolio_earned_value)
bad("metrics-group-as-of-text",
    lambda _: metrics.group_figures(metrics_folio(), "region", "2020-05-31"), ValidationError,
    "as_of", r"as_of: expected a date, got '2020-05-31'", metrics.group_figures)
bad("metrics-summary-as-of-none",
    lambda _: metrics.monthly_summary(metrics_folio(), None, calendar=C20), ValidationError,
    "as_of", r"as_of: expected a date, got None", metrics.monthly_summary)
bad("metrics-summary-issues-since-text",
    lambda _: metrics.monthly_summary(metrics_folio(), D(2020, 5, 31), calendar=C20,
                                      issues_since="2020-01-01"),
    ValidationError, "issues_since", r"issues_since: expected a date, got '2020-01-01'",
    metrics.monthly_summary)

# ---- loaders: JSON (io)
bad("io-bad-date", lambda _: io.from_json(Milestone, milestone_json(planned="2020-06-31")),
    LedgerError, "$.planned",
    r"\$\.planned: planned: expected an ISO date YYYY-MM-DD, got '2020-06-31'", io.from_json)
bad("io-missing-field", lambda _: io.from_json(Milestone, milestone_json(planned=None)),
    LedgerError, "$.planned", r"\$: Milestone needs key 'planned', which is missing",
    io.from_json)
bad("io-float-money",
    lambda _: io.from_json(Project, json.dumps(project_doc(total_investment=1.5))),
    LedgerError, "$.total_investment",
    r"\$\.total_investment: total_investment: money must be exact.*float 1\.5", io.from_json)
bad("io-float-annual-plan",
    lambda _: io.from_dict(Project, project_doc(annual_plans={"2020": 1.5})), LedgerError,
    '$.annual_plans["2020"]', r"annual_plans\['2020'\]: money must be exact.*float 1\.5",
    io.from_dict)
bad("io-bool-money", lambda _: io.from_dict(Project, project_doc(total_investment=True)),
    LedgerError, "$.total_investment", r"total_investment: expected a Decimal .*, got True",
    io.from_dict)
bad("io-unknown-enum", lambda _: io.from_dict(Project, project_doc(level="galaxy")),
    LedgerError, "$.level", r"\$\.level: level: expected one of .*, got 'galaxy'", io.from_dict)
bad("io-null-enum", lambda _: io.from_dict(Project, project_doc(stage=None)), LedgerError,
    "$.stage", r"\$\.stage: stage: expected one of .*, got None", io.from_dict)
bad("io-wrong-type-text", lambda _: io.from_dict(Project, project_doc(name=5)), LedgerError,
    "$.name", r"\$\.name: name: expected a non-empty string, got 5", io.from_dict)
bad("io-wrong-type-list", lambda _: io.from_dict(Project, project_doc(milestones={})),
    LedgerError, "$.milestones", r"\$\.milestones: expected a JSON list, got a JSON object",
    io.from_dict)
bad("io-wrong-type-mapping", lambda _: io.from_dict(Project, project_doc(monthly_plan=[1, 2])),
    LedgerError, "$.monthly_plan", r"\$\.monthly_plan: expected a JSON object, got a JSON list",
    io.from_dict)
bad("io-wrong-type-object", lambda _: io.from_dict(Project, "NB-1"), LedgerError, "$",
    r"\$: expected a JSON object for Project, got 'NB-1'", io.from_dict)
bad("io-unknown-key", lambda _: io.from_dict(Project, project_doc(colour="red")), LedgerError,
    "$.colour", r"\$: unknown key\(s\) 'colour' for Project", io.from_dict)
bad("io-duplicate-key",
    lambda _: io.from_json(Milestone, '{"name": "a", "name": "b", "planned": "2020-06-30"}'),
    LedgerError, "$.name", r"\$: key 'name' appears more than once", io.from_json)
bad("io-bad-code", lambda _: io.from_dict(Project, project_doc(code="2020-33020-47-03-012345")),
    LedgerError, "$.code", r"\$\.code: code: division part must be 6 digits, got '33020'",
    io.from_dict)
bad("io-nested-percent",
    lambda _: io.from_dict(Project, project_doc(
        milestones=[{"name": "桩基", "planned": "2020-06-30", "percent": 40.5}])),
    LedgerError, "$.milestones[0].percent", r"percent: a percentage must be exact.*float 40\.5",
    io.from_dict)
bad("io-bad-transition",
    lambda _: io.from_dict(Issue, {"id": "Q-1", "project": "NB-1", "category": "land",
                                   "title": "t", "events": [
        {"at": "2020-09-28", "kind": "collected", "actor": "s", "from_state": None,
         "to_state": "collected"},
        {"at": "2020-09-29", "kind": "closed", "actor": "s", "from_state": "collected",
         "to_state": "closed"}]}),
    LedgerError, "$.events[1].kind", r"cannot close an issue that is collected", io.from_dict)
bad("io-duplicate-project",
    lambda _: io.from_dict(Portfolio, {"projects": [project_doc(), project_doc()]}), LedgerError,
    "$.projects[1]", r"\$\.projects\[1\]: projects\[1\]: duplicate key 'NB-1'", io.from_dict)
bad("io-month-key-twice",
    lambda _: io.from_dict(Project, project_doc(monthly_plan={"2020-01": "1", "2020-1": "2"})),
    LedgerError, '$.monthly_plan["2020-1"]', r'^\$\.monthly_plan\["2020-1"\]: monthly_plan\['
    r"'2020-1'\]: expected each month once, got '2020-01' and '2020-1'", io.from_dict)
bad("io-unknown-reference",
    lambda _: io.from_dict(Portfolio, {"leaders": [{"name": "张副市长", "rank": "city",
                                                    "projects": ["NB-9"]}]}),
    LedgerError, "$.leaders[0].projects[0]", r"refers to unknown project 'NB-9'", io.from_dict)
bad("io-not-json", lambda _: io.from_json(Milestone, '{"name": "a",'), LedgerError, "$",
    r"\$: invalid JSON at line 1, column 14", io.from_json)
bad("io-nan-constant",
    lambda _: io.from_json(Milestone, '{"name": "a", "planned": "2020-06-30", "percent": NaN}'),
    LedgerError, "$", r"\$: NaN is not a JSON number", io.from_json)
bad("io-not-utf8", lambda _: io.from_json(Milestone, b"\xff\xfe{"), LedgerError, "$",
    r"\$: the document is not UTF-8 \(byte 0", io.from_json)
bad("io-top-level-month", lambda _: io.from_dict(Month, "2020-13"), LedgerError, "$",
    r"^\$: expected a month YYYY-MM with MM from 01 to 12, got '2020-13'$", io.from_dict)
bad("io-ledger-format", lambda _: io.parse_ledger_document(ledger_doc(format="excel")),
    LedgerError, "$.format", r"\$\.format: expected 'projpush-ledger', got 'excel'",
    io.parse_ledger_document)
bad("io-ledger-version", lambda _: io.parse_ledger_document(ledger_doc(version=2)),
    LedgerError, "$.version", r"\$\.version: expected 1, got 2", io.parse_ledger_document)
bad("io-ledger-list", lambda _: io.parse_ledger_document("[]"), LedgerError, "$",
    r"\$: expected a JSON object \(a projpush ledger\), got a JSON list",
    io.parse_ledger_document)
bad("io-encode-datetime", lambda _: io.to_dict(dt.datetime(2020, 1, 1)), LedgerError, "$",  # noqa: DTZ001
    r"\$: expected a date, not a datetime, got datetime", io.to_dict)
bad("io-encode-float", lambda _: io.to_dict({"plan": 0.5}), LedgerError, '$["plan"]',
    r'\$\["plan"\]: expected a value with a JSON form \(float is never one\), got 0\.5',
    io.to_dict)
bad("io-load-portfolio-bad-record",
    lambda tmp: io.load_portfolio(json_file(tmp, ledger_doc(projects=[project_doc(level="x")]))),
    LedgerError, "$.projects[0].level", r"\$\.projects\[0\]\.level: level: .*, got 'x'",
    io.load_portfolio)

# ---- loaders: workbooks (io.xlsx)
bad("xlsx-inexact-amount",
    lambda tmp: xlsx.load_xlsx_ledger(workbook(tmp, total_investment=0.123456789)),
    LedgerError, "项目!H2",
    r"项目!H2: total_investment: expected an amount in 万元 with at most 4 decimals .*, "
    r"got 0\.123456789", xlsx.load_xlsx_ledger)
bad("xlsx-long-number-as-text",
    lambda tmp: xlsx.load_xlsx_ledger(workbook(tmp, local_id=330203199001011234)),
    LedgerError, "项目!A2", r"项目!A2: local_id: expected text: Excel keeps only 15 digits",
    xlsx.load_xlsx_ledger)
bad("xlsx-formula-error",
    lambda tmp: xlsx.load_xlsx_ledger(workbook(tmp, name="#N/A")),
    LedgerError, "项目!B2", r"项目!B2: name: expected a value, not a formula's error, got '#N/A'",
    xlsx.load_xlsx_ledger)
bad("xlsx-not-a-workbook",
    lambda tmp: xlsx.load_xlsx_ledger(json_file(tmp, b"PK\x03\x04", "city.xlsx")),
    LedgerError, "path", r"path: '.*city\.xlsx' is not a readable \.xlsx workbook",
    xlsx.load_xlsx_ledger)

# ---- loaders: CSV folders (csvledger)
bad("csv-unknown-header",
    lambda tmp: csvledger.load_csv_ledger(
        csv_folder(tmp, projects_csv=PROJECTS_CSV.replace("level,", "lvl,"))),
    LedgerError, "projects.csv:1:lvl", r"projects\.csv:1:lvl: unknown column 'lvl'",
    csvledger.load_csv_ledger)
bad("csv-missing-column",
    lambda tmp: csvledger.load_csv_ledger(csv_folder(tmp, leaders_csv="name,role\n张,副市长\n")),
    LedgerError, "leaders.csv:1", r"leaders\.csv:1: required column 'rank' \(级别\) is missing",
    csvledger.load_csv_ledger)
bad("csv-annual-plan-year",
    lambda tmp: csvledger.load_csv_ledger(csv_folder(tmp, projects_csv=PROJECTS_CSV.replace(
        "total_investment\n", "total_investment,annual_plan_1800\n"
    ).replace(",1000\n", ",1000,5\n"))),
    LedgerError, "projects.csv:1:annual_plan_1800",
    r"projects\.csv:1:annual_plan_1800: the year of 'annual_plan_1800' must be from 1900",
    csvledger.load_csv_ledger)
bad("csv-money-cell",
    lambda tmp: csvledger.load_csv_ledger(
        csv_folder(tmp, projects_csv=PROJECTS_CSV.replace(",1000", ",一千"))),
    LedgerError, "projects.csv:2:total_investment",
    r"projects\.csv:2:total_investment: total_investment: expected an amount .*, got '一千'",
    csvledger.load_csv_ledger)
bad("csv-enum-cell",
    lambda tmp: csvledger.load_csv_ledger(
        csv_folder(tmp, projects_csv=PROJECTS_CSV.replace(",city,", ",galaxy,"))),
    LedgerError, "projects.csv:2:level", r"projects\.csv:2:level: level: .*, got 'galaxy'",
    csvledger.load_csv_ledger)
bad("csv-date-cell",
    lambda tmp: csvledger.load_csv_ledger(
        csv_folder(tmp, milestones_csv="project,name,planned\nNB-1,桩基,2020-02-30\n")),
    LedgerError, "milestones.csv:2:planned",
    r"milestones\.csv:2:planned: planned: expected an ISO date .*, got '2020-02-30'",
    csvledger.load_csv_ledger)
bad("csv-month-cell",
    lambda tmp: csvledger.load_csv_ledger(
        csv_folder(tmp, monthly_csv="project,month,plan,done\nNB-1,2020-13,1,1\n")),
    LedgerError, "monthly.csv:2:month", r"monthly\.csv:2:month: month: .*, got '2020-13'",
    csvledger.load_csv_ledger)
bad("csv-percent-cell",
    lambda tmp: csvledger.load_csv_ledger(
        csv_folder(tmp, milestones_csv="project,name,planned,percent\nNB-1,桩基,2020-02-01,150\n")),
    LedgerError, "milestones.csv:2:percent",
    r"milestones\.csv:2:percent: percent: expected a percentage from 0 to 100, got '150'",
    csvledger.load_csv_ledger)
bad("csv-bool-cell",
    lambda tmp: csvledger.load_csv_ledger(
        csv_folder(tmp, approvals_csv="project,name,required\nNB-1,施工许可,maybe\n")),
    LedgerError, "approvals.csv:2:required",
    r"approvals\.csv:2:required: required: expected yes/no .*, got 'maybe'",
    csvledger.load_csv_ledger)
bad("csv-rank-cell",
    lambda tmp: csvledger.load_csv_ledger(
        csv_folder(tmp, leaders_csv="name,rank,projects\n张副市长,emperor,NB-1\n")),
    LedgerError, "leaders.csv:2:rank", r"leaders\.csv:2:rank: rank: .*, got 'emperor'",
    csvledger.load_csv_ledger)
bad("csv-unknown-project",
    lambda tmp: csvledger.load_csv_ledger(
        csv_folder(tmp, leaders_csv="name,rank,projects\n张副市长,city,NB-9\n")),
    LedgerError, "leaders.csv:2:projects",
    r"leaders\.csv:2:projects: projects: no project with code or local id 'NB-9'",
    csvledger.load_csv_ledger)
bad("csv-duplicate-project",
    lambda tmp: csvledger.load_csv_ledger(
        csv_folder(tmp, projects_csv=PROJECTS_CSV + PROJECTS_CSV.splitlines()[1] + "\n")),
    LedgerError, "projects.csv:3:local_id", r"projects\.csv:3:local_id: .*'NB-1'",
    csvledger.load_csv_ledger)
bad("csv-blank-header-over-a-cell",
    lambda tmp: csvledger.load_csv_ledger(csv_folder(tmp, projects_csv=PROJECTS_CSV.replace(
        "total_investment\n", "total_investment,\n").replace(",1000\n", ",1000,备注\n"))),
    LedgerError, "projects.csv:2:I", r"^projects\.csv:2:I: column I has a blank header but holds "
    r"'备注'; expected a header naming the column", csvledger.load_csv_ledger)
bad("csv-header-typed-two-ways",
    lambda tmp: csvledger.load_csv_ledger(csv_folder(tmp, projects_csv=PROJECTS_CSV.replace(
        "total_investment\n", "total_investment, Name \n").replace(",1000\n", ",1000,x\n"))),
    LedgerError, "projects.csv:1:Name",
    r"^projects\.csv:1:Name: column 'name' appears twice, as 'name' and ' Name '$",
    csvledger.load_csv_ledger)
bad("csv-list-names-a-project-twice",
    lambda tmp: csvledger.load_csv_ledger(
        csv_folder(tmp, leaders_csv="name,rank,projects\n张副市长,city,NB-1;ＮＢ-1\n")),
    LedgerError, "leaders.csv:2:projects", r"^leaders\.csv:2:projects: projects: expected each "
    r"project once, got 'NB-1' and 'ＮＢ-1', which both name 'NB-1'$", csvledger.load_csv_ledger)
bad("csv-no-projects-file",
    csvledger.load_csv_ledger, LedgerError, "projects.csv",
    r"^projects\.csv: this file is required but missing$", csvledger.load_csv_ledger)
bad("csv-dump-separator-in-list",
    lambda tmp: csvledger.dump_csv_ledger(
        Portfolio(task_forces=(TaskForce("交通专班", members=("张三;李四",)),)), tmp / "out"),
    LedgerError, "task_forces.csv:members",
    r"task_forces\.csv:members: '张三;李四' contains a list separator",
    csvledger.dump_csv_ledger)

# ---- loaders: either kind (ledger)
bad("ledger-load-missing", lambda tmp: ledger.load_ledger(tmp / "nope.json"), LedgerError,
    "path", r"path: no ledger at '.*nope\.json'", ledger.load_ledger)
bad("ledger-load-csv-file",
    lambda tmp: ledger.load_ledger(json_file(tmp, PROJECTS_CSV.encode(), "city.csv")),
    LedgerError, "path", r"path: expected a \.json ledger file, an \.xlsx workbook or a folder "
    r"of CSV files, got '.*city\.csv'", ledger.load_ledger)
bad("ledger-load-xlsx-file",
    lambda tmp: ledger.load_ledger(json_file(tmp, b"PK\x03\x04", "city.xlsx")), LedgerError,
    "path", r"path: '.*city\.xlsx' is not a readable \.xlsx workbook", ledger.load_ledger)
bad("ledger-load-bad-record",
    lambda tmp: ledger.load_ledger(json_file(tmp, ledger_doc(projects=[project_doc(level="x")]))),
    LedgerError, "$.projects[0].level", r"\$\.projects\[0\]\.level: level: .*, got 'x'",
    ledger.load_ledger)
bad("ledger-load-bad-csv",
    lambda tmp: ledger.load_ledger(
        csv_folder(tmp, projects_csv=PROJECTS_CSV.replace(",city,", ",galaxy,"))),
    LedgerError, "projects.csv:2:level", r"projects\.csv:2:level: level: .*, got 'galaxy'",
    ledger.load_ledger)
bad("ledger-check-missing", lambda tmp: ledger.check_ledger(tmp / "nope.json", ON),
    LedgerError, "path", r"path: no ledger at '.*nope\.json'", ledger.check_ledger)
bad("ledger-check-txt-file",
    lambda tmp: ledger.check_ledger(json_file(tmp, ledger_doc(), "city.txt"), ON), LedgerError,
    "path", r"path: expected a \.json ledger file.*, got '.*city\.txt'", ledger.check_ledger)
bad("ledger-load-too-large",
    lambda tmp: ledger.load_ledger(json_file(tmp, ledger_doc()), max_bytes=58),
    LedgerTooLargeError, "path",
    r"^path: the ledger '.*city\.json' is 59 bytes, more than the limit of 58 bytes; "
    r"pass a larger max_bytes to read it$", ledger.load_ledger)
bad("ledger-load-too-large-csv",
    lambda tmp: ledger.load_ledger(csv_folder(tmp, monthly_csv="project,month\n"), max_bytes=100),
    LedgerTooLargeError, "path",
    r"^path: the ledger '.*city' is 163 bytes, more than the limit of 100 bytes; ",
    ledger.load_ledger)
bad("ledger-load-too-large-units",
    lambda tmp: ledger.load_ledger(json_file(tmp, b" " * 3 * 2**20), max_bytes=2**21),
    LedgerTooLargeError, "path",
    r"is 3\.0 MiB \(3,145,728 bytes\), more than the limit of 2\.0 MiB \(2,097,152 bytes\)",
    ledger.load_ledger)
bad("ledger-check-too-large",
    lambda tmp: ledger.check_ledger(json_file(tmp, ledger_doc()), ON, max_bytes=1),
    LedgerTooLargeError, "path", r"is 59 bytes, more than the limit of 1 byte;",
    ledger.check_ledger)
bad("ledger-load-max-bytes-text",
    lambda tmp: ledger.load_ledger(json_file(tmp, ledger_doc()), max_bytes="4G"),
    ValidationError, "max_bytes",
    r"^max_bytes: expected a whole number of bytes >= 1, or None, got '4G'$", ledger.load_ledger)
bad("ledger-load-max-bytes-zero",
    lambda tmp: ledger.load_ledger(json_file(tmp, ledger_doc()), max_bytes=0),
    ValidationError, "max_bytes", r"max_bytes: expected .*, got 0$", ledger.load_ledger)
bad("ledger-check-max-bytes-float",
    lambda tmp: ledger.check_ledger(json_file(tmp, ledger_doc()), ON, max_bytes=1e9),
    ValidationError, "max_bytes", r"max_bytes: expected .*, got 1000000000\.0$",
    ledger.check_ledger)
bad("ledger-load-fifo", lambda tmp: ledger.load_ledger(fifo(tmp)), LedgerError, "path",
    r"^path: '.*city\.json' is a FIFO \(named pipe\); expected a JSON ledger file",
    ledger.load_ledger)
bad("ledger-check-fifo", lambda tmp: ledger.check_ledger(fifo(tmp, "city"), ON), LedgerError,
    "path", r"^path: '.*city' is a FIFO \(named pipe\)", ledger.check_ledger)

# ---- report
bad("report-unknown-policy-set",
    lambda _: report.build_report(folio(), D(2020, 5, 31), policy="atlantis", calendar=C20),
    UnknownReferenceError, "policy", r"policy: expected one of .*dalian.*, got 'atlantis'",
    report.build_report)
bad("report-policy-not-a-set",
    lambda _: report.build_report(folio(), D(2020, 5, 31), policy=LagPolicy(), calendar=C20),
    PolicyError, "policy", r"policy: expected a POLICY_SETS name or a PolicySet, got LagPolicy",
    report.build_report)
bad("report-render-language", lambda _: report.render(small_report(), lang="fr"),
    ValidationError, "lang", r"lang: expected 'zh' or 'en', got 'fr'", report.render)
bad("report-render-format", lambda _: report.render(small_report(), fmt="xml"),
    ValidationError, "fmt",
    r"fmt: expected 'text', 'json', 'csv', 'csv-fields' or 'html', got 'xml'", report.render)
bad("report-tables-unknown-project",
    lambda _: report.render_tables(folio(), D(2020, 5, 31), project="NB-404"),
    UnknownReferenceError, "project", r"project: no project .*'NB-404'", report.render_tables)
bad("report-tables-unknown-leader",
    lambda _: report.render_tables(folio(), D(2020, 5, 31), leader="王市长"),
    UnknownReferenceError, "leader", r"leader: expected a leader in the ledger, got '王市长'",
    report.render_tables)
bad("report-tables-language",
    lambda _: report.render_tables(folio(), D(2020, 5, 31), project="NB-1", lang="fr"),
    ValidationError, "lang", r"lang: expected 'zh' or 'en', got 'fr'", report.render_tables)
bad("report-tables-format",
    lambda _: report.render_tables(folio(), D(2020, 5, 31), project="NB-1", fmt="json"),
    ValidationError, "fmt", r"fmt: expected 'text' or 'csv', got 'json'", report.render_tables)
bad("report-tables-unknown-policy-set",
    lambda _: report.render_tables(folio(), D(2020, 5, 31), project="NB-1", policy="atlantis"),
    UnknownReferenceError, "policy", r"policy: expected one of .*, got 'atlantis'",
    report.render_tables)
bad("report-build-as-of-text", lambda _: report.build_report(folio(), "2020-05-31", calendar=C20),
    ValidationError, "as_of", r"as_of: expected a date, got '2020-05-31'", report.build_report)
bad("report-build-as-of-datetime",
    lambda _: report.build_report(folio(), dt.datetime(2020, 5, 31), calendar=C20),  # noqa: DTZ001
    ValidationError, "as_of",
    r"as_of: expected a date \(not a datetime\), got datetime\.datetime\(2020, 5, 31",
    report.build_report)
bad("report-tables-as-of-none", lambda _: report.render_tables(folio(), None, project="NB-1"),
    ValidationError, "as_of", r"as_of: expected a date, got None", report.render_tables)
# fmt: on


# --------------------------------------------------------------------------- the tests

MODULES = ("model", "schedule", "lights", "escalation", "metrics", "loaders", "report")
LOADERS = ("io", "csv", "xlsx", "ledger")


def area(case_id: str) -> str:
    """The catalogue area of a case: its id's first word, the loaders taken together."""
    head = case_id.split("-", 1)[0]
    return "loaders" if head in LOADERS else head


def behaviour_params() -> list[Any]:
    return [
        pytest.param(
            c, id=i, marks=[pytest.mark.xfail(strict=True, reason=c.leak)] if c.leak else []
        )
        for i, c in CASES.items()
    ]


def doc_params() -> list[Any]:
    return [
        pytest.param(
            c, id=i, marks=[pytest.mark.xfail(strict=True, reason=c.doc_gap)] if c.doc_gap else []
        )
        for i, c in CASES.items()
    ]


def raises_section(doc: str) -> str:
    """The ``Raises:`` section of a Google-style docstring ('' if it has none)."""
    lines = doc.splitlines()
    for i, line in enumerate(lines):
        if line.strip() == "Raises:":
            indent = len(line) - len(line.lstrip())
            body = []
            for rest in lines[i + 1 :]:
                if rest.strip() and len(rest) - len(rest.lstrip()) <= indent:
                    break
                body.append(rest)
            return "\n".join(body)
    return ""


def errors_section(page: Path) -> str:
    """The "## Errors" section of a docs page ('' if the page or the section is missing)."""
    if not page.exists():
        return ""
    text = page.read_text("utf-8")
    match = re.search(r"^## Errors\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    return match[1] if match else ""


def module_of(obj: object) -> str:
    return str(getattr(obj, "__module__", "")).rsplit(".", 1)[-1]


class TestCatalogue:
    """Each bad input raises its documented leaf, naming the field and the value."""

    @pytest.mark.parametrize("case", behaviour_params())
    def test_raises_the_leaf(self, case: Bad, tmp_path: Path) -> None:
        """The exact class (not a parent, never a bare built-in), its field, its message."""
        with pytest.raises(ProjpushError) as caught:
            case.call(tmp_path)
        error = caught.value
        assert case.error is type(error), str(error)
        assert case.field == error.field
        assert re.search(case.match, str(error)), str(error)

    @pytest.mark.parametrize("case", doc_params())
    def test_error_is_documented(self, case: Bad) -> None:
        """The class is named in the callable's Raises: section or its module's docs page."""
        name = case.error.__name__
        raises = raises_section(inspect.getdoc(case.documented) or "")
        page = errors_section(DOCS / f"{module_of(case.documented)}.md")
        assert re.search(rf"^\s*{name}\b", raises, re.MULTILINE) or re.search(rf"\b{name}\b", page)

    def test_size(self) -> None:
        """At least 150 distinct cases (issue 15), spread over every area the issue names."""
        per_area = Counter(area(i) for i in CASES)
        assert len(CASES) >= 150
        assert set(MODULES) == set(per_area)
        assert all(n >= 5 for n in per_area.values()), per_area

    def test_cases_are_distinct(self) -> None:
        """No two cases expect one error from one callable with one field and one message."""
        keys = Counter((id(c.documented), c.error, c.field, c.match) for c in CASES.values())
        assert [] == [k for k, n in keys.items() if n > 1]


class TestCommandLine:
    """A bad input on the command line is one line naming it and exit status 2, no traceback."""

    def run(self, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
        try:
            status = cli.main(list(argv))
        except SystemExit as exit_:
            status = int(exit_.code or 0)
        return status, capsys.readouterr().err

    def test_bad_language(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown --lang is refused by the parser, naming the option and the value."""
        status, err = self.run(capsys, "demo", "--lang", "fr")
        assert 2 == status
        assert "projpush: error: --lang: expected 'zh' or 'en', got 'fr'\n" == err

    def test_unknown_policy_set(self, capsys: pytest.CaptureFixture[str]) -> None:
        """An unknown --policy is refused by the parser, naming the option and the value."""
        status, err = self.run(capsys, "demo", "--policy", "atlantis")
        assert 2 == status
        assert re.search(
            r"^projpush: error: --policy: expected 'binzhou', .*, got 'atlantis'$", err
        )

    def test_wrong_suffix(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A ledger given as one CSV file is one error line naming the path."""
        path = json_file(tmp_path, PROJECTS_CSV.encode(), "city.csv")
        status, err = self.run(capsys, "report", str(path), "--as-of", "2020-05-31")
        assert 2 == status
        assert re.search(r"^projpush: error: path: expected a \.json ledger file", err), err
        assert "Traceback" not in err

    def test_check_missing_ledger(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """``check`` on a ledger that is not there is one error line, exit status 2."""
        status, err = self.run(
            capsys, "check", str(tmp_path / "nope.json"), "--as-of", "2020-05-31"
        )
        assert 2 == status
        assert re.search(r"^projpush: error: path: no ledger at '.*nope\.json'", err), err


class TestLedgerSize:
    """A ledger larger than max_bytes is refused before any of it is read."""

    def test_default_limit(self) -> None:
        """4 GiB, the default of both load_ledger and check_ledger."""
        assert 4 * 2**30 == ledger.MAX_LEDGER_BYTES
        for fn in (ledger.load_ledger, ledger.check_ledger):
            assert ledger.MAX_LEDGER_BYTES == inspect.signature(fn).parameters["max_bytes"].default

    def test_at_the_limit(self, tmp_path: Path) -> None:
        """A ledger of exactly max_bytes loads; one byte less as the limit refuses it."""
        path = json_file(tmp_path, ledger_doc())
        size = path.stat().st_size
        assert Portfolio() == ledger.load_ledger(path, max_bytes=size)
        assert ledger.check_ledger(path, ON, max_bytes=size).valid
        with pytest.raises(LedgerTooLargeError):
            ledger.load_ledger(path, max_bytes=size - 1)

    def test_none_is_no_limit(self, tmp_path: Path) -> None:
        """max_bytes=None reads a ledger of any size."""
        assert Portfolio() == ledger.load_ledger(json_file(tmp_path, ledger_doc()), max_bytes=None)

    def test_refused_unread(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        """Neither the JSON nor the CSV reader is reached, and check_ledger reads no byte."""

        def reached(*_args: object, **_kwargs: object) -> None:
            pytest.fail("the ledger was read")

        monkeypatch.setattr(io, "load_portfolio", reached)
        monkeypatch.setattr("projpush.io.csvfolder.load_csv_ledger", reached)
        monkeypatch.setattr("projpush.io.csvfolder.read_csv_ledger", reached)
        path, folder = json_file(tmp_path, ledger_doc()), csv_folder(tmp_path)
        for target in (path, folder):
            with pytest.raises(LedgerTooLargeError):
                ledger.load_ledger(target, max_bytes=10)
        monkeypatch.setattr(Path, "read_bytes", reached)
        for target in (path, folder):
            with pytest.raises(LedgerTooLargeError):
                ledger.check_ledger(target, ON, max_bytes=10)

    def test_error_names_path_limit_size(self, tmp_path: Path) -> None:
        """The error is a LedgerError (and a ValueError) carrying the path, size and limit."""
        path = json_file(tmp_path, ledger_doc())
        with pytest.raises(LedgerTooLargeError) as caught:
            ledger.load_ledger(path, max_bytes=10)
        error = caught.value
        assert isinstance(error, LedgerError)
        assert isinstance(error, ValueError)
        assert (str(path), 59, 10, 59) == (error.path, error.size, error.limit, error.got)
        assert ("path", "a ledger of at most 10 bytes") == (error.field, error.expected)

    def test_csv_folder_counts_the_files_read(self, tmp_path: Path) -> None:
        """The CSV files the reader opens are summed (any case); other files are not counted."""
        folder = csv_folder(tmp_path, Monthly_CSV="project,month,plan,done\nNB-1,2020-01,1,1\n")
        (folder / "original.xlsx").write_bytes(b"PK" * 2**20)
        csv_bytes = sum(f.stat().st_size for f in folder.glob("*.csv"))
        assert csv_bytes == ledger._ledger_size(folder)
        assert 1 == len(ledger.load_ledger(folder, max_bytes=csv_bytes).projects)
        with pytest.raises(LedgerTooLargeError, match=f"is {csv_bytes} bytes"):
            ledger.load_ledger(folder, max_bytes=csv_bytes - 1)

    def test_parquet_folder_counts_every_file(self, tmp_path: Path) -> None:
        """A Parquet folder is summed file by file, datasets in subfolders included."""
        pytest.importorskip("pyarrow")
        from projpush.engine.tables import from_portfolio, write_parquet  # noqa: PLC0415

        folder = tmp_path / "city.parquet"
        write_parquet(from_portfolio(folio()), folder)
        (folder / "issues").mkdir()
        (folder / "issues.parquet").rename(folder / "issues" / "part-0.parquet")
        total = sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())
        assert total == ledger._ledger_size(folder)
        assert folio() == ledger.load_ledger(folder, max_bytes=total)
        with pytest.raises(LedgerTooLargeError, match=rf"is .*\({total:,} bytes\)"):
            ledger.load_ledger(folder, max_bytes=total - 1)

    def test_pickles(self, tmp_path: Path) -> None:
        """The error survives pickling (multiprocessing, Dask) with its attributes."""
        import pickle  # noqa: PLC0415

        with pytest.raises(LedgerTooLargeError) as caught:
            ledger.load_ledger(json_file(tmp_path, ledger_doc()), max_bytes=10)
        copy = pickle.loads(pickle.dumps(caught.value))  # noqa: S301 (our own bytes)
        assert (str(caught.value), copy.path, copy.size, copy.limit) == (
            str(copy),
            caught.value.path,
            59,
            10,
        )
