"""`spec-lsp evals export | run`: argument parsing and the two commands (registered by spec_lsp/cli.py)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from .export import DEFAULT_PROVIDER, FORMATS

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
DEFAULT_RUN_DIR = ".spec-lsp/evals"  # under the workspace root; the editor's hover reads report.json here


def add_parser(sub) -> None:
    e = sub.add_parser("evals", help="export clauses and challenge prompts as eval suites, or grade a model")
    es = e.add_subparsers(dest="evals_command", metavar="ACTION", parser_class=type(e))

    x = es.add_parser("export", help="write eval suites (promptfoo, Inspect AI, OpenAI Evals, JSONL)")
    x.add_argument("paths", nargs="*", metavar="PATH", help="workspace root (default: .)")
    x.add_argument("--format", action="append", choices=FORMATS + ("all",), metavar="FORMAT",
                   help=f"one of {', '.join(FORMATS)} or all (repeatable; default: jsonl)")
    x.add_argument("--select", action="append", metavar="ITEMS",
                   help="clause IDs, section anchors or spec documents (comma-separated or repeated)")
    x.add_argument("--output", "-o", metavar="DIR", default="evals", help="output directory (default: ./evals)")
    x.add_argument("--provider", default=DEFAULT_PROVIDER, help=f"promptfoo provider written into the config (default: {DEFAULT_PROVIDER})")
    x.add_argument("--config", metavar="FILE")

    r = es.add_parser("run", help="sample a model's answers to the challenge prompts and grade them against the clauses")
    r.add_argument("paths", nargs="*", metavar="PATH", help="workspace root (default: .)")
    r.add_argument("--base-url", help="OpenAI-compatible endpoint (default: $OPENAI_BASE_URL or api.openai.com)")
    r.add_argument("--model", required=True, help="model whose answers are graded")
    r.add_argument("--grader-model", help="model that grades (default: --model)")
    r.add_argument("--api-key-env", default="OPENAI_API_KEY", metavar="NAME", help="environment variable holding the API key (default: OPENAI_API_KEY)")
    r.add_argument("--select", action="append", metavar="ITEMS", help="clause IDs, section anchors or spec documents")
    r.add_argument("--output", "-o", metavar="DIR", help=f"run directory (default: {DEFAULT_RUN_DIR} in the workspace)")
    r.add_argument("--samples", type=int, default=1, metavar="N", help="answers sampled per prompt (default: 1)")
    r.add_argument("--concurrency", "-j", type=int, default=4, metavar="N", help="requests in flight (default: 4)")
    r.add_argument("--retries", type=int, default=5, metavar="N", help="retries per request on 429/5xx/timeouts (default: 5)")
    r.add_argument("--backoff", type=float, default=1.0, metavar="SECONDS", help="first retry delay, doubled each time (default: 1)")
    r.add_argument("--timeout", type=float, default=120.0, metavar="SECONDS", help="per request (default: 120)")
    r.add_argument("--temperature", type=float, default=None)
    r.add_argument("--max-tokens", type=int, default=1024, metavar="N", help="per answer (default: 1024)")
    r.add_argument("--limit", type=int, metavar="N", help="grade at most N answers in this run")
    r.add_argument("--max-cost", type=float, metavar="USD", help="stop before the spend reaches this (needs --price-in/--price-out)")
    r.add_argument("--price-in", type=float, default=0.0, metavar="USD", help="price per million input tokens")
    r.add_argument("--price-out", type=float, default=0.0, metavar="USD", help="price per million output tokens")
    r.add_argument("--fresh", action="store_true", help="discard the results of a previous run in the directory instead of resuming")
    r.add_argument("--no-progress", action="store_true", help="no progress bar (it is shown only when stderr is a terminal)")
    r.add_argument("--config", metavar="FILE")


def _csv(values) -> tuple[str, ...]:
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return tuple(out)


def _usage(msg: str) -> int:
    sys.stderr.write(f"spec-lsp: error: {msg}\n")
    return EXIT_USAGE


def _workspace(a):
    """The workspace of PATH; a PATH below the root (a sub-folder or a file) limits the clauses to the
    spec documents inside it, as `check` limits its output, while the whole root is indexed."""
    from ..cli import _open_workspace

    ws, problems, only = _open_workspace(a.paths[:1] if a.paths else [], a.config)
    ws.load()
    for p in problems:
        sys.stderr.write(f"spec-lsp: config error: {p}\n")
    return ws, only


def _collect(ws, only, select):
    from ..cli import _in_scope
    from .collect import collect

    return [it for it in collect(ws, select) if _in_scope(it.document, only)]


def cmd_evals(a) -> int:
    if a.evals_command == "export":
        return cmd_export(a)
    if a.evals_command == "run":
        return cmd_run(a)
    return _usage("evals: give an action: export or run")


def cmd_export(a) -> int:
    from .collect import SelectError, stats
    from .export import export

    ws, only = _workspace(a)
    try:
        items = _collect(ws, only, _csv(a.select))
    except SelectError as e:
        return _usage(str(e))
    fmts = a.format or ["jsonl"]
    if "all" in fmts:
        fmts = list(FORMATS)
    out = Path(a.output)
    name = ws.root.resolve().name or "spec"
    written = []
    for f in dict.fromkeys(fmts):
        written += export(items, f, out, name, a.provider)
    st = stats(items)
    for p in written:
        sys.stdout.write(f"{p}\n")
    sys.stderr.write(
        f"{st['clauses']} clauses ({st['clauses_with_prompts']} with challenge prompts), {st['prompts']} prompts, "
        f"{st['references']} reference answers ({st['references_good']} good, {st['references_bad']} bad, "
        f"{st['references_ok']} ok)" + (f"; {st['skipped_prompts']} prompts skipped (no messages)" if st['skipped_prompts'] else "") + "\n")
    (out / "stats.json").write_text(json.dumps(st, indent=2) + "\n", encoding="utf-8")
    return EXIT_OK


def cmd_run(a) -> int:
    import os

    from .collect import SelectError

    try:
        from .runner import RunOptions, run
    except ImportError as e:  # the openai client is an optional extra
        return _usage(f"evals run needs the openai client: pip install 'spec-lsp[evals]' ({e})")
    if a.max_cost is not None and not (a.price_in or a.price_out):
        return _usage("--max-cost needs --price-in and/or --price-out (USD per million tokens)")
    if a.samples < 1 or a.concurrency < 1:
        return _usage("--samples and --concurrency must be at least 1")
    key = os.environ.get(a.api_key_env)
    if not key:
        return _usage(f"no API key: set ${a.api_key_env} (or name another variable with --api-key-env)")
    ws, only = _workspace(a)
    try:
        items = _collect(ws, only, _csv(a.select))
    except SelectError as e:
        return _usage(str(e))
    out = Path(a.output) if a.output else ws.root / DEFAULT_RUN_DIR
    opts = RunOptions(
        base_url=a.base_url or os.environ.get("OPENAI_BASE_URL"), api_key=key, model=a.model,
        grader_model=a.grader_model or a.model, samples=a.samples, concurrency=a.concurrency, retries=a.retries,
        backoff=a.backoff, timeout=a.timeout, temperature=a.temperature, max_tokens=a.max_tokens, limit=a.limit,
        max_cost=a.max_cost, price_in=a.price_in, price_out=a.price_out, fresh=a.fresh,
        progress=(not a.no_progress) and sys.stderr.isatty(), workspace=ws.root.resolve().name,
    )
    summary = run(items, out, opts)
    sys.stderr.write(summary.line() + "\n")
    for p in summary.written:
        sys.stdout.write(f"{p}\n")
    if summary.errors:
        return EXIT_FAIL  # some requests failed after their retries (run again to retry just those)
    return 3 if summary.stopped == "max-cost" else EXIT_OK
