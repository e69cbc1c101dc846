"""Hand-judged precision of the default language rules on the Model Spec.

    python bench/judge_sample.py            # re-draws the sample, merges stored verdicts, writes the report

Draws up to 20 random findings per default-enabled rule (seed 2026) from `spec-lsp check` on
`../shared/corpora/openai__model_spec/model_spec.md`, and joins each with its verdict in
`bench/results/judgements.json` (rule, line, text -> verdict and one-line reason, judged by a person).
Findings without a stored verdict are listed as UNJUDGED: judge them and add them to the JSON.
"""

from __future__ import annotations

import collections
import json
import random
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpora" / "openai__model_spec"


def main() -> None:
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(CORPUS), "--format", "json", "--fail-on", "never",
                        "--select", "language,consistency"], capture_output=True, text=True, cwd=REPO, check=True)
    findings = [f for f in json.loads(r.stdout) if f["path"] == "model_spec.md"]
    lines = (CORPUS / "model_spec.md").read_text(encoding="utf-8").split("\n")
    verdicts = {(v["rule"], v["line"], v["text"]): v for v in json.loads((REPO / "bench/results/judgements.json").read_text())}
    by = collections.defaultdict(list)
    for f in findings:
        by[f["rule"]].append(f)
    rnd = random.Random(2026)
    out = ["# Hand-judged sample: default language rules on the Model Spec", "",
           "Command: `python bench/judge_sample.py` (up to 20 random findings per rule, seed 2026; verdicts in "
           "`bench/results/judgements.json`). A finding is *true* when the flagged words really leave the requirement "
           "open to more than one reading or unverifiable, as the rule's documentation says.", ""]
    summary = []
    detail = []
    for rule in sorted(by):
        sample = sorted(rnd.sample(by[rule], min(20, len(by[rule]))), key=lambda f: f["range"]["start"]["line"])
        t = n = 0
        detail += [f"## {rule} ({len(by[rule])} findings, {len(sample)} judged)", "", "| line | flagged | verdict | reason |", "|---|---|---|---|"]
        for f in sample:
            rg = f["range"]
            ln = lines[rg["start"]["line"]]
            a, b = rg["start"]["character"], rg["end"]["character"] if rg["end"]["line"] == rg["start"]["line"] else len(ln)
            text = ln[a:b]
            v = verdicts.get((rule, rg["start"]["line"] + 1, text))
            verdict = v["verdict"] if v else "UNJUDGED"
            n += 1 if v else 0
            t += 1 if v and v["verdict"] == "true" else 0
            ctx = ln[max(0, a - 50):b + 30].replace("|", "\\|")
            detail.append(f"| {rg['start']['line'] + 1} | “{text}” in …{ctx}… | {verdict} | {v['reason'] if v else ''} |")
        detail.append("")
        summary.append((rule, len(by[rule]), n, t))
    out += ["| rule | findings | judged | true | precision |", "|---|---|---|---|---|"]
    for rule, total, n, t in summary:
        out.append(f"| {rule} | {total} | {n} | {t} | {t / n:.0%} |" if n else f"| {rule} | {total} | 0 | 0 | n/a |")
    out += [""] + detail
    (REPO / "bench/results/judged_model_spec.md").write_text("\n".join(out) + "\n", encoding="utf-8")
    print("\n".join(out[:8 + len(summary)]))


if __name__ == "__main__":
    main()
