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

from .model import Severity

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
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # rule name -> extra words
    cache_dir: str | None = None


@dataclass(frozen=True)
class Config:
    include: tuple[str, ...] = ("**/*.md", "**/*.markdown")
    exclude: tuple[str, ...] = ()
    challenge_files: tuple[str, ...] = ("examples/{id}.md",)
    id_patterns: tuple[str, ...] = ()
    attributes: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: {"authority": DEFAULT_AUTHORITIES})
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
            tuple(sorted((k, tuple(v)) for k, v in self.attributes.items())), self.roles,
            self.check_non_markdown_links, tuple(sorted(self.rules.items())), self.select, self.ignore,
            self.formats, self.site_root,
        )


_pattern_cache: dict[tuple[str, ...], tuple[re.Pattern, ...]] = {}


def _compile_patterns(pats: tuple[str, ...]) -> tuple[re.Pattern, ...]:
    got = _pattern_cache.get(pats)
    if got is None:
        got = tuple(re.compile(p) for p in pats)
        _pattern_cache[pats] = got
    return got


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
    rx = _glob_regex(pattern)
    return rx.match(path) is not None


_glob_cache: dict[str, re.Pattern] = {}


def _glob_regex(pattern: str) -> re.Pattern:
    rx = _glob_cache.get(pattern)
    if rx is None:
        p = pattern.lstrip("./") if pattern.startswith("./") else pattern
        out = ""
        i = 0
        while i < len(p):
            if p.startswith("**/", i):
                out += "(?:.*/)?"
                i += 3
            elif p.startswith("**", i):
                out += ".*"
                i += 2
            elif p[i] == "*":
                out += "[^/]*"
                i += 1
            elif p[i] == "?":
                out += "[^/]"
                i += 1
            else:
                out += re.escape(p[i])
                i += 1
        if "/" not in pattern.rstrip("/"):
            out = "(?:.*/)?" + out  # a bare name matches at any depth, like .gitignore
        rx = re.compile("^" + out + "$")
        _glob_cache[pattern] = rx
    return rx


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


def apply_settings(base: Config, data: Mapping[str, Any], source: str) -> tuple[Config, list[ConfigProblem]]:
    """Overlay `data` (a parsed TOML table or editor settings) on `base`; bad keys are reported and skipped."""
    ld = _Loader(source)
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
                globby = [t for t in v if any(ch in t.replace("{id}", "") for ch in "*?[")]
                if bad:
                    ld.bad(key, f"each template needs exactly one {{id}}: {', '.join(map(repr, bad))}")
                elif globby:
                    ld.bad(key, f"{', '.join(map(repr, globby))}: a template is a path with {{id}}, not a glob; "
                                "`*`, `?` and `[` cannot name the one file of a clause")
                else:
                    changes["challenge_files"] = v
        elif key in ("id-patterns", "id-pattern"):
            v = ld.str_list(key, value)
            if v is not None:
                ok = []
                for p in v:
                    try:
                        rx = re.compile(p)
                    except re.error as e:
                        ld.bad(key, f"invalid regular expression {p!r}: {e}")
                        continue
                    if rx.match(""):
                        ld.bad(key, f"pattern {p!r} matches the empty string")
                        continue
                    if _heading_only(p):
                        ld.bad(key, f"pattern {p!r} only matches headings, and IDs are read from the start of a "
                                    "paragraph or list item (headings are sections); drop the `#` part")
                        continue
                    ok.append(p)
                changes["id_patterns"] = tuple(ok)
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
            lang, probs = _language(base.language, value, source)
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
    try:
        cfg = replace(base, **changes)
    except TypeError as e:  # pragma: no cover - defensive
        ld.bad("(root)", str(e))
        cfg = base
    return cfg, ld.problems


def _language(base: LanguageConfig, value: Any, source: str) -> tuple[LanguageConfig, list[ConfigProblem]]:
    ld = _Loader(source)
    if not isinstance(value, Mapping):
        ld.bad("language", "expected a table")
        return base, ld.problems
    ch: dict[str, Any] = {}
    for raw, v in value.items():
        k = canonical_key(str(raw))
        if k in ("enabled", "commentary", "section-prose", "challenge-files"):
            if isinstance(v, bool):
                ch[k.replace("-", "_")] = v
            else:
                ld.bad(f"language.{raw}", "expected true or false")
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


def find_config_file(root: Path) -> Path | None:
    """The config file that governs `root`: `.spec-lsp.toml`, else a pyproject.toml with [tool.spec-lsp]."""
    cand = root / ".spec-lsp.toml"
    if cand.is_file():
        return cand
    cand = root / "pyproject.toml"
    if cand.is_file():
        try:
            data = tomllib.loads(cand.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
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
        raw = text if text is not None else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        return Config(source=rel), [ConfigProblem(rel, "(file)", f"cannot read: {e}")]
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as e:
        line = getattr(e, "lineno", None) or 1
        return Config(source=rel), [ConfigProblem(rel, "(syntax)", f"not valid TOML: {e}", line=line - 1)]
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
    cfg, eprobs = apply_settings(Config(), editor, "<editor settings>")
    if file_cfg.source is not None:
        # file wins: re-apply the file on top of the editor settings, keeping editor-only keys
        base = replace(file_cfg, debounce_ms=cfg.debounce_ms, diff_base=file_cfg.diff_base or cfg.diff_base,
                       docs_url=file_cfg.docs_url or cfg.docs_url)
        lang_editor = cfg.language
        if base.language == LanguageConfig() and lang_editor != LanguageConfig():
            base = replace(base, language=lang_editor)
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
