"""Configuration: file discovery, keys in every spelling, bad values reported with file, key and reason."""

from __future__ import annotations

from spec_lsp.core.config import Config, apply_settings, find_root, load_config, merged, path_included


def test_no_config_is_the_model_spec_layout(tmp_path):
    cfg, problems = load_config(tmp_path)
    assert problems == []
    assert cfg.challenge_files == ("examples/{id}.md",)
    assert cfg.attributes["authority"] == ("root", "system", "developer", "user", "guideline")


def test_spec_lsp_toml_and_pyproject(tmp_path):
    (tmp_path / "pyproject.toml").write_text('[tool.spec-lsp]\nid-patterns = ["REQ-\\\\d+"]\n')
    cfg, problems = load_config(tmp_path)
    assert problems == [] and cfg.id_patterns == ("REQ-\\d+",) and cfg.source == "pyproject.toml"
    (tmp_path / ".spec-lsp.toml").write_text('challenge_files = ["tests/{id}.md"]\n')
    cfg, problems = load_config(tmp_path)  # .spec-lsp.toml wins
    assert cfg.challenge_files == ("tests/{id}.md",) and cfg.id_patterns == ()


def test_bad_values_are_reported_and_defaults_kept(tmp_path):
    (tmp_path / ".spec-lsp.toml").write_text(
        'id-patterns = ["(unclosed"]\nchallenge-files = ["examples/x.md"]\nbogus = 1\n'
        '[rules]\nSPEC101 = "loud"\n[language]\nenabled = "yes"\n'
    )
    cfg, problems = load_config(tmp_path)
    got = {(p.path, p.key) for p in problems}
    assert got == {(".spec-lsp.toml", "id-patterns"), (".spec-lsp.toml", "challenge-files"), (".spec-lsp.toml", "bogus"),
                   (".spec-lsp.toml", "rules.SPEC101"), (".spec-lsp.toml", "language.enabled")}
    assert cfg.challenge_files == ("examples/{id}.md",) and cfg.rules == {} and cfg.language.enabled is True
    assert next(p for p in problems if p.key == "bogus").line == 2
    assert "unclosed" in next(p for p in problems if p.key == "id-patterns").reason


def test_toml_syntax_error(tmp_path):
    (tmp_path / ".spec-lsp.toml").write_text("id-patterns = [\n")
    cfg, problems = load_config(tmp_path)
    assert cfg.id_patterns == () and problems[0].key == "(syntax)" and "TOML" in problems[0].reason


def test_camel_case_editor_settings_and_file_wins():
    file_cfg, _ = apply_settings(Config(source=".spec-lsp.toml"), {"rules": {"SPEC101": "off"}}, ".spec-lsp.toml")
    cfg, problems = merged(file_cfg, {"diagnostics": {"debounceMs": 0}, "rules": {"SPEC101": "error"}, "challengeFiles": ["t/{id}.md"]}, [])
    assert problems == []
    assert cfg.debounce_ms == 0  # server-only setting from the editor
    assert cfg.rules == {"SPEC101": "off"}  # the repository's config file wins for rule behaviour
    cfg2, _ = merged(Config(), {"challengeFiles": ["t/{id}.md"], "idPatterns": ["FR-\\d+"]}, [])
    assert cfg2.challenge_files == ("t/{id}.md",) and cfg2.id_patterns == ("FR-\\d+",)


def test_include_exclude_and_skipped_folders():
    cfg = Config(exclude=("notes/**", "drafts"))
    assert path_included("spec.md", cfg)
    assert path_included("docs/a/b.markdown", cfg)
    assert not path_included("notes/x.md", cfg)
    assert not path_included("drafts/y.md", cfg)
    assert not path_included("node_modules/pkg/README.md", cfg)
    assert not path_included(".git/x.md", cfg)
    assert not path_included("build/x.md", cfg)
    assert not path_included("spec.txt", cfg)


def test_find_root_walks_up_to_config(tmp_path):
    (tmp_path / ".spec-lsp.toml").write_text("")
    (tmp_path / "a" / "b").mkdir(parents=True)
    assert find_root(tmp_path / "a" / "b") == tmp_path.resolve()
