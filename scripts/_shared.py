"""Locating ../shared (the seeds, the dev set, the content scorer) for scripts and tests."""
from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("WEBSPAM_SHARED", ROOT.parent / "shared"))
SEEDS = SHARED / "data" / "seeds"
DEV = SHARED / "data" / "dev"
SCORER = SHARED / "tools" / "score_content.py"


def available() -> bool:
    return (SEEDS / "seeds.labeled.jsonl").exists() and DEV.exists() and SCORER.exists()


def scorer():
    spec = importlib.util.spec_from_file_location("score_content", SCORER)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def seed_pages() -> list[dict]:
    """Seed pages: id, text (from the .txt file) and gold paragraphs."""
    out = []
    with open(SEEDS / "seeds.labeled.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            d["text"] = (SEEDS / f"{d['id']}.txt").read_text(encoding="utf-8")
            out.append(d)
    return out


def dev_pages(names: tuple[str, ...] = ("cx_extractor.jsonl", "magic_html.jsonl")) -> list[dict]:
    out = []
    for name in names:
        with open(DEV / name, encoding="utf-8") as fh:
            out.extend(json.loads(line) for line in fh if line.strip())
    return out
