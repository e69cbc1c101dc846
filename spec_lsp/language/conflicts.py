"""General conflict signals over a candidate pair of normative statements (round 4b).

The proposition rules in `contradiction.py` are precise but pair-shaped: they need the same actor, verb and
object words on both sides.  Real contradictions are paraphrased.  This module looks at the two *statements*
instead, with five general signals, each guarded:

* **polarity** — one side prohibits ("must not", "shall never", "is not permitted"), the other requires or
  permits, and the two *predicates* (the statement without its modal, negation, conditions and label) are
  near-identical by embedding;
* **quantity** — both carry a quantity of one dimension (time, size, mass, percent, or a count of one noun;
  units converted, numbers in words) attached to near-identical predicates, with incompatible values or bounds;
* **exclusivity** — "only / solely / exclusively" a means or form X against the same action by another means;
* **antonym** — opposite predicate words (a prefix antonym or a table of general opposites) in near-identical
  statements, where the word is predicated (not a modifier naming a kind: "private key" / "public key");
* **closed set** — "one of A, B or C" / "exactly these …: A, B, C" for an attribute against a value outside the
  set given with that attribute.

The candidate pairs come from `ContradictionIndex` (literal keys and semantic neighbours: the frame and the
predicate embeddings, top-k per block), so the cost grows with candidates, never with all pairs.  Without the
semantic layer the embedding-based signals need literally equal predicates.  Conditions: two statements under
different conditions never conflict; an "unless / by default / except" statement is an exception, never a
conflict; one side conditional is a conflict only for the invariants (a bound, a closed set, "only").
"""

from __future__ import annotations

import re
from functools import lru_cache

from . import semantic as _semantic

# -- calibrated on fixtures/contradictions, contradictions-dev and contra-dev2 (see docs/rules/contradiction.md)
POLARITY_MIN = 0.90  # predicate cosine for a prohibition against an obligation/permission
QUANTITY_MIN = 0.85  # predicate cosine (numbers masked) for two exact values of one thing
BOUND_MIN = 0.45  # predicate cosine (numbers masked) for a bound against a value or a bound (plus a shared word)
EXCLUSIVE_MIN = 0.72  # cosine of the two predicates without their means
ANTONYM_MIN = 0.80  # cosine of the two statements without the antonym words
CLOSED_MIN = 0.30  # cosine of the statement giving the value and the one listing the set (they share the attribute)

_MODAL = re.compile(r"\b(?:must|shall|should|may|will|can|cannot|can't|need to|needs to|has to|have to|is required to|"
                    r"are required to|required|recommended|optional|always)\b", re.I)
_NEG = re.compile(r"\b(?:must|shall|should|may|will|can)\s+(?:not|never)\b|\bcannot\b|\bnever\b|"
                  r"\b(?:is|are)\s+not\s+(?:permitted|allowed)\b|\b(?:is|are)\s+(?:prohibited|forbidden)\b|"
                  r"\bno\s+\w+(?:\s+\w+)?\s+(?:may|must|shall|can)\b", re.I)
_NEG_WORDS = re.compile(r"\b(?:not|never|no|prohibited|forbidden)\b", re.I)
_EXCEPTION = re.compile(r"\b(?:unless|by default|otherwise|except)\b", re.I)
_LEAD = re.compile(r"^\s*(?:[A-Z][A-Z0-9]*-\d+[a-z]?(?:\.\d+)*|\d+(?:\.\d+)*\.?)\s*:?\s+")
_EARS = re.compile(r"^\W*(?:given|when|if|while|where|after|before|during|once|upon)\b.*?(?:\bthen\b|,)\s*", re.I)
_COND = re.compile(r"\b(?:if|when|whenever|while|unless|during|once|until|where)\b[^,;.]*", re.I)
_WORD_NUM = {w: float(i) for i, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty".split())}
_WORD_NUM.update({"thirty": 30.0, "forty": 40.0, "fifty": 50.0, "sixty": 60.0, "seventy": 70.0, "eighty": 80.0,
                  "ninety": 90.0, "hundred": 100.0, "a single": 1.0, "single": 1.0, "a dozen": 12.0})
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|" + "|".join(sorted((re.escape(w) for w in _WORD_NUM), key=len, reverse=True))

def _to_number(raw: str) -> float | None:
    """"1,500", "2.5", "five", "a dozen" -> the number; None when it is not one."""
    raw = raw.lower().replace(",", "")
    val = _WORD_NUM.get(raw)
    if val is not None:
        return val
    try:
        return float(raw)
    except ValueError:
        return None


UNITS = {
    "ms": ("time", 0.001), "millisecond": ("time", 0.001), "s": ("time", 1), "sec": ("time", 1), "second": ("time", 1),
    "min": ("time", 60), "minute": ("time", 60), "h": ("time", 3600), "hr": ("time", 3600), "hour": ("time", 3600),
    "day": ("time", 86400), "business day": ("time", 86400), "week": ("time", 604800), "month": ("time", 2592000),
    "year": ("time", 31536000),
    "b": ("size", 1), "byte": ("size", 1), "octet": ("size", 1), "kb": ("size", 1e3), "kib": ("size", 1024),
    "mb": ("size", 1e6), "mib": ("size", 1048576), "gb": ("size", 1e9), "gib": ("size", 1073741824),
    "kilobyte": ("size", 1e3), "megabyte": ("size", 1e6), "gigabyte": ("size", 1e9),
    "mg": ("mass", 1e-6), "g": ("mass", 0.001), "gram": ("mass", 0.001), "kg": ("mass", 1), "kilogram": ("mass", 1),
    "lb": ("mass", 0.45359237), "pound": ("mass", 0.45359237), "tonne": ("mass", 1000),
    "%": ("percent", 1), "percent": ("percent", 1), "per cent": ("percent", 1),
}
_UNIT_RX = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
# a quantity: an optional bound phrase, a number, a unit or a counted noun
_UPPER = r"at most|no more than|not more than|up to|a maximum of|maximum of|max(?:imum)?|under|below|less than|fewer than|" \
         r"within|not exceed|exceed|not to exceed|no longer than|no later than|larger than|more than|longer than|heavier than|over|above"
_LOWER = r"at least|no less than|not less than|no fewer than|a minimum of|minimum of|min(?:imum)?"
_QTY = re.compile(rf"(?:\b(?P<bound>{_UPPER}|{_LOWER})\s+)?(?:\b(?P<lo>{_NUM})\s+(?:and|to|-|–)\s+)?\b(?P<num>{_NUM})"
                  rf"(?:\s*-\s*|\s*)(?P<unit>(?:{_UNIT_RX})(?:e?s)?\b|%|(?P<noun>[a-z][a-z-]+))", re.I)
_UPPER_SET = set(_UPPER.split("|"))
_NOT_NOUN = {"times", "time", "per", "of", "shall", "must", "should", "may", "will", "can", "could", "might", "is", "are",
             "was", "were", "be", "been", "has", "have", "had", "do", "does", "not", "or", "and", "if", "when", "then",
             "than", "more", "less", "fewer", "other", "others", "such", "which", "that", "after", "before"}
_ID_BEFORE = re.compile(r"(?:\b[A-Z][\w-]*|\b(?i:status|version|code|port|id|number|no|section|step|phase|level|type|"
                        r"rfc|eip|erc|http|tls|ipv)|[#§-])\s*$")
_BELOW = {"under", "below", "less than", "fewer than"}
_OVER = {"larger than", "more than", "longer than", "heavier than", "over", "above", "exceed"}  # above the bound
_CAPACITY = re.compile(r"\b(?:accept|support|handle|hold|store|allow|let|serve|process|keep|carry|unlock|run|last|take)\w*\b", re.I)
_PREVENT = re.compile(r"\b(?:prevent|forbid|prohibit|refuse|reject|block|disallow)\w*\b", re.I)
_STOP = set("the a an of to in on for by with and or any each every its their his her this that these those be is are "
            "it as at from into than then so which who whose".split())
_ONLY = re.compile(r"\b(?:only|solely|exclusively)\b", re.I)
_MEANS = re.compile(r"\b(through|via|over|by|using|from|in|as|with)\s+((?:[\w`'’“”\x22.-]+\s+){0,5}?[\w`'’“”\x22.-]+?)(?=[,;.]|\s+(?:and|or|so|to|for|on|at|before|after|when|if|while|unless|until|that|which)\b|$)", re.I)
# general opposites (single words; prefixes handled by rule)
_OPPOSITES = [
    ("public", "private"), ("formal", "informal"), ("verbose", "concise"), ("persistent", "ephemeral"),
    ("persistent", "transient"), ("online", "offline"), ("mandatory", "optional"), ("required", "optional"),
    ("enabled", "disabled"), ("visible", "hidden"), ("stateful", "stateless"), ("encrypted", "plaintext"),
    ("encrypted", "cleartext"), ("centralized", "decentralized"), ("strict", "lenient"), ("ascending", "descending"),
    ("local", "remote"), ("manual", "automatic"), ("manually", "automatically"), ("synchronously", "asynchronously"),
    ("real time", "batch"), ("real-time", "batch"), ("immutable", "editable"), ("read-only", "writable"),
    ("read-only", "editable"), ("mutable", "immutable"), ("anonymous", "identified"), ("plain text", "markdown"),
]
_PREFIXES = ("non-", "non", "un", "in", "im", "il", "ir", "dis", "a")
_FOLLOW_OK = _STOP | {"", "to", "across", "between", "within", "during", "until", "unless", "so", "because", "but", "while",
                      "after", "before", "at", "per", "always"}
_CLOSED = re.compile(r"(?P<attr>(?:[\w-]+\s+){0,3}?[\w-]+)\s*(?:(?:must|shall|should|will|can|may)\s+)?(?:be\s+|contain\s+|carry\s+|have\s+|"
                     r"take\s+|use\s+|offer\s+[\w\s]*?|with\s+)?(?:exactly\s+|only\s+)?"
                     r"(?:one\s+of(?:\s+(?:the\s+)?(?:following|these|those|values))?(?:\s+(?!(?:the|a|an)\b)(?P<noun>[\w-]+(?=\s*:)))?|"
                     r"exactly\s+(?:one|these)\s+(?P<noun2>[\w-]+(?:\s+[\w-]+)?)|either)\s*:?\s+"
                     r"(?P<list>[^.;:]+?(?:,\s*|\s+)(?:or|and)\s+[^.;,]+)", re.I)


def _clean(text: str) -> str:
    t = _LEAD.sub("", text)
    t = re.sub(r"\*\*|__", "", t)
    return t.strip()


@lru_cache(maxsize=8192)
def _conditions_text(text: str) -> tuple[str, str]:
    """(the statement without its leading condition/EARS clause, the condition text)."""
    t = _clean(text)
    m = _EARS.match(t)
    cond = ""
    if m and m.end() < len(t) - 10:
        cond, t = m.group(0), t[m.end():]
    return t, cond


@lru_cache(maxsize=8192)
def predicate(text: str) -> str:
    """The statement minus label, conditions, modal and negation: what is done to what."""
    t, _ = _conditions_text(text)
    t = _COND.sub(" ", t)
    t = _NEG.sub(" ", t)
    t = _MODAL.sub(" ", t)
    t = re.sub(r"\b(?:not|never|no)\b", " ", t, flags=re.I)
    return re.sub(r"\s+", " ", t).strip(" ,;.")


_DIGITS = re.compile(r"\d+(?:\.\d+)*")


def _same_numbers(a: str, b: str) -> bool:
    """Two predicates that name the same numbered things ("channel 0" is not "channel 24")."""
    return sorted(_DIGITS.findall(a)) == sorted(_DIGITS.findall(b))


def _mask_numbers(t: str) -> str:
    t = _QTY.sub(lambda m: m.group("noun") or "", t)
    return re.sub(r"\s+", " ", t).strip()


def _sim(a: str, b: str) -> float:
    a, b = a.lower(), b.lower()
    if a == b:
        return 1.0
    return _semantic.similarity(a, b)


def prohibits(text: str) -> bool:
    return bool(_NEG.search(_conditions_text(text)[0]))


def _positive(text: str) -> bool:
    t = _conditions_text(text)[0]
    return bool(_MODAL.search(t)) and not _NEG_WORDS.search(t) and not _PREVENT.search(t)


@lru_cache(maxsize=4096)
def quantities(text: str) -> tuple:
    """The quantities of a statement: (dimension, op, low, high, text) with op "<=", ">=", "=" or "[]" (a range);
    values in the dimension's base unit.  A count's dimension is "n:<noun>"."""
    t, _ = _conditions_text(text)
    out = []
    neg = prohibits(text) or bool(_PREVENT.search(t))
    for m in _QTY.finditer(t):
        val = _to_number(m.group("num"))
        if val is None:
            continue
        unit = (m.group("unit") or "").lower()
        noun = (m.group("noun") or "").lower()
        base = unit
        for cand in (unit, unit[:-1], unit[:-2]):
            if cand in UNITS:
                base = cand
                break
        if base in UNITS and not noun:
            dim, f = UNITS[base]
        elif noun:
            if noun in _STOP or noun in _NOT_NOUN or noun.endswith("ly"):
                continue
            n = noun[:-1] if noun.endswith("s") and not noun.endswith("ss") else noun
            if n in UNITS:
                dim, f = UNITS[n]
            else:
                dim, f = "n:" + n, 1.0
        else:
            continue
        bound = (m.group("bound") or "").lower()
        before = t[max(0, m.start() - 40): m.start()].lower()
        if not bound and _ID_BEFORE.search(t[max(0, m.start("num") - 30): m.start("num")]):
            continue  # "Status 102", "OAS 3.1", "port 443", "EIP-1559": a name, not a quantity
        if m.group("lo") is not None:
            lo = _to_number(m.group("lo"))
            if lo is None:
                continue
            out.append((dim, "[]", lo * f, val * f, m.group(0)))  # "between five and seven minutes", "2 to 4 MB"
            continue
        if re.search(r"\bper\s*$|\bevery\s*$|\bonce\s*$", before):
            continue  # a rate or a period is the frequency rules' business
        if bound in _UPPER_SET:
            if bound == "up to" and _CAPACITY.search(before) and not neg:
                op = ">="  # "MUST accept up to 1 MiB": a capacity it must have
            elif bound in _OVER:
                op = "<=" if neg else ">"  # "MUST NOT exceed 64 KiB", "prevent … more than two"
                if op == ">":
                    continue
            elif neg and bound in _BELOW:
                op = ">="  # "MUST NOT assign a drone whose charge is below 40 percent": 40 percent or more
            else:
                op = "<="
        elif bound:
            op = ">=" if not neg else "<"
            if op == "<":
                continue
        else:
            if neg:
                continue
            op = "="
        out.append((dim, op, val * f, val * f, m.group(0)))
    return tuple(out)


def _interval(q) -> tuple[float, float]:
    dim, op, lo, hi, _ = q
    if op == "<=":
        return (float("-inf"), hi)
    if op == ">=":
        return (lo, float("inf"))
    return (lo, hi)


def _means(text: str) -> list[tuple[str, str]]:
    t = _conditions_text(text)[0]
    return [(m.group(1).lower(), m.group(2).lower()) for m in _MEANS.finditer(t)]


def _content(s: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9][a-z0-9-]*", s.lower()) if w not in _STOP and len(w) > 2}


_GENERIC = {"system", "assistant", "service", "implementation", "implementations", "server", "client", "shall", "must",
            "should", "may", "will", "not", "only", "also", "all", "every", "each", "any"}


def _extras(a: str, b: str) -> tuple[set[str], set[str]]:
    wa, wb = _content(a) - _GENERIC, _content(b) - _GENERIC
    num = re.compile(r"^\d")
    return {w for w in wa - wb if not num.match(w)}, {w for w in wb - wa if not num.match(w)}


def _covered(a: str, b: str, slack: int = 0) -> bool:
    """Each content word of one phrase that the other lacks has a near-synonym there (word cosine ≥ 0.55);
    `slack` words of each side may go unmatched.  Never when a word of one stands against a word of the other."""
    ea, eb = _extras(a, b)
    if any(_opposite(x, y) or frozenset((x, y)) in _CONTRAST for x in ea for y in eb for x in _forms(x) for y in _forms(y)):
        return False
    if len(ea) <= slack and len(eb) <= slack:
        return True
    wa, wb = _content(a) - _GENERIC, _content(b) - _GENERIC
    miss_a = [x for x in ea if not any(_sim(x, y) >= 0.55 for y in wb)]
    miss_b = [y for y in eb if not any(_sim(y, x) >= 0.55 for x in wa)]
    return len(miss_a) <= slack and len(miss_b) <= slack


def _forms(w: str) -> set[str]:
    out = {w}
    if w.endswith("s"):
        out.add(w[:-1])
    if w.endswith(("es", "ed")):
        out.add(w[:-2])
    if w.endswith("d"):
        out.add(w[:-1])
    return out


_CONTRAST = {frozenset(p) for p in (("min", "max"), ("minimum", "maximum"), ("first", "last"), ("initial", "final"),
                                    ("lower", "upper"), ("small", "large"), ("input", "output"), ("inbound", "outbound"),
                                    ("request", "response"), ("sender", "receiver"), ("client", "server"), ("source", "target"),
                                    ("open", "close"), ("opens", "closes"), ("start", "end"), ("begin", "end"), ("read", "write"),
                                    ("upload", "download"), ("send", "receive"), ("before", "after"), ("minimum", "max"))}


def _exclusive(ta: str, tb: str) -> str | None:
    """"only/solely/exclusively through X" in ta against the same action through Y in tb."""
    a = _conditions_text(ta)[0]
    m = _ONLY.search(a)
    if not m or _ONLY.search(_conditions_text(tb)[0]) or not _positive(ta) or not _positive(tb):
        return None
    after = a[m.end():]
    mm = _MEANS.match(after.strip())
    if not mm:
        return None
    prep, mine = mm.group(1).lower(), mm.group(2).lower()
    rest_a = predicate(a[: m.start()] + " " + after.strip()[mm.end():])
    mine_w = _content(mine)
    for p, theirs in _means(tb):
        if p != prep and {p, prep} - {"through", "via", "by", "over", "using"}:
            continue  # a means against a means (through/via/by/over/using), a form against a form (in/as), a source
        tw = _content(theirs)
        if not tw or tw & mine_w:
            continue
        rest_b = predicate(re.sub(rf"\b{re.escape(p)}\s+{re.escape(theirs)}", " ", _conditions_text(tb)[0], flags=re.I))
        if _same_numbers(rest_a, rest_b) and _sim(rest_a, rest_b) >= EXCLUSIVE_MIN and _covered(rest_a, rest_b):
            return f"“only {prep} {mine}” against “{p} {theirs}”"
    return None


def _opposite(x: str, y: str) -> bool:
    if (x, y) in _OPPOSITE_SET:
        return True
    if "-" in x and "-" in y:  # "case-sensitive" / "case-insensitive": one compound, the other part opposite
        (hx, _, tx), (hy, _, ty) = x.partition("-"), y.partition("-")
        if hx == hy and tx != ty:
            return _opposite(tx, ty)
    for a, b in ((x, y), (y, x)):
        for pre in _PREFIXES:
            if a == pre + b and len(b) > 4:
                return True
    return False


_OPPOSITE_SET = {p for a, b in _OPPOSITES for p in ((a, b), (b, a))}


@lru_cache(maxsize=8192)
def _pred_words(t: str) -> tuple[tuple[str, int], ...]:
    """Words that stand as predicates: not followed by a content word they would modify."""
    toks = re.findall(r"[A-Za-z][A-Za-z-]*", t)
    out = []
    for i, w in enumerate(toks):
        nxt = toks[i + 1].lower() if i + 1 < len(toks) else ""
        if nxt in _FOLLOW_OK or nxt in ("and", "or"):
            out.append((w.lower(), i))
    # two-word opposites ("real time", "plain text")
    for i in range(len(toks) - 1):
        out.append((f"{toks[i].lower()} {toks[i + 1].lower()}", i))
    return tuple(out)


def _antonym(ta: str, tb: str) -> str | None:
    a, b = _conditions_text(ta)[0], _conditions_text(tb)[0]
    if not _positive(ta) or not _positive(tb):
        return None
    wa = {x for x, _ in _pred_words(a)}
    for y, _ in _pred_words(b):
        for x in _opposites_of(y) & wa:
            ra = predicate(re.sub(rf"\b{re.escape(x)}\b", " ", a, flags=re.I))
            rb = predicate(re.sub(rf"\b{re.escape(y)}\b", " ", b, flags=re.I))
            if _same_numbers(ra, rb) and _sim(ra, rb) >= ANTONYM_MIN and _covered(ra, rb):
                return f"“{x}” against “{y}”"
    return None


@lru_cache(maxsize=8192)
def _opposites_of(y: str) -> frozenset:
    """The words `_opposite` pairs with `y` (table, prefixes, hyphenated compounds), for a set lookup."""
    out = {b for a, b in _OPPOSITE_SET if a == y}
    out |= {pre + y for pre in _PREFIXES if len(y) > 4}
    out |= {y[len(pre):] for pre in _PREFIXES if y.startswith(pre) and len(y) - len(pre) > 4}
    if "-" in y:
        h, _, t = y.partition("-")
        out |= {f"{h}-{o}" for o in _opposites_of(t)}
    return frozenset(o for o in out if o != y and _opposite(y, o))


def _items(lst: str) -> list[str]:
    parts = re.split(r"\s*,\s*(?:or\s+|and\s+)?|\s+or\s+|\s+and\s+", lst.strip())
    out = []
    for p in parts:
        p = p.strip(" `'\"“”.")
        if p and len(p.split()) <= 3:
            out.append(p)
    return out


@lru_cache(maxsize=4096)
def closed_set(text: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(attribute words, allowed items) of "X … one of A, B or C" / "exactly these X: A, B, C"."""
    low = text.lower()
    if "one of" not in low and "either" not in low and "exactly" not in low:
        return None  # (cheap: the pattern is slow on long text)
    t = _conditions_text(text)[0]
    m = _CLOSED.search(t)
    if not m:
        return None
    items = _items(m.group("list"))
    if len(items) < 2 or len(items) > 12:
        return None
    head = m.group(0)[: m.start("list") - m.start()]  # the attribute, its verb and the set's own noun ("these priorities")
    attr = tuple(sorted(_content(head) - {"one", "exactly", "these", "following", "values", "either", "must", "shall",
                                          "should", "be", "contain", "carry", "have", "take", "use", "offer", "with"}))
    own = m.group("noun") or m.group("noun2")
    if own:  # the set names its own attribute ("these priorities", "one membership category"): values go with it
        attr = tuple(sorted(_content(own)))
    if not attr:
        return None
    return attr, tuple(items)


def _stem(w: str) -> str:
    w = w.lower()
    if w.endswith("ies") and len(w) > 5:
        return w[:-3] + "y"
    for suf in ("ling", "led", "ing", "ed", "es", "s"):
        if w.endswith(suf) and len(w) - len(suf) >= 4:
            return w[: -len(suf)]
    return w


def _closed(ta: str, tb: str) -> str | None:
    got = closed_set(ta)
    if got is None or closed_set(tb) is not None or not _positive(tb):
        return None
    attr, items = got
    allowed = {i.lower() for i in items} | {w.lower() for i in items for w in re.findall(r"\w+", i)}
    b = _conditions_text(tb)[0]
    stems = {f for a in attr for f in _forms(_stem(a)) | _forms(a.lower())}
    toks = [(m.start(), m.end(), m.group(0)) for m in re.finditer(r"`[^`]+`|[\w-]+", b)]
    shape_caps = all(i[:1].isupper() for i in items)
    shape_code = all(re.fullmatch(r"[A-Z0-9_-]+|[a-z0-9_-]+", i) for i in items)
    for i, (s, e, w) in enumerate(toks):
        if not (_forms(_stem(w)) | _forms(w.lower())) & stems:
            continue
        for j in range(max(0, i - 2), min(len(toks), i + 3)):
            if j == i:
                continue
            v = toks[j][2].strip("`")
            if v.lower() in allowed or v.lower() in _STOP or (_forms(_stem(v)) | _forms(v.lower())) & stems:
                continue
            code = toks[j][2].startswith("`")
            caps = v[:1].isupper() and toks[j][0] > 0
            if code or caps and shape_caps or v.isupper() and len(v) > 1 and shape_code:
                if v.upper() in ("SHALL", "MUST", "SHOULD", "MAY", "NOT", "THE", "WHEN", "THEN", "IF"):
                    continue
                return f"{', '.join(items)} against “{v}” for the {' '.join(attr)}"
    return None


def _cond_key(text: str, props) -> tuple:
    conds = set()
    for p in props:
        conds |= set(p.conditions)
    return tuple(sorted(conds))


def detect(pa, pb) -> tuple[str, str] | None:
    """The kind and a detail of a general conflict between two statements (their propositions), or None."""
    if not pa or not pb:
        return None
    ta, tb = pa[0].text, pb[0].text
    if not ta or not tb or ta == tb:
        return None
    if _EXCEPTION.search(ta) or _EXCEPTION.search(tb) or any(p.conditional for p in pa + pb):
        return None  # a default and its exception
    ca, cb = _cond_key(ta, pa), _cond_key(tb, pb)
    same_cond = ca == cb
    if not same_cond and ca and cb:
        return None  # different conditions: both can hold
    # invariants first: they hold under any condition
    for x, y in ((ta, tb), (tb, ta)):
        got = _closed(x, y)
        if got:
            if _sim(predicate(x), predicate(y)) >= CLOSED_MIN:
                return "enumeration", got
        got = _exclusive(x, y)
        if got:
            return "exclusivity", got
    qa, qb = quantities(ta), quantities(tb)
    if qa and qb:
        got = _quantity(ta, tb, qa, qb, ca, cb, pa, pb)
        if got:
            return got
    got = _rate(ta, tb, ca, cb, pa, pb)
    if got:
        return got
    if not same_cond:
        return None
    na, nb = prohibits(ta), prohibits(tb)
    if na != nb:
        neg, pos = (ta, tb) if na else (tb, ta)
        if _MODAL.search(_conditions_text(pos)[0]) and not _NEG_WORDS.search(_conditions_text(pos)[0]):
            pn, pp = predicate(neg), predicate(pos)
            if not (qa or qb) and _same_numbers(pn, pp) and _sim(pn, pp) >= POLARITY_MIN and _covered(pn, pp):
                return "polarity", f"“{_said(neg)}” against “{_said(pos)}”"
        return None
    got = _antonym(ta, tb)
    if got:
        return "antonym", got
    return None


_ITEM_ROLES = {"dobj", "of", "for", "to", "with", "on"}
_NOT_ITEM = {"most", "least", "more", "less", "fewer", "max", "maximum", "min", "minimum", "once", "twice", "time", "times",
             "second", "minute", "hour", "day", "week", "month", "year", "calendar", "business", "e", "opt", "same", "other"}


def _item_phrases(props, extra: tuple[str, ...] = ()) -> tuple[list, list]:
    """(object phrases, actor phrases) of a statement, each phrase as its content words (hyphenated words split;
    numbers, units and bound words dropped).  Objects: its subject, its objects and their role targets (not
    "per X"), and `extra` (the counted thing of a rate or a count); actors: its named (non-generic) actors."""
    def words(ph: str) -> tuple[str, ...]:
        ws = (w.strip(".,;:()[]`'\"") for w in re.split(r"[\s-]+", ph.lower()))
        return tuple(w for w in ws if w and w not in _GENERIC and w not in _NOT_ITEM and w not in _STOP
                     and not w[0].isdigit() and w not in UNITS and w.rstrip("s") not in UNITS)

    objs = [ws for ph in extra if (ws := words(ph))]
    acts = []
    for p in props:
        phs = [p.subject] if p.subject else []
        # (an "at" target that starts with "most"/"least" is a misparsed bound: "post at most one summary comment")
        phs += [t for r, t in p.roles if r in _ITEM_ROLES or r == "at" and t.split()[:1] in (["most"], ["least"])]
        objs += [ws for ph in phs if (ws := words(ph))]
        if p.actor and p.actor not in _GENERIC and p.actor != "it" and (ws := words(" ".join((*p.actor_mods, p.actor)))):
            acts.append(ws)
    return objs, acts


def _alike(a: set[str], b: set[str]) -> bool:
    """Two modifier sets with a word in common (lemmatiser quirks forgiven: "onboarding" / "onboarde")."""
    return any(x == y or len(x) >= 5 and len(y) >= 5 and x[:5] == y[:5] for x in a for y in b)


def same_item(pa, pb, xa: tuple[str, ...] = (), xb: tuple[str, ...] = ()) -> bool:
    """Are two statements about one thing (what a bound, a rate or a value is stated of)?

    * Two differently named actors, neither of them the other's object, are two things ("the cache" / "the queue").
    * Else they must share a word of their items (objects, or the actor: "every narration track SHALL last …");
      the same actor on both sides does not count when both have objects ("the bot SHALL post …").
    * A shared word with different modifiers on each side names two kinds ("summary comment" / "review comment",
      "label" of a name / "names"); a bare noun on one side names the thing in general.
    * A side that names nothing cannot be told apart: True."""
    oa, aa_ph = _item_phrases(pa, xa)
    ob, ab_ph = _item_phrases(pb, xb)
    aa, ab = {ph[-1] for ph in aa_ph}, {ph[-1] for ph in ab_ph}
    wa_o, wb_o = {w for ph in oa for w in ph}, {w for ph in ob for w in ph}
    if aa and ab and not aa & ab and not aa & wb_o and not ab & wa_o and not any(_sim(x, y) >= 0.55 for x in aa for y in ab):
        return False
    ia, ib = oa + aa_ph, ob + ab_ph
    if not ia or not ib:
        return True  # nothing named on one side ("the system SHALL let a leader place a booking for 40 passengers"): cannot tell
    for w in {w for ph in ia for w in ph} & {w for ph in ib for w in ph}:
        if w in aa and w in ab and oa and ob and not (w in wa_o and w in wb_o):
            continue
        ma = [set(ph[:i]) for ph in ia for i, x in enumerate(ph) if x == w]
        mb = [set(ph[:i]) for ph in ib for i, x in enumerate(ph) if x == w]
        if not all(ma) or not all(mb):
            return True
        ua, ub = set().union(*ma), set().union(*mb)
        if _alike(ua, ub) or any(_sim(x, y) >= 0.55 for x in ua for y in ub):
            return True
    return False


def _quantity(ta, tb, qa, qb, ca, cb, pa=(), pb=()) -> tuple[str, str] | None:
    """Two quantities of one dimension on near-identical things with incompatible values or bounds.  An exact value
    against another needs near-identical predicates; a bound against a value or a bound needs a shared content word
    and no contrast.  Under one side's condition only an unconditional upper bound is an invariant the other breaks."""
    ma, mb = _mask_numbers(predicate(ta)), _mask_numbers(predicate(tb))
    exact = all(q[1] == "=" for q in qa + qb)
    if exact:
        if ca != cb or len(qa) != 1 or len(qb) != 1:
            return None
        if _sim(ma, mb) < QUANTITY_MIN or not _covered(ma, mb):
            return None
    else:
        ea, eb = _extras(ma, mb)
        shared = (_content(ma) - _GENERIC) - ea
        if _sim(ma, mb) < BOUND_MIN or not shared or not _covered(ma, mb, slack=99) or not same_item(pa, pb):
            return None
    for x in qa:
        for y in qb:
            if x[0] != y[0]:
                continue
            if ca != cb:
                inv, cond = (x, y) if not ca else (y, x)
                if inv[1] != "<=" or cond[1] == "<=":
                    continue  # a narrower limit under a condition is an exception, not a conflict
            if x[1] == "=" and y[1] == "=":
                if x[2] != y[2]:
                    return "parameter", f"“{x[4]}” against “{y[4]}”"
                continue
            if x[1] in ("<=", ">=") and x[1] == y[1]:
                continue  # two bounds of one direction are both satisfiable
            (a0, a1), (b0, b1) = _interval(x), _interval(y)
            if a1 < b0 or b1 < a0:
                return "bounds", f"“{x[4]}” against “{y[4]}”"
    return None


_TIME_UNIT = r"(?:second|sec|minute|min|hour|hr|day|calendar day|business day|week|calendar week|month|calendar month|year)s?"
_PERIODIC = {"hourly": 3600.0, "daily": 86400.0, "nightly": 86400.0, "weekly": 604800.0, "monthly": 2592000.0}
_RATE_MAX = re.compile(rf"\b(?P<b>at most|no more than|not more than|up to|more than)\s+(?P<n>{_NUM}|once|twice)\b(?P<mid>[^.;]{{0,60}}?)"
                       rf"\b(?:per|a|an|every|each)\s+(?:(?P<k>{_NUM})\s+)?(?P<u>{_TIME_UNIT})\b", re.I)
_RATE_EXACT = re.compile(rf"\b(?:(?P<n>once|twice|(?:{_NUM})\s+times)\s+(?:a|an|per|every|each)\s+|every\s+|each\s+)(?:(?P<k>{_NUM})\s+)?(?P<u>{_TIME_UNIT})\b|"
                         rf"\b(?P<p>hourly|daily|nightly|weekly|monthly)\b", re.I)


def _num(w: str) -> float | None:
    w = w.lower().replace(",", "")
    if w in ("once", "one", "a single", "single"):
        return 1.0
    if w == "twice":
        return 2.0
    w = re.sub(r"\s+times$", "", w)
    if w in _WORD_NUM:
        return _WORD_NUM[w]
    try:
        return float(w)
    except ValueError:
        return None


def _unit_seconds(u: str) -> float:
    u = u.lower().split()[-1].rstrip("s")
    return UNITS.get(u, UNITS.get({"hr": "h"}.get(u, u), ("time", 0)))[1] or 0.0


@lru_cache(maxsize=4096)
def rates(text: str) -> tuple:
    """(op, events per second, text) of a statement's rates: "<=" a maximum ("no more than one query per dock per
    hour", "at most once every 15 minutes"; "MUST NOT … more than …"), "=" a period ("every 5 minutes", "daily")."""
    t = _conditions_text(text)[0]
    neg = prohibits(text) or bool(_PREVENT.search(t))
    out, spans = [], []
    for m in _RATE_MAX.finditer(t):
        if m.group("b").lower() == "more than" and not neg or m.group("b").lower() != "more than" and neg:
            continue
        n, k = _num(m.group("n")), _num(m.group("k")) if m.group("k") else 1.0
        sec = _unit_seconds(m.group("u"))
        if n is None or k is None or not sec:
            continue
        out.append(("<=", n / (k * sec), m.group(0), re.split(r"\b(?:per|each|every|a|an)\b", m.group("mid"))[0].strip()))
        spans.append((m.start(), m.end()))
    if neg:
        return tuple(out)
    for m in _RATE_EXACT.finditer(t):
        if any(a <= m.start() < b for a, b in spans):
            continue
        if m.group("p"):
            out.append(("=", 1.0 / _PERIODIC[m.group("p").lower()], m.group(0), ""))
            continue
        n = _num(m.group("n")) if m.group("n") else 1.0
        k = _num(m.group("k")) if m.group("k") else 1.0
        sec = _unit_seconds(m.group("u"))
        if n is None or k is None or not sec or re.search(r"\b(?:for|within|after|last|over|under)\s*$", t[: m.start()]):
            continue
        out.append(("=", n / (k * sec), m.group(0), ""))
    return tuple(out)


def _rate(ta, tb, ca, cb, pa=(), pb=()) -> tuple[str, str] | None:
    """A maximum rate against a period that exceeds it, for near-identical actions on one thing.  The maximum is an
    invariant: it holds under the other statement's condition too (not the other way round)."""
    ra, rb = rates(ta), rates(tb)
    for (x, tx, cx), (y, ty, cy) in (((ra, ta, ca), (rb, tb, cb)), ((rb, tb, cb), (ra, ta, ca))):
        mx = [r for r in x if r[0] == "<="]
        ey = [r for r in y if r[0] == "="]
        if not mx or not ey or cx and cx != cy or prohibits(ty):
            continue
        hit = next(((m, e) for m in mx for e in ey if e[1] > m[1] * 1.0001), None)
        if hit is None:
            continue
        px, py = predicate(tx), predicate(ty)
        shared = (_content(px) - _GENERIC) - _extras(px, py)[0]
        if not shared or _sim(_mask_numbers(px), _mask_numbers(py)) < BOUND_MIN or not _covered(px, py, slack=99) \
                or not same_item(*((pa, pb) if tx is ta else (pb, pa)), (hit[0][3],)):  # the maximum's side first
            continue
        return "frequency", f"“{hit[1][2]}” against “{hit[0][2]}”"
    ea, eb = [r for r in ra if r[0] == "="], [r for r in rb if r[0] == "="]
    if len(ea) == 1 and len(eb) == 1 and ca == cb and abs(ea[0][1] - eb[0][1]) > 1e-9 * max(ea[0][1], eb[0][1]):
        # one period against another for one action ("send the digest weekly" / "… daily")
        pa, pb = _mask_rates(predicate(ta)), _mask_rates(predicate(tb))
        if _sim(pa, pb) >= QUANTITY_MIN and _covered(pa, pb):
            return "frequency", f"“{ea[0][2]}” against “{eb[0][2]}”"
    return None


def _mask_rates(t: str) -> str:
    return re.sub(r"\s+", " ", _RATE_EXACT.sub(" ", t)).strip()


def _said(t: str) -> str:
    s = _conditions_text(t)[0]
    return s if len(s) <= 80 else s[:77] + "…"
