"""webspam as a Scrapy item pipeline (``pip install 'webspam[scrapy]'``).

In settings.py::

    ITEM_PIPELINES = {"classifier.integrations.scrapy.WebspamPipeline": 300}
    WEBSPAM_MODE = "drop"        # or "tag": keep spam items, marked spam=True
    WEBSPAM_THRESHOLD = 0.5      # a page is spam from this score on

and in the spider, put the page's HTML in the item::

    def parse(self, response):
        yield {"url": response.url, "html": response.text}

`WebspamPipeline` turns the HTML into text (`classifier.html.html_to_text`: resiliparse, the
title first), cleans it, and adds to the item ``article`` (the kept text), ``spam_score``,
``spam_kind`` (gambling, lottery, adult, seo or None) and ``spam`` (the score reached the
threshold). In ``drop`` mode a spam page raises `DropItem` (Scrapy counts it in
``item_dropped_count`` and ``item_dropped_reasons_count/DropItem``); in ``tag`` mode it goes on
with ``spam=True``. An item without the page field passes through untouched.

Settings:
    WEBSPAM_HTML_FIELD   item field holding the page's HTML (default ``"html"``).
    WEBSPAM_FIELD        item field holding the page's text instead (no HTML conversion);
                         when set, it is used and WEBSPAM_HTML_FIELD is ignored.
    WEBSPAM_MODE         ``"drop"`` (default) or ``"tag"``.
    WEBSPAM_THRESHOLD    spam score from which a page is spam (default 0.5).
    WEBSPAM_KEEP_HTML    keep the HTML field in the item (default True; False removes it once
                         cleaned, so feeds do not store every page twice).
    WEBSPAM_MODEL        a webspam model file (default: `classifier.model_paths.resolve_model`).

Items may be dicts or any item type `itemadapter` supports; a `scrapy.Item` must declare the
fields ``article``, ``spam_score``, ``spam_kind`` and ``spam``. The model is loaded once, when
the pipeline is built.
"""
from __future__ import annotations

from typing import Any

from itemadapter import ItemAdapter
from scrapy.exceptions import DropItem, NotConfigured

from ..cleaner import Cleaner, Page
from ..html import html_to_text

MODES = ("drop", "tag")


class WebspamPipeline:
    """Clean each item's page and drop or tag spam pages (see the module's doc)."""

    def __init__(self, cleaner: Cleaner, field: str | None = None, html_field: str = "html", mode: str = "drop",
                 threshold: float = 0.5, keep_html: bool = True, stats=None):
        if mode not in MODES:
            raise NotConfigured(f"WEBSPAM_MODE must be one of {', '.join(MODES)}, not {mode!r}")
        if not 0.0 <= threshold <= 1.0:
            raise NotConfigured(f"WEBSPAM_THRESHOLD must be between 0 and 1, not {threshold!r}")
        self.cleaner, self.field, self.html_field = cleaner, field, html_field
        self.mode, self.threshold, self.keep_html, self.stats = mode, threshold, keep_html, stats

    @classmethod
    def from_crawler(cls, crawler) -> "WebspamPipeline":
        s = crawler.settings
        return cls(Cleaner.load(s.get("WEBSPAM_MODEL") or None),
                   field=s.get("WEBSPAM_FIELD") or None,
                   html_field=s.get("WEBSPAM_HTML_FIELD") or "html",
                   mode=str(s.get("WEBSPAM_MODE") or "drop").lower(),
                   threshold=s.getfloat("WEBSPAM_THRESHOLD", 0.5),
                   keep_html=s.getbool("WEBSPAM_KEEP_HTML", True),
                   stats=crawler.stats)

    def _count(self, key: str) -> None:
        if self.stats is not None:
            self.stats.inc_value(f"webspam/{key}")

    def page_of(self, adapter: ItemAdapter) -> Page | None:
        """The item's page cleaned, or None when it has no page field."""
        if self.field:
            text = adapter.get(self.field)
        else:
            html = adapter.get(self.html_field)
            if html is None:
                return None
            if isinstance(html, bytes):
                html = html.decode("utf-8", errors="replace")
            text = html_to_text(html)
            if not self.keep_html:
                del adapter[self.html_field]
        if text is None:
            return None
        return self.cleaner.clean(text if isinstance(text, str) else str(text))

    def process_item(self, item: Any, spider=None) -> Any:
        adapter = ItemAdapter(item)
        page = self.page_of(adapter)
        if page is None:
            self._count("no_page")
            return item
        v = page.verdict
        spam = v.score >= self.threshold
        adapter["article"] = page.text
        adapter["spam_score"] = float(v.score)
        adapter["spam_kind"] = v.kind
        adapter["spam"] = spam
        self._count("pages")
        if spam:
            self._count(f"spam/{v.kind or 'spam'}")
            if self.mode == "drop":
                raise DropItem(f"webspam: spam page (score {v.score:.2f}, {v.reason})")
        return item
