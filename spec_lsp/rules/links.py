"""SPEC120 broken-anchor-link and SPEC121 broken-file-link: one loop over a document's links
(each link is resolved once, then its file and its anchor are checked)."""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote

from ..core.document import ChallengeDocument, Link, SpecDocument
from ..core.model import Fix
from ..core.text import closest
from .base import E, SpecContext, declare, make

RULES = (
    declare("SPEC120", "broken-anchor-link", E, "A link points at an anchor that does not exist in its target document."),
    declare("SPEC121", "broken-file-link", E, "A link points at a file that does not exist in the workspace."),
)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
MARKDOWN_EXT = (".md", ".markdown", ".mdx")


def resolve_link(doc_path: str, link: Link) -> tuple[str | None, str | None, bool]:
    """(target path or None for same-document, anchor, checkable).  External URLs are not checkable."""
    target = link.target.strip()
    if not target or _SCHEME.match(target):
        return None, None, False
    path = unquote(link.path.split("?", 1)[0])
    if not path:
        return None, link.anchor, True
    if path.startswith("/"):
        norm = posixpath.normpath(path.lstrip("/"))
    else:
        norm = posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), path))
    if norm.startswith("../") or norm == "..":
        return norm, link.anchor, False  # outside the workspace: cannot be checked
    return norm, link.anchor, True


def check(ctx: SpecContext) -> None:
    doc, ws, path, fmt, out = ctx.doc, ctx.ws, ctx.path, ctx.fmt, ctx.out
    for lk in doc.links:
        target, anchor, checkable = fmt.resolve_link(ws, path, lk) or resolve_link(path, lk)
        if not checkable:
            continue
        if target is None:
            tdoc: SpecDocument | ChallengeDocument | None = doc
        elif ws.in_nested_root(target):
            continue  # into a sub-directory with its own config: another root, not checked from here
        else:
            tdoc = ws.doc(target)
            if tdoc is None:
                if ws.file_exists(target):
                    continue
                if not target.lower().endswith(MARKDOWN_EXT) and not ctx.cfg.check_non_markdown_links:
                    continue
                sugg = closest(target, ws.known_paths(), cutoff=0.75)
                out.append(make("SPEC121", path, lk.target_range,
                                f"Link target “{target}” does not exist in the workspace"
                                + (f"; did you mean “{sugg[0]}”?" if sugg else "; fix the path or remove the link."), target))
                continue
        if anchor is None or not isinstance(tdoc, SpecDocument):
            continue
        if anchor not in tdoc.anchor_map:
            sugg = closest(anchor, tdoc.anchor_map.keys())
            where = "this document" if target is None else f"“{target}”"
            fixes = [Fix(f"Change to #{sugg[0]}", "replace", sugg[0], lk.anchor_range)] if sugg and lk.anchor_range else []
            out.append(make("SPEC120", path, lk.anchor_range or lk.target_range,
                            f"No section with anchor “#{anchor}” in {where}"
                            + (f"; did you mean “#{sugg[0]}”?" if sugg else "."), anchor, (), fixes))
