import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import _shared  # noqa: E402


@pytest.fixture(scope="session")
def cleaner():
    from classifier import Cleaner

    return Cleaner.load()


@pytest.fixture(scope="session")
def shared():
    if not _shared.available():
        pytest.skip(f"../shared not found at {_shared.SHARED} (set WEBSPAM_SHARED): the gate needs the seeds and dev set")
    return _shared
