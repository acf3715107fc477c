"""``projpush lint`` and ``projpush sensitivity`` as text, JSON or CSV (private).

The rules are :func:`projpush.foresight.lint`, :func:`~projpush.foresight.sensitivity`
and :func:`~projpush.foresight.issue_sensitivity`; this module only chooses
what they run on from the command line's names and prints what they give.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from projpush._csvsafe import csv_text
from projpush.errors import ValidationError
from projpush.foresight import (
    _ISSUE_PARAMETERS,
    _STEPS,
    IssueSensitivity,
    LintFinding,
    PublishedRule,
    Sensitivity,
    _target,
    issue_sensitivity,
    lint,
    sensitivity,
)
from projpush.lights import _default
from projpush.messages import enum_name, message

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Iterable, Sequence
    from pathlib import Path

    from projpush.lights import Light
    from projpush.model import Portfolio
    from projpush.report import PolicySet
    from projpush.schedule import WorkingCalendar

__all__ = [
    "PUBLISHED",
    "is_issue_parameter",
    "lint_targets",
    "render_lint",
    "render_sensitivity",
    "run_sensitivity",
]

PUBLISHED = {"yinchuan_literal": PublishedRule.yinchuan_literal, "wuhan": PublishedRule.wuhan}
"""The cities' published texts as read, band by band (``projpush lint --published NAME``)."""

Linted = list[tuple[str, tuple[LintFinding, ...]]]


# --------------------------------------------------------------------------- lint


def lint_targets(
    policy_sets: Sequence[str], published: Sequence[str], specs: Sequence[Path]
) -> Linted:
    """Each target's name and its findings: policy sets (lights, then escalation), texts, files.

    With no target at all, every ready-made policy set is linted.

    Raises:
        ValidationError: a spec file is not JSON, or holds no policy object.
        LedgerError: a spec file cannot be read.
        PolicyError: a spec's ``kind`` is unknown.
    """
    from projpush.report import POLICY_SETS  # noqa: PLC0415 (the report imports much)

    names = list(policy_sets) or ([] if published or specs else sorted(POLICY_SETS))
    out: Linted = []
    for name in names:
        chosen = POLICY_SETS[name]()
        out.append((f"{name}.lights", lint(chosen.lights)))
        out.append((f"{name}.escalation", lint(chosen.escalation)))
    out += [(name, lint(PUBLISHED[name]())) for name in published]
    for path in specs:
        for i, spec in enumerate(_specs(path)):
            out.append((f"{path}[{i}]", lint(spec)))
    return out


def _specs(path: Path) -> list[dict[str, Any]]:
    """The policy specs a JSON file holds: one object with a ``kind``, or a list of them."""
    from projpush.errors import LedgerError  # noqa: PLC0415

    expected = "a JSON object with a kind, or a list of them"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LedgerError.about("--spec", "an existing JSON file", str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise LedgerError.about(
            "--spec", "a readable UTF-8 JSON file", f"{path}: {error}"
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ValidationError.about("--spec", expected, f"{path}: {error}") from None
    items = data if isinstance(data, list) else [data]
    for item in items:
        if not isinstance(item, dict) or "kind" not in item:
            raise ValidationError.about("--spec", expected, f"{path}: {json.dumps(item)[:80]}")
    return items


def render_lint(linted: Linted, fmt: str, lang: str) -> str:
    """The findings: a line each (a clean target says so), then a count; or JSON or CSV."""
    if fmt == "json":
        data = [
            {
                "target": target,
                "findings": [
                    {
                        "code": f.code,
                        "subject": f.subject,
                        "facts": dict(f.facts),
                        "zh": f.text("zh"),
                        "en": f.text("en"),
                    }
                    for f in found
                ],
            }
            for target, found in linted
        ]
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":
        rows = [("target", "code", "subject", "text")]
        rows += [(t, f.code, f.subject, f.text(lang)) for t, found in linted for f in found]
        return csv_text(rows, lineterminator="\n")
    lines = []
    for target, found in linted:
        if not found:
            lines.append(message("lint.clean", lang, subject=target))
        lines += [f.text(lang) for f in found]
    total = sum(len(found) for _, found in linted)
    lines.append(message("lint.summary", lang, policies=len(linted), findings=total))
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- sensitivity


def is_issue_parameter(parameter: str) -> bool:
    """Whether ``parameter`` is an escalation day limit (:func:`issue_sensitivity`)."""
    return parameter in _ISSUE_PARAMETERS or parameter.startswith("limit.")


def _step(chosen: PolicySet, parameter: str, text: str) -> Decimal | Fraction | int:
    """``--step`` as the parameter's own kind of number: a tolerance's Decimal, points' Fraction."""
    inner, name, _ = _target(_default(chosen.lights), parameter)
    known = next((v for k, v in _STEPS.items() if isinstance(inner, k)), {})
    kind = type(known.get(name, 1))
    try:
        exact = Decimal(text)
    except InvalidOperation:
        exact = Decimal("NaN")
    if not exact.is_finite() or exact <= 0:
        raise ValidationError.about("--step", "a positive number", text)
    if kind is Decimal:
        return exact
    if kind is Fraction:
        return Fraction(exact)
    if exact != exact.to_integral_value():
        raise ValidationError.about("--step", f"a whole number for {parameter}", text)
    return int(exact)


def run_sensitivity(
    portfolio: Portfolio,
    as_of: dt.date,
    chosen: PolicySet,
    parameter: str,
    *,
    steps: Iterable[int],
    step: str | None = None,
    calendar: WorkingCalendar | None = None,
) -> Sensitivity | IssueSensitivity:
    """A light threshold's sensitivity, or an escalation day limit's (issues replayed).

    Raises:
        ValidationError: ``parameter`` is neither, or ``step`` is given for a day limit
            (which moves by whole working days) or is not a positive number.
    """
    offsets = tuple(steps)
    if is_issue_parameter(parameter):
        if step is not None:
            raise ValidationError.about(
                "--step", "no --step for a day limit (it moves by whole working days)", step
            )
        return issue_sensitivity(
            portfolio, as_of, chosen.escalation, parameter, steps=offsets, calendar=calendar
        )
    moved = None if step is None else _step(chosen, parameter, step)
    return sensitivity(portfolio, as_of, chosen.lights, parameter, steps=offsets, step=moved)


def _light(light: Light | None, lang: str) -> str:
    return message("workbook.not_judged", lang) if light is None else enum_name(light, lang)


def _head(names: Iterable[str], lang: str) -> tuple[str, ...]:
    return tuple(message(f"sensitivity.head.{n}", lang) for n in names)


def _rows(s: Sensitivity | IssueSensitivity, lang: str) -> list[tuple[str, ...]]:
    """The table's rows: offset, value (or why refused), what changed, and the light counts."""
    if isinstance(s, IssueSensitivity):
        return [
            (f"{r.offset:+d}", _refused(r.error, lang) or str(r.value), str(len(r.changed)))
            for r in s.rows
        ]
    return [
        (
            f"{r.offset:+d}",
            _refused(r.error, lang) or _number(r.value),
            str(len(r.changed)),
            *(str(n) for n in (r.counts.green, r.counts.yellow, r.counts.red)),
            str(r.counts.not_judged),
        )
        for r in s.rows
    ]


def _refused(error: str | None, lang: str) -> str:
    return message("sensitivity.refused", lang, error=error) if error else ""


def render_sensitivity(s: Sensitivity | IssueSensitivity, fmt: str, lang: str, policy: str) -> str:
    """The table (text or CSV, one row a moved value) or everything as JSON.

    The text lists, under the table, what each moved value changes: a
    project's light before and after, or an issue.
    """
    issues = isinstance(s, IssueSensitivity)
    names = (
        ("offset", "value", "issues")
        if issues
        else ("offset", "value", "changed", "green", "yellow", "red", "not_judged")
    )
    if fmt == "json":
        return json.dumps(_as_dict(s, policy), ensure_ascii=False, indent=2) + "\n"
    if fmt == "csv":  # the moved value and why it is refused in columns of their own
        moved: list[tuple[str, str | None]] = [(_number(r.value), r.error) for r in s.rows]
        rows = [
            (offset, value, error or "", *rest)
            for (offset, _, *rest), (value, error) in zip(_rows(s, lang), moved, strict=True)
        ]
        return csv_text([(names[0], names[1], "error", *names[2:]), *rows], lineterminator="\n")
    if isinstance(s, IssueSensitivity):
        title = message(
            "sensitivity.issue_title",
            lang,
            as_of=s.as_of,
            policy=policy,
            parameter=s.parameter,
            base=s.base,
        )
    else:
        base = message("forecast.none", lang) if s.base is None else _number(s.base)
        title = message(
            "sensitivity.title",
            lang,
            as_of=s.as_of,
            policy=policy,
            parameter=s.parameter,
            base=base,
            step=_number(s.step),
        )
    rows = [_head(names, lang), *_rows(s, lang)]
    widths = [max(_width(r[i]) for r in rows) for i in range(len(names))]
    lines = [title]
    for r in rows:
        cells = [c + " " * (w - _width(c)) for c, w in zip(r, widths, strict=True)]
        lines.append("  " + "  ".join(cells).rstrip())
    lines += _changes(s, lang)
    return "\n".join(lines) + "\n"


def _changes(s: Sensitivity | IssueSensitivity, lang: str) -> list[str]:
    """What each moved value changes: an issue a line, or a project's light before and after."""
    head = message("sensitivity.head.subject", lang)
    lines: list[str] = []
    if isinstance(s, IssueSensitivity):
        for r in s.rows:
            if r.changed and not r.error:
                lines.append(f"{head} {r.offset:+d} ({r.value}):")
                lines += [f"  {issue}" for issue in r.changed]
    else:
        for row in s.rows:
            if not row.changed or row.error:
                continue
            lines.append(f"{head} {row.offset:+d} ({_number(row.value)}):")
            lines += [
                "  "
                + message(
                    "sensitivity.change",
                    lang,
                    subject=key,
                    before=_light(before, lang),
                    after=_light(after, lang),
                )
                for key, before, after in row.changed
            ]
    return ["", *lines] if lines else []


def _width(text: str) -> int:
    """Columns on a terminal: a CJK character takes two."""
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _number(value: Decimal | Fraction | int | None) -> str:
    if value is None:
        return "none"
    if isinstance(value, Fraction):
        if value.denominator == 1:
            return str(value.numerator)
        return f"{value.numerator}/{value.denominator}"
    return str(value)


def _as_dict(s: Sensitivity | IssueSensitivity, policy: str) -> dict[str, Any]:
    if isinstance(s, IssueSensitivity):
        return {
            "as_of": s.as_of.isoformat(),
            "policy": policy,
            "parameter": s.parameter,
            "base": s.base,
            "rows": [
                {"offset": r.offset, "value": r.value, "error": r.error, "changed": list(r.changed)}
                for r in s.rows
            ],
        }
    return {
        "as_of": s.as_of.isoformat(),
        "policy": policy,
        "parameter": s.parameter,
        "step": _number(s.step),
        "base": None if s.base is None else _number(s.base),
        "rows": [
            {
                "offset": r.offset,
                "value": None if r.value is None else _number(r.value),
                "error": r.error,
                "counts": {
                    "green": r.counts.green,
                    "yellow": r.counts.yellow,
                    "red": r.counts.red,
                    "not_judged": r.counts.not_judged,
                },
                "changed": [
                    {
                        "project": key,
                        "before": None if a is None else a.value,
                        "after": None if b is None else b.value,
                    }
                    for key, a, b in r.changed
                ],
            }
            for r in s.rows
        ],
    }
