#!/usr/bin/env bash
# Builds the copy-decoder summarizer candidate (runs/c2/copy), exactly as measured in BENCHMARKS.md
# (section "Summaries per language"): the shipped summarizer given a copy head (leancode/copy_decoder.py),
# fine-tuned on a seeded mix of mined Python, Go and Rust pairs, full code and LeanCode at 0.5, the function's
# name masked in 30% of the inputs. On the shared 2-core CPU of the session that made it the training stopped at
# its 30-minute limit; a GPU is used when present.
set -euo pipefail
cd "$(dirname "$0")/.."
# 1. Pairs in six languages: the first 224 listed PyPI packages and the stdlib, the JDK, the Go stdlib and
#    Debian Go modules, Debian Rust crates, npm JavaScript/TypeScript packages (counts in data/mined-all/MANIFEST.json).
if [ ! -f data/mined-all/python/train.jsonl ]; then
  leancode-train mine --out data/mined-all --max-packages 224 --workers 4
fi
# 2. A seeded sample of the train splits: 1,600 Python, 450 Go, 350 Rust pairs.
mkdir -p runs/c2
python - <<'EOF'
import random
with open("runs/c2/mix-train.jsonl", "w") as out:
    for lang, n in (("python", 1600), ("go", 450), ("rust", 350)):
        rows = open(f"data/mined-all/{lang}/train.jsonl").readlines()
        out.writelines(rows[i] for i in sorted(random.Random(0).sample(range(len(rows)), n)))
EOF
# 3. The shipped model plus a fresh copy head, two epochs planned, stopped after 30 minutes of training.
leancode-train finetune summarize --init leancode/models/python-summarize --copy --data runs/c2/mix-train.jsonl \
  --out runs/c2/copy --work runs/c2/copy.work --ratio 0 --ratio 0.5 --mask-names 0.3 --epochs 2 --batch-size 16 \
  --lr 3e-4 --save-every 25 --time-limit 30 --seed 0
