#!/usr/bin/env bash
# Builds the multilingual copy-decoder summarizer (runs/c3/copy), as measured in BENCHMARKS.md (section
# "Summaries per language"): the summarizer of scripts/build_summarizer.sh given a copy head
# (leancode/copy_decoder.py) and fine-tuned, with the encoder's top layer, on a seeded mix of mined pairs in all
# six languages, full code and LeanCode at 0.5 (each language's shipped table), the function's name masked in 40%
# of the inputs so the decoder learns to read the body. One epoch: about 25 minutes of encoding and 40 of training
# on 2 idle CPU cores; a GPU is used when present.
set -euo pipefail
cd "$(dirname "$0")/.."
init=${INIT:-leancode/models/python-summarize}  # the Python-only summarizer of scripts/build_summarizer.sh
# 1. Pairs in six languages: the first 224 listed PyPI packages and the stdlib, the JDK, the Go stdlib and
#    Debian Go modules, Debian Rust crates, npm JavaScript/TypeScript packages (counts in data/mined-all/MANIFEST.json).
if [ ! -f data/mined-all/python/train.jsonl ]; then
  leancode-train mine --out data/mined-all --max-packages 224 --workers 4
fi
# 2. Seeded samples of each language's splits: training pairs (65,475), the validation loss's pairs (up to 100 per
#    language) and the abstention calibration's (step 4).
mkdir -p runs/c3
python - <<'PY'
import random

def sample(split, sizes, seed, target):
    with open(target, "w") as out:
        for lang, n in sizes.items():
            rows = open(f"data/mined-all/{lang}/{split}.jsonl").readlines()
            out.writelines(rows[i] for i in sorted(random.Random(seed).sample(range(len(rows)), min(n, len(rows)))))

languages = ("python", "java", "go", "javascript", "rust", "typescript")
sample("train", dict(zip(languages, (30000, 12000, 8000, 8000, 6000, 2000))), 0, "runs/c3/mix-train.jsonl")
sample("valid", dict.fromkeys(languages, 100), 1, "runs/c3/mix-valid.jsonl")
sample("valid", dict(zip(languages, (400, 150, 150, 150, 150, 94))), 7, "runs/c3/calib-valid.jsonl")
# The held-out check of the abstention threshold (bench/summary_abstention.py --test), looked at once per model.
sample("test", dict(zip(languages, (200, 60, 60, 60, 60, 16))), 3, "runs/c3/abstain-test.jsonl")

# The second epoch's pairs (not shipped, see the end): those the first did not draw (every remaining Python pair,
# the rest of Go's, more Java and JavaScript), topped up with a redraw where a language's first draw took all it had.
with open("runs/c3/mix-train-2.jsonl", "w") as out:
    for lang, first, n in zip(languages, (30000, 12000, 8000, 8000, 6000, 2000), (24143, 6443, 5000, 3000, 1500, 500)):
        rows = open(f"data/mined-all/{lang}/train.jsonl").readlines()
        drawn = set(random.Random(0).sample(range(len(rows)), min(first, len(rows))))
        pool = [i for i in range(len(rows)) if i not in drawn] or list(range(len(rows)))
        out.writelines(rows[i] for i in sorted(random.Random(2).sample(pool, min(n, len(pool)))))
PY
# 3. One epoch (stopped after 60 minutes of training if it has not ended).
leancode-train finetune summarize --init "$init" --copy --data runs/c3/mix-train.jsonl \
  --valid runs/c3/mix-valid.jsonl --out runs/c3/copy --work runs/c3/copy.work --ratio 0 --ratio 0.5 \
  --mask-names 0.4 --epochs 1 --batch-size 32 --lr 3e-4 --tune-top-layers 1 --encoder-lr 1e-4 --save-every 100 \
  --time-limit 60 --seed 0
# 4. Shipped as leancode/models/code-summarize, with its abstention threshold from validation (section
#    "Summaries: abstention" of BENCHMARKS.md).
mkdir -p leancode/models/code-summarize && cp runs/c3/copy/* leancode/models/code-summarize/
leancode-train calibrate summarize --data runs/c3/calib-valid.jsonl --model leancode/models/code-summarize \
  --report runs/c3/calibration.json
# A second epoch (not shipped: no better on validation, docs/experiments.md):
#   leancode-train finetune summarize --init leancode/models/code-summarize --data runs/c3/mix-train-2.jsonl --mask-names 0.5 --lr 2e-4 --encoder-lr 5e-5 --seed 1 ...
