"""Tests for the sensitivity bar chart (projpush.plot, the plot extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from projpush.errors import ValidationError
from projpush.escalation import EscalationPolicy
from projpush.foresight import Sensitivity, issue_sensitivity, sensitivity
from projpush.lights import LagPolicy
from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF, sample_portfolio

if TYPE_CHECKING:
    from pathlib import Path

pytest.importorskip("matplotlib")

from projpush import plot


@pytest.fixture(scope="module")
def table() -> Sensitivity:
    return sensitivity(sample_portfolio(), SAMPLE_AS_OF, LagPolicy.ningbo(), "streak_for_red")


class TestSaveSensitivity:
    """A small bar chart of projects changing light, by moved value."""

    @pytest.mark.parametrize("name", ["s.png", "s.svg"])
    def test_writes(self, tmp_path: Path, table: Sensitivity, name: str) -> None:
        """PNG and SVG are written whole."""
        target = plot.save_sensitivity(table, tmp_path / name, lang="en")
        assert target.stat().st_size > 0

    def test_same_file_twice(self, tmp_path: Path, table: Sensitivity) -> None:
        """The same table gives the same SVG."""
        a = plot.save_sensitivity(table, tmp_path / "a.svg")
        b = plot.save_sensitivity(table, tmp_path / "b.svg")
        assert a.read_bytes() == b.read_bytes()

    def test_suffix(self, tmp_path: Path, table: Sensitivity) -> None:
        """Only .png and .svg are drawn."""
        with pytest.raises(ValidationError, match=r"path: expected a file name ending in \.png"):
            plot.save_sensitivity(table, tmp_path / "s.pdf")

    def test_lang(self, table: Sensitivity) -> None:
        """A chart in another language is refused."""
        with pytest.raises(ValidationError, match="lang: expected 'zh' or 'en'"):
            plot.sensitivity_figure(table, "fr")


class TestBars:
    """The bars are the table's counts: projects changing light, or issues changing."""

    def test_light_bars(self) -> None:
        """A refused value gets no bar and a cross; the others their count of changes."""
        s = sensitivity(sample_portfolio(), SAMPLE_AS_OF, LagPolicy.ningbo(), "streak_for_red")
        ax = plot.sensitivity_figure(s, "en").axes[0]
        heights = [bar.get_height() for bar in ax.patches]
        assert [0 if r.error else len(r.changed) for r in s.rows] == heights
        assert [0, 0, 0, 5] == heights
        labels = [t.get_text() for t in ax.get_xticklabels()]
        assert ["-2\n×", "-1\n×", "+1\n4", "+2\n5"] == labels
        assert "projects changing light" == ax.get_ylabel()

    def test_issue_bars(self, tmp_path: Path) -> None:
        """A day limit's table draws the issues that change, by working days."""
        s = issue_sensitivity(
            sample_portfolio(),
            SAMPLE_AS_OF,
            EscalationPolicy.ningbo(),
            "limit.city_office",
            steps=(-5, 5),
            calendar=CALENDAR_2020,
        )
        ax = plot.sensitivity_figure(s, "en").axes[0]
        assert [len(r.changed) for r in s.rows] == [bar.get_height() for bar in ax.patches]
        assert ("issues changing", "limit.city_office (working days)") == (
            ax.get_ylabel(),
            ax.get_xlabel(),
        )
        assert all(tick == int(tick) for tick in ax.get_yticks())
        assert plot.save_sensitivity(s, tmp_path / "s.png").stat().st_size > 0
