"""The workspace index: every spec document of a root, the symbol tables, the findings, the graph.

Incremental by construction:

* a document is re-parsed from its previous version (only changed chunks are parsed again);
* each document *provides* keys with a fingerprint (``("clause", id)`` -> where and in which section,
  ``("anchors", path)`` -> its anchor names, ``("challenge", id)``, ``("file", path)``);
* each document's check *reads* keys through the lookup methods below, which record them: those
  are its dependencies (as in salsa / rust-analyzer, recorded rather than declared);
* after an update, only the documents that read a key whose fingerprint changed are re-checked.

`Workspace(..., paranoid=True)` rebuilds everything from scratch after every update and raises
`IncrementalMismatch` if the result differs (marksman's "paranoid mode").
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import replace
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .checks import apply_waivers, check_challenge, check_spec, make
from .config import (DEFAULT_EXCLUDE, Config, ConfigProblem, NotRegularFile, TooLarge, _glob_match, challenge_id,
                     find_config_file, include_dot_dirs, is_excluded_dir, path_included, read_regular)
from .document import ChallengeDocument, Clause, SpecDocument, parse_challenge, parse_spec
from .model import Finding, Position, Range
from .rules import RuleSettings
from ..versions import lock as _lock
from ..versions.identity import challenge_hash, evidence_hash, evidence_of

Document = SpecDocument | ChallengeDocument
MAX_FILE_BYTES = 8 * 1024 * 1024


class IncrementalMismatch(AssertionError):
    pass


class Workspace:
    def __init__(self, root: Path | str, config: Config | None = None, config_problems: Iterable[ConfigProblem] = (),
                 *, paranoid: bool = False, select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> None:
        self.root = Path(root)
        self.config = config or Config()
        self.config_problems = tuple(config_problems)
        self.settings = RuleSettings(self.config, select, ignore)
        self.paranoid = paranoid
        self._select, self._ignore = select, ignore
        self.docs: dict[str, Document] = {}
        self.other_files: set[str] = set()  # files that are not spec documents (assets, other text)
        self.read_errors: dict[str, str] = {}
        # symbol tables
        self._clauses: dict[str, dict[str, tuple[tuple[Clause, str], ...]]] = defaultdict(dict)  # id -> path -> (clause, section title)
        self._challenges: dict[str, dict[str, ChallengeDocument]] = defaultdict(dict)
        self._provided: dict[str, dict[tuple, object]] = {}
        # dependencies, recorded while checking
        self._deps: dict[str, frozenset] = {}
        self._dependents: dict[tuple, set[str]] = defaultdict(set)
        self._reading: set | None = None
        # findings
        self._structural: dict[str, tuple[Finding, ...]] = {}
        self._language: dict[str, tuple[Finding, ...]] = {}
        self._final: dict[str, tuple[Finding, ...]] = {}
        self._graph = None
        self._graph_dirty: set[str] = set()
        self._texts: dict[str, str] = {}
        self.listeners: list[Callable[[str, Document | None], None]] = []
        # formats (spec_lsp/formats): which are active, which one owns each document
        from ..formats import detect

        self.formats = detect((), self.config.formats)
        self._fmt_of: dict[str, object] = {}
        self._parse_cfgs: dict[tuple, Config] = {}
        self._dot_dirs = include_dot_dirs(self.config)
        # sub-directories with a config file of their own (found by `discover`): roots of their own
        self.nested_roots: tuple[str, ...] = ()
        # spec.lock (spec_lsp/versions/lock.py): provides ("lock-present",), ("lock", id), ("lock-retired", id)
        self.lock: _lock.LockFile | None = None
        self._lock_text: str | None = None
        self._lock_provided: dict[tuple, object] = {}
        # citations in code, tests and other files (spec_lsp/trace): provides ("code", path) and
        # ("cites", id) -> the qualifiers it cites `id` with; read by evidence and by SPEC500/501
        self.code: dict = {}  # path -> trace.index.CodeFile
        self._citing: dict[str, dict[str, tuple]] = defaultdict(dict)  # id -> path -> citations
        self.citations_loaded = False
        self.clause_generation = 0  # bumped when any ("clause", id) key changes (trace.resolve memoises on it)
        self._resolve_cache: dict = {}

    # ------------------------------------------------------------------------------------
    # Loading

    def rel(self, path: Path | str) -> str:
        p = Path(path)
        try:
            return p.resolve().relative_to(self.root.resolve()).as_posix() if p.is_absolute() else p.as_posix()
        except ValueError:
            return p.as_posix()

    def _real_root(self) -> str:
        rr = getattr(self, "_rr", None)
        if rr is None:
            rr = self._rr = os.path.realpath(self.root)
        return rr

    def inside_root(self, path: Path | str) -> bool:
        """Does `path`, with every symlink resolved, stay inside the workspace root?"""
        real = os.path.realpath(path)
        rr = self._real_root()
        return real == rr or real.startswith(rr.rstrip(os.sep) + os.sep)

    def discover(self) -> tuple[list[str], list[str]]:
        """Walk the root: (spec files to index, other files) as workspace-relative paths.

        Dot-directories are skipped unless a format reads them (`.specify`, `.kiro`…) or `include`
        names them; the formats are detected from the paths found (unless `format` forces them).
        Symlinked files that lead outside the root are skipped, and symlinked directories are not
        walked, unless the user-level `follow-symlinks` setting is on (then each real directory is
        walked once: a symlink loop ends there)."""
        from ..formats import detect, wanted_dot_dirs

        allowed = wanted_dot_dirs() | self._dot_dirs
        files: list[str] = []
        root = str(self.root)
        nested: list[str] = []
        follow = self.config.follow_symlinks
        seen_dirs: set[str] = {os.path.realpath(root)}
        for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
            keep = []
            for d in sorted(dirnames):
                if is_excluded_dir(d) and not (d in allowed and d not in DEFAULT_EXCLUDE):
                    continue
                full = os.path.join(dirpath, d)
                if os.path.islink(full):
                    # (not followed by default, as before: a link to a sibling would index it twice)
                    real = os.path.realpath(full)
                    if not follow or real in seen_dirs:
                        continue
                    seen_dirs.add(real)
                keep.append(d)
            # a sub-directory with a config file of its own is a root of its own (README: Configuration)
            own = [d for d in keep if find_config_file(Path(dirpath) / d) is not None]
            if own:
                rel_here = os.path.relpath(dirpath, root)
                rel_here = "" if rel_here == "." else rel_here.replace(os.sep, "/") + "/"
                nested.extend(rel_here + d for d in own)
                keep = [d for d in keep if d not in own]
            dirnames[:] = keep
            rel_dir = os.path.relpath(dirpath, root)
            rel_dir = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
            for fn in sorted(filenames):
                if not follow and os.path.islink(os.path.join(dirpath, fn)) and not self.inside_root(os.path.join(dirpath, fn)):
                    continue  # a symlink out of the workspace: never read, never listed
                files.append(rel_dir + fn)
        self.nested_roots = tuple(nested)
        self.formats = detect(files, self.config.formats)
        self._fmt_of.clear()
        specs: list[str] = []
        others: list[str] = []
        for rp in files:  # spec.lock is tracked, but installed by load(), not parsed as a document
            (specs if rp != _lock.LOCK_FILE and self.is_spec_path(rp) else others).append(rp)
        return specs, others

    def in_nested_root(self, rel_path: str) -> bool:
        """Whether a path lies in a sub-directory that is a root of its own (it has its own config file):
        that root indexes and checks it, with its own settings; this one neither reads nor checks it."""
        return any(rel_path.startswith(n + "/") for n in self.nested_roots)

    def is_spec_path(self, rel_path: str) -> bool:
        """A file whose text the index tracks: a spec document, a challenge file, or spec.lock."""
        if self.in_nested_root(rel_path):
            return False
        if rel_path == _lock.LOCK_FILE or path_included(rel_path, self.config):
            return True
        # a file in a dot-directory that `include` names, or that an active (or newly detected) format reads
        parts = rel_path.split("/")
        hidden = [d for d in parts[:-1] if is_excluded_dir(d)]
        if any(d in DEFAULT_EXCLUDE for d in hidden):
            return False
        if hidden and all(d in self._dot_dirs for d in hidden) and any(_glob_match(rel_path, g) for g in self.config.include):
            return not any(_glob_match(rel_path, g) or _glob_match(rel_path, g.rstrip("/") + "/**") for g in self.config.exclude)
        fmt = self._specific_format(rel_path, allow_new=True)
        if fmt is None or not rel_path.endswith(fmt.extensions):
            return False
        return not any(_glob_match(rel_path, g) or _glob_match(rel_path, g.rstrip("/") + "/**") for g in self.config.exclude)

    # ------------------------------------------------------------------------------------
    # Formats

    def _specific_format(self, rel_path: str, allow_new: bool = False):
        for f in self.formats:
            if not f.fallback and f.claims(rel_path):
                return f
        if allow_new and not self.config.formats:
            from ..formats import all_formats

            for f in all_formats():
                if not f.fallback and f not in self.formats and f.detect((rel_path,)) and f.claims(rel_path):
                    return f
        return None

    def format_of(self, rel_path: str):
        """The format that owns a document: the first active specific format that claims it, else the
        Model Spec (or another active fallback)."""
        got = self._fmt_of.get(rel_path)
        if got is None:
            got = self._specific_format(rel_path) or next(f for f in self.formats if f.fallback)
            self._fmt_of[rel_path] = got
        return got

    def scope_of(self, rel_path: str) -> str:
        return self.format_of(rel_path).scope(rel_path)

    def scope_label(self, rel_path: str) -> str:
        f = self.format_of(rel_path)
        return f.scope_label(f.scope(rel_path))

    def _activate_for(self, rel_path: str) -> None:
        """A new file whose path reveals a format not active yet (the first `specs/001-x/spec.md`):
        activate it and re-parse the documents it now owns (detection is by path, so this equals
        detecting over all files at once)."""
        if self.config.formats:
            return
        from ..formats import all_formats

        new = [f for f in all_formats() if not f.fallback and f not in self.formats and f.detect((rel_path,))]
        if not new:
            return
        specific = [f for f in all_formats() if not f.fallback and (f in self.formats or f in new)]
        self.formats = tuple(specific) + tuple(f for f in self.formats if f.fallback)
        self._fmt_of.clear()
        for p in list(self.docs):
            old = self.docs[p]
            f = self.format_of(p)
            if getattr(old, "format", None) != f.name and p != rel_path:
                self._put(p, self._texts[p])
                self._recheck_all_pending = True

    def _deactivate_for(self, rel_path: str) -> None:
        """`rel_path` left the workspace: a format detected only through it is no longer used (the last
        `specs/001-x/spec.md`, the last `.mdx` page); deactivate it and re-parse the documents it owned,
        so that the index equals detecting over the remaining files (detection is by path, per file)."""
        if self.config.formats:
            return
        gone = [f for f in self.formats if not f.fallback and f.detect((rel_path,))]
        if not gone:
            return
        rest = [p for p in (*self.docs, *self.other_files) if p != rel_path]
        gone = [f for f in gone if not any(f.detect((p,)) for p in rest)]
        if not gone:
            return
        self.formats = tuple(f for f in self.formats if f not in gone)
        self._fmt_of.clear()
        for p in list(self.docs):
            if p == rel_path:
                continue
            if getattr(self.docs[p], "format", None) != self.format_of(p).name:
                self._put(p, self._texts[p])
                self._recheck_all_pending = True

    def parse_config(self, fmt, rel_path: str) -> Config:
        """The configuration a document is parsed with: its format's definition patterns."""
        pats = tuple(fmt.definition_patterns(rel_path, self.config))
        key = (pats, fmt.bold_lead_definitions, fmt.indented_code)
        got = self._parse_cfgs.get(key)
        if got is None:
            got = self.config if (pats == self.config.id_patterns and not fmt.bold_lead_definitions and fmt.indented_code) else \
                replace(self.config, id_patterns=pats, id_bold_lead=fmt.bold_lead_definitions, no_indented_code=not fmt.indented_code)
            self._parse_cfgs[key] = got
        return got

    def read_file(self, rel_path: str) -> str | None:
        """The text of a workspace file, or None when it must not or cannot be read.

        Only regular files are read, at most MAX_FILE_BYTES (a FIFO, a device or a file that is too
        large gives an empty document and a SPEC002 finding that says so, never a hang); a path that
        leads outside the root through a symlink is refused (None) unless `follow-symlinks` is set."""
        p = self.root / rel_path
        if not self.config.follow_symlinks and not self.inside_root(p):
            self.read_errors[rel_path] = "leads outside the workspace through a symlink; not read"
            return None
        try:
            data = read_regular(p, MAX_FILE_BYTES)
        except (NotRegularFile, TooLarge) as e:
            self.read_errors[rel_path] = f"{e}; not read"
            return ""
        except OSError as e:
            self.read_errors[rel_path] = f"cannot read: {e.strerror or e}"
            return None
        try:
            self.read_errors.pop(rel_path, None)
            return data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            self.read_errors[rel_path] = f"not valid UTF-8 (byte {e.start}); undecodable bytes were replaced"
            return data.decode("utf-8", errors="replace")

    def load(self, progress: Callable[[int, int, str], None] | None = None) -> None:
        specs, others = self.discover()
        self.other_files.update(others)
        # challenge files first is not needed: checks run after all documents are in
        total = len(specs)
        for k, rp in enumerate(specs):
            text = self.read_file(rp)
            if text is not None:
                self._put(rp, text)
            if progress:
                progress(k + 1, total, rp)
        if _lock.LOCK_FILE in self.other_files:
            text = self.read_file(_lock.LOCK_FILE)
            if text is not None:
                self._install_lock(text)
        self.recheck_all()
        self._refinalize(_lock.LOCK_FILE)

    # ------------------------------------------------------------------------------------
    # Updating

    def set_document(self, rel_path: str, text: str) -> set[str]:
        """Add or change a document; returns the paths whose findings changed."""
        if rel_path == _lock.LOCK_FILE:
            return self.set_lock(text)
        changed_keys = self._put(rel_path, text)
        return self._after_change(rel_path, changed_keys)

    def remove_document(self, rel_path: str) -> set[str]:
        if rel_path == _lock.LOCK_FILE:
            return self.set_lock(None)
        if rel_path in self.code:
            return self.set_code(rel_path, None)
        self.other_files.discard(rel_path)
        self.read_errors.pop(rel_path, None)
        if rel_path not in self.docs:
            return set()
        changed_keys = self._drop(rel_path)
        self._deactivate_for(rel_path)
        return self._after_change(rel_path, changed_keys)

    def add_other_file(self, rel_path: str) -> set[str]:
        if rel_path == _lock.LOCK_FILE:
            text = self.read_file(rel_path)
            return self.set_lock(text) if text is not None and text != self._lock_text else set()
        if rel_path in self.other_files or rel_path in self.docs:
            return set()
        self._activate_for(rel_path)  # `.specify/memory/constitution.md`, `docs/x.mdx`: detection is by path
        self.other_files.add(rel_path)
        return self._after_change(None, {("file", rel_path), ("paths",)})

    def remove_other_file(self, rel_path: str) -> set[str]:
        if rel_path == _lock.LOCK_FILE:
            return self.set_lock(None)
        if rel_path not in self.other_files:
            return set()
        self.other_files.discard(rel_path)
        self._deactivate_for(rel_path)
        return self._after_change(None, {("file", rel_path), ("paths",)})

    # ------------------------------------------------------------------------------------
    # Citations in code, tests and other files (spec_lsp/trace): scanned files are documents of their own
    # kind; they provide ("cites", id) keys and are checked by trace.resolve.check_code

    def scan_spec(self):
        """The citation patterns in force: the active formats' distinctive IDs and `citation-patterns`."""
        from ..trace.index import ScanSpec

        dist: list[str] = []
        for f in self.formats:
            for pat in f.citation_patterns(self.config):
                if pat not in dist:
                    dist.append(pat)
        return ScanSpec(tuple(dist), tuple(self.config.citation_patterns))

    def is_code_path(self, rel_path: str) -> bool:
        """A file scanned for citations: any repository text file the index does not parse as a spec, and
        that `exclude` does not name (excluded drafts are left alone entirely)."""
        from ..core.config import CONFIG_FILES

        if rel_path in self.docs or rel_path in CONFIG_FILES or rel_path == _lock.LOCK_FILE or self.is_spec_path(rel_path):
            return False
        if self.in_nested_root(rel_path):
            return False  # the nested root scans its own files
        return not any(_glob_match(rel_path, g) or _glob_match(rel_path, g.rstrip("/") + "/**") for g in self.config.exclude)

    def load_citations(self, jobs: int | None = None) -> set[str]:
        """Scan every repository text file (git's view: .gitignore respected) that is not a spec document;
        returns the paths whose findings changed."""
        from ..trace.index import repo_files, scan_files

        rels = [p for p in repo_files(self.root) if self.is_code_path(p)]
        got = scan_files(self.root, rels, self.scan_spec(), jobs)
        return self.install_code(got, replace_all=True)

    def install_code(self, files: dict, replace_all: bool = False) -> set[str]:
        """Install scanned files (path -> CodeFile, or None to drop one) in one step."""
        changed: set[tuple] = set()
        touched: set[str] = set()
        if replace_all:
            for p in list(self.code):
                if p not in files:
                    changed |= self._put_code(p, None)
                    touched.add(p)
        for p, cf in files.items():
            old = self.code.get(p)
            if old is not None and cf is not None and old.citations == cf.citations and old.kind == cf.kind:
                self.code[p] = cf  # same citations (a new stamp): nothing to re-check
                continue
            changed |= self._put_code(p, cf)
            touched.add(p)
        self.citations_loaded = True
        affected = {p for p in touched if p in self.code}
        for k in changed:
            affected |= self._dependents.get(k, set())
        dropped = {p for p in touched if p not in self.code}
        out = self._recheck(affected) | dropped
        if self.paranoid:
            self.verify_against_fresh()
        return out

    def set_code(self, rel_path: str, cf) -> set[str]:
        return self.install_code({rel_path: cf})

    def rescan_code(self, rel_path: str) -> set[str]:
        """Re-read one file from disk (changed, created or deleted) and update its citations."""
        from ..trace.index import scan_path

        cf = scan_path(self.root, rel_path, self.scan_spec()) if (self.root / rel_path).is_file() else None
        if cf is None and rel_path not in self.code:
            return set()
        return self.set_code(rel_path, cf)

    def refresh_code(self) -> set[str]:
        """Re-read every scanned file whose modification time or size changed since it was scanned."""
        from ..trace.index import scan_path, stamp_of

        spec = self.scan_spec()
        got = {}
        for p, cf in list(self.code.items()):
            if cf.stamp != (0, 0) and stamp_of(self.root, p) != cf.stamp:
                got[p] = scan_path(self.root, p, spec)
        return self.install_code(got) if got else set()

    def _put_code(self, rel_path: str, cf) -> set[tuple]:
        old = self.code.pop(rel_path, None)
        if cf is not None:
            self.code[rel_path] = cf
        before = self._provided.get(rel_path, {}) if old is not None else {}
        after: dict[tuple, object] = {}
        per_id: dict[str, list] = defaultdict(list)
        if cf is not None:
            after[("code", rel_path)] = cf.kind
            for c in cf.citations:
                per_id[c.id].append(c)
            for cid, lst in per_id.items():
                after[("cites", cid)] = frozenset(c.qualifier for c in lst)
        if old is not None:
            for c in old.citations:
                t = self._citing.get(c.id)
                if t is not None:
                    t.pop(rel_path, None)
                    if not t:
                        del self._citing[c.id]
        for cid, lst in per_id.items():
            self._citing[cid][rel_path] = tuple(lst)
        changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
        if after:
            self._provided[rel_path] = after
        else:
            self._provided.pop(rel_path, None)
        if cf is None:
            self._structural.pop(rel_path, None)
            self._final.pop(rel_path, None)
            for k in self._deps.pop(rel_path, frozenset()):
                self._dependents[k].discard(rel_path)
        return changed

    # ------------------------------------------------------------------------------------
    # spec.lock: its entries are keys like any other, so an edit re-checks only the clauses it touches

    def set_lock(self, text: str | None) -> set[str]:
        """Install (or, with None, remove) spec.lock's text; returns the paths whose findings changed
        (spec.lock itself when its own findings, SPEC522, changed)."""
        had = _lock.LOCK_FILE in self.other_files
        changed = self._install_lock(text)
        if text is not None:
            self.other_files.add(_lock.LOCK_FILE)
        else:
            self.other_files.discard(_lock.LOCK_FILE)
        if had != (text is not None):
            changed |= {("file", _lock.LOCK_FILE), ("paths",)}
        out = self._after_change(None, changed)
        if self._refinalize(_lock.LOCK_FILE):
            out.add(_lock.LOCK_FILE)
        return out

    def _install_lock(self, text: str | None) -> set[tuple]:
        self._lock_text = text
        self.lock = _lock.parse(text) if text is not None else None
        after: dict[tuple, object] = {}
        if self.lock is not None:
            after[("lock-present",)] = True
            for k, e in self.lock.clauses.items():
                after[("lock", k)] = e
            for k, r in self.lock.retired.items():
                after[("lock-retired", k)] = r
        before = self._lock_provided
        self._lock_provided = after
        # spec.lock's own findings (invalid-lock-file): findings of the path spec.lock, like a document's
        # (so the editor shows them on spec.lock and `findings(LOCK_FILE)` answers pull requests)
        probs = self.lock.problems if self.lock is not None else ()
        self._structural[_lock.LOCK_FILE] = tuple(
            make("SPEC522", _lock.LOCK_FILE, Range(Position(line, 0), Position(line, 0)),
                 f"{msg}; fix it, or delete {_lock.LOCK_FILE} and run `spec-lsp lock` again.", _lock.LOCK_FILE)
            for line, msg in probs)
        return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}

    def _put(self, rel_path: str, text: str) -> set[tuple]:
        if rel_path not in self.docs:
            self._activate_for(rel_path)
        old = self.docs.get(rel_path)
        fmt = self.format_of(rel_path)
        cid = challenge_id(rel_path, self.config) if fmt.uses_challenge_files else None
        if cid is not None:
            doc: Document = parse_challenge(rel_path, text, cid, self.config)
        else:
            doc = parse_spec(rel_path, fmt.preprocess(text), self.parse_config(fmt, rel_path), old if isinstance(old, SpecDocument) else None)
            doc = fmt.finish(doc)
            if doc.format != fmt.name:
                object.__setattr__(doc, "format", fmt.name)
        self.docs[rel_path] = doc
        self._texts[rel_path] = text
        self.other_files.discard(rel_path)
        self._graph_dirty.add(rel_path)
        return self._reprovide(rel_path, old, doc)

    def _drop(self, rel_path: str) -> set[tuple]:
        old = self.docs.pop(rel_path)
        self._texts.pop(rel_path, None)
        self._graph_dirty.add(rel_path)
        changed = self._reprovide(rel_path, old, None)
        self._structural.pop(rel_path, None)
        self._language.pop(rel_path, None)
        self._final.pop(rel_path, None)
        for k in self._deps.pop(rel_path, frozenset()):
            self._dependents[k].discard(rel_path)
        return changed

    def _provides(self, doc: Document | None) -> dict[tuple, object]:
        if doc is None:
            return {}
        d: dict[tuple, object] = {("file", doc.path): True}
        if isinstance(doc, SpecDocument):
            acc: dict[str, list] = defaultdict(list)
            for c in doc.clauses:
                si = doc.section_at(c.range.start.line)
                acc[c.id].append((c, doc.sections[si].title if si is not None else doc.title))
            for cid, lst in acc.items():
                # What dependents read through clause_facts: that it exists, how many definitions, their
                # section titles -- not where it sits, nor its sentence (no check reads it): pressing Enter
                # above a clause, or typing inside it, must not re-check its challenge file.  Lookups that
                # hand out clauses (clause_defs: positions, sentences) also record ("clause-pos", id),
                # which changes with any change to a definition, so findings that embed another
                # document's location still update when it moves.
                d[("clause", cid)] = tuple(title for _c, title in lst)
                d[("clause-pos", cid)] = tuple(lst)
            d[("anchors", doc.path)] = frozenset(doc.anchor_map)
            d[("content", doc.path)] = doc.text  # read only by evidence hashes (versions/identity.py)
            fmt = self.format_of(doc.path)
            if not fmt.fallback:  # what the document cites (no positions): read by evidence checks
                d[("refs", doc.path)] = frozenset(r.id for r in fmt.references(doc))
                data = fmt.data(doc)
                if data is not None:  # the format's own parse, read by its scope mates (format_data)
                    d[("fdata", doc.path)] = data
        else:
            d[("challenge", doc.file_id)] = doc.path
            d[("evidence", doc.file_id)] = challenge_hash(doc)
        return d

    def _reprovide(self, path: str, old: Document | None, new: Document | None) -> set[tuple]:
        before = self._provided.get(path, {})
        after = self._provides(new)
        changed: set[tuple] = set()
        for key in before.keys() | after.keys():
            a, b = before.get(key), after.get(key)
            if a == b:
                continue
            changed.add(key)
            kind = key[0]
            if kind == "clause-pos":  # the full value (clauses with positions, titles) is the table's
                self.clause_generation += 1  # (memoised citation resolution, spec_lsp/trace/resolve.py)
                table = self._clauses[key[1]]
                had = bool(table)
                if b is None:
                    table.pop(path, None)
                else:
                    table[path] = b  # type: ignore[assignment]
                if had != bool(table):
                    changed.add(("clause-ids",))
                if not table:
                    del self._clauses[key[1]]
            elif kind == "challenge":
                table2 = self._challenges[key[1]]
                if b is None:
                    table2.pop(path, None)
                else:
                    table2[path] = new  # type: ignore[assignment]
                if not table2:
                    del self._challenges[key[1]]
            elif kind == "file":
                changed.add(("paths",))
        if isinstance(new, ChallengeDocument):
            # the fingerprint is only the path; keep the table pointing at the newest parse (examples)
            self._challenges[new.file_id][path] = new
        if after:
            self._provided[path] = after
        else:
            self._provided.pop(path, None)
        return changed

    def _after_change(self, path: str | None, changed_keys: set[tuple]) -> set[str]:
        affected: set[str] = set()
        if getattr(self, "_recheck_all_pending", False):  # a format was activated: documents changed owner
            self._recheck_all_pending = False
            affected.update(self.docs)
        if path is not None:
            affected.add(path)
        for k in changed_keys:
            affected |= self._dependents.get(k, set())
        changed_paths = self._recheck(p for p in affected)
        if path is not None:
            for fn in self.listeners:
                fn(path, self.docs.get(path))
        if self.paranoid:
            self.verify_against_fresh()
        return changed_paths

    # ------------------------------------------------------------------------------------
    # Lookups used by checks (they record dependencies)

    def _read(self, key: tuple) -> None:
        if self._reading is not None:
            self._reading.add(key)

    def clause_facts(self, clause_id: str) -> list[tuple[str, str]]:
        """(path, section title) of each definition: no positions, so the caller is not re-checked when a
        definition only moves (records ("clause", id) only)."""
        self._read(("clause", clause_id))
        out = []
        for p, lst in sorted(self._clauses.get(clause_id, {}).items()):
            out.extend((p, t) for _c, t in lst)
        return out

    def clause_defs(self, clause_id: str) -> list[tuple[str, Clause]]:
        """(path, clause) of each definition, positions included: records ("clause-pos", id) too."""
        self._read(("clause", clause_id))
        self._read(("clause-pos", clause_id))
        out = []
        for p, lst in sorted(self._clauses.get(clause_id, {}).items()):
            out.extend((p, c) for c, _t in lst)
        return out

    def clause_defs_with_titles(self, clause_id: str) -> list[tuple[str, Clause, str]]:
        self._read(("clause", clause_id))
        self._read(("clause-pos", clause_id))
        out = []
        for p, lst in sorted(self._clauses.get(clause_id, {}).items()):
            out.extend((p, c, t) for c, t in lst)
        return out

    def clause_ids(self) -> list[str]:
        self._read(("clause-ids",))
        return sorted(self._clauses)

    def challenge_docs(self, clause_id: str) -> list[ChallengeDocument]:
        self._read(("challenge", clause_id))
        return [d for _, d in sorted(self._challenges.get(clause_id, {}).items())]

    def doc(self, rel_path: str) -> Document | None:
        self._read(("file", rel_path))
        self._read(("anchors", rel_path))
        return self.docs.get(rel_path)

    def file_exists(self, rel_path: str) -> bool:
        self._read(("file", rel_path))
        if rel_path in self.docs or rel_path in self.other_files:
            return True
        prefix = rel_path.rstrip("/") + "/"
        self._read(("paths",))
        return any(p.startswith(prefix) for p in self.docs) or any(p.startswith(prefix) for p in self.other_files)

    def known_paths(self) -> list[str]:
        self._read(("paths",))
        return sorted(self.docs) + sorted(self.other_files)

    def clause_defs_in_scope(self, clause_id: str, scope: str) -> list[tuple[str, Clause]]:
        """The definitions of an ID inside one scope (a spec-kit feature…); records the ID's key."""
        return [(p, c) for p, c in self.clause_defs(clause_id) if self.scope_of(p) == scope]

    def clause_ids_in_scope(self, scope: str) -> list[str]:
        self._read(("clause-ids",))
        out = set()
        for cid, table in self._clauses.items():
            if any(self.scope_of(p) == scope for p in table):
                out.add(cid)
        return sorted(out)

    def resolve_clause(self, clause_id: str, from_path: str) -> list[tuple[str, Clause]]:
        """A mention's clause: the definitions in the mention's own scope, else all of them."""
        defs = self.clause_defs(clause_id)
        if len(defs) <= 1:
            return defs
        scope = self.scope_of(from_path)
        mine = [d for d in defs if self.scope_of(d[0]) == scope]
        return mine or defs

    def references_from(self, rel_path: str) -> frozenset[str]:
        """The clause IDs a document of a specific format cites (ranges expanded); records the key."""
        self._read(("refs", rel_path))
        got = self._provided.get(rel_path, {}).get(("refs", rel_path))
        return got if isinstance(got, frozenset) else frozenset()

    def format_data(self, rel_path: str):
        """A document's `Format.data` (its format's own parse: requirements, scenarios, criteria, task
        references…), or None; records the key, so any change of that data re-checks the reader."""
        self._read(("fdata", rel_path))
        return self._provided.get(rel_path, {}).get(("fdata", rel_path))

    def scope_docs(self, scope: str) -> list[str]:
        self._read(("paths",))
        return sorted(p for p in self.docs if self.scope_of(p) == scope)
    def has_lock(self) -> bool:
        self._read(("lock-present",))
        return self.lock is not None

    def locked(self, key: str) -> "_lock.Entry | None":
        self._read(("lock", key))
        return self.lock.clauses.get(key) if self.lock is not None else None

    def retired(self, key: str) -> "_lock.Retired | None":
        self._read(("lock-retired", key))
        return self.lock.retired.get(key) if self.lock is not None else None

    def content_of(self, rel_path: str) -> str | None:
        """A document's text, recording ("content", path): a reader is re-checked on any edit of it."""
        self._read(("content", rel_path))
        d = self.docs.get(rel_path)
        return d.text if isinstance(d, SpecDocument) else None

    def citations_of(self, clause_id: str) -> list:
        """(path, CodeCitation) of every citation of an ID in code, tests and other files; records the key."""
        self._read(("cites", clause_id))
        out = []
        for p, lst in sorted(self._citing.get(clause_id, {}).items()):
            out.extend((p, c) for c in lst)
        return out

    def evidence_digest(self, path: str, clause: Clause) -> str:
        """The hash of everything that tests `clause` of document `path` (spec_lsp/versions/identity.py)."""
        self._read(("evidence", clause.id))
        return evidence_hash(evidence_of(self, path, clause))

    def challenge_path_for(self, clause_id: str) -> str:
        return self.config.challenge_files[0].replace("{id}", clause_id) if self.config.challenge_files else f"examples/{clause_id}.md"

    # ------------------------------------------------------------------------------------
    # Findings

    def recheck_all(self) -> set[str]:
        return self._recheck(list(self.docs) + list(self.code))

    def _recheck(self, paths: Iterable[str]) -> set[str]:
        changed: set[str] = set()
        for p in sorted(set(paths)):
            doc = self.docs.get(p)
            cf = self.code.get(p) if doc is None else None
            if doc is None and cf is None:
                continue
            self._reading = set()
            try:
                if cf is not None:
                    from ..trace.resolve import check_code

                    raw = check_code(cf, self)
                else:
                    raw = check_spec(doc, self) if isinstance(doc, SpecDocument) else check_challenge(doc, self)
            finally:
                deps = frozenset(self._reading)
                self._reading = None
            for k in self._deps.get(p, frozenset()) - deps:
                self._dependents[k].discard(p)
            for k in deps:
                self._dependents[k].add(p)
            self._deps[p] = deps
            if p in self.read_errors:
                raw.append(make("SPEC002", p, Range(Position(0, 0), Position(0, 0)), f"{p}: {self.read_errors[p]}.", p))
            self._structural[p] = tuple(raw)
            if self._refinalize(p):
                changed.add(p)
        return changed

    def set_language_findings(self, path: str, findings: Iterable[Finding]) -> bool:
        """Install a document's language findings (computed elsewhere); True if its findings changed."""
        if path not in self.docs:
            return False
        self._language[path] = tuple(findings)
        return self._refinalize(path)

    def _refinalize(self, path: str) -> bool:
        doc = self.docs.get(path)
        raw = list(self._structural.get(path, ())) + list(self._language.get(path, ()))
        if doc is not None:
            raw = apply_waivers(doc, raw)
        out = []
        for f in raw:
            sev = self.settings.finding_severity(f.code, f.severity)
            if sev is None:
                continue
            out.append(f if f.severity == sev else replace(f, severity=sev))
        final = tuple(sorted(out, key=Finding.sort_key))
        if self._final.get(path) != final:
            self._final[path] = final
            return True
        return False

    def findings(self, path: str, include_waived: bool = False) -> tuple[Finding, ...]:
        fs = self._final.get(path, ())
        return fs if include_waived else tuple(f for f in fs if f.waived is None)

    def config_findings(self) -> list[Finding]:
        out = []
        for p in self.config_problems:
            out.append(make("SPEC001", p.path, Range(Position(p.line, 0), Position(p.line, 0)),
                            f"{p.key}: {p.reason}; the default is used.", p.key))
        sev = self.settings.severity("SPEC001")
        out = [replace(f, severity=sev) for f in out] if sev else []
        return out  # spec.lock's own findings (SPEC522) are findings of the path spec.lock (see _install_lock)

    def finding_paths(self) -> list[str]:
        """Every path that has findings now (documents, and spec.lock)."""
        return sorted(p for p, fs in self._final.items() if fs)

    def all_findings(self, include_waived: bool = False) -> list[Finding]:
        out = list(self.config_findings())
        for p in sorted(self._final):
            out.extend(self.findings(p, include_waived))
        return out

    # ------------------------------------------------------------------------------------
    # Queries for features

    def text(self, rel_path: str) -> str | None:
        if rel_path == _lock.LOCK_FILE:
            return self._lock_text
        got = self._texts.get(rel_path)
        if got is None and rel_path in self.code:  # scanned files' texts are not kept: read on demand
            from ..trace.repo_files import read_text

            got = read_text(self.root, rel_path)
        return got

    def spec_docs(self) -> Iterator[SpecDocument]:
        for d in self.docs.values():
            if isinstance(d, SpecDocument):
                yield d

    def all_clause_ids(self) -> list[str]:
        return sorted(self._clauses)

    def clause_entries(self, clause_id: str) -> list[tuple[str, Clause, str]]:
        return self.clause_defs_with_titles(clause_id)

    def challenges_for(self, clause_id: str) -> list[ChallengeDocument]:
        return [d for _, d in sorted(self._challenges.get(clause_id, {}).items())]

    @property
    def view(self) -> "WorkspaceReadView":
        """The read-only view for features (core/view.py): no dependency recording, no mutators."""
        v = self.__dict__.get("_view")
        if v is None:
            from .view import WorkspaceReadView

            v = self.__dict__["_view"] = WorkspaceReadView(self)
        return v

    # ------------------------------------------------------------------------------------
    # Graph

    @property
    def graph(self):
        from .graph import build_graph, update_graph

        if self._graph is None:
            self._graph = build_graph(self)
            self._graph_dirty.clear()
        elif self._graph_dirty:
            update_graph(self._graph, self, set(self._graph_dirty))
            self._graph_dirty.clear()
        return self._graph

    # ------------------------------------------------------------------------------------
    # Paranoid mode

    def snapshot(self) -> tuple:
        return (
            {p: d.semantic_key() for p, d in self.docs.items()},
            {p: f for p, f in self._final.items() if f},
        )

    def fresh_copy(self) -> "Workspace":
        ws = Workspace(self.root, self.config, self.config_problems, select=self._select, ignore=self._ignore)
        from ..formats import detect

        # detected again from the files, as `discover` does: an incremental activation or deactivation
        # that a fresh build would not reproduce is a mismatch
        ws.formats = detect(sorted({*self._texts, *self.other_files}), self.config.formats)
        ws.other_files = set(self.other_files)
        ws.nested_roots = self.nested_roots
        ws.read_errors = dict(self.read_errors)
        for p, t in self._texts.items():
            ws._put(p, t)
        ws._install_lock(self._lock_text)
        for p, cf in self.code.items():
            ws._put_code(p, cf)
        ws.citations_loaded = self.citations_loaded
        ws.recheck_all()
        ws._refinalize(_lock.LOCK_FILE)
        for p, fs in self._language.items():
            ws.set_language_findings(p, fs)
        return ws

    def verify_against_fresh(self) -> None:
        fresh = self.fresh_copy()
        mine, theirs = self.snapshot(), fresh.snapshot()
        if mine != theirs:
            diffs = []
            for p in sorted(set(mine[0]) | set(theirs[0])):
                if mine[0].get(p) != theirs[0].get(p):
                    diffs.append(f"document {p}: parse differs")
            for p in sorted(set(mine[1]) | set(theirs[1])):
                a, b = mine[1].get(p, ()), theirs[1].get(p, ())
                if a != b:
                    diffs.append(f"findings of {p}: incremental {[f.code + ' ' + f.message for f in a]} != fresh {[f.code + ' ' + f.message for f in b]}")
            raise IncrementalMismatch("incremental index differs from a fresh build:\n" + "\n".join(diffs[:20]))
