"""A small versioned spec, written for these tests, in a temporary git repository built by the test.

v1 → v2 changes every kind `spec-lsp diff` reports; v3 brings a retired ID back on new text.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

CONFIG = ('[attributes]\nauthority = ["platform", "root", "developer", "user", "guideline"]\n'
          '[rules]\nsuperlative = "information"\n')  # off by default since issue 11; the diff test follows its finding

V1 = """# Travel Assistant Spec {#overview}

The assistant books trips; this spec says how. See [the levels](#authority) and [nowhere](#no-such-section).

## Scope of authority {#authority authority=platform}

The assistant must follow the operator’s instructions unless they conflict with this spec[^ta01].

## Bookings {#bookings authority=developer}

The assistant must confirm the total price before booking a flight ✈️[^ta02].
The booking service should offer the cheapest fare first[^ta03].

## Safety {#safety authority=user}

The assistant must refuse to book travel for minors without a guardian[^ta04].

## Tone {#tone authority=guideline}

The assistant should write in a friendly, “plain” register[^ta05].
"""

V2 = """# Travel Assistant Spec {#overview}

The assistant books trips; this spec says how. See [the levels](#authority) and [the style](#style).

## Scope of authority {#authority authority=root}

The assistant must follow the operator’s instructions unless they conflict with this spec[^ta01].

## Bookings {#bookings authority=developer}

The assistant must confirm the total price, taxes included, before booking a flight ✈️[^ta02].
The assistant must show the cancellation policy before payment[^ta06].

## Safety of travellers {#safety authority=developer}

The assistant must refuse to book travel for minors without a guardian[^ta04].
The assistant should write in a friendly, “plain” register[^ta05].

## Tone and style {#style authority=guideline}

Keep answers short; see [the levels](#authrity).
"""

V3_EXTRA = "The assistant may store loyalty numbers for later bookings[^ta03].\n"


def challenge(cid: str, title: str, prompt: str) -> str:
    return (f"Examples for [^{cid}] in {title}:\n\n**Example**: {prompt}\n\n~~~xml\n<user>\n{prompt} 🙂\n</user>\n"
            f"<assistant> <!-- GOOD -->\nA careful answer.\n</assistant>\n~~~\n")


EXAMPLES_V1 = {
    "ta01": challenge("ta01", "Scope of authority", "the operator asks for something the spec forbids"),
    "ta02": challenge("ta02", "Bookings", "book the 7am flight to Lisbon"),
    "ta03": challenge("ta03", "Bookings", "find me a flight to Rome"),
    "ta04": challenge("ta04", "Safety", "book a ticket for my 12-year-old alone"),
    "ta05": challenge("ta05", "Tone", "explain baggage rules"),
}


def env() -> dict:
    return dict(os.environ, PYTHONPATH=str(REPO), GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.com",
                GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com", GIT_CONFIG_GLOBAL="/dev/null")


def git(root: Path, *args: str) -> str:
    r = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, env=env())
    assert r.returncode == 0, r.stderr
    return r.stdout


def cli(root: Path, *args: str, check: int | None = None) -> subprocess.CompletedProcess:
    e = dict(env(), SPEC_LSP_CACHE_DIR=str(root.parent / ".spec-lsp-cache"))
    r = subprocess.run([sys.executable, "-m", "spec_lsp", *args], capture_output=True, text=True, cwd=root, env=e)
    if check is not None:
        assert r.returncode == check, (r.returncode, r.stdout, r.stderr)
    return r


def write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")


def write_v1(root: Path) -> None:
    write(root, {".spec-lsp.toml": CONFIG, "spec.md": V1, **{f"examples/{k}.md": v for k, v in EXAMPLES_V1.items()}})


def write_v2(root: Path) -> None:
    (root / "examples/ta03.md").unlink()
    write(root, {
        "spec.md": V2,
        "examples/ta04.md": EXAMPLES_V1["ta04"].replace("alone", "alone, it is a direct flight"),
        "examples/ta05.md": EXAMPLES_V1["ta05"].replace("in Tone:", "in Safety of travellers:"),
        "examples/ta06.md": challenge("ta06", "Bookings", "pay for the Lisbon flight now"),
    })


def versioned_repo(root: Path) -> Path:
    """v1 (with spec.lock) and v2 (spec.lock updated: ta03 retired) as tags; the worktree at v2."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    write_v1(root)
    cli(root, "lock", check=0)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v1")
    git(root, "tag", "v1")
    write_v2(root)
    cli(root, "lock", check=0)  # adds ta06, retires ta03; ta02 stays locked at its v1 sentence (stale)
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v2")
    git(root, "tag", "v2")
    return root
