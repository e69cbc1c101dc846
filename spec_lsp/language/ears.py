"""ears-state-trigger (SPEC217): an EARS event-driven criterion whose WHEN clause names a state, not an event.

EARS (Mavin et al., "Easy Approach to Requirements Syntax", RE'09) has one pattern per kind of precondition:
``WHEN <trigger>, THE <system> SHALL <response>`` for an *event* (the response happens once, when it occurs) and
``WHILE <state>, THE <system> SHALL <response>`` for a *state* (the response holds for as long as it lasts).  A
WHEN clause that describes a state ("WHEN the user is logged in …") leaves the reader to guess which one is
meant: a response at the moment the state begins, or throughout it.  Kiro writes acceptance criteria in EARS; the
same lines occur in plain Markdown, spec-kit and OpenSpec specs.

A sentence is read when it is an EARS criterion: the keyword ``WHEN`` in capitals and a ``SHALL``/``MUST``
response after it (``could_fire`` is that test, before any parse; a prose "When …, X SHALL …" is not read).  The
WHEN clause runs from the keyword to ``THEN`` or to the subject of the response.  Its predicate(s), on the spaCy
parse (tag, dependency labels, aspect), are a **state** when:

* a copula with a predicate — an adjective, a noun or a prepositional phrase ("is active", "is the first of the
  day", "is in maintenance mode", "there is no connection"), except the adjectives that report that an event has
  just ended ("is successful", "is complete", "is done"): that is the moment of completion;
* progressive aspect: a present participle with a form of "be" ("is running", "is being loaded");
* stative possession or existence: "has unsaved changes", "has alerts disabled", "lacks", "contains", "remains",
  "exists" (a closed class of stative verbs; "has submitted" is a perfect, an event);
* an adjectival (resultative) passive: a participle with a particle ("is logged in", "is signed out"), "un-" on a
  participle ("is unsaved"), a stative aspect adverb ("is already allocated", "is still queued"), or a negation
  ("is not configured": nothing happens, so nothing triggers);
* in a Japanese clause (Kiro writes the keywords in English around it), the -te iru aspect before 時 / とき / 場合.

Everything else is an event and stays silent: "becomes", "changes to", a verbal passive ("is created",
"is uploaded"), an active verb of action ("submits", "clicks", "exceeds", "receives"), a perfect ("has logged
in"), a gerund with no subject ("WHEN displaying the list": every time the system does it).  A clause with
several predicates is flagged only when every one of them is a state ("WHEN a user creates a reading and has
alerts enabled": the trigger is the creation, the state a guard).  Two kinds of criterion stay silent whatever the
clause says, because there WHEN and WHILE mean the same (the blind development round, d2, judged them so): a
prohibition ("… SHALL NOT send": it holds for as long as the state does), and a criterion quantified over its
occurrences ("For any image request, WHEN the flag is False …": each request is the event).

The quick fix ``WHEN`` → ``WHILE`` is offered only when the rewrite is exact (the clause is followed by a comma and
the response's subject, not by ``THEN``) and only in formats that declare EARS fix templates
(``Format.ears_fixes``; langpass drops it elsewhere).
"""

from __future__ import annotations

import re

RULE = "ears-state-trigger"

# an EARS criterion: the keyword WHEN in capitals with a SHALL/MUST response after it.  A prose "When …, X SHALL"
# is not read: in the blind development round its state conditions read clearly in context (0 of 4 judged true)
TRIGGER = r"(?-i:\bWHEN\b(?s:(?=.*\b(?:SHALL|MUST)\b)))"
_WHEN = re.compile(r"\bWHEN\b")
_RESPONSE_MODAL = re.compile(r"\b(?:SHALL|MUST)\b")

# the end of an event, not a state: "WHEN the update is successful" is the moment the update succeeds
_COMPLETION = frozenset({"successful", "unsuccessful", "complete", "completed", "finished", "done", "over", "successfully"})
# stative verbs (Vendler's states) that EARS criteria use for a precondition: possession, inclusion, existence
_STATIVE = frozenset({"have", "lack", "contain", "remain", "exist", "own", "possess", "belong", "stay"})
# aspect adverbs that make a participle (or any predicate) a state: "is already allocated", "is still queued"
_STATE_ASPECT = frozenset({"already", "still", "currently", "yet"})
_PARTICLES = frozenset({"in", "out", "on", "off", "up", "down"})
_UN = re.compile(r"^(?:un|non-?)(?=[a-z]{3,}ed$)")


def could_fire(text: str) -> bool:
    return bool(re.search(TRIGGER, text, re.DOTALL))


def _clause_bounds(doc, text: str):
    """(WHEN token, end offset of its clause, whether THEN follows, the response's modal) of an EARS criterion, or None."""
    m = _WHEN.search(text)
    if m is None:
        return None
    a = m.start()
    when = next((t for t in doc if t.idx == a), None)
    if when is None:
        return None
    # the response's modal: an auxiliary of a verb (not a keyword mentioned in a list: "(SHALL, SHOULD, MAY)")
    modal = next((t for t in doc if t.idx > a and _RESPONSE_MODAL.fullmatch(text[t.idx:t.idx + len(t.text)] or "")
                  and t.dep_ in ("aux", "auxpass") and t.head.pos_ in ("VERB", "AUX") and t.head.i > t.i
                  and text.count("(", 0, t.idx) <= text.count(")", 0, t.idx)), None)
    if modal is None:
        return None
    end = modal.idx
    then = re.search(r"\bTHEN\b", text[a:end])
    if then is not None:
        return when, a + then.start(), True, modal
    # the response's subject: "…, THE <system> SHALL", "… the system SHALL"
    subj = [c for c in modal.head.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < modal.i]
    if subj:
        end = min(end, subj[0].left_edge.idx)
    comma = text.rfind(",", a, end)
    if comma != -1 and not text[comma + 1:end].strip():
        return when, comma, False, modal
    return when, end, False, modal


def _prefixed_participle(t) -> bool:
    """An adjectival participle: "un-" on a participle ("unsaved", "unverified") makes an adjective, unless
    "un-V" is itself a verb ("unlocked" can be the event of unlocking)."""
    w = t.lower_
    m = _UN.match(w)
    if m is None:
        return False
    try:
        from lemminflect import getAllLemmas
    except Exception:  # pragma: no cover - lemminflect is a dependency
        return True
    stem = getAllLemmas(w[m.end():], "VERB").get("VERB", ())
    if not stem:
        return False  # "under", "unified": not un- + a participle
    return not any(getAllLemmas("un" + s, "VERB") for s in stem)


def _state_kind(p, doc, lo: int, hi: int) -> str | None:
    """'state' (what kind, for the message) when predicate `p` of the WHEN clause describes a state, else None."""
    kids = [c for c in p.children if lo <= c.idx < hi]
    deps = {c.dep_ for c in kids}
    lem = p.lemma_.lower()
    aux = [c for c in kids if c.dep_ in ("aux", "auxpass")]
    if any(c.dep_ == "advmod" and c.lower_ in _STATE_ASPECT for c in kids):
        return "aspect"
    # progressive: "is running", "is being loaded"
    if any(c.lower_ == "being" for c in aux) or (p.tag_ == "VBG" and any(c.lemma_ == "be" for c in aux)):
        return "progressive"
    # a gerund clause with no subject ("WHEN displaying the list") scopes the response to every time the system
    # does it: an event as far as the reader is concerned (blind development round: 2 of 14 judged true)
    if p.tag_ == "VBG" and not aux and "nsubj" not in deps and "nsubjpass" not in deps:
        return None
    # copula: "is active", "is the first", "is in maintenance mode", "there is no connection"
    if lem == "be" and p.pos_ in ("AUX", "VERB") and not any(c.dep_ in ("aux", "auxpass") and c.lower_ in ("has", "have", "had") for c in kids):
        comp = [c for c in kids if c.dep_ in ("acomp", "attr", "prep", "oprd") and c.i > p.i]
        if not comp:
            return None
        c = comp[0]
        if c.lower_ in _COMPLETION or any(x.lower_ in _COMPLETION for x in c.children if x.dep_ == "conj"):
            return None  # "is successful": the moment of completion
        if c.dep_ == "prep" and c.lower_ in ("about", "to"):
            return None
        return "copula"
    # possession and other stative verbs: "has unsaved changes", "contains no keywords"
    if lem in _STATIVE and p.pos_ in ("VERB", "AUX") and p.dep_ != "aux":
        if lem == "have" and any(c.dep_ in ("xcomp", "ccomp") and c.tag_ == "VB" for c in kids):
            return None  # "has to", "have X do Y"
        return "stative"
    # the parser reads "has X disabled" / "has unsaved changes" as a perfect: a form of "have" followed by a noun
    # or an adjectival participle is possession
    have = [c for c in aux if c.lemma_.lower() == "have"]
    if have and p.tag_ == "VBN":
        h = have[0]
        nxt = doc[h.i + 1] if h.i + 1 < len(doc) else None
        if nxt is not None and nxt.i != p.i and nxt.pos_ in ("NOUN", "PROPN", "DET", "ADJ", "NUM", "PRON"):
            return "stative"
        if nxt is not None and nxt.i == p.i and _prefixed_participle(p):
            return "stative"
        return None  # "has logged in": a perfect, the event has happened
    # an adjectival (resultative) passive
    if p.tag_ == "VBN" and any(c.dep_ == "auxpass" for c in aux):
        if "agent" in deps:
            return None  # "is approved by an admin": an event with its actor
        if any(c.dep_ == "neg" for c in kids):
            return "negated"
        nxt = doc[p.i + 1] if p.i + 1 < len(doc) else None
        if nxt is not None and nxt.idx < hi and nxt.lower_ in _PARTICLES and not any(x.dep_ == "pobj" for x in nxt.children):
            return "resultative"  # "is logged in", "is signed out"
        if _prefixed_participle(p):
            return "resultative"  # "is unsaved", "is disconnected"
        return None
    return None


def _predicates(v, lo: int, hi: int):
    out = [v]
    stack = [v]
    while stack:
        x = stack.pop()
        for c in x.children:
            if c.dep_ == "conj" and lo <= c.idx < hi and c.pos_ in ("VERB", "AUX"):
                out.append(c)
                stack.append(c)
    return out


def _head_of_clause(when, lo: int, hi: int):
    v = when.head
    if v.dep_ in ("aux", "auxpass") and v.head is not v and lo <= v.head.idx < hi:
        v = v.head  # "WHEN a user has alerts disabled": the parser hangs WHEN on the auxiliary
    if v is not when and lo <= v.idx < hi:
        return v
    # the parser attached WHEN outside its clause: the clause's own root is the token whose head leaves it
    for t in when.doc:
        if lo < t.idx < hi and not (lo <= t.head.idx < hi) and t.pos_ in ("VERB", "AUX"):
            return t
    return None


_WORDS = {
    "copula": "describes a state",
    "progressive": "describes an ongoing activity (a state)",
    "stative": "describes a state (what something has or contains)",
    "resultative": "describes a state (the result of an event)",
    "negated": "describes the absence of an event (a state)",
    "aspect": "describes a state",
}


def state_trigger(doc, text: str) -> list:
    from .rules import Hit

    if not could_fire(text):
        return []  # not an EARS criterion (the parse may be here for another rule)
    cjk = _cjk_state(text)
    if cjk is not None:
        body = re.sub(r"(?:時|とき|場合)$", "間", text[cjk[0] + 4:cjk[1]].strip())  # WHILE …している間
        return [Hit(cjk[0], cjk[1], RULE, _message(text[cjk[0]:cjk[1]], "aspect", body), None)]
    if _CJK.search(text[:_first_modal(text)]):
        return []  # a Japanese / Chinese clause that the English parse cannot read
    got = _clause_bounds(doc, text)
    if got is None:
        return []
    when, end, has_then, modal = got
    if _prohibition(modal, text):
        return []  # "WHEN alerts are disabled THEN the system SHALL NOT send …": it holds as long as the state does
    if _FOR_EACH.search(text[:when.idx]):
        return []  # "For any image request, WHEN …": the triggering occurrence is named (each request)
    lo = when.idx
    hi = end
    while hi > lo and text[hi - 1] in " \t,*_":
        hi -= 1
    if hi - lo < 8:
        return []
    v = _head_of_clause(when, lo, hi)
    if v is None:
        return []
    kinds = [_state_kind(p, doc, lo, hi) for p in _predicates(v, lo, hi)]
    if not kinds or any(k is None for k in kinds):
        return []  # an event among the predicates: the trigger is the event, the rest a guard
    clause = text[lo:hi]
    body = clause[len(when.text):].strip()
    msg = _message(clause, kinds[0], body)
    # the exact rewrite: WHEN -> WHILE, where the clause is followed by ", THE <system> SHALL" (with THEN, the
    # EARS form would need THEN removed too, and that is the author's edit)
    repl = "WHILE" if not has_then and clause.startswith("WHEN") else None
    return [Hit(lo, hi, RULE, msg, repl)]


_FOR_EACH = re.compile(r"^[\W\d]*for\s+(?:any|each|every|all)\b", re.IGNORECASE)


def _prohibition(modal, text: str) -> bool:
    """The response is a prohibition ("SHALL NOT send", "SHALL not send", "SHALL never …")."""
    if re.match(r"\s+(?:NOT|not|never|NEVER)\b", text[modal.idx + len(modal.text):]):
        return True
    return any(c.dep_ == "neg" for c in modal.head.children)


def _message(clause: str, kind: str, body: str) -> str:
    return (f"“{_short(clause)}” {_WORDS[kind]}, not an event. Is the response required for as long as it holds "
            f"(“WHILE {_short(body, 60)}, …”) or once, at the moment it begins (name that event: "
            f"“WHEN … becomes / starts …”)?")


# Japanese EARS (Kiro writes the keywords in English around Japanese clauses): the aspect is morphology the
# English parse cannot see.  "-te iru" / "-te inai" (progressive or resultative: 割り当てられている, 実行中である)
# before 時 / とき / 間 / 場合 is a state; a plain dictionary form (割り当てられる時, 完了する時) is an event.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_CJK_WHEN = re.compile(r"\bWHEN\s+([^、,]*?(?:[てで](?:いる|いない|おり)|中である|である|中の)(?:時|とき|間|場合))\s*[、,]?\s*(?=THE\b|THEN\b)")


def _first_modal(text: str) -> int:
    m = _RESPONSE_MODAL.search(text)
    return m.start() if m else len(text)


def _cjk_state(text: str):
    m = _CJK_WHEN.search(text)
    if m is None or not _CJK.search(m.group(1)):
        return None
    return m.start(), m.end(1)


def _short(s: str, n: int = 80) -> str:
    s = " ".join(s.split())
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"
