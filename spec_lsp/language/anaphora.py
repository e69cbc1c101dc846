"""SPEC211 ambiguous-pronoun: does a third-person pronoun have more than one plausible antecedent?

A small, rule-based resolver over the spaCy parse (no coreference model: the project ships only
`en_core_web_sm`, and the published ReqEval systems that beat rules need a transformer).  It works by
linguistic classes, not by word lists:

1. Which pronouns: third person "it/its/itself", "they/them/their/theirs/themselves", and the personal
   "he/him/his/she/her" (first/second person — "we", "you" — name the spec's authors or reader: not
   anaphora).
2. Non-referential "it" is skipped: extraposition ("it is necessary/possible that …", "it shall be possible
   for X to …", "it is important to …"), "it + weather/time" ("it takes 2 s"), cleft "it is X that".
3. Candidates are the heads of noun phrases before the pronoun (same sentence, and the previous sentence of
   the same paragraph) that agree with it:
   - number: "it" ↔ singular or mass noun; "they" ↔ plural noun, a coordination "X and Y", or a mass noun;
   - animacy: "it" is not a person; "he/she" is a person;
   - not a compound modifier ("storage" in "storage medium"), not a measure ("5 minutes"), not inside the
     pronoun's own noun phrase ("its schedule" cannot mean "schedule");
   - binding (Principle B): a non-reflexive object pronoun does not corefer with the subject of its own
     clause ("the system shall identify it": "it" is not "the system"); a reflexive does ("itself").
4. Salience prefers one candidate, so the pronoun is not ambiguous when:
   - it is a possessive or subject in a clause whose main subject agrees and no other agreeing candidate
     is a subject (subject parallelism: "The DOG shall record its activities");
   - a noun inside an "of"-phrase under another candidate ("a record of events") competes only with its host
     when nothing else agrees (the host is the head, the "of"-noun its content).
   From the previous sentence only its subject competes unless the pronoun's own sentence has no candidate
   (distance: the other nouns of an earlier sentence are rarely picked up by a pronoun).
5. The pronoun is ambiguous when two or more distinct candidates remain.  A pronoun with no candidate at
   all and no previous sentence (a statement that opens with "It …") is reported as unresolved.

Measured on the ReqEval training split with document-grouped cross-validation: `bench/eval_anaphora.py`,
`bench/results/anaphora.md`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# pronoun -> (number, animacy) ; number "sing" | "plur" ; animacy "thing" | "person" | "any"
PRONOUNS = {
    "it": ("sing", "thing"), "its": ("sing", "thing"), "itself": ("sing", "thing"),
    "they": ("plur", "any"), "them": ("plur", "any"), "their": ("plur", "any"), "theirs": ("plur", "any"),
    "themselves": ("plur", "any"),
    "he": ("sing", "person"), "him": ("sing", "person"), "his": ("sing", "person"), "himself": ("sing", "person"),
    "she": ("sing", "person"), "her": ("sing", "person"), "herself": ("sing", "person"),
}
REFLEXIVE = {"itself", "themselves", "himself", "herself"}
POSSESSIVE = {"its", "their", "theirs", "his", "her"}

# Nouns that name people (animacy).  A short closed class of role nouns common in specifications; a proper
# noun tagged PERSON by the entity recogniser counts too.
PERSON_NOUNS = {"user", "developer", "person", "people", "individual", "customer", "operator", "administrator", "author",
                "reader", "child", "minor", "driver", "leader", "member", "subscriber", "contributor", "owner", "employee",
                "staff", "human", "player", "patient", "doctor", "nurse", "manager", "engineer", "reviewer", "maintainer",
                "editor", "buyer", "seller", "student", "teacher", "visitor", "guest", "passenger", "consumer", "producer",
                "citizen", "applicant", "requester", "caller", "sender", "recipient", "speaker", "adult", "teen", "kid"}
# Nouns used as mass nouns that take either number ("data are", "data is").
MASS_EITHER = {"data", "metadata", "media", "staff", "personnel"}
# Time/measure nouns: "5 minutes", "per second" are not antecedents.
_MEASURE_DEPS = ("nummod",)
# Predicates that make "it" an extraposition subject: "it is possible/necessary/important … that/to …".
_RAISING = {"be", "seem", "appear", "become", "remain", "take", "make"}


_BCP14 = {"MUST", "SHALL", "SHOULD", "MAY", "REQUIRED", "RECOMMENDED", "OPTIONAL", "NOT"}


@dataclass
class Options:
    """The resolver's switches (each one a linguistic class).  The defaults are the shipped configuration;
    bench/eval_anaphora.py measures each switch by document-grouped cross-validation."""
    expletive: bool = True          # skip pleonastic "it"
    binding: bool = True            # Principle B / A
    subject_parallel: bool = True   # a unique agreeing subject wins for a subject pronoun
    object_parallel: bool = True    # a unique agreeing direct object wins for an object pronoun
    of_phrase: bool = True          # "record of events": the of-noun does not compete with its host
    unresolved: bool = False        # flag a pronoun with no antecedent at all (no previous sentence)
    possessive_subject: bool = True  # a possessive resolves to its own clause's subject when nothing intervenes
    person_pronouns: bool = True    # he/him/his/she/her
    context_subject_only: bool = True  # previous sentence: subject only unless the sentence has no candidate


DEFAULT = Options()


@dataclass
class Candidate:
    token: object
    text: str
    key: str
    subject: bool
    of_host: object = None  # the candidate this one is the of-complement of
    from_context: bool = False
    main_subject: bool = False


@dataclass
class Resolution:
    pronoun: object
    candidates: list = field(default_factory=list)
    ambiguous: bool = False
    unresolved: bool = False
    skipped: str = ""


def _is_person(tok) -> bool:
    if tok.ent_type_ == "PERSON":
        return True
    return tok.lemma_.lower() in PERSON_NOUNS or tok.lower_ in PERSON_NOUNS


def _number(tok) -> set[str]:
    if tok.lower_ in MASS_EITHER or tok.lemma_.lower() in MASS_EITHER:
        return {"sing", "plur"}
    if any(c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN") for c in tok.children) and any(c.dep_ == "cc" and c.lower_ == "and" for c in tok.children):
        return {"plur"}  # "consumers and producers": the coordination is plural (handled as a group)
    if tok.tag_ in ("NNS", "NNPS", "VBZ"):
        return {"plur"}
    if tok.tag_ == "NNP" and tok.text.endswith("s") and tok.text[:-1].isupper():
        return {"plur"}  # "AIPs", "ICPs": acronym plurals tagged as singular proper nouns
    return {"sing"}


def _agrees(tok, number: str, animacy: str) -> bool:
    nums = _number(tok)
    if number not in nums:
        # a conjunct "X" of "X and Y" is singular itself; the group is plural
        if not (number == "sing" and tok.tag_ in ("NN", "NNP") and tok.lower_ not in MASS_EITHER and "plur" in nums):
            return False
    person = _is_person(tok)
    if animacy == "thing" and person:
        return False
    if animacy == "person" and not person:
        return False
    return True


def _clause_head(tok):
    """The verb heading the clause that `tok` belongs to."""
    h = tok
    while h.dep_ not in ("ROOT",) and h.pos_ not in ("VERB", "AUX"):
        if h.head is h:
            break
        h = h.head
    return h


def _is_subject(tok) -> bool:
    return tok.dep_ in ("nsubj", "nsubjpass")


def _expletive(t) -> bool:
    """Non-referential "it": extraposition, weather/time, cleft."""
    if t.lower_ != "it" or t.dep_ not in ("nsubj", "expl", "nsubjpass", "dobj"):
        return False
    head = t.head
    if t.dep_ == "expl":
        return True
    kids = list(head.children)
    if t.dep_ == "dobj" and head.lemma_ == "make" and any(c.dep_ in ("ccomp", "xcomp", "oprd") for c in kids):
        return True  # "make it possible to …"
    if t.dep_ in ("nsubjpass", "nsubj") and head.tag_ == "VBN" and any(
            c.dep_ in ("ccomp", "xcomp") and c.i > head.i and any(g.dep_ in ("mark", "aux") and g.lower_ in ("that", "to") for g in c.children)
            for c in kids):
        return True  # "it is RECOMMENDED that …", "it is required to …"
    if head.lemma_ == "be":
        # "it is RECOMMENDED that …": the tagger reads an upper-case keyword as a noun
        for c in kids:
            if c.dep_ in ("attr", "acomp") and c.text in _BCP14 and c.i + 1 < len(t.doc) and t.doc[c.i + 1].lower_ in ("that", "to", "for"):
                return True
    if head.lemma_ in _RAISING:
        # "it is possible (for X) to …", "it is important that …", "it takes 2 s to …"
        pred = [c for c in kids if c.dep_ in ("acomp", "attr", "oprd", "dobj") and c.i > t.i]
        clauses = [c for c in kids if c.dep_ in ("ccomp", "xcomp", "csubj", "advcl")]
        for c in pred:
            clauses += [g for g in c.children if g.dep_ in ("ccomp", "xcomp", "advcl", "csubj")]
            clauses += [x for g in c.children if g.dep_ == "prep" and g.lower_ == "for" for x in g.children if x.dep_ in ("pcomp", "xcomp")]
        for c in clauses:
            if c.i < t.i:
                continue
            if any(g.dep_ in ("aux", "mark") and g.lower_ in ("to", "for", "that", "whether", "if") for g in c.children) or c.tag_ == "VBG":
                if pred or head.lemma_ in ("seem", "appear"):
                    return True
        if head.lemma_ == "take" and any(c.dep_ == "dobj" and any(g.like_num or g.dep_ == "nummod" for g in c.subtree) for c in kids):
            return True  # "it takes 5 s"
    return False


def _own_np(t):
    """Tokens that cannot be the pronoun's antecedent by position: the pronoun itself, every noun whose phrase
    contains it (i-within-i: "the end of its route" — "its" is not "the end"), and the noun a relative clause
    containing it modifies ("the number with which it is associated" — "it" is not "the number")."""
    out = {t.i}
    h = t
    for _ in range(40):
        if h.head is h:
            break
        if h.dep_ in ("relcl", "acl") and h.head.pos_ in ("NOUN", "PROPN"):
            out.add(h.head.i)
        h = h.head
    # the noun phrase containing the pronoun: a possessive's head, and the noun an "of"-phrase over it hangs on
    np = t.head if t.dep_ == "poss" else (t if t.dep_ != "pobj" else None)
    if np is not None:
        out.update(x.i for x in np.subtree)
        if np.dep_ == "pobj" and np.head.lower_ == "of" and np.head.head.pos_ in ("NOUN", "PROPN"):
            out.add(np.head.head.i)
    elif t.head.lower_ == "of" and t.head.head.pos_ in ("NOUN", "PROPN"):
        out.add(t.head.head.i)  # "the end of it"
    return out


def _candidates(doc, before: int | None, number: str, animacy: str, pron=None, opts: Options = DEFAULT,
                from_context: bool = False) -> list[Candidate]:
    own = _own_np(pron) if pron is not None else set()
    out: list[Candidate] = []
    for tok in doc:
        if before is not None and tok.i >= before:
            break
        if tok.i in own or not _nounlike(tok):
            continue
        if tok.ent_type_ in ("DATE", "TIME", "CARDINAL", "ORDINAL", "PERCENT", "QUANTITY", "MONEY"):
            continue  # "Monday", "8:00pm": times and quantities are not referents of "it"/"they"
        if _framing(tok):
            continue  # "In this case, …", "in order to": a framing adverbial, not a referent
        if tok.dep_ in ("compound", "amod", "nmod", "npadvmod") and tok.head.pos_ in ("NOUN", "PROPN"):
            continue
        if tok.i + 1 < len(tok.doc) and tok.nbor(1).text in ("-", "‐") and tok.i + 2 < len(tok.doc):
            continue  # the first part of a hyphenated compound ("point-to-point call")  # a modifier inside a compound ("storage medium"), not a referent
        if any(c.dep_ in _MEASURE_DEPS and c.like_num for c in tok.children):
            continue  # a measure ("5 minutes")
        if tok.dep_ == "conj" and tok.head.pos_ in ("NOUN", "PROPN") and number == "plur" and _number(tok.head) == {"plur"} and any(c.lower_ == "and" for c in tok.head.children):
            continue  # the conjunct belongs to the plural group already counted at its head
        if not _agrees(tok, number, animacy):
            continue
        host = None
        if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.pos_ in ("NOUN", "PROPN"):
            host = tok.head.head
        subj = _is_subject(tok) or (tok.dep_ == "conj" and _is_subject(tok.head))
        main = subj and _clause_head(tok).dep_ == "ROOT"
        out.append(Candidate(tok, _np_text(tok), tok.lemma_.lower(), subj, host, from_context, main))
    return out


def _nounlike(tok) -> bool:
    if not any(ch.isalpha() for ch in tok.text) or len(tok.text) < 2:
        return False
    if tok.text in _BCP14:
        return False  # "described with a MUST": a keyword mentioned, not a thing
    if tok.pos_ in ("NOUN", "PROPN"):
        return True
    # the small model tags some plural nouns as verbs ("RWIS databases" -> VBZ) in a noun's position
    return tok.tag_ == "VBZ" and tok.dep_ in ("pobj", "dobj") and tok.text.endswith("s")


def _framing(tok) -> bool:
    """A noun inside a framing adverbial: a prepositional phrase that opens the sentence and ends at a comma
    ("In this case, …", "Upon registration, …"), or the fixed "in order to"."""
    prep = tok.head
    if tok.dep_ != "pobj" or prep.dep_ != "prep":
        return False
    if tok.lower_ == "order" and tok.i + 1 < len(tok.doc) and tok.nbor(1).lower_ == "to":
        return True
    span = list(prep.subtree)
    first, last = span[0], span[-1]
    if prep.head.pos_ not in ("VERB", "AUX") or first.i > 1:
        return False
    return last.i + 1 < len(tok.doc) and tok.doc[last.i + 1].text == ","


def _np_text(tok) -> str:
    left = [c for c in tok.lefts if c.dep_ in ("compound", "amod") and c.i == tok.i - 1]
    words = [left[0].text] if left else []
    return " ".join(words + [tok.text])


def _emphatic(t) -> bool:
    """An intensifying reflexive ("the specification itself", "the network itself"): not anaphora."""
    if t.lower_ not in REFLEXIVE:
        return False
    if t.dep_ in ("appos", "npadvmod", "nmod") and t.head.pos_ in ("NOUN", "PROPN"):
        return True
    return t.i > 0 and t.nbor(-1).pos_ in ("NOUN", "PROPN") and t.dep_ not in ("dobj", "pobj", "dative")


def _clause_subject(t):
    """The subject of the clause a pronoun sits in: an explicit nsubj, or the noun a participle or relative
    clause modifies ("a journey exceeding its timeout")."""
    h = _clause_head(t)
    for c in h.children:
        if c.dep_ in ("nsubj", "nsubjpass") and c.i != t.i:
            if c.tag_ in ("WDT", "WP") and h.dep_ == "relcl":
                return h.head  # "a task that finishes its work": "that" is the task
            return c
    if h.dep_ == "acl" and h.tag_ == "VBG" and h.head.pos_ in ("NOUN", "PROPN"):
        return h.head
    if h.dep_ in ("xcomp", "conj") and h.head is not h:
        return _clause_subject(h.head) if h.head.pos_ in ("VERB", "AUX") else None
    return None


def resolve(doc, context_doc=None, opts: Options = DEFAULT) -> list[Resolution]:
    out = []
    for t in doc:
        spec = PRONOUNS.get(t.lower_)
        if spec is None or t.pos_ not in ("PRON", "DET"):
            continue
        number, animacy = spec
        if animacy == "person" and not opts.person_pronouns:
            continue
        res = Resolution(t)
        if opts.expletive and _expletive(t):
            res.skipped = "expletive"
            out.append(res)
            continue
        if _emphatic(t):
            res.skipped = "emphatic"
            out.append(res)
            continue
        cands = _candidates(doc, t.i, number, animacy, t, opts)
        if opts.binding and t.lower_ not in REFLEXIVE and t.dep_ in ("dobj", "pobj", "dative"):
            clause = _clause_head(t)
            cands = [c for c in cands if not (_is_subject(c.token) and c.token.head.i == clause.i)]
        if opts.binding and t.lower_ in REFLEXIVE:
            clause = _clause_head(t)
            bound = [c for c in cands if _is_subject(c.token) and c.token.head.i == clause.i]
            if bound:
                cands = bound
        if context_doc is not None and not cands:
            # distance: the previous sentence supplies antecedents only when this one has none
            ctx = _candidates(context_doc, None, number, animacy, None, opts, from_context=True)
            if opts.context_subject_only and t.dep_ in ("nsubj", "poss"):
                # an active subject pronoun continues the previous sentence's subject; a passive one
                # ("It must then be signed.") is a patient, and any earlier noun competes
                ctx = [c for c in ctx if c.main_subject] or ctx
            cands = ctx
        if opts.of_phrase:
            hosts = {c.token.i for c in cands if c.of_host is None}
            cands = [c for c in cands if c.of_host is None or c.of_host.i not in hosts or c.from_context]
        keys = []
        seen = set()
        for c in cands:
            if c.key not in seen:
                seen.add(c.key)
                keys.append(c)
        if opts.subject_parallel and len(keys) >= 2 and t.dep_ in ("nsubj", "nsubjpass"):
            # the subject of the nearest clause on (or hanging on) the pronoun's path: "If the node enforces a
            # cap, it MUST return …", "When the recorder runs, Then it reports …"
            subs = [c for c in cands if c.subject and not c.from_context and _parallel(t, c.token)]
            if subs:
                near = max(subs, key=lambda c: c.token.i)
                keys = [c for c in keys if c.key == near.key]
        if opts.object_parallel and len(keys) >= 2 and t.dep_ == "dobj":
            objs = [c for c in keys if c.token.dep_ == "dobj"]
            if len({c.key for c in objs}) == 1:
                keys = objs  # role parallelism: "activates X … if the user requests it"
        if opts.possessive_subject and len(keys) >= 2 and t.dep_ == "poss":
            subj = _clause_subject(t)
            if subj is not None:
                mine = [c for c in keys if c.token.i == subj.i or (c.token.dep_ == "conj" and c.token.head.i == subj.i)]
                between = [c for c in keys if c.token.i > subj.i and c.key != (mine[0].key if mine else None)]
                if mine and not between:
                    keys = mine[:1]  # "Each entry SHALL show its name": the clause's own subject, nothing in between
        res.candidates = keys
        res.ambiguous = len(keys) >= 2
        res.unresolved = (opts.unresolved and not keys and context_doc is None and not res.skipped
                          and not any(_nounlike(x) for x in doc[:t.i]))
        out.append(res)
    return out


def _parallel(pron, subj) -> bool:
    """Is `subj` the subject of a clause on the pronoun's path to the root, or of a subordinate clause hanging
    on that path before the pronoun ("If a client receives X, it SHOULD …")?"""
    if pron.doc is not subj.doc:
        return False  # the previous sentence is handled by `context_subject_only`
    if _clause_head(pron).dep_ == "conj":
        return False  # "X sends Y to Z, and it validates …": coordination keeps both readings open
    path = set()
    h = pron
    for _ in range(40):
        path.add(h.i)
        if h.head is h:
            break
        h = h.head
    sh = subj.head
    if sh.i in path:
        return True
    return sh.dep_ in ("advcl", "ccomp", "conj") and sh.head.i in path and sh.i < pron.i


def ambiguous_pronouns(doc, context_doc, make_hit, q) -> list:
    """SPEC211 findings for one parsed sentence; `make_hit(start, end, message)` builds the rule's Hit."""
    out = []
    for r in resolve(doc, context_doc):
        t = r.pronoun
        if r.ambiguous:
            names = []
            for c in r.candidates:
                if c.text not in names:
                    names.append(c.text)
            names = names[-3:]
            out.append(make_hit(t.idx, t.idx + len(t.text),
                                f"{q(t.text)} could refer to {' or '.join(q(n) for n in names)}: which one? Repeat the noun."))
        elif r.unresolved:
            out.append(make_hit(t.idx, t.idx + len(t.text),
                                f"{q(t.text)} has no antecedent in this statement: name what it refers to."))
    return out


# prefilter (rules.could_fire): a sentence without one of these words need not be parsed for SPEC211
TRIGGER = r"\b(?:" + "|".join(sorted(PRONOUNS, key=len, reverse=True)) + r")\b"
