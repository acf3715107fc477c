"""The command's progress bar: on a terminal only, each stage named, cleared when done."""

from __future__ import annotations

import io
import re

import pytest

from projpush._progress import terminal_stages
from projpush.report import build_report
from projpush.synth import CALENDAR_2020, SAMPLE_AS_OF, sample_portfolio

pytest.importorskip("tqdm")


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def shown(text: str) -> list[str]:
    """What each redraw of the bar put on the line (tqdm redraws after a carriage return)."""
    return [part.strip() for part in re.split(r"[\r\n]", text) if part.strip()]


class TestStages:
    """One bar over the load and the report's stages."""

    def test_nothing_off_a_terminal(self) -> None:
        """A pipe, a file or a CI log is given no bar at all."""
        assert terminal_stages(io.StringIO(), "zh") is None

    def test_every_stage_in_the_report_language(self) -> None:
        """The load, then each of the report's stages, named in Chinese."""
        screen = Terminal()
        stages = terminal_stages(screen, "zh")
        assert stages is not None
        stages.loading()
        build_report(sample_portfolio(), SAMPLE_AS_OF, calendar=CALENDAR_2020, progress=stages)
        lines = shown(screen.getvalue())
        for name in ("读取台账", "问题办理", "红黄绿灯", "通报指标"):
            assert any(line.startswith(f"{name}:") for line in lines), name
        assert any(line.startswith("读取台账:") and "0/4" in line for line in lines)
        assert any(line.startswith("通报指标:") and "3/4" in line for line in lines)

    def test_english_names_and_cleared_at_the_end(self) -> None:
        """In English; once done the line is blanked, so no "done: 3/3" stays on screen."""
        screen = Terminal()
        stages = terminal_stages(screen, "en")
        assert stages is not None
        build_report(sample_portfolio(), SAMPLE_AS_OF, calendar=CALENDAR_2020, progress=stages)
        text = screen.getvalue()
        assert any(line.startswith("lights:") for line in shown(text))
        assert "" == text.rsplit("\r", 2)[-2].strip()  # the last redraw is blank
        assert not text.rstrip(" \r").endswith("3/3")

    def test_cli_writes_nothing_on_a_pipe(self, capsys: pytest.CaptureFixture[str]) -> None:
        """The command on a non-terminal stderr prints no bar."""
        from projpush.cli import main  # noqa: PLC0415

        assert 0 == main(["demo", "--format", "json"])
        assert "" == capsys.readouterr().err
