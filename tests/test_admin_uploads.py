"""Admin safety of the upload and delete endpoints, against a real `advisor serve` over a private
copy of the corpus index: ids validated, no silent replacement, no upload files left behind."""

from __future__ import annotations

import shutil

import httpx
import pytest

from tests.server import running_server

ADMIN_KEY = "test-admin-key-0123456789"
ADMIN = {"X-API-Key": ADMIN_KEY}
TEXT = b"Sociale clausules vragen werkervaringsplaatsen voor mensen met een afstand tot de arbeidsmarkt."


@pytest.fixture(scope="module")
def data_dir(corpus_settings, tmp_path_factory):
    target = tmp_path_factory.mktemp("admin") / "data"
    shutil.copytree(corpus_settings.data_dir, target)
    return target


@pytest.fixture(scope="module")
def server(data_dir):
    with running_server(data_dir, ADVISOR_ADMIN_API_KEY=ADMIN_KEY, ADVISOR_RATE_LIMIT_PER_MINUTE="0") as base:
        yield base


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
