"""The edge between the core (code-point positions, Findings) and LSP (client units, Diagnostics)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlparse

from lsprotocol import types as T
from pygls.uris import from_fs_path

from ..core.model import Finding, Position, Range
from ..core.rule_docs import doc_url
from ..core.rules import find_rule


def uri_to_path(uri: str) -> Path | None:
    p = urlparse(uri)
    if p.scheme != "file":
        return None
    return Path(unquote(p.path))


def path_to_uri(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


class Lines:
    """Lines of a text as pygls's position codec wants them (line endings kept)."""

    __slots__ = ("lines",)

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines(True) or [""]


def to_client_pos(codec, lines: list[str], p: Position) -> T.Position:
    line = min(p.line, max(len(lines) - 1, 0))
    text = lines[line] if lines else ""
    if p.line >= len(lines):
        return T.Position(line=p.line, character=0)
    ch = p.character
    if ch and not text[:ch].isascii():
        return codec.position_to_client_units(lines, T.Position(line=p.line, character=ch))
    return T.Position(line=p.line, character=ch)


def to_client_range(codec, lines: list[str], r: Range) -> T.Range:
    return T.Range(start=to_client_pos(codec, lines, r.start), end=to_client_pos(codec, lines, r.end))


def from_client_pos(codec, lines: list[str], p: T.Position) -> Position:
    if p.line >= len(lines):
        last = max(len(lines) - 1, 0)
        return Position(last, len(lines[last].rstrip("\r\n")) if lines else 0)
    text = lines[p.line]
    if text.isascii():
        return Position(p.line, min(p.character, len(text.rstrip("\r\n"))))
    sp = codec.position_from_client_units(lines, T.Position(line=p.line, character=p.character))
    return Position(sp.line, sp.character)


def doc_href(code: str, docs_url: str | None = None) -> str | None:
    """Public URL of a rule's page (config key `docs-url`; default: the project's pages)."""
    r = find_rule(code)
    return doc_url(r, docs_url) if r is not None else None


def diagnostic(f: Finding, codec, lines: list[str], lines_of, uri_of, docs_url: str | None = None) -> T.Diagnostic:
    href = doc_href(f.code, docs_url)
    related = []
    for r in f.related:
        try:
            related.append(T.DiagnosticRelatedInformation(
                location=T.Location(uri=uri_of(r.path), range=to_client_range(codec, lines_of(r.path), r.range)),
                message=r.message))
        except Exception:  # a related file that vanished must not lose the diagnostic
            continue
    tags = None
    return T.Diagnostic(
        range=to_client_range(codec, lines, f.range),
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
