"""A default-off language rule turns on from `[rules]` in the real server (pytest-lsp, real spaCy model)."""

from __future__ import annotations

import pytest

from lsp_helpers import start, uri, wait_for

pytestmark = pytest.mark.asyncio

SPEC = """# Pronouns {#pronouns}

## Sessions {#sessions}

The client sends the token to the server, and it MUST validate the token before the session starts.
"""


async def test_the_server_turns_a_default_off_rule_on_from_the_config(tmp_path, stop_clients):
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "spec.md").write_text(SPEC, encoding="utf-8")
    (ws / ".spec-lsp.toml").write_text('[rules]\nmissing-challenge-file = "off"\nambiguous-pronoun = "warning"\n', encoding="utf-8")
    client = await start(ws, init={"diagnostics": {"debounceMs": 0}})
    stop_clients.append(client)
    u = uri(ws, "spec.md")
    await wait_for(lambda: any(str(d.code) == "SPEC211" for d in client.diagnostics.get(u, [])), timeout=120,
                   what="the enabled ambiguous-pronoun diagnostic")
    (d,) = [d for d in client.diagnostics[u] if str(d.code) == "SPEC211"]
    assert d.severity == 2 and "“it”" in d.message  # warning, as configured
