"""Parse an untrusted file in a child process that cannot take the server with it.

The child gets an address-space limit (ADVISOR_MAX_PARSE_MEMORY_MB) and a CPU-time limit
(ADVISOR_MAX_PARSE_SECONDS) from the kernel, and the parent kills it when it has not answered
within the parse time plus a little grace: a decompression bomb or a parser stuck in a loop costs
one child, while the serving process keeps its memory and answers on. The child is a fresh
interpreter (`python -m ingest.isolation`), never a fork of the threaded server, and replies in JSON.
"""

from __future__ import annotations

import dataclasses
import json
import math
import resource
import signal
import subprocess
import sys
from pathlib import Path

from advisor.errors import IngestError
from ingest.parsers import Limits, ParsedDocument, parse

GRACE_S = 2.0  # past the parse time limit, before the parent kills the child


def parse_isolated(path: Path, limits: Limits) -> ParsedDocument:
    """`parse(path, limits)` in a child process with memory and CPU limits and a wall-clock timeout;
    every failure, the child's death included, is an IngestError naming the file and the limit."""
    command = [sys.executable, "-m", "ingest.isolation", str(path), json.dumps(dataclasses.asdict(limits))]
    try:
        done = subprocess.run(command, capture_output=True, timeout=limits.max_seconds + GRACE_S)
    except subprocess.TimeoutExpired:  # run() has killed the child
        raise IngestError(str(path), _too_slow(limits)) from None
    try:
        reply = json.loads(done.stdout)
    except ValueError:  # died without a word: killed by the kernel at a limit
        raise IngestError(str(path), _death(done.returncode, limits)) from None
    if "error" in reply:
        raise IngestError(str(path), reply["error"])
    return ParsedDocument(**reply["parsed"])


def _too_much_memory(limits: Limits) -> str:
    return (f"parsing needs more than the {(limits.max_memory_bytes or 0) // 2**20:,} MB of memory allowed (a "
            "decompression bomb, or a very large file); split the document, or raise ADVISOR_MAX_PARSE_MEMORY_MB")


def _too_slow(limits: Limits) -> str:
    return (f"parsing took longer than {limits.max_seconds:g} s and was stopped (a hostile or broken file?); "
            "re-export or split the document, or raise ADVISOR_MAX_PARSE_SECONDS")


def _death(returncode: int, limits: Limits) -> str:
    if returncode in (-signal.SIGXCPU, -signal.SIGKILL):
        return _too_slow(limits)
    if returncode in (-signal.SIGSEGV, -signal.SIGABRT):  # how an allocation failure outside Python ends
        return _too_much_memory(limits)
    return f"the parser stopped unexpectedly (exit code {returncode}); re-export the document and try again"


def _child(path: str, limits: Limits) -> dict:
    if limits.max_memory_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (limits.max_memory_bytes, limits.max_memory_bytes))
    cpu = math.ceil(limits.max_seconds) + 1
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    try:
        return {"parsed": dataclasses.asdict(parse(Path(path), limits))}
    except IngestError as exc:
        return {"error": exc.message}
    except MemoryError:
        return {"error": _too_much_memory(limits)}
    except Exception as exc:  # a parser bug: reported for this file alone
        return {"error": f"unexpected {type(exc).__name__} while parsing: {str(exc)[:200]}"}


if __name__ == "__main__":
    limits = Limits(**json.loads(sys.argv[2]))
    reply = _child(sys.argv[1], limits)
    try:
        out = json.dumps(reply, ensure_ascii=False).encode()
    except MemoryError:
        out = json.dumps({"error": _too_much_memory(limits)}).encode()
    sys.stdout.buffer.write(out)
