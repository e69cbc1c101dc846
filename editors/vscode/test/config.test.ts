import assert from "node:assert/strict";
import { test } from "node:test";
import { DOCUMENT_SELECTOR, RestartBudget, buildInitializationOptions, chooseServer, findExecutable, isNlpMissingMessage, pipProgress, resolveServerCommand, splitCommandLine, startFailureMessage, venvPython } from "../src/config.ts";

test("default server command is spec-lsp serve", () => {
  assert.deepEqual(resolveServerCommand({}), { command: "spec-lsp", args: ["serve"] });
  assert.deepEqual(resolveServerCommand({ command: [] }), { command: "spec-lsp", args: ["serve"] });
});

test("python setting wins over the command", () => {
  assert.deepEqual(resolveServerCommand({ python: " /usr/bin/python3 ", command: ["x", "y"] }), {
    command: "/usr/bin/python3",
    args: ["-m", "spec_lsp", "serve"],
  });
});

test("command as array or string", () => {
  assert.deepEqual(resolveServerCommand({ command: ["/opt/bin/spec-lsp", "serve", "--log-file", "/tmp/l"] }), {
    command: "/opt/bin/spec-lsp",
    args: ["serve", "--log-file", "/tmp/l"],
  });
  assert.deepEqual(resolveServerCommand({ command: 'python3 -m spec_lsp serve --log-file "/tmp/a b.log"' }), {
    command: "python3",
    args: ["-m", "spec_lsp", "serve", "--log-file", "/tmp/a b.log"],
  });
  assert.deepEqual(splitCommandLine("a 'b c' d"), ["a", "b c", "d"]);
});

test("initialization options mirror the config file keys", () => {
  const opts = buildInitializationOptions({
    diagnostics: { debounceMs: 0 },
    rules: { SPEC101: "off", language: "hint" },
    idPatterns: ["FR-\\d{3}"],
    challengeFiles: ["tests/{id}.md"],
    include: ["**/*.md"],
    exclude: [],
    language: { enabled: false, model: " en_core_web_sm ", commentary: true, challengeFiles: false },
    server: { command: ["x"] },
    trace: { server: "verbose" },
  });
  assert.deepEqual(opts, {
    diagnostics: { debounceMs: 0 },
    rules: { SPEC101: "off", language: "hint" },
    idPatterns: ["FR-\\d{3}"],
    challengeFiles: ["tests/{id}.md"],
    include: ["**/*.md"],
    exclude: [],
    language: { enabled: false, model: "en_core_web_sm", commentary: true, challengeFiles: false },
  });
});

test("bad or empty values are left out", () => {
  assert.deepEqual(
    buildInitializationOptions({ diagnostics: { debounceMs: -5 }, rules: {}, idPatterns: [1 as unknown as string], language: { model: "  " } }),
    {},
  );
});

test("the start failure message says what to install", () => {
  const missing = startFailureMessage({ command: "spec-lsp", args: ["serve"] }, new Error("spawn spec-lsp ENOENT"));
  assert.match(missing, /could not start \(spec-lsp serve\)/);
  assert.match(missing, /pip install "spec-lsp\[nlp\]"/);
  assert.match(missing, /specLsp\.server\.python/);
  const other = startFailureMessage({ command: "python3", args: ["-m", "spec_lsp", "serve"] }, "exited with code 1");
  assert.match(other, /python3 -m spec_lsp serve/);
  assert.match(other, /pip install -U/);
});

test("restarts are limited", () => {
  const b = new RestartBudget(3, 1000);
  assert.equal(b.allow(0), true);
  assert.equal(b.allow(10), true);
  assert.equal(b.allow(20), true);
  assert.equal(b.allow(30), false);
  assert.equal(b.allow(2000), true);
});

test("the server command is looked up on PATH before the client starts", () => {
  const files = new Set(["/usr/local/bin/spec-lsp", "/opt/py/bin/python3", "C:\\Tools\\spec-lsp.EXE".toLowerCase()]);
  const exists = (f: string) => files.has(f) || files.has(f.toLowerCase());
  assert.equal(findExecutable("spec-lsp", "/usr/bin:/usr/local/bin", "linux", exists), "/usr/local/bin/spec-lsp");
  assert.equal(findExecutable("spec-lsp", "/usr/bin", "linux", exists), null);
  assert.equal(findExecutable("/opt/py/bin/python3", "", "linux", exists), "/opt/py/bin/python3");
  assert.equal(findExecutable("./missing/python", "/usr/local/bin", "linux", exists), null);
  assert.equal(findExecutable("spec-lsp", "C:\\Windows;C:\\Tools\\", "win32", exists)?.toLowerCase(), "c:\\tools\\spec-lsp.exe");
});

test("a user-installed server wins over the bundled one", () => {
  const base = { interpreters: ["/venv/bin/python", "/usr/bin/python3"], launcher: "/ext/bundled/tool/launch.py" };
  assert.deepEqual(chooseServer({ ...base, python: "/opt/py/bin/python" }), {
    command: "/opt/py/bin/python", args: ["-m", "spec_lsp", "serve"], source: "python-setting",
  });
  assert.deepEqual(chooseServer({ ...base, command: ["/x/spec-lsp", "serve", "--log-file", "/tmp/l"], commandIsSet: true, specLspOnPath: "/usr/bin/spec-lsp" }), {
    command: "/x/spec-lsp", args: ["serve", "--log-file", "/tmp/l"], source: "command-setting",
  });
  assert.deepEqual(chooseServer({ ...base, command: ["spec-lsp", "serve"], commandIsSet: false, specLspOnPath: "/usr/local/bin/spec-lsp" }), {
    command: "/usr/local/bin/spec-lsp", args: ["serve"], source: "path",
  });
});

test("else the bundled server runs with the first interpreter available", () => {
  const launcher = "/ext/bundled/tool/launch.py";
  assert.deepEqual(chooseServer({ specLspOnPath: null, interpreters: [null, undefined, "/usr/bin/python3"], launcher }), {
    command: "/usr/bin/python3", args: [launcher, "serve"], source: "bundled",
  });
  assert.deepEqual(chooseServer({ specLspOnPath: null, interpreters: ["/g/nlp-venv/bin/python", "/sel/python", "/usr/bin/python3"], launcher })?.command,
    "/g/nlp-venv/bin/python");
  assert.equal(chooseServer({ specLspOnPath: null, interpreters: [null, "  "], launcher }), null);
});

test("the NLP-missing notice is recognised, other messages are not", () => {
  assert.ok(isNlpMissingMessage('spec-lsp: spaCy is not installed, so the language rules that need a parser are off; …'));
  assert.ok(isNlpMissingMessage("spec-lsp: No spaCy English model is installed (tried en_core_web_sm); …"));
  assert.ok(!isNlpMissingMessage("spec-lsp: incremental index mismatch (see log)"));
});

test("pip output becomes short progress lines", () => {
  assert.equal(pipProgress("Collecting spacy<3.9,>=3.8"), "Collecting spacy<3.9,>=3.8");
  assert.equal(pipProgress("  Downloading spacy-3.8.7-cp311-cp311-manylinux_2_17_x86_64.whl (31.9 MB)"), "Downloading spacy-3.8.7-cp311-cp311-manylinux_2_17_x86_64.whl");
  assert.equal(pipProgress("Installing collected packages: numpy, spacy"), "Installing collected packages: numpy, spacy");
  assert.equal(pipProgress("     ━━━━━━━━━━━━━ 31.9/31.9 MB 10 MB/s"), null);
  assert.equal(venvPython("/g/nlp-venv", "linux"), "/g/nlp-venv/bin/python");
  assert.equal(venvPython("C:\\g\\nlp-venv", "win32"), "C:\\g\\nlp-venv\\Scripts\\python.exe");
});

test("a bundled server that cannot start says it needs Python 3.10+", () => {
  const m = startFailureMessage({ command: "/usr/bin/python3", args: ["/ext/bundled/tool/launch.py", "serve"] }, new Error("spec-lsp needs Python 3.10 or newer; this is 3.8.10"));
  assert.match(m, /bundled language server/);
  assert.match(m, /Python 3\.10 or newer/);
});

test("the client attaches to .md, .mdx and .markdown", () => {
  const langs = DOCUMENT_SELECTOR.map((d) => (d as { language?: string }).language).filter(Boolean);
  assert.deepEqual(langs, ["markdown", "mdx"]);
  const pattern = (DOCUMENT_SELECTOR.find((d) => "pattern" in d) as { pattern: string }).pattern;
  assert.equal(pattern, "**/*.{md,mdx,markdown}");
});
