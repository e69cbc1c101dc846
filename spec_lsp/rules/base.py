"""What every generic rule module uses: its metadata helper, `make` (a finding of a declared rule)
and the per-document context the one pass over a document hands each rule's check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable

from ..core.model import Finding, Fix, Range, Related, Rule, Severity

if TYPE_CHECKING:  # pragma: no cover
    from ..core.config import Config
    from ..core.document import SpecDocument
    from ..core.workspace import Workspace

E, W, I, H = Severity.ERROR, Severity.WARNING, Severity.INFORMATION, Severity.HINT


def declare(code: str, name: str, sev: Severity, summary: str, category: str = "structure", enabled: bool = True) -> Rule:
    """A rule's metadata; its doc page is `spec_lsp/docs/rules/<name>.md`."""
    return Rule(code, name, category, sev, summary, enabled, f"spec_lsp/docs/rules/{name}.md")


def make(code: str, path: str, rng: Range, message: str, subject: str = "", related: Iterable[Related] = (),
         fixes: Iterable[Fix] = (), severity: Severity | None = None) -> Finding:
    from ..core.rules import rule  # the registry imports the rule modules: import it when used

    r = rule(code)
    return Finding(path, rng, r.code, r.name, r.category, severity or r.severity, message, subject, tuple(related), tuple(fixes))


@dataclass(slots=True)
class SpecContext:
    """One spec document being checked: computed once, handed to every rule of the pass."""

    doc: "SpecDocument"
    ws: "Workspace"
    path: str
    cfg: "Config"
    fmt: Any  # spec_lsp.formats.base.Format
    scope: str
    out: list[Finding]

    @classmethod
    def of(cls, doc: "SpecDocument", ws: "Workspace", out: list[Finding]) -> "SpecContext":
        fmt = ws.format_of(doc.path)
        return cls(doc, ws, doc.path, ws.config, fmt, fmt.scope(doc.path), out)
