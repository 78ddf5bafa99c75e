"""What a search answered while the index is being built is told: the indexing status it reads."""

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
