"""The trusted bulk path of the JSON ledger loader: same values, same errors, less work."""

from __future__ import annotations

import codecs
import json
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings

import test_io
from projpush import _bulk
from projpush.csvledger import dump_csv_ledger
from projpush.errors import LedgerError
from projpush.io import dump_portfolio, load_portfolio, to_dict
from projpush.ledger import load_ledger
from projpush.synth import sample_portfolio, synthetic_portfolio
from projpush.testing import portfolios
from test_io import broken, sample

if TYPE_CHECKING:
    from pathlib import Path

    from projpush.model import Portfolio

CASES = test_io.TestErrorPaths.test_path_and_model_message.pytestmark[0].args[1]


def both(path: Path) -> tuple[Portfolio, Portfolio]:
    return load_portfolio(path, trusted=True), load_portfolio(path)


def write(tmp_path: Path, data: object, name: str = "ledger.json") -> Path:
    path = tmp_path / name
    document = {"format": "projpush-ledger", "version": 1, **data}  # type: ignore[dict-item]
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


class TestSameValues:
    """A valid ledger gives equal values, derived ones included, on either path."""

    @pytest.mark.parametrize("make", [sample, sample_portfolio, lambda: synthetic_portfolio(60)])
    def test_known_ledgers(self, tmp_path, make):
        """The io sample, the bundled sample city and a synthetic ledger."""
        original = make()
        dump_portfolio(original, tmp_path / "l.json")
        trusted, checked = both(tmp_path / "l.json")
        assert checked == trusted
        assert original == trusted
        assert [i.status for i in checked.issues] == [i.status for i in trusted.issues]

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(portfolio=portfolios())
    def test_any_portfolio(self, tmp_path, portfolio):
        """Hypothesis portfolios: the trusted load equals the checked one."""
        dump_portfolio(portfolio, tmp_path / "p.json")
        trusted, checked = both(tmp_path / "p.json")
        assert checked == trusted
        assert [i.status for i in checked.issues] == [i.status for i in trusted.issues]

    def test_loose_forms_convert_as_checked(self, tmp_path):
        """Chinese enum labels, full-width digits and spaces go through the same converters."""
        data = to_dict(sample())
        data["projects"][0].update(level="市级", total_investment=" ２１８９００ ")
        data["projects"][0]["monthly_plan"] = {"2020-4": "4000", "2020-05": "4,000"}
        path = write(tmp_path, data)
        trusted, checked = both(path)
        assert checked == trusted
        assert "218900" == str(trusted.projects[0].total_investment)

    @pytest.mark.parametrize("chunk", [1, 7, 4096])
    def test_any_chunk_size(self, tmp_path, monkeypatch, chunk):
        """Records and numbers cut by a chunk's end are read whole."""
        monkeypatch.setattr(_bulk._Reader, "CHUNK", chunk)
        dump_portfolio(sample_portfolio(), tmp_path / "l.json")
        trusted, checked = both(tmp_path / "l.json")
        assert checked == trusted

    @pytest.mark.parametrize("chunk", [1, 2, 4096])
    def test_byte_order_mark(self, tmp_path, monkeypatch, chunk):
        """A UTF-8 byte order mark is skipped, even when a chunk's end cuts it."""
        monkeypatch.setattr(_bulk._Reader, "CHUNK", chunk)
        path = tmp_path / "l.json"
        dump_portfolio(sample_portfolio(), path)
        path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())
        trusted, checked = both(path)
        assert (checked, "海曙区") == (trusted, trusted.projects[0].region)

    def test_equal_texts_share_one_value(self, tmp_path):
        """A date or an amount written many times is one object in memory."""
        dump_portfolio(synthetic_portfolio(40), tmp_path / "s.json")
        portfolio = load_portfolio(tmp_path / "s.json", trusted=True)
        units = {id(p.unit) for p in portfolio.projects}
        assert len(units) == len({p.unit for p in portfolio.projects})
        months = [m for p in portfolio.projects for m in p.monthly_plan]
        assert len({id(m) for m in months}) == len(set(months))

    def test_caches_are_emptied(self, tmp_path):
        """After a load, good or bad, the module keeps no values of it."""
        dump_portfolio(sample(), tmp_path / "l.json")
        load_portfolio(tmp_path / "l.json", trusted=True)
        assert all(not cache for cache in _bulk._CACHES)
        bad = write(tmp_path, broken(lambda d: d["projects"][0].update(name=5)), "bad.json")
        with pytest.raises(LedgerError):
            load_portfolio(bad, trusted=True)
        assert all(not cache for cache in _bulk._CACHES)


class TestSameErrors:
    """A malformed ledger fails as it does on the checked path, JSON path and all."""

    @pytest.mark.parametrize(("change", "path", "message"), CASES)
    def test_error_paths(self, tmp_path, change, path, message):
        """Each malformed record, object-level checks included: the same LedgerError."""
        ledger = write(tmp_path, broken(change))
        with pytest.raises(LedgerError, match=message) as checked:
            load_portfolio(ledger)
        with pytest.raises(LedgerError) as trusted:
            load_portfolio(ledger, trusted=True)
        assert str(checked.value) == str(trusted.value)
        assert checked.value.field == trusted.value.field

    @pytest.mark.parametrize(
        ("text", "where"),
        [
            (b"\xff\xfe", "$"),
            (b"[1, 2]", "$"),
            (b'{"format": "other", "version": 1}', "$.format"),
            (b'{"format": "projpush-ledger", "version": true}', "$.version"),
            (b'{"format": "projpush-ledger", "version": 1, "projects": {}}', "$.projects"),
            (b'{"format": "projpush-ledger", "version": 1, "extra": []}', "$.extra"),
            (b'{"format": "projpush-ledger", "version": 1, "issues": [1e999]}', "$"),
            (b'{"format": "projpush-ledger", "version": 1, "issues": [],}', "$"),
            (b'{"format": "projpush-ledger", "version": 1, "issues": [{},]}', "$"),
            (b'{"format": "projpush-ledger", "version": 1, "issues": [] "units": []}', "$"),
            (b'{"format": "projpush-ledger", "version": 1} []', "$"),
            (b'{"format": "projpush-ledger", "version": 1, "units": [{"name": "\\ud800"}]}', "$"),
        ],
    )
    def test_document_errors(self, tmp_path, text, where):
        """Not JSON, not a ledger, not this version: the checked path's error."""
        path = tmp_path / "bad.json"
        path.write_bytes(text)
        with pytest.raises(LedgerError) as checked:
            load_portfolio(path)
        with pytest.raises(LedgerError) as trusted:
            load_portfolio(path, trusted=True)
        assert str(checked.value) == str(trusted.value)
        assert (checked.value.field or "").startswith(where)


class TestCollidingKeys:
    """Keys that are one key once normalised: the trusted path refuses them as the checked one."""

    @pytest.mark.parametrize(("change", "path", "message"), test_io.COLLIDING)
    def test_same_error(self, tmp_path, change, path, message):
        """Map keys, list entries, names and codes against local ids: one error, either path."""
        ledger = write(tmp_path, broken(change))
        with pytest.raises(LedgerError) as checked:
            load_portfolio(ledger)
        with pytest.raises(LedgerError) as trusted:
            load_portfolio(ledger, trusted=True)
        assert f"{path}: {message}" == str(checked.value) == str(trusted.value)
        assert path == checked.value.field == trusted.value.field

    def test_free_text_and_codes_as_checked(self, tmp_path):
        """Free text kept as typed, codes folded: the same values on the trusted path."""
        data = to_dict(sample())
        data["projects"][1].update(name="①号楼（一期）㈱ 5m²", local_id=" ＮＢ-７ ")
        data["leaders"][0]["projects"][1] = "ＮＢ-７"
        data["task_forces"][0]["members"] = ["王　五", "㈱"]
        trusted, checked = both(write(tmp_path, data))
        assert checked == trusted
        assert ("①号楼（一期）㈱ 5m²", "NB-7") == (
            trusted.projects[1].name,
            trusted.projects[1].key,
        )
        assert ("王　五", "㈱") == trusted.task_forces[0].members


class TestLoadLedger:
    """``load_ledger(..., trusted=True)``: JSON files take the bulk path, CSV folders never."""

    def test_json_file(self, tmp_path):
        """A JSON ledger loads equal through either path."""
        dump_portfolio(sample_portfolio(), tmp_path / "l.json")
        assert load_ledger(tmp_path / "l.json") == load_ledger(tmp_path / "l.json", trusted=True)

    def test_csv_folder_is_always_checked(self, tmp_path):
        """An object-level slip in a CSV folder fails even when trusted is asked for."""
        data = broken(lambda d: d["projects"][0]["milestones"][0].update(planned="2020-02-01"))
        dump_csv_ledger(sample(), tmp_path / "csv")
        milestones = tmp_path / "csv" / "milestones.csv"
        planned = data["projects"][0]["milestones"][0]
        text = milestones.read_text("utf-8-sig").replace("2020-06-30", planned["planned"], 1)
        milestones.write_text(text, "utf-8")
        with pytest.raises(LedgerError, match="before start"):
            load_ledger(tmp_path / "csv", trusted=True)
