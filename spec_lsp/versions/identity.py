"""What a clause *is* across versions, and what its evidence is.

Two small functions decide it, both through the format seam (spec_lsp/formats/):

* `clause_key(ws, path, clause)`: the key a clause keeps across versions.  For a format with scopes
  (spec-kit features, OpenSpec capabilities, Kiro features) it is `<scope>#<id>`, e.g.
  `specs/001-photo-albums#FR-001` (spec-kit restarts FR-001 in every feature) or
  `openspec/specs/auth#User login` (OpenSpec keys requirements by name); for the fallback formats
  (the Model Spec, `id-patterns`) it is the bare ID, as in every `spec.lock` written before scopes.
* `evidence_of(ws, path, clause)`: (path, text) of what tests the clause, from the format's
  `evidence(ws, path, clause)` hook: a challenge file is its body without the header line (as
  before); any other evidence (a scenario, a criterion, a citing task) is the text of the unit it
  points at: the section under a heading (`#### Scenario: …`), else the paragraph or list item.

Both take the clause's document path because a format's scope comes from it.

Hashes are of *normalised* text (Unicode NFC, typographic quotes and dashes folded, runs of white
space collapsed), so that re-wrapping a line or typing ’ for ' is not a change of meaning.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from ..core.document import ChallengeDocument, Clause
    from ..core.workspace import Workspace

HASH_CHARS = 16  # hex digits of sha256 kept: 64 bits
NO_EVIDENCE = "none"

_FOLD = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " ", "…": "..."})
_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    return _WS.sub(" ", unicodedata.normalize("NFC", text).translate(_FOLD)).strip()


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_CHARS]


SCOPE_SEP = "#"


def scoped_key(scope: str, clause_id: str) -> str:
    return f"{scope}{SCOPE_SEP}{clause_id}" if scope else clause_id


def clause_key(ws: "Workspace", path: str, clause: "Clause") -> str:
    """The identity of a clause across versions: `<scope>#<id>` for a format with scopes, else the ID."""
    fmt = ws.format_of(path)
    return clause.id if fmt.fallback else scoped_key(fmt.scope(path), clause.id)


def key_label(ws: "Workspace", path: str, key: str) -> str:
    """How messages name the clause of `key` defined in `path`: `[^sy73]`, `FR-001 (feature 001-photo-albums)`."""
    fmt = ws.format_of(path)
    if fmt.fallback:
        return f"[^{key}]"  # as every message said before formats
    scope = fmt.scope(path)
    cid = key[len(scope) + 1:] if scope and key.startswith(scope + SCOPE_SEP) else key
    label = fmt.scope_label(scope)
    return f"{fmt.display_id(cid)} ({label})" if label else fmt.display_id(cid)


def sentence_hash(sentence: str) -> str:
    return digest(normalize(sentence))


def challenge_body(doc: "ChallengeDocument") -> str:
    """A challenge file's evidence: everything but its header line (which names the section, and
    changes when the section is retitled), normalised line by line, blank runs dropped."""
    lines = doc.text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if doc.header is not None:
        lines = lines[: doc.header.range.start.line] + lines[doc.header.range.start.line + 1:]
    return "\n".join(n for n in (normalize(ln) for ln in lines) if n)


def challenge_hash(doc: "ChallengeDocument") -> str:
    return digest(challenge_body(doc))


def evidence_of(ws: "Workspace", path: str, clause: "Clause") -> list[tuple[str, str]]:
    """(path, evidence text) of everything that tests `clause` (defined in `path`), in the format's order.

    Dependencies: the format's hook reads through `ws` (recorded); a challenge file's text is its
    ("evidence", id) key, any other document's text its ("content", path) key (read here), so a check
    that hashes the evidence is re-run when one of these texts changes."""
    from ..core.document import ChallengeDocument, SpecDocument

    out: list[tuple[str, str]] = []
    for ev in ws.format_of(path).evidence(ws, path, clause):
        d = ws.docs.get(ev.path)
        if isinstance(d, ChallengeDocument):
            out.append((ev.path, challenge_body(d)))
        elif isinstance(d, SpecDocument):
            ws.content_of(ev.path)  # records ("content", path)
            out.append((ev.path, unit_text(d, ev.range)))
    return out


def unit_text(doc, rng) -> str:
    """The normalised text of what `rng` points at in `doc`: the section under a heading on that line
    (a scenario with its steps), else the prose block holding it (a criterion, a task)."""
    import bisect

    line = rng.start.line
    si = doc.section_at(line)
    blocks = doc.blocks
    starts = [b.line for b in blocks]
    if si is not None and doc.sections[si].line == line:
        s = doc.sections[si]
        lo, hi = bisect.bisect_left(starts, s.line), bisect.bisect_left(starts, s.end_line)
        return "\n".join(normalize(b.plain) for b in blocks[lo:hi] if b.plain.strip())
    i = bisect.bisect_right(starts, line) - 1
    while i >= 0:  # the last block starting at or before the line whose text reaches it
        b = blocks[i]
        end = b.position(max(len(b.plain) - 1, 0)).line if b.plain else b.line
        if b.line <= line <= end:
            return normalize(b.plain)
        if end < line:
            break
        i -= 1
    lines = doc.text.split("\n")
    return normalize(lines[line]) if line < len(lines) else ""


def evidence_hash(parts: list[tuple[str, str]]) -> str:
    """One hash over every evidence text (not over paths: moving a file is not a change)."""
    if not parts:
        return NO_EVIDENCE
    if len(parts) == 1:
        return digest(parts[0][1])
    return digest("\n\x00\n".join(t for _p, t in parts))
