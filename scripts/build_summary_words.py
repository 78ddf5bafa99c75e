"""Writes the words a generated summary may use beyond the model's vocabulary and the code it reads
(`leancode/models/code-summarize/summary-words.json`, read by `leancode.summarizer`).

A summary word that is no single piece of the model's vocabulary, no identifier of the code read and no word of
the training summaries is one the decoder made up from pieces ("socketpairirir", "newtimestampstamp"); the hover
withholds such a line. The list: every such multi-piece word (letters and digits, no underscore), and every
hyphenated word ("non-empty", "utf-8": one the code does not hold and the list does not is made up too, "pre-matches"),
that occurs at least twice in the summaries of the training splits given (never validation or test).

    python scripts/build_summary_words.py data/mined-all/*/train.jsonl
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from leancode.summarizer import SUMMARY_WORDS, default_summarizer_dir, load_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("train", nargs="+", help="training splits (.jsonl with a summary field)")
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--model", default=str(default_summarizer_dir()))
    args = parser.parse_args()
    _, tokenizer, _ = load_model(args.model)
    vocabulary = tokenizer.get_vocab()
    counts: Counter = Counter()
    for path in args.train:
        with open(path) as lines:
            for line in lines:
                summary = json.loads(line)["summary"]
                counts.update(w.lower() for w in re.findall(r"\w+", summary) if w.isalnum() and w[0].isalpha())
                counts.update(w.lower() for w in re.findall(r"\w+(?:-\w+)+", summary))
    words = sorted(w for w, n in counts.items() if n >= args.min_count and w not in vocabulary)
    out = Path(args.model) / SUMMARY_WORDS
    out.write_text(json.dumps({"kind": "leancode summary words", "min_count": args.min_count,
                               "sources": [str(p) for p in args.train], "command": " ".join(sys.argv),
                               "words": words}) + "\n")
    print(f"{out}: {len(words)} words")


if __name__ == "__main__":
    main()
