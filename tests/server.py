"""A real `advisor serve` process on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

ADVISOR = Path(sys.executable).parent / "advisor"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(proc: subprocess.Popen, url: str, timeout: float, what: str, interval: float = 0.1,
                  done=lambda response: True) -> None:
    """Poll `url` until it answers 200 (and `done` says so of the response); fail when the process
    dies or the time runs out."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            output = proc.stdout.read() if proc.stdout else ""
            raise RuntimeError(f"{what} exited with {proc.returncode}:\n{output}")
        try:
            response = httpx.get(url, timeout=1.0)
            if response.status_code == 200 and done(response):
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not come up in {timeout:g} s")
        time.sleep(interval)


@contextmanager
def running_server(data_dir: Path, timeout: float = 60.0, workers: int = 1, factory: bool = False,
                   log_level: str = "warning", output=subprocess.PIPE, wait_for_page: bool = True, **env_overrides):
    """`advisor serve` (or, with factory=True, plain uvicorn on the app factory, which does not
    ingest first) on a free port; yields the base URL once /healthz answers and, with
    `wait_for_page`, says the chat page is no longer starting (it is built after the API serves, and
    its import would otherwise share the CPU with what a test or benchmark times). `output`: where
    the server's stdout and stderr go (an open file keeps its log)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("ADVISOR_")}
    env.update({"ADVISOR_DATA_DIR": str(data_dir), **env_overrides})
    if factory:
        command = [sys.executable, "-m", "uvicorn", "advisor.api.main:create_app", "--factory",
                   "--host", "127.0.0.1", "--port", str(port), "--log-level", log_level]
    else:
        command = [str(ADVISOR), "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", log_level,
                   "--workers", str(workers)]
    proc = subprocess.Popen(command, env=env, stdout=output, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, f"{base}/healthz", timeout, "advisor server",
                      done=page_settled if wait_for_page else lambda response: True)
        yield base
    finally:
        stop(proc)


def page_settled(health: httpx.Response) -> bool:
    """Whether a /healthz response says the chat page is built (or failed, or is not served)."""
    return health.json().get("page") != "starting"


def stop(proc: subprocess.Popen, grace_s: float = 10.0) -> None:
    """Terminate a process, and kill it when it does not end within `grace_s`."""
    proc.terminate()
    if proc.stdout and proc.poll() is not None:
        proc.stdout.close()
    try:
        proc.wait(grace_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def chroma_server(path: Path, timeout: float = 60.0):
    """`chroma run` on a free loopback port; yields (url, process)."""
    port = free_port()
    proc = subprocess.Popen([str(Path(sys.executable).parent / "chroma"), "run", "--path", str(path),
                             "--host", "127.0.0.1", "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(proc, f"{url}/api/v2/heartbeat", timeout, "chroma run", interval=0.2)
        yield url, proc
    finally:
        stop(proc)
