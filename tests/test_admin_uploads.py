"""Admin safety of the upload and delete endpoints, against a real `advisor serve` over a private
copy of the corpus index: ids validated, no silent replacement, no upload files left behind."""

from __future__ import annotations

import shutil

import httpx
import pytest

from tests.server import running_server
from tests.conftest import ADMIN_KEY

ADMIN = {"X-API-Key": ADMIN_KEY}
TEXT = b"Sociale clausules vragen werkervaringsplaatsen voor mensen met een afstand tot de arbeidsmarkt."


@pytest.fixture(scope="module")
def server(admin_server):
    return admin_server


def upload(base: str, name: str, content: bytes = TEXT, **form) -> httpx.Response:
    return httpx.post(f"{base}/v1/documents", files={"file": (name, content, "text/plain")}, data=form,
                      headers=ADMIN, timeout=120)


@pytest.mark.parametrize("name,form,field,fragment", [
    ("a" * 300 + ".txt", {}, "file", "more than the 255 allowed"),
    ("a" * 251 + ".txt", {}, "file", "longer than 80 characters"),
    ("kort.txt", {"doc_id": "a" * 251}, "doc_id", "at most 80 characters"),
    ("kort.txt", {"doc_id": "../../etc/passwd"}, "doc_id", "pattern"),
    ("kort.txt", {"doc_id": "Mijn Document"}, "doc_id", "pattern"),
], ids=["name-300", "name-251", "doc-id-251", "doc-id-path", "doc-id-spaces"])
def test_upload_ids_are_validated_with_a_clear_422(server, data_dir, name, form, field, fragment):
    r = upload(server, name, **form)
    assert r.status_code == 422, r.text[:500]
    problem = r.json()
    assert problem["errors"][0]["field"] == field and fragment in problem["detail"], problem
    assert not list(data_dir.glob("uploads/a*")) and not list(data_dir.glob("uploads/kort*"))


def test_delete_with_an_invalid_id_is_a_422_not_a_500(server):
    for doc_id in ("a" * 251, "A*"):
        r = httpx.delete(f"{server}/v1/documents/{doc_id}", headers=ADMIN)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "path.doc_id", r.text[:300]


def documents(base: str) -> dict[str, dict]:
    return {d["id"]: d for d in httpx.get(f"{base}/v1/documents").json()}


def test_an_upload_never_silently_replaces_a_bundled_document(server, data_dir):
    before = documents(server)["brugge-aankopen-sociale-impact"]
    r = upload(server, "brugge-aankopen-sociale-impact.txt")
    assert r.status_code == 409, r.text[:300]
    detail = r.json()["detail"]
    assert "'brugge-aankopen-sociale-impact'" in detail and before["title"] in detail and "replace=true" in detail
    assert documents(server)["brugge-aankopen-sociale-impact"] == before
    assert not list(data_dir.glob("uploads/*brugge*"))


def test_the_same_name_with_another_extension_does_not_overwrite(server, data_dir):
    assert upload(server, "werkervaring.txt").status_code == 201
    r = upload(server, "werkervaring.md", b"# Andere tekst\n\nIets heel anders over percelen.")
    assert r.status_code == 409 and "werkervaring.txt" in r.json()["detail"]
    assert sorted(p.name for p in data_dir.glob("uploads/werkervaring*")) == ["werkervaring.txt"]
    assert httpx.delete(f"{server}/v1/documents/werkervaring", headers=ADMIN).status_code == 200
    assert not list(data_dir.glob("uploads/werkervaring*"))


def test_replace_true_replaces_and_keeps_the_metadata(server, data_dir):
    before = documents(server)["praktijkgids-sociale-impact"]
    assert before["passages"] > 1 and before["publisher"]
    r = upload(server, "praktijkgids.md", TEXT, doc_id="praktijkgids-sociale-impact", replace="true")
    assert r.status_code == 200 and r.json()["updated"] == ["praktijkgids-sociale-impact"], r.text[:300]
    after = documents(server)["praktijkgids-sociale-impact"]
    assert after["passages"] == 1 and after["format"] == "markdown"
    assert {k: after[k] for k in ("title", "publisher", "kind", "language", "jurisdiction", "date", "url")} == \
           {k: before[k] for k in ("title", "publisher", "kind", "language", "jurisdiction", "date", "url")}
    # replaced again under another extension: one file for the document, not two
    assert upload(server, "praktijkgids.txt", TEXT + b" Nog een zin.", doc_id="praktijkgids-sociale-impact",
                  replace="true").status_code == 200
    assert [p.name for p in data_dir.glob("uploads/praktijkgids*")] == ["praktijkgids-sociale-impact.txt"]


def test_a_failed_replacement_keeps_the_document_and_its_file(server, data_dir):
    assert upload(server, "behoud.txt").status_code == 201
    r = upload(server, "behoud.txt", b"   \n  ", replace="true")
    assert r.status_code == 422
    assert (data_dir / "uploads" / "behoud.txt").read_bytes() == TEXT and "behoud" in documents(server)
    assert not [p for p in (data_dir / "uploads").iterdir() if p.name.startswith(".")]


def test_orphaned_upload_files_are_cleaned_at_start_up(corpus_settings, tmp_path):
    """What a crash mid-upload leaves: a temporary file, a file no document refers to, and the old
    file of an interrupted replacement set aside (which goes back in place)."""
    data = tmp_path / "data"
    shutil.copytree(corpus_settings.data_dir, data)
    with running_server(data, ADVISOR_ADMIN_API_KEY=ADMIN_KEY) as base:
        assert upload(base, "blijft.txt").status_code == 201
    uploads = data / "uploads"
    (uploads / ".incoming-1a2b3c4d-half.txt").write_bytes(b"half geschreven")
    (uploads / "wees.txt").write_bytes(b"nooit geindexeerd")
    (uploads / "blijft.md").write_bytes(b"dezelfde id, andere extensie")
    (uploads / "blijft.txt").replace(uploads / ".replaced-5e6f7a8b-blijft.txt")
    (uploads / "blijft.txt").write_bytes(b"nieuwe inhoud die nooit gepubliceerd werd")
    with running_server(data, ADVISOR_ADMIN_API_KEY=ADMIN_KEY) as base:
        assert "blijft" in documents(base)
    assert sorted(p.name for p in uploads.iterdir()) == ["blijft.txt"]
    assert (uploads / "blijft.txt").read_bytes() == TEXT


@pytest.fixture(scope="module")
def strict_server(corpus_settings, tmp_path_factory):
    """Tight parse limits: 150 MB of memory and 1 s for the child that parses an upload."""
    data = tmp_path_factory.mktemp("strict") / "data"
    shutil.copytree(corpus_settings.data_dir, data)
    with running_server(data, ADVISOR_ADMIN_API_KEY=ADMIN_KEY, ADVISOR_RATE_LIMIT_PER_MINUTE="0",
                        ADVISOR_MAX_PARSE_MEMORY_MB="150", ADVISOR_MAX_PARSE_SECONDS="1") as base:
        yield base


def refused_while_serving(base: str, name: str, content: bytes) -> tuple[httpx.Response, list[float]]:
    """Upload a hostile file and, while it is being parsed, ask questions: their latencies."""
    import threading
    import time

    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("r", upload(base, name, content)))
    worker.start()
    latencies = []
    while worker.is_alive():
        started = time.perf_counter()
        assert httpx.post(f"{base}/v1/ask", json={"question": "Wat is social return?"}, timeout=30).status_code == 200
        latencies.append(time.perf_counter() - started)
        time.sleep(0.1)
    worker.join()
    return result["r"], latencies


def test_a_decompression_bomb_is_refused_in_its_own_process(strict_server, tmp_path):
    from tests.pdfs import bomb_pdf

    r, latencies = refused_while_serving(strict_server, "bom.pdf", bomb_pdf(tmp_path / "bom.pdf").read_bytes())
    assert r.status_code == 422 and "150 MB of memory" in r.json()["detail"], r.text[:400]
    assert max(latencies) < 2.0, latencies
    assert "bom" not in documents(strict_server)


def test_a_parse_that_runs_too_long_is_stopped_and_refused(strict_server):
    html = b"<html><body><p>" + b"<b>sociale economie</b> " * 400_000 + b"</p></body></html>"  # ~10 s to parse
    r, latencies = refused_while_serving(strict_server, "traag.html", html)
    assert r.status_code == 422 and "longer than 1 s" in r.json()["detail"], r.text[:400]
    assert latencies and max(latencies) < 2.0, latencies
