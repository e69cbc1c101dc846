"""unverifiable-predicate (SPEC216): a requirement whose predicate no test can decide.

The rule reads the verb a modal of obligation governs ("must", "shall", "should", in any case; not "may"/"can":
a permission needs no test) and its complement on the dependency parse, and flags four patterns:

1. **a verb of unspecified functioning** with no object and no reference to compare against: ``SHALL work in
   all browsers``, ``must function offline``, ``should behave sensibly``; and a **verb of perception** with an
   evaluative complement: ``should feel similar to the desktop app``, ``must look modern``, ``should seem
   natural``.  ``perform the check`` (an object), ``work as described in §3`` / ``behave like X`` (a named
   reference), ``operate on that block`` (a concrete operand) are actions, not flagged.
2. **any verb with an evaluative manner adverb**: ``handle errors appropriately``, ``support large files well``,
   ``degrade gracefully``, ``scale efficiently``.  The adverbs are the project's own vague/subjective lexicon
   (rules.VAGUE, SUBJECTIVE, HEDGES in their -ly forms) plus "well"/"poorly"; "correctly" is not one of them (it
   refers to the spec's own rules).
3. **"be" + an adjective with no measurable criterion**: a mental state (``must be aware that``, ``should be
   mindful of``: what must be *done*?), a bound with no bound (``be limited``, ``be restricted``, ``be
   minimised`` with no number, no "to/by/at/under/within …"), a compatibility with no version or criterion
   (``be compatible with existing clients``, ``be backwards compatible``; ``compatible with Node 18`` names one).
4. **"any number of"** in the object of an obligation (``SHALL support any number of tabs``): there is no
   bound to test against.

Negated predicates (``must not be limited``) are not flagged.  Words the spec defines, and criteria that follow
the flagged words (prose.defined_here, prose.criterion_follows), are honoured by langpass, which filters every
rule in prose.TERM_RULES / CRITERION_RULES.  ``could_fire`` is the prefilter: a sentence with no modal of obligation
or no trigger word never reaches spaCy for this rule.
"""

from __future__ import annotations

import re

RULE = "unverifiable-predicate"

_OBLIGATION = frozenset({"must", "shall", "should"})
_FUNCTIONING = frozenset({"work", "function", "behave", "operate", "perform", "cope"})
_PERCEPTION = frozenset({"feel", "look", "seem", "appear", "sound"})
_MENTAL = frozenset({"aware", "mindful", "careful", "conscious", "cognizant", "cognisant", "vigilant", "attentive"})
_BOUND = frozenset({"limited", "restricted", "minimized", "minimised", "reduced", "bounded", "constrained", "capped"})
_COMPAT = frozenset({"compatible", "interoperable"})
_NOT_EVALUATIVE = frozenset({"correctly", "normally", "usually", "generally", "typically", "largely", "mostly", "essentially",
                             "relatively", "fairly", "significantly", "substantially", "minimally"})


def evaluative_adverbs(lexicon) -> frozenset[str]:
    """The -ly forms of a vague/subjective lexicon, plus "well"/"poorly"/"badly" (not "correctly" and the hedges
    that qualify rather than judge)."""
    words = set()
    for w in lexicon:
        if w.endswith("ly"):
            words.add(w)
        elif w.endswith("le"):
            words.add(w[:-1] + "y")  # reasonable -> reasonably
        elif w.endswith("ic"):
            words.add(w + "ally")
        elif "-" not in w:
            words.add(w + "ly")
    words |= {"well", "poorly", "badly", "smoothly", "gracefully", "robustly", "nicely"}
    return frozenset(w for w in words if w not in _NOT_EVALUATIVE)


_EVAL: frozenset[str] | None = None


def _eval_adverbs() -> frozenset[str]:
    global _EVAL
    if _EVAL is None:
        from . import rules as R

        _EVAL = evaluative_adverbs(R.VAGUE | R.SUBJECTIVE | R.HEDGES)
    return _EVAL


_TRIGGER_WORDS = (r"work|works|working|function|functions|functioning|behave|behaves|operate|operates|perform|performs|cope|"
                  r"feel|feels|look|looks|seem|seems|appear|appears|sound|sounds|aware|mindful|careful|conscious|cognizant|"
                  r"cognisant|vigilant|attentive|limited|restricted|minimi[sz]ed|reduced|bounded|constrained|capped|compatible|"
                  r"interoperable|any\s+number\s+of")


def trigger(lexicon) -> str:
    """For rules.could_fire: a regex that every sentence this rule can fire on matches (a modal of obligation and
    a trigger word or evaluative adverb, in either order)."""
    adverbs = "|".join(sorted((re.escape(w) for w in evaluative_adverbs(lexicon)), key=len, reverse=True))
    return r"(?s:^(?=.*\b(?:must|shall|should)\b)(?=.*\b(?:" + _TRIGGER_WORDS + "|" + adverbs + r")\b))"


def _negated(v) -> bool:
    return any(c.dep_ == "neg" or c.lower_ in ("never", "nor") for c in v.children)


def _predicates(doc):
    """(modal, verb) for every verb a modal of obligation governs in the sentence's main clause, with the verbs
    coordinated with it that share its subject.  A modal in a relative, adverbial or complement clause ("what a
    link should look like", "this doesn't mean the model should sound stuffy") describes, it does not require."""
    from .keywords import _main_clause, _TRAILING_RELATIVE

    for t in doc:
        if t.lower_ not in _OBLIGATION or t.dep_ not in ("aux", "auxpass"):
            continue
        v = t.head
        if v is t or _negated(v) or not _main_clause(v) or _TRAILING_RELATIVE.search(doc.text[:t.idx]):
            continue
        yield t, v
        for c in v.children:
            if (c.dep_ == "conj" and c.pos_ in ("VERB", "AUX") and not _negated(c)
                    and not any(x.dep_ in ("aux", "auxpass", "nsubj", "nsubjpass") and x.lower_ not in ("be", "been") for x in c.children)):
                yield t, c


def _elaborated(text: str, end: int) -> bool:
    """Does an elaboration follow the flagged words: a colon or a dash that introduces what is meant?"""
    rest = text[end:]
    return bool(re.search(r":\s*\S|\s[—–]\s|\s--\s", rest))


def _has_number(tokens) -> bool:
    return any(x.like_num or any(ch.isdigit() for ch in x.text) for x in tokens)


def _span(doc, a, b) -> tuple[int, int]:
    return a.idx, b.idx + len(b.text)


def unverifiable(doc, text: str) -> list:
    from .rules import Hit

    out: list = []
    seen: set[int] = set()
    ev = _eval_adverbs()

    def add(a: int, b: int, msg: str, key: int) -> None:
        if _elaborated(text, b):
            return  # "should sound like a colleague …: interested in …" — the criterion follows
        if key not in seen:
            seen.add(key)
            out.append(Hit(a, b, RULE, msg))

    for modal, v in _predicates(doc):
        lem = v.lemma_.lower()
        kids = list(v.children)
        deps = {c.dep_ for c in kids}
        quoted = text[max(0, v.idx - 1):v.idx] in ("`", "“", '"')
        if quoted:
            continue
        # 2. an evaluative manner adverb on the verb itself
        for c in kids:
            if c.dep_ == "advmod" and c.lower_ in ev and c.i > v.i:
                if c.lower_ == "well" and (c.i + 1 < len(doc) and doc[c.i + 1].text in ("-", "as")):
                    continue  # "well-formed", "as well as"
                if c.i > 0 and doc[c.i - 1].lower_ == "as":
                    continue
                a, b = (v, c) if c.i - v.i <= 6 else (c, c)
                s, e = _span(doc, a, b)
                add(s, e, f"“{text[s:e]}”: which result would show this is done “{c.text}”? State the observable behaviour "
                          f"(what is returned, logged or shown, and within which bound).", c.i)
        # a causative of perception: "help the user feel heard", "make users feel welcome"
        for c in kids:
            if c.dep_ in ("ccomp", "xcomp") and c.lemma_.lower() in _PERCEPTION and c.pos_ in ("VERB", "AUX"):
                comp = [x for x in c.children if x.dep_ in ("acomp", "attr", "oprd") or (x.dep_ == "prep" and x.lower_ == "like")]
                if comp:
                    s0, e0 = _span(doc, c, comp[0])
                    add(s0, e0, f"“{text[s0:e0]}”: how would a test observe that feeling? State the behaviour that "
                                f"produces it (what is acknowledged, shown or offered).", c.i)
        # 1. functioning with no object and no named reference
        if lem in _FUNCTIONING and v.pos_ == "VERB":
            if deps & {"dobj", "ccomp", "xcomp", "attr", "oprd", "agent", "prt", "dative"}:
                continue
            if any(c.dep_ == "prep" and c.lower_ in ("as", "like", "on", "upon", "over", "according", "per", "under") for c in kids):
                continue
            if any(c.dep_ == "advmod" and c.lower_ in ("as", "like", "exactly", "identically", "unchanged", "same") for c in kids):
                continue
            if any(c.dep_ in ("advcl", "prep", "advmod", "npadvmod") and c.left_edge.lower_ in ("as", "like", "per", "according")
                   for c in kids):
                continue  # "work as described in §3": the reference is named
            if any(x.lower_ in ("unchanged", "identically", "before", "previously", "today") for x in v.subtree):
                continue
            if any(c.dep_ in ("advcl", "xcomp") and any(x.lower_ == "to" and x.dep_ == "aux" for x in c.children) for c in kids):
                continue  # "work with the testing teams to propose …": the purpose names the action
            if any(x.lower_ in ("according", "per") for x in v.subtree):
                continue  # "work with event data after it has been parsed according to …"
            if any(c.dep_ == "advmod" and c.lower_ in _NOT_EVALUATIVE for c in kids):
                continue  # "behave correctly": correct is what the spec says
            if lem == "perform" and not any(c.dep_ == "advmod" for c in kids):
                continue  # "perform" alone is elliptical; with "well" it is caught by 2
            s, e = _tok(v)
            comp = [c for c in kids if c.i == v.i + 1 and c.dep_ in ("advmod", "acomp", "prep")]
            if comp and comp[0].dep_ == "prep":
                pobj = [x for x in comp[0].children if x.dep_ == "pobj"]
                e = (pobj[0].idx + len(pobj[0].text)) if pobj and pobj[0].i - v.i <= 10 else comp[0].idx + len(comp[0].text)
            elif comp:
                e = comp[0].idx + len(comp[0].text)
            add(s, e, f"“{text[s:e]}”: what observable result shows that it works? State the behaviour to test "
                      f"(which operations succeed, with which inputs or versions).", v.i)
            continue
        if lem in _PERCEPTION and v.pos_ in ("VERB", "AUX"):
            comp = [c for c in kids if c.dep_ in ("acomp", "attr", "oprd") or (c.dep_ == "prep" and c.lower_ == "like")]
            if comp:
                c = comp[0]
                objs = [x for x in c.children if x.dep_ == "pobj"] if c.dep_ == "prep" else []
                if objs and objs[0].lower_ in ("this", "that", "these", "those", "follows", "following") or objs and any(
                        x.lower_ == "following" for x in objs[0].subtree):
                    continue  # "should look like this:" — the example is the criterion
                s, e = _span(doc, v, c)
                add(s, e, f"“{text[s:e]}”: how would a test observe that impression? State what the user sees "
                          f"(which elements, values or timings must match).", v.i)
            continue
        # 3. "be" + adjective (or a passive of bounding) with no criterion
        adj = None
        if lem == "be":
            cs = [c for c in kids if c.dep_ in ("acomp", "attr") and c.pos_ in ("ADJ", "VERB")]
            adj = cs[0] if cs else None
        elif v.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in kids):
            adj = v
        if adj is None:
            if lem in ("support", "accept", "allow", "handle", "store", "process", "create", "have", "contain", "hold"):
                for x in v.subtree:
                    if x.lower_ == "any" and x.i + 2 < len(doc) and doc[x.i + 1].lower_ == "number" and doc[x.i + 2].lower_ == "of":
                        s, e = x.idx, doc[x.i + 2].idx + 2
                        add(s, e, "“any number of”: up to how many must work, and what happens beyond? State the maximum "
                                  "the implementation must handle.", x.i)
            continue
        w = adj.lower_
        near = text[adj.idx + len(adj.text): adj.idx + len(adj.text) + 40]
        if w in _MENTAL:
            if any(c.dep_ == "prep" and not any(x.dep_ in ("pobj", "pcomp") for x in c.children) for c in adj.children):
                continue  # "pitfalls implementers should be aware of": a stranded preposition, a relative clause
            if (any(c.dep_ == "xcomp" for c in adj.children) or any(c.dep_ == "conj" and c.pos_ == "VERB" for c in v.children)
                    or any(x.dep_ == "conj" and x.tag_ == "VB" for x in doc[adj.i + 1:])):
                continue  # "careful to only leave …", "aware … and design their propagation accordingly": an action follows
            s, e = _span(doc, v, adj) if v is not adj else _tok(adj)
            add(s, e, f"“{text[s:e]}”: what must be done with that knowledge, that a test can observe? State the action "
                      f"(check, warn, refuse, log …).", adj.i)
        elif w in _BOUND:
            if _has_number(adj.subtree) or re.match(r"\s*(?:to|by|at|under|within|below|above|per|in accordance|according)\b", near, re.IGNORECASE):
                continue
            s, e = _tok(adj)
            add(s, e, f"“{adj.text}” with no bound: limited to what? State the limit (a number and its unit) or where it is defined.", adj.i)
        elif w in _COMPAT:
            sub = list(adj.subtree)
            if _has_number(sub) or re.match(r"\s*(?:with\s+)?(?:the\s+)?(?:version|release|revision|rfc|iso|ecma)\b", near, re.IGNORECASE):
                continue
            if any(x.lower_ in ("defined", "specified", "described", "listed") for x in sub):
                continue
            s, e = _tok(adj)
            prev = doc[adj.i - 1] if adj.i > 0 else None
            if prev is not None and prev.lower_ in ("backward", "backwards", "forward", "forwards", "fully", "broadly"):
                s = prev.idx
            add(s, e, f"“{text[s:e]}” with no version or criterion: compatible with which versions, by which test? "
                      f"State them (e.g. “accepts every document valid under 1.2”).", adj.i)
    return out


def _tok(t) -> tuple[int, int]:
    return t.idx, t.idx + len(t.text)
