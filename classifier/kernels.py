"""The compiled loops of the hot path, or None.

`_kernels` (Cython, `_kernels.pyx`) is built with the package when a C compiler is there;
without one the build skips it and the numpy code runs, with the same results, about half as
fast. Setting WEBSPAM_NO_KERNELS=1 makes the package ignore a built module (to compare).
"""
from __future__ import annotations

import os

try:
    from . import _kernels as compiled
except ImportError:  # built without a C compiler
    compiled = None

if os.environ.get("WEBSPAM_NO_KERNELS"):
    compiled = None
