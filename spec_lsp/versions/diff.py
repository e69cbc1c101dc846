"""`spec-lsp diff OLD NEW`: what changed in what the spec *says*, keyed on clause identity.

`compare(old, new)` returns a plain dict (the JSON output); `render_text` / `render_markdown` format it.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import Counter
from typing import Any, Mapping

from .fingerprint import new_findings
from .identity import NO_EVIDENCE
from .snapshot import ClauseSnap, SectionSnap, Snapshot

DEFAULT_AUTHORITY_ALIASES: Mapping[str, str] = {"platform": "root"}  # the Model Spec's 2025 renaming
REWRITE_BELOW = 0.35  # word similarity under which a reworded clause is called a rewrite
SUCCESSOR_AT_LEAST = 0.5

KINDS = ("added", "removed", "reworded", "renamed", "moved", "retitled", "authority", "anchors_removed", "evidence_stale",
         "evidence_changed", "reused", "findings_introduced", "findings_resolved")


_TOKEN = re.compile(r"\s*(?:[\w'’-]+|[^\w\s])")


def _tokens(s: str) -> list[str]:
    """Words and punctuation marks, each with the white space before it (so that the text can be rebuilt)."""
    return _TOKEN.findall(s)


def word_diff(old: str, new: str) -> tuple[list[list[str]], float]:
    """[[op, text], …] with op "=", "-", "+"; concatenating the "=" and "+" texts gives the new sentence
    (each text keeps the white space before it). Also the similarity ratio of the token sequences."""
    a, b = _tokens(old), _tokens(new)
    sm = difflib.SequenceMatcher(None, [t.strip() for t in a], [t.strip() for t in b], autojunk=False)
    ops: list[list[str]] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            ops.append(["=", "".join(b[j1:j2])])
        else:
            if i2 > i1:
                ops.append(["-", "".join(a[i1:i2])])
            if j2 > j1:
                ops.append(["+", "".join(b[j1:j2])])
    return ops, sm.ratio()


def _marked(ops, same, minus, plus) -> str:
    out = []
    for op, t in ops:
        body = t.lstrip()
        lead = t[: len(t) - len(body)]
        out.append(lead + (same(body) if op == "=" else minus(body) if op == "-" else plus(body)))
    return "".join(out).strip()


def _title_ratio(a: str, b: str) -> float:
    """Character similarity, or (a little less) how much of the old title's words the new one keeps:
    “Tone” → “Tone and style” is a likely successor though the strings differ in length."""
    ratio = difflib.SequenceMatcher(None, a.lower(), b.lower(), autojunk=False).ratio()
    wa, wb = set(re.findall(r"\w+", a.lower())), set(re.findall(r"\w+", b.lower()))
    kept = len(wa & wb) / len(wa) if wa else 0.0
    return max(ratio, 0.8 * kept)


def _sec(s: SectionSnap | None, path: str, anchor: str) -> dict[str, Any]:
    return {"path": path, "anchor": anchor, "title": s.title if s else ""}


def _successors(old: Snapshot, new: Snapshot) -> dict[tuple[str, str], tuple[tuple[str, str], float] | None]:
    """For each anchor of OLD that NEW lacks: the likely successor section (by title similarity, or
    by where most of its clauses went) with a score, or None."""
    gone = [(p, a) for p, anchors in old.anchors.items() for a in sorted(anchors) if a not in new.anchors.get(p, set())]
    fresh = [k for k in new.sections if k[1] not in old.anchors.get(k[0], set())]
    where: dict[tuple[str, str], Counter] = {}
    for k, c in old.clauses.items():
        n = new.clauses.get(k)
        if n is not None:
            where.setdefault(c.section, Counter())[n.section] += 1
    out: dict[tuple[str, str], tuple[tuple[str, str], float] | None] = {}
    for g in gone:
        os_ = old.sections.get(g)
        best, score = None, 0.0
        # the same anchor in another file: the section moved
        moved = [k for k in new.sections if k[1] == g[1] and k[0] != g[0]]
        if moved:
            best, score = moved[0], 1.0
        elif os_ is not None:
            total = sum(where.get(g, Counter()).values())
            for cand in fresh:
                ns = new.sections[cand]
                s = _title_ratio(os_.title, ns.title) * (1.0 if cand[0] == g[0] else 0.9)
                if total:
                    s = max(s, where[g][cand] / total)
                if s > score:
                    best, score = cand, s
        out[g] = (best, round(score, 2)) if best is not None and score >= SUCCESSOR_AT_LEAST else None
    return out


def authority_aliases(snap: Snapshot) -> dict[str, str]:
    """Historical authority names of one side: its formats' vocabulary, then its `[attribute-aliases]`."""
    from ..core.config import attribute_aliases

    ws = snap.ws
    if ws is None:
        return dict(DEFAULT_AUTHORITY_ALIASES)
    out: dict[str, str] = {}
    for fmt in ws.formats:
        out.update(attribute_aliases(fmt, ws.config, "authority"))
    return out


def _ident(c: ClauseSnap) -> dict[str, Any]:
    """The key of a row: `id` (the clause key), plus `scope` and `display` for a format with scopes."""
    return {"id": c.key, "scope": c.scope, "display": c.label} if c.scope else {"id": c.key}


def _renames(old: Snapshot, new: Snapshot, skip: set[str]) -> dict[str, str]:
    """old key -> new key for clauses of a format with scopes that kept their exact sentence under another
    ID in the same scope: an OpenSpec requirement renamed, Kiro criteria renumbered after an insertion
    (1.2 → 1.3), a spec-kit FR renumbered.  Bare-key formats (the Model Spec) never pair: an ID there is
    a permalink, and a changed one is a removal plus an addition."""
    def unmatched(a: dict[str, ClauseSnap], b: dict[str, ClauseSnap]) -> list[str]:
        return sorted((k for k, c in a.items() if c.scope and k not in skip and (k not in b or b[k].shash != c.shash)),
                      key=lambda k: (a[k].path, a[k].line))
    targets: dict[tuple[str, str], list[str]] = {}
    for k in unmatched(new.clauses, old.clauses):
        c = new.clauses[k]
        targets.setdefault((c.scope, c.shash), []).append(k)
    out: dict[str, str] = {}
    for k in unmatched(old.clauses, new.clauses):
        c = old.clauses[k]
        lst = targets.get((c.scope, c.shash))
        if lst:
            out[k] = lst.pop(0)
    return out


def compare(old: Snapshot, new: Snapshot, aliases: Mapping[str, str] = DEFAULT_AUTHORITY_ALIASES) -> dict[str, Any]:
    res: dict[str, Any] = {"old": old.label, "new": new.label}
    for k in KINDS:
        res[k] = []
    succ = _successors(old, new)

    def follow(sec: tuple[str, str]) -> tuple[str, str]:
        s = succ.get(sec)
        return s[0] if s else sec

    # -- IDs reused: retired in a lock (either side's) and back on a different sentence
    reused: dict[str, dict] = {}
    for k, c in new.clauses.items():
        for side, lock in (("old", old.lock), ("new", new.lock)):
            r = lock.retired.get(k) if lock is not None else None
            if r is not None and r.sentence != c.shash and (k not in old.clauses or old.clauses[k].shash != c.shash):
                if side == "old" and k in old.clauses:
                    continue  # retired once but live in OLD: OLD's own problem, not this change's
                reused[k] = {**_ident(c), "path": c.path, "line": c.line + 1, "retired_text": r.text, "sentence": c.sentence,
                             "retired_in": f"{side} spec.lock"}
                break
    res["reused"] = [reused[k] for k in sorted(reused)]

    # -- clauses: matched by key, or (formats with scopes) renamed / renumbered on the same sentence
    renames = _renames(old, new, set(reused))
    targets = set(renames.values())
    matched = [(k, k) for k in sorted(old.clauses.keys() & new.clauses.keys())
               if k not in reused and k not in renames and k not in targets]
    matched += sorted(renames.items())
    new_matched = {nk for _ok, nk in matched} | set(reused)
    old_matched = {ok for ok, _nk in matched} | {k for k in reused if k in old.clauses and k not in targets}
    for k in sorted(new.clauses.keys() - new_matched):
        c = new.clauses[k]
        res["added"].append({**_ident(c), "path": c.path, "line": c.line + 1, "section": _sec(new.sections.get(c.section), *c.section),
                             "sentence": c.sentence})
    for k in sorted(old.clauses.keys() - old_matched):
        c = old.clauses[k]
        res["removed"].append({**_ident(c), "path": c.path, "line": c.line + 1, "section": _sec(old.sections.get(c.section), *c.section),
                               "sentence": c.sentence})
    for ok, k in matched:
        o, n = old.clauses[ok], new.clauses[k]
        if ok != k:
            row = {**_ident(n), "old_id": ok, "path": n.path, "line": n.line + 1, "sentence": n.sentence}
            if o.scope:
                row["old_display"] = o.label
            res["renamed"].append(row)
        reworded = o.shash != n.shash
        if reworded:
            ops, ratio = word_diff(o.sentence, n.sentence)
            res["reworded"].append({**_ident(n), "path": n.path, "line": n.line + 1, "old": o.sentence, "new": n.sentence,
                                    "words": ops, "similarity": round(ratio, 2), "rewrite": ratio < REWRITE_BELOW})
        if follow(o.section) != n.section:
            row = {**_ident(n), "from": _sec(old.sections.get(o.section), *o.section), "to": _sec(new.sections.get(n.section), *n.section)}
            if o.authority != n.authority:  # moving a clause can change who may override it
                va, vb = aliases.get(o.authority or "", o.authority), aliases.get(n.authority or "", n.authority)
                row["authority"] = {"old": o.authority, "new": n.authority, "kind": "vocabulary" if va == vb else "level"}
            res["moved"].append(row)
        ev_changed = o.ehash != n.ehash
        if reworded and not ev_changed and n.ehash != NO_EVIDENCE:
            row = {**_ident(n), "path": n.path, "line": n.line + 1, "evidence": list(n.evidence)}
            if n.evidence_labels:
                row["evidence_labels"] = list(n.evidence_labels)
            res["evidence_stale"].append(row)
        elif ev_changed and not reworded:
            res["evidence_changed"].append({**_ident(n), "path": n.path, "line": n.line + 1,
                                            "evidence": list(n.evidence or o.evidence),
                                            "how": "added" if o.ehash == NO_EVIDENCE else "removed" if n.ehash == NO_EVIDENCE else "changed"})
    res["renamed"].sort(key=lambda r: r["id"])
    res["evidence_stale"].sort(key=lambda r: r["id"])
    res["evidence_changed"].sort(key=lambda r: r["id"])

    # -- sections: retitled, authority
    for key in sorted(old.sections.keys() & new.sections.keys()):
        o, n = old.sections[key], new.sections[key]
        if o.title != n.title:
            res["retitled"].append({"path": key[0], "anchor": key[1], "old": o.title, "new": n.title})
    pairs = [(key, follow(key)) for key in old.sections]
    for okey, nkey in sorted(pairs):
        o, n = old.sections.get(okey), new.sections.get(nkey)
        if o is None or n is None or o.authority == n.authority:
            continue
        # report where the change was made, not in every subsection that inherits it
        op = old.sections.get((okey[0], o.parent)) if o.parent else None
        np_ = new.sections.get((nkey[0], n.parent)) if n.parent else None
        if op is not None and np_ is not None and op.authority != np_.authority and n.own_authority is None:
            continue
        va, vb = aliases.get(o.authority or "", o.authority), aliases.get(n.authority or "", n.authority)
        count = sum(1 for c in new.clauses.values() if c.section == nkey or _under(new, c.section, nkey))
        res["authority"].append({"path": nkey[0], "anchor": nkey[1], "title": n.title, "old": o.authority, "new": n.authority,
                                 "kind": "vocabulary" if va == vb else "level", "clauses": count})

    # -- anchors removed: broken permalinks
    for (p, a), s in sorted(succ.items()):
        os_ = old.sections.get((p, a))
        row: dict[str, Any] = {"path": p, "anchor": a, "title": os_.title if os_ else ""}
        if s is not None:
            ns = new.sections.get(s[0])
            row["successor"] = {"path": s[0][0], "anchor": s[0][1], "title": ns.title if ns else "", "score": s[1]}
        res["anchors_removed"].append(row)

    # -- findings introduced / resolved (matched by fingerprint, never by line)
    def brief(f) -> dict[str, Any]:
        return {"code": f.code, "rule": f.rule, "severity": f.severity.label, "path": f.path, "line": f.range.start.line + 1,
                "subject": f.subject, "message": f.message}

    res["findings_introduced"] = [brief(f) for f in new_findings(new.findings, Counter(fp for _f, fp in old.findings))]
    res["findings_resolved"] = [brief(f) for f in new_findings(old.findings, Counter(fp for _f, fp in new.findings))]
    _summarize(res)
    return res


def _summarize(res: dict[str, Any]) -> None:
    res["summary"] = {k: len(res[k]) for k in KINDS}
    res["summary"]["authority_level"] = sum(1 for a in res["authority"] if a["kind"] == "level")
    res["summary"]["authority_vocabulary"] = sum(1 for a in res["authority"] if a["kind"] == "vocabulary")


def apply_history(res: dict[str, Any], old: Snapshot, new: Snapshot, found: Mapping[str, dict], info: dict) -> None:
    """Reworded clauses whose ID some commit between the sides did not define (versions/history.py) are
    reused IDs, as if a lock had recorded the retirement."""
    res["history"] = info
    if found:
        for r in [r for r in res["reworded"] if r["id"] in found]:
            res["reworded"].remove(r)
            k, n, o, h = r["id"], new.clauses[r["id"]], old.clauses[r["id"]], found[r["id"]]
            res["reused"].append({**_ident(n), "path": n.path, "line": n.line + 1, "retired_text": o.sentence,
                                  "sentence": n.sentence, "retired_in": f"history: removed in {h['commit'][:8]} “{h['subject']}”",
                                  "commit": h["commit"]})
        for kind in ("moved", "evidence_stale", "evidence_changed"):
            res[kind] = [r for r in res[kind] if r["id"] not in found]
        res["reused"].sort(key=lambda r: r["id"])
    _summarize(res)


def _under(snap: Snapshot, sec: tuple[str, str], ancestor: tuple[str, str]) -> bool:
    p, a = sec
    seen = 0
    while a and seen < 64:
        s = snap.sections.get((p, a))
        if s is None or s.parent is None:
            return False
        if (p, s.parent) == ancestor:
            return True
        a, seen = s.parent, seen + 1
    return False


def is_empty(res: dict[str, Any]) -> bool:
    return not any(res[k] for k in KINDS)


# ------------------------------------------------------------------------------------------------
# rendering


def render_json(res: dict[str, Any]) -> str:
    return json.dumps(res, indent=2, ensure_ascii=False)


def _wd_text(ops) -> str:
    return _marked(ops, lambda t: t, lambda t: f"[-{t}-]", lambda t: f"{{+{t}+}}")


def _md_escape(s: str) -> str:
    return re.sub(r"([\\`*_{}\[\]<>|~])", r"\\\1", s)


def _wd_md(ops) -> str:
    # <del>/<ins> rather than ~~/**: those do not open next to punctuation (“price**, taxes**”)
    return _marked(ops, _md_escape, lambda t: f"<del>{_md_escape(t)}</del>", lambda t: f"<ins>{_md_escape(t)}</ins>")


def _secname(s: dict) -> str:
    return f"{s['title']} (#{s['anchor']})" if s.get("anchor") else (s.get("title") or s["path"])


def _name(r: dict) -> str:
    """How a report names a clause: `[^sy73]` (bare key), `FR-001 (feature 001-photo-albums)`."""
    return r.get("display") or f"[^{r['id']}]"


def _old_name(r: dict) -> str:
    return r.get("old_display") or f"[^{r['old_id']}]"


def _evs(res: dict) -> str:
    """"prompts" (challenge files: the Model Spec), or "evidence" when a format with scopes is involved."""
    rows = res["evidence_stale"] + res["evidence_changed"]
    return "evidence" if any(r.get("scope") for r in rows) else "prompts"


def _ev(r: dict) -> str:
    return "evidence" if r.get("scope") else "prompts"


def render_text(res: dict[str, Any]) -> str:
    out = [f"spec diff {res['old']} → {res['new']}"]
    if is_empty(res):
        out.append("no changes to clauses, sections, evidence or findings")
        return "\n".join(out)
    for r in res["reworded"]:
        out.append(f"reworded  {_name(r)} {r['path']}:{r['line']}" + ("  (complete rewrite: a new rule? give it a new ID)" if r["rewrite"] else ""))
        out.append(f"    {_wd_text(r['words'])}")
    for r in res["added"]:
        out.append(f"added     {_name(r)} {r['path']}:{r['line']} in {_secname(r['section'])}: {r['sentence']}")
    for r in res["removed"]:
        out.append(f"removed   {_name(r)} (was in {_secname(r['section'])}): {r['sentence']}")
    for r in res["reused"]:
        out.append(f"reused-id {_name(r)} {r['path']}:{r['line']}: retired ({r['retired_in']}) when it said “{r['retired_text']}”; now “{r['sentence']}”")
    for r in res["renamed"]:
        out.append(f"renamed   {_old_name(r)} → {_name(r)} {r['path']}:{r['line']} (same sentence): {r['sentence']}")
    for r in res["moved"]:
        au = r.get("authority")
        out.append(f"moved     {_name(r)} {_secname(r['from'])} → {_secname(r['to'])}"
                   + (f"  (authority {au['old']} → {au['new']}{', LEVEL CHANGE' if au['kind'] == 'level' else ''})" if au else ""))
    for r in res["retitled"]:
        out.append(f"retitled  {r['path']}#{r['anchor']}: “{r['old']}” → “{r['new']}”")
    for r in res["authority"]:
        what = "vocabulary only" if r["kind"] == "vocabulary" else "LEVEL CHANGE"
        out.append(f"authority {r['path']}#{r['anchor']} ({r['title']}): {r['old']} → {r['new']}  [{what}; {r['clauses']} clauses]")
    for r in res["anchors_removed"]:
        s = r.get("successor")
        out.append(f"anchor    {r['path']}#{r['anchor']} removed: permalinks break"
                   + (f"; likely successor #{s['anchor']} ({s['title']})" if s else "; no successor found"))
    for r in res["evidence_stale"]:
        out.append(f"stale?    {_name(r)} reworded, its {_ev(r)} did not change: review {', '.join(r['evidence'])}"
                   + (f" ({', '.join(r['evidence_labels'])})" if r.get("evidence_labels") else ""))
    for r in res["evidence_changed"]:
        out.append(f"evidence  {_name(r)} {_ev(r)} {r['how']} ({', '.join(r['evidence'])}); the clause did not change")
    for r in res["findings_introduced"]:
        out.append(f"new       {r['path']}:{r['line']}: {r['severity']} {r['code']} {r['message']}")
    for r in res["findings_resolved"]:
        out.append(f"resolved  {r['path']}: {r['code']} {r['message']}")
    h = res.get("history")
    if h and not h["complete"]:
        out.append(f"history   reuse checked in {h['commits']} of {h['of']} commits (time budget); later ones not walked")
    s = res["summary"]
    out.append(f"{s['reworded']} reworded, {s['added']} added, {s['removed']} removed, {s['reused']} reused IDs, "
               + (f"{s['renamed']} renamed, " if s["renamed"] else "") + f"{s['moved']} moved, "
               f"{s['retitled']} sections retitled, {s['authority_level']} authority level changes "
               f"({s['authority_vocabulary']} vocabulary only), {s['anchors_removed']} anchors removed, "
               f"{s['evidence_stale']} clauses with possibly stale {_evs(res)}, {s['findings_introduced']} findings introduced, "
               f"{s['findings_resolved']} resolved")
    return "\n".join(out)


def render_markdown(res: dict[str, Any]) -> str:
    s = res["summary"]
    out = [f"### Spec changes: `{res['old']}` → `{res['new']}`", ""]
    if is_empty(res):
        out.append("No changes to clauses, sections, evidence or findings.")
        return "\n".join(out)
    bullets = [
        (s["reworded"], f"**{s['reworded']}** clauses reworded"),
        (s["added"], f"**{s['added']}** added"), (s["removed"], f"**{s['removed']}** removed"),
        (s["reused"], f"**{s['reused']}** retired IDs reused ⚠"),
        (s["renamed"], f"**{s['renamed']}** renamed or renumbered (same sentence)"),
        (s["moved"], f"**{s['moved']}** moved to another section"), (s["retitled"], f"**{s['retitled']}** sections retitled"),
        (s["authority_level"], f"**{s['authority_level']}** authority level changes ⚠"),
        (s["authority_vocabulary"], f"{s['authority_vocabulary']} authority vocabulary renames"),
        (s["anchors_removed"], f"**{s['anchors_removed']}** anchors removed (permalinks break) ⚠"),
        (s["evidence_stale"], f"**{s['evidence_stale']}** reworded clauses whose {_evs(res)} did not change (tests may be stale)"),
        (s["evidence_changed"], f"{s['evidence_changed']} {'prompt files' if _evs(res) == 'prompts' else 'evidence'} changed under an unchanged clause"),
        (s["findings_introduced"], f"**{s['findings_introduced']}** findings introduced"),
        (s["findings_resolved"], f"{s['findings_resolved']} findings resolved"),
    ]
    out.append(" · ".join(t for n, t in bullets if n))
    if res["reused"]:
        out += ["", "#### ⚠ Retired IDs reused on different text", "",
                "Anyone who cited these IDs before meant the retired sentence. Give the new clause a new ID.", "",
                "| ID | retired sentence | new sentence |", "|---|---|---|"]
        out += [f"| `{r['id']}` | {_md_escape(r['retired_text'])} | {_md_escape(r['sentence'])} |" for r in res["reused"]]
    if res["authority"]:
        out += ["", "#### Authority", "", "| section | before | after | kind | clauses |", "|---|---|---|---|---|"]
        out += [f"| {_md_escape(r['title'])} (`#{r['anchor']}`) | `{r['old']}` | `{r['new']}` | "
                f"{'**level change**' if r['kind'] == 'level' else 'vocabulary'} | {r['clauses']} |" for r in res["authority"]]
    if res["anchors_removed"]:
        out += ["", "#### Anchors removed (broken permalinks)", "", "| anchor | section | likely successor |", "|---|---|---|"]
        for r in res["anchors_removed"]:
            su = r.get("successor")
            out.append(f"| `{r['path']}#{r['anchor']}` | {_md_escape(r['title'])} | "
                       + (f"`#{su['anchor']}` {_md_escape(su['title'])}" if su else "none found") + " |")
    if res["reworded"]:
        out += ["", "#### Reworded", ""]
        stale = {r["id"]: r for r in res["evidence_stale"]}
        for r in res["reworded"]:
            flags = []
            if r["rewrite"]:
                flags.append("complete rewrite")
            if r["id"] in stale:
                flags.append(f"{_ev(r)} unchanged: review " + ", ".join(f"`{p}`" for p in stale[r["id"]]["evidence"])
                             + (f" ({_md_escape(', '.join(stale[r['id']]['evidence_labels']))})" if stale[r["id"]].get("evidence_labels") else ""))
            out.append(f"- `{_name(r)}` ({r['path']}:{r['line']})" + (f" — {'; '.join(flags)}" if flags else "") + f"<br>{_wd_md(r['words'])}")
    if res["added"] or res["removed"]:
        out += ["", "#### Added and removed", ""]
        out += [f"- ➕ `{_name(r)}` in {_md_escape(_secname(r['section']))}: {_md_escape(r['sentence'])}" for r in res["added"]]
        out += [f"- ➖ `{_name(r)}` from {_md_escape(_secname(r['section']))}: ~~{_md_escape(r['sentence'])}~~" for r in res["removed"]]
    if res["renamed"]:
        out += ["", "#### Renamed or renumbered (same sentence)", "",
                "Whatever cites the old name or number now cites another clause, or nothing.", ""]
        out += [f"- `{_old_name(r)}` → `{_name(r)}` ({r['path']}:{r['line']}): {_md_escape(r['sentence'])}" for r in res["renamed"]]
    if res["moved"] or res["retitled"]:
        out += ["", "#### Moved and retitled", ""]
        out += [f"- `{_name(r)}` moved: {_md_escape(_secname(r['from']))} → {_md_escape(_secname(r['to']))}"
                + (f" (authority `{r['authority']['old']}` → `{r['authority']['new']}`"
                   + (", **level change**)" if r["authority"]["kind"] == "level" else ")") if r.get("authority") else "")
                for r in res["moved"]]
        out += [f"- `#{r['anchor']}` retitled: “{_md_escape(r['old'])}” → “{_md_escape(r['new'])}”" for r in res["retitled"]]
    if res["evidence_changed"]:
        out += ["", "#### Prompts changed, clause unchanged" if _evs(res) == "prompts" else "#### Evidence changed, clause unchanged", ""]
        out += [f"- `{_name(r)}`: {', '.join(f'`{p}`' for p in r['evidence'])} {r['how']}" for r in res["evidence_changed"]]
    if res["findings_introduced"] or res["findings_resolved"]:
        out += ["", "#### Findings", ""]
        out += [f"- 🆕 `{r['path']}:{r['line']}` {r['severity']} {r['code']} ({r['rule']}): {_md_escape(r['message'])}" for r in res["findings_introduced"]]
        out += [f"- ✅ resolved `{r['path']}` {r['code']} ({r['rule']}): {_md_escape(r['message'])}" for r in res["findings_resolved"]]
    return "\n".join(out)
