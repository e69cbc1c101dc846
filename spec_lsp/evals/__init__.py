"""Executable spec: export clauses and challenge prompts as eval suites, and grade a model against them.

`collect` (material from the workspace) → `export` (promptfoo, Inspect AI, OpenAI Evals, JSONL) or
`runner` (sample + grade through an OpenAI-compatible endpoint; needs the `evals` extra) → `report`.
"""
