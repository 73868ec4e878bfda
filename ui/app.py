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
from ui import render
from ui.texts import t

log = logging.getLogger("advisor.ui")

EXAMPLES = ("example_1", "example_2", "example_3", "example_4")
FRAMEWORK_CHOICES = ("unknown", "yes", "no")

CSS = """
#verdict-badge{display:inline-block;padding:.35em .8em;border-radius:999px;font-weight:700;font-size:1.05em}
.badge-yes{background:#1b5e20;color:#fff}.badge-conditional{background:#7a4f00;color:#fff}
.badge-no{background:#b71c1c;color:#fff}.badge-unknown{background:#37474f;color:#fff}
.sources{max-height:640px;overflow-y:auto}
.source{border-left:4px solid #1b6ca8;padding:.2em .8em;margin:.6em 0}.source h4{margin:.2em 0}
.source:target{background:#eef5fb}.passage{max-height:14em;overflow-y:auto}
.source .where{color:#444;margin:.1em 0;font-size:.9em}.passage{white-space:pre-wrap;margin:.4em 0}
mark{background:#ffe066;color:#1a1a1a}.muted{color:#444}
table.criteria{border-collapse:collapse;width:100%;table-layout:fixed;overflow-wrap:anywhere}table.criteria td,table.criteria th{border:1px solid #999;padding:4px 6px;vertical-align:top}
pre.clause{white-space:pre-wrap;background:#f4f4f4;color:#1a1a1a;padding:.5em}
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


def build(state) -> gr.Blocks:
    with gr.Blocks(title=t("nl", "title"), analytics_enabled=False) as page:
        language = gr.State("nl")
        turns = gr.State([])          # the conversation as the advisor sees it (plain text)
        last = gr.State(None)         # the last Answer (advisor.model), for feedback and re-rendering

        title = gr.Markdown(f"# {t('nl', 'title')}\n\n{t('nl', 'intro')}", elem_id="title")
        lang = gr.Radio([("Nederlands", "nl"), ("English", "en")], value="nl", label=t("nl", "language"),
                        elem_id="lang")
        with gr.Row():
            with gr.Column(scale=3):
                # Messages are escaped Markdown (ui/render.py); no maths, no custom tags kept, HTML sanitized.
                chat = gr.Chatbot(label=t("nl", "chat_label"), elem_id="chat", height=420,
                                  feedback_options=None, buttons=["copy"], sanitize_html=True,
                                  latex_delimiters=[], allow_tags=False)
                question = gr.Textbox(label=t("nl", "question_label"), placeholder=t("nl", "question_placeholder"),
                                      elem_id="question", lines=2, max_lines=6)
                with gr.Row():
                    ask = gr.Button(t("nl", "ask"), variant="primary", elem_id="ask")
                    new_chat = gr.Button(t("nl", "new_chat"), elem_id="new-chat")
                examples_label = gr.Markdown(f"**{t('nl', 'examples')}**")
                with gr.Row():
                    example_buttons = [gr.Button(t("nl", key), size="sm", elem_id=f"ex-{i}")
                                       for i, key in enumerate(EXAMPLES, start=1)]
                feedback_label = gr.Markdown(f"**{t('nl', 'feedback_title')}**")
                with gr.Row():
                    up = gr.Button(t("nl", "thumbs_up"), size="sm", elem_id="fb-up")
                    down = gr.Button(t("nl", "thumbs_down"), size="sm", elem_id="fb-down")
                comment = gr.Textbox(label=t("nl", "feedback_comment"), elem_id="fb-comment", lines=1)
                feedback_status = gr.Markdown("", elem_id="fb-status")
                status = gr.HTML("", elem_id="answer-status")  # a polite live region: "answer ready"
            with gr.Column(scale=2):
                intake_title = gr.Markdown(f"### {t('nl', 'intake_title')}")
                group = gr.Dropdown(_group_choices("nl"), value="", label=t("nl", "intake_group"), elem_id="intake-group")
                value = gr.Number(None, label=t("nl", "intake_value"), elem_id="intake-value", precision=0)
                duration = gr.Number(None, label=t("nl", "intake_duration"), elem_id="intake-duration", precision=0)
                framework = gr.Radio(_framework_choices("nl"), value="unknown", label=t("nl", "intake_framework"),
                                     elem_id="intake-framework")
                intake_summary = gr.Markdown("", elem_id="intake-summary")
                verdict_title = gr.Markdown(f"### {t('nl', 'verdict_title')}")
                verdict = gr.HTML(render.verdict_html(None, "nl"), elem_id="verdict")
                criteria_title = gr.Markdown(f"### {t('nl', 'criteria_title')}")
                criteria = gr.HTML(render.criteria_html(None, "nl"), elem_id="criteria")
                sources_title = gr.Markdown(f"### {t('nl', 'sources_title')}")
                sources = gr.HTML(render.sources_html(None, "nl"), elem_id="sources")

        panels = [verdict, criteria, sources, intake_summary, status]

        def panels_for(result, language_code):
            return (render.verdict_html(result, language_code), render.criteria_html(result, language_code),
                    render.sources_html(result, language_code), render.intake_markdown(result, language_code),
                    render.status_html(result, language_code))

        def respond(text, history_msgs, history_turns, language_code, group_id, value_eur, months, fw,
                    request: gr.Request = None):
            text = (text or "").strip()
            if not text:
                yield (history_msgs, text, *[gr.update()] * 5, history_turns, gr.update(), "")
                return
            messages = list(history_msgs or []) + [{"role": "user", "content": render.plain_markdown(text)},
                                                   {"role": "assistant", "content": ""}]
            try:
                advisor = state.advisors.get()
                explicit = explicit_intake(group_id, value_eur, months, fw)
                partial = ""
                steps = within(state.scheduler, client_of(request), state.settings.answer_timeout_s,
                               advisor.ask_stream(text, list(history_turns or []), explicit))
                for kind, item in steps:
                    if kind == "delta":
                        partial += item
                        messages[-1] = {"role": "assistant", "content": render.linked_markers(partial)}
                        yield (messages, "", *[gr.update()] * 5, history_turns, gr.update(), "")
                    else:
                        state.remember(text, item)
                        messages[-1] = {"role": "assistant", "content": render.answer_markdown(item)}
                        new_turns = list(history_turns or []) + [{"role": "user", "content": text},
                                                                 {"role": "assistant", "content": item.answer}]
                        yield (messages, "", *panels_for(item, language_code), new_turns, item, "")
            except IndexNotFoundError:
                messages[-1] = {"role": "assistant", "content": t(language_code, "not_ready")}
                yield (messages, text, *[gr.update()] * 4 + [render.status_html(None, language_code, error=True)], history_turns, gr.update(), "")
            except AdvisorError as exc:
                message = t(language_code, "timeout") if isinstance(exc, AnswerTimeout) else \
                    t(language_code, "failed", detail=str(exc))
                messages[-1] = {"role": "assistant", "content": render.plain_markdown(message)}
                yield (messages, text, *[gr.update()] * 4 + [render.status_html(None, language_code, error=True)], history_turns, gr.update(), "")
            except Exception:  # never a stack trace on screen
                log.exception("the page failed to answer")
                messages[-1] = {"role": "assistant", "content": t(language_code, "failed", detail="server error")}
                yield (messages, text, *[gr.update()] * 4 + [render.status_html(None, language_code, error=True)], history_turns, gr.update(), "")

        inputs = [question, chat, turns, language, group, value, duration, framework]
        outputs = [chat, question, *panels, turns, last, feedback_status]
        ask.click(respond, inputs, outputs)
        question.submit(respond, inputs, outputs)

        def clear(language_code):
            return ([], "", *panels_for(None, language_code), [], None, "", "", None, None, "unknown")  # noqa: E501

        new_chat.click(clear, [language], [chat, question, *panels, turns, last, feedback_status, group, value,
                                            duration, framework])

        for button, key in zip(example_buttons, EXAMPLES):
            button.click(lambda language_code, key=key: t(language_code, key), [language], [question])

        def give_feedback(rating, remark, result, language_code):
            if not result:
                return t(language_code, "feedback_nothing"), remark
            try:  # the API's checks (length, control characters), in AppState.record_feedback
                state.record_feedback(result.answer_id, rating, remark or "")
            except ValidationError as exc:
                problem = exc.errors()[0]
                return t(language_code, "feedback_invalid", detail=escape_markdown(problem["msg"])), remark
            return t(language_code, "feedback_thanks"), ""

        up.click(lambda c, r, l: give_feedback(1, c, r, l), [comment, last, language], [feedback_status, comment])
        down.click(lambda c, r, l: give_feedback(-1, c, r, l), [comment, last, language], [feedback_status, comment])

        def switch(language_code, result, group_id, fw):
            return (language_code, f"# {t(language_code, 'title')}\n\n{t(language_code, 'intro')}",
                    gr.update(label=t(language_code, "chat_label")),
                    gr.update(label=t(language_code, "question_label"), placeholder=t(language_code, "question_placeholder")),
                    gr.update(value=t(language_code, "ask")), gr.update(value=t(language_code, "new_chat")),
                    f"**{t(language_code, 'examples')}**",
                    *[gr.update(value=t(language_code, key)) for key in EXAMPLES],
                    f"**{t(language_code, 'feedback_title')}**",
                    gr.update(value=t(language_code, "thumbs_up")), gr.update(value=t(language_code, "thumbs_down")),
                    gr.update(label=t(language_code, "feedback_comment")),
                    f"### {t(language_code, 'intake_title')}",
                    gr.update(label=t(language_code, "intake_group"), choices=_group_choices(language_code), value=group_id),
                    gr.update(label=t(language_code, "intake_value")), gr.update(label=t(language_code, "intake_duration")),
                    gr.update(label=t(language_code, "intake_framework"), choices=_framework_choices(language_code), value=fw),
                    f"### {t(language_code, 'verdict_title')}", f"### {t(language_code, 'criteria_title')}",
                    f"### {t(language_code, 'sources_title')}", *panels_for(result, language_code))

        lang.change(switch, [lang, last, group, framework],
                    [language, title, chat, question, ask, new_chat, examples_label, *example_buttons, feedback_label,
                     up, down, comment, intake_title, group, value, duration, framework, verdict_title, criteria_title,
                     sources_title, *panels])
    return page


def mount(app, state):
    """Serve the page at / in the given FastAPI app (after every API route), plus the document view."""
    from ui.pages import router

    app.include_router(router)
    theme = gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])
    return gr.mount_gradio_app(app, build(state), path="/", css=CSS, theme=theme, ssr_mode=False,
                               footer_links=[])
