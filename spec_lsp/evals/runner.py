"""`spec-lsp evals run`: sample answers to every challenge prompt from an OpenAI-compatible
chat-completions endpoint, grade each against its clause, and write the report.

* the official `openai` client (optional extra `spec-lsp[evals]`), its own retries off: ours retry
  429, 5xx, timeouts and connection errors with exponential backoff (honouring `Retry-After`);
* bounded concurrency (a thread pool of `--concurrency` workers, jobs submitted as slots free up);
* `results.jsonl` in the run directory gets one line per graded answer as soon as it is graded, so an
  interrupted run resumes where it stopped (a result counts when its prompt text, sample number,
  model and grader are unchanged; failed requests are retried on the next run);
* `--limit` (answers graded in this run) and `--max-cost` (USD, from token usage and prices) stop
  scheduling new work; what is in flight finishes.
"""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import openai

from .collect import ClauseEval, Prompt
from .report import write_reports
from .rubric import grader_messages, parse_verdict


@dataclass
class RunOptions:
    base_url: str | None
    api_key: str
    model: str
    grader_model: str
    samples: int = 1
    concurrency: int = 4
    retries: int = 5
    backoff: float = 1.0
    timeout: float = 120.0
    temperature: float | None = None
    max_tokens: int = 1024
    limit: int | None = None
    max_cost: float | None = None
    price_in: float = 0.0
    price_out: float = 0.0
    fresh: bool = False
    progress: bool = False
    workspace: str = ""


@dataclass
class Summary:
    graded: int = 0  # in this run
    reused: int = 0  # from a previous partial run
    errors: int = 0
    passed: int = 0
    failed: int = 0
    unparsed: int = 0
    cost: float = 0.0
    seconds: float = 0.0
    stopped: str = ""  # why scheduling stopped early ("limit", "max-cost")
    remaining: int = 0
    written: list[Path] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.errors and self.stopped != "max-cost"

    def line(self) -> str:
        s = (f"{self.graded} answers graded in {self.seconds:.1f}s"
             + (f" (+{self.reused} from the previous run)" if self.reused else "")
             + f": {self.passed} pass, {self.failed} fail"
             + (f", {self.unparsed} ungraded (grader reply not understood)" if self.unparsed else "")
             + (f", {self.errors} request errors" if self.errors else "")
             + (f"; cost ${self.cost:.4f}" if self.cost else ""))
        if self.stopped:
            s += f"; stopped by --{self.stopped} with {self.remaining} answers to go (run again to continue)"
        return s


class RequestError(Exception):
    pass


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _job_key(p: Prompt, k: int, opts: RunOptions) -> str:
    return f"{p.id}|{p.digest}|{k}|{opts.model}|{opts.grader_model}"


class _Chat:
    """chat.completions.create with retries and backoff; thread-safe usage accounting."""

    def __init__(self, opts: RunOptions) -> None:
        self.opts = opts
        self.client = openai.OpenAI(base_url=opts.base_url, api_key=opts.api_key, max_retries=0, timeout=opts.timeout)
        self.lock = threading.Lock()
        self.retried = 0

    def complete(self, model: str, messages: list[dict], max_tokens: int, temperature: float | None) -> tuple[str, dict]:
        opts = self.opts
        delay = opts.backoff
        last: Exception | None = None
        for attempt in range(opts.retries + 1):
            try:
                kw = {"model": model, "messages": messages, "max_tokens": max_tokens}
                if temperature is not None:
                    kw["temperature"] = temperature
                resp = self.client.chat.completions.create(**kw)
                text = (resp.choices[0].message.content or "") if resp.choices else ""
                u = resp.usage
                usage = {"prompt_tokens": getattr(u, "prompt_tokens", 0) or 0, "completion_tokens": getattr(u, "completion_tokens", 0) or 0}
                return text, usage
            except (openai.RateLimitError, openai.APIConnectionError, openai.APITimeoutError, openai.InternalServerError) as e:
                last = e
            except openai.APIStatusError as e:
                if e.status_code not in (408, 409, 425, 429) and e.status_code < 500:
                    raise RequestError(f"HTTP {e.status_code}: {_short(e)}") from e
                last = e
            if attempt == opts.retries:
                break
            wait_s = delay * (1 + random.random() * 0.25)
            ra = _retry_after(last)
            if ra is not None:
                wait_s = max(wait_s, min(ra, 60.0))
            with self.lock:
                self.retried += 1
            time.sleep(wait_s)
            delay *= 2
        raise RequestError(f"gave up after {opts.retries + 1} attempts: {_short(last)}")


def _short(e) -> str:
    s = str(e).strip().replace("\n", " ")
    return s[:300]


def _retry_after(e) -> float | None:
    resp = getattr(e, "response", None)
    if resp is None:
        return None
    v = resp.headers.get("retry-after")
    try:
        return float(v) if v is not None else None
    except ValueError:
        return None


def load_results(path: Path) -> list[dict]:
    """The lines of a results file; a torn last line (an interrupted write) is ignored."""
    out = []
    if not path.is_file():
        return out
    for ln in path.read_text(encoding="utf-8").splitlines():
        try:
            d = json.loads(ln)
        except ValueError:
            continue
        if isinstance(d, dict) and "key" in d:
            out.append(d)
    return out


class _Progress:
    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.enabled = total, enabled
        self.done = self.passed = self.failed = self.errors = 0
        self.last = 0.0

    def update(self, verdict: str | None, cost: float, final: bool = False) -> None:
        if verdict is not None:
            self.done += 1
            if verdict == "PASS":
                self.passed += 1
            elif verdict == "FAIL":
                self.failed += 1
            elif verdict == "ERROR":
                self.errors += 1
        if not self.enabled:
            return
        now = time.monotonic()
        if not final and now - self.last < 0.1:
            return
        self.last = now
        w = 30
        filled = int(w * self.done / self.total) if self.total else w
        bar = "█" * filled + "·" * (w - filled)
        msg = (f"\r\x1b[K{bar} {self.done}/{self.total} · {self.passed} pass · {self.failed} fail"
               + (f" · {self.errors} errors" if self.errors else "") + (f" · ${cost:.4f}" if cost else ""))
        sys.stderr.write(msg)
        if final:
            sys.stderr.write("\r\x1b[K")
        sys.stderr.flush()


def run(items: list[ClauseEval], out: Path, opts: RunOptions) -> Summary:
    t0 = time.monotonic()
    out.mkdir(parents=True, exist_ok=True)
    results_path = out / "results.jsonl"
    meta_path = out / "run.json"
    if opts.fresh and results_path.exists():
        results_path.unlink()
    previous = load_results(results_path)
    if results_path.is_file() and results_path.stat().st_size:
        with results_path.open("rb+") as f:  # a torn last line (interrupted write): end it, so appends start clean
            f.seek(-1, 2)
            if f.read(1) != b"\n":
                f.write(b"\n")
    done = {r["key"]: r for r in previous if r.get("status") == "graded"}
    by_clause = {it.id: it for it in items}
    jobs = [(it, p, k) for it in items for p in it.prompts for k in range(opts.samples)]
    todo = [j for j in jobs if _job_key(j[1], j[2], opts) not in done]
    summary = Summary(reused=len(jobs) - len(todo))
    meta = {"started": _now(), "model": opts.model, "grader_model": opts.grader_model, "base_url": opts.base_url or "",
            "samples": opts.samples, "workspace": opts.workspace}
    if meta_path.is_file():
        try:
            old = json.loads(meta_path.read_text(encoding="utf-8"))
            if summary.reused and old.get("model") == opts.model:
                meta["started"] = old.get("started", meta["started"])  # a resumed run keeps its start
        except ValueError:
            pass
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    chat = _Chat(opts)
    write_lock = threading.Lock()
    cost_lock = threading.Lock()
    spent = [0.0]
    progress = _Progress(len(todo), opts.progress)

    def price(usage: dict) -> float:
        return usage.get("prompt_tokens", 0) * opts.price_in / 1e6 + usage.get("completion_tokens", 0) * opts.price_out / 1e6

    def one(it: ClauseEval, p: Prompt, k: int) -> dict:
        key = _job_key(p, k, opts)
        rec = {"key": key, "clause": it.id, "prompt": p.id, "prompt_title": p.title, "sample": k, "model": opts.model,
               "grader_model": opts.grader_model, "time": _now()}
        try:
            messages = [{"role": m["role"], "content": m["content"]} for m in p.messages]
            answer, u1 = chat.complete(opts.model, messages, opts.max_tokens, opts.temperature)
            with cost_lock:
                spent[0] += price(u1)
            graded, u2 = chat.complete(opts.grader_model, grader_messages(it, messages, answer), 600, 0.0)
            with cost_lock:
                spent[0] += price(u2)
            v = parse_verdict(graded, it.id)
            rec.update(status="graded", answer=answer, verdict=v.verdict, reason=v.reason, cited=v.cited, quote=v.quote,
                       grader_output=graded if v.verdict == "UNPARSED" else "",
                       usage={"prompt_tokens": u1["prompt_tokens"] + u2["prompt_tokens"],
                              "completion_tokens": u1["completion_tokens"] + u2["completion_tokens"]},
                       cost=round(price(u1) + price(u2), 8))
        except RequestError as e:
            rec.update(status="error", error=str(e))
        with write_lock:
            with results_path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(rec, ensure_ascii=False) + "\n")
                f.flush()
        return rec

    pending = set()
    queue = list(todo)
    n_started = 0
    costs: list[float] = []
    try:
        with ThreadPoolExecutor(max_workers=opts.concurrency) as pool:
            while queue or pending:
                # with a cost guard, the first answer runs alone: its cost calibrates how many fit
                slots = 1 if (opts.max_cost is not None and not costs) else opts.concurrency
                while queue and len(pending) < slots:
                    if opts.limit is not None and n_started >= opts.limit:
                        summary.stopped = "limit"
                        break
                    if opts.max_cost is not None:
                        avg = (sum(costs) / len(costs)) if costs else 0.0
                        if spent[0] + avg * (len(pending) + 1) > opts.max_cost:
                            summary.stopped = "max-cost"
                            break
                    it, p, k = queue.pop(0)
                    pending.add(pool.submit(one, it, p, k))
                    n_started += 1
                if summary.stopped:
                    summary.remaining = len(queue)
                    queue = []
                if not pending:
                    break
                fin, pending = wait(pending, return_when=FIRST_COMPLETED)
                for fu in fin:
                    rec = fu.result()
                    if rec["status"] == "graded":
                        summary.graded += 1
                        costs.append(rec.get("cost", 0.0))
                        progress.update(rec["verdict"], spent[0])
                    else:
                        summary.errors += 1
                        progress.update("ERROR", spent[0])
    except KeyboardInterrupt:
        summary.stopped = "interrupt"
        raise
    finally:
        progress.update(None, spent[0], final=True)
        summary.cost = spent[0]
        summary.seconds = time.monotonic() - t0
        meta["finished"] = _now()
        meta["retried_requests"] = chat.retried
        meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        results = load_results(results_path)
        summary.written = write_reports(items, results, meta, out, opts_keys={_job_key(p, k, opts) for _, p, k in jobs})
    for r in results:
        if r.get("status") == "graded" and r["key"] in {_job_key(p, k, opts) for _, p, k in jobs}:
            summary.passed += r["verdict"] == "PASS"
            summary.failed += r["verdict"] == "FAIL"
            summary.unparsed += r["verdict"] == "UNPARSED"
    _ = by_clause
    return summary


__all__ = ["RunOptions", "run", "Summary", "load_results"]
