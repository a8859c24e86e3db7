"""The variables the guides document against those the roles and playbooks read, in English and Japanese.

The roles' variables are documented by their argument specs (``ansible-doc -t role``); the playbooks' own variables
(validated by each playbook's first play, ``playbooks/tasks/validate_*.yml``) had no reference at all: the getting-started
guides now list them with their defaults and allowed values. The remediation-safety guides' table of remedy switches
says which are on by default. Each table must name exactly the variables the collection reads, with the defaults the
playbooks and argument specs use, the same in both languages."""
from __future__ import annotations

import pathlib
import re
import typing as t

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[3]
GETTING_STARTED = {"en": ("docs/getting-started.md", "## Variables"), "ja": ("docs/ja/getting-started.md", "## 変数")}
SAFETY = {"en": ("docs/remediation-safety.md", {"on": True, "off": False}),
          "ja": ("docs/ja/remediation-safety.md", {"有効": True, "無効": False})}
_ROW = re.compile(r"^\|\s*`(?P<name>[a-z_]+)`\s*\|(?P<cells>.*)\|\s*$", re.M)
_DEFAULT = re.compile(r"\b(?P<name>[a-z_]+) \| default\((?P<value>'[^']*'|[a-z0-9_]+)(?:, true)?\)")


def _section(path: str, heading: str) -> str:
    """The text of one ``##`` section of a guide."""
    text = (ROOT / path).read_text(encoding="utf-8")
    start = text.index(heading + "\n")
    end = text.find("\n## ", start + len(heading))
    return text[start:end if end > 0 else len(text)]


def documented_playbook_variables(language: str) -> dict[str, str]:
    """Variable -> its default cell (the backticked value, or ``-``) in a getting-started guide's table."""
    path, heading = GETTING_STARTED[language]
    rows = {}
    for match in _ROW.finditer(_section(path, heading)):
        cells = [cell.strip() for cell in match["cells"].split("|")]
        rows[match["name"]] = cells[1].strip("`")
    return rows


def playbook_variables() -> set[str]:
    """The variables the playbooks read besides the roles' options: those their first play validates."""
    names: set[str] = {"verify_dir"}  # checked by an assert of validate_verify.yml, not by the validate action
    for path in (ROOT / "playbooks" / "tasks").glob("validate_*.yml"):
        for task in yaml.safe_load(path.read_text(encoding="utf-8")):
            names.update((task.get("winactivation.kms.validate") or {}).get("variables") or {})
    return names


def playbook_defaults() -> dict[str, set[str]]:
    """Variable -> every default the playbooks give it (``name | default(x)``), quotes removed."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / "playbooks").rglob("*.yml"):
        for match in _DEFAULT.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match["name"], set()).add(match["value"].strip("'"))
    return found


def role_options() -> dict[str, dict[str, t.Any]]:
    """Every option of every role's main entry point."""
    options: dict[str, dict[str, t.Any]] = {}
    for spec in (ROOT / "roles").glob("*/meta/argument_specs.yml"):
        options.update(yaml.safe_load(spec.read_text(encoding="utf-8"))["argument_specs"]["main"]["options"])
    return options


def documented_switches(language: str) -> dict[str, bool]:
    """Remedy switch -> on by default, from a remediation-safety guide's table (``on (`remediate_x`)``)."""
    path, words = SAFETY[language]
    text = (ROOT / path).read_text(encoding="utf-8")
    return {name: words[word] for word, name in re.findall(r"\|\s*(\S+) \(`(remediate_[a-z_]+)`\)\s*\|", text)}


@pytest.mark.parametrize("language", sorted(GETTING_STARTED))
def test_the_playbooks_variables_are_documented_with_their_defaults(language: str) -> None:
    documented = documented_playbook_variables(language)
    assert sorted(documented) == sorted(playbook_variables())
    defaults = playbook_defaults()
    wrong = {name: (cell, sorted(defaults.get(name, ()))) for name, cell in documented.items()
             if (cell == "-" and name in defaults and "" not in defaults[name])
             or (cell != "-" and cell not in defaults.get(name, ()))}
    assert wrong == {}


def test_both_languages_give_the_same_defaults() -> None:
    assert documented_playbook_variables("en") == documented_playbook_variables("ja")
    assert documented_switches("en") == documented_switches("ja")


def test_the_remedy_switches_table_matches_the_argument_specs() -> None:
    switches = {name: spec.get("default") for name, spec in role_options().items()
                if name.startswith("remediate_") and spec.get("type") == "bool"}
    assert documented_switches("en") == switches


def test_the_tables_are_read() -> None:
    """The readers above find what they look for (an empty table would make the comparisons pass)."""
    assert documented_switches("ja")["remediate_install_gvlk"] is False
    assert documented_playbook_variables("ja")["snapshot_expiring_days"] == "30"
    assert playbook_defaults()["remediate_kms_hosts"] == {"kms_hosts"}
