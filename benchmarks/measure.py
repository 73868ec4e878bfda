"""Small measurements the benchmarks share: a server's memory, a directory's size, percentiles."""

from __future__ import annotations

import os
from pathlib import Path


def percentile(values, q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] if ordered else float("nan")


def _parent(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2:].split()[1])  # the name may hold spaces and ')'


def descendants(pid: int) -> list[int]:
    """`pid` and every process under it (uvicorn's workers, their resource tracker)."""
    parents = {int(p): _parent(int(p)) for p in os.listdir("/proc") if p.isdigit()}
    tree, frontier = [pid], [pid]
    while frontier:
        frontier = [child for child, parent in parents.items() if parent in frontier]
        tree.extend(frontier)
    return tree


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its descendants (VmRSS summed), in MB."""
    total_kb = 0
    for p in descendants(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kb += int(line.split()[1])
        except OSError:
            pass  # ended between listing and reading
    return total_kb / 1024


def server_pid(port: int | str) -> int:
    """The process this one started that serves on `port` (tests.server.running_server hides its Popen)."""
    port = str(port).rsplit(":", 1)[-1]
    for p in descendants(os.getpid())[1:]:
        try:
            argv = Path(f"/proc/{p}/cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"--port" in argv and argv[argv.index(b"--port") + 1] == port.encode():
            return p
    raise RuntimeError(f"no process started from here serves on port {port}")


def dir_mb(path: Path) -> float:
    """Total size of the files under `path` (the whole data dir, whatever its layout), in MB."""
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file()) / 1e6


def print_load_table(rows: list[dict], first: str) -> None:
    """The load rows (from benchmarks.load.level) as a Markdown table, led by the column `first`."""
    print(f"| {first} | clients | requests | req/s | p50 ms | p95 ms | p99 ms | errors |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r[first]} | {r['clients']} | {r['requests']} | {r['rps']:.1f} | {r['p50']:.1f} | "
              f"{r['p95']:.1f} | {r['p99']:.1f} | {r['errors']} |")
