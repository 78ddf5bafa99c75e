#!/usr/bin/env bash
# Rebuilds the Python-only summarizer (leancode/models/python-summarize, no longer shipped), which
# scripts/build_copy_summarizer.sh starts the shipped multilingual one from, and the shipped cross-attention
# importance table (leancode/tables/python-summarize), as the paper does: train on full code,
# take the table from the trained model's cross-attention, fine-tune on code simplified with it, then tune
# the encoder's top layer with the decoder on the same mix, then one more epoch over twice the packages.
# Needs the mined pairs (data/mined, from `leancode-train mine`, see README) and the train extra.
# On this project's 2-core CPU: about 3 hours of training, plus the mining of absent pairs; a GPU is used when present.
set -euo pipefail
cd "$(dirname "$0")/.."
data=data/mined/python
if [ ! -f "$data/train.jsonl" ]; then
  leancode-train mine --out data/mined --language python --language java --max-packages 150 --workers 4
fi
# 1. A decoder over the frozen packaged MiniLM, on full code.
leancode-train finetune summarize --data "$data/train.jsonl" --valid "$data/valid.jsonl" \
  --out runs/stage1 --work runs/stage1.work --ratio 0 --epochs 1 --layers 3 --ffn 1536 --lr 5e-4 --seed 0
# 2. Its cross-attention (last decoder layer, max over steps, mean over heads) per statement category.
leancode-train importance --model runs/stage1 --corpus "$data/train.jsonl" --language python \
  --method leancode-cross --max-functions 3000 --max-length 256 --out leancode/tables/python-summarize
# 3. Fine-tuned on inputs simplified with that table, a per-example mix of ratios 0 to 0.5.
leancode-train finetune summarize --init runs/stage1 --table leancode/tables/python-summarize \
  --data "$data/train.jsonl" --valid "$data/valid.jsonl" --out runs/stage2 \
  --work runs/stage2.work --ratio 0 --ratio 0.1 --ratio 0.2 --ratio 0.3 --ratio 0.4 --ratio 0.5 \
  --epochs 3 --lr 5e-4 --repeat-discount 1 --seed 0
# 4. The encoder's top layer (saved beside the decoder, 3.5 MB) tuned with it, same mix, repeat discount on.
leancode-train finetune summarize --init runs/stage2 --table leancode/tables/python-summarize \
  --data "$data/train.jsonl" --valid "$data/valid.jsonl" --out runs/stage3/model \
  --work runs/stage3.work --ratio 0 --ratio 0.1 --ratio 0.2 --ratio 0.3 --ratio 0.4 --ratio 0.5 \
  --epochs 2 --lr 3e-4 --tune-top-layers 1 --encoder-lr 1e-4 --seed 0
# 5. One epoch over the pairs of the first 300 listed packages (the 150 above and 150 more; the split is a
#    hash of the package name, so every earlier held-out package stays held out), same mix and tuning.
if [ ! -f data/mined300/python/train.jsonl ]; then
  leancode-train mine --out data/mined300 --language python --max-packages 300 --workers 4
fi
leancode-train finetune summarize --init runs/stage3/model --table leancode/tables/python-summarize \
  --data data/mined300/python/train.jsonl --valid data/mined300/python/valid.jsonl \
  --out leancode/models/python-summarize --work runs/stage6.work \
  --ratio 0 --ratio 0.1 --ratio 0.2 --ratio 0.3 --ratio 0.4 --ratio 0.5 \
  --epochs 1 --lr 3e-4 --tune-top-layers 1 --encoder-lr 1e-4 --seed 2
