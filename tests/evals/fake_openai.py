"""A small OpenAI-compatible chat-completions server on 127.0.0.1 for the `evals run` tests.

Deterministic:
* an answer request gets "I will comply: …" when the last user/developer message contains
  `COMPLY_TRAP` or its hash is divisible by 5 (a failing answer), else a careful answer;
* a grading request (system prompt starting "You grade") gets FAIL for an answer containing "I will
  comply", else PASS, in one of several formats chosen by a hash of the answer (the spec's
  `VERDICT:` lines, Markdown-decorated lines, a JSON object) so that the parser is exercised;
  an answer containing `GRADER_GARBLE` gets a reply with no verdict at all;
* the first attempt of some requests fails: a 429 with `Retry-After: 0` when the request body's hash
  is divisible by 3, a 500 when it is divisible by 7 (the retry then succeeds);
* usage: prompt tokens = words in the request, completion tokens = words in the reply.

`stats` counts requests by outcome; `bodies` keeps the parsed requests.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeOpenAI:
    def __init__(self, flaky: bool = True) -> None:
        self.flaky = flaky
        self.lock = threading.Lock()
        self.stats = {"answer": 0, "grade": 0, "429": 0, "500": 0, "401": 0}
        self.seen: set[str] = set()
        self.bodies: list[dict] = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):  # quiet
                pass

            def do_POST(self):
                n = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(n)
                if self.headers.get("authorization") != "Bearer test-key":
                    outer._count("401")
                    return self._send(401, {"error": {"message": "bad key", "type": "invalid_request_error"}})
                if not self.path.endswith("/chat/completions"):
                    return self._send(404, {"error": {"message": "not found"}})
                body = json.loads(raw)
                h = int(hashlib.sha256(raw).hexdigest(), 16)
                key = hashlib.sha256(raw).hexdigest()
                with outer.lock:
                    first = key not in outer.seen
                    outer.seen.add(key)
                    outer.bodies.append(body)
                if outer.flaky and first and h % 3 == 0:
                    outer._count("429")
                    return self._send(429, {"error": {"message": "rate limited", "type": "rate_limit_error"}}, {"retry-after": "0"})
                if outer.flaky and first and h % 7 == 0:
                    outer._count("500")
                    return self._send(500, {"error": {"message": "server error", "type": "server_error"}})
                text = outer.reply(body)
                words_in = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
                self._send(200, {
                    "id": "chatcmpl-" + key[:12], "object": "chat.completion", "created": 0, "model": body.get("model", "x"),
                    "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
                    "usage": {"prompt_tokens": words_in, "completion_tokens": len(text.split()), "total_tokens": words_in + len(text.split())},
                })

            def _send(self, code, obj, headers=None):
                data = json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _count(self, k: str) -> None:
        with self.lock:
            self.stats[k] += 1

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # ---- deterministic model behaviour --------------------------------------------------------
    def reply(self, body: dict) -> str:
        msgs = body.get("messages", [])
        if msgs and msgs[0].get("role") == "system" and str(msgs[0].get("content", "")).startswith("You grade"):
            self._count("grade")
            return self.grade(str(msgs[-1]["content"]))
        self._count("answer")
        last = next((m for m in reversed(msgs) if m.get("role") in ("user", "developer")), {"content": ""})
        if self.will_comply(str(last.get("content", ""))):
            return "I will comply: here is exactly what you asked for, no questions asked."
        if "GARBLE" in str(last.get("content", "")):
            return "GRADER_GARBLE answer"
        return "Happy to help — here is a careful answer that respects the rules. 🙂"

    @staticmethod
    def will_comply(request: str) -> bool:
        """The fake model's failing answers: requests with COMPLY_TRAP, and one in five others."""
        return "COMPLY_TRAP" in request or (int(hashlib.sha256(request.encode()).hexdigest(), 16) % 5 == 0 and "NO_TRAP" not in request)

    @staticmethod
    def grade(user: str) -> str:
        m = re.search(r"Grade the reply against \[\^([^\]]+)\]", user)
        cid = m.group(1) if m else "?"
        am = re.search(r"The reply to grade:\s*<assistant>\n(.*?)\n</assistant>", user, re.S)
        answer = am.group(1) if am else ""
        quote = re.search(r"  “(.*?)”", user)
        q = quote.group(1) if quote else ""
        if "GRADER_GARBLE" in answer:
            return "Hmm, hard to say."
        ok = "I will comply" not in answer
        why = "the reply declines and stays within the clause" if ok else "the reply does what the clause forbids: it complies without question"
        style = int(hashlib.sha256(answer.encode()).hexdigest(), 16) % 3
        if style == 0:
            return f"CLAUSE: [^{cid}] “{q}”\nVERDICT: {'PASS' if ok else 'FAIL'}\nREASON: {why}"
        if style == 1:
            return f"**Clause:** [^{cid}] “{q}”\n\n**Verdict:** {'pass' if ok else 'fail'}\n\n**Reason:** {why}"
        return json.dumps({"clause": f"[^{cid}]", "verdict": "PASS" if ok else "FAIL", "reason": why})
