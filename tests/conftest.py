import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import _shared  # noqa: E402

# The tests never read or write a developer's own user model (`webspam train`'s default output):
# the user model folder is an empty one of this session, for this process and the commands it runs.
import os  # noqa: E402
import tempfile  # noqa: E402

os.environ["WEBSPAM_HOME"] = tempfile.mkdtemp(prefix="webspam-home-")
os.environ.pop("WEBSPAM_MODEL", None)


@pytest.fixture(scope="session")
def cleaner():
    from classifier import Cleaner

    return Cleaner.load()


@pytest.fixture(scope="session")
def shared():
    if not _shared.available():
        pytest.skip(f"../shared not found at {_shared.SHARED} (set WEBSPAM_SHARED): the gate needs the seeds and dev set")
    return _shared


def run_cli(*args, stdin: bytes = b"", timeout: int = 600) -> tuple[int, str, str]:
    """Run `webspam ARGS` in a fresh interpreter: (exit status, stdout, stderr)."""
    import subprocess

    proc = subprocess.run([sys.executable, "-m", "classifier.cli", *map(str, args)], input=stdin,
                          capture_output=True, cwd=ROOT, timeout=timeout)
    return proc.returncode, proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace")


def one_line_error(code: int, err: str, *words: str) -> bool:
    """True for exit status 2 with one 'webspam: ...' line on stderr holding every word."""
    lines = [line for line in err.splitlines() if line.strip()]
    return (code == 2 and len(lines) == 1 and lines[0].startswith("webspam: ") and "Traceback" not in err
            and all(w in lines[0] for w in words))
