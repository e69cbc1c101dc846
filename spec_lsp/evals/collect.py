"""Eval material of a workspace: per clause, its criterion, challenge prompts and reference answers.

Everything comes from the loaded `Workspace` (clauses, sections, challenge documents) and the core's
conversation layer (`core/conversation.py`); nothing is parsed twice.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field

from ..core.conversation import Conversation, challenge_conversations, section_examples
from ..core.document import SpecDocument


class SelectError(ValueError):
    pass


@dataclass(frozen=True)
class Prompt:
    id: str  # "<clause>/<n>" (1-based, in file order)
    title: str
    messages: tuple[dict, ...]  # {"role", "content"} (+ "name"/attributes when the spec gives them)
    source: str  # "examples/sy73.md:3"

    @property
    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.messages, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Reference:
    title: str
    label: str  # good | bad | ok
    note: str  # the label's explanation (`<!-- BAD: why -->`)
    answer: str
    context: tuple[dict, ...]  # the conversation the answer replies to
    source: str  # "model_spec.md:214"


@dataclass(frozen=True)
class ClauseEval:
    id: str
    criterion: str  # the clause sentence
    document: str
    line: int  # 1-based
    section: tuple[str, ...]  # section titles, outermost first
    anchor: str | None
    authority: str | None
    prompts: tuple[Prompt, ...] = ()
    references: tuple[Reference, ...] = ()
    skipped: tuple[str, ...] = field(default=())  # prompts left out, with why

    def to_json(self) -> dict:
        d = asdict(self)
        d["section"] = list(self.section)
        return d


def _messages(msgs) -> tuple[dict, ...]:
    out = []
    for m in msgs:
        d = {"role": m.role, "content": m.content}
        for k, v in m.attrs:
            d.setdefault(k, v)
        out.append(d)
    return tuple(out)


def _references(doc: SpecDocument, convs: tuple[Conversation, ...]) -> tuple[Reference, ...]:
    out = []
    for cv in convs:
        ctx = _messages(cv.prompt)
        for m in cv.answers:
            if m.label is None:
                continue
            out.append(Reference(cv.title, m.label, m.note, m.content, ctx, f"{doc.path}:{m.range.start.line + 1}"))
    return tuple(out)


def clause_eval(ws, doc: SpecDocument, c) -> ClauseEval:
    roles = ws.config.roles
    si = doc.section_at(c.range.start.line)
    path = doc.section_path(si) if si is not None else []
    prompts, skipped = [], []
    for ch in ws.challenges_for(c.id):
        for conv in challenge_conversations(ch, roles):
            where = f"{ch.path}:{(conv.title_range or conv.block_range).start.line + 1}"
            if not conv.prompt:
                skipped.append(f"{where}: “{conv.title}” has no messages to send")
                continue
            prompts.append(Prompt(f"{c.id}/{len(prompts) + 1}", conv.title, _messages(conv.prompt), where))
    refs = _references(doc, section_examples(doc, si, roles))
    sec = doc.sections[si] if si is not None else None
    return ClauseEval(c.id, c.sentence.strip(), doc.path, c.range.start.line + 1, tuple(s.title for s in path),
                      sec.anchor if sec else None, sec.authority if sec else None, tuple(prompts), refs, tuple(skipped))


def collect(ws, select: tuple[str, ...] = ()) -> list[ClauseEval]:
    """Every clause of the workspace (in document and line order), or those `select` names: clause
    IDs (`sy73`), section anchors (`#letter_and_spirit` or `letter_and_spirit`: every clause in that
    section and its subsections) or spec documents (`model_spec.md`, workspace-relative)."""
    clauses = []
    for doc in sorted(ws.spec_docs(), key=lambda d: d.path):
        for c in doc.clauses:
            clauses.append((doc, c))
    if select:
        chosen = set()
        ids = {c.id for _, c in clauses}
        for s in select:
            s = s.strip()
            if not s:
                continue
            hit = False
            if s in ids and not s.startswith("#"):
                chosen |= {(d.path, c.range) for d, c in clauses if c.id == s}
                hit = True
            anchor = s[1:] if s.startswith("#") else s
            for d, c in clauses:
                si = d.section_at(c.range.start.line)
                if si is not None and any(x.anchor == anchor for x in d.section_path(si)):
                    chosen.add((d.path, c.range))
                    hit = True
            doc_path = s.rstrip("/")
            for d, c in clauses:
                if d.path == doc_path or d.path.startswith(doc_path + "/"):
                    chosen.add((d.path, c.range))
                    hit = True
            if not hit:
                raise SelectError(f"--select: “{s}” is not a clause ID, section anchor or spec document of this workspace")
        clauses = [(d, c) for d, c in clauses if (d.path, c.range) in chosen]
    return [clause_eval(ws, d, c) for d, c in clauses]


def stats(items: list[ClauseEval]) -> dict:
    return {
        "clauses": len(items),
        "clauses_with_prompts": sum(1 for x in items if x.prompts),
        "prompts": sum(len(x.prompts) for x in items),
        "references": sum(len(x.references) for x in items),
        "references_good": sum(1 for x in items for r in x.references if r.label == "good"),
        "references_bad": sum(1 for x in items for r in x.references if r.label == "bad"),
        "references_ok": sum(1 for x in items for r in x.references if r.label == "ok"),
        "skipped_prompts": sum(len(x.skipped) for x in items),
    }


__all__ = ["Prompt", "Reference", "ClauseEval", "collect", "clause_eval", "stats", "SelectError"]
