#!/usr/bin/env bash
# Device call 2 (carry .dev2, right after setup.sh): rebuild the encoder in float32, train three continuations of
# the shipped summarizer at once on the one GPU, and return each as NAME-decoder.safetensors and NAME-rest.tar
# (at most 8 files of 16 MiB come back). EPOCHS, LIMIT (minutes) and EXTRA (more options) change every run.
set -uo pipefail
export PYTHONPATH=/tmp/pkg:/tmp/site PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false
[ -f /tmp/dev/train.jsonl ] || { echo "setup.sh's files are gone: the machine was given back; run it again"; exit 3; }
rm -rf /tmp/pkg && mkdir -p /tmp/pkg && cp -r leancode /tmp/pkg/ && cp -r training /tmp/pkg/leancode/training
mkdir -p data/mined300/python runs/gpu7 && ln -sf /tmp/dev/train.jsonl /tmp/dev/valid.jsonl data/mined300/python/
python3 - <<'PY'
from safetensors.torch import load_file, save_file

weights = {**load_file("/tmp/dev/rest.safetensors"), **load_file(".dev2/layers.safetensors")}
save_file({k: (v.float() if v.is_floating_point() else v).contiguous() for k, v in weights.items()},
          "/tmp/minilm/model.safetensors")
PY
train() {  # NAME [options]
  python3 -P -c "import sys; from leancode.training.cli import main; sys.exit(main())" finetune summarize \
    --init leancode/models/python-summarize --table leancode/tables/python-summarize \
    --data data/mined300/python/train.jsonl --valid data/mined300/python/valid.jsonl \
    --out "runs/gpu7/$1" --work "/tmp/work/$1" --ratio 0 --ratio 0.1 --ratio 0.2 --ratio 0.3 --ratio 0.4 \
    --ratio 0.5 --epochs "${EPOCHS:-5}" --batch-size 64 --lr 3e-4 --tune-top-layers 2 --encoder-lr 1e-4 --seed 3 \
    --time-limit "${LIMIT:-4}" ${EXTRA:-} "${@:2}" > "$OUT/$1.log" 2>&1
  echo "$1 exit $?"
}
train A & train B --mask-names 0.25 & train C --mask-names 0.5 &
wait
for v in A B C; do
  [ -f "runs/gpu7/$v/decoder.safetensors" ] || continue
  mv "runs/gpu7/$v/decoder.safetensors" "$OUT/$v-decoder.safetensors"
  tar -C "runs/gpu7/$v" -cf "$OUT/$v-rest.tar" .
done
tail -c 700 "$OUT"/*.log; cat "$OUT"/[ABC].log > "$OUT/train.log" && rm "$OUT"/[ABC].log; ls -la "$OUT"
