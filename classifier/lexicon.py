"""Keyword lexicons by category, matched with Aho-Corasick over folded page text.

The hand-written lists live in ``lexicons/<category>.txt``; a trained model adds mined
keywords (``model.keywords``) and users may add their own (``word<TAB>category`` files).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Iterable

import ahocorasick

from .normalize import fold

CATEGORIES = ("gambling", "adult", "spam", "navigation", "ad", "article")
LEXICON_FILES = ("gambling", "adult", "navigation", "ad")  # hand-written lists in lexicons/; mined ones fill the rest


def _read_list(text: str) -> list[str]:
    return [w.strip() for w in text.splitlines() if w.strip() and not w.lstrip().startswith("#")]


@lru_cache(maxsize=1)
def builtin_keywords() -> tuple[tuple[str, str], ...]:
    """(word, category) pairs of the hand-written lexicons shipped with the package."""
    base = resources.files("classifier") / "lexicons"
    return tuple((w, cat) for cat in LEXICON_FILES for w in _read_list((base / f"{cat}.txt").read_text("utf-8")))


@dataclass
class Matcher:
    """Finds keywords of every category in folded text, longest match first per position."""

    automaton: ahocorasick.Automaton
    categories: tuple[str, ...]  # a lexicon category, or "pattern:<name>" for layout patterns

    columns: tuple[str, ...]     # the feature statistic each category index counts into

    @classmethod
    def build(cls, pairs: Iterable[tuple[str, str]]) -> "Matcher":
        auto = ahocorasick.Automaton()
        cats: list[str] = list(CATEGORIES)
        for word, cat in pairs:
            key = fold(word).strip()
            if len(key) < 1:
                continue
            if cat not in cats:
                if not (cat in CATEGORIES or cat.startswith("pattern:")):
                    raise ValueError(f"unknown keyword category {cat!r}; use one of {', '.join(CATEGORIES)}")
                cats.append(cat)
            auto.add_word(key, (cats.index(cat), len(key)))
        if len(auto) == 0:
            auto.add_word("\x01\x02", (0, 2))
        auto.make_automaton()
        columns = tuple(c.split(":", 1)[1] if c.startswith("pattern:") else f"kw_{c}" for c in cats)
        return cls(auto, tuple(cats), columns)

    def find(self, folded: str) -> tuple[list[int], list[int], list[int]]:
        """Start offsets, end offsets and category indexes of every match in `folded`."""
        starts, ends, cats = [], [], []
        for end, (cat, size) in self.automaton.iter(folded):
            starts.append(end - size + 1)
            ends.append(end + 1)
            cats.append(cat)
        return starts, ends, cats
