"""The shape of the rule code: every rule has its doc page; each generic rule module under
spec_lsp/rules/ declares its metadata and holds the check that reports it (and its messages)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import spec_lsp.rules as generic
from spec_lsp.core.rules import STRUCTURE_RULES, all_rules

REPO = Path(__file__).resolve().parents[1]
_MAKE = re.compile(r"""\bmake\(\s*["'](SPEC\d{3})["']""")


def _rule_modules():
    for info in pkgutil.iter_modules(generic.__path__):
        if info.name != "base":
            yield importlib.import_module(f"spec_lsp.rules.{info.name}")


def test_every_registered_rule_has_its_doc_page():
    for r in all_rules():
        assert r.doc == f"spec_lsp/docs/rules/{r.name}.md", r.code
        assert (REPO / r.doc).is_file(), f"rule {r.code} has no documentation page {r.doc}"


def test_each_rule_module_declares_metadata_and_check_in_one_place():
    mods = list(_rule_modules())
    assert {m.__name__ for m in mods} == {m.__name__ for m in generic.MODULES}, "register the module in MODULES"
    for m in mods:
        declared = {r.code for r in m.RULES}
        assert declared, f"{m.__name__} declares no rule"
        checks = [f for n, f in inspect.getmembers(m, inspect.isfunction)
                  if f.__module__ == m.__name__ and (n.startswith("check") or n == "apply_waivers")]
        assert checks, f"{m.__name__} has no check function"
        made = set(_MAKE.findall(inspect.getsource(m)))
        assert made == declared | set(getattr(m, "ALSO_REPORTS", ())), (
            f"{m.__name__}: reports {sorted(made)} but declares {sorted(declared)}")


def test_generic_rules_are_registered_once_and_checked_only_in_their_module():
    codes = [r.code for r in STRUCTURE_RULES]
    assert len(codes) == len(set(codes))
    assert {r.code for r in generic.GENERIC_RULES} <= set(codes)
    checks_src = (REPO / "spec_lsp" / "core" / "checks.py").read_text(encoding="utf-8")
    assert not _MAKE.findall(checks_src), "core/checks.py only calls the rule modules; messages live there"
    rules_src = (REPO / "spec_lsp" / "core" / "rules.py").read_text(encoding="utf-8")
    for r in generic.GENERIC_RULES:
        assert f'"{r.code}"' not in rules_src, f"{r.code} is declared in its rule module, not in core/rules.py"
