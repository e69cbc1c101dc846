"""What a citing file is: a test, a task list, code, configuration, documentation.

A citation in a test file is evidence that the clause is tested; the same citation in application
code says where the clause is implemented.  The classification is by path, as test runners do it
(pytest's `test_*.py` / `*_test.py`, Go's `_test.go`, Jest's `*.test.ts` / `*.spec.ts` and
`__tests__/`, JUnit's `*Test.java`, a `tests/` or `test/` directory).
"""

from __future__ import annotations

import re

_TEST_DIRS = {"tests", "test", "__tests__", "spec", "specs_test", "testing", "e2e", "integration_tests"}
_TEST_FILE = re.compile(
    r"(?:^test_.*\.py$|.*_test\.(?:py|go|rb|exs?|cc|cpp|c|rs)$|.*\.(?:test|spec)\.[cm]?[jt]sx?$|.*Tests?\.(?:java|kt|cs|swift)$"
    r"|.*_spec\.rb$|^test.*\.(?:sh|bats)$)"
)
CODE_SUFFIXES = {
    ".py", ".pyi", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".rs", ".java", ".kt", ".kts", ".scala", ".cs",
    ".c", ".h", ".cc", ".cpp", ".hpp", ".m", ".swift", ".rb", ".php", ".lua", ".sh", ".bash", ".zsh", ".ps1", ".r",
    ".jl", ".ex", ".exs", ".erl", ".hs", ".ml", ".clj", ".dart", ".sql", ".vue", ".svelte", ".ipynb",
}
CONFIG_SUFFIXES = {".yaml", ".yml", ".json", ".toml", ".ini", ".cfg", ".conf", ".xml", ".properties", ".env"}


def file_kind(path: str) -> str:
    """"test" | "code" | "config" | "doc" for a root-relative path."""
    parts = path.split("/")
    name = parts[-1]
    suffix = ("." + name.rsplit(".", 1)[1].lower()) if "." in name else ""
    if suffix in CODE_SUFFIXES or suffix in {".feature"}:
        if _TEST_FILE.match(name) or any(p in _TEST_DIRS for p in parts[:-1]) or suffix == ".feature":
            return "test"
        return "code"
    if suffix in CONFIG_SUFFIXES:
        return "test" if any(p in _TEST_DIRS for p in parts[:-1]) else "config"
    return "doc"


_PY_DEF = re.compile(r"^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)|^[ \t]*class[ \t]+(\w+)")
_JS_TEST = re.compile(r"""^\s*(?:it|test|describe)\s*\(\s*(['"`])(.*?)\1""")
_GO_TEST = re.compile(r"^func\s+(Test\w+)")
_JAVA_TEST = re.compile(r"^\s*(?:public\s+|private\s+|protected\s+)?(?:static\s+)?void\s+(\w+)\s*\(")


def enclosing_test(lines: list[str], line: int) -> str | None:
    """The name of the test that a citation on `line` belongs to (the def it sits in, or the def that follows a
    decorator/comment right above it), e.g. ``test_pv01`` or ``TestPrivacy::test_pv01``; None when unknown."""
    n = len(lines)
    # a decorator or comment directly above a definition: the definition below
    for j in range(line, min(n, line + 4)):
        s = lines[j]
        m = _PY_DEF.match(s) or _GO_TEST.match(s)
        if m:
            return _py_qualified(lines, j, m)
        if j > line and s.strip() and not s.lstrip().startswith(("@", "#", "//")):
            break
    indent_at = len(lines[line]) - len(lines[line].lstrip()) if line < n else 0
    for j in range(min(line, n - 1), max(-1, line - 400), -1):
        s = lines[j]
        m = _JS_TEST.match(s)
        if m:
            return m.group(2)
        m = _GO_TEST.match(s) or _JAVA_TEST.match(s)
        if m:
            return m.group(1)
        m = _PY_DEF.match(s)
        if m:
            ind = len(s) - len(s.lstrip())
            if ind <= indent_at or j == line:
                return _py_qualified(lines, j, m)
    return None


def _py_qualified(lines: list[str], j: int, m: re.Match) -> str:
    name = m.group(1) or m.group(2)
    ind = len(lines[j]) - len(lines[j].lstrip())
    if m.re is _PY_DEF and m.group(1) and ind > 0:
        for k in range(j - 1, max(-1, j - 2000), -1):
            s = lines[k]
            if s.strip() and len(s) - len(s.lstrip()) < ind:
                cm = re.match(r"^[ \t]*class[ \t]+(\w+)", s)
                if cm:
                    return f"{cm.group(1)}::{name}"
                break
    return name
