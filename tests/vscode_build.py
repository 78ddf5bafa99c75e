"""Builds the VS Code extension (npm ci, compile, package) in a copy outside the source tree, once per
test session, so that pytest leaves no node_modules, out/ or .vsix in editors/vscode."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

# $LEANCODE_VSCODE_SOURCE: another copy of the extension to build (e.g. one broken on purpose, to see the
# end-to-end test fail).
EXTENSION = Path(os.environ.get("LEANCODE_VSCODE_SOURCE") or Path(__file__).resolve().parents[1] / "editors" / "vscode")
STEPS = (["ci", "--no-audit", "--no-fund"], ["run", "compile"], ["run", "package"])


def npm(build: Path, *args: str) -> None:
    # The extension's server tests drive the real server with this interpreter.
    env = {**os.environ, "LEANCODE_PYTHON": sys.executable}
    done = subprocess.run(["npm", *args], cwd=build, env=env, capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise AssertionError(f"npm {' '.join(args)} failed in {build}:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


@functools.lru_cache(maxsize=None)
def build_extension() -> Path:
    """The build directory (a copy of editors/vscode with node_modules, out/ and leancode-*.vsix)."""
    scratch = Path(tempfile.mkdtemp(prefix="leancode-vscode-"))
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    build = scratch / "vscode"
    shutil.copytree(EXTENSION, build, ignore=shutil.ignore_patterns("node_modules", "out", "*.vsix"))
    for args in STEPS:
        npm(build, *args)
    return build


def vsix() -> Path:
    [package] = build_extension().glob("leancode-*.vsix")
    return package
