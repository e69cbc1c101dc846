"""Request latency on big documents and the first squiggle on a big workspace (real server over stdio).

    python bench/bench_requests.py [--corpora ../shared/corpora] [--sizes 2,10] [--label after] [--timeout 60]

Measures, with pytest-lsp's client impersonating VS Code (language pass off):
* `textDocument/documentSymbol`, `textDocument/codeLens` and `workspace/symbol` on the open `model_spec.md`
  (271 KB), median of 20 requests;
* the same three requests on generated open documents of 2 MB and 10 MB (sections, clause sentences with
  tags, non-ASCII punctuation), one request each, with a time limit (a request that does not answer within
  `--timeout` seconds is reported as "> timeout");
* on the EIPs corpus: a client that opens one file right after `initialize`: time from `didOpen` to the
  first publishDiagnostics for that file, and to diagnostics for every file.
The corpora are read only; generated documents live in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from lsprotocol import types as T
from pytest_lsp import ClientServerConfig, client_capabilities

REPO = Path(__file__).resolve().parent.parent


async def start(root: Path, cache: Path, published: list):
    cfg = ClientServerConfig(server_command=[sys.executable, "-m", "spec_lsp", "serve"],
                             server_env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "SPEC_LSP_CACHE_DIR": str(cache)})
    client = await cfg.start()
    fm = client.protocol.fm
    default = fm.features[T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def on_publish(params):
        default(params)
        published.append((params.uri, params.version, time.perf_counter()))

    fm.features[T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish

    @client.feature(T.CLIENT_REGISTER_CAPABILITY)
    def _reg(params):
        return None

    await client.initialize_session(T.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri(),
        workspace_folders=[T.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
        initialization_options={"diagnostics": {"debounceMs": 0}, "language": {"enabled": False}}))
    return client


async def stop(client) -> None:
    """Shut the server down; one still busy (a request that never answers) is killed."""
    try:
        await asyncio.wait_for(client.shutdown_session(), 10)
    except Exception:
        proc = getattr(client, "_server", None)
        if proc is not None and proc.returncode is None:
            proc.kill()
    try:
        await asyncio.wait_for(client.stop(), 10)
    except Exception:
        pass


def generated(size_mb: float) -> str:
    out = ["# Generated spec {#top}\n\n"]
    n = 0
    total = 0
    while total < size_mb * 1_000_000:
        if n % 20 == 0:
            block = f"## Section “{n // 20}” {{#s{n // 20} authority=user}}\n\n"
        else:
            block = (f"The assistant must keep the user’s draft number {n} exactly as written, and it should say so 😀 "
                     f"when asked about it [^g{n:06d}].\n\n")
        out.append(block)
        total += len(block)
        n += 1
    return "".join(out)


async def timed(coro, timeout: float):
    t = time.perf_counter()
    try:
        await asyncio.wait_for(coro, timeout)
    except Exception:  # no answer in time, or the server died
        return None
    return (time.perf_counter() - t) * 1000


async def requests_on(client, uri: str, reps: int, timeout: float) -> dict:
    out = {}
    td = T.TextDocumentIdentifier(uri=uri)
    for name, make in (("documentSymbol", lambda: client.text_document_document_symbol_async(T.DocumentSymbolParams(text_document=td))),
                       ("codeLens", lambda: client.text_document_code_lens_async(T.CodeLensParams(text_document=td))),
                       ("workspaceSymbol", lambda: client.workspace_symbol_async(T.WorkspaceSymbolParams(query="")))):
        xs = []
        for _ in range(reps):
            ms = await timed(make(), timeout)
            if ms is None:
                xs = None
                break
            xs.append(ms)
        out[name] = statistics.median(xs) if xs else None
    return out


async def one_doc(name: str, text: str, reps: int, cache: Path, timeout: float) -> dict:
    """A fresh server per document: one that stops answering cannot spoil the next measurement."""
    with tempfile.TemporaryDirectory() as td:
        root = Path(td) / "ws"
        root.mkdir()
        (root / ".spec-lsp.toml").write_text("[rules]\nmissing-challenge-file = \"off\"\n", encoding="utf-8")
        (root / name).write_text("# placeholder\n", encoding="utf-8")
        published: list = []
        client = await start(root, cache, published)
        t0 = time.perf_counter()
        while not published and time.perf_counter() - t0 < timeout:
            await asyncio.sleep(0.01)
        u = (root / name).as_uri()
        mark = len(published)
        client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(uri=u, language_id="markdown", version=1, text=text)))
        t0 = time.perf_counter()
        while not any(p[0] == u and p[1] == 1 for p in published[mark:]) and time.perf_counter() - t0 < 3 * timeout:
            await asyncio.sleep(0.01)
        res = await requests_on(client, u, reps, timeout)
        await stop(client)
        return res


async def big_docs(corpora: Path, sizes: list[float], cache: Path, timeout: float) -> dict:
    res = {}
    ms = (corpora / "openai__model_spec" / "model_spec.md").read_text(encoding="utf-8")
    res["model_spec.md (271 KB)"] = await one_doc("model_spec.md", ms, 20, cache, timeout)
    for s in sizes:
        res[f"generated {s:g} MB (open)"] = await one_doc(f"gen{s:g}mb.md", generated(s), 1, cache, timeout)
    return res


async def first_squiggle(corpora: Path, cache: Path) -> dict:
    eips = corpora / "ethereum__EIPs"
    n = sum(1 for _ in eips.rglob("*.md"))
    target = eips / "EIPS" / "eip-1559.md"
    if not target.exists():
        target = sorted(eips.rglob("eip-*.md"))[0]
    published: list = []
    client = await start(eips, cache, published)
    u = target.as_uri()
    t0 = time.perf_counter()
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(uri=u, language_id="markdown", version=1,
                                                                              text=target.read_text(encoding="utf-8"))))
    while not any(p[0] == u for p in published):
        await asyncio.sleep(0.002)
    first = next(p[2] for p in published if p[0] == u) - t0
    while len({p[0] for p in published}) < n:
        await asyncio.sleep(0.01)
    all_ = published[-1][2] - t0
    await stop(client)
    return {"file": target.relative_to(eips).as_posix(), "files": n, "open_to_own_s": first, "open_to_all_s": all_}


def fmt(ms, timeout):
    return f"> {timeout:g} s (no answer)" if ms is None else f"{ms:.1f} ms"


async def main_async(a) -> dict:
    corpora = Path(a.corpora)
    cache = Path(a.cache)
    sizes = [float(x) for x in a.sizes.split(",") if x]
    return {"big": await big_docs(corpora, sizes, cache, a.timeout), "eips": await first_squiggle(corpora, cache)}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--cache", default="/tmp/spec-lsp-bench-cache")
    ap.add_argument("--sizes", default="2,10")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--label", default="")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    res = asyncio.run(main_async(a))
    rows = []
    for doc, r in res["big"].items():
        rows.append(f"| {doc} | {fmt(r['documentSymbol'], a.timeout)} | {fmt(r['codeLens'], a.timeout)} | {fmt(r['workspaceSymbol'], a.timeout)} |")
    e = res["eips"]
    md = f"""# Request latency on big documents; first squiggle on a big workspace{(' (' + a.label + ')') if a.label else ''}

Command: `python bench/bench_requests.py --sizes {a.sizes} --timeout {a.timeout:g}` (real server over stdio, VS Code
client profile, language pass off, 2-core machine shared with other jobs).

| open document | documentSymbol | codeLens | workspace/symbol (query "") |
|---|---|---|---|
{chr(10).join(rows)}

model_spec.md: median of 20 requests; generated documents: one request each.

| EIPs ({e['files']} files), `{e['file']}` opened right after `initialize` | |
|---|---|
| didOpen → first publishDiagnostics for the opened file | {e['open_to_own_s']:.2f} s |
| didOpen → diagnostics for every file | {e['open_to_all_s']:.2f} s |

Raw: `{json.dumps(res)}`
"""
    out = Path(a.out) if a.out else REPO / "bench" / "results" / (f"requests-{a.label}.md" if a.label else "requests.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
