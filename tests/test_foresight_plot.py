"""Tests for the sensitivity bar chart (projpush.plot, the plot extra)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from projpush.errors import ValidationError
from projpush.foresight import Sensitivity, sensitivity
from projpush.lights import LagPolicy
from projpush.synth import SAMPLE_AS_OF, sample_portfolio

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
