"""Atomic replacement of an output folder, and repair after an interrupted run.

Kept apart from ``export`` so that a run with nothing to do can check and mend its
outputs without loading pandas. Only folders this pipeline made are ever removed: a
staging folder carries ``STAGING_MARK`` while it is written, and a folder of finished
outputs carries the run's manifest.
"""
from __future__ import annotations

import ctypes
import json
import os
import shutil
from pathlib import Path

#: The file that marks a staging folder as ours while a run writes it.
STAGING_MARK = ".peel-staging"
_MANIFEST = ".manifest.json"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if result != 0 and ctypes.get_errno() not in (22, 38, 95):  # EINVAL, ENOSYS, EOPNOTSUPP: no exchange here
        error = ctypes.get_errno()
        raise OSError(error, os.strerror(error), str(b))
    return result == 0


def ours(folder: Path) -> bool:
    """Whether ``folder`` is one this pipeline made: a staging folder or finished outputs."""
    if (folder / STAGING_MARK).is_file():
        return True
    try:
        return "state" in json.loads((folder / _MANIFEST).read_text("utf-8"))
    except (OSError, ValueError, TypeError):
        return False


def swap(staging: Path, out: Path) -> None:
    """Replace ``out`` by ``staging``; at every instant ``out`` holds a complete set of outputs."""
    if not out.exists():
        os.rename(staging, out)
        _unmark(out)
        return
    if _exchange(staging, out):
        _unmark(out)
        shutil.rmtree(staging, ignore_errors=True)  # staging now holds the old outputs
        return
    # No atomic exchange here: two renames, and ``recover`` mends an interruption between them.
    retired = out.parent / f".{out.name}.old"
    if retired.exists() and ours(retired):
        shutil.rmtree(retired, ignore_errors=True)
    os.rename(out, retired)
    try:
        os.rename(staging, out)
    except OSError:
        os.rename(retired, out)  # the old outputs back in place
        raise
    _unmark(out)
    shutil.rmtree(retired, ignore_errors=True)


def _unmark(folder: Path) -> None:
    try:
        (folder / STAGING_MARK).unlink(missing_ok=True)
    except OSError:
        pass  # left behind, it is ignored: a run never counts it as the user's


def recover(out: Path) -> None:
    """Undo what an interrupted run left: restore the outputs, remove half-written folders.

    Folders beside ``out`` that only look like ours by name are left alone.
    """
    out = Path(out)
    retired = out.parent / f".{out.name}.old"
    if not out.exists() and retired.is_dir() and ours(retired):
        os.rename(retired, out)
    if out.parent.is_dir():
        for leftover in out.parent.glob(f".{out.name}.new-*"):
            if leftover.is_dir() and not leftover.is_symlink() and ours(leftover):
                shutil.rmtree(leftover, ignore_errors=True)
        if out.exists() and retired.is_dir() and ours(retired):
            shutil.rmtree(retired, ignore_errors=True)
