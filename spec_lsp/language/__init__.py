"""Language rules (ambiguity) and the contradiction checker.  Importing this package never imports
spaCy; the model loads when `LanguageEngine.load()` is called (in a worker thread, in the server)."""

from .contradiction import ClauseMeta, Conflict, ContradictionIndex, Proposition
from .engine import LangHit, LanguageEngine, LanguageSettings, SentenceInput
from . import semantic
from .registry import LANGUAGE_RULES

__all__ = ["LanguageEngine", "LanguageSettings", "SentenceInput", "LangHit", "ContradictionIndex", "ClauseMeta",
           "Conflict", "Proposition", "LANGUAGE_RULES"]
