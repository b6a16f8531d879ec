"""Atomic replacement of an output folder, and repair after an interrupted run.

Kept apart from ``export`` so that a run with nothing to do can check and mend its
outputs without loading pandas.
"""
from __future__ import annotations

import ctypes
import os
import shutil
from pathlib import Path


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def swap(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging``; at every instant ``out`` holds a complete set of outputs."""
    if not out.exists():
        os.rename(staging, out)
        return
    if _exchange(staging, out):
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old outputs
        return
    # No atomic exchange here: two renames, and ``recover`` mends an interruption between them.
    retired = out.parent / f".{out.name}.old"
    shutil.rmtree(retired, ignore_errors=True)
    os.rename(out, retired)
    os.rename(staging, out)
    shutil.rmtree(retired, ignore_errors=True)


def recover(out: Path) -> None:
    """Undo what an interrupted run left: restore the outputs, remove half-written folders."""
    out = Path(out)
    retired = out.parent / f".{out.name}.old"
    if not out.exists() and retired.is_dir():
        os.rename(retired, out)
    if out.parent.is_dir():
        for leftover in out.parent.glob(f".{out.name}.new-*"):
            shutil.rmtree(leftover, ignore_errors=True)
        if out.exists():
            shutil.rmtree(retired, ignore_errors=True)
