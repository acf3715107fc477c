"""Tests of projpush.plot: light-map pictures, PNG and SVG, with or without a CJK font."""

from __future__ import annotations

import subprocess
import sys

import pytest

from projpush import plot
from projpush.errors import ValidationError
from projpush.lights import light_map
from projpush.model import Project

matplotlib = pytest.importorskip("matplotlib")


def mk(key, name, done, stage="under_construction"):
    return Project(
        name=name,
        level="city",
        category="infrastructure",
        stage=stage,
        region="海曙区",
        unit="市交通局",
        local_id=key,
        monthly_plan={f"2020-{m:02d}": "100" for m in range(1, 13)},
        monthly_done={f"2020-{m:02d}": v for m, v in enumerate(done, 1) if v is not None},
    )


PROJECTS = (
    mk("NB-1", "机场快速路南延", ["100"] * 12),
    mk("NB-2", "港区扩建", ["90", "90", "90", "100", "100", "90", "90", "100"] + ["100"] * 4),
    mk("NB-3", "轨道交通5号线", ["100", "90", None, "100"] + [None] * 8),
    mk("NB-4", "体育中心", ["100"] * 12, stage="reserved"),
)
LIGHT_MAP = light_map(PROJECTS, 2020)


def cell_colours(fig):
    """The RGB of each cell of the drawn image, row by row."""
    image = fig.axes[0].images[0].get_array()
    return [[tuple(round(float(c), 3) for c in cell) for cell in row] for row in image]


def rgb(light):
    return tuple(round(c, 3) for c in matplotlib.colors.to_rgb(plot.COLOURS[light]))


class TestFigure:
    """light_map_figure draws projects × months in the light colours."""

    def test_cells_follow_the_map(self):
        """Every cell has the colour of its light; not judged is grey."""
        fig = plot.light_map_figure(LIGHT_MAP, lang="en")
        expected = [[rgb(light) for light in LIGHT_MAP.row(k)] for k in LIGHT_MAP.keys]
        assert expected == cell_colours(fig)
        assert rgb(None) == cell_colours(fig)[3][0]

    def test_english_labels_are_keys(self):
        """In English, rows are project keys and the legend is English."""
        fig = plot.light_map_figure(LIGHT_MAP, lang="en")
        ax = fig.axes[0]
        assert ["NB-1", "NB-2", "NB-3", "NB-4"] == [t.get_text() for t in ax.get_yticklabels()]
        assert ["green", "yellow", "red", "not judged"] == [
            t.get_text() for t in ax.get_legend().get_texts()
        ]
        assert "Project lights 2020 (Ningbo lagging months)" == ax.get_title()

    def test_chinese_without_font_falls_back_to_keys(self, monkeypatch):
        """With no CJK font, Chinese is asked for but keys and English are drawn."""
        monkeypatch.setattr(plot, "_cjk_font", lambda: None)
        ax = plot.light_map_figure(LIGHT_MAP).axes[0]
        assert "NB-1" == ax.get_yticklabels()[0].get_text()
        assert "01" == ax.get_xticklabels()[0].get_text()

    def test_fallback_is_said(self, monkeypatch, caplog):
        """Falling back to English labels is logged on the projpush logger, naming the fix."""
        monkeypatch.setattr(plot, "_cjk_font", lambda: None)
        with caplog.at_level("WARNING", logger="projpush"):
            plot.light_map_figure(LIGHT_MAP)
        assert "no Chinese font found" in caplog.text
        assert "use_cjk_font" in caplog.text
        caplog.clear()
        with caplog.at_level("WARNING", logger="projpush"):
            plot.light_map_figure(LIGHT_MAP, "en")  # English asks for no Chinese font
        assert "" == caplog.text

    def test_shows_itself_in_a_notebook(self):
        """The figure is its own PNG for Jupyter, without pyplot or %matplotlib inline."""
        png = plot.light_map_figure(LIGHT_MAP, "en")._repr_png_()
        assert png.startswith(b"\x89PNG")

    def test_use_cjk_font(self, monkeypatch):
        """A font file or an installed font's name is used first; a missing one is refused."""
        from matplotlib import font_manager  # noqa: PLC0415

        monkeypatch.setattr(plot, "_CHOSEN", [])
        path = font_manager.findfont("DejaVu Sans")
        assert "DejaVu Sans" == plot.use_cjk_font(path)
        assert "DejaVu Sans" == plot._cjk_font()
        assert "DejaVu Sans" == plot.use_cjk_font("DejaVu Sans")
        with pytest.raises(ValidationError) as info:
            plot.use_cjk_font("No Such Font")
        assert "font: expected the name of a font installed, got 'No Such Font'" == str(info.value)
        with pytest.raises(ValidationError) as info:
            plot.use_cjk_font("/nowhere/font.ttf")
        assert "expected a font file (.ttf, .otf, .ttc)" in str(info.value)

    def test_chinese_with_font_uses_names(self, monkeypatch):
        """With a CJK font, rows are project names and months read 1月…12月."""
        monkeypatch.setattr(plot, "_cjk_font", lambda: "DejaVu Sans")
        ax = plot.light_map_figure(LIGHT_MAP).axes[0]
        assert "机场快速路南延" == ax.get_yticklabels()[0].get_text()
        assert "12月" == ax.get_xticklabels()[11].get_text()
        assert "2020年重点项目红黄绿灯（宁波连续滞后月份）" == ax.get_title()
        assert "不亮灯/无数据" == ax.get_legend().get_texts()[3].get_text()

    def test_non_ascii_key_is_escaped(self):
        """A local id in Chinese is escaped rather than drawn as missing glyphs."""
        lm = light_map([mk("鄞-1", "项目", ["100"] * 12)], 2020)
        ax = plot.light_map_figure(lm, lang="en").axes[0]
        assert "\\u911e-1" == ax.get_yticklabels()[0].get_text()

    def test_empty_map(self):
        """A map with no projects still draws (an empty grid)."""
        fig = plot.light_map_figure(light_map([], 2020), lang="en")
        assert [] == list(fig.axes[0].images)

    def test_many_rows_hide_labels(self):
        """Beyond 80 projects the row labels are left out."""
        many = [mk(f"P-{i}", f"项目{i}", ["100"] * 12) for i in range(81)]
        ax = plot.light_map_figure(light_map(many, 2020), lang="en").axes[0]
        assert [] == list(ax.get_yticks())

    def test_bad_lang(self):
        """Only zh and en are drawn."""
        with pytest.raises(ValidationError, match=r"lang: expected 'zh' or 'en', got 'fr'"):
            plot.light_map_figure(LIGHT_MAP, lang="fr")


class TestSave:
    """save_light_map writes PNG or SVG by suffix."""

    def test_png(self, tmp_path):
        """A PNG file starts with the PNG signature."""
        out = plot.save_light_map(LIGHT_MAP, tmp_path / "lights.png")
        assert tmp_path / "lights.png" == out
        assert b"\x89PNG" == out.read_bytes()[:4]

    def test_svg(self, tmp_path):
        """An SVG file is XML with an svg element."""
        out = plot.save_light_map(LIGHT_MAP, str(tmp_path / "lights.SVG"), lang="en")
        assert "<svg" in out.read_text(encoding="utf-8")

    def test_same_map_same_file(self, tmp_path):
        """No timestamps: saving twice gives identical bytes."""
        a = plot.save_light_map(LIGHT_MAP, tmp_path / "a.svg").read_bytes()
        b = plot.save_light_map(LIGHT_MAP, tmp_path / "b.svg").read_bytes()
        assert a == b

    def test_missing_glyphs_do_not_warn(self, tmp_path, monkeypatch):
        """A font without Chinese glyphs draws boxes silently (warnings are errors here)."""
        monkeypatch.setattr(plot, "_cjk_font", lambda: "DejaVu Sans")
        out = plot.save_light_map(LIGHT_MAP, tmp_path / "zh.png")
        assert out.stat().st_size > 0

    def test_bad_suffix(self, tmp_path):
        """Only .png and .svg are written."""
        with pytest.raises(ValidationError, match=r"path: expected a file name ending in .png"):
            plot.save_light_map(LIGHT_MAP, tmp_path / "lights.pdf")
        assert [] == list(tmp_path.iterdir())


class TestImportError:
    """Without matplotlib the module imports, and drawing says which extra to install."""

    def test_message_names_the_extra(self):
        """A blocked matplotlib import gives a clear ImportError on use."""
        code = (
            "import sys; sys.modules['matplotlib'] = None\n"
            "from projpush import plot\n"
            "try:\n    plot.light_map_figure(None)\n"
            "except ImportError as e:\n    print(e)\n"
        )
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout
        assert 'pip install "projpush[plot]"' in out
