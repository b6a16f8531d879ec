"""Training data and training for the sentence classifier (``make train``).

Annotated sentences are JSONL files of ``{"text", "label"}`` in reading order:
``tests/data/*.sentences.jsonl`` (the Cambridgeshire report), ``train/gold_sentences``
(the corpus's own annotations) and ``train/annotated`` (ours, by LABELS.md).
``train/split.json`` names the forces held out for testing and for choosing the best
model; the others are training data. The trained model is copied into the package
(``pipeline/model/textcat``), where ``classify`` loads it by path.

The classifier reads each sentence with its context pseudo-tokens
(``classify.report_units``), so training reads each annotated text as the pipeline
does (ingest, structure; the corpus texts from $PEEL_CORPUS or ../shared/corpus) and
gives every annotated sentence the context of the pipeline's sentence at its span: a
change to structure that changes a block's section, kind or lead-in changes the
training data (retrain with ``make train``). Sentence labels that reviewers corrected
in ``corrections.csv`` are training examples too (``correction_examples``).
"""
from __future__ import annotations

import json
import math
import os
import re
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy
import spacy
from spacy.tokens import DocBin
from thinc.api import Optimizer, registry

from .model import LABELS, PipelineError
from .vocabulary import FORCES, slug

ROOT = Path(__file__).resolve().parent.parent
TRAIN_DIR = ROOT / "train"
MODEL_DIR = Path(__file__).resolve().parent / "model" / "textcat"
#: Annotations waiting to be trained on (none now: issue 11's were moved into
#: train/annotated); ``make evaluate`` scores them as this project's annotations.
PENDING_DIR = TRAIN_DIR / "pending"
#: Reviewers' corrections (README "Correcting the pipeline") and the inputs they are of
#: (``make pipeline``'s): corrected sentence labels are training examples.
CORRECTIONS = ROOT / "corrections.csv"
INPUTS = (ROOT / "raw",)
SENTENCE_SOURCES = (ROOT / "tests" / "data", TRAIN_DIR / "gold_sentences", TRAIN_DIR / "annotated")
_FORCE_SLUGS = sorted((slug(short) for short, _ in FORCES), key=len, reverse=True)


@dataclass(frozen=True)
class AnnotatedFile:
    path: Path
    force: str  # slug of the force's short name

    @property
    def name(self) -> str:
        return self.path.name.removesuffix(".jsonl").removesuffix(".sentences")

    def sentences(self) -> list[dict]:
        return [json.loads(line) for line in self.path.read_text("utf-8").splitlines() if line.strip()]

    @property
    def source(self) -> Path:
        """The text it annotates: the Cambridgeshire report in raw/, else a corpus text."""
        if self.path.parent == ROOT / "tests" / "data":
            return ROOT / "raw" / f"{self.name}.txt"
        return corpus_dir() / "texts" / f"{self.name}.txt"

    def examples(self) -> list[tuple[str, str]]:
        """(what the classifier reads, label) for each sentence: its words and the context
        pseudo-tokens the pipeline gives it in its report (``classify.report_units``)."""
        if not self.source.is_file():
            raise PipelineError(f"{self.source}: the text annotated in {self.path} is needed to train "
                                "(set PEEL_CORPUS to the corpus folder)")
        return [(" ".join((" ".join(s["text"].split()), *context)), s["label"])
                for s, context in zip(self.sentences(), _contexts(self.source, tuple(s["text"] for s in self.sentences())))]


def corpus_dir() -> Path:
    """The annotated corpus whose texts the annotations are of ($PEEL_CORPUS or ../shared/corpus)."""
    return Path(os.environ.get("PEEL_CORPUS", ROOT.parent / "shared" / "corpus"))


@lru_cache(maxsize=None)
def _contexts(source: Path, texts: tuple[str, ...]) -> list[tuple[str, ...]]:
    """The context of each annotated sentence (in reading order) in the report at ``source``.

    The report is read as the pipeline reads it (ingest, structure) and each annotated
    sentence takes the context of the pipeline's sentence at the same span, or of the
    one its start falls in where the pipeline splits differently.
    """
    from . import readers, structure
    from .classify import build_nlp, report_units
    from .evaluate import gold_sentence_spans

    report = structure.parse(readers.read(source))
    units = report_units(build_nlp("rules"), report)
    spans = [(u.block.char_start + u.start, u.block.char_start + u.end) for u in units]
    exact = {span: u.context for span, u in zip(spans, units)}
    out = []
    for start, end, _ in gold_sentence_spans(report.source.text, [{"text": t, "label": ""} for t in texts]):
        context = exact.get((start, end))
        if context is None:
            inside = [u for (a, b), u in zip(spans, units) if a <= start < max(b, a + 1)]
            before = [u for (a, _), u in zip(spans, units) if a <= start]
            context = (inside or before or units[:1] or [None])[-1]
            context = context.context if context is not None else ()
        out.append(context)
    return out


def force_of(file_name: str) -> str:
    """The force a file of sentences is about, from its name ("gwent_2017_overview" -> "gwent")."""
    name = slug(file_name)
    for force in _FORCE_SLUGS:
        if name == force or name.startswith(force + "-"):
            return force
    raise ValueError(f"{file_name}: file name does not start with a force's name")


def annotated_files() -> list[AnnotatedFile]:
    files = []
    for folder in SENTENCE_SOURCES:
        pattern = "*.sentences.jsonl" if folder.name == "data" else "*.jsonl"
        files += [AnnotatedFile(p, force_of(p.name)) for p in sorted(folder.glob(pattern))]
    return files


def split() -> dict[str, list[str]]:
    return {k: v for k, v in json.loads((TRAIN_DIR / "split.json").read_text("utf-8")).items() if not k.startswith("_")}


def split_of(force: str) -> str:
    return next((name for name, forces in split().items() if force in forces), "train")


def files_in(part: str) -> list[AnnotatedFile]:
    return [f for f in annotated_files() if split_of(f.force) == part]


def parts(held_out: frozenset[str] = frozenset()) -> dict[str, list[AnnotatedFile]]:
    """The files that train the model and those that choose the best one.

    By default the split of ``train/split.json``. With ``held_out`` forces (a fold of
    the leave-forces-out evaluation) those forces are left out entirely and every
    other force trains, the split's dev forces still choosing (or, if the fold holds
    them all, the first other force).
    """
    if not held_out:
        return {"train": files_in("train"), "dev": files_in("dev")}
    rest = [f for f in annotated_files() if f.force not in held_out]
    dev = set(split()["dev"]) - held_out or {min(f.force for f in rest)}
    return {"train": [f for f in rest if f.force not in dev], "dev": [f for f in rest if f.force in dev]}


def correction_examples(corrections: Path | None = CORRECTIONS, inputs: tuple[Path, ...] = INPUTS,
                        held_out: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(what the classifier reads, corrected label) for each sentence label a reviewer
    corrected in ``corrections``, in the reports of ``inputs``.

    The inputs are processed as ``make pipeline`` processes them (report ids, keys), and
    each corrected sentence is read in its context. Corrections of reports of the test
    forces (``train/split.json``) or of ``held_out`` forces are left out, so they never
    train a model that is scored on them; a correction that matches no sentence is left
    out too. Sorted by report and key, the last correction of a sentence winning: the
    same file gives the same examples.
    """
    from .classify import build_nlp, report_units
    from .review import read_corrections
    from .runner import process

    if corrections is None or not corrections.is_file():
        return []
    rows, _ = read_corrections(corrections)
    wanted = {(c.report_id, c.key): c.value for c in rows
              if c.table == "sentences" and c.field == "label" and c.value in LABELS}
    if not wanted:
        return []
    excluded = set(split()["test"]) | set(held_out)
    found = {}
    for labelled in process([p for p in inputs if p.exists()]).reports:
        report = labelled.report
        try:
            force = force_of(report.report_id)
        except ValueError:
            continue
        if force in excluded or not any(report_id == report.report_id for report_id, _ in wanted):
            continue
        context = {(u.block.char_start + u.start, u.block.char_start + u.end): u
                   for u in report_units(build_nlp("rules"), report)}
        for sentence in labelled.sentences:
            label = wanted.get((report.report_id, sentence.key))
            unit = context.get((sentence.char_start, sentence.char_end))
            if label is not None and unit is not None:
                found[(report.report_id, sentence.key)] = (unit.classifier_text, label)
    return [found[k] for k in sorted(found)]


def write_docbins(out: Path, held_out: frozenset[str] = frozenset(), corrections: Path | None = CORRECTIONS,
                  inputs: tuple[Path, ...] = INPUTS) -> dict[str, int]:
    """DocBin files ``train.spacy`` and ``dev.spacy`` for spaCy training; returns sizes.

    Reviewers' corrected labels (``correction_examples``) are added to the training part.
    """
    nlp = spacy.blank("en")
    out.mkdir(parents=True, exist_ok=True)
    sizes = {}
    for part, files in parts(held_out).items():
        examples = [example for annotated in files for example in annotated.examples()]
        if part == "train":
            examples += correction_examples(corrections, inputs, held_out)
        docs = DocBin()
        for text, label in examples:
            doc = nlp.make_doc(text)
            doc.cats = {name: float(name == label) for name in LABELS}
            docs.add(doc)
        docs.to_disk(out / f"{part}.spacy")
        sizes[part] = len(docs)
    return sizes


class _BlasFreeClipping(Optimizer):
    """thinc's optimizer, clipping the gradient by a norm that BLAS does not compute."""

    __slots__ = ("clip_threshold",)

    def __call__(self, key, weights, gradient, *, lr_scale: float = 1.0):
        if self.clip_threshold and len(gradient) >= 1:
            # Squares of float32 are exact in float64 and numpy's pairwise sum has one
            # order of additions on every CPU; BLAS's dot product (numpy.linalg.norm)
            # does not, so each OpenBLAS kernel trained a slightly different model.
            norm = math.sqrt(numpy.square(gradient, dtype=numpy.float64).sum())
            if norm >= self.clip_threshold:
                gradient *= self.clip_threshold / norm
        return super().__call__(key, weights, gradient, lr_scale=lr_scale)


@registry.optimizers("peel.Adam.v1")
def adam(
    learn_rate: float = 0.001,
    *,
    beta1: float = 0.9,
    beta2: float = 0.999,
    eps: float = 1e-08,
    L2: float = 0.0,
    grad_clip: float = 1.0,
    use_averages: bool = True,
) -> Optimizer:
    """thinc's ``Adam.v1`` (AdamW-style weight decay ``L2``) with the same gradient
    clipping, computed without BLAS: the OpenBLAS kernel numpy picks for the CPU no
    longer changes the trained model."""
    optimizer = _BlasFreeClipping(
        learn_rate, beta1=beta1, beta2=beta2, eps=eps, L2=L2, L2_is_weight_decay=True,
        grad_clip=0.0, use_averages=use_averages,
    )
    optimizer.clip_threshold = grad_clip
    return optimizer


def train(work: Path | None = None, model_dir: Path = MODEL_DIR, held_out: frozenset[str] = frozenset(),
          corrections: Path | None = CORRECTIONS, inputs: tuple[Path, ...] = INPUTS,
          config: Path | None = None) -> Path:
    """Build the corpora, train with ``config`` (``train/config.cfg`` unless given) and
    install the best model.

    ``held_out`` forces are left out of training (see ``parts``); the sentence labels
    corrected in ``corrections`` (of the reports in ``inputs``) train too. Another
    ``config`` (``train/candidates/*.cfg``, ``bench/architectures.py``) trains another
    architecture on the same data.
    """
    from spacy.cli.train import train as spacy_train

    work = work or TRAIN_DIR / "build"
    sizes = write_docbins(work / "corpus", held_out, corrections, inputs)
    print(f"training sentences: {sizes['train']}, dev sentences: {sizes['dev']}")
    spacy_train(
        config or TRAIN_DIR / "config.cfg",
        output_path=work / "output",
        overrides={"paths.train": str(work / "corpus" / "train.spacy"), "paths.dev": str(work / "corpus" / "dev.spacy")},
    )
    if model_dir.exists():
        shutil.rmtree(model_dir)
    shutil.copytree(work / "output" / "model-best", model_dir)
    # Where the corpora were built is no part of the model: the same data must give
    # the same bytes wherever it is trained.
    config = model_dir / "config.cfg"
    config.write_text(re.sub(r"(?m)^(train|dev) = .*$", r"\1 = null", config.read_text("utf-8")), "utf-8")
    return model_dir
