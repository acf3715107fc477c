"""Integrity findings over the ledger's tables, column-wise: the engine's ``integrity_report``.

The soft gaps of :func:`projpush.model.integrity_report`, found with whole
columns: a project without a guarantor leader, without a service secretary
or with several, a milestone past its planned date and not done, monthly
plans summing to more than a year's annual plan, a responsible unit missing
from the unit directory (when there is one), and a secretary serving more
than ``secretary_cap`` projects.

:func:`integrity_table` gives one row per finding, in the object rule's
order, with the object rule's words; :func:`integrity_findings` gives the
same findings as the object :class:`~projpush.model.Finding` tuple. A
differential property test pins both to ``integrity_report``, in any row
order of the tables.

>>> import datetime as dt
>>> from projpush.engine import from_portfolio
>>> from projpush.synth import sample_portfolio
>>> table = integrity_table(from_portfolio(sample_portfolio()), dt.date(2020, 10, 31))
>>> table.columns[:3]
['kind', 'subject', 'detail']
"""

from __future__ import annotations

import decimal
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Final

from projpush._convert import FrozenMap, plain_date_arg
from projpush._extras import require
from projpush.engine.tables import _plain
from projpush.model import Fact, Finding, FindingKind

if TYPE_CHECKING:
    import datetime as dt

    from projpush.engine.tables import LedgerTables

pl: Any = require("polars", extra="engine", user="projpush.engine")

__all__ = ["integrity_findings", "integrity_table"]

_MONEY: Final = pl.Decimal(38, 12)
_SCALE: Final = 12
_MAX_DIGITS: Final = 26
"""Integer digits a ``decimal128(38, 12)`` holds: no sum of the tables can have more."""

# The order of a project's findings in the object rule; a secretary's come after all projects'.
_LEADER, _SECRETARY, _MILESTONE, _MONTHLY, _UNIT = range(5)

_SCHEMA: Final = {
    "_group": pl.Int8,
    "_pos": pl.Int64,
    "_order": pl.Int8,
    "_sub": pl.Int64,
    "_tie": pl.Int64,
    "kind": pl.String,
    "subject": pl.String,
    "detail": pl.String,
    "key": pl.String,
    "name": pl.String,
    "secretaries": pl.List(pl.String),
    "milestone": pl.String,
    "planned": pl.Date,
    "year": pl.Int16,
    "monthly_plan": _MONEY,
    "annual_plan": _MONEY,
    "unit": pl.String,
    "projects": pl.Int64,
    "_monthly_text": pl.String,
    "_annual_text": pl.String,
}
COLUMNS: Final = tuple(c for c in _SCHEMA if not c.startswith("_"))
"""The columns of :func:`integrity_table`, in order."""


def integrity_table(tables: LedgerTables, as_of: dt.date, *, secretary_cap: int = 5) -> Any:
    """The findings of :func:`projpush.model.integrity_report` at ``as_of``, one row each.

    The rows come in the object rule's order: each project's findings, in
    ledger order (no leader; no secretary or several; each overdue
    milestone, in the project's order; each year whose monthly plans exceed
    its annual plan, by year; an unknown unit), then each overloaded
    secretary, in ledger order. The columns:

    - ``kind``: the :class:`~projpush.model.FindingKind` value;
    - ``subject`` and ``detail``: the :class:`~projpush.model.Finding`'s, word
      for word, amounts written as the object rule's ``Decimal`` sums are;
    - ``key`` and ``name``: the project (empty for ``secretary_overloaded``);
    - ``secretaries``: the names of a project's several secretaries, sorted;
    - ``milestone`` and ``planned``: the overdue milestone;
    - ``year``, ``monthly_plan`` (the year's monthly plans summed) and
      ``annual_plan``: the exact amounts, 万元;
    - ``unit``: the unit missing from the directory;
    - ``projects``: how many projects the overloaded secretary serves.

    ``secretary_cap`` is compared with each secretary's count as the object
    rule compares it, so a value that cannot be compared with an ``int``
    raises the same ``TypeError`` (when there is a secretary).

    Raises:
        ValidationError: ``as_of`` is not a date.
        TypeError: ``secretary_cap`` cannot be compared with a whole number.
    """
    return _findings(tables, as_of, secretary_cap).select(COLUMNS)


def integrity_findings(
    tables: LedgerTables, as_of: dt.date, *, secretary_cap: int = 5
) -> tuple[Finding, ...]:
    """``integrity_report`` of the ledger the tables hold: the same findings, in the same order.

    Each :class:`~projpush.model.Finding` has the object rule's ``detail``
    and ``facts``, its amounts the object rule's ``Decimal`` sums, exponent
    and all (so both render the same text in either language). Only the
    findings are Python objects; they come from :func:`integrity_table`'s rows.

    Raises:
        ValidationError: ``as_of`` is not a date.
        TypeError: ``secretary_cap`` cannot be compared with a whole number.
    """
    day = plain_date_arg(as_of, "as_of")
    table = _findings(tables, day, secretary_cap)
    rows = table.select(
        "kind",
        "subject",
        "detail",
        "name",
        "secretaries",
        "milestone",
        "planned",
        "year",
        "_monthly_text",
        "_annual_text",
        "unit",
        "projects",
    ).iter_rows()
    found = []
    for kind_value, subject, detail, *row in rows:
        kind = FindingKind(kind_value)
        facts = FrozenMap(_facts(kind, row, day, secretary_cap))
        found.append(Finding(kind, subject, detail, facts))
    return tuple(found)


def _facts(kind: FindingKind, row: list[Any], as_of: dt.date, cap: int) -> dict[str, Fact]:
    """The facts the object rule gives a finding of ``kind``, from its row."""
    name, secretaries, milestone, planned, year, monthly, annual, unit, projects = row
    if kind is FindingKind.SECRETARY_OVERLOADED:
        return {"projects": projects, "cap": cap}
    facts: dict[str, Fact] = {"project": name}
    if kind is FindingKind.SEVERAL_SECRETARIES:
        facts["secretaries"] = tuple(secretaries)
    elif kind is FindingKind.MILESTONE_OVERDUE:
        facts |= {"milestone": milestone, "planned": planned, "as_of": as_of}
    elif kind is FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL:  # str(Decimal) read back: exact
        facts |= {"year": year, "monthly_plan": Decimal(monthly), "annual_plan": Decimal(annual)}
    elif kind is FindingKind.UNKNOWN_UNIT:
        facts["unit"] = unit
    return facts


def _findings(tables: LedgerTables, as_of: dt.date, secretary_cap: int) -> Any:
    """Every column of the findings, the hidden ones too, rows in the object rule's order."""
    day = plain_date_arg(as_of, "as_of")
    projects = (
        pl.from_arrow(tables.projects.select(["seq", "key", "name", "unit"]))
        .sort("seq", maintain_order=True)
        .with_row_index("_pos")
        .with_columns(pl.col("_pos").cast(pl.Int64))
    )
    found = [
        _no_leader(tables, projects),
        _secretaries(tables, projects),
        _overdue(tables, projects, day),
        _monthly(tables, projects),
        _unknown_units(tables, projects),
        _overloaded(tables, secretary_cap),
    ]
    return pl.concat([_typed(f) for f in found], how="vertical").sort(
        "_group", "_pos", "_order", "_sub", "_tie", maintain_order=True
    )


def _typed(frame: Any) -> Any:
    """``frame`` with every column of the findings, missing ones empty, in order."""
    return frame.select(
        (pl.col(c) if c in frame.columns else pl.lit(None)).cast(t).alias(c)
        for c, t in _SCHEMA.items()
    )


def _head(group: int, order: int, kind: Any, sub: Any = 0, tie: Any = 0) -> list[Any]:
    """The ordering columns and the kind (a FindingKind, or a column of values) of findings."""
    return [
        pl.lit(group).alias("_group"),
        pl.lit(order).alias("_order"),
        pl.lit(sub).alias("_sub") if isinstance(sub, int) else sub.alias("_sub"),
        pl.lit(tie).alias("_tie") if isinstance(tie, int) else tie.alias("_tie"),
        (pl.lit(kind.value) if isinstance(kind, FindingKind) else kind).alias("kind"),
    ]


def _no_leader(tables: LedgerTables, projects: Any) -> Any:
    guaranteed = pl.from_arrow(tables.leader_projects.select(["project"]))
    return projects.join(guaranteed, left_on="key", right_on="project", how="anti").select(
        "_pos",
        "key",
        *_head(0, _LEADER, FindingKind.NO_LEADER),
        pl.col("key").alias("subject"),
        (pl.col("name") + ": no guarantor leader").alias("detail"),
        "name",
    )


def _secretaries(tables: LedgerTables, projects: Any) -> Any:
    """No secretary, or several: their names sorted, as the object rule lists them."""
    pairs = pl.from_arrow(tables.secretary_projects.select(["secretary", "project"]))
    counts = pairs.group_by("project").agg(pl.len().alias("_n"))
    several = counts.filter(pl.col("_n") > 1)  # few: only their names are gathered
    names = (
        pairs.join(several, on="project", how="semi")
        .group_by("project")
        .agg(pl.col("secretary").sort().alias("_names"))
    )
    served = counts.join(names, on="project", how="left")
    n = pl.col("_n")
    none = n.is_null()
    kind = (
        pl.when(none)
        .then(pl.lit(FindingKind.NO_SECRETARY.value))
        .otherwise(pl.lit(FindingKind.SEVERAL_SECRETARIES.value))
    )
    return (
        projects.join(served, left_on="key", right_on="project", how="left")
        .filter(none | (n > 1))
        .select(
            "_pos",
            "key",
            *_head(0, _SECRETARY, kind),
            pl.col("key").alias("subject"),
            pl.when(none)
            .then(pl.col("name") + ": no service secretary")
            .otherwise(pl.col("name") + ": served by " + pl.col("_names").list.join(", "))
            .alias("detail"),
            "name",
            pl.col("_names").alias("secretaries"),
        )
    )


def _overdue(tables: LedgerTables, projects: Any, as_of: dt.date) -> Any:
    """Milestones planned before ``as_of`` and not done on or before it (``Milestone.is_done``)."""
    day = pl.lit(as_of, dtype=pl.Date)
    milestones = pl.from_arrow(
        tables.milestones.select(["key", "seq", "name", "planned", "done"])
    ).with_row_index("_row")
    late = milestones.filter(
        (pl.col("planned") < day) & ~(pl.col("done") <= day).fill_null(value=False)
    )
    return late.join(
        projects.select("_pos", "key", pl.col("name").alias("_project")),
        on="key",
        how="inner",
        maintain_order="left",
    ).select(
        "_pos",
        "key",
        *_head(0, _MILESTONE, FindingKind.MILESTONE_OVERDUE, pl.col("seq"), pl.col("_row")),
        pl.col("key").alias("subject"),
        pl.concat_str(
            pl.col("name"),
            pl.lit(": planned "),
            pl.col("planned").cast(pl.String),
            pl.lit(f", not completed by {as_of}"),
        ).alias("detail"),
        pl.col("_project").alias("name"),
        pl.col("name").alias("milestone"),
        "planned",
    )


def _monthly(tables: LedgerTables, projects: Any) -> Any:
    """Years whose monthly plans sum to more than the annual plan, each sum as the object rule's.

    The object rule adds ``Decimal`` amounts at the context's precision. A
    sum with no more significant digits than that is exact, and so is every
    partial sum on the way to it (amounts are never negative), so the exact
    sum of ``decimal128`` is the object rule's. A larger sum (amounts near
    10^16 万元 with many places) may have been rounded; those few are
    summed again as the object rule sums them.
    """
    plans = pl.from_arrow(tables.annual_plans).with_row_index("_row")
    months = (
        pl.from_arrow(tables.monthly.select(["key", "month", "plan"]))
        .filter(pl.col("plan").is_not_null())
        .with_columns(pl.col("month").dt.year().cast(pl.Int16).alias("year"))
    )
    sums = months.group_by("key", "year").agg(pl.col("plan").sum().alias("monthly_plan"))
    rows = plans.join(sums, on=["key", "year"], how="left").with_columns(
        pl.col("monthly_plan").fill_null(Decimal(0)).cast(_MONEY)
    )
    rows = _rounded_again(rows, months)
    over = rows.filter(pl.col("monthly_plan") > pl.col("plan"))
    if over.is_empty():
        return over.select("key", "year")
    places = (
        months.join(over.select("key", "year"), on=["key", "year"], how="semi")
        .group_by("key", "year")
        .agg(_places(pl.col("plan")).max().alias("_places"))
    )
    over = over.join(places, on=["key", "year"], how="left", maintain_order="left").with_columns(
        pl.coalesce("_exact_places", "_places", pl.lit(0, dtype=pl.Int32)).alias("_places")
    )
    monthly_text = _decimal_text(pl.col("monthly_plan"), pl.col("_places"))
    annual_text = _decimal_text(pl.col("plan"), _places(pl.col("plan")))
    return (
        over.join(projects.select("_pos", "key", "name"), on="key", how="inner")
        .with_columns(monthly_text.alias("_monthly_text"), annual_text.alias("_annual_text"))
        .select(
            "_pos",
            "key",
            *_head(
                0, _MONTHLY, FindingKind.MONTHLY_PLAN_EXCEEDS_ANNUAL, pl.col("year"), pl.col("_row")
            ),
            pl.col("key").alias("subject"),
            pl.concat_str(
                pl.col("year").cast(pl.String),
                pl.lit(": monthly plans sum to "),
                pl.col("_monthly_text"),
                pl.lit(" 万元, annual plan is "),
                pl.col("_annual_text"),
                pl.lit(" 万元"),
            ).alias("detail"),
            "name",
            "year",
            "monthly_plan",
            pl.col("plan").alias("annual_plan"),
            "_monthly_text",
            "_annual_text",
        )
    )


def _rounded_again(rows: Any, months: Any) -> Any:
    """``rows`` with the sums the context's precision may have rounded summed as ``Decimal``.

    Adds ``_exact_places``: the places of such a sum, empty for the others.
    """
    prec = decimal.getcontext().prec
    marked = rows.with_columns(pl.lit(None, dtype=pl.Int32).alias("_exact_places"))
    if prec >= _SCALE + _MAX_DIGITS:
        return marked
    # A sum below 10^(prec - 12) has at most prec digits at 12 places: exact.
    bound = Decimal(10) ** max(prec - _SCALE, 0)
    suspect = marked.filter(pl.col("monthly_plan") >= pl.lit(bound, dtype=_MONEY))
    if suspect.is_empty():
        return marked
    amounts = (
        months.join(suspect.select("key", "year"), on=["key", "year"], how="semi")
        .sort("key", "year", "month", maintain_order=True)
        .group_by("key", "year", maintain_order=True)
        .agg(pl.col("plan"))
    )
    keys, years, totals, places = [], [], [], []
    for key, year, plan in amounts.iter_rows():
        total = Decimal(0)
        for amount in plan:  # the object rule's fold, month by month
            total += _plain(amount)
        keys.append(key)
        years.append(year)
        totals.append(total)
        places.append(-min(int(total.as_tuple().exponent), 0))
    again = pl.DataFrame(
        {"key": keys, "year": years, "_total": totals, "_again": places},
        schema={"key": pl.String, "year": pl.Int16, "_total": _MONEY, "_again": pl.Int32},
    )
    return (
        marked.join(again, on=["key", "year"], how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("_total", "monthly_plan").alias("monthly_plan"),
            pl.col("_again").alias("_exact_places"),
        )
        .drop("_total", "_again")
    )


def _unknown_units(tables: LedgerTables, projects: Any) -> Any:
    """Projects whose unit is not in a directory that has units; each unit written by ``repr``."""
    if tables.units.num_rows == 0:
        return projects.clear().select("_pos", "key")
    directory = pl.from_arrow(tables.units.select(["name"]))
    unknown = projects.join(directory, left_on="unit", right_on="name", how="anti")
    quoted = {u: repr(u) for u in unknown["unit"].unique()}  # one per distinct unit, few
    return unknown.select(
        "_pos",
        "key",
        *_head(0, _UNIT, FindingKind.UNKNOWN_UNIT),
        pl.col("key").alias("subject"),
        pl.concat_str(
            pl.col("name"),
            pl.lit(": unit "),
            pl.col("unit").replace_strict(quoted, return_dtype=pl.String),
            pl.lit(" is not in the unit directory"),
        ).alias("detail"),
        "name",
        "unit",
    )


def _overloaded(tables: LedgerTables, secretary_cap: Any) -> Any:
    """Secretaries serving more than ``secretary_cap`` projects, in ledger order.

    The cap is compared with each distinct count in Python, first as the
    object rule first meets it, so any cap behaves (or fails) as it does there.
    """
    counts = (
        pl.from_arrow(tables.secretary_projects.select(["secretary"]))
        .group_by("secretary")
        .agg(pl.len().cast(pl.Int64).alias("projects"))
    )
    secretaries = (
        pl.from_arrow(tables.secretaries.select(["seq", "name"]))
        .sort("seq", maintain_order=True)
        .with_row_index("_pos")
        .join(counts, left_on="name", right_on="secretary", how="left", maintain_order="left")
        .with_columns(pl.col("_pos").cast(pl.Int64), pl.col("projects").fill_null(0))
    )
    over = [n for n in secretaries["projects"].unique(maintain_order=True) if n > secretary_cap]
    if not over:
        return secretaries.clear().select("_pos")
    return secretaries.filter(pl.col("projects").is_in(over)).select(
        "_pos",
        *_head(1, 0, FindingKind.SECRETARY_OVERLOADED),
        pl.col("name").alias("subject"),
        pl.concat_str(
            pl.lit("serves "),
            pl.col("projects").cast(pl.String),
            pl.lit(f" projects, more than the cap of {secretary_cap}"),
        ).alias("detail"),
        "projects",
    )


# --------------------------------------------------------------------------- amounts as text


def _places(value: Any) -> Any:
    """The decimal places of a stored amount (the tables hold none of its trailing zeros)."""
    fraction = value.cast(pl.String).str.split_exact(".", 1).struct.field("field_1")
    return fraction.str.strip_chars_end("0").str.len_chars().fill_null(0).cast(pl.Int32)


def _decimal_text(value: Any, places: Any) -> Any:
    """``str(Decimal)`` of ``value`` (at least zero) written with exactly ``places`` places.

    The rule of ``Decimal.__str__`` for an exponent of ``-places``: plain
    notation while the digits left of the point number more than -6
    (``0.000001``), else scientific (``1E-7``, ``1.0E-7``).
    """
    parts = value.cast(pl.String).str.split_exact(".", 1)
    whole, fraction = parts.struct.field("field_0"), parts.struct.field("field_1")
    digits = pl.concat_str(whole, fraction.str.slice(0, places)).str.strip_chars_start("0")
    coefficient = pl.when(digits == "").then(pl.lit("0")).otherwise(digits)
    n = coefficient.str.len_chars().cast(pl.Int64)
    left = n - places.cast(pl.Int64)  # digits left of the point (the exponent plus the length)
    zeros = pl.lit("0" * (_SCALE + 6))
    plain = (
        pl.when(left <= 0)
        .then(pl.concat_str(pl.lit("0."), zeros.str.slice(0, (-left).clip(0)), coefficient))
        .when(left >= n)
        .then(coefficient)
        .otherwise(
            pl.concat_str(
                coefficient.str.slice(0, left.clip(0)),
                pl.lit("."),
                coefficient.str.slice(left.clip(0)),
            )
        )
    )
    scientific = pl.concat_str(
        coefficient.str.slice(0, 1),
        pl.when(n > 1).then(pl.lit(".") + coefficient.str.slice(1)).otherwise(pl.lit("")),
        pl.lit("E-"),
        (1 - left).cast(pl.String),
    )
    return pl.when(left > -6).then(plain).otherwise(scientific)
