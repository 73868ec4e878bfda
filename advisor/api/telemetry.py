"""Prometheus metrics. With several workers (PROMETHEUS_MULTIPROC_DIR set by `advisor serve
--workers N`), /metrics adds up every worker's figures."""

from __future__ import annotations

import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from advisor.model import Answer

REGISTRY = CollectorRegistry(auto_describe=True) if not os.environ.get("PROMETHEUS_MULTIPROC_DIR") else None
_kw = {"registry": REGISTRY} if REGISTRY is not None else {}

REQUESTS = Counter("advisor_requests_total", "HTTP requests", ["method", "route", "status"], **_kw)
LATENCY = Histogram("advisor_request_seconds", "HTTP request latency", ["route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30), **_kw)
STAGES = Histogram("advisor_stage_seconds", "Answer latency per stage", ["stage"],
                   buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5), **_kw)
REFUSALS = Counter("advisor_refusals_total", "Refused questions", ["reason"], **_kw)
ERRORS = Counter("advisor_errors_total", "Errors answered with a problem document", ["status"], **_kw)
RUNNING = Gauge("advisor_work_running", "Answers and searches being worked on (threads at work)",
                multiprocess_mode="livesum", **_kw)
QUEUED = Gauge("advisor_work_queued", "Answers and searches waiting for a worker thread (advisor.api.scheduler)",
               multiprocess_mode="livesum", **_kw)


def observe_answer(answer: Answer) -> None:
    for stage, ms in answer.timings_ms.stages().items():
        STAGES.labels(stage).observe(ms / 1000)
    if answer.refused:
        REFUSALS.labels(answer.refusal_reason or "unknown").inc()


def render() -> tuple[bytes, str]:
    if REGISTRY is not None:
        return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
    from prometheus_client import multiprocess

    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return generate_latest(registry), CONTENT_TYPE_LATEST
