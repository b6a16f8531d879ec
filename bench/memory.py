"""A process's peak resident memory, for the benchmarks that measure it (``pdf.py``, ``scale.py``).

Apart from ``common`` on purpose: importing this sets nothing (``common`` limits the
thread count, which would change the processes these benchmarks run).
"""
from __future__ import annotations

from pathlib import Path


def peak_kb(pid: int | str = "self") -> int | None:
    """The process's peak resident memory so far (VmHWM), in KB; None if it is gone or
    there is no /proc. Not ``ru_maxrss``, which Linux carries over an exec from the process
    that started this one."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None
