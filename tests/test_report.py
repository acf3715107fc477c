"""The monthly report's views and rendering against their plain definitions."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import Counter
from typing import TYPE_CHECKING

import attrs
import pytest

from projpush import report as report_module
from projpush._csvsafe import is_risky
from projpush.errors import PolicyError, ValidationError
from projpush.messages import enum_name
from projpush.metrics import monthly_summary
from projpush.model import Finding, FindingKind, Portfolio, Secretary
from projpush.report import SupervisionReport, build_report, render, render_tables
from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF, sample_portfolio, synthetic_portfolio

if TYPE_CHECKING:
    from collections.abc import Callable


@pytest.fixture(scope="module")
def reports() -> list[SupervisionReport]:
    """The sample city's report, and a synthetic ledger's before its last events."""
    synthetic = synthetic_portfolio(300, seed=11)  # stands at 31 October
    return [
        build_report(sample_portfolio(), SAMPLE_AS_OF),
        build_report(synthetic, dt.date(2020, 9, 30), policy="dalian"),
    ]


def plain_open_by_tier_and_sheet(report: SupervisionReport) -> dict[tuple[str, str], int]:
    """One named key per open issue, counted and sorted."""
    counts = Counter(
        (q.tier or "none", q.sheet.value if q.sheet else "none") for q in report.issues if q.is_open
    )
    return dict(sorted(counts.items()))


class TestOpenByTierAndSheet:
    """Counting the raw status fields first gives the plain per-issue count."""

    def test_equals_plain_count(self, reports: list[SupervisionReport]) -> None:
        """Same keys, counts and order on both ledgers."""
        for report in reports:
            assert plain_open_by_tier_and_sheet(report) == report.open_by_tier_and_sheet()

    def test_sample_figures(self, reports: list[SupervisionReport]) -> None:
        """The sample city's open issues add up to those still open on the report date."""
        report = reports[0]
        expected = sum(1 for q in report.issues if q.is_open)
        assert expected == sum(report.open_by_tier_and_sheet().values())


class TestSameFigureOnEveryRoute:
    """monthly_summary and build_report agree when asked the same, advanced or not."""

    def test_advanced_on_both(self) -> None:
        """The report advances by default; the summary does with ``advance``."""
        ledger = sample_portfolio()
        report = build_report(ledger, SAMPLE_AS_OF, calendar=CALENDAR_2020)
        assert report.lights is not None
        options = {
            "calendar": CALENDAR_2020,
            "verdicts": report.lights.verdicts,
            "tiers": tuple(t.name for t in report.policy.escalation.ladder.tiers),
        }
        as_recorded = monthly_summary(ledger, SAMPLE_AS_OF, **options)
        advanced = monthly_summary(ledger, SAMPLE_AS_OF, advance=report_module._BOOK, **options)
        assert advanced == report.summary
        # What the two routes gave before: escalations that fell due are only in one.
        assert as_recorded.issues.tier("city_leader").reached == 1
        assert advanced.issues.tier("city_leader").reached == 6

    def test_as_recorded_on_both(self) -> None:
        ledger = sample_portfolio()
        report = build_report(ledger, SAMPLE_AS_OF, calendar=CALENDAR_2020, advance=False)
        assert report.lights is not None
        tiers = tuple(t.name for t in report.policy.escalation.ladder.tiers)
        assert report.issues == ledger.issues
        assert report.summary == monthly_summary(
            ledger,
            SAMPLE_AS_OF,
            calendar=CALENDAR_2020,
            verdicts=report.lights.verdicts,
            tiers=tiers,
        )

    @pytest.mark.parametrize("flag", [1, "yes", None])
    def test_advance_is_true_or_false(self, flag: object) -> None:
        with pytest.raises(
            ValidationError, match=rf"advance: expected True or False, got {flag!r}"
        ):
            build_report(sample_portfolio(), SAMPLE_AS_OF, advance=flag)  # type: ignore[arg-type]

    def test_summary_advance_is_a_policy(self) -> None:
        expected = r"advance: expected an EscalationPolicy, a PolicyBook or None, got 'ningbo'"
        with pytest.raises(PolicyError, match=expected):
            monthly_summary(sample_portfolio(), SAMPLE_AS_OF, advance="ningbo")  # type: ignore[arg-type]


class TestMapUpToTheDate:
    """The report's light map judges no month after the report date."""

    def test_no_light_after_as_of(self) -> None:
        report = build_report(sample_portfolio(), SAMPLE_AS_OF)  # 31 October
        assert report.light_map is not None
        rows = [report.light_map.row(key) for key in report.light_map.keys]
        assert {cell for row in rows for cell in row[10:]} == {None}
        assert any(cell is not None for row in rows for cell in row[:10])


class TestOneLanguage:
    """Tiers, sheets and the policy set are named in the report's language, not as identifiers."""

    def sections(self, lang: str) -> dict[str, list[str]]:
        text = render(build_report(sample_portfolio(), SAMPLE_AS_OF), lang=lang)  # type: ignore[arg-type]
        lines = text.splitlines()
        start = lines.index(
            "问题办理(按层级和督办单颜色)"
            if lang == "zh"
            else "Open issues by tier and sheet colour"
        )
        end = next(i for i in range(start, len(lines)) if not lines[i])
        return {
            "tiers": [x for x in lines if "层级解决率" in x or "resolution rate at" in x],
            "open": [x.strip() for x in lines[start + 1 : end]],
            "overdue": [x for x in lines if re.match(r"  Q-\d{4}-\d{3} \[", x)],
            "policy": [x for x in lines if x.startswith(("规则", "policy"))],
            "all": lines,
        }

    def test_chinese(self) -> None:
        s = self.sections("zh")
        assert s["tiers"][0].startswith("项目责任单位层级解决率")
        assert "联系市领导 / 红色督办单: 6" in s["open"]
        assert "未交办 / 未发督办单: 3" in s["open"]
        for line in (*s["tiers"], *s["open"]):
            assert not re.search(r"[A-Za-z_]", line), line
        assert all(not re.search(r"\[[a-z_]+,", x) for x in s["overdue"])
        assert s["policy"] == ["规则: 默认：宁波红黄绿灯与三级协调"]
        assert not any("×1）" in x for x in s["all"])  # no "× 1" when the bar is the whole plan

    def test_english(self) -> None:
        s = self.sections("en")
        assert "resolution rate at city leader" in s["tiers"][-1]
        assert "city leader / red sheet: 6" in s["open"]
        assert "not assigned / no sheet: 3" in s["open"]
        assert not any(re.search(r"\b[a-z]+_[a-z_]+\b", x) for x in (*s["tiers"], *s["open"]))
        assert s["policy"] == ["policy: default (Ningbo lights and ladder)"]


def every_gap_ledger() -> Portfolio:
    """The sample city with a gap of every kind: a second secretary on a project, a unit
    missing from the directory, monthly plans over the annual plan."""
    ledger = sample_portfolio()
    first = ledger.projects[0]
    first = attrs.evolve(first, annual_plans={2020: first.annual_plans[2020] - 1})
    units = tuple(u for u in ledger.units if u.name != first.unit)
    extra = Secretary("赵敏", "市发改委", (first.key,))
    return attrs.evolve(
        ledger,
        projects=(first, *ledger.projects[1:]),
        units=units,
        secretaries=(*ledger.secretaries, extra),
    )


def latin_outside_names(line: str, finding: Finding) -> list[str]:
    """ASCII letters of ``line`` once the ledger's names and codes in it are taken out."""
    names = [finding.subject]
    for value in finding.facts.values():
        names.extend(
            value if isinstance(value, tuple) else [value] if isinstance(value, str) else []
        )
    for name in sorted(names, key=len, reverse=True):
        line = line.replace(name, "")
    return re.findall(r"[A-Za-z]+", line)


class TestFindingsInOneLanguage:
    """The ledger's gaps are written in the report's language; the English lines are as before."""

    def section(self, report: SupervisionReport, lang: str) -> list[str]:
        lines = render(report, lang=lang).splitlines()  # type: ignore[arg-type]
        title = "台账缺口 (" if lang == "zh" else "Ledger gaps ("
        start = next(i for i, x in enumerate(lines) if x.startswith(title))
        end = next((i for i in range(start, len(lines)) if not lines[i]), len(lines))
        return lines[start + 1 : end]

    @pytest.mark.parametrize("ledger", [sample_portfolio, every_gap_ledger])
    def test_chinese(self, ledger: Callable[[], Portfolio]) -> None:
        report = build_report(ledger(), SAMPLE_AS_OF)
        lines = self.section(report, "zh")
        assert len(lines) == len(report.findings) > 0
        for line, f in zip(lines, report.findings, strict=True):
            assert line == f"  {f.subject}: {f.kind.zh}: {f.text('zh')}"
            assert latin_outside_names(line, f) == [], line

    def test_every_kind(self) -> None:
        report = build_report(every_gap_ledger(), SAMPLE_AS_OF)
        assert {f.kind for f in report.findings} == set(FindingKind)
        lines = self.section(report, "zh")
        assert "  2019-330206-39-03-612352: 无包保领导: 汽车零部件生产线：无包保领导" in lines
        assert "  黄丽: 服务秘书服务项目过多: 服务6个项目，超过上限5个" in lines
        assert (
            "  2019-330200-48-01-602444: 节点逾期未完成: "
            "桩基工程完成：计划2020-09-30完成，截至2020-10-31未完成"
        ) in lines
        first = report.findings[0].subject
        assert [x.split(": ", 2)[2] for x in lines if x.startswith(f"  {first}: ")] == [
            "机场快速路南延工程：配备多名服务秘书（李明、赵敏）",
            "2020年月度计划合计158220万元，超过年度计划158219万元",
            "机场快速路南延工程：责任单位“市交通局”不在单位名录中",
        ]

    @pytest.mark.parametrize("ledger", [sample_portfolio, every_gap_ledger])
    def test_english_in_words(self, ledger: Callable[[], Portfolio]) -> None:
        """The English line names the kind in words (milestone overdue), not its identifier."""
        report = build_report(ledger(), SAMPLE_AS_OF)
        assert self.section(report, "en") == [
            f"  {f.subject}: {f.kind.value.replace('_', ' ')}: {f.detail}" for f in report.findings
        ]

    def test_json_has_both_texts(self) -> None:
        report = build_report(every_gap_ledger(), SAMPLE_AS_OF)
        assert report.to_dict()["findings"] == [
            {
                "kind": f.kind.value,
                "subject": f.subject,
                "detail": f.detail,
                "zh": f.text("zh"),
                "en": f.detail,
            }
            for f in report.findings
        ]
        assert "findings[0].zh,机场快速路南延工程：配备多名服务秘书（李明、赵敏）" in render(
            report, fmt="csv-fields"
        )


class TestNotes:
    """A report of a year the ledger has no plans for says so, in every format."""

    def test_no_plans(self) -> None:
        report = build_report(sample_portfolio(), dt.date(2021, 3, 31))
        (note,) = report.notes
        assert (note.code, note.year) == ("no_plans", 2021)
        english = "the ledger holds no annual plan for 2021: the investment figures are zero"
        assert render(report, lang="en").startswith(f"Note: {english}\n\n")
        assert report.to_dict()["notes"] == [
            {"code": "no_plans", "year": 2021, "zh": note.text("zh"), "en": english}
        ]
        assert "notes[0].code,no_plans" in render(report, fmt="csv-fields")
        assert "注意,台账中没有2021年的年度计划：投资数字为零" in render(report, fmt="csv")

    def test_none_when_planned_or_empty(self) -> None:
        assert build_report(sample_portfolio(), SAMPLE_AS_OF).notes == ()
        assert build_report(sample_portfolio().with_issues(()), SAMPLE_AS_OF).notes == ()


class TestAccountabilityText:
    """Each unit's line lists its issues and reasons in first-seen order."""

    def test_issues_and_reasons_first_seen(self, reports: list[SupervisionReport]) -> None:
        """The entry properties equal the plain first-seen fold over the items."""
        for report in reports:
            for entry in report.accountability:
                issues = list(dict.fromkeys(i.issue for i in entry.items))
                reasons = list(dict.fromkeys(i.reason for i in entry.items))
                assert (tuple(issues), tuple(reasons)) == (entry.issues, entry.reasons)

    def test_rendered_line(self, reports: list[SupervisionReport]) -> None:
        """The English text shows a unit's line as unit: issues (sorted reasons, in words)."""
        report = reports[1]
        entry = report.accountability[0]
        reasons = ", ".join(sorted({enum_name(r, "en") for r in entry.reasons}))
        expected = f"  {entry.unit}: {', '.join(entry.issues)} ({reasons})"
        assert expected in render(report, lang="en").splitlines()


class TestSpreadsheetSafeCsv:
    """The report's CSV opens safely in a spreadsheet: no formulas, no dates from ratios."""

    @staticmethod
    def hostile() -> SupervisionReport:
        """The sample city's report (its negative gap is a ratio beginning with -)."""
        return build_report(sample_portfolio(), SAMPLE_AS_OF)

    def cells(self, text: str) -> list[str]:
        return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]

    def test_no_cell_is_a_formula(self) -> None:
        """Every cell beginning with = + - @ TAB CR that is not a number is quoted."""
        cells = self.cells(render(self.hostile(), fmt="csv-fields"))
        assert [c for c in cells if is_risky(c)] == []
        assert any(c.startswith("'-") for c in cells)  # a negative ratio, quoted
        assert "-10.1" in cells  # a negative number, not
        tables = self.cells(render(self.hostile(), fmt="csv"))
        assert [c for c in tables if is_risky(c)] == []
        assert "-10.1" in tables

    def test_ratios_are_not_dates(self) -> None:
        """A ratio such as 5/6 is written 5÷6, exact, in the value fields only."""
        text = render(self.hostile(), fmt="csv-fields")
        rows = dict(csv.reader(io.StringIO(text, newline="")))
        assert "5÷6" == rows["summary.schedule.value"]
        assert ("5", "6") == (
            rows["summary.schedule.numerator"],
            rows["summary.schedule.denominator"],
        )
        assert not [v for v in rows.values() if re.fullmatch(r"-?\d+/\d+", v)]
        assert "'-56895550÷5616021" == rows["summary.gap.value"]
        # JSON is for programs, not spreadsheets: there the ratio stays 5/6.
        assert "5/6" in render(self.hostile(), fmt="json")

    def test_a_formula_text_is_kept_behind_its_quote(self) -> None:
        """The report's CSV writer quotes a formula text; after the quote it is as typed."""
        text = report_module._csv([("findings[0].detail", '=HYPERLINK("http://x")')])
        assert ["field", "value", "findings[0].detail", '\'=HYPERLINK("http://x")'] == self.cells(
            text
        )

    def test_tables_csv_is_quoted_too(self) -> None:
        """The one-map-five-tables CSV goes through the same quoting."""
        book = sample_portfolio()
        project = attrs.evolve(book.projects[0], name="@SUM(A1)")
        book = attrs.evolve(book, projects=(project, *book.projects[1:]))
        text = render_tables(book, SAMPLE_AS_OF, project=project.key, fmt="csv")
        cells = self.cells(text)
        assert "'@SUM(A1)" in cells
        assert [c for c in cells if is_risky(c)] == []
