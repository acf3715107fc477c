"""End-to-end tests of ``projpush lint`` and ``projpush sensitivity``."""

from __future__ import annotations

import csv
import io as stdio
import json
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING

import pytest

from cli_run import run
from projpush import _whatif_text, cli
from projpush.cli import main
from projpush.escalation import EscalationPolicy
from projpush.foresight import (
    PublishedRule,
    issue_sensitivity,
    lint,
    sensitivity,
)
from projpush.lights import GapPolicy, LagPolicy
from projpush.report import POLICY_SETS
from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF, sample_portfolio

if TYPE_CHECKING:
    from pathlib import Path


AS_OF = SAMPLE_AS_OF.isoformat()


class TestLint:
    """``projpush lint``: the policy lint from the command line, status 1 on a finding."""

    def test_every_ready_made_set_passes(self, capsys: pytest.CaptureFixture[str]) -> None:
        """No target: every policy set's lights and escalation, each clean, status 0."""
        status, out, err = run(capsys, "lint", "--lang", "en")
        assert (0, "") == (status, err)
        lines = out.splitlines()
        assert [
            f"{n}.{part}: no findings"
            for n in sorted(POLICY_SETS)
            for part in (
                "lights",
                "escalation",
            )
        ] == lines[:-1]
        assert f"policies checked: {2 * len(POLICY_SETS)}, findings: 0" == lines[-1]

    def test_published_texts(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Yinchuan's literal text has a gap and Wuhan's an unstated measure: status 1."""
        argv = ("lint", "--published", "yinchuan_literal", "--published", "wuhan")
        status, out, _ = run(capsys, *argv)
        expected = [
            *(f.text("zh") for f in lint(PublishedRule.yinchuan_literal())),
            *(f.text("zh") for f in lint(PublishedRule.wuhan())),
            "检查规则2项，发现问题2个",
        ]
        assert (1, expected) == (status, out.splitlines())

    def test_the_published_names_are_the_rules(self) -> None:
        """The parser's list of texts is the module's (kept apart so --help stays fast)."""
        assert sorted(_whatif_text.PUBLISHED) == list(cli.PUBLISHED_RULES)

    def test_a_spec_file(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A JSON file of specs: each linted as data, before it is built."""
        spec = tmp_path / "rules.json"
        specs = [
            {"kind": "lag", "name": "ours", "tolerance": "1.1"},
            {"kind": "ladder", "tiers": [{"name": "unit", "limit": 0}]},
            {"kind": "gap", "name": "fine", "yellow_at": "10", "red_at": "30"},
        ]
        spec.write_text(json.dumps(specs), encoding="utf-8")
        status, out, _ = run(capsys, "lint", "--spec", str(spec), "--format", "json")
        data = json.loads(out)
        assert 1 == status
        assert [f"{spec}[{i}]" for i in range(3)] == [d["target"] for d in data]
        assert [["tolerance"], ["limit"], []] == [[f["code"] for f in d["findings"]] for d in data]
        assert [f.text("en") for f in lint(specs[0])] == [f["en"] for f in data[0]["findings"]]

    def test_sets_named_and_csv(self, capsys: pytest.CaptureFixture[str]) -> None:
        """Named sets only; the CSV holds a row a finding (here none: the header alone)."""
        status, out, _ = run(capsys, "lint", "yinchuan", "--format", "csv")
        assert (0, ["target,code,subject,text"]) == (status, out.splitlines())

    def test_output_file(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        target = tmp_path / "lint.txt"
        status, out, _ = run(capsys, "lint", "wuhan", "-o", str(target))
        assert (0, "") == (status, out)
        assert target.read_text(encoding="utf-8").startswith("wuhan.lights：未发现问题\n")

    @pytest.mark.parametrize(
        ("content", "expected"),
        [
            ("{not json", "projpush: error: --spec: expected a JSON object with a kind"),
            ("[1]", "projpush: error: --spec: expected a JSON object with a kind"),
            ('{"kind": "atlantis"}', "projpush: error: kind: expected one of"),
        ],
    )
    def test_bad_spec_is_one_line(
        self, capsys: pytest.CaptureFixture[str], tmp_path: Path, content: str, expected: str
    ) -> None:
        spec = tmp_path / "bad.json"
        spec.write_text(content, encoding="utf-8")
        status, out, err = run(capsys, "lint", "--spec", str(spec))
        assert (2, "") == (status, out)
        assert err.startswith(expected)
        assert 1 == len(err.splitlines())

    def test_missing_spec(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        status, _, err = run(capsys, "lint", "--spec", str(tmp_path / "none.json"))
        assert 2 == status
        assert err.startswith("projpush: error: --spec: expected an existing JSON file")

    def test_spec_is_a_folder(self, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
        """A folder where the spec file belongs is one line naming --spec."""
        status, _, err = run(capsys, "lint", "--spec", str(tmp_path))
        assert 2 == status
        assert err.startswith("projpush: error: --spec: expected a readable UTF-8 JSON file")
        assert 1 == len(err.splitlines())

    def test_unknown_set(self, capsys: pytest.CaptureFixture[str]) -> None:
        with pytest.raises(SystemExit) as stop:
            main(["lint", "atlantis"])
        assert 2 == stop.value.code
        assert "POLICY_SET: expected 'binzhou'" in capsys.readouterr().err


class TestSensitivity:
    """``projpush sensitivity``: a threshold or a day limit moved, as a table and a plot."""

    def test_light_threshold_text(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path
    ) -> None:
        """The table is the rule's own, row for row; the changes listed are its changes."""
        argv = ("sensitivity", str(ledger_file), "--as-of", AS_OF, "--policy", "yinchuan")
        status, out, _ = run(capsys, *argv, "--parameter", "yellow_at", "--lang", "en")
        s = sensitivity(sample_portfolio(), SAMPLE_AS_OF, GapPolicy.yinchuan(), "yellow_at")
        lines = out.splitlines()
        assert 0 == status
        assert lines[0].startswith("Sensitivity (as of 2020-10-31, policy ")
        assert lines[0].endswith("yellow_at now 10, step 5)")
        body = [line.split() for line in lines[2:6]]
        assert [(o, v, str(n), str(g), str(y), str(r)) for o, v, n, g, y, r in s.table()] == [
            tuple(cells[:6]) for cells in body
        ]
        changes = [line for line in lines if line.startswith("  2")]
        assert sum(len(r.changed) for r in s.rows) == len(changes)

    def test_csv_is_exact_and_refusals_apart(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path
    ) -> None:
        """--step in the parameter's own number; a refused value's error in its own column."""
        argv = ("sensitivity", str(ledger_file), "--as-of", AS_OF, "--parameter", "tolerance")
        status, out, _ = run(capsys, *argv, "--step", "0.1", "--format", "csv")
        rows = list(csv.DictReader(stdio.StringIO(out)))
        s = sensitivity(
            sample_portfolio(), SAMPLE_AS_OF, LagPolicy.ningbo(), "tolerance", step=Decimal("0.1")
        )
        assert 0 == status
        assert [str(r.value) for r in s.rows] == [row["value"] for row in rows]
        assert [r.error or "" for r in s.rows] == [row["error"] for row in rows]
        assert [str(len(r.changed)) for r in s.rows] == [row["changed"] for row in rows]
        assert rows[2]["error"].startswith("tolerance: expected a factor in (0, 1]")

    def test_a_fractional_step_of_points(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path
    ) -> None:
        """A gap policy's points move by an exact fraction: 2.5 points is 5/2."""
        argv = ("sensitivity", str(ledger_file), "--as-of", AS_OF, "--policy", "yinchuan")
        status, out, _ = run(
            capsys,
            *argv,
            "--parameter",
            "red_at",
            "--step",
            "2.5",
            "--steps=-1,1",
            "--format",
            "json",
        )
        data = json.loads(out)
        s = sensitivity(
            sample_portfolio(),
            SAMPLE_AS_OF,
            GapPolicy.yinchuan(),
            "red_at",
            steps=(-1, 1),
            step=Fraction(5, 2),
        )
        assert (0, "5/2", ["55/2", "65/2"]) == (
            status,
            data["step"],
            [r["value"] for r in data["rows"]],
        )
        assert [[c[0] for c in r.changed] for r in s.rows] == [
            [c["project"] for c in r["changed"]] for r in data["rows"]
        ]

    def test_day_limit_replays_issues(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path
    ) -> None:
        """A day limit goes to issue_sensitivity: the issues whose sheet, rung or deadline moves."""
        argv = ("sensitivity", str(ledger_file), "--as-of", AS_OF)
        status, out, _ = run(
            capsys, *argv, "--parameter", "limit.city_office", "--steps=-5,5", "--format", "json"
        )
        s = issue_sensitivity(
            sample_portfolio(),
            SAMPLE_AS_OF,
            EscalationPolicy.ningbo(),
            "limit.city_office",
            steps=(-5, 5),
            calendar=CALENDAR_2020,
        )
        data = json.loads(out)
        assert 0 == status
        assert [list(r.changed) for r in s.rows] == [r["changed"] for r in data["rows"]]
        assert [5, 15] == [r["value"] for r in data["rows"]]

    def test_plot(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path, tmp_path: Path
    ) -> None:
        """--plot draws the table as well as printing it."""
        pytest.importorskip("matplotlib")
        picture = tmp_path / "s.svg"
        argv = ("sensitivity", str(ledger_file), "--as-of", AS_OF, "--parameter", "streak_for_red")
        status, out, _ = run(capsys, *argv, "--plot", str(picture))
        assert 0 == status
        assert out.startswith("阈值敏感性（截至2020-10-31")
        assert picture.read_text(encoding="utf-8").startswith("<?xml")

    @pytest.mark.parametrize(
        ("extra", "expected"),
        [
            (("--parameter", "nope"), "projpush: error: parameter: expected a threshold of"),
            (
                ("--parameter", "streak_for_red", "--step", "1.5"),
                "--step: expected a whole number for streak_for_red",
            ),
            (
                ("--parameter", "renewed_days", "--step", "2"),
                "--step: expected no --step for a day limit",
            ),
            (("--parameter", "limit.atlantis"), "parameter: expected a day limit of"),
            (("--parameter", "tolerance", "--plot", "s.pdf"), "--plot: expected a file name"),
        ],
    )
    def test_refused_in_one_line(
        self,
        capsys: pytest.CaptureFixture[str],
        ledger_file: Path,
        extra: tuple[str, ...],
        expected: str,
    ) -> None:
        status, out, err = run(capsys, "sensitivity", str(ledger_file), "--as-of", AS_OF, *extra)
        assert (2, "") == (status, out)
        assert expected in err
        assert 1 == len(err.splitlines())

    def test_plot_is_not_the_output(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path, tmp_path: Path
    ) -> None:
        """--plot and --output naming one file: refused before any work, nothing written."""
        pytest.importorskip("matplotlib")
        same = tmp_path / "s.svg"
        argv = ("sensitivity", str(ledger_file), "--as-of", AS_OF, "--parameter", "tolerance")
        status, out, err = run(capsys, *argv, "--plot", str(same), "-o", str(same))
        assert (2, "") == (status, out)
        assert err.startswith("projpush: error: --plot: ")
        assert "is also the --output file" in err
        assert not same.exists()

    @pytest.mark.parametrize("steps", ["--steps=1,x", "--steps=1,1", "--steps="])
    def test_bad_steps(
        self, capsys: pytest.CaptureFixture[str], ledger_file: Path, steps: str
    ) -> None:
        argv = ["sensitivity", str(ledger_file), "--as-of", AS_OF, "--parameter", "tolerance"]
        with pytest.raises(SystemExit) as stop:
            main([*argv, steps])
        assert 2 == stop.value.code
        assert "--steps" in capsys.readouterr().err
