"""HTML input speed (printed, never asserted): part of `make bench`.

Lays out the Cambridgeshire report and, when present, every corpus excerpt
($PEEL_CORPUS or ../shared/corpus) as the inspectorate's web pages (tests/htmlmaker.py:
cookie banner, header, navigation, main, aside, footer), then prints pages per second
for reading them (pipeline.readers: decoding, parsing, landmarks, blocks) beside the
text reader on the same reports saved as text, and for the whole pipeline per page
(reading, structure, classify). CPU time of this process (one core), the best of
several rounds. A page the reader cannot read, or that gives another report than its
text, stops the benchmark with its error: the figures are always over every page.
"""
from __future__ import annotations

import os
import sys

# This script's folder comes first on sys.path when it runs, and its name would hide the
# standard library's html module from everything imported after it.
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != os.path.dirname(os.path.abspath(__file__))]

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one core, as the figures claim

import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from htmlmaker import page_html  # noqa: E402

from pipeline import readers, structure  # noqa: E402
from pipeline.classify import classify  # noqa: E402
from pipeline.model import PipelineError  # noqa: E402

ROUNDS = 3


def best(fn) -> float:
    """Least CPU time of ROUNDS runs of ``fn``, in seconds."""
    times = []
    for _ in range(ROUNDS):
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    corpus = Path(os.environ.get("PEEL_CORPUS", ROOT.parent / "shared" / "corpus"))
    texts = [ROOT / "raw" / "cambridgeshire-peel-2015-effectiveness.txt"]
    texts += sorted((corpus / "texts").glob("*.txt")) if (corpus / "texts").is_dir() else []
    with tempfile.TemporaryDirectory(prefix="bench-html-") as folder:
        pages = []
        for text in texts:
            page = Path(folder) / f"{text.stem}.html"
            page.write_text(page_html(text.read_text("utf-8"), text.stem), "utf-8")
            pages.append(page)
        failed = []
        for text, page in zip(texts, pages):
            try:
                got = structure.parse(readers.read(page))
            except PipelineError as exc:
                failed.append(str(exc))
                continue
            want = structure.parse(readers.read(text))
            if [(g.subject, g.grade) for g in got.grades] != [(g.subject, g.grade) for g in want.grades]:
                failed.append(f"{page}: the page gives other grades than {text.name}")
        if failed:
            sys.exit("bench: these pages are not read as their text, so nothing is timed:\n" + "\n".join(failed))
        size = sum(p.stat().st_size for p in pages)
        classify(structure.parse(readers.read(pages[0])))  # load the model before timing

        html_read = best(lambda: [readers.read(p) for p in pages])
        text_read = best(lambda: [readers.read(t) for t in texts])
        whole = best(lambda: [classify(structure.parse(readers.read(p))) for p in pages])
    n = len(pages)
    print(f"HTML input: {n} pages laid out from report texts ({size / n / 1024:,.0f} KB each on average); "
          f"CPU time, best of {ROUNDS} rounds, one core")
    print(f"reading the pages (HTML reader)      {n / html_read:>8,.0f} pages/s")
    print(f"reading the same reports as text     {n / text_read:>8,.0f} files/s")
    print(f"whole pipeline per page              {n / whole:>8,.1f} pages/s")


if __name__ == "__main__":
    main()
