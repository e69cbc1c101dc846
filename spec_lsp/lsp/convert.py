"""The edge between the core (code-point positions, Findings) and LSP (client units, Diagnostics)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types as T
from pygls.uris import from_fs_path

from ..core.model import Finding, Position, Range
from ..core.rule_docs import doc_url
from ..core.rules import find_rule
from .textdoc import LineIndex


def uri_to_path(uri: str) -> Path | None:
    p = urlparse(uri)
    if p.scheme != "file":
        return None
    return Path(unquote(p.path))


def path_to_uri(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


def to_client_pos(ix: LineIndex, p: Position) -> T.Position:
    return ix.to_client(p)


def to_client_range(ix: LineIndex, r: Range) -> T.Range:
    return ix.to_client_range(r)


def from_client_pos(ix: LineIndex, p: T.Position) -> Position:
    return ix.from_client(p)


def doc_href(code: str, docs_url: str | None = None) -> str | None:
    """Public URL of a rule's page (config key `docs-url`; default: the project's pages)."""
    r = find_rule(code)
    return doc_url(r, docs_url) if r is not None else None


def diagnostic(f: Finding, ix: LineIndex, index_of, uri_of, docs_url: str | None = None) -> T.Diagnostic:
    href = doc_href(f.code, docs_url)
    related = []
    for r in f.related:
        try:
            related.append(T.DiagnosticRelatedInformation(
                location=T.Location(uri=uri_of(r.path), range=index_of(r.path).to_client_range(r.range)),
                message=r.message))
        except Exception:  # a related file that vanished must not lose the diagnostic
            continue
    tags = None
    return T.Diagnostic(
        range=ix.to_client_range(f.range),
        message=f.message,
        severity=T.DiagnosticSeverity(int(f.severity)),
        code=f.code,
        code_description=T.CodeDescription(href=href) if href else None,
        source="spec-lsp",
        related_information=related or None,
        tags=tags,
        data={"rule": f.rule, "category": f.category, "subject": f.subject,
              "fixes": [x.to_json() for x in f.fixes]},
    )
