"""Authority aliases from the configuration (`[attribute-aliases]`): validated (invalid-config on bad
values), read by `spec-lsp diff` (a vocabulary rename, not a level change) and by the historical-value
hint (SPEC150) — on top of the format's own vocabulary (Model Spec: platform → root)."""

from __future__ import annotations

import json

from versions_fixture import cli, git, write

SPEC = """# Concierge spec {#top}

## Requests from hotels {#hotels authority=AUTH}

The concierge must pass on a hotel’s house rules “as written” 🏨[^cc01].

## Requests from guests {#guests authority=user}

The concierge should answer in the guest’s language[^cc02].
"""

OLD_CFG = '[attributes]\nauthority = ["root", "operator", "developer", "user"]\n'
NEW_CFG = ('[attributes]\nauthority = ["root", "developer", "user"]\n\n'
           '[attribute-aliases]\nauthority = { operator = "developer" }\n')


def invalid_config(root):
    r = cli(root, "check", "--no-language", "--format", "json", "--fail-on", "never")
    assert r.returncode == 2 and "config error" in r.stderr  # a bad configuration is a usage error in CI
    return [(f["subject"], f["message"]) for f in json.loads(r.stdout) if f["code"] == "SPEC001"]


def test_bad_aliases_are_invalid_config(tmp_path):
    write(tmp_path, {"spec.md": SPEC.replace("AUTH", "developer"), ".spec-lsp.toml":
                     '[attribute-aliases]\nauthority = { boss = "rooot", user = "root", root = "root", staff = "developer" }\n'
                     'tone = { loud = "x" }\n'})
    got = dict(invalid_config(tmp_path))
    assert "“rooot” is not an allowed `authority` value" in got["attribute-aliases.authority.boss"]
    assert "“user” is a current `authority` value" in got["attribute-aliases.authority.user"]
    assert "cannot be an alias of itself" in got["attribute-aliases.authority.root"]
    assert "`tone` has no allowed values" in got["attribute-aliases.tone"]
    assert "attribute-aliases.authority.staff" not in got  # the good entry is kept
    write(tmp_path, {".spec-lsp.toml": 'attribute-aliases = ["platform"]\n'})
    (k, msg), = invalid_config(tmp_path)
    assert k == "attribute-aliases" and "expected a table" in msg


def test_configured_alias_is_a_historical_value(tmp_path):
    write(tmp_path, {"spec.md": SPEC.replace("AUTH", "operator"), ".spec-lsp.toml": NEW_CFG})
    r = cli(tmp_path, "check", "--no-language", "--format", "json", "--fail-on", "never", check=0)
    fs = json.loads(r.stdout)
    assert not [f for f in fs if f["code"] == "SPEC130"]  # not an unknown value…
    (f,) = [f for f in fs if f["code"] == "SPEC150"]  # …but its historical name
    assert "`authority=operator` is the historical name of `authority=developer`" in f["message"]


def test_diff_reads_configured_aliases(tmp_path):
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    write(root, {"spec.md": SPEC.replace("AUTH", "operator"), ".spec-lsp.toml": OLD_CFG})
    git(root, "add", "-A")
    git(root, "commit", "-qm", "v1")
    # v2 renames the level `operator` to `developer` and says so in its configuration
    write(root, {"spec.md": SPEC.replace("AUTH", "developer"), ".spec-lsp.toml": NEW_CFG})
    res = json.loads(cli(root, "diff", "HEAD", "--format", "json", check=0).stdout)
    (a,) = res["authority"]
    assert (a["anchor"], a["old"], a["new"], a["kind"]) == ("hotels", "operator", "developer", "vocabulary")
    # without the alias it is a real change of level
    write(root, {".spec-lsp.toml": NEW_CFG.split("\n\n")[0] + "\n"})
    res = json.loads(cli(root, "diff", "HEAD", "--format", "json", check=0).stdout)
    assert res["authority"][0]["kind"] == "level"
    # --alias still adds to it from the command line
    res = json.loads(cli(root, "diff", "HEAD", "--format", "json", "--alias", "operator=developer", check=0).stdout)
    assert res["authority"][0]["kind"] == "vocabulary"
