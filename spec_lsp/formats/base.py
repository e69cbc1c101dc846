"""The format seam: what a spec format declares, and the data it hands the core.

A *format* is one module under ``spec_lsp/formats/`` with one subclass of :class:`Format`, registered
in ``spec_lsp/formats/__init__.py``.  The core (parsing, the workspace index, checks, navigation, the
language pass) asks the format of each document:

* which files it reads (``claims``; dot-directories it needs in ``dot_dirs``) and whether a
  repository uses it at all (``detect``, for zero-config);
* how clauses are defined (``definition_patterns`` for the shared Markdown parser; ``clauses`` to
  adjust or add to what the parser found);
* each clause's **scope** (``scope``): equal IDs in different scopes are different clauses, and a
  mention resolves in its own scope first;
* what counts as **evidence** of a clause (``evidence``) and as a **reference** to one
  (``references``);
* how an ID is shown (``display_id``), the quick fix for a clause without evidence
  (``missing_evidence``), its vocabulary (``attributes``, ``aliases``);
* its rules (``rules``: metadata; ``check``: the findings of one document).

Everything a format computes from one document depends on that document only; whatever it needs
from other documents it reads through the workspace's recording lookups (``WorkspaceView``), so the
incremental index knows what to re-check.  A format never imports pygls/lsprotocol.
"""

from __future__ import annotations

import posixpath
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Protocol, Sequence

from ..core.model import Finding, Fix, Range, Rule, Severity

if TYPE_CHECKING:  # pragma: no cover
    from ..core.config import Config
    from ..core.document import Clause, SpecDocument


def format_rule(code: str, name: str, severity: Severity, summary: str) -> Rule:
    """A format's structural rule, on by default, documented at spec_lsp/docs/rules/<name>.md."""
    return Rule(code, name, "structure", severity, summary, True, f"spec_lsp/docs/rules/{name}.md")


def rule_finding(rules: Sequence[Rule], code: str, path: str, rng: Range, message: str, subject: str = "",
                 related: Iterable = (), fixes: Iterable[Fix] = (), severity: Severity | None = None) -> Finding:
    """A finding of the rule `code` of a format's `rules` (its severity unless `severity` is given)."""
    r = next(x for x in rules if x.code == code)
    return Finding(path, rng, r.code, r.name, r.category, severity or r.severity, message, subject, tuple(related), tuple(fixes))


# ---------------------------------------------------------------------------------------------
# Data a format hands the core


@dataclass(frozen=True, slots=True)
class Reference:
    """A place that cites a clause: an ID mention, `[Spec §FR-008]`, `_Requirements: 1.2_`, a task's `(FR-004)`."""

    id: str
    path: str
    range: Range
    kind: str = "mention"  # mention | citation | task | range
    by: str = ""  # who cites it when that has a name (a task ID such as "T012"), else ""


@dataclass(frozen=True, slots=True)
class Evidence:
    """Something that tests or implements a clause: a challenge file, a scenario, a criterion, a task."""

    kind: str  # challenge-file | scenario | criterion | task
    path: str
    range: Range
    label: str  # what a hover or a code lens shows: "examples/sy73.md", "T012", "Scenario: …"


@dataclass(frozen=True, slots=True)
class ScopeInfo:
    key: str  # "" = the whole workspace; otherwise e.g. "specs/001-photo-albums"
    label: str  # "feature 001-photo-albums", "capability auth", "" for the workspace


@dataclass(frozen=True, slots=True)
class MissingEvidenceFix:
    """The quick fix for a clause without evidence: create a file, or insert text somewhere."""

    title: str
    path: str  # the file to create or edit
    text: str
    insert_at: Range | None = None  # None: create `path` with `text`


class WorkspaceView(Protocol):
    """What a format's `check` may read from the index (every lookup records a dependency)."""

    config: "Config"

    def clause_defs(self, clause_id: str) -> list: ...
    def clause_defs_in_scope(self, clause_id: str, scope: str) -> list: ...
    def clause_ids_in_scope(self, scope: str) -> list[str]: ...
    def references_from(self, rel_path: str) -> frozenset[str]: ...
    def scope_docs(self, scope: str) -> list[str]: ...
    def format_data(self, rel_path: str): ...
    def doc(self, rel_path: str): ...
    def file_exists(self, rel_path: str) -> bool: ...
    def scope_of(self, rel_path: str) -> str: ...


# ---------------------------------------------------------------------------------------------
# The base class


class Format:
    """Base class of a spec format.  Override what differs; the defaults are the generic behaviour."""

    #: registry name, used in `format = [...]` and by `spec-lsp doctor`
    name: str = ""
    #: one line for `doctor` and docs
    title: str = ""
    #: a *fallback* format reads every Markdown file no specific format claims (Model Spec, id-patterns)
    fallback: bool = False
    #: dot-directories this format reads (they are skipped otherwise), e.g. (".kiro",)
    dot_dirs: tuple[str, ...] = ()
    #: file extensions this format reads (in addition to `include`)
    extensions: tuple[str, ...] = (".md", ".markdown")
    #: the rules this format adds (codes in its own range); checked by `check`
    rules: tuple[Rule, ...] = ()
    #: section attributes and their allowed values (None: take them from the configuration)
    attributes: dict[str, tuple[str, ...]] | None = None
    #: historical aliases of attribute values: {"authority": {"platform": "root"}}
    aliases: dict[str, dict[str, str]] = {}
    #: whether the generic challenge-file rules (SPEC101/102/103/104) apply to this format's clauses
    uses_challenge_files: bool = False
    #: whether the generic unknown-mention rule (SPEC122) applies to this format's documents
    generic_mentions: bool = True
    #: parse `**ID** text` (bold ID, no separator) as a definition too
    bold_lead_definitions: bool = False
    #: whether text indented by 4 spaces is code (False for MDX, which has no indented code blocks)
    indented_code: bool = True
    #: whether this format writes EARS criteria from a template (Kiro): the language rule ears-state-trigger
    #: (SPEC217) then offers its exact `WHEN` -> `WHILE` rewrite as a quick fix (elsewhere it only asks)
    ears_fixes: bool = False
    #: completion: a regex whose group 1 is the ID prefix typed just before the cursor (`FR-0`)
    completion_prefix: str | None = None

    # -- zero-config detection ------------------------------------------------------------
    def detect(self, files: Sequence[str]) -> bool:
        """Whether a repository (its workspace-relative file paths, dot-dirs included) uses this format."""
        return False

    # -- which files -------------------------------------------------------------------------
    def claims(self, rel_path: str) -> bool:
        """Whether this (non-fallback) format owns `rel_path`.  Fallback formats own the rest."""
        return False

    # -- clauses ---------------------------------------------------------------------------
    def definition_patterns(self, rel_path: str, config: "Config") -> tuple[str, ...]:
        """Regexes (group `id` or the whole match) of IDs defined at the start of a paragraph or list
        item in `rel_path`; any other match of them is a mention."""
        return ()

    def preprocess(self, text: str) -> str:
        """The text the Markdown parser sees (default: as is).  Must keep every line and its length
        (blank out JSX or `import` lines with spaces) so that positions stay the user's positions."""
        return text

    def finish(self, doc: "SpecDocument") -> "SpecDocument":
        """Adjust a parsed document (a pure function of it): e.g. demote definitions outside the files
        that define clauses to mentions.  Default: the document as parsed."""
        return doc

    # -- scope -----------------------------------------------------------------------------
    def scope(self, rel_path: str) -> str:
        """The scope key of a document: "" (the workspace), a feature directory, a capability…"""
        return ""

    def scope_label(self, scope: str) -> str:
        return ""

    # -- references and evidence ------------------------------------------------------------
    def references(self, doc: "SpecDocument") -> tuple[Reference, ...]:
        """Every reference to a clause in `doc` (default: the parser's ID mentions)."""
        return cached(doc, "references", lambda: tuple(Reference(m.id, doc.path, m.range) for m in doc.mentions))

    def data(self, doc: "SpecDocument") -> object | None:
        """The format's own parse of a document (a hashable, comparable value, e.g. OpenSpec's
        requirements with their scenarios), which other documents of its scope read through
        `ws.format_data(path)`: when it changes, they are re-checked.  Default: None (nothing)."""
        return None

    def evidence(self, ws, path: str, clause: "Clause") -> list[Evidence]:
        """The evidence of a clause defined in `path` (reads through `ws`, recording dependencies)."""
        return []

    # -- citations in code, tests and other files (spec_lsp/trace) -----------------------------
    def citation_patterns(self, config: "Config") -> tuple[str, ...]:
        """Regexes of this format's *distinctive* IDs (`FR-\\d{3}`): IDs that cannot be part of an ordinary
        word, so that a whole-word match anywhere in any file is a citation.  Default: none, i.e. only the
        explicit forms (`[^id]`, `@spec("id")`, `spec: id`) and the configured `citation-patterns` cite."""
        return ()

    def citable(self, rel_path: str) -> bool:
        """Whether code and tests can cite the clauses of `rel_path` (spec-kit templates: no; their FR-001
        is an example)."""
        return True

    # -- presentation ------------------------------------------------------------------------
    def display_id(self, clause_id: str) -> str:
        return clause_id

    def symbol_name(self, clause: "Clause") -> str:
        """The name of a clause in document symbols / outline."""
        return self.display_id(clause.id)

    def missing_evidence(self, ws, path: str, clause: "Clause", section_title: str) -> MissingEvidenceFix | None:
        """The quick fix for a clause without evidence, or None (no XML outside the Model Spec)."""
        return None

    def resolve_link(self, ws, doc_path: str, link) -> tuple[str | None, str | None, bool] | None:
        """(target path or None for the same document, anchor, checkable) for a link, or None for
        the generic resolution (relative paths; `/x` from the workspace root)."""
        return None

    def rename_edits(self, ws, path: str, clause_id: str, new_id: str):
        """A rename of a clause ID, as {path: [(Range, new text)]}, or None for the generic rename
        (every definition, mention and challenge file of the ID, within the clause's scope)."""
        return None

    def valid_id(self, new_id: str) -> bool | None:
        """Whether `new_id` is an acceptable clause ID for a rename (None: the generic check)."""
        return None

    def keep_language_hit(self, rule_name: str, text: str) -> bool:
        """Whether a language finding of `rule_name` on `text` stands (False: the format has a more
        precise rule for it).  Default: every hit stands."""
        return True

    # -- checks ------------------------------------------------------------------------------
    def check(self, doc: "SpecDocument", ws: WorkspaceView) -> list[Finding]:
        """This format's own findings for one document (generic rules run anyway)."""
        return []

    def check_mentions(self, doc: "SpecDocument", ws: WorkspaceView) -> list[Finding] | None:
        """Findings for references that resolve to no clause; None = use the generic rule (SPEC122)."""
        return None

    # -- statistics (for `spec-lsp doctor`) ---------------------------------------------------
    def counts(self, ws, paths: Iterable[str]) -> dict[str, int]:
        from ..core.document import SpecDocument

        clauses = evidence = refs = 0
        for p in paths:
            d = ws.docs.get(p)
            if isinstance(d, SpecDocument):
                for c in d.clauses:
                    clauses += 1
                    evidence += len(self.evidence(ws, p, c))
                refs += len(self.references(d))
        return {"clauses": clauses, "evidence": evidence, "references": refs}

    def __repr__(self) -> str:
        return f"<format {self.name}>"


# ---------------------------------------------------------------------------------------------
# Helpers for format modules

_CACHE: "weakref.WeakKeyDictionary[object, dict]" = weakref.WeakKeyDictionary()


def cached(doc, key: str, fn: Callable[[], object]):
    """Memoise a per-document computation on the (immutable) document object."""
    d = _CACHE.get(doc)
    if d is None:
        d = {}
        _CACHE[doc] = d
    if key not in d:
        d[key] = fn()
    return d[key]


def path_parts(rel_path: str) -> list[str]:
    return rel_path.split("/")


def parent_dir(rel_path: str) -> str:
    return posixpath.dirname(rel_path)


def fix_for(m: MissingEvidenceFix | None) -> list[Fix]:
    if m is None:
        return []
    if m.insert_at is None:
        return [Fix(m.title, "create-file", m.text, path=m.path)]
    return [Fix(m.title, "replace", m.text, m.insert_at, path=m.path)]
