"""The one zh/en message catalogue: complete, consistent, and the only place words are written.

Each entry's two templates name the same facts; a Chinese template holds no
English word and an English one no Chinese (but the unit 万元, which the
English reports print too). Every enum a report can print is named in both
languages. And the report side's modules write no Chinese word of their
own: a string constant holding Chinese, outside a docstring, is a word that
bypasses the catalogue.
"""

from __future__ import annotations

import ast
import enum
import re
import string
from pathlib import Path

import pytest

from projpush import discipline, escalation, foresight, lights, messages, metrics, model
from projpush._convert import LabelledEnum
from projpush.errors import UnknownReferenceError, ValidationError
from projpush.lights import _CODES
from projpush.messages import CATALOGUE, enum_name, message, section, template
from projpush.model import _FINDING_FACTS, FindingKind

SRC = Path(messages.__file__).parent
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
ENGLISH = re.compile(r"[A-Za-z]{2,}")
# What a Chinese message may hold in Latin letters: the program's name, an environment
# variable, an option and its argument, the report's own acronyms, and Excel's date code.
ZH_LATIN = {"projpush", "PYTHONIOENCODING", "utf", "output", "FILE", "SPI", "CPI", "yyyy"}
EN_CJK = {"万", "元"}  # 万元, the ledger's unit, in English sentences as in Chinese ones

# Entries whose English quotes a library error (English only), which the Chinese says in
# its own words from the facts listed here.
SAID_OWN_WAY = {"reason.scope.no_plan": {"year"}}

# The modules whose words all come from the catalogue.
THROUGH_THE_CATALOGUE = (
    "report.py",
    "cli.py",
    "_csvreport.py",
    "_xlsx.py",
    "_page.py",
    "_notes.py",
    "_progress.py",
    "lights.py",
    "model.py",
    "metrics.py",
    "_foresight_text.py",
    "_columnar_lights.py",
    "discipline.py",
    "_html.py",
    "plot.py",
    "_whatif_text.py",
    "_csvforecast.py",
)


def fields(text: str) -> set[str]:
    """The named facts a template fills in (``{month:02d}`` names ``month``)."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def without_fields(text: str) -> str:
    return re.sub(r"\{[^{}]*\}", " ", text)


class TestEntries:
    """Every entry is a pair of templates over the same facts, each in its own language."""

    @pytest.mark.parametrize("key", sorted(CATALOGUE))
    def test_both_languages_name_the_same_facts(self, key: str) -> None:
        zh, en = CATALOGUE[key]
        if key in SAID_OWN_WAY:
            assert fields(zh) <= SAID_OWN_WAY[key], key
        else:
            assert fields(zh) == fields(en), key

    @pytest.mark.parametrize("key", sorted(CATALOGUE))
    def test_chinese_holds_no_english_word(self, key: str) -> None:
        zh, _ = CATALOGUE[key]
        assert set(ENGLISH.findall(without_fields(zh))) <= ZH_LATIN, key

    @pytest.mark.parametrize("key", sorted(CATALOGUE))
    def test_english_holds_no_chinese(self, key: str) -> None:
        _, en = CATALOGUE[key]
        assert set(CJK.findall(en)) <= EN_CJK, key

    @pytest.mark.parametrize("key", sorted(CATALOGUE))
    def test_no_identifier_is_shown(self, key: str) -> None:
        """A reader sees words, not snake_case names, in either language."""
        for text in CATALOGUE[key]:
            assert not re.search(r"\b[a-z]+_[a-z_]+\b", without_fields(text)), key

    def test_keys_are_dotted_sections(self) -> None:
        assert all(re.fullmatch(r"[a-z_]+(\.[A-Za-z0-9_]+)+", key) for key in CATALOGUE)


def labelled_enums() -> list[type[enum.Enum]]:
    """Every enum with Chinese labels, in every module a report reads."""
    found: dict[str, type[enum.Enum]] = {}
    for module in (model, lights, escalation, metrics, foresight, discipline):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, LabelledEnum):
                found[value.__name__] = value
    found.pop(LabelledEnum.__name__, None)
    return [found[name] for name in sorted(found)]


class TestEnumNames:
    """An enum's name for a reader: its Chinese label, and English words."""

    @pytest.mark.parametrize("cls", labelled_enums(), ids=lambda c: c.__name__)
    def test_every_member_is_named(self, cls: type[enum.Enum]) -> None:
        for member in cls:
            assert enum_name(member, "zh") == member.zh  # type: ignore[attr-defined]
            words = enum_name(member, "en")
            assert words
            assert "_" not in words

    def test_an_enum_the_catalogue_lacks_is_refused(self) -> None:
        class Colour(enum.Enum):
            MAUVE = "mauve"

        with pytest.raises(UnknownReferenceError, match="key"):
            enum_name(Colour.MAUVE, "zh")

    def test_no_enum_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="member"):
            enum_name("red", "zh")  # type: ignore[arg-type]


class TestLookUp:
    """:func:`message`, :func:`template` and :func:`section` refuse what they cannot say."""

    def test_a_message_with_its_facts(self) -> None:
        assert "台账中没有2021年的年度计划：投资数字为零" == message(
            "note.no_plans", "zh", year=2021
        )

    def test_an_unknown_key(self) -> None:
        with pytest.raises(UnknownReferenceError, match="key"):
            template("report.nothing", "zh")

    def test_an_unknown_language(self) -> None:
        with pytest.raises(ValidationError, match="lang"):
            message("report.red", "fr")

    def test_a_missing_fact(self) -> None:
        with pytest.raises(ValidationError, match="year"):
            message("note.no_plans", "zh", month=3)

    def test_a_section(self) -> None:
        assert {"green": "绿", "yellow": "黄", "red": "红", "none": "-"} == dict(
            section("mark", "zh")
        )

    def test_an_unknown_section(self) -> None:
        with pytest.raises(UnknownReferenceError, match="prefix"):
            section("nowhere", "en")


def chinese_constants(path: Path) -> list[tuple[int, str]]:
    """The string constants holding Chinese in a module, outside what is not a message.

    Not messages: docstrings and the strings documenting an attribute (an
    expression on its own), the enums' labels (``label(Level, {...})``: the
    domain's vocabulary, which the readers accept too, and which the
    catalogue takes from there), and argparse's ``help`` and
    ``description`` (the help is printed before any ``--lang`` is read).
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            skipped.add(id(node.value))
        exempt = (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "label"
        )
        parts = [node] if exempt else []
        if isinstance(node, ast.keyword) and node.arg in ("help", "description"):
            parts.append(node.value)
        for part in parts:
            skipped |= {id(n) for n in ast.walk(part)}
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skipped
        and CJK.search(node.value)
    ]


class TestOneCatalogue:
    """The report side writes no Chinese word of its own: its words are the catalogue's."""

    @pytest.mark.parametrize("name", THROUGH_THE_CATALOGUE)
    def test_no_words_of_its_own(self, name: str) -> None:
        assert [] == chinese_constants(SRC / name)

    def test_the_check_sees_a_word(self, tmp_path: Path) -> None:
        """The scan is not blind: a Chinese word in code is found, a docstring's is not."""
        module = tmp_path / "m.py"
        module.write_text(
            '"""模块。"""\n\ndef f():\n    """函数。"""\n    return "红灯"\n\n'
            'X = 1\n"""一个常量。"""\nlabel(Light, {"red": "红灯"})\n'
            'p.add_argument("--x", help="一图五表")\nY = f"{X}个"\n'
        )
        assert [(5, "红灯"), (11, "个")] == chinese_constants(module)

    def test_every_reason_code_is_said(self) -> None:
        """The lights' built-in reasons are exactly the catalogue's ``reason.*`` entries."""
        said = {tuple(key.split(".")[1:]) for key in CATALOGUE if key.startswith("reason.")}
        assert set(_CODES) == said

    def test_every_finding_names_its_facts(self) -> None:
        """A finding's sentences name exactly the facts the model requires of its kind."""
        for kind in FindingKind:
            zh, en = CATALOGUE[f"finding.{kind.value}"]
            assert fields(zh) == fields(en) == _FINDING_FACTS[kind], kind
