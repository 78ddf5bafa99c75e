"""The project's Markdown: every relative link reaches a file and a heading, and BENCHMARKS.md's contents list
every section, so a reader can find each number."""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCS = ["README.md", "BENCHMARKS.md", "SECURITY.md", *sorted(str(p.relative_to(ROOT)) for p in ROOT.glob("docs/*.md"))]


def headings(text: str) -> list[str]:
    """The Markdown headings of `text`, outside fenced code."""
    out, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := re.match(r"#+ (.*)", line)):
            out.append(match.group(1))
    return out


def anchors(text: str) -> set[str]:
    """GitHub's anchors for the headings: lower case, punctuation dropped, spaces to hyphens, repeats numbered."""
    seen: dict[str, int] = {}
    out = set()
    for heading in headings(text):
        slug = re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        out.add(f"{slug}-{seen[slug]}" if slug in seen else slug)
        seen[slug] = seen.get(slug, 0) + 1
    return out


def test_anchors_follow_github():
    text = "# Code search (test/go)\n```\n# not a heading\n```\n## LeanCode's table, 0.5\n## LeanCode's table, 0.5\n"
    assert anchors(text) == {"code-search-testgo", "leancodes-table-05", "leancodes-table-05-1"}


@pytest.mark.parametrize("doc", DOCS)
def test_relative_links_reach_a_file_and_a_heading(doc):
    path = ROOT / doc
    broken = []
    for link in re.findall(r"\]\(([^)\s]+)\)", path.read_text()):
        if re.match(r"[a-z]+:", link):
            continue
        file, _, fragment = link.partition("#")
        target = (path.parent / file) if file else path
        if not target.exists():
            broken.append(link)
        elif fragment and target.suffix == ".md" and fragment not in anchors(target.read_text()):
            broken.append(link)
    assert not broken


def test_the_benchmarks_contents_list_every_section():
    text = (ROOT / "BENCHMARKS.md").read_text()
    contents = text[text.index("## Contents"):text.index("\n# ", text.index("## Contents"))]
    listed = set(re.findall(r"\]\(#([^)]+)\)", contents))
    sections = anchors(text[text.index("\n# ", text.index("## Contents")):])
    assert sections - listed == set()
