"""One grammar per kind of value: amounts, percents and shares, each with its own messages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import time
from decimal import Decimal
from fractions import Fraction

import pytest

from projpush import model
from projpush._convert import LabelledEnum, to_enum, to_money, to_percent, to_ratio
from projpush.errors import LedgerError, MoneyTypeError, PolicyError, ValidationError
from projpush.escalation import SheetPolicy
from projpush.io import load_portfolio
from projpush.lights import GapPolicy, LagPolicy
from projpush.metrics import Ratio
from projpush.model import Milestone

HUGE = ["1e999999999", "1E+999999999", "-1e999999999", "1e-999999999"]
_PROJECT = {
    "name": "港口扩建",
    "level": "city",
    "category": "industry",
    "stage": "planned",
    "region": "北仑区",
    "unit": "市港航局",
    "local_id": "NB-7",
}


class TestAmounts:
    """Amounts: digits, commas in threes, one point; what str(Decimal) writes reads back."""

    @pytest.mark.parametrize(
        ("text", "value"),
        [
            ("479.33", "479.33"),
            ("1,052.5", "1052.5"),
            ("１，０５２．５", "1052.5"),
            ("1E+3", "1E+3"),
            ("1E-7", "1E-7"),
            ("-5", "-5"),
            ("12,345,678", "12345678"),
        ],
    )
    def test_accepted(self, text, value):
        """The forms the docs list."""
        assert Decimal(value) == to_money(text, "amount")

    @pytest.mark.parametrize(
        "text", ["1_000", "1,05,2", "1,0000", "+5", ".5", "5.", "1.2.3", "١٢٣", "1 000", "1e"]
    )
    def test_refused(self, text):
        """Other separators, misplaced commas, signs, bare points, other scripts' digits."""
        with pytest.raises(ValidationError) as error:
            to_money(text, "amount")
        assert (
            f"amount: expected an amount in 万元 written in digits, such as 479.33 or 1,052.5, "
            f"got {text!r}"
        ) == str(error.value)

    @pytest.mark.parametrize("value", [Decimal("1E+999999999"), Decimal("1E-999999999")])
    def test_decimal_objects_are_bounded(self, value):
        """A Decimal passed to the API is bounded as text is."""
        with pytest.raises(ValidationError, match="below 10\\^16 万元, at most 12 places"):
            to_money(value, "amount")

    @pytest.mark.parametrize(
        "value", [Decimal("1E+16"), Decimal("1E+999999999"), Decimal("1.0000000000001")]
    )
    @pytest.mark.parametrize("field", ["annual_plans", "monthly_plan", "monthly_done"])
    def test_decimal_objects_in_a_map_are_bounded(self, value, field):
        """A Decimal in a project's amounts by year or month is bounded as a single amount is."""
        key = 2020 if field == "annual_plans" else "2020-05"
        with pytest.raises(ValidationError, match="below 10\\^16 万元, at most 12 places") as error:
            model.Project(**_PROJECT, **{field: {key: value}})
        assert error.value.field == f"{field}[{str(key)!r}]"

    def test_a_signed_zero_in_a_map_is_zero(self):
        """``Decimal("-0")`` in a map is stored as 0, as a single amount is."""
        project = model.Project(**_PROJECT, annual_plans={2020: Decimal("-0")})
        assert not project.annual_plans[2020].is_signed()


class TestPercents:
    """A percent complete has its own grammar and its own words."""

    @pytest.mark.parametrize(
        ("given", "value"),
        [("62.5", "62.5"), ("62.5%", "62.5"), ("６２．５％", "62.5"), (40, "40")],
    )
    def test_accepted(self, given, value):
        """Digits, one point, an optional % (full-width folded)."""
        assert Decimal(value) == Milestone("桩基", dt.date(2020, 3, 1), percent=given).percent

    @pytest.mark.parametrize("text", ["1e2", "1,000", "-5", "+5", "abc", "40 %%", "0x10"])
    def test_refused_in_its_own_words(self, text):
        """No exponent, sign or separator; the message says percentage, never 万元."""
        with pytest.raises(ValidationError) as error:
            to_percent(text, "percent")
        assert "万元" not in str(error.value)
        assert (
            "percent: expected a percentage from 0 to 100 written in digits, such as 62.5 or "
            f"'62.5%', got {text!r}"
        ) == str(error.value)

    def test_float(self):
        """A float is refused with the percentage's advice."""
        with pytest.raises(MoneyTypeError, match=r"^percent: a percentage must be exact"):
            to_percent(62.5, "percent")

    @pytest.mark.parametrize(
        "value", [Decimal("1E+999999999"), Decimal("NaN"), 10**5000], ids=["exp", "nan", "int"]
    )
    def test_huge(self, value):
        """Huge Decimals and ints are refused by their size, at once."""
        with pytest.raises(ValidationError, match=r"^percent: expected a percentage from 0 to 100"):
            to_percent(value, "percent")


class TestMessages:
    """A message never fails while it is built."""

    def test_an_int_too_long_to_print(self):
        """An int beyond Python's 4,300-digit printing limit is described, not printed."""
        with pytest.raises(ValidationError) as error:
            to_percent(10**100_000, "percent")
        assert (
            "percent: expected a percentage from 0 to 100, got an int of about 100001 digits"
            == (str(error.value))
        )


class TestShares:
    """Shares: n/d, decimals and percents; a huge exponent is refused, never computed."""

    @pytest.mark.parametrize(
        ("text", "value"),
        [("3/5", Fraction(3, 5)), ("0.6", Fraction(3, 5)), ("60%", Fraction(3, 5))],
    )
    def test_accepted(self, text, value):
        """The three forms."""
        assert value == to_ratio(text, "share")

    @pytest.mark.parametrize("text", [*HUGE, "1e3", "0x1", "½", "3/5/7", "-1/2", "", "1" * 65])
    def test_refused(self, text):
        """Exponents, other notations, a sign where none is allowed."""
        with pytest.raises(ValidationError) as error:
            to_ratio(text, "share")
        assert f"share: expected a share such as '3/5', '0.6' or '60%', got {text!r}" == str(
            error.value
        )

    def test_signed(self):
        """A growth rate or a number of points may be negative."""
        assert Fraction(-1, 2) == to_ratio("-1/2", "growth", signed=True)

    @pytest.mark.parametrize(
        "value", [Decimal("1E+999999999"), Decimal("1E-999999999"), 10**40, Fraction(1, 10**40)]
    )
    def test_huge_objects(self, value):
        """Objects too large to compute with are refused by their size."""
        with pytest.raises(ValidationError, match=r"\(at most 30 digits\)"):
            to_ratio(value, "share")

    @pytest.mark.parametrize(
        "make",
        [
            lambda v: GapPolicy(yellow_at=v, red_at=10**6),
            lambda v: GapPolicy(yellow_at=10, red_at=v),
            lambda v: LagPolicy(tolerance=v),
            lambda v: SheetPolicy(warnings=(v,)),
            lambda v: Milestone("桩基", dt.date(2020, 3, 1), percent=v),
            lambda v: Ratio(v, 1).percent(),
        ],
    )
    @pytest.mark.parametrize("value", [*HUGE, *(Decimal(h) for h in HUGE)])
    def test_refused_quickly(self, make, value):
        """Every share, percent and ratio field refuses a huge exponent at once."""
        start = time.perf_counter()
        with pytest.raises((PolicyError, ValidationError)):
            make(value)
        assert time.perf_counter() - start < 0.5


class TestEnums:
    """An enum error lists every value with its Chinese label; the enum reads labels."""

    @pytest.mark.parametrize(
        "cls",
        [
            c
            for c in vars(model).values()
            if isinstance(c, type) and issubclass(c, LabelledEnum) and c is not LabelledEnum
        ],
    )
    def test_error_lists_the_labels(self, cls):
        """``Cls("galaxy")`` and ``to_enum`` name each value and its label."""
        with pytest.raises(ValidationError) as error:
            cls("galaxy")
        listed = ", ".join(f"{m.value} ({m.zh})" for m in cls)
        assert f"{cls.__name__}: expected one of {listed}, got 'galaxy'" == str(error.value)
        with pytest.raises(ValidationError, match=re.escape(listed)):
            to_enum(cls, "galaxy", "field")

    def test_reads_a_label_or_a_name(self):
        """The constructor reads what a ledger may hold: the value, the name, the label."""
        assert model.Level.CITY == model.Level("市级") == model.Level("CITY") == model.Level("city")


class TestPathArguments:
    """A path that is no path, or names no file, is a ProjpushError."""

    def test_missing_file(self, tmp_path):
        """load_portfolio on a missing file or a folder: a LedgerError at path."""
        for target in (tmp_path / "none.json", tmp_path):
            with pytest.raises(LedgerError, match=r"^path: expected an existing JSON ledger file"):
                load_portfolio(target)

    @pytest.mark.parametrize("value", [None, b"x.json", 7, ""])
    def test_not_a_path(self, value):
        """None, bytes, a number or empty text: a ValidationError naming the argument."""
        with pytest.raises(
            ValidationError, match=r"^path: expected a path \(str or os\.PathLike\)"
        ):
            load_portfolio(value)


class TestRatiosInCsv:
    """A ratio is never written in a form a spreadsheet reads as a date."""

    @pytest.mark.parametrize("fmt", ["csv", "csv-fields"])
    def test_report_csv(self, fmt):
        """The sample's time schedule at the end of October is 5/6: no cell says n/d."""
        from projpush.report import build_report, render  # noqa: PLC0415
        from projpush.synth import SAMPLE_AS_OF, sample_portfolio  # noqa: PLC0415

        text = render(build_report(sample_portfolio(), SAMPLE_AS_OF), fmt=fmt)
        cells = [c for row in csv.reader(io.StringIO(text, newline="")) for c in row]
        assert cells
        assert [] == [c for c in cells if re.fullmatch(r"[-']?\d+/\d+(/\d+)?", c)]
