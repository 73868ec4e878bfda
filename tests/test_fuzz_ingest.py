"""Fuzzing the ingest parsers and the chunker (issue #8): whatever bytes a file holds, parsing
ends in a ParsedDocument or an IngestError with a message, never in any other exception; and a
parsed text can be stored (UTF-8) and chunked.

Example counts are fixed (below) so the whole module stays well under a minute on 2 cores; each
test prints how many examples ran and how long they took (see them with `pytest -s`).
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advisor.errors import IngestError
from advisor.text import detect_language
from ingest.chunker import chunk_text
from ingest.parsers import Limits, parse
from tests.pdfs import encrypted_pdf, text_pdf

EXAMPLES = {"pdf": 250, "html": 400, "text": 400, "chunker": 400}


def fuzz(name: str) -> settings:
    return settings(max_examples=EXAMPLES[name], deadline=None, database=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


@pytest.fixture(scope="module")
def seed_pdfs(workdir) -> list[bytes]:
    """Valid PDFs to mutate: random bytes alone almost never get past the header check."""
    plain = text_pdf(workdir / "seed.pdf", [["Sociale economie en overheidsopdrachten", "Percelen: één, twee."],
                                            [], ["Uitvoeringsvoorwaarden voor kwetsbare werkzoekenden."]],
                     title="Gids")
    locked = encrypted_pdf(workdir / "seed-locked.pdf", plain)
    return [plain.read_bytes(), locked.read_bytes()]


def mutated(seeds: list[bytes]) -> st.SearchStrategy[bytes]:
    """A seed PDF with bytes flipped, ranges cut out or duplicated, junk inserted, or the tail cut off."""
    edit = st.tuples(st.sampled_from(["flip", "cut", "dup", "insert", "truncate"]),
                     st.floats(0, 1), st.integers(1, 400), st.binary(min_size=1, max_size=64))

    @st.composite
    def build(draw):
        data = bytearray(draw(st.sampled_from(seeds)))
        for kind, where, size, junk in draw(st.lists(edit, min_size=1, max_size=6)):
            at = int(where * (len(data) - 1))
            if kind == "flip":
                data[at] ^= junk[0] or 0xFF
            elif kind == "cut":
                del data[at:at + size]
            elif kind == "dup":
                data[at:at] = data[at:at + size]
            elif kind == "insert":
                data[at:at] = junk
            else:
                del data[max(at, 1):]
            if not data:
                data = bytearray(b"%")
        return bytes(data)

    return build()


HTML_TOKENS = ["<", ">", "</", "/>", "<!--", "-->", "<![CDATA[", "<![if x]>", "<![foo[", "]]>", "<!DOCTYPE html>",
               "<!", "<?xml ?>", "<head>", "</head>", "<body>", "<title>", "</title>", "<script>", "</script>",
               "<style>", "</style>", "<p>", "</p>", "<li>", "<svg>", "</svg>", "<br/>", "<a href='x'>", "&amp;",
               "&#0;", "&#xD800;", "&#1114112;", "&nbsp", "&", "\x00", "\x1b", "\r\n", " ", "Sociale economie. "]
html_text = st.lists(st.one_of(st.sampled_from(HTML_TOKENS), st.text(max_size=12)), max_size=40).map("".join)


def encoded(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    return st.tuples(text, st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])).map(
        lambda t: t[0].encode(t[1], errors="replace"))


def check_parse(path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        parsed = parse(path, Limits(max_bytes=10_000_000, max_pages=2000, max_seconds=60))
    except IngestError as exc:
        assert exc.message.strip() and str(path) in str(exc)
        return
    assert parsed.text.strip(), "a parsed document has text"
    parsed.text.encode("utf-8")  # the document text is stored as UTF-8: no lone surrogates
    if parsed.title is not None:
        parsed.title.encode("utf-8")
    if parsed.page_starts:
        assert parsed.page_starts == sorted(parsed.page_starts) and parsed.page_at(len(parsed.text)) >= 1
    detect_language(parsed.text[:5000])
    check_chunks(parsed.text)


def check_chunks(text: str) -> None:
    for chunk in chunk_text(text):
        assert 0 <= chunk.start < chunk.end <= len(text), chunk
        assert chunk.index_text.strip(), chunk


def run_fuzz(capsys, name: str, target, *strategies) -> None:
    """Run `target` on EXAMPLES[name] generated examples (one per strategy each) and print the count."""
    runs, started = 0, time.perf_counter()

    @fuzz(name)
    @given(st.tuples(*strategies))
    def check(args):
        nonlocal runs
        runs += 1
        target(*args)

    check()
    with capsys.disabled():
        print(f"\n[fuzz] {name}: {runs} examples in {time.perf_counter() - started:.1f} s")
    assert runs >= EXAMPLES[name] // 2, f"only {runs} examples ran"


def test_pdf_parser_survives_mutated_pdfs(workdir, seed_pdfs, capsys):
    run_fuzz(capsys, "pdf", lambda data: check_parse(workdir / "fuzz.pdf", data),
             st.one_of(mutated(seed_pdfs), st.binary(max_size=300).map(lambda b: b"%PDF-1.7\n" + b)))


def test_html_parser_survives_any_markup(workdir, capsys):
    run_fuzz(capsys, "html", lambda data: check_parse(workdir / "fuzz.html", data),
             st.one_of(encoded(html_text), st.binary(max_size=400)))


def test_text_and_markdown_parsers_survive_any_bytes(workdir, capsys):
    run_fuzz(capsys, "text", lambda data, suffix: check_parse(workdir / f"fuzz{suffix}", data),
             st.one_of(encoded(st.text(max_size=300)), st.binary(max_size=300)), st.sampled_from([".md", ".txt"]))


STRUCTURE = ["\n", "\n\n", "# ", "## ", "- ", "• ", "1. ", "12) ", "S.1.1 ", "K 2.1. ", ":", ".", ". ", "?", "!",
             "…", "(", "”", "Sociale", "ECONOMIE", "economie", "i.s.m.", "bv.", "art.", "3", "€", "\t", " ",
             "\r\n", "\x0c", "-\n"]
document_text = st.one_of(
    st.lists(st.one_of(st.sampled_from(STRUCTURE), st.text(max_size=8)), max_size=120).map("".join),
    st.text(max_size=2000),
    st.lists(st.sampled_from(["Een zin over percelen. ", "Nog een lange zin zonder einde ", "\n\n"]),
             max_size=200).map("".join),  # long paragraphs that must be split between sentences
)


def test_chunker_survives_any_text(capsys):
    run_fuzz(capsys, "chunker", check_chunks, document_text)
