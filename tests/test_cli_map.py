"""Tests of ``projpush demo --map`` (light-map pictures) and the command's progress lines."""

from __future__ import annotations

import io
import sys
from typing import TYPE_CHECKING

import pytest

from cli_run import run
from projpush.cli import _progress, main

if TYPE_CHECKING:
    from pathlib import Path

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class FakeTty(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


class TestDemoMap:
    """``projpush demo --map FILE`` writes the light map as PNG or SVG."""

    def test_png(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A .png name gives a PNG file, and the report still goes to stdout."""
        pytest.importorskip("matplotlib")
        target = tmp_path / "lights.png"
        status, out, err = run(capsys, "demo", "--map", str(target))
        from projpush import plot  # noqa: PLC0415

        # Without a Chinese font the picture is labelled in English, and the command says so.
        said = "" if plot._cjk_font() else "projpush: note: no Chinese font found"
        assert (0, said) == (status, err[: len(said)])
        assert "红灯项目" in out
        assert PNG_MAGIC == target.read_bytes()[: len(PNG_MAGIC)]

    def test_svg(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """A .svg name (any case) gives an SVG document."""
        pytest.importorskip("matplotlib")
        target = tmp_path / "lights.SVG"
        status, _, err = run(capsys, "demo", "--lang", "en", "--map", str(target))
        assert (0, "") == (status, err)
        text = target.read_text(encoding="utf-8")
        assert text.lstrip().startswith("<?xml")
        assert "<svg" in text
        assert text.rstrip().endswith("</svg>")

    def test_same_demo_same_svg(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """Two runs give byte-identical SVG files (no dates, fixed element ids)."""
        pytest.importorskip("matplotlib")
        first, second = tmp_path / "a.svg", tmp_path / "b.svg"
        assert 0 == run(capsys, "demo", "--map", str(first))[0]
        assert 0 == run(capsys, "demo", "--map", str(second))[0]
        assert first.read_bytes() == second.read_bytes()

    def test_with_output_file(self, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
        """--map and --output write both files and nothing to stdout."""
        pytest.importorskip("matplotlib")
        report, picture = tmp_path / "report.txt", tmp_path / "lights.png"
        status, out, _ = run(capsys, "demo", "-o", str(report), "--map", str(picture))
        assert (0, "") == (status, out)
        assert "红灯项目" in report.read_text(encoding="utf-8")
        assert PNG_MAGIC == picture.read_bytes()[: len(PNG_MAGIC)]

    def test_other_suffix_is_an_error(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """A name ending neither in .png nor .svg: status 2, one line naming --map, no report."""
        pytest.importorskip("matplotlib")
        target = tmp_path / "lights.pdf"
        status, out, err = run(capsys, "demo", "--map", str(target))
        assert (2, "") == (status, out)
        assert (
            f"projpush: error: --map: expected a file name ending in .png or .svg, "
            f"got {str(target)!r}\n" == err
        )
        assert not target.exists()

    def test_missing_matplotlib_is_one_line(
        self, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Without the plot extra, the command says how to install it, not a traceback."""
        monkeypatch.setitem(sys.modules, "matplotlib", None)
        status, out, err = run(capsys, "demo", "--map", str(tmp_path / "lights.png"))
        assert (2, "") == (status, out)  # said before the report, not after it
        assert (
            "projpush: error: projpush.plot needs matplotlib; "
            'install it with: pip install "projpush[plot]"\n' == err
        )


class TestProgress:
    """The progress bar is drawn on stderr, only on a terminal (tests/test_progress.py: the bar)."""

    def test_none_when_not_a_terminal(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Piped or redirected stderr gets no progress at all."""
        monkeypatch.setattr(sys, "stderr", io.StringIO())
        assert _progress("zh") is None

    def test_demo_reports_its_stages(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``projpush demo`` on a terminal names every stage, in its language, then clears."""
        pytest.importorskip("tqdm")
        tty = FakeTty()
        monkeypatch.setattr(sys, "stderr", tty)
        assert 0 == main(["demo"])
        assert "重大项目月度通报" in capsys.readouterr().out
        drawn = tty.getvalue()
        for stage in ("问题办理", "红黄绿灯", "通报指标"):
            assert f"\r{stage}: " in drawn
        assert drawn.endswith("\r")
        assert "" == drawn.rsplit("\r", 2)[-2].strip()  # the bar's line blanked at the end
