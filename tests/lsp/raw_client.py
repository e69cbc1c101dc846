"""A plain JSON-RPC client for `spec-lsp serve` over stdio, for tests that send what no well-behaved client
library would: params that do not deserialize, requests before `initialize` or after `shutdown`, `exit`
without `shutdown`, thousands of edits from hypothesis. Synchronous; a reader thread collects messages.

It also carries an editor-side reference model of LSP text (`lsp_lines`, `lsp_offset`, `apply_text_edits`),
written independently of the server's: lines end only at \\n, \\r\\n and \\r; positions are UTF-16 units.
"""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_EOL = re.compile(r"\r\n|\r|\n")


# --- the editor's model of the text -------------------------------------------------------------

def lsp_lines(text: str) -> list[tuple[int, int]]:
    """(start, content end) offsets of each LSP line."""
    out = []
    start = 0
    for m in _EOL.finditer(text):
        out.append((start, m.start()))
        start = m.end()
    out.append((start, len(text)))
    return out


def utf16_len(s: str) -> int:
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


def lsp_position(text: str, offset: int) -> dict:
    lines = lsp_lines(text)
    for i, (a, b) in enumerate(lines):
        nxt = lines[i + 1][0] if i + 1 < len(lines) else len(text) + 1
        if a <= offset < nxt:
            return {"line": i, "character": utf16_len(text[a:min(offset, b)])}
    return {"line": len(lines) - 1, "character": utf16_len(text[lines[-1][0]:])}


def lsp_offset(text: str, pos: dict) -> int:
    lines = lsp_lines(text)
    if pos["line"] >= len(lines):
        return len(text)
    a, b = lines[pos["line"]]
    units = 0
    i = a
    while i < b and units < pos["character"]:
        units += 2 if ord(text[i]) > 0xFFFF else 1
        i += 1
    return i


def apply_text_edits(text: str, edits: list[dict]) -> str:
    spans = sorted(((lsp_offset(text, e["range"]["start"]), lsp_offset(text, e["range"]["end"]), e["newText"]) for e in edits), reverse=True)
    for a, b, t in spans:
        text = text[:a] + t + text[b:]
    return text


def edits_for(result: dict, uri: str) -> tuple[list[dict], object]:
    """The TextEdits a WorkspaceEdit makes to `uri`, and the version it names (None if none)."""
    edits, version = [], None
    for ch in result.get("documentChanges") or []:
        if "textDocument" in ch and ch["textDocument"]["uri"] == uri:
            edits.extend(ch["edits"])
            version = ch["textDocument"].get("version")
    edits.extend((result.get("changes") or {}).get(uri, []))
    return edits, version


# --- the client ------------------------------------------------------------------------------------

CAPS = {
    "general": {"positionEncodings": ["utf-16"]},
    "workspace": {"workspaceEdit": {"documentChanges": True, "resourceOperations": ["create", "rename", "delete"]},
                  "configuration": False, "workspaceFolders": True},
    "textDocument": {"synchronization": {"dynamicRegistration": False}, "rename": {"prepareSupport": True},
                     "publishDiagnostics": {"versionSupport": True}},
    "window": {"workDoneProgress": False},
}


class RawServer:
    def __init__(self, args: tuple[str, ...] = (), cache: Path | None = None, env: dict | None = None) -> None:
        e = dict(os.environ, PYTHONPATH=str(REPO), **(env or {}))
        if cache is not None:
            e["SPEC_LSP_CACHE_DIR"] = str(cache)
        self.proc = subprocess.Popen([sys.executable, "-m", "spec_lsp", "serve", *args], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=e)
        self.responses: dict = {}
        self.notifications: list[dict] = []
        self.cond = threading.Condition()
        self.wlock = threading.Lock()
        self._id = 0
        self.stderr_lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    # io
    def _read(self) -> None:
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    with self.cond:
                        self.cond.notify_all()
                    return
                line = line.strip()
                if not line:
                    break
                k, _, v = line.decode("ascii").partition(":")
                headers[k.strip().lower()] = v.strip()
            body = out.read(int(headers["content-length"]))
            msg = json.loads(body)
            if "method" in msg and "id" in msg:  # a request from the server: answer null
                self._write({"jsonrpc": "2.0", "id": msg["id"], "result": None})
            with self.cond:
                if "method" in msg and "id" in msg:
                    self.notifications.append(msg)
                elif "method" in msg:
                    self.notifications.append(msg)
                else:
                    self.responses[msg.get("id")] = msg
                self.cond.notify_all()

    def _read_err(self) -> None:
        for line in self.proc.stderr:
            self.stderr_lines.append(line.decode("utf-8", "replace"))

    def _write(self, msg: dict) -> None:
        body = json.dumps(msg).encode("utf-8", "surrogatepass")
        with self.wlock:
            try:
                self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
                self.proc.stdin.flush()
            except (BrokenPipeError, ValueError, OSError):
                pass

    # messages
    def send(self, method: str, params=None, *, raw_params: bool = False, msg_id=None) -> object:
        self._id += 1
        mid = self._id if msg_id is None else msg_id
        msg = {"jsonrpc": "2.0", "id": mid, "method": method}
        if params is not None or raw_params:
            msg["params"] = params
        self._write(msg)
        return mid

    def notify(self, method: str, params=None) -> None:
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        self._write(msg)

    def wait_response(self, mid, timeout: float = 30.0) -> dict:
        deadline = time.monotonic() + timeout
        with self.cond:
            while mid not in self.responses:
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    raise AssertionError(f"no response to request {mid} (server alive: {self.proc.poll() is None})")
                self.cond.wait(min(left, 0.2))
            return self.responses.pop(mid)

    def request(self, method: str, params=None, timeout: float = 30.0, **kw) -> dict:
        return self.wait_response(self.send(method, params, **kw), timeout)

    def wait_for(self, cond, timeout: float = 30.0, what: str = "condition"):
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                v = cond()
                if v:
                    return v
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}")
                self.cond.wait(min(left, 0.1))

    def published(self, uri: str) -> list[dict]:
        return [n["params"] for n in self.notifications if n.get("method") == "textDocument/publishDiagnostics" and n["params"]["uri"] == uri]

    def logs(self) -> list[dict]:
        return [n["params"] for n in self.notifications if n.get("method") in ("window/logMessage", "window/showMessage")]

    # lifecycle
    def initialize(self, root: Path | None, init: dict | None = None, folders: bool = True, caps: dict | None = None) -> dict:
        params = {"processId": None, "capabilities": caps or CAPS,
                  "rootUri": root.as_uri() if root is not None else None,
                  "initializationOptions": init if init is not None else {"diagnostics": {"debounceMs": 0}, "language": {"enabled": False}}}
        if folders and root is not None:
            params["workspaceFolders"] = [{"uri": root.as_uri(), "name": root.name}]
        res = self.request("initialize", params)
        self.notify("initialized", {})
        return res

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "markdown", "version": version, "text": text}})

    def change(self, uri: str, version: int, changes: list[dict]) -> None:
        self.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version}, "contentChanges": changes})

    def close(self, timeout: float = 10.0) -> int | None:
        try:
            if self.proc.poll() is None:
                mid = self.send("shutdown")
                try:
                    self.wait_response(mid, timeout)
                except AssertionError:
                    pass
                self.notify("exit")
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()
        finally:
            for s in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
                try:
                    s.close()
                except Exception:
                    pass
