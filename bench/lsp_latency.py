"""Latency of the real language server over stdio.

    python bench/lsp_latency.py [--edits 200] [--corpora ../shared/corpora]
    python bench/lsp_latency.py --only-language [--lang-edits 30] [--code DIR ...] [--debounce server|MS ...] [--typed-ms 80]

Measures, with pytest-lsp's client impersonating VS Code:
* time from `initialized` to the first publishDiagnostics, and to diagnostics for every file, on the
  Model Spec copy and on the EIPs (structural diagnostics; the language pass disabled);
* 200 single-character edits inside clause sentences of model_spec.md (incremental didChange,
  debounce 0): time from sending didChange to the publishDiagnostics for that version, median / p95;
* with the language pass on, over many one-word edits in normative sentences of model_spec.md (a fresh
  language cache per server, so the edited sentence is parsed): time from the didChange to the structural
  republish of that version (the floor) and to the publishDiagnostics carrying the word's language finding,
  median / p95, for (a) the DEFAULT rules ("TBD" -> placeholder, SPEC213) and (b) off-by-default rules
  enabled through initialization options, both read from a spaCy parse ("quickly" -> vague-timing, SPEC207;
  "reasonably" after a modal or at the end of the sentence -> vague-term, SPEC201, which takes it in ~16
  sentences only). The edits are
  chosen, and checked to yield their finding, in this process with the same code before the server starts;
  a missing diagnostic stops the run with an error (never a silent timeout). Each edit is undone and the
  finding's removal awaited before the next one. The server's debounce is its default unless --debounce says;
  --typed-ms also types the word one character per didChange (latency from the last keystroke);
* the server's peak resident memory (VmHWM) and CPU time (user + sys) per edit.
`--code DIR` (repeatable) runs the server with another source tree (e.g. an unpacked `git archive` of the base
commit), interleaved with the others, for before/after figures in one run.
The corpora are read only: the server indexes them in place and the edits stay in the editor buffer.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
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


async def start(root: Path, language: bool, cache_dir: Path, code_dir: Path = REPO, init: dict | None = None):
    """The real server over stdio, running the code in `code_dir`. `init`: initialization options (default: debounce 0,
    the language pass on or off as `language` says)."""
    logf = os.environ.get("SPEC_LSP_BENCH_SERVER_LOG")  # the server's log (--log-file), for profiling
    cfg = ClientServerConfig(server_command=[sys.executable, "-P", "-m", "spec_lsp", "serve"] + (["--log-file", logf] if logf else []),
                             server_env={"PYTHONPATH": str(code_dir), "PATH": "/usr/bin:/bin", "SPEC_LSP_CACHE_DIR": str(cache_dir)})
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

    if init is None:
        init = {"diagnostics": {"debounceMs": 0}, "language": {"enabled": language}}
    else:
        init = {"language": {"enabled": language}, **init}
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


# -- language latency -------------------------------------------------------------------------------------

# The two configurations measured: the DEFAULT rules (placeholder, SPEC213, is on by default: "TBD" in a
# normative sentence), and an off-by-default rule turned on through initialization options (vague-term, SPEC201).
LANG_MODES = {
    "default": {"init": {}, "code": "SPEC213", "rule": "placeholder", "word": "TBD"},
    "vague-timing": {"init": {"rules": {"vague-timing": "warning"}}, "code": "SPEC207", "rule": "vague-timing", "word": "quickly"},
    # vague-term has many exemptions: about 16 sentences of model_spec.md take "reasonably" with a finding
    "vague-term": {"init": {"rules": {"vague-term": "information"}}, "code": "SPEC201", "rule": "vague-term", "word": "reasonably", "min": 10},
}


def _insertions(line_text: str, char: int, end_char: int, mode: str) -> list[int]:
    """Where the mode's word may go in a sentence starting at `char` on `line_text`: placeholder after the
    sentence's first word; vague-term ("reasonably") right after a lower-case modal (`must`/`should`), else at
    the end of the sentence (the rule has many exemptions: each place is checked in select_edits)."""
    import re

    seg = line_text[char:end_char]
    if mode == "default":
        k = seg.find(" ")
        return [] if k < 0 else [char + k + 1]
    out = []
    m = re.search(r"\b(?:must|should)\s+(?=[a-z])", seg)
    if m is not None:
        out.append(char + m.end())
    m = re.search(r"\w[.!]?\W*$", seg)
    if m is not None:
        out.append(char + m.start() + 1)  # "… used reasonably." (inserted as " reasonably")
    return out


def select_edits(root: Path, mode: str, n: int, seed: int = 11) -> list[tuple[int, int]]:
    """`n` insertions of the mode's word into normative sentences of model_spec.md whose finding the language
    pass really reports (checked in this process, with the worktree's code and the server's configuration
    merging, through the same Workspace + LanguagePass path the server runs). Returns (line, column in code points,
    the text inserted there)."""
    import os
    import tempfile

    os.environ["SPEC_LSP_CACHE_DIR"] = tempfile.mkdtemp(prefix="spec-lsp-bench-select-")  # never the server's cache
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))  # this worktree's code, not an installed spec_lsp
    from spec_lsp.core.config import load_config, merged
    from spec_lsp.core.workspace import Workspace
    from spec_lsp.language import prose
    from spec_lsp.language.langpass import LanguagePass

    m = LANG_MODES[mode]
    cfg, probs = load_config(root)
    cfg, probs = merged(cfg, {**m["init"]}, probs)
    ws = Workspace(root, cfg, probs)
    ws.load()
    lp = LanguagePass(cfg)
    lp.load()
    rel = "model_spec.md"
    text = ws.text(rel)
    lines = text.split("\n")
    doc = ws.docs[rel]
    job = lp.prepare(ws, [rel])
    lp.apply(ws, lp.run(job))
    before = {(f.range.start.line, f.code) for f in ws.findings(rel)}
    cands = []
    seen_lines = set()
    for u in prose.statements(doc, commentary=cfg.language.commentary):  # (a document without a TBD has no units)
        if not u.normative:
            continue
        r = doc.blocks[u.block].range(u.start, u.end)
        if r.start.line != r.end.line or r.start.line in seen_lines or (r.start.line, m["code"]) in before:
            continue
        cols = _insertions(lines[r.start.line], r.start.character, r.end.character, mode)
        if cols:
            cands.append((r.start.line, cols))
            seen_lines.add(r.start.line)
    random.Random(seed).shuffle(cands)
    out = []
    word = m["word"] + " "
    for line, cols in cands:
        for col in cols:
            new_lines = list(lines)
            ins = word if lines[line][col - 1:col].isspace() or col == 0 else " " + word.strip()
            new_lines[line] = lines[line][:col] + ins + lines[line][col:]
            ws.set_document(rel, "\n".join(new_lines))
            lp.apply(ws, lp.run(lp.prepare(ws, [rel])))
            at = col if ins == word else col + 1  # where the word itself starts
            ok = any(f.code == m["code"] and f.range.start.line == line and f.range.start.character <= at < f.range.end.character
                     for f in ws.findings(rel))
            ws.set_document(rel, text)
            lp.apply(ws, lp.run(lp.prepare(ws, [rel])))
            if ok:
                out.append((line, col, ins))
                break
        if len(out) == n:
            break
    if len(out) < min(n, m.get("min", n)):
        raise SystemExit(f"only {len(out)} of {n} {mode} edits yield a {m['code']} finding in-process: choose other sentences")
    return out


def server_cpu_s(client) -> float:
    """user + sys CPU seconds of the server process so far."""
    f = Path(f"/proc/{client._server.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(f[11]) + int(f[12])) / os.sysconf("SC_CLK_TCK")


async def wait_idle(client, quiet_s: float = 1.0, cpu_frac: float = 0.05, limit_s: float = 300) -> None:
    """Until the server has used under `cpu_frac` of a core for `quiet_s` (its initial passes are done)."""
    t_end = time.perf_counter() + limit_s
    last = server_cpu_s(client)
    while time.perf_counter() < t_end:
        await asyncio.sleep(quiet_s)
        now = server_cpu_s(client)
        if now - last < cpu_frac * quiet_s:
            return
        last = now
    raise SystemExit("the server never went idle")


async def _until(pred, what: str, limit_s: float = 30.0) -> float:
    t_end = time.perf_counter() + limit_s
    while True:
        got = pred()
        if got is not None:
            return got
        if time.perf_counter() > t_end:
            raise SystemExit(f"no {what} within {limit_s:.0f} s: the benchmark's premise is broken")
        await asyncio.sleep(0.0005)


async def language_edits(root: Path, mode: str, edits: list[tuple[int, int, str]], code_dir: Path, debounce_ms: int | None,
                         typed_ms: float = 0.0, gap_s: float = 0.5) -> dict:
    """One server (fresh language cache); each edit: insert the word (one didChange, or typed one character
    per didChange every `typed_ms`), time to the structural republish of that version and to the publish carrying
    the finding; then undo it and wait until the finding is gone (so the next edit starts from a quiet server)."""
    import tempfile

    m = LANG_MODES[mode]
    cache = Path(tempfile.mkdtemp(prefix="spec-lsp-bench-cache-"))
    extra = dict(m["init"])
    if debounce_ms is not None:
        extra["diagnostics"] = {"debounceMs": debounce_ms}
    client, published, t0 = await start(root, True, cache, code_dir=code_dir, init=extra)
    path = root / "model_spec.md"
    text = path.read_text(encoding="utf-8")
    uri = path.as_uri()
    lines = text.split("\n")
    client.text_document_did_open(T.DidOpenTextDocumentParams(T.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
    await _until(lambda: True if any(u == uri and v == 1 for u, v, *_ in published) else None, "first diagnostics")
    await wait_idle(client)
    code, word = m["code"], m["word"]
    version = 1
    structural, language = [], []
    cpu0 = server_cpu_s(client)
    for line, col, ins in edits:
        c16 = len(lines[line][:col].encode("utf-16-le")) // 2
        at = c16 + (0 if ins == word + " " else 1)  # where the word itself starts

        def has_it(diags) -> bool:
            return any(str(d.code) == code and d.range.start.line == line and d.range.start.character <= at < d.range.end.character for d in diags)

        mark = len(published)
        pieces = [ins] if not typed_ms else list(ins)
        for k, piece in enumerate(pieces):
            if k:
                await asyncio.sleep(typed_ms / 1000)
            version += 1
            pos = T.Position(line=line, character=c16 + k)
            t = time.perf_counter()
            client.text_document_did_change(T.DidChangeTextDocumentParams(
                text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=pos, end=pos), text=piece)]))
        v = version  # the version with the whole word
        ts = await _until(lambda: next((p[2] for p in published[mark:] if p[0] == uri and p[1] == v), None), f"publish of version {v}")
        tl = await _until(lambda: next((p[2] for p in published[mark:] if p[0] == uri and p[1] == v and has_it(p[3])), None),
                          f"{code} diagnostic on line {line + 1} (version {v})")
        structural.append(ts - t)
        language.append(tl - t)
        # undo, and wait for the finding to go (the language pass has run on the undone text)
        mark = len(published)
        version += 1
        v = version
        client.text_document_did_change(T.DidChangeTextDocumentParams(
            text_document=T.VersionedTextDocumentIdentifier(uri=uri, version=v),
            content_changes=[T.TextDocumentContentChangePartial(range=T.Range(start=T.Position(line=line, character=c16),
                                                                              end=T.Position(line=line, character=c16 + len(ins))), text="")]))
        await _until(lambda: True if any(p[0] == uri and p[1] == v and not has_it(p[3]) for p in published[mark:]) else None,
                     f"{code} diagnostic on line {line + 1} gone (version {v})")
        await asyncio.sleep(gap_s)
    cpu = server_cpu_s(client) - cpu0
    rss = peak_rss_mb(client)
    await client.shutdown_session()
    await client.stop()
    ms = lambda xs: [x * 1000 for x in xs]  # noqa: E731
    return {"mode": mode, "rule": m["rule"], "code": code, "word": word, "edits": len(edits), "debounce_ms": debounce_ms, "typed_ms": typed_ms,
            "structural_median_ms": statistics.median(ms(structural)), "structural_p95_ms": pct(ms(structural), 95),
            "language_median_ms": statistics.median(ms(language)), "language_p95_ms": pct(ms(language), 95),
            "language_max_ms": max(ms(language)),
            "server_cpu_ms_per_edit": cpu * 1000 / len(edits),  # the edit and its undo, both passes
            "peak_rss_mb": rss}


def code_file(code_dir: Path) -> str:
    """spec_lsp.__file__ as the server started with `code_dir` on PYTHONPATH sees it (`-P`: not the current
    directory, which `-m` would put first)."""
    import subprocess

    out = subprocess.run([sys.executable, "-P", "-c", "import spec_lsp; print(spec_lsp.__file__)"], env={"PYTHONPATH": str(code_dir), "PATH": "/usr/bin:/bin"},
                         capture_output=True, text=True, check=True).stdout.strip()
    if not out.startswith(str(code_dir.resolve())):
        raise SystemExit(f"the server would run {out}, not the code in {code_dir}")
    return out


async def language_runs(a) -> dict:
    """The language measurements, each configuration with the code of every `--code` directory, interleaved."""
    ms = Path(a.corpora) / "openai__model_spec"
    codes = [Path(c).resolve() for c in (a.code or [str(REPO)])]
    for c in codes:
        print(f"server code: {code_file(c)}", file=sys.stderr)
    runs = []
    for mode in a.modes:
        edits = select_edits(ms, mode, a.lang_edits)
        for rep in range(a.repeat):
            for c in codes:
                for deb in a.debounce:
                    d = None if deb == "server" else int(deb)
                    for typed in ([0.0, a.typed_ms] if a.typed_ms else [0.0]):
                        got = await language_edits(ms, mode, edits if not typed else edits[: max(5, len(edits) // 3)], c, d, typed)
                        got["code_dir"] = str(c)
                        got["load_avg"] = os.getloadavg()[0]
                        print(json.dumps(got), file=sys.stderr)
                        runs.append(got)
    return {"language_runs": runs}


async def main_async(a) -> dict:
    corpora = Path(a.corpora)
    ms, eips = corpora / "openai__model_spec", corpora / "ethereum__EIPs"
    cache = Path(a.cache)
    res = {}
    if a.only_language:
        return await language_runs(a)
    res["model_spec_first"] = await first_diagnostics(ms, sum(1 for _ in ms.rglob("*.md")), cache)
    res["eips_first"] = await first_diagnostics(eips, sum(1 for _ in eips.rglob("*.md")), cache)
    res["edits"] = await edits(ms, a.edits, cache)
    res.update(await language_runs(a))
    return res


def language_table(runs: list[dict]) -> str:
    rows = ["| code | rule (word inserted) | debounce | edit | load | → structural republish, median / p95 | → its language diagnostic, median / p95 (max) | server CPU per edit + undo |",
            "|---|---|---|---|---|---|---|---|"]
    for r in runs:
        deb = "server default" if r["debounce_ms"] is None else f"{r['debounce_ms']} ms"
        how = f"{r['edits']} × one didChange" if not r["typed_ms"] else f"{r['edits']} × typed, {r['typed_ms']:.0f} ms/char (from the last keystroke)"
        rows.append(f"| `{Path(r['code_dir']).name}` | {r['code']} {r['rule']} {'(default on)' if r['mode'] == 'default' else '(enabled by init options)'} “{r['word']}” | {deb} | {how} | "
                    f"{r['load_avg']:.2f} | {r['structural_median_ms']:.0f} / {r['structural_p95_ms']:.0f} ms | "
                    f"**{r['language_median_ms']:.0f}** / {r['language_p95_ms']:.0f} ({r['language_max_ms']:.0f}) ms | {r['server_cpu_ms_per_edit']:.0f} ms |")
    return "\n".join(rows) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--edits", type=int, default=200)
    ap.add_argument("--only-language", action="store_true", help="only the edit -> language diagnostic measurements")
    ap.add_argument("--lang-edits", type=int, default=30, help="edits per language measurement")
    ap.add_argument("--code", action="append", help="run the server with this source tree (repeatable: interleaved before/after); default this repository")
    ap.add_argument("--debounce", action="append", help="debounce for the language runs: 'server' (its default) or milliseconds (repeatable)")
    ap.add_argument("--typed-ms", type=float, default=0.0, help="also type the word one character per didChange at this interval")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--mode", action="append", choices=list(LANG_MODES), help="language configurations to measure (default: all)")
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--cache", default="/tmp/spec-lsp-bench-cache")
    ap.add_argument("--out", default=None)
    a = ap.parse_args()
    a.debounce = a.debounce or ["server"]
    a.modes = a.mode or list(LANG_MODES)
    if not Path(a.corpora).is_dir():  # a worktree sits one level deeper than /work/main
        a.corpora = str(Path("/work/shared/corpora"))
    res = asyncio.run(main_async(a))
    argv = " ".join(sys.argv[1:])
    if a.only_language:
        md = (f"# Language server latency (language part)\n\nCommand: `python bench/lsp_latency.py {argv}` (real server over stdio, "
              f"VS Code client profile, a fresh language cache per server; the edited sentences are parsed by spaCy in the server).\n\n"
              + language_table(res["language_runs"]) + f"\nRaw: `{json.dumps(res)}`\n")
        out = Path(a.out or REPO / "bench" / "results" / "lsp_latency_language.md")
        out.write_text(md, encoding="utf-8")
        print(md)
        return
    e, m, p = res["edits"], res["model_spec_first"], res["eips_first"]
    md = f"""# Language server latency

Command: `python bench/lsp_latency.py {argv}` (real server over stdio, VS Code client profile, 2 cores).

| measurement | result |
|---|---|
| Model Spec ({m['files']} files): `initialized` → first publishDiagnostics | {m['first_s'] * 1000:.0f} ms |
| Model Spec: `initialized` → diagnostics for every file | {m['all_files_s'] * 1000:.0f} ms |
| EIPs ({p['files']} files): `initialized` → first publishDiagnostics | {p['first_s']:.2f} s |
| EIPs: `initialized` → diagnostics for every file | {p['all_files_s']:.2f} s |
| {e['edits']} one-character edits in clause sentences of model_spec.md, didChange → publishDiagnostics (that version), median | {e['median_ms']:.1f} ms |
| same, p95 / max | {e['p95_ms']:.1f} ms / {e['max_ms']:.1f} ms |
| server peak RSS: Model Spec structural / EIPs structural | {m['peak_rss_mb']:.0f} MB / {p['peak_rss_mb']:.0f} MB |

Language pass on (one-word edits in normative sentences of model_spec.md):

{language_table(res['language_runs'])}
Raw: `{json.dumps(res)}`
"""
    out = Path(a.out or REPO / "bench" / "results" / "lsp_latency.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(md, encoding="utf-8")
    print(md)


if __name__ == "__main__":
    main()
