"""HTML to page text: the one place where webspam turns markup into the text it cleans.

A page's full visible text, as a crawler's naive dump would give it (the dev set's `text` field
was made the same way): resiliparse's `extract_plain_text` over the whole page
(``main_content=False``: the cleaner, not the extractor, decides what is article), keeping line
structure (``preserve_formatting``) and list bullets (menus read as ``  • item`` lines), without
alt texts, link targets, form fields or <noscript>. The page's ``<title>`` is the first line, as
it is the first thing a reader sees and where injected brands often sit.

resiliparse is an optional dependency (``pip install webspam[html]``); `html_to_text` raises
InputError with that hint when it is missing.
"""
from __future__ import annotations

from .errors import InputError

EXTRACT_OPTIONS = dict(main_content=False, preserve_formatting=True, list_bullets=True, alt_texts=False,
                       links=False, form_fields=False, noscript=False)
MISSING = "HTML input needs resiliparse: pip install 'webspam[html]'"


def _resiliparse():
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree
    except ImportError:
        raise InputError(MISSING) from None
    return HTMLTree, extract_plain_text


def available() -> bool:
    try:
        _resiliparse()
    except InputError:
        return False
    return True


def html_to_text(html: str) -> str:
    """The page's visible text, its title first; "" for a page without text."""
    tree_type, extract = _resiliparse()
    tree = tree_type.parse(html)
    body = extract(tree, **EXTRACT_OPTIONS).strip("\n")
    title = " ".join((tree.title or "").split())
    if title and not body.lstrip().startswith(title):
        return f"{title}\n{body}" if body else title
    return body
