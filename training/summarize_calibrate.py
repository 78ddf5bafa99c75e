"""Calibrating when the summarizer abstains: a confidence threshold chosen from BLEU against coverage.

`leancode-train calibrate summarize --data valid.jsonl [--model DIR]` summarizes a validation
split the way the hover does (the simplification the summarizer reads by default), scores each
greedy summary by smoothed sentence BLEU-4 against its reference and by every confidence score of
`leancode.summarizer.CONFIDENCE_SCORES`, and writes the model's manifest an "abstention" record:
the score with the best mean shown-BLEU over coverages 10%..100%, and its threshold at the highest
coverage whose shown BLEU reaches `--min-bleu`. A line holding a word the decoder made up (`Summarizer.invented`)
or a word written three times (`Generated.repeated`) is never shown, whatever its confidence, so it counts as
withheld at every threshold. Rerun it after retraining a model.
"""

from __future__ import annotations

import json
import random
import time
from pathlib import Path

from leancode.simplify import simplify
from leancode.summarizer import (CONFIDENCE_SCORES, DEFAULT_METHOD, DEFAULT_PRECISION, DEFAULT_RATIO, MANIFEST,
                                 PRECISIONS, Summarizer, default_summarizer_dir, summary_lead)

from .jsonl import read_jsonl
from .metrics import sentence_bleu

COVERAGES = (1.0, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1)
# The rule: show a generated line on as many functions as possible while the lines shown keep this
# smoothed BLEU-4 (the whole validation split scores about 12; one constant sentence about 10).
MIN_BLEU = 15.0


def per_package(rows: list[dict], cap: int | None, seed: int = 0) -> list[dict]:
    """At most `cap` rows of each package (a seeded sample, file order kept), so one large package does not set
    the threshold."""
    if not cap:
        return rows
    groups: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        groups.setdefault(row.get("package", ""), []).append(i)
    rng = random.Random(seed)
    keep = sorted(i for members in groups.values() for i in rng.sample(members, min(cap, len(members))))
    return [rows[i] for i in keep]


def records(rows: list[dict], summarizer: Summarizer, method: str = DEFAULT_METHOD, ratio: float = DEFAULT_RATIO,
            batch_size: int = 16) -> list[dict]:
    """Per function: its sentence BLEU and each confidence score of its greedy summary (by the model that serves its
    language)."""
    languages = [r.get("language", "python") for r in rows]
    sources = [simplify(r["code"], language, ratio=ratio, method=method, task="summarize").code
               for r, language in zip(rows, languages)]
    leads = [summary_lead(r["code"], language) for r, language in zip(rows, languages)]
    generated = summarizer.generate(sources, batch_size=batch_size, leads=leads, languages=languages)
    return [{"idx": r["idx"], "bleu": sentence_bleu(r["summary"], g.text) * 100, "summary": g.text,
             "invented": list(g.invented), "repeated": list(g.repeated),
             "shown": g.confident,  # as the hover decides, at the model's threshold
             **{name: g.confidence(name) for name in CONFIDENCE_SCORES}}
            for r, g in zip(rows, generated)]


def curve(recs: list[dict], score: str, coverages=COVERAGES) -> list[dict]:
    """For each coverage: the threshold that shows that share of functions (most confident first), the mean
    BLEU of the lines shown and of those withheld. A line with a made-up or repeated word is never shown, so a
    coverage above the share of lines without one has no threshold (None)."""
    ranked = sorted((r for r in recs if not ruled_out(r)), key=lambda r: r[score], reverse=True)
    ruled = [r for r in recs if ruled_out(r)]
    out = []
    for coverage in coverages:
        shown = max(1, round(coverage * len(recs)))
        if shown > len(ranked):
            out.append({"coverage": coverage, "threshold": None, "bleu_shown": None, "bleu_withheld": None})
            continue
        held = ranked[shown:] + ruled
        out.append({"coverage": coverage, "threshold": ranked[shown - 1][score],
                    "bleu_shown": sum(r["bleu"] for r in ranked[:shown]) / shown,
                    "bleu_withheld": sum(r["bleu"] for r in held) / len(held) if held else None})
    return out


def ruled_out(record: dict) -> bool:
    """Whether the line is withheld whatever its confidence (a made-up word, or a word written three times)."""
    return bool(record.get("invented") or record.get("repeated"))


def choose(recs: list[dict], min_bleu: float = MIN_BLEU) -> dict:
    """The abstention record: the best score (mean shown BLEU over the coverages) and its threshold."""
    curves = {name: [p for p in curve(recs, name) if p["threshold"] is not None] for name in CONFIDENCE_SCORES}
    score = max(curves, key=lambda name: sum(p["bleu_shown"] for p in curves[name]))
    fine = [p for p in curves[score] if p["bleu_shown"] >= min_bleu]
    point = max(fine, key=lambda p: p["coverage"]) if fine else None
    # No coverage good enough: threshold 0, above every confidence (log-probabilities are < 0): always abstain.
    return {"score": score, "threshold": round(point["threshold"], 4) if point else 0.0, "min_bleu": min_bleu,
            "coverage": point["coverage"] if point else 0.0,
            "bleu_shown": round(point["bleu_shown"], 2) if point else None,
            "bleu_all": round(sum(r["bleu"] for r in recs) / len(recs), 2), "functions": len(recs),
            "invented": round(len([r for r in recs if r.get("invented")]) / len(recs), 4),
            "repeated": round(len([r for r in recs if r.get("repeated")]) / len(recs), 4)}


def write_abstention(model_dir: str | Path, record: dict) -> None:
    """Store the abstention record in a LeanCode summarizer's manifest (other keys untouched)."""
    path = Path(model_dir) / MANIFEST
    manifest = json.loads(path.read_text())
    manifest["abstention"] = record
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")


def _reused_records(report: str, args, rows: list[dict]) -> list[dict]:
    """The per-function records of an earlier --report, when it was made on the same functions the same way."""
    earlier = json.loads(Path(report).read_text())
    made = earlier["abstention"]
    if any("invented" not in r or "repeated" not in r for r in earlier["records"]):
        raise ValueError(f"{report}: made before made-up or repeated words were checked; rerun without --from-report")
    if [r["idx"] for r in earlier["records"]] != [r["idx"] for r in rows] \
            or (made["method"], made["ratio"], made.get("precision", "fp32")) != (args.method, args.ratio,
                                                                             args.precision):
        raise ValueError(f"{report}: made on other functions or another simplification; rerun without --from-report")
    return earlier["records"]


def _calibrate(args) -> int:
    model = Path(args.model or default_summarizer_dir())
    if not (model / MANIFEST).is_file():
        raise ValueError(f"{model}: not a LeanCode summarizer directory; nothing to store the threshold in")
    rows = per_package([r for r in read_jsonl(args.data) if r.get("summary")], args.per_package)[:args.limit]
    if not rows:
        raise ValueError(f"{args.data}: no functions with a reference summary")
    began = time.perf_counter()
    if args.from_report:
        summarizer = None
        recs = _reused_records(args.from_report, args, rows)
    else:
        summarizer = Summarizer(model, precision=args.precision, bank=None)  # the model's own lines
        recs = records(rows, summarizer, args.method, args.ratio, args.batch_size)
    record = choose(recs, args.min_bleu)
    record.update(data=str(args.data), per_package=args.per_package, method=args.method, ratio=args.ratio,
                  precision=args.precision,
                  command=args.command, seconds=round(time.perf_counter() - began, 1))
    if args.report:
        Path(args.report).parent.mkdir(parents=True, exist_ok=True)
        Path(args.report).write_text(json.dumps(
            {"abstention": record, "curves": {n: curve(recs, n) for n in CONFIDENCE_SCORES}, "records": recs},
            indent=1) + "\n")
    write_abstention(model, record)
    print(json.dumps(record))
    return 0


def add_calibrate_parser(commands) -> None:
    p = commands.add_parser("calibrate", help="calibrate a model on a validation split").add_subparsers(
        dest="task", required=True).add_parser(
        "summarize", help="the summarizer's abstention threshold, from BLEU against coverage",
        description=__doc__.split("\n\n")[1])
    p.add_argument("--data", required=True, metavar="FILE", help="validation split: {idx, code, language, summary}")
    p.add_argument("--model", help="LeanCode summarizer directory (default: the shipped one); its manifest is updated")
    p.add_argument("--method", default=DEFAULT_METHOD, help=f"simplification (default: the hover's, {DEFAULT_METHOD})")
    p.add_argument("--ratio", type=float, default=DEFAULT_RATIO, help=f"(default: the hover's, {DEFAULT_RATIO})")
    p.add_argument("--min-bleu", type=float, default=MIN_BLEU,
                   help=f"shown lines must keep this mean smoothed BLEU-4 (default {MIN_BLEU})")
    p.add_argument("--per-package", type=int, default=100, metavar="N",
                   help="at most N functions of each package, a seeded sample (default 100; 0: all)")
    p.add_argument("--limit", type=int, help="the first N functions only")
    p.add_argument("--precision", choices=PRECISIONS, default=DEFAULT_PRECISION,
                   help=f"the decoder's CPU precision the threshold is for (default: served, {DEFAULT_PRECISION})")
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--report", metavar="FILE", help="also write the curves and per-function records as JSON")
    p.add_argument("--from-report", metavar="FILE",
                   help="choose again from the records of an earlier --report of this model on the same data "
                        "(another --min-bleu, say) instead of summarizing again")
    p.set_defaults(func=_calibrate)
