"""The monthly supervision report (月度督查通报) and Yinzhou's one map, five tables.

:func:`build_report` brings a ledger's problem list up to date at a date
(:func:`~projpush.escalation.advance_all`), judges every project's light, and
computes the report figures; :func:`render` prints the result as text, JSON or
CSV, and :func:`render_xlsx` writes it as a workbook. :func:`render_tables`
prints "one map, five tables" (一图五表) for one project or for every project a
leader guarantees. These are edge functions for the command line and for
notebooks; the rules they call stay pure.

>>> from projpush.synth import SAMPLE_AS_OF, sample_portfolio
>>> result = build_report(sample_portfolio(), SAMPLE_AS_OF)
>>> result.summary.completion.percent(), result.lights.counts.red
('73.2 %', 5)
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from operator import attrgetter
from typing import IO, TYPE_CHECKING, Any, Final, Literal, NamedTuple, cast

import attrs

from projpush._convert import instance_arg, plain_date_arg
from projpush._csvsafe import csv_text
from projpush._fmt import text_width
from projpush._gc import no_cycle_collection
from projpush.errors import PolicyError, UnknownReferenceError, ValidationError
from projpush.escalation import (
    AccountabilityEntry,
    AccountabilityReason,
    EscalationPolicy,
    Overdue,
    PolicyBook,
    accountability_list,
    advance,
    overdue,
)
from projpush.lights import (
    GapPolicy,
    LagPolicy,
    Light,
    LightMap,
    LightPolicy,
    NodePolicy,
    Rollup,
    SharePolicy,
    Verdict,
    WorstOf,
    _judge_with_map,
    judge_portfolio,
    light_map,
)
from projpush.messages import enum_name, message, section, template
from projpush.metrics import (
    MonthlySummary,
    Ratio,
    _tier_words,
    investment,
    monthly_summary,
    tier_words,
    time_schedule,
)
from projpush.model import (
    Finding,
    Issue,
    Portfolio,
    Project,
    SheetColor,
    integrity_report,
)
from projpush.schedule import (
    WorkingCalendar,
    milestone_timing,
    resolve_calendar,
)

if TYPE_CHECKING:
    import datetime as dt

    from projpush.foresight import Forecast
    from projpush.records import ReportDict

__all__ = [
    "POLICY_SETS",
    "Note",
    "PolicySet",
    "ProjectLight",
    "SupervisionReport",
    "build_report",
    "render",
    "render_tables",
    "render_xlsx",
    "sample_ledger",
    "with_forecast",
]

Format = Literal["text", "json", "csv", "csv-fields", "html"]
Lang = Literal["zh", "en"]
Progress = Callable[[str, int, int], None]
_STATUS: Final = attrgetter("status")


@attrs.frozen
class PolicySet:
    """The rules a report applies: a light policy and an escalation policy, by city.

    ``source`` says where the rules come from, in English; ``zh`` in Chinese
    (the Chinese report prints ``name (source)`` when it is empty).
    """

    name: str
    lights: LightPolicy
    escalation: EscalationPolicy
    source: str
    zh: str = ""


POLICY_SETS: Final[Mapping[str, Callable[[], PolicySet]]] = {
    "default": lambda: PolicySet(
        "default",
        LagPolicy.ningbo(),
        EscalationPolicy.ningbo(),
        template("policy_set.default", "en"),
        template("policy_set.default", "zh"),
    ),
    "ningbo": lambda: PolicySet(
        "ningbo",
        WorstOf((LagPolicy.ningbo(), NodePolicy.dalian())),
        EscalationPolicy.ningbo(),
        template("policy_set.ningbo", "en"),
        template("policy_set.ningbo", "zh"),
    ),
    "dalian": lambda: PolicySet(
        "dalian",
        NodePolicy.dalian(),
        EscalationPolicy.dalian(),
        template("policy_set.dalian", "en"),
        template("policy_set.dalian", "zh"),
    ),
    "binzhou": lambda: PolicySet(
        "binzhou",
        LagPolicy.ningbo(),
        EscalationPolicy.binzhou(),
        template("policy_set.binzhou", "en"),
        template("policy_set.binzhou", "zh"),
    ),
    "yinzhou": lambda: PolicySet(
        "yinzhou",
        LagPolicy.ningbo(),
        EscalationPolicy.yinzhou(),
        template("policy_set.yinzhou", "en"),
        template("policy_set.yinzhou", "zh"),
    ),
    "tonglu": lambda: PolicySet(
        "tonglu",
        LagPolicy.ningbo(),
        EscalationPolicy.tonglu(),
        template("policy_set.tonglu", "en"),
        template("policy_set.tonglu", "zh"),
    ),
    "wuhan": lambda: PolicySet(
        "wuhan",
        SharePolicy.wuhan(),
        EscalationPolicy.ningbo(),
        template("policy_set.wuhan", "en"),
        template("policy_set.wuhan", "zh"),
    ),
    "xinhuang": lambda: PolicySet(
        "xinhuang",
        SharePolicy.xinhuang(),
        EscalationPolicy.ningbo(),
        template("policy_set.xinhuang", "en"),
        template("policy_set.xinhuang", "zh"),
    ),
    "yinchuan": lambda: PolicySet(
        "yinchuan",
        GapPolicy.yinchuan(),
        EscalationPolicy.ningbo(),
        template("policy_set.yinchuan", "en"),
        template("policy_set.yinchuan", "zh"),
    ),
    "sanya": lambda: PolicySet(
        "sanya",
        GapPolicy.sanya(),
        EscalationPolicy.ningbo(),
        template("policy_set.sanya", "en"),
        template("policy_set.sanya", "zh"),
    ),
}

_BOOK: Final = PolicyBook(
    (
        EscalationPolicy.dalian(),
        EscalationPolicy.ningbo(),
        EscalationPolicy.binzhou(),
        EscalationPolicy.yinzhou(),
        EscalationPolicy.tonglu(),
    )
)


def policy_set(name: str) -> PolicySet:
    """The ready-made policy set called ``name`` (see :data:`POLICY_SETS`).

    Raises:
        UnknownReferenceError: no set has that name.
    """
    try:
        return POLICY_SETS[name]()
    except KeyError:
        known = ", ".join(sorted(POLICY_SETS))
        raise UnknownReferenceError.about("policy", f"one of {known}", name) from None


def _chosen(policy: str | PolicySet) -> PolicySet:
    """The policy set named by ``policy``, or ``policy`` itself when it is one."""
    if isinstance(policy, str):
        return policy_set(policy)
    if not isinstance(policy, PolicySet):
        raise PolicyError.about("policy", "a POLICY_SETS name or a PolicySet", policy)
    return policy


def _check_flag(field: str, value: object) -> None:
    """Refuse anything but True or False (not 1, not "yes"), naming the field and value."""
    if type(value) is not bool:
        raise ValidationError.about(field, "True or False", value)


def _check_choice(field: str, value: object, allowed: tuple[str, ...]) -> None:
    """Refuse a format or language outside ``allowed``, naming the field and value."""
    if value not in allowed:
        names = [repr(a) for a in allowed]
        choices = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"
        raise ValidationError.about(field, choices, value)


@attrs.frozen
class Note:
    """A note the report prints before its figures: ``code`` and the year it is about."""

    code: str
    year: int

    def text(self, lang: Lang = "zh") -> str:
        """The note as a sentence in ``lang``."""
        return message(f"note.{self.code}", lang, year=self.year)


class ProjectLight(NamedTuple):
    """One project's line of the light list: its key, name, responsible unit and light.

    ``light`` is None when the policy did not judge the project.
    """

    key: str
    name: str
    unit: str
    light: Light | None


@attrs.frozen
class SupervisionReport:
    """Everything a monthly supervision report shows, computed at one date.

    :func:`build_report` makes it from a portfolio, and
    :func:`projpush.engine.build_report_tables` from the ledger's tables;
    both give the same report, figure for figure and line for line. Only
    the object path keeps the judged roll-up and the advanced issues
    (``lights`` and ``issues``); the tables path leaves them None and keeps
    the engine's frames instead (see that function).

    Attributes:
        red, yellow: the red and yellow verdicts, worst first (as
            :attr:`projpush.lights.Rollup.red`), with their reasons.
        open_counts: open issues counted by (tier, sheet colour), keys
            sorted; "none" where no tier or no sheet yet.
        project_lights: every project's light, in ledger order, on both
            paths (the workbook's light sheet lists them all).
    """

    as_of: dt.date
    policy: PolicySet
    summary: MonthlySummary
    red: tuple[Verdict, ...]
    yellow: tuple[Verdict, ...]
    open_counts: Mapping[tuple[str, str], int]
    overdue: tuple[Overdue, ...]
    accountability: tuple[AccountabilityEntry, ...]
    findings: tuple[Finding, ...]
    light_map: LightMap | None = None
    lights: Rollup | None = None
    issues: tuple[Issue, ...] | None = None
    project_lights: tuple[ProjectLight, ...] = attrs.field(default=(), repr=False)
    forecast: Forecast | None = attrs.field(default=None, repr=False)

    def __repr__(self) -> str:
        """One line: the date, the rules and the counts (``str(report)`` is the text report)."""
        return (
            f"<SupervisionReport {self.as_of.isoformat()} {self.policy.name}: "
            f"{self.summary.projects} projects, {len(self.red)} red, {len(self.yellow)} yellow, "
            f"{len(self.overdue)} overdue issues, {len(self.findings)} ledger gaps>"
        )

    def __str__(self) -> str:
        """The text report, in Chinese (:func:`render`; ``render(report, lang="en")``)."""
        return render(self)

    def _repr_html_(self) -> str:
        from projpush._html import report_html  # noqa: PLC0415 (notebooks only)

        return report_html(self)

    def open_by_tier_and_sheet(self) -> dict[tuple[str, str], int]:
        """Open issues counted by (tier, sheet colour); "none" where no sheet yet."""
        return dict(self.open_counts)

    @property
    def notes(self) -> tuple[Note, ...]:
        """What a reader must know: no plans for the year, or counts on a provisional calendar.

        >>> import datetime
        >>> from projpush.synth import sample_portfolio
        >>> spring = datetime.date(2021, 3, 31)
        >>> [n.text("en") for n in build_report(sample_portfolio(), spring).notes]
        ['the ledger holds no annual plan for 2021: the investment figures are zero']
        """
        year = self.as_of.year
        notes = []
        if self.summary.projects and not self.summary.investment.projects:
            notes.append(Note("no_plans", year))
        if any(o.provisional for o in self.overdue):
            notes.append(Note("provisional", year))
        return tuple(notes)

    def to_dict(self) -> ReportDict:
        """The report as JSON-ready data with stable keys (:class:`projpush.records.ReportDict`)."""
        report = {
            "as_of": self.as_of.isoformat(),
            "policy": {"name": self.policy.name, "source": self.policy.source},
            "summary": self.summary.to_dict(),
            "lights": {
                "counts": dict(self.summary.lights.counts) if self.summary.lights else {},
                "red": [_verdict_dict(v) for v in self.red],
                "yellow": [_verdict_dict(v) for v in self.yellow],
            },
            "issues": {
                "open_by_tier_and_sheet": [
                    {"tier": tier, "sheet": sheet, "count": n}
                    for (tier, sheet), n in self.open_by_tier_and_sheet().items()
                ],
                "overdue": [_overdue_dict(o) for o in self.overdue],
            },
            "accountability": [
                {
                    "unit": e.unit,
                    "items": [
                        {
                            "issue": i.issue,
                            "reason": i.reason.value,
                            "on": i.on.isoformat(),
                            "detail": i.detail,
                        }
                        for i in e.items
                    ],
                }
                for e in self.accountability
            ],
            "findings": [
                {
                    "kind": f.kind.value,
                    "subject": f.subject,
                    "detail": f.detail,
                    "zh": f.text("zh"),
                    "en": f.text("en"),
                }
                for f in self.findings
            ],
            "notes": [
                {"code": n.code, "year": n.year, "zh": n.text("zh"), "en": n.text("en")}
                for n in self.notes
            ],
            **self._forecast_dict(),
        }
        return cast("ReportDict", report)

    def _forecast_dict(self) -> dict[str, Any]:
        """The forecast section's data, when the report carries one (:func:`with_forecast`)."""
        if self.forecast is None:
            return {}
        from projpush._foresight_text import forecast_dict  # noqa: PLC0415

        return {"forecast": forecast_dict(self.forecast)}


def _verdict_dict(v: Verdict) -> dict[str, Any]:
    return {
        "project": v.project,
        "light": None if v.light is None else v.light.value,
        "severity": str(v.severity),
        "reasons_zh": [r.text("zh") for r in v.reasons],
        "reasons_en": [r.text("en") for r in v.reasons],
    }


def _overdue_dict(o: Overdue) -> dict[str, Any]:
    return {
        "issue": o.issue,
        "tier": o.tier,
        "owner": o.owner,
        "deadline": o.deadline.isoformat(),
        "sheet": None if o.sheet is None else o.sheet.value,
        "calendar_days": o.calendar_days,
        "working_days": o.working_days,
        "provisional": o.provisional,
    }


def build_report(
    portfolio: Portfolio,
    as_of: dt.date,
    *,
    policy: str | PolicySet = "default",
    calendar: WorkingCalendar | None = None,
    progress: Progress | None = None,
    advance: bool = True,
) -> SupervisionReport:
    """Compute the monthly supervision report of ``portfolio`` at ``as_of``.

    Unless ``advance`` is False, issues are first brought up to date (sheets
    and escalations that fell due by ``as_of``), each under the policy
    version it was assigned under when the ledger records one, else under
    the chosen set's escalation policy. The versions known are the built-in
    cities' (Dalian, Ningbo, Binzhou, Yinzhou, Tonglu) and the chosen set's own,
    which takes its key's place. :func:`projpush.metrics.monthly_summary`
    counts issues as recorded unless it is given ``advance``: the two give
    the same figures when asked the same.

    Args:
        portfolio: the ledger.
        as_of: the report date.
        policy: a :data:`POLICY_SETS` name or a :class:`PolicySet`.
        calendar: working-day calendar (default: the China official calendar).
        progress: called as ``progress(stage, done, total)`` between stages.
        advance: bring the issues up to ``as_of`` first (the default), or
            report them as the ledger records them.

    Raises:
        UnknownReferenceError: no policy set has the name ``policy``.
        PolicyError: ``policy`` is neither a name nor a :class:`PolicySet`.
        CalendarCoverageError: an issue's dates lie in a year the calendar lacks.
        ValidationError: ``as_of`` is not a date, or ``advance`` not True or False.
    """
    instance_arg(portfolio, Portfolio, "portfolio")
    plain_date_arg(as_of, "as_of")
    _check_flag("advance", advance)
    chosen = _chosen(policy)
    cal = resolve_calendar(calendar)
    # A province's report makes millions of acyclic values while the ledger's tens of
    # millions stay alive: each full collection would walk them all and free nothing.
    with no_cycle_collection():
        return _build(portfolio, as_of, chosen, cal, progress or _silent, advance=advance)


def with_forecast(
    report: SupervisionReport,
    portfolio: Portfolio,
    *,
    months: int = 2,
    due_within: int = 5,
    calendar: WorkingCalendar | None = None,
) -> SupervisionReport:
    """``report`` with a forecast section (:mod:`projpush.foresight`), under its policy set.

    The section holds each project's light at the next ``months`` month
    ends under each assumption, the least effort to stay out of yellow and
    red, and the issues whose sheet or tier changes within ``due_within``
    working days. The text, JSON, workbook and page renderings show it after the
    report's own sections; a report without it renders as before, byte for
    byte.

    Raises:
        ValidationError: ``report`` is not a :class:`SupervisionReport`,
            ``portfolio`` not a Portfolio, ``months`` not from 1 to 12, or
            ``due_within`` not a whole number of working days from 0.
        CalendarCoverageError: as :func:`build_report`.
    """
    from projpush._foresight_text import build_forecast  # noqa: PLC0415

    if not isinstance(report, SupervisionReport):
        raise ValidationError.about("report", "a SupervisionReport", report)
    if not isinstance(portfolio, Portfolio):
        raise ValidationError.about("portfolio", "a Portfolio", portfolio)

    fc = build_forecast(
        portfolio,
        report.as_of,
        report.policy,
        months=months,
        due_within=due_within,
        calendar=calendar,
    )
    return attrs.evolve(report, forecast=fc)


def _silent(_stage: str, _done: int, _total: int) -> None:
    pass


def _build(
    portfolio: Portfolio,
    as_of: dt.date,
    chosen: PolicySet,
    cal: WorkingCalendar,
    tell: Progress,
    *,
    advance: bool,
) -> SupervisionReport:
    stages = ("issues", "lights", "figures")
    tell(stages[0], 0, len(stages))
    issues, current = portfolio.issues, portfolio
    if advance:
        book = _report_book(chosen.escalation)
        issues = tuple(_advance(q, as_of, chosen.escalation, book, cal) for q in issues)
        current = portfolio.with_issues(issues)
    tell(stages[1], 1, len(stages))
    if current.projects:
        rollup, lmap = _judge_with_map(current, as_of, chosen.lights)
    else:  # no map of no projects: nor a check of its year
        rollup, lmap = judge_portfolio(current, as_of, chosen.lights, lenient=True), None
    tell(stages[2], 2, len(stages))
    # The per-tier rows follow the chosen ladder, lowest tier first, not the ledger's order.
    tiers = tuple(t.name for t in chosen.escalation.ladder.tiers)
    summary = monthly_summary(current, as_of, calendar=cal, verdicts=rollup.verdicts, tiers=tiers)
    tell("done", 3, len(stages))
    return SupervisionReport(
        as_of=as_of,
        policy=chosen,
        summary=summary,
        red=rollup.red,
        yellow=rollup.yellow,
        open_counts=_open_counts(issues),
        overdue=overdue(issues, as_of, calendar=cal),
        accountability=accountability_list(issues, as_of),
        findings=integrity_report(current, as_of),
        light_map=lmap,
        lights=rollup,
        issues=issues,
        project_lights=tuple(
            ProjectLight(p.key, p.name, p.unit, v.light)
            for p, v in zip(current.projects, rollup.verdicts, strict=True)
        ),
    )


def _open_counts(issues: Iterable[Issue]) -> dict[tuple[str, str], int]:
    """Open issues counted by (tier, sheet colour), keys sorted; "none" where there is none."""
    # Count by the raw status fields first, name the few keys after: a province has
    # hundreds of thousands of issues and each property read is a Python call.
    raw = Counter((s.tier, s.sheet) for s in map(_STATUS, issues) if s.state.is_open)
    return _named_counts(raw.items())


def _named_counts(
    raw: Iterable[tuple[tuple[str | None, SheetColor | None], int]],
) -> dict[tuple[str, str], int]:
    """Counts by (tier, sheet), named as the report prints them and sorted."""
    counts: Counter[tuple[str, str]] = Counter()
    for (tier, sheet), n in raw:
        counts[tier or "none", sheet.value if sheet else "none"] += n
    return dict(sorted(counts.items()))


def _advance(
    issue: Issue,
    as_of: dt.date,
    chosen: EscalationPolicy,
    book: PolicyBook,
    cal: WorkingCalendar,
) -> Issue:
    """``issue`` advanced under the version it records, or under ``chosen`` if it records none."""
    if issue.status.policy is None:
        return advance(issue, as_of, chosen, calendar=cal)
    return advance(issue, as_of, book, calendar=cal)


def _report_book(chosen: EscalationPolicy) -> PolicyBook:
    """The versions a report advances issues under: the built-in ones, ``chosen`` for its key."""
    if chosen.key in {p.key for p in _BOOK.policies} and _BOOK.get(chosen.key) == chosen:
        return _BOOK
    return PolicyBook((*(p for p in _BOOK.policies if p.key != chosen.key), chosen))


# --------------------------------------------------------------------------- rendering


def render(report: SupervisionReport, *, fmt: Format = "text", lang: Lang = "zh") -> str:
    """Render a report as readable text, JSON (stable keys), CSV tables, CSV fields or HTML.

    CSV (``"csv"``) is the workbook's tables one after another, each under
    its name, every column of one kind (text, dates, counts, numbers in the
    unit the header or the row names), in ``lang``. CSV fields
    (``"csv-fields"``) is the JSON flattened, a ``field,value`` row a value,
    the same in both languages. Both begin with a byte-order mark, so that
    Excel and WPS read them as UTF-8, and no cell runs as a formula.

    HTML is one self-contained page (一图五表): the light map
    (``report.light_map``) as inline SVG, the headline figures, every
    project's light with each red or yellow one's reasons, the problem
    list, the rankings, the accountability list and the ledger's gaps; no
    external resource, a print style sheet for A4, each light shown by
    colour, shape and name.

    Raises:
        ValidationError: ``fmt`` is not text, json, csv, csv-fields or html, or
            ``lang`` not zh or en.
    """
    instance_arg(report, SupervisionReport, "report")
    _check_choice("fmt", fmt, ("text", "json", "csv", "csv-fields", "html"))
    _check_choice("lang", lang, ("zh", "en"))
    with no_cycle_collection():
        return _render(report, fmt, lang)


def _render(report: SupervisionReport, fmt: Format, lang: Lang) -> str:
    if fmt == "json":
        return json.dumps(report.to_dict(), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        from projpush._csvreport import csv_report  # noqa: PLC0415 (only when asked)

        return csv_report(report, lang)
    if fmt == "csv-fields":
        fields = _csv((k, _spreadsheet_ratio(k, v)) for k, v in _flatten(report.to_dict()))
        return _BOM + fields
    if fmt == "html":
        from projpush._page import page  # noqa: PLC0415 (the page's module only when asked)

        return page(report, lang)
    return "\n".join(_text_lines(report, lang)) + "\n"


def render_xlsx(
    report: SupervisionReport,
    path_or_file: str | os.PathLike[str] | IO[bytes],
    *,
    lang: Lang = "zh",
) -> None:
    """Write a report as an Excel workbook (.xlsx), to a path or a binary file.

    Six sheets, named in ``lang``: 汇总 (the headline figures), 红黄绿灯
    (every project, red and yellow first with their reasons, the light as
    text and as the cell's colour), 问题清单 (the overdue issues with their
    tier, deadline, sheet colour and days overdue, beside the open issues
    counted by tier and sheet), 排名 (the rankings), 问责清单 (the
    accountability list, one row an item) and 台账缺口 (the ledger's gaps);
    in English Summary, Lights, Issues, Rankings, Accountability and Ledger
    gaps. Figures are numbers with a number format (amounts in 亿元, shares
    as percentages, dates as dates), the header row is frozen, and each
    sheet prints on A4, fitted to the page's width, the header repeated.

    A path is written atomically: the workbook is made in memory, then
    moved into place. A file is written to and left open. Needs the
    ``xlsx`` extra (openpyxl).

    Raises:
        ValidationError: ``lang`` is not zh or en.
        ImportError: openpyxl is not installed (the message names the extra).
    """
    instance_arg(report, SupervisionReport, "report")
    _check_choice("lang", lang, ("zh", "en"))
    from projpush._xlsx import workbook_bytes  # noqa: PLC0415 (openpyxl only when asked)

    with no_cycle_collection():
        data = workbook_bytes(report, lang)
    if isinstance(path_or_file, (str, os.PathLike)):
        from pathlib import Path  # noqa: PLC0415

        from projpush.io import _atomic_write_bytes  # noqa: PLC0415

        _atomic_write_bytes(Path(path_or_file), data)
    else:
        path_or_file.write(data)


def _text_lines(report: SupervisionReport, lang: Lang) -> Iterator[str]:
    t = section("report", lang)
    for note in report.notes:
        yield f"{t['note']}: {note.text(lang)}"
    if report.notes:
        yield ""
    tiers = _tier_names(report.policy, lang)
    yield report.summary.to_text(lang, tier_names=tiers)
    yield ""
    yield f"{t['policy']}: {policy_shown(report.policy, lang)}"
    for title, verdicts in ((t["red"], report.red), (t["yellow"], report.yellow)):
        yield ""
        yield f"{title} ({len(verdicts)})"
        yield from _verdict_lines(verdicts, lang)
    yield ""
    yield t["issues"]
    for (tier, sheet), n in report.open_by_tier_and_sheet().items():
        named = t["no_tier"] if tier == "none" else tiers.get(tier, tier)
        yield f"  {named} / {_sheet_words(sheet, lang)}: {n}"
    yield ""
    yield f"{t['overdue']} ({len(report.overdue)}): {t['days']}"
    for o in report.overdue:
        days = f"{o.calendar_days}/{o.working_days}"
        tier = t["no_tier"] if o.tier is None else tiers.get(o.tier, o.tier)
        mark = f" ({t['provisional']})" if o.provisional else ""
        yield f"  {o.issue} [{tier}, {o.owner}] {t['deadline']} {o.deadline}: {days}{mark}"
    yield ""
    yield f"{t['accountability']} ({len(report.accountability)})"
    for e in report.accountability:
        reasons = ", ".join(sorted({_reason_words(r, lang) for r in e.reasons}))
        yield f"  {e.unit}: {', '.join(e.issues)} ({reasons})"
    yield ""
    yield f"{t['findings']} ({len(report.findings)})"
    for f in report.findings:
        yield f"  {f.subject}: {enum_name(f.kind, lang)}: {f.text(lang)}"
    if report.forecast is not None:
        from projpush._foresight_text import forecast_lines  # noqa: PLC0415

        yield ""
        yield from forecast_lines(report.forecast, lang)


_WRAP: Final = 100  # the columns of a text report's line, a Chinese character counting two
# A token: a run of ASCII (a word, a number), a run of spaces, or one other character.
_TOKEN: Final = re.compile(r"[!-~]+|\s+|.")
_NO_LINE_START: Final = frozenset("，。、；：）》」』】！？,.;:)!?%")


def _verdict_lines(verdicts: Iterable[Verdict], lang: Lang) -> Iterator[str]:
    """Each project, then its reasons one a line (a lagging month is one), wrapped."""
    for v in verdicts:
        yield f"  {v.project}:"
        for reason in v.reasons:
            if reason.code:
                yield from _wrapped(reason.text(lang), "    ")


def _wrapped(text: str, indent: str, width: int = _WRAP) -> Iterator[str]:
    """``text`` in lines of at most ``width`` columns after ``indent``, the next ones indented more.

    Words and numbers are never split; Chinese breaks between characters, and
    a line never begins with a closing mark (，。）).

    >>> list(_wrapped("截至2020-10连续4个月低于进度要求", "  ", 16))
    ['  截至2020-10连', '    续4个月低于', '    进度要求']
    """
    line, used, room = indent, 0, width - text_width(indent)
    if text_width(text) <= room:  # one line: no break to find (most reasons)
        if (whole := (indent + text.lstrip()).rstrip()).strip():
            yield whole
        return
    for token in _TOKEN.findall(text):
        size = text_width(token)
        if used and used + size > room and not token.isspace() and token[0] not in _NO_LINE_START:
            yield line.rstrip()
            line, used = indent + "  ", 0
            room = width - text_width(line)
        if not (used == 0 and token.isspace()):  # a line never begins with a space
            line += token
            used += size
    if line.strip():
        yield line.rstrip()


def _reason_words(reason: AccountabilityReason, lang: Lang) -> str:
    """Why a unit is on the accountability list, in ``lang``: 红色督办单, red sheet."""
    return enum_name(reason, lang)


def policy_shown(chosen: PolicySet, lang: Lang) -> str:
    """The policy set as a report names it: its Chinese name, else ``name (source)``."""
    if lang == "zh" and chosen.zh:
        return chosen.zh
    return message("policy_set.named", lang, name=chosen.name, source=chosen.source)


def _tier_names(chosen: PolicySet, lang: Lang) -> dict[str, str]:
    """Tier names in ``lang``: the chosen ladder's, then the built-in ladders' for the rest."""
    return {**_tier_words(lang), **tier_words(chosen.escalation.ladder.tiers, lang)}


def _sheet_words(sheet: str, lang: Lang) -> str:
    """A sheet colour of the counts (or ``"none"``) in ``lang``: 红色督办单, red sheet."""
    if sheet == "none":
        return message("report.no_sheet", lang)
    return enum_name(SheetColor(sheet), lang)


def _flatten(data: Any, prefix: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, Mapping):
        for key, value in data.items():
            yield from _flatten(value, f"{prefix}.{key}" if prefix else str(key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _flatten(value, f"{prefix}[{i}]")
    else:
        yield prefix, "" if data is None else str(data)


def _csv(rows: Iterable[Iterable[str]], header: Iterable[str] = ("field", "value")) -> str:
    """CSV text; a cell a spreadsheet would run as a formula gets a leading quote."""
    return csv_text([header, *rows], lineterminator="\n")


_BOM: Final = "\ufeff"  # so that Excel and WPS read a CSV file as UTF-8
_RATIO: Final = re.compile(r"(-?[0-9]+)/([0-9]+)")


def _spreadsheet_ratio(field: str, text: str) -> str:
    """An exact ratio ``5/6`` of a ``.value`` field as ``5÷6``, which no spreadsheet makes a date.

    >>> _spreadsheet_ratio("summary.schedule.value", "5/6"), _spreadsheet_ratio("name", "5/6")
    ('5÷6', '5/6')
    """
    match = _RATIO.fullmatch(text) if field.endswith(".value") or field == "value" else None
    return text if match is None else f"{match[1]}÷{match[2]}"


# --------------------------------------------------------------------------- one map, five tables


def render_tables(
    portfolio: Portfolio,
    as_of: dt.date,
    *,
    project: str | None = None,
    leader: str | None = None,
    fmt: Literal["text", "csv"] = "text",
    lang: Lang = "zh",
    policy: str | PolicySet = "default",
) -> str:
    """Yinzhou's "one map, five tables" (一图五表) for a project or a leader's projects.

    The map is the project's light month by month (攻坚作战图); the five
    tables are plan (计划表), tasks (任务表), division of labour (分工表),
    responsibilities (责任表) and progress (进度表).

    Raises:
        UnknownReferenceError: the project, the leader or the policy set is
            not known.
        ValidationError: ``as_of`` is not a date, ``fmt`` not text or csv, or
            ``lang`` not zh or en.
        PolicyError: ``policy`` is neither a name nor a :class:`PolicySet`.
    """
    instance_arg(portfolio, Portfolio, "portfolio")
    plain_date_arg(as_of, "as_of")
    _check_choice("fmt", fmt, ("text", "csv"))
    _check_choice("lang", lang, ("zh", "en"))
    if project is not None:
        projects: tuple[Project, ...] = (portfolio.project(project),)
    else:
        projects = portfolio.by_leader(str(leader))
        if not any(ld.name == leader for ld in portfolio.leaders):
            raise UnknownReferenceError.about("leader", "a leader in the ledger", leader)
    chosen = _chosen(policy)
    schedule = time_schedule(as_of)
    # One map for every project with a plan this year: only those get a light strip.
    planned = [p for p in projects if p.annual_plan(as_of.year) is not None]
    lmap = light_map(planned, as_of.year, chosen.lights, lenient=True, as_of=as_of)
    words = _Words(lang, _tier_names(chosen, lang))
    rows = [
        row
        for p in projects
        for row in _five_tables(portfolio, p, as_of, schedule, lmap, words=words)
    ]
    if fmt == "csv":
        header = tuple(message(f"tables.head.{h}", lang) for h in _TABLE_COLUMNS)
        named = [(key, _table_name(table, lang), item, value) for key, table, item, value in rows]
        return _BOM + _csv(named, header)
    return "\n".join(_tables_text(rows, lang)) + "\n"


_TABLE_COLUMNS: Final = ("project", "table", "item", "value")


def _table_name(table: str, lang: Lang) -> str:
    return message(f"tables.{table}", lang)


def _mark(light: Light | None) -> str:
    return "none" if light is None else light.value


class _Words(NamedTuple):
    """The language of the five tables and the tiers' names in it."""

    lang: Lang
    tiers: dict[str, str]

    def __call__(self, key: str, **facts: object) -> str:
        return message(f"tables.{key}", self.lang, **facts)


def _tables_text(rows: list[tuple[str, str, str, str]], lang: Lang) -> Iterator[str]:
    current: tuple[str, str] | None = None
    for project, table, item, value in rows:
        if (project, table) != current:
            if current is None or current[0] != project:
                yield f"== {project}"
            yield f"-- {_table_name(table, lang)}"
            current = (project, table)
        yield f"   {item}: {value}"


def _five_tables(
    portfolio: Portfolio,
    p: Project,
    as_of: dt.date,
    schedule: Ratio,
    lmap: LightMap,
    *,
    words: _Words,
) -> Iterator[tuple[str, str, str, str]]:
    """The rows of one project's map and tables; ``lmap`` holds the projects with a plan."""
    key, lang = p.key, words.lang
    year = as_of.year
    annual = p.annual_plan(year)
    if annual is not None:
        marks = section("mark", lang)
        strip = " ".join(
            f"{m.month:02d}:{marks[_mark(lmap.light(key, m))] if m.last_day <= as_of else '·'}"
            for m in lmap.months
        )
        yield key, "map", words("lights"), strip
    yield key, "plan", words("name"), p.name
    yield key, "plan", words("total_investment"), words("amount", amount=p.total_investment)
    yield key, "plan", words("annual_plan", year=year), words("amount", amount=annual or "-")
    for month, amount in p.monthly_plan.items():
        if month.year == year:
            done = p.monthly_done.get(month)
            shown = words("unreported") if done is None else done
            yield key, "plan", str(month), words("month", plan=amount, done=shown)
    for m in p.milestones:
        timing = milestone_timing(m, as_of)
        late = words("days_late", days=timing.days_late) if timing.days_late else ""
        yield key, "tasks", m.name, f"{m.planned} {enum_name(timing.state, lang)}{late}"
    yield key, "division", words("unit"), p.unit
    leaders = ", ".join(ld.name for ld in portfolio.leaders_of(key)) or "-"
    yield key, "division", words("leaders"), leaders
    secretaries = ", ".join(s.name for s in portfolio.secretaries_of(key)) or "-"
    yield key, "division", words("secretary"), secretaries
    yield key, "division", words("task_force"), p.task_force or "-"
    yield key, "responsibility", words("project"), p.unit
    for m in p.milestones:
        yield key, "responsibility", m.name, m.unit or p.unit
    for q in portfolio.issues_of(key):
        if q.is_open:
            tier = "-" if q.tier is None else words.tiers.get(q.tier, q.tier)
            state = enum_name(q.state, lang)
            line = words(
                "issue",
                title=q.title,
                owner=q.owner or "-",
                tier=tier,
                deadline=q.deadline or "-",
                state=state,
            )
            yield key, "responsibility", q.id, line
    completion = investment((p,), as_of).completion
    yield key, "progress", words("completion"), completion.percent(lang=lang)
    yield key, "progress", words("schedule"), schedule.percent(lang=lang)
    yield key, "progress", words("gap"), (completion - schedule).format(lang=lang)


def sample_ledger() -> Portfolio:
    """The bundled sample city ledger (installed with the package)."""
    from importlib import resources  # noqa: PLC0415

    from projpush.io import load_portfolio  # noqa: PLC0415

    with resources.as_file(resources.files("projpush") / "data" / "sample_ledger.json") as path:
        return load_portfolio(path)
