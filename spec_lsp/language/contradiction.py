"""The contradiction checker: propositions from normative statements, and an index that finds pairs that
cannot both hold without comparing all pairs.

A proposition is what one statement prescribes: actor, action, targets (objects and prepositional objects,
with their modifiers), polarity, modality, the conditions it holds under (if / when / while / during / before /
after / unless clauses, EARS ``WHEN …,`` prefixes, list labels), numeric bounds with units, an exact value, a
frequency, and for copular statements ("X MUST be Y") the subject key and the value(s) allowed.

Conflict kinds:

* ``polarity`` — obligation vs prohibition of the same action on the same targets under the same conditions;
* ``exclusivity`` — "only via X" against "via Y";
* ``antonym`` — "X MUST be synchronous" against "X MUST be asynchronous" (prefixes and a small antonym table);
* ``enumeration`` — "X MUST be one of A, B" against "X MUST be C" (disjoint allowed values);
* ``bounds`` — "at most 10 MB" against "at least 50 MB" (units normalised);
* ``frequency`` — "once a day" against "every Saturday at midnight";
* ``parameter`` — the same parameter stated with two values ("the idle timeout MUST be 30 seconds" / "90 seconds").

Candidates for a statement come from an inverted index over its keys (actor+action, subject key, quantity,
content lemmas of bounded statements, actor+object of a frequency), so the work grows with the number of
candidates, not with the square of the statements; very common keys (more than ``MAX_POSTING`` statements) are
not used for candidates.

What keeps it quiet on real specs (round 3): a subject that stands for what its section is about (a bare
"the array", a one-word attribute reused in two sections of one document) is compared only within its section;
a description ("the address of the token contract") is not a named value; two things of one kind ("small
lockers" / "large lockers") are not one actor; two versions of one document (``1.2.md`` / ``3.0.0.md``) and
unrelated folders are not compared; statements under different conditions are not compared, except that an
allowed-value set, an upper bound or a bound on a period holds under every condition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Hashable, Iterable

from . import conflicts as _general
from . import semantic as _semantic

# antonym actions: (canonical action, polarity flip)
ANTONYMS = {
    "forbid": ("allow", True), "prohibit": ("allow", True), "disallow": ("allow", True), "ban": ("allow", True),
    "permit": ("allow", False), "enable": ("allow", False),
    "disable": ("allow", True),
    "reject": ("accept", True), "decline": ("accept", True), "deny": ("accept", True),
    "refuse": ("comply", True), "ignore": ("follow", True), "disregard": ("follow", True), "obey": ("follow", False),
    "withhold": ("reveal", True), "conceal": ("reveal", True), "hide": ("reveal", True), "disclose": ("reveal", False),
    "share": ("reveal", False), "exclude": ("include", True), "omit": ("include", True),
    "skip": ("perform", True),
    "close": ("open", True), "unlock": ("lock", True), "deactivate": ("activate", True),
}
# prepositions of the means ("through SMS", "via TLS", "by email") and of the form ("in LaTeX", "as MathML")
_ROLE_CLASS = {"through": "means", "via": "means", "by": "means", "over": "means", "using": "means", "in": "form", "as": "form"}
_STATE_VERBS = {"close", "unlock", "deactivate"}
_INIT = {"start", "initialize", "initialise", "reset"}  # "start the timer at 500 ms": the parameter's initial value
_KEEP = {"keep", "leave", "hold", "maintain"}  # "keep X closed": the actor upholds a state of X
# antonymous predicates (adjectives); prefixes (non-, un-, in-, im-, a-, dis-) are handled by rule
ADJ_ANTONYMS = {
    frozenset({"public", "private"}), frozenset({"formal", "informal"}), frozenset({"verbose", "concise"}),
    frozenset({"persistent", "ephemeral"}), frozenset({"persistent", "transient"}), frozenset({"real-time", "batch"}),
    frozenset({"online", "offline"}), frozenset({"mandatory", "optional"}), frozenset({"required", "optional"}),
    frozenset({"enabled", "disabled"}), frozenset({"visible", "hidden"}), frozenset({"stateful", "stateless"}),
    frozenset({"blocking", "non-blocking"}), frozenset({"read-only", "writable"}), frozenset({"encrypted", "plaintext"}),
    frozenset({"centralized", "decentralized"}), frozenset({"strict", "lenient"}), frozenset({"ascending", "descending"}),
    frozenset({"open", "closed"}), frozenset({"local", "remote"}), frozenset({"manual", "automatic"}),
}
_PREFIXES = ("non-", "non", "un", "in", "im", "il", "ir", "a", "dis")
STRENGTH = {"must": 3, "shall": 3, "will": 3, "always": 3, "never": 3, "should": 2, "may": 1, "can": 1, "could": 1, "might": 1}
RANK = {"root": 5, "system": 4, "developer": 3, "user": 2, "guideline": 1}
UPPER = {"most", "max", "maximum", "under", "below", "within", "up", "fewer", "less", "exceed", "exceeds", "beyond"}
LOWER = {"least", "min", "minimum", "over", "above", "more", "exceeds"}
CAPACITY = {"support", "accept", "handle", "hold", "store", "allow", "let", "serve", "process", "make", "take"}
MAX_POSTING = 400
_ONLY = {"only", "solely", "exclusively"}
_SMALLER = {"smaller", "shorter", "lighter", "lower", "younger", "narrower", "slower", "earlier", "cheaper", "fewer", "less"}  # the restrictive focus particles
PROPS_VERSION = "r4"  # part of the cache key of extracted propositions: bump when extraction changes
_WORD_NUMBERS = {w: float(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_WORD_NUMBERS.update({"thirty": 30.0, "forty": 40.0, "fifty": 50.0, "sixty": 60.0, "ninety": 90.0, "hundred": 100.0})
# verbs that assign a value to a named thing: "record the category as trailer", "set the timeout to 5 s"
_ASSIGN = {"set": "to", "record": "as", "treat": "as", "mark": "as", "classify": "as", "label": "as"}

# units: lemma -> (dimension, factor to the base unit)
UNITS = {
    "ms": ("time", 0.001), "millisecond": ("time", 0.001), "s": ("time", 1), "sec": ("time", 1), "second": ("time", 1),
    "min": ("time", 60), "minute": ("time", 60), "h": ("time", 3600), "hr": ("time", 3600), "hour": ("time", 3600),
    "day": ("time", 86400), "week": ("time", 604800), "month": ("time", 2592000), "year": ("time", 31536000),
    "b": ("size", 1), "byte": ("size", 1), "kb": ("size", 1e3), "kib": ("size", 1024), "mb": ("size", 1e6),
    "mib": ("size", 1048576), "gb": ("size", 1e9), "gib": ("size", 1073741824),
    "mg": ("mass", 1e-6), "gram": ("mass", 0.001), "kg": ("mass", 1), "kilogram": ("mass", 1), "lb": ("mass", 0.45359237),
    "lbs": ("mass", 0.45359237), "pound": ("mass", 0.45359237), "tonne": ("mass", 1000),
}
_DIMENSIONS = {"time", "size", "mass"}
_PERIODS = {"hourly": ("time", 3600), "daily": ("time", 86400), "nightly": ("time", 86400), "weekly": ("time", 604800),
            "monthly": ("time", 2592000), "yearly": ("time", 31536000), "annually": ("time", 31536000)}
_WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
_COND_MARKS = {"if", "when", "whenever", "while", "unless", "during", "before", "after", "until", "once", "upon", "where"}
_EXCEPTION = re.compile(r"\b(?:by default|unless|otherwise|except)\b", re.IGNORECASE)
_EARS_COND = re.compile(r"^\W*(?:WHEN|IF|WHILE|WHERE|AFTER|BEFORE|DURING|ONCE|UPON)\b(.*?)(?:,|\bTHEN\b)|^\W*GIVEN\b(.*?)\bTHEN\b", re.IGNORECASE)
_LABEL = re.compile(r"^\s*([^:]{1,40}?)(?::|\s[-–—])\s")  # "Offline mode: …", "items - Value MUST …"
_ID_LABEL = re.compile(r"^\s*[A-Z][A-Z0-9]*-\d+[a-z]?(?:\.\d+)*\s*$|^\s*\d+(?:\.\d+)*\s*$")
_GENERIC = {"must", "shall", "should", "may", "be", "system", "implementation", "the", "a", "an", "it", "that", "this",
            "not", "only", "also", "at", "least", "most", "of", "to", "in", "per", "each", "every"}


@dataclass(frozen=True)
class Bound:
    quantity: str  # dimension ("time", "size") or the counted noun's lemma ("message")
    op: str  # "<=" | ">="
    value: float  # in the dimension's base unit
    text: str


@dataclass(frozen=True)
class Proposition:
    actor: str
    action: str
    objects: tuple[str, ...]
    negated: bool
    modality: str  # must | should | may | is
    only: bool = False
    bounds: tuple[Bound, ...] = ()
    text: str = ""
    conditional: bool = False  # an exception or a default ("by default", "unless", "otherwise")
    said: str = ""  # the verb phrase as written ("must not share detail"), for messages
    conditions: tuple[str, ...] = ()  # content lemmas of the conditions it holds under
    subject: str = ""  # copular statements: the subject key ("idle timeout")
    values: tuple[str, ...] = ()  # copular statements: the value(s) allowed ("gzip", "br")
    value_kind: str = ""  # "adj" (a property) | "value" (a named value) | "number"
    number: tuple = ()  # (dimension, value in base unit, text) of an exact number
    freq: tuple = ()  # (unit, period) of a frequency: ("time", 86400.0) or ("turn", 1.0)
    content: tuple[str, ...] = ()  # content lemmas (for candidates of bounds)
    roles: tuple[tuple[str, str], ...] = ()  # (role, target): ("dobj", "signing key"), ("via", "mutual tls")
    only_role: str = ""  # the role "only" restricts ("via" in "only via mutual TLS")
    actor_mods: tuple[str, ...] = ()  # the actor's modifiers ("small" in "small compartments")
    local: bool = False  # the subject is a bare definite noun ("the array", "the value"): it means the thing its section is about
    freq_op: str = ""  # "" exact period | ">=" not more often than | "<=" at least once every
    concessive: tuple[str, ...] = ()  # content lemmas of an "even when/if …" clause: cases the statement explicitly covers

    @property
    def prohibits(self) -> bool:
        return self.negated and self.modality in ("must", "should", "may", "is")

    @property
    def requires_or_permits(self) -> bool:
        return not self.negated and self.modality in ("must", "should", "may", "is")


@dataclass(frozen=True)
class ClauseMeta:
    authority: str | None = None
    section: str = ""
    path: str = ""
    clause_id: str = ""
    scope: str = ""  # a scenario the statement belongs to (its THEN lines hold only under its WHEN)


@dataclass(frozen=True)
class Conflict:
    a_key: Hashable
    b_key: Hashable
    kind: str  # polarity | exclusivity | antonym | enumeration | bounds | frequency | parameter
    message_for_a: str
    message_for_b: str
    informational: bool = False


# -- extraction --------------------------------------------------------------------------------------

def _modality(toks) -> tuple[str, bool]:
    modality, negated = "is", False
    for c in toks:
        lw = c.lower_
        if lw in ("must", "shall", "will", "always", "required"):
            modality = "must"
        elif lw == "should" and modality != "must":
            modality = "should"
        elif lw in ("may", "can", "could", "might") and modality == "is":
            modality = "may"
        if c.dep_ == "neg" or lw in ("never", "not", "n't"):
            negated = True
            if lw == "never":
                modality = "must" if modality in ("is", "must") else modality
    return modality, negated


def _lem(t) -> str:
    """The lemma, unless the lemmatiser cut a word short ('identifier' -> 'identifi')."""
    le = t.lemma_.lower()
    lo = t.lower_
    if lo.startswith(le) and len(lo) - len(le) >= 2 and not lo.endswith(("ies", "ing", "ed", "es")):
        return lo[:-1] if lo.endswith("s") else lo
    return le


def _phrase(t) -> str:
    """'unknown extension frame', 'port 443', 'peer-reviewed source': modifiers + head lemma."""
    mods = [c for c in t.subtree if c.i < t.i and c.dep_ in ("compound", "amod", "nmod", "npadvmod", "punct") and c.lower_ not in _ONLY]
    mods = [c for c in mods if c.dep_ != "punct" or c.text == "-"]
    words = [c.lower_ if c.text == "-" else _lem(c) for c in sorted(mods, key=lambda c: c.i)]
    words.append(_lem(t))
    for c in t.children:
        if c.dep_ == "nummod" and c.i > t.i:
            words.append(c.text)
        if c.dep_ in ("relcl", "acl", "prep") and c.i > t.i:
            # "key providers used for transactions included after theirs" is not "key providers"
            words += [_lem(x) for x in c.subtree if x.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "NUM") and x.lemma_.lower() not in _GENERIC]
    return re.sub(r"\s*-\s*", "-", " ".join(words)).strip()


def _value_text(t) -> str:
    """The written value of a complement: 'case-insensitive', 'non-relational', 'real-time', 'rsa-2048'
    (the hyphenated word around the token, as written)."""
    doc = t.doc
    a = b = t.i
    while a > 0 and (doc[a - 1].text == "-" or doc[a].text == "-") and not doc[a - 1].whitespace_:
        a -= 1
    while b + 1 < len(doc) and (doc[b + 1].text == "-" or doc[b].text == "-") and not doc[b].whitespace_:
        b += 1
    return doc[a : b + 1].text.lower()


_ONE_OF = re.compile(r"\b(?:one of|either)\s+(.+?)\s*[.;]?$", re.IGNORECASE)


def _alternatives(text: str) -> list[str]:
    m = _ONE_OF.search(text)
    if not m:
        return []
    parts = re.split(r"\s*,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+", m.group(1))
    return [p.strip().lower().strip("`\"'“”") for p in parts if p.strip()]


def _dtext(doc) -> str:
    """`doc.text`, built once per Doc: spaCy joins every token's text on each access, and the extractor reads it
    about six times per statement (1.5 s of a cold EIPs run)."""
    ud = getattr(doc, "user_data", None)
    if ud is None:  # a Span
        return doc.text
    t = ud.get(_TEXT_KEY)
    if t is None:
        t = ud[_TEXT_KEY] = doc.text
    return t


_TEXT_KEY = "spec_lsp.text"


def _conditions(doc, v, head) -> tuple[tuple[str, ...], bool]:
    """Content lemmas of the conditions the verb holds under, and whether it is an exception/default."""
    lem: set[str] = set()
    m = _EARS_COND.match(_dtext(doc))
    if m:
        end = m.end(1) if m.group(1) is not None else m.end(2)
        for t in doc:
            if t.idx < end and (t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV", "SYM") or t.text in ("<", ">", "<=", ">=", "not", "no")) and t.lower_ not in _COND_MARKS:
                lem.add(t.lemma_.lower())
    lab = _LABEL.match(_dtext(doc))
    if lab and not _ID_LABEL.match(lab.group(1)) and not _EARS_COND.match(_dtext(doc)):
        lem |= {w.lower() for w in re.findall(r"\w+", lab.group(1))}
    for x in ((v, head) if head.i != v.i else (v,)):
        for c in x.children:
            sub = None
            if c.dep_ == "advcl" and any(mk.dep_ in ("mark", "advmod") and mk.lower_ in _COND_MARKS for mk in c.children):
                if any(mk.lower_ == "even" for mk in c.children):
                    continue  # "even when the student asks": concessive, the statement holds in every case
                if any(mk.dep_ == "mark" and mk.lower_ in ("before", "after", "until") for mk in c.children) and (
                        any(n.dep_ == "npadvmod" and _is_duration(n) for n in c.children)
                        or any(p.dep_ == "prep" and p.lower_ in ("for", "within") and any(_is_duration(q) for q in p.children) for p in x.children)):
                    continue  # "expire five days after the notification is sent": an anchor for the duration, not a condition
                sub = c.subtree
            elif c.dep_ == "prep" and c.lower_ in ("during", "before", "after", "until", "upon", "while", "for") and not m:
                if c.lower_ == "for" and not any(p.dep_ == "pobj" and p.pos_ in ("NOUN", "PROPN") for p in c.children):
                    continue
                if c.lower_ == "for" and any(_is_duration(p) for p in c.children):
                    continue  # "valid for 72 hours": a duration, not a scope
                if c.lower_ in ("before", "after", "until") and _offset(c):
                    continue  # "close 30 minutes before departure": the time is the value, not a condition
                sub = c.subtree
            elif c.dep_ == "advmod" and c.lower_ in ("when", "while") :
                sub = c.subtree
            if sub is not None:
                for t in sub:
                    if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV", "SYM", "X") and t.lower_ not in _COND_MARKS \
                            or t.text in ("<", ">", "<=", ">=", "=", "==", "!=", "≤", "≥", "not", "no"):
                        lem.add(t.lemma_.lower())
    return tuple(sorted(lem - _COND_SKIP)), bool(_EXCEPTION.search(_dtext(doc)))


def _concessive(v, head) -> tuple[str, ...]:
    """Content lemmas of the verb's "even when …" / "even if …" clauses (the cases it says it holds in)."""
    out: set[str] = set()
    for x in ((v, head) if head.i != v.i else (v,)):
        for c in x.children:
            if c.dep_ == "advcl" and any(mk.lower_ == "even" for mk in c.children):
                out |= {t.lemma_.lower() for t in c.subtree if t.pos_ in ("NOUN", "PROPN", "VERB", "ADJ") and t.lower_ not in _COND_MARKS}
    return tuple(sorted(out - _COND_SKIP))


_COND_SKIP = {"be", "have", "do", "then", "even", "-", "become", "remain", "get"}


def _is_duration(t) -> bool:
    """A time measure: "72 hours", "five days" (a time unit with a number on it)."""
    return (t.lower_ in UNITS or t.lemma_.lower() in UNITS) and (UNITS.get(t.lower_) or UNITS.get(t.lemma_.lower()))[0] == "time" \
        and any(c.dep_ == "nummod" and _num_value(c) is not None for c in t.children)


def _offset(prep) -> bool:
    """A measure phrase ("30 minutes", "12 hours") that places the time relative to the preposition's object."""
    if any(x.dep_ == "npadvmod" for x in prep.children):
        return True
    return any(x.dep_ == "npadvmod" and x.i < prep.i and any(_num_value(n) is not None for n in x.subtree) for x in prep.head.children)


def _num_value(t) -> float | None:
    if not (t.like_num or t.lower_ in _WORD_NUMBERS):
        return None
    try:
        return float(t.text.replace(",", ""))
    except ValueError:
        return _WORD_NUMBERS.get(t.lower_)


def _number(t):
    """(dimension, value in base unit, text) for a number token, or None."""
    value = _num_value(t)
    if value is None:
        return None
    nxt = t.doc[t.i + 1] if t.i + 1 < len(t.doc) else None
    unit = None
    if nxt is not None and nxt.lower_ in UNITS or nxt is not None and nxt.lemma_.lower() in UNITS:
        unit = UNITS.get(nxt.lower_) or UNITS.get(nxt.lemma_.lower())
    if unit:
        return unit[0], value * unit[1], f"{t.text} {nxt.text}"
    noun = None
    j = t.i + 1
    doc = t.doc
    while j < len(doc) and doc[j].pos_ in ("NOUN", "PROPN") and doc[j].dep_ == "compound":
        j += 1
    if j < len(doc) and doc[j].pos_ in ("NOUN", "PROPN"):
        noun = doc[j]
    elif t.dep_ == "nummod" and t.head.pos_ in ("NOUN", "PROPN") and t.head.i > t.i:
        noun = t.head  # "five open swap requests": the counted noun past its modifiers
    if noun is not None:
        return _lem(noun), value, f"{t.text} {doc[t.i + 1 : noun.i + 1].text}"
    return "", value, t.text


_NUM_RX = r"\d+(?:\.\d+)?|" + "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_FREQ_RX = re.compile(rf"\b(?:(once|twice|(?:{_NUM_RX})\s+times?)\s+(?:a|an|per|every|each)|per|every|each)\s+(?:({_NUM_RX})\s+)?([a-z]+)")
_COUNT_PER = re.compile(rf"\b(?:no more than|not more than|at most|up to)\s+({_NUM_RX})\s+(?:[a-z-]+\s+){{0,3}}?per\s+(?:[a-z]+\s+)*?({'|'.join(sorted(set(UNITS) | {'day', 'week', 'month', 'year', 'hour', 'minute'}, key=len, reverse=True))})s?\b")


def _nv(w: str | None, default: float = 1.0) -> float:
    if not w:
        return default
    try:
        return float(w)
    except ValueError:
        return _WORD_NUMBERS.get(w, default)


def _frequency(doc, span_tokens) -> tuple:
    """((unit, period), op) of the statement's frequency: op "" for an exact period, ">=" for "no more often
    than once every X" / "at most N per X" (the period is at least X/N), "<=" for "at least once every X"."""
    low = _dtext(doc).lower()
    m = _COUNT_PER.search(low)
    if m:
        u = m.group(2)
        return (UNITS[u][0], UNITS[u][1] / max(_nv(m.group(1)), 1e-9)), ">="
    for w, per in _PERIODS.items():
        mm = re.search(rf"\b{w}\b", low)
        if mm:
            return per, _freq_op(low[:mm.start()])
    mm = re.search(r"\b(?:every|on)\s+(" + "|".join(_WEEKDAYS) + r")s?\b", low)
    if mm:
        return ("time", 604800.0), _freq_op(low[:mm.start()])
    for mm in _FREQ_RX.finditer(low):
        times, n, u = mm.group(1), mm.group(2), mm.group(3)
        u1 = u[:-1] if u.endswith("s") and not u.endswith("ss") else u
        count = 2.0 if times == "twice" else _nv(times.split()[0]) if times and times != "once" else 1.0
        if u1 in UNITS:
            return (UNITS[u1][0], UNITS[u1][1] * _nv(n) / count), _freq_op(low[:mm.start()])
        if times or any(t.lower_ == u and (t.dep_ == "npadvmod" or t.dep_ == "pobj" and t.head.lower_ == "per") for t in doc):
            # "once per conversation", "every turn" (an adverbial, not "every irrigation valve", an object)
            return (u1, _nv(n) / count), _freq_op(low[:mm.start()])
    return (), ""


def _freq_op(before: str) -> str:
    tail = before[-40:]
    if re.search(r"\b(?:more (?:often|frequently) than|at most)\s*$", tail):
        return ">="
    if re.search(r"\bat least\s*$", tail):
        return "<="
    return ""


def _freq_tokens(v):
    return [t for t in v.subtree if t.lower_ in ("once", "twice", "every", "per", "daily", "weekly", "hourly", "monthly", "nightly", "yearly", "annually")
            or t.head.lower_ in ("every", "once", "twice", "per", "at") and t.dep_ in ("pobj", "npadvmod")
            or t.dep_ == "npadvmod" and t.lower_ in _WEEKDAYS | {"day", "week", "hour", "month", "year", "turn", "conversation"}]


_KEYWORDS = re.compile(r"\b(?:MUST NOT|MUST|SHALL NOT|SHALL|SHOULD NOT|SHOULD|MAY|REQUIRED|RECOMMENDED|OPTIONAL|NOT|THE|WHEN|THEN|IF|WHILE|WHERE|AND)\b")
_LEAD_ID = re.compile(r"^\s*(?:[A-Z][A-Z0-9]*-\d+[a-z]?(?:\.\d+)*|\d+(?:\.\d+)*\.?)\s*:?\s")


def normalize(text: str) -> str:
    """The text the parser reads: BCP 14 / EARS keywords in lower case and a leading requirement ID blanked
    out, offsets unchanged (the small English model mis-tags "THE X SHALL" and "FR-006: Shared …")."""
    t = _KEYWORDS.sub(lambda m: m.group(0).lower(), text)
    m = _LEAD_ID.match(t)
    if m:
        t = " " * m.end() + t[m.end():]
    return t


def extract(doc, declarative: bool = False) -> tuple[Proposition, ...]:
    """Propositions of a parsed normative statement (spaCy Doc).  `declarative`: the sentence has no
    prescriptive verb and is read only for a stated parameter (see `declarative_props`)."""
    if declarative:
        return _declarative(doc)
    return _extract(doc, False)


def _declarative(doc) -> tuple[Proposition, ...]:
    """A declarative parameter statement — a sentence with no prescriptive verb that states a value in the present
    tense: "The booking cutoff is 48 hours", "Validation is asynchronous", "Codes expire five days after issue".
    Only its main clause is read, and only when it states a number with a unit, a property (adjective) or a named
    value of a named subject; anything hedged (a modal, a question, a first/second person) says nothing."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or any(c.tag_ == "MD" for c in root.children) or any(
            t.lower_ in ("we", "you", "i", "our", "your", "?", "would", "could", "might", "if", "unless", "e.g.", "example")
            for t in doc):
        return ()
    # what a property or a value holds for ("valid in any execution context" / "invalid in a STATICCALL context"):
    # a prepositional qualifier of the main clause scopes the statement like a condition
    comp = [c for c in root.children if c.dep_ in ("acomp", "attr", "oprd")]
    scope = {_lem(x) for c in list(root.children) + [g for k in comp for g in k.children] if c.dep_ == "prep"
             for x in c.subtree if x.pos_ in ("NOUN", "PROPN", "ADJ", "DET") and x.lemma_.lower() not in ("the", "a", "an")}
    out = []
    for p in _extract(doc, True):
        if scope:
            p = replace(p, conditions=tuple(sorted(set(p.conditions) | scope)))
        if p.modality != "is" or p.negated or p.conditional or p.local or p.bounds or p.freq:
            continue
        if p.action == "be":
            if p.value_kind in ("adj", "value") and len(p.values) == 1 or p.value_kind == "number" and p.number and p.number[0] in _DIMENSIONS:
                out.append(p)
        elif p.number and p.number[0] in _DIMENSIONS and p.objects == () and p.actor:
            out.append(p)  # "codes expire five days after issue": the verb's one parameter
        elif p.number and p.number[0] in _DIMENSIONS and p.actor and len(p.objects) == 1:
            out.append(p)  # "senders start the retransmission timer at 500 ms"
    return tuple(out)


def _extract(doc, declarative: bool) -> tuple[Proposition, ...]:
    props: list[Proposition] = []
    content = tuple(sorted({t.lemma_.lower() for t in doc if t.pos_ in ("NOUN", "PROPN") and t.lemma_.lower() not in _GENERIC
                            and t.lemma_.lower() not in UNITS and t.lower_ not in UNITS}))
    for v in doc:
        # a third-person verb the tagger read as a plural noun ("check-in closes 45 minutes before …"): it has a subject
        misread = v.tag_ == "NNS" and v.dep_ in ("ROOT", "ccomp") and any(c.dep_ == "nsubj" for c in v.children)
        if v.pos_ not in ("VERB", "AUX") and not misread or v.dep_ in ("amod", "acl", "relcl", "advcl", "pcomp", "csubj", "aux", "auxpass"):
            continue
        subj = next((c for c in v.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        head = v
        able = v.dep_ == "xcomp" and v.head.lemma_ in ("able", "unable") and v.head.dep_ == "acomp"
        if able:
            g = v.head.head
            subj = next((c for c in g.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            head = g
        elif subj is None and v.dep_ in ("xcomp", "conj"):
            g = v.head
            subj = next((c for c in g.children if c.dep_ in ("nsubj", "nsubjpass")), None)
            head = g
        if subj is None or subj.pos_ == "PRON" and subj.lower_ not in ("it",):
            continue
        if any(c.dep_ == "det" and c.lower_ in ("this", "that", "these", "those", "such") for c in subj.children):
            continue  # "This map MUST …": refers to something named elsewhere (a table row), not comparable
        actor = (_value_text(subj) if "-" in _value_text(subj) else subj.lemma_.lower()) if subj.pos_ != "PRON" else "it"
        actor_mods = tuple(sorted(_lem(c) for c in subj.children if c.dep_ in ("amod", "compound") and c.lower_ not in ("-",)))
        # a bare definite noun ("the array", "the value"): it stands for the thing its section is about
        local = (any(c.dep_ == "det" and c.lower_ == "the" for c in subj.children)
                 and not any(c.dep_ in ("compound", "amod", "nmod", "poss", "prep", "nummod", "acl", "relcl", "appos") for c in subj.children)
                 and "-" not in _value_text(subj))
        mods = [c for c in list(v.children) + (list(head.children) if head.i != v.i else []) if c.dep_ in ("aux", "auxpass", "advmod", "neg")]
        modality, negated = _modality(mods)
        if able and v.head.lemma_ == "unable":
            negated = not negated
        if head.i != v.i and head.lemma_ in ("need", "have", "require") and modality == "is":
            modality = "must"
        if negated and head.i != v.i and head.lemma_ in ("need", "have", "require"):
            continue  # "users do not have to trust …": no obligation, which is not a prohibition
        if declarative:
            if v.dep_ != "ROOT" or not (v.tag_ in ("VBZ", "VBP") or misread) or head.i != v.i:
                continue  # a declarative statement is read at its main verb, in the present tense
        elif modality == "is" and not any(t.lower_ in ("must", "shall", "should", "may", "required") for t in doc):
            continue  # a description, not a prescription
        conditions, exception = _conditions(doc, v, head)
        only = any(c.lower_ in _ONLY and (c.head.i == v.i or c.head.dep_ in ("dobj", "pobj", "prep", "attr", "acomp")) for c in v.subtree)
        m_word = {"must": "must", "should": "should", "may": "may", "is": ""}[modality]
        # copular: "X MUST be Y"
        passive_adj = (v.tag_ == "VBN" and any(c.dep_ == "auxpass" and c.lemma_ == "be" for c in v.children)
                       and not any(c.dep_ in ("dobj", "prep", "agent", "xcomp", "ccomp", "advcl") for c in v.children)
                       and not _freq_tokens(v))  # "SHALL be read no more often than once per hour" is an action
        if v.lemma_ == "be" or passive_adj:
            comp = v if passive_adj else next((c for c in v.children if c.dep_ in ("attr", "acomp", "oprd")), None)
            if comp is None or subj.pos_ == "PRON" or comp.lemma_ in ("able", "unable"):
                continue  # "MUST be able to keep …" is read at its verb
            skey = " ".join(t.lemma_.lower() for t in subj.subtree if t.pos_ in ("NOUN", "PROPN", "ADJ", "VERB", "NUM") and t.dep_ not in ("det", "poss", "case"))
            skey = " ".join(_lem(t) for t in subj.subtree if t.dep_ not in ("det", "case", "punct") and t.pos_ not in ("DET", "ADP", "PART", "SPACE") and not t.is_space) or skey
            values: list[str] = []
            kind = "adj" if comp.pos_ == "ADJ" else "value"
            number = ()
            alts = _alternatives(_dtext(doc)[v.idx:]) if comp.lower_ in ("one", "either") or any(c.lower_ == "either" for c in comp.subtree) else []
            if alts:
                values = alts
                kind = "enum"
            elif comp.lower_ == "one" and any(c.dep_ == "prep" and c.lower_ == "of" for c in comp.children):
                pobj = next((p for c in comp.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj"), None)
                if pobj is not None:
                    values = [_value_text(pobj)] + [_value_text(x) for x in pobj.conjuncts]
                    kind = "enum"
            elif comp.like_num or any(c.like_num for c in comp.children if c.dep_ == "nummod"):
                numtok = comp if comp.like_num else next(c for c in comp.children if c.dep_ == "nummod" and c.like_num)
                n = _number(numtok)
                if n is not None:
                    number = n
                    kind = "number"
            else:
                values = [_value_text(comp)] + [_value_text(x) for x in comp.conjuncts]
                if len(values) > 1:
                    kind = "adj"  # "courteous, comprehensible, and not casual": properties that all hold
                elif comp.pos_ in ("NOUN", "PROPN") and any(c.dep_ in ("det", "prep", "relcl", "acl", "amod", "compound", "poss") for c in comp.children):
                    kind = "desc"  # "the checksummed address of the token", "a string": a description, not one named value
            if any(c.lower_ in _ONLY for c in comp.subtree):
                only = True
            said = " ".join(w for w in (skey, m_word, "not" if negated else "", "be", " or ".join(values) if values else (number[2] if number else "")) if w)
            if passive_adj:
                kind = "adj"
            props.append(Proposition(actor, "be", (), negated, modality, only, tuple(_bounds(v)), _dtext(doc), exception, said,
                                     conditions, skey, tuple(values), kind, number, (), content, actor_mods=actor_mods, local=local))
            if comp.lemma_.lower() == "valid" and subj.pos_ in ("NOUN", "PROPN"):
                dur = next((q for c in list(v.children) + list(comp.children) if c.dep_ == "prep" and c.lower_ == "for"
                            for q in c.children if _is_duration(q)), None)
                n = _number(next(c for c in dur.children if c.dep_ == "nummod")) if dur is not None else None
                if n:  # "session tokens MUST be valid for 30 minutes"
                    props.append(_validity(subj, n, negated, modality, _dtext(doc), exception, conditions, content))
            continue
        action = v.lemma_.lower()
        # passive voice: "X SHALL be sent by the system" is "the system SHALL send X" — the by-agent is the actor
        # (none when the passive has no agent: any actor) and the passive subject is the object
        passive = subj.dep_ == "nsubjpass" and head.i == v.i and any(c.dep_ == "auxpass" for c in v.children)
        pas_obj = _phrase(subj) if passive else ""
        if passive:
            agent = next((p for c in v.children if c.dep_ == "agent" for p in c.children if p.dep_ == "pobj"), None)
            actor = (_value_text(agent) if "-" in _value_text(agent) else _lem(agent)) if agent is not None and agent.pos_ != "PRON" else ""
            actor_mods = tuple(sorted(_lem(c) for c in agent.children if c.dep_ in ("amod", "compound"))) if agent is not None else ()
            local = False
        prt = next((c.lower_ for c in v.children if c.dep_ == "prt"), None)
        if prt:
            action = f"{action} {prt}"
        xc = next((c for c in v.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ == "VERB"), None)
        kept = None
        if v.lemma_.lower() in _KEEP and not passive:
            # "keep every valve closed": the state is the action the actor upholds on the thing ("close the valve")
            st = xc if xc is not None and xc.tag_ == "VBN" else None
            tgt = next((c for c in st.children if c.dep_ in ("nsubj", "nsubjpass")), None) if st is not None else None
            if st is not None and tgt is not None and tgt.pos_ in ("NOUN", "PROPN"):
                action, kept, xc = st.lemma_.lower(), tgt, None
            else:  # "keep the alert history immutable": a property the thing must have
                d = next((c for c in v.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")), None)
                adj = next((c for c in v.children if c.dep_ in ("oprd", "acomp") and c.pos_ == "ADJ"), None)
                if d is not None and adj is not None:
                    skey = " ".join(_lem(t) for t in d.subtree if t.dep_ not in ("det", "case", "punct", "poss") and t.pos_ not in ("DET", "ADP", "PART", "SPACE", "PRON"))
                    props.append(Proposition(_lem(d), "be", (), negated, modality, False, (), _dtext(doc), exception,
                                             f"{skey} {m_word} {'not ' if negated else ''}be {_value_text(adj)}".replace("  ", " "),
                                             conditions, skey, (_value_text(adj),), "adj", (), (), content))
        written_verb, written_neg = action, negated
        if action in ANTONYMS and (action not in _STATE_VERBS or kept is not None or pas_obj
                                   or any(c.dep_ == "dobj" for c in v.children)):
            # (a state verb without an object is an event: "check-in closes 30 minutes before departure")
            action, flip = ANTONYMS[action]
            negated = negated != flip
        if xc is not None:
            action = f"{action} {xc.lemma_.lower()}"  # "allow users to delete" is not "allow an album to contain"
        freq_toks = _freq_tokens(v)
        freq_ids = {t.i for t in freq_toks}
        objs: list[str] = [pas_obj] if pas_obj else [_phrase(kept)] if kept is not None else []
        targets = [v] + ([xc] if xc is not None else [])
        for x in targets:
            for c in x.children:
                if c.dep_ in ("dobj", "attr", "oprd", "dative") and c.i not in freq_ids:
                    objs.append(_phrase(c))
                    objs.extend(_phrase(y) for y in c.conjuncts)
                if c.dep_ == "prep" and c.lower_ not in _COND_MARKS | {"for", "at", "per", "every"} and c.i not in freq_ids:
                    for p in c.children:
                        if p.dep_ == "pobj" and p.i not in freq_ids and not p.like_num:
                            objs.append(_phrase(p))
                            objs.extend(_phrase(y) for y in p.conjuncts)
            for c in x.children:  # "to the next hop" hangs under the object sometimes
                if c.dep_ == "dobj":
                    for pp in c.children:
                        if pp.dep_ == "prep" and pp.lower_ in ("to", "from", "in", "into", "via", "through", "with", "by", "as", "on"):
                            for p in pp.children:
                                if p.dep_ == "pobj" and not p.like_num:
                                    objs.append(_phrase(p))
        roles: list[tuple[str, str]] = [("dobj", pas_obj)] if pas_obj else [("dobj", _phrase(kept))] if kept is not None else []
        for x in targets:
            for c in x.children:
                if c.dep_ in ("dobj", "dative") and c.i not in freq_ids:
                    roles += [("dobj", _phrase(y)) for y in (c, *c.conjuncts)]
                    for pp in c.children:
                        if pp.dep_ == "prep":
                            roles += [(pp.lower_, _phrase(p)) for p in pp.children if p.dep_ == "pobj" for p in (p, *p.conjuncts)]
                if c.dep_ == "prep" and c.i not in freq_ids:
                    roles += [(c.lower_, _phrase(p)) for p in c.children if p.dep_ == "pobj" for p in (p, *p.conjuncts)]
        enum_kind, enum_vals = "", ()
        for x in targets:
            for c in x.children:
                pobj = next((p for p in c.children if p.dep_ == "pobj"), None) if c.dep_ == "prep" and c.lower_ in _ROLE_CLASS else None
                if pobj is not None and (pobj.lower_ in ("one", "either") or any(t.lower_ == "either" for t in pobj.subtree)):
                    # "delivered through one of the following channels: SMS, email, or push": the allowed means
                    rest = _dtext(doc)[c.idx:]
                    rest = "one of " + rest.split(":", 1)[1] if ":" in rest else rest
                    alts = _alternatives(rest)
                    if len(alts) >= 2:
                        enum_kind, enum_vals = "enum:" + _ROLE_CLASS[c.lower_], tuple(alts)
        only_role = ""
        for t in v.subtree:
            if t.lower_ in _ONLY and t.i + 1 < len(doc) and (t.head.i == v.i or t.head.head.i == v.i):
                nx = doc[t.i + 1]
                if nx.dep_ == "prep" and any(r == nx.lower_ for r, _ in roles):
                    only_role = nx.lower_
                elif nx.i == v.i and len({r for r, _ in roles}) == 1:
                    only_role = roles[0][0]  # "must only respond in English": the one thing the verb takes
                elif nx.i <= max((c.i for c in v.subtree if c.dep_ == "dobj"), default=-1) and nx.pos_ in ("NOUN", "PROPN", "ADJ", "NUM", "DET"):
                    only_role = "dobj"
                break
        if not passive and kept is None and not any(r == "dobj" for r, _ in roles) and subj.pos_ in ("NOUN", "PROPN"):
            roles.append(("subj", _phrase(subj)))  # "reminders go out on Sundays": the thing the verb tells of
        cap = able or v.lemma_ in CAPACITY
        bounds = tuple(_bounds(v, cap))
        number = ()
        if not bounds:
            for t in v.subtree:
                if t.pos_ == "NUM" and _num_value(t) is not None and t.i not in freq_ids:
                    n = _number(t)
                    if n is not None and n[0]:
                        if cap and n[0] not in ("time",):
                            bounds = (Bound(n[0], ">=", n[1], n[2]),)
                        else:
                            number = n
                    break
        # the quantity noun is not a target: "256 pixels" is the value, "thumbnail" the target
        qn = {b.quantity for b in bounds} | ({number[0]} if number else set())
        objs = [o for o in objs if o.split()[-1] not in qn]
        freq, freq_op = _frequency(doc, freq_toks)
        if freq and number and number[0] == freq[0]:
            number = ()  # "every 6 hours" is the frequency, not a value
        if freq_op == ">=" and negated and re.search(r"\bmore (?:often|frequently) than\b", _dtext(doc).lower()):
            negated = False  # "MUST NOT send more often than once every 5 minutes": a bound on the period
        if not passive and subj.pos_ in ("NOUN", "PROPN") and number and number[0] == "time" and (
                v.lemma_.lower() == "expire" or v.lemma_.lower() in ("remain", "stay") and any(c.dep_ == "acomp" and c.lemma_.lower() == "valid" for c in v.children)):
            # "codes MUST expire five days after …" / "codes MUST remain valid for 72 hours": how long the thing is valid
            props.append(_validity(subj, number, negated, modality, _dtext(doc), exception, conditions, content))
        if v.lemma_.lower() in _INIT and not passive:
            # "senders MUST start the retransmission timer at 500 milliseconds": the parameter's (initial) value
            d = next((c for c in v.children if c.dep_ == "dobj" and c.pos_ in ("NOUN", "PROPN")), None)
            at = next((q for c in v.children if c.dep_ == "prep" and c.lower_ in ("at", "to") for q in c.children if q.dep_ == "pobj"), None)
            n = _number(next(c for c in at.children if c.dep_ == "nummod")) if at is not None and _is_duration(at) else None
            if d is not None and n:
                skey = (" ".join(_lem(t) for t in d.subtree if t.i < d.i and t.dep_ in ("compound", "amod", "nmod")) + " " + _lem(d)).strip()
                props.append(Proposition(_lem(d), "be", (), negated, modality, False, (), _dtext(doc), exception,
                                         f"{v.lemma_.lower()} the {skey} at {n[2]}", conditions, skey, (), "number", n, (), content))
        if not passive and subj.pos_ in ("NOUN", "PROPN"):
            props.extend(_attributes(v, subj, negated, modality, _dtext(doc), exception, conditions, content))
        if v.lemma_.lower() in ("receive", "get") and not passive and subj.pos_ in ("NOUN", "PROPN"):
            # "ward managers MUST NOT receive a notification" is "ward managers MUST NOT be notified": the converse
            # of a nominalised verb (-ification -> -ify), whoever sends it
            nom = next((c for c in v.children if c.dep_ == "dobj" and c.lemma_.lower().endswith("ification")), None)
            if nom is not None:
                verb = nom.lemma_.lower()[: -len("ification")] + "ify"
                me = _phrase(subj)
                props.append(Proposition("", verb, (me,), negated, modality, False, (), _dtext(doc), exception,
                                         f"{me} {m_word} {'not ' if negated else ''}receive {_lem(nom)}".replace("  ", " "),
                                         conditions, "", (), "", (), (), content, (("dobj", me),)))
        if action.split()[0] in ("use", "apply", "assume"):
            props.extend(_use_value(v, negated, modality, _dtext(doc), exception, conditions, content))
        if action.split()[0] in _ASSIGN:
            props.extend(_assignment(v, action.split()[0], negated, modality, _dtext(doc), exception, conditions, content))
        said = " ".join(w for w in (actor, m_word, "not" if written_neg else "", written_verb, " ".join(objs[0].split()[:3]) if objs else "") if w)
        props.append(Proposition(actor, action, tuple(dict.fromkeys(objs)), negated, modality, bool(only_role), bounds, _dtext(doc),
                                 exception, said, conditions, "", enum_vals, enum_kind, number, freq, content, tuple(dict.fromkeys(roles)), only_role,
                                 actor_mods=actor_mods, freq_op=freq_op if freq else "", concessive=_concessive(v, head)))
    return tuple(props)


def _validity(subj, number, negated, modality, text, exception, conditions, content) -> Proposition:
    key = f"{_phrase(subj)} validity"
    return Proposition(_lem(subj), "be", (), negated, modality, False, (), text, exception, f"{_phrase(subj)} valid for {number[2]}",
                       conditions, key, (), "number", number, (), content)


def _attributes(v, subj, negated, modality, text, exception, conditions, content) -> list[Proposition]:
    """An attribute of a thing and its value(s), as copular statements on "<thing> <attribute>":
    "every alert SHALL carry a severity of info, warning, or critical" (allowed values of "alert severity");
    "the system SHALL raise an alert with severity emergency" / "… with a severity of emergency" (a value of it)."""
    out = []
    for d in v.children:
        if d.dep_ != "dobj" or d.pos_ not in ("NOUN", "PROPN"):
            continue
        of = next((p for c in d.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"), None)
        if of is not None and of.conjuncts and not any(c.dep_ == "det" for c in of.children):
            vals = tuple(_value_text(x) for x in (of, *of.conjuncts))
            key = f"{_lem(subj)} {_lem(d)}"
            out.append(Proposition(_lem(subj), "be", (), negated, modality, False, (), text, exception,
                                   f"{key} be one of {', '.join(vals)}", conditions, key, vals, "enum", (), (), content))
        for c in d.children:
            if c.dep_ != "prep" or c.lower_ != "with":
                continue
            p = next((x for x in c.children if x.dep_ == "pobj"), None)
            if p is None or p.pos_ not in ("NOUN", "PROPN", "ADJ") or p.tag_ in ("NNS", "NNPS") \
                    or any(x.dep_ in ("det", "poss", "amod", "nummod") for x in p.children):
                continue  # "with the error message", "with retry options": a thing, not an attribute's value
            attr = [x for x in p.children if x.dep_ == "compound"]
            sub = next((x for g in p.children if g.dep_ == "prep" and g.lower_ == "of" for x in g.children if x.dep_ == "pobj"), None)
            if len(attr) == 1 and not list(attr[0].children) and not p.conjuncts:
                a_name, val = _lem(attr[0]), _value_text(p)  # "with severity emergency"
            elif sub is not None and not sub.conjuncts and not any(x.dep_ == "det" for x in sub.children):
                a_name, val = _lem(p), _value_text(sub)  # "with a severity of emergency"
            else:
                continue
            key = f"{_lem(d)} {a_name}"
            out.append(Proposition(_lem(d), "be", (), negated, modality, False, (), text, exception,
                                   f"{key} be {val}", conditions, key, (val,), "value", (), (), content))
    return out


def _use_value(v, negated, modality, text, exception, conditions, content) -> list[Proposition]:
    """"use a default soil moisture threshold of 30 percent", "apply a timeout of 5 seconds": the value of a
    named parameter, as a copular statement ("the default soil moisture threshold is 30 percent")."""
    obj = next((c for c in v.children if c.dep_ == "dobj"), None)
    if obj is None or obj.pos_ not in ("NOUN", "PROPN"):
        return []
    val = next((p for c in obj.children if c.dep_ == "prep" and c.lower_ == "of" for p in c.children if p.dep_ == "pobj"), None)
    if val is None:
        return []
    numtok = val if _num_value(val) is not None else next((c for c in val.children if c.dep_ == "nummod" and _num_value(c) is not None), None)
    number = _number(numtok) if numtok is not None else None
    if not number or not number[0]:
        return []
    skey = " ".join(_lem(t) for t in obj.subtree if t.i < obj.i and t.dep_ in ("compound", "amod", "nmod"))
    skey = (skey + " " + _lem(obj)).strip()
    said = f"{v.lemma_.lower()} {skey} of {number[2]}"
    return [Proposition(_lem(obj), "be", (), negated, modality, False, (), text, exception, said, conditions, skey, (), "number",
                        number, (), content)]


def _assignment(v, verb, negated, modality, text, exception, conditions, content) -> list[Proposition]:
    """"record the vehicle category as trailer", "set the timeout to 5 seconds": the value of a named thing,
    as a copular statement ("the vehicle category is trailer") so that it meets the thing's allowed values."""
    prep = _ASSIGN[verb]
    obj = next((c for c in v.children if c.dep_ == "dobj"), None)
    if obj is None or obj.pos_ == "PRON":
        return []
    val = next((p for c in list(v.children) + list(obj.children) if c.dep_ == "prep" and c.lower_ == prep
                for p in c.children if p.dep_ == "pobj"), None)
    if val is None:
        return []
    skey = " ".join(_lem(t) for t in obj.subtree if t.i < obj.i and t.dep_ in ("compound", "amod", "nmod")) 
    skey = (skey + " " + _lem(obj)).strip()
    number = ()
    values: tuple = ()
    kind = "value"
    numtok = val if _num_value(val) is not None else next((c for c in val.children if c.dep_ == "nummod" and _num_value(c) is not None), None)
    if numtok is not None:
        number = _number(numtok) or ()
        kind = "number"
    elif any(c.dep_ in ("det", "prep", "relcl", "acl", "amod", "compound", "poss") for c in val.children):
        values, kind = (_value_text(val),), "desc"
    else:
        values = (_value_text(val),)
    said = f"{verb} the {skey} {prep} {values[0] if values else number[2] if number else ''}".strip()
    return [Proposition(_lem(obj), "be", (), negated, modality, False, (), text, exception, said, conditions, skey, values, kind,
                        number, (), content)]


def _verb_of(t):
    """The nearest verb above a token (the clause it belongs to)."""
    h = t.head
    while h.i != h.head.i and h.pos_ not in ("VERB", "AUX"):
        h = h.head
    return h


def _bounds(v, cap: bool = False) -> list[Bound]:
    out = []
    for t in v.subtree:
        if not (t.pos_ == "NUM" and _num_value(t) is not None):
            continue
        n = _number(t)
        if n is None or not n[0]:
            continue
        window = [x.lower_ for x in t.doc[max(0, t.i - 4) : t.i]]
        neg = any(x.dep_ == "neg" or x.lower_ in ("never", "not") for x in t.doc[max(0, v.i - 3) : v.i + 2])
        op = None
        cmp = t.doc[t.i - 2] if t.i >= 2 and window[-1:] == ["than"] else None
        if re.search(r"\b(?:no|not) (?:more|greater|longer|larger) than$", " ".join(window)):
            op = "<="  # "no more than 3 requests"
        elif cmp is not None and cmp.tag_ in ("JJR", "RBR") and cmp.lower_ not in ("more", "less", "fewer") and _verb_of(t).i == v.i:
            # "parcels heavier than 15 kg MUST be refused": what is accepted is at most 15 kg
            op = "<=" if cmp.lower_ in _SMALLER else ">="
            if neg or v.lemma_.lower() in ANTONYMS and ANTONYMS[v.lemma_.lower()][1]:
                op = ">=" if op == "<=" else "<="
        elif "least" in window or "minimum" in window or "min" in window:
            op = ">="
        elif any(w in ("most", "max", "maximum", "under", "below", "within", "up", "fewer", "less") for w in window) or window[-2:] == ["no", "more"]:
            op = "<="
        elif any(w in ("more", "over", "above", "exceed", "exceeds", "beyond") for w in window) or v.lemma_ == "exceed":
            op = "<=" if neg or window[-2:] == ["no", "more"] else ">="
        if op == "<=" and cap and not neg and window[-2:] == ["up", "to"]:
            # "MUST accept parcels of up to 25 kg": 25 kg must be accepted, and it is the limit
            out.append(Bound(n[0], ">=", n[1], t.doc[max(0, t.i - 3) : t.i + 2].text))
        if op:
            out.append(Bound(n[0], op, n[1], t.doc[max(0, t.i - 3) : t.i + 2].text))
    return out


# -- the index ---------------------------------------------------------------------------------------

_FRAME_SKIP = {"", "it", "system", "assistant", "implementation", "be"}
SEM_TOP_K = 8  # semantic candidates per statement: its nearest neighbours in its blocks …
SEM_MIN = 0.5  # … whose frames are at least this close (cosine)
SEM_MIN_PRED = 0.3  # … or whose predicates (conflicts.predicate: a paraphrase shares few frame words) are this close
SEM_BLOCK = 2000  # a block (a folder, a family of same-named documents) larger than this is searched per document only


def frame_text(props) -> str:
    """What a statement is about, for its embedding: the actor (unless a generic one), the action, the subject and
    the objects of its propositions ("sender set initial retransmission timeout")."""
    words: list[str] = []
    for p in props:
        for part in (p.actor, p.action.split()[0] if p.action else "", p.subject, *p.objects[:2]):
            if part not in _FRAME_SKIP:
                words += [w for w in part.split() if w not in words]
    return " ".join(words[:24])


def _blocks(path: str) -> tuple:
    """The groups of documents a statement's semantic neighbours are looked for in: its document, its folder and
    the same-named documents of sibling folders (what `_related` compares)."""
    folder = _scope(path)
    name = path.rsplit("/", 1)[-1]
    return (("d", path), ("f", folder), ("n", _scope(folder), name))


class ContradictionIndex:
    def __init__(self) -> None:
        self._props: dict[Hashable, tuple[tuple[Proposition, ...], ClauseMeta]] = {}
        self._post: dict[str, set] = {}
        self._vec: dict[Hashable, object] = {}  # clause key -> frame embedding (semantic layer only)
        self._block: dict[tuple, set] = {}  # block -> clause keys with an embedding
        self.comparisons = 0  # pairs actually compared (for tests and benchmarks)

    def _semantic_candidates(self, a, meta: ClauseMeta, mats: dict) -> set:
        """The statements whose frames are nearest to `a`'s (top SEM_TOP_K at cosine ≥ SEM_MIN) in each of its
        blocks; a block larger than SEM_BLOCK is left to the document block.  Cost per statement: its blocks' size."""
        import numpy as np

        va = self._vec[a].astype("float32")
        out: set = set()
        rows = va.reshape(-1, va.shape[-1])  # one row (the frame) or two (the frame, the predicate: conflicts.py)
        for b in _blocks(meta.path):
            members = self._block.get(b)
            if not members or len(members) > SEM_BLOCK or len(members) < 2:
                continue
            got = mats.get(b)
            if got is None or len(got[0]) != len(members):
                ks = list(members)
                got = (ks, np.stack([self._vec[k] for k in ks]).astype("float32"))
                mats[b] = got
            ks, m = got
            m = m.reshape(len(ks), -1, rows.shape[-1])
            for r in range(min(len(rows), m.shape[1])):
                sims = m[:, r, :] @ rows[r]
                top = np.argsort(-sims)[: SEM_TOP_K + 1]
                out |= {ks[j] for j in top if sims[j] >= (SEM_MIN if r == 0 else SEM_MIN_PRED)}
        return out

    @staticmethod
    def _keys(p: Proposition) -> set[str]:
        ks = {f"a:{p.actor}|{p.action.split()[0]}"}
        if p.action != "be":  # an agentless passive meets the active statement on (verb, object), whatever its actor
            ks |= {f"o:{p.action.split()[0]}|{t}" for r, t in p.roles if r == "dobj"}
        if p.subject:
            ks.add(f"s:{p.subject}")
        if p.freq and p.objects:
            ks.add(f"f:{p.actor}|{'|'.join(sorted(_words(p)))}")  # a rate limit on a thing, whatever the verb
        if p.freq:  # … and whoever does it (an agentless rate bound), or the thing's own schedule ("reminders go out …")
            ks |= {f"fo:{t}" for r, t in p.roles if r in ("dobj", "subj")}
        for b in p.bounds:
            ks.add(f"q:{b.quantity}")
            ks |= {f"c:{c}" for c in p.content}
        return ks

    def update(self, key: Hashable, props: tuple[Proposition, ...], meta: ClauseMeta, vec=None) -> None:
        self.remove(key)
        self._props[key] = (tuple(props), meta)
        for p in props:
            for k in self._keys(p):
                self._post.setdefault(k, set()).add(key)
        if vec is not None and props:
            self._vec[key] = vec
            for b in _blocks(meta.path):
                self._block.setdefault(b, set()).add(key)

    def remove(self, key: Hashable) -> None:
        old = self._props.pop(key, None)
        if old is None:
            return
        if self._vec.pop(key, None) is not None:
            for b in _blocks(old[1].path):
                s = self._block.get(b)
                if s is not None:
                    s.discard(key)
                    if not s:
                        del self._block[b]
        for p in old[0]:
            for k in self._keys(p):
                s = self._post.get(k)
                if s is not None:
                    s.discard(key)
                    if not s:
                        del self._post[k]

    def __len__(self) -> int:
        return len(self._props)

    def conflicts(self, keys: Iterable[Hashable] | None = None) -> list[Conflict]:
        return list(self.iter_conflicts(keys))

    def iter_conflicts(self, keys: Iterable[Hashable] | None = None):
        """The conflicts of `keys` (all clauses when None) with any clause, each pair once, streamed.

        Bounded memory (issue 9, item 10): no set of the pairs already compared is kept (on 6,000
        files that set held every candidate pair, 6.9 GB).  Each pair is compared once by order
        instead: a pair of two clauses that are both in `keys` is compared when the earlier one (in
        `keys` order) is processed.  Only one clause's candidate set exists at a time.
        (A rewrite of this model should keep that property: no structure that grows with the number
        of candidate *pairs*; conflicts found are yielded, not collected.)"""
        todo = list(self._props) if keys is None else list(dict.fromkeys(k for k in keys if k in self._props))
        order = {k: i for i, k in enumerate(todo)}
        mats: dict[tuple, tuple] = {}  # block -> (keys, matrix), built once per call and only for blocks in use
        for i, a in enumerate(todo):
            pa, ma = self._props[a]
            cands: set = set()
            for p in pa:
                for k in self._keys(p):
                    s = self._post.get(k, ())
                    if len(s) <= MAX_POSTING:
                        cands |= s
            if a in self._vec:
                cands |= self._semantic_candidates(a, ma, mats)
            cands.discard(a)
            for b in cands:
                j = order.get(b)
                if j is not None and j < i:
                    continue  # compared when b was processed
                pb, mb = self._props[b]
                if ma.path and mb.path and not _related(ma.path, mb.path):
                    continue  # statements of unrelated documents (another folder) are not compared
                self.comparisons += 1
                cf = _compare(a, pa, ma, b, pb, mb)
                if cf is not None:
                    yield cf


def _scope(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _related(a: str, b: str) -> bool:
    """Two documents of one spec: in one folder, or the same-named document of two sibling feature folders
    (`specs/booking/spec.md` / `specs/notifications/spec.md`: two capabilities of one system)."""
    fa, fb = _scope(a), _scope(b)
    if fa == fb:
        return True
    return a.rsplit("/", 1)[-1] == b.rsplit("/", 1)[-1] and "/" in fa and "/" in fb and _scope(fa) == _scope(fb) or \
        a.rsplit("/", 1)[-1] == b.rsplit("/", 1)[-1] and fa and fb and "/" not in fa and "/" not in fb


def _antonyms(a: str, b: str) -> bool:
    if frozenset({a, b}) in ADJ_ANTONYMS:
        return True
    for x, y in ((a, b), (b, a)):
        for pre in _PREFIXES:
            if x == pre + y and len(y) > 3:
                return True
    return False


_ADJ_SUFFIX = re.compile(r"(?:ent|ant|ous|al|ive|ic|able|ible|ful|less|ary|ory|ed|ing|ish|like)$")


def _adjectival(v: str) -> bool:
    return bool(_ADJ_SUFFIX.search(v)) and not any(ch.isdigit() for ch in v)


def _words(p: Proposition) -> set[str]:
    return {w for o in p.objects for w in re.split(r"[\s]+", o) if w}


# soft matching (round 4): two noun phrases that name one thing
SOFT_PHRASE = 0.6  # cosine of the two phrases (WordLlama) when their head nouns differ
SOFT_HEAD = 0.28  # cosine of the two head nouns: "timeout"/"timer" 0.38, "check"/"validation" 0.29; "limit"/"price" 0.03
_CONTRAST = {frozenset(p) for p in (("min", "max"), ("minimum", "maximum"), ("first", "last"), ("initial", "final"),
                                    ("lower", "upper"), ("small", "large"), ("input", "output"), ("inbound", "outbound"),
                                    ("request", "response"), ("sender", "receiver"), ("client", "server"), ("source", "target"))}


def _contrast(a: set[str], b: set[str]) -> bool:
    """Words of one phrase that stand against words of the other ("initial" / "final", "public" / "private")."""
    return any(frozenset({x, y}) in _CONTRAST or _antonyms(x, y) for x in a for y in b if x != y)


def same_thing(a: str, b: str, qualified: bool = False) -> bool:
    """Do two noun phrases (lemmatised, modifiers first, head last) name one thing?

    Literal: equal phrases.  Without the semantic layer nothing else matches.  With it:
    * one head, and one phrase of at least two words is the other with one more modifier in front
      ("soil moisture threshold" / "default soil moisture threshold"); different modifiers on one head are two
      things of one kind ("small locker" / "large locker", "client timeout" / "server timeout");
    * two heads that are near-synonyms (their own cosine ≥ SOFT_HEAD, the phrases' ≥ SOFT_PHRASE) sharing a
      modifier ("retransmission timeout" / "retransmission timer", "eligibility check" / "eligibility validation").
    * with `qualified`, the longer phrase is the shorter one with qualifiers after it ("mathematical expression" /
      "mathematical expression assistant reply") — for the things an action is done to, never for a parameter's
      name ("idle timeout" / "idle timeout for administrative sessions" are two parameters).
    Never when a word of one stands against a word of the other (initial/final, request/response, an antonym)."""
    if a == b:
        return True
    if not a or not b or _semantic.current() is None:
        return False
    wa, wb = a.split(), b.split()
    ha, hb = wa[-1], wb[-1]
    ma, mb = set(wa[:-1]), set(wb[:-1])
    if _contrast(set(wa) - set(wb), set(wb) - set(wa)):
        return False
    short, long_ = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    if qualified and len(short) >= 2 and long_[: len(short)] == short:
        return True  # "mathematical expression" / "mathematical expression assistant reply" (the phrase's qualifiers follow it)
    if ha == hb:
        # one more modifier in front ("default soil moisture threshold"); not a phrase whose last words are a
        # qualifier ("dns part rdns value": the part of the value, not the value)
        return long_[-len(short):] == short and len(long_) - len(short) == 1 and len(short) >= 2
    if not (ma & mb) or any(w.isdigit() for w in wa + wb):
        return False
    return _semantic.similarity(ha, hb) >= SOFT_HEAD and _semantic.similarity(a, b) >= SOFT_PHRASE


def _soft_words_equal(x: "Proposition", y: "Proposition") -> bool:
    """The two statements act on the same things: equal object words, or each object of one names an object of
    the other (same_thing)."""
    if _words(x) == _words(y):
        return True
    if not x.objects or not y.objects or _semantic.current() is None:
        return False
    return all(any(same_thing(o, p) for p in y.objects) for o in x.objects) and \
        all(any(same_thing(o, p) for p in x.objects) for o in y.objects)


def _targets_conflict(pos: Proposition, neg: Proposition) -> bool:
    """The prohibition covers what the obligation asks for: its target words are a subset of the obligation's."""
    if not pos.objects and not neg.objects:
        return True
    if bool(neg.objects) and _words(neg) <= _words(pos):
        return True
    return bool(neg.objects) and _semantic.current() is not None and all(any(same_thing(o, p) for p in pos.objects) for o in neg.objects)


def _kind(x: Proposition, y: Proposition) -> tuple[str, str] | None:
    if x.conditional or y.conditional:
        return None  # a default and its exception: not a contradiction
    if x.actor == y.actor and x.actor_mods and y.actor_mods and x.actor_mods != y.actor_mods:
        return None  # "small compartments" / "large compartments": two things of one kind
    if x.conditions != y.conditions:
        if x.conditions and y.conditions:
            return None  # different conditions: both can hold
        # one holds in every case: an allowed-value set or a bound is an invariant that a statement under a
        # condition can break ("the category SHALL be one of …" / "WHEN …, record the category as trailer")
        inv, cond = (x, y) if not x.conditions else (y, x)
        got = _kind(replace(x, conditions=()), replace(y, conditions=()))
        if got is not None and got[0] == "polarity" and inv.negated and not cond.negated and inv.modality in ("must", "should") \
                and cond.modality in ("must", "should") and inv.action != "be" and set(inv.concessive) & set(cond.conditions):
            # a prohibition that says it holds even in the case ("MUST NOT reveal the answer, even when the student asks
            # for it") against an obligation under that case ("when a student asks for the solution, SHOULD provide …");
            # without "even when", a conditional obligation is an exception to the prohibition
            return got
        if got is None or got[0] not in ("enumeration", "bounds", "frequency"):
            return None
        if got[0] == "frequency" and not inv.freq_op and not (inv.only and not cond.only):
            return None  # only a bound on the period ("not more often than once every 5 minutes") holds in every case
        if got[0] == "bounds" and not (any(b.op == "<=" for b in inv.bounds) and any(b.op == ">=" for b in cond.bounds)):
            return None  # a narrower limit under a condition is an exception to a general capacity, not a conflict
        if got[0] == "enumeration" and not (inv.value_kind == "enum" and cond.value_kind == "value"
                                            or inv.value_kind.startswith("enum:") and not cond.value_kind):
            return None  # under a condition only a named value breaks the set ("MUST be present if …" is about existence)
        return got
    strong = ("must", "should", "is")
    if x.action == "be" or y.action == "be":
        if not (x.subject and x.action == y.action and same_thing(x.subject, y.subject)):
            return None
        if x.negated != y.negated:
            if x.values and y.values and set(x.values) & set(y.values) and x.modality in strong + ("may",) and y.modality in strong + ("may",):
                return "polarity", f"“{x.said}” against “{y.said}”"
            return None
        if x.negated or x.modality not in strong or y.modality not in strong:
            return None
        if x.number and y.number and x.number[0] == y.number[0] and x.number[1] != y.number[1]:
            return "parameter", f"“{x.number[2]}” against “{y.number[2]}” for the {x.subject}"
        if x.values and y.values and not set(x.values) & set(y.values):
            if len(x.values) == 1 and len(y.values) == 1 and _antonyms(x.values[0], y.values[0]):
                return "antonym", f"“{x.values[0]}” against “{y.values[0]}”"
            if (x.value_kind == "adj" or y.value_kind == "adj" or _adjectival(x.values[0]) or _adjectival(y.values[0])) \
                    and len(x.values) == 1 and len(y.values) == 1 and not (x.only or y.only):
                return None  # two properties can hold together ("synchronous", "idempotent")
            if x.value_kind == "desc" or y.value_kind == "desc":
                return None  # descriptions ("the address of the token contract") can both hold
            if x.value_kind == "enum" or y.value_kind == "enum":
                return "enumeration", f"{' / '.join(x.values)} against {' / '.join(y.values)}"
            if len(x.values) > 1 or len(y.values) > 1:
                return None
            return "parameter", f"“{x.values[0]}” against “{y.values[0]}” for the {x.subject}"
        return None
    if x.bounds and y.bounds:
        got = _bounds_kind(x, y)
        if got is not None:
            return got
    if x.action != y.action and x.freq and y.freq and (x.freq_op or y.freq_op) and x.objects and y.objects \
            and not x.negated and not y.negated and _freq_conflict(x, y) and (
                x.actor == y.actor != "it" and _soft_words_equal(x, y)
                or _rate_bound_covers(*((x, y) if x.freq_op and not x.actor else (y, x))) and not (x.freq_op and y.freq_op)):
        # a bound on how often the actor may do anything with the thing ("MUST NOT send keepalives more often than
        # once every 5 minutes") against a period for it under another verb ("MUST transmit a keepalive every 30 s")
        return "frequency", f"{_freq_text(x.freq, x.freq_op)} against {_freq_text(y.freq, y.freq_op)}"
    if x.action == y.action and (x.actor == "") != (y.actor == ""):
        pas, act = (x, y) if x.actor == "" else (y, x)
        dobj = {t for r, t in pas.roles if r == "dobj"}
        if dobj and dobj <= {t for r, t in act.roles if r == "dobj"}:
            # "X MUST NOT be shared with third parties" speaks of whoever shares X: the active statement's actor
            return _kind(replace(pas, actor=act.actor, actor_mods=act.actor_mods), act)
    for e, o in ((x, y), (y, x)):
        if e.value_kind.startswith("enum:") and not o.value_kind and not e.negated and not o.negated \
                and (e.action == o.action or not e.actor or not o.actor):
            # "MUST be delivered through one of SMS, email or push" / "MUST send the code by voice call": the same
            # thing by a means (or in a form) outside the allowed ones (the verb may differ when one side is agentless)
            role = e.value_kind[5:]
            ed, od = [t for r, t in e.roles if r == "dobj"], [t for r, t in o.roles if r == "dobj"]
            theirs = [t for r, t in o.roles if _ROLE_CLASS.get(r) == role]
            allowed = {w for a in e.values for w in re.findall(r"\w+", a)}
            if ed and od and theirs and any(same_thing(a, b, True) for a in ed for b in od) \
                    and all(not set(t.split()) & allowed for t in theirs):
                return "enumeration", f"{' / '.join(e.values)} against {theirs[0]}"
    if x.freq and y.freq and not x.negated and not y.negated and (x.actor, x.action) != (y.actor, y.action):
        for a, b in ((x, y), (y, x)):
            subj = [t for r, t in a.roles if r == "subj"]
            if subj and any(same_thing(subj[0], t) for r, t in b.roles if r == "dobj") and _freq_conflict(x, y):
                # "meal-prep reminders go out only on Sundays" / "the assistant sends the meal-prep reminder every day"
                return "frequency", f"{_freq_text(x.freq, x.freq_op)} against {_freq_text(y.freq, y.freq_op)}"
    if (x.actor, x.action) != (y.actor, y.action) or x.actor == "it":
        # bounds may relate statements with different actors ("a batch …" / "receivers … batches of …")
        return _bounds_kind(x, y)
    if x.negated != y.negated:
        pos, neg = (x, y) if not x.negated else (y, x)
        if neg.modality in ("must", "should", "may") and pos.modality in ("must", "should", "may", "is") and not (pos.modality == "may" and neg.modality == "may"):
            if _targets_conflict(pos, neg) and not pos.bounds and not neg.bounds:
                return "polarity", f"“{_verb_phrase(x)}” against “{_verb_phrase(y)}”"
        return None
    if x.negated:
        return None
    for o, other in ((x, y), (y, x)):
        if o.only_role and not other.only_role:
            mine = {t for r, t in o.roles if r == o.only_role}
            theirs = {t for r, t in other.roles if r == o.only_role}
            extra = sorted(theirs - mine)
            if mine and extra and {t for r, t in o.roles if r != o.only_role} <= {t for r, t in other.roles if r != o.only_role} | set():
                return "exclusivity", f"“only {o.only_role if o.only_role != 'dobj' else ''} {', '.join(sorted(mine))}”".replace("  ", " ") + f" against {', '.join(extra)}"
    if x.freq and y.freq and _soft_words_equal(x, y) and _freq_conflict(x, y):
        return "frequency", f"{_freq_text(x.freq, x.freq_op)} against {_freq_text(y.freq, y.freq_op)}"
    if x.number and y.number and _soft_words_equal(x, y) and (x.objects or x.roles and set(x.roles) == set(y.roles)) \
            and x.number[0] == y.number[0] and x.number[1] != y.number[1]:
        return "parameter", f"“{x.number[2]}” against “{y.number[2]}”"
    return _bounds_kind(x, y)


def _rate_bound_covers(bound: Proposition, other: Proposition) -> bool:
    """An agentless rate bound ("soil moisture SHALL be read no more often than once per hour") holds for anyone
    acting on its object, whatever the verb: each thing it bounds is one of the other statement's objects."""
    if bound.actor or not bound.freq_op:
        return False
    mine = [t for r, t in bound.roles if r == "dobj"]
    theirs = [t for r, t in other.roles if r == "dobj"]
    return bool(mine) and bool(theirs) and all(any(same_thing(o, t) for t in theirs) for o in mine)


def _bounds_kind(x: Proposition, y: Proposition) -> tuple[str, str] | None:
    if x.conditions != y.conditions or x.negated and not x.bounds or y.negated and not y.bounds:
        return None
    shared = (set(x.content) & set(y.content)) - {b.quantity for b in x.bounds + y.bounds}
    if not shared and (x.actor != y.actor or not x.actor):
        return None  # (two agentless passives have no actor in common)
    for bx in x.bounds:
        for by in y.bounds:
            if bx.quantity == by.quantity and bx.op != by.op:
                lo, hi = (bx, by) if bx.op == ">=" else (by, bx)
                if lo.value > hi.value:
                    return "bounds", f"“{lo.text}” (at least) against “{hi.text}” (at most)"
    return None


def _freq_conflict(x: Proposition, y: Proposition) -> bool:
    """An exact period against another, or against a bound on the period it breaks."""
    (a, oa), (b, ob) = (x.freq[1], x.freq_op), (y.freq[1], y.freq_op)
    if not oa and not ob:
        return tuple(x.freq) != tuple(y.freq)
    if x.freq[0] != y.freq[0]:
        return False
    if oa and ob:
        lo, hi = (a, b) if oa == ">=" else (b, a)
        return oa != ob and lo > hi
    exact, (bound, op) = (a, (b, ob)) if not oa else (b, (a, oa))
    return exact < bound if op == ">=" else exact > bound


def _freq_text(f: tuple, op: str = "") -> str:
    pre = {"": "", ">=": "not more often than once ", "<=": "at least once "}[op]
    return pre + _freq_text0(f)


def _freq_text0(f: tuple) -> str:
    unit, n = f
    if unit == "time":
        for name, sec in (("week", 604800), ("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
            if n >= sec and n % sec == 0:
                k = int(n // sec)
                return f"every {k} {name}s" if k != 1 else f"every {name}"
        return f"every {n:g} s"
    return f"every {n:g} {unit}" if n != 1 else f"every {unit}"


def _verb_phrase(p: Proposition) -> str:
    if p.said:
        return p.said
    m = {"must": "must", "should": "should", "may": "may", "is": ""}[p.modality]
    neg = " not" if p.negated else ""
    obj = f" {p.objects[0]}" if p.objects else ""
    return f"{p.actor} {m}{neg} {p.action}{obj}".replace("  ", " ")


_VERSION = re.compile(r"\d+(?:\.\d+)*")


def _compare(ka, pa, ma: ClauseMeta, kb, pb, mb: ClauseMeta) -> Conflict | None:
    if pa and pb and pa[0].text == pb[0].text:
        return None  # the same statement written twice (a copy, an archived delta) does not contradict itself
    if ma.scope != mb.scope:
        return None  # THEN lines of two scenarios hold under different WHENs
    na, nb = ma.path.rsplit("/", 1)[-1], mb.path.rsplit("/", 1)[-1]
    if na != nb and _VERSION.sub("#", na) == _VERSION.sub("#", nb):
        return None  # two versions of one document (3.0.0.md / 3.1.0.md) are not one spec
    got = None
    for x in pa:
        for y in pb:
            if (x.local or y.local) and (ma.path, ma.section) != (mb.path, mb.section):
                continue  # "the array" of one section is not "the array" of another (per-object fields)
            if x.subject and " " not in x.subject and ma.path == mb.path and ma.section != mb.section:
                continue  # a one-word attribute ("type", "format") in two sections of one document: two objects' fields
            got = _kind(x, y)
            if got is not None and got[0] == "bounds" and not _general.same_item((x,), (y,)):
                got = None  # a bound on another item ("each label … 63 octets" / "names of up to 1024 octets")
            if got is not None:
                break
        if got is not None:
            break
    if got is None and not (any(p.local for p in pa + pb) and (ma.path, ma.section) != (mb.path, mb.section)):
        got = _general.detect(pa, pb)  # round 4b: general signals over the two statements (conflicts.py)
    if got is None:
        return None
    kind, detail = got
    ra, rb = RANK.get(ma.authority or "", 0), RANK.get(mb.authority or "", 0)
    informational = bool(ra and rb and ra != rb)

    def msg(me: ClauseMeta, other: ClauseMeta, r_me: int, r_other: int) -> str:
        if other.clause_id and not re.fullmatch(r"L\d+", other.clause_id):
            ref = f"[^{other.clause_id}]"
        else:
            where = f"{other.path}:{other.clause_id[1:]}" if other.clause_id else other.path
            ref = f"the statement at {where}"
        base = f"Contradicts {ref} ({kind}): {detail}. Both cannot hold"
        if informational:
            if r_me < r_other:
                return base + f"; the {other.authority}-level statement overrides this {me.authority}-level one. Say so explicitly if that is intended."
            return base + f"; this {me.authority}-level statement overrides the {other.authority}-level one there."
        return base + ": which one should win, and when?"
    return Conflict(ka, kb, kind, msg(ma, mb, ra, rb), msg(mb, ma, rb, ra), informational)


def prefilter_props(text: str) -> bool:
    """Can this statement take part in a conflict at all?  It needs a verb phrase and a subject; statements
    of a couple of words, or without any letter, cannot.  (Cheap; runs before spaCy.)"""
    return len(text) >= 12 and any(c.isalpha() for c in text)


def prop_to_json(p: Proposition) -> list:
    return [p.actor, p.action, list(p.objects), p.negated, p.modality, p.only, [[b.quantity, b.op, b.value, b.text] for b in p.bounds],
            p.text, p.conditional, p.said, list(p.conditions), p.subject, list(p.values), p.value_kind, list(p.number), list(p.freq), list(p.content),
            [list(r) for r in p.roles], p.only_role, list(p.actor_mods), p.local, p.freq_op, list(p.concessive)]


def prop_from_json(x: list) -> Proposition:
    return Proposition(x[0], x[1], tuple(x[2]), x[3], x[4], x[5], tuple(Bound(*b) for b in x[6]), x[7], x[8], x[9],
                       tuple(x[10]), x[11], tuple(x[12]), x[13], tuple(x[14]), tuple(x[15]), tuple(x[16]), tuple(tuple(r) for r in x[17]), x[18],
                       *((tuple(x[19]), x[20], x[21]) if len(x) > 21 else ()), *((tuple(x[22]),) if len(x) > 22 else ()))


_ = field
