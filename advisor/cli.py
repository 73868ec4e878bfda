"""The `advisor` command: ingest, ask, search, serve. Only wiring: the work is in the core."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from advisor.errors import AdvisorError


def _settings(args):
    from advisor.config import load_settings

    overrides = {}
    if getattr(args, "data_dir", None):
        overrides["data_dir"] = Path(args.data_dir)
    return load_settings(**overrides)


def ensure_index(settings, out=sys.stderr) -> None:
    """Ingest the bundled corpus when the data directory holds no index yet."""
    from advisor.index import Layout
    from ingest.pipeline import ingest

    if Layout(settings.data_dir).exists():
        return
    print(f"advisor: no index yet in {settings.data_dir} (set ADVISOR_DATA_DIR or --data-dir to use another "
          f"folder); ingesting the corpus in {settings.corpus_dir} …", file=out)
    report = ingest([settings.corpus_dir], settings)
    print(f"Indexed {report.passages} passages from {len(report.added)} documents "
          f"in {report.seconds:.1f} s.", file=out)
    for failure in report.failed:
        print(f"  skipped {failure['path']}: {failure['error']}", file=out)


def check_index(settings, out=sys.stderr) -> None:
    """Start-up check of the served index: rebuild it when it holds only the bundled corpus,
    otherwise refuse to start with what is wrong and how to fix it."""
    from advisor.index import Layout, check, read_manifest
    from ingest.pipeline import ingest

    layout = Layout(settings.data_dir)
    problems = check(layout, settings, deep=False)
    if not problems:
        return
    print(f"The index in {layout.folder} failed its start-up check:\n  " + "\n  ".join(problems), file=out)
    try:
        sources = {str(Path(info.get("source_dir") or "?").resolve())
                   for info in read_manifest(layout).get("documents", {}).values()}
    except ValueError:
        sources = set()
    if sources <= {str(Path(settings.corpus_dir).resolve())}:
        print(f"It holds only the bundled corpus; rebuilding it from {settings.corpus_dir} …", file=out)
        ingest([settings.corpus_dir], settings, rebuild=True)
        problems = check(Layout(settings.data_dir), settings, deep=False)
        if not problems:
            return
    raise AdvisorError(f"the index in {layout.folder} is not sound ({'; '.join(problems)}); "
                       "see 'advisor index verify', then 'advisor index rollback' to serve the previous "
                       "version, 'advisor index restore BACKUP', or 'advisor ingest --rebuild PATHS'")


def cmd_index_verify(args) -> int:
    from advisor.index import Layout, check, read_manifest

    settings = _settings(args)
    layout = Layout(settings.data_dir)
    problems = check(layout, settings, deep=True)
    manifest = read_manifest(layout) if layout.exists() else {"documents": {}}
    passages = sum(len(d.get("passages", [])) for d in manifest["documents"].values())
    where = f"version {layout.version}" if layout.version else str(layout.folder)
    if problems:
        print(f"{where}: NOT sound\n  " + "\n  ".join(problems))
        return 1
    print(f"{where}: sound ({len(manifest['documents'])} documents, {passages} passages, "
          f"embedder {manifest.get('embedder', 'none')})")
    return 0


def cmd_index_versions(args) -> int:
    from advisor.index import current_version
    from ingest.versions import published

    settings = _settings(args)
    current = current_version(settings.data_dir)
    names = published(settings.data_dir)
    if not names:
        print(f"no index versions in {settings.data_dir}")
    for name in names:
        print(("* " if name == current else "  ") + name)
    return 0


def cmd_index_rollback(args) -> int:
    from advisor.index import Layout, check, current_version
    from ingest.pipeline import writer_lock
    from ingest.versions import published, switch

    settings = _settings(args)
    with writer_lock(Layout(settings.data_dir)):
        names = published(settings.data_dir)
        current = current_version(settings.data_dir)
        if args.version:
            target = args.version
        else:
            older = names[:names.index(current)] if current in names else []
            if not older:
                raise AdvisorError("no earlier version to roll back to; 'advisor index versions' lists them")
            target = older[-1]
        if target not in names:
            raise AdvisorError(f"no version {target!r}; 'advisor index versions' lists them")
        problems = check(Layout(settings.data_dir, folder=Layout(settings.data_dir).versions / target),
                         settings)
        if problems:
            raise AdvisorError(f"version {target} is not sound ({'; '.join(problems)}); not switching")
        switch(settings.data_dir, target)
    print(f"now serving {target} (was {current})")
    return 0


def cmd_index_backup(args) -> int:
    from advisor.index import Layout
    from ingest.pipeline import writer_lock
    from ingest.versions import backup

    settings = _settings(args)
    with writer_lock(Layout(settings.data_dir)):  # versions are immutable; the lock keeps pruning away
        target = backup(settings.data_dir, Path(args.target))
    print(f"wrote {target} ({target.stat().st_size / 1e6:.1f} MB)")
    return 0


def cmd_index_restore(args) -> int:
    from advisor.index import Layout
    from ingest.pipeline import writer_lock
    from ingest.versions import restore

    settings = _settings(args)
    with writer_lock(Layout(settings.data_dir)):
        name = restore(settings.data_dir, Path(args.archive), settings)
    print(f"restored {args.archive} as version {name}, now served")
    return 0


def cmd_ingest(args) -> int:
    from ingest.pipeline import ingest

    settings = _settings(args)
    paths = [Path(p) for p in args.paths] or [settings.corpus_dir]
    report = ingest(paths, settings, rebuild=args.rebuild)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(f"{report.passages} passages indexed in {report.seconds:.2f} s: "
              f"{len(report.added)} added, {len(report.updated)} updated, "
              f"{len(report.unchanged)} unchanged, {len(report.removed)} removed, {len(report.failed)} failed.")
        for w in report.warnings:
            print(f"  warning {w['doc_id']}: {w['warning']}")
        for f in report.failed:
            print(f"  failed {f['path']}: {f['error']}", file=sys.stderr)
    return 1 if report.failed and not (report.added or report.updated or report.unchanged) else 0


def cmd_ask(args) -> int:
    from advisor.core import Advisor
    from advisor.phrases import render

    settings = _settings(args)
    ensure_index(settings)
    answer = Advisor(settings).ask(args.question)
    if args.json:
        print(answer.model_dump_json(indent=2))
        return 0
    print(answer.answer)
    if answer.citations:
        print("\n" + render("answer", answer.language, "sources"))
        for c in answer.citations:
            where = ", ".join(x for x in (f"p. {c.page}" if c.page else "", c.section) if x)
            print(f"[{c.n}] {c.title}" + (f" — {where}" if where else ""))
            print(f"    „{' '.join(c.quote.split())}”")
    return 0


def cmd_search(args) -> int:
    from advisor.core import Advisor

    settings = _settings(args)
    ensure_index(settings)
    hits = Advisor(settings).search(args.query, args.k)
    if args.json:
        print(json.dumps([h.public().model_dump(mode="json") for h in hits], ensure_ascii=False, indent=2))
        return 0
    for rank, hit in enumerate(hits, start=1):
        p = hit.passage
        print(f"{rank}. [{hit.score:.4f}] {p.doc_id}" + (f" p.{p.page}" if p.page else "")
              + (f" — {p.section}" if p.section else ""))
        print("   " + " ".join(p.index_text.split())[:300])
    return 0


def cmd_serve(args) -> int:
    import os
    import tempfile

    import uvicorn

    settings = _settings(args)
    host = args.host or settings.host
    port = args.port or settings.port
    ensure_index(settings)
    check_index(settings)
    server_options = _server_options(settings)
    if args.workers > 1:
        # Workers build their own app from the environment; they share the index read-only and
        # reload it when manifest.json changes. Metrics are added up across workers.
        os.environ["ADVISOR_DATA_DIR"] = str(settings.data_dir)
        if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
            import atexit
            import shutil

            metrics_dir = tempfile.mkdtemp(prefix="advisor-metrics-")
            atexit.register(shutil.rmtree, metrics_dir, ignore_errors=True)
            os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_dir
        uvicorn.run("advisor.api.main:create_app", factory=True, host=host, port=port, workers=args.workers,
                    log_level=args.log_level, **server_options)
    else:
        from advisor.api.main import create_app

        uvicorn.run(create_app(settings), host=host, port=port, log_level=args.log_level, **server_options)
    return 0


def _server_options(settings) -> dict:
    """uvicorn options the settings decide: X-Forwarded-For is believed only from the configured
    proxies (uvicorn itself trusts 127.0.0.1 by default, so a local client could pick its rate-limit
    identity), and headers must arrive within ADVISOR_HEADER_TIMEOUT_S."""
    import functools

    from advisor.api.protocol import HeaderTimeoutProtocol

    proxies = settings.forwarded_allow_ips.strip()
    return {"proxy_headers": bool(proxies), "forwarded_allow_ips": proxies or None,
            "http": functools.partial(HeaderTimeoutProtocol, header_timeout_s=settings.header_timeout_s)}


def cmd_feedback_export(args) -> int:
    from advisor.feedback import FeedbackStore
    from advisor.index import Layout

    settings = _settings(args)
    store = FeedbackStore(Layout(settings.data_dir).root / "feedback.sqlite3")
    sys.stdout.write(store.export(args.format))
    return 0


def cmd_info(args) -> int:
    """Where the advisor keeps its data and what it serves, so nobody has to guess."""
    from advisor import __version__
    from advisor.index import Layout, current_version

    settings = _settings(args)
    version = current_version(settings.data_dir)
    index = version or ("yes" if Layout(settings.data_dir).exists() else "none yet (built on first use)")
    for label, value in (("version", __version__), ("data directory", settings.data_dir),
                         ("index", index), ("corpus", settings.corpus_dir), ("embedder", settings.embedder),
                         ("generator", settings.generator)):
        print(f"{label + ':':16}{value}")
    return 0


def _data_dir_help() -> str:
    """The data directory in force, for --help; a configuration error must not break --help."""
    try:
        from advisor.config import load_settings

        return str(load_settings().data_dir)
    except AdvisorError:
        return "unknown, the configuration is invalid ('advisor info' says what is wrong)"


def cmd_eval(args) -> int:
    from evals.runner import main as run_eval

    return run_eval(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="advisor", description="Social procurement advisor.",
                                     epilog=f"data directory (index, feedback): {_data_dir_help()}",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)  # the path unwrapped
    parser.add_argument("--data-dir", help="index and feedback folder (default: ADVISOR_DATA_DIR, else the "
                        "platform's user data folder, e.g. ~/.local/share/social-procurement-advisor)")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="index documents (default: the bundled corpus)")
    p.add_argument("paths", nargs="*", help="files or folders (a folder with manifest.toml uses it)")
    p.add_argument("--rebuild", action="store_true", help="drop the index and build it anew")
    p.add_argument("--json", action="store_true", help="print the ingest report as JSON")
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("ask", help="ask a question")
    p.add_argument("question")
    p.add_argument("--json", action="store_true", help="print the answer contract as JSON")
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("search", help="show the passages retrieval finds")
    p.add_argument("query")
    p.add_argument("-k", type=int, default=5)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("serve", help="serve the HTTP API (ingests the bundled corpus if no index exists)")
    p.add_argument("--host")
    p.add_argument("--port", type=int)
    p.add_argument("--log-level", default="info")
    p.add_argument("--workers", type=int, default=1, help="worker processes over one index (default 1)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("index", help="check, list, roll back, back up and restore the index")
    index_sub = p.add_subparsers(dest="index_command", required=True)
    i = index_sub.add_parser("verify", help="check the served index (exit 1 when it is not sound)")
    i.set_defaults(func=cmd_index_verify)
    i = index_sub.add_parser("versions", help="list the kept index versions (* = served)")
    i.set_defaults(func=cmd_index_versions)
    i = index_sub.add_parser("rollback", help="serve the previous version (or the one named)")
    i.add_argument("version", nargs="?")
    i.set_defaults(func=cmd_index_rollback)
    i = index_sub.add_parser("backup", help="write the served index and the feedback to a .tar.gz")
    i.add_argument("target", help="a file name, or a folder to write advisor-index-<version>.tar.gz into")
    i.set_defaults(func=cmd_index_backup)
    i = index_sub.add_parser("restore", help="check a backup and serve it as a new version")
    i.add_argument("archive")
    i.set_defaults(func=cmd_index_restore)

    p = sub.add_parser("info", help="show the data directory, the served index and the configuration")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("feedback", help="feedback given on answers")
    feedback_sub = p.add_subparsers(dest="feedback_command", required=True)
    e = feedback_sub.add_parser("export", help="print all feedback")
    e.add_argument("--format", choices=["csv", "jsonl"], default="jsonl")
    e.set_defaults(func=cmd_feedback_export)

    p = sub.add_parser("eval", help="run the golden sets and write a report")
    p.add_argument("--suite", action="append", help="only this suite (repeatable): facts, advice, multi, "
                   "refusal, adversarial, followup, language")
    p.add_argument("--split", choices=["dev", "test"], help="only this split (default: both)")
    p.add_argument("--generator", default="extractive", help="answer generator (default: extractive)")
    p.add_argument("--compare", nargs="*", default=None, metavar="NAME",
                   help="systems to run beside the advisor (default: langchain-baseline bm25-only dense-only; "
                   "also: hybrid, embedder:<name|path>); give none for the advisor alone")
    p.add_argument("--embedders", help="embedding bake-off: comma-separated embedders, each fused with BM25")
    p.add_argument("--out", default="eval-report", help="output folder (default: ./eval-report)")
    p.add_argument("--check-thresholds", action="store_true",
                   help="exit 1 when a metric falls below evals/thresholds.toml")
    p.set_defaults(func=cmd_eval)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except AdvisorError as exc:
        print(f"advisor: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
