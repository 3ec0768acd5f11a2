"""Labeled pages in the LABELING.md JSONL format: reading, checking, summarising.

One page per line: ``{"id": ..., "source": ..., "paragraphs": [{"text": ..., "label": ...}]}``; a spam
paragraph may carry ``"kind"``: ``promo`` or ``seo`` (LABELING.md), kept in `LabeledPage.kinds`.
`read_labeled` raises `LabeledDataError` naming the file and line of the first problem, so
nothing is trained from a broken file; `check_labeled` collects every problem instead.
"""
from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from .errors import LabeledDataError
from .model import LABELS

DUPLICATE_MIN_CHARS = 20  # shorter paragraphs (menu items, "首页") may repeat across files
SPAM_KINDS = ("promo", "seo")  # the optional `kind` of a spam paragraph (LABELING.md)


@dataclass
class LabeledPage:
    id: str
    texts: list[str]
    labels: list[str]
    source: str = ""
    file: str = ""
    line: int = 0
    weight: float = 1.0
    kinds: list[str | None] | None = None  # per paragraph: the spam kind given, else None (None: none given)

    def kind_of(self, i: int) -> str | None:
        return self.kinds[i] if self.kinds else None


def _problems(obj, seen_ids: set) -> list[str]:
    if not isinstance(obj, dict):
        return ["not a JSON object"]
    out = []
    pid = obj.get("id")
    if not isinstance(pid, str) or not pid:
        out.append('missing or empty "id"')
    elif pid in seen_ids:
        out.append(f"duplicate page id {pid!r}")
    paras = obj.get("paragraphs")
    if not isinstance(paras, list):
        return out + ['"paragraphs" must be a list']
    for k, p in enumerate(paras):
        if not isinstance(p, dict) or not isinstance(p.get("text"), str):
            out.append(f'paragraph {k}: needs a "text" string')
        elif not p["text"].strip():
            out.append(f"paragraph {k}: empty text")
        if isinstance(p, dict) and p.get("label") not in LABELS:
            out.append(f"paragraph {k}: unknown label {p.get('label')!r} (use {', '.join(LABELS)})")
        elif isinstance(p, dict) and p.get("kind") is not None:  # null: no kind
            if p["label"] != "spam":
                out.append(f"paragraph {k}: \"kind\" {p['kind']!r} on a {p['label']} paragraph "
                           "(only spam paragraphs carry a kind)")
            elif p["kind"] not in SPAM_KINDS:
                out.append(f"paragraph {k}: unknown kind {p['kind']!r} (use {', '.join(SPAM_KINDS)})")
    return out


def iter_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand directories to their ``*.jsonl`` files (sorted); keep files as given."""
    out: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            out.extend(sorted(p.glob("*.jsonl")))
        elif p.exists():
            out.append(p)
        else:
            raise LabeledDataError(f"{p}: no such file or directory")
    return out


def _names(f: Path, key: str) -> bool:
    """Whether a --weight key names file `f`: its name, its path, or a directory holding it."""
    if key == f.name or key == str(f):
        return True
    k = Path(key)
    try:
        return k.resolve() == f.resolve() or (k.is_dir() and k.resolve() in f.resolve().parents)
    except OSError:
        return False


def weight_of(f: Path, weights: dict[str, float]) -> float:
    """The weight of file `f`: that of the last key naming it, else 1."""
    w = 1.0
    for key, value in weights.items():
        if _names(f, key):
            w = value
    return w


def unmatched_weights(paths: Iterable[str | Path], weights: dict[str, float]) -> list[str]:
    """The --weight keys that name none of the input files."""
    files = iter_files(paths)
    return [key for key in weights if not any(_names(f, key) for f in files)]


def read_labeled(paths: Iterable[str | Path], weights: dict[str, float] | None = None) -> list[LabeledPage]:
    """All pages of the given files/directories; the first problem raises with file:line.
    `weights`: file name, path or directory -> weight of its pages (see `weight_of`)."""
    pages: list[LabeledPage] = []
    weights = weights or {}
    for f in iter_files(paths):
        seen: set = set()
        w = weight_of(f, weights)
        try:
            lines = f.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError as exc:
            raise LabeledDataError(f"{f}: not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8") from None
        except OSError as exc:
            raise LabeledDataError(f"{f}: cannot read ({exc.strerror})") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise LabeledDataError(f"{f}:{n}: invalid JSON ({exc.msg} at column {exc.colno}); "
                                       "each line must be one page object") from None
            problems = _problems(obj, seen)
            if problems:
                raise LabeledDataError(f"{f}:{n}: {problems[0]}; see LABELING.md for the format")
            seen.add(obj["id"])
            kinds = [p.get("kind") for p in obj["paragraphs"]]
            pages.append(LabeledPage(obj["id"], [p["text"] for p in obj["paragraphs"]],
                                     [p["label"] for p in obj["paragraphs"]], obj.get("source") or "",
                                     str(f), n, w, kinds if any(kinds) else None))
    if not pages:
        raise LabeledDataError(f"{', '.join(map(str, paths))}: no labeled pages found")
    return pages


def file_sha256(path: str | Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def data_hash(paths: Iterable[str | Path]) -> str:
    """SHA-256 over the files' names and bytes, in order: identifies a training set."""
    h = hashlib.sha256()
    for f in iter_files(paths):
        h.update(f.name.encode())
        h.update(f.read_bytes())
    return h.hexdigest()


def _script(text: str, simp: set, trad: set) -> str:
    s = sum(ch in simp for ch in text)
    t = sum(ch in trad for ch in text)
    return "traditional" if t > s else "simplified"


def check_labeled(paths: Iterable[str | Path]) -> tuple[dict, list[str]]:
    """Counts per file, label and script, and every problem found (with file:line)."""
    from .chardata import T2S_PAIRS

    trad, simp = set(T2S_PAIRS[0::2]), set(T2S_PAIRS[1::2])
    problems: list[str] = []
    counts: dict = {}
    first_seen: dict[str, str] = {}
    for f in iter_files(paths):
        seen: set = set()
        c = counts.setdefault(f.name, {"pages": 0, "paragraphs": 0, "labels": Counter(), "script": Counter()})
        for n, line in enumerate(f.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{f}:{n}: invalid JSON ({exc.msg})")
                continue
            errs = _problems(obj, seen)
            problems.extend(f"{f}:{n}: {e}" for e in errs)
            if not isinstance(obj, dict) or not isinstance(obj.get("paragraphs"), list):
                continue
            seen.add(obj.get("id"))
            c["pages"] += 1
            for k, p in enumerate(obj["paragraphs"]):
                if not isinstance(p, dict) or not isinstance(p.get("text"), str):
                    continue
                c["paragraphs"] += 1
                c["labels"][p.get("label")] += 1
                c["script"][_script(p["text"], simp, trad)] += 1
                key = p["text"].strip()
                if len(key) >= DUPLICATE_MIN_CHARS:
                    where = f"{f}:{n}"
                    other = first_seen.setdefault(key, where)
                    if other != where and other.rsplit(":", 1)[0] != str(f):
                        problems.append(f"{where}: paragraph {k} duplicates one in {other}: {key[:30]}")
    return counts, problems
