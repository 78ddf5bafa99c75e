"""`leancode-train` for scripts/device/run.sh, with each run's training stopped by a shared wall-clock deadline.

`--time-limit` counts training time only, which starts after the pairs are simplified and encoded; how long those
take on a lent machine is not known beforehand. Here the training loop's time limit is cut, when the loop starts,
to what is left before DEADLINE (seconds since the epoch; unset: no cut), so the run still validates and saves
its model before the device call ends. The limit used is the one the manifest records. Run with
PYTHONPATH holding the package as installed (leancode with leancode.training), as run.sh sets it.
"""

import os
import sys
import time

from leancode.training import search_finetune, summarize_finetune
from leancode.training.cli import main

DEADLINE = float(os.environ.get("DEADLINE") or "inf")


def _until_deadline(run_training):
    def run(model, params, settings, *args, **kwargs):
        left = (DEADLINE - time.time()) / 60
        if left < (settings.time_limit if settings.time_limit is not None else float("inf")):
            settings.time_limit = round(max(left, 0.1), 2)
        print(f"training time limit: {settings.time_limit} minutes", file=sys.stderr, flush=True)
        return run_training(model, params, settings, *args, **kwargs)
    return run


for module in (summarize_finetune, search_finetune):
    module.run_training = _until_deadline(module.run_training)

if __name__ == "__main__":
    sys.exit(main())
