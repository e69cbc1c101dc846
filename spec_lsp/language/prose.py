"""The normative-statement model: which sentences of a spec prescribe, and so are read by the language rules.

Pure functions of text and position (no spaCy, no workspace): ``statements(doc, bcp14=…)`` lists every prose
sentence of a parsed spec document with a verdict (normative or not) and the reason, which is what
``spec-lsp check --explain-scope FILE`` prints.

A sentence is **normative** when it prescribes:

* it carries an upper-case BCP 14 keyword (MUST, SHALL, SHOULD, REQUIRED, RECOMMENDED, MAY, OPTIONAL) — that
  covers RFC-style prose, EARS criteria (``WHEN … THE X SHALL …``), OpenSpec requirement bodies and spec-kit
  ``- **FR-001**: System MUST …`` lines;
* it states a modal obligation of an actor in lower case (``the assistant should …``, ``the system shall …``,
  ``clients must …``, ``is required to``, ``shouldn't``), a restriction (``the assistant may only …``, ``clients
  may not reuse …``; but ``may not be / have / know`` is a possibility) or a deontic predicate (``X is
  prohibited``, ``Y is not allowed``) — not in the first person (``we should``), not as a question, not
  hypothetical (``would need to``, ``may have to``), not epistemic (``it should be clear``), and not only inside a
  trailing ``, which …`` clause that describes a noun;
* it is an imperative to the actor (``Never reveal …``, ``Avoid …``, ``When X, ensure …``);
* it is a step of a scenario (``THEN …`` / ``AND …`` outcomes and ``WHEN …`` / ``GIVEN …`` conditions under
  ``#### Scenario:``, ``Given … When … Then …`` acceptance criteria): a condition is part of the requirement;
* it is a list item introduced by a normative lead-in ending in a colon (``The server MUST:`` then ``- reject …``);
* it carries a clause tag (``[^id]``) or requirement ID, or a format marked its block normative (the hook below).

Never normative: headings, task-list items (``- [ ]``, ``- [x]``), block quotes, table cells without a BCP 14
keyword, questions, example sentences (``For example …``, ``e.g. …``, ``In this example …``, ``Here, …``,
``Assuming …``), notes (``Note: …`` — informative, as ISO/IEC Directives Part 2 has it — and ``Note that …``
without a BCP 14 keyword), spec-kit's annotations (``Why this priority: …``, ``Independent Test: …``), and every
sentence of a
rationale / motivation / background / alternatives / FAQ / changelog / design-notes / examples / threat-model
section, or of a file that is a task list, checklist, changelog or research note.

Formats (``spec_lsp/formats/``, when present) can mark blocks with ``register_marker``: a function
``(path, doc) -> {block index: True | False}`` whose answer wins over the rules above.
"""

from __future__ import annotations

import bisect

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from ..core.text import split_sentences

# -- BCP 14 ---------------------------------------------------------------------------------------

# = (?<![\w-])(?:MUST(?: NOT)?|SHALL(?: NOT)?|…|OPTIONAL)(?![\w-]), with the look-behind moved after each keyword's
# first letter: every alternative then starts with a literal and the regex engine skips to the next M/S/R/N/O
# with a fast scan instead of trying the look-behind at every position (2.4x; same matches)
BCP14_UPPER = re.compile("(?:" + "|".join(f"{k[0]}(?<![\\w-]{k[0]}){k[1:]}" for k in (
    "MUST(?: NOT)?", "SHALL(?: NOT)?", "SHOULD(?: NOT)?", "REQUIRED", "RECOMMENDED", "NOT RECOMMENDED", "MAY", "OPTIONAL")) + r")(?![\w-])")
_DECLARATION = re.compile(
    r"\{::boilerplate\s+bcp14(?:-tagged)?\s*\}"
    r"|key\s*words?\b[^.]{0,400}?\b(?:are|is)\s+to\s+be\s+interpreted\s+as\s+described\s+in\b[^.]{0,80}?(?:RFC\s*\[?\s*2119|BCP\s*14|RFC\s*\[?\s*8174)"
    r"|(?:interpreted|understood)\s+as\s+described\s+in\s+(?:\[?\s*)?(?:BCP\s*14|RFC\s*\[?\s*2119)",
    re.IGNORECASE | re.DOTALL,
)


def declares_bcp14(text: str) -> bool:
    """Does this document *declare* BCP 14 keywords (not merely mention RFC 2119)?  Recognises the usual
    RFC 2119/8174 paragraph ("The key words … are to be interpreted as described in …") and kramdown-rfc's
    ``{::boilerplate bcp14}`` / ``{::boilerplate bcp14-tagged}``."""
    if "2119" not in text and "8174" not in text and "bcp14" not in text.lower() and "BCP 14" not in text:
        return False
    return bool(_DECLARATION.search(text))


def uses_bcp14(text: str) -> bool:
    """Does the document write at least one upper-case BCP 14 keyword in its prose?"""
    return bool(BCP14_UPPER.search(text))


# -- sections and files ---------------------------------------------------------------------------

_NON_NORMATIVE_SECTION = re.compile(
    r"\b(?:rationale|motivation|background|alternatives?(?: considered)?|faq|frequently asked|change ?log|changes|"
    r"history|revision|design notes?|design decisions?|discussion|open (?:questions|issues)|questions|examples?|"
    r"non-goals?|out of scope|acknowledg(?:e)?ments?|references|related work|prior art|research|clarifications?|"
    r"future work|copyright|threat(?:s| model)?|attacks?|attack vectors?|risks?|abstract|summary|tl;dr|"
    r"appendix|notes?|test cases?|reference implementation|backwards? compatibility|session \d{4}-\d\d-\d\d|"
    r"tasks?|checklists?|edge cases|assumptions|implementation notes|migration|why)\b",
    re.IGNORECASE,
)
_NON_NORMATIVE_FILE = re.compile(
    r"(?:^|/)(?:tasks|checklist[^/]*|CHANGELOG[^/]*|changes|HISTORY[^/]*|research|quickstart|README|proposal|design|plan|CONTRIBUTING[^/]*|"
    r"CODE_OF_CONDUCT[^/]*|SECURITY|LICENSE[^/]*|NOTICE[^/]*)\.(?:md|markdown)$|(?:^|/)checklists/",
    re.IGNORECASE,
)


_DESIGN_FILE = re.compile(r"(?:^|/)design\.(?:md|markdown)$", re.IGNORECASE)
_PROPERTY_SECTION = re.compile(r"\b(?:correctness properties|properties|invariants|guarantees)\b", re.IGNORECASE)


def section_reason(titles: Iterable[str]) -> str | None:
    """Why a section (given its titles, outermost first) is not normative, or None when it may be."""
    for t in titles:
        t0 = re.sub(r"^[\d.\s]+", "", re.sub(r"\s*\{[^{}]*\}\s*$", "", t)).strip()
        m = _NON_NORMATIVE_SECTION.search(t0)
        if m and (m.start() == 0 or len(t0.split()) <= 3):
            return f"section “{t.strip()}” ({m.group(0).lower()})"
    return None


def file_reason(path: str) -> str | None:
    m = _NON_NORMATIVE_FILE.search(path)
    return f"file {path.rsplit('/', 1)[-1]} (not a specification)" if m else None


# -- sentences ------------------------------------------------------------------------------------

_TASK = re.compile(r"^\s*\[[ xX~-]?\]")
_EXAMPLE_LEAD = re.compile(r"^\W*(?:for example|for instance|e\.g\.|eg\.|example\b|examples\b|such as\b|consider\b|imagine\b|suppose\b|"
                           r"in (?:this|that|the|these|those) (?:example|examples|case above|scenario above)\b|in the (?:example|examples) (?:above|below)\b|"
                           r"here,|assuming\b)", re.IGNORECASE)
_LOWER_MODAL = re.compile(
    r"\b(?:must|shall|should|is required to|are required to|is expected to|are expected to|needs? to|has to|have to|"
    r"(?:should|must|shall)n[’']t|"
    # a restriction or prohibition of an actor: "the assistant may only …", "clients may not …" (but "may not
    # be", "may not have", "may not know" are possibilities, not restrictions)
    r"may\s+(?:only|not|never)\s+(?!(?:be|have|know|seem|need|want|notice|realize|realise|understand|necessarily|always|fully|even|yet)\b)[a-z]|"
    # a deontic predicate: "X is prohibited", "Y is not allowed", "Z are permitted only …"
    r"(?:is|are|be)\s+(?:not\s+|never\s+|only\s+|strictly\s+|also\s+|always\s+)?(?:allowed|permitted|prohibited|forbidden|disallowed|mandatory)\b|"
    # a prohibition with a negated subject: "no file beneath it may be attributed …", "neither may precede …"
    r"(?:(?<![\w-])[Nn]o|[Nn]either)\s+(?:[\w’'-]+\s+){0,4}?may\s+(?!(?:be\s+)?(?:able|possible)\b)[a-z]+)"
)
# an imperative addressed to the spec's actor: "Do not reveal …", "Never …", "Always …", "Avoid …", "Ensure …" at
# the start of the sentence or of its main clause ("When this happens, carry on …" is not caught: no parse here)
_IMPERATIVE = re.compile(r"^\W*(?:[A-Z][^,;:]{0,80},\s+)?(?:do not|don[’']t|never|always|avoid|ensure|make sure)\s+[a-z]", re.IGNORECASE)
# a modal that only says what would/could happen ("the builder would need to pay", "a node may have to apply")
_HYPOTHETICAL = re.compile(r"\b(?:would|could|might|may|will)\s+(?:\w+\s+)?$", re.IGNORECASE)
# a modal inside a trailing non-restrictive relative clause describes the noun: ", which must be activated …"
_RELATIVE = re.compile(r",\s*(?:which|who|whom|whose|where)\b[^,;:]*$", re.IGNORECASE)
_FIRST_PERSON = re.compile(r"\b(?:we|i|one|us)\s+(?:\w+\s+)?(?:must|shall|should|need to|have to)\b", re.IGNORECASE)
_IT_NOTE = re.compile(r"\bit\s+(?:should|must)\s+be\s+(?:\w+ly\s+)?(?:noted|mentioned|emphasi[sz]ed|stressed|clear|obvious|evident|apparent|"
                      r"understood|remembered)\b", re.IGNORECASE)
# an informative label opening the sentence: notes are informative (ISO/IEC Directives Part 2: notes never state
# requirements), and spec-kit's user-story annotations explain a priority or how to test, they do not prescribe
_INFORMATIVE_LABEL = re.compile(r"^\W*(?:note|notes|why this priority|rationale|motivation|background|independent test|"
                                r"acceptance scenarios?|hint|tip)\s*\**\s*:", re.IGNORECASE)
_NOTE_THAT = re.compile(r"^\W*(?:note|notice|remember|recall|observe)\s+that\b", re.IGNORECASE)
_WHEN_LEAD = re.compile(r"^\W*(?:WHEN|GIVEN|When|Given)\b")
_THEN_LEAD = re.compile(r"^\W*(?:THEN|AND|Then|And)\b")
_GWT = re.compile(r"\bGiven\b.*\bThen\b", re.DOTALL)
_ID_LEAD = re.compile(r"^\s*(?:[A-Z]{1,6}-?\d+[a-z]?(?:\.\d+)*|\d+(?:\.\d+)+)\s*[:.)-]\s*")


@dataclass(frozen=True)
class Statement:
    block: int
    start: int  # sentence span in the block's plain text
    end: int
    text: str
    normative: bool
    reason: str


def sentence_reason(text: str, *, kind: str = "paragraph", context: tuple[str, ...] = (), section: str | None = None,
                    lead_in: bool = False, scenario: bool = False, tagged: bool = False, marked: bool | None = None,
                    bcp14: bool = False) -> tuple[bool, str]:
    """Is one sentence normative, and why (the table test pins this function)."""
    if marked is not None:
        return marked, "marked by the format"
    if kind == "heading":
        return False, "heading"
    if "blockquote" in context:
        return False, "quotation"
    if _TASK.match(text):
        return False, "task-list item"
    if section:
        return False, section
    s = text.strip()
    if tagged:
        return True, "clause"
    if not s or s.endswith("?"):
        return False, "question" if s else "empty"
    upper = BCP14_UPPER.search(s)
    if upper and _DECLARATION.search(s):
        return False, "BCP 14 declaration"
    if kind == "table-cell" and not upper:
        return False, "table cell"
    if _EXAMPLE_LEAD.match(s):
        return False, "example"
    letters = [c for c in s if c.isalpha()] if upper else ()  # (only an upper-case keyword needs them)
    if upper and letters and sum(c.isupper() for c in letters) > 0.7 * len(letters) and len(letters) > 30:
        return False, "all-caps text"
    if _INFORMATIVE_LABEL.match(s):
        return False, "informative label"
    if upper:
        return True, f"BCP 14 keyword {upper.group(0)}"
    if scenario and _THEN_LEAD.match(s):
        return True, "scenario outcome"
    if scenario and _WHEN_LEAD.match(s):
        return True, "scenario condition"
    if _GWT.search(s):
        return True, "acceptance criterion"
    if _NOTE_THAT.match(s):
        return False, "note (informative)"
    m = _obligation(s, bcp14)
    if m is not None:
        return True, f"modal obligation “{m}”"
    if bcp14 and _ADVICE.search(s) and not _FIRST_PERSON.search(s):
        return False, "lower-case “should” in a BCP 14 document (advice in ordinary English, RFC 8174)"
    if _IMPERATIVE.match(s):
        return True, "imperative"
    if lead_in and "list-item" in context:
        return True, "list item under a normative lead-in"
    return False, "no prescriptive verb"


_ADVICE = re.compile(r"\b(?:should|should not|shouldn[’']t)\b")


def _obligation(s: str, bcp14: bool = False) -> str | None:
    """The first lower-case modal of obligation/prohibition in `s` that prescribes (not first person, not
    "it should be noted/clear", not hypothetical "would need to", not inside a trailing ", which …" clause).  In a
    document that declares BCP 14 a lower-case "should" is advice in ordinary English (RFC 8174: only the
    capitals carry the defined meaning), not a requirement; a lower-case "must" still prescribes."""
    if _FIRST_PERSON.search(s) or _IT_NOTE.search(s):
        return None
    for m in _LOWER_MODAL.finditer(s):
        w = m.group(0)
        if bcp14 and _ADVICE.fullmatch(w):
            continue
        before = s[:m.start()]
        if w.split()[0] in ("need", "needs", "has", "have") and _HYPOTHETICAL.search(before):
            continue
        if _RELATIVE.search(before):
            continue
        if w.startswith("may"):
            w = " ".join(w.split()[:2])
        return w
    return None


Marker = Callable[[str, object], Mapping[int, bool]]
_MARKERS: list[Marker] = []


def register_marker(fn: Marker) -> Marker:
    """Let a format mark blocks normative (True) or not (False); usable as a decorator."""
    _MARKERS.append(fn)
    return fn


def _marks(path: str, doc) -> dict[int, bool]:
    out: dict[int, bool] = {}
    for fn in _MARKERS:
        try:
            out.update(fn(path, doc) or {})
        except Exception:
            continue
    return out


def _section_titles(doc, line: int) -> list[str]:
    si = doc.section_at(line)
    titles = []
    while si is not None:
        s = doc.sections[si]
        titles.append(s.title)
        si = s.parent
    return titles[::-1]


def statements(doc, *, commentary: bool = False, bcp14: bool = False, memo: dict | None = None) -> list[Statement]:
    """Every prose sentence of a spec document, with its verdict.  `doc` is a core SpecDocument; `bcp14`: the
    workspace declares BCP 14 and this document writes upper-case keywords (then a lower-case "should" is advice).
    `memo`: see `block_verdicts`."""
    return [Statement(bi, s, e, text, ok, why) for bi, (_, verdicts, _) in block_verdicts(doc, commentary=commentary, bcp14=bcp14, memo=memo)
            for s, e, text, ok, why in verdicts]


def block_verdicts(doc, *, commentary: bool = False, bcp14: bool = False, memo: dict | None = None) -> list[tuple[int, tuple]]:
    """`statements` per block: (block index, (block, ((start, end, text, normative, reason), …), block normative))
    for every block with prose.  With a memo, a block whose inputs did not change gets the very same tuple as in
    the previous call (the language pass keys its own per-block work on it).

    `memo` (the language server's, one per document): the verdicts of each block from the previous call, keyed by
    everything they depend on — the block's parsed text (the same object while its chunk is unchanged, wherever
    the chunk moved), its section's verdict, the lead-in state, the format's mark, its clause tags relative to the
    block and `bcp14`.  On return it holds this call's blocks only, so a keystroke re-reads the edited block and
    the memo never outgrows the document."""
    path = doc.path
    fr = file_reason(path)
    marks = _marks(path, doc)
    tagged_blocks: dict[int, list] = {}
    for c in doc.clauses:
        tagged_blocks.setdefault(c.block, []).append(c)
    out: list[tuple[int, tuple]] = []
    sec_cache: dict[int | None, tuple[str | None, bool, bool]] = {}
    lead_normative = False
    old_memo = dict(memo) if memo is not None else None
    if memo is not None:
        memo.clear()
    for bi, b in enumerate(doc.blocks):
        plain = b.plain
        if not plain.strip():
            continue
        si = doc.section_at(b.line)
        if si not in sec_cache:
            titles = _section_titles(doc, b.line)
            sr = section_reason(titles)
            scen = bool(titles) and bool(re.match(r"\s*scenario\b", titles[-1], re.IGNORECASE))
            props = bool(fr) and _DESIGN_FILE.search(path) is not None and any(_PROPERTY_SECTION.search(t) for t in titles)
            sec_cache[si] = (sr, scen, props)
        sreason, scenario, props = sec_cache[si]
        ctx = b.context
        in_list = "list-item" in ctx
        # a design document is not a specification, except its correctness properties / invariants (Kiro's
        # "Property 1: … *For any* X, the system SHALL …"): those state what must hold
        block_reason = None if props else fr
        if block_reason is None and any(x.startswith("admonition:") for x in ctx) and not commentary:
            block_reason = "commentary admonition"
        if block_reason is None and plain.startswith(("Example:", "Examples:")):
            block_reason = "example title"
        tags = tagged_blocks.get(bi, ())
        key = None
        got = None
        if old_memo is not None:
            raw = getattr(b, "raw", b)
            key = (id(raw), block_reason, sreason, scenario, lead_normative, marks.get(bi), bcp14,
                   tuple((c.range.start.line - b.line, c.range.start.character) for c in tags))
            got = old_memo.get(key)
            if got is not None and got[0] is not raw:
                got = None  # (an id reused by another object)
        if got is None:
            spans = split_sentences(plain)
            block_norm = False
            loc = ClauseLocator(b, tags)
            verdicts = []
            for s, e in spans:
                text = plain[s:e]
                tagged = bool(loc.inside(s, e))
                if block_reason is not None:
                    ok, why = False, block_reason
                else:
                    ok, why = sentence_reason(text, kind=b.kind, context=ctx, section=sreason, lead_in=lead_normative,
                                              scenario=scenario, tagged=tagged, marked=marks.get(bi), bcp14=bcp14)
                block_norm = block_norm or ok
                verdicts.append((s, e, text, ok, why))
            got = (getattr(b, "raw", b), tuple(verdicts), block_norm)
        if memo is not None:
            memo[key] = got
        block_norm = got[2]
        out.append((bi, got))
        if b.kind == "heading":
            lead_normative = False
        elif not in_list:
            lead_normative = block_norm and plain.rstrip().endswith(":")
    return out


def _in_sentence(b, c, s: int, e: int) -> bool:
    a0 = b.position(s)
    a1 = b.position(e)
    return a0 <= c.range.start <= a1


class ClauseLocator:
    """The clauses of one block whose tag starts inside a sentence span, by binary search over the tags'
    start positions: a paragraph with thousands of tags costs O(log n) per sentence, not O(n)."""

    __slots__ = ("b", "starts", "clauses")

    def __init__(self, b, clauses) -> None:
        self.b = b
        order = sorted(clauses, key=lambda c: (c.range.start.line, c.range.start.character))
        self.clauses = order
        self.starts = [(c.range.start.line, c.range.start.character) for c in order]

    def inside(self, s: int, e: int) -> list:
        if not self.clauses:
            return []
        a0 = self.b.position(s)
        a1 = self.b.position(e)
        lo = bisect.bisect_left(self.starts, (a0.line, a0.character))
        hi = bisect.bisect_right(self.starts, (a1.line, a1.character))
        return self.clauses[lo:hi]


def explain(doc, *, commentary: bool = False, bcp14: bool = False) -> list[str]:
    """Lines for `spec-lsp check --explain-scope`: `line: READ|skip  reason  sentence`."""
    lines = []
    for st in statements(doc, commentary=commentary, bcp14=bcp14):
        b = doc.blocks[st.block]
        ln = b.position(st.start).line + 1
        mark = "READ" if st.normative else "skip"
        short = st.text if len(st.text) <= 100 else st.text[:97] + "…"
        lines.append(f"{doc.path}:{ln}: {mark:4}  [{st.reason}]  {short}")
    return lines


# -- defined terms and criteria that follow -------------------------------------------------------

TERM_RULES = frozenset({"vague-term", "subjective-language", "superlative", "comparative-without-reference",
                        "unbounded-quantifier", "vague-timing", "weak-modal", "unverifiable-predicate"})
CRITERION_RULES = frozenset({"vague-term", "subjective-language", "superlative", "comparative-without-reference",
                             "unbounded-quantifier", "vague-timing", "unverifiable-predicate"})

_BOLD_TERM = re.compile(r"^[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?(?:\*\*|__)([^*_\n]{2,60}?)(?:\*\*|__)[ \t]*(?:[:—–(]|-[ \t])", re.MULTILINE)
_COLON_TERM = re.compile(r"^[ \t]*[-*+][ \t]+`?([A-Za-z][\w ’'/-]{1,40}?)`?[ \t]*:[ \t]+\S", re.MULTILINE)
_MEANS = re.compile(r"(?:^|[.;:]\s+|\n)[“\"*_`]*(?:(?:An?|The)\s+)?([A-Za-z][\w’'-]*(?:\s+[A-Za-z][\w’'-]*){0,3}?)[”\"*_`]*\s+"
                    r"(?:means|is defined as|are defined as|refers to|refer to|denotes|is short for)\b")
_MEANS_VERB = re.compile(r"\b(?:means|is defined as|are defined as|refers to|refer to|denotes|is short for)\b")
_GLOSSARY = re.compile(r"^#{1,6}\s+(?:glossary|definitions?|terminology|terms(?: and definitions)?|vocabulary)\b", re.IGNORECASE | re.MULTILINE)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*(?:\{[^{}]*\})?\s*$", re.MULTILINE)
_STOP = frozenset({"the", "a", "an", "this", "that", "it", "which", "what", "and", "or", "of", "to", "in"})


def _norm_term(t: str) -> str | None:
    t = re.sub(r"[*_`“”\"]", "", t).strip().lower()
    t = re.sub(r"^(?:an?|the)\s+", "", t)
    if not t or len(t.split()) > 5 or t in _STOP or not re.search(r"[a-z]", t):
        return None
    return t


def defined_terms(doc) -> frozenset[str]:
    """Terms a spec document defines (lower case): ``**Term**: …`` items, ``Term: …`` list items, "X means …",
    "X is defined as …", "X refers to …", and headings of up to four words (a heading names a term whose
    section defines it)."""
    text = doc.text
    out: set[str] = set()
    for rx in (_BOLD_TERM, _COLON_TERM):
        for m in rx.finditer(text):
            t = _norm_term(m.group(1))
            if t:
                out.add(t)
    for b in getattr(doc, "blocks", ()):
        if b.kind == "heading":
            t = _norm_term(re.sub(r"^[\d.\s]+", "", b.plain))
            if t and len(t.split()) <= 4:
                out.add(t)
            continue
        if not _MEANS_VERB.search(b.plain):
            continue  # (a cheap literal scan first: _MEANS tries a term at every clause start)
        for m in _MEANS.finditer(b.plain):
            t = _norm_term(m.group(1))
            if t:
                out.add(t)
    return frozenset(out)


def defined_here(sentence: str, start: int, end: int, terms: Mapping[str, set]) -> bool:
    """Is the flagged span part of a defined term as it occurs in this sentence?"""
    word = sentence[start:end].lower()
    cands = set(terms.get(word, ()))
    for w in word.split():
        cands |= set(terms.get(w, ()))
    low = sentence.lower()
    for t in cands:
        if len(t.split()) < 2 and t != word:
            continue
        for m in re.finditer(re.escape(t), low):
            if m.start() <= start and end <= m.end():
                return True
    return False


_CRITERION = re.compile(
    r"^[\s,]*(?:[\w’'-]+\s*){0,4}?(?:\(|:|—|such as\b|i\.e\.|e\.g\.|namely\b|including\b|that is,|"
    r"as (?:defined|described|specified|listed|given|set out|stated) (?:in|by|below|above|under)\b|"
    r"(?:defined|described|specified|listed|given) (?:in|by|below|above|under)\b|per\b|according to\b|in accordance with\b|"
    r"than\b|of at (?:least|most)\b|within \d|under \d|based on\b|depending on\b|"
    r"(?:indicating|explaining|describing|stating|showing|listing|naming|saying)\b|that (?:explains|indicates|describes|states|names|lists|says)\b)",
    re.IGNORECASE,
)


def criterion_follows(sentence: str, end: int) -> bool:
    """Does a criterion follow the flagged word right away: a colon and a list, a parenthesis, "such as",
    "i.e.", "as defined in", "than …"?"""
    rest = sentence[end:end + 80]
    return bool(_CRITERION.match(rest))
