"""Cost of re-running on unchanged input (printed, never asserted): part of `make bench`.

Copies 100 corpus excerpts (repeating them, with a marker line, if the corpus has
fewer) into a scratch raw/ folder and times, each as a fresh command:
a full run (empty cache), a re-run after one report changed, an unchanged re-run,
and bare program start-up (`python -m pipeline --version`). A command that fails
stops the benchmark with its exit status and stderr: a failure is never timed.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = 100
CORRECTIONS_HEADER = "report_id,table,key,field,value,reviewer,reason\n"


def timed(command: list[str]) -> float:
    """Wall time of ``command``; exits with its status and stderr if it fails."""
    start = time.perf_counter()
    done = subprocess.run(command, check=False, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"bench: {' '.join(command)} failed with exit status {done.returncode}; nothing timed:\n"
                 f"{done.stderr.strip()}")
    return elapsed


def main() -> None:
    corpus = Path(os.environ.get("PEEL_CORPUS", ROOT.parent / "shared" / "corpus"))
    texts = sorted((corpus / "texts").glob("*.txt")) or [ROOT / "raw" / "cambridgeshire-peel-2015-effectiveness.txt"]
    with tempfile.TemporaryDirectory() as folder:
        raw, out = Path(folder) / "raw", Path(folder) / "processed"
        raw.mkdir()
        for k in range(REPORTS):
            source = texts[k % len(texts)]
            text = source.read_text("utf-8")
            if k >= len(texts):
                text += f"\n\nCopy {k} of this page for the benchmark.\n"
            (raw / f"{k:03d}-{source.name}").write_text(text, encoding="utf-8")
        corrections = Path(folder) / "corrections.csv"
        corrections.write_text(CORRECTIONS_HEADER, encoding="utf-8")  # none, as a fresh project has
        run = [sys.executable, "-m", "pipeline", "run", str(raw), "--out", str(out), "--corrections",
               str(corrections)]
        full = timed(run)
        first = sorted(raw.iterdir())[0]
        first.write_text(first.read_text("utf-8") + "\n\nAn added sentence for the benchmark.\n", encoding="utf-8")
        one_changed = timed(run)
        unchanged = min(timed(run) for _ in range(3))
        startup = min(timed([sys.executable, "-m", "pipeline", "--version"]) for _ in range(3))
    print(f"re-runs over {REPORTS} reports (each a fresh command)")
    print(f"full run, empty cache          {full:>7.2f} s")
    print(f"re-run, one report changed     {one_changed:>7.2f} s")
    print(f"re-run, nothing changed        {unchanged:>7.2f} s")
    print(f"bare start-up (--version)      {startup:>7.2f} s")


if __name__ == "__main__":
    main()
