#!/usr/bin/env python3
"""Link check for the project's Markdown pages (README.md, docs/*.md, bench/*.md), offline.

Every relative link must name a file or folder that exists in the repository, and a link with a
`#fragment` into a Markdown page must name a heading of that page, by the anchor GitHub gives it
(lower case, punctuation dropped, spaces to hyphens, `-1`, `-2`... for repeats), or an explicit
`id`/`name` in the page's HTML. External (http, https, mailto) links are not fetched: no network.
Markdown is parsed with markdown-it-py (CommonMark plus tables), so code blocks and code spans are
not mistaken for links.

    .venv/bin/python tests/docs/check_links.py [FILE.md ...]   # default: the project's pages
Prints one line per broken link (file:line: target: why) and exits 1 if there is any.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path
from urllib.parse import unquote

from markdown_it import MarkdownIt

REPO = Path(__file__).resolve().parents[2]
PAGES = ["README.md", "docs/*.md", "bench/*.md"]

_md = MarkdownIt("commonmark").enable("table")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)  # http:, https:, mailto:, ...
_HTML_ID = re.compile(r"""\b(?:id|name)\s*=\s*["']([^"']+)["']""", re.I)


def slug(text: str) -> str:
    """GitHub's heading anchor: lower case, drop what is neither a word character, a hyphen nor a
    space, then each space becomes a hyphen (github-slugger's rule)."""
    return re.sub(r"[^\w\- ]", "", text.lower()).replace(" ", "-")


def _inline_text(token) -> str:
    return "".join(c.content for c in (token.children or []) if c.type in ("text", "code_inline", "html_inline"))


def anchors(text: str) -> set[str]:
    """The fragments a page answers to: its headings' anchors (repeats numbered) and HTML ids."""
    tokens = _md.parse(text)
    seen: dict[str, int] = {}
    out: set[str] = set()
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            base = slug(_inline_text(tokens[i + 1]))
            n = seen.get(base, 0)
            seen[base] = n + 1
            out.add(base if n == 0 else f"{base}-{n}")
        elif tok.type in ("html_block", "inline"):
            html = tok.content if tok.type == "html_block" else "".join(
                c.content for c in (tok.children or []) if c.type == "html_inline")
            out.update(_HTML_ID.findall(html))
    return out


def links(text: str) -> list[tuple[int, str]]:
    """(line number, target) of every link and image in the page."""
    found = []
    lines = text.split("\n")
    for tok in _md.parse(text):
        if tok.type != "inline" or not tok.map:
            continue
        start, end = tok.map
        at = start  # the block's lines, searched in order for each target to name its own line
        for child in tok.children or []:
            if child.type not in ("link_open", "image"):
                continue
            target = str(child.attrs.get("href" if child.type == "link_open" else "src", ""))
            hit = next((n for n in range(at, end) if target and target in lines[n]), at)
            at = hit
            found.append((hit + 1, target))
    return found


def check(files: list[Path], repo: Path = REPO) -> list[str]:
    """Broken links in `files`, as `path:line: target: reason` lines (empty when all resolve)."""
    problems = []
    cache: dict[Path, set[str]] = {}

    def anchors_of(page: Path) -> set[str]:
        if page not in cache:
            cache[page] = anchors(page.read_text(encoding="utf-8"))
        return cache[page]

    for page in files:
        rel = page.relative_to(repo) if page.is_relative_to(repo) else page
        for line, target in links(page.read_text(encoding="utf-8")):
            where = f"{rel}:{line}: {target}"
            if not target:
                problems.append(f"{where}: empty link")
                continue
            if _EXTERNAL.match(target):
                continue
            path_part, _, fragment = target.partition("#")
            dest = (page.parent / unquote(path_part)).resolve() if path_part else page
            if not dest.exists():
                problems.append(f"{where}: no such file")
                continue
            if repo not in dest.parents and dest != repo:
                problems.append(f"{where}: outside the repository")
                continue
            if fragment:
                if dest.suffix != ".md" or dest.is_dir():
                    problems.append(f"{where}: a #fragment into a file that is not a Markdown page")
                elif unquote(fragment) not in anchors_of(dest):
                    problems.append(f"{where}: no heading or id '{fragment}' in {dest.relative_to(repo)}")
    return problems


def project_pages(repo: Path = REPO) -> list[Path]:
    return sorted({p for pattern in PAGES for p in repo.glob(pattern)})


def main(argv: list[str]) -> int:
    files = [Path(a).resolve() for a in argv] or project_pages()
    problems = check(files)
    for p in problems:
        print(p)
    print(f"{len(files)} pages, {len(problems)} broken links")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
