"""The template files in prompts/: loaded once, checked, and a broken copy fails naming file and entry."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from advisor.errors import ConfigError
from advisor.phrases import PROMPTS, RULES, phrases, render


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_template_file_loads_with_both_languages(name):
    data = phrases(name)
    assert set(data) == {"nl", "en"} and set(data["nl"]) == set(data["en"])


@pytest.fixture
def prompts_copy(tmp_path):
    shutil.copytree(Path(str(PROMPTS)), tmp_path, dirs_exist_ok=True)  # wherever the templates ship
    return tmp_path


def _edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize("name,old,new,message", [
    ("advice", 'why = "Waarom:"', 'why = "Waarom {reason}:"', r"advice.toml: \[nl\] why uses unknown placeholders \['reason'\]"),
    ("advice", 'why = "Waarom:"\n', "", r"advice.toml: \[en\] differs from the expected keys in \['why'\]"),
    ("answer", 'intro = "Dit zeggen', 'intro = "{question} Dit zeggen',
     r"answer.toml: \[nl\] intro uses unknown placeholders \['question'\]"),
    ("answer", "[en]", "[fr]", r"answer.toml: needs exactly the tables \['nl', 'en'\]"),
    ("llm", "Vraag: {question}", "Vraag:", r"llm.toml: \[nl\] answer uses \['context', 'passages'\], expected"),
])
def test_a_broken_template_file_names_the_file_and_entry(prompts_copy, name, old, new, message):
    _edit(prompts_copy / f"{name}.toml", old, new)
    with pytest.raises(ConfigError, match=message):
        phrases(name, prompts_copy)


def test_a_missing_value_names_the_template():
    with pytest.raises(ConfigError, match=r"prompts/advice.toml \[nl\] reason_priority: no value for 'group'"):
        render("advice", "nl", "reason_priority")
