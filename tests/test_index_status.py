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
