"""Evaluate: score extraction and sentence labels against annotated gold data.

Two gold formats are read: the Cambridgeshire acceptance file (``*.gold.json`` with a
``report`` object and ``questions``) and the corpus files (``gold/*.json`` with
``page_type``, ``pillar_grades`` and ``question_grades``); both are brought to one
shape by ``normalise_gold``. Sentence gold is JSONL of ``{"text", "label"}`` in
reading order, each text an exact substring of the report.

A figure with nothing behind it (a precision when nothing was predicted, any figure
when nothing was scored) is printed "n/a", never 1.000.
"""
from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .model import LABELS, LabelledReport, PipelineError
from .runner import process_file
from .vocabulary import content_words, same_subject

FIELDS = ("force", "peel_year", "pillar", "last_updated", "overall_grade")
ITEM_KINDS = ("areas_for_improvement", "causes_of_concern", "recommendations")


def _norm(text: str | None) -> str:
    return " ".join((text or "").split()).strip().lower()


def normalise_gold(gold: dict) -> dict:
    """One shape for both gold formats."""
    if "report" in gold:  # the acceptance file of ../shared/reports
        report = gold["report"]
        return {
            "page_type": "pillar",
            "force": report["force_short"],
            "force_full": report["force"],
            "title": report["title"],
            "headline_question": report["headline_question"],
            "recommendations_lead_in": gold.get("recommendations_lead_in"),
            "peel_year": report["peel_year"],
            "pillar": report["pillar"],
            "last_updated": report["last_updated"],
            "overall_grade": report["overall_grade"],
            "pillar_grades": {},
            "question_grades": [
                {"number": q["number"], "question": q["question"], "grade": q["grade"]} for q in gold["questions"]
            ],
            **{
                kind: [{"text": i["text"], "question": i["question"], "truncated": False} for i in gold[kind]]
                for kind in ITEM_KINDS
            },
        }
    return gold


@dataclass
class Scores:
    """Counts gathered over any number of reports."""

    fields: Counter = field(default_factory=Counter)  # field -> correct
    totals: Counter = field(default_factory=Counter)  # field -> compared
    items: dict = field(default_factory=lambda: defaultdict(Counter))  # kind -> tp/fp/fn
    labels: dict = field(default_factory=lambda: defaultdict(Counter))  # label -> tp/fp/fn
    sentences_missed: int = 0  # gold sentences with no predicted sentence of the same span
    sentences_gold: int = 0
    failures: list = field(default_factory=list)  # one line per mismatch, for reading

    def check(self, name: str, ok: bool, detail: str = "") -> None:
        self.totals[name] += 1
        self.fields[name] += ok
        if not ok:
            self.failures.append(f"{name}: {detail}")

    @property
    def scored(self) -> bool:
        """Whether anything at all was compared with gold."""
        return bool(sum(self.totals.values()) or self.sentences_gold
                    or any(sum(c.values()) for c in self.items.values())
                    or any(sum(c.values()) for c in self.labels.values()))


def _item_match(item, gold: dict) -> bool:
    """Same text after whitespace normalisation; a cut item by its prefix; a recalled
    recommendation with the year it was made."""
    if "question" in gold and item.question_number != gold["question"]:
        return False
    if gold.get("year") and getattr(item, "year_made", None) != str(gold["year"]):
        return False
    p, g = _norm(item.text), _norm(gold["text"])
    if gold.get("truncated") or getattr(item, "truncated", False):
        return bool(p and g) and (p.startswith(g) or g.startswith(p))
    return p == g


def score_structure(labelled: LabelledReport, gold: dict, scores: Scores, name: str) -> None:
    """Compare report fields, grades and items with ``gold`` (normalised)."""
    report = labelled.report
    values = {
        "force": report.force_short,
        "peel_year": report.peel_year,
        "pillar": report.pillar,
        "last_updated": report.last_updated,
        "overall_grade": report.overall_grade,
    }
    for key, value in (("force_full", report.force), ("title", report.title),
                       ("headline_question", report.headline_question)):
        if key in gold:
            values[key] = value
    if "page_type" in gold:
        values["page_type"] = {"report": "report2021"}.get(report.page_type, report.page_type)
    for key, value in values.items():
        expected = gold.get(key)
        scores.check(key, value == expected, f"{name}: got {value!r}, gold {expected!r}")

    # Grades: each pillar and question grade stated in gold must be found, and every
    # grade reported must be in gold (an invented grade counts as an error).
    pred_pillars = {g.subject.lower(): g.grade for g in report.grades if g.scope == "pillar"}
    for pillar in set(pred_pillars) | set(gold.get("pillar_grades") or {}):
        got, want = pred_pillars.get(pillar), (gold.get("pillar_grades") or {}).get(pillar)
        scores.check("pillar_grades", got == want, f"{name}: {pillar} got {got!r}, gold {want!r}")
    # A question or area grade matches when the grade is the same and the subject is
    # (number, or all content words of one phrase in the other or in the sentence
    # stating it): gold and the reports word subjects differently. ``question_grades``
    # counts question and area rows only. A gold row may also be a narrower aspect's
    # (LABELS.md: a row of its own, and gold has no scope to tell them apart), so
    # ``question_or_aspect`` lets an aspect row match it too; an aspect row gold leaves
    # out is no error there, since gold need not record every aspect.
    for field, scopes in (("question_grades", ("question", "area")),
                          ("question_or_aspect", ("question", "area", "aspect"))):
        preds = [g for g in report.grades if g.scope in scopes]
        matched = set()
        for want in gold.get("question_grades") or []:
            hits = [i for i, g in enumerate(preds) if _grade_match(g, want)]
            ok = any(preds[i].grade == want["grade"] for i in hits)
            matched.update(i for i in hits if preds[i].grade == want["grade"])
            got = sorted({preds[i].grade for i in hits}) or None
            scores.check(field, ok, f"{name}: {want['question'][:60]!r} got {got}, gold {want['grade']!r}")
            numbered = [preds[i] for i in hits if want["number"] is not None and preds[i].question_number == want["number"]]
            if numbered and field == "question_grades":
                scores.check("question_text", _norm(numbered[0].subject) == _norm(want["question"]),
                             f"{name}: got {numbered[0].subject!r}")
        for i, grade in enumerate(preds):
            if i not in matched and grade.scope != "aspect":
                scores.check(field, False,
                             f"{name}: {grade.subject[:60]!r} graded {grade.grade!r}: not in gold ({grade.text[:80]!r})")

    # The framework question of each gold wording (the matching alone, at the threshold in force).
    from . import framework

    for subject, year, pillar, number, want in framework_examples(gold):
        got = framework.match(subject, year, pillar, number)
        if want is not None or got is not None:
            scores.check("framework_question", got == want, f"{name}: {subject[:60]!r} got {got}, expected {want}")

    for kind in ITEM_KINDS:
        gold_items = list(gold.get(kind) or [])
        for item in getattr(report, kind):
            hit = next((g for g in gold_items if _item_match(item, g)), None)
            if hit:
                gold_items.remove(hit)
                scores.items[kind]["tp"] += 1
            else:
                scores.items[kind]["fp"] += 1
                scores.failures.append(f"{kind}: {name}: extra {item.text[:60]!r}")
        if kind == "recommendations" and gold.get("recommendations_lead_in"):
            for item in report.recommendations:
                scores.check("recommendations_lead_in", item.lead_in == gold["recommendations_lead_in"],
                             f"{name}: got {item.lead_in!r}")
        for missing in gold_items:
            scores.items[kind]["fn"] += 1
            scores.failures.append(f"{kind}: {name}: missed {missing['text'][:60]!r}")


def _grade_match(grade, want: dict) -> bool:
    if want["number"] is not None and grade.question_number is not None:
        return grade.question_number == want["number"]
    words = content_words(want["question"])
    return same_subject(grade.subject, want["question"]) or (bool(words) and words <= content_words(grade.text))


def gold_sentence_spans(source: str, gold_lines: list[dict]) -> list[tuple[int, int, str]]:
    """Locate each gold sentence in ``source``, in reading order."""
    spans, pos = [], 0
    for line in gold_lines:
        start = source.find(line["text"], pos)
        if start < 0:
            start = source.find(line["text"])
        if start < 0:
            raise ValueError(f"gold sentence not in source: {line['text'][:60]!r}")
        spans.append((start, start + len(line["text"]), line["label"]))
        pos = start + len(line["text"])
    return spans


def score_sentences(labelled: LabelledReport, gold_lines: list[dict], scores: Scores, name: str) -> None:
    """Per-label counts: a predicted sentence must have the gold span and label."""
    gold = {(s, e): label for s, e, label in gold_sentence_spans(labelled.report.source.text, gold_lines)}
    pred = {(s.char_start, s.char_end): s.label for s in labelled.sentences}
    scores.sentences_gold += len(gold)
    for span, label in gold.items():
        got = pred.get(span)
        if got is None:
            scores.sentences_missed += 1
        if got == label:
            scores.labels[label]["tp"] += 1
        else:
            scores.labels[label]["fn"] += 1
            if got is not None:
                scores.labels[got]["fp"] += 1
            scores.failures.append(f"sentence: {name}: gold {label}, got {got}: {labelled.report.source.text[span[0]:span[1]][:70]!r}")
    for span, label in pred.items():
        if span not in gold:
            scores.labels[label]["fp"] += 1


def prf(counts: Counter) -> tuple[float, float, float]:
    """Precision, recall, F1 (an empty denominator counts as 1.0: for thresholds, not printing)."""
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def stated_prf(counts: Counter) -> tuple[float | None, float | None, float | None]:
    """Precision, recall, F1 as figures to print: None where nothing stands behind one.

    Precision is None when nothing was predicted, recall when gold holds nothing, F1
    when both (no prediction and no gold); otherwise the figures of ``prf``.
    """
    tp, fp, fn = counts["tp"], counts["fp"], counts["fn"]
    p, r, f = prf(counts)
    return (p if tp + fp else None, r if tp + fn else None, f if tp + fp + fn else None)


def figure(value: float | None, spec: str) -> str:
    """``value`` formatted by ``spec`` (">10.3f"), or "n/a" in the same width."""
    if value is None:
        width = "".join(ch for ch in spec.split(".")[0] if ch.isdigit())
        return f"{'n/a':>{width or 0}}"
    return f"{value:{spec}}"


def macro_f1(f1s: list[float | None]) -> float | None:
    """The mean of the F1 figures that exist; None when none does."""
    known = [f for f in f1s if f is not None]
    return sum(known) / len(known) if known else None


def format_scores(title: str, scores: Scores) -> str:
    if not scores.scored:
        return "\n".join([title, "", "nothing scored: every figure n/a"])
    out = [title, "", f"{'field':<26}{'correct':>9}{'total':>7}{'accuracy':>10}"]
    for key in sorted(scores.totals, key=lambda k: (k not in FIELDS, k)):
        total = scores.totals[key]
        out.append(f"{key:<26}{scores.fields[key]:>9}{total:>7}{scores.fields[key] / total:>10.1%}")
    if scores.items:
        out += ["", f"{'items':<24}{'tp':>5}{'fp':>5}{'fn':>5}{'precision':>11}{'recall':>8}"]
        for kind in ITEM_KINDS:
            c = scores.items[kind]
            p, r, _ = stated_prf(c)
            out.append(f"{kind:<24}{c['tp']:>5}{c['fp']:>5}{c['fn']:>5}{figure(p, '>11.1%')}{figure(r, '>8.1%')}")
    if scores.sentences_gold:
        out += ["", f"sentences: {scores.sentences_gold} gold, {scores.sentences_missed} not split the same way",
                f"{'label':<16}{'precision':>10}{'recall':>8}{'f1':>7}{'support':>9}"]
        f1s = []
        for label in LABELS:
            c = scores.labels[label]
            p, r, f = stated_prf(c)
            f1s.append(f)
            out.append(f"{label:<16}{figure(p, '>10.3f')}{figure(r, '>8.3f')}{figure(f, '>7.3f')}"
                       f"{c['tp'] + c['fn']:>9}")
        out.append(f"{'macro-F1':<16}{'':>10}{'':>8}{figure(macro_f1(f1s), '>7.3f')}")
    return "\n".join(out)


def evaluate_pairs(pairs: list[tuple[Path, Path | None, Path | None]]) -> tuple[Scores, list[str]]:
    """Score (text, structure gold, sentence gold) triples; returns scores and errors."""
    scores, errors = Scores(), []
    for text_path, gold_path, sentences_path in pairs:
        name = text_path.stem
        try:
            labelled = process_file(text_path)
        except PipelineError as exc:
            errors.append(str(exc))
            continue
        if gold_path is not None:
            score_structure(labelled, normalise_gold(json.loads(gold_path.read_text("utf-8"))), scores, name)
        if sentences_path is not None:
            lines = [json.loads(l) for l in sentences_path.read_text("utf-8").splitlines() if l.strip()]
            try:
                score_sentences(labelled, lines, scores, name)
            except ValueError as exc:
                errors.append(f"{text_path}: the sentence annotation no longer matches this text ({exc}); "
                              "its labels are not scored")
    return scores, errors


#: The framework question each gold question wording of the corpus names, by hand.
FRAMEWORK_GOLD = Path(__file__).resolve().parent.parent / "tests" / "data" / "framework-gold.csv"


def framework_gold() -> dict[tuple[str | None, str], str | None]:
    """(peel_year, gold wording) -> the framework question it names, or None where none."""
    import csv

    if not FRAMEWORK_GOLD.is_file():
        return {}
    with FRAMEWORK_GOLD.open(encoding="utf-8", newline="") as handle:
        return {(row["peel_year"] or None, row["wording"]): row["framework_question"] or None
                for row in csv.DictReader(handle)}


def framework_examples(gold: dict) -> list[tuple[str, str | None, str | None, int | None, str | None]]:
    """A gold file's question wordings as (subject, year, pillar, number, framework question)."""
    expected = framework_gold()
    pillar = gold.get("pillar") if gold.get("page_type") == "pillar" else None
    return [(want["question"], gold.get("peel_year"), pillar, want["number"],
             expected[(gold.get("peel_year"), want["question"])])
            for want in gold.get("question_grades") or [] if (gold.get("peel_year"), want["question"]) in expected]


#: Our corrected copies of corpus gold files that are surely wrong (each says why in its
#: "notes"); they replace the corpus's own when scoring (../shared/corpus/README.md).
GOLD_FIXES = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus-gold"


def corpus_pairs(corpus: Path) -> list[tuple[Path, Path | None, Path | None]]:
    """(text, gold, gold sentences) for every excerpt of a corpus folder (gold fixed where we fixed it)."""
    pairs = []
    for text in sorted((corpus / "texts").glob("*.txt")):
        gold = corpus / "gold" / f"{text.stem}.json"
        if (GOLD_FIXES / gold.name).is_file() and gold.exists():
            gold = GOLD_FIXES / gold.name
        sentences = corpus / "gold_sentences" / f"{text.stem}.jsonl"
        pairs.append((text, gold if gold.exists() else None, sentences if sentences.exists() else None))
    return pairs


def acceptance_pairs(gold_dir: Path, raw: Path) -> list[tuple[Path, Path | None, Path | None]]:
    """(text, gold, gold sentences) for each ``NAME.gold.json`` of ``gold_dir``, text in ``raw``.

    Raises PipelineError (one line) when either folder is missing or there is no gold.
    """
    for folder, option in ((gold_dir, "--gold"), (raw, "--raw")):
        if not folder.is_dir():
            raise PipelineError(f"{folder}: no such folder ({option})")
    if not any(gold_dir.glob("*.gold.json")):
        raise PipelineError(f"{gold_dir}: no NAME.gold.json files in this folder (--gold); nothing to score")
    pairs = []
    for gold in sorted(gold_dir.glob("*.gold.json")):
        stem = gold.name[: -len(".gold.json")]
        sentences = gold_dir / f"{stem}.sentences.jsonl"
        pairs.append((raw / f"{stem}.txt", gold, sentences if sentences.exists() else None))
    return pairs


def heldout_sentence_scores(corpus: Path | None, raw: Path, part: str = "test") -> tuple[dict, list[str], int]:
    """Per-mode sentence scores on the forces of split ``part`` (never trained on).

    Returns ({mode: Scores}, files skipped for lack of their source text, files scored).
    """
    from . import readers, structure
    from .classify import MODES, classify
    from .training import files_in

    scores = {mode: Scores() for mode in MODES}
    skipped, scored = [], 0
    for annotated in files_in(part):
        source = raw / f"{annotated.name}.txt"
        if annotated.path.parent.name != "data":
            source = corpus / "texts" / f"{annotated.name}.txt" if corpus else None
        if source is None or not source.is_file():
            skipped.append(annotated.name)
            continue
        report = structure.parse(readers.read(source))
        try:
            gold_sentence_spans(report.source.text, annotated.sentences())
        except ValueError:
            skipped.append(annotated.name)  # the text was edited since it was annotated
            continue
        for mode in MODES:
            score_sentences(classify(report, mode), annotated.sentences(), scores[mode], annotated.name)
        scored += 1
    return scores, skipped, scored


def format_systems(scores: dict) -> str:
    """Per-label precision/recall/F1 and macro-F1, one column group per system."""
    modes = list(scores)
    out = [f"{'label':<16}" + "".join(f"{mode + ' P/R/F1':>24}" for mode in modes) + f"{'support':>9}"]
    macro = {mode: [] for mode in modes}
    for label in LABELS:
        row = f"{label:<16}"
        for mode in modes:
            p, r, f = stated_prf(scores[mode].labels[label])
            macro[mode].append(f)
            row += f"{figure(p, '>10.3f')}{figure(r, '>7.3f')}{figure(f, '>7.3f')}"
        counts = scores[modes[0]].labels[label]
        out.append(row + f"{counts['tp'] + counts['fn']:>9}")
    out.append(f"{'macro-F1':<16}" + "".join(figure(macro_f1(v), ">24.3f") for v in macro.values()))
    return "\n".join(out)


# Unseen pages: the forces added to the corpus later, and leave-forces-out folds -----

#: The 13 forces whose 98 texts were added to the corpus after the rules were written
#: (../shared/corpus/README.md): scored apart, they show how the pipeline does on
#: pages of forces it was not written against.
ADDED_FORCES = (
    "bedfordshire", "devon-and-cornwall", "durham", "dyfed-powys", "greater-manchester", "hertfordshire", "kent",
    "lancashire", "lincolnshire", "merseyside", "northamptonshire", "south-wales", "surrey",
)
#: Folds of the leave-forces-out evaluation (``make evaluate``).
FOLDS = 5


def combine(parts: list[Scores]) -> Scores:
    """One set of counts from several."""
    total = Scores()
    for part in parts:
        total.fields.update(part.fields)
        total.totals.update(part.totals)
        for kind, counts in part.items.items():
            total.items[kind].update(counts)
        for label, counts in part.labels.items():
            total.labels[label].update(counts)
        total.sentences_missed += part.sentences_missed
        total.sentences_gold += part.sentences_gold
        total.failures += part.failures
    return total


def force_of_text(path: Path) -> str:
    from .training import force_of

    return force_of(path.name)


def headline(scores: Scores) -> dict[str, float | None]:
    """The figures compared across parts of the corpus: None where nothing was scored."""
    out: dict[str, float | None] = {}
    for key in (*FIELDS, "page_type", "pillar_grades", "question_grades", "question_or_aspect", "framework_question"):
        out[key] = scores.fields[key] / scores.totals[key] if scores.totals[key] else None
    for kind in ITEM_KINDS:
        p, r, _ = stated_prf(scores.items[kind]) if kind in scores.items else (None, None, None)
        out[f"{kind} P"], out[f"{kind} R"] = p, r
    out["sentence labels macro-F1"] = macro_f1([stated_prf(scores.labels[label])[2] for label in LABELS]) \
        if scores.sentences_gold else None
    return out


def format_columns(title: str, columns: dict[str, dict[str, float | None]], notes: list[str] | None = None) -> str:
    """Figures (rows) of several parts (columns), "n/a" where a part has none."""
    names = list(columns)
    width = max(9, *(len(n) + 1 for n in names))
    rows = list(next(iter(columns.values())))
    out = [title, *(notes or []), "", f"{'figure':<28}" + "".join(f"{n:>{width}}" for n in names)]
    for row in rows:
        out.append(f"{row:<28}" + "".join(figure(columns[n][row], f">{width}.3f") for n in names))
    return "\n".join(out)


def split_by_added(pairs: list[tuple[Path, Path | None, Path | None]]) -> tuple[list, list]:
    """(pairs of the original forces, pairs of ADDED_FORCES)."""
    added = [p for p in pairs if force_of_text(p[0]) in ADDED_FORCES]
    return [p for p in pairs if p not in added], added


def _sentence_golds(text: Path) -> list[tuple[str, Path]]:
    """The sentence annotations of a corpus text: ("corpus", its own gold) and ("ours", this
    project's, trained on or not yet)."""
    from .training import PENDING_DIR, TRAIN_DIR

    found = []
    for source, path in (("corpus", text.parent.parent / "gold_sentences" / f"{text.stem}.jsonl"),
                         ("ours", TRAIN_DIR / "annotated" / f"{text.stem}.jsonl"),
                         ("ours", PENDING_DIR / f"{text.stem}.jsonl")):
        if path.is_file():
            found.append((source, path))
    return found


def folds(pairs: list[tuple[Path, Path | None, Path | None]], k: int = FOLDS) -> list[list[str]]:
    """The corpus's forces dealt into ``k`` folds (sorted, round robin): the same folds every run."""
    forces = sorted({force_of_text(p[0]) for p in pairs})
    return [forces[i::k] for i in range(k) if forces[i::k]]


@dataclass
class Fold:
    """One fold of the leave-forces-out evaluation."""

    forces: list[str]
    scores: Scores  # structure, and the pipeline's labels against every annotation
    labels: dict = field(default_factory=lambda: defaultdict(dict))  # "corpus"/"ours" -> mode -> Scores
    reliability: list = field(default_factory=list)  # (confidence, right) of each annotated sentence
    threshold: float | None = None  # the framework mapping's, chosen without the fold's forces


def leave_forces_out(corpus: Path, k: int = FOLDS, work: Path | None = None, log=None,
                     config: Path | None = None) -> list[Fold]:
    """Each fold of forces scored by a pipeline whose classifier was trained without them.

    The structure stage has no trained part (its rules were written on the first
    forces: see ``ADDED_FORCES``); the sentence classifier is retrained per fold on
    every annotated force outside it (``training.parts``), and the fold's texts are
    labelled with that model by each system (rules, model, combined), scored apart on
    the corpus's own sentence gold and on this project's annotations. The framework
    mapping's threshold is chosen again for each fold without the fold's forces, and
    its table lacks the wordings seen on the fold's pages (``framework.held_out``).
    ``config`` trains each fold's classifier (``train/config.cfg`` unless given).
    """
    from . import framework

    pairs = corpus_pairs(corpus)
    results: list[Fold] = []
    shipped = framework.MATCH_THRESHOLD
    try:
        _folds(pairs, k, work, log, results, config)
    finally:
        framework.MATCH_THRESHOLD = shipped  # the shipped threshold back, however the folds ended
    return results


def _folds(pairs, k, work, log, results: list, config: Path | None = None) -> None:
    """The folds of ``leave_forces_out``, appended to ``results`` as each ends."""
    import contextlib
    import io
    import tempfile

    from . import framework
    from .training import train

    pages = pages_by_force(pairs)
    with tempfile.TemporaryDirectory(prefix="peel-folds-", dir=work) as scratch:
        for number, forces in enumerate(folds(pairs, k), start=1):
            if log:
                log(f"fold {number}: training the classifier without {', '.join(forces)}")
            with contextlib.redirect_stdout(io.StringIO()):
                model = train(Path(scratch) / f"fold-{number}", Path(scratch) / f"model-{number}", frozenset(forces),
                              config=config)
            # The framework table without the wordings seen on the fold's own pages.
            with framework.held_out(name for force in forces for name in pages[force]):
                _fold(pairs, forces, model, results, pages)


def pages_by_force(pairs) -> dict[str, frozenset[str]]:
    """Each force's corpus texts (names without ".txt", as ``framework.held_out`` takes them)."""
    pages: dict[str, set[str]] = {}
    for text, _, _ in pairs:
        pages.setdefault(force_of_text(text), set()).add(text.stem)
    return {force: frozenset(names) for force, names in pages.items()}


def _fold(pairs, forces, model: Path, results: list, pages: dict[str, frozenset[str]]) -> None:
    """One fold of ``_folds``: its forces' texts scored by ``model``; ``pages``: ``pages_by_force``."""
    from . import framework, readers, structure
    from .classify import MODES, classify

    # The framework mapping's threshold, chosen again without the fold's forces.
    # Each example is matched without its force's pages' wordings, as the fold's pages are.
    seen = [(e, pages[force_of_text(t)]) for t, g, _ in pairs if g is not None and force_of_text(t) not in forces
            for e in framework_examples(json.loads(g.read_text("utf-8")))]
    framework.MATCH_THRESHOLD = framework.choose_threshold([e for e, _ in seen], [t for _, t in seen])
    fold = Fold(forces, Scores(), threshold=framework.MATCH_THRESHOLD)
    for text, gold, _ in (p for p in pairs if force_of_text(p[0]) in forces):
        try:
            report = structure.parse(readers.read(text))
        except PipelineError:
            continue
        labelled = {mode: classify(report, mode, model) for mode in MODES}
        if gold is not None:
            score_structure(labelled["combined"], normalise_gold(json.loads(gold.read_text("utf-8"))),
                            fold.scores, text.stem)
        for source, path in _sentence_golds(text):
            lines = [json.loads(l) for l in path.read_text("utf-8").splitlines() if l.strip()]
            try:
                spans = {(a, b): label for a, b, label in gold_sentence_spans(report.source.text, lines)}
            except ValueError:
                continue  # the text was edited since it was annotated
            score_sentences(labelled["combined"], lines, fold.scores, text.stem)
            for mode in MODES:
                score_sentences(labelled[mode], lines, fold.labels[source].setdefault(mode, Scores()),
                                text.stem)
            fold.reliability += [(s.confidence, s.label == spans[(s.char_start, s.char_end)])
                                 for s in labelled["combined"].sentences if (s.char_start, s.char_end) in spans]
    results.append(fold)


#: Confidence bins of the reliability table: [0, 0.5), [0.5, 0.6), ... [0.9, 1.0].
BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)


def reliability(pairs: list[tuple[float, bool]]) -> tuple[list[tuple[str, int, float | None, float | None]], float | None]:
    """Rows (bin, sentences, mean confidence, accuracy) and the expected calibration error."""
    rows, error = [], 0.0
    for low, high in zip(BINS, BINS[1:]):
        inside = [(c, r) for c, r in pairs if low <= c < high or (high == 1.0 and c == 1.0)]
        confidence = sum(c for c, _ in inside) / len(inside) if inside else None
        accuracy = sum(r for _, r in inside) / len(inside) if inside else None
        rows.append((f"{low:.1f}-{high:.1f}", len(inside), confidence, accuracy))
        if inside:
            error += len(inside) / len(pairs) * abs(accuracy - confidence)
    return rows, (error if pairs else None)


def format_folds(results: list[Fold], errors: bool = False) -> str:
    """Per-fold figures with their mean and the worst fold's; labels per system and per
    annotation; the reliability of the pipeline's confidence; with ``errors``, every
    mismatch of the pipeline (combined) with gold, fold by fold."""
    from .classify import MODES

    columns = {f"fold {i}": headline(fold.scores) for i, fold in enumerate(results, start=1)}
    rows = next(iter(columns.values()))
    known = {row: [c[row] for c in columns.values() if c[row] is not None] for row in rows}
    columns["mean"] = {row: sum(v) / len(v) if v else None for row, v in known.items()}
    columns["worst"] = {row: min(v) if v else None for row, v in known.items()}
    notes = [f"  fold {i}: {', '.join(fold.forces)} (framework threshold {fold.threshold})"
             for i, fold in enumerate(results, start=1)]
    out = [format_columns(f"== Leave-forces-out: {len(results)} folds of forces, each labelled by a classifier "
                          "trained without them", columns, notes)]
    for source, title in (("corpus", "the corpus's own sentence gold"), ("ours", "this project's annotations")):
        pooled = {mode: combine([f.labels[source][mode] for f in results if mode in f.labels[source]])
                  for mode in MODES}
        if not any(s.sentences_gold for s in pooled.values()):
            continue
        out += ["", f"== Leave-forces-out sentence labels on {title}: {pooled['combined'].sentences_gold} sentences, "
                "all folds pooled", format_systems(pooled)]
        macros = {mode: [macro_f1([stated_prf(f.labels[source][mode].labels[label])[2] for label in LABELS])
                         for f in results if mode in f.labels[source]] for mode in MODES}
        out.append(f"{'macro-F1 by fold':<16}" + "".join(
            f"{'mean ' + figure(sum(v) / len(v), '.3f') + ', worst ' + figure(min(v), '.3f'):>24}"
            for v in ([m for m in macros[mode] if m is not None] for mode in MODES) if v))
    pairs = [p for fold in results for p in fold.reliability]
    rows, error = reliability(pairs)
    out += ["", f"== Reliability of confidence (combined, leave-forces-out, {len(pairs)} annotated sentences)",
            f"{'confidence':<12}{'sentences':>10}{'mean conf':>11}{'accuracy':>10}"]
    out += [f"{name:<12}{n:>10}{figure(c, '>11.3f')}{figure(a, '>10.3f')}" for name, n, c, a in rows]
    out.append(f"expected calibration error {figure(error, '.3f')}")
    if errors:
        for i, fold in enumerate(results, start=1):
            out += ["", f"== Leave-forces-out mismatches, fold {i} ({', '.join(fold.forces)})"]
            out += [f"  {line}" for line in fold.scores.failures]  # structure, and labels on every annotation
    return "\n".join(out)
