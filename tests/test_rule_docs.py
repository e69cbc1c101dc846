"""Rule pages ship in the wheel: `spec-lsp rule NAME|CODE` from a wheel installed into a fresh venv with
no dependencies, and SARIF's helpUri/help.markdown."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PAGES = sorted(p.stem for p in (REPO / "spec_lsp" / "docs" / "rules").glob("*.md"))


@pytest.fixture(scope="module")
def wheel_venv(tmp_path_factory) -> tuple[Path, Path]:
    """The project built as a wheel (from a copy of the sources) and installed into a fresh venv
    without extras: the rule pages must come from the installed package, not from a checkout."""
    tmp = tmp_path_factory.mktemp("wheel")
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / "spec_lsp", src / "spec_lsp", ignore=shutil.ignore_patterns("__pycache__"))
    isolation = []
    try:  # the build backend is usually here already; else pip fetches it into an isolated env
        import setuptools  # noqa: F401
        import wheel  # noqa: F401
        isolation = ["--no-build-isolation"]
    except ImportError:
        pass
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", *isolation, "-w", str(tmp / "dist"), str(src)],
                   check=True, capture_output=True, timeout=300)
    (whl,) = (tmp / "dist").glob("spec_lsp-*.whl")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    clean = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}  # no checkout on the path
    # the wheel with its dependencies but without the `nlp` extra: no spaCy.  (With --no-deps alone
    # `spec-lsp rule` needed only wcmatch until the evals subcommand's registration started importing the
    # Markdown layer when the parser is built.)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(whl)], check=True,
                   capture_output=True, timeout=600, env=clean)
    return whl, venv


def _run(venv: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "HOME": str(venv.parent)}
    return subprocess.run([str(venv / "bin" / "spec-lsp"), *args], capture_output=True, text=True, env=env, cwd=venv.parent, timeout=60)


def test_every_rule_page_is_in_the_wheel(wheel_venv):
    whl, _ = wheel_venv
    with zipfile.ZipFile(whl) as z:
        shipped = {Path(n).stem for n in z.namelist() if n.startswith("spec_lsp/docs/rules/") and n.endswith(".md")}
    sys.path.insert(0, str(REPO))
    from spec_lsp.core.rules import all_rules

    assert {r.name for r in all_rules()} <= shipped == set(PAGES)


def test_rule_by_code_and_by_name_from_the_installed_wheel(wheel_venv):
    _, venv = wheel_venv
    # no spaCy there, and no checkout on the path: the pages come from the wheel
    assert subprocess.run([str(venv / "bin" / "python"), "-c", "import spacy"], capture_output=True).returncode != 0
    by_code = _run(venv, "rule", "SPEC120")
    assert by_code.returncode == 0, by_code.stderr
    assert by_code.stdout.startswith("# broken-anchor-link (SPEC120)")
    assert "## How to fix" in by_code.stdout
    assert by_code.stdout.rstrip().endswith("https://github.com/spec-lsp/spec-lsp/blob/main/spec_lsp/docs/rules/broken-anchor-link.md")
    assert _run(venv, "rule", "broken-anchor-link").stdout == by_code.stdout
    assert _run(venv, "rule", "spec120").stdout == by_code.stdout  # codes are case-insensitive


def test_rule_all_and_json(wheel_venv):
    _, venv = wheel_venv
    every = _run(venv, "rule", "--all")
    assert every.returncode == 0, every.stderr
    titles = [ln for ln in every.stdout.splitlines() if ln.startswith("# ") and ln.endswith(")") and "(SPEC" in ln]
    assert len(titles) == len(PAGES)
    j = _run(venv, "rule", "vague-term", "--format", "json")
    data = json.loads(j.stdout)
    assert data["code"] == "SPEC201" and data["url"].endswith("/vague-term.md") and "## What it flags" in data["page"]


def test_unknown_rule_is_a_usage_error_with_a_suggestion(wheel_venv):
    _, venv = wheel_venv
    r = _run(venv, "rule", "brokn-anchor-link")
    assert r.returncode == 2 and r.stdout == ""
    assert "did you mean broken-anchor-link" in r.stderr
    assert _run(venv, "rule").returncode == 2
    assert _run(venv, "rule", "SPEC120", "--all").returncode == 2


def test_sarif_links_and_embeds_the_pages():
    r = subprocess.run([sys.executable, "-m", "spec_lsp", "check", str(REPO / "fixtures" / "broken"), "--no-language",
                        "--format", "sarif"], capture_output=True, text=True, env=dict(os.environ, PYTHONPATH=str(REPO)), timeout=120)
    rules = {x["id"]: x for x in json.loads(r.stdout)["runs"][0]["tool"]["driver"]["rules"]}
    assert rules["SPEC120"]["helpUri"] == "https://github.com/spec-lsp/spec-lsp/blob/main/spec_lsp/docs/rules/broken-anchor-link.md"
    assert rules["SPEC120"]["help"]["markdown"].startswith("# broken-anchor-link (SPEC120)")


def test_docs_url_config_key():
    sys.path.insert(0, str(REPO))
    from spec_lsp.core.config import Config, apply_settings
    from spec_lsp.core.rule_docs import DEFAULT_DOCS_URL, doc_url
    from spec_lsp.core.rules import find_rule

    cfg, problems = apply_settings(Config(), {"docs-url": "https://docs.example.org/r/{code}.html"}, "x")
    assert not problems and doc_url(find_rule("SPEC120"), cfg.docs_url) == "https://docs.example.org/r/SPEC120.html"
    cfg, problems = apply_settings(Config(), {"docsUrl": "https://mirror.example.net/rules"}, "x")
    assert doc_url(find_rule("vague-term"), cfg.docs_url) == "https://mirror.example.net/rules/vague-term.md"
    for bad in (5, "ftp://x/{name}", "rules/{name}.md"):
        cfg, problems = apply_settings(Config(), {"docs-url": bad}, "x")
        assert cfg.docs_url is None and [p.key for p in problems] == ["docs-url"], bad
    assert doc_url(find_rule("SPEC120")) == DEFAULT_DOCS_URL.format(name="broken-anchor-link")
