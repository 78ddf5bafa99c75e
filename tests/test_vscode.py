"""The VS Code extension builds, passes its own tests and packages, run as CI runs it."""

import shutil
import subprocess
from pathlib import Path

import pytest

EXTENSION = Path(__file__).resolve().parents[1] / "editors" / "vscode"


def npm(*args, timeout=600):
    return subprocess.run(["npm", *args], cwd=EXTENSION, capture_output=True, text=True, timeout=timeout)


@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_extension_compiles_tests_and_packages():
    for args in (["ci", "--no-audit", "--no-fund"], ["run", "compile"], ["test"], ["run", "package"]):
        done = npm(*args)
        assert done.returncode == 0, f"npm {' '.join(args)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    assert list(EXTENSION.glob("leancode-*.vsix"))


def test_extension_settings_mirror_the_server_settings():
    import json

    from leancode.server.settings import Settings, settings_json

    properties = json.loads((EXTENSION / "package.json").read_text())["contributes"]["configuration"]["properties"]
    client_only = {"pythonPath", "serverArgs", "trace.server"}
    mirrored = {key.removeprefix("leancode.") for key in properties} - client_only
    assert mirrored == set(settings_json(Settings()))
    for key, value in settings_json(Settings()).items():
        default = properties[f"leancode.{key}"]["default"]
        assert default == value or (value in (None, []) and default in ("", [], None)), key
