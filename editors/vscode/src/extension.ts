import * as vscode from "vscode";
import * as cp from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  ShowMessageNotification,
  ShowMessageParams,
  MessageType,
  TransportKind,
} from "vscode-languageclient/node";
import {
  DOCUMENT_SELECTOR,
  RestartBudget,
  ServerChoice,
  ServerCommand,
  buildInitializationOptions,
  chooseServer,
  findExecutable,
  isNlpMissingMessage,
  pipProgress,
  startFailureMessage,
  venvPython,
} from "./config";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let failureShown = false;
let nlpOfferShown = false;
let current: ServerChoice | undefined;
let ctx: vscode.ExtensionContext;
let installing = false;

const NLP_DECLINED = "specLsp.nlpOfferDeclined";

function settings(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration("specLsp");
}

function settingsObject(): Record<string, unknown> {
  const cfg = settings();
  return {
    diagnostics: { debounceMs: cfg.get("diagnostics.debounceMs") },
    rules: cfg.get("rules"),
    idPatterns: cfg.get("idPatterns"),
    challengeFiles: cfg.get("challengeFiles"),
    include: cfg.get("include"),
    exclude: cfg.get("exclude"),
    docsUrl: cfg.get("docsUrl") || undefined,
    language: { enabled: cfg.get("language.enabled"), model: cfg.get("language.model") },
  };
}

async function showFailure(cmd: ServerCommand, error: unknown): Promise<void> {
  const message = startFailureMessage(cmd, error);
  output.appendLine(message);
  if (failureShown) {
    return;
  }
  failureShown = true;
  const choice = await vscode.window.showErrorMessage(message, "Show Output");
  if (choice === "Show Output") {
    output.show(true);
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, process.platform === "win32" ? fs.constants.F_OK : fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function which(command: string): string | null {
  return findExecutable(command, process.env.PATH ?? "", process.platform, isExecutable);
}

// ---- the server bundled in the .vsix ------------------------------------------------------------

function launcher(): string {
  return ctx.asAbsolutePath(path.join("bundled", "tool", "launch.py"));
}

/** The extension's private environment for spaCy and its model (created on request only). */
function nlpVenvDir(): string {
  return path.join(ctx.globalStorageUri.fsPath, "nlp-venv");
}

function nlpPython(): string | null {
  const py = venvPython(nlpVenvDir(), process.platform);
  return isExecutable(py) ? py : null;
}

interface PythonExtensionApi {
  environments?: {
    getActiveEnvironmentPath(resource?: vscode.Uri): { path: string } | undefined;
    resolveEnvironment(env: { path: string } | string): Promise<{ executable?: { uri?: vscode.Uri } } | undefined>;
    onDidChangeActiveEnvironmentPath?: vscode.Event<unknown>;
  };
}

/** The interpreter selected in the Python extension (ms-python.python), if it is installed. */
async function pythonExtensionApi(): Promise<PythonExtensionApi | undefined> {
  const ext = vscode.extensions.getExtension<PythonExtensionApi>("ms-python.python");
  if (!ext) {
    return undefined;
  }
  try {
    return ext.isActive ? ext.exports : await ext.activate();
  } catch (e) {
    output.appendLine(`spec-lsp: the Python extension did not activate: ${String(e)}`);
    return undefined;
  }
}

async function selectedPython(): Promise<string | undefined> {
  const api = await pythonExtensionApi();
  const envs = api?.environments;
  if (!envs) {
    return undefined;
  }
  try {
    const active = envs.getActiveEnvironmentPath(vscode.workspace.workspaceFolders?.[0]?.uri);
    const env = active ? await envs.resolveEnvironment(active) : undefined;
    return env?.executable?.uri?.fsPath;
  } catch (e) {
    output.appendLine(`spec-lsp: could not read the selected interpreter: ${String(e)}`);
    return undefined;
  }
}

async function resolveServer(): Promise<ServerChoice | null> {
  const inspect = settings().inspect("server.command");
  const commandIsSet = [inspect?.globalValue, inspect?.workspaceValue, inspect?.workspaceFolderValue].some((v) => v !== undefined);
  const onPath = commandIsSet ? null : which("spec-lsp");
  const python3 = process.platform === "win32" ? which("python") ?? which("py") : which("python3") ?? which("python");
  return chooseServer({
    python: settings().get("server.python"),
    command: settings().get("server.command"),
    commandIsSet,
    specLspOnPath: onPath,
    interpreters: [nlpPython(), await selectedPython(), python3],
    launcher: launcher(),
  });
}

/** A reason the server cannot start, found before starting it; null when it looks startable. */
function preflight(cmd: ServerChoice): Error | null {
  if (findExecutable(cmd.command, process.env.PATH ?? "", process.platform, isExecutable) === null) {
    return new Error(`spawn ${cmd.command} ENOENT`);
  }
  const probe =
    cmd.source === "bundled" ? [cmd.args[0], "--probe"] : cmd.args[0] === "-m" && cmd.args[1] === "spec_lsp" ? ["-c", "import spec_lsp"] : null;
  if (probe) {
    const r = cp.spawnSync(cmd.command, probe, { timeout: 20_000, encoding: "utf8" });
    if (r.status !== 0) {
      const last = (r.stderr || String(r.error ?? "")).trim().split("\n").pop() || "import failed";
      return new Error(last);
    }
    if (cmd.source === "bundled") {
      output.appendLine(`spec-lsp: bundled server with ${cmd.command}: ${r.stdout.trim()}`);
    }
  }
  return null;
}

// ---- the NLP stack, on request, in a private environment -----------------------------------------

function run(command: string, args: string[], onLine: (line: string) => void, token?: vscode.CancellationToken): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = cp.spawn(command, args, { env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: "1", PYTHONUNBUFFERED: "1" } });
    let buf = "";
    const feed = (data: Buffer) => {
      buf += data.toString("utf8");
      let i: number;
      while ((i = buf.search(/[\r\n]/)) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.trim()) {
          onLine(line);
        }
      }
    };
    child.stdout.on("data", feed);
    child.stderr.on("data", feed);
    token?.onCancellationRequested(() => child.kill());
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? -1));
  });
}

/**
 * Install spec-lsp's `nlp` extra (spaCy and its English model) into a virtual environment in the
 * extension's global storage, never into the user's project environment, then restart the server
 * with that environment's Python.
 */
async function installNlp(): Promise<void> {
  if (installing) {
    return;
  }
  const base = current?.source === "bundled" ? current.command : (await resolveServer())?.command;
  if (!base || (current && current.source !== "bundled")) {
    void vscode.window.showWarningMessage(
      'spec-lsp: the server in use is not the bundled one; install the language support where it is installed: pip install "spec-lsp[nlp]"',
    );
    return;
  }
  installing = true;
  const dir = nlpVenvDir();
  const log = (line: string) => output.appendLine(`  ${line}`);
  try {
    const ok = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: "spec-lsp: installing language support", cancellable: true },
      async (progress, token) => {
        fs.mkdirSync(ctx.globalStorageUri.fsPath, { recursive: true });
        const req = cp.spawnSync(base, [launcher(), "--nlp-requirements"], { encoding: "utf8", timeout: 20_000 });
        const reqs = (req.stdout || "").split("\n").map((s) => s.trim()).filter(Boolean);
        if (req.status !== 0 || reqs.length === 0) {
          throw new Error(`could not read spec-lsp's nlp requirements: ${req.stderr || req.error}`);
        }
        let py = nlpPython();
        if (!py) {
          progress.report({ message: "creating a private environment" });
          output.appendLine(`spec-lsp: ${base} -m venv ${dir}`);
          const code = await run(base, ["-m", "venv", "--clear", dir], log, token);
          py = nlpPython();
          if (code !== 0 || !py) {
            throw new Error(`${base} -m venv failed (exit ${code}); on Debian/Ubuntu install python3-venv`);
          }
        }
        output.appendLine(`spec-lsp: ${py} -m pip install ${reqs.join(" ")}`);
        const code = await run(py, ["-m", "pip", "install", "--progress-bar", "off", ...reqs], (line) => {
          log(line);
          const p = pipProgress(line);
          if (p) {
            progress.report({ message: p });
          }
        }, token);
        if (token.isCancellationRequested) {
          return false;
        }
        if (code !== 0) {
          throw new Error(`pip install exited with ${code} (see the output)`);
        }
        const probe = cp.spawnSync(py, [launcher(), "--probe"], { encoding: "utf8", timeout: 60_000 });
        output.appendLine(`spec-lsp: ${probe.stdout.trim()}`);
        const got = JSON.parse(probe.stdout || "{}");
        if (!got.spacy || !(got.models?.length > 0)) {
          throw new Error("spaCy or its English model is still not importable after the install");
        }
        return true;
      },
    );
    if (ok) {
      output.appendLine("spec-lsp: language support installed; restarting the server with it");
      await restart();
      void vscode.window.showInformationMessage("spec-lsp: language support installed; the language rules are on.");
    }
  } catch (e) {
    const msg = `spec-lsp: installing the language support failed: ${e instanceof Error ? e.message : String(e)}`;
    output.appendLine(msg);
    const choice = await vscode.window.showErrorMessage(msg, "Show Output");
    if (choice === "Show Output") {
      output.show(true);
    }
  } finally {
    installing = false;
  }
}

/** The server's own messages, except that a missing NLP stack under the bundled server becomes one offer. */
async function onServerMessage(m: ShowMessageParams): Promise<void> {
  if (isNlpMissingMessage(m.message) && current?.source === "bundled") {
    output.appendLine(m.message);
    if (nlpOfferShown || ctx.globalState.get<boolean>(NLP_DECLINED)) {
      return;
    }
    nlpOfferShown = true;
    const choice = await vscode.window.showInformationMessage(
      "spec-lsp: structural checks are on. The language rules that need spaCy (ambiguity, contradictions) are off: " +
        "spaCy and its English model are not installed. Install them into spec-lsp's own environment " +
        "(a download of about 100 MB; your project's environment is not touched)?",
      "Install Language Support",
      "Not Now",
      "Don't Ask Again",
    );
    if (choice === "Install Language Support") {
      await installNlp();
    } else if (choice === "Don't Ask Again") {
      await ctx.globalState.update(NLP_DECLINED, true);
    }
    return;
  }
  const show =
    m.type === MessageType.Error ? vscode.window.showErrorMessage : m.type === MessageType.Warning ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
  void show(m.message);
}

// ---- the client -----------------------------------------------------------------------------------

async function startClient(): Promise<void> {
  const cmd = await resolveServer();
  if (cmd === null) {
    await showFailure({ command: "python3", args: [launcher(), "serve"] }, new Error("spawn python3 ENOENT (no Python 3.10+ found)"));
    return;
  }
  current = cmd;
  const problem = preflight(cmd);
  if (problem) {
    await showFailure(cmd, problem);
    return;
  }
  const serverOptions: ServerOptions = { command: cmd.command, args: cmd.args, transport: TransportKind.stdio };
  const budget = new RestartBudget(3, 180_000);
  const clientOptions: LanguageClientOptions = {
    // Markdown, MDX (no language of its own unless an MDX extension provides one) and `.markdown`
    documentSelector: DOCUMENT_SELECTOR,
    synchronize: { configurationSection: "specLsp" },
    initializationOptions: buildInitializationOptions(settingsObject()),
    outputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    initializationFailedHandler: (error) => {
      void showFailure(cmd, error);
      return false;
    },
    errorHandler: {
      error: () => ({ action: ErrorAction.Continue }),
      closed: () => {
        if (budget.allow()) {
          output.appendLine("spec-lsp: the server stopped; restarting it.");
          return { action: CloseAction.Restart };
        }
        void showFailure(cmd, new Error("the server stopped 3 times in 3 minutes"));
        return { action: CloseAction.DoNotRestart };
      },
    },
  };
  client = new LanguageClient("specLsp", "spec-lsp", serverOptions, clientOptions);
  // replaces the client library's default window/showMessage handler (registered before start)
  client.onNotification(ShowMessageNotification.type, (m) => void onServerMessage(m));
  try {
    await client.start();
    output.appendLine(`spec-lsp: started ${[cmd.command, ...cmd.args].join(" ")} (${cmd.source})`);
  } catch (error) {
    await showFailure(cmd, error);
    client = undefined;
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch {
      // a server that never started has nothing to stop
    }
  }
}

async function restart(): Promise<void> {
  failureShown = false;
  await stopClient();
  await startClient();
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  ctx = context;
  output = vscode.window.createOutputChannel("spec-lsp");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("specLsp.restartServer", restart),
    vscode.commands.registerCommand("specLsp.showOutput", () => output.show(true)),
    vscode.commands.registerCommand("specLsp.installLanguageSupport", installNlp),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("specLsp.server")) {
        await restart();
      }
    }),
  );
  await startClient();
  // a different interpreter selected in the Python extension: the bundled server follows it
  const api = await pythonExtensionApi();
  const changed = api?.environments?.onDidChangeActiveEnvironmentPath;
  if (changed) {
    context.subscriptions.push(
      changed(async () => {
        if (current?.source === "bundled" && !nlpPython()) {
          await restart();
        }
      }),
    );
  }
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
