"""The ambiguity rules.  Each takes a parsed sentence (or, for parser-free rules, the raw text) and
returns hits: (start, end, rule, message, replacement) with character offsets into the sentence.

Sources: INCOSE Guide for Writing Requirements (R7 vague terms, R8 escape clauses, R9 open-ended
clauses, R26 superlatives, R32 "and/or", R33 "all"/"any" quantifiers), ISO/IEC/IEEE 29148 §5.2.7
(unbounded or ambiguous terms to avoid), NASA ARM (weak phrases, options, TBD), Femmer et al.
"Rapid quality assurance with Requirements Smells" (subjective language, comparatives, superlatives,
loopholes, open-ended terms, vague pronouns, negative statements), QuARS (vagueness, optionality,
weakness, implicitness), EARS (actor + modal + action: the agent must be named).
"""

from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Iterable, Mapping

from . import anaphora
from . import ears as _ears
from . import predicates as _predicates

# ---------------------------------------------------------------------------------------------
# Lexicons (lemmas unless noted); a project extends them with [language.words]

VAGUE = {
    # adjectives and adverbs that leave the requirement's criterion open: who decides what is "appropriate"?
    "appropriate", "appropriately", "adequate", "adequately", "reasonable", "reasonably", "sufficient", "sufficiently",
    "suitable", "suitably", "acceptable", "acceptably", "proper", "properly", "timely", "excessive",
    "excessively", "undue", "unduly", "high-quality", "low-quality",
}
# Hedges ("generally", "typically") mark a default the spec means to leave open, and "effective", "relevant",
# "significant", "robust" are usually decided by the sentence around them (on the tuning half they were mostly
# deliberate), so they are not in the default list; add them with [language.words] vague-term = [...].
HEDGES = {"generally", "typically", "largely", "mostly", "essentially", "fairly", "relatively", "normally", "usually",
          "significant", "significantly", "substantial", "substantially", "relevant", "optimal", "optimally", "minimal",
          "minimally", "efficient", "efficiently", "effective", "effectively", "flexible", "robust", "meaningful",
          "meaningfully", "sensible", "sensibly", "correctly", "normal", "typical"}
SUBJECTIVE = {
    "user-friendly", "intuitive", "intuitively", "seamless", "seamlessly", "elegant", "elegantly", "beautiful", "nice",
    "pleasant", "attractive", "straightforward", "easy", "simple", "clean", "obvious", "natural", "friendly",
    "good", "bad", "great", "engaging", "delightful", "compelling", "polished", "modern", "sleek",
}
# "clear", "simple", "good" are subjective only as properties of the product or text being judged
SUBJECTIVE_NEEDS_COPULA = {"clear", "simple", "good", "bad", "great", "natural", "clean", "easy", "friendly"}
LOOPHOLES = [
    "if possible", "where possible", "when possible", "whenever possible", "as far as possible", "to the extent possible",
    "as much as possible", "if practical", "where practical", "when practical", "if practicable", "where practicable",
    "if feasible", "where feasible", "when feasible", "to the extent feasible", "as appropriate", "where appropriate",
    "when appropriate", "if appropriate", "as needed", "if needed",
    "when needed", "as necessary", "if necessary", "where necessary", "when necessary", "as required", "if required",
    "at its discretion",
    "at their discretion", "in most cases", "where relevant", "if relevant",
]
OPEN_ENDED = [
    "etc.", "etc", "and so on", "and so forth", "including but not limited to", "including without limitation",
    "among others", "and the like", "or the like", "et cetera",
]
# these close a list only at its end: "X, Y and more." (not "and more explicit wording")
OPEN_ENDED_FINAL = ["and more", "or similar", "and similar"]  # not "or others": usually "other people"
VAGUE_TIMING = {
    "quickly", "promptly", "soon", "periodically", "regularly", "frequently", "occasionally", "eventually",
    "rapidly", "fast", "speedily", "swiftly", "shortly", "often", "sometimes", "continuously", "constantly",
}
VAGUE_TIMING_PHRASES = [
    "in a timely manner", "in a timely fashion", "in due course", "as soon as possible", "asap", "from time to time",
    "at regular intervals", "in real time", "near real time", "without delay", "without undue delay", "in a reasonable time",
    "as quickly as possible", "as fast as possible", "as early as possible", "as promptly as possible",
]
DURATION_NOUNS = {"period", "time", "while", "delay", "interval", "duration", "timeout", "moment"}
QUANTIFIERS = {"some", "several", "many", "few", "numerous", "various", "multiple", "much", "countless", "most"}
QUANTIFIER_PHRASES = ["a number of", "a few", "a lot of", "lots of", "a couple of", "a handful of", "a large number of", "a small number of"]
WEAK = {"might", "could", "ideally", "preferably", "possibly", "perhaps", "hopefully"}
WEAK_EFFORT = re.compile(r"(?<![\w-])best[- ]effort(?![\w-])", re.IGNORECASE)
WEAK_PHRASES = ["try to", "tries to", "attempt to", "attempts to", "aim to", "aims to", "strive to", "strives to", "endeavor to", "endeavour to"]
PLACEHOLDER = re.compile(
    r"\b(?:TBD|TBC|TBA|TODO|FIXME|XXX)\b|\?{3,}|\[\s*NEEDS\s+CLARIFICATION[^\]]*\]|\bto be (?:determined|decided|confirmed|defined|specified)\b(?!\s+(?:as|by|in|with|for|on|at|using|through|via|per)\b)",
    re.IGNORECASE,
)
PLACEHOLDER_CASE = re.compile(r"\b(?:TBD|TBC|TBA|TODO|FIXME|XXX)\b|\?{3,}|\[\s*NEEDS\s+CLARIFICATION[^\]]*\]|\bto be (?:determined|decided|confirmed|defined|specified)\b(?!\s+(?:as|by|in|with|for|on|at|using|through|via|per)\b)")
RFC_KEYWORDS = ["must not", "shall not", "should not", "must", "shall", "should", "required", "recommended", "not recommended", "optional", "may"]
SUPERLATIVE_OK = {"least", "most", "latest", "last", "utmost", "best-effort", "first", "next", "nearest", "highest", "lowest",
                  "largest", "smallest", "earliest", "oldest", "newest", "longest", "shortest", "greatest", "fewest",
                  "closest", "maximum", "minimum", "furthest", "farthest"}
SUPERLATIVE_PHRASES_OK = ["at least", "at most", "at best", "at worst", "best interest", "best interests", "best practice", "best effort",
                          "best guess", "best-guess", "best judgment", "best judgement", "best of its ability", "best of their ability",
                          "best intentions", "best intent", "best-intent",
                          "best practices", "at the latest", "at the earliest", "highest-authority", "higher-authority", "best-effort",
                          "to the best of", "do its best", "does its best", "do their best", "make the most of"]
COMPARATIVE_OK = {"more", "less", "further", "farther", "later", "earlier", "former", "latter", "other", "elder", "upper",
                  "lower", "inner", "outer", "fewer", "rather", "else", "higher-level", "lower-level", "prior", "senior", "junior"}
UNIT_WORDS = {"%", "percent", "per", "x", "times", "second", "seconds", "s", "ms", "millisecond", "milliseconds", "minute",
              "minutes", "hour", "hours", "day", "days", "week", "weeks", "byte", "bytes", "bit", "bits", "kb", "mb", "gb",
              "character", "characters", "slot", "slots", "block", "blocks", "epoch", "epochs", "gas", "wei", "gwei"}


# Agents expected to exercise judgement: people in a role, and an AI assistant governed by a document of
# principles.  A discretion word in an obligation of such an agent ("implementers should take appropriate steps",
# "the assistant should clarify when necessary") is deliberate — the spec delegates the judgement; the same word
# in an obligation of a system ("the system SHALL display an appropriate error message") leaves the test open.
JUDGING_AGENTS = {"assistant", "implementer", "implementor", "author", "developer", "maintainer", "creator", "designer",
                  "reviewer", "editor", "facilitator", "contributor", "champion", "person", "people", "individual",
                  "we", "you"}
_ASSISTANT_RX = re.compile(r"\bassistant\b", re.IGNORECASE)
_JUDGING_SUBJECT_RX = re.compile(
    r"\b(?:" + "|".join(sorted(JUDGING_AGENTS - {"people"}, key=len, reverse=True)) + r")s?\s+(?:\w+\s+){0,2}?(?:must|shall|should)\b"
    r"|\bpeople\s+(?:\w+\s+){0,2}?(?:must|shall|should)\b", re.IGNORECASE)
# "… if deemed necessary by client developers", "at the discretion of the operator": the spec names who decides
_DECIDER_NAMED = re.compile(r"\b(?:deemed|judged|considered|determined)\s+(?:\w+\s+)?by\b|\bat the discretion of\b"
                           r"|\bleft to (?:the |each |individual )?(?:implement|client|operator|wallet|node)|\bimplementation[- ](?:defined|specific|dependent)\b", re.IGNORECASE)
# the rules whose words are a judgement call (timing is not: "quickly" is measurable whoever is to be quick)
DISCRETION_RULES = {"vague-term", "subjective-language", "weak-modal", "loophole", "superlative", "comparative-without-reference"}


_SYSTEM_SUBJECT_RX = re.compile(r"\s*(?:(?:the|a|an|each|every|any|all)\s+)?(?:[\w-]+\s+){0,2}?(?:service|server|system|client|application|app|api|tool|"
                                r"agent|product|platform|implementation|software|component|module|node)s?\b", re.IGNORECASE)


def context_signal(context: str) -> str:
    """What of the previous sentence the rules use (so a cache keyed on it stays exact): whether it names the
    assistant, the judging actor of a behaviour spec written for an AI assistant."""
    return "assistant" if context and _ASSISTANT_RX.search(context) else ""


def _delegated_by_text(text: str, context: str = "") -> bool:
    """The judgement is delegated: the statement (or the one before it) is about an AI assistant, or it names
    who decides."""
    return bool(_ASSISTANT_RX.search(text) or context_signal(context) or _DECIDER_NAMED.search(text))


def _system_subject(t) -> bool:
    """The obligation `t` belongs to binds a system component ("the booking service should …")."""
    v = _governing_verb(t)
    for _ in range(4):
        if v is None:
            return False
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            lem = subj.lemma_.lower()
            return lem in _ACTORS and lem not in JUDGING_AGENTS and lem != "model"
        if v.dep_ in ("conj", "xcomp") and v.head.i != v.i:
            v = v.head
            continue
        return False
    return False


def _judging_subject(t) -> bool:
    """The obligation `t` belongs to binds a judging agent ("wallet implementers should …", "we should …")."""
    v = _governing_verb(t)
    while v is not None:
        subj = next((c for c in v.children if c.dep_ == "nsubj"), None)
        if subj is not None:
            return subj.lemma_.lower() in JUDGING_AGENTS or subj.lower_ in JUDGING_AGENTS
        if v.dep_ in ("conj", "xcomp") and v.head.i != v.i:
            v = v.head
            continue
        return False
    return False


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    rule: str
    message: str
    replacement: str | None = None


def _phrase_re(phrases: Iterable[str]) -> re.Pattern:
    alts = sorted({re.escape(p) for p in phrases}, key=len, reverse=True)
    return re.compile(r"(?<![\w-])(?:" + "|".join(alts) + r")(?![\w-])", re.IGNORECASE)


_LOOPHOLE_RE = _phrase_re(LOOPHOLES)
_OPEN_RE = re.compile(r"(?<![\w-])(?:" + "|".join(sorted((re.escape(p) for p in OPEN_ENDED if p not in ("etc.", "etc")), key=len, reverse=True))
                      + r")(?![\w-])|\betc\b\.?|(?<![\w-])(?:" + "|".join(re.escape(p) for p in OPEN_ENDED_FINAL)
                      + r")(?=\s*(?:[.,;:)\]]|$))", re.IGNORECASE)
_TIMING_PHRASE_RE = _phrase_re(VAGUE_TIMING_PHRASES)
_TIMING_WORD_RE = _phrase_re(VAGUE_TIMING)
_ANDOR_RE = re.compile(r"\band\s*/\s*or\b|\bor\s*/\s*and\b", re.IGNORECASE)
_WEAK_PHRASE_RE = _phrase_re(WEAK_PHRASES)
_QUANT_PHRASE_RE = _phrase_re(QUANTIFIER_PHRASES)
_SUPER_OK_RE = _phrase_re(SUPERLATIVE_PHRASES_OK)


def _q(word: str) -> str:
    return f"“{word}”"


# ---------------------------------------------------------------------------------------------
# Parser-free rules (they run with no spaCy model too)


def placeholder(text: str) -> list[Hit]:
    out = []
    for m in PLACEHOLDER_CASE.finditer(text):
        w = m.group(0)
        out.append(Hit(m.start(), m.end(), "placeholder", f"{_q(w)} marks unfinished text: what is the decision? Write it down, or move the open question out of the spec before it is published."))
    return out


_PERMISSION = re.compile(r"\b(?:MAY|OPTIONAL|may|can|is free to|are free to)\b")
_OBLIGATION = re.compile(r"\b(?:MUST|SHALL|SHOULD|REQUIRED|RECOMMENDED|must|shall|should)\b")


_ABSOLUTE = re.compile(r"\b(?:MUST|SHALL|REQUIRED|must|shall|is required to|are required to)\b")
_ALTERNATIVE_STATED = re.compile(r"\b(?:otherwise|cannot|can't|can not|unable|not possible|impossible|fall(?:s)? back|fallback|if not)\b", re.IGNORECASE)


def loophole(text: str, extra: Iterable[str] = (), context: str = "") -> list[Hit]:
    rx = _LOOPHOLE_RE if not extra else _phrase_re(list(LOOPHOLES) + list(extra))
    out = []
    if not _ABSOLUTE.search(text):
        return out  # "SHOULD … if possible": a recommendation already leaves room; the escape adds nothing to fix
    if _ASSISTANT_RX.search(text) or _DECIDER_NAMED.search(text) or _JUDGING_SUBJECT_RX.search(text):
        return out  # "the assistant should clarify when necessary", "implementers must … where practical": judgement delegated
    if context_signal(context) and not _SYSTEM_SUBJECT_RX.match(text):
        return out  # a statement of an assistant spec whose subject is not a system component
    for m in rx.finditer(text):
        if _PERMISSION.search(text) and not _OBLIGATION.search(text):
            continue  # "MAY be used … as required": a permission has nothing to escape from
        low = m.group(0).lower()
        if low == "as required" and (re.match(r"\s+(?:in|by|for|under|per|from|of)\b", text[m.end():]) or
                                     re.search(r"\b(?:defined|marked|declared|set|flagged|specified)\s*$", text[:m.start()])):
            continue  # "as required in the query string" (a reference), "defined as required" (a value)
        if re.search(r"\bas (?:many|much|few|little)\b[^.;:]{0,40}$", text[:m.start()], re.IGNORECASE):
            continue  # "as many zeroes as needed": the need is the measure (pad to the length)
        if _ALTERNATIVE_STATED.search(text[m.end():]):
            continue  # "MUST inspect the data if possible; implementations that cannot …": the fallback is stated
        if text[:m.start()].rstrip().endswith("(") and text[m.end():].lstrip().startswith(")"):
            continue  # "the schema combo (if applicable)": an item shown when it exists, decided by the data
        if re.match(r"\s*(?:\(\s*)?(?:e\.g\.|i\.e\.|such as\b|for example\b|namely\b|to (?!be\b)[a-z]+\b|for (?:the|a|an|this|that|each)\b)", text[m.end():], re.IGNORECASE):
            continue  # "where appropriate (e.g., brainstorming …)", "if necessary to preserve honesty": the criterion follows
        out.append(Hit(m.start(), m.end(), "loophole",
                       f"{_q(m.group(0))} lets the requirement be skipped: under which conditions exactly? State them, or drop the escape clause."))
    return out


def open_ended(text: str, extra: Iterable[str] = ()) -> list[Hit]:
    out = []
    rx = _OPEN_RE if not extra else re.compile(_OPEN_RE.pattern + "|" + _phrase_re(extra).pattern, re.IGNORECASE)
    for m in rx.finditer(text):
        w = m.group(0)
        before = text[:m.start()]
        if before.count("(") > before.count(")"):
            continue  # "protected groups (race, religion, …, etc.)": illustrates a category named before it
        if re.search(r"\b(?:such as|e\.g\.|eg\.|for example|for instance|like)\b", before[-160:], re.IGNORECASE):
            continue  # the list was announced as examples: it is open on purpose
        out.append(Hit(m.start(), m.end(), "open-ended-list",
                       f"{_q(w.rstrip('.') if w.lower().startswith('etc') else w)} leaves the list open: which other items count? List them all, or state the rule that decides membership."))
    return out


def vague_timing_text(text: str, extra: Iterable[str] = ()) -> list[Hit]:
    out = []
    spans = []
    for m in _TIMING_PHRASE_RE.finditer(text):
        spans.append((m.start(), m.end()))
        out.append(Hit(m.start(), m.end(), "vague-timing", f"{_q(m.group(0))}: how fast, measured how? State a bound (“within 2 s”, “every 24 h”)."))
    words = set(VAGUE_TIMING) | {w.lower() for w in extra}
    for m in re.finditer(r"[A-Za-z][A-Za-z-]*", text):
        w = m.group(0).lower()
        if w in words and not any(a <= m.start() < b for a, b in spans):
            out.append(Hit(m.start(), m.end(), "vague-timing", f"{_q(m.group(0))}: how fast or how often, measured how? State a bound (“within 2 s”, “every 24 h”)."))
    return out


def and_or(text: str) -> list[Hit]:
    """A plain "A and/or B" is an inclusive or (either or both): not flagged.  Only "and/or" inside a longer
    list ("A, B and/or C, D") leaves the grouping open."""
    return [Hit(m.start(), m.end(), "coordination-ambiguity",
                f"{_q(m.group(0))} in a list of more than two: which items may go together? Split the list, or write “any of A, B and C”.")
            for m in _ANDOR_RE.finditer(text) if text[max(0, m.start() - 60):m.start()].count(",") >= 2]


def keyword_misuse(text: str, doc=None) -> list[Hit]:
    """Only called for documents that declare RFC 2119/8174 keywords; the rule lives in keywords.py."""
    from .keywords import keyword_misuse as _km
    return _km(text, doc)


# ---------------------------------------------------------------------------------------------
# Rules on a parsed sentence (spaCy Doc)


def _tok_span(t) -> tuple[int, int]:
    return t.idx, t.idx + len(t.text)


def _inside(spans, a: int) -> bool:
    return any(x <= a < y for x, y in spans)


def parsed_rules(doc, text: str, context_doc, enabled: set[str], extra: Mapping[str, tuple[str, ...]], context: str = "") -> list[Hit]:
    out = _parsed_rules(doc, text, context_doc, enabled, extra)
    pred = [(h.start, h.end) for h in out if h.rule == _predicates.RULE]
    if pred:
        # one finding per problem: where unverifiable-predicate (SPEC216) reports the predicate ("work", "be aware",
        # "limited", "handle … appropriately"), vague-term does not report the same words again
        out = [h for h in out if h.rule != "vague-term" or not any(a < h.end and h.start < z for a, z in pred)]
    if _DECIDER_NAMED.search(text):
        out = [h for h in out if h.rule != "vague-timing"]  # "… the specific duration is left to individual implementations"
    if not any(h.rule in DISCRETION_RULES for h in out):
        return out
    in_text = bool(_ASSISTANT_RX.search(text) or _DECIDER_NAMED.search(text))
    in_context = bool(context_signal(context))
    kept = []
    for h in out:
        if h.rule in DISCRETION_RULES and _predicate_hit(doc, h):
            kept.append(h)  # "should help the user feel heard": an unverifiable outcome, not a judgement left to the agent
            continue
        if h.rule in DISCRETION_RULES:
            tok = next((x for x in doc if x.idx <= h.start < x.idx + max(1, len(x.text))), None)
            if in_text or (in_context and (tok is None or not _system_subject(tok))):
                continue  # a statement of an assistant spec ("profanity should only be used in appropriate contexts")
            if tok is not None and _judging_subject(tok):
                continue  # "wallet implementers should take appropriate steps": the judgement is theirs by design
        kept.append(h)
    return kept


def _predicate_hit(doc, h: Hit) -> bool:
    """A vague-predicate finding ("work", "feel similar", "feel heard"): an outcome nobody can observe."""
    if h.rule != "vague-term":
        return False
    tok = next((x for x in doc if x.idx == h.start), None)
    return tok is not None and tok.pos_ == "VERB" and tok.lemma_.lower() in VAGUE_PREDICATES


def _parsed_rules(doc, text: str, context_doc, enabled: set[str], extra: Mapping[str, tuple[str, ...]]) -> list[Hit]:
    out: list[Hit] = []
    if _predicates.RULE in enabled:
        out += _predicates.unverifiable(doc, text)  # SPEC216, spec_lsp/language/predicates.py
    if _ears.RULE in enabled:
        out += _ears.state_trigger(doc, text)  # SPEC217, spec_lsp/language/ears.py
    lower = text.lower()
    toks = list(doc)
    loophole_spans = [(m.start(), m.end()) for m in _LOOPHOLE_RE.finditer(text)]
    timing_spans = [(m.start(), m.end()) for m in _TIMING_PHRASE_RE.finditer(text)]
    vague_words = VAGUE | {w.lower() for w in extra.get("vague-term", ())}
    subj_words = SUBJECTIVE | {w.lower() for w in extra.get("subjective-language", ())}

    if "vague-term" in enabled:
        for t in toks:
            lw = t.lower_
            if (lw in vague_words or t.lemma_.lower() in vague_words) and t.pos_ in ("ADJ", "ADV") and not _inside(loophole_spans + timing_spans, t.idx):
                if t.lower_ in SUBJECTIVE or not _requirement_context(t):
                    continue
                if t.dep_ == "amod" and t.head.dep_ in ("nsubj", "nsubjpass"):
                    continue  # "an effective assistant must …": describes who acts, not what is required
                nxt = doc[t.i + 1] if t.i + 1 < len(doc) else None
                if lw in ("appropriate", "relevant", "suitable", "applicable") and nxt is not None and nxt.lower_ in ("to", "for"):
                    continue  # "appropriate to the chip's current state": the criterion is stated
                if t.i > 0 and doc[t.i - 1].lower_ == "as" and lw in ("normal", "usual", "normally"):
                    continue  # "as normal": the ordinary behaviour, defined elsewhere
                if nxt is not None and nxt.text == "-":
                    continue  # part of a compound ("high-quality" is listed itself)
                if _criterion_spelled_out(t):
                    continue  # "polite and appropriate enough that …", "handle X gracefully by logging …"
                if _NUMERIC_BOUND.search(text):
                    continue  # "must be greater than 14400 … and chosen to provide sufficient time": the bound is stated
                a, b = _tok_span(t)
                out.append(Hit(a, b, "vague-term", f"{_q(t.text)}: by what criterion, and who decides? Name the condition, or point to where it is defined."))
    if "vague-term" in enabled:
        for v in toks:
            lem = v.lemma_.lower()
            if v.pos_ == "VERB" and lem in VAGUE_PREDICATES and v.tag_ in ("VB", "VBP", "VBZ") and _requirement_context(v):
                if lem != "feel" and any(c.dep_ in ("dobj", "ccomp", "xcomp", "attr", "oprd", "agent") for c in v.children):
                    continue  # "perform the check", "look up the key": a concrete action
                if any(c.dep_ == "prt" for c in v.children) or any(c.dep_ == "advmod" and c.lower_ in ("as", "like") for c in v.children):
                    continue
                if any(c.dep_ == "prep" and (c.lower_ in ("as", "like", "on", "upon", "over") or (c.lower_ == "with" and c.i == v.i + 1))
                       for c in v.children):
                    continue  # "work as described in …", "operate on that block", "work with the testing teams"
                if any(c.dep_ == "advcl" and any(m.dep_ == "mark" and m.lower_ in ("as", "like") for m in c.children) for c in v.children):
                    continue  # "behave as the current network does": the baseline is named
                if any(c.dep_ == "prep" and any(o.dep_ == "pobj" and o.lemma_.lower() in ("manner", "way", "fashion") and
                                                any(m.dep_ in ("amod", "compound") for m in o.children) for o in c.children) for c in v.children):
                    continue  # "behave in a formal and professional manner": the manner is stated (judged by its adjectives)
                if re.search(r"\s(?:—|–|--)\s*\S|:\s+\S", text[v.idx + len(v.text):]):
                    continue  # "MUST behave correctly when … — no tab is wrongly locked": the test follows the dash
                if any(x.dep_ == "relcl" for x in _ancestors(_governing_verb(v))):
                    continue  # "EIP-2930, which … should work for all known cases": describes an alternative
                if any(x.lower_ in ("unchanged", "exactly", "identically", "same", "before", "previously") for x in v.subtree):
                    continue  # "continue to work unchanged", "behave exactly as before": the baseline is named
                a, b = _tok_span(v)
                comp = [c for c in v.children if c.dep_ in ("acomp", "advmod", "oprd", "xcomp") and c.i == v.i + 1]
                if comp:
                    b = comp[0].idx + len(comp[0].text)
                out.append(Hit(a, b, "vague-term", f"{_q(text[a:b])}: what observable result or test decides this? State the expected behaviour."))
            elif lem == "approximate" and v.pos_ == "VERB" and _requirement_context(v) \
                    and not re.search(r"±|\+/-|\bwithin\b|\btolerance\b|\berror of\b|%|\bpercent\b", text[v.idx:]):
                a, b = _tok_span(v)
                out.append(Hit(a, b, "vague-term", f"{_q(v.text)}: within what tolerance? State the allowed deviation or the test that decides it."))
            elif lem in SIZE_ADJECTIVES and v.tag_ == "JJ" and v.dep_ == "amod" and v.head.lemma_.lower() in MEASURE_NOUNS and _requirement_context(v) \
                    and not _measured(v.head, text) and not any(x.lower_ in ("due", "because") for x in _ancestors(v)[1:]):
                a, b = v.idx, v.head.idx + len(v.head.text)
                per = next((c for c in v.head.children if c.dep_ == "prep" and c.lower_ == "per"), None)
                if per is not None:
                    b = per.right_edge.idx + len(per.right_edge.text)  # "a small gas limit per key": the whole quantity
                if "\n" in text[a:b]:
                    b = a + len(v.text)  # never across a line wrap: the adjective is what the question is about
                if True:
                    out.append(Hit(a, b, "vague-term", f"{_q(text[a:b])}: how {v.text} exactly? State the value and its unit."))
            elif lem == "aware" and v.dep_ == "acomp" and _requirement_context(v) and _subject_lemma(v) in _ACTORS \
                    and not any(x.dep_ == "conj" and x.tag_ == "VB" for x in doc[v.i + 1:]) and not any(c.dep_ == "prep" for c in v.children):
                a, b = v.head.idx, v.idx + len(v.text)
                out.append(Hit(a, b, "vague-term", f"{_q(text[a:b])}: what must be done with that knowledge? State the action required."))
            elif lem in ("limited", "limit") and v.pos_ in ("ADJ", "VERB") and v.dep_ in ("acomp", "ROOT", "conj", "xcomp") and _requirement_context(v):
                tail = text[v.idx + len(v.text): v.idx + len(v.text) + 60]
                if any(x.like_num for x in v.subtree) or re.match(r"\s*(?:to|by|at)\b", tail):
                    continue  # "limited to 10 items", "limited by the quota"
                a, b = _tok_span(v)
                out.append(Hit(a, b, "vague-term", f"{_q(v.text)}: limited to what? State the bound (a number and its unit)."))
        for t in toks:
            # an unbounded limit in an obligation: "MUST support any number of attachments" (a permission —
            # "MAY contain any number of" — is deliberate, and is not a requirement context)
            if t.lemma_.lower() == "number" and any(c.dep_ == "det" and c.lower_ == "any" for c in t.children) \
                    and any(c.dep_ == "prep" and c.lower_ == "of" for c in t.children) and not any(c.dep_ == "amod" for c in t.children) \
                    or (t.lower_ in ("unlimited", "unbounded") and t.dep_ in ("amod", "acomp")):
                if not _requirement_context(t):
                    continue
                first = next((c for c in t.children if c.dep_ == "det"), t)
                a, b = first.idx, t.idx + len(t.text)
                out.append(Hit(a, b, "vague-term", f"{_q(text[a:b])}: is there really no upper limit? State the maximum the implementation must support."))
    if "subjective-language" in enabled:
        for t in toks:
            lw = t.lower_
            if lw in subj_words or lw in SUBJECTIVE_NEEDS_COPULA:
                if t.pos_ not in ("ADJ", "ADV") or t.dep_ not in ("amod", "acomp", "attr", "oprd", "advmod", "conj"):
                    continue
                if lw in SUBJECTIVE_NEEDS_COPULA and not _predicative(t):
                    continue
                if not _requirement_context(t):
                    continue
                if lw in ("clear", "clearly") and any(c.lower_ in ("about", "that") for c in t.children):
                    continue
                if t.dep_ == "acomp" and any(c.dep_ in ("nsubj", "expl") and c.lower_ == "it" for c in t.head.children) \
                        and any(c.dep_ in ("xcomp", "ccomp") for c in list(t.children) + [c for c in t.head.children if c.i > t.i]):
                    continue  # "it should be easy to implement", "it should be clear how …": an expectation, not a requirement
                a, b = _tok_span(t)
                out.append(Hit(a, b, "subjective-language", f"{_q(t.text)} is a matter of taste: for whom, judged how? State an observable property or a test."))
    if "superlative" in enabled:
        ok = [(m.start(), m.end()) for m in _SUPER_OK_RE.finditer(text)]
        for t in toks:
            if t.tag_ in ("JJS", "RBS") and not _inside(ok, t.idx):
                lw = t.lower_
                if lw not in ("most", "least") and not _comparative_form(lw):
                    continue  # "manifest": a word the tagger read as a superlative
                if t.i + 1 < len(doc) and doc[t.i + 1].text == "-" or "-" in t.text:
                    continue  # "worst-case", "most-specific": a compound term, not a judgement
                if lw in SUPERLATIVE_OK and t.tag_ == "JJS":
                    continue
                if lw in ("most", "least") and t.tag_ == "RBS":
                    head = t.head
                    if head.pos_ not in ("ADJ", "ADV") or not _requirement_context(head):
                        continue
                    a, b = t.idx, head.idx + len(head.text)
                    out.append(Hit(a, b, "superlative", f"{_q(text[a:b])}: compared with what, measured how? State the property and its threshold."))
                    continue
                if lw in SUPERLATIVE_OK or not _requirement_context(t):
                    continue
                a, b = _tok_span(t)
                out.append(Hit(a, b, "superlative", f"{_q(t.text)} cannot be verified: the best of what set, by which measure? State a threshold."))
    if "comparative-without-reference" in enabled:
        for t in toks:
            if t.tag_ in ("JJR", "RBR") and t.pos_ in ("ADJ", "ADV") and t.lower_ not in COMPARATIVE_OK and not t.lower_.endswith("-level"):
                if not _comparative_form(t.lower_):
                    continue  # "identifier", "verifier": a noun the tagger read as a comparative
                if t.dep_ == "amod" and t.head.dep_ in ("nsubj", "nsubjpass"):
                    continue  # "slower clients should use snap sync": names who acts, not what is required
                if _has_reference(t, doc):
                    continue
                if t.i + 1 < len(doc) and doc[t.i + 1].text == "-":
                    continue  # "higher-level", "lower-risk": part of a compound
                if t.i == 0 or (t.i + 1 < len(doc) and doc[t.i + 1].text == "," and t.dep_ == "advmod"):
                    continue  # discourse: "Worse, it might …"
                if t.i > 0 and doc[t.i - 1].lower_ == "the" and sum(1 for x in doc if x.tag_ in ("JJR", "RBR")) >= 2:
                    continue  # correlative: "the greater X, the more Y"
                if not _requirement_context(t):
                    continue
                a, b = _tok_span(t)
                out.append(Hit(a, b, "comparative-without-reference", f"{_q(t.text)} than what? Name the baseline (“faster than the previous release”, “at least 2× faster than X”)."))
    if "vague-timing" in enabled:
        words = VAGUE_TIMING | {w.lower() for w in extra.get("vague-timing", ())}
        for a, b in timing_spans:
            # a timing phrase ("as soon as possible", "in a timely manner") in a normative statement is a
            # requirement's timing wherever the parser attaches it (under "make a best-effort attempt to …" too)
            out.append(Hit(a, b, "vague-timing", f"{_q(text[a:b])}: how fast, measured how? State a bound (“within 2 s”, “every 24 h”)."))
        for t in toks:
            if t.lower_ in words and t.pos_ in ("ADV", "ADJ") and not _inside(timing_spans, t.idx):
                if t.dep_ == "amod" or not _requirement_context(t):
                    continue  # "rapidly changing circumstances", "users often …": descriptions, not requirements
                if t.i + 1 < len(doc) and doc[t.i + 1].text == "-":
                    continue  # "Fast-Forward": a name
                if t.lower_ == "soon" and t.i > 0 and doc[t.i - 1].lower_ == "as" and "as soon as possible" not in text[t.idx - 3:t.idx + 20].lower():
                    continue  # "as soon as the user is prompted": bounded by an event
                a, b = _tok_span(t)
                out.append(Hit(a, b, "vague-timing", f"{_q(t.text)}: how fast or how often, measured how? State a bound (“within 2 s”, “every 24 h”)."))
        for t in toks:
            # an indefinite duration bounding a requirement: "expire after a period of inactivity",
            # "respond within a short time", "retry after some time" (a number, a named parameter or an
            # event — "after the timeout", "after a failure" — is a bound)
            if t.dep_ != "prep" or t.lower_ not in ("after", "within", "for", "before", "in"):
                continue
            o = next((c for c in t.children if c.dep_ == "pobj"), None)
            if o is None or o.lemma_.lower() not in DURATION_NOUNS or _inside(timing_spans, o.idx):
                continue
            if any(x.like_num or x.pos_ == "NUM" for x in o.subtree) or not any(c.dep_ == "det" and c.lower_ in ("a", "an", "some", "any") for c in o.children):
                continue
            if not _requirement_context(t):
                continue
            a, b = t.idx, o.right_edge.idx + len(o.right_edge.text)
            if "\n" in text[a:b]:
                b = a + text[a:b].index("\n")
            out.append(Hit(a, b, "vague-timing", f"{_q(text[a:b])}: how long exactly? State the duration (“after 15 min of inactivity”)."))
    if "unbounded-quantifier" in enabled:
        qspans = [(m.start(), m.end()) for m in _QUANT_PHRASE_RE.finditer(text)]
        for a, b in qspans:
            out.append(Hit(a, b, "unbounded-quantifier", f"{_q(text[a:b])}: how many exactly? Give a number or a range."))
        for t in toks:
            if t.lower_ in QUANTIFIERS and t.dep_ in ("det", "amod", "nummod") and t.head.pos_ in ("NOUN", "PROPN") and not _inside(qspans, t.idx):
                a, b = _tok_span(t)
                out.append(Hit(a, b, "unbounded-quantifier", f"{_q(t.text)} {t.head.text}: how many exactly? Give a number or a range."))
    if "coordination-ambiguity" in enabled:
        out.extend(and_or(text))
        for t in toks:
            if t.dep_ == "conj" or not any(c.dep_ == "conj" for c in t.children):
                continue
            chain = _conj_chain(t)
            ccs = {c.lower_ for x in chain for c in x.children if c.dep_ == "cc"}
            compact = all(x.pos_ in ("NOUN", "PROPN", "ADJ") for x in chain) and chain[-1].i - chain[0].i <= 10
            if any(c.dep_ == "preconj" or c.lower_ in ("both", "either", "neither") for x in chain for c in x.subtree):
                continue  # "both … and", "either … or" already fix the grouping
            between = text[chain[0].idx:chain[-1].idx]
            if {"and", "or"} <= ccs and len(chain) >= 3 and compact and not any(ch in between for ch in "/();:") and "e.g." not in between:
                a = chain[0].left_edge.idx
                last = chain[-1].right_edge
                b = last.idx + len(last.text)
                out.append(Hit(a, b, "coordination-ambiguity",
                               "“and” and “or” in one list: which items group together? Split the list, or use “either … or” / “both … and”."))
    if "passive-without-agent" in enabled:
        for t in toks:
            if t.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in t.children):
                if any(c.dep_ == "agent" for c in t.children):
                    continue
                modals = [c for c in t.children if c.tag_ == "MD" and c.lower_ in ("must", "shall", "should")]
                if not modals:
                    continue
                subj = next((c for c in t.children if c.dep_ == "nsubjpass"), None)
                if subj is not None and any(x.tag_ in ("WDT", "WP", "WP$") for x in subj.subtree):
                    continue  # "what syntax should be used": an embedded question, not a requirement
                if any(c.tag_ in ("WRB", "WDT", "WP") for c in t.children) or t.dep_ in ("pcomp",):
                    continue  # "how instructions should be applied", "what the advice should be used for"
                if subj is not None and subj.lemma_.lower() in _ACTORS:
                    continue  # "the assistant should be grounded in …": the actor is the subject
                if any(c.dep_ == "neg" for c in t.children):
                    continue  # "must not be used": the prohibition is the point, not its agent
                a = modals[0].idx
                b = t.idx + len(t.text)
                if _actor_obvious(doc, t, text):
                    continue  # a WHEN/THEN scenario or a sentence that names its actor elsewhere
                out.append(Hit(a, b, "passive-without-agent",
                               f"{_q(text[a:b])}: who {third_person(t.lemma_)} {_pron(subj)}? Name the actor, so the requirement has an owner."))
    if "ambiguous-pronoun" in enabled:
        out.extend(anaphora.ambiguous_pronouns(doc, context_doc, lambda a, b, m: Hit(a, b, "ambiguous-pronoun", m), _q))
    if "number-without-unit" in enabled:
        for t in toks:
            if t.like_num and t.pos_ == "NUM" and _bounded_requirement(t) and not _number_ok(t, text):
                a, b = _tok_span(t)
                out.append(Hit(a, b, "number-without-unit", f"{_q(t.text)}: {t.text} what? Give the unit or the thing counted (“{t.text} s”, “{t.text} requests”)."))
    if "weak-modal" in enabled:
        weak = WEAK | {w.lower() for w in extra.get("weak-modal", ())}
        for m in WEAK_EFFORT.finditer(text):
            if re.search(r"^[^.;]{0,80}?:\s+\S", text[m.end():]):
                continue  # "MUST be best-effort, opt-in and read-only: a missing registry MUST result in a no-op"
            out.append(Hit(m.start(), m.end(), "weak-modal", f"{_q(m.group(0))} promises effort, not an outcome: what must happen when the effort fails? State the required result."))
        for m in _WEAK_PHRASE_RE.finditer(text):
            verb = next((x for x in toks if x.idx == m.start()), None)
            if verb is None or verb.pos_ != "VERB" or not _requirement_context(verb) or any(c.dep_ == "neg" for c in verb.children):
                continue  # "we aim to …" states an intent; "should never attempt to" is a prohibition
            gov = _governing_verb(verb)
            if gov is None or (gov.i != verb.i and not (verb.dep_ in ("xcomp", "conj") and verb.head.i == gov.i)):
                continue  # "… when a message tries to override it": the effort is someone else's, not the requirement's
            out.append(Hit(m.start(), m.end(), "weak-modal", f"{_q(m.group(0))} promises effort, not an outcome: what must happen? State the required result."))
        for t in toks:
            if t.lower_ in weak:
                if t.tag_ == "MD":
                    # "might"/"could" beside the statement's own must/should describe what may happen
                    # ("implementations might produce slight variations, but all should …"); only where it is the
                    # statement's one modal, on its main verb, with the spec's actor as subject ("the service could
                    # retry failed requests" in a list of requirements), does it weaken an obligation
                    if any(x.tag_ == "MD" and x.lower_ in REQUIREMENT_MODALS | {"will", "may", "can"} for x in toks):
                        continue
                    head = t.head
                    if any(c.dep_ == "neg" for c in head.children) or _in_conditional(t) or head.dep_ != "ROOT":
                        continue
                    subj = next((c for c in head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
                    if subj is None or subj.pos_ not in ("NOUN", "PROPN") or subj.lemma_.lower() not in _ACTORS:
                        continue  # "the user might paste …": a possibility, not a weakened requirement
                elif t.pos_ != "ADV" or t.lower_ == "possibly" or not _requirement_context(t):
                    continue
                a, b = _tok_span(t)
                out.append(Hit(a, b, "weak-modal", f"{_q(t.text)} is tentative: is this required, permitted, or only possible? Use the spec's requirement wording."))
    _ = lower
    return out


VAGUE_PREDICATES = {"work", "function", "behave", "feel", "operate", "cope"}
# a size adjective on a quantity the requirement bounds ("a small gas limit", "a short timeout"): which value?
SIZE_ADJECTIVES = {"small", "large", "big", "short", "long", "high", "low", "huge", "tiny"}
MEASURE_NOUNS = {"limit", "number", "amount", "size", "value", "delay", "timeout", "period", "interval", "duration", "count",
                 "threshold", "margin", "fee", "quantity", "volume", "rate", "latency", "length", "depth", "budget"}


def _measured(noun, text: str) -> bool:
    """The quantity is given after all: a number in the phrase, "(N)", "of N …", "than …", "enough to …"."""
    if any(x.like_num for x in noun.subtree):
        return True
    rest = text[noun.idx + len(noun.text):noun.idx + len(noun.text) + 40]
    return bool(re.match(r"\s*(?:\(|\bof\s+\d|\bthan\b|\bsuch as\b|\bdefined\b|\bset\b|\bspecified\b|\bconfigured\b|=|:)", rest))


def third_person_ing(lemma: str) -> str:
    """'work' -> 'working' (lemminflect)."""
    try:
        from lemminflect import getInflection

        got = getInflection(lemma, tag="VBG")
        if got:
            return got[0]
    except Exception:  # pragma: no cover
        pass
    return lemma


def third_person(lemma: str) -> str:
    """'log' -> 'logs', 'verify' -> 'verifies', 'install' -> 'installs' (lemminflect, not string concatenation)."""
    try:
        from lemminflect import getInflection

        got = getInflection(lemma, tag="VBZ")
        if got:
            return got[0]
    except Exception:  # pragma: no cover - lemminflect is a dependency; fall back to the lemma itself
        pass
    return lemma


def _pron(subj) -> str:
    if subj is None:
        return "it"
    return "them" if subj.tag_ in ("NNS", "NNPS") or subj.lower_ in ("they", "these", "those") else "it"


def _actor_obvious(doc, t, text: str | None = None) -> bool:
    """The actor is stated in the same sentence: a WHEN/THEN scenario, or an active clause with an actor subject."""
    if re.search(r"\b(?:WHEN|THEN|IF)\b", text if text is not None else doc.text):
        return True
    for x in doc:
        if x.dep_ == "nsubj" and x.lemma_.lower() in _ACTORS and x.head.i != t.i:
            return True
    return False


REQUIREMENT_MODALS = {"must", "shall", "should", "need"}
_CLAUSE_BOUNDARY = {"advcl", "relcl", "ccomp", "acl", "csubj", "pcomp", "parataxis", "mark"}


_QUOTE_RE = re.compile(r"[\"“”]([^\"“”]{0,400})[\"“”]")


def _quoted(doc, i: int) -> bool:
    """Is token `i` inside a quotation ("… you should comply")?  A quoted modal is not the spec's own."""
    spans = doc.user_data.get("spec_lsp_quotes") if doc.user_data is not None else None
    if spans is None:
        spans = [(m.start(), m.end()) for m in _QUOTE_RE.finditer(doc.text)]
        doc.user_data["spec_lsp_quotes"] = spans
    return _inside(spans, doc[i].idx)


def _is_modal(c) -> bool:
    return c.dep_ in ("aux", "auxpass") and c.lower_ in REQUIREMENT_MODALS and not _quoted(c.doc, c.i)


def _governing_verb(t):
    """The verb whose requirement `t` belongs to: walk up through xcomp/objects/modifiers, never out of
    the clause `t` sits in (an "if …" clause, a relative clause, a conjoined clause with its own subject)."""
    x = t
    for _ in range(8):
        if x.pos_ in ("VERB", "AUX") and any(_is_modal(c) for c in x.children):
            return x
        if x.dep_ == "xcomp" and any(c.dep_ == "aux" and _is_modal(c) for c in x.head.children):
            return x.head
        if x.dep_ in ("advcl", "acl") and x.tag_ == "VBG" and not any(c.dep_ in ("mark", "nsubj", "nsubjpass") for c in x.children):
            x = x.head  # "MUST validate the keys using a small gas limit": the means is part of the requirement
            continue
        if x.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in ("until", "unless", "once") for c in x.children):
            x = x.head  # "kept alive until eth/70 is sufficiently adopted": the end condition is part of the requirement
            continue
        if x.dep_ in ("ccomp", "xcomp") and x.head.lemma_.lower() in ("help", "make", "let") and x.pos_ == "VERB":
            x = x.head  # "should help the user feel heard": the causative carries the requirement
            continue
        if x.dep_ in _CLAUSE_BOUNDARY or x.head.i == x.i:
            return None
        if x.dep_ == "conj" and x.pos_ in ("VERB", "AUX") and any(c.dep_ in ("nsubj", "nsubjpass") for c in x.children):
            return None
        x = x.head
    return None


def _requirement_context(t) -> bool:
    """Is `t` part of a requirement: a verb governed by must/shall/should (not negated)?"""
    v = _governing_verb(t)
    if v is None:
        return False
    negs = [c for c in v.children if c.dep_ == "neg" or c.lower_ in ("nor", "neither")]
    negs += [c for c in v.head.children if c.lower_ == "nor" and c.i < v.i] if v.dep_ == "conj" else []
    return not negs and not (v.i > 0 and v.doc[max(0, v.i - 3) : v.i].text.lower().startswith("nor"))


def _subject_lemma(v) -> str:
    for x in (v, v.head):
        subj = next((c for c in x.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None:
            return subj.lemma_.lower()
    return ""


def _ancestors(t):
    out = []
    x = t
    for _ in range(12):
        if x is None or x.head.i == x.i:
            break
        out.append(x)
        x = x.head
    return out


_NUMERIC_BOUND = re.compile(r"\b(?:greater|more|less|fewer|larger|smaller|higher|lower|longer|shorter) than\s+\d|\bat (?:least|most)\s+\d"
                            r"|\b(?:minimum|maximum) of\s+\d|\bno (?:more|less|fewer) than\s+\d|[≥≤]\s*\d", re.IGNORECASE)


def _criterion_spelled_out(t) -> bool:
    """The sentence states what the vague word amounts to: a degree clause ("appropriate enough that …"), the
    means ("handle X gracefully by logging a warning"), or the outcome as a participle clause after the word
    ("handle missing files gracefully, producing a valid output")."""
    if any(c.lower_ == "enough" for c in t.children) or (t.i + 1 < len(t.doc) and t.doc[t.i + 1].lower_ == "enough"):
        return True
    rest = t.doc.text[t.idx + len(t.text):]
    if re.match(r"[\w\s’'-]{0,40}?\b(?:given|based on|depending on|according to|consistent with|commensurate with|"
                r"proportionate to|proportional to|relative to|in line with)\b", rest):
        return True  # "an appropriate level of engagement given the context": the criterion is named
    v = _governing_verb(t)
    if v is None:
        return False
    if re.search(r"\s(?:—|–|--)\s*\S|:\s+\S", rest):
        return True  # "MUST behave correctly when … — no tab is wrongly locked": the test follows the dash
    if t.pos_ == "ADV" and t.dep_ == "advmod" and t.head.pos_ == "VERB":
        # "SHALL gracefully disable X and not display Y": the manner is spelled out by the verbs conjoined with it
        if any(c.dep_ == "conj" and c.pos_ == "VERB" and not any(g.dep_ in ("nsubj", "nsubjpass") for g in c.children)
               for c in t.head.children):
            return True
    for x in {v, t.head} if t.head.pos_ == "VERB" else {v}:
        for c in x.children:
            if c.dep_ == "prep" and c.lower_ == "by" and any(o.tag_ == "VBG" for o in c.children):
                return True
            if c.dep_ == "advcl" and c.tag_ == "VBG" and c.i > t.i:
                return True
    return False


def _predicative(t) -> bool:
    """An adjective used to judge something: "the UI must be intuitive", "an intuitive UI"."""
    if t.dep_ in ("acomp", "attr", "oprd"):
        return True
    if t.dep_ == "amod" and t.head.pos_ == "NOUN" and t.head.lemma_ in ("interface", "ui", "design", "experience", "layout", "api", "workflow", "process", "output", "format", "response", "answer", "message", "explanation"):
        return True
    return False


@lru_cache(maxsize=20_000)
def _comparative_form(word: str) -> bool:
    """Is `word` the comparative (or superlative) of an adjective or adverb ("faster" <- "fast", "best" <- "good"),
    not a noun the tagger misread ("identifier", "manifest")?"""
    try:
        from lemminflect import getAllLemmas
    except Exception:  # pragma: no cover - lemminflect is a dependency
        return True
    lem = getAllLemmas(word)
    return any(x != word for pos in ("ADJ", "ADV") for x in lem.get(pos, ()))


def _has_reference(t, doc) -> bool:
    for x in doc[t.i + 1 : min(len(doc), t.i + 10)]:
        if x.lower_ in ("than", "as"):
            return True
    if any(c.lower_ in ("than",) for c in t.subtree):
        return True
    # "more/less X than" handled; "compared to/with", "relative to"
    window = doc[t.i : min(len(doc), t.i + 8)].text.lower()
    return "compared" in window or "relative to" in window or "versus" in window


def _conj_chain(t) -> list:
    chain = [t]
    stack = [t]
    while stack:
        x = stack.pop()
        for c in x.children:
            if c.dep_ == "conj":
                chain.append(c)
                stack.append(c)
    return sorted(chain, key=lambda x: x.i)


def _in_conditional(t) -> bool:
    x = t.head
    for _ in range(4):
        if any(c.dep_ == "mark" and c.lower_ in ("if", "whether", "unless", "though", "although") for c in x.children):
            return True
        if x.dep_ in ("advcl", "ccomp", "relcl", "acl"):
            return True
        if x.head.i == x.i:
            break
        x = x.head
    return False


_BOUND_WORDS = {"exceed", "exceeds", "within", "under", "below", "above", "over", "after", "before", "most", "least",
                "than", "to", "limit", "max", "maximum", "min", "minimum", "every", "hold", "last", "take", "wait", "keep"}


def _bounded_requirement(t) -> bool:
    """A number that bounds a requirement: "must not exceed 30", "expire after 60", "at most 500"."""
    if not _requirement_context(t) and not (_governing_verb(t) is not None):
        return False
    prev = [x.lower_ for x in t.doc[max(0, t.i - 3) : t.i]]
    return bool(set(prev) & _BOUND_WORDS) or t.head.lemma_.lower() in _BOUND_WORDS


def _number_ok(t, text: str) -> bool:
    """A number that says what it counts: "100 words", "50%", "$5", "v2", "section 3", a year, a list index."""
    s = t.text
    around = t.doc[max(0, t.i - 2) : t.i + 3].text
    if re.search(r"\d\s*[-–/:]\s*\d", around):
        return True  # 5-7-5, 3/4, 10:30: a pattern, ratio or time, not a bare quantity
    if not any(ch.isdigit() for ch in s):
        return True  # "one", "two": words usually count a following noun; let the parser decide below
    nxt = t.nbor(1) if t.i + 1 < len(t.doc) else None
    prv = t.nbor(-1) if t.i > 0 else None
    if nxt is not None and (nxt.text in UNIT_WORDS or nxt.text.startswith("%") or nxt.lower_ in UNIT_WORDS):
        return True
    if prv is not None and (prv.text in ("$", "€", "£", "#", "v", "V", "§", "0x") or prv.lower_ in ("section", "chapter", "step", "rule", "version", "rfc", "eip", "erc", "figure", "table", "item", "level", "phase", "appendix", "page", "line", "option", "type", "class", "tier", "priority", "article", "no", "number", "id")):
        return True
    if re.fullmatch(r"(19|20)\d\d", s):
        return True  # a year
    if t.dep_ == "pobj" and t.head.lower_ in ("under", "over", "above", "below", "aged") and t.head.head.lemma_.lower() in _PERSONS | {"child", "teen", "adult", "minor", "kid"}:
        return True  # "users under 18": an age
    if re.fullmatch(r"\d+(\.\d+){2,}", s) or re.fullmatch(r"0x[0-9a-fA-F]+", s) or re.search(r"[A-Za-z]", s):
        return True  # versions, hex, identifiers, values with units glued on ("10ms")
    if t.dep_ == "nummod" and t.head.pos_ in ("NOUN", "PROPN", "SYM", "X"):
        return True
    if t.head.pos_ in ("NOUN", "PROPN") and t.head.i > t.i and t.head.i - t.i <= 3:
        return True
    if t.dep_ in ("compound",) and t.head.pos_ in ("NOUN", "PROPN"):
        return True
    if t.i == 0 or (prv is not None and prv.text in ("(", "[")):
        return True  # list numbering
    if nxt is not None and nxt.text in (")", ".", ":") and t.i <= 1:
        return True
    if t.dep_ == "pobj" and t.head.lower_ in ("of", "in") and t.head.head.pos_ in ("NOUN",):
        return False
    if t.dep_ in ("appos", "npadvmod") and t.head.pos_ == "NOUN":
        return True
    return False


_ACTORS = {"assistant", "model", "system", "service", "server", "client", "application", "app", "api", "tool", "agent",
           "product", "platform", "implementation", "software", "component", "module", "node"}

_PERSONS = {"user", "developer", "person", "people", "individual", "customer", "operator", "administrator", "author", "reader", "child", "minor"}


# ---------------------------------------------------------------------------------------------
# Prefilter: can a parsed rule fire on this sentence at all?  (Cheap; decides whether spaCy runs.)

def _keywords_trigger() -> str:
    from .keywords import TRIGGER

    return TRIGGER


def _words_re(words: Iterable[str]) -> str:
    return r"\b(?:" + "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True)) + r")\b"


_TRIGGERS = {
    "vague-term": _words_re(VAGUE | VAGUE_PREDICATES | {"aware", "limited", "limit", "works", "worked", "functions", "behaves", "feels", "operates", "unlimited", "unbounded", "approximate"})
    + r"|\bany\s+number\s+of\b|\b(?:" + "|".join(sorted(SIZE_ADJECTIVES)) + r")\s+(?:[\w-]+\s+){0,2}?(?:" + "|".join(sorted(MEASURE_NOUNS)) + r")s?\b",
    "subjective-language": _words_re(SUBJECTIVE | SUBJECTIVE_NEEDS_COPULA | {"intuitively", "seamlessly"}),
    "superlative": r"\b\w{2,}est\b|\bmost\b|\bleast\b|\bbest\b|\bworst\b",
    "comparative-without-reference": r"\b\w{2,}er\b|\bmore\b|\bless\b|\bbetter\b|\bworse\b",
    "vague-timing": _words_re(VAGUE_TIMING | set(VAGUE_TIMING_PHRASES))
    + r"|\b(?:after|within|for|before|in)\s+(?:a|an|some|any)\s+(?:[\w-]+\s+){0,2}?(?:" + "|".join(sorted(DURATION_NOUNS)) + r")\b",
    "unbounded-quantifier": _words_re(QUANTIFIERS | set(QUANTIFIER_PHRASES)),
    "coordination-ambiguity": r"\band\b.*\bor\b|\bor\b.*\band\b|\band\s*/\s*or\b",
    "passive-without-agent": r"\b(?:must|shall|should)\b(?:\s+\w+)?\s+be\b",
    "ambiguous-pronoun": anaphora.TRIGGER,
    "number-without-unit": r"\d",
    "weak-modal": _words_re(WEAK | set(WEAK_PHRASES) | {"best effort", "best-effort"}),
    "keyword-misuse": _keywords_trigger(),  # the engine asks only for RFC 2119 documents
    "unverifiable-predicate": _predicates.trigger(VAGUE | SUBJECTIVE | HEDGES),
    "ears-state-trigger": _ears.TRIGGER,
}
_TRIGGER_CACHE: dict = {}
# words (case-sensitive substrings) one of which every match of a rule's trigger contains: a sentence without
# them cannot match it (tests/language/test_prefilter_guards.py checks each against its pattern)
_TRIGGER_LITERALS = {
    "keyword-misuse": ("must", "shall", "Must", "Shall", "Should", "may"),
}


def could_fire(text: str, enabled: Iterable[str], extra: Mapping[str, tuple[str, ...]] | None = None) -> bool:
    """False when no parsed rule in `enabled` can fire on `text` (so the sentence need not be parsed)."""
    key = (frozenset(enabled), tuple(sorted((k, tuple(v)) for k, v in (extra or {}).items())))
    rxs = _TRIGGER_CACHE.get(key)
    if rxs is None:
        # one search per rule's pattern, not one alternation of them all: the same verdict (an alternation
        # matches where one of its parts does), but a part that needs a literal word (keyword-misuse's
        # lower-case "must"/"Should"/"may") is skipped by a substring test when the word is absent — its
        # `\w.*\bShould\b` scan is quadratic in the sentence, and most RFC statements write MUST, not must
        rxs = []
        for r in sorted(key[0]):
            if r in _TRIGGERS and r not in _DEGREE_TRIGGERS:
                rxs.append((_TRIGGER_LITERALS.get(r), re.compile(_TRIGGERS[r], re.IGNORECASE)))
        for r, ws in (extra or {}).items():
            if ws:
                rxs.append((None, re.compile(_words_re(ws), re.IGNORECASE)))
        rxs.sort(key=lambda x: x[0] is None)  # the guarded (cheap to rule out) parts first
        _TRIGGER_CACHE[key] = rxs
    for lits, rx in rxs:
        if lits is not None and not any(w in text for w in lits):
            continue  # every match of this pattern contains one of these words (case-sensitive)
        if rx.search(text) is not None:
            return True
    # superlatives and comparatives: "-est"/"-er" words only when they are degree forms ("request", "user",
    # "server" are not), so that these rules do not send most sentences to the parser
    for r, (plain, pattern) in _DEGREE_TRIGGERS.items():
        if r in key[0]:
            for m in pattern.finditer(text):
                w = m.group(0).lower()
                if w in plain or _comparative_form(w):
                    return True
    return False


_DEGREE_TRIGGERS = {
    "superlative": ({"most", "least", "best", "worst"}, re.compile(r"\b[A-Za-z]{2,}est\b|\b(?:most|least|best|worst)\b", re.IGNORECASE)),
    "comparative-without-reference": ({"more", "less", "better", "worse"}, re.compile(r"\b[A-Za-z]{2,}er\b|\b(?:more|less|better|worse)\b", re.IGNORECASE)),
}
