"""PDF ingest speed and memory (printed, never asserted): part of `make bench`.

Generates a 300-page report PDF the way tests do (tests/pdfmaker.py), then reads it
page by page with our ingest (pipeline.pdf.read_pdf) and with pdfplumber's bare
``page.extract_text()``, each in a fresh process so peak memory is its own. A reading that fails stops the
benchmark with its stderr: a failure is never timed.
"""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = 300


def _measure(kind: str, path: str) -> None:
    """Child process: time one way of reading the PDF and report pages/s and peak MB."""
    start = time.perf_counter()
    if kind == "ours":
        from pipeline.pdf import read_pdf

        pages = read_pdf(Path(path)).page_count
    else:
        import pdfplumber

        with pdfplumber.open(path) as pdf:
            pages = 0
            for page in pdf.pages:
                page.extract_text()
                page.close()
                pages += 1
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"pages": pages, "seconds": elapsed, "peak_mb": peak}))


def _run(kind: str, path: Path) -> dict:
    """One reading in a fresh process; exits with its status and stderr if it fails."""
    out = subprocess.run([sys.executable, __file__, kind, str(path)], capture_output=True, text=True, check=False,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode != 0:
        sys.exit(f"bench: reading {path} ({kind}) failed with exit status {out.returncode}; nothing timed:\n"
                 f"{out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from pdfmaker import make_pdf

    text = (ROOT / "raw" / "cambridgeshire-peel-2015-effectiveness.txt").read_text("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "long.pdf"
        repeat = 1
        while True:
            make_pdf(text, path, "Cambridgeshire Constabulary", repeat=repeat)
            import pdfplumber

            with pdfplumber.open(path) as pdf:
                count = len(pdf.pages)
            if count >= PAGES:
                break
            repeat = max(repeat + 1, round(repeat * PAGES / count))
        bare = min((_run("bare", path) for _ in range(2)), key=lambda r: r["seconds"])
        ours = min((_run("ours", path) for _ in range(2)), key=lambda r: r["seconds"])
    print(f"PDF ingest, generated report of {count} pages (best of 2, fresh process each)")
    print(f"pdfplumber extract_text {count / bare['seconds']:>8.1f} pages/s   peak {bare['peak_mb']:>6.0f} MB")
    print(f"our ingest (pipeline)   {count / ours['seconds']:>8.1f} pages/s   peak {ours['peak_mb']:>6.0f} MB")
    print(f"our cost / bare cost    {ours['seconds'] / bare['seconds']:>8.2f}x")


if __name__ == "__main__":
    if len(sys.argv) == 3:
        _measure(sys.argv[1], sys.argv[2])
    else:
        main()
