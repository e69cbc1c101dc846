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

from .config import Config, attribute_aliases
from .document import ChallengeDocument, SpecDocument
from .model import Finding, Fix, Position, Range, Related
from .rules import find_rule
from .text import split_sentences

_SURROGATE = re.compile("[\ud800-\udfff]")


def _sane(text):
    """Text spaCy (and the on-disk cache) can take: a lone surrogate, which an editor may send in a
    didChange, becomes U+FFFD. One code point for one, so offsets into the sentence still hold."""
    if isinstance(text, str) and _SURROGATE.search(text):
        return _SURROGATE.sub("\ufffd", text)
    return text


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


@dataclass
class Job:
    paths: list[str]
    versions: dict[str, int]  # id() of the document object each path had when prepared
    units: list[Unit] = field(default_factory=list)
    clauses: list[ClauseUnit] = field(default_factory=list)


@dataclass
class Results:
    job: Job
    hits: list[tuple] = field(default_factory=list)  # parallel to job.units
    props: list[tuple] = field(default_factory=list)  # parallel to job.clauses


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
        self._conflicts_by_path: dict[str, set[frozenset]] = {}  # path -> its pairs in _conflicts

    # -- engine --------------------------------------------------------------------------
    @property
    def engine_settings(self):
        from ..language import LanguageSettings

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
            from ..language import ContradictionIndex, LanguageEngine

            settings = self.engine_settings
            eng = LanguageEngine(settings)
            eng.load()
            self._engine = eng
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
        self._conflicts_by_path.clear()
        if self._index is not None:
            from ..language import ContradictionIndex

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
                continue
            job.versions[p] = id(doc)
            clause_blocks: dict[int, list] = {}
            for c in doc.clauses:
                clause_blocks.setdefault(c.block, []).append(c)
            occ: dict[str, int] = {}
            for c in doc.clauses:
                n = occ.get(c.id, 0)
                occ[c.id] = n + 1
                si = doc.section_at(c.range.start.line)
                sec = doc.sections[si] if si is not None else None
                auth = sec.authority if sec else None
                if auth is not None:  # a historical name (`platform`) ranks as its current one (`root`)
                    auth = attribute_aliases(ws.format_of(p), ws.config, "authority").get(auth, auth)
                job.clauses.append(ClauseUnit((p, c.id, n), c.sentence, auth,
                                              sec.anchor if sec else "", p, c.range))
            for bi, b in enumerate(doc.blocks):
                if b.kind == "heading" or not b.plain.strip():
                    continue
                if b.plain.startswith(("Example:", "Examples:")):
                    continue  # "**Example**: <title>": the title of a conversation example, not policy
                ctx = b.context
                if "blockquote" in ctx:
                    continue
                if any(x.startswith("admonition:") for x in ctx) and not lc.commentary:
                    continue
                clauses_here = sorted(clause_blocks.get(bi, []), key=lambda c: c.range.start)
                if not lc.section_prose and not clauses_here:
                    continue
                prev = ""
                # clauses_here are in source order, and so are the sentences: a cursor, not a scan of
                # every clause per sentence (5,000 tags in one paragraph)
                lead = _id_lead(b.plain, clauses_here)
                cur = 0
                for s, e in split_sentences(b.plain):
                    a0, a1 = b.position(s), b.position(e)
                    while cur < len(clauses_here) and clauses_here[cur].range.start < a0:
                        cur += 1
                    inside = []
                    k = cur
                    while k < len(clauses_here) and clauses_here[k].range.start <= a1:
                        inside.append(clauses_here[k])
                        k += 1
                    if s < lead < e:
                        s = lead  # `FR-010: System SHOULD …` is analysed as `System SHOULD …`, like a paragraph
                    text = b.plain[s:e]
                    if lc.section_prose or inside:
                        si = doc.section_at(b.line)
                        subject = inside[0].id if inside else (doc.sections[si].anchor if si is not None else p)
                        job.units.append(Unit(p, bi, s, e, text, prev, doc.rfc2119, subject))
                    prev = text
        return job

    # -- step 2 ---------------------------------------------------------------------------
    def run(self, job: Job) -> Results:
        res = Results(job)
        eng = self._engine
        if eng is None:
            return res
        from ..language import SentenceInput

        res.hits = eng.analyze([SentenceInput(_sane(u.text), _sane(u.context), u.rfc2119) for u in job.units])
        res.props = [eng.propositions(_sane(c.text)) for c in job.clauses]
        return res

    # -- step 3 ---------------------------------------------------------------------------
    def apply(self, ws, res: Results) -> set[str]:
        job = res.job
        # a document that changed since prepare() is skipped: a newer job is on its way
        live = {p for p in job.paths if p not in job.versions or id(ws.docs.get(p)) == job.versions[p]}
        changed: set[str] = set()
        per_path: dict[str, list[Finding]] = {p: [] for p in live}
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
            quoted = [(m.start(), m.end()) for m in _QUOTED.finditer(u.text)]
            for h in hits:
                if any(a < h.end and h.start < z for a, z in quoted) and not _is_whole(u.text, h):
                    continue  # quoted text is not the spec's own voice
                if b is not None and _synthetic(b, u.start + h.start, u.start + h.end):
                    continue  # text the renderer fills in (`[?](#anchor)`), not the author's
                if b is not None and any(a < u.start + h.end and u.start + h.start < z for a, z in b.raw.code):
                    continue  # inside a code span: code, not prose
                r = find_rule(h.rule)
                if r is None:
                    continue
                if not ws.format_of(u.path).keep_language_hit(r.name, u.text[h.start:h.end]):
                    continue  # the format reports this itself (spec-kit: [NEEDS CLARIFICATION] is SPEC402)
                if b is None:
                    line = -1 - u.block
                    rng = Range(Position(line, u.start + h.start), Position(line, u.start + h.end))
                else:
                    rng = b.range(u.start + h.start, u.start + h.end)
                fixes = ()
                if h.replacement is not None:
                    title = f"Replace with “{h.replacement}”" if h.replacement else f"Remove “{u.text[h.start:h.end]}”"
                    fixes = (Fix(title, "replace", h.replacement, rng),)
                per_path[u.path].append(Finding(u.path, rng, r.code, r.name, r.category, r.severity, h.message, u.subject, (), fixes))
        # contradictions
        touched: set[str] = set(live)
        if self._index is not None and res.props is not None:
            from ..language import ClauseMeta

            new_keys: dict[str, set] = {p: set() for p in live if p in job.versions}
            for cu, props in zip(job.clauses, res.props or [()] * len(job.clauses)):
                if cu.path in new_keys:
                    new_keys[cu.path].add(cu.key)
            for p, keys in new_keys.items():
                for k in self._keys.get(p, set()) - keys:
                    self._index.remove(k)
                    self._units.pop(k, None)
            upd = []
            for cu, props in zip(job.clauses, res.props or ()):
                if cu.path in new_keys:
                    self._index.update(cu.key, props, _meta(ClauseMeta, cu))
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
                out.append(Finding(path, a.range, r.code, r.name, r.category, sev, msg, a.key[1],
                                   (Related(b.path, b.range, f"conflicting clause “{b.key[1]}”: {b.text}"),)))
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


def _is_whole(text: str, h) -> bool:
    return h.start == 0 and h.end >= len(text)


def _meta(cls, cu: ClauseUnit):
    try:
        return cls(authority=cu.authority, section=cu.section, path=cu.path, clause_id=cu.key[1])
    except TypeError:
        return cls(authority=cu.authority)
