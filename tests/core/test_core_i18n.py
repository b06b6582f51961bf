"""The catalogue: Chinese and English have the same keys, and every key the code asks for exists.
A missing key shows on screen as the raw key (e.g. 'err.room_format'), which users notice at once."""
import re
import string
from pathlib import Path

import pytest

from core.auth.roles import PAGE_ROLES, Role
from core.i18n import CATALOGUES, EN, ZH, translate
from core.org.model import UnitStatus

ROOT = Path(__file__).resolve().parents[2]
SOURCE_FILES = sorted([ROOT / "app.py", *(ROOT / "pages").rglob("*.py"), *(ROOT / "ui").rglob("*.py"),
                       *(ROOT / "services").rglob("*.py"), *(ROOT / "core").rglob("*.py"),
                       *(ROOT / "db").rglob("*.py")])

T_CALL = re.compile(r"""\b(?:t|translate)\(\s*(["'])([^"'{}]+)\1""")
ERR_LITERAL = re.compile(r"""(["'])(err\.[A-Za-z0-9_.]+)\1""")
RAISE_WITH_FIELD = re.compile(r"""Error\(\s*["'](err\.[A-Za-z0-9_.]+)["']\s*,\s*field\s*=\s*["']([a-z0-9_]+)["']""")
# the field name is validate_name's second argument; the first may hold a call such as _pick(raw, "x")
NAME_FIELD = re.compile(r"""validate_name\((?:[^(),]|\([^()]*\))*,\s*(["'])([a-z0-9_]+)\1""")
# a validator's default field name (validate_phone(value, field="phone")) is named in its errors too
DEFAULT_FIELD = re.compile(r"""\bfield: str = (["'])([a-z0-9_]+)\1""")


def _scan(pattern) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in SOURCE_FILES:
        text = path.read_text(encoding="utf-8")
        for m in pattern.finditer(text):
            found.setdefault(m.group(2), []).append(str(path.relative_to(ROOT)))
    return found


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_source_files_are_found():
    names = {p.name for p in SOURCE_FILES}
    assert {"app.py", "rules.py", "users.py", "guard.py"} <= names


def test_chinese_and_english_have_identical_keys():
    assert set(ZH) - set(EN) == set(), "keys missing in English"
    assert set(EN) - set(ZH) == set(), "keys missing in Chinese"


def test_no_key_is_defined_by_two_sections():
    """A key in two modules' sections would show one module's message on the other's screen."""
    from collections import Counter

    from core.i18n import SECTIONS

    for lang in ("ZH", "EN"):
        seen = Counter(k for section in SECTIONS for k in getattr(section, lang))
        assert [k for k, n in seen.items() if n > 1] == [], lang


def test_no_empty_labels():
    for lang, catalogue in CATALOGUES.items():
        assert [k for k, v in catalogue.items() if not v.strip()] == [], lang


def test_both_languages_take_the_same_placeholders():
    differing = {k: (placeholders(ZH[k]), placeholders(EN[k])) for k in ZH
                 if k in EN and placeholders(ZH[k]) != placeholders(EN[k])}
    assert differing == {}


def test_every_literal_key_passed_to_t_exists():
    used = _scan(T_CALL)
    assert "login.title" in used  # the scan works
    missing = {k: sorted(set(v)) for k, v in used.items() if k not in ZH or k not in EN}
    assert missing == {}, "keys used in code but missing from core/i18n.py:\n" + "\n".join(
        f"  {k}  ({', '.join(v)})" for k, v in sorted(missing.items()))


def test_every_error_key_raised_in_code_exists():
    used = _scan(ERR_LITERAL)
    assert "err.room_format" in used and "err.conflict" in used
    missing = {k: sorted(set(v)) for k, v in used.items() if k not in ZH or k not in EN}
    assert missing == {}, "keys used in code but missing from core/i18n.py:\n" + "\n".join(
        f"  {k}  ({', '.join(v)})" for k, v in sorted(missing.items()))


def test_every_field_named_in_an_error_message_has_a_label():
    """Messages such as err.required show the field: “房号”不能为空。 never “room_no”不能为空。"""
    fields: dict[str, list[str]] = {}
    for path in SOURCE_FILES:
        text = path.read_text(encoding="utf-8")
        for m in RAISE_WITH_FIELD.finditer(text):
            key, field = m.group(1), m.group(2)
            if key in ZH and "field" in placeholders(ZH[key]):
                fields.setdefault(field, []).append(str(path.relative_to(ROOT)))
        for m in NAME_FIELD.finditer(text):  # validate_name raises err.required / err.too_long
            fields.setdefault(m.group(2), []).append(str(path.relative_to(ROOT)))
        for m in DEFAULT_FIELD.finditer(text):
            fields.setdefault(m.group(2), []).append(str(path.relative_to(ROOT)))
    assert {"phone", "area_m2", "building", "owner_name", "special_needs", "display_name"} <= set(fields)
    missing = {f"field.{f}": sorted(set(v)) for f, v in fields.items()
               if f"field.{f}" not in ZH or f"field.{f}" not in EN}
    assert missing == {}, "field labels missing from core/i18n.py:\n" + "\n".join(
        f"  {k}  ({', '.join(v)})" for k, v in sorted(missing.items()))


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_role_status_page_and_language_labels_exist(lang):
    catalogue = CATALOGUES[lang]
    keys = ([f"role.{r.value}" for r in Role] + [f"status.{s.value}" for s in UnitStatus]
            + [f"page.{p}" for p in PAGE_ROLES] + [f"lang.{code}" for code in CATALOGUES])
    assert [k for k in keys if k not in catalogue] == []


def test_unit_search_columns_have_labels():
    from db.org_queries import UNIT_COLUMNS

    columns = [c for c in UNIT_COLUMNS if c not in ("unit_id", "project_id")]   # the units page shows these
    assert len(columns) == 8
    for lang in CATALOGUES:
        assert [c for c in columns if f"units.col.{c}" not in CATALOGUES[lang]] == []


def test_translate_fills_parameters_and_field_labels():
    assert translate("err.required", "zh", field="room_no") == "“房号”不能为空。"
    assert translate("err.required", "en", field="room_no") == "“Room number” is required."
    assert translate("units.found", "en", n=3, limit=50).startswith("3 units found")


def test_translate_falls_back_visibly():
    assert translate("no.such.key", "zh") == "no.such.key"
    assert translate("page.home", "fr") == ZH["page.home"]      # unknown language: Chinese
    assert translate("units.found", "zh") == ZH["units.found"]  # missing params do not crash


def test_default_language_is_chinese():
    assert translate("page.home") == "首页"
