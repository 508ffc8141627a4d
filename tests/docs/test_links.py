"""`make docs-check`: the project's pages link correctly, and the checker catches what it must."""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import check_links  # noqa: E402


def test_every_relative_link_and_anchor_of_the_pages_resolves():
    pages = check_links.project_pages()
    names = {str(p.relative_to(check_links.REPO)) for p in pages}
    assert {"README.md", "docs/api.md", "docs/deploying.md"} <= names, names
    problems = check_links.check(pages)
    assert not problems, "broken links:\n" + "\n".join(problems)


def test_readme_links_every_docs_page():
    readme = (check_links.REPO / "README.md").read_text(encoding="utf-8")
    targets = {t.partition("#")[0] for _, t in check_links.links(readme)}
    pages = {f"docs/{p.name}" for p in (check_links.REPO / "docs").glob("*.md")}
    assert pages - targets == set(), "docs pages the front page does not link"


def test_github_anchor_rules():
    text = "# Browser session mode (opt-in)\n## Why CloudFront + WAF, not WAF on the API\n## `make dev`\n## Errors\n## Errors\n"
    assert check_links.anchors(text) == {
        "browser-session-mode-opt-in", "why-cloudfront--waf-not-waf-on-the-api", "make-dev", "errors", "errors-1"}


def _site(tmp_path: Path, pages: dict[str, str]) -> list[Path]:
    for name, text in pages.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    return [tmp_path / n for n in pages]


def test_a_missing_file_a_missing_anchor_and_a_bad_fragment_are_reported(tmp_path):
    files = _site(tmp_path, {
        "README.md": "[ok](docs/a.md#two-words) [gone](docs/missing.md) [bad anchor](docs/a.md#nope)\n"
                     "[self](#top) [img](docs/x.png) [external](https://example.com/#whatever)\n\n# Top\n",
        "docs/a.md": "# Two words\n\n[back](../README.md#top) [json](../data.json#frag) `[code](nowhere.md)`\n\n"
                     "```\n[fenced](nowhere.md)\n```\n",
        "data.json": "{}",
    })
    problems = check_links.check(files, repo=tmp_path)
    assert [p.split(": ", 1)[0] + ": " + p.split(": ", 2)[1] for p in problems] == [
        "README.md:1: docs/missing.md",
        "README.md:1: docs/a.md#nope",
        "README.md:2: docs/x.png",
        "docs/a.md:3: ../data.json#frag",
    ], problems


def test_html_ids_count_as_anchors(tmp_path):
    files = _site(tmp_path, {"a.md": '<a id="here"></a>\n\n[to it](#here) [not](#there)\n'})
    assert [p.rsplit(": ", 1)[1] for p in check_links.check(files, repo=tmp_path)] == ["no heading or id 'there' in a.md"]
