"""What a clause *is* across versions, and what its evidence is.

Two small functions decide it, so that another format (scenarios, criteria) can swap them:

* `clause_key(path, clause)`: the key a clause keeps across versions (today its ID; with the format
  seam of spec_lsp/formats/, scope + ID, e.g. an OpenSpec capability and a requirement name);
* `evidence_of(ws, path, clause)`: the texts that test the clause (today its challenge files' bodies;
  with the seam, the format's `evidence(ws, path, clause)`: scenarios, criteria).

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


def clause_key(path: str, clause: "Clause") -> str:
    """The identity of a clause across versions (`path`: its document, for formats with scopes)."""
    return clause.id


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
    """(path, evidence text) of everything that tests `clause` (defined in `path`), in path order.
    The workspace's ("evidence", id) key changes whenever one of these texts does (see
    Workspace.evidence_digest), so a check that hashes the evidence is re-run when it changes."""
    return [(d.path, challenge_body(d)) for d in ws.challenges_for(clause.id)]


def evidence_hash(parts: list[tuple[str, str]]) -> str:
    """One hash over every evidence text (not over paths: moving a file is not a change)."""
    if not parts:
        return NO_EVIDENCE
    if len(parts) == 1:
        return digest(parts[0][1])
    return digest("\n\x00\n".join(t for _p, t in parts))
