"""Configuration: `[tool.spec-lsp]` in pyproject.toml or a `.spec-lsp.toml` at the root.

Loading never fails: each bad key is reported (file, key, reason) and its default is used.
Keys are accepted in kebab-case, snake_case or camelCase (editor settings use camelCase).
"""

from __future__ import annotations

import re
try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib  # type: ignore[no-redef]
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

from wcmatch import glob as _wcglob

from .model import Severity

try:  # user regular expressions run with a time budget (`regex`'s timeout=); `re` is the fallback
    import regex as _regex
except ImportError:  # pragma: no cover - a declared dependency
    _regex = None
try:  # the regular-expression parser, to inspect user patterns before they ever run
    import re._parser as _sre_parse  # Python 3.11+
    import re._constants as _sre_c
except ImportError:  # pragma: no cover - Python 3.10
    import sre_parse as _sre_parse  # type: ignore[no-redef]
    import sre_constants as _sre_c  # type: ignore[no-redef]

DEFAULT_AUTHORITIES = ("root", "system", "developer", "user", "guideline")
DEFAULT_EXCLUDE = (
    ".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", "build", "dist", "_build",
    "site", ".tox", ".nox", ".mypy_cache", ".pytest_cache", "target", ".cache",
)
DEFAULT_ROLES = ("system", "developer", "user", "assistant", "tool")
DEFAULT_CONTAINERS = ("comparison",)


@dataclass(frozen=True)
class ConfigProblem:
    path: str  # config file (workspace-relative) or "<editor settings>"
    key: str
    reason: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}: {self.key}: {self.reason}"


@dataclass(frozen=True)
class LanguageConfig:
    enabled: bool = True
    model: str | None = None
    commentary: bool = False  # lint `!!! meta` commentary blocks
    section_prose: bool = True  # lint section prose, not only clause sentences
    challenge_files: bool = False  # lint the prose of challenge-prompt files (example titles, notes)
    # feed declarative parameter statements ("the cutoff is 48 hours") to the contradiction checker: opt-in, it
    # doubles the checker's parse work on the EIPs and gained nothing measurable on the labelled sets (round 3)
    declarative_statements: bool = False
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # rule name -> extra words
    cache_dir: str | None = None


@dataclass(frozen=True)
class Config:
    include: tuple[str, ...] = ("**/*.md", "**/*.markdown")
    exclude: tuple[str, ...] = ()
    challenge_files: tuple[str, ...] = ("examples/{id}.md",)
    id_patterns: tuple[str, ...] = ()
    citation_patterns: tuple[str, ...] = ()  # extra explicit citation forms in any file (regexes with an `id` group)
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: {"authority": DEFAULT_AUTHORITIES})
    # `[attribute-aliases]`: historical names of attribute values, on top of the format's own
    # (`authority = { platform = "root" }`): read as the current value by checks (SPEC150), the
    # contradiction ranking and `spec-lsp diff` (a vocabulary rename, not a level change)
    attribute_aliases: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    roles: tuple[str, ...] = DEFAULT_ROLES
    check_non_markdown_links: bool = False
    rules: Mapping[str, str] = field(default_factory=dict)  # code|name|prefix|category -> severity|"off"|"on"
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    language: LanguageConfig = field(default_factory=LanguageConfig)
    docs_url: str | None = None  # rule page URL template ({name}, {code}) or base; None: the project's pages
    formats: tuple[str, ...] = ()  # `format = [...]`: force these formats instead of detecting them
    site_root: str | None = None  # MDX docs: the directory that site-absolute links (`/guide/x`) start from
    id_bold_lead: bool = False  # internal (set per format): `**ID** text` defines a clause without a separator
    no_indented_code: bool = False  # internal (set per format): MDX has no indented code blocks
    # user-level settings (editor settings, `check --follow-symlinks`): a repository config cannot set them
    follow_symlinks: bool = False  # index files reached through symlinks that point outside the root
    # server-only settings
    debounce_ms: int = 150
    diff_base: str | None = None  # `diff.base`: a git revision the editor compares clauses with (spec_lsp/versions/)
    source: str | None = None  # config file it came from, workspace-relative

    # -- derived ---------------------------------------------------------------------------
    def compiled_id_patterns(self) -> tuple[re.Pattern, ...]:
        return _compile_patterns(self.id_patterns)

    def challenge_regexes(self) -> tuple[re.Pattern, ...]:
        return _challenge_regexes(self.challenge_files)

    def fingerprint(self) -> tuple:
        return (
            self.include, self.exclude, self.challenge_files, self.id_patterns,
            tuple(sorted((k, tuple(v)) for k, v in self.attributes.items())),
            tuple(sorted((k, tuple(sorted(v.items()))) for k, v in self.attribute_aliases.items())), self.roles,
            self.check_non_markdown_links, tuple(sorted(self.rules.items())), self.select, self.ignore,
            self.formats, self.citation_patterns, self.site_root, self.follow_symlinks,
        )


_pattern_cache: dict[tuple[str, ...], tuple[re.Pattern, ...]] = {}


def _compile_patterns(pats: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    """Compiled id-patterns: with the `regex` module, whose matching takes a time budget
    (markdown.ID_PATTERN_TIMEOUT), so that a pattern that slipped past `regex_risk` cannot freeze."""
    got = _pattern_cache.get(pats)
    if got is None:
        out = []
        for p in pats:
            try:
                out.append(_regex.compile(p) if _regex is not None else re.compile(p))
            except Exception:  # valid for `re` (checked when loading), not for `regex`: fall back
                out.append(re.compile(p))
        got = tuple(out)
        _pattern_cache[pats] = got
    return got


_UNBOUNDED = 100  # a repeat with more than this many iterations counts as unbounded


def _subpatterns(av):
    """The nested sub-patterns in a parsed node's argument, whatever the node (Python 3.10-3.13)."""
    stack = [av]
    while stack:
        x = stack.pop()
        if isinstance(x, _sre_parse.SubPattern):
            yield x
        elif isinstance(x, (list, tuple)):
            stack.extend(x)


def regex_risk(pattern: str) -> str | None:
    """Why a user pattern could backtrack catastrophically, or None.

    Rejected: a repeat with an unbounded maximum (`+`, `*`, `{n,}`) around something that itself
    holds an unbounded repeat (`(a+)+`, `(\\w*\\s?)*`): the classic exponential shapes.  Other slow
    shapes (overlapping alternatives under a repeat) are stopped by the matching time budget."""
    try:
        tree = _sre_parse.parse(pattern)
    except Exception:
        return None
    reps = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT}

    def unbounded_inside(sp) -> bool:
        for op, av in sp:
            if op in reps and av[1] > _UNBOUNDED:
                return True
            if any(unbounded_inside(c) for c in _subpatterns(av)):
                return True
        return False

    def walk(sp) -> str | None:
        for op, av in sp:
            if op in reps and av[1] > _UNBOUNDED and unbounded_inside(av[2]):
                return "it nests unbounded repeats (like `(a+)+`), which can take exponential time"
            for c in _subpatterns(av):
                why = walk(c)
                if why:
                    return why
        return None

    return walk(tree)


def id_group_optional(pattern: str) -> bool:
    """True if the pattern has an `id` group that a match can leave unset (`(?P<id>FR-\\d+)?REQ`)."""
    try:
        tree = _sre_parse.parse(pattern)
    except Exception:
        return False
    gid = tree.state.groupdict.get("id") if hasattr(tree, "state") else tree.pattern.groupdict.get("id")
    if gid is None:
        return False
    sub = getattr(_sre_c, "SUBPATTERN")
    branch = getattr(_sre_c, "BRANCH")
    reps = {_sre_c.MAX_REPEAT, _sre_c.MIN_REPEAT} | ({_sre_c.POSSESSIVE_REPEAT} if hasattr(_sre_c, "POSSESSIVE_REPEAT") else set())
    atomic = getattr(_sre_c, "ATOMIC_GROUP", None)
    exists = getattr(_sre_c, "GROUPREF_EXISTS", None)
    assert_ = getattr(_sre_c, "ASSERT", None)

    def sets(sp) -> bool:  # does every match of sp set the group?
        for op, av in sp:
            if op is sub:
                if av[0] == gid or sets(av[-1]):
                    return True
            elif op in reps:
                if av[0] >= 1 and sets(av[2]):
                    return True
            elif op is branch:
                if all(sets(b) for b in av[1]):
                    return True
            elif op is atomic and atomic is not None:
                if sets(av):
                    return True
            elif op is exists and exists is not None:
                if sets(av[1]) and av[2] is not None and sets(av[2]):
                    return True
            elif op is assert_ and assert_ is not None:
                if av[0] == 1 and sets(av[1]):
                    return True
        return False

    return not sets(tree)


_challenge_cache: dict[tuple[str, ...], tuple[re.Pattern, ...]] = {}


def _challenge_regexes(templates: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    got = _challenge_cache.get(templates)
    if got is None:
        out = []
        for t in templates:
            a, _, b = t.partition("{id}")
            out.append(re.compile("^" + re.escape(a) + r"(?P<id>[^/]+?)" + re.escape(b) + "$"))
        got = tuple(out)
        _challenge_cache[templates] = got
    return got


def template_escapes_root(t: str) -> bool:
    """A challenge-file template that could name a path outside the workspace root."""
    t2 = t.replace("\\", "/")
    if t2.startswith(("/", "~")) or re.match(r"^[A-Za-z]:", t2):
        return True
    return any(part == ".." for part in t2.split("/"))


def challenge_id(rel_path: str, config: Config) -> str | None:
    for rx in config.challenge_regexes():
        m = rx.match(rel_path)
        if m:
            return m.group("id")
    return None


def _heading_only(pattern: str) -> bool:
    """An id-pattern that starts with `#` (after `^` and `\\s*`) can only match a heading line."""
    p = pattern[1:] if pattern.startswith("^") else pattern
    for ws in ("\\s*", "\\s+", " *", " +", " "):
        if p.startswith(ws):
            p = p[len(ws):]
            break
    return p.startswith(("#", "\\#"))


def _names_always_skipped_dir(glob: str) -> str | None:
    """The always-skipped directory (`.git`, `node_modules`…) an include glob names literally, if any."""
    for seg in glob.split("/")[:-1]:
        if seg in DEFAULT_EXCLUDE:
            return seg
    return None


def include_dot_dirs(config: "Config") -> frozenset[str]:
    """Dot-directories the `include` globs name literally (`.kiro/**/*.md` -> `.kiro`): they are read."""
    out = set()
    for g in config.include:
        for seg in g.split("/")[:-1]:
            if seg.startswith(".") and seg not in (".", "..") and seg not in DEFAULT_EXCLUDE and not any(c in seg for c in "*?["):
                out.add(seg)
    return frozenset(out)


def is_excluded_dir(name: str) -> bool:
    return name in DEFAULT_EXCLUDE or (name.startswith(".") and name not in (".", ".."))


def path_included(rel_path: str, config: Config) -> bool:
    parts = rel_path.split("/")
    if any(is_excluded_dir(p) for p in parts[:-1]):
        return False
    if not any(_glob_match(rel_path, g) for g in config.include):
        return False
    return not any(_glob_match(rel_path, g) or _glob_match(rel_path, g.rstrip("/") + "/**") for g in config.exclude)


def _glob_match(path: str, pattern: str) -> bool:
    return _glob_matcher(pattern).match(path)


# Globs are matched by wcmatch (gitignore-style `**`; `*` and `?` never cross `/`; dot files
# included), whose translation uses atomic groups: no backtracking, so a pattern with many `*` or
# `**/` cannot freeze discovery.  A bare name (no `/`) matches at any depth, like .gitignore.
_GLOB_FLAGS = _wcglob.GLOBSTAR | _wcglob.DOTGLOB | _wcglob.FORCEUNIX
_glob_cache: dict[str, object] = {}


def _glob_matcher(pattern: str):
    m = _glob_cache.get(pattern)
    if m is None:
        p = pattern
        while p.startswith("./"):
            p = p[2:]
        if "/" not in pattern.rstrip("/"):
            p = "**/" + p
        m = _wcglob.compile(p, flags=_GLOB_FLAGS)
        _glob_cache[pattern] = m
    return m


# ------------------------------------------------------------------------------------------
# Loading


def canonical_key(key: str) -> str:
    k = re.sub(r"(?<=[a-z0-9])([A-Z])", r"-\1", key).lower().replace("_", "-")
    return k


class _Loader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.problems: list[ConfigProblem] = []

    def bad(self, key: str, reason: str) -> None:
        self.problems.append(ConfigProblem(self.source, key, reason))

    def str_list(self, key: str, value: Any) -> tuple[str, ...] | None:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.bad(key, f"expected a list of strings, got {type(value).__name__}")
            return None
        return tuple(value)


EDITOR_SOURCE = "<editor settings>"


def _user_pattern_ok(ld: "_Loader", key: str, p: str, *, citation: bool) -> bool:
    """Whether a user's regular expression (an id-pattern or a citation-pattern) may be used; if not, the
    reason is reported on `key`. Patterns that could backtrack for minutes are refused here, before any
    document is matched (the `regex` module's time budget guards the rest)."""
    try:
        rx = re.compile(p)
    except re.error as e:
        ld.bad(key, f"invalid regular expression {p!r}: {e}")
        return False
    if citation and "id" not in rx.groupindex:
        ld.bad(key, f"pattern {p!r} has no `(?P<id>…)` group; name the part that is the clause ID")
        return False
    if rx.match(""):
        ld.bad(key, f"pattern {p!r} matches the empty string")
        return False
    risk = regex_risk(p)
    if risk:
        ld.bad(key, f"pattern {p!r} is rejected: {risk}; write it without a repeat inside a repeat")
        return False
    if id_group_optional(p):
        ld.bad(key, f"pattern {p!r}: its `id` group can be left unset by a match; make the group required")
        return False
    if not citation and _heading_only(p):
        ld.bad(key, f"pattern {p!r} only matches headings, and IDs are read from the start of a "
                    "paragraph or list item (headings are sections); drop the `#` part")
        return False
    return True


def apply_settings(base: Config, data: Mapping[str, Any], source: str) -> tuple[Config, list[ConfigProblem]]:
    """Overlay `data` (a parsed TOML table or editor settings) on `base`; bad keys are reported and skipped.

    Keys that decide what may be read or written outside the workspace (`follow-symlinks`,
    `language.cache-dir`) are user-level: accepted from editor settings (source EDITOR_SOURCE),
    refused from a repository's config file."""
    ld = _Loader(source)
    user_level = source == EDITOR_SOURCE
    changes: dict[str, Any] = {}
    if not isinstance(data, Mapping):
        ld.bad("(root)", f"expected a table, got {type(data).__name__}")
        return base, ld.problems
    for raw_key, value in data.items():
        key = canonical_key(str(raw_key))
        if key in ("include", "exclude", "select", "ignore", "roles"):
            v = ld.str_list(key, value)
            if v is not None:
                if key == "include":
                    skipped = [g for g in v if _names_always_skipped_dir(g)]
                    if skipped:
                        ld.bad(key, f"{', '.join(map(repr, skipped))} names a directory that is always skipped "
                                    f"({', '.join(sorted(set(_names_always_skipped_dir(g) for g in skipped)))}); nothing there is read")
                changes[key] = v
        elif key in ("format", "formats"):
            v = ld.str_list(key, value)
            if v is not None:
                from ..formats import names as _format_names

                known = _format_names()
                bad = [x for x in v if x not in known]
                if bad:
                    ld.bad(key, f"unknown format {', '.join(map(repr, bad))}; known: {', '.join(known)}")
                ok = tuple(x for x in v if x in known)
                if ok:
                    changes["formats"] = ok
        elif key == "site-root":
            if not isinstance(value, str):
                ld.bad(key, f"expected a directory path (string), got {type(value).__name__}")
            else:
                v2 = value.strip().strip("/") if value.strip() not in ("", ".", "/") else ""
                if v2.startswith("..") or "\\" in v2:
                    ld.bad(key, f"{value!r} is outside the workspace; give a directory relative to the workspace root")
                else:
                    changes["site_root"] = v2
        elif key == "extend-exclude":
            v = ld.str_list(key, value)
            if v is not None:
                changes["exclude"] = changes.get("exclude", base.exclude) + v
        elif key in ("challenge-files", "challenge-file-templates"):
            v = ld.str_list(key, value)
            if v is not None:
                bad = [t for t in v if t.count("{id}") != 1]
                outside = [t for t in v if template_escapes_root(t)]
                globby = [t for t in v if any(ch in t.replace("{id}", "") for ch in "*?[")]
                if bad:
                    ld.bad(key, f"each template needs exactly one {{id}}: {', '.join(map(repr, bad))}")
                elif outside:
                    ld.bad(key, f"templates must be paths inside the workspace (no `..`, no absolute path): "
                                f"{', '.join(map(repr, outside))}")
                elif globby:
                    ld.bad(key, f"{', '.join(map(repr, globby))}: a template is a path with {{id}}, not a glob; "
                                "`*`, `?` and `[` cannot name the one file of a clause")
                else:
                    changes["challenge_files"] = v
        elif key in ("id-patterns", "id-pattern"):
            v = ld.str_list(key, value)
            if v is not None:
                changes["id_patterns"] = tuple(p for p in v if _user_pattern_ok(ld, key, p, citation=False))
        elif key in ("citation-patterns", "citation-pattern"):
            v = ld.str_list(key, value)
            if v is not None:
                changes["citation_patterns"] = tuple(p for p in v if _user_pattern_ok(ld, key, p, citation=True))
        elif key == "attributes":
            if not isinstance(value, Mapping):
                ld.bad(key, "expected a table of attribute name -> list of allowed values")
            else:
                attrs: dict[str, tuple[str, ...]] = {}
                for an, av in value.items():
                    v = ld.str_list(f"attributes.{an}", av)
                    if v is not None:
                        attrs[str(an)] = v
                changes["attributes"] = attrs
        elif key == "attribute-aliases":
            if not isinstance(value, Mapping):
                ld.bad(key, "expected a table of attribute name -> { historical value = \"current value\" }, "
                            "e.g. [attribute-aliases] authority = { platform = \"root\" }")
            else:
                aliases: dict[str, dict[str, str]] = {}
                for an, table in value.items():
                    if not isinstance(table, Mapping) or not all(isinstance(v, str) for v in table.values()):
                        ld.bad(f"attribute-aliases.{an}", "expected a table of historical value -> current value (strings)")
                        continue
                    aliases[str(an)] = {str(k): v for k, v in table.items()}
                changes["attribute_aliases"] = aliases
        elif key == "follow-symlinks":
            if not user_level:
                ld.bad(key, "only user-level settings (editor settings, `check --follow-symlinks`) may follow symlinks "
                            "out of the workspace; a repository's config cannot")
            elif isinstance(value, bool):
                changes["follow_symlinks"] = value
            else:
                ld.bad(key, "expected true or false")
        elif key == "check-non-markdown-links":
            if isinstance(value, bool):
                changes["check_non_markdown_links"] = value
            else:
                ld.bad(key, "expected true or false")
        elif key == "rules":
            if not isinstance(value, Mapping):
                ld.bad(key, "expected a table of rule code or name -> severity (error, warning, information, hint, off)")
            else:
                rules = dict(base.rules)
                for rk, rv in value.items():
                    if not isinstance(rv, str):
                        ld.bad(f"rules.{rk}", "expected a severity string (error, warning, information, hint, off)")
                        continue
                    if rv.lower() not in ("off", "on"):
                        try:
                            Severity.parse(rv)
                        except ValueError as e:
                            ld.bad(f"rules.{rk}", str(e))
                            continue
                    rules[str(rk)] = rv.lower()
                changes["rules"] = rules
        elif key == "language":
            lang, probs = _language(base.language, value, source, user_level)
            ld.problems.extend(probs)
            changes["language"] = lang
        elif key == "diagnostics":
            if isinstance(value, Mapping):
                for dk, dv in value.items():
                    if canonical_key(str(dk)) == "debounce-ms":
                        if isinstance(dv, (int, float)) and not isinstance(dv, bool) and dv >= 0:
                            changes["debounce_ms"] = int(dv)
                        else:
                            ld.bad("diagnostics.debounceMs", "expected a number of milliseconds >= 0")
                    else:
                        ld.bad(f"diagnostics.{dk}", "unknown key")
            else:
                ld.bad(key, "expected a table")
        elif key == "docs-url":
            if isinstance(value, str) and (not value.strip() or value.strip().startswith(("https://", "http://"))):
                changes["docs_url"] = value.strip() or None
            else:
                ld.bad(key, "expected an http(s) URL, optionally with {name} or {code}")
        elif key == "diff":
            if isinstance(value, Mapping):
                for dk, dv in value.items():
                    if canonical_key(str(dk)) == "base":
                        if isinstance(dv, str):
                            changes["diff_base"] = dv.strip() or None
                        else:
                            ld.bad("diff.base", "expected a git revision such as \"origin/main\"")
                    else:
                        ld.bad(f"diff.{dk}", "unknown key")
            else:
                ld.bad(key, "expected a table")
        elif key in ("trace", "server"):
            pass  # editor-side settings, not ours
        else:
            ld.bad(key, "unknown key")
    if "attribute_aliases" in changes:  # checked against the allowed values, wherever `[attributes]` sits
        attrs = changes.get("attributes", base.attributes)
        good: dict[str, dict[str, str]] = {}
        for an, table in changes["attribute_aliases"].items():
            allowed = attrs.get(an)
            if allowed is None:
                ld.bad(f"attribute-aliases.{an}", f"`{an}` has no allowed values (`[attributes] {an} = [...]`), so an alias of it means nothing")
                continue
            ok: dict[str, str] = {}
            for old_v, cur in table.items():
                if cur not in allowed:
                    ld.bad(f"attribute-aliases.{an}.{old_v}", f"“{cur}” is not an allowed `{an}` value ({', '.join(allowed)}); "
                                                               "an alias names the current value an old one stands for")
                elif old_v == cur:
                    ld.bad(f"attribute-aliases.{an}.{old_v}", "a value cannot be an alias of itself")
                elif old_v in allowed:
                    ld.bad(f"attribute-aliases.{an}.{old_v}", f"“{old_v}” is a current `{an}` value; aliasing it to “{cur}” "
                                                               "would hide real changes of level. Remove it from `[attributes]` first")
                else:
                    ok[old_v] = cur
            if ok:
                good[an] = ok
        changes["attribute_aliases"] = {**base.attribute_aliases, **good}
    try:
        cfg = replace(base, **changes)
    except TypeError as e:  # pragma: no cover - defensive
        ld.bad("(root)", str(e))
        cfg = base
    return cfg, ld.problems


def attribute_aliases(fmt, config: "Config", key: str) -> Mapping[str, str]:
    """Historical names of `key`'s values: the format's vocabulary (Model Spec: platform → root), then
    the configuration's `[attribute-aliases]`."""
    own = fmt.aliases.get(key, {}) if fmt is not None else {}
    extra = config.attribute_aliases.get(key)
    return {**own, **extra} if extra else own


def _language(base: LanguageConfig, value: Any, source: str, user_level: bool = False) -> tuple[LanguageConfig, list[ConfigProblem]]:
    ld = _Loader(source)
    if not isinstance(value, Mapping):
        ld.bad("language", "expected a table")
        return base, ld.problems
    ch: dict[str, Any] = {}
    for raw, v in value.items():
        k = canonical_key(str(raw))
        if k in ("enabled", "commentary", "section-prose", "challenge-files", "declarative-statements"):
            if isinstance(v, bool):
                ch[k.replace("-", "_")] = v
            else:
                ld.bad(f"language.{raw}", "expected true or false")
        elif k == "cache-dir" and not user_level:
            ld.bad(f"language.{raw}", "only user-level settings (editor settings, SPEC_LSP_CACHE_DIR) may move the cache; "
                                      "a repository's config cannot")
        elif k in ("model", "cache-dir"):
            if isinstance(v, str) or v is None:
                ch[k.replace("-", "_")] = v or None
            else:
                ld.bad(f"language.{raw}", "expected a string")
        elif k == "words":
            if isinstance(v, Mapping):
                words = dict(base.words)
                for wk, wv in v.items():
                    lst = ld.str_list(f"language.words.{wk}", wv)
                    if lst is not None:
                        words[str(wk)] = lst
                ch["words"] = words
            else:
                ld.bad(f"language.{raw}", "expected a table of rule name -> list of words")
        else:
            ld.bad(f"language.{raw}", "unknown key")
    return replace(base, **ch), ld.problems


CONFIG_FILES = (".spec-lsp.toml", "pyproject.toml")
CONFIG_MAX_BYTES = 1024 * 1024


class NotRegularFile(OSError):
    pass


class TooLarge(OSError):
    pass


def read_regular(path: Path | str, limit: int) -> bytes:
    """Read a regular file, at most `limit` bytes, never blocking.

    A FIFO, a device (a symlink to /dev/zero), a socket or a directory raises NotRegularFile, and a
    file larger than `limit` raises TooLarge, before anything big is read: the file is opened
    non-blocking (opening a FIFO would otherwise wait for a writer) and checked with fstat on the
    open descriptor (no window between the check and the read)."""
    import os
    import stat as _stat

    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        st = os.fstat(fd)
        if not _stat.S_ISREG(st.st_mode):
            kind = ("a named pipe (FIFO)" if _stat.S_ISFIFO(st.st_mode) else "a device" if _stat.S_ISCHR(st.st_mode) or _stat.S_ISBLK(st.st_mode)
                    else "a socket" if _stat.S_ISSOCK(st.st_mode) else "a directory" if _stat.S_ISDIR(st.st_mode) else "not a regular file")
            raise NotRegularFile(f"{kind}, not a regular file")
        if st.st_size > limit:
            raise TooLarge(f"larger than {limit // (1024 * 1024)} MiB")
        chunks = []
        total = 0
        while True:
            b = os.read(fd, min(1 << 20, limit + 1 - total))
            if not b:
                break
            chunks.append(b)
            total += len(b)
            if total > limit:  # grew while we read it
                raise TooLarge(f"larger than {limit // (1024 * 1024)} MiB")
        return b"".join(chunks)
    finally:
        os.close(fd)


def find_config_file(root: Path) -> Path | None:
    """The config file that governs `root`: `.spec-lsp.toml`, else a pyproject.toml with [tool.spec-lsp]."""
    cand = root / ".spec-lsp.toml"
    if cand.is_file():
        return cand
    cand = root / "pyproject.toml"
    if cand.is_file():
        try:
            data = tomllib.loads(read_regular(cand, CONFIG_MAX_BYTES).decode("utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError, MemoryError):
            return cand  # let load_config report it
        if isinstance(data.get("tool"), dict) and "spec-lsp" in data["tool"]:
            return cand
    return None


def find_root(start: Path) -> Path:
    """The workspace root of `start` (a file or directory): the nearest ancestor holding a spec-lsp
    config file, not above the enclosing git repository; else that repository (the nearest `.git`);
    else `start`'s own directory.  Path arguments below the root only filter the output."""
    start = start.resolve()
    d = start if start.is_dir() else start.parent
    for cand in (d, *d.parents):
        if find_config_file(cand) is not None:
            return cand
        if (cand / ".git").exists():
            return cand
    return d


def load_config(root: Path, text: str | None = None, path: Path | None = None) -> tuple[Config, list[ConfigProblem]]:
    """Load the root's config. `text` overrides the file content (an open, unsaved buffer)."""
    path = path or find_config_file(root)
    if path is None:
        return Config(), []
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:
        rel = path.as_posix()
    try:
        raw = text if text is not None else read_regular(path, CONFIG_MAX_BYTES).decode("utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return Config(source=rel), [ConfigProblem(rel, "(file)", f"cannot read: {getattr(e, 'strerror', None) or e}")]
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", None) or 1
        return Config(source=rel), [ConfigProblem(rel, "(syntax)", f"not valid TOML: {e}", line=line - 1)]
    except (RecursionError, MemoryError):  # tomllib recurses per nesting level: [[[[…]]]] is not a config
        return Config(source=rel), [ConfigProblem(rel, "(syntax)", "nested too deeply to read; the defaults are used")]
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("spec-lsp", {}) if isinstance(data.get("tool"), dict) else {}
    cfg, problems = apply_settings(Config(source=rel), data, rel)
    # locate each problem's line for editors
    lines = raw.split("\n")
    located = []
    for p in problems:
        leaf = p.key.split(".")[-1]
        ln = next((i for i, l in enumerate(lines) if re.match(rf"\s*[\"']?{re.escape(leaf)}[\"']?\s*=", l)), 0)
        located.append(replace(p, line=ln))
    return cfg, located


def merged(file_cfg: Config, editor: Mapping[str, Any] | None, file_problems: list[ConfigProblem]) -> tuple[Config, list[ConfigProblem]]:
    """Editor settings under the file: the repository's config file wins for rule behaviour."""
    if not editor:
        return file_cfg, file_problems
    cfg, eprobs = apply_settings(Config(), editor, EDITOR_SOURCE)
    if file_cfg.source is not None:
        # file wins: re-apply the file on top of the editor settings, keeping editor-only keys
        base = replace(file_cfg, debounce_ms=cfg.debounce_ms, diff_base=file_cfg.diff_base or cfg.diff_base,
                       docs_url=file_cfg.docs_url or cfg.docs_url, follow_symlinks=cfg.follow_symlinks)
        lang_editor = cfg.language
        if base.language == LanguageConfig() and lang_editor != LanguageConfig():
            base = replace(base, language=lang_editor)
        elif lang_editor.cache_dir is not None:  # user-level: the editor's cache location stands
            base = replace(base, language=replace(base.language, cache_dir=lang_editor.cache_dir))
        return base, file_problems + eprobs
    return cfg, file_problems + eprobs


def matches_selector(sel: str, code: str, name: str, category: str) -> bool:
    s = sel.strip()
    if not s:
        return False
    if s.upper() == "ALL":
        return True
    up = s.upper()
    return code == up or name == s.lower() or category == s.lower() or (up.startswith("SPEC") and code.startswith(up))


__all__ = [
    "Config", "ConfigProblem", "LanguageConfig", "load_config", "find_root", "find_config_file",
    "apply_settings", "merged", "path_included", "challenge_id", "is_excluded_dir", "matches_selector",
]
