"""Plain data shared by every layer: positions, ranges, findings.

Positions are 0-based ``(line, character)`` where ``character`` counts Unicode
code points (Python ``str`` indices) within the line.  Conversion to the
client's unit (UTF-16 by default in LSP) happens only at the LSP edge.
Everything here is immutable and hashable so that results can be cached and
compared (the incremental index is checked against a fresh build by equality).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, order=True, slots=True)
class Position:
    line: int
    character: int

    def shifted(self, lines: int) -> "Position":
        return Position(self.line + lines, self.character) if lines else self


@dataclass(frozen=True, order=True, slots=True)
class Range:
    start: Position
    end: Position

    @staticmethod
    def of(l0: int, c0: int, l1: int, c1: int) -> "Range":
        return Range(Position(l0, c0), Position(l1, c1))

    def shifted(self, lines: int) -> "Range":
        return Range(self.start.shifted(lines), self.end.shifted(lines)) if lines else self

    def contains(self, pos: Position) -> bool:
        return self.start <= pos <= self.end

    def to_json(self) -> dict[str, dict[str, int]]:
        return {
            "start": {"line": self.start.line, "character": self.start.character},
            "end": {"line": self.end.line, "character": self.end.character},
        }


class Severity(enum.IntEnum):
    """Ordered like LSP's DiagnosticSeverity (1 is the most severe)."""

    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: str) -> "Severity":
        v = value.strip().lower()
        aliases = {"info": "information", "warn": "warning", "err": "error"}
        v = aliases.get(v, v)
        for s in cls:
            if s.label == v:
                return s
        raise ValueError(f"unknown severity {value!r} (expected error, warning, information, hint or off)")


@dataclass(frozen=True, slots=True)
class Related:
    path: str
    range: Range
    message: str

    def to_json(self) -> dict[str, Any]:
        return {"path": self.path, "range": self.range.to_json(), "message": self.message}


@dataclass(frozen=True, slots=True)
class Fix:
    """A mechanical fix a finding offers.

    ``kind`` is one of:
      * ``"replace"``: replace ``range`` in the finding's file with ``new_text``;
      * ``"create-file"``: create ``path`` (workspace-relative) with ``new_text``.
    """

    title: str
    kind: str
    new_text: str
    range: Range | None = None
    path: str | None = None

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {"title": self.title, "kind": self.kind, "newText": self.new_text}
        if self.range is not None:
            d["range"] = self.range.to_json()
        if self.path is not None:
            d["path"] = self.path
        return d


@dataclass(frozen=True, slots=True)
class Finding:
    path: str  # workspace-relative, '/' separated
    range: Range
    code: str  # e.g. SPEC101
    rule: str  # kebab-case rule name
    category: str  # structure | language | consistency
    severity: Severity
    message: str
    subject: str = ""  # clause ID, anchor or file the finding is about
    related: tuple[Related, ...] = ()
    fixes: tuple[Fix, ...] = ()
    waived: str | None = None  # reason, when a waiver silenced it

    def sort_key(self) -> tuple:
        return (self.path, self.range.start, self.code, self.message)

    def to_json(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "path": self.path,
            "range": self.range.to_json(),
            "severity": self.severity.label,
            "code": self.code,
            "rule": self.rule,
            "category": self.category,
            "message": self.message,
            "subject": self.subject,
            "related": [r.to_json() for r in self.related],
        }
        if self.fixes:
            d["fixes"] = [f.to_json() for f in self.fixes]
        if self.waived is not None:
            d["waived"] = True
            d["waiverReason"] = self.waived
        return d


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    category: str
    severity: Severity
    summary: str
    # default on?  A rule may ship disabled when it is too noisy for most specs.
    enabled: bool = True
    doc: str = field(default="")  # repository-relative path of its documentation page

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "category": self.category,
            "severity": self.severity.label,
            "enabled": self.enabled,
            "summary": self.summary,
            "doc": self.doc,
        }
