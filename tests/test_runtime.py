"""The encoder's runtimes: ONNX Runtime gives PyTorch's vectors, a query then never imports torch, and int8 in
ONNX Runtime gives each function the vector it has alone, near fp32's, under its own cache key."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("onnxruntime")

from leancode.encoder import INT8_DEFAULT, Encoder  # noqa: E402
from leancode.index import INDEX_DIRNAME, RepositoryIndex, built_settings, read_manifest  # noqa: E402
from leancode.model_tokens import PACKAGED  # noqa: E402
from leancode.runtime import INT8_VERSION, int8_file, onnx_file  # noqa: E402

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


def test_int8_in_onnx_runtime_is_near_fp32_for_code_only(cache):
    items = [(code, language) for language, code in SNIPPETS.items()]
    int8, fp32 = Encoder(quantize=True), Encoder(backend="torch")
    assert (int8.backend, Encoder().quantize, fp32.quantize) == ("onnx", INT8_DEFAULT, False)
    cosine = (int8.encode_code(items) * fp32.encode_code(items)).sum(axis=1)
    assert 0.99 <= cosine.min() and cosine.max() < 0.99999  # near, and not the same vectors
    assert int8_file(onnx_file(int8.model_id, "mean_tokens")).is_file()
    queries = ["parse a config file", "x"]  # queries stay fp32, in the same runtime
    assert np.allclose(int8.encode_queries(queries), fp32.encode_queries(queries), atol=1e-4)


def test_making_the_int8_graph_prints_no_advice_to_the_user(cache, tmp_path, caplog):
    import logging

    from leancode.runtime import quantize_onnx

    Encoder(quantize=True).encode_code([(SNIPPETS["python"], "python")])  # makes the fp32 export
    with caplog.at_level(logging.INFO):
        quantize_onnx(onnx_file(Encoder().model_id, "mean_tokens"), tmp_path / "int8.onnx")
    assert (tmp_path / "int8.onnx").is_file() and "pre-processing" not in caplog.text  # onnxruntime's, on root


def test_int8_keeps_only_the_end_layers_feed_forward_outputs_in_fp32(cache):
    import onnx

    Encoder(quantize=True).encode_code([(SNIPPETS["python"], "python")])  # makes the export and its int8 graph
    graph = onnx.load(str(int8_file(onnx_file(Encoder().model_id, "mean_tokens"))), load_external_data=False).graph
    weights = {tensor.name for tensor in graph.initializer}
    fp32_weight_matmuls = {node.name for node in graph.node if node.op_type == "MatMul" and node.input[1] in weights}
    ends = ("/model/encoder/layer.0/output/dense/MatMul", "/model/encoder/layer.5/output/dense/MatMul")
    assert fp32_weight_matmuls == set(ends)
    assert sum(node.op_type == "MatMulInteger" for node in graph.node) == 6 * 6 - 2  # every other weight in int8


def test_an_int8_vector_does_not_depend_on_the_functions_embedded_with_it(cache):
    encoder = Encoder(method="none", quantize=True)
    texts = [*SNIPPETS.values(), "def f(x):\n    return x + 1\n", "x"]
    alone = np.stack([encoder.encode_simplified([text])[0] for text in texts])
    assert np.array_equal(encoder.encode_simplified(texts), alone)
    assert np.array_equal(encoder.encode_simplified(texts[::-1])[::-1], alone)
    # What one call per function avoids: in a padded batch, dynamic int8 scales the whole batch alike.
    tokens = [encoder._tokenizer.encode(text).ids for text in texts]
    ids = np.zeros((len(texts), max(map(len, tokens))), dtype=np.int64)
    mask = np.zeros_like(ids)
    for row, pieces in enumerate(tokens):
        ids[row, :len(pieces)], mask[row, :len(pieces)] = pieces, 1
    batched = encoder.runner("code")(ids, mask)
    assert (batched * alone).sum(axis=1).min() < 0.9999


def test_backend_is_checked_and_int8_vectors_have_their_own_keys(cache):
    with pytest.raises(ValueError, match="backend"):
        Encoder(backend="tensorflow")
    keys = {(b, q): Encoder(backend=b, quantize=q).config_key for b in ("onnx", "torch") for q in (None, False, True)}
    assert keys["onnx", None] == keys["onnx", INT8_DEFAULT] and f"|int8-onnx-v{INT8_VERSION}|" in keys["onnx", True]
    assert keys["onnx", False] == keys["torch", False] == keys["torch", None]  # fp32: the same vectors
    assert len(set(keys.values())) == 3  # fp32, int8 in ONNX Runtime, int8 in PyTorch


def test_an_index_built_in_fp32_is_embedded_again_once_in_int8(cache, tmp_path):
    (tmp_path / "config.py").write_text(SNIPPETS["python"])
    fp32 = RepositoryIndex(tmp_path, Encoder(quantize=False)).update(progress=False)
    assert "quantize" not in built_settings(read_manifest(tmp_path / INDEX_DIRNAME))  # fp32 is never carried over
    with pytest.warns(UserWarning, match=r"other encoder settings \(runtime fp32 -> int8-onnx-v\d+\)"):
        int8 = RepositoryIndex(tmp_path, Encoder(quantize=True)).update(progress=False)
    assert fp32.embedded == int8.embedded == 1
    # The next run embeds as this one did: int8 is carried over unless it is the default anyway.
    assert built_settings(read_manifest(tmp_path / INDEX_DIRNAME)).get("quantize", INT8_DEFAULT) is True
    assert RepositoryIndex(tmp_path, Encoder(quantize=True)).update(progress=False).embedded == 0


def test_encoders_of_one_model_share_its_session(cache):
    """The server's index and its summary bank read code with the same adapter: one ONNX Runtime session, not two."""
    search, bank = Encoder(backend="onnx"), Encoder(backend="onnx", method="none", ratio=0.0)
    assert search.runner("code") is bank.runner("code")
    assert Encoder(backend="onnx", quantize=not search.quantize).runner("code") is not search.runner("code")
    assert Encoder(backend="onnx", threads=1).runner("code") is not Encoder(backend="onnx", threads=2).runner("code")
