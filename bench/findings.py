"""Language findings of a corpus through the real pipeline (Workspace + LanguagePass), with the sentence,
its paragraph and the split half of each finding.  Used by bench/judge_packets.py and bench/eval_language.py.

    python bench/findings.py CORPUS [--half tuning|test] [--rule NAME] [--rules a,b] [--limit N]

Tuning must only ever look at `--half tuning`.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import split  # noqa: E402
from spec_lsp.core.config import load_config  # noqa: E402
from spec_lsp.core.document import SpecDocument  # noqa: E402
from spec_lsp.core.workspace import Workspace  # noqa: E402
from spec_lsp.language.langpass import LanguagePass  # noqa: E402
from spec_lsp.language.registry import LANGUAGE_RULES  # noqa: E402

CACHE = tempfile.mkdtemp(prefix="spec-lsp-findings-")
_SEEN: dict[str, set] = {}


def run(corpus: str, rules: tuple[str, ...] | None = None, root: Path | None = None):
    """-> (findings: list[dict], normative words per half: dict).  The workspace skips hidden folders, so the
    spec folders of Kiro (`.kiro/specs`) and spec-kit (`.specify`) are opened as workspaces of their own."""
    base = root or split.CORPORA / corpus
    out, words = _run(corpus, rules, base, "")
    seen = _SEEN.pop(str(base), set())
    for hidden in sorted(p for p in base.iterdir() if p.is_dir() and p.name.startswith(".") and p.name != ".git"):
        if any(x.startswith(hidden.name + "/") for x in seen):
            continue  # the workspace already indexes it (a format that lists the dot-dir, e.g. Kiro's .kiro)
        if any(hidden.rglob("*.md")):
            o, w = _run(corpus, rules, hidden, hidden.name + "/")
            out += o
            for k, v in w.items():
                words[k] = words.get(k, 0) + v
    return out, words


def _run(corpus: str, rules, root: Path, prefix: str):
    cfg, probs = load_config(root)
    cfg = replace(cfg, language=replace(cfg.language, cache_dir=CACHE))
    sel = tuple(rules) if rules else ()
    ws = Workspace(root, cfg, probs, select=sel)
    ws.load()
    _SEEN[str(root)] = set(ws.docs)
    lp = LanguagePass(ws.config)
    lp.load()
    job = lp.prepare(ws, sorted(ws.docs))
    lp.apply(ws, lp.run(job))
    words = collections.Counter()
    by_path = collections.defaultdict(list)
    for u in job.units:
        doc = ws.docs.get(u.path)
        if not isinstance(doc, SpecDocument):
            continue
        b = doc.blocks[u.block]
        r = b.range(u.start, u.end)
        half = split.half_of(corpus, prefix + u.path, r.start.line)
        words[half] += len(u.text.split())
        by_path[u.path].append((r, u, b, half))
    for c in job.clauses:  # declarative parameter statements: contradiction sources, not language units
        if getattr(c, "declarative", False) and c.path in ws.docs:
            by_path[c.path].append((c.range, c, None, split.half_of(corpus, prefix + c.path, c.range.start.line)))
    out = []
    for f in ws.all_findings():
        if f.category not in ("language", "consistency"):
            continue
        doc = ws.docs.get(f.path)
        lines = doc.text.split("\n") if doc is not None else []
        unit = None
        for r, u, b, half in by_path.get(f.path, ()):
            if r.start <= f.range.start <= r.end:
                unit = (u, b, half)
                break
        if unit is None:
            continue
        u, b, half = unit
        ln = f.range.start.line
        src = lines[ln] if ln < len(lines) else ""
        span = src[f.range.start.character:f.range.end.character] if f.range.end.line == ln else src[f.range.start.character:]
        out.append({"corpus": corpus, "path": prefix + f.path, "line": ln + 1, "half": half, "rule": f.rule, "code": f.code,
                    "sentence": u.text, "context": (b.plain if b is not None else u.text) + ("".join(f"\n\n[{r.message}]" for r in f.related) if f.related else ""),
                    "span": span, "message": f.message})
    return out, dict(words)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--half", default="tuning")
    ap.add_argument("--rule")
    ap.add_argument("--rules")
    ap.add_argument("--limit", type=int, default=40)
    a = ap.parse_args()
    rules = tuple(a.rules.split(",")) if a.rules else None
    fs, words = run(a.corpus, rules)
    fs = [f for f in fs if f["half"] == a.half and (not a.rule or f["rule"] == a.rule)]
    c = collections.Counter(f["rule"] for f in fs)
    print(f"# {a.corpus} {a.half}: normative words {words.get(a.half, 0)}; findings {dict(c)}")
    import random

    rnd = random.Random(7)
    for f in rnd.sample(fs, min(a.limit, len(fs))):
        print(f"- [{f['rule']}] {f['path']}:{f['line']} «{f['span']}» :: {f['sentence'][:220]}")


if __name__ == "__main__":
    main()
