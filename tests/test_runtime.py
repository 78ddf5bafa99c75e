"""The encoder's runtimes: ONNX Runtime gives PyTorch's vectors, and a query then never imports torch."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("onnxruntime")

from leancode.encoder import Encoder  # noqa: E402
from leancode.model_tokens import PACKAGED  # noqa: E402
from leancode.runtime import onnx_file  # noqa: E402

from snippets import SNIPPETS  # noqa: E402


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    """A private LeanCode cache directory for this module's exports."""
    folder = tmp_path_factory.mktemp("leancode-cache")
    previous = os.environ.get("LEANCODE_CACHE")
    os.environ["LEANCODE_CACHE"] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop("LEANCODE_CACHE")
    else:
        os.environ["LEANCODE_CACHE"] = previous


@pytest.mark.slow  # exports the encoder to ONNX
def test_onnx_vectors_are_torch_vectors(cache):
    items = [(code, language) for language, code in SNIPPETS.items()]
    torch_encoder, onnx_encoder = Encoder(backend="torch"), Encoder(backend="onnx", quantize=False)
    assert torch_encoder.config_key == onnx_encoder.config_key  # same vectors, same cache entries
    for encode in (lambda e: e.encode_code(items), lambda e: e.encode_queries(["parse a config file", "x"])):
        expected, got = encode(torch_encoder), encode(onnx_encoder)
        assert got.dtype == np.float32 and got.shape == expected.shape
        assert (expected * got).sum(axis=1).min() >= 0.999
    assert onnx_file(onnx_encoder.model_id, "mean_tokens").is_file()  # the adapter's export, for code


def test_a_query_with_an_export_never_imports_torch(cache):
    Encoder(model=PACKAGED, backend="onnx").encode_queries(["warm the export"])  # exports once
    script = ("import sys, json; from leancode.encoder import Encoder\n"
              f"v = Encoder(model={PACKAGED!r}).encode_queries(['read a json file'])[0]\n"
              "print(json.dumps({'torch': 'torch' in sys.modules, 'transformers': 'transformers' in sys.modules,"
              " 'norm': float((v * v).sum())}))")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True,
                            env={**os.environ, "LEANCODE_CACHE": str(cache)})
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["torch"] is False and seen["transformers"] is False
    assert seen["norm"] == pytest.approx(1, abs=1e-4)


def test_int8_is_opt_in_for_code_only(cache):
    items = [(code, language) for language, code in SNIPPETS.items()]
    int8, fp32 = Encoder(quantize=True), Encoder(backend="torch")
    assert (Encoder().quantize, int8.backend) == (False, "onnx")
    cosine = (int8.encode_code(items) * fp32.encode_code(items)).sum(axis=1)
    assert 0.98 <= cosine.min() and cosine.max() < 0.99999  # near, and not the same vectors
    queries = ["parse a config file", "x"]
    assert np.allclose(int8.encode_queries(queries), fp32.encode_queries(queries), atol=1e-4)


def test_backend_is_checked_and_int8_vectors_have_their_own_keys(cache):
    with pytest.raises(ValueError, match="backend"):
        Encoder(backend="tensorflow")
    keys = {Encoder(backend=b, quantize=q).config_key for b in ("onnx", "torch") for q in (False, True)}
    assert len(keys) == 3  # fp32 vectors are shared by both runtimes; int8 ones are not
