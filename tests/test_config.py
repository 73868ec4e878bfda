from __future__ import annotations

from pathlib import Path

import pytest

from advisor.config import get_settings, load_settings
from advisor.errors import ConfigError


def test_defaults_and_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("ADVISOR_TOP_K", "7")
    get_settings.cache_clear()
    settings = get_settings()
    assert settings.top_k == 7 and settings.embedder == "none" and settings.fusion == "convex" and settings.data_dir == tmp_path / "data"


@pytest.mark.parametrize("overrides,message", [
    ({"embedder": "gpt-embed"}, "ADVISOR_EMBEDDER: Value error, unknown embedder 'gpt-embed': use one of e5, minilm, none, use"),
    ({"lexical_weight": 0, "embedder": "none"}, "no retriever left"),
    ({"top_k": 0}, "ADVISOR_TOP_K"),
    ({"max_citations": 0}, "ADVISOR_MAX_CITATIONS"),
])
def test_invalid_settings_name_the_variable_and_the_fix(overrides, message):
    with pytest.raises(ConfigError) as err:
        load_settings(**overrides)
    assert message in str(err.value)


def test_local_model_directory_is_accepted(tmp_path):
    assert load_settings(embedder=str(tmp_path)).embedder == str(tmp_path)


def test_default_data_dir_is_the_platform_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("ADVISOR_DATA_DIR")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert load_settings().data_dir == tmp_path / "xdg" / "social-procurement-advisor"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")   # the XDG rule: only absolute paths count
    assert load_settings().data_dir == Path.home() / ".local" / "share" / "social-procurement-advisor"
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "mine"))
    assert load_settings().data_dir == tmp_path / "mine"
