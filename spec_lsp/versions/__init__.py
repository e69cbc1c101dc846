"""Spec versions: clause identity and evidence hashes, `spec-lsp diff`, the `spec.lock` file, baselines.

Everything here but `sources.py` (which runs `git`) is pure: a function of texts and configuration.
"""
