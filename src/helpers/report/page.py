"""One self-contained HTML page from the template: the table of contents, no network resources."""

from __future__ import annotations

import html
import re
from pathlib import Path

from helpers.core.formatting import LABELS, Language

__all__ = [
    "render_page",
    "NetworkResourceError",
]


TEMPLATES = Path(__file__).parent / "templates"


class NetworkResourceError(RuntimeError):
    """An exported page would load something from the network."""


# ----------------------------------------------------------------------------- export
_HEADING = re.compile(r'<h([23]) id="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")
_REMOTE = re.compile(
    r"""(?:\bsrc|<link[^>]*\bhref|@import\s+url\(|url\()\s*=?\s*["']?\s*(?:https?:)?//""", re.I
)


def _toc(body: str) -> list[dict[str, str]]:
    items = []
    for level, anchor, inner in _HEADING.findall(body):
        text = html.unescape(_TAG.sub("", inner)).replace("¶", "").strip()
        items.append({"level": level, "id": anchor, "text": text})
    return items


def render_page(
    body: str,
    *,
    title: str,
    language: Language = "id",
    toc: bool = True,
    synthetic: bool = False,
    crumbs: bool = True,
) -> str:
    """Wrap an HTML body in the project's offline page (autoescaped Jinja, inline CSS)."""
    import jinja2

    from helpers import __version__

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=jinja2.select_autoescape(["html", "j2"]),
    )
    page = env.get_template("page.html.j2").render(
        lang=language,
        title=title,
        body=body,
        toc=_toc(body) if toc else [],
        css=(TEMPLATES / "report.css").read_text(encoding="utf-8"),
        labels=LABELS[language],
        synthetic=synthetic,
        crumbs=crumbs,
        version=__version__,
    )
    if _REMOTE.search(page):
        raise NetworkResourceError(
            f"page {title!r} would load a resource from the network: "
            f"{_REMOTE.search(page).group(0)!r}"
        )
    return page
