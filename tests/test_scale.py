"""The scale extra: the LanceDB store and the Ray Data engine, on a local Ray cluster of two nodes.

Skipped when the `scale` extra (lancedb, ray) is not installed: `pip install -e ".[scale]"`.
"""

import importlib.util
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from filelock import FileLock

from leancode.encoder import Encoder
from leancode.index import RepositoryIndex
from leancode.scale.engine import (
    RunStats,
    encoder_info,
    encoder_settings,
    index_local,
    list_files,
    parse_file,
    repositories,
    sync,
)
from leancode.scale.lance_store import LanceStore, StoredFunction, StoreMismatch

_MISSING = [name for name in ("lancedb", "ray") if importlib.util.find_spec(name) is None]
needs_scale = pytest.mark.skipif(bool(_MISSING), reason=f"the scale extra is not installed ({', '.join(_MISSING)} "
                                                        f"missing): pip install -e '.[scale]'")
slow = pytest.mark.slow  # starts a Ray cluster or loads the encoder in several processes

STDLIB = Path(os.__file__).parent
REPOS = {"text": ["textwrap.py", "glob.py", "fnmatch.py"], "shell": ["shlex.py", "netrc.py", "getopt.py"]}
INFO = {"model_id": "test", "config_key": "test|cfg", "dim": 16, "encoder": {}}


def _unit_vectors(n, dim=16, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(1, n // 50), dim))
    vectors = centres[rng.integers(0, len(centres), n)] + 0.3 * rng.standard_normal((n, dim))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _rows(n, repo="r", offset=0):
    return [StoredFunction(repo, f"pkg/m{i % 40}.py", f"f{i}", f"C.f{i}", "python", i, i + 2, "doc", f"key{i}")
            for i in range(offset, offset + n)]


# -- the LanceDB store ------------------------------------------------------------------------------


@needs_scale
def test_the_store_keeps_what_ranking_needs_and_searches_a_store_made_before_it_by_parsing(tmp_path, monkeypatch):
    import pyarrow as pa

    from leancode.scale import search
    from leancode.scale.lance_store import FIELDS, FLAGS, TABLE

    parsed = []
    monkeypatch.setattr(search, "_file_facts", lambda rows, roots: parsed.append(len(rows)) or {})
    flagged = [StoredFunction("r", "t.rs", "f", "f", "rust", 0, 2, "", "k0", test=True),
               StoredFunction("r", "s.py", "g", "g", "python", 0, 2, "", "k1", stub=True)]
    vectors = _unit_vectors(2)
    store = LanceStore(tmp_path / "new", INFO)
    store.add(flagged, vectors)
    assert {row for row, _ in store.search(vectors[0], top=2)} == set(flagged)  # the flags come back
    hits = search.search_store(store, vectors[0], "f", 2)
    assert parsed == [] and {hit.unit.name: hit.test for hit in hits}["f"] is True  # from the store: no file read
    old = LanceStore(tmp_path / "old", INFO)  # a store made before FLAGS: its table has the places only
    old._db.create_table(TABLE, schema=pa.schema([f for f in old._schema if f.name not in FLAGS]), mode="overwrite")
    old = LanceStore(tmp_path / "old", INFO)
    assert old.columns == FIELDS
    old.add(flagged, vectors)  # still written in its own columns
    assert {row.test for row, _ in old.search(vectors[0], top=2)} == {False}
    search.search_store(old, vectors[0], "f", 2)
    assert parsed == [2]  # its files are read for the flags


@needs_scale
def test_store_round_trip_removal_and_reopen(tmp_path):
    store = LanceStore(tmp_path, INFO)
    vectors = _unit_vectors(300)
    assert store.add(_rows(300), vectors) == 300
    store.write_manifest()
    reopened = LanceStore(tmp_path, INFO)
    assert reopened.count() == 300
    got = reopened.vectors(["key7", "key250", "absent"])
    assert set(got) == {"key7", "key250"} and np.allclose(got["key250"], vectors[250])
    (row, score), *_ = reopened.search(vectors[42], top=3)
    assert row.key == "key42" and row.path == "pkg/m2.py" and score == pytest.approx(1.0, abs=1e-5)
    assert all(r.path == "pkg/m3.py" for r, _ in reopened.search(vectors[42], top=5, within="pkg/m3.py"))
    reopened.remove(keys=["key42"])
    assert reopened.count() == 299 and "key42" not in {r.key for r, _ in reopened.search(vectors[42], top=5)}


@needs_scale
def test_store_refuses_another_encoder(tmp_path):
    store = LanceStore(tmp_path, INFO)
    store.write_manifest()
    with pytest.raises(StoreMismatch, match="dimension 16.*dimension 32"):
        LanceStore(tmp_path, {**INFO, "dim": 32})
    with pytest.raises(StoreMismatch, match="cannot be searched together"):
        LanceStore(tmp_path, {**INFO, "config_key": "other"})


@needs_scale
def test_store_updates_incrementally_and_cleans_old_versions(tmp_path):
    store = LanceStore(tmp_path, INFO, keep_versions=timedelta(0))
    store.add(_rows(500), _unit_vectors(500))
    store.persist()
    data_files = lambda: {p.name for p in (tmp_path / "db" / "functions.lance" / "data").iterdir()}  # noqa: E731
    before = data_files()
    assert store.add(_rows(500), _unit_vectors(500)) == 0  # rows held already: nothing written
    assert store.add(_rows(1, offset=500), _unit_vectors(1, seed=1)) == 1
    assert before < data_files() and len(data_files() - before) == 1  # one new file, the old ones untouched
    for step in range(3):
        store.add(_rows(1, offset=501 + step), _unit_vectors(1, seed=2 + step))
    with pytest.warns(UserWarning, match="removes every version"):
        store.persist()
    assert len(store.table.list_versions()) == 1  # compacted, old versions dropped
    assert store.count() == 504


@needs_scale
def test_ann_index_is_built_kept_fresh_and_agrees_with_exact(tmp_path):
    dim = 64
    vectors = _unit_vectors(6000, dim)
    store = LanceStore(tmp_path, {**INFO, "dim": dim}, ann_min_rows=5000)
    store.add(_rows(4000), vectors[:4000])
    assert store.persist()["ann"] is None and not store.table.list_indices()  # too small: exact
    store.add(_rows(1000, offset=4000), vectors[4000:5000])
    assert store.persist()["ann"] == "built" and store.table.list_indices()
    store.add(_rows(1000, offset=5000), vectors[5000:])  # not yet in the index: still found (exact beside it)
    assert store.search(vectors[5500], top=1)[0][0].key == "key5500"
    assert store.persist()["ann"] == "updated"
    assert store.table.index_stats(store.table.list_indices()[0].name).num_unindexed_rows == 0
    rng = np.random.default_rng(9)  # queries near the data, as a query is near the functions it should find
    queries = vectors[rng.integers(0, len(vectors), 50)] + 0.1 * rng.standard_normal((50, dim))
    recall = []
    for query in queries / np.linalg.norm(queries, axis=1, keepdims=True):
        exact = {f"key{i}" for i in np.argsort(-(vectors @ query))[:10]}
        recall.append(len(exact & {r.key for r, _ in store.search(query, top=10)}) / 10)
    assert np.mean(recall) >= 0.9


# -- the engines on a local Ray cluster ---------------------------------------------------------------


@pytest.fixture(scope="module")
def repos(tmp_path_factory):
    base = tmp_path_factory.mktemp("repos")
    for name, files in REPOS.items():
        (base / name).mkdir()
        for file in files:
            shutil.copy(STDLIB / file, base / name / file)
    return repositories([str(base / name) for name in REPOS])


@pytest.fixture(scope="module")
def encoder():
    return Encoder()


@pytest.fixture(scope="module")
def cluster():
    """Two Ray nodes of one CPU each on this machine."""
    import ray
    from ray.cluster_utils import Cluster

    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1, "object_store_memory": 150 * 2**20,
                                                            "include_dashboard": False})
    cluster.add_node(num_cpus=1, object_store_memory=150 * 2**20)
    ray.init(address=cluster.address, log_to_driver=False)
    yield cluster
    ray.shutdown()
    cluster.shutdown()


def _store_vectors(store):
    data = store.table.to_arrow().to_pydict()
    return dict(zip(data["key"], (np.asarray(v, dtype=np.float32) for v in data["vector"])))


@pytest.mark.slow  # starts a Ray cluster
@needs_scale
@slow
def test_ray_engine_matches_local_engine_across_nodes_and_reuses(tmp_path, repos, encoder, cluster):
    from leancode.scale.ray_engine import index_with_ray

    store = LanceStore(tmp_path / "ray", encoder_info(encoder))
    nodes = set()
    stats = index_with_ray(store, repos, encoder_settings(encoder), actors=2, batch_size=16,
                           progress=False, nodes=nodes)
    assert stats.embedded > 50 and stats.added == stats.units == store.count()
    assert len(nodes) == 2  # embedding batches ran on both nodes
    # The default index's vectors of the same functions.
    local = {}
    for root in repos.values():
        index = RepositoryIndex(root, encoder, index_dir=tmp_path / f"default-{root.name}")
        index.update(progress=False)
        local.update({u.key: v for u, v in zip(index.units, index.vectors)})
    ours = _store_vectors(store)
    assert set(ours) == set(local)
    assert min(float(ours[k] @ local[k]) for k in ours) >= 0.9999
    again = index_with_ray(store, repos, encoder_settings(encoder), actors=2, progress=False)
    assert (again.embedded, again.added, again.removed) == (0, 0, 0)


@needs_scale
@slow
def test_interrupted_run_resumes_and_changes_are_incremental(tmp_path, repos, encoder, cluster):
    from leancode.scale.ray_engine import index_with_ray

    store = LanceStore(tmp_path / "idx", encoder_info(encoder))
    first = index_local(store, {"text": repos["text"]}, encoder, progress=False)
    total = first.units
    store.remove_repository("text")  # start over, then stop after the first embedded batch
    stats = RunStats(engine="test")

    def stopped(items):
        yield [k for k, _, _ in items[:10]], encoder.encode_code([(c, lang) for _, c, lang in items[:10]])
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rows = [r for item in list_files("text", str(repos["text"])) for r in parse_file(item)]
        sync(store, {"text": repos["text"]}, rows, stopped, stats, progress=False)
    kept = store.count()
    assert 10 <= kept < total
    resumed = index_with_ray(store, {"text": repos["text"]}, encoder_settings(encoder), progress=False)
    assert store.count() == total and resumed.embedded < first.embedded
    # An edit to one function: one row replaced, one function embedded.
    source = repos["text"] / "glob.py"
    text = source.read_text()
    source.write_text(text.replace('"""Escape all special characters.', '"""Escape every special character.'))
    try:
        edited = index_with_ray(store, {"text": repos["text"]}, encoder_settings(encoder), progress=False)
    finally:
        source.write_text(text)
    assert (edited.embedded, edited.added, edited.removed) == (1, 1, 1)


@needs_scale
@slow
def test_killed_cli_run_resumes(tmp_path, repos, encoder, cluster):
    """`leancode index --engine ray` killed once it has written a batch, then run again: it embeds only the
    functions the killed run had not written."""
    command = [sys.executable, "-m", "leancode.cli", "index", "--engine", "ray", "--address", cluster.address,
               "--index-dir", str(tmp_path), "--batch-size", "8", "--json", *map(str, repos.values())]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    store = LanceStore(tmp_path, encoder_info(encoder))
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and process.poll() is None and not store.count():
        time.sleep(0.2)
        store.table.checkout_latest()
    process.send_signal(signal.SIGKILL)
    process.wait()
    store.table.checkout_latest()
    written = store.known_keys()
    done = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    stats = json.loads(done.stdout)
    store.table.checkout_latest()
    everything = store.known_keys()
    assert written and len(written) < len(everything)  # killed part-way
    assert stats["units"] == store.count() and stats["embedded"] == len(everything - written)


@needs_scale
@slow
def test_cli_ray_index_then_search_finds_what_the_default_search_finds(tmp_path, repos, cluster):
    """`leancode index --engine ray` over several repositories, then `leancode search` over the lance index: the
    default path's top 10 (each repository indexed and searched on its own, merged) at least 9 of 10."""
    from leancode.cli import main

    assert main(["index", "--engine", "ray", "--address", cluster.address, "--index-dir", str(tmp_path / "lance"),
                 *map(str, repos.values()), "--json"]) == 0
    queries = ["wrap a paragraph of text into lines", "split a string the way a shell does",
               "match a file name against a pattern"]
    for query in queries:
        lance = _search_json(main, [query, "--index-dir", str(tmp_path / "lance"), "--json"])
        default = []
        for name, root in repos.items():
            default += [(hit["score"], name, hit["path"], hit["line"]) for hit in _search_json(
                main, [query, "--path", str(root), "--index-dir", str(tmp_path / f"d-{name}"), "--json"])]
        best = {(name, path, line) for _, name, path, line in sorted(default, reverse=True)[:10]}
        assert len(best & {(h["repo"], h["path"], h["line"]) for h in lance}) >= 9
    only = _search_json(main, [queries[1], "--index-dir", str(tmp_path / "lance"), "--repo", "shell", "--json"])
    assert only and {h["repo"] for h in only} == {"shell"} and only[0]["file"].endswith(only[0]["path"])


@needs_scale
@slow
def test_server_searches_the_shared_index_beside_the_workspace(tmp_path, repos, encoder):
    """Setting `searchIndex`: the language server's search also ranks the functions of a lance index."""
    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    store = LanceStore(tmp_path / "shared", encoder_info(encoder))
    index_local(store, repos, encoder, progress=False)
    settings, unknown = parse_settings({"searchIndex": str(tmp_path / "shared")})
    assert not unknown
    hits = Workspaces(settings).search("split a string the way a shell does", 5)
    assert hits and hits[0].unit.repo == "shell" and hits[0].path == repos["shell"] / hits[0].unit.path
    logged = []
    other = Workspaces(parse_settings({"searchIndex": str(tmp_path / "shared"), "ratio": 0.5})[0], logged.append)
    assert other.search("split a string", 5) == [] and "cannot be searched together" in logged[-1]
    missing = tmp_path / "no-index-here"  # a mistyped setting: told, and nothing is created there
    typo = Workspaces(parse_settings({"searchIndex": str(missing)})[0], logged.append)
    assert typo.search("split a string", 5) == [] and not missing.exists() and "no lance index" in logged[-1]


def _search_json(main, argv):
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["search", *argv]) == 0
    return json.loads(out.getvalue())


@slow
def test_default_index_needs_neither_ray_nor_lancedb(tmp_path):
    """The default `leancode index` and `search` import neither (the scale extra stays optional)."""
    shutil.copy(STDLIB / "textwrap.py", tmp_path / "textwrap.py")
    code = ("import sys\nfrom leancode.cli import main\n"
            f"assert main(['index', {str(tmp_path)!r}]) == 0\n"
            f"assert main(['search', 'wrap text', '--path', {str(tmp_path)!r}, '--no-update']) == 0\n"
            "print(sorted(m for m in ('ray', 'lancedb', 'pyarrow') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "[]"


@needs_scale
@slow
def test_a_lance_store_keeps_each_repository_by_name_and_searches_where_asked(tmp_path, repos, capsys):
    from leancode.cli import main

    store = tmp_path / "lance"
    assert main(["index", "--store", "lance", "--index-dir", str(store), *map(str, repos.values())]) == 0
    manifest = json.loads((store / "manifest.json").read_text())
    assert manifest["repositories"] == {name: str(root) for name, root in repos.items()}
    rows = manifest["rows"]
    other = tmp_path / "elsewhere" / "text"  # another project with a name the store gives to one still there
    other.mkdir(parents=True)
    (other / "m.py").write_text("def f():\n    return 1\n")
    assert main(["index", "--store", "lance", "--index-dir", str(store), str(other)]) == 2
    assert "holds another repository named 'text'" in capsys.readouterr().err
    assert json.loads((store / "manifest.json").read_text())["rows"] == rows  # nothing replaced
    # --path names a file of one repository: only it, though another repository has files too
    target = repos["shell"] / "shlex.py"
    hits = _search_json(main, ["split a string", "--index-dir", str(store), "--path", str(target), "--json"])
    assert hits and {(h["repo"], h["path"]) for h in hits} == {("shell", "shlex.py")}
    hits = _search_json(main, ["split a string", "--index-dir", str(store), "--path", str(repos["text"]), "--json"])
    assert hits and {h["repo"] for h in hits} == {"text"}
    assert main(["search", "x", "--index-dir", str(store), "--update"]) == 2  # search never updates a lance index
    assert "brings it up to date" in capsys.readouterr().err
    assert main(["index", "--store", "lance", "--index-dir", str(store), str(repos["text"]), "--batch-size", "1",
                 "--json"]) == 0  # the same repository again: fine


@needs_scale
def test_a_lance_index_skips_a_file_whose_parse_outgrows_its_worker_and_keeps_the_rest(tmp_path, capsys):
    from leancode.cli import main

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "good.py").write_text("def add(a, b):\n    return a + b\n")
    (repo / "bomb.py").write_text("def f(" + ("*/" * 20 + "\n") * 400 + "):\n    pass\n")  # GBs in tree-sitter
    assert main(["index", "--store", "lance", "--index-dir", str(tmp_path / "lance"), str(repo)]) == 0
    assert "repo/bomb.py: skipped: parser crashed" in capsys.readouterr().err
    assert json.loads((tmp_path / "lance" / "manifest.json").read_text())["rows"] == 1


@needs_scale
@slow
def test_a_lance_index_keeps_its_importance_table(tmp_path, repos, capsys):
    """`leancode index --store lance --table DIR`: the store records the table, a search with it is served, one
    with the shipped tables is refused rather than mixed."""
    from leancode.cli import main
    from leancode.importance import default_table_dir

    table, store = tmp_path / "table", str(tmp_path / "lance")
    shutil.copytree(default_table_dir("python"), table)
    assert main(["index", "--store", "lance", "--index-dir", store, str(repos["shell"]), "--table", str(table)]) == 0
    manifest = json.loads((tmp_path / "lance" / "manifest.json").read_text())
    assert manifest["table"] == str(table) and "+table@" in manifest["config_key"]
    assert _search_json(main, ["split a string", "--index-dir", store, "--table", str(table), "--json"])
    capsys.readouterr()
    assert main(["search", "split a string", "--index-dir", store]) == 2
    err = capsys.readouterr().err
    assert f"built with the importance table {table}" in err and "cannot be searched together" in err


def test_a_cluster_address_nobody_answers_fails_at_once():
    from leancode.scale.ray_engine import check_reachable

    with pytest.raises(ConnectionError, match="no Ray cluster answers at 127.0.0.1:1"):
        check_reachable("127.0.0.1:1", timeout=5)
    check_reachable("auto")  # resolved by Ray itself


def _fake_embed(items):
    """Embed function for `sync` without a model: a vector made from each content key."""
    if items:
        yield [key for key, _, _ in items], np.stack([_unit_vectors(1, seed=int(k[3:]))[0] for k, _, _ in items])


@needs_scale
def test_two_runs_at_once_add_each_row_once_and_the_second_waits(tmp_path):
    """Two runs that opened the store at once (two `leancode index` processes): the second works from the rows
    the first wrote, never from its own view of the store when it opened it, and waits while the first holds it."""
    rows = [{**asdict(r), "code": "pass"} for r in _rows(60)]
    first, second = LanceStore(tmp_path, INFO), LanceStore(tmp_path, INFO)
    sync(first, {"r": tmp_path}, rows, _fake_embed, RunStats(engine="test"), progress=False)
    stats = sync(second, {"r": tmp_path}, rows, _fake_embed, RunStats(engine="test"), progress=False)
    assert (stats.embedded, stats.added) == (0, 0) and second.count() == 60
    held = FileLock(str(tmp_path / "update.lock"))  # another run holds the store
    held.acquire()
    run = threading.Thread(target=sync, args=(second, {"r": tmp_path}, rows, _fake_embed, RunStats(engine="t")),
                           kwargs={"progress": False})
    with pytest.warns(UserWarning, match="being updated by another run; waiting"):
        run.start()
        time.sleep(1)
        assert run.is_alive()
        held.release()
        run.join(30)
    assert not run.is_alive() and LanceStore(tmp_path, INFO).count() == 60


@needs_scale
@pytest.mark.parametrize("manifest", [None, '{"format": 1, "store": "la'], ids=["lost", "truncated"])
def test_a_store_without_its_manifest_is_refused_not_reused(tmp_path, manifest, capsys):
    """db/ without a readable manifest.json: which encoder made its vectors is unknown, so neither an index run
    (with any encoder) nor a search opens it; the message says how to rebuild."""
    from leancode.cli import main

    store = LanceStore(tmp_path, INFO)
    store.add(_rows(10), _unit_vectors(10))
    (tmp_path / "manifest.json").unlink()
    if manifest is not None:
        (tmp_path / "manifest.json").write_text(manifest)
    with pytest.raises(StoreMismatch, match="manifest.json is missing or unreadable.*delete the directory"):
        LanceStore(tmp_path, {**INFO, "dim": 32, "config_key": "other"})
    assert main(["search", "x", "--index-dir", str(tmp_path)]) == 2
    assert "manifest.json is missing or unreadable" in capsys.readouterr().err
    assert main(["index", "--index-dir", str(tmp_path), "--method", "dietcode", str(tmp_path)]) == 2
    assert "manifest.json is missing or unreadable" in capsys.readouterr().err


@needs_scale
@pytest.mark.parametrize("damage", ["truncated data file", "versions deleted", "db deleted"])
def test_a_damaged_store_is_reported_with_how_to_rebuild(tmp_path, encoder, damage, capsys):
    """A data file cut short, or the table's versions or db/ gone, while the manifest lists repositories: search
    and index say the index is damaged and how to rebuild it (no internal error, no new empty table)."""
    from leancode.cli import main

    store = LanceStore(tmp_path, encoder_info(encoder))
    sync(store, {"r": tmp_path}, [{**asdict(r), "code": "pass"} for r in _rows(10)],
         lambda items: iter([([k for k, _, _ in items], _unit_vectors(len(items), encoder.dim))]),
         RunStats(engine="test"), progress=False)
    table = tmp_path / "db" / "functions.lance"
    if damage == "truncated data file":
        os.truncate(next((table / "data").iterdir()), 100)
    else:
        shutil.rmtree(table / "_versions" if damage == "versions deleted" else tmp_path / "db")
    for command in (["search", "x"], ["index", "--store", "lance", str(tmp_path)]):
        assert main([*command, "--index-dir", str(tmp_path)]) == 2
        err = capsys.readouterr().err
        assert f"the lance index at {tmp_path} is damaged" in err and "rebuild it" in err
    if damage != "truncated data file":
        assert not (table / "_versions").exists()  # no empty table made in its place


def _index_of_stubs_copies_tests_and_a_deleted_file(tmp_path) -> str:
    """A lance index of two repositories: `@overload` stubs and their implementation, a copy of them, a test of
    them, textwrap.py, and a file deleted since indexing."""
    from leancode.cli import main

    stubs = ('from typing import overload\n\n@overload\ndef wrap_text(x: int) -> int: ...\n@overload\n'
             'def wrap_text(x: str) -> str: ...\ndef wrap_text(x):\n    """Wrap a paragraph of text into lines."""\n'
             '    return x\n')
    (tmp_path / "one" / "tests").mkdir(parents=True)
    (tmp_path / "two").mkdir()
    (tmp_path / "one" / "ov.py").write_text(stubs)
    (tmp_path / "two" / "copy.py").write_text(stubs)
    (tmp_path / "one" / "tests" / "test_wrap.py").write_text(
        'def test_wrap_text_into_lines():\n    """Wrap a paragraph of text into lines."""\n    assert wrap_text(1)\n')
    (tmp_path / "two" / "gone.py").write_text('def fold(text):\n    """Fold text into short lines."""\n    return text\n')
    shutil.copy(STDLIB / "textwrap.py", tmp_path / "one" / "textwrap.py")
    index = str(tmp_path / "idx")
    assert main(["index", "--store", "lance", "--index-dir", index, str(tmp_path / "one"), str(tmp_path / "two")]) == 0
    (tmp_path / "two" / "gone.py").unlink()
    return index


@needs_scale
@slow
def test_search_shows_hits_as_the_default_search_does(tmp_path, capsys):
    """A lance index's hits go through the default search's ranking: `@overload` stubs and copies folded into one
    line, tests after the other functions (unless --include-tests), a file deleted since indexing marked."""
    from leancode.cli import main

    index = _index_of_stubs_copies_tests_and_a_deleted_file(tmp_path)
    capsys.readouterr()

    def shown(*options):
        assert main(["search", "wrap a paragraph of text into lines", "--index-dir", index, *options]) == 0
        return capsys.readouterr().out.splitlines()

    lines = shown("--top", "8")
    assert "ov.py:7  wrap_text" in lines[0] and "(+2 overloads)" in lines[0] and "(also at: " in lines[0]
    assert sum("wrap_text" in line for line in lines) == 1  # stubs and the copy folded
    assert "test_wrap_text_into_lines" not in "\n".join(lines[:-1])  # the test after every other function
    assert any("gone.py:1  fold (file deleted since indexing)" in line for line in lines)
    assert "test_wrap_text_into_lines" in shown("--top", "8", "--include-tests")[1]


@needs_scale
@slow
def test_the_server_shows_the_shared_index_as_leancode_search_does(tmp_path, capsys):
    """Setting `searchIndex`: the editor's search ranks and folds a lance index's hits as the terminal's does (stubs
    and copies one hit, tests after the code unless the query asks for them), a file deleted since indexing marked."""
    from leancode.cli import main
    from leancode.server.features.search import hit_json
    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    index = _index_of_stubs_copies_tests_and_a_deleted_file(tmp_path)
    workspaces = Workspaces(parse_settings({"searchIndex": index})[0])
    for query in ("wrap a paragraph of text into lines", "test that wraps text into lines"):
        terminal = _search_json(main, [query, "--index-dir", index, "--top", "8", "--json"])
        editor = [hit_json(hit) for hit in workspaces.search(query, 8)]
        assert [(h["path"], h["range"]["start"]["line"] + 1, h["name"], h["stale"]) for h in editor] \
            == [(h["file"], h["line"], h["qualified_name"], h["stale"]) for h in terminal]
    names = [h["name"] for h in editor]
    assert names.count("wrap_text") == 1 and names.index("test_wrap_text_into_lines") < 3  # asked for: with the code
    assert any(h["name"] == "fold" and h["stale"] == "deleted" for h in editor)


@needs_scale
@slow
def test_search_from_inside_a_repository_says_so_and_repo_wins(tmp_path, repos, monkeypatch, capsys):
    """Run from inside one repository of the store without --path: that repository only, said as the default
    search says it; an explicit --repo wins over the folder it runs in."""
    from leancode.cli import main

    store = str(tmp_path / "lance")
    assert main(["index", "--store", "lance", "--index-dir", store, *map(str, repos.values())]) == 0
    monkeypatch.chdir(repos["shell"])
    capsys.readouterr()
    hits = _search_json(main, ["split a string", "--index-dir", store, "--json"])
    assert hits and {h["repo"] for h in hits} == {"shell"}
    assert "searching shell/ only (--path .. for the whole index)" in capsys.readouterr().err
    hits = _search_json(main, ["wrap text", "--index-dir", store, "--repo", "text", "--json"])
    assert hits and {h["repo"] for h in hits} == {"text"}
    assert "searching" not in capsys.readouterr().err


@needs_scale
def test_index_arguments_that_cannot_work_are_refused_clearly(tmp_path, capsys):
    from leancode.cli import main

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "m.py").write_text("def f():\n    return 1\n")
    (tmp_path / "list.txt").write_text("# repositories\nrepo\nnope  # gone\n")
    (tmp_path / "one.txt").write_text("repo\n")
    index = ["index", "--store", "lance", "--index-dir", str(tmp_path / "idx")]
    for argv, told in [(["index", "--engine", "ray", "--store", "embedded", str(repo)], "leave out --store embedded"),
                       ([*index, str(repo / "m.py")], "m.py is a source file, not a list of repositories"),
                       ([*index, str(tmp_path / "list.txt")], "list.txt:3: nope is not a directory"),
                       (["index", "--store", "lance", str(tmp_path / "one.txt")], "a list of them, need --index-dir")]:
        assert main(argv) == 2
        assert told in capsys.readouterr().err
    assert not (tmp_path / "idx").exists()


@needs_scale
@slow
def test_a_lance_index_inside_a_repository_may_name_only_that_repository(tmp_path, capsys):
    from leancode.cli import main

    repo, outside = tmp_path / "repo", tmp_path / "outside"
    for folder, code in ((repo, 'def wrap_text(s):\n    """Wrap text into lines."""\n    return [s]\n'),
                         (outside, 'def secret():\n    """Read the secret."""\n    return 1\n')):
        folder.mkdir()
        (folder / "m.py").write_text(code)
    assert main(["index", "--store", "lance", str(repo)]) == 0  # its own .leancode: searched without flags
    hits = _search_json(main, ["wrap text", "--path", str(repo), "--json"])
    assert [h["name"] for h in hits] == ["wrap_text"]
    # As shipped in a repository by its author: the store's manifest names a folder outside it.
    manifest_path = repo / ".leancode" / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["repositories"]["outside"] = str(outside)
    manifest_path.write_text(json.dumps(manifest))
    capsys.readouterr()
    for argv in (["search", "read the secret", "--path", str(repo)], ["index", str(repo)]):
        assert main(argv) == 2
        assert "may hold only that repository" in capsys.readouterr().err
    manifest["repositories"] = {"repo": str(repo), "odd": "a\0b"}  # no path at all: refused alike
    manifest_path.write_text(json.dumps(manifest))
    assert main(["search", "wrap text", "--path", str(repo)]) == 2
    assert "may hold only that repository" in capsys.readouterr().err
    store = tmp_path / "shared"  # a shared index named by --index-dir may hold any repository
    assert main(["index", "--store", "lance", "--index-dir", str(store), str(repo), str(outside)]) == 0


@needs_scale
def test_a_shared_index_damaged_after_it_was_opened_is_logged_not_raised(tmp_path, encoder):
    """The editor's search over `searchIndex`: a table damaged after the store was opened is logged like one that
    cannot be opened, so the workspace's own hits still answer."""
    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    store = LanceStore(tmp_path, encoder_info(encoder))
    sync(store, {"r": tmp_path}, [{**asdict(r), "code": "pass"} for r in _rows(10)],
         lambda items: iter([([k for k, _, _ in items], _unit_vectors(len(items), encoder.dim))]),
         RunStats(engine="test"), progress=False)
    logged = []
    workspaces = Workspaces(parse_settings({"searchIndex": str(tmp_path)})[0], logged.append)
    assert workspaces.search("x", 5)  # opened and searched
    shutil.rmtree(tmp_path / "db")
    assert workspaces.search("x", 5) == [] and "not searched" in logged[-1] and "damaged" in logged[-1]
