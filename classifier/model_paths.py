"""Where models live, and which one a command uses.

Three places, tried in this order when no ``--model`` is given:

1. ``$WEBSPAM_MODEL``: a model file named in the environment (must exist);
2. the user model, ``<user data dir>/webspam/webspam.npz`` (``~/.local/share/webspam`` on
   Linux, from platformdirs; ``$WEBSPAM_HOME`` overrides the folder): what ``webspam train``
   writes by default, so that retraining after ``pip install .`` changes what ``clean`` uses;
3. the shipped model, inside the installed package (or ``models/`` of a source checkout).

`resolve_model` says which one it took and why, for ``webspam --version`` and ``score``.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import ModelError

MODEL_NAME = "webspam.npz"
ENV_MODEL = "WEBSPAM_MODEL"
ENV_HOME = "WEBSPAM_HOME"


def shipped_model_path() -> Path:
    """The shipped model: inside the installed package, else ``models/`` of a source checkout."""
    packaged = Path(str(resources.files("classifier"))) / "models" / MODEL_NAME
    if packaged.exists():
        return packaged
    return Path(__file__).resolve().parent.parent / "models" / MODEL_NAME


def user_model_path() -> Path:
    """Where ``webspam train`` writes by default and ``clean`` looks after ``$WEBSPAM_MODEL``."""
    home = os.environ.get(ENV_HOME)
    if home:
        return Path(home) / MODEL_NAME
    from platformdirs import user_data_dir

    return Path(user_data_dir("webspam", appauthor=False)) / MODEL_NAME


@dataclass(frozen=True)
class ModelChoice:
    path: Path
    source: str  # "--model", "$WEBSPAM_MODEL", "user model" or "shipped model"

    def describe(self) -> str:
        """One line: the path, where it came from, and the first 12 hex digits of its SHA-256."""
        try:
            digest = hashlib.sha256(self.path.read_bytes()).hexdigest()[:12]
        except OSError:
            digest = "unreadable"
        return f"{self.path} ({self.source}, sha256 {digest})"


def resolve_model(path: str | os.PathLike | None = None) -> ModelChoice:
    """The model a command uses: `path` if given, else the first of the three places above."""
    if path:
        return ModelChoice(Path(path), "--model")
    env = os.environ.get(ENV_MODEL)
    if env:
        if not Path(env).is_file():
            raise ModelError(f"${ENV_MODEL}={env}: no such model file; unset it or point it at a model")
        return ModelChoice(Path(env), f"${ENV_MODEL}")
    user = user_model_path()
    if user.is_file():
        return ModelChoice(user, "user model")
    return ModelChoice(shipped_model_path(), "shipped model")


def default_model_path() -> Path:
    """The model `Cleaner.load()` uses when given none (see `resolve_model`)."""
    return resolve_model().path
