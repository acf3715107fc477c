"""The JSON form of model values and the ledger file: exactness, paths in errors, files."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from projpush import io
from projpush.errors import LedgerError
from projpush.io import (
    LEDGER_FORMAT,
    dump_portfolio,
    from_dict,
    from_json,
    load_portfolio,
    to_dict,
    to_json,
)
from projpush.model import (
    Contact,
    EventKind,
    FrozenMap,
    Issue,
    Leader,
    Milestone,
    Month,
    Portfolio,
    Project,
    ProjectCode,
    Secretary,
    StageEvent,
    TaskForce,
    Unit,
    yi,
)

CODE = "2020-330200-47-03-012345"
D = dt.date


def sample() -> Portfolio:
    """A small Ningbo-like ledger touching every kind of value."""
    p = Project(
        code=CODE,
        name="机场快速路南延",
        level="city",
        category="infrastructure",
        stage="under_construction",
        region="海曙区",
        unit="市交通局",
        total_investment=yi("21.89"),
        annual_plans={2020: "50000"},
        monthly_plan={"2020-04": "4000", "2020-05": "4000"},
        monthly_done={"2020-05": "4793.30"},
        milestones=(
            Milestone("土地摘牌", D(2020, 6, 30), start=D(2020, 3, 1), percent=Decimal(40)),
            Milestone("桩基", D(2020, 4, 30), done=D(2020, 4, 28)),
        ),
        stage_events=(StageEvent("started", D(2020, 3, 1)),),  # type: ignore[arg-type]
    )
    q = Project(
        local_id="NB-7",
        name="港口扩建",
        level="county",
        category="industry",
        stage="planned",
        region="北仑区",
        unit="市港航局",
    )
    issue = Issue.collect(
        "Q-1", CODE, category="land", title="林地调规", on=D(2020, 9, 28), by="服务秘书 李军"
    ).step(
        EventKind.ASSIGNED,
        D(2020, 9, 29),
        "市重点办",
        tier="district",
        owner="中山区",
        deadline=D(2020, 10, 13),
    )
    return Portfolio(
        projects=(p, q),
        leaders=(Leader("张副市长", "city", "总指挥", (CODE, "NB-7")),),
        secretaries=(
            Secretary(
                "李军",
                "市发改委",
                (CODE,),
                cadences={CODE: "daily"},
                contacts=(Contact(CODE, D(2020, 5, 6)),),
            ),
        ),
        issues=(issue,),
        units=(Unit("市交通局"),),
        task_forces=(TaskForce("交通专班", "王局长", ("刘",), (CODE,)),),
    )


def broken(change) -> dict:
    """The sample's JSON value with one change applied in place."""
    data = to_dict(sample())
    change(data)
    return data


class TestEncoding:
    """The canonical JSON form."""

    def test_money_as_strings(self):
        """Decimals are strings, exactly as held (479.33 亿元 = 4793300.00 万元)."""
        data = to_dict(sample())
        project = data["projects"][0]
        assert "218900.00" == project["total_investment"]
        assert {"2020": "50000"} == project["annual_plans"]
        assert {"2020-04": "4000", "2020-05": "4000"} == project["monthly_plan"]
        assert "40" == project["milestones"][0]["percent"]

    def test_dates_months_codes_enums(self):
        """Dates ISO, months YYYY-MM, codes as text, enums by value."""
        data = to_dict(sample())
        assert ("2020-06-30", CODE, "city", "under_construction") == (
            data["projects"][0]["milestones"][0]["planned"],
            data["projects"][0]["code"],
            data["projects"][0]["level"],
            data["projects"][0]["stage"],
        )
        assert '"2020-05"' == to_json(Month(2020, 5))
        assert f'"{CODE}"' == to_json(ProjectCode.parse(CODE))

    def test_issue_status_is_not_stored(self):
        """An issue is its init fields; the status is derived on reading."""
        issue = to_dict(sample().issues[0])
        assert ["id", "project", "category", "title", "events", "difficulty"] == list(issue)
        assert ["collected", "assigned"] == [e["kind"] for e in issue["events"]]

    def test_chinese_is_not_escaped(self):
        """Chinese text is written as is and read back equal."""
        text = to_json(sample())
        assert "机场快速路南延" in text
        assert "\\u" not in text
        assert sample() == from_json(Portfolio, text)

    def test_indent(self):
        """indent gives one value per line."""
        assert '{\n  "name": "张",' in to_json(Leader("张", "city"), indent=2)

    def test_no_float_anywhere(self):
        """The document holds no JSON number with a fraction."""
        text = to_json(sample())
        assert not any(isinstance(v, float) for v in _leaves(json.loads(text)))

    def test_unencodable(self):
        """A float or datetime has no JSON form."""
        with pytest.raises(LedgerError, match=r"\$\[0\]: expected a value with a JSON form"):
            to_dict([1.5])
        with pytest.raises(LedgerError, match=r"expected a date, not a datetime"):
            to_dict(dt.datetime(2020, 1, 1))  # noqa: DTZ001

    def test_top_level_forms(self):
        """Months, codes and typed maps decode at the top level too."""
        plans = FrozenMap({2020: Decimal("1.5")})
        assert plans == from_json(FrozenMap[int, Decimal], to_json(plans))
        assert (Milestone("桩基", D(2020, 1, 1)),) == from_dict(
            tuple[Milestone, ...], [{"name": "桩基", "planned": "2020-01-01"}]
        )
        assert D(2020, 1, 1) == from_dict(dt.date, "2020-01-01")

    def test_top_level_leaves_convert_like_model_fields(self):
        """A top-level amount, text or flag is converted as a model field of that type is."""
        assert (Decimal("1.5"), "港口", True) == (
            from_dict(Decimal, "1.5"),
            from_dict(str, " 港口 "),
            from_dict(bool, data=True),
        )
        with pytest.raises(LedgerError, match=r"expected an amount >= 0, got '-1'"):
            from_dict(Decimal, "-1")
        with pytest.raises(LedgerError, match=r"expected true or false, got 'yes'"):
            from_dict(bool, "yes")

    def test_top_level_year_keys_use_the_model_range(self):
        """A year key outside 1900..2200 is refused at the top level, as in a project."""
        assert 2020 == from_dict(int, "2020")
        with pytest.raises(LedgerError, match=r'\$\["1800"\]: .*from 1900 to 2200, got 1800'):
            from_dict(FrozenMap[int, Decimal], {"1800": "1"})


def _leaves(value):
    if isinstance(value, dict):
        for v in value.values():
            yield from _leaves(v)
    elif isinstance(value, list):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


class TestErrorPaths:
    """A malformed value fails with the JSON path of the first bad value."""

    @pytest.mark.parametrize(
        ("change", "path", "message"),
        [
            (
                lambda d: d["projects"][0]["milestones"][0].update(planned="2020-02-01"),
                "$.projects[0].milestones[0].planned",
                r"milestone '土地摘牌': planned 2020-02-01 is before start 2020-03-01",
            ),
            (
                lambda d: d["projects"][1].update(level="national"),
                "$.projects[1].level",
                r"level: expected one of province \(省级\), city \(市级\)",
            ),
            (
                lambda d: d["projects"][0]["monthly_plan"].update({"2020-05": "-1"}),
                '$.projects[0].monthly_plan["2020-05"]',
                r"expected an amount >= 0, got '-1'",
            ),
            (
                lambda d: d["projects"][0]["monthly_plan"].update({"2020-13": "1"}),
                '$.projects[0].monthly_plan["2020-13"]',
                r"expected a month YYYY-MM",
            ),
            (
                lambda d: d["projects"][0].update(code="2020-33020-47-03-012345"),
                "$.projects[0].code",
                r"division part must be 6 digits, got '33020'",
            ),
            (
                lambda d: d["projects"][0].update(stage="completed"),
                "$.projects[0].stage",
                r"stage is 'completed' but the last stage event",
            ),
            (
                lambda d: d["projects"][0]["stage_events"][0].update(kind="resumed"),
                "$.projects[0].stage_events[0]",
                r"after no event, got 'resumed'",
            ),
            (
                lambda d: d["projects"].append(d["projects"][0]),
                "$.projects[2]",
                rf"duplicate key '{CODE}'",
            ),
            (
                lambda d: d["leaders"][0]["projects"].append("X"),
                "$.leaders[0].projects[2]",
                r"refers to unknown project 'X'",
            ),
            (
                lambda d: d["secretaries"][0]["contacts"][0].update(project="NB-7"),
                "$.secretaries[0].contacts[0].project",
                r"contacts\[0\] names 'NB-7', which they do not serve",
            ),
            (
                lambda d: d["issues"][0]["events"][1].update(at="2020-09-01"),
                "$.issues[0].events[1].at",
                r"time never goes backwards",
            ),
            (
                lambda d: d["issues"][0]["events"][1].update(kind="closed"),
                "$.issues[0].events[1].kind",
                r"cannot close an issue that is collected",
            ),
            (
                lambda d: d["issues"][0].update(project="X"),
                "$.issues[0].project",
                r"refers to unknown project 'X'",
            ),
            (
                lambda d: d["projects"][0].update(name=5),
                "$.projects[0].name",
                r"name: expected a non-empty string, got 5",
            ),
            (
                lambda d: d["projects"][0].update(milestones={"桩基": "2020-01-01"}),
                "$.projects[0].milestones",
                r"expected a JSON list, got a JSON object",
            ),
            (
                lambda d: d["projects"][0].update(annual_plans=["50000"]),
                "$.projects[0].annual_plans",
                r"expected a JSON object, got a JSON list",
            ),
            (
                lambda d: d.update(projects=[5]),
                "$.projects[0]",
                r"expected a JSON object for Project, got 5",
            ),
        ],
    )
    def test_path_and_model_message(self, change, path, message):
        """The error's field is the path; its message holds the path and the model's words."""
        with pytest.raises(LedgerError, match=message) as info:
            from_dict(Portfolio, broken(change))
        assert path == info.value.field
        assert str(info.value).startswith(f"{path}: ")

    def test_unknown_keys_are_named(self):
        """Keys the model does not know are an error, naming them."""
        data = broken(lambda d: d["projects"][0]["milestones"][1].update(owner="x", due="y"))
        with pytest.raises(
            LedgerError, match=r"unknown key\(s\) 'owner', 'due' for Milestone; known keys: name"
        ) as info:
            from_dict(Portfolio, data)
        assert "$.projects[0].milestones[1].owner" == info.value.field

    def test_missing_key(self):
        """A required key that is absent is named."""
        data = broken(lambda d: d["projects"][1].pop("region"))
        with pytest.raises(LedgerError, match=r"Project needs key 'region', which is missing"):
            from_dict(Portfolio, data)

    def test_defaults_may_be_left_out(self):
        """Keys with defaults may be absent from a document."""
        leader = from_dict(Leader, {"name": "张", "rank": "市级"})
        assert Leader("张", "city") == leader

    @pytest.mark.parametrize(
        ("change", "path"),
        [
            (
                lambda d: d["projects"][0].update(total_investment=479.33),
                "$.projects[0].total_investment",
            ),
            (
                lambda d: d["projects"][0]["annual_plans"].update({"2020": 479.33}),
                '$.projects[0].annual_plans["2020"]',
            ),
            (
                lambda d: d["projects"][0]["milestones"][0].update(percent=479.33),
                "$.projects[0].milestones[0].percent",
            ),
        ],
    )
    def test_float_money_is_rejected(self, change, path):
        """A number with a fraction where money belongs gets the MoneyTypeError advice."""
        with pytest.raises(
            LedgerError,
            match=r"(money|a percentage) must be exact; pass a Decimal or a string such as "
            r"Decimal\('479.33'\) "
            r"instead of the float 479.33",
        ) as info:
            from_dict(Portfolio, broken(change))
        assert path == info.value.field

    def test_float_in_json_text(self):
        """The same through JSON text."""
        text = '{"name": "张", "rank": "city", "projects": []}'
        assert Leader("张", "city") == from_json(Leader, text)
        text = to_json(sample()).replace('"218900.00"', "218900.5")
        with pytest.raises(LedgerError, match=r"^\$\.projects\[0\]\.total_investment: .*float"):
            from_json(Portfolio, text)

    @pytest.mark.parametrize(
        ("text", "where"),
        [
            ('{"name": "张",\n "rank": }', "line 2, column 10"),
            ('{"name": "张"', "line 1, column 13"),
            ("", "line 1, column 1"),
        ],
    )
    def test_bad_syntax(self, text, where):
        """Invalid JSON reports line and column."""
        with pytest.raises(LedgerError, match=rf"^\$: invalid JSON at {where}: "):
            from_json(Leader, text)

    def test_nan_literal(self):
        """NaN is not JSON, even though Python's json reads it."""
        with pytest.raises(LedgerError, match=r"NaN is not a JSON number"):
            from_json(Milestone, '{"name": "a", "planned": "2020-01-01", "percent": NaN}')

    def test_duplicate_keys(self):
        """A key given twice in one object is an error, not last-one-wins."""
        with pytest.raises(LedgerError, match=r"key 'name' appears more than once") as info:
            from_json(Leader, '{"name": "张", "name": "李", "rank": "city"}')
        assert "$.name" == info.value.field

    def test_top_level_leaf_errors(self):
        """A bad top-level month or code fails at $."""
        with pytest.raises(LedgerError, match=r"^\$: expected a month YYYY-MM"):
            from_json(Month, '"2020-13"')
        with pytest.raises(LedgerError, match=r"^\$: expected a JSON object for Leader"):
            from_json(Leader, "[]")

    @pytest.mark.parametrize(
        "data",
        [None, 5, "x", [], {"projects": None}, {"projects": [None]}, {"leaders": [{"name": []}]}],
    )
    def test_never_a_bare_error(self, data):
        """Junk of any shape is a LedgerError, never a bare KeyError or TypeError."""
        with pytest.raises(LedgerError):
            from_dict(Portfolio, data)


# Keys that are one key once normalised, each as a change of the sample ledger: the path of
# the later key, and the whole message naming both as given. tests/test_bulk.py checks that
# the trusted loader refuses each with the same error.
COLLIDING = [
    pytest.param(
        lambda d: d["projects"][0]["monthly_plan"].update({"2020-4": "1"}),
        '$.projects[0].monthly_plan["2020-4"]',
        "monthly_plan['2020-4']: expected each month once, got '2020-04' and '2020-4', "
        "which are the same month",
        id="month-key",
    ),
    pytest.param(
        lambda d: d["projects"][0]["annual_plans"].update({"２０２０": "1"}),
        '$.projects[0].annual_plans["２０２０"]',
        "annual_plans['２０２０']: expected each year once, got '2020' and '２０２０', "
        "which are the same year",
        id="year-key",
    ),
    pytest.param(
        lambda d: d["secretaries"][0]["cadences"].update({f"{CODE} ": "weekly"}),
        f'$.secretaries[0].cadences["{CODE} "]',
        f"cadences['{CODE} ']: expected each project key once, got '{CODE}' and '{CODE} ', "
        "which are the same project key",
        id="cadence-key",
    ),
    pytest.param(
        lambda d: d["leaders"][0]["projects"].append("ＮＢ-７"),
        "$.leaders[0].projects[2]",
        "projects[2]: expected each project key once, got 'NB-7' (projects[1]) and 'ＮＢ-７', "
        "which are the same project key",
        id="list-entry",
    ),
    pytest.param(
        lambda d: d["task_forces"][0].update(members=["王　五", "王 五"]),
        "$.task_forces[0].members[1]",
        "members[1]: expected each name once, got '王\\u3000五' (members[0]) and '王 五', "
        "which are the same name",
        id="list-name",
    ),
    pytest.param(
        lambda d: d.update(units=[{"name": "市　交通局"}, {"name": "市 交通局"}]),
        "$.units[1]",
        "units[1]: expected each name once, got '市\\u3000交通局' (units[0]) and '市 交通局', "
        "which are the same name",
        id="record-name",
    ),
    pytest.param(
        lambda d: d["projects"][1].update(local_id="2020—330200—47—03—012345"),
        "$.projects[1].local_id",
        "projects[1].local_id: expected a key no other project has, got local id "
        f"'2020—330200—47—03—012345', which names projects[0] too (its code '{CODE}')",
        id="code-local-id",
    ),
]


class TestKeysThatCollide:
    """Keys that are one key once normalised are refused, naming both; nothing is overwritten."""

    @pytest.mark.parametrize(("change", "path", "message"), COLLIDING)
    def test_refused_naming_both(self, change, path, message):
        """A DuplicateKeyError of the model, as a LedgerError at the later key's JSON path."""
        with pytest.raises(LedgerError) as info:
            from_dict(Portfolio, broken(change))
        assert f"{path}: {message}" == str(info.value)
        assert path == info.value.field

    def test_top_level_map(self):
        """A map decoded on its own refuses two keys of one month too."""
        with pytest.raises(LedgerError) as info:
            from_dict(FrozenMap[Month, Decimal], {"2020-05": "1", "２０２０-05": "2"})
        assert (
            "$[\"２０２０-05\"]: expected each key once, got '2020-05' and '２０２０-05', "
            "which are the same key"
        ) == str(info.value)

    def test_milestone_names(self):
        """Two milestones of one project whose names fold alike (an object-level check)."""

        def change(d):
            d["projects"][0]["milestones"][0]["name"] = "桩基１"
            d["projects"][0]["milestones"][1]["name"] = "桩基1"

        with pytest.raises(LedgerError) as info:
            from_dict(Portfolio, broken(change))
        assert (
            f"$.projects[0].milestones[1]: {CODE}: milestones[1]: expected each name once, "
            "got '桩基１' (milestones[0]) and '桩基1', which are the same name"
        ) == str(info.value)


class TestFreeText:
    """Free text comes back as typed; codes are folded."""

    def test_typed_text_is_kept(self):
        """Full-width punctuation, circled digits and compatibility characters stay."""
        data = broken(
            lambda d: d["projects"][1].update(name="①号楼（一期）㈱ 5m²", local_id="ＮＢ-７")
        )
        project = from_dict(Portfolio, data).projects[1]
        assert ("①号楼（一期）㈱ 5m²", "NB-7") == (project.name, project.local_id)
        assert "①号楼（一期）㈱ 5m²" == from_json(Project, to_json(project)).name


class TestFuzzFindings:
    """Inputs the loader fuzzer (tests/test_fuzz_loaders.py) found escaping as bare errors."""

    def test_number_beyond_the_digit_limit(self):
        """A 5,000-digit number is a LedgerError, not Python's bare int-limit ValueError."""
        with pytest.raises(LedgerError, match=r"^\$: a JSON number has more than 4300 digits"):
            from_json(Leader, '{"name": "张", "rank": "city", "role": ' + "9" * 5000 + "}")

    @pytest.mark.parametrize(
        ("text", "path"),
        [
            ('{"name": "\\ud800", "rank": "city"}', "$.name"),
            ('{"name": "张", "rank": "city", "projects": ["L-1", "a\\udfff"]}', "$.projects[1]"),
            ('{"name": "\ud800", "rank": "city"}', "$.name"),
        ],
    )
    def test_lone_surrogate_is_refused(self, text, path):
        """Text with a lone surrogate (escaped or raw) names its path: it could never be saved."""
        with pytest.raises(LedgerError, match=r"holds a lone surrogate \(U\+D[8F]") as info:
            from_json(Leader, text)
        assert path == info.value.field

    def test_lone_surrogate_in_a_file(self, tmp_path):
        """The same in a ledger file, at a mapping key's path."""
        path = tmp_path / "ledger.json"
        dump_portfolio(sample(), path)
        text = path.read_text(encoding="utf-8").replace('"daily"', '"dai\\udc00ly"')
        path.write_text(text, encoding="utf-8")
        with pytest.raises(LedgerError, match=r"holds a lone surrogate \(U\+DC00\)") as info:
            load_portfolio(path)
        assert f'$.secretaries[0].cadences["{CODE}"]' == info.value.field

    def test_surrogate_pair_is_one_character(self):
        """Both halves of an escape pair make one character, which is kept."""
        text = '{"name": "\\ud83d\\ude00", "rank": "city"}'
        assert Leader("\U0001f600", "city") == from_json(Leader, text)

    def test_dump_refuses_a_lone_surrogate(self, tmp_path):
        """A lone surrogate in a Python-built value is refused at its path; nothing is written."""
        path = tmp_path / "ledger.json"
        bad = Portfolio(leaders=(Leader("\ud800", "city"),))
        with pytest.raises(LedgerError, match=r"^\$\.leaders\[0\]\.name: '\\ud800' holds"):
            dump_portfolio(bad, path)
        assert [] == list(tmp_path.iterdir())


class TestLedgerFile:
    """dump_portfolio / load_portfolio."""

    def test_round_trip(self, tmp_path):
        """A dumped ledger loads back equal, as UTF-8 with Chinese unescaped."""
        path = tmp_path / "ledger.json"
        dump_portfolio(sample(), path)
        assert sample() == load_portfolio(path)
        text = path.read_text(encoding="utf-8")
        document = json.loads(text)
        assert (LEDGER_FORMAT, 1) == (document["format"], document["version"])
        assert [
            "format",
            "version",
            "projects",
            "leaders",
            "secretaries",
            "issues",
            "units",
            "task_forces",
        ] == list(document)
        assert "机场快速路南延" in text
        assert text.endswith("}\n")
        assert [path] == list(tmp_path.iterdir())

    def test_byte_order_mark(self, tmp_path):
        """A UTF-8 BOM (as Windows editors write) is tolerated."""
        path = tmp_path / "ledger.json"
        dump_portfolio(sample(), path)
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
        assert sample() == load_portfolio(path)

    def test_empty_lists_may_be_left_out(self, tmp_path):
        """A ledger with only the header is an empty portfolio."""
        path = tmp_path / "ledger.json"
        path.write_text('{"format": "projpush-ledger", "version": 1}', encoding="utf-8")
        assert Portfolio() == load_portfolio(path)

    @pytest.mark.parametrize(
        ("document", "message"),
        [
            ({"version": 1}, r"\$\.format: expected 'projpush-ledger', got None"),
            (
                {"format": "other", "version": 1},
                r"\$\.format: expected 'projpush-ledger', got 'other'",
            ),
            ({"format": "projpush-ledger", "version": 2}, r"\$\.version: expected 1, got 2"),
            ({"format": "projpush-ledger", "version": True}, r"\$\.version: expected 1, got True"),
            (
                {"format": "projpush-ledger", "version": 1, "problems": []},
                r"\$: unknown key\(s\) 'problems' for Portfolio",
            ),
            ([], r"\$: expected a JSON object \(a projpush ledger\), got a JSON list"),
        ],
    )
    def test_bad_header(self, tmp_path, document, message):
        """The format, the version and the top-level keys are checked."""
        path = tmp_path / "ledger.json"
        path.write_text(json.dumps(document), encoding="utf-8")
        with pytest.raises(LedgerError, match=message):
            load_portfolio(path)

    def test_error_path_in_a_file(self, tmp_path):
        """A bad value deep in a file is reported at its path."""
        path = tmp_path / "ledger.json"
        dump_portfolio(sample(), path)
        path.write_text(
            path.read_text(encoding="utf-8").replace('"2020-06-30"', '"2020-06-31"'),
            encoding="utf-8",
        )
        with pytest.raises(LedgerError) as info:
            load_portfolio(path)
        assert "$.projects[0].milestones[0].planned" == info.value.field

    def test_not_utf8(self, tmp_path):
        """A file in another encoding (GBK) is reported, not misread."""
        path = tmp_path / "ledger.json"
        path.write_bytes('{"format": "项目"}'.encode("gbk"))
        with pytest.raises(LedgerError, match=r"the document is not UTF-8"):
            load_portfolio(path)

    def test_bad_syntax_in_a_file(self, tmp_path):
        """Syntax errors in a file give line and column."""
        path = tmp_path / "ledger.json"
        path.write_text('{\n  "format": "projpush-ledger",\n  "version": 1,\n}', encoding="utf-8")
        with pytest.raises(LedgerError, match=r"invalid JSON at line 4, column 1"):
            load_portfolio(path)


def write_text(path: Path, text: str, *, encoding: str, newline: str) -> None:
    """Text written as the CSV ledger writes its files: encoded, then moved into place."""
    io._atomic_write_bytes(path, io._encoded(path, text, encoding=encoding, newline=newline))


class TestAtomicWrite:
    """The one atomic-write helper behind JSON and CSV ledger files."""

    @pytest.mark.parametrize("portfolio", [sample(), Portfolio()], ids=["sample", "empty"])
    def test_dump_is_one_json_document(self, tmp_path: Path, portfolio: Portfolio) -> None:
        """Written a record at a time, the file is the whole document's json.dumps."""
        dump_portfolio(portfolio, tmp_path / "l.json")
        document = {"format": LEDGER_FORMAT, "version": 1, **to_dict(portfolio)}
        expected = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        assert expected == (tmp_path / "l.json").read_text(encoding="utf-8")

    def test_dump_failing_late_writes_nothing(self, tmp_path: Path) -> None:
        """A bad text in the last record: a LedgerError at its path, the old file kept."""
        target = tmp_path / "l.json"
        target.write_text("old", encoding="utf-8")
        bad = attrs.evolve(sample(), units=(Unit("市交通局"), Unit("乙\ud800")))
        with pytest.raises(LedgerError, match=r"^\$\.units\[1\]\.name: "):
            dump_portfolio(bad, target)
        assert (["l.json"], "old") == (
            sorted(p.name for p in tmp_path.iterdir()),
            target.read_text(encoding="utf-8"),
        )

    def test_unencodable_text_writes_nothing(self, tmp_path: Path) -> None:
        """Text the encoding cannot hold is a LedgerError at its line; the old file stays."""
        target = tmp_path / "a.csv"
        target.write_text("old", encoding="utf-8")
        with pytest.raises(
            LedgerError, match=r"^a\.csv:2: '\\ud800' cannot be written in utf-8-sig"
        ):
            write_text(target, "甲\n乙\ud800\n", encoding="utf-8-sig", newline="\r\n")
        assert (["a.csv"], "old") == (
            sorted(p.name for p in tmp_path.iterdir()),
            target.read_text(encoding="utf-8"),
        )

    def test_writes_with_encoding_and_newline(self, tmp_path: Path) -> None:
        """The text lands whole, in the encoding and line ending asked for."""
        target = tmp_path / "a.csv"
        write_text(target, "甲\n", encoding="utf-8-sig", newline="\r\n")
        assert "\ufeff甲\r\n".encode() == target.read_bytes()

    def test_failure_leaves_no_temporary_file(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """When the move fails, the old file stays and no temporary file is left."""
        target = tmp_path / "ledger.json"
        target.write_text("old", encoding="utf-8")

        def refuse(self: Path, other: Path) -> Path:
            raise OSError("disk full")

        monkeypatch.setattr(Path, "replace", refuse)
        with pytest.raises(OSError, match="disk full"):
            write_text(target, "new", encoding="utf-8", newline="\n")
        assert (["ledger.json"], "old") == (
            sorted(p.name for p in tmp_path.iterdir()),
            target.read_text(encoding="utf-8"),
        )


class TestWrittenFileMode:
    """Atomic writes keep what a plain open() would: the umask, the mode, the link."""

    @pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
    def test_new_file_follows_the_umask(self, tmp_path: Path, umask: int) -> None:
        """A new file gets 0o666 & ~umask, not mkstemp's 0o600."""
        old = os.umask(umask)
        try:
            dump_portfolio(sample(), tmp_path / "l.json")
        finally:
            os.umask(old)
        assert 0o666 & ~umask == stat.S_IMODE((tmp_path / "l.json").stat().st_mode)

    @pytest.mark.parametrize("mode", [0o640, 0o644, 0o600, 0o664])
    def test_existing_file_keeps_its_mode(self, tmp_path: Path, mode: int) -> None:
        """Rewriting a file keeps its permission bits, whatever the umask."""
        target = tmp_path / "l.json"
        target.write_text("old", encoding="utf-8")
        target.chmod(mode)
        dump_portfolio(sample(), target)
        assert mode == stat.S_IMODE(target.stat().st_mode)
        assert load_portfolio(target) == sample()

    def test_symlink_writes_its_target(self, tmp_path: Path) -> None:
        """Through a symlink, the target file is replaced and the link stays a link."""
        real = tmp_path / "store" / "ledger.json"
        real.parent.mkdir()
        real.write_text("old", encoding="utf-8")
        real.chmod(0o640)
        link = tmp_path / "ledger.json"
        link.symlink_to(Path("store") / "ledger.json")
        dump_portfolio(sample(), link)
        assert link.is_symlink()
        assert (real.parent / "ledger.json") == link.resolve()
        assert load_portfolio(real) == sample()
        assert 0o640 == stat.S_IMODE(real.stat().st_mode)
        assert ["ledger.json", "store"] == sorted(p.name for p in tmp_path.iterdir())
        assert ["ledger.json"] == [p.name for p in real.parent.iterdir()]

    def test_dangling_symlink_creates_its_target(self, tmp_path: Path) -> None:
        """A link to a file not yet there: the file is created where the link points."""
        link = tmp_path / "ledger.json"
        link.symlink_to(tmp_path / "real.json")
        dump_portfolio(Portfolio(), link)
        assert link.is_symlink()
        assert load_portfolio(tmp_path / "real.json") == Portfolio()

    def test_csv_ledger_files_follow_the_umask(self, tmp_path: Path) -> None:
        """Every file of a CSV ledger folder gets the umask's mode too."""
        from projpush.csvledger import dump_csv_ledger  # noqa: PLC0415

        old = os.umask(0o027)
        try:
            dump_csv_ledger(sample(), tmp_path / "csv")
        finally:
            os.umask(old)
        modes = {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "csv").iterdir()}
        assert {0o640} == modes

    def test_umask_is_read_without_a_change(self) -> None:
        """The umask helper reports the process's umask and leaves it as it was."""
        old = os.umask(0o037)
        try:
            assert 0o037 == io._umask()
            assert 0o037 == os.umask(0o037)
        finally:
            os.umask(old)

    def test_umask_without_proc(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """Where /proc is missing, the umask is set and restored at once."""
        real_open = Path.open

        def no_proc(self: Path, *args: object, **kwargs: object) -> object:
            if str(self).startswith("/proc"):
                raise FileNotFoundError(str(self))
            return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

        monkeypatch.setattr(Path, "open", no_proc)
        old = os.umask(0o026)
        try:
            assert 0o026 == io._umask()
            assert 0o026 == os.umask(0o026)
        finally:
            os.umask(old)
