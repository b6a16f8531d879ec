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

import sys
import tempfile
from pathlib import Path

from common import ROOT, best, report_files  # first: one core before numpy loads

sys.path.insert(0, str(ROOT / "tests"))

from htmlmaker import page_html  # noqa: E402 - from tests/, put on the path above

from pipeline import readers, structure
from pipeline.classify import classify
from pipeline.model import PipelineError

ROUNDS = 3


def main() -> None:
    texts = report_files()
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

        html_read = best(lambda: [readers.read(p) for p in pages], ROUNDS)
        text_read = best(lambda: [readers.read(t) for t in texts], ROUNDS)
        whole = best(lambda: [classify(structure.parse(readers.read(p))) for p in pages], ROUNDS)
    n = len(pages)
    print(f"HTML input: {n} pages laid out from report texts ({size / n / 1024:,.0f} KB each on average); "
          f"CPU time, best of {ROUNDS} rounds, one core")
    print(f"reading the pages (HTML reader)      {n / html_read:>8,.0f} pages/s")
    print(f"reading the same reports as text     {n / text_read:>8,.0f} files/s")
    print(f"whole pipeline per page              {n / whole:>8,.1f} pages/s")


if __name__ == "__main__":
    main()
