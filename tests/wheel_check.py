"""The wheel runs anywhere: build it, install it with its dependencies (and the `ui` extra) in a
clean venv, and from an empty folder run `advisor ask --json` and `advisor serve` (until /readyz, the
chat page at / and the offline /docs answer). The folder must still be empty afterwards, and the
index must be in the platform's user data folder. No checkout code may leak in: PYTHONPATH and every
ADVISOR_ variable are dropped.

    python -m tests.wheel_check [--keep]      (from the repository root; `make wheel-check`; .ci/run)

Prints each step with its duration; exits 1 with what failed.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.server import free_port, stop, wait_until_up

REPO_ROOT = Path(__file__).resolve().parent.parent
QUESTION = "Wat is een voorbehouden opdracht?"
FORBIDDEN = ("torch", "nvidia-", "triton")   # the base install and the ui extra must not pull these


class CheckFailed(Exception):
    pass


@contextmanager
def step(name: str):
    start = time.monotonic()
    print(f"wheel-check: {name} …", flush=True)
    yield
    print(f"wheel-check: {name}: ok ({time.monotonic() - start:.1f} s)", flush=True)


def run(command: list, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in command], capture_output=True, text=True, **kwargs)
    if result.returncode != 0:
        raise CheckFailed(f"{' '.join(map(str, command))} exited {result.returncode}:\n"
                          f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return result


def clean_env(data_home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("ADVISOR_") and k not in {"PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME"}}
    env["XDG_DATA_HOME"] = str(data_home)
    env["GRADIO_ANALYTICS_ENABLED"] = "False"
    return env


def check(work: Path) -> None:
    dist, venv, data_home, here = work / "dist", work / "venv", work / "data-home", work / "empty"
    for folder in (dist, data_home, here):
        folder.mkdir()
    bin_dir = venv / "bin"
    env = clean_env(data_home)

    with step("build the wheel"):
        run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", str(REPO_ROOT), "-w", dist], cwd=work)
        wheel = next(dist.glob("social_procurement_advisor-*.whl"))

    with step(f"install {wheel.name}[ui] with its dependencies in a clean venv"):
        run([sys.executable, "-m", "venv", venv])
        run([bin_dir / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
             f"{wheel}[ui]"], cwd=here, env=env)   # the file itself: no index can offer another version
        installed = json.loads(run([bin_dir / "python", "-m", "pip", "list", "--format", "json"], env=env).stdout)
        heavy = [p["name"] for p in installed if p["name"].lower().startswith(FORBIDDEN)]
        if heavy:
            raise CheckFailed(f"the install pulled {heavy}: a base or ui dependency drags in torch")
        where = run([bin_dir / "python", "-c", "import advisor; print(advisor.__file__)"], cwd=here, env=env).stdout
        if not where.strip().startswith(str(venv)):
            raise CheckFailed(f"advisor was imported from {where.strip()}, not from the clean venv")

    data = data_home / "social-procurement-advisor"
    with step(f"advisor ask --json {QUESTION!r} from an empty folder"):
        result = run([bin_dir / "advisor", "ask", "--json", QUESTION], cwd=here, env=env, timeout=600)
        answer = json.loads(result.stdout)
        if not answer.get("citations") or answer.get("refused"):
            raise CheckFailed(f"the answer has no citations:\n{result.stdout[:2000]}")
        if str(data) not in result.stderr:
            raise CheckFailed(f"the first use did not say where the data goes:\n{result.stderr}")
        if not (data / "CURRENT").is_file():
            raise CheckFailed(f"no index in the user data folder {data}")

    with step("advisor serve: /readyz, the chat page at / and /docs answer 200"):
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        proc = subprocess.Popen([str(bin_dir / "advisor"), "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--log-level", "warning"], cwd=here, env=env, text=True,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        try:
            wait_until_up(proc, f"{base}/readyz", 300, "advisor serve", interval=0.5)
            for path, expect in (("/", "gradio"), ("/docs", "/docs-assets/swagger-ui-bundle.js"),
                                 ("/docs-assets/swagger-ui-bundle.js", "SwaggerUIBundle")):
                page = httpx.get(base + path, timeout=30, follow_redirects=True)
                if page.status_code != 200 or expect not in page.text:
                    raise CheckFailed(f"GET {path}: {page.status_code}, {expect!r} not in the body")
        finally:
            stop(proc)

    with step("the folder it ran in is still empty"):
        left = sorted(p.name for p in here.iterdir())
        if left:
            raise CheckFailed(f"advisor left {left} in the folder it ran in")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", action="store_true", help="keep the work folder (wheel, venv) for a look")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="advisor-wheel-check-"))
    start = time.monotonic()
    try:
        check(work)
    except (CheckFailed, RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"wheel-check: FAILED: {exc}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"wheel-check: work folder kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    print(f"wheel-check: passed in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
