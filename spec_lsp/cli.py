"""Command line: `spec-lsp check | rules | rule | graph | doctor | evals | serve`."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from . import __version__
from .core.config import ConfigProblem, find_root, load_config
from .core.model import Severity
from .core.output import rules_table, to_json, to_sarif, to_text
from .versions import cli as versions_cli

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # usage errors exit 2, as documented
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _csv(values: list[str] | None) -> tuple[str, ...]:
    out: list[str] = []
    for v in values or []:
        out.extend(x.strip() for x in v.split(",") if x.strip())
    return tuple(out)


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="spec-lsp", description="Language server and linter for specification Markdown.")
    p.add_argument("--version", action="version", version=f"spec-lsp {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    c = sub.add_parser("check", help="check a spec workspace and report findings")
    c.add_argument("paths", nargs="*", metavar="PATH", help="workspace root, or files inside it (default: .)")
    c.add_argument("--format", choices=("text", "json", "sarif"), default="text")
    c.add_argument("--fail-on", choices=("error", "warning", "info", "information", "hint", "never"), default="error",
                   help="exit 1 when a finding at this severity or worse is reported (default: error)")
    c.add_argument("--select", action="append", metavar="RULES", help="only these rules (codes, prefixes, names, categories)")
    c.add_argument("--ignore", action="append", metavar="RULES", help="not these rules")
    c.add_argument("--config", metavar="FILE", help="configuration file (default: .spec-lsp.toml or pyproject.toml at the root)")
    c.add_argument("--no-language", action="store_true", help="skip the language rules (no spaCy)")
    c.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="processes for the language pass")
    c.add_argument("--show-waived", action="store_true", help="also list findings silenced by waivers, with their reasons")
    c.add_argument("--paranoid", action="store_true", help=argparse.SUPPRESS)
    c.add_argument("--follow-symlinks", action="store_true",
                   help="also index files reached through symlinks that lead outside the workspace (off by default)")
    c.add_argument("--output", "-o", metavar="FILE", help="write the report here instead of stdout")
    c.add_argument("--explain-scope", action="append", metavar="FILE",
                   help="print which sentences of FILE the language rules read (normative statements), and why")
    versions_cli.add_check_options(c)  # --baseline, --write-baseline, --since (spec_lsp/versions/)

    r = sub.add_parser("rules", help="list every rule")
    r.add_argument("--format", choices=("text", "json"), default="text")

    from . import rule_cmd  # `spec-lsp rule NAME|CODE`

    rule_cmd.add_parser(sub)

    g = sub.add_parser("graph", help="print the cross-reference graph")
    g.add_argument("paths", nargs="*", metavar="PATH")
    g.add_argument("--format", choices=("json", "dot", "mermaid"), default="json")
    g.add_argument("--config", metavar="FILE")

    from .doctor import add_parser as _doctor_parser  # `spec-lsp doctor` (spec_lsp/doctor.py)

    _doctor_parser(sub)
    versions_cli.register(sub)  # diff, lock (spec_lsp/versions/)
    from .trace import cli as trace_cli  # trace, rename (spec_lsp/trace/cli.py)

    trace_cli.register(sub)

    from .evals.cli import add_parser as _add_evals  # `spec-lsp evals export|run` (spec_lsp/evals/)

    _add_evals(sub)

    s = sub.add_parser("serve", help="run the language server (stdio by default)")
    s.add_argument("--stdio", action="store_true", help="use stdio (the default)")
    s.add_argument("--tcp", metavar="HOST:PORT", help="listen on TCP instead (for debugging)")
    s.add_argument("--log-file", metavar="FILE", help="write the server log here")
    s.add_argument("--paranoid", action="store_true", help="rebuild the index from scratch after every change and compare")
    return p


def _progress_fn(enabled: bool):
    if not enabled:
        return None
    last = [0.0]

    def progress(done: int, total: int, what: str) -> None:
        now = time.monotonic()
        if now - last[0] > 0.1 or done == total:
            last[0] = now
            sys.stderr.write(f"\r\x1b[Kindexing {done}/{total} {what[:60]}")
            if done == total:
                sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()

    return progress


def _open_workspace(paths: list[str], config_file: str | None, select=(), ignore=(), paranoid=False, follow_symlinks=False):
    """One workspace for paths that share a root (the directory of the governing config file)."""
    from .core.workspace import Workspace  # here, so that `spec-lsp rule` needs no dependency

    targets = [Path(p) for p in (paths or ["."])]
    for t in targets:
        if not t.exists():
            raise SystemExit(_usage(f"no such file or directory: {t}"))
    root = find_root(targets[0])
    cfg_path = Path(config_file) if config_file else None
    if cfg_path is not None and not cfg_path.is_file():
        raise SystemExit(_usage(f"no such config file: {cfg_path}"))
    cfg, problems = load_config(root, path=cfg_path)
    if follow_symlinks:  # user-level: only the command line (or editor settings) may turn it on
        from dataclasses import replace as _replace

        cfg = _replace(cfg, follow_symlinks=True)
    ws = Workspace(root, cfg, problems, select=select, ignore=ignore, paranoid=paranoid)
    only: set[str] | None = None
    if any(t.resolve() != root for t in targets):
        only = set()
        for t in targets:
            rp = ws.rel(t.resolve())
            only.add(rp if t.is_file() else (rp.rstrip("/") + "/" if rp not in ("", ".") else ""))
    return ws, problems, only


def _group_by_root(paths: list[str]) -> list[list[str]]:
    groups: dict[Path, list[str]] = {}
    for p in paths or ["."]:
        t = Path(p)
        if not t.exists():
            raise SystemExit(_usage(f"no such file or directory: {t}"))
        groups.setdefault(find_root(t), []).append(p)
    return list(groups.values())


def _nested_in_scope(ws, only: set[str] | None) -> list[Path]:
    """The nested roots of a loaded workspace (sub-directories with a config file of their own) that the
    arguments cover: `check .` checks them too, each with its own settings, as the server does."""
    out = []
    for n in ws.nested_roots:
        if only is None or any(o == "" or (o.endswith("/") and (n + "/").startswith(o)) for o in only):
            out.append(ws.root / n)
    return out


def _usage(msg: str) -> int:
    sys.stderr.write(f"spec-lsp: error: {msg}\n")
    return EXIT_USAGE


def _in_scope(path: str, only: set[str] | None) -> bool:
    if only is None:
        return True
    return any(path == o or (o.endswith("/") and path.startswith(o)) or o == "" for o in only)


def _output_problem(path: str) -> str | None:
    """Why the report cannot be written to `path` (checked before any work), or None."""
    p = Path(path)
    if p.is_dir():
        return f"-o {path}: is a directory"
    parent = p.parent if str(p.parent) else Path(".")
    if not parent.is_dir():
        return f"-o {path}: directory {parent} does not exist"
    if not os.access(parent, os.W_OK) or (p.exists() and not os.access(p, os.W_OK)):
        return f"-o {path}: not writable"
    return None


def cmd_check(a) -> int:
    if getattr(a, "explain_scope", None):
        from .language.scope_cli import explain_scope

        return explain_scope(a.explain_scope, lambda paths: _open_workspace(paths, a.config))
    if a.output:
        why = _output_problem(a.output)
        if why:
            return _usage(why)
    select, ignore = _csv(a.select), _csv(a.ignore)
    from .core.config import matches_selector
    from .core.rules import all_rules

    for s in select + ignore:
        if not any(matches_selector(s, r.code, r.name, r.category) for r in all_rules()):
            return _usage(f"--select/--ignore: “{s}” matches no rule (see `spec-lsp rules`)")
    tty = sys.stderr.isatty()
    cwd = Path.cwd().resolve()
    all_findings = []  # (workspace, finding)
    all_problems = []
    n_files = 0
    lp = None
    groups = _group_by_root(a.paths)
    seen_roots = {find_root(Path(g[0])) for g in groups}
    for group in groups:  # (grows: a sub-directory with its own config is a root of its own, checked too)
        ws, problems, only = _open_workspace(group, a.config, select, ignore, a.paranoid, a.follow_symlinks)
        all_problems.extend(problems)
        ws.load(progress=_progress_fn(tty))
        for sub in _nested_in_scope(ws, only):
            if sub.resolve() not in seen_roots:
                seen_roots.add(sub.resolve())
                groups.append([str(sub)])
        ws.load_citations(a.jobs if a.jobs and a.jobs > 1 else None)  # citations in code and tests (spec_lsp/trace)
        n_files += len(ws.docs)
        wants_nlp = ws.settings.any_enabled("language") or ws.settings.any_enabled("consistency")
        if not a.no_language and ws.config.language.enabled and wants_nlp:
            from .core.document import release_parse_caches
            from .language.langpass import LanguagePass

            release_parse_caches()  # one-shot: no re-parse will use them; lowers the language pass's peak

            if lp is None or lp.config.language != ws.config.language:
                lp = LanguagePass(ws.config)
                lp.one_shot = True  # nothing runs after the pass: models load only if the caches miss
                lp.load()
                if not lp.ready or not lp.has_parser:
                    sys.stderr.write(f"spec-lsp: {lp.status}\n")
            else:
                lp.reset(ws.config)
            if a.jobs and a.jobs > 1:
                from .language.parallel import analyze_parallel

                analyze_parallel(lp, ws, a.jobs)
            else:
                lp.analyze_all(ws)
            lp.flush()
        all_findings.extend((ws, f) for f in ws.all_findings(include_waived=a.show_waived) if _in_scope(f.path, only))
    all_findings, stop = versions_cli.filter_check(a, all_findings)
    if stop is not None:
        return stop
    multi = len({id(ws) for ws, _ in all_findings}) > 1 or any(ws.root.resolve() != cwd for ws, _ in all_findings)
    findings = [f for _, f in all_findings]

    def shown(ws, f):  # paths relative to the current directory when that is where the user is
        root = ws.root.resolve()
        try:
            prefix = root.relative_to(cwd).as_posix()
        except ValueError:
            return f
        if prefix in ("", "."):
            return f
        from dataclasses import replace

        return replace(f, path=f"{prefix}/{f.path}", related=tuple(replace(r, path=f"{prefix}/{r.path}") for r in f.related))

    if a.format == "text":
        out = to_text([shown(ws, f) for ws, f in all_findings] if multi else findings)
    elif a.format == "json":
        import json as _json

        rows = []
        for ws, f in all_findings:
            d = f.to_json()
            try:
                d["root"] = ws.root.resolve().relative_to(cwd).as_posix() or "."
            except ValueError:
                d["root"] = ws.root.resolve().as_posix()
            rows.append(d)
        out = _json.dumps(rows, indent=2, ensure_ascii=False)
    else:
        out = to_sarif([shown(ws, f) for ws, f in all_findings], cwd.as_uri())
    if a.output:
        try:
            Path(a.output).write_text(out + "\n", encoding="utf-8")
        except OSError as e:
            return _usage(f"-o {a.output}: {e.strerror or e}")
    elif out:
        sys.stdout.write(out + "\n")
    if a.format == "text" and tty:
        n = len([f for f in findings if f.waived is None])
        sys.stderr.write(f"{n} finding{'s' if n != 1 else ''} in {n_files} files\n")
    if all_problems:
        for p in all_problems:
            sys.stderr.write(f"spec-lsp: config error: {p}\n")
        return EXIT_USAGE
    threshold = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFORMATION,
                 "information": Severity.INFORMATION, "hint": Severity.HINT}.get(a.fail_on)
    if threshold is None:
        return EXIT_OK
    return EXIT_FINDINGS if any(f.severity <= threshold and f.waived is None for f in findings) else EXIT_OK


def cmd_graph(a) -> int:
    from .core.graph_export import export

    ws, problems, _only = _open_workspace(a.paths, a.config)
    ws.load()
    sys.stdout.write(export(ws.graph, a.format) + "\n")
    for p in problems:
        sys.stderr.write(f"spec-lsp: config error: {p}\n")
    return EXIT_USAGE if problems else EXIT_OK


def cmd_serve(a) -> int:
    from .lsp.server import run

    return run(tcp=a.tcp, log_file=a.log_file, paranoid=a.paranoid) or 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    a = parser.parse_args(argv)
    if a.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        if a.command == "check":
            return cmd_check(a)
        if a.command == "rules":
            sys.stdout.write(rules_table(a.format) + "\n")
            return EXIT_OK
        if a.command == "rule":
            from .rule_cmd import run as cmd_rule

            return cmd_rule(a)
        if a.command == "graph":
            return cmd_graph(a)
        if a.command == "serve":
            return cmd_serve(a)
        if a.command == "evals":
            from .evals.cli import cmd_evals

            return cmd_evals(a)
        if a.command == "doctor":
            from .doctor import run as _doctor

            return _doctor(a)
        if a.command == "diff":
            return versions_cli.cmd_diff(a)
        if a.command == "lock":
            return versions_cli.cmd_lock(a)
        if a.command in ("trace", "rename"):
            from .trace import cli as trace_cli

            return trace_cli.cmd_trace(a) if a.command == "trace" else trace_cli.cmd_rename(a)
    except SystemExit as e:
        return int(e.code) if isinstance(e.code, int) else EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        try:
            sys.stdout = open(os.devnull, "w")
        except OSError:
            pass
        return EXIT_OK
    return EXIT_USAGE


__all__ = ["main", "build_parser", "ConfigProblem", "json"]
