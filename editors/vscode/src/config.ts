/**
 * Pure logic of the extension (no `vscode` import), unit-tested in test/config.test.ts:
 * the server command, the initialization options built from settings, and the start-failure message.
 */

export interface ServerCommand {
  command: string;
  args: string[];
}

export interface ServerSettings {
  command?: unknown;
  python?: unknown;
}

export const DEFAULT_COMMAND: readonly string[] = ["spec-lsp", "serve"];

/** `specLsp.server.python` wins; else `specLsp.server.command` (array or string); else `spec-lsp serve`. */
export function resolveServerCommand(s: ServerSettings): ServerCommand {
  const python = typeof s.python === "string" ? s.python.trim() : "";
  if (python) {
    return { command: python, args: ["-m", "spec_lsp", "serve"] };
  }
  let parts: string[] = [];
  if (Array.isArray(s.command)) {
    parts = s.command.filter((x): x is string => typeof x === "string" && x.length > 0);
  } else if (typeof s.command === "string" && s.command.trim()) {
    parts = splitCommandLine(s.command.trim());
  }
  if (parts.length === 0) {
    parts = [...DEFAULT_COMMAND];
  }
  return { command: parts[0], args: parts.slice(1) };
}

/** Where the server comes from, in order of preference. */
export type ServerSource = "python-setting" | "command-setting" | "path" | "bundled";

export interface ServerChoice extends ServerCommand {
  source: ServerSource;
}

export interface ServerCandidates {
  /** `specLsp.server.python` */
  python?: unknown;
  /** `specLsp.server.command`, and whether the user set it (else it is the default `spec-lsp serve`) */
  command?: unknown;
  commandIsSet?: boolean;
  /** `spec-lsp` found on PATH, or null */
  specLspOnPath?: string | null;
  /** interpreters for the bundled server, best first: the extension's private NLP environment,
   * the Python extension's selected interpreter, `python3`/`python` on PATH */
  interpreters: (string | null | undefined)[];
  /** bundled/tool/launch.py inside the extension */
  launcher: string;
}

/**
 * Which server to start.  A user-installed spec-lsp wins: `specLsp.server.python`, then an explicitly
 * set `specLsp.server.command`, then `spec-lsp` on PATH; else the server bundled in the extension,
 * run by the first available interpreter.  null: nothing can run it (no Python at all).
 */
export function chooseServer(c: ServerCandidates): ServerChoice | null {
  const python = typeof c.python === "string" ? c.python.trim() : "";
  if (python) {
    return { command: python, args: ["-m", "spec_lsp", "serve"], source: "python-setting" };
  }
  if (c.commandIsSet) {
    const cmd = resolveServerCommand({ command: c.command });
    return { ...cmd, source: "command-setting" };
  }
  if (c.specLspOnPath) {
    return { command: c.specLspOnPath, args: ["serve"], source: "path" };
  }
  const interpreter = c.interpreters.find((p): p is string => typeof p === "string" && p.trim().length > 0);
  if (!interpreter) {
    return null;
  }
  return { command: interpreter, args: [c.launcher, "serve"], source: "bundled" };
}

/** The server says the NLP stack (spaCy or its English model) is missing (see spec_lsp/language/engine.py). */
export function isNlpMissingMessage(message: string): boolean {
  return /spaCy is not installed|No spaCy English model is installed/.test(message);
}

/** The interpreter inside a virtual environment directory. */
export function venvPython(dir: string, platform: string): string {
  return platform === "win32" ? `${dir}\\Scripts\\python.exe` : `${dir}/bin/python`;
}

/** A short progress line from one line of pip's output, or null for noise. */
export function pipProgress(line: string): string | null {
  const t = line.trim();
  const m = /^(Collecting|Downloading|Using cached|Installing collected packages:|Successfully installed)\s*(.*)$/.exec(t);
  if (!m) {
    return null;
  }
  const rest = m[2].replace(/\s*\(.*\)\s*$/, "").replace(/^https?:\/\/\S+\/([^/\s]+)$/, "$1");
  return `${m[1]} ${rest}`.slice(0, 120).trim();
}

/**
 * Where `command` would be found, like a shell's PATH lookup, or null. Checked before the client
 * starts so that a missing server is one clear message of ours, not the client library's generic
 * "couldn't create connection" next to it.
 */
export function findExecutable(
  command: string,
  pathEnv: string,
  platform: string,
  isExecutable: (file: string) => boolean,
  pathExt = ".EXE;.CMD;.BAT;.COM",
): string | null {
  const win = platform === "win32";
  const sep = win ? ";" : ":";
  const exts = win ? ["", ...pathExt.split(";").filter(Boolean).map((e) => e.toLowerCase())] : [""];
  const hasDir = command.includes("/") || (win && command.includes("\\"));
  const dirs = hasDir ? [""] : pathEnv.split(sep).filter(Boolean);
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = dir ? `${dir.replace(/[\\/]+$/, "")}${win ? "\\" : "/"}${command}${ext}` : `${command}${ext}`;
      if (isExecutable(file)) {
        return file;
      }
    }
  }
  return null;
}

/** Split a command line on spaces, honouring simple single or double quotes. */
export function splitCommandLine(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    out.push(m[1] ?? m[2] ?? m[3]);
  }
  return out;
}

/** The `specLsp` settings object as VS Code returns it (nested by dots). */
export interface SpecLspSettings {
  diagnostics?: { debounceMs?: number };
  rules?: Record<string, string>;
  idPatterns?: string[];
  challengeFiles?: string[];
  include?: string[];
  exclude?: string[];
  language?: { enabled?: boolean; model?: string; commentary?: boolean; challengeFiles?: boolean };
  docsUrl?: string;
  [key: string]: unknown;
}

/**
 * The server's initialization options: the same keys as `.spec-lsp.toml`, camelCase, without the
 * `specLsp.` prefix and without the editor-only keys (`server`, `trace`).
 */
export function buildInitializationOptions(s: SpecLspSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const debounce = s.diagnostics?.debounceMs;
  if (typeof debounce === "number" && Number.isFinite(debounce) && debounce >= 0) {
    out.diagnostics = { debounceMs: Math.round(debounce) };
  }
  if (s.rules && typeof s.rules === "object" && Object.keys(s.rules).length > 0) {
    out.rules = { ...s.rules };
  }
  for (const key of ["idPatterns", "challengeFiles", "include", "exclude"] as const) {
    const v = s[key];
    if (Array.isArray(v) && v.every((x) => typeof x === "string")) {
      out[key] = [...v];
    }
  }
  if (typeof s.docsUrl === "string" && s.docsUrl.trim()) {
    out.docsUrl = s.docsUrl.trim();
  }
  const lang: Record<string, unknown> = {};
  if (typeof s.language?.enabled === "boolean") {
    lang.enabled = s.language.enabled;
  }
  if (typeof s.language?.model === "string" && s.language.model.trim()) {
    lang.model = s.language.model.trim();
  }
  for (const key of ["commentary", "challengeFiles"] as const) {
    if (typeof s.language?.[key] === "boolean") {
      lang[key] = s.language[key];
    }
  }
  if (Object.keys(lang).length > 0) {
    out.language = lang;
  }
  return out;
}

/** One clear message when the server cannot start: what failed and what to install. */
export function startFailureMessage(cmd: ServerCommand, error: unknown): string {
  const detail = error instanceof Error ? error.message : String(error ?? "unknown error");
  const shown = [cmd.command, ...cmd.args].join(" ");
  const missing = /ENOENT|not found|No such file/i.test(detail);
  if (cmd.args.some((a) => /launch\.py$/.test(a))) {
    return `spec-lsp: the bundled language server could not start with ${cmd.command}: ${detail}. It needs Python 3.10 or newer: install one (or select it with the Python extension), or install spec-lsp yourself (\`pip install "spec-lsp[nlp]"\`) and set “specLsp.server.command”.`;
  }
  const hint = missing
    ? `“${cmd.command}” was not found. Install the server with \`pip install "spec-lsp[nlp]"\`, or set “specLsp.server.python” to a Python interpreter that has spec-lsp installed.`
    : `Check that \`${shown}\` runs in a terminal; install or upgrade it with \`pip install -U "spec-lsp[nlp]"\`.`;
  return `spec-lsp: the language server could not start (${shown}): ${detail}. ${hint}`;
}

/** Restart policy: at most `max` restarts within `windowMs`, then stop and tell the user once. */
export class RestartBudget {
  private times: number[] = [];
  constructor(private readonly max = 3, private readonly windowMs = 180_000) {}
  allow(now: number = Date.now()): boolean {
    this.times = this.times.filter((t) => now - t < this.windowMs);
    if (this.times.length >= this.max) {
      return false;
    }
    this.times.push(now);
    return true;
  }
}

/** The documents the client sends to the server: Markdown, MDX (language `mdx`, which this extension
 * declares for `.mdx` when no MDX extension does) and `.markdown`, by language and by file pattern. */
export const DOCUMENT_SELECTOR = [
  { scheme: "file", language: "markdown" },
  { scheme: "file", language: "mdx" },
  { scheme: "file", pattern: "**/*.{md,mdx,markdown}" },
];
