"""Blind-judging packets of language findings on the TEST half of every corpus, and the precision report.

    python bench/judge_packets.py write ROUND [--rules a,b] [--half tuning]
        # /work/notes/judging/ROUND/<corpus>.jsonl + key-<corpus>.json; the TEST half unless --half tuning
        # (a development round: judged blind like the others, but on the half the rules may be tuned on)
    python bench/judge_packets.py report ROUND       # joins verdicts-<corpus>.jsonl with the keys -> bench/results/

A packet line is {"id", "sentence", "context", "span", "message"}: no rule code or name.  Up to 20 findings
per rule per corpus, seeded random sample (seed = round name).  The key file maps id -> rule, path, line.
The report gives precision per rule per corpus, findings per 1,000 normative words, and the bar check
(>= 80% per default-on rule where it fires >= 5 times, >= 70% overall per corpus).
"""

from __future__ import annotations

import collections
import hashlib
import json
import random
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))
sys.path.insert(0, str(REPO))

import findings as F  # noqa: E402
import split  # noqa: E402
from spec_lsp.language.registry import LANGUAGE_RULES  # noqa: E402

JUDGING = Path("/work/notes/judging")
PER_RULE = 20
# every language rule is judged (default-off ones too, so that their pages can state a measured figure),
# except ambiguous-pronoun, whose measure is the ReqEval set
JUDGED = tuple(r.name for r in LANGUAGE_RULES if r.category == "language" and r.name != "ambiguous-pronoun")


def write(rnd_name: str, rules: tuple[str, ...] = JUDGED, half: str = "test") -> None:
    out = JUDGING / rnd_name
    out.mkdir(parents=True, exist_ok=True)
    stats = {}
    for corpus in split.corpora():
        fs, words = F.run(corpus, rules)
        test = [f for f in fs if f["half"] == half]
        by = collections.defaultdict(list)
        for f in test:
            by[f["rule"]].append(f)
        rnd = random.Random(f"{rnd_name}/{corpus}")
        picked = []
        for rule in sorted(by):
            items = sorted(by[rule], key=lambda f: (f["path"], f["line"], f["span"]))
            picked += rnd.sample(items, min(PER_RULE, len(items)))
        rnd.shuffle(picked)
        key = {}
        with (out / f"{corpus}.jsonl").open("w", encoding="utf-8") as fh:
            for f in picked:
                fid = hashlib.sha1(f"{rnd_name}|{corpus}|{f['path']}|{f['line']}|{f['rule']}|{f['span']}|{f['sentence']}".encode()).hexdigest()[:10]
                key[fid] = {k: f[k] for k in ("rule", "code", "path", "line", "span")}
                fh.write(json.dumps({"id": fid, "sentence": f["sentence"], "context": f["context"], "span": f["span"],
                                     "message": f["message"]}, ensure_ascii=False) + "\n")
        (out / f"key-{corpus}.json").write_text(json.dumps(key, indent=1, ensure_ascii=False), encoding="utf-8")
        stats[corpus] = {"half": half, "normative_words_test": words.get(half, 0), "normative_words_tuning": words.get("tuning", 0),
                         "findings_test": dict(collections.Counter(f["rule"] for f in test)), "judged": len(picked)}
        print(corpus, stats[corpus], flush=True)
    res = REPO / "bench" / "results" / f"judging-{rnd_name}"
    res.mkdir(parents=True, exist_ok=True)
    (res / "stats.json").write_text(json.dumps(stats, indent=1), encoding="utf-8")


def report(rnd_name: str) -> None:
    from spec_lsp.language.registry import DEFAULT_ENABLED

    src = JUDGING / rnd_name
    res = REPO / "bench" / "results" / f"judging-{rnd_name}"
    res.mkdir(parents=True, exist_ok=True)
    stats = json.loads((res / "stats.json").read_text())
    rows = []
    overall = {}
    per_rule_all = collections.defaultdict(lambda: [0, 0])
    for corpus in sorted(stats):
        kf = src / f"key-{corpus}.json"
        vf = src / f"verdicts-{corpus}.jsonl"
        if not kf.exists():
            continue
        key = json.loads(kf.read_text())
        verdicts = {}
        if vf.exists():
            for line in vf.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    v = json.loads(line)
                    verdicts[v["id"]] = v
        # keep the verdicts with the rules in the repository
        joined = [{**key[i], "id": i, "verdict": verdicts[i]["verdict"], "reason": verdicts[i].get("reason", "")}
                  for i in key if i in verdicts]
        (res / f"verdicts-{corpus}.json").write_text(json.dumps(joined, indent=1, ensure_ascii=False), encoding="utf-8")
        per = collections.defaultdict(lambda: [0, 0])
        for j in joined:
            per[j["rule"]][0] += j["verdict"] == "true"
            per[j["rule"]][1] += 1
            per_rule_all[j["rule"]][0] += j["verdict"] == "true"
            per_rule_all[j["rule"]][1] += 1
        words = stats[corpus]["normative_words_test"]
        fired = stats[corpus]["findings_test"]
        on_t = sum(t for r, (t, n) in per.items() if r in DEFAULT_ENABLED)
        on_n = sum(n for r, (t, n) in per.items() if r in DEFAULT_ENABLED)
        overall[corpus] = (on_t, on_n, words, sum(v for r, v in fired.items() if r in DEFAULT_ENABLED))
        for rule in sorted(set(per) | set(fired)):
            t, n = per.get(rule, (0, 0))
            rows.append((corpus, rule, fired.get(rule, 0), n, t, words))
    half = next(iter(stats.values()), {}).get("half", "test")
    md = [f"# Blind-judged precision, round {rnd_name} ({half} half of every corpus)", "",
          "Findings drawn by `python bench/judge_packets.py write " + rnd_name + "` (up to 20 per rule per corpus, seeded), "
          "judged blind (sentence, paragraph, span, message; no rule name) by a reviewer who did not write the rules; "
          "verdicts joined by `python bench/judge_packets.py report " + rnd_name + "`.", "",
          "## Per corpus (default-on rules)", "", "| corpus | normative words (test) | default-on findings | per 1,000 words | judged | true | precision | ≥ 70%? |",
          "|---|---|---|---|---|---|---|---|"]
    for c, (t, n, w, f) in overall.items():
        p = f"{t / n:.0%}" if n else "n/a"
        md.append(f"| {c} | {w} | {f} | {f * 1000 / max(w, 1):.2f} | {n} | {t} | {p} | {'yes' if not n or t / n >= 0.7 else 'NO'} |")
    md += ["", "## Per rule, all corpora", "", "| rule | default | judged | true | precision |", "|---|---|---|---|---|"]
    for r in sorted(per_rule_all):
        t, n = per_rule_all[r]
        md.append(f"| {r} | {'on' if r in DEFAULT_ENABLED else 'off'} | {n} | {t} | {t / n:.0%} |" if n else f"| {r} | | 0 | 0 | n/a |")
    md += ["", "## Per rule per corpus", "", "| corpus | rule | default | findings (test) | per 1,000 words | judged | true | precision | bar (≥ 80% where ≥ 5 findings) |",
           "|---|---|---|---|---|---|---|---|---|"]
    for corpus, rule, fired, n, t, w in rows:
        p = f"{t / n:.0%}" if n else "n/a"
        on = rule in DEFAULT_ENABLED
        bar = "n/a" if fired < 5 or not n else ("pass" if t / n >= 0.8 else "FAIL")
        md.append(f"| {corpus} | {rule} | {'on' if on else 'off'} | {fired} | {fired * 1000 / max(w, 1):.2f} | {n} | {t} | {p} | {bar if on else '(off) ' + bar} |")
    (res / "report.md").write_text("\n".join(md) + "\n", encoding="utf-8")
    print("\n".join(md))


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    w = sub.add_parser("write", help="write blind packets and their keys for ROUND")
    w.add_argument("round")
    w.add_argument("--rules", help="comma-separated rule names (default: every judged language rule)")
    w.add_argument("--half", choices=("test", "tuning"), default="test")
    r = sub.add_parser("report", help="join ROUND's verdicts with its keys and write the precision report")
    r.add_argument("round")
    a = ap.parse_args()
    if not a.round.replace("-", "").replace("_", "").isalnum() or a.round.startswith("-"):
        ap.error(f"bad round name {a.round!r}: letters, digits, - and _ only")
    if a.cmd == "write":
        write(a.round, tuple(a.rules.split(",")) if a.rules else JUDGED, a.half)
    else:
        report(a.round)
