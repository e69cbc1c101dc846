"""Robustness campaign: the real server (paranoid mode, language rules on) against copies of the real corpora.

Not part of the test suite. For each corpus in /work/shared/corpora (copied to a temp dir; big corpora are
cut to a seeded subset of whole directories so that paranoid mode, which rebuilds the index after every
change, stays tractable), it starts `python -m spec_lsp serve --paranoid --log-file …` over stdio with this
checkout's code, opens random spec documents and applies seeded random realistic edits (words, lines,
headings with {#anchor}, requirement IDs, OpenSpec/Kiro/spec-kit lines, tags, links, fences without closers,
front matter, CRLF/CR, non-ASCII, tabs, very long lines), file-system changes (didChangeWatchedFiles) and
config edits (a broken .spec-lsp.toml), interleaved with every request the server offers at random positions
(past the end of lines, inside surrogate pairs).

Checks: the process never dies; every request answers (result or clean error) within --timeout; responses
slower than 2 s are listed; no logMessage/showMessage of type Error, no "PARANOID" mismatch, no traceback
in stderr or the log file; every rename/code-action WorkspaceEdit names the current version, applies to the
client's text and (rename) changes only the renamed tokens; every returned range lies inside its document
in UTF-16 units and never splits a surrogate pair.

    PYTHONPATH=$PWD python bench/fuzz_corpora.py --seed 1 --ops 300 [--corpus NAME ...] [--out bench/results/fuzz_corpora.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "lsp"))

from raw_client import CAPS, RawServer, lsp_lines, lsp_offset, lsp_position, utf16_len  # noqa: E402

CORPORA = Path("/work/shared/corpora")
SLOW = 2.0

CONFIG = """\
[rules]
vague-term = "on"
loophole = "on"
open-ended-list = "on"
ambiguous-pronoun = "on"
keyword-misuse = "on"
ears-state-trigger = "on"
contradiction = "on"

[language]
enabled = true
"""

BROKEN_CONFIGS = [
    "[rules\nvague-term = on\n",
    "[rules]\nvague-term = 3\nnot-a-rule = \"on\"\n",
    "include = \"notalist\"\nid-patterns = [\"(\"]\n[language]\nenabled = \"yes\"\n",
    "id-patterns = [\"(?P<id>(a+)+b)\"]\n[rules]\ncontradiction = \"on\"\n",
    "\x00\xff garbage \u2028\n",
]

MDX_PAGE = """\
---
title: Synthetic page
---
import { Tabs } from '@site/components'
export const meta = { id: 1 }

# Guide {#guide}

{/* a comment */}
<Tabs items={["a", "b"]}>
  The service MUST respond [to x](/docs/other) and [here](#guide).
</Tabs>

## Setup

<Note>
Use the [quick start](./quickstart#install) where appropriate.
</Note>
"""

WORDS = ["the", "system", "MUST", "SHALL", "should", "appropriate", "etc.", "TBD", "quickly", "it", "and/or",
         "may", "not", "user", "’", "“quoted”", "é", "😀", "漢字かな", "\t", "must not", "only", "48 hours",
         "[NEEDS CLARIFICATION: x]", "`code`", "**bold**", "<!--", "-->", "\\", "|", "<a name=\"x\">", "[^"]

RNG_NAMES = ["alpha", "beta", "gamma", "delta", "Épée", "日本", "zeta😀"]


def line_snippets(rng: random.Random, ids: list[str]) -> list[str]:
    n = rng.randint(1, 999)
    nm = rng.choice(RNG_NAMES)
    some_id = rng.choice(ids) if ids else "abcd"
    return [
        f"## New section {n} {{#anchor-{n}}}\n",
        f"# Top {{#{some_id}}}\n",
        f"### Heading {nm} {{#sec-{n} authority=developer}}\n",
        f"### Requirement: {nm.title()} {n}\n",
        f"The system SHALL do {nm}.\n\n#### Scenario: case {n}\n- **WHEN** a user acts\n- **THEN** the system SHALL respond\n",
        "#### Scenario: no steps\n",
        "- **WHEN** something happens\n",
        f"- **FR-{n:03d}**: System MUST {nm} quickly.\n",
        f"- FR-{n:03d}: The system SHALL log it.\n",
        f"**SC-{n:03d}**: Users can finish in 2 minutes.\n",
        f"{rng.randint(1, 9)}. WHEN the user is logged in THEN the system SHALL {nm}\n",
        "1. IF the input is invalid, THEN the system SHALL reject it\n",
        f"### Requirement {rng.randint(1, 12)}\n\n**User Story:** As a user, I want x.\n\n#### Acceptance Criteria\n\n1. WHEN x THEN the system SHALL y\n",
        f"_Requirements: {rng.randint(1, 9)}.{rng.randint(1, 9)}, {rng.randint(1, 9)}.{rng.randint(1, 9)}_\n",
        f"**Validates: Requirements {rng.randint(1, 9)}.{rng.randint(1, 9)}**\n",
        f"- [ ] T{n:03d} [P] [US1] Implement {nm} (FR-{n:03d})\n",
        f"The assistant must not reveal x [^{some_id}].\n",
        f"The model should {nm} [^n{n:03d}] and [^{some_id}].\n",
        f"See [this](#{some_id}) and [that](other.md#a) and [?](#anchor-{n}).\n",
        f"See [EIP-{n}](./eip-{n}.md) and [x](../specs/{nm}/spec.md#requirement-{nm}).\n",
        "```python\n",
        "~~~xml\n<user>\nhi\n",
        "```\n",
        "<!-- unclosed comment\n",
        "-->\n",
        "!!! meta\n    commentary\n",
        "| a | b |\n|---|---|\n| 1 | 2 |\n",
        "<!-- spec-lsp: allow SPEC201 -->\n",
        "<!-- spec-lsp: allow NOPE -- why -->\n",
        "\t- tabbed item MUST\tdo\tthis\n",
        "x" * rng.choice([2000, 20000]) + "\n",
        ("The user MUST be told. " * rng.choice([50, 400])) + "\n",
        "`" * rng.randint(1, 7) + " unclosed code span " * 20 + "\n",
        "’“é😀漢字 — ﬁ\u200d\u0301 MUST\n",
        "\u2028\u2029\u0085\u000b\u000c line-ish separators\n",
        "[^" * 50 + "\n",
        "<a " * 50 + "\n",
        "## \n",
        "#\n",
        "    indented code MUST\n",
        "> quoted requirement SHALL\n",
        "<details><summary>x</summary>\n",
        "{/* mdx comment */}\n<Comp prop={1}\n",
    ]


def front_matter(rng: random.Random) -> str:
    return rng.choice([
        "---\ntitle: Fuzz\neip: 9999\nrequires: 1, 2\n---\n",
        "---\nunclosed: front matter\n",
        "---\n---\n",
        "+++\ntitle = 'toml'\n+++\n",
    ])


def ids_in(text: str) -> list[str]:
    out = re.findall(r"\[\^([^\]\s]{1,40})\]", text)
    out += re.findall(r"\{#([\w-]{1,60})", text)
    out += re.findall(r"\b(?:FR|SC|NFR)-\d{3}[a-z]?\b", text)
    return out[:200]


# ----------------------------------------------------------------------------------------------------------
# corpus copies

def copy_corpus(src: Path, dst: Path, rng: random.Random, max_files: int) -> list[str]:
    """Copy whole directories (seeded) until max_files spec files; keep every LICENSE/README at the top."""
    files = [p for p in src.rglob("*") if p.is_file()]
    groups: dict[Path, list[Path]] = {}
    for p in files:
        groups.setdefault(p.parent, []).append(p)
    # keep the directories a format needs together: the grandparent for OpenSpec changes, features
    keys = sorted(groups)
    rng.shuffle(keys)
    # the root directory's files first (model_spec.md, READMEs)
    keys.sort(key=lambda k: 0 if k == src else 1)
    taken = 0
    for k in keys:
        members = sorted(groups[k])
        specs = [p for p in members if p.suffix in (".md", ".mdx", ".markdown")]
        if len(specs) > max_files:  # one huge directory (the EIPs): a seeded sample of it
            keep = set(rng.sample(specs, max(1, max_files - taken)))
            members = [p for p in members if p.suffix not in (".md", ".mdx", ".markdown") or p in keep]
            specs = [p for p in specs if p in keep]
        if taken and taken + len(specs) > max_files:
            continue
        for p in members:
            t = dst / p.relative_to(src)
            t.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, t)
        taken += len(specs)
    return sorted(str(p.relative_to(dst)) for p in dst.rglob("*") if p.is_file() and p.suffix in (".md", ".mdx", ".markdown"))


# ----------------------------------------------------------------------------------------------------------
# checks on positions

class Failures:
    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, kind: str, **info) -> None:
        self.items.append({"kind": kind, **info})


def range_problem(text: str, rng_: dict) -> str | None:
    lines = lsp_lines(text)
    for key in ("start", "end"):
        p = rng_.get(key)
        if not isinstance(p, dict):
            return f"{key} missing"
        ln, ch = p.get("line"), p.get("character")
        if not isinstance(ln, int) or not isinstance(ch, int) or ln < 0 or ch < 0:
            return f"{key} malformed {p}"
        if ln >= len(lines):
            return f"{key} line {ln} >= {len(lines)} lines"
        a, b = lines[ln]
        content = text[a:b]
        if ch > utf16_len(content):
            return f"{key} character {ch} > line length {utf16_len(content)} (line {ln})"
        # inside a surrogate pair?
        units = 0
        for c in content:
            if units == ch:
                break
            units += 2 if ord(c) > 0xFFFF else 1
            if units > ch:
                return f"{key} character {ch} splits a surrogate pair (line {ln})"
    s, e = rng_["start"], rng_["end"]
    if (s["line"], s["character"]) > (e["line"], e["character"]):
        return "start after end"
    return None


def iter_ranges(obj, uri=None):
    """(uri or None, range) for every range in a response; a `uri`/`targetUri` next to it names its document."""
    if isinstance(obj, dict):
        u = obj.get("uri") or obj.get("targetUri") or uri
        for k, v in obj.items():
            if k in ("range", "targetRange", "targetSelectionRange", "selectionRange", "originSelectionRange", "insert", "replace") and isinstance(v, dict) and "start" in v:
                yield (uri if k == "originSelectionRange" else u), v
            elif k == "location" and isinstance(v, dict):
                yield from iter_ranges(v, u)
            elif k in ("documentChanges", "changes", "edit", "command", "arguments", "data"):
                continue  # workspace edits are checked by applying them; data/arguments are opaque
            else:
                yield from iter_ranges(v, u)
    elif isinstance(obj, list):
        for v in obj:
            yield from iter_ranges(v, uri)


# ----------------------------------------------------------------------------------------------------------
# the campaign on one corpus

class Campaign:
    def __init__(self, name: str, root: Path, specs: list[str], rng: random.Random, args, fails: Failures, pull: bool) -> None:
        self.name, self.root, self.rng, self.args, self.fails, self.pull = name, root, rng, args, fails, pull
        self.specs = specs
        self.open: dict[str, dict] = {}  # uri -> {"text", "version", "history": {version: text}}
        self.ops: dict[str, int] = {}
        self.latencies: list[tuple[float, str]] = []
        self.slow: list[dict] = []
        self.log_file = root.parent / f"{name}.log"
        caps = json.loads(json.dumps(CAPS))
        if pull:
            caps["textDocument"]["diagnostic"] = {"dynamicRegistration": False, "relatedDocumentSupport": False}
        self.caps = caps
        env = {"SPEC_LSP_CACHE_DIR": str(args.cache)}
        mode = () if args.plain else ("--paranoid",)
        self.srv = RawServer((*mode, "--log-file", str(self.log_file)), cache=Path(args.cache), env=None)
        self.srv_env = env
        self.notes_seen = 0
        self.last_diags: dict[str, tuple] = {}  # uri -> (version, diagnostics) last published or pulled
        self.trace: list[str] = []  # the ops, for reproduction

    # -- helpers
    def uri(self, rel: str) -> str:
        return (self.root / rel).as_uri()

    def rel(self, uri: str) -> str | None:
        p = uri[len("file://"):] if uri.startswith("file://") else None
        if p is None:
            return None
        from urllib.parse import unquote
        p = unquote(p)
        try:
            return str(Path(p).relative_to(self.root))
        except ValueError:
            return None

    def text_of(self, uri: str) -> str | None:
        if uri in self.open:
            return self.open[uri]["text"]
        rel = self.rel(uri)
        if rel is None:
            return None
        p = self.root / rel
        try:
            return p.read_bytes().decode("utf-8", "replace") if p.is_file() else None
        except OSError:
            return None

    def request(self, method: str, params, what: str) -> dict | None:
        t0 = time.perf_counter()
        try:
            res = self.srv.request(method, params, timeout=self.args.timeout)
        except AssertionError as e:
            self.fails.add("no-response", corpus=self.name, method=method, params=params, error=str(e), trace=self.trace[-8:])
            return None
        dt = time.perf_counter() - t0
        self.latencies.append((dt, method))
        if dt > SLOW:
            self.slow.append({"method": method, "seconds": round(dt, 2), "what": what, "params": _short(params)})
        if "error" in res:
            code = res["error"].get("code")
            if code not in (-32803, -32602, -32600, -32800):  # RequestFailed, InvalidParams, InvalidRequest, cancelled
                self.fails.add("error-response", corpus=self.name, method=method, params=_short(params), error=res["error"], trace=self.trace[-8:])
            return None
        return res

    # -- ops
    def open_doc(self, rel: str) -> None:
        uri = self.uri(rel)
        if uri in self.open:
            return
        text = self.text_of(uri)
        if text is None:
            return
        self.open[uri] = {"text": text, "version": 1, "history": {1: text}}
        self.srv.open(uri, text, 1)
        self.trace.append(f"open {rel}")

    def close_doc(self, uri: str) -> None:
        self.open.pop(uri, None)
        self.srv.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
        self.trace.append(f"close {self.rel(uri)}")

    def change(self, uri: str, new_text: str, changes: list[dict]) -> None:
        d = self.open[uri]
        d["version"] += 1
        d["text"] = new_text
        d["history"][d["version"]] = new_text
        if len(d["history"]) > 60:
            del d["history"][min(d["history"])]
        self.srv.change(uri, d["version"], changes)

    def pick_offset(self, text: str) -> int:
        if not text:
            return 0
        r = self.rng.random()
        if r < 0.5:  # a line start
            starts = [0] + [m.end() for m in re.finditer(r"\r\n|\r|\n", text[:200000])]
            return self.rng.choice(starts)
        return self.rng.randint(0, len(text))

    def edit(self) -> None:
        uri = self.rng.choice(list(self.open))
        d = self.open[uri]
        text = d["text"]
        rng = self.rng
        kind = rng.choices(["word", "delete", "line", "delete-line", "eol", "front", "batch", "full", "dup-id"],
                           [25, 15, 25, 8, 6, 2, 10, 2, 7])[0]
        edits: list[tuple[int, int, str]] = []
        if kind == "word":
            o = self.pick_offset(text)
            edits.append((o, o, rng.choice([" ", ""]) + rng.choice(WORDS) + rng.choice([" ", "", "\n"])))
        elif kind == "delete":
            o = self.pick_offset(text)
            edits.append((o, min(len(text), o + rng.randint(1, 40)), ""))
        elif kind == "line":
            o = self.pick_offset(text)
            s = rng.choice(line_snippets(rng, ids_in(text)))
            if rng.random() < 0.3:
                s = s.replace("\n", rng.choice(["\r\n", "\r"]))
            edits.append((o, o, s))
        elif kind == "delete-line":
            lines = lsp_lines(text)
            i = rng.randrange(len(lines))
            j = min(len(lines) - 1, i + rng.choice([0, 0, 1, 5]))
            a = lines[i][0]
            b = lines[j + 1][0] if j + 1 < len(lines) else len(text)
            edits.append((a, b, ""))
        elif kind == "eol":
            ms = [m for m in re.finditer(r"\r\n|\r|\n", text[:200000])]
            if ms:
                for m in rng.sample(ms, min(len(ms), rng.randint(1, 5))):
                    edits.append((m.start(), m.end(), rng.choice(["\r\n", "\r", "\n", "\n\n"])))
        elif kind == "front":
            edits.append((0, 0, front_matter(rng)))
        elif kind == "batch":
            for _ in range(rng.randint(2, 5)):
                o = self.pick_offset(text)
                edits.append((o, min(len(text), o + rng.randint(0, 5)), rng.choice(WORDS + ["\n", "\r\n", "😀"])))
        elif kind == "full":
            self.full_replace(uri)
            return
        elif kind == "dup-id":
            ids = ids_in(text)
            if ids:
                i = rng.choice(ids)
                o = self.pick_offset(text)
                edits.append((o, o, rng.choice([f"[^{i}] ", f"{{#{i}}}", f"{i} ", f"[x](#{i})"])))
        self.apply_edits(uri, edits, kind)

    def apply_edits(self, uri: str, edits: list[tuple[int, int, str]], kind: str) -> None:
        """Send the edits as one didChange, one content change each, applied in order on the running text."""
        text = self.open[uri]["text"]
        changes = []
        for a, b, new in edits:
            if a > len(text) or b > len(text):
                continue
            sp, ep = lsp_position(text, a), lsp_position(text, b)
            sa, sb = lsp_offset(text, sp), lsp_offset(text, ep)  # what the editor means by those positions
            if sb < sa:
                continue
            if self.rng.random() < 0.05:  # past the end of the line: LSP reads it as the end of that line
                sp = {"line": sp["line"], "character": sp["character"] + 500}
                sa = lsp_offset(text, sp)
                ep = dict(sp)
                sb = sa
            text = text[:sa] + new + text[sb:]
            changes.append({"range": {"start": sp, "end": ep}, "text": new})
        if changes:
            self.change(uri, text, changes)
            self.trace.append(f"edit {kind} {self.rel(uri)} v{self.open[uri]['version']} {json.dumps(changes)[:300]}")

    def full_replace(self, uri: str) -> None:
        text = self.open[uri]["text"]
        new = text.replace("\n", "\r\n") if self.rng.random() < 0.5 else text[: len(text) // 2]
        self.change(uri, new, [{"text": new}])
        self.trace.append(f"edit full {self.rel(uri)} v{self.open[uri]['version']}")

    def position(self, text: str, on_token: bool = False) -> dict:
        rng = self.rng
        r = 0.3 if on_token and rng.random() < 0.8 else rng.random()
        lines = lsp_lines(text)
        if r < 0.08:  # past the end of a line
            ln = rng.randrange(len(lines))
            return {"line": ln, "character": utf16_len(text[lines[ln][0]:lines[ln][1]]) + rng.randint(1, 100)}
        if r < 0.12:  # past the end of the document
            return {"line": len(lines) + rng.randint(0, 3), "character": rng.randint(0, 5)}
        if r < 0.2:  # inside a surrogate pair
            astral = [m.start() for m in re.finditer(r"[\U00010000-\U0010FFFF]", text[:300000])]
            if astral:
                o = rng.choice(astral)
                p = lsp_position(text, o)
                return {"line": p["line"], "character": p["character"] + 1}
        if r < 0.6:  # on an ID-like token
            ms = list(re.finditer(r"\[\^[^\]\s]+\]|\{#[\w-]+|\b(?:FR|SC)-\d{3}\b|Requirement: \S+|#[\w-]+\)|\]\([^)]+\)", text[:300000]))
            if ms:
                m = rng.choice(ms)
                return lsp_position(text, rng.randint(m.start(), m.end()))
        return lsp_position(text, rng.randint(0, len(text)))

    def do_request(self) -> None:
        rng = self.rng
        uri = rng.choice(list(self.open))
        d = self.open[uri]
        text = d["text"]
        pos = self.position(text)
        td = {"uri": uri}
        method = rng.choice(["hover", "definition", "references", "rename", "completion", "codeAction", "codeLens",
                             "documentSymbol", "workspaceSymbol", "documentLink", "diagnostic", "workspaceDiagnostic",
                             "rename", "codeAction", "hover"])
        if method == "rename":
            self.rename(uri, self.position(text, on_token=True))
            return
        if method == "hover":
            m, p = "textDocument/hover", {"textDocument": td, "position": pos}
        elif method == "definition":
            m, p = "textDocument/definition", {"textDocument": td, "position": pos}
        elif method == "references":
            m, p = "textDocument/references", {"textDocument": td, "position": pos, "context": {"includeDeclaration": rng.random() < 0.5}}
        elif method == "completion":
            m, p = "textDocument/completion", {"textDocument": td, "position": pos}
        elif method == "codeAction":
            end = pos if rng.random() < 0.5 else self.position(text)
            if (end["line"], end["character"]) < (pos["line"], pos["character"]):
                pos, end = end, pos
            ctx = []
            diags = self.last_diags.get(uri)
            if diags and diags[0] == d["version"] and diags[1] and rng.random() < 0.7:  # on a diagnostic, as an editor asks
                dg = rng.choice(diags[1])
                pos, end, ctx = dg["range"]["start"], dg["range"]["end"], [dg]
            m, p = "textDocument/codeAction", {"textDocument": td, "range": {"start": pos, "end": end}, "context": {"diagnostics": ctx}}
        elif method == "codeLens":
            m, p = "textDocument/codeLens", {"textDocument": td}
        elif method == "documentSymbol":
            m, p = "textDocument/documentSymbol", {"textDocument": td}
        elif method == "workspaceSymbol":
            m, p = "workspace/symbol", {"query": rng.choice(["", "a", "FR-00", "req", "😀", "x" * 300, "(", "*"])}
        elif method == "documentLink":
            m, p = "textDocument/documentLink", {"textDocument": td}
        elif method == "diagnostic":
            m, p = "textDocument/diagnostic", {"textDocument": td}
        else:
            m, p = "workspace/diagnostic", {"previousResultIds": []}
        version = d["version"]
        res = self.request(m, p, f"{self.rel(uri)} v{version}")
        self.trace.append(f"req {m} {self.rel(uri)} v{version} {json.dumps(pos)}")
        if res is None:
            return
        result = res.get("result")
        if m == "textDocument/diagnostic" and isinstance(result, dict) and "items" in result:
            self.last_diags[uri] = (version, result["items"])
        self.check_ranges(m, result, uri, text)
        if m == "textDocument/codeAction" and result:
            self.check_code_actions(uri, version, result)

    def check_ranges(self, method: str, result, uri: str, text: str) -> None:
        if method == "workspace/diagnostic" and isinstance(result, dict):
            for it in result.get("items") or []:
                t = self.version_text(it["uri"], it.get("version"))
                if t is None:
                    continue
                for dg in it.get("items") or []:
                    prob = range_problem(t, dg["range"])
                    if prob:
                        self.fails.add("range", corpus=self.name, method=method, uri=it["uri"], range=dg["range"], problem=prob, trace=self.trace[-5:])
            return
        for u, r in iter_ranges(result, uri):
            t = text if u == uri else self.text_of(u)
            if t is None:
                continue
            prob = range_problem(t, r)
            if prob:
                self.fails.add("range", corpus=self.name, method=method, uri=u, range=r, problem=prob, trace=self.trace[-5:])

    def version_text(self, uri: str, version) -> str | None:
        if uri in self.open:
            if version is None:
                return None
            return self.open[uri]["history"].get(version)
        return self.text_of(uri)

    def check_code_actions(self, uri: str, version: int, actions: list) -> None:
        for a in actions:
            if not isinstance(a, dict) or "edit" not in a:
                continue
            for ch in a["edit"].get("documentChanges") or []:
                if "textDocument" in ch and ch["textDocument"]["uri"] in self.open:
                    v = ch["textDocument"].get("version")
                    if v != self.open[ch["textDocument"]["uri"]]["version"]:
                        self.fails.add("stale-code-action", corpus=self.name, action=a.get("title"), named=v, current=self.open[ch["textDocument"]["uri"]]["version"])
                    for e in ch["edits"]:
                        prob = range_problem(self.open[ch["textDocument"]["uri"]]["text"], e["range"])
                        if prob:
                            self.fails.add("range", corpus=self.name, method="codeAction edit", range=e["range"], problem=prob, trace=self.trace[-5:])
        # sometimes the user picks a quick fix that edits only open documents
        pick = [a for a in actions if isinstance(a, dict) and "edit" in a]
        if pick and self.rng.random() < 0.3:
            a = self.rng.choice(pick)
            self.apply_workspace_edit(a["edit"], "codeAction " + str(a.get("title"))[:60], None, None)

    def rename(self, uri: str, pos: dict) -> None:
        d = self.open[uri]
        text, version = d["text"], d["version"]
        prep = self.request("textDocument/prepareRename", {"textDocument": {"uri": uri}, "position": pos}, f"{self.rel(uri)} v{version}")
        self.trace.append(f"prepareRename {self.rel(uri)} v{version} {json.dumps(pos)}")
        if prep is None or not prep.get("result"):
            return
        pr = prep["result"]
        rng_ = pr.get("range", pr) if isinstance(pr, dict) else None
        if not isinstance(rng_, dict) or "start" not in rng_:
            return
        prob = range_problem(text, rng_)
        if prob:
            self.fails.add("range", corpus=self.name, method="prepareRename", range=rng_, problem=prob, trace=self.trace[-5:])
            return
        old = text[lsp_offset(text, rng_["start"]):lsp_offset(text, rng_["end"])]
        if isinstance(pr, dict) and isinstance(pr.get("placeholder"), str) and pr["placeholder"]:
            old = pr["placeholder"]
        if not old:
            return
        new = self.new_name(old)
        res = self.request("textDocument/rename", {"textDocument": {"uri": uri}, "position": pos, "newName": new}, f"{self.rel(uri)} v{version} {old!r}->{new!r}")
        self.trace.append(f"rename {self.rel(uri)} v{version} {json.dumps(pos)} {old!r}->{new!r}")
        if res is None or not res.get("result"):
            return
        self.apply_workspace_edit(res["result"], f"rename {old!r}->{new!r}", old, new)

    def new_name(self, old: str) -> str:
        r = self.rng.random()
        m = re.match(r"^(.*?)(\d+)$", old)
        if m and r < 0.5:
            return m.group(1) + str(int(m.group(2)) + 900).zfill(len(m.group(2)))
        if r < 0.9:
            return old + self.rng.choice(["x", "2", "-b", "é", "y"])
        return self.rng.choice(["zz99", "FR-999", "New Name", "bad name with ]", "😀", ""])

    def apply_workspace_edit(self, we: dict, what: str, old: str | None, new: str | None) -> None:
        """Apply like an editor: open documents by didChange (the version must be current), closed files on
        disk (then didChangeWatchedFiles), file operations on disk."""
        changes = list(we.get("documentChanges") or [])
        for u, eds in (we.get("changes") or {}).items():
            changes.append({"textDocument": {"uri": u, "version": None}, "edits": eds})
        events = []
        planned = []
        created: dict[str, str] = {}
        for ch in changes:
            if "textDocument" in ch:
                u = ch["textDocument"]["uri"]
                t = created[u] if u in created else self.text_of(u)
                if t is None:
                    self.fails.add("edit-missing-file", corpus=self.name, what=what, uri=u)
                    return
                if u in self.open and ch["textDocument"].get("version") != self.open[u]["version"]:
                    self.fails.add("stale-version", corpus=self.name, what=what, uri=u, named=ch["textDocument"].get("version"), current=self.open[u]["version"], trace=self.trace[-6:])
                    return
                spans = []
                for e in ch["edits"]:
                    prob = range_problem(t, e["range"])
                    if prob:
                        self.fails.add("range", corpus=self.name, method=what, uri=u, range=e["range"], problem=prob, trace=self.trace[-6:])
                        return
                    a, b = lsp_offset(t, e["range"]["start"]), lsp_offset(t, e["range"]["end"])
                    spans.append((a, b, e["newText"], e["range"]))
                spans.sort(key=lambda s: (s[0], s[1]))
                for x, y in zip(spans, spans[1:]):
                    if y[0] < x[1]:
                        self.fails.add("overlapping-edits", corpus=self.name, what=what, uri=u, spans=[x[:3], y[:3]])
                        return
                if old is not None:
                    for a, b, nt, _ in spans:
                        got = t[a:b]
                        if not _only_token(got, nt, old, new):
                            self.fails.add("rename-touches-other-text", corpus=self.name, what=what, uri=u, replaced=got[:200], newText=nt[:200], trace=self.trace[-6:])
                planned.append(("edit", u, t, spans))
            elif ch.get("kind") in ("rename", "create", "delete"):
                if ch.get("kind") == "create":
                    created[ch["uri"]] = ""
                planned.append(("op", ch))
            else:
                self.fails.add("bad-document-change", corpus=self.name, what=what, change=ch)
                return
        for item in planned:
            if item[0] == "edit":
                _, u, t, spans = item
                out = t
                for a, b, nt, _ in sorted(spans, reverse=True):
                    out = out[:a] + nt + out[b:]
                if u in self.open:
                    ordered = sorted(spans, key=lambda s: (s[0], s[1]), reverse=True)
                    self.change(u, out, [{"range": s[3], "text": s[2]} for s in ordered])
                else:
                    rel = self.rel(u)
                    if rel is None:
                        self.fails.add("edit-outside-root", corpus=self.name, what=what, uri=u)
                        continue
                    (self.root / rel).write_text(out, encoding="utf-8", newline="")
                    events.append({"uri": u, "type": 2})
            else:
                ch = item[1]
                if ch["kind"] == "rename":
                    a, b = self.rel(ch["oldUri"]), self.rel(ch["newUri"])
                    if a is None or b is None:
                        self.fails.add("file-op-outside-root", corpus=self.name, what=what, change=ch)
                        continue
                    if (self.root / b).exists():
                        self.fails.add("file-op-overwrites", corpus=self.name, what=what, change=ch)
                        continue
                    if (self.root / a).exists():
                        os.replace(self.root / a, self.root / b)
                        events += [{"uri": ch["oldUri"], "type": 3}, {"uri": ch["newUri"], "type": 1}]
                elif ch["kind"] == "create":
                    b = self.rel(ch["uri"])
                    if b is None:
                        self.fails.add("file-op-outside-root", corpus=self.name, what=what, change=ch)
                        continue
                    if (self.root / b).exists():
                        if not (ch.get("options") or {}).get("ignoreIfExists"):
                            self.fails.add("file-op-overwrites", corpus=self.name, what=what, change=ch)
                        continue
                    (self.root / b).parent.mkdir(parents=True, exist_ok=True)
                    (self.root / b).write_text("", encoding="utf-8")
                    events.append({"uri": ch["uri"], "type": 1})
        if events:
            self.srv.notify("workspace/didChangeWatchedFiles", {"changes": events})
        self.trace.append(f"applied {what}")

    def fs_change(self) -> None:
        rng = self.rng
        kind = rng.choice(["create", "delete", "rename", "modify"])
        closed = [s for s in self.specs if self.uri(s) not in self.open and (self.root / s).is_file()]
        events = []
        if kind == "create":
            d = rng.choice([str(Path(s).parent) for s in self.specs] or ["."])
            rel = str(Path(d) / f"fuzz-{rng.randint(0, 99999)}.md")
            (self.root / rel).write_text(rng.choice(line_snippets(rng, [])) * rng.randint(1, 3), encoding="utf-8")
            self.specs.append(rel)
            events.append({"uri": self.uri(rel), "type": 1})
        elif kind == "delete" and closed:
            rel = rng.choice(closed)
            (self.root / rel).unlink()
            events.append({"uri": self.uri(rel), "type": 3})
        elif kind == "rename" and closed:
            rel = rng.choice(closed)
            new = str(Path(rel).parent / f"renamed-{rng.randint(0, 99999)}-{Path(rel).name}")
            os.replace(self.root / rel, self.root / new)
            self.specs.append(new)
            events += [{"uri": self.uri(rel), "type": 3}, {"uri": self.uri(new), "type": 1}]
        elif kind == "modify" and closed:
            rel = rng.choice(closed)
            p = self.root / rel
            t = p.read_bytes().decode("utf-8", "replace")
            o = rng.randint(0, len(t))
            t = t[:o] + rng.choice(line_snippets(rng, ids_in(t))) + t[o:]
            p.write_bytes(t.encode("utf-8") if rng.random() < 0.9 else t.encode("utf-8") + b"\xff\xfe bad bytes")
            events.append({"uri": self.uri(rel), "type": 2})
        if events:
            self.srv.notify("workspace/didChangeWatchedFiles", {"changes": events})
            self.trace.append(f"fs {json.dumps(events)}")

    def config_change(self) -> None:
        p = self.root / ".spec-lsp.toml"
        t = self.rng.choice(BROKEN_CONFIGS) if self.rng.random() < 0.6 else CONFIG
        p.write_text(t, encoding="utf-8", errors="surrogateescape")
        self.srv.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": p.as_uri(), "type": 2}]})
        self.trace.append(f"config {t[:40]!r}")

    # -- notifications
    def scan_notifications(self) -> None:
        with self.srv.cond:
            new = self.srv.notifications[self.notes_seen:]
            self.notes_seen = len(self.srv.notifications)
        for n in new:
            m, p = n.get("method"), n.get("params") or {}
            if m in ("window/logMessage", "window/showMessage"):
                msg = str(p.get("message", ""))
                if p.get("type") == 1 or "PARANOID" in msg or "Traceback" in msg:
                    self.fails.add("log-error", corpus=self.name, method=m, message=msg[:3000], trace=self.trace[-10:])
            elif m == "textDocument/publishDiagnostics":
                self.last_diags[p["uri"]] = (p.get("version"), p.get("diagnostics") or [])
                t = self.version_text(p["uri"], p.get("version"))
                if t is None:
                    continue
                if p["uri"] not in self.open and p.get("version") is not None:
                    continue
                for dg in p.get("diagnostics") or []:
                    prob = range_problem(t, dg["range"])
                    if prob and p["uri"] in self.open:
                        self.fails.add("range", corpus=self.name, method="publishDiagnostics", uri=p["uri"], version=p.get("version"), range=dg["range"], problem=prob, message=dg.get("message", "")[:200], trace=self.trace[-5:])
                    elif prob:  # a closed file may have changed on disk since
                        self.fails.add("range-closed?", corpus=self.name, uri=p["uri"], range=dg["range"], problem=prob, message=dg.get("message", "")[:200])

    # -- the run
    def run(self, n_ops: int) -> None:
        srv = self.srv
        srv.initialize(self.root, {"diagnostics": {"debounceMs": self.rng.choice([0, 40, 150])}}, caps=self.caps)
        # wait for the index (a request flushes and waits for the root)
        self.request("workspace/symbol", {"query": ""}, "initial index")
        for rel in self.rng.sample(self.specs, min(3, len(self.specs))):
            self.open_doc(rel)
        for i in range(n_ops):
            if srv.proc.poll() is not None:
                self.fails.add("server-died", corpus=self.name, op=i, returncode=srv.proc.returncode, stderr="".join(srv.stderr_lines)[-3000:], trace=self.trace[-10:])
                return
            if not self.open:
                self.open_doc(self.rng.choice(self.specs))
                if not self.open:
                    continue
            kind = self.rng.choices(["edit", "request", "fs", "config", "open", "close"], [50, 40, 4, 1.5, 3, 1.5])[0]
            self.ops[kind] = self.ops.get(kind, 0) + 1
            try:
                if kind == "edit":
                    self.edit()
                elif kind == "request":
                    self.do_request()
                elif kind == "fs":
                    self.fs_change()
                elif kind == "config":
                    self.config_change()
                elif kind == "open":
                    cands = [s for s in self.specs if (self.root / s).is_file()]
                    if cands:
                        self.open_doc(self.rng.choice(cands))
                elif kind == "close" and len(self.open) > 1:
                    self.close_doc(self.rng.choice(list(self.open)))
            except Exception as e:  # a driver bug: say so, keep going
                import traceback
                self.fails.add("driver-error", corpus=self.name, op=kind, error=traceback.format_exc()[-1500:])
            self.scan_notifications()
        # a final round-trip so that late log messages arrive
        self.request("workspace/symbol", {"query": "a"}, "final")
        time.sleep(0.5)
        self.scan_notifications()

    def finish(self) -> dict:
        (self.root.parent / f"{self.name}.trace").write_text("\n".join(self.trace), encoding="utf-8")
        rc = self.srv.close(timeout=60)
        if rc not in (0, None):
            self.fails.add("exit-code", corpus=self.name, returncode=rc)
        err = "".join(self.srv.stderr_lines)
        if "Traceback" in err or "ERROR" in err:
            self.fails.add("stderr", corpus=self.name, stderr=err[-4000:])
        log = self.log_file.read_text(encoding="utf-8", errors="replace") if self.log_file.exists() else ""
        for block in re.split(r"\n(?=\d{4}-\d\d-\d\d )", log):
            if "Sending data:" in block.split("\n", 1)[0]:
                continue  # the wire copy of a logMessage, counted as log-error already
            if "Traceback" in block or " ERROR " in block.split("\n", 1)[0] or "PARANOID" in block:
                self.fails.add("log-file", corpus=self.name, entry=block[:3000])
        lat = sorted(x for x, _ in self.latencies)
        return {"ops": self.ops, "requests": len(lat), "p50": _q(lat, 0.5), "p95": _q(lat, 0.95), "max": lat[-1] if lat else 0,
                "slow": self.slow, "pull": self.pull}


def _only_token(got: str, new_text: str, old: str, new: str) -> bool:
    if got.replace(old, new) == new_text and old in got:
        return True
    if got == "" and new_text.strip() == "{#" + new + "}":
        return True  # an implicit (slug) anchor renamed: the heading gets an explicit one
    # a heading renamed by name moves the links to its slug (OpenSpec): compare slugs
    def slug(s: str) -> str:
        return re.sub(r"[^\w\- ]", "", s.strip().lower()).replace(" ", "-")
    return slug(old) in got.lower() and got.lower().replace(slug(old), slug(new)) == new_text.lower()


def _q(xs, q):
    return round(xs[min(len(xs) - 1, int(q * len(xs)))], 3) if xs else 0


def _short(p):
    s = json.dumps(p)
    return s if len(s) < 400 else s[:400] + "…"


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--ops", type=int, default=300, help="operations per corpus")
    ap.add_argument("--corpus", action="append", default=[])
    ap.add_argument("--max-files", type=int, default=60)
    ap.add_argument("--timeout", type=float, default=120.0)
    ap.add_argument("--cache", default="/tmp/spec-lsp-fuzz-cache")
    ap.add_argument("--out", default=None)
    ap.add_argument("--keep", action="store_true")
    ap.add_argument("--plain", action="store_true", help="without --paranoid (for the latency figures: paranoid "
                    "mode rebuilds the whole index after every change, so its latencies are not the product's)")
    args = ap.parse_args()
    import spec_lsp
    print(f"spec_lsp from {spec_lsp.__file__}", flush=True)
    assert Path(spec_lsp.__file__).resolve().is_relative_to(REPO), "run with PYTHONPATH=<this checkout>"
    names = args.corpus or sorted(p.name for p in CORPORA.iterdir() if p.is_dir())
    fails = Failures()
    summary = {}
    t_all = time.perf_counter()
    for k, name in enumerate(names):
        rng = random.Random(f"{args.seed}:{name}")
        tmp = Path(tempfile.mkdtemp(prefix=f"fuzz-{name[:20]}-"))
        root = tmp / "ws"
        root.mkdir()
        specs = copy_corpus(CORPORA / name, root, rng, args.max_files)
        (root / ".spec-lsp.toml").write_text(CONFIG, encoding="utf-8")
        if k % 3 == 0:  # an MDX page too (no corpus of it)
            (root / "docs").mkdir(exist_ok=True)
            (root / "docs" / "page.mdx").write_text(MDX_PAGE, encoding="utf-8")
            specs.append("docs/page.mdx")
        before = len(fails.items)
        t0 = time.perf_counter()
        c0 = os.times()
        camp = Campaign(name, root, specs, rng, args, fails, pull=(k % 2 == 1))
        try:
            camp.run(args.ops)
        finally:
            info = camp.finish()
        info["files"] = len(specs)
        info["wall"] = round(time.perf_counter() - t0, 1)
        info["failures"] = len(fails.items) - before
        summary[name] = info
        print(f"{name}: {info['files']} files, ops {info['ops']}, {info['requests']} requests, p50 {info['p50']} s, "
              f"p95 {info['p95']} s, max {info['max']:.2f} s, slow {len(info['slow'])}, failures {info['failures']}, "
              f"{info['wall']} s", flush=True)
        for f in fails.items[before:]:
            print("  FAIL", json.dumps(f, ensure_ascii=False)[:1500], flush=True)
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            print(f"  kept {tmp}")
    total = {"seed": args.seed, "paranoid": not args.plain, "ops_per_corpus": args.ops, "max_files": args.max_files, "corpora": summary,
             "failures": fails.items, "wall": round(time.perf_counter() - t_all, 1), "load": os.getloadavg()}
    if args.out:
        Path(args.out).write_text(json.dumps(total, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"total failures: {len(fails.items)}; wall {total['wall']} s; load {os.getloadavg()}")
    return 1 if fails.items else 0


if __name__ == "__main__":
    sys.exit(main())
