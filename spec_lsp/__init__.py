"""spec-lsp: a language server and linter for specification Markdown."""

__version__ = "0.1.0"
