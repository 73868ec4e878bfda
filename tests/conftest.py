"""Shared fixtures: every test's state lives in a temp dir; indexes are built from the real corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from advisor.config import BUNDLED_CORPUS, get_settings, load_settings
from advisor.core import Advisor
from advisor.index import Index
from ingest.pipeline import ingest


@pytest.fixture(scope="session", autouse=True)
def isolated_data_home(tmp_path_factory):
    """For the whole session, before any session fixture or subprocess: the platform's user data
    folder (XDG_DATA_HOME, the default data directory) and ADVISOR_DATA_DIR point at a temp dir, so no
    test and no server it starts writes to ~/.local/share or to ./data, whatever the caller's environment."""
    home = tmp_path_factory.mktemp("xdg-data-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(home))
        patch.setenv("ADVISOR_DATA_DIR", str(home / "social-procurement-advisor"))
        yield home


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """Point all state at a temp dir and forget cached settings, so no test touches ./data."""
    for key in list(os.environ):
        if key.startswith("ADVISOR_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("ADVISOR_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture(scope="session")
def corpus_settings(tmp_path_factory):
    """The default configuration over an index of the bundled corpus."""
    settings = load_settings(data_dir=tmp_path_factory.mktemp("corpus-index"))
    report = ingest([BUNDLED_CORPUS], settings)
    assert not report.failed, report.failed
    return settings


@pytest.fixture(scope="session")
def corpus_index(corpus_settings):
    return Index(corpus_settings.data_dir)


@pytest.fixture(scope="session")
def advisor(corpus_settings, corpus_index):
    return Advisor(corpus_settings, corpus_index)


@pytest.fixture(scope="session")
def hybrid_settings(tmp_path_factory):
    """BM25 fused with the multilingual USE embedder in a real Chroma store."""
    settings = load_settings(data_dir=tmp_path_factory.mktemp("hybrid-index"), embedder="use")
    report = ingest([BUNDLED_CORPUS], settings)
    assert not report.failed, report.failed
    return settings


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the bundled corpus, manifest included."""
    target = tmp_path / "corpus"
    shutil.copytree(BUNDLED_CORPUS, target)
    return target


ADMIN_KEY = "test-admin-key-0123456789"


@pytest.fixture(scope="module")
def data_dir(corpus_settings, tmp_path_factory):
    """A private copy of the corpus index for one test module: its uploads and deletions touch no
    other module."""
    target = tmp_path_factory.mktemp("private") / "data"
    shutil.copytree(corpus_settings.data_dir, target)
    return target


@pytest.fixture(scope="module")
def admin_server(data_dir):
    """`advisor serve` over the module's private index, admin endpoints on, rate limit off."""
    from tests.server import running_server

    with running_server(data_dir, ADVISOR_ADMIN_API_KEY=ADMIN_KEY, ADVISOR_RATE_LIMIT_PER_MINUTE="0") as base:
        yield base



CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never `playwright install`); the tests
    that need it skip where it is not installed (.ci/run installs it)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian chromium is not installed (.ci/run installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"])
        yield launched
        launched.close()
