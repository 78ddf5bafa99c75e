"""A bounded slice of the fuzzing (bench/fuzz.py is the long run): nasty inputs through simplify, the
summarizer (odd function names too) and hovers on them, the indexer (file names, contents, damaged cache and
manifest bytes) and the real server subprocess.

Inputs come from tests/fuzzing.py; hypothesis draws the seeds (derandomized: the same slice
every run, so a failure reproduces). Nothing may raise, hang, or stop the server answering.
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from leancode.encoder import Encoder
from leancode.index import RepositoryIndex
from leancode.search import search
from leancode.simplify import simplify
from leancode.sources import decode_source
from leancode.units import extract_units

from fuzzing import EXTENSIONS, LANGUAGES, damage, file_content, hovers, lsp_frame, named_function, write_repository
from lsp_raw import RawServer

SLICE = settings(deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
seeds = st.randoms(use_true_random=False)


@settings(SLICE, max_examples=80)
@given(seeds, st.sampled_from(LANGUAGES), st.sampled_from(["leancode", "slimcode", "dietcode", "truncate"]),
       st.floats(0, 1))
def test_simplify_never_crashes(rng, language, method, ratio):
    code = decode_source(file_content(rng, language), language)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        units = extract_units(code, language)
        for snippet in [code] + [u.code for u in units[:2]]:
            result = simplify(snippet, language, ratio=ratio, method=method)
            assert "".join(t.text for t in result.tokens) == "".join(snippet.split())
            assert result.model_tokens_kept <= result.model_tokens


@pytest.fixture(scope="module")
def encoder():
    return Encoder(method="slimcode")


@pytest.mark.slow
def _folded_groups(units) -> int:
    """How many groups of units share a key or a module and qualified name (`search._module`), transitively: the
    fewest rows a search may fold them into."""
    from leancode.search import _module

    parent = list(range(len(units)))

    def root(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    first: dict = {}
    for i, unit in enumerate(units):
        for tag in (unit.key, _module(unit)):
            parent[root(i)] = root(first.setdefault(tag, i))
    return len({root(i) for i in range(len(units))})


@settings(SLICE, max_examples=3)
@given(seeds)
def test_index_survives_fuzzed_repositories_and_damaged_caches(tmp_path_factory, encoder, rng):
    root = tmp_path_factory.mktemp("fuzzed") / "repo"
    write_repository(rng, root, files=12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        stats = RepositoryIndex(root, encoder).update(progress=False)
        assert stats.units == len(RepositoryIndex(root, encoder).units)
        for _ in range(4):
            damage(rng, root / ".leancode")
            index = RepositoryIndex(root, encoder)
            again = index.update(progress=False)
            assert again.units == stats.units and len(index.units) == stats.units
            # Identical copies show as one row, and so do the functions of one name in one file.
            distinct, groups = len({u.key for u in index.units}), _folded_groups(index.units)
            assert min(3, groups) <= len(search(index, "parse the input", top=3)) <= min(3, distinct)


@pytest.fixture(scope="module")
def summarizer():
    from leancode.summarizer import Summarizer

    return Summarizer()


@pytest.mark.slow  # the shipped summarizer
@settings(SLICE, max_examples=40)
@given(seeds, st.sampled_from(LANGUAGES), st.booleans())
def test_summaries_never_crash_on_odd_names_or_fuzzed_files(summarizer, rng, language, odd_name):
    from leancode.function_summary import summarize_units

    code = named_function(rng, language) if odd_name else decode_source(file_content(rng, language), language)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        units = extract_units(code, language)[:3]
        assert units or not odd_name
        for summary in summarize_units(units, summarizer, use_documentation=False):
            assert summary.signature is not None and (summary.text or summary.source != "generated")


def _server():
    raw = RawServer()
    yield raw
    assert raw.close() == 0  # still takes shutdown and exit, and ends
    raw.process.kill()


server = pytest.fixture(scope="module", name="server")(_server)
hover_server = pytest.fixture(scope="module", name="hover_server")(_server)  # apart from the fuzzed frames


@pytest.mark.slow  # the real server
@settings(SLICE, max_examples=60)
@given(seeds, st.integers(1000, 10**9))
def test_server_keeps_answering_fuzzed_frames(server, rng, msg_id):
    server.send(lsp_frame(rng, msg_id))
    assert server.process.poll() is None
    assert server.alive(f"ping-{msg_id}"), b"".join(server.stderr)[-2000:]


@pytest.mark.slow  # the real server and the shipped summarizer
@settings(SLICE, max_examples=15)
@given(seeds, st.sampled_from(LANGUAGES), st.booleans(), st.integers(1000, 10**9))
def test_hovers_on_fuzzed_documents_are_answered(hover_server, rng, language, odd_name, msg_id):
    text = named_function(rng, language) if odd_name else decode_source(file_content(rng, language), language)
    uri = f"file:///fuzz/{msg_id}{EXTENSIONS[language]}"
    for answer in hovers(hover_server, rng, language, text, uri, msg_id, timeout=60):
        assert "error" not in answer or answer["error"]["code"] == -32602, answer  # invalid params: a bad position
