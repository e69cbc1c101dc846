"""The fixed tuning/test split of /work/shared/corpora (see /work/notes/SPLIT.md; do not change).

Unit = file, path relative to the corpus folder.  A file is TEST iff
int(sha1(f"{corpus}/{relpath}").hexdigest(), 16) % 2 == 1, else TUNING.  Exception: in openai__model_spec,
`model_spec.md` is split by its level-2 headings: the k-th `## ` section (k = 0, 1, …; text before the first
`## ` is k = 0) is TEST iff k is odd.

    python bench/split.py [--corpora DIR]      # prints counts per corpus
"""

from __future__ import annotations

import hashlib
import re
import sys
from pathlib import Path

CORPORA = Path(__file__).resolve().parent.parent.parent.parent / "shared" / "corpora"
if not CORPORA.exists():
    CORPORA = Path("/work/shared/corpora")
MODEL_SPEC = ("openai__model_spec", "model_spec.md")
_FENCE = re.compile(r"^\s*(```|~~~)")


def corpora(root: Path = CORPORA) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.is_dir())


def is_test_file(corpus: str, rel: str) -> bool:
    return int(hashlib.sha1(f"{corpus}/{rel}".encode()).hexdigest(), 16) % 2 == 1


def model_spec_test_lines(text: str) -> set[int]:
    """0-based line numbers of model_spec.md that are in the TEST half (odd `## ` sections).  A `## ` line
    inside a fenced block is not a heading."""
    out: set[int] = set()
    k = 0
    fence = None
    for i, line in enumerate(text.split("\n")):
        m = _FENCE.match(line)
        if m:
            fence = None if fence == m.group(1) else (fence or m.group(1))
        elif fence is None and line.startswith("## "):
            k += 1
        if k % 2 == 1:
            out.add(i)
    return out


def half_of(corpus: str, rel: str, line: int | None = None, text: str | None = None) -> str:
    """'test' or 'tuning' for a finding at (rel, line) of a corpus."""
    if (corpus, rel) == MODEL_SPEC and line is not None:
        lines = _ms_lines(text)
        return "test" if line in lines else "tuning"
    return "test" if is_test_file(corpus, rel) else "tuning"


_MS_CACHE: dict = {}


def _ms_lines(text: str | None) -> set[int]:
    if "v" not in _MS_CACHE:
        t = text if text is not None else (CORPORA / MODEL_SPEC[0] / MODEL_SPEC[1]).read_text(encoding="utf-8")
        _MS_CACHE["v"] = model_spec_test_lines(t)
    return _MS_CACHE["v"]


def main() -> None:
    root = Path(sys.argv[sys.argv.index("--corpora") + 1]) if "--corpora" in sys.argv else CORPORA
    for c in corpora(root):
        files = [p.relative_to(root / c).as_posix() for p in (root / c).rglob("*") if p.suffix in (".md", ".markdown")]
        t = sum(is_test_file(c, f) for f in files)
        print(f"{c}: {len(files)} files, {t} test, {len(files) - t} tuning")


if __name__ == "__main__":
    main()
