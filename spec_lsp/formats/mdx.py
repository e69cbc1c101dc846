"""MDX doc specs (Mintlify, Docusaurus): `.mdx` pages with RFC 2119 `**MUST**` statements, JSX
components, ESM `import`/`export` lines, and site-absolute links (`/specification/basic`).

* Reading: `.mdx` files are read with no configuration; `preprocess` blanks JSX tags (capitalised
  components and fragments, on one line or several), `{/* comments */}` and `import`/`export`
  statements with spaces, so that they are never prose, clauses or links while every position stays
  the user's.  Front matter is already its own chunk for the shared parser.  Text *between* an opening
  and a closing component tag (`<Note>` … `</Note>`) stays prose: it is what the page says.
* Links: a site-absolute link resolves through the site root — the `site-root` setting, else the
  nearest directory above the page holding `docs.json` / `mint.json` (Mintlify), else the nearest
  directory named `docs`, else the workspace root — trying `page.mdx`, `page.md`, `page/index.mdx`,
  `page/index.md` (and the page itself when it has an extension).  Extension-less relative links
  (`../basic`) resolve the same way.  Fragments are percent-decoded and matched against the heading
  ids the generators make (GitHub-style slugs, or an explicit `{#id}`) by the generic SPEC120.
* Waivers: MDX has no HTML comments, so `{/* spec-lsp: allow CODE -- reason */}` is the waiver there.
* JSX `href="/…"` attributes (`<Card href="/specification/basic">`) are checked like links: the page
  (SPEC460) and the fragment (SPEC120).
* Rules (SPEC460–SPEC479): a site link that resolves to no page (SPEC460), a JSX tag never closed
  (SPEC461).
"""

from __future__ import annotations

import posixpath
import re
from functools import lru_cache
from typing import Sequence
from urllib.parse import unquote

from ..core.model import Range, Rule, Severity
from ..core.text import closest, split_lines
from .base import Format

_R = "spec_lsp/docs/rules/"
RULES: tuple[Rule, ...] = (
    Rule("SPEC460", "mdx-broken-site-link", "structure", Severity.ERROR,
         "A site-absolute or extension-less link in an MDX page resolves to no page under the site root.", True,
         f"{_R}mdx-broken-site-link.md"),
    Rule("SPEC461", "mdx-unclosed-jsx", "structure", Severity.WARNING,
         "A JSX tag in an MDX page is never closed with `>`, so the page does not compile.", True,
         f"{_R}mdx-unclosed-jsx.md"),
)

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_ESM = re.compile(r"^(?:import|export)\b")
_TAG_START = re.compile(r"<(?:/?[A-Z][\w.]*|/?>)")
_COMMENT = re.compile(r"\{/\*.*?\*/\}")
_WAIVER_BODY = re.compile(r"^ \s*spec-lsp:")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:|^//")
_PAGE_EXT = (".mdx", ".md", ".markdown")


def _blank(s: str) -> str:
    return "".join(" " if ch not in "\r\n" else ch for ch in s)


@lru_cache(maxsize=256)
def _scan(text: str) -> tuple[str, tuple[tuple[int, int], ...], tuple[tuple[int, int, int], ...]]:
    """(text with JSX/ESM blanked, positions (line, col) of tags never closed, the JSX tag spans
    (line, start, end) as written — where `href="/…"` attributes are found)."""
    lines = split_lines(text)
    seps = re.findall(r"\r\n|\r|\n", text)
    out: list[str] = []
    fence: str | None = None
    in_tag: tuple[int, int] | None = None  # where an unclosed tag started
    quote = ""
    depth = 0
    esm_depth: int | None = None
    front = bool(lines) and lines[0].strip() == "---"
    unclosed: list[tuple[int, int]] = []
    spans: list[tuple[int, int, int]] = []
    for i, ln in enumerate(lines):
        if front:
            out.append(ln)
            if i > 0 and ln.strip() in ("---", "..."):
                front = False
            continue
        if fence is not None and in_tag is None:
            out.append(ln)
            m = _FENCE.match(ln)
            if m and m.group(1)[0] == fence[0] and len(m.group(1)) >= len(fence) and not ln.strip()[len(m.group(1)):].strip():
                fence = None
            continue
        if esm_depth is not None:  # a multi-line import/export statement
            esm_depth += ln.count("{") + ln.count("(") - ln.count("}") - ln.count(")")
            out.append(_blank(ln))
            if esm_depth <= 0:
                esm_depth = None
            continue
        if in_tag is None:
            m = _FENCE.match(ln)
            if m:
                fence = m.group(1)
                out.append(ln)
                continue
            if _ESM.match(ln):
                d = ln.count("{") + ln.count("(") - ln.count("}") - ln.count(")")
                esm_depth = d if d > 0 else None
                out.append(_blank(ln))
                continue
        chars = list(ln)
        j = 0
        n = len(ln)
        seg = 0 if in_tag is not None else -1  # start of the tag span on this line
        while j < n:
            if in_tag is not None:
                ch = ln[j]
                chars[j] = " "
                if quote:
                    if ch == quote:
                        quote = ""
                elif ch in "\"'`":
                    quote = ch
                elif ch == "{":
                    depth += 1
                elif ch == "}":
                    depth = max(0, depth - 1)
                elif ch == ">" and depth == 0:
                    in_tag = None
                    spans.append((i, seg, j + 1))
                    seg = -1
                j += 1
                continue
            if ln.startswith("{/*", j):
                k = ln.find("*/}", j + 3)
                if k >= 0:
                    body = ln[j + 3:k]
                    if _WAIVER_BODY.match(body):  # `{/* spec-lsp: allow … */}` is a waiver, as `<!-- … -->` is
                        chars[j:j + 4] = list("<!--")
                        chars[k:k + 3] = list("-->")
                    else:
                        for x in range(j, k + 3):
                            chars[x] = " "
                    j = k + 3
                    continue
            if ln[j] == "`":  # a code span: JSX-looking text inside it is code, leave it
                k = j
                while k < n and ln[k] == "`":
                    k += 1
                ticks = ln[j:k]
                e = ln.find(ticks, k)
                j = e + len(ticks) if e >= 0 else k
                continue
            m = _TAG_START.match(ln, j)
            if m:
                in_tag = (i, j)
                seg = j
                quote, depth = "", 0
                for x in range(j, m.end()):
                    chars[x] = " "
                j = m.end()
                if ln[j - 1] == ">":  # `<>` / `</>`
                    in_tag = None
                    seg = -1
                continue
            j += 1
        if in_tag is not None and seg >= 0:
            spans.append((i, seg, n))
        out.append("".join(chars))
    if in_tag is not None:
        unclosed.append(in_tag)
    res = "".join(a + (seps[k] if k < len(seps) else "") for k, a in enumerate(out))
    return res, tuple(unclosed), tuple(spans)


def site_root(ws, doc_path: str) -> str:
    """The directory site-absolute links start from ('' = the workspace root)."""
    cfg = getattr(ws.config, "site_root", None)
    if cfg is not None:
        return cfg
    d = posixpath.dirname(doc_path)
    docs_dir = None
    while True:
        prefix = f"{d}/" if d else ""
        if ws.file_exists(f"{prefix}docs.json") or ws.file_exists(f"{prefix}mint.json"):
            return d
        if docs_dir is None and posixpath.basename(d) == "docs":
            docs_dir = d
        if not d:
            break
        d = posixpath.dirname(d)
    return docs_dir if docs_dir is not None else ""


def page_candidates(base: str, page: str) -> list[str]:
    page = posixpath.normpath(page).lstrip("/") if page not in ("", "/") else ""
    p = posixpath.join(base, page) if page else base
    p = p.rstrip("/")
    if p.lower().endswith(_PAGE_EXT):
        return [p]
    stem = p or "index"
    out = [f"{stem}.mdx", f"{stem}.md"]
    if p:
        out += [f"{p}/index.mdx", f"{p}/index.md"]
    return out


def _resolve(ws, doc_path: str, link) -> tuple[list[str], str | None, str | None] | None:
    """(candidates tried, the one that exists or None, decoded anchor) for a link this format resolves."""
    target = link.target.strip()
    if not target or _SCHEME.match(target) or target.startswith("#"):
        return None
    path = unquote(link.path.split("?", 1)[0])
    anchor = unquote(link.anchor) if link.anchor is not None else None
    if path.startswith("/"):
        root = site_root(ws, doc_path)
        cands = page_candidates(root, path)
        if root:  # Docusaurus-style `/docs/intro` from the project directory
            cands += [c for c in page_candidates("", path) if c not in cands]
    elif posixpath.splitext(path)[1] == "" or path.endswith("/"):
        base = posixpath.normpath(posixpath.join(posixpath.dirname(doc_path), path))
        if base.startswith(".."):
            return None
        cands = page_candidates("", base)
    else:
        return None
    for c in cands:
        if ws.file_exists(c):
            return cands, c, anchor
    return cands, None, anchor


class MdxFormat(Format):
    name = "mdx"
    title = "MDX doc specs: .mdx pages (Mintlify, Docusaurus), site-absolute links through a site root"
    extensions = (".mdx",)
    rules = RULES
    indented_code = False  # MDX has none: indented text inside `<Card>` … `</Card>` is prose
    #: `## Title {#id}` is a JSX expression (a compile error) in plain MDX: never write one
    inject_anchors = False

    def detect(self, files: Sequence[str]) -> bool:
        return any(f.endswith(".mdx") for f in files)

    def claims(self, rel_path: str) -> bool:
        return rel_path.endswith(".mdx")

    def preprocess(self, text: str) -> str:
        if "<" not in text and "import" not in text and "export" not in text and "{/*" not in text:
            return text
        return _scan(text)[0]

    def resolve_link(self, ws, doc_path, link):
        got = _resolve(ws, doc_path, link)
        if got is None:
            if link.anchor is not None and "%" in link.anchor:  # a same-page or .md link: decode the fragment
                from ..core.checks import resolve_link as generic

                t, _a, ok = generic(doc_path, link)
                return t, unquote(link.anchor), ok
            return None
        _cands, found, anchor = got
        if found is None:
            return None, None, False  # reported by SPEC460 with the candidates tried
        return (found if found != doc_path else None), anchor, True

    def _check_jsx_hrefs(self, doc, ws, text: str):
        """Site links in JSX attributes (`<Card href="/specification/basic">`): the page, then the fragment."""
        from ..core.checks import make
        from ..core.document import SpecDocument

        out = []
        for lk in _jsx_links(text):
            got = _resolve(ws, doc.path, lk)
            if got is None:
                continue
            cands, found, anchor = got
            if found is None:
                out.extend(self._broken(doc, ws, lk, cands))
                continue
            if anchor is None:
                continue
            tdoc = ws.doc(found) if found != doc.path else doc
            if isinstance(tdoc, SpecDocument) and anchor not in tdoc.anchor_map:
                sugg = closest(anchor, tdoc.anchor_map.keys())
                out.append(make("SPEC120", doc.path, lk.anchor_range or lk.target_range,
                                f"No section with anchor “#{anchor}” in “{found}”" + (f"; did you mean “#{sugg[0]}”?" if sugg else "."),
                                anchor))
        return out

    def _broken(self, doc, ws, lk, cands):
        from ..core.checks import make
        from ..core.model import Fix

        pages = [p for p in ws.known_paths() if p.endswith(_PAGE_EXT)]
        sugg = closest(cands[0], pages, cutoff=0.6)
        fixes = []
        if sugg and lk.target_range is not None:
            new = _link_for(ws, doc.path, lk, sugg[0])
            if new:
                fixes.append(Fix(f"Change to {new}", "replace", new, lk.target_range))
        return [make("SPEC460", doc.path, lk.target_range,
                     f"“{lk.path or lk.target}” is no page of the site (tried {', '.join(cands[:4])})"
                     + (f"; did you mean “{sugg[0]}”?" if sugg else "; fix the path, or set `site-root` if the site starts elsewhere."),
                     lk.target, (), fixes)]

    def check(self, doc, ws):
        from ..core.checks import make

        out = []
        for lk in doc.links:
            got = _resolve(ws, doc.path, lk)
            if got is not None and got[1] is None:
                out.extend(self._broken(doc, ws, lk, got[0]))
        # a JSX tag never closed: everything after it is swallowed (and the page does not compile)
        text = ws.text(doc.path) if hasattr(ws, "text") else None
        if text is not None:
            out.extend(self._check_jsx_hrefs(doc, ws, text))
            for line, col in _scan(text)[1]:
                out.append(make("SPEC461", doc.path, Range.of(line, col, line, col + 1),
                                "This JSX tag is never closed with `>` (or `/>`), so MDX cannot compile the page and the rest of it "
                                "is not checked. Close the tag.", "jsx"))
        return out


def _jsx_links(text: str) -> list["_JsxLink"]:
    """`href="…"` attributes of JSX tags (`<Card href="/guide/setup">`), as link-like objects."""
    lines = split_lines(text)
    out = []
    for line, a, b in _scan(text)[2]:
        seg = lines[line][a:b]
        for m in _HREF.finditer(seg):
            target = m.group(2)
            c0 = a + m.start(2)
            path, hash_, frag = target.partition("#")
            rg = Range.of(line, c0, line, c0 + len(target))
            arng = Range.of(line, c0 + len(target) - len(frag), line, c0 + len(target)) if hash_ else None
            out.append(_JsxLink(target, path, frag if hash_ else None, rg, arng))
    return out


_HREF = re.compile(r"\bhref\s*=\s*([\"'])([^\"'{}]+)\1")


class _JsxLink:
    """The parts of `core.document.Link` that link resolution reads."""

    __slots__ = ("target", "path", "anchor", "target_range", "anchor_range", "range", "text")

    def __init__(self, target, path, anchor, target_range, anchor_range):
        self.target, self.path, self.anchor = target, path, anchor
        self.target_range = self.range = target_range
        self.anchor_range = anchor_range
        self.text = ""


def _link_for(ws, doc_path: str, lk, page: str) -> str | None:
    """The site-absolute (or relative) link text for an existing page, in the style of `lk`."""
    stem = re.sub(r"(/index)?\.(mdx|md|markdown)$", "", page)
    if lk.path.startswith("/"):
        root = site_root(ws, doc_path)
        if root and not stem.startswith(root + "/"):
            return None
        rel = stem[len(root) + 1:] if root else stem
        return "/" + rel + (f"#{lk.anchor}" if lk.anchor is not None else "")
    return None


__all__ = ["MdxFormat", "RULES", "site_root", "page_candidates"]
