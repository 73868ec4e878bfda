"""Run systems over golden items and score them: `advisor eval`.

Each system runs in its own process (so its peak memory is its own), over the same items and
the same test corpus (the bundled corpus plus evals/planted/). Results are written as
results.json (for machines), report.md and a self-contained report.html (for people).
"""

from __future__ import annotations

import json
import multiprocessing
import resource
import statistics
import subprocess
import sys
import time
import tomllib
from datetime import datetime, timezone
from pathlib import Path

from advisor.package_data import folder
from evals import golden
from evals.metrics import METRICS, score_all

DEFAULT_COMPARE = ["langchain-baseline", "bm25-only", "dense-only"]
THRESHOLDS = folder("evals") / "thresholds.toml"
STAGES = ("retrieve", "compose", "generate", "total")


def _folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_system(name: str, items: list, workdir: Path, generator: str, progress: bool = True) -> dict:
    """Run one system over the items (in this process)."""
    from evals.systems import make_system

    started = time.perf_counter()
    system = make_system(name, workdir, generator)
    build_s = time.perf_counter() - started
    records = []
    live = progress and sys.stderr.isatty()
    for i, item in enumerate(items, start=1):
        records.append(system.run(item))
        if live:
            done = int(30 * i / len(items))
            print(f"\r  {name:<20} [{'#' * done}{'.' * (30 - done)}] {i}/{len(items)}", end="", file=sys.stderr,
                  flush=True)
    if progress:
        print(("\n" if live else "") + f"  {name}: {len(items)} questions in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
    stage_ms = {stage: [r["timings_ms"][stage] for r in records if stage in r["timings_ms"]] for stage in STAGES}
    cost = {"setup_s": round(build_s, 2), "index_bytes": _folder_bytes(system.data_dir),
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    answered = [r for r in records if not r["refused"] and r.get("generator")]
    if answered and any(r["generator"] != "extractive" for r in answered):
        cost["fallback_rate"] = round(sum(r["generator"] == "extractive-fallback" for r in answered) / len(answered), 3)
    for stage, values in stage_ms.items():
        if values:
            cost[f"{stage}_p50_ms"] = round(statistics.median(values), 2)
            cost[f"{stage}_p95_ms"] = round(_percentile(values, 0.95), 2)
    return {"records": records, "cost": cost}


def _child(args):
    return run_system(*args)


def run_isolated(name: str, items: list, workdir: Path, generator: str) -> dict:
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(_child, (name, items, workdir, generator)).result()


def summarise(records: list[dict], metric_names: list[str]) -> dict:
    out = {}
    for split in sorted({r["split"] for r in records}):
        rows = [r for r in records if r["split"] == split]
        scores = score_all(rows, metric_names)
        by_suite = {}
        for suite in sorted({r["suite"] for r in rows}):
            suite_scores = score_all([r for r in rows if r["suite"] == suite], metric_names)
            by_suite[suite] = {m: s.score for m, s in suite_scores.items()}
        out[split] = {"n": len(rows), "metrics": {m: s.score for m, s in scores.items()},
                      "applies": {m: s.applies_to for m, s in scores.items()},
                      "per_item": {m: s.per_item for m, s in scores.items()}, "by_suite": by_suite}
    return out


def evaluate(systems: list[str], items: list, workdir: Path, generator: str = "extractive",
             isolated: bool = True) -> dict:
    workdir.mkdir(parents=True, exist_ok=True)
    results = {"created": datetime.now(timezone.utc).isoformat(timespec="seconds"), "commit": _commit(),
               "generator": generator, "items": len(items),
               "suites": sorted({i.suite for i in items}), "splits": sorted({i.split for i in items}),
               "metrics": list(METRICS), "systems": {}}
    for name in systems:
        run = run_isolated(name, items, workdir, generator) if isolated else run_system(name, items, workdir, generator)
        results["systems"][name] = {"cost": run["cost"], "splits": summarise(run["records"], list(METRICS)),
                                    "records": run["records"]}
    return results


def _commit() -> str | None:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                              cwd=Path(__file__).parent, timeout=5).stdout.strip() or None
    except (OSError, subprocess.SubprocessError):
        return None


def load_thresholds(path: Path = THRESHOLDS) -> dict[str, dict[str, float]]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    data.pop("suites", None)  # floors of suites with their own runner (evals/conversations.py)
    for split, table in data.items():
        unknown = set(table) - set(METRICS)
        if unknown:
            raise ValueError(f"{path}: [{split}] names unknown metrics {sorted(unknown)}; known: {', '.join(METRICS)}")
    return data


def check_thresholds(results: dict, system: str = "advisor", path: Path = THRESHOLDS) -> list[str]:
    """The headline metrics that fell below their floor, as readable lines (empty when all pass)."""
    failures = []
    for split, floors in load_thresholds(path).items():
        scores = results["systems"][system]["splits"].get(split, {}).get("metrics", {})
        for name, floor in floors.items():
            score = scores.get(name)
            if score is None or score < floor:
                failures.append(f"{split} {name}: {'n/a' if score is None else f'{score:.3f}'} < {floor}")
    return failures


def write(results: dict, out: Path) -> None:
    from evals.report import html_report, markdown_report

    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "report.md").write_text(markdown_report(results), encoding="utf-8")
    (out / "report.html").write_text(html_report(results), encoding="utf-8")


def main(args) -> int:
    """Entry point for `advisor eval` (arguments parsed by the CLI)."""
    items = golden.load(split=args.split, suite=args.suite or None)
    if not items:
        print("advisor: error: no golden items match --suite/--split", file=sys.stderr)
        return 2
    systems = ["advisor"] + (DEFAULT_COMPARE if args.compare is None else args.compare)
    if args.embedders:
        systems += [f"embedder:{e.strip()}" for e in args.embedders.split(",") if e.strip()]
    systems = list(dict.fromkeys(systems))
    out = Path(args.out)
    print(f"Evaluating {', '.join(systems)} on {len(items)} questions …", file=sys.stderr)
    results = evaluate(systems, items, out / "work", args.generator)
    write(results, out)
    print(f"Wrote {out / 'report.md'}, {out / 'report.html'} and {out / 'results.json'}.", file=sys.stderr)
    from evals.report import headline_table

    for split in results["splits"]:
        print(f"\n{split} split\n" + headline_table(results, split))
    if args.check_thresholds:
        failures = check_thresholds(results)
        if failures:
            print("\nBelow the thresholds in evals/thresholds.toml:\n  " + "\n  ".join(failures), file=sys.stderr)
            return 1
        print("\nAll thresholds in evals/thresholds.toml are met.", file=sys.stderr)
    return 0
