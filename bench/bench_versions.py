"""Spec versions benchmark: a simulated Model Spec release in a scratch git repository, then `spec-lsp diff`.

    python bench/bench_versions.py [--corpus ../shared/corpora/openai__model_spec] [--repo /tmp/ms-release]
                                   [--runs 5] [--out bench/results/versions.md] [--markdown FILE]

Builds, outside the project, a git repository with the Model Spec copy as `v1` (with `spec.lock`), then a
release `v2`: five clauses reworded, one ID retired (its clause untagged, its prompts deleted, `spec-lsp
lock` run: the ID is recorded as retired) and then reused on a different sentence, one anchor renamed
(title kept), one section's authority changed (user → developer). Measures the wall time of the CLI
`spec-lsp diff v1 v2` (fresh process each, median of --runs) and, in process, its parts. The diff output
quotes the corpus, so it is written only where --markdown says (not into bench/results).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

WORDS = ["in every case", "where practical", "by default", "unless told otherwise", "without exception"]


def run(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(REPO), GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.com",
               GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.com", GIT_CONFIG_GLOBAL="/dev/null")
    r = subprocess.run(list(args), cwd=cwd, capture_output=True, text=True, env=env)
    if check and r.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({r.returncode}):\n{r.stderr}")
    return r


def spec_lsp(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    return run(cwd, sys.executable, "-m", "spec_lsp", *args, check=check)


def reword(text: str, cid: str, words: str) -> str:
    """Insert `words` at the end of the sentence carrying [^cid] (before its closing punctuation)."""
    tag = f"[^{cid}]"
    k = text.index(tag)
    j = k
    while j > 0 and text[j - 1] in ".,;:!?)*_\"”’":
        j -= 1
    return text[:j] + " " + words + text[j:]


def simulate(corpus: Path, repo: Path) -> dict:
    from spec_lsp.core.config import load_config
    from spec_lsp.core.workspace import Workspace

    if repo.exists():
        shutil.rmtree(repo)
    shutil.copytree(corpus, repo, ignore=shutil.ignore_patterns(".git"))
    run(repo, "git", "init", "-q", "-b", "main")
    spec_lsp(repo, "lock")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-qm", "v1")
    run(repo, "git", "tag", "v1")

    cfg, _ = load_config(repo)
    ws = Workspace(repo, cfg)
    ws.load()
    doc = ws.docs["model_spec.md"]
    # clauses alone on their sentence, tagged at its end (rewording them rewords nothing else)
    by_sentence: dict = {}
    for c in doc.clauses:
        by_sentence.setdefault(c.sentence_range, []).append(c)
    tagged = [c for c in doc.clauses if c.kind == "tag" and ws.challenges_for(c.id) and len(by_sentence[c.sentence_range]) == 1
              and c.tag_range.end.line == c.sentence_range.end.line and c.tag_range.end.character >= c.sentence_range.end.character - 1]
    picks = [tagged[i] for i in range(3, len(tagged), max(1, len(tagged) // 7))][:6]
    reworded, retired = [c.id for c in picks[:5]], picks[5].id
    text = (repo / "model_spec.md").read_text(encoding="utf-8")
    for cid, w in zip(reworded, WORDS):
        text = reword(text, cid, w)
    # retire one ID: the sentence stays, untagged; its prompts go; `spec-lsp lock` records the ID as retired
    text = text.replace(f"[^{retired}]", "", 1)
    (repo / "examples" / f"{retired}.md").unlink()
    (repo / "model_spec.md").write_text(text, encoding="utf-8")
    spec_lsp(repo, "lock")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-qm", f"retire {retired}")
    # reuse it on a different sentence, with new prompts (nobody accepts the reuse in spec.lock)
    sections = [s for s in doc.sections if s.explicit and s.own_authority == "user"]
    target = sections[0]
    lines = text.split("\n")
    at = next(i for i in range(target.line + 1, len(lines)) if not lines[i].strip())
    lines.insert(at, f"\nThe assistant must keep a short record of why it declined[^{retired}].")
    text = "\n".join(lines)
    (repo / "examples" / f"{retired}.md").write_text(
        f"Examples for [^{retired}] in {target.title}:\n\n**Example**: a declined request\n\n~~~xml\n<user>\nWhy did you say no?\n</user>\n~~~\n",
        encoding="utf-8")
    # rename one anchor (title kept) and change one section's authority
    renamed = [s for s in doc.sections if s.explicit and s.anchor_range is not None][12]
    text = re.sub(r"\{#" + re.escape(renamed.anchor) + r"\b", "{#" + renamed.anchor + "_v2", text, count=1)
    changed = sections[1] if len(sections) > 1 else sections[0]
    head = text.split("\n")
    for i, ln in enumerate(head):
        if "{#" + changed.anchor in ln and "authority=user" in ln:
            head[i] = ln.replace("authority=user", "authority=developer")
            break
    text = "\n".join(head)
    (repo / "model_spec.md").write_text(text, encoding="utf-8")
    run(repo, "git", "add", "-A")
    run(repo, "git", "commit", "-qm", "v2")
    run(repo, "git", "tag", "v2")
    return {"reworded": reworded, "retired": retired, "anchor": renamed.anchor, "authority": changed.anchor}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpora" / "openai__model_spec"),
                    help="the Model Spec copy (from a worktree: /work/shared/corpora/openai__model_spec)")
    ap.add_argument("--repo", default="/tmp/spec-lsp-ms-release")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=str(REPO / "bench" / "results" / "versions.md"))
    ap.add_argument("--markdown", help="write `spec-lsp diff v1 v2 --format markdown` here")
    a = ap.parse_args()
    corpus, repo = Path(a.corpus), Path(a.repo)
    if not corpus.exists():
        print(f"corpus not found: {corpus}", file=sys.stderr)
        return 2
    what = simulate(corpus, repo)
    import resource

    walls, cpus = [], []
    for _ in range(a.runs):
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        spec_lsp(repo, "diff", "v1", "v2", "--format", "json", "-o", os.devnull)
        walls.append(time.perf_counter() - t0)
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    load = os.getloadavg()[0]
    # in process: the parts
    from spec_lsp.versions.diff import compare
    from spec_lsp.versions.snapshot import load_workspace, snapshot
    from spec_lsp.versions.sources import open_side

    from spec_lsp.versions.history import find_reuse

    parts: dict[str, list[float]] = {"git archive (both sides)": [], "index + snapshot (both sides)": [], "compare": [],
                                     "history walk (reuse without a lock, git log v1..v2)": []}
    res = None
    for _ in range(a.runs):
        t0 = time.perf_counter()
        sides = [open_side("v1", repo), open_side("v2", repo)]
        t1 = time.perf_counter()
        snaps = [snapshot(load_workspace(s.root), s.label) for s in sides]
        t2 = time.perf_counter()
        res = compare(*snaps)
        t3 = time.perf_counter()
        find_reuse(repo, sides[0].rev, sides[1].rev, snaps[0], snaps[1], [r["id"] for r in res["reworded"]])
        t4 = time.perf_counter()
        for s in sides:
            s.close()
        parts["history walk (reuse without a lock, git log v1..v2)"].append(t4 - t3)
        parts["git archive (both sides)"].append(t1 - t0)
        parts["index + snapshot (both sides)"].append(t2 - t1)
        parts["compare"].append(t3 - t2)
    if a.markdown:
        md = spec_lsp(repo, "diff", "v1", "v2", "--format", "markdown").stdout
        Path(a.markdown).write_text(md, encoding="utf-8")
    s = res["summary"]
    rows = [
        "# `spec-lsp diff` on a simulated Model Spec release",
        "",
        f"Command: `python bench/bench_versions.py --runs {a.runs}` (2-core machine; scratch repository {repo}).",
        f"Release: reworded {', '.join(what['reworded'])}; retired and reused {what['retired']}; anchor "
        f"#{what['anchor']} renamed; authority of #{what['authority']} user → developer.",
        "",
        "| | median | max |",
        "|---|---|---|",
        f"| CLI `spec-lsp diff v1 v2` wall time (fresh process) | {statistics.median(walls):.2f} s | {max(walls):.2f} s |",
        f"| same, CPU time (user + system, with git) | {statistics.median(cpus):.2f} s | {max(cpus):.2f} s |",
    ]
    rows += [f"| in process: {k} | {statistics.median(v) * 1000:.0f} ms | {max(v) * 1000:.0f} ms |" for k, v in parts.items()]
    rows += ["", f"Load average during the runs: {load:.1f} (the machine is shared; wall time rises with it, CPU time does not).",
             "", f"Reported: {s['reworded']} reworded, {s['reused']} reused, {s['removed']} removed, {s['added']} added, "
                 f"{s['authority_level']} authority level change(s), {s['anchors_removed']} anchor(s) removed, "
                 f"{s['evidence_stale']} possibly stale, {s['findings_introduced']} findings introduced, "
                 f"{s['findings_resolved']} resolved."]
    Path(a.out).write_text("\n".join(rows) + "\n", encoding="utf-8")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
