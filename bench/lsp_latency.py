"""Latency of the real language server over stdio.

    python bench/lsp_latency.py [--edits 200] [--corpora ../shared/corpora]

Measures, with pytest-lsp's client impersonating VS Code:
* time from `initialized` to the first publishDiagnostics, and to diagnostics for every file, on the
  Model Spec copy and on the EIPs (structural diagnostics; the language pass disabled);
* 200 single-character edits inside clause sentences of model_spec.md (incremental didChange,
  debounce 0): time from sending didChange to the publishDiagnostics for that version, median / p95;
* with the language pass on: time from a one-word edit in a clause ("reasonable") to its language
  diagnostic, after the initial pass has finished;
* the server's peak resident memory (VmHWM).
The corpora are read only: the server indexes them in place and the edits stay in the editor buffer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types as T
from pytest_lsp import ClientServerConfig, client_capabilities

REPO = Path(__file__).resolve().parent.parent


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def peak_rss_mb(client) -> float:
    try:
        pid = client._server.pid
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except Exception:
        pass
    return float("nan")


async def start(root: Path, language: bool, cache_dir: Path):
    cfg = ClientServerConfig(server_command=[sys.executable, "-m", "spec_lsp", "serve"],
                             server_env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "SPEC_LSP_CACHE_DIR": str(cache_dir)})
    client = await cfg.start()
    published: list[tuple[str, int | None, float, list]] = []
    fm = client.protocol.fm
    default = fm.features[T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def on_publish(params):
        default(params)
        published.append((params.uri, params.version, time.perf_counter(), params.diagnostics))

    fm.features[T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish

    @client.feature(T.CLIENT_REGISTER_CAPABILITY)
    def _reg(params):
        return None

    init = {"diagnostics": {"debounceMs": 0}, "language": {"enabled": language}}
    if language:
        init["rules"] = {"vague-term": "information"}  # off by default since issue 11: the edit below needs it
    t0 = time.perf_counter()
    await client.initialize_session(T.InitializeParams(capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri(),
                                                       workspace_folders=[T.WorkspaceFolder(uri=root.as_uri(), name=root.name)],
                                                       initialization_options=init))
    return client, published, t0


async def first_diagnostics(root: Path, n_files: int, cache: Path) -> dict:
    client, published, t0 = await start(root, False, cache)
    while not published:
        await asyncio.sleep(0.005)
    first = published[0][2] - t0
    while len({u for u, *_ in published}) < n_files:
        await asyncio.sleep(0.01)
    all_ = published[-1][2] - t0
    rss = peak_rss_mb(client)
    await client.shutdown_session()
    await client.stop()
    return {"first_s": first, "all_files_s": all_, "files": n_files, "peak_rss_mb": rss}


async def edits(root: Path, n: int, cache: Path) -> dict:
    client, published, t0 = await start(root, False, cache)
    path = root / "model_spec.md"
    while len({u for u, *_ in published}) < 3:
        await asyncio.sleep(0.01)
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
    while not any(u == uri and v == 1 for u, v, *_ in published):
        await asyncio.sleep(0.005)
    lines = text.split("\n")
    # edit positions: the middle of clause sentences (lines carrying a [^id] tag), in UTF-16 units
    targets = []
    for i, ln in enumerate(lines):
        k = ln.find("[^")
        if k > 20:
            col = k // 2
            targets.append((i, len(ln[:col].encode("utf-16-le")) // 2))
    rnd = random.Random(7)
    lat = []
    version = 1
    for j in range(n):
        line, col = rnd.choice(targets) if j % 2 == 0 else (line, col)  # noqa: F821 (insert, then delete it)
        version += 1
        if j % 2 == 0:
            change = T.TextDocumentContentChangePartial(range=T.Range(start=T.Position(line=line, character=col), end=T.Position(line=line, character=col)), text="x")
        else:
            change = T.TextDocumentContentChangePartial(range=T.Range(start=T.Position(line=line, character=col), end=T.Position(line=line, character=col + 1)), text="")
        mark = len(published)
        t = time.perf_counter()
        client.text_document_did_change(T.DidChangeTextDocumentParams(text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=version), content_changes=[change]))
        while True:
            got = next((p for p in published[mark:] if p[0] == uri and p[1] == version), None)
            if got is not None:
                lat.append(got[2] - t)
                break
            await asyncio.sleep(0.0005)
    rss = peak_rss_mb(client)
    await client.shutdown_session()
    await client.stop()
    return {"edits": n, "median_ms": statistics.median(lat) * 1000, "p95_ms": pct(lat, 95) * 1000, "max_ms": max(lat) * 1000, "peak_rss_mb": rss}


async def language_edit(root: Path, cache: Path) -> dict:
    client, published, t0 = await start(root, True, cache)
    path = root / "model_spec.md"
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
    # wait until the open document has language findings (the model loaded and the first pass ran)
    t_lang = None
    while t_lang is None:
        for u, v, t, diags in published:
            if u == uri and any(str(d.code).startswith("SPEC2") for d in diags):
                t_lang = t - t0
                break
        await asyncio.sleep(0.01)
    await asyncio.sleep(3.0)  # let the whole-workspace pass settle
    lines = text.split("\n")
    target = next(i for i, ln in enumerate(lines) if "The assistant must strive to follow" in ln)
    col = lines[target].index("instructions")
    mark = len(published)
    t = time.perf_counter()
    client.text_document_did_change(T.DidChangeTextDocumentParams(
        text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=T.Position(line=target, character=col), end=T.Position(line=target, character=col)), text="reasonable ")]))
    structural = language = None
    deadline = time.perf_counter() + 120
    while language is None and time.perf_counter() < deadline:
        for u, v, tt, diags in published[mark:]:
            if u != uri:
                continue
            if structural is None:
                structural = tt - t
            if any(d.code == "SPEC201" and d.range.start.line == target for d in diags):
                language = tt - t
                break
        await asyncio.sleep(0.002)
    rss = peak_rss_mb(client)
    await client.shutdown_session()
    await client.stop()
    return {"first_language_diagnostics_s": t_lang, "edit_structural_ms": (structural or 0) * 1000,
            "edit_language_ms": language * 1000 if language is not None else float("nan"), "peak_rss_mb": rss}


async def main_async(a) -> dict:
    corpora = Path(a.corpora)
    ms, eips = corpora / "openai__model_spec", corpora / "ethereum__EIPs"
    cache = Path(a.cache)
    res = {}
    if a.only_language:
        return {"language": await language_edit(ms, cache)}
    res["model_spec_first"] = await first_diagnostics(ms, sum(1 for _ in ms.rglob("*.md")), cache)
    res["eips_first"] = await first_diagnostics(eips, sum(1 for _ in eips.rglob("*.md")), cache)
    res["edits"] = await edits(ms, a.edits, cache)
    res["language"] = await language_edit(ms, cache)
    return res


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--only-language", action="store_true", help="only the one-word edit -> language diagnostic measurement")
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--cache", default="/tmp/spec-lsp-bench-cache")
    ap.add_argument("--out", default=str(REPO / "bench" / "results" / "lsp_latency.md"))
    a = ap.parse_args()
    res = asyncio.run(main_async(a))
    if a.only_language:
        lang = res["language"]
        md = (f"# Language server latency (language part only)\n\nCommand: `python bench/lsp_latency.py --only-language` "
              f"(real server over stdio; machine shared, see the note).\n\n| measurement | result |\n|---|---|\n"
              f"| `initialized` → first language diagnostics for the open model_spec.md | {lang['first_language_diagnostics_s']:.2f} s |\n"
              f"| one-word edit in a clause (“reasonable”): → structural republish / → its `vague-term` diagnostic | "
              f"{lang['edit_structural_ms']:.0f} ms / {lang['edit_language_ms']:.0f} ms |\n| server peak RSS | {lang['peak_rss_mb']:.0f} MB |\n")
        Path(a.out).write_text(md, encoding="utf-8")
        print(md)
        return
    e, m, p, lang = res["edits"], res["model_spec_first"], res["eips_first"], res["language"]
    md = f"""# Language server latency

Command: `python bench/lsp_latency.py --edits {a.edits}` (real server over stdio, VS Code client profile, 2 cores).

| measurement | result |
|---|---|
| Model Spec ({m['files']} files): `initialized` → first publishDiagnostics | {m['first_s'] * 1000:.0f} ms |
| Model Spec: `initialized` → diagnostics for every file | {m['all_files_s'] * 1000:.0f} ms |
| EIPs ({p['files']} files): `initialized` → first publishDiagnostics | {p['first_s']:.2f} s |
| EIPs: `initialized` → diagnostics for every file | {p['all_files_s']:.2f} s |
| {e['edits']} one-character edits in clause sentences of model_spec.md, didChange → publishDiagnostics (that version), median | {e['median_ms']:.1f} ms |
| same, p95 / max | {e['p95_ms']:.1f} ms / {e['max_ms']:.1f} ms |
| server peak RSS: Model Spec structural / EIPs structural / Model Spec with spaCy | {m['peak_rss_mb']:.0f} MB / {p['peak_rss_mb']:.0f} MB / {lang['peak_rss_mb']:.0f} MB |
| language pass on: `initialized` → first language diagnostics for the open model_spec.md (cache as left by earlier runs) | {lang['first_language_diagnostics_s']:.2f} s |
| one-word edit in a clause (“reasonable”): → structural republish / → its `vague-term` diagnostic | {lang['edit_structural_ms']:.0f} ms / {lang['edit_language_ms']:.0f} ms |

Raw: `{json.dumps(res)}`
"""
    Path(a.out).parent.mkdir(parents=True, exist_ok=True)
    Path(a.out).write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
