"""`spec.lock`: per clause, a hash of its normalised sentence and of its evidence; retired IDs.

The file is TOML, one line per clause, sorted by key, so that a pull request shows exactly which
clauses were re-accepted (and, through `text`, what they now say):

    version = 1

    [clauses]
    21ox = { sentence = "3f2a9c…", evidence = "9c1d…", text = "The assistant must …" }
    "specs/001-photo-albums#FR-001" = { sentence = "…", evidence = "…", text = "System MUST …" }

    [retired]
    ab12 = { sentence = "77e1…", text = "What ab12 said when it was removed." }

A key is the clause's identity (versions/identity.py `clause_key`): the bare ID for the Model Spec
and `id-patterns` (unchanged since the first lock files), `<scope>#<id>` for a format with scopes
(a spec-kit feature, an OpenSpec capability + requirement name, a Kiro feature + criterion).
A lock written before scopes (bare `FR-001` keys in a spec-kit repository) is re-keyed by the next
`spec-lsp lock`: a bare key that is now `<scope>#FR-001` is dropped, not retired.

Reading never fails: problems are returned with the line they are on.  `updated()` is the only way a
lock changes: new clauses are added, removed ones retired, a clause back on its retired sentence is
restored, and a changed or reused clause is accepted only when asked (`lock --update [ID…]`).
"""

from __future__ import annotations

import json
import re
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10 (requires-python >= 3.10; the VS Code bundle runs there)
    import tomli as tomllib  # type: ignore[no-redef]
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Iterable

import shlex

from .identity import SCOPE_SEP, NO_EVIDENCE, clause_key, evidence_hash, evidence_of, key_label, normalize, sentence_hash

if TYPE_CHECKING:  # pragma: no cover
    from ..core.document import Clause, SpecDocument
    from ..core.model import Finding, Range
    from ..core.workspace import Workspace

LOCK_FILE = "spec.lock"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Entry:
    sentence: str  # hash of the normalised sentence
    evidence: str  # hash of the evidence, or NO_EVIDENCE
    text: str = ""  # the normalised sentence (for reviewers, and to explain a reused ID)


@dataclass(frozen=True, slots=True)
class Retired:
    sentence: str
    text: str = ""


@dataclass(frozen=True)
class LockFile:
    clauses: dict[str, Entry] = field(default_factory=dict)
    retired: dict[str, Retired] = field(default_factory=dict)
    problems: tuple[tuple[int, str], ...] = ()  # (0-based line, message)


# ------------------------------------------------------------------------------------------------
# reading and writing


def parse(text: str) -> LockFile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        return LockFile(problems=((int(m.group(1)) - 1 if m else 0, f"not valid TOML: {e}"),))
    problems: list[tuple[int, str]] = []
    lines = text.splitlines()

    def line_of(key: str) -> int:
        rx = re.compile(r"^\s*(?:" + re.escape(key) + r"|\"" + re.escape(key) + r"\")\s*=")
        return next((i for i, ln in enumerate(lines) if rx.match(ln)), 0)

    v = data.get("version", VERSION)
    if v != VERSION:
        problems.append((line_of("version"), f"version {v!r} is not supported (expected {VERSION})"))
    clauses: dict[str, Entry] = {}
    retired: dict[str, Retired] = {}
    for table, out in (("clauses", clauses), ("retired", retired)):
        t = data.get(table, {})
        if not isinstance(t, dict):
            problems.append((line_of(table), f"`{table}` should be a table"))
            continue
        for k, val in t.items():
            ok = isinstance(val, dict) and isinstance(val.get("sentence"), str) and (
                table == "retired" or isinstance(val.get("evidence"), str))
            if not ok:
                problems.append((line_of(k), f"`{table}.{k}` needs string fields sentence" + (" and evidence" if table == "clauses" else "")))
                continue
            text_ = val.get("text", "")
            text_ = text_ if isinstance(text_, str) else ""
            if table == "clauses":
                out[k] = Entry(val["sentence"], val["evidence"], text_)  # type: ignore[index]
            else:
                out[k] = Retired(val["sentence"], text_)  # type: ignore[index]
    for k in data:
        if k not in ("version", "clauses", "retired"):
            problems.append((line_of(k), f"unknown key `{k}`"))
    return LockFile(clauses, retired, tuple(problems))


_BARE = re.compile(r"[A-Za-z0-9_-]+")


def _key(k: str) -> str:
    return k if _BARE.fullmatch(k) else json.dumps(k, ensure_ascii=False)


def _s(v: str) -> str:
    return json.dumps(v, ensure_ascii=False)  # a JSON string is a TOML basic string


def render(lock: LockFile) -> str:
    scoped = any(SCOPE_SEP in k for k in (*lock.clauses, *lock.retired))
    out = [  # the first header is byte-for-byte the one of every lock written before scopes
        "# spec.lock: what each clause said when its evidence (challenge prompts) was last reviewed."
        if not scoped else "# spec.lock: what each clause said when its evidence (scenarios, criteria, citing tasks) was last reviewed.",
        "# Written by `spec-lsp lock`; accept a reviewed clause with `spec-lsp lock --update ID`."
        if not scoped else "# Written by `spec-lsp lock`; accept a reviewed clause with `spec-lsp lock --update '<scope>#<id>'`.",
        f"version = {VERSION}",
        "",
        "[clauses]",
    ]
    for k in sorted(lock.clauses):
        e = lock.clauses[k]
        out.append(f"{_key(k)} = {{ sentence = {_s(e.sentence)}, evidence = {_s(e.evidence)}, text = {_s(e.text)} }}")
    out += ["", "[retired]"]
    for k in sorted(lock.retired):
        r = lock.retired[k]
        out.append(f"{_key(k)} = {{ sentence = {_s(r.sentence)}, text = {_s(r.text)} }}")
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------------
# the current state of a workspace, and updating a lock to it


def clause_index(ws: "Workspace") -> dict[str, tuple[str, "Clause"]]:
    """key -> (path, clause) of every clause of the workspace (its first definition)."""
    out: dict[str, tuple[str, "Clause"]] = {}
    for doc in sorted(ws.spec_docs(), key=lambda d: d.path):
        for c in doc.clauses:
            out.setdefault(clause_key(ws, doc.path, c), (doc.path, c))
    return out


def current_entries(ws: "Workspace") -> dict[str, Entry]:
    """Every clause of the workspace (its first definition) as a lock entry."""
    return {k: Entry(sentence_hash(c.sentence), evidence_hash(evidence_of(ws, p, c)), normalize(c.sentence))
            for k, (p, c) in clause_index(ws).items()}


def resolve_keys(keys: Iterable[str], args: Iterable[str]) -> tuple[list[str], list[str], dict[str, list[str]]]:
    """`lock --update ARG…`: (keys, unknown args, ambiguous arg -> candidates).  An argument is a key
    (`specs/001-photo-albums#FR-001`, `sy73`), a key's end after a `/` (`001-photo-albums#FR-001`), or an ID
    that only one scope defines (`FR-007`)."""
    keys = list(keys)
    got: list[str] = []
    unknown: list[str] = []
    ambiguous: dict[str, list[str]] = {}
    for a in args:
        if a in keys:
            got.append(a)
            continue
        cands = [k for k in keys if k.endswith(SCOPE_SEP + a) or (SCOPE_SEP in a and k.endswith("/" + a))]
        if len(cands) == 1:
            got.append(cands[0])
        elif cands:
            ambiguous[a] = sorted(cands)
        else:
            unknown.append(a)
    return got, unknown, ambiguous


def shell_word(key: str) -> str:
    return shlex.quote(key)


@dataclass
class UpdateReport:
    added: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    restored: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)  # changed, not accepted
    reused: list[str] = field(default_factory=list)  # back on a different sentence, not accepted


def updated(old: LockFile | None, current: dict[str, Entry], accept: Iterable[str] | None = ()) -> tuple[LockFile, UpdateReport]:
    """The lock after `spec-lsp lock` (accept=()) or `lock --update` (accept=None: everything)."""
    rep = UpdateReport()
    if old is not None:  # a lock written before scopes: bare `FR-001` that is now `<scope>#FR-001`
        rekeyed = {k for k in old.clauses.keys() | old.retired.keys()
                   if SCOPE_SEP not in k and k not in current and any(c.endswith(SCOPE_SEP + k) for c in current)}
        if rekeyed:
            old = LockFile({k: v for k, v in old.clauses.items() if k not in rekeyed},
                           {k: v for k, v in old.retired.items() if k not in rekeyed}, old.problems)
    if old is None:
        return LockFile(dict(current), {}), UpdateReport(added=sorted(current))
    acc = None if accept is None else set(accept)
    clauses: dict[str, Entry] = {}
    retired = dict(old.retired)
    for k, e in current.items():
        ok = acc is None or k in acc
        if k in old.clauses:
            prev = old.clauses[k]
            if prev == e:
                clauses[k] = e
            elif ok:
                clauses[k] = e
                rep.accepted.append(k)
            else:
                clauses[k] = prev
                if prev.sentence != e.sentence or prev.evidence != e.evidence:
                    rep.stale.append(k)
                else:  # only the stored text differs (older lock, normalisation): refresh it
                    clauses[k] = e
        elif k in retired:
            if retired[k].sentence == e.sentence:
                del retired[k]
                clauses[k] = e
                rep.restored.append(k)
            elif ok:
                del retired[k]
                clauses[k] = e
                rep.accepted.append(k)
            else:
                rep.reused.append(k)
        else:
            clauses[k] = e
            rep.added.append(k)
    for k, prev in old.clauses.items():
        if k not in current:
            retired[k] = Retired(prev.sentence, prev.text)
            rep.retired.append(k)
    for lst in (rep.added, rep.accepted, rep.retired, rep.restored, rep.stale, rep.reused):
        lst.sort()
    return LockFile(clauses, retired), rep


# ------------------------------------------------------------------------------------------------
# findings (called from the structural check of a spec document; lookups record dependencies)


def lock_findings(doc: "SpecDocument", ws: "Workspace") -> list["Finding"]:
    from ..core.checks import make

    if not ws.has_lock():
        return []
    out = []
    seen: set[str] = set()
    fmt = ws.format_of(doc.path)
    for c in doc.clauses:
        k = clause_key(ws, doc.path, c)
        if k in seen:
            continue
        seen.add(k)
        entry = ws.locked(k)
        if entry is not None:
            if ws.settings.enabled("SPEC520") and entry.evidence != NO_EVIDENCE and sentence_hash(c.sentence) != entry.sentence:
                if ws.evidence_digest(doc.path, c) == entry.evidence:
                    if fmt.uses_challenge_files:
                        paths = [d.path for d in ws.challenges_for(c.id)] or [ws.challenge_path_for(c.id)]
                        msg = (f"Clause [^{k}] was reworded since its prompts were last reviewed: review "
                               f"{', '.join(paths)}, then run `spec-lsp lock --update {k}`.")
                    else:
                        msg = (f"{key_label(ws, doc.path, k)} was reworded since its evidence was last reviewed: review "
                               f"{_evidence_list(ws, doc.path, c)}, then run `spec-lsp lock --update {shell_word(k)}`.")
                    out.append(make("SPEC520", doc.path, c.tag_range, msg, k))
            continue
        gone = ws.retired(k)
        if gone is not None and gone.sentence != sentence_hash(c.sentence):
            was = f" (it said: “{_short(gone.text)}”)" if gone.text else ""
            what = f"ID [^{k}]" if fmt.fallback else f"{key_label(ws, doc.path, k)}"
            out.append(make("SPEC521", doc.path, c.tag_range,
                            f"{what} was retired{was}; anyone citing it means that policy, not this sentence. "
                            f"Give this clause a new ID, or run `spec-lsp lock --update {shell_word(k)}` if the reuse is deliberate.", k))
    return out


def _evidence_list(ws: "Workspace", path: str, clause: "Clause") -> str:
    """`specs/001-x/tasks.md (T012, T015)`: the evidence of a clause by file, with its labels."""
    by: dict[str, list[str]] = {}
    for e in ws.format_of(path).evidence(ws, path, clause):
        by.setdefault(e.path, [])
        if e.label and e.label != e.path and e.label not in by[e.path]:
            by[e.path].append(e.label)
    return "; ".join(p + (f" ({', '.join(ls[:6])}{'…' if len(ls) > 6 else ''})" if ls else "") for p, ls in by.items())


def _short(s: str, n: int = 90) -> str:
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def lock_status(ws: "Workspace", path: str, clause: "Clause") -> str:
    """One line for the hover: how the clause stands against spec.lock."""
    key, sentence = clause_key(ws, path, clause), clause.sentence
    ch = ws.format_of(path).uses_challenge_files
    ev_word = "prompts" if ch else "evidence"
    if not ws.has_lock():
        return f"Not locked (no `{LOCK_FILE}`; `spec-lsp lock` creates it)."
    e = ws.lock.clauses.get(key)
    if e is None:
        r = ws.lock.retired.get(key)
        if r is not None and r.sentence != sentence_hash(sentence):
            return f"**Reused ID**: [^{key}] was retired in `{LOCK_FILE}`." if ch else \
                f"**Reused ID**: `{key}` was retired in `{LOCK_FILE}`."
        return f"Not yet in `{LOCK_FILE}` (`spec-lsp lock` adds it)."
    ev = evidence_hash(evidence_of(ws, path, clause))
    same_s, same_e = e.sentence == sentence_hash(sentence), e.evidence == ev
    upd = f"`spec-lsp lock --update {shell_word(key)}` records it"
    if same_s and same_e:
        return f"Locked: sentence and {ev_word} unchanged since `{LOCK_FILE}`."
    if not same_s and same_e and e.evidence != NO_EVIDENCE:
        return f"**Stale evidence**: reworded since `{LOCK_FILE}`, {ev_word} not reviewed since."
    if not same_s:
        return f"Reworded since `{LOCK_FILE}`; {ev_word} changed too ({upd})."
    return f"{ev_word.capitalize()} changed since `{LOCK_FILE}`; sentence unchanged ({upd})."


def base_status(ws: "Workspace", label: str, hashes: dict[str, str], path: str, clause: "Clause") -> str:
    """One line for the hover: the clause against a base revision (`diff.base`)."""
    h, sentence = hashes.get(clause_key(ws, path, clause)), clause.sentence
    if h is None:
        return f"New since `{label}`."
    return f"**Reworded since `{label}`**." if h != sentence_hash(sentence) else f"Unchanged since `{label}`."


def accept_title(ws: "Workspace", key: str, code: str) -> str:
    """The title of the editor's accept action for a SPEC520/SPEC521 finding about `key`."""
    if SCOPE_SEP not in key:
        what = "reviewed the prompts" if code == "SPEC520" else "reuse is deliberate"
        return f"Accept [^{key}] in {LOCK_FILE} ({what})"
    scope = key.partition(SCOPE_SEP)[0]
    path = next((p for p in sorted(ws.docs) if ws.scope_of(p) == scope), None)
    label = key_label(ws, path, key) if path is not None else key
    what = "reviewed its evidence" if code == "SPEC520" else "reuse is deliberate"
    return f"Accept {label} in {LOCK_FILE} ({what})"


def accept_text(ws: "Workspace", keys: Iterable[str]) -> str:
    """The new text of spec.lock after accepting `keys`."""
    new, _rep = updated(ws.lock, current_entries(ws), list(keys))
    return render(new)


def accept_edit(ws: "Workspace", keys: Iterable[str]) -> "tuple[Range, str] | None":
    """The smallest whole-line edit of spec.lock's current text that accepts `keys` (a range in code
    points, and its replacement), or None when nothing changes."""
    from ..core.model import Position, Range

    old = ws.text(LOCK_FILE) or ""
    new = accept_text(ws, keys)
    if new == old:
        return None
    a, b = old.split("\n"), new.split("\n")
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    j = 0
    while j < min(len(a), len(b)) - i and a[len(a) - 1 - j] == b[len(b) - 1 - j]:
        j += 1
    if j == 0:  # the last line differs (no final newline): replace everything
        return Range(Position(0, 0), Position(len(a) - 1, len(a[-1]))), new
    return Range(Position(i, 0), Position(len(a) - j, 0)), "".join(x + "\n" for x in b[i:len(b) - j])
