"""The installed `advisor` command, run as a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from advisor.index import Layout
from advisor.model import Answer

ADVISOR = Path(sys.executable).parent / "advisor"


def run(*args, data_dir=None, env_extra=None, check=True):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    if data_dir:
        env["ADVISOR_DATA_DIR"] = str(data_dir)
    env.update(env_extra or {})
    result = subprocess.run([str(ADVISOR), *args], capture_output=True, text=True, env=env, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def test_ask_json_matches_the_api_contract(corpus_settings, corpus_index):
    out = run("ask", "Welke productgroepen zijn prioritair voor sociale leveranciers?", "--json",
              data_dir=corpus_settings.data_dir)
    body = json.loads(out.stdout)
    assert set(body) >= {"answer", "language", "refused", "citations", "criteria", "verdict", "intake", "timings_ms"}
    assert Answer.model_validate(body).model_dump(mode="json") == body  # exactly the typed contract
    assert body["citations"] and all(c["quote"] in corpus_index.document_text(c["doc_id"]) for c in body["citations"])


def test_ask_ingests_the_bundled_corpus_on_first_use(tmp_path):
    out = run("ask", "Wat is social return?", data_dir=tmp_path / "fresh")
    assert f"no index yet in {tmp_path / 'fresh'}" in out.stderr and "[1]" in out.stdout and "Bronnen:" in out.stdout
    assert Layout(tmp_path / "fresh").exists() and (tmp_path / "fresh" / "CURRENT").is_file()


def test_ingest_and_search(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "clausules.md").write_text("# Sociale clausules\n\nEen sociale clausule verplicht werkervaringsplaatsen.\n",
                                       encoding="utf-8")
    out = run("ingest", str(docs), "--json", data_dir=tmp_path / "data")
    assert json.loads(out.stdout)["added"] == ["clausules"]
    out = run("search", "sociale clausule", data_dir=tmp_path / "data")
    assert out.stdout.startswith("1. [") and "clausules" in out.stdout


def test_bad_setting_exits_2_naming_the_variable(tmp_path):
    result = run("ask", "Wat is social return?", data_dir=tmp_path, env_extra={"ADVISOR_EMBEDDER": "bert-xl"},
                 check=False)
    assert result.returncode == 2
    assert "ADVISOR_EMBEDDER" in result.stderr and "unknown embedder 'bert-xl'" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_a_data_dir_the_index_goes_to_the_user_data_folder_not_the_current_one(tmp_path):
    """`advisor ask` in any folder leaves that folder alone and says where the index went."""
    here, xdg = tmp_path / "somewhere", tmp_path / "xdg"
    here.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")} | {"XDG_DATA_HOME": str(xdg)}
    result = subprocess.run([str(ADVISOR), "ask", "Wat is social return?"], cwd=here, env=env, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    data = xdg / "social-procurement-advisor"
    assert str(data) in result.stderr and Layout(data).exists()
    assert list(here.iterdir()) == []
    info = subprocess.run([str(ADVISOR), "info"], cwd=here, env=env, capture_output=True, text=True, timeout=60)
    assert f"data directory: {data}" in info.stdout and "index:" in info.stdout
    helptext = subprocess.run([str(ADVISOR), "--help"], cwd=here, env=env, capture_output=True, text=True, timeout=60)
    assert str(data) in helptext.stdout
