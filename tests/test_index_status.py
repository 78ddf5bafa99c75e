"""What a search answered while the index is being built is told: the indexing status it reads."""

import pytest

from leancode.server.indexing import IndexStatus


def test_status_follows_progress_and_is_told_at_most_every_interval():
    status, seen = IndexStatus(), []
    assert status.news() is None  # idle: nothing to tell
    report = status.track(lambda *args: seen.append(args))
    report("embed", 30, 120)
    assert seen == [("embed", 30, 120)]  # the progress itself still goes to the client
    assert status.news(every=60) == "embedding 30/120 functions"
    report("embed", 60, 120)
    assert status.news(every=60) is None  # told a moment ago: an editor searching per keystroke is not flooded
    assert status.news(every=0) == "embedding 60/120 functions"
    status.message = None
    assert status.news(every=0) is None


def test_hover_on_a_call_not_found_while_indexing_says_so(tmp_path):
    from leancode.server.core import LeanCodeServer
    from leancode.server.features.hover import compute_hover

    app = tmp_path / "app.py"
    app.write_text("def reduce_fraction(n, d):\n    divisor = gcd(n, d)\n    return n // divisor\n")
    uri, line, character = app.as_uri(), 1, len("    divisor = g")
    ls = LeanCodeServer()
    assert compute_hover(ls, uri, app.read_text(), None, line, character) is None  # idle: gcd is nowhere
    ls.index_status.message = "embedding 3/10 functions"
    text = compute_hover(ls, uri, app.read_text(), None, line, character)
    assert text.startswith("`gcd`: LeanCode is still indexing the workspace (embedding 3/10 functions)"), text


def test_a_workspace_that_failed_to_open_is_told_as_failed_not_as_starting():
    from leancode.server.core import LeanCodeServer

    ls = LeanCodeServer()
    ls.tell = lambda message: None  # no client here
    ls.index_status.message = "starting"  # as `initialized` leaves it, before the open and index jobs run
    ls._job_failed(("open",), OSError("no model at /tmp/no-model"))
    ls.index_all()  # posted after the open: no folder opened, nothing to index
    assert ls.index_status.news(every=0) == "failed (OSError: no model at /tmp/no-model)"


def test_a_read_only_folder_keeps_its_snapshot_and_the_next_folder_is_still_indexed(tmp_path, monkeypatch):
    import errno

    from lsprotocol import types

    import leancode.index
    from leancode.index import RepositoryIndex
    from leancode.server.indexing import index_folders
    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    locked, other, bare = tmp_path / "locked", tmp_path / "other", tmp_path / "bare"
    for folder, name in ((locked, "escape_html"), (other, "strip_tags"), (bare, "rotate_logs")):
        folder.mkdir()
        (folder / "m.py").write_text(f"def {name}(text):\n    return text\n")
    state = Workspaces(parse_settings({})[0])
    RepositoryIndex(locked, state.encoder).update(progress=False)  # indexed before the checkout went read-only
    folders = [state.add_folder(locked), state.add_folder(bare), state.add_folder(other)]
    writable = leancode.index.safe_mkdir

    def read_only(path):  # what a read-only mount answers (a test as root cannot be refused by permissions)
        if {locked, bare} & {path, *path.parents}:
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        writable(path)

    monkeypatch.setattr(leancode.index, "safe_mkdir", read_only)
    logged, ended, told = [], [], []
    index_folders(state, lambda *progress: None, ended.append, logged.append, lambda *message: told.append(message))
    assert any("cannot be written (Read-only file system): serving it as last written" in line for line in logged)
    [(message, kind)] = told  # the folder with no index to serve: the user is shown it
    assert f"and none was written before: search leaves {bare} out" in message and kind == types.MessageType.Warning
    assert ended == ["2 distinct functions indexed"] and [folder.ready for folder in folders] == [True, False, True]
    assert {hit.unit.name for hit in state.search("escape html tags", 5)} == {"escape_html", "strip_tags"}


def test_a_folder_that_fails_to_index_costs_that_folder_only(tmp_path, monkeypatch):
    import errno

    from lsprotocol import types

    import leancode.index
    from leancode.server.indexing import index_folders
    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    full, other = tmp_path / "full", tmp_path / "other"
    for folder, name in ((full, "escape_html"), (other, "strip_tags")):
        folder.mkdir()
        (folder / "m.py").write_text(f"def {name}(text):\n    return text\n")
    state = Workspaces(parse_settings({})[0])
    folders = [state.add_folder(full), state.add_folder(other)]
    writable = leancode.index.safe_mkdir

    def disk_full(path):  # the first folder's disk is full
        if full in (path, *path.parents):
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        writable(path)

    monkeypatch.setattr(leancode.index, "safe_mkdir", disk_full)
    ended, told = [], []
    index_folders(state, lambda *progress: None, ended.append, lambda line: None,
                  lambda *message: told.append(message))
    [(message, kind)] = told
    assert f"indexing {full} failed (OSError: [Errno 28] No space left on device" in message
    assert "search leaves it out, and the other folders are indexed" in message and kind == types.MessageType.Warning
    assert ended == ["1 distinct functions indexed; 1 folder failed"] and [f.ready for f in folders] == [False, True]
    assert {hit.unit.name for hit in state.search("strip tags", 5)} == {"strip_tags"}


def test_settings_a_client_leaves_out_go_back_to_their_initial_values():
    # Neovim answers with the table the user wrote: deleting a bad `modelPath` from it kept the bad path until a
    # restart, since each message updated the settings before it.
    from leancode.server.core import LeanCodeServer

    ls = LeanCodeServer()
    ls.tell = ls.log = lambda *message: None  # no client here
    ls.take_settings({"top": 4}, "initializationOptions")
    ls.take_settings({"top": 7, "modelPath": "/no/model"}, "workspace/didChangeConfiguration", whole=True)
    assert (ls.settings.top, ls.settings.model_path) == (7, "/no/model")
    ls.take_settings({"ratio": 5}, "workspace/configuration", whole=True)  # a bad value keeps the one in force
    assert (ls.settings.top, ls.settings.model_path, ls.settings.ratio) == (4, None, None)
    ls.take_settings({"ratio": 0.3}, "workspace/configuration", whole=True)
    ls.take_settings({"ratio": 5}, "workspace/configuration", whole=True)
    assert ls.settings.ratio == 0.3


def test_a_refused_setting_the_client_sends_again_is_told_once():
    # Neovim keeps a value the server refused and sends its whole table with every change: `:LeanCodeSet top 5`
    # after a bad ratio told the ratio's error again, and a restart told it three times.
    from leancode.server.core import LeanCodeServer

    ls = LeanCodeServer()
    told = []
    ls.tell, ls.log = lambda message, *kind: told.append(message), lambda *message: None
    ls.take_settings({"ratio": 5}, "initializationOptions")
    ls.take_settings({"ratio": 5}, "workspace/didChangeConfiguration", whole=True)
    ls.take_settings({"ratio": 5, "top": 5}, "workspace/didChangeConfiguration", whole=True)
    assert len(told) == 1 and "ratio" in told[0] and ls.settings.top == 5
    ls.take_settings({"ratio": 0.3, "top": 5}, "workspace/didChangeConfiguration", whole=True)  # mended
    ls.take_settings({"ratio": 5, "top": 5}, "workspace/didChangeConfiguration", whole=True)  # bad again: told again
    assert len(told) == 2 and ls.settings.ratio == 0.3


def test_a_model_that_does_not_load_leaves_search_on_the_index_made_before(tmp_path):
    # The user was told "search covers only what was indexed before", but every search failed on the bad path.
    from dataclasses import replace

    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    (tmp_path / "m.py").write_text("def escape_html(text):\n    return text.replace('<', '&lt;')\n")
    state = Workspaces(parse_settings({})[0])
    folder = state.add_folder(tmp_path)
    folder.reader.update(progress=False)
    folder.ready = True
    with pytest.raises(FileNotFoundError, match="no-model"):
        state.apply_settings(replace(state.settings, model_path=str(tmp_path / "no-model"), ratio=0.5))
    assert state.settings.model_path is None and state.folders[tmp_path] is folder
    assert [hit.unit.name for hit in state.search("escape html", 5)] == ["escape_html"]


def test_results_in_a_folder_opened_through_a_symlink_link_through_it(tmp_path):
    # The results linked the real path: clicking one opened the file in a second tab beside the one the editor had.
    from dataclasses import replace

    from leancode.server.features.search import hit_json
    from leancode.server.settings import parse_settings
    from leancode.server.workspace import Workspaces

    real, link = tmp_path / "real", tmp_path / "link"
    real.mkdir()
    (real / "m.py").write_text("def escape_html(text):\n    return text.replace('<', '&lt;')\n")
    link.symlink_to(real, target_is_directory=True)
    state = Workspaces(parse_settings({})[0])
    folder = state.add_folder(link)
    folder.reader.update(progress=False)
    folder.ready = True
    [hit] = state.search("escape html", 5)
    assert hit.path == real / "m.py" and hit_json(hit)["path"] == str(link / "m.py")
    state.apply_settings(replace(state.settings, ratio=0.5))  # reopened for new settings: still the link
    state.folders[real].reader.update(progress=False)
    state.folders[real].ready = True
    assert hit_json(state.search("escape html", 5)[0])["uri"] == (link / "m.py").as_uri()


def test_a_job_that_outlives_the_event_loop_ends_quietly(caplog):
    # The client's `exit` closes the loop while an indexing job still runs; the job's next notification raised
    # "Event loop is closed", logged with a traceback on the server's stderr after a clean exit.
    import threading

    from leancode.server.indexing import Indexer

    told, done = [], threading.Event()

    def closed_loop():
        done.set()
        raise RuntimeError("Event loop is closed")

    indexer = Indexer(lambda *message: told.append(message), failed=lambda *failure: told.append(failure))
    indexer.post(("open",), closed_loop)
    assert done.wait(10)
    indexer._thread.join(10)
    assert not indexer._thread.is_alive() and not told and "Traceback" not in caplog.text


def test_a_message_finished_after_the_output_closed_is_dropped_quietly(caplog):
    # A hover answered while the client's `exit` closed stdout: pygls logged "Error sending data" with a traceback.
    import io

    from leancode.server.framing import ClosedQuietWriter
    from leancode.server.server import server

    output = io.BytesIO()
    writer = ClosedQuietWriter(output)
    writer.write(b"open")
    output.close()
    writer.write(b"after the exit")
    previous = server.protocol.writer
    server.protocol.set_writer(writer)
    try:
        server.protocol._send_data({"jsonrpc": "2.0", "id": 1, "result": None})
    finally:
        server.protocol.set_writer(previous)
    assert "Traceback" not in caplog.text and "Error sending data" not in caplog.text


@pytest.mark.parametrize("folders", [1, 2])
def test_an_update_that_succeeds_ends_the_failure_searches_were_told_of(tmp_path, folders):
    # After one failed update (`.leancode` briefly a symlink), every search said "indexing failed (...)" until the
    # server restarted, though the updates after it succeeded.
    import threading

    from leancode.index import UnsafeIndexDir
    from leancode.server.core import LeanCodeServer

    ls = LeanCodeServer()
    ls.tell = ls.log = lambda *message: None  # no client here

    def jobs_done() -> None:
        done = threading.Event()
        ls.indexer.post(("done",), done.set)
        assert done.wait(120)

    roots = [tmp_path / f"folder{n}" for n in range(folders)]
    for n, root in enumerate(roots):
        root.mkdir()
        (root / "greet.py").write_text(f'def greet{n}(name):\n    """Say hello by name."""\n    return name\n')
        ls.state.add_folder(root)
    ls._job_failed(("update", roots[0].resolve()), UnsafeIndexDir(f"{roots[0]}/.leancode is a symlink"))
    if folders == 2:  # another folder's update says nothing of this one's failure
        ls.update_folder_of(roots[1] / "greet.py")
        jobs_done()
        assert ls.index_status.failure.startswith("UnsafeIndexDir")
    ls.update_folder_of(roots[0] / "greet.py")
    jobs_done()
    assert ls.index_status.failure is None
