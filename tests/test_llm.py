"""LLM answers: the validator on hand-made replies, and the whole path against a real tiny model
served by llama.cpp on loopback (plain, streamed, garbage, killed server, timeout)."""

from __future__ import annotations

import json
import re

import httpx
import pytest

from advisor.config import load_settings
from advisor.core import Advisor
from advisor.llm import ValidationFailed, degenerate, validate
from tests.llm_server import llama_available, llama_server
from tests.test_answer import check_grounded

needs_llama = pytest.mark.skipif(not llama_available(), reason="llama-cpp-python is not installed (make test installs it)")


@pytest.fixture(scope="module")
def passages(advisor):
    return [h.passage for h in advisor.search("percelen sociale economie raamcontracten", 3)]


def test_markers_to_passages_not_given_are_removed_and_counted(advisor, passages):
    reply = ("Je kan grotere opdrachten opdelen in percelen voor de sociale economie [1][7]. "
             "Bij raamcontracten kan de uitvoering door de sociale economie in het onderwerp van de opdracht [9].")
    checked = validate(reply, passages, "nl", advisor.index.document_text)
    assert "[7]" not in checked.text and "[9]" not in checked.text and checked.removed_markers >= 2
    assert checked.citations and all(c.quote in advisor.index.document_text(c.passage.doc_id) for c in checked.citations)
    assert set(re.findall(r"\[(\d+)\]", checked.text)) == {str(c.n) for c in checked.citations}


def test_statements_without_support_are_dropped(advisor, passages):
    reply = ("Deel grotere opdrachten op in percelen zodat de sociale economie kan intekenen [1]. "
             "De maan is gemaakt van groene kaas en dat staat in elk bestek [1]. "
             "Amsterdam heeft de mooiste grachten van Europa.")
    checked = validate(reply, passages, "nl", advisor.index.document_text)
    assert "kaas" not in checked.text and "grachten" not in checked.text
    assert checked.dropped_statements == 2


@pytest.mark.parametrize("reply,reason", [
    ("", "empty"),
    ("percelen percelen sociale economie " * 20, "repetition"),
    ("The lots can be used by the social economy [1].", "language"),
    ("Iets zonder bron of steun in de passages.", "no statement"),
])
def test_unusable_replies_are_rejected(advisor, passages, reply, reason):
    with pytest.raises(ValidationFailed, match=reason):
        validate(reply, passages, "nl", advisor.index.document_text)
    assert degenerate("") == "empty reply"


@pytest.fixture(scope="module")
def model():
    if not llama_available():
        pytest.skip("llama-cpp-python is not installed (make test installs it)")
    with llama_server() as (base, proc):
        yield base, proc


def llm_advisor(corpus_settings, base, **overrides):
    settings = load_settings(data_dir=corpus_settings.data_dir, generator="openai", llm_base_url=base,
                             llm_model="gemma-3-270m", **overrides)
    return Advisor(settings)


@needs_llama
def test_real_model_answers_are_validated_or_fall_back(corpus_settings, model):
    advisor = llm_advisor(corpus_settings, model[0], llm_max_tokens=120, llm_timeout_s=90)
    seen = set()
    for question in ("Hoe kan ik bij een raamcontract de sociale economie betrekken?", "Wat is social return?",
                     "Welke productgroepen zijn prioritair voor sociale leveranciers?"):
        result = advisor.ask(question).model_dump(mode="json")
        seen.add(result["generator"])
        assert result["generator"] in {"openai", "extractive-fallback"}
        check_grounded(result, advisor.index)
        if result["generator"] == "extractive-fallback":
            # the tiny model on 2 cores sometimes needs more than the time limit: a timeout is a
            # legitimate reason, as long as the request still gets a grounded answer
            assert result["fallback_reason"].split(":")[0] in {"validation", "timeout", "backend error"}
        else:
            assert result["validation"] is not None and "generate" in result["timings_ms"]
    assert seen, "no answer at all"


@needs_llama
def test_garbage_from_a_cut_off_reply_falls_back(corpus_settings, model):
    # the time limit is the slow-machine one of the test above: the prompt's prefill alone took 19 s
    # for 1,500 tokens on an idle 2-core machine here, past the 20 s default
    advisor = llm_advisor(corpus_settings, model[0], llm_max_tokens=16, llm_timeout_s=90)
    result = advisor.ask("Hoe kan ik bij een raamcontract de sociale economie betrekken?").model_dump(mode="json")
    assert result["generator"] == "extractive-fallback"
    assert result["fallback_reason"].startswith("validation"), result["fallback_reason"]
    assert result["citations"] and "[1]" in result["answer"]


@needs_llama
def test_token_limit_reaches_the_server(corpus_settings, model):
    """langchain-openai renames max_tokens to max_completion_tokens, which llama.cpp ignores: the
    limit must arrive under the name the server reads."""
    from advisor.generators.openai_backend import OpenAIGenerator

    settings = load_settings(data_dir=corpus_settings.data_dir, generator="openai", llm_base_url=model[0],
                             llm_model="gemma-3-270m", llm_max_tokens=16)
    generator = OpenAIGenerator(settings)
    from advisor import prompting

    advisor = Advisor(corpus_settings)
    observed = []
    for question in ("Wat is social return?", "What is a reserved contract?",
                     "Welke criteria gelden voor schoonmaak?", "Wie is doelgroepwerknemer?"):
        passages = [h.passage.index_text for h in advisor.search(question)[:3]]
        generator.generate(prompting.render("nl", question, passages, None), 120)
        observed.append(generator.last_usage["output_tokens"])
        assert observed[-1] <= 16, generator.last_usage
        if observed[-1] > 0:
            return
    pytest.skip(f"the model gave only empty replies {observed}; the limit could not be observed")


@needs_llama
def test_timeout_is_honoured(corpus_settings, model):
    advisor = llm_advisor(corpus_settings, model[0], llm_timeout_s=0.01)
    result = advisor.ask("Wat is social return?").model_dump(mode="json")
    assert result["generator"] == "extractive-fallback" and result["fallback_reason"].startswith("timeout")
    assert result["timings_ms"]["generate"] < 2000


@needs_llama
def test_stream_through_the_api_and_the_openai_endpoint(corpus_settings, model):
    from tests.server import running_server

    env = {"ADVISOR_GENERATOR": "openai", "ADVISOR_LLM_BASE_URL": model[0], "ADVISOR_LLM_MODEL": "gemma-3-270m",
           "ADVISOR_LLM_MAX_TOKENS": "150", "ADVISOR_LLM_TIMEOUT_S": "90", "ADVISOR_RATE_LIMIT_PER_MINUTE": "0",
           "GRADIO_ANALYTICS_ENABLED": "False"}
    with running_server(corpus_settings.data_dir, timeout=90, **env) as base:
        with httpx.stream("POST", f"{base}/v1/ask", json={"question": "Wat is social return?", "stream": True},
                          timeout=120) as r:
            lines = list(r.iter_lines())
        final = json.loads(next(l for i, l in enumerate(lines) if l.startswith("data:") and
                                lines[i - 1] == "event: final")[5:])
        assert final["generator"] in {"openai", "extractive-fallback"} and final["citations"]
        from openai import OpenAI

        client = OpenAI(base_url=f"{base}/v1", api_key="unused", max_retries=0, timeout=120)
        chunks = list(client.chat.completions.create(model="social-procurement-advisor", stream=True,
                                                     messages=[{"role": "user", "content": "Wat is social return?"}]))
        assert chunks[-1].model_extra["advisor"]["generator"] in {"openai", "extractive-fallback"}


@needs_llama
def test_killed_server_falls_back(corpus_settings):
    with llama_server() as (base, proc):
        advisor = llm_advisor(corpus_settings, base)
        proc.kill()
        proc.wait(10)
        result = advisor.ask("Wat is social return?").model_dump(mode="json")
    assert result["generator"] == "extractive-fallback" and result["fallback_reason"].startswith("backend error")
    assert result["citations"]


def test_llm_settings_are_checked():
    from advisor.errors import ConfigError

    with pytest.raises(ConfigError, match="needs ADVISOR_LLM_BASE_URL and ADVISOR_LLM_MODEL"):
        load_settings(generator="openai")
    with pytest.raises(ConfigError, match="unknown generator 'gpt'"):
        load_settings(generator="gpt")


def test_clip_cuts_passages_for_the_prompt_at_a_sentence_end():
    from advisor.prompting import clip

    text = "Eerste zin over sociale economie. Tweede zin over voorbehouden opdrachten. Derde zin."
    assert clip(text, 500) == text
    cut = clip(text, 60)
    assert cut == "Eerste zin over sociale economie." and text.startswith(cut)
    no_stop = "woord " * 100
    assert len(clip(no_stop, 200)) <= 200 and no_stop.startswith(clip(no_stop, 200))
