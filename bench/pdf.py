"""PDF ingest speed beside bare pdfplumber (printed, never asserted): part of `make bench`.

Reads the same PDFs three ways, each set in a fresh process (so memory and imports are
its own), best of two runs:

- ``bare``: pdfplumber's ``page.extract_text()`` on every page, the cost of reading a PDF
  at all;
- ``words``: ``page.extract_words`` with the font size and name, what our reader starts
  from (the share of our time that is pdfplumber's);
- ``ours``: ``pipeline.pdf.read_pdf``, the text with paragraphs, headings, list items,
  tables and furniture rebuilt.

The sets: the real PDFs in ../shared/pdfs (Ofsted, DHSC), the committed fixtures of
other layout engines (tests/fixtures/pdf), and a 300-page report laid out by
tests/pdfmaker.py. Issue 12 asks ours to cost at most 1.5x bare. A reading that fails
stops the benchmark with its error: a failure is never timed.
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

from memory import peak_kb  # (this folder is first on sys.path when run as a script)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PAGES = 300
REAL = ROOT.parent / "shared" / "pdfs"
FIXTURES = ROOT / "tests" / "fixtures" / "pdf"


def _measure(kind: str, paths: list[str]) -> None:
    """Child process: read every file one way; print pages, seconds and peak MB as JSON."""
    import pdfplumber

    pages, returned, start = 0, 0, time.perf_counter()
    for path in paths:
        if kind == "ours":
            from pipeline.pdf import read_pdf

            source = read_pdf(Path(path), max_pages=1_000_000)  # the long report is over 1,000 pages
            pages += source.page_count
            returned = max(returned, _size(source))
            continue
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                if kind == "bare":
                    page.extract_text()
                else:
                    page.extract_words(extra_attrs=["size", "fontname"], use_text_flow=True)
                page.close()
                pages += 1
    elapsed = time.perf_counter() - start
    peak = peak_kb() or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # no /proc: ru_maxrss, an upper bound
    print(json.dumps({"pages": pages, "seconds": elapsed, "peak_mb": peak / 1024, "returned_mb": returned / 2**20}))


def _size(source) -> int:
    """Bytes of what the reader returns and the pipeline keeps: the text, its lines and page starts."""
    lines = sum(sys.getsizeof(line) + sys.getsizeof(line.text) for line in source.lines)
    return sys.getsizeof(source.text) + sys.getsizeof(source.lines) + lines + sys.getsizeof(source.page_starts) \
        + sum(sys.getsizeof(start) for start in source.page_starts)


def _run(kind: str, paths: list[Path] | Path) -> dict:
    """One reading (of one file or several) in a fresh process; exits with its status and stderr if it fails."""
    paths = [paths] if isinstance(paths, Path) else paths
    out = subprocess.run([sys.executable, __file__, kind, *map(str, paths)], capture_output=True, text=True,
                         check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    if out.returncode != 0:
        sys.exit(f"bench: reading {len(paths)} PDF(s) ({kind}) failed with exit status {out.returncode}; "
                 f"nothing timed:\n{out.stderr.strip()}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _generated(folder: Path, pages: int = PAGES) -> Path:
    """A report laid out by tests/pdfmaker.py, the Cambridgeshire text repeated to at least ``pages`` pages."""
    sys.path.insert(0, str(ROOT / "tests"))
    import pdfplumber
    from pdfmaker import make_pdf

    text = (ROOT / "raw" / "cambridgeshire-peel-2015-effectiveness.txt").read_text("utf-8")
    path, repeat = folder / f"long-{pages}.pdf", 1
    while True:
        make_pdf(text, path, "Cambridgeshire Constabulary", repeat=repeat)
        with pdfplumber.open(path) as pdf:
            count = len(pdf.pages)
        if count >= pages:
            return path
        repeat = max(repeat + 1, round(repeat * pages / count))


#: The lengths whose peak memory is compared: flat means the longest costs no more than the shortest.
LENGTHS = (30, 1000)


def _memory_by_length(folder: Path) -> None:
    """Peak memory of reading a short and a long PDF, bare and ours, one fresh process each;
    and, apart, the size of what ours returns (the text, which grows with the pages whatever
    the reader keeps)."""
    print("PDF peak memory by length (pdfmaker reports; one fresh process each; MB, peak resident)")
    print(f"{'pages':>6} {'bare':>8} {'ours':>8} {'returned':>9} {'ours - returned':>16}")
    peaks = []
    for length in LENGTHS:
        path = _generated(folder, length)
        bare, ours = _run("bare", path), _run("ours", path)
        peaks.append((ours["peak_mb"], ours["peak_mb"] - ours["returned_mb"]))
        print(f"{ours['pages']:>6} {bare['peak_mb']:>8.0f} {ours['peak_mb']:>8.0f} {ours['returned_mb']:>9.1f} "
              f"{ours['peak_mb'] - ours['returned_mb']:>16.0f}")
    (short, short_own), (long, long_own) = peaks
    print(f"ours at {LENGTHS[-1]:,} pages: {long / short:.2f}x its peak at {LENGTHS[0]}; "
          f"less what it returns, {long_own / short_own:.2f}x (returned: SourceText's text, lines and page starts)")


def main() -> None:
    real = sorted(p for p in REAL.glob("*.pdf") if p.read_bytes()[:5] == b"%PDF-") if REAL.is_dir() else []
    fixtures = sorted(FIXTURES.glob("*/*.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        sets = [(f"real PDFs ({REAL})", real), ("fixtures (tests/fixtures/pdf)", fixtures),
                (f"pdfmaker report of {PAGES}+ pages", [_generated(Path(tmp))])]
        print("PDF ingest: pages per second (best of 2, a fresh process each)")
        print(f"{'set':<44} {'pages':>5} {'bare':>8} {'words':>8} {'ours':>8}  ours/bare  words/ours  peak MB")
        for name, paths in sets:
            if not paths:
                print(f"{name:<44} (none found)")
                continue
            best = {kind: min((_run(kind, paths) for _ in range(2)), key=lambda r: r["seconds"])
                    for kind in ("bare", "words", "ours")}
            pages = best["ours"]["pages"]
            rate = {kind: pages / result["seconds"] for kind, result in best.items()}
            print(f"{name[:44]:<44} {pages:>5} {rate['bare']:>8.1f} {rate['words']:>8.1f} {rate['ours']:>8.1f}"
                  f"  {best['ours']['seconds'] / best['bare']['seconds']:>8.2f}x"
                  f"  {best['words']['seconds'] / best['ours']['seconds']:>9.0%}"
                  f"  {best['ours']['peak_mb']:>7.0f}")
        print("bare: pdfplumber extract_text(); words: extract_words with size and font, our reader's input;"
              " ours: pipeline.pdf.read_pdf")
        _memory_by_length(Path(tmp))


if __name__ == "__main__":
    if len(sys.argv) >= 3:
        _measure(sys.argv[1], sys.argv[2:])
    else:
        main()
