"""Pictures of a light map (红黄绿灯图): projects × months, coloured by light.

Needs the optional extra ``projpush[plot]`` (matplotlib), imported only when a
function here is called, so ``import projpush.plot`` always works. The data
comes from :func:`projpush.lights.light_map`; a sensitivity table's bar chart from
:func:`projpush.foresight.sensitivity`.

Chinese labels need a CJK font. The first font of :data:`CJK_FONTS` that
matplotlib can find is used; when none is installed, the picture falls back
to ASCII labels (project keys, ``2020-01`` months, English legend) rather
than draw empty boxes, and says so on the ``projpush`` logger (a warning).
:func:`use_cjk_font` names a font to use (one installed, or a font file), or
looks for one again past a stale font cache. matplotlib's missing-glyph
warnings are suppressed while saving.

The figures are made without pyplot, and show themselves in Jupyter (a PNG,
``_repr_png_``) without ``%matplotlib inline``.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import warnings
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from projpush._extras import require
from projpush.errors import ValidationError
from projpush.io import _atomic_write_bytes
from projpush.lights import Light
from projpush.messages import enum_name, light_policy_name, message

if TYPE_CHECKING:
    import os
    from collections.abc import Iterator

    from matplotlib.figure import Figure

    from projpush.foresight import IssueSensitivity, Sensitivity
    from projpush.lights import LightMap

__all__ = [
    "CJK_FONTS",
    "COLOURS",
    "light_map_figure",
    "save_light_map",
    "save_sensitivity",
    "sensitivity_figure",
    "use_cjk_font",
]

CJK_FONTS: Final = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "SimHei",
    "PingFang SC",
    "Heiti SC",
    "Arial Unicode MS",
)
"""Fonts tried, in order, for Chinese labels."""

COLOURS: Final[dict[Light | None, str]] = {
    Light.GREEN: "#2e7d32",
    Light.YELLOW: "#f9c623",
    Light.RED: "#c62828",
    None: "#bdbdbd",
}
"""Cell colours; ``None`` (grey) is a month not judged or with no data."""

_MAX_LABELLED_ROWS: Final = 80
_SUFFIXES: Final = (".png", ".svg")


def _matplotlib() -> Any:
    return require("matplotlib", extra="plot", user="projpush.plot")


_LOG: Final = logging.getLogger("projpush")
_CHOSEN: list[str] = []  # the font use_cjk_font named, tried before CJK_FONTS


def _cjk_font() -> str | None:
    """The font :func:`use_cjk_font` named, else the first of :data:`CJK_FONTS` known, or None."""
    from matplotlib import font_manager  # noqa: PLC0415

    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in (*_CHOSEN, *CJK_FONTS) if name in available), None)


def _chinese_font(lang: str) -> str | None:
    """The font for ``lang``'s labels: None for English, and for Chinese without a font (logged)."""
    if lang != "zh":
        return None
    font = _cjk_font()
    if font is None:
        msg = (
            "no Chinese font found (tried " + ", ".join((*_CHOSEN, *CJK_FONTS)) + "): the "
            "picture is labelled in English; install one (Debian: fonts-noto-cjk) or name "
            "one with projpush.plot.use_cjk_font(...)"
        )
        _LOG.warning(msg)
    return font


def use_cjk_font(font: str | os.PathLike[str] | None = None) -> str:
    """Use ``font`` for Chinese labels: a font installed, by name, or a font file, by path.

    Without ``font``, matplotlib's font list is built again from the fonts
    installed (a font installed after its cache was written is then found)
    and the first of :data:`CJK_FONTS` is used.

    Returns:
        The name of the font the pictures now use.

    Raises:
        ValidationError: no font of that name, no such font file, or (without
            ``font``) still no Chinese font installed.
        ImportError: matplotlib is not installed (``projpush[plot]``).
    """
    _matplotlib()
    from matplotlib import font_manager  # noqa: PLC0415

    if font is None:
        # matplotlib's own rebuild of its font list, past a cache older than the fonts
        rebuild = getattr(font_manager, "_load_fontmanager")  # noqa: B009 (private, untyped)
        font_manager.fontManager = rebuild(try_read_cache=False)
        found = _cjk_font()
        if found is None:
            raise ValidationError.about("font", f"one of {', '.join(CJK_FONTS)} installed", None)
        return found
    if isinstance(font, str) and not Path(font).suffix:
        if font not in {f.name for f in font_manager.fontManager.ttflist}:
            raise ValidationError.about("font", "the name of a font installed", font)
        name = font
    else:
        path = Path(font)
        if not path.is_file():
            raise ValidationError.about("font", "a font file (.ttf, .otf, .ttc)", str(font))
        font_manager.fontManager.addfont(str(path))
        name = font_manager.FontProperties(fname=str(path)).get_name()
    _CHOSEN[:] = [name]
    return name


@functools.cache
def _figure_class() -> type[Figure]:
    """Matplotlib's Figure that shows itself in Jupyter as a PNG, without pyplot's backend."""
    from matplotlib.figure import Figure as Base  # noqa: PLC0415

    class NotebookFigure(Base):
        """A Figure with ``_repr_png_``: Jupyter shows it without ``%matplotlib inline``."""

        def _repr_png_(self) -> bytes:
            picture = BytesIO()
            with _quiet_glyphs():
                self.savefig(picture, format="png", dpi=100)
            return picture.getvalue()

    return NotebookFigure


@contextlib.contextmanager
def _quiet_glyphs() -> Iterator[None]:
    """Silence matplotlib's "Glyph ... missing from font" warnings."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from")
        warnings.filterwarnings("ignore", message=r"Matplotlib currently does not support")
        yield


def _ascii(text: str) -> str:
    return text if text.isascii() else text.encode("ascii", "backslashreplace").decode()


def light_map_figure(light_map: LightMap, lang: str = "zh") -> Figure:
    """A figure of ``light_map``: one row per project, one column per month.

    Rows are labelled with project names in Chinese (``lang="zh"``, when a
    CJK font is available) or project keys otherwise; cells are green,
    yellow, red, or grey for a month not judged or without data.

    Raises:
        ValidationError: ``lang`` is neither ``"zh"`` nor ``"en"``.
        ImportError: matplotlib is not installed (``projpush[plot]``).
    """
    if lang not in ("zh", "en"):
        raise ValidationError.about("lang", "'zh' or 'en'", lang)
    _matplotlib()
    from matplotlib.colors import to_rgb  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    font = _chinese_font(lang)
    chinese = font is not None
    shown = "zh" if chinese else "en"  # without a Chinese font the labels are English
    text_kw: dict[str, Any] = {"fontfamily": [font, "DejaVu Sans"]} if chinese else {}

    rows = [[to_rgb(COLOURS[light]) for light in light_map.row(key)] for key in light_map.keys]
    n = len(rows)
    fig = _figure_class()(figsize=(8.0, min(2.0 + 0.28 * max(n, 1), 40.0)), layout="constrained")
    ax = fig.add_subplot()
    if n:
        ax.imshow(rows, aspect="auto", interpolation="nearest")
    ax.set_xticks(range(12))
    months = light_map.months
    ax.set_xticklabels(
        [message("page.month", shown, month=m.month) for m in months],
        **text_kw,
    )
    if n <= _MAX_LABELLED_ROWS:
        labels = [p.name if chinese else _ascii(p.key) for p in light_map.projects]
        ax.set_yticks(range(n))
        ax.set_yticklabels(labels, fontsize=8 if n > 30 else 10, **text_kw)
    else:
        ax.set_yticks([])
    ax.set_xticks([x - 0.5 for x in range(1, 12)], minor=True)
    ax.set_yticks([y - 0.5 for y in range(1, n)], minor=True)
    ax.grid(which="minor", color="white", linewidth=1)
    ax.tick_params(which="minor", length=0)
    for side in ("top", "right", "bottom", "left"):
        ax.spines[side].set_visible(False)
    ax.set_xlim(-0.5, 11.5)
    ax.set_ylim(max(n, 1) - 0.5, -0.5)
    words: dict[Light | None, str] = {light: enum_name(light, shown) for light in Light}
    words[None] = message("plot.not_judged", shown)
    policy = light_policy_name(light_map.policy.name, shown)
    policy = policy if chinese else _ascii(policy)
    title = message("plot.map_title", shown, year=light_map.year, policy=policy)
    ax.set_title(title, **text_kw)
    ax.legend(
        handles=[Patch(color=COLOURS[k], label=v) for k, v in words.items()],
        loc="upper center",
        bbox_to_anchor=(0.5, -0.08 if n <= _MAX_LABELLED_ROWS else -0.02),
        ncols=4,
        frameon=False,
        prop={"family": text_kw["fontfamily"]} if chinese else None,
    )
    return fig


def save_light_map(
    light_map: LightMap, path: str | os.PathLike[str], lang: str = "zh", *, dpi: int = 120
) -> Path:
    """Draw ``light_map`` and write it to ``path``, PNG or SVG by the file's suffix.

    The picture is drawn whole, then written atomically (see
    :func:`projpush.dump_portfolio`): a half-drawn map never replaces a good one.

    Returns:
        The path written.

    Raises:
        ValidationError: the suffix is neither ``.png`` nor ``.svg``, or ``lang`` is bad.
        ImportError: matplotlib is not installed (``projpush[plot]``).
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ValidationError.about("path", "a file name ending in .png or .svg", str(path))
    fig = light_map_figure(light_map, lang)
    picture = BytesIO()
    # A fixed salt makes SVG element ids, and so the file, the same on every run.
    with _quiet_glyphs(), _matplotlib().rc_context({"svg.hashsalt": "projpush"}):
        fig.savefig(picture, format=suffix[1:], dpi=dpi, metadata=_metadata(suffix))
    # Drawn whole first, then written as every projpush file is: atomically, keeping
    # an existing file's mode (a new one follows the umask), through a symlink.
    _atomic_write_bytes(target, picture.getvalue())
    return target


def _metadata(suffix: str) -> dict[str, Any]:
    # No creation date or software version: the same map gives the same file.
    if suffix == ".svg":
        return {"Date": None, "Creator": "projpush"}
    return {"Software": "projpush"}


def sensitivity_figure(sensitivity: Sensitivity | IssueSensitivity, lang: str = "zh") -> Figure:
    """A small bar chart of a sensitivity table: projects that change light, by value.

    One bar per moved value (labelled with it); a value the policy refuses
    gets no bar and its label says so. An
    :class:`~projpush.foresight.IssueSensitivity` (a day limit moved,
    :func:`~projpush.foresight.issue_sensitivity`) counts the issues whose
    sheet, rung or deadline changes, a step being one working day.

    Raises:
        ValidationError: ``lang`` is neither ``"zh"`` nor ``"en"``.
        ImportError: matplotlib is not installed (``projpush[plot]``).
    """
    if lang not in ("zh", "en"):
        raise ValidationError.about("lang", "'zh' or 'en'", lang)
    _matplotlib()

    font = _chinese_font(lang)
    chinese = font is not None
    text_kw: dict[str, Any] = {"fontfamily": [font, "DejaVu Sans"]} if chinese else {}
    rows: list[tuple[str, str]] = [(offset, value) for offset, value, *_ in sensitivity.table()]
    moved: list[tuple[str | None, int]] = [(r.error, len(r.changed)) for r in sensitivity.rows]
    labels = [
        f"{offset}\n{'×' if error else value}"
        for (offset, value), (error, _) in zip(rows, moved, strict=True)
    ]
    changed = [0 if error else n for error, n in moved]
    fig = _figure_class()(figsize=(max(3.0, 0.9 * len(rows) + 1.5), 3.0), layout="constrained")
    ax = fig.add_subplot()
    ax.bar(range(len(rows)), changed, color=COLOURS[Light.YELLOW])
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels(labels)
    parameter = _ascii(sensitivity.parameter)
    step = getattr(sensitivity, "step", None)  # None: a day limit, by working days
    shown = "zh" if chinese else "en"
    if step is None:
        xlabel = message("plot.by_working_days", shown, parameter=parameter)
        ylabel = message("sensitivity.head.issues", shown)
    else:
        xlabel = message("plot.by_step", shown, parameter=parameter, step=step)
        ylabel = message("sensitivity.head.changed", shown)
    ax.yaxis.set_major_locator(  # counts: whole ticks only
        require("matplotlib.ticker", extra="plot", user="projpush.plot").MaxNLocator(integer=True)
    )
    ax.set_xlabel(xlabel, **text_kw)
    ax.set_ylabel(ylabel, **text_kw)
    base = message("report.none", shown) if sensitivity.base is None else str(sensitivity.base)
    key = "plot.sensitivity_title" if step is not None else "plot.day_limit_title"
    title = message(key, shown, policy=_ascii(sensitivity.policy), base=base)
    ax.set_title(title, **text_kw)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def save_sensitivity(
    sensitivity: Sensitivity | IssueSensitivity,
    path: str | os.PathLike[str],
    lang: str = "zh",
    *,
    dpi: int = 120,
) -> Path:
    """Draw :func:`sensitivity_figure` and write it to ``path`` (PNG or SVG), atomically.

    Returns:
        The path written.

    Raises:
        ValidationError: the suffix is neither ``.png`` nor ``.svg``, or ``lang`` is bad.
        ImportError: matplotlib is not installed (``projpush[plot]``).
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in _SUFFIXES:
        raise ValidationError.about("path", "a file name ending in .png or .svg", str(path))
    fig = sensitivity_figure(sensitivity, lang)
    picture = BytesIO()
    with _quiet_glyphs(), _matplotlib().rc_context({"svg.hashsalt": "projpush"}):
        fig.savefig(picture, format=suffix[1:], dpi=dpi, metadata=_metadata(suffix))
    _atomic_write_bytes(target, picture.getvalue())
    return target
