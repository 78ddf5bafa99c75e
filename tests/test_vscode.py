"""The VS Code extension builds, passes its own tests and packages, run as CI runs it (in a copy
outside the source tree: see vscode_build.py)."""

import shutil
import zipfile

import pytest

from vscode_build import EXTENSION, build_extension, npm, vsix


@pytest.mark.slow  # npm install, compile, the extension's tests, packaging
@pytest.mark.skipif(shutil.which("npm") is None, reason="npm is not installed")
def test_extension_compiles_tests_and_packages():
    before = sorted(path.name for path in EXTENSION.iterdir())
    npm(build_extension(), "test")
    with zipfile.ZipFile(vsix()) as package:
        assert "extension/out/extension.js" in package.namelist()
    assert sorted(path.name for path in EXTENSION.iterdir()) == before  # no build products in the source tree


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
