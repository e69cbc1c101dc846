"""What one version of a spec says: clauses (keyed by `clause_key`), sections, anchors, evidence, findings."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..core.config import load_config
from ..core.document import SpecDocument
from ..core.model import Finding
from ..core.workspace import Workspace
from .identity import clause_key, evidence_hash, evidence_of, key_label, normalize, sentence_hash
from .lock import LockFile


@dataclass(frozen=True, slots=True)
class ClauseSnap:
    key: str
    path: str
    line: int  # 0-based
    sentence: str  # normalised
    shash: str
    section: tuple[str, str]  # (path, anchor); anchor "" when before any heading
    section_title: str
    authority: str | None
    ehash: str
    evidence: tuple[str, ...]  # evidence paths
    scope: str = ""  # the format's scope ("" for the Model Spec / id-patterns: bare keys)
    cid: str = ""  # the clause's ID (or requirement name / criterion number) inside its scope
    label: str = ""  # how reports name it: `[^sy73]`, `FR-001 (feature 001-photo-albums)`
    evidence_labels: tuple[str, ...] = ()  # formats with scopes: "T020", "Scenario: Idle session ends"…


@dataclass(frozen=True, slots=True)
class SectionSnap:
    path: str
    anchor: str
    title: str
    authority: str | None
    own_authority: str | None
    parent: str | None  # parent anchor
    line: int


@dataclass
class Snapshot:
    label: str
    clauses: dict[str, ClauseSnap] = field(default_factory=dict)
    sections: dict[tuple[str, str], SectionSnap] = field(default_factory=dict)
    anchors: dict[str, set[str]] = field(default_factory=dict)  # spec path -> every anchor (permalinks)
    findings: list[tuple[Finding, str]] = field(default_factory=list)  # with fingerprints
    lock: LockFile | None = None
    ws: Workspace | None = None


def load_workspace(root: Path, language: bool = False) -> Workspace:
    cfg, problems = load_config(root)
    ws = Workspace(root, cfg, problems)
    ws.load()
    if language and cfg.language.enabled:
        from ..language.langpass import LanguagePass

        lp = LanguagePass(cfg)
        lp.load()
        if lp.ready and lp.has_parser:
            lp.analyze_all(ws)
            lp.flush()
    return ws


def snapshot(ws: Workspace, label: str) -> Snapshot:
    from .baseline import fingerprinted

    snap = Snapshot(label, ws=ws, lock=ws.lock)
    for doc in sorted(ws.spec_docs(), key=lambda d: d.path):
        snap.anchors[doc.path] = set(doc.anchor_map)
        for s in doc.sections:
            key = (doc.path, s.anchor)
            if key not in snap.sections:
                parent = doc.sections[s.parent].anchor if s.parent is not None else None
                snap.sections[key] = SectionSnap(doc.path, s.anchor, s.title, s.authority, s.own_authority, parent, s.line)
        for c in doc.clauses:
            k = clause_key(ws, doc.path, c)
            if k in snap.clauses:
                continue  # a duplicate ID: the first definition speaks for it (duplicate-clause-id reports it)
            snap.clauses[k] = _clause(ws, doc, c, k)
    snap.findings = fingerprinted(ws.all_findings(), ws.text)
    return snap


def _clause(ws: Workspace, doc: SpecDocument, c, k: str) -> ClauseSnap:
    si = doc.section_at(c.range.start.line)
    sec = doc.sections[si] if si is not None else None
    ev = evidence_of(ws, doc.path, c)
    fmt = ws.format_of(doc.path)
    scope = "" if fmt.fallback else fmt.scope(doc.path)
    return ClauseSnap(k, doc.path, c.range.start.line, normalize(c.sentence), sentence_hash(c.sentence),
                      (doc.path, sec.anchor if sec else ""), sec.title if sec else doc.title,
                      sec.authority if sec else None, evidence_hash(ev), tuple(dict.fromkeys(p for p, _ in ev)),
                      scope, c.id, key_label(ws, doc.path, k),
                      tuple(dict.fromkeys(e.label for e in fmt.evidence(ws, doc.path, c))) if scope else ())
