"""The typed answer contract: one set of models from the core to every edge, an OpenAPI schema
that types every part of every response, errors mapped in one place, timeouts typed."""

from __future__ import annotations

import ast
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from advisor import errors
from advisor.api.main import create_app
from advisor.config import load_settings
from advisor.model import Answer, Citation, Criterion, Intake, Verdict

ROOT = Path(__file__).resolve().parents[1]
CONTRACT = ("Answer", "Citation", "Verdict", "Reason", "Criterion", "LegalBasis", "Intake", "Hit", "Validation",
            "Timings")


def untyped(schema: dict, components: dict, where: str, seen: frozenset = frozenset()) -> list[str]:
    """Places in a JSON schema that say nothing of their type: {}, an object without properties."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return [] if name in seen else untyped(components[name], components, f"{where}<{name}>", seen | {name})
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return [p for i, part in enumerate(schema[key]) for p in untyped(part, components, f"{where}|{i}", seen)]
    if not ({"type", "const", "enum"} & set(schema)):
        return [where]
    kinds = schema.get("type")
    kinds = set(kinds) if isinstance(kinds, list) else {kinds}
    found = []
    if "object" in kinds:
        properties, extra = schema.get("properties") or {}, schema.get("additionalProperties")
        if not properties and not isinstance(extra, dict):
            found.append(f"{where} (an object with no properties)")
        for name, part in properties.items():
            found += untyped(part, components, f"{where}.{name}", seen)
        if isinstance(extra, dict):
            found += untyped(extra, components, f"{where}.*", seen)
    if "array" in kinds:
        found += untyped(schema.get("items") or {}, components, f"{where}[]", seen)
    return found


@pytest.fixture(scope="module")
def openapi(tmp_path_factory):
    app = create_app(load_settings(data_dir=tmp_path_factory.mktemp("openapi")), ui=False)
    return app.openapi()


def test_openapi_types_every_part_of_every_success_response(openapi):
    components = openapi["components"]["schemas"]
    problems, checked = [], 0
    for path, methods in openapi["paths"].items():
        for method, operation in methods.items():
            for status, response in operation["responses"].items():
                if not status.startswith("2"):
                    continue
                content = response.get("content") or {}
                if not content:
                    problems.append(f"{method.upper()} {path} {status}: no content described")
                for media, body in content.items():
                    checked += 1
                    where = f"{method.upper()} {path} {status} {media}"
                    problems += untyped(body["schema"], components, where) if "schema" in body else [where]
    assert checked >= 14
    assert not problems, "untyped response parts:\n" + "\n".join(problems)


def test_openapi_shows_the_contract_with_descriptions_and_examples(openapi):
    components = openapi["components"]["schemas"]
    for name in CONTRACT:
        assert name in components, name
    for name in ("Answer", "Citation", "Verdict", "Criterion", "Intake"):
        assert components[name].get("examples"), f"{name} has no example"
    answer = components["Answer"]["properties"]
    assert answer["verdict"]["anyOf"][0] == {"$ref": "#/components/schemas/Verdict"}
    assert answer["criteria"]["items"] == {"$ref": "#/components/schemas/Criterion"}
    assert answer["intake"]["anyOf"][0] == {"$ref": "#/components/schemas/Intake"}
    assert "verbatim" in components["Citation"]["properties"]["quote"]["description"].lower()
    chat = openapi["paths"]["/v1/chat/completions"]["post"]["responses"]["200"]["content"]["application/json"]
    assert chat["schema"] == {"$ref": "#/components/schemas/ChatCompletion"}
    assert components["ChatCompletion"]["properties"]["advisor"]["$ref"].endswith("/Answer")
    # the answer examples are valid answers
    for name, model in (("Answer", Answer), ("Citation", Citation), ("Verdict", Verdict), ("Criterion", Criterion),
                        ("Intake", Intake)):
        for example in components[name]["examples"]:
            model.model_validate(example)


def test_the_core_returns_the_models_every_edge_renders(advisor):
    answer = advisor.ask("Mag ik deze schoonmaakopdracht (€80.000, 2 jaar) voorbehouden aan de sociale economie?")
    assert isinstance(answer, Answer) and isinstance(answer.verdict, Verdict) and isinstance(answer.intake, Intake)
    assert answer.criteria and all(isinstance(c, Criterion) for c in answer.criteria)
    for c in answer.citations:
        assert advisor.index.document_text(c.doc_id)[c.start:c.end] == c.quote
        assert c.passage.id == c.passage_id
    again = Answer.model_validate_json(answer.model_dump_json())
    assert again.model_dump() == answer.model_dump()
    hit = advisor.search("percelen sociale economie", 1)[0].public()
    assert hit.id and hit.lexical_rank == 1


def _imports(module: Path) -> set[str]:
    """Every advisor.api module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("advisor.api"):
            found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
        elif isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("advisor.api")}
    return found


def test_the_api_modules_import_each_other_without_a_loop():
    package = ROOT / "advisor" / "api"
    modules = {".".join(p.relative_to(ROOT).with_suffix("").parts): p for p in package.rglob("*.py")
               if p.name != "__init__.py"}
    graph = {name: {m for m in _imports(path) if m in modules and m != name} for name, path in modules.items()}

    def reach(start: str) -> set[str]:
        seen, todo = set(), list(graph[start])
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo += graph[current]
        return seen

    loops = [name for name in graph if name in reach(name)]
    assert not loops, f"import loops through {loops}: {graph}"
    assert not graph["advisor.api.errors"], "the problem module depends on nothing else of the API"
    for name in modules:  # each imports first in a fresh interpreter
        done = subprocess.run([sys.executable, "-c", f"import {name}"], capture_output=True, text=True, cwd=ROOT)
        assert done.returncode == 0, (name, done.stderr[-2000:])


def test_errors_map_to_problem_documents_by_type():
    from advisor.api.errors import problem_for

    cases = {errors.QuestionTooLongError("x"): 413, errors.InvalidQuestionError("x"): 422,
             errors.IngestError("f.pdf", "x"): 422, errors.NotFoundError("x"): 404, errors.AccessDenied("x"): 403,
             errors.IndexNotFoundError("x"): 503, errors.RetrievalError("x"): 503, errors.AnswerTimeout("x"): 504,
             errors.ConfigError("x"): 500, errors.AdvisorError("x"): 500}
    for exc, status in cases.items():
        problem = problem_for(exc)
        assert problem.status == status and problem.detail == str(exc) and problem.type == "about:blank"
    internal = problem_for(KeyError("secret internals"))
    assert internal.status == 500 and "secret" not in internal.detail


@pytest.fixture
def silent_server():
    """A loopback TCP server that accepts connections and never answers: a hung LLM server."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held, stop = [], threading.Event()

    def accept():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/v1"
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    listener.close()


def _closed_port() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}/v1"


def test_a_hung_llm_server_is_a_typed_timeout(silent_server, corpus_settings):
    from advisor.core import Advisor
    from advisor.generators.openai_backend import OpenAIGenerator

    settings = load_settings(data_dir=corpus_settings.data_dir, generator="openai", llm_base_url=silent_server,
                             llm_model="any", llm_timeout_s=0.5)
    generator = OpenAIGenerator(settings)  # imports and client set-up are not part of the wait
    started = time.monotonic()
    with pytest.raises(errors.BackendTimeout, match=r"no reply within 0.5 s \(\w*TimeoutError\)"):
        generator.generate([{"role": "user", "content": "hallo"}], 0.5)
    assert time.monotonic() - started < 30  # the server never replies: without the limit this never returns
    answer = Advisor(settings).ask("Wat is social return?")
    assert answer.generator == "extractive-fallback" and answer.fallback_reason.startswith("timeout: ")
    assert answer.citations


def test_an_unreachable_llm_server_is_a_backend_error_not_a_timeout(corpus_settings):
    from advisor import llm
    from advisor.generators.openai_backend import OpenAIGenerator

    settings = load_settings(data_dir=corpus_settings.data_dir, generator="openai", llm_base_url=_closed_port(),
                             llm_model="any", llm_timeout_s=5)
    with pytest.raises(errors.BackendError) as caught:
        llm.generate_with_timeout(OpenAIGenerator(settings), [{"role": "user", "content": "hallo"}], 5)
    assert not isinstance(caught.value, errors.BackendTimeout)
    assert "cannot be reached" in str(caught.value)
