"""Tests of docs/ledger.schema.json, the JSON Schema of the JSON ledger, against projpush.io."""

from __future__ import annotations

import copy
import importlib.util
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given

from projpush import io
from projpush.errors import LedgerError
from projpush.model import Month, Portfolio, Project
from strategies import portfolios

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_FILE = ROOT / "docs" / "ledger.schema.json"
SAMPLE_FILE = ROOT / "src" / "projpush" / "data" / "sample_ledger.json"


def _load_script() -> Any:
    spec = importlib.util.spec_from_file_location("make_schema", ROOT / "bench" / "make_schema.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_schema = _load_script()
SCHEMA = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
VALIDATOR = jsonschema.Draft202012Validator(
    SCHEMA, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
)
SAMPLE = json.loads(SAMPLE_FILE.read_text(encoding="utf-8"))


def errors(document: object) -> list[str]:
    return [e.message for e in VALIDATOR.iter_errors(document)]


def document_of(portfolio: Portfolio) -> dict[str, Any]:
    return {"format": io.LEDGER_FORMAT, "version": io.LEDGER_VERSION, **io.to_dict(portfolio)}


def project_doc(**changes: object) -> dict[str, Any]:
    """A minimal one-project ledger, with ``changes`` applied to the project."""
    project = {
        "name": "港口扩建",
        "level": "county",
        "category": "industry",
        "stage": "planned",
        "region": "北仑区",
        "unit": "市港航局",
        "local_id": "NB-7",
    }
    project.update(changes)
    return {"format": "projpush-ledger", "version": 1, "projects": [project]}


def io_rejects(document: dict[str, Any]) -> bool:
    try:
        io.from_dict(Portfolio, io.parse_ledger_document(json.dumps(document)))
    except LedgerError:
        return True
    return False


class TestGenerated:
    """The committed schema is what bench/make_schema.py generates from the model now."""

    def test_file_is_up_to_date(self) -> None:
        """A model change without regenerating the file fails here."""
        assert make_schema.render() == SCHEMA_FILE.read_text(encoding="utf-8")

    def test_is_a_valid_draft_2020_12_schema(self) -> None:
        """The schema itself passes the draft 2020-12 meta-schema."""
        jsonschema.Draft202012Validator.check_schema(SCHEMA)
        assert "https://json-schema.org/draft/2020-12/schema" == SCHEMA["$schema"]

    def test_required_keys_are_fields_without_defaults(self) -> None:
        """Required keys follow the attrs defaults, as io.py reads them."""
        defs = SCHEMA["$defs"]
        assert ["name", "level", "category", "stage", "region", "unit"] == defs["Project"][
            "required"
        ]
        assert ["at", "kind", "actor", "from_state", "to_state"] == defs["IssueEvent"]["required"]
        assert ["id", "project", "category", "title", "events"] == defs["Issue"]["required"]
        assert ["format", "version"] == SCHEMA["required"]

    def test_derived_fields_are_not_keys(self) -> None:
        """An issue's status is derived, so it is no key of the schema."""
        assert "status" not in SCHEMA["$defs"]["Issue"]["properties"]

    def test_every_object_is_closed(self) -> None:
        """Every object refuses unknown keys, as io.py does."""
        objects = [d for d in SCHEMA["$defs"].values() if d.get("type") == "object"]
        assert 12 == len(objects)
        assert all(d["additionalProperties"] is False for d in [SCHEMA, *objects])

    def test_enums_list_the_model_values(self) -> None:
        """Enums are their values, in the model's order."""
        assert [
            "planned",
            "reserved",
            "under_construction",
            "suspended",
            "completed",
        ] == SCHEMA["$defs"]["Stage"]["enum"]

    def test_unknown_type_is_refused(self) -> None:
        """A field type the script cannot map is an error, not a silent gap."""
        with pytest.raises(TypeError, match="no JSON form for <class 'float'>"):
            make_schema._value(float, {})
        with pytest.raises(TypeError, match="no JSON form for the union"):
            make_schema._value(int | str | None, {})

    def test_check_reports_stale_then_write_fixes_it(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """``--check`` exits 1 on a stale or missing file; a plain run rewrites it."""
        target = tmp_path / "ledger.schema.json"
        monkeypatch.setattr(make_schema, "TARGET", target)
        assert 1 == make_schema.main(["--check"])
        target.write_text("{}\n", encoding="utf-8")
        assert 1 == make_schema.main(["--check"])
        assert "stale, run python bench/make_schema.py" in capsys.readouterr().out
        assert 0 == make_schema.main([])
        assert SCHEMA_FILE.read_bytes() == target.read_bytes()
        assert 0 == make_schema.main(["--check"])

    def test_check_reports_up_to_date(self, capsys: pytest.CaptureFixture[str]) -> None:
        """``--check`` exits 0 and writes nothing when the file is current."""
        assert 0 == make_schema.main(["--check"])
        assert "up to date" in capsys.readouterr().out


class TestValidDocuments:
    """Documents io.py writes validate."""

    def test_sample_ledger(self) -> None:
        """The bundled sample ledger validates."""
        assert [] == errors(SAMPLE)

    def test_minimal_and_empty_documents(self) -> None:
        """Keys with defaults may be left out; the lists too."""
        assert [] == errors(project_doc())
        assert [] == errors({"format": "projpush-ledger", "version": 1})

    def test_exponent_amounts_as_decimal_writes_them(self) -> None:
        """str(Decimal) writes very large or small amounts with an exponent."""
        project = Project(
            local_id="L-1",
            name="试验",
            level="city",
            category="social",
            stage="planned",
            region="海曙区",
            unit="市教育局",
            total_investment=Decimal("1E+3"),
            monthly_plan={Month(2020, 1): Decimal("0.0000001")},
        )
        document = document_of(Portfolio(projects=(project,)))
        assert "1E+3" == document["projects"][0]["total_investment"]
        assert {"2020-01": "1E-7"} == document["projects"][0]["monthly_plan"]
        assert [] == errors(document)

    def test_negative_zero(self) -> None:
        """A zero amount given as -0 is written in a form the schema admits."""
        project = project_doc(total_investment="-0")["projects"][0]
        document = document_of(Portfolio(projects=(Project(**project),)))
        assert [] == errors(document)

    @given(portfolios())
    def test_every_written_portfolio(self, portfolio: Portfolio) -> None:
        """Whatever portfolio io.py writes validates."""
        assert [] == errors(document_of(portfolio))


def _set(path: str, value: object) -> Any:
    """A mutation setting the value at ``path`` (keys and indexes separated by '/')."""

    def mutate(document: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        node: Any = document
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        node[int(last) if isinstance(node, list) else last] = value

    return mutate


BROKEN = {
    "float money": (_set("projects/0/total_investment", 1500.5), "is not of type 'string'"),
    "bad date pattern": (
        _set("projects/0/milestones/0/planned", "2020/06/30"),
        "does not match",
    ),
    "impossible date": (_set("projects/0/milestones/0/planned", "2020-06-31"), "is not a 'date'"),
    "bad month key": (_set("projects/0/monthly_plan", {"2020-13": "1"}), "does not match"),
    "bad year key": (_set("projects/0/annual_plans", {"20": "1"}), "does not match"),
    "bad code": (
        _set("projects/0/code", "2020-33020-47-03-012345"),
        "is not valid under any of the given schemas",
    ),
    "unknown enum value": (_set("projects/0/stage", "building"), "is not one of"),
    "unknown project key": (_set("projects/0/budget", "1"), "Additional properties"),
    "unknown top-level key": (_set("comment", "x"), "Additional properties"),
    "unknown issue event key": (_set("issues/0/events/0/when", "x"), "Additional properties"),
    "missing required key": (lambda d: d["projects"][0].pop("name"), "'name' is a required"),
    "empty name": (_set("projects/0/name", " "), "does not match"),
    "wrong format": (_set("format", "other-ledger"), "was expected"),
    "wrong version": (_set("version", 2), "was expected"),
    "boolean as text": (_set("projects/0/approvals/0/required", "yes"), "not of type 'boolean'"),
}


class TestBrokenDocuments:
    """Broken documents are rejected by the schema, and by io.py alike."""

    @pytest.mark.parametrize(("mutate", "message"), BROKEN.values(), ids=BROKEN.keys())
    def test_rejected(self, mutate: Any, message: str) -> None:
        """The schema names the problem; the ledger reader refuses the same document."""
        document = copy.deepcopy(SAMPLE)
        mutate(document)
        found = errors(document)
        assert any(message in e for e in found), found
        assert io_rejects(document)

    def test_sample_paths_exist(self) -> None:
        """The mutations above hit real values of the sample (not new keys by accident)."""
        project = SAMPLE["projects"][0]
        assert project["milestones"]
        assert project["approvals"]
        assert SAMPLE["issues"][0]["events"]

    @pytest.mark.parametrize(
        ("changes", "message"),
        [
            ({"stage": "谋划"}, "is not one of"),
            ({"total_investment": 1500}, "is not of type 'string'"),
            ({"total_investment": "1,500"}, "does not match"),
        ],
        ids=["Chinese enum label", "integer amount", "thousands separator"],
    )
    def test_canonical_form_only(self, changes: dict[str, object], message: str) -> None:
        """io.py reads some looser spellings; the schema admits only the form io.py writes."""
        document = project_doc(**changes)
        assert not io_rejects(document)
        assert any(message in e for e in errors(document))
