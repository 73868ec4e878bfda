"""Index safety: an ingest killed at any moment leaves the served version answering and the next
ingest completing; one writer at a time; queries answer during an ingest; the start-up check;
`advisor index verify|versions|rollback|backup|restore`. Real `advisor` processes throughout."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import httpx
import pytest

from advisor.config import BUNDLED_CORPUS, load_settings
from advisor.core import Advisor
from advisor.errors import IngestError
from advisor.index import Index, Layout, check, current_version
from ingest.pipeline import ingest, writer_lock
from ingest.versions import published, switch
from tests.server import running_server

ADVISOR = Path(sys.executable).with_name("advisor")
WORDS = ("aanbesteding sociale economie maatwerkbedrijf doelgroepwerknemer uitvoeringsvoorwaarde "
         "gunningscriterium raamovereenkomst perceel onderaanneming werkervaring leerplaats "
         "schoonmaak catering groenonderhoud kantoorbenodigdheden circulair duurzaam").split()


def _env(data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    return env | {"ADVISOR_DATA_DIR": str(data_dir), **extra}


def _write_extra(folder: Path, variant: int, documents: int = 30, sections: int = 25) -> None:
    """Markdown documents of Dutch-like text; each variant changes every document."""
    rng = random.Random(variant)
    folder.mkdir(parents=True, exist_ok=True)
    for d in range(documents):
        lines = [f"# Extra document {d} (versie {variant})", ""]
        for s in range(sections):
            lines += [f"## Onderdeel {s}", "",
                      " ".join(rng.choice(WORDS) for _ in range(40)).capitalize() + ".", ""]
        (folder / f"extra-{d:02d}.md").write_text("\n".join(lines), encoding="utf-8")


def _assert_serving(data_dir: Path, **overrides) -> Index:
    """The served version passes the check, loads, and answers with verbatim quotes."""
    layout = Layout(data_dir)
    assert check(layout, deep=True) == [], f"served version {layout.version} is broken"
    settings = load_settings(data_dir=data_dir, **overrides)
    advisor = Advisor(settings)
    answer = advisor.ask("Wat is een voorbehouden opdracht voor de sociale economie?")
    assert answer.citations and not answer.refused
    for citation in answer.citations:
        assert citation.quote in advisor.index.document_text(citation.passage.doc_id)
    return advisor.index


def _kill_rounds(data_dir: Path, extra: Path, rounds: int, seed: int, documents: int = 30, **env) -> dict:
    """Kill `advisor ingest` processes at random moments; after each kill the served version
    must still answer, and the next ingest must complete."""
    rng = random.Random(seed)
    command = [str(ADVISOR), "ingest", str(BUNDLED_CORPUS), str(extra)]
    seen = {"rounds": 0, "killed_while_building": 0, "published_before_kill": 0}
    for round_ in range(rounds):
        _write_extra(extra, variant=seed * 100 + round_, documents=documents)
        before = current_version(data_dir)
        proc = subprocess.Popen(command, env=_env(data_dir, **env), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if round_ % 2:  # half the rounds: wait until the new version is being written, then kill in it
            deadline = time.monotonic() + 120
            while not any(p.name.startswith(".build-") for p in (data_dir / "versions").iterdir()):
                assert proc.poll() is None or time.monotonic() < deadline, "the ingest never started a build"
                if proc.poll() is not None:
                    break
                time.sleep(0.005)
            time.sleep(rng.uniform(0.0, 0.05))  # a small bundle builds in a fraction of a second on a fast machine
        else:  # the other half: anywhere from start-up to the end
            time.sleep(rng.uniform(0.0, 4.0))
        building = any(p.name.startswith(".build-") for p in (data_dir / "versions").iterdir())
        proc.send_signal(signal.SIGKILL)
        proc.wait(30)
        seen["rounds"] += 1
        seen["killed_while_building"] += building
        seen["published_before_kill"] += current_version(data_dir) != before
        _assert_serving(data_dir, **env_settings(env))
        done = subprocess.run(command, env=_env(data_dir, **env), capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        index = _assert_serving(data_dir, **env_settings(env))
        assert f"extra-{0:02d}" in " ".join(index.documents)
        assert not any(p.name.startswith(".build-") for p in (data_dir / "versions").iterdir())
    return seen


def env_settings(env: dict) -> dict:
    return {k.removeprefix("ADVISOR_").lower(): v for k, v in env.items()}


@pytest.mark.slow
def test_ingest_killed_at_random_moments_never_breaks_the_served_index(tmp_path):
    data_dir = tmp_path / "data"
    ingest([BUNDLED_CORPUS], load_settings(data_dir=data_dir))
    seen = _kill_rounds(data_dir, tmp_path / "extra", rounds=10, seed=7)
    print(f"kill -9 rounds (BM25 index): {seen}")
    assert seen["rounds"] == 10 and seen["killed_while_building"] >= 3
    assert len(published(data_dir)) <= 3  # old versions are pruned


@pytest.mark.slow
def test_ingest_killed_while_writing_vectors_never_breaks_the_served_index(tmp_path):
    data_dir = tmp_path / "data"
    ingest([BUNDLED_CORPUS], load_settings(data_dir=data_dir, embedder="minilm"))
    seen = _kill_rounds(data_dir, tmp_path / "extra", rounds=4, seed=11, documents=3, ADVISOR_EMBEDDER="minilm")
    print(f"kill -9 rounds (BM25 + MiniLM in Chroma): {seen}")
    assert seen["rounds"] == 4 and seen["killed_while_building"] >= 2


def test_versions_a_killed_writer_left_unpruned_go_with_the_next_ingest_even_when_nothing_changed(tmp_path):
    data_dir = tmp_path / "data"
    settings = load_settings(data_dir=data_dir)
    ingest([BUNDLED_CORPUS], settings)
    first = current_version(data_dir)
    names = [f"v{number:06d}-20260101T000000" for number in range(2, 6)]
    (data_dir / "versions" / names[0]).mkdir()  # a writer was killed half-way through removing it
    for name in names[1:]:  # later writers published and were killed before pruning: copies stand in
        shutil.copytree(data_dir / "versions" / first, data_dir / "versions" / name)
    switch(data_dir, names[-1])
    assert len(published(data_dir)) == 5
    report = ingest([BUNDLED_CORPUS], settings)
    assert not report.changed
    assert published(data_dir) == names[1:] and current_version(data_dir) == names[-1]
    _assert_serving(data_dir)


def test_a_second_writer_waits_then_gets_a_clear_message(tmp_path):
    layout = Layout(tmp_path / "data")
    with writer_lock(layout):
        with pytest.raises(IngestError, match="another ingest is writing"):
            with writer_lock(layout, wait_s=0.3):
                pass
    with writer_lock(layout, wait_s=0.3):  # free again once the first is done
        pass


@pytest.mark.slow
def test_queries_keep_answering_while_ingests_publish_new_versions(tmp_path):
    data_dir = tmp_path / "data"
    ingest([BUNDLED_CORPUS], load_settings(data_dir=data_dir))
    extra = tmp_path / "extra"
    statuses: list[int] = []
    stop = threading.Event()
    with running_server(data_dir, ADVISOR_RATE_LIMIT_PER_MINUTE="0") as base:
        def ask():
            with httpx.Client(base_url=base, timeout=30) as client:
                while not stop.is_set():
                    r = client.post("/v1/ask", json={"question": "Wat is social return?"})
                    statuses.append(r.status_code)
                    assert r.status_code != 200 or r.json()["citations"]
        threads = [threading.Thread(target=ask) for _ in range(2)]
        for t in threads:
            t.start()
        try:
            for variant in range(3):
                _write_extra(extra, variant, documents=10)
                done = subprocess.run([str(ADVISOR), "ingest", str(BUNDLED_CORPUS), str(extra)],
                                      env=_env(data_dir), capture_output=True, text=True, timeout=120)
                assert done.returncode == 0, done.stderr
            time.sleep(1.5)  # the server notices the last version within a second
            with httpx.Client(base_url=base, timeout=30) as client:
                docs = client.get("/v1/documents").json()
        finally:
            stop.set()
            for t in threads:
                t.join()
    assert statuses and set(statuses) == {200}, {s: statuses.count(s) for s in set(statuses)}
    assert any(d["id"].startswith("extra-") for d in docs)


def _run(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(ADVISOR), *args], env=_env(data_dir), capture_output=True, text=True, timeout=120)


def test_verify_versions_rollback_backup_restore(tmp_path, corpus_copy):
    data_dir = tmp_path / "data"
    settings = load_settings(data_dir=data_dir)
    ingest([corpus_copy], settings)
    first = current_version(data_dir)
    assert "sound" in _run("index", "verify", data_dir=data_dir).stdout

    backup = _run("index", "backup", str(tmp_path / "backups"), data_dir=data_dir)
    assert backup.returncode == 0, backup.stderr
    archive = next((tmp_path / "backups").glob("advisor-index-*.tar.gz"))

    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "extra.md").write_text("# Extra\n\nEen nieuw document over maatwerkbedrijven.\n",
                                                encoding="utf-8")
    ingest([corpus_copy, tmp_path / "more"], settings)
    second = current_version(data_dir)
    assert second != first and "extra" in Index(data_dir).documents
    listing = _run("index", "versions", data_dir=data_dir).stdout
    assert f"* {second}" in listing and f"  {first}" in listing

    assert _run("index", "rollback", data_dir=data_dir).returncode == 0
    assert current_version(data_dir) == first and "extra" not in Index(data_dir).documents

    restored = _run("index", "restore", str(archive), data_dir=data_dir)
    assert restored.returncode == 0, restored.stderr
    assert current_version(data_dir) not in (first, second)
    assert "extra" not in Index(data_dir).documents and len(Index(data_dir).documents) == 5
    _assert_serving(data_dir)


def test_a_broken_backup_is_refused_and_the_served_index_stays(tmp_path):
    data_dir = tmp_path / "data"
    ingest([BUNDLED_CORPUS], load_settings(data_dir=data_dir))
    served = current_version(data_dir)
    bad = tmp_path / "bad.tar.gz"
    source = Layout(data_dir).folder
    with tarfile.open(bad, "w:gz") as tar:  # an index whose passages do not match its manifest
        tar.add(source / "manifest.json", arcname="index/manifest.json")
        tar.add(source / "lexical", arcname="index/lexical")
        tar.add(source / "documents", arcname="index/documents")
        empty = tmp_path / "passages.jsonl"
        empty.write_text("", encoding="utf-8")
        tar.add(empty, arcname="index/passages.jsonl")
    (tmp_path / "junk.tar.gz").write_bytes(b"not a tar file at all")
    for archive, message in ((bad, "does not hold a sound index"), (tmp_path / "junk.tar.gz", "cannot read"),
                             (tmp_path / "missing.tar.gz", "no such backup")):
        result = _run("index", "restore", str(archive), data_dir=data_dir)
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert current_version(data_dir) == served
    assert not any(p.name.startswith(".build-") for p in (data_dir / "versions").iterdir())
    _assert_serving(data_dir)


def test_verify_names_what_is_broken(tmp_path):
    data_dir = tmp_path / "data"
    ingest([BUNDLED_CORPUS], load_settings(data_dir=data_dir))
    layout = Layout(data_dir)
    lines = layout.passages.read_text(encoding="utf-8").splitlines(keepends=True)
    record = json.loads(lines[3])
    record["text"] = record["text"].replace("e", "é", 1)
    layout.passages.write_text("".join(lines[:3] + [json.dumps(record, ensure_ascii=False) + "\n"] + lines[4:]),
                               encoding="utf-8")
    result = _run("index", "verify", data_dir=data_dir)
    assert result.returncode == 1 and "differ from its text" in result.stdout
    (layout.documents / f"{record['doc_id']}.txt").unlink()
    assert "document text missing" in _run("index", "verify", data_dir=data_dir).stdout


@pytest.mark.slow
def test_startup_rebuilds_a_broken_bundled_index_and_refuses_a_broken_own_index(tmp_path, corpus_copy):
    data_dir = tmp_path / "data"
    ingest([BUNDLED_CORPUS], load_settings(data_dir=data_dir))
    shutil.rmtree(Layout(data_dir).lexical)
    with running_server(data_dir) as base:  # rebuilt from the bundled corpus, then served
        assert httpx.post(f"{base}/v1/ask", json={"question": "Wat is social return?"}).json()["citations"]
    assert check(Layout(data_dir)) == []

    own = tmp_path / "own"
    ingest([corpus_copy], load_settings(data_dir=own))
    (Layout(own).lexical / "docs.npy").write_bytes(b"broken")
    result = subprocess.run([str(ADVISOR), "serve", "--port", "1"], env=_env(own), capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "not sound" in result.stderr and "advisor index rollback" in result.stderr
