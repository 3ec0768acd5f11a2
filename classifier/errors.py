"""Errors a user can fix. Each renders as one line: where, what is wrong, what to do."""
from __future__ import annotations


class WebspamError(Exception):
    """Base class; `str(err)` is the whole one-line message."""


class InputError(WebspamError):
    """An input file or record cannot be read."""


class ModelError(WebspamError):
    """A model file is missing, corrupt, or of an incompatible format."""


class LabeledDataError(WebspamError):
    """Labeled training data breaks the LABELING.md format."""
