"""Code the docs quote from a tested file says so (`<!-- from: path -->` before the block) and is that file's code,
word for word: a change to the example that the page does not follow fails here."""
from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MARKED = re.compile(r"<!-- from: (?P<path>[^ ]+) -->\n```[a-z]*\n(?P<code>.*?)\n```", re.S)


def excerpts(text: str) -> list[tuple[str, str]]:
    return [(m["path"], m["code"]) for m in MARKED.finditer(text)]


def stale(page: Path) -> list[str]:
    out = []
    for path, code in excerpts(page.read_text(encoding="utf-8")):
        source = REPO / path
        if not source.is_file() or code not in source.read_text(encoding="utf-8"):
            out.append(f"{page.name}: the block marked from {path} is not in that file")
    return out


def test_every_marked_excerpt_is_in_its_file():
    pages = sorted((REPO / "docs").glob("*.md"))
    found = [e for p in pages for e in excerpts(p.read_text(encoding="utf-8"))]
    assert len(found) >= 2, "docs/resource-servers.md quotes both examples"
    problems = [s for p in pages for s in stale(p)]
    assert not problems, "\n".join(problems)


def test_a_changed_excerpt_is_caught(tmp_path):
    page = tmp_path / "p.md"
    real = excerpts((REPO / "docs" / "resource-servers.md").read_text(encoding="utf-8"))[0]
    page.write_text(f"<!-- from: {real[0]} -->\n```js\n{real[1]}\n```\n", encoding="utf-8")
    assert stale(page) == []
    page.write_text(f"<!-- from: {real[0]} -->\n```js\n{real[1].replace('access', 'id')}\n```\n", encoding="utf-8")
    assert len(stale(page)) == 1
    page.write_text(f"<!-- from: examples/nowhere.mjs -->\n```js\n{real[1]}\n```\n", encoding="utf-8")
    assert len(stale(page)) == 1
