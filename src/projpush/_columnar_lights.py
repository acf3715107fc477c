"""The lights of :mod:`projpush.columnar`: the engine's verdicts as the object API's rows (private).

:func:`verdict_rows` gives the rows of :func:`projpush.frames.verdict_records`
of :func:`projpush.lights.judge_portfolio`, and :func:`light_map_rows` those
of :func:`projpush.frames.light_map_records` of
:func:`projpush.lights.light_map`, from :func:`projpush.engine.judge_tables`
and :func:`projpush.engine.light_map_table`, with no
:class:`~projpush.model.Project` built (the engine builds one only to raise
the object rule's error; it is asked leniently, and the error is made here,
word for word).

A verdict's reasons are written from the engine's structured reason rows
with the object rules' own templates (:class:`~projpush.lights.Reason`):
each template is rendered once, with markers where a row's figures go, and
the rows' figures are set into it column-wise. Amounts are written with the
exponent they were given (``"100.0"``), which the reader keeps beside the
tables, and sums with the exponent ``Decimal`` addition gives them. Gap
verdicts compute their shares (exact fractions) and sentences row by row.

A :class:`~projpush.lights.WorstOf` of lag and gap policies is the
engine's too: its light and exact severity, and each policy's own frames,
whose reasons are written as that policy's rule writes them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any, Final, cast

import attrs

from projpush._extras import require
from projpush.engine import LightFrames, judge_tables, light_map_table
from projpush.engine.tables import LedgerTables
from projpush.errors import PolicyError, ProjpushError, ValidationError
from projpush.lights import (
    _OPS,
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
    _said,
)
from projpush.model import Month, Stage
from projpush.schedule import last_complete_month, time_progress

if TYPE_CHECKING:
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
    return _member(policy)


def _member(policy: LightPolicy) -> tuple[LagPolicy | GapPolicy, ...]:
    if isinstance(policy, LagPolicy | GapPolicy):
        return (policy,)
    if isinstance(policy, WorstOf):
        return tuple(m for p in policy.policies for m in _member(p))
    raise _refused(policy)


def _refused(policy: LightPolicy) -> ProjpushError:
    name = getattr(policy, "name", policy)
    return PolicyError.about(
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
    """One policy's verdicts as rows of text, one row per project in key order.

    ``frame`` has ``i`` (the row), ``key``, ``light`` (text, null when not
    judged), ``severity`` (text), ``codes``, ``texts`` (the reasons, joined)
    and ``what``: where the object rule raises (no plan for the year), the
    plan the project lacks (``"monthly plan"``, ``"annual plan"``), else null.
    """

    frame: Any


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


def _lag(read: Read, frames: LightFrames, policy: LagPolicy, lang: str) -> _Verdicts:
    """A lag policy's verdicts, from :func:`projpush.engine.judge_tables`' frames."""
    as_of = frames.as_of
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
    return _Verdicts(
        _with_reasons(frame, parts, lang).with_columns(
            pl.col("severity").cast(pl.String), _what("monthly plan")
        )
    )


def _what(what: str) -> Any:
    """The plan a project lacks where the object rule raises for it, else null."""
    return pl.when(pl.col("reason") == "no_plan").then(pl.lit(what)).alias("what")


def _with_reasons(frame: Any, parts: list[Any], lang: str) -> Any:
    """``frame`` with each row's joined reason ``codes`` and ``texts`` (empty without any)."""
    joined = _joined(parts, lang)
    return frame.join(joined, on="i", how="left", maintain_order="left").with_columns(
        pl.col("codes").fill_null(""), pl.col("texts").fill_null("")
    )


def _month_reasons(  # noqa: PLR0917 (the engine's frames and the call's facts)
    read: Read, reasons: Any, frame: Any, policy: LagPolicy, year: int, lang: str
) -> Any:
    """The month reasons (below, met, unreported) with the figures compared, as text."""
    monthly = policy.requirement is Requirement.MONTHLY
    key = "lights.basis.monthly" if monthly else "lights.basis.cumulative"
    basis = (_said(key, "en"), _said(key, "zh"))
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


def _gap(read: Read, frames: LightFrames, policy: GapPolicy, lang: str) -> _Verdicts:
    """A gap policy's verdicts, from :func:`projpush.engine.judge_tables`; shares row by row."""
    as_of = frames.as_of
    frame = frames.verdicts.with_row_index("i").with_columns(pl.col("light").cast(pl.String))
    year = as_of.year
    last = (
        Month.of(as_of) - 1
        if policy.cutoff is Cutoff.PREVIOUS_MONTH
        else last_complete_month(as_of)
    )
    parts = [_scope(frame, as_of, policy.stages, lang)]
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
        template = _said(f"reason.gap.{policy.measure.value}", lang)
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
        behind = _said("lights.behind", lang)
        ahead = _said("lights.ahead", lang)
        relative = policy.measure is GapMeasure.RELATIVE
        texts = []
        for i, done, annual, done_t, annual_t in judged.select(
            "i", "done", "annual", "done_t", "annual_t"
        ).iter_rows():
            completion = Fraction(done) / Fraction(annual)
            gap = (progress - completion) * 100
            if relative:
                gap /= progress
            severity_text[i] = str(max(gap, Fraction(0)))
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
    severity = pl.Series("severity", severity_text, dtype=pl.String)
    return _Verdicts(_with_reasons(frame, parts, lang).with_columns(severity, _what("annual plan")))


def _worst(read: Read, frames: LightFrames, policy: WorstOf, lang: str) -> _Verdicts:
    """A worst-of's verdicts: the engine's light and severity, every policy's reasons.

    The engine judges the worst-of (:func:`projpush.engine.judge_tables`)
    and keeps each policy's frames in ``parts``; each is written as its own
    rule writes it, and a row's reasons are all of theirs, in order, as
    :meth:`~projpush.lights.WorstOf.judge` lists them. Where a policy cannot
    judge a project, the first such policy's error is the verdict's.
    """
    parts = [
        _rendered(read, f, p, lang).frame
        for f, p in zip(frames.parts, policy.policies, strict=True)
    ]
    verdicts = frames.verdicts.with_row_index("i")
    num, den = pl.col("severity_numerator"), pl.col("severity_denominator")
    whole = (den == 1) & (num.cast(pl.Int64).cast(pl.Decimal(38, 12)) == num)
    severity = verdicts.select(pl.when(whole).then(_amount_text(num, pl.lit(0))).alias("severity"))[
        "severity"
    ].to_list()
    for row, (n, d) in enumerate(verdicts.select(num, den).iter_rows()):
        if severity[row] is None:
            severity[row] = str(Fraction(n) / Fraction(d))
    nonempty = [(pl.col(c) != "").fill_null(value=False) for c in ("codes", "texts")]
    frame = pl.concat(
        [
            verdicts.select("i", "key", pl.col("light").cast(pl.String)),
            *(
                part.select(
                    pl.when(nonempty[0]).then("codes").alias(f"codes_{j}"),
                    pl.when(nonempty[1]).then("texts").alias(f"texts_{j}"),
                    pl.col("what").alias(f"what_{j}"),
                )
                for j, part in enumerate(parts)
            ),
        ],
        how="horizontal",
    )
    indices = range(len(parts))
    raised = verdicts["reason"] == "no_plan"
    return _Verdicts(
        frame.select(
            "i",
            "key",
            "light",
            pl.Series("severity", severity, dtype=pl.String),
            pl.concat_str([f"codes_{j}" for j in indices], separator=",", ignore_nulls=True)
            .fill_null("")
            .alias("codes"),
            pl.concat_str([f"texts_{j}" for j in indices], separator=_SEP[lang], ignore_nulls=True)
            .fill_null("")
            .alias("texts"),
            pl.when(pl.Series(raised))
            .then(pl.coalesce([f"what_{j}" for j in indices]))
            .alias("what"),
        )
    )


def _rendered(read: Read, frames: LightFrames, policy: LightPolicy, lang: str) -> _Verdicts:
    """The verdict rows of ``policy``'s frames (a lag, gap or worst-of policy)."""
    if isinstance(policy, LagPolicy):
        return _lag(read, frames, policy, lang)
    if isinstance(policy, GapPolicy):
        return _gap(read, frames, policy, lang)
    if isinstance(policy, WorstOf):
        return _worst(read, frames, policy, lang)
    raise _refused(policy)  # pragma: no cover (members() refused it first)


def verdict_rows(
    read: Read, as_of: dt.date, policy: LightPolicy | None, *, lenient: bool, lang: str
) -> Any:
    """The verdict rows of every project on ``as_of``, by key (see the module's notes).

    Raises:
        ValidationError: ``lang`` is neither ``"zh"`` nor ``"en"``; unless
            ``lenient``, a project has no plan for the year (the object rule's
            error, for the first such project by key).
        PolicyError: as :func:`members`, or a threshold the engine refuses.
    """
    if lang not in ("zh", "en"):
        raise ValidationError.about("lang", "'zh' or 'en'", lang)
    members(policy)
    chosen = LagPolicy.ningbo() if policy is None else policy
    frames = judge_tables(read.tables, as_of, chosen, lenient=True)
    frame = _rendered(read, frames, chosen, lang).frame
    errors = _raised(read, as_of.year, frame, lenient=lenient)
    if errors is not None:
        facts = {"error": _ERROR, "year": as_of.year}
        template = Reason("scope", "no_plan", figures=facts).text(lang)
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
        pl.lit(chosen.name).alias("policy"),
        "light",
        "severity",
        pl.col("codes").alias("reason_codes"),
        pl.col("texts").alias("reasons"),
    )


def _raised(read: Read, year: int, frame: Any, *, lenient: bool) -> Any | None:
    """Each project's no-plan error where the rule raises (None if it never does), or raise.

    ``frame``'s ``what`` names the plan a project lacks where the object rule
    raises; without ``lenient`` the first such project's error is raised.
    """
    raising = frame.filter(pl.col("what").is_not_null())
    if not raising.height:
        return None
    whats = raising["what"].unique(maintain_order=True).to_list()
    messages = {w: _no_plan_messages(read, year, w) for w in whats}
    if not lenient:
        row, what = int(raising["i"][0]), str(raising["what"][0])
        found = messages[what].row(row, named=True)
        raise _no_plan_error(found["message"], found["has"], year, what)
    error = pl.lit(None, pl.String)
    for what, message in messages.items():
        error = pl.when(pl.col("what") == what).then(message["message"]).otherwise(error)
    return frame.select(error.alias("error"))["error"]


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


def light_map_rows(read: Read, year: int, policy: LightPolicy | None, *, lenient: bool) -> Any:
    """The light map, a row per project by key: ``key``, ``name``, then a column per month.

    The month columns (``"2020-01"`` ...) hold light ranks: 0 not judged,
    1 green, 2 yellow, 3 red; they are :func:`projpush.engine.light_map_table`
    at the year's end, lenient as the object map is with ``lenient``.

    Raises:
        ValidationError: unless ``lenient``, a project has no plan for ``year``
            where a policy judges it (the object rule's error).
        PolicyError: as :func:`members`.
    """
    chosen = members(policy)
    if not lenient:
        _strict_map(read, year, chosen)
    mapped = light_map_table(read.tables, dt.date(year, 12, 31), policy)
    months = [str(m) for m in Month.year_months(year)]
    projects = pl.from_arrow(read.tables.projects).select("key", "name")
    ranks = mapped.select(_ranked(pl.col(m).cast(pl.String)).alias(m) for m in months)
    return pl.concat([projects, ranks], how="horizontal")


def _strict_map(read: Read, year: int, chosen: tuple[LagPolicy | GapPolicy, ...]) -> None:
    """Raise the object map's error: a project without a plan, in a stage a policy judges.

    The object map judges the projects in order, each at the twelve month
    ends in order, each policy of a worst-of in order, and raises at the
    first that cannot be judged. Only a project without a monthly plan (for a
    lag policy) or a positive annual plan (for a gap policy) can be one: those
    few are judged at each month end.
    """
    tables = read.tables
    keys = pl.from_arrow(tables.projects).select("key").with_row_index("i")
    planned = (
        pl.from_arrow(tables.monthly)
        .filter(pl.col("plan").is_not_null() & (pl.col("month").dt.year() == year))
        .select("key")
        .unique()
    )
    funded = (
        pl.from_arrow(tables.annual_plans)
        .filter((pl.col("year") == year) & (pl.col("plan") > 0))
        .select("key")
    )
    lacking = {
        "monthly plan": keys.join(planned, on="key", how="anti"),
        "annual plan": keys.join(funded, on="key", how="anti"),
    }
    whats = ["monthly plan" if isinstance(p, LagPolicy) else "annual plan" for p in chosen]
    candidates = pl.concat([lacking[w] for w in set(whats)]).unique().sort("i")
    if not candidates.height:
        return
    sub = _subset(tables, candidates["key"].to_list())
    ends = [m.last_day for m in Month.year_months(year)]
    flags = [
        [judge_tables(sub, day, p, lenient=True).verdicts["reason"] == "no_plan" for day in ends]
        for p in chosen
    ]
    for row in range(candidates.height):
        for month in range(12):
            for what, member in zip(whats, flags, strict=True):
                if member[month][row]:
                    at = int(candidates["i"][row])
                    found = _no_plan_messages(read, year, what).row(at, named=True)
                    raise _no_plan_error(found["message"], found["has"], year, what)
