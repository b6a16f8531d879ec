"""Which sentence classifier to ship: the candidate architectures side by side.

For train/config.cfg (the shipped bag-of-words textcat) and every config in
train/candidates/ (an ensemble, a CNN over tok2vec, a reduction over tok2vec), this
trains the classifier on the usual split, then prints for each:

- classification speed: words per second on one core (CPU time, best of several
  rounds) labelling the corpus's prose through the whole labelling pipeline (sentence
  split, cue rules, the classifier, the labeller), beside the bare tokenizer on the same
  text;
- with ``--folds K`` (default 5), the leave-forces-out macro-F1 of the combination the
  pipeline uses, on the corpus's own sentence gold and on this project's annotations
  (all folds pooled, and the mean and worst fold), each fold's classifier trained without the fold's forces, as
  in ``make evaluate``.

A config that fails to train, or a file that cannot be read, stops the run with its
error: every figure printed is over every file. Slow: about 30 s per training of the
bag-of-words model on two cores and several minutes for the CNN; ``--folds 0``
measures speed only.

    .venv/bin/python bench/architectures.py [--folds 5] [CONFIG ...]
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
from pathlib import Path

from common import ROOT, best, corpus_dir, parsed, report_files  # first: one core before numpy loads

from pipeline.classify import build_nlp, classify
from pipeline.evaluate import combine, leave_forces_out, macro_f1, stated_prf
from pipeline.model import LABELS
from pipeline.training import train

ROUNDS = 3


def lfo_macro(results, source: str) -> str:
    """The combination's macro-F1 on one kind of annotation: all folds pooled, and the
    mean and worst fold's (as ``make evaluate`` prints them)."""
    scored = [f.labels[source]["combined"] for f in results if "combined" in f.labels[source]]
    macros = [macro_f1([stated_prf(s.labels[label])[2] for label in LABELS]) for s in scored]
    macros = [m for m in macros if m is not None]
    pooled = macro_f1([stated_prf(combine(scored).labels[label])[2] for label in LABELS]) if scored else None
    if pooled is None or not macros:
        return "n/a"
    return f"{pooled:.3f} ({sum(macros) / len(macros):.3f} / {min(macros):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("configs", nargs="*", type=Path,
                        help="configs to compare (default: train/config.cfg and train/candidates/*.cfg)")
    parser.add_argument("--folds", type=int, default=5, help="leave-forces-out folds (0: speed only)")
    args = parser.parse_args()
    configs = args.configs or [ROOT / "train" / "config.cfg", *sorted((ROOT / "train" / "candidates").glob("*.cfg"))]
    corpus = corpus_dir()
    if not (corpus / "texts").is_dir():
        sys.exit(f"bench: the corpus is needed to train and to time ({corpus} not found; set PEEL_CORPUS)")
    files = report_files()
    reports = parsed(files)
    texts = [block.text for report in reports for block in report.blocks]
    words = sum(len(t.split()) for t in texts)
    tokenizer_nlp = build_nlp()
    tokenizer = best(lambda: [tokenizer_nlp.make_doc(t) for t in texts], ROUNDS)
    print(f"texts: {len(reports)} reports, {words:,} words of prose; speed is CPU time, best of {ROUNDS} rounds, "
          f"one core; bare tokenizer {words / tokenizer:,.0f} words/s")
    header = f"{'config':<16}{'words/s':>10}{'x tokenizer':>13}"
    if args.folds:
        header += f"{'LFO corpus gold: pooled (mean / worst)':>42}{'LFO ours: pooled (mean / worst)':>36}"
    print(header)
    with tempfile.TemporaryDirectory(prefix="peel-architectures-") as scratch:
        for config in configs:
            model_dir = Path(scratch) / config.stem / "model"
            try:
                with contextlib.redirect_stdout(io.StringIO()):
                    train(Path(scratch) / config.stem / "work", model_dir, config=config)
            except Exception as exc:  # a candidate that cannot train is a result to see, loudly
                sys.exit(f"bench: {config}: training failed: {exc}")
            classify(reports[0], "combined", model_dir)  # load the model before timing
            seconds = best(lambda: [classify(r, "combined", model_dir) for r in reports], ROUNDS)
            name = "bow (shipped)" if config.resolve() == (ROOT / "train" / "config.cfg").resolve() else config.stem
            line = f"{name:<16}{words / seconds:>10,.0f}{seconds / tokenizer:>12.1f}x"
            if args.folds:
                with contextlib.redirect_stdout(io.StringIO()):
                    results = leave_forces_out(corpus, args.folds, config=config)
                for source, width in (("corpus", 42), ("ours", 36)):
                    line += f"{lfo_macro(results, source):>{width}}"
            print(line, flush=True)


if __name__ == "__main__":
    main()
