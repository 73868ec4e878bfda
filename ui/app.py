"""The buyers' page: a Gradio Blocks chat beside a verdict badge, the sources, the criteria menu
and a contract form. It calls the same advisor core as the API; it holds no advisor logic."""

from __future__ import annotations

import logging
import time
from concurrent.futures import TimeoutError as FutureTimeout

import gradio as gr

from pydantic import ValidationError

from advisor import deadline
from advisor.errors import AdvisorError, AnswerTimeout, IndexNotFoundError
from advisor.inert import escape_markdown
from advisor.knowledge import knowledge
from advisor.package_data import read_text
from ui import render
from ui.texts import t

log = logging.getLogger("advisor.ui")

EXAMPLES = ("example_1", "example_2", "example_3", "example_4")
FRAMEWORK_CHOICES = ("unknown", "yes", "no")

CSS = """
#title h1{font-size:1.5em;margin:.1em 0}#title{min-width:min(100%,300px) !important;flex:1 1 300px !important}#top{flex-wrap:wrap !important}
#verdict-badge{display:inline-block;padding:.35em .8em;border-radius:999px;font-weight:700;font-size:1.05em}
.badge-yes{background:#1b5e20;color:#fff}.badge-conditional{background:#7a4f00;color:#fff}
.badge-no{background:#b71c1c;color:#fff}.badge-unknown{background:#37474f;color:#fff}
.source{border-left:4px solid #1b6ca8;padding:.2em .8em;margin:.6em 0}.source h4{margin:.2em 0}
.source.active,.source:target{background:#eef5fb}
.source .where{color:#444;margin:.1em 0;font-size:.9em}.passage{white-space:pre-wrap;margin:.4em 0}
mark{background:#ffe066;color:#1a1a1a}.muted{color:#444}
table.criteria{border-collapse:collapse;width:100%;overflow-wrap:normal;word-break:normal;hyphens:manual}
table.criteria td,table.criteria th{border:1px solid #999;padding:4px 6px;vertical-align:top}
pre.clause{white-space:pre-wrap;background:#f4f4f4;color:#1a1a1a;padding:.5em}
.export{display:flex;gap:1em;flex-wrap:wrap;margin:.3em 0}
#chat button[aria-label="Clear"]{display:none}
#cite-pop{position:fixed;z-index:1000;max-width:min(420px,92vw);background:#fff;color:#1a1a1a;border:1px solid #1b6ca8;
 border-radius:6px;padding:.5em .8em;box-shadow:0 4px 16px rgba(0,0,0,.25);font-size:.92em}
#cite-pop[hidden]{display:none}#cite-pop blockquote{margin:0 0 .4em;white-space:pre-wrap}
#cite-pop p{margin:.1em 0}.pop-where{color:#444}
@media (max-width:640px){
 table.criteria thead{display:none}table.criteria tr,table.criteria td{display:block;width:auto}
 table.criteria td{border-width:0 0 1px 0}table.criteria tr[data-criterion]{border-top:2px solid #1b6ca8}
 #title h1{font-size:1.2em}
}
"""


def _group_choices(language: str) -> list[tuple[str, str]]:
    groups = knowledge().product_groups.values()
    return [(t(language, "intake_group_none"), "")] + [(g.name(language), g.id) for g in groups]


def _framework_choices(language: str) -> list[tuple[str, str]]:
    return [(t(language, key), key) for key in FRAMEWORK_CHOICES]


def explicit_intake(group: str | None, value, duration, framework: str | None) -> dict | None:
    fields = {}
    if group:
        fields["product_group"] = group
    # an empty number field arrives as 0 (or nothing): only a positive number is information
    if value not in (None, "") and float(value) > 0:
        fields["value_eur"] = float(value)
    if duration not in (None, "") and 0 < int(duration) <= 240:
        fields["duration_months"] = int(duration)
    if framework in ("yes", "no"):
        fields["framework_agreement"] = framework == "yes"
    return fields or None


def within(scheduler, client: str, timeout_s: float, iterator):
    """The items of `iterator`, each fetched in its turn at the API's worker threads (the fair
    scheduler, advisor.api.scheduler, as `client`), all of them within `timeout_s`, waiting included:
    a page request gets the API's time limit and its fair share, not threads of its own."""
    at = time.monotonic() + timeout_s
    done = object()
    while True:
        # the work itself stops at the deadline too (advisor.deadline), not only the wait for it
        future = scheduler.submit(client, deadline.run, at, timeout_s, next, iterator, done)
        try:
            item = future.result(timeout=max(0.0, at - time.monotonic()))
        except FutureTimeout:
            future.cancel()  # still waiting: dropped; at work: it stops at the deadline
            raise AnswerTimeout(f"no answer within {timeout_s:g} s") from None
        if item is done:
            return
        yield item


def client_of(request: gr.Request | None) -> str:
    """The page user's address, as the API's client key has it (advisor.api.middleware.client_key)."""
    return getattr(getattr(request, "client", None), "host", None) or "unknown"


PANEL_COUNT = 6  # verdict, export, criteria, sources, intake summary, status


def _history(exchanges) -> list[dict]:
    """The conversation as the advisor reads it (advisor/conversation.py): the answered turns, plain text."""
    turns = []
    for exchange in exchanges or []:
        if exchange["answer"] is not None:
            turns += [{"role": "user", "content": exchange["question"]},
                      {"role": "assistant", "content": exchange["answer"].answer}]
    return turns


def _panels_for(result, language: str) -> tuple:
    """The panels beside the chat, in the order of `Page.panels`."""
    return (render.verdict_html(result, language), render.export_html(result, language),
            render.criteria_html(result, language), render.sources_html(result, language),
            render.intake_markdown(result, language), render.status_html(result, language))


def _failure(exc: Exception, language: str) -> str:
    if isinstance(exc, IndexNotFoundError):
        return t(language, "not_ready")
    if isinstance(exc, AnswerTimeout):
        return render.plain_markdown(t(language, "timeout"))
    if isinstance(exc, AdvisorError):
        return render.plain_markdown(t(language, "failed", detail=str(exc)))
    log.error("the page failed to answer", exc_info=exc)  # never a stack trace on screen
    return t(language, "failed", detail="server error")


def answer_steps(state, text: str, exchanges, explicit, client: str = "unknown"):
    """The advisor's answer to `text` in the conversation so far: ("delta", text) steps, then ("final",
    Answer), computed in the fair scheduler's turn of the page user's `client` key."""
    advisor = state.advisors.get()
    return within(state.scheduler, client, state.settings.answer_timeout_s,
                  advisor.ask_stream(text, _history(exchanges), explicit))


def respond(state, text, messages, exchanges, language_code, group_id, value_eur, months, fw, client="unknown"):
    """Answer the question in the box: the chat grows by the question and the streamed answer, the
    panels show the final answer. Yields (chat, question box, *panels, exchanges, last answer, feedback status)."""
    text = (text or "").strip()
    keep = [gr.update()] * PANEL_COUNT
    if not text:
        yield (messages, text, *keep, exchanges, gr.update(), "")
        return
    exchanges = list(exchanges or [])
    messages = list(messages or []) + [{"role": "user", "content": render.plain_markdown(text)},
                                       {"role": "assistant", "content": ""}]
    partial = ""
    try:
        for kind, item in answer_steps(state, text, exchanges, explicit_intake(group_id, value_eur, months, fw), client):
            if kind == "delta":
                partial += item
                messages[-1] = {"role": "assistant", "content": render.linked_markers(partial)}
                yield (messages, "", *keep, exchanges, gr.update(), "")
            else:
                state.remember(text, item)
                messages[-1] = {"role": "assistant", "content": render.answer_markdown(item)}
                exchanges.append({"question": text, "answer": item})
                yield (messages, "", *_panels_for(item, language_code), exchanges, item, "")
    except Exception as exc:  # noqa: BLE001 (every failure becomes a message in the chat)
        messages[-1] = {"role": "assistant", "content": _failure(exc, language_code)}
        exchanges.append({"question": text, "answer": None})  # one exchange per question and reply
        yield (messages, text, *keep[:-1], render.status_html(None, language_code, error=True), exchanges,
               gr.update(), "")


def rate(state, data: gr.LikeData, exchanges, remark, language_code):
    """A thumb of a chat message: stored as the answer's one rating (a change replaces it, clicking it
    off withdraws it), through the API's checks. Returns (feedback status, comment box)."""
    at = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
    exchange = (exchanges or [])[at // 2] if at // 2 < len(exchanges or []) else None
    result = exchange and exchange["answer"]
    if not result:
        return t(language_code, "feedback_nothing"), remark
    try:  # the API's checks (length, control characters), in AppState.record_feedback
        if data.liked in (True, False):
            state.record_feedback(result.answer_id, 1 if data.liked else -1, remark or "")
        else:
            state.withdraw_feedback(result.answer_id)
            return t(language_code, "feedback_withdrawn"), remark
    except ValidationError as exc:
        problem = exc.errors()[0]
        return t(language_code, "feedback_invalid", detail=escape_markdown(problem["msg"])), remark
    return t(language_code, "feedback_thanks", rating=t(language_code, "rated_up" if data.liked else "rated_down")), ""


def rewind(messages, exchanges, keep: int, question: str):
    """The conversation up to exchange `keep` (exclusive), with `question` in the box to ask again."""
    return list(messages or [])[:2 * keep], list(exchanges or [])[:keep], question


def retry(data: gr.RetryData, messages, exchanges):
    exchanges = exchanges or []
    return rewind(messages, exchanges, len(exchanges) - 1, exchanges[-1]["question"] if exchanges else "")


def undo(data: gr.UndoData, messages, exchanges):
    exchanges = exchanges or []
    return rewind(messages, exchanges, len(exchanges) - 1, exchanges[-1]["question"] if exchanges else "")


def edit(data: gr.EditData, messages, exchanges):
    value = data.value
    if isinstance(value, list):  # [{"type": "text", "text": …}]
        value = " ".join(part.get("text", "") for part in value if isinstance(part, dict))
    return rewind(messages, exchanges, data.index // 2 if isinstance(data.index, int) else len(exchanges or []),
                  str(value))


def reset(language_code):
    """A new conversation: chat, question, panels, answers, feedback and the contract form all empty."""
    return ([], "", *_panels_for(None, language_code), [], None, "", "", "", None, None, "unknown")


def build(state) -> gr.Blocks:
    with gr.Blocks(title=t("nl", "title"), analytics_enabled=False) as page:
        language = gr.State("nl")
        exchanges = gr.State([])      # per question: {"question": text, "answer": Answer or None}
        last = gr.State(None)         # the last Answer (advisor.model), for re-rendering the panels

        with gr.Row(elem_id="top", equal_height=False):
            title = gr.Markdown(_title("nl"), elem_id="title")
            lang = gr.Radio([("Nederlands", "nl"), ("English", "en")], value="nl", label=t("nl", "language"),
                            elem_id="lang", scale=0, min_width=240, container=False)
        with gr.Row(elem_id="main"):
            with gr.Column(scale=3, min_width=320):
                # Messages are escaped Markdown (ui/render.py); no maths, no custom tags kept, HTML sanitized.
                # No autoscroll to the end: page.js keeps the newest answer's start in view.
                chat = gr.Chatbot(label=t("nl", "chat_label"), elem_id="chat", height="min(48vh, 620px)",
                                  placeholder=t("nl", "intro"),
                                  autoscroll=False, feedback_options=("Like", "Dislike"), editable="user",
                                  buttons=["copy"], sanitize_html=True, latex_delimiters=[], allow_tags=False)
                question = gr.Textbox(label=t("nl", "question_label"), placeholder=t("nl", "question_placeholder"),
                                      elem_id="question", lines=1, max_lines=6)  # Enter sends, Shift+Enter: newline
                with gr.Row():
                    ask = gr.Button(t("nl", "ask"), variant="primary", elem_id="ask")
                    new_chat = gr.Button(t("nl", "new_chat"), elem_id="new-chat")
                examples_label = gr.Markdown(f"**{t('nl', 'examples')}**")
                with gr.Row(elem_id="examples"):
                    example_buttons = [gr.Button(t("nl", key), size="sm", elem_id=f"ex-{i}")
                                       for i, key in enumerate(EXAMPLES, start=1)]
                feedback_label = gr.Markdown(_feedback_label("nl"), elem_id="fb-label")
                comment = gr.Textbox(label=t("nl", "feedback_comment"), elem_id="fb-comment", lines=1)
                feedback_status = gr.Markdown("", elem_id="fb-status")
                status = gr.HTML("", elem_id="answer-status")  # a polite live region: "answer ready"
            with gr.Column(scale=2, min_width=300):
                verdict_title = gr.Markdown(f"### {t('nl', 'verdict_title')}")
                verdict = gr.HTML(render.verdict_html(None, "nl"), elem_id="verdict")
                export = gr.HTML("", elem_id="export")
                intake_summary = gr.Markdown("", elem_id="intake-summary")
                with gr.Accordion(t("nl", "intake_title"), open=False, elem_id="intake") as intake_box:
                    group = gr.Dropdown(_group_choices("nl"), value="", label=t("nl", "intake_group"),
                                        elem_id="intake-group")
                    value = gr.Number(None, label=t("nl", "intake_value"), elem_id="intake-value", precision=0)
                    duration = gr.Number(None, label=t("nl", "intake_duration"), elem_id="intake-duration",
                                         precision=0)
                    framework = gr.Radio(_framework_choices("nl"), value="unknown", label=t("nl", "intake_framework"),
                                         elem_id="intake-framework")
                criteria_title = gr.Markdown(f"### {t('nl', 'criteria_title')}")
                criteria = gr.HTML(render.criteria_html(None, "nl"), elem_id="criteria")
                sources_title = gr.Markdown(f"### {t('nl', 'sources_title')}")
                sources = gr.HTML(render.sources_html(None, "nl"), elem_id="sources")

        panels = [verdict, export, criteria, sources, intake_summary, status]
        inputs = [question, chat, exchanges, language, group, value, duration, framework]
        outputs = [chat, question, *panels, exchanges, last, feedback_status]

        def answer(text, messages, exchanges, language_code, group_id, value_eur, months, fw,
                   request: gr.Request = None):
            yield from respond(state, text, messages, exchanges, language_code, group_id, value_eur, months, fw,
                               client_of(request))

        ask.click(answer, inputs, outputs)
        question.submit(answer, inputs, outputs)
        for button, key in zip(example_buttons, EXAMPLES):  # an example is asked at once
            button.click(lambda language_code, key=key: t(language_code, key), [language], [question]) \
                .then(answer, inputs, outputs)

        # Gradio's own message controls: retry and edit ask again, undo puts the question back
        chat.retry(retry, [chat, exchanges], [chat, exchanges, question]).then(answer, inputs, outputs)
        chat.edit(edit, [chat, exchanges], [chat, exchanges, question]).then(answer, inputs, outputs)
        chat.undo(undo, [chat, exchanges], [chat, exchanges, question])

        cleared = [chat, question, *panels, exchanges, last, feedback_status, comment, group, value, duration,
                   framework]
        new_chat.click(reset, [language], cleared)
        chat.clear(reset, [language], cleared)

        def like(data: gr.LikeData, rated, remark, language_code):
            return rate(state, data, rated, remark, language_code)

        chat.like(like, [exchanges, comment, language], [feedback_status, comment])

        def switch(language_code, result, group_id, fw):
            return (language_code, _title(language_code),
                    gr.update(label=t(language_code, "chat_label"), placeholder=t(language_code, "intro")),
                    gr.update(label=t(language_code, "question_label"),
                              placeholder=t(language_code, "question_placeholder")),
                    gr.update(value=t(language_code, "ask")), gr.update(value=t(language_code, "new_chat")),
                    f"**{t(language_code, 'examples')}**",
                    *[gr.update(value=t(language_code, key)) for key in EXAMPLES],
                    _feedback_label(language_code), gr.update(label=t(language_code, "feedback_comment")), "",
                    gr.update(label=t(language_code, "intake_title")),
                    gr.update(label=t(language_code, "intake_group"), choices=_group_choices(language_code),
                              value=group_id),
                    gr.update(label=t(language_code, "intake_value")),
                    gr.update(label=t(language_code, "intake_duration")),
                    gr.update(label=t(language_code, "intake_framework"), choices=_framework_choices(language_code),
                              value=fw),
                    f"### {t(language_code, 'verdict_title')}", f"### {t(language_code, 'criteria_title')}",
                    f"### {t(language_code, 'sources_title')}", *_panels_for(result, language_code))

        lang.change(switch, [lang, last, group, framework],
                    [language, title, chat, question, ask, new_chat, examples_label, *example_buttons, feedback_label,
                     comment, feedback_status, intake_box, group, value, duration, framework, verdict_title,
                     criteria_title, sources_title, *panels])
    return page


def _title(language: str) -> str:
    return f"# {t(language, 'title')}"  # the introduction is the empty chat's placeholder


def _feedback_label(language: str) -> str:
    return f"**{t(language, 'feedback_title')}** {t(language, 'feedback_hint')}"


def page_app(parent, state):
    """The page as an ASGI app of its own, and the lifespan that starts its queue: what
    `gr.mount_gradio_app` would mount at / in `parent`, built apart so that the API can serve
    while Gradio is imported (ui/deferred.py serves it once built)."""
    from fastapi import FastAPI
    from starlette.routing import Mount

    holder = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    # Gradio adds CORS headers of its own unless the app it is mounted in has a CORSMiddleware; it
    # is served inside `parent`, which has one (advisor/api/main.py), so that is the app it must see.
    holder.user_middleware = parent.user_middleware
    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    gr.mount_gradio_app(holder, build(state), path="/", css=CSS, theme=theme, ssr_mode=False,
                        footer_links=[], head=f"<script>{read_text('ui', 'page.js')}</script>")
    page = next(route.app for route in holder.router.routes if isinstance(route, Mount))
    return page, holder.router.lifespan_context(holder)
