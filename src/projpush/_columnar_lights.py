"""The lights of :mod:`projpush.columnar`: the engine's verdicts as the object API's rows (private).

:func:`verdict_rows` gives the rows of :func:`projpush.frames.verdict_records`
of :func:`projpush.lights.judge_portfolio`, and :func:`light_map_rows` those
of :func:`projpush.frames.light_map_records` of
:func:`projpush.lights.light_map`, from :func:`projpush.engine.judge_tables`
and :func:`projpush.engine.light_map_table`, with no
:class:`~projpush.model.Project` built.

A verdict's reasons are written from the engine's structured reason rows
with the object rules' own templates (:class:`~projpush.lights.Reason`):
each template is rendered once, with markers where a row's figures go, and
the rows' figures are set into it column-wise. Amounts are written with the
exponent they were given (``"100.0"``), which the reader keeps beside the
tables, and sums with the exponent ``Decimal`` addition gives them. Gap
verdicts compute their shares (exact fractions) and sentences row by row.

The engine judges one policy at a time; a :class:`~projpush.lights.WorstOf`
of lag and gap policies is combined here, row by row, as
:meth:`~projpush.lights.WorstOf.judge` combines its members' verdicts.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, cast

import attrs

from projpush._extras import require
from projpush.engine import judge_tables, light_map_table
from projpush.engine.tables import LedgerTables
from projpush.errors import PolicyError, ValidationError
from projpush.lights import (
    _OPS,
    _RENDER,
    Cutoff,
    GapMeasure,
    GapPolicy,
    LagPolicy,
    Light,
    LightPolicy,
    Reason,
    Requirement,
    WorstOf,
    _not_judged,
    _points,
)
from projpush.model import Month, Stage
from projpush.schedule import last_complete_month, time_progress

if TYPE_CHECKING:
    from collections.abc import Sequence

    from projpush._columnar_read import Read

pl: Any = require("polars", extra="engine", user="projpush.columnar")
pa: Any = require("pyarrow", extra="engine", user="projpush.columnar")
pc: Any = require("pyarrow.compute", extra="engine", user="projpush.columnar")

__all__ = ["VERDICT_COLUMNS", "light_map_rows", "members", "verdict_rows"]

VERDICT_COLUMNS: Final = ("key", "as_of", "policy", "light", "severity", "reason_codes", "reasons")
_RANK: Final = {None: 0, Light.GREEN.value: 1, Light.YELLOW.value: 2, Light.RED.value: 3}
# Markers for a row's figures in a rendered template (private-use characters).
_MONTHS, _DONE, _PLAN, _REQUIRED, _ERROR = "\ue000", "\ue001", "\ue002", "\ue003", "\ue004"
_MARKERS: Final = re.compile("([\ue000-\ue0ff])")
# A reason's months as a marker: a template renders it where the month text goes.
_MARKED_MONTHS: Final = cast("tuple[Month, ...]", (_MONTHS,))
_SEP: Final = {"zh": "；", "en": "; "}
_MONTH_SEP: Final = {"zh": "、", "en": ", "}


def members(policy: LightPolicy | None) -> tuple[LagPolicy | GapPolicy, ...]:
    """The monthly-figure policies ``policy`` is made of (Ningbo's lag policy by default).

    Raises:
        PolicyError: a policy that needs node tasks or site observations,
            which the tables do not hold.
    """
    if policy is None:
        return (LagPolicy.ningbo(),)
    if isinstance(policy, LagPolicy | GapPolicy):
        return (policy,)
    if isinstance(policy, WorstOf):
        return tuple(m for p in policy.policies for m in _member(p))
    return _member(policy)


def _member(policy: LightPolicy) -> tuple[LagPolicy | GapPolicy, ...]:
    if isinstance(policy, LagPolicy | GapPolicy):
        return (policy,)
    name = getattr(policy, "name", policy)
    raise PolicyError.about(
        "policy",
        "a LagPolicy or GapPolicy, or WorstOf them: the tables hold monthly figures only",
        name,
    )


def _template(text: str, figures: dict[str, Any]) -> Any:
    """A rendered template as a polars string expression, each marker replaced by its column."""
    parts = [p for p in _MARKERS.split(text) if p]
    return pl.concat_str([figures[p] if p in figures else pl.lit(p) for p in parts])


def _amount_text(value: Any, exponent: Any, shift: int = 0) -> Any:
    """``value / 10^shift`` written as ``Decimal`` writes an amount of ``exponent`` (``{:f}``).

    ``value`` is a ``Decimal(38, 12)`` column; its digits past the exponent's
    places are zeros, so the text is cut, never rounded.
    """
    parts = value.cast(pl.String).str.split_exact(".", 1)
    whole, fraction = parts.struct.field("field_0"), parts.struct.field("field_1")
    if shift:
        scale = 12 + shift
        digits = pl.concat_str(whole, fraction).str.zfill(scale + 1)
        head = digits.str.head(digits.str.len_chars() - scale).str.strip_chars_start("0")
        whole = pl.when(head == "").then(pl.lit("0")).otherwise(head)
        fraction = digits.str.tail(scale)
    places = (-exponent).clip(lower_bound=0)
    return (
        pl.when(places == 0)
        .then(whole)
        .otherwise(pl.concat_str(whole, pl.lit("."), fraction.str.head(places)))
    )


@attrs.frozen
class _Verdicts:
    """One member policy's verdicts, one row per project in key order.

    ``frame`` has ``i`` (the row), ``key``, ``light`` (text, null when not
    judged), ``severity`` (text), ``codes``, ``texts`` (the reasons, joined)
    and ``raises`` (the object rule raises: no plan for the year);
    ``severities`` are the exact severities, for a worst-of; ``what`` names
    the plan a raising project lacks.
    """

    frame: Any
    severities: Sequence[int | Fraction]
    what: str


def _no_plan_messages(read: Read, year: int, what: str) -> Any:
    """The object rule's error for a project without a plan, per key.

    ``project K: no <what> for <year> (it has plans for 2019, 2021)``.
    """
    monthly = pl.from_arrow(read.tables.monthly)
    annual = pl.from_arrow(read.tables.annual_plans)
    years = (
        pl.concat(
            [
                monthly.filter(pl.col("plan").is_not_null()).select(
                    "key", pl.col("month").dt.year().cast(pl.Int32).alias("year")
                ),
                annual.select("key", pl.col("year").cast(pl.Int32)),
            ]
        )
        .unique()
        .sort("key", "year")
        .group_by("key", maintain_order=True)
        .agg(pl.col("year").cast(pl.String).str.join(", ").alias("has"))
    )
    keys = pl.from_arrow(read.tables.projects).select("key")
    has = pl.col("has").fill_null("no year")
    return keys.join(years, on="key", how="left").select(
        "key",
        pl.concat_str(
            pl.lit("project "),
            "key",
            pl.lit(f": no {what} for {year} (it has plans for "),
            has,
            pl.lit(")"),
        ).alias("message"),
        has.alias("has"),
    )


def _no_plan_error(message: str, has: str, year: int, what: str) -> ValidationError:
    return ValidationError(
        message, field=what.replace(" ", "_"), expected=f"a plan for {year}", got=has
    )


def _scope(frame: Any, as_of: dt.date, stages: frozenset[Stage], lang: str) -> Any:
    """The scope reasons (not judged, no month yet) of the verdicts without a light."""
    stage_text = {s.value: _not_judged(s, stages).text(lang) for s in Stage}
    no_month = Reason("scope", "no_month_yet", figures={"year": as_of.year, "as_of": as_of})
    reason = pl.col("reason")
    return frame.filter(pl.col("light").is_null() & (reason != "no_plan")).select(
        "i",
        pl.lit(0).alias("order"),
        pl.concat_str(pl.lit("scope/"), reason).alias("code"),
        pl.when(reason == "not_judged")
        .then(pl.col("stage").replace_strict(stage_text, return_dtype=pl.String))
        .otherwise(pl.lit(no_month.text(lang)))
        .alias("text"),
    )


def _joined(reasons: list[Any], lang: str) -> Any:
    """Each row's reason codes and texts, joined in their order."""
    schema = {"i": pl.UInt32, "order": pl.Int32, "code": pl.String, "text": pl.String}
    rows = pl.concat([pl.DataFrame(schema=schema), *(r.cast(schema) for r in reasons)])
    return (
        rows.sort("i", "order")
        .group_by("i", maintain_order=True)
        .agg(
            pl.col("code").str.join(",").alias("codes"),
            pl.col("text").str.join(_SEP[lang]).alias("texts"),
        )
    )


def _places_to_date(read: Read, year: int, rows: Any) -> Any:
    """``rows`` (``key``, ``month``) with the places of the year's running totals to that month.

    A sum from ``Decimal(0)`` has the smallest exponent of its terms (and at
    most 0), so the running total of month ``k`` has ``P`` places, the most
    places of a term up to ``k``. With ``F_p`` the first month with a term of
    ``p`` places or more, ``P`` is the number of ``p`` with ``F_p <= k``: one
    group-by of the year's amounts with decimals, no sort.
    """
    places = read.monthly_exponents(year).select(
        "key",
        pl.col("month").dt.month().alias("k"),
        (-pl.col("e_done")).clip(lower_bound=0).alias("done"),
        (-pl.col("e_plan")).clip(lower_bound=0).alias("plan"),
    )
    month = pl.col("month").dt.month()
    out = rows
    for figure in ("done", "plan"):
        name = f"p_{figure}_to_date"
        with_places = places.filter(pl.col(figure) > 0)
        if not with_places.height:
            out = out.with_columns(pl.lit(0, pl.Int16).alias(name))
            continue
        first = with_places.group_by("key").agg(
            pl.col("k").filter(pl.col(figure) >= p).min().alias(f"f{p}") for p in range(1, 13)
        )
        out = (
            out.join(first, on="key", how="left", maintain_order="left")
            .with_columns(
                pl.sum_horizontal(
                    (pl.col(f"f{p}") <= month).fill_null(value=False) for p in range(1, 13)
                )
                .cast(pl.Int16)
                .alias(name)
            )
            .drop([f"f{p}" for p in range(1, 13)])
        )
    return out


def _tolerance(tolerance: Decimal) -> tuple[int, int, int]:
    """The tolerance as integer digits, the places they are shifted by, and its exponent."""
    _, digits, exponent = tolerance.as_tuple()
    number = int("".join(map(str, digits)) or "0")
    exponent = int(exponent)
    if exponent >= 0:
        return number * 10**exponent, 0, exponent
    return number, -exponent, exponent


def _lag(read: Read, as_of: dt.date, policy: LagPolicy, lang: str) -> _Verdicts:
    """A lag policy's verdicts, from :func:`projpush.engine.judge_tables`."""
    frames = judge_tables(read.tables, as_of, policy, lenient=True)
    frame = frames.verdicts.with_row_index("i").with_columns(pl.col("light").cast(pl.String))
    last = last_complete_month(as_of)
    parts = [_scope(frame, as_of, policy.stages, lang)]
    if last.year == as_of.year:
        run = {
            n: policy._streak_verdict("", as_of, last, [Decimal(0)] * 12, [None] * 12, n)  # noqa: SLF001 (the rule's own sentence)
            .reasons[0]
            .text(lang)
            for n in range(1, last.month + 1)
        }
        parts.append(
            frame.filter(pl.col("light").is_not_null() & (pl.col("severity") > 0)).select(
                "i",
                pl.lit(0).alias("order"),
                pl.lit("lag/streak").alias("code"),
                pl.col("severity").replace_strict(run, return_dtype=pl.String).alias("text"),
            )
        )
        parts.append(_month_reasons(read, frames.reasons, frame, policy, as_of.year, lang))
    joined = _joined(parts, lang)
    out = frame.join(joined, on="i", how="left").select(
        "i",
        "key",
        "light",
        pl.col("severity").cast(pl.String),
        pl.col("codes").fill_null(""),
        pl.col("texts").fill_null(""),
        (pl.col("reason") == "no_plan").alias("raises"),
    )
    return _Verdicts(out, frame["severity"].to_list(), "monthly plan")


def _month_reasons(  # noqa: PLR0917 (the engine's frames and the call's facts)
    read: Read, reasons: Any, frame: Any, policy: LagPolicy, year: int, lang: str
) -> Any:
    """The month reasons (below, met, unreported) with the figures compared, as text."""
    monthly = policy.requirement is Requirement.MONTHLY
    basis = ("the month's", "当月") if monthly else ("cumulative", "累计")
    number, shift, tolerance_exponent = _tolerance(policy.tolerance)
    texts = {}
    for code in ("below", "met", "unreported"):
        reason = Reason(
            "lag",
            code,
            _MARKED_MONTHS,
            figures={
                "done": _DONE,
                "plan": _PLAN,
                "required": _REQUIRED,
                "basis": basis[0],
                "basis_zh": basis[1],
            },
            thresholds={"tolerance": policy.tolerance},
        )
        texts[code] = reason.text(lang)
    rows = reasons.with_row_index("order").join(frame.select("i", "key"), on="key")
    if monthly:
        own = read.monthly_exponents(year).select("key", "month", "e_plan", "e_done")
        rows = rows.join(own, on=["key", "month"], how="left").with_columns(
            pl.col("e_plan").fill_null(0)
        )
    else:
        rows = _places_to_date(read, year, rows).with_columns(
            (-pl.col("p_done_to_date")).alias("e_done"), (-pl.col("p_plan_to_date")).alias("e_plan")
        )
    figures = {
        _MONTHS: pl.col("month").dt.strftime("%Y-%m"),
        _DONE: _amount_text(pl.col("done"), pl.col("e_done")),
        _PLAN: _amount_text(pl.col("plan"), pl.col("e_plan")),
        _REQUIRED: _amount_text(
            pl.col("plan") * number, pl.col("e_plan") + tolerance_exponent, shift
        ),
    }
    code = pl.col("code")
    return rows.select(
        "i",
        (pl.col("order") + 1).cast(pl.Int32).alias("order"),
        pl.concat_str(pl.lit("lag/"), code).alias("code"),
        pl.when(code == "unreported")
        .then(_template(texts["unreported"], figures))
        .when(code == "below")
        .then(_template(texts["below"], figures))
        .otherwise(_template(texts["met"], figures))
        .alias("text"),
    )


def _gap(read: Read, as_of: dt.date, policy: GapPolicy, lang: str) -> _Verdicts:
    """A gap policy's verdicts, from :func:`projpush.engine.judge_tables`; shares row by row."""
    frames = judge_tables(read.tables, as_of, policy, lenient=True)
    frame = frames.verdicts.with_row_index("i").with_columns(pl.col("light").cast(pl.String))
    year = as_of.year
    last = (
        Month.of(as_of) - 1
        if policy.cutoff is Cutoff.PREVIOUS_MONTH
        else last_complete_month(as_of)
    )
    parts = [_scope(frame, as_of, policy.stages, lang)]
    severities: list[int | Fraction] = [0] * frame.height
    severity_text = ["0"] * frame.height
    judged = frame.filter(pl.col("light").is_not_null())
    if judged.height:
        at_last = judged.select("key", pl.lit(last.first_day).alias("month"))
        done_places = _places_to_date(read, year, at_last).select("key", "p_done_to_date")
        annual_exponent = read.annual_exponents_of(year)
        judged = (
            judged.join(done_places, on="key", how="left")
            .join(annual_exponent, on="key", how="left")
            .with_columns(
                _amount_text(pl.col("done"), -pl.col("p_done_to_date")).alias("done_t"),
                _amount_text(pl.col("annual"), pl.col("e").fill_null(0)).alias("annual_t"),
            )
        )
        template = _RENDER["gap", policy.measure.value][lang == "en"]
        progress = time_progress(last.last_day, policy.basis)
        fixed = {
            "last": str(last),
            "progress": _points(progress * 100),
            "yellow_at": _points(policy.yellow_at),
            "red_at": _points(policy.red_at),
            "yellow_op": _OPS[policy.yellow_inclusive],
            "red_op": _OPS[policy.red_inclusive],
            "months": str(last),
            "milestones": "",
        }
        behind = ("落后", "behind")[lang == "en"]
        ahead = ("超前", "ahead")[lang == "en"]
        relative = policy.measure is GapMeasure.RELATIVE
        texts = []
        for i, done, annual, done_t, annual_t in judged.select(
            "i", "done", "annual", "done_t", "annual_t"
        ).iter_rows():
            completion = Fraction(done) / Fraction(annual)
            gap = (progress - completion) * 100
            if relative:
                gap /= progress
            severity = max(gap, Fraction(0))
            severities[i], severity_text[i] = severity, str(severity)
            values = {
                **fixed,
                "done": done_t,
                "annual": annual_t,
                "completion": _points(completion * 100),
                "gap": _points(gap),
                "gap_abs": _points(abs(gap)),
                "direction": behind if gap > 0 else ahead,
            }
            texts.append(template.format_map(values))
        parts.append(
            judged.select(
                "i",
                pl.lit(0).alias("order"),
                pl.lit(f"gap/{policy.measure.value}").alias("code"),
                pl.Series("text", texts, dtype=pl.String),
            )
        )
        unreported = Reason("gap", "unreported", _MARKED_MONTHS).text(lang)
        months = (
            frames.reasons.join(frame.select("i", "key"), on="key")
            .group_by("i", maintain_order=True)
            .agg(pl.col("month").dt.strftime("%Y-%m").str.join(_MONTH_SEP[lang]).alias("months"))
        )
        parts.append(
            months.select(
                "i",
                pl.lit(1).alias("order"),
                pl.lit("gap/unreported").alias("code"),
                _template(unreported, {_MONTHS: pl.col("months")}).alias("text"),
            )
        )
    joined = _joined(parts, lang)
    out = (
        frame.join(joined, on="i", how="left")
        .with_columns(pl.Series("severity", severity_text, dtype=pl.String))
        .select(
            "i",
            "key",
            "light",
            "severity",
            pl.col("codes").fill_null(""),
            pl.col("texts").fill_null(""),
            (pl.col("reason") == "no_plan").alias("raises"),
        )
    )
    return _Verdicts(out, severities, "annual plan")


def _judged(read: Read, as_of: dt.date, policy: LagPolicy | GapPolicy, lang: str) -> _Verdicts:
    if isinstance(policy, LagPolicy):
        return _lag(read, as_of, policy, lang)
    return _gap(read, as_of, policy, lang)


def verdict_rows(
    read: Read, as_of: dt.date, policy: LightPolicy | None, *, lenient: bool, lang: str
) -> Any:
    """The verdict rows of every project on ``as_of``, by key (see the module's notes).

    Raises:
        ValidationError: ``lang`` is neither ``"zh"`` nor ``"en"``; unless
            ``lenient``, a project has no plan for the year (the object rule's
            error, for the first such project by key).
        PolicyError: as :func:`members`.
    """
    if lang not in ("zh", "en"):
        raise ValidationError.about("lang", "'zh' or 'en'", lang)
    chosen = members(policy)
    name = LagPolicy.ningbo().name if policy is None else policy.name
    verdicts = [_judged(read, as_of, m, lang) for m in chosen]
    frame = _combined(verdicts, lang) if len(verdicts) > 1 else verdicts[0].frame
    errors = _raised(
        read,
        as_of.year,
        [v.frame["raises"] for v in verdicts],
        [v.what for v in verdicts],
        lenient=lenient,
    )
    if errors is not None:
        template = Reason("scope", "no_plan", figures={"error": _ERROR}).text(lang)
        no_plan = errors.is_not_null()
        frame = frame.with_columns(
            pl.when(no_plan).then(None).otherwise(pl.col("light")).alias("light"),
            pl.when(no_plan).then(pl.lit("0")).otherwise(pl.col("severity")).alias("severity"),
            pl.when(no_plan)
            .then(pl.lit("scope/no_plan"))
            .otherwise(pl.col("codes"))
            .alias("codes"),
            pl.when(no_plan)
            .then(_template(template, {_ERROR: errors}))
            .otherwise(pl.col("texts"))
            .alias("texts"),
        )
    return frame.select(
        "key",
        pl.lit(as_of.isoformat()).alias("as_of"),
        pl.lit(name).alias("policy"),
        "light",
        "severity",
        pl.col("codes").alias("reason_codes"),
        pl.col("texts").alias("reasons"),
    )


def _raised(
    read: Read, year: int, raises: list[Any], whats: list[str], *, lenient: bool
) -> Any | None:
    """Each project's no-plan error where a member raises (None if none does), or raise the first.

    ``raises[m]`` says where member ``m`` raises, in key order; the first
    member that raises for a project gives its error, as
    :meth:`~projpush.lights.WorstOf.judge` meets it.
    """
    if not raises or not any(bool(r.any()) for r in raises):
        return None
    flags = [r.to_list() for r in raises]
    first = [
        next((w for w, hit in zip(whats, row, strict=True) if hit), None)
        for row in zip(*flags, strict=True)
    ]
    messages = {w: _no_plan_messages(read, year, w) for w in dict.fromkeys(whats)}
    if not lenient:
        row = next(i for i, w in enumerate(first) if w is not None)
        what = first[row]
        assert what is not None  # noqa: S101 (found just above; for mypy)
        found = messages[what].row(row, named=True)
        raise _no_plan_error(found["message"], found["has"], year, what)
    texts = {w: m["message"].to_list() for w, m in messages.items()}
    return pl.Series(
        "error", [None if w is None else texts[w][i] for i, w in enumerate(first)], dtype=pl.String
    )


def _combined(verdicts: list[_Verdicts], lang: str) -> Any:
    """The worst-of verdicts: the worst light, its largest severity, every member's reasons."""
    frames = [v.frame for v in verdicts]
    lights = [f["light"].to_list() for f in frames]
    codes = [f["codes"].to_list() for f in frames]
    texts = [f["texts"].to_list() for f in frames]
    sep = _SEP[lang]
    out_light, out_severity, out_codes, out_texts = [], [], [], []
    for i in range(frames[0].height):
        row_lights = [light[i] for light in lights]
        worst = max(row_lights, key=_RANK.__getitem__)
        severity = max(
            (
                v.severities[i]
                for v, light in zip(verdicts, row_lights, strict=True)
                if light == worst
            ),
            default=0,
        )
        out_light.append(worst)
        out_severity.append(str(Fraction(severity)))
        out_codes.append(",".join(c[i] for c in codes if c[i]))
        out_texts.append(sep.join(t[i] for t in texts if t[i]))
    return (
        frames[0]
        .select("i", "key")
        .with_columns(
            pl.Series("light", out_light, dtype=pl.String),
            pl.Series("severity", out_severity, dtype=pl.String),
            pl.Series("codes", out_codes, dtype=pl.String),
            pl.Series("texts", out_texts, dtype=pl.String),
        )
    )


# --------------------------------------------------------------------------- light map


def _subset(tables: LedgerTables, keys: list[str]) -> LedgerTables:
    """The tables of the projects ``keys`` only (projects, plans, figures, stage events)."""
    wanted = pa.array(keys, pa.string())
    kept = {
        name: getattr(tables, name).filter(pc.is_in(getattr(tables, name)["key"], wanted))
        for name in ("projects", "annual_plans", "monthly", "stage_events")
    }
    return LedgerTables.of(**kept)


def _ranked(lights: Any) -> Any:
    """Lights as ranks: 0 not judged, 1 green, 2 yellow, 3 red."""
    ranks = {k: v for k, v in _RANK.items() if k is not None}
    return lights.replace_strict(ranks, default=0, return_dtype=pl.Int8).fill_null(0)


def _month_lights(
    read: Read, year: int, policy: LagPolicy | GapPolicy, *, raises: bool
) -> tuple[Any, Any]:
    """A member's light ranks at the twelve month ends, and where its object rule raises.

    Both frames have a row per project in key order and a column per month
    (``"2020-01"`` ...); the object rule raises where the project, in a
    judged stage, has no plan for the year.
    """
    months = [str(m) for m in Month.year_months(year)]
    ends = [m.last_day for m in Month.year_months(year)]
    tables = read.tables
    if isinstance(policy, GapPolicy):
        judged = [judge_tables(tables, day, policy, lenient=True).verdicts for day in ends]
        lights = pl.DataFrame(
            {m: _ranked(v["light"].cast(pl.String)) for m, v in zip(months, judged, strict=True)}
        )
        raises = pl.DataFrame(
            {m: v["reason"] == "no_plan" for m, v in zip(months, judged, strict=True)}
        )
        return lights, raises
    mapped = light_map_table(tables, dt.date(year, 12, 31), policy)
    lights = pl.DataFrame({m: _ranked(mapped[m].cast(pl.String)) for m in months})
    flags = {m: [False] * mapped.height for m in months}
    if not raises:  # a lag light is null where the rule would raise: nothing to find
        return lights, pl.DataFrame(flags, schema=dict.fromkeys(months, pl.Boolean))
    planned = (
        pl.from_arrow(tables.monthly)
        .filter(pl.col("plan").is_not_null() & (pl.col("month").dt.year() == year))
        .select("key")
        .unique()
    )
    keys = pl.from_arrow(tables.projects).select("key").with_row_index("i")
    unplanned = keys.join(planned, on="key", how="anti").sort("i")
    if unplanned.height:
        # Only these can raise: where, the stage at each month end says.
        sub = _subset(tables, unplanned["key"].to_list())
        at = unplanned["i"].to_list()
        for m, day in zip(months, ends, strict=True):
            reasons = judge_tables(sub, day, policy, lenient=True).verdicts["reason"].to_list()
            for i, reason in zip(at, reasons, strict=True):
                flags[m][i] = reason == "no_plan"
    return lights, pl.DataFrame(flags, schema=dict.fromkeys(months, pl.Boolean))


def light_map_rows(read: Read, year: int, policy: LightPolicy | None, *, lenient: bool) -> Any:
    """The light map, a row per project by key: ``key``, ``name``, then a column per month.

    The month columns (``"2020-01"`` ...) hold light ranks: 0 not judged,
    1 green, 2 yellow, 3 red.

    Raises:
        ValidationError: unless ``lenient``, a project has no plan for ``year``
            where a member policy judges it (the object rule's error).
        PolicyError: as :func:`members`.
    """
    chosen = members(policy)
    whats = ["monthly plan" if isinstance(p, LagPolicy) else "annual plan" for p in chosen]
    months = [str(m) for m in Month.year_months(year)]
    raises = not lenient or len(chosen) > 1
    judged = [_month_lights(read, year, m, raises=raises) for m in chosen]
    schema = dict.fromkeys(months, pl.Int8)
    worst = pl.DataFrame(
        {m: pl.select(pl.max_horizontal([j[0][m] for j in judged])).to_series() for m in months},
        schema=schema,
    )
    raised = pl.DataFrame(
        {m: pl.select(pl.any_horizontal([j[1][m] for j in judged])).to_series() for m in months},
        schema=dict.fromkeys(months, pl.Boolean),
    )
    if worst.height and raised.select(pl.any_horizontal(months).any()).item():
        if not lenient:
            # The object rule meets the first project by key, its months in order, and
            # in each month the members in order.
            row = int(raised.select(pl.any_horizontal(months).arg_true().first()).item())
            month = next(m for m in months if raised[m][row])
            what = next(w for w, j in zip(whats, judged, strict=True) if j[1][month][row])
            found = _no_plan_messages(read, year, what).row(row, named=True)
            raise _no_plan_error(found["message"], found["has"], year, what)
        worst = worst.with_columns(
            pl.when(raised[m]).then(pl.lit(0, pl.Int8)).otherwise(pl.col(m)).alias(m)
            for m in months
        )
    projects = pl.from_arrow(read.tables.projects).select("key", "name")
    return pl.concat([projects, worst], how="horizontal")
