"""Speed figures for the pipeline (printed, never asserted): `make bench`.

Reads the Cambridgeshire report and, when present, the annotated corpus
($PEEL_CORPUS or ../shared/corpus), and prints words per second on one core for the
bare spaCy tokenizer, for classification (sentence split, cue rules, trained
classifier, labeller) and for the whole run (ingest, structure, classify) per file.
Each figure is CPU time of this process (one core), the best of several rounds, so
other work on the machine disturbs it little. A file that cannot be processed stops
the benchmark with its error: the figures are always over every file.
"""
from __future__ import annotations

import resource

from common import best, parsed, report_files  # first: one core before numpy loads

from pipeline import readers, structure
from pipeline.classify import build_nlp, classify

ROUNDS = 5


def main() -> None:
    files = report_files()
    reports = parsed(files)
    texts = [block.text for report in reports for block in report.blocks]
    words = sum(len(t.split()) for t in texts)
    nlp = build_nlp()
    classify(reports[0])  # load the model before timing

    def whole_run():
        for path in files:
            classify(structure.parse(readers.read(path)))

    tokenizer = best(lambda: [nlp.make_doc(t) for t in texts], ROUNDS)
    classified = best(lambda: [classify(r) for r in reports], ROUNDS)
    whole = best(whole_run, ROUNDS)
    print(f"texts: {len(reports)} reports, {words:,} words of prose; CPU time, best of {ROUNDS} rounds, one core")
    print(f"bare tokenizer     {words / tokenizer:>12,.0f} words/s")
    print(f"classification     {words / classified:>12,.0f} words/s")
    print(f"whole run per file {words / whole:>12,.0f} words/s  ({len(files) / whole:,.1f} files/s)")
    print(f"peak memory        {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:>12,.0f} MB")


if __name__ == "__main__":
    main()
