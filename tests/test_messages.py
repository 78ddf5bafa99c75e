"""Commands show LeanCode's own warnings, labelled, and keep third-party ones out."""

import os
import subprocess
import sys

SCRIPT = r"""
import warnings
from leancode.messages import show_own_warnings
from leancode.tokens import lex
show_own_warnings("leancode")
lex("def f(:\n  return", "python")                      # LeanCode's ParseWarning
warnings.warn_explicit("old API", DeprecationWarning, "/x/site-packages/transformers/a.py", 1)
warnings.warn_explicit("noise", UserWarning, "/x/site-packages/other/b.py", 2)
import leancode.index as index_module
warnings.warn_explicit("index cache is corrupt", UserWarning, index_module.__file__, 3)
warnings.warn_explicit("deprecated in a library, raised at our call", FutureWarning, index_module.__file__, 4)
"""


def run(*python_flags):
    return subprocess.run([sys.executable, *python_flags, "-c", SCRIPT], capture_output=True, text=True, timeout=120)


def test_own_warnings_are_labelled_and_third_party_ones_dropped():
    lines = run().stderr.splitlines()
    assert lines == ["leancode: warning: python code has syntax errors; categories near them are approximate",
                     "leancode: warning: index cache is corrupt"], lines


def test_python_warning_options_take_over():
    stderr = run("-W", "default").stderr
    assert "DeprecationWarning: old API" in stderr and "UserWarning: noise" in stderr


def test_index_names_the_file_with_syntax_errors_once_and_then_counts_it(tmp_path):
    (tmp_path / "good.py").write_text("def f(a):\n    return a + 1\n")
    (tmp_path / "bad.ts").write_text("function f(a: number {\n  return a +;\n}\n")
    done = subprocess.run([sys.executable, "-m", "leancode.cli", "index", str(tmp_path)], capture_output=True,
                          text=True, timeout=600, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert done.returncode == 0, done.stderr
    warned = [line for line in done.stderr.splitlines() if "warning" in line]
    assert warned == ["leancode: warning: bad.ts: typescript code has syntax errors from line 1; "
                      "functions there may be missing"], done.stderr
    # told when parsed: an update that parses nothing (a second index, every search) only counts it
    again = subprocess.run([sys.executable, "-m", "leancode.cli", "index", str(tmp_path)], capture_output=True,
                           text=True, timeout=600, env={**os.environ, "HF_HUB_OFFLINE": "1"})
    assert again.returncode == 0 and "warning" not in again.stderr, again.stderr
    assert "0 files parsed, 1 with syntax errors)" in again.stdout + again.stderr
