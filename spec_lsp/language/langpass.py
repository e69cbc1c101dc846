"""The language pass: normative prose of the workspace -> the NLP engine -> language findings.

Three steps, so that the heavy middle one can run off the event loop on an immutable snapshot:

* ``prepare(ws, paths)`` (cheap, on the owner's thread): the sentences and clauses of those documents;
* ``run(job)`` (heavy, any thread): spaCy on the sentences not cached yet; no workspace access;
* ``apply(ws, results)`` (cheap, on the owner's thread): installs findings, updates the contradiction
  index, and returns every path whose findings changed (contradiction partners included).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from ..core.config import Config, attribute_aliases
from ..core.document import ChallengeDocument, SpecDocument
from ..core.model import Finding, Fix, Position, Range, Related
from ..core.rules import find_rule
from ..core.text import split_sentences
from . import prose
from .registry import LANGUAGE_RULES

# Rules that can only fire where a document's raw text matches a pattern.  When every enabled rule is one of
# them, a document that matches none is not scoped at all: the statement model is the language pass's main cost
# (about 2 s of the EIPs' 4 s), and a default run should not pay it to find a TODO.
DOC_TRIGGERS = {
    "placeholder": re.compile(r"TBD|TBC|TBA|TODO|FIXME|XXX|\?\?\?|NEEDS\s+CLARIFICATION|to be (?:determined|decided|confirmed|defined|specified)"),
}

_SURROGATE = re.compile("[\ud800-\udfff]")


def _sane(text):
    """Text spaCy (and the on-disk cache) can take: a lone surrogate, which an editor may send in a
    didChange, becomes U+FFFD. One code point for one, so offsets into the sentence still hold."""
    if isinstance(text, str) and _SURROGATE.search(text):
        return _SURROGATE.sub("\ufffd", text)
    return text


_SCENARIO = re.compile(r"\s*(?:scenario|example|case)\b", re.IGNORECASE)
# (a quote never spans another opening quote of its kind: an unclosed “ must not make every later
# one scan to the end of the sentence)
_QUOTED = re.compile(r"“[^“”]*”|\"[^\"\n]*\"|‘[^‘’]*’(?!\w)|(?<!\w)'[^'\n]*'(?!\w)")


@dataclass(frozen=True)
class Unit:
    path: str
    block: int
    start: int  # sentence span in the block's plain text
    end: int
    text: str
    context: str
    rfc2119: bool
    subject: str


@dataclass(frozen=True)
class ClauseUnit:
    key: tuple[str, str, int]  # (path, clause id, occurrence)
    text: str
    authority: str | None
    section: str
    path: str
    range: object  # Range of the clause ID
    scope: str = ""  # the scenario (section anchor) a THEN line belongs to
    declarative: bool = False  # no prescriptive verb: read only for a stated parameter ("the cutoff is 48 hours")


@dataclass
class Job:
    paths: list[str]
    versions: dict[str, int]  # id() of the document object each path had when prepared
    units: list[Unit] = field(default_factory=list)
    clauses: list[ClauseUnit] = field(default_factory=list)
    enabled: frozenset[str] | None = None  # language rules on in this workspace (config + --select)
    terms: dict = field(default_factory=dict)  # defined terms of the workspace: word -> terms containing it


@dataclass
class Results:
    job: Job
    hits: list[tuple] = field(default_factory=list)  # parallel to job.units
    props: list[tuple] = field(default_factory=list)  # parallel to job.clauses
    vecs: object = None  # parallel to job.clauses: each statement's frame embedding (semantic layer), or None


class LanguagePass:
    def __init__(self, config: Config) -> None:
        self.config = config
        self._engine = None
        self._index = None
        self._status = "not loaded"
        self._hits: dict[str, tuple[Finding, ...]] = {}
        self._keys: dict[str, set] = {}  # path -> clause keys in the contradiction index
        self._units: dict[tuple, ClauseUnit] = {}
        self._conflicts: dict[frozenset, object] = {}
        self._flags: dict[tuple[str, str], tuple[int, object]] = {}
        self._conflicts_by_path: dict[str, set[frozenset]] = {}  # path -> its pairs in _conflicts
        # a one-shot `check` (no event loop): the embedding model is read only if a vector is not in the on-disk
        # cache, even during `apply`; the server loads it on the worker, in `run`
        self.one_shot = False
        self._stmt_memo: dict[str, dict] = {}  # path -> prose.statements' per-block verdicts of its last version
        self._unit_memo: dict[str, tuple] = {}  # path -> (context, per-block units of its last version)

    # -- engine --------------------------------------------------------------------------
    @property
    def engine_settings(self):
        from . import LanguageSettings

        lc = self.config.language
        return LanguageSettings(
            model=lc.model,
            extra_words={k: tuple(v) for k, v in lc.words.items()},
            cache_dir=lc.cache_dir,
        )

    @property
    def enabled(self) -> bool:
        return self.config.language.enabled

    def load(self) -> None:
        """Load the NLP engine (blocking; call it from a worker thread).  Never raises."""
        try:
            from . import ContradictionIndex, LanguageEngine

            settings = self.engine_settings
            eng = LanguageEngine(settings)
            eng.load()
            self._engine = eng
            from . import semantic

            semantic.set_store(eng)  # the embedding vectors share the sentence cache's database
            self._index = ContradictionIndex()
            self._status = eng.status
        except Exception as e:  # the language pass must never take the tool down
            self._engine = None
            self._status = f"language rules unavailable: {type(e).__name__}: {e}"

    @property
    def ready(self) -> bool:
        return self._engine is not None

    @property
    def status(self) -> str:
        return self._status

    @property
    def has_parser(self) -> bool:
        """A spaCy model is loaded (without one, only the rules that need no parser run)."""
        return self._engine is not None and self._engine.has_parser

    def reset(self, config: Config) -> None:
        """Forget per-workspace state (keep the loaded engine and its caches) for another workspace."""
        self.config = config
        self._hits.clear()
        self._keys.clear()
        self._units.clear()
        self._conflicts.clear()
        self._flags.clear()
        self._conflicts_by_path.clear()
        self._stmt_memo.clear()
        self._unit_memo.clear()
        if self._index is not None:
            from . import ContradictionIndex

            self._index = ContradictionIndex()

    def flush(self) -> None:
        if self._engine is not None:
            try:
                self._engine.flush()
            except Exception:
                pass

    # -- step 1 ---------------------------------------------------------------------------
    def prepare(self, ws, paths: Iterable[str]) -> Job:
        lc = self.config.language
        job = Job(paths=[], versions={})
        job.enabled = frozenset(r.name for r in LANGUAGE_RULES if ws.settings.enabled(r.code))
        triggers = [DOC_TRIGGERS[r] for r in job.enabled] if job.enabled <= DOC_TRIGGERS.keys() else None
        bcp14_ws = self._workspace_bcp14(ws)
        job.terms = self._workspace_terms(ws) if job.enabled & prose.TERM_RULES else {}
        for p in paths:
            doc = ws.docs.get(p)
            job.paths.append(p)
            if isinstance(doc, ChallengeDocument) and lc.challenge_files:
                job.versions[p] = id(doc)
                for line, col, text in challenge_prose(doc):
                    prev = ""
                    for s, e in split_sentences(text):
                        # block < 0 encodes a line of a challenge file (no prose blocks there)
                        job.units.append(Unit(p, -1 - line, col + s, col + e, text[s:e], prev, False, doc.file_id))
                        prev = text[s:e]
                continue
            if not isinstance(doc, SpecDocument):
                self._stmt_memo.pop(p, None)
                self._unit_memo.pop(p, None)
                continue
            job.versions[p] = id(doc)
            if triggers is not None and not any(t.search(doc.text) for t in triggers):
                continue  # no enabled rule can fire in this document
            # keyword-misuse: the workspace declares BCP 14 (in any document) and this document writes keywords
            rfc = bcp14_ws and self._doc_flag(doc, "uses", prose.uses_bcp14)
            # keyword-misuse reads a section only when the section itself writes upper-case keywords: there
            # a lower-case "must" is the keyword mistyped; elsewhere it is ordinary English
            kw_sections = _keyword_sections(doc) if rfc else frozenset()
            clause_blocks: dict[int, list] = {}
            for c in doc.clauses:
                clause_blocks.setdefault(c.block, []).append(c)
            fmt = ws.format_of(p) if hasattr(ws, "format_of") else None  # the format seam, when merged
            # a lower-case "should" is advice where BCP 14 governs this document (RFC 8174): not a requirement
            advice = rfc or (bcp14_ws and self._doc_flag(doc, "declares", prose.declares_bcp14))
            memo = self._stmt_memo.setdefault(p, {})
            # each block's units, reused while everything they are made of is the same (a keystroke rebuilds the
            # edited block's): its verdicts (the same tuple from the statement memo), index and line, clause tags,
            # section, keyword-misuse flag and table row; the workspace, its config and the format as a whole
            ctx = (ws, ws.config, fmt, lc)
            old = self._unit_memo.get(p)
            old = old[1] if old is not None and all(x is y for x, y in zip(old[0][:3], ctx)) and old[0][3] == lc else {}
            new: dict = {}
            for bi, got in prose.block_verdicts(doc, commentary=lc.commentary, bcp14=advice, memo=memo):
                b = doc.blocks[bi]
                tags = clause_blocks.get(bi, ())
                si = doc.section_at(b.line)
                sec = doc.sections[si] if si is not None else None
                key = (id(got), bi, b.line, tuple((c.id, c.kind, c.range) for c in tags),
                       (si, sec.anchor, sec.authority, sec.title, sec.line) if sec is not None else None,
                       rfc and si in kw_sections, _table_row(doc, bi) if b.kind == "table-cell" else "")
                hit = old.get(key)
                if hit is None or hit[0] is not got:
                    hit = (got, *self._block_units(ws, p, doc, bi, got, tags, sec, rfc and si in kw_sections, fmt))
                new[key] = hit
                job.units.extend(hit[1])
                job.clauses.extend(hit[2])
            self._unit_memo[p] = (ctx, new)
        return job

    def _block_units(self, ws, p: str, doc, bi: int, got, tags, sec, kw: bool, fmt) -> tuple[tuple, tuple]:
        """The units (language rules) and clause units (contradiction index) of one block's statements."""
        lc = self.config.language
        b = doc.blocks[bi]
        units: list[Unit] = []
        clauses: list[ClauseUnit] = []
        prev = ""
        loc = None
        lead = None
        for s0, e0, text, normative, reason in got[1]:
            st = prose.Statement(bi, s0, e0, text, normative, reason)
            prev, prev_text = text, prev
            decl = lc.declarative_statements and not st.normative and lc.section_prose and _declarative_source(st)
            if not st.normative and not decl:
                continue
            if loc is None:
                loc = prose.ClauseLocator(b, tags)
            inside = loc.inside(st.start, st.end)
            if lead is None:
                lead = _id_lead(b.plain, tags)
            if st.start < lead < st.end:
                # `FR-010: System SHOULD …` is analysed as `System SHOULD …`, like a paragraph
                st = prose.Statement(st.block, lead, st.end, b.plain[lead:st.end], st.normative, st.reason)
            if not lc.section_prose and not inside:
                continue
            subject = inside[0].id if inside else (sec.anchor if sec is not None else p)
            if not decl:  # the language rules read normative statements only
                units.append(Unit(p, bi, st.start, st.end, st.text, prev_text, kw, subject))
            # every normative statement is a proposition source for the contradiction index;
            # one with a clause ID is named by it, any other by its document and line
            rng = b.range(st.start, st.end)
            cid = inside[0].id if inside else ""
            auth = sec.authority if sec else None
            if auth is not None and fmt is not None:  # a historical name (`platform`) ranks as its current one
                auth = attribute_aliases(fmt, ws.config, "authority").get(auth, auth)
            # keyed by position too: several statements share a line or a clause ID (they must not overwrite each other)
            clauses.append(ClauseUnit((p, cid or f"L{rng.start.line + 1}", rng.start.line, rng.start.character), st.text,
                                      auth, sec.anchor if sec else "", p,
                                      inside[0].range if inside else rng,
                                      f"{sec.anchor}@{sec.line}" if sec is not None and _SCENARIO.match(sec.title)
                                      else _table_row(doc, bi), decl))
        return tuple(units), tuple(clauses)

    # per-document facts, cached by the document object (a keystroke recomputes one document's)
    def _doc_flag(self, doc, name: str, fn):
        key = (doc.path, name)
        got = self._flags.get(key)
        if got is not None and got[0] == id(doc):
            return got[1]
        val = fn(doc.text)
        self._flags[key] = (id(doc), val)
        return val

    def _workspace_bcp14(self, ws) -> bool:
        return any(self._doc_flag(d, "declares", prose.declares_bcp14) for d in ws.docs.values() if isinstance(d, SpecDocument))

    def _workspace_terms(self, ws) -> dict:
        words: dict[str, set] = {}
        for d in ws.docs.values():
            if isinstance(d, SpecDocument):
                for t in self._doc_flag(d, "terms", lambda _t, d=d: prose.defined_terms(d)):
                    for w in t.split():
                        words.setdefault(w, set()).add(t)
        return words

    # -- step 2 ---------------------------------------------------------------------------
    def run(self, job: Job) -> Results:
        res = Results(job)
        eng = self._engine
        if eng is None:
            return res
        from . import SentenceInput

        if job.enabled is not None:
            eng.set_enabled(job.enabled)
        want_props = job.enabled is None or "contradiction" in job.enabled
        # one call: a statement's rules and its propositions share one parse
        res.hits, props = eng.analyze_with_props([SentenceInput(_sane(u.text), _sane(u.context), u.rfc2119) for u in job.units],
                                                 [_sane(c.text) for c in job.clauses] if want_props else [],
                                                 [c.declarative for c in job.clauses] if want_props else [])
        res.props = props if want_props else [()] * len(job.clauses)  # (no parser: every one is ())
        if self.one_shot:
            eng.release_parser()  # every sentence of the run is parsed: lower the peak before the embeddings load
        if want_props and any(res.props):
            res.vecs = _frame_vectors(res.props, full=not self.one_shot)
        return res

    # -- step 3 ---------------------------------------------------------------------------
    def apply(self, ws, res: Results) -> set[str]:
        job = res.job
        # a document that changed since prepare() is skipped: a newer job is on its way
        live = {p for p in job.paths if p not in job.versions or id(ws.docs.get(p)) == job.versions[p]}
        changed: set[str] = set()
        per_path: dict[str, list[Finding]] = {p: [] for p in live}
        fmt_of = getattr(ws, "format_of", None)
        for u, hits in zip(job.units, res.hits):
            if u.path not in live:
                continue
            doc = ws.docs.get(u.path)
            if u.block < 0:
                if not isinstance(doc, ChallengeDocument):
                    continue
                b = None
            elif isinstance(doc, SpecDocument):
                b = doc.blocks[u.block]
            else:
                continue
            quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(u.text)] if hits else ()
            for h in hits:
                if any(a < h.end and h.start < z for a, z in quoted) and not _is_whole(u.text, h):
                    continue  # quoted text is not the spec's own voice
                if b is not None and _synthetic(b, u.start + h.start, u.start + h.end):
                    continue  # text the renderer fills in (`[?](#anchor)`), not the author's
                if b is not None and any(a < u.start + h.end and u.start + h.start < z for a, z in b.raw.code):
                    continue  # inside a code span: code, not prose
                if h.rule in prose.TERM_RULES and prose.defined_here(u.text, h.start, h.end, job.terms):
                    continue  # a term the spec defines is not vague
                if h.rule in prose.CRITERION_RULES and prose.criterion_follows(u.text, h.end):
                    continue  # "appropriate precautions: …", "such as …", "as defined in …"
                if b is not None and h.rule in prose.CRITERION_RULES and _in_or_before_link(doc, b, u.start + h.start, u.start + h.end):
                    continue  # linked to its definition, or its criterion is a link
                r = find_rule(h.rule)
                if r is None:
                    continue
                if fmt_of is not None and not fmt_of(u.path).keep_language_hit(r.name, u.text[h.start:h.end]):
                    continue  # the format reports this itself (spec-kit: [NEEDS CLARIFICATION] is SPEC402)
                if b is None:
                    line = -1 - u.block
                    rng = Range(Position(line, u.start + h.start), Position(line, u.start + h.end))
                else:
                    rng = _exact_range(doc, b, u.start + h.start, u.start + h.end)
                fixes = ()
                repl = h.replacement
                if h.rule == "ears-state-trigger":
                    if repl is not None and b is not None and fmt_of is not None and getattr(fmt_of(u.path), "ears_fixes", False):
                        fixes = _keyword_fix(doc, b, u.start + h.start, "WHEN", repl)
                    repl = None  # the WHEN -> WHILE rewrite only where the format writes EARS from a template (Kiro)
                if repl is not None:
                    title = f"Replace with “{repl}”" if repl else f"Remove “{u.text[h.start:h.end]}”"
                    fixes = (Fix(title, "replace", repl, rng),)
                per_path[u.path].append(Finding(u.path, rng, r.code, r.name, r.category, r.severity, h.message, u.subject, (), fixes))
        # contradictions
        touched: set[str] = set(live)
        if self._index is not None and res.props is not None:
            from . import ClauseMeta

            new_keys: dict[str, set] = {p: set() for p in live if p in job.versions}
            for cu, props in zip(job.clauses, res.props or [()] * len(job.clauses)):
                if cu.path in new_keys:
                    new_keys[cu.path].add(cu.key)
            for p, keys in new_keys.items():
                for k in self._keys.get(p, set()) - keys:
                    self._index.remove(k)
                    self._units.pop(k, None)
            upd = []
            vecs = res.vecs if res.vecs is not None else [None] * len(job.clauses)
            for cu, props, vec in zip(job.clauses, res.props or (), vecs):
                if cu.path in new_keys:
                    self._index.update(cu.key, props, _meta(ClauseMeta, cu), vec)
                    self._units[cu.key] = cu
                    upd.append(cu.key)
            for p in set(job.paths) - set(job.versions):  # documents that are gone
                for k in self._keys.pop(p, set()):
                    self._index.remove(k)
                    self._units.pop(k, None)
            for p, keys in new_keys.items():
                self._keys[p] = keys
            # drop old conflicts that involve the updated or removed clauses, add the new ones
            # (through the per-path index: neither step scans every conflict of the workspace)
            for gp in set(job.paths):
                for pair in list(self._conflicts_by_path.get(gp, ())):
                    if self._conflicts.pop(pair, None) is None:
                        continue
                    for k in pair:
                        touched.add(k[0])
                        bucket = self._conflicts_by_path.get(k[0])
                        if bucket is not None:
                            bucket.discard(pair)
                            if not bucket:
                                del self._conflicts_by_path[k[0]]
            for cf in self._index.iter_conflicts(upd):  # streamed: no list of every candidate pair
                if cf.a_key in self._units and cf.b_key in self._units:
                    pair = frozenset((cf.a_key, cf.b_key))
                    self._conflicts[pair] = cf
                    self._conflicts_by_path.setdefault(cf.a_key[0], set()).add(pair)
                    self._conflicts_by_path.setdefault(cf.b_key[0], set()).add(pair)
                    touched.add(cf.a_key[0])
                    touched.add(cf.b_key[0])
        for p in touched:
            if p in per_path:
                self._hits[p] = tuple(per_path[p])
            elif p not in ws.docs:
                self._hits.pop(p, None)
                continue
            fs = list(self._hits.get(p, ())) + self._contradiction_findings(p)
            if ws.set_language_findings(p, fs):
                changed.add(p)
        return changed

    def _contradiction_findings(self, path: str) -> list[Finding]:
        r = find_rule("contradiction")
        if r is None:
            return []
        out = []
        pairs = self._conflicts_by_path.get(path, ())
        for cf in sorted((self._conflicts[pr] for pr in pairs), key=lambda c: (str(c.a_key), str(c.b_key))):
            for mine, other, msg in ((cf.a_key, cf.b_key, cf.message_for_a), (cf.b_key, cf.a_key, cf.message_for_b)):
                if mine[0] != path:
                    continue
                a, b = self._units[mine], self._units[other]
                sev = r.severity if not cf.informational else type(r.severity).INFORMATION
                label = f"conflicting statement at {b.path}:{b.range.start.line + 1}" if re.fullmatch(r"L\d+", b.key[1]) else f"conflicting clause “{b.key[1]}”"
                out.append(Finding(path, a.range, r.code, r.name, r.category, sev, msg, a.key[1],
                                   (Related(b.path, b.range, f"{label}: {b.text}"),)))
        return out

    def analyze_all(self, ws) -> set[str]:
        """Synchronous convenience for the CLI: prepare, run and apply over every document."""
        return self.apply(ws, self.run(self.prepare(ws, sorted(ws.docs))))


_CODE_SPAN = re.compile(r"`+[^`\n]*`+")


def challenge_prose(doc: ChallengeDocument) -> list[tuple[int, int, str]]:
    """(line, column, text) of the prose of a challenge file as its parser found it (example titles
    and notes; not the header, not the conversation blocks), HTML and headings left out. Code spans
    and emphasis markers are blanked out, offsets kept."""
    lines = doc.text.split("\n")
    out = []
    for i, col in doc.prose:
        line = lines[i].rstrip("\r")
        if line.lstrip().startswith(("<", "#")):
            continue
        text = _CODE_SPAN.sub(lambda x: " " * len(x.group(0)), line[col:]).replace("**", "  ")
        if text.strip():
            out.append((i, col, text))
    return out


def _id_lead(plain: str, clauses) -> int:
    """Length of a requirement ID lead (`FR-010: `, `REQ-3 - `) at the start of a block's plain text,
    whose clause is defined there; 0 if none.  The parser sees the statement without the ID, so a
    list item `- **FR-010**: System SHOULD …` is linted exactly like the same sentence as a paragraph."""
    for c in clauses:
        if c.kind == "id" and plain.lstrip().startswith(c.id):
            m = re.match(r"\s*" + re.escape(c.id) + r"\s*(?:[:.]|\s[-–—]\s)?\s*", plain)
            return m.end() if m else 0
    return 0


def _in_sentence(b, c, s: int, e: int) -> bool:
    a0 = b.position(s)
    a1 = b.position(e)
    return a0 <= c.range.start <= a1


def _synthetic(b, a: int, z: int) -> bool:
    src = b.raw.src
    if z - a >= 2 and z <= len(src):
        return src[a] == src[z - 1] and len(set(src[a:z])) == 1
    return False


def _exact_range(doc, b, a: int, z: int) -> Range:
    """The source range of plain text [a, z): never across a line wrap, never into markup (`MUST** be`).
    A span whose source is not its plain text on one line is narrowed to the longest run of its words that
    is (the longest suffix, then the longest prefix: the words the message is about)."""
    def clean(x: int, y: int):
        r = b.range(x, y)
        if r.start.line != r.end.line:
            return None
        return r if _line(doc, r.start.line)[r.start.character:r.end.character] == b.plain[x:y] else None

    got = clean(a, z)
    if got is not None:
        return got
    words = [(a + m.start(), a + m.end()) for m in re.finditer(r"[^\s*_`]+", b.plain[a:z])]
    for ws, _ in words[1:]:
        got = clean(ws, z)
        if got is not None:
            return got
    for _, we in reversed(words[:-1]):
        got = clean(a, we)
        if got is not None:
            return got
    for ws, we in reversed(words):
        got = clean(ws, we)
        if got is not None:
            return got
    return b.range(a, z)


def _keyword_fix(doc, b, a: int, old: str, new: str) -> tuple:
    """A quick fix that replaces the keyword `old` at plain offset `a` with `new`, only when the source holds
    exactly `old` there (no markup inside it): the edit is then exact."""
    r = b.range(a, a + len(old))
    if r.start.line != r.end.line or _line(doc, r.start.line)[r.start.character:r.end.character] != old:
        return ()
    return (Fix(f"Write {new} (a state-driven EARS criterion)", "replace", new, r),)


def _line(doc, n: int) -> str:
    lines = getattr(doc, "_lines_cache", None)
    if lines is None:
        lines = doc.text.split("\n")
        try:
            object.__setattr__(doc, "_lines_cache", lines)
        except Exception:
            pass
    return lines[n] if 0 <= n < len(lines) else ""


def _keyword_sections(doc) -> frozenset:
    """Indices of the sections whose own prose writes an upper-case BCP 14 keyword."""
    out = set()
    for b in doc.blocks:
        if b.kind != "heading" and prose.BCP14_UPPER.search(b.plain) and not prose._DECLARATION.search(b.plain):
            out.add(doc.section_at(b.line))
    return frozenset(out)


def _in_or_before_link(doc, b, a: int, z: int) -> bool:
    r = b.range(a, z)
    for lk in doc.links:
        lr = lk.range
        if lr.start.line != r.start.line:
            continue
        if lr.start.character <= r.start.character < lr.end.character:
            return True
        if 0 <= lr.start.character - r.end.character <= 3:
            return True
    return False


def _table_row(doc, block: int) -> str:
    """A statement in a table row is about the row's first cell (a field of the object the table describes):
    its scope for the contradiction checker, so two rows' "Value MUST be …" are not one parameter."""
    b = doc.blocks[block]
    if b.kind != "table-cell":
        return ""
    j = block
    while j > 0 and doc.blocks[j - 1].kind == "table-cell" and doc.blocks[j - 1].line == b.line:
        j -= 1
    return f"row:{doc.blocks[j].plain.strip().lower()}@{b.line}"


def _is_whole(text: str, h) -> bool:
    return h.start == 0 and h.end >= len(text)


def _meta(cls, cu: ClauseUnit):
    try:
        return cls(authority=cu.authority, section=cu.section, path=cu.path, clause_id=cu.key[1], scope=cu.scope)
    except TypeError:
        return cls(authority=cu.authority)


# a declarative parameter statement can only be one of these: a present-tense "is/are" or a number
_DECL_CUE = re.compile(r"\b(?:is|are)\b|\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|thirty|sixty)\b",
                       re.IGNORECASE)


def _declarative_source(st) -> bool:
    """A sentence without a prescriptive verb that the contradiction index reads for a stated parameter
    ("The booking cutoff is 48 hours"): the spec's own prose, or its assumptions — never a heading, an example,
    a quotation, a table cell, a note, rationale or any other informative section (prose.py decides those);
    the parse then keeps only a present-tense value of a named subject (contradiction._declarative)."""
    t = st.text.strip().strip("*_`")
    if not t or t[0].islower() or _FRAGMENT_END.search(t):
        return False  # a fragment of a list that continues a lead-in ("… is invalid if any of: - the trie is empty; or")
    return (st.reason == "no prescriptive verb" or st.reason.endswith("(assumptions)")) and bool(_DECL_CUE.search(t)) \
        and len(t) < 300


_FRAGMENT_END = re.compile(r"(?:[;,:]|;\s*(?:or|and))\s*$", re.IGNORECASE)


def _frame_vectors(props: list, full: bool = True) -> list:
    """Each statement's embeddings for the contradiction index's candidates: a 2 × d float16 array (its frame, its
    predicate — `conflicts.predicate`, the statement without modal, negation and conditions), or None without the
    semantic layer or for a statement without propositions.  Finds the model on first use (this runs on a worker;
    `full`: load it now, so that `apply` on the event loop never does); vectors come from the on-disk cache where
    the engine has them (`semantic.cached_vectors`: a warm run embeds nothing)."""
    from . import semantic
    from .conflicts import predicate
    from .contradiction import frame_text

    if semantic.ensure_loaded(full=full) is None:
        return [None] * len(props)
    texts = [frame_text(p) if p else "" for p in props]
    preds = [predicate(p[0].text) if p else "" for p in props]
    idx = [i for i, t in enumerate(texts) if t or preds[i]]
    out: list = [None] * len(props)
    try:
        import numpy as np

        m = semantic.cached_vectors([texts[i] for i in idx] + [preds[i] for i in idx], "float16")
    except Exception:  # the semantic layer must never take the pass down: literal candidates only
        return out
    if m is not None:
        n = len(idx)
        for j, i in enumerate(idx):
            out[i] = np.stack((m[j], m[n + j]))
    return out
