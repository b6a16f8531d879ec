"""Lay out report text as the inspectorate's web pages do, for tests and benchmarks.

``page_html(text, title)`` gives a page in the shape of the inspectorate's WordPress
site, as a browser saves it: a cookie banner, a "Skip to content" link, a header with
the site's navigation and search, breadcrumbs, a consultation banner, the report in
``<main>`` (its headings, paragraphs and lists), an aside ("Related reports", share
links) and a footer. The report's words are kept exactly; only its layout becomes
markup. A text that stops mid-sentence (an excerpt) gives a page cut off there, as an
interrupted download is. Which line is a heading, a paragraph or a list item is decided from the text's
lines, as a page's author would have marked them:

- a line with a list marker ("•", "- ", "– ", "o " before a capital) is a list item, and
  consecutive items are one list; an indented line after an item continues it;
- a short line (at most 12 words) that does not end a sentence, or a one-sentence
  question, is a heading (the first one the page's ``<h1>``), unless it is a grade, a
  question number or the last, cut-off line of an excerpt;
- anything else is a paragraph; a long line that does not end a sentence runs on into
  the line right after it, unless that is a question, a grade, a number or a date (as
  the text reader joins them).

``FURNITURE`` holds what the page adds around the report, so tests can check none of it
is read as report text. Helper scripts render these pages to PDF too, so the markup is
plain HTML5 with a small inline stylesheet.
"""
from __future__ import annotations

import html
import re

_BULLET = re.compile(r"^\s*(?:[•●▪◦○■➢►]\s*|[*–-]\s+|o\s+(?=[A-Z‘“]))(?=\S)")
_ENDS = re.compile(r"(?:[.!?:;]|;\s+(?:and|or))[\"'’”)\]]*$")
_GRADE = re.compile(r"^(?:outstanding|good|adequate|requires improvement|inadequate|not graded|to be graded)$",
                    re.IGNORECASE)
_NUMBER = re.compile(r"^\d{1,2}$")
_DATE = re.compile(r"^(?:last updated|published on|sent on)\b", re.IGNORECASE)
_SKIP = re.compile(r"^skip to (?:main )?content$", re.IGNORECASE)

#: Text the page adds around the report: none of it is the report's.
FURNITURE = (
    "This website uses cookies to remember your settings and to understand how the site is used",
    "Accept all cookies",
    "Reject optional cookies",
    "Skip to content",
    "His Majesty's Inspectorate of Constabulary and Fire & Rescue Services",
    "Our inspections",
    "Publications",
    "Police forces",
    "About us",
    "Search this website",
    "PEEL assessments",
    "Have your say on our inspection programme: the consultation closes soon",
    "Related reports",
    "Police effectiveness, efficiency and legitimacy: national overview",
    "State of policing: the annual assessment",
    "Share this page",
    "Share on X",
    "Share on Facebook",
    "Share on LinkedIn",
    "Share by email",
    "Privacy notice",
    "Accessibility statement",
    "Freedom of information",
    "All content is available under the Open Government Licence v3.0",
)

_STYLE = """
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 11pt; line-height: 1.4; margin: 0; }
.cookie-banner, .site-header, .breadcrumbs, .notice, .site-footer, aside { font-size: 9pt; color: #444; }
main { margin: 1em 2em; } h1 { font-size: 20pt; } h2 { font-size: 15pt; } h3 { font-size: 12.5pt; }
ul.share-links, nav ul { list-style: none; padding: 0; } nav li, ul.share-links li { display: inline; margin-right: 1em; }
.screen-reader-text { position: absolute; left: -9999px; }
"""


def page_html(text: str, title: str, *, main: bool = True, share_in_article: bool = True) -> str:
    """``text`` (a report's page as saved text) laid out as one of the inspectorate's web pages.

    ``title`` is the page's ``<title>`` (the browser tab's text, ending in the site's name).
    Without ``main`` the report sits in a plain ``<div>`` (older themes have no ``<main>``);
    ``share_in_article`` puts a second list of share links at the foot of the article, where
    WordPress share plugins put theirs.
    """
    body = "\n".join(_blocks(text))
    share = _share_links() if share_in_article else ""
    article = (f'<article id="post-1" class="post-1 page type-page status-publish">\n'
               f'<div class="entry-content">\n{body}\n{share}</div>\n</article>')
    content = (f'<main id="content" class="site-main">\n{article}\n</main>' if main
               else f'<div id="content" class="site-content">\n{article}\n</div>')
    f = FURNITURE
    page = f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="https://hmicfrs.justiceinspectorates.gov.uk/wp-content/themes/hmicfrs/style.css">
<style>{_STYLE}</style>
<script>window.dataLayer = window.dataLayer || []; function gtag(){{dataLayer.push(arguments);}}</script>
</head>
<body class="page-template-default page">
<div id="cookie-notice" class="cookie-banner" role="dialog" aria-label="Cookies on this website">
<p>{f[0]}.</p>
<button type="button">{f[1]}</button> <button type="button">{f[2]}</button>
</div>
<a class="skip-link screen-reader-text" href="#content">{f[3]}</a>
<header id="masthead" class="site-header" role="banner">
<p class="site-title"><a href="/" rel="home">{html.escape(f[4])}</a></p>
<nav id="site-navigation" class="main-navigation" aria-label="Main menu">
<ul id="primary-menu" class="menu">
<li><a href="/our-work/">{f[5]}</a></li>
<li><a href="/publications/">{f[6]}</a></li>
<li><a href="/police-forces/">{f[7]}</a></li>
<li><a href="/about-us/">{f[8]}</a></li>
</ul>
</nav>
<form role="search" method="get" class="search-form" action="/">
<label><span class="screen-reader-text">{f[9]}</span><input type="search" name="s" placeholder="{f[9]}"></label>
</form>
</header>
<nav class="breadcrumbs" aria-label="Breadcrumb">
<a href="/">Home</a> &rsaquo; <a href="/peel-assessments/">{f[10]}</a> &rsaquo; <span>{html.escape(title)}</span>
</nav>
<div class="notice consultation-banner" role="alert">
<p><a href="/consultation/">{f[11]}</a></p>
</div>
<div id="page" class="site">
{content}
<aside id="secondary" class="widget-area" role="complementary">
<section class="widget related-reports">
<h2 class="widget-title">{f[12]}</h2>
<ul>
<li><a href="/publications/peel-national-overview/">{f[13]}</a></li>
<li><a href="/publications/state-of-policing/">{f[14]}</a></li>
</ul>
</section>
{_share_links()}
</aside>
</div>
<footer id="colophon" class="site-footer" role="contentinfo">
<ul class="footer-links">
<li><a href="/privacy-notice/">{f[20]}</a></li>
<li><a href="/accessibility/">{f[21]}</a></li>
<li><a href="/foi/">{f[22]}</a></li>
</ul>
<p>{f[23]}, except where otherwise stated. &copy; Crown copyright</p>
</footer>
<script src="https://hmicfrs.justiceinspectorates.gov.uk/wp-includes/js/wp-embed.min.js"></script>
</body>
</html>
"""
    if text.endswith(("\n", "\r")) or not body:
        return page
    # An excerpt that stops mid-sentence is a page whose download stopped there: its
    # markup ends with the last words it has.
    last = html.escape(units(text)[-1][1], quote=False)
    return page[:page.rindex(last) + len(last)]


def _share_links() -> str:
    f = FURNITURE
    url = "https%3A%2F%2Fhmicfrs.justiceinspectorates.gov.uk%2Fpeel"
    return f"""<div class="share-this">
<h3 class="share-title">{f[15]}</h3>
<ul class="share-links">
<li><a href="https://twitter.com/intent/tweet?url={url}">{f[16]}</a></li>
<li><a href="https://www.facebook.com/sharer/sharer.php?u={url}">{f[17]}</a></li>
<li><a href="https://www.linkedin.com/shareArticle?mini=true&amp;url={url}">{f[18]}</a></li>
<li><a href="mailto:?subject=PEEL&amp;body={url}">{f[19]}</a></li>
</ul>
</div>
"""


def units(text: str) -> list[tuple[str, str]]:
    """The report text as ``(kind, text)``: kind "h1", "h2", "h3", "p" or "li" (consecutive
    items are one list); the "Skip to content" line is left to the page's own link."""
    raws = text.splitlines()
    cut = not text.endswith(("\n", "\r"))  # an excerpt that stops mid-sentence: its last line is prose
    last = max((k for k, raw in enumerate(raws) if raw.strip()), default=-1)
    out: list[list[str]] = []
    titled = False
    for k, raw in enumerate(raws):
        line = raw.strip(" \t\xa0\u200b\ufeff")
        if not line or _SKIP.match(line):
            continue
        previous = out[-1] if out else None
        if _BULLET.match(raw) and len(line) > 2:
            out.append(["li", _BULLET.sub("", raw, count=1).strip()])
            continue
        if previous and previous[0] == "li" and raw[:1].isspace():
            previous[1] += " " + line  # a list item wrapped onto an indented line
            continue
        words = len(line.split())
        question = line.endswith("?") and words <= 40 and ". " not in line
        own = _GRADE.match(" ".join(line.split())) or _NUMBER.match(line) or _DATE.match(line)
        if previous and previous[0] == "p" and len(previous[1]) >= 60 and not _ENDS.search(previous[1]) \
                and raws[k - 1].strip() and not (question or own):
            previous[1] += " " + line  # a long line that does not end runs on into the next
            continue
        heading = ((words <= 12 and not _ENDS.search(line)) or question) and not (own or (cut and k == last))
        if heading:
            out.append(["h2" if question else "h3" if titled else "h1", line])
            titled = True
        else:
            out.append(["p", line])
    return [(kind, said) for kind, said in out]


def _blocks(text: str) -> list[str]:
    blocks: list[str] = []
    in_list = False
    for kind, said in units(text):
        if kind == "li":
            if not in_list:
                blocks.append('<ul class="wp-block-list">')
                in_list = True
            blocks.append(f"<li>{html.escape(said, quote=False)}</li>")
            continue
        if in_list:
            blocks.append("</ul>")
            in_list = False
        blocks.append(f"<{kind}>{html.escape(said, quote=False)}</{kind}>")
    if in_list:
        blocks.append("</ul>")
    return blocks
