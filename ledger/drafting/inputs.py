"""Text in: plain text, or an HTML page saved from a browser, with what the page says about its source.

HTML is read with Beautiful Soup (the standard library's parser underneath): scripts, styles, menus,
headers, footers and forms are dropped, the article (or main) element is kept when there is one, and
every block element ends a line, so headlines and list items stay lines of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from bs4 import BeautifulSoup, Tag

__all__ = ["Article", "read_article"]

# Elements that are page furniture, never the article's words.
_FURNITURE = ("script", "style", "noscript", "template", "svg", "nav", "header", "footer", "aside", "form")
_BLOCKS = frozenset(
    {
        *("p", "div", "section", "article", "main", "li", "ul", "ol", "dl", "dt", "dd", "table", "tr"),
        *("h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "figure", "figcaption", "br", "hr"),
        *("td", "th", "caption", "address"),
    }
)
_DATE_META = ("article:published_time", "datePublished", "date", "pubdate", "publishdate", "dc.date")
_LOOKS_LIKE_HTML = re.compile(rb"^\s*(?:<!doctype html|<html|<head|<body|<meta|<!--)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Article:
    """A text to draft from, and what its page said about its source (blank when it said nothing)."""

    text: str
    title: str = ""
    publisher: str = ""
    date: date | None = None
    url: str = ""


def read_article(data: bytes | str, *, html: bool | None = None) -> Article:
    """The text of a .txt or .html file (bytes or text). `html` None: decided from the content.

    Bytes are UTF-8 (a BOM is allowed); other bytes are read as Windows-1252, which never fails.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if html is None:
        html = bool(_LOOKS_LIKE_HTML.match(raw[:2048]))
    if html:
        return _read_html(raw)
    return Article(text=_decode(raw))


def _decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _read_html(raw: bytes) -> Article:
    soup = BeautifulSoup(raw, "html.parser")
    title = _meta(soup, "og:title") or (soup.title.get_text(" ", strip=True) if soup.title else "")
    publisher = _meta(soup, "og:site_name")
    url = _meta(soup, "og:url") or _canonical(soup)
    published = _published(soup)
    for name in _FURNITURE:
        for element in soup.find_all(name):
            element.decompose()
    body = soup.find("article") or soup.find("main") or soup.body or soup
    return Article(text=_block_text(body), title=title, publisher=publisher, date=published, url=url)


def _meta(soup: BeautifulSoup, name: str) -> str:
    tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name})
    if isinstance(tag, Tag):
        content = tag.get("content")
        if isinstance(content, str):
            return " ".join(content.split())
    return ""


def _canonical(soup: BeautifulSoup) -> str:
    link = soup.find("link", attrs={"rel": "canonical"})
    if isinstance(link, Tag):
        href = link.get("href")
        if isinstance(href, str):
            return href.strip()
    return ""


def _published(soup: BeautifulSoup) -> date | None:
    candidates = [_meta(soup, name) for name in _DATE_META]
    time_tag = soup.find("time")
    if isinstance(time_tag, Tag):
        stamp = time_tag.get("datetime")
        if isinstance(stamp, str):
            candidates.append(stamp)
    for candidate in candidates:
        if match := re.match(r"(\d{4}-\d{2}-\d{2})", candidate.strip()):
            try:
                return date.fromisoformat(match[1])
            except ValueError:
                continue
    return None


def _block_text(root: Tag | BeautifulSoup) -> str:
    """The text of `root` with a line break after every block element and runs of spaces collapsed."""
    for element in root.find_all(_BLOCKS):
        element.append("\n")
        if element.name in ("br", "hr"):
            element.insert_before("\n")
    lines = (" ".join(line.split()) for line in root.get_text().splitlines())
    return "\n".join(line for line in lines if line)
