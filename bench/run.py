"""Speed figures for the pipeline (printed, never asserted): `make bench`.

Reads the Cambridgeshire report and, when present, the annotated corpus
($PEEL_CORPUS or ../shared/corpus), and prints words per second for the bare spaCy
tokenizer, for classification (sentencizer, rules, labeller) on one core, and for the
whole run (ingest, structure, classify) per file.
"""
from __future__ import annotations

import os
import resource
import time
from pathlib import Path

from pipeline import ingest, structure
from pipeline.classify import build_nlp, classify

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 5


def main() -> None:
    corpus = Path(os.environ.get("PEEL_CORPUS", ROOT.parent / "shared" / "corpus"))
    files = [ROOT / "raw" / "cambridgeshire-peel-2015-effectiveness.txt"]
    files += sorted((corpus / "texts").glob("*.txt")) if (corpus / "texts").is_dir() else []
    reports = []
    for path in files:
        try:
            reports.append(structure.parse(ingest.read(path)))
        except Exception:  # noqa: BLE001 - a benchmark measures what it can read
            continue
    texts = [block.text for report in reports for block in report.blocks]
    words = sum(len(t.split()) for t in texts) * REPEAT
    nlp = build_nlp()

    start = time.perf_counter()
    for _ in range(REPEAT):
        for text in texts:
            nlp.make_doc(text)
    tokenizer = time.perf_counter() - start

    start = time.perf_counter()
    for _ in range(REPEAT):
        for report in reports:
            classify(report)
    classified = time.perf_counter() - start

    start = time.perf_counter()
    for _ in range(REPEAT):
        for path in files:
            try:
                classify(structure.parse(ingest.read(path)))
            except Exception:  # noqa: BLE001
                pass
    whole = time.perf_counter() - start

    print(f"texts: {len(reports)} reports, {words // REPEAT:,} words of prose, x{REPEAT}")
    print(f"bare tokenizer     {words / tokenizer:>12,.0f} words/s")
    print(f"classification     {words / classified:>12,.0f} words/s")
    print(f"whole run per file {words / whole:>12,.0f} words/s  ({len(files) * REPEAT / whole:,.1f} files/s)")
    print(f"peak memory        {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>12,.0f} MB")


if __name__ == "__main__":
    main()
