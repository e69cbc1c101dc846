import * as vscode from "vscode";
import * as cp from "node:child_process";
import * as fs from "node:fs";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { DOCUMENT_SELECTOR, RestartBudget, ServerCommand, buildInitializationOptions, findExecutable, resolveServerCommand, startFailureMessage } from "./config";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let failureShown = false;

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

/** A reason the server cannot start, found before starting it; null when it looks startable. */
function preflight(cmd: ServerCommand): Error | null {
  if (findExecutable(cmd.command, process.env.PATH ?? "", process.platform, isExecutable) === null) {
    return new Error(`spawn ${cmd.command} ENOENT`);
  }
  if (cmd.args[0] === "-m" && cmd.args[1] === "spec_lsp") {
    const r = cp.spawnSync(cmd.command, ["-c", "import spec_lsp"], { timeout: 20_000, encoding: "utf8" });
    if (r.status !== 0) {
      const last = (r.stderr || String(r.error ?? "")).trim().split("\n").pop() || "import failed";
      return new Error(last);
    }
  }
  return null;
}

async function startClient(): Promise<void> {
  const cmd = resolveServerCommand({ command: settings().get("server.command"), python: settings().get("server.python") });
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
  try {
    await client.start();
    output.appendLine(`spec-lsp: started ${[cmd.command, ...cmd.args].join(" ")}`);
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

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("spec-lsp");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("specLsp.restartServer", async () => {
      failureShown = false;
      await stopClient();
      await startClient();
    }),
    vscode.commands.registerCommand("specLsp.showOutput", () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (e.affectsConfiguration("specLsp.server")) {
        failureShown = false;
        await stopClient();
        await startClient();
      }
    }),
  );
  await startClient();
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
