"""webspam as datatrove pipeline steps (``pip install 'webspam[datatrove]'``).

    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import JsonlReader
    from datatrove.pipeline.writers import JsonlWriter
    from classifier.integrations.datatrove import WebspamCleaner, WebspamSpamFilter

    LocalPipelineExecutor(pipeline=[
        JsonlReader("pages/"),                         # one page's text per document
        WebspamCleaner(),                              # text -> article; verdict -> metadata
        WebspamSpamFilter(threshold=0.5, exclusion_writer=JsonlWriter("spam/")),
        JsonlWriter("clean/"),
    ], tasks=8, workers=2, logging_dir="logs/").run()

`WebspamCleaner` replaces each document's text with the article webspam keeps and writes the
page verdict into its metadata (`METADATA_KEYS`). `WebspamSpamFilter` drops pages whose spam
score reaches its threshold, with the reason ``webspam_<kind>`` (datatrove counts
``dropped_webspam_gambling`` ... in the step's stats and, with an exclusion writer, stores it as
the dropped document's ``filter_reason``). After a `WebspamCleaner` the filter reads the
verdict from the metadata (the page is cleaned once); alone, it cleans the pages itself and
leaves their text as it was.

Both steps clean documents in batches through `Cleaner.clean_many` and load the model once
per task, when the task starts (never when the pipeline is built or pickled for a worker),
so the same pipeline runs on `SlurmPipelineExecutor` and `RayPipelineExecutor`. The model is
``model`` (a path) when given, else the one `classifier.model_paths.resolve_model` names
($WEBSPAM_MODEL, the user model, the shipped model) on the machine running the task.
"""
from __future__ import annotations

from typing import Any

from datatrove.data import Document, DocumentsPipeline
from datatrove.pipeline.base import PipelineStep
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.writers.disk_base import DiskWriter
from datatrove.utils.batching import batched
from datatrove.utils.typeshelper import StatHints

from ..cleaner import Cleaner, Page

BATCH_SIZE = 64  # documents cleaned together (`Cleaner.clean_many` groups them by characters too)
PREFIX = "webspam_"
# what `annotate` writes into a document's metadata
METADATA_KEYS = ("webspam_spam_score", "webspam_spam_kind", "webspam_spam_form", "webspam_spam_reason",
                 "webspam_counts")


def annotate(doc: Document, page: Page) -> None:
    """Write `page`'s verdict and label counts into `doc.metadata` (`METADATA_KEYS`)."""
    v = page.verdict
    doc.metadata.update({
        "webspam_spam_score": float(v.score),
        "webspam_spam_kind": v.kind,
        "webspam_spam_form": v.form,
        "webspam_spam_reason": v.reason,
        "webspam_counts": page.counts,
    })


class _UsesCleaner:
    """A step holding a `Cleaner`, loaded when first needed in a task and never pickled."""

    model: str | None
    options: dict[str, Any]
    _cleaner: Cleaner | None = None

    @property
    def cleaner(self) -> Cleaner:
        if self._cleaner is None:
            self._cleaner = Cleaner.load(self.model, **self.options)
        return self._cleaner

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_cleaner", None)  # each task loads its own (the model is not shipped with the step)
        return state


class WebspamCleaner(_UsesCleaner, PipelineStep):
    """Replace each document's text with its article (`Page.text`) and put the page verdict
    in its metadata (`annotate`).

    Args:
        model: a webspam model file; default: the one `resolve_model` names where the task runs.
        batch_size: documents cleaned together.
        drop_empty: drop documents left without article text (stat ``dropped_webspam_empty``)
            instead of passing them on with empty text.
        keep_original: keep the page's text in ``metadata["webspam_original_text"]``.
        options: `classifier.Options` fields, e.g. ``{"to_simplified": True}``.
    """

    name = "🧹 webspam cleaner"
    type = "✂️ - FORMAT"

    def __init__(self, model: str | None = None, batch_size: int = BATCH_SIZE, drop_empty: bool = False,
                 keep_original: bool = False, options: dict[str, Any] | None = None):
        super().__init__()
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.model = None if model is None else str(model)
        self.batch_size = batch_size
        self.drop_empty = drop_empty
        self.keep_original = keep_original
        self.options = dict(options or {})

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        if not data:
            return
        cleaner = self.cleaner
        for batch in batched(data, self.batch_size):
            self.stat_update("batches")
            with self.track_time("batch"):
                pages = list(cleaner.clean_many([doc.text for doc in batch]))
            for doc, page in zip(batch, pages):
                self.stat_update(StatHints.total)
                annotate(doc, page)
                if page.verdict.is_spam:
                    self.stat_update("spam_pages")
                if self.keep_original:
                    doc.metadata["webspam_original_text"] = doc.text
                doc.text = page.text
                if self.drop_empty and not doc.text:
                    self.stat_update(StatHints.dropped, "dropped_webspam_empty")
                    continue
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc


class WebspamSpamFilter(_UsesCleaner, BaseFilter):
    """Drop spam pages: those whose webspam score is at least `threshold`. The reason is
    ``webspam_<kind>`` (``webspam_gambling``, ``webspam_lottery``, ``webspam_adult``,
    ``webspam_seo``, or ``webspam_spam`` when the verdict names no kind).

    A document that a `WebspamCleaner` has annotated is judged by its metadata; any other is
    cleaned here (its text unchanged) and annotated, so that dropped documents written by the
    exclusion writer carry their verdict.

    Args:
        threshold: the spam score from which a page is dropped.
        exclusion_writer: where dropped documents go (with ``metadata["filter_reason"]``).
        model, batch_size, options: as for `WebspamCleaner`.
    """

    name = "🚯 webspam spam filter"

    def __init__(self, threshold: float = 0.5, exclusion_writer: DiskWriter | None = None,
                 model: str | None = None, batch_size: int = BATCH_SIZE, options: dict[str, Any] | None = None):
        super().__init__(exclusion_writer=exclusion_writer, batch_size=batch_size)
        if not 0.0 <= threshold <= 1.0:
            raise ValueError("threshold must be between 0 and 1")
        self.threshold = threshold
        self.model = None if model is None else str(model)
        self.options = dict(options or {})

    def _judge(self, doc: Document) -> bool | tuple[bool, str]:
        score = doc.metadata["webspam_spam_score"]
        if score >= self.threshold:
            return False, f"webspam_{doc.metadata.get('webspam_spam_kind') or 'spam'}"
        return True

    def filter(self, doc: Document) -> bool | tuple[bool, str]:
        return self.filter_batch([doc])[0]

    def filter_batch(self, batch: list[Document]) -> list[bool | tuple[bool, str]]:
        todo = [doc for doc in batch if doc.metadata.get("webspam_spam_score") is None]
        if todo:
            for doc, page in zip(todo, self.cleaner.clean_many([doc.text for doc in todo])):
                annotate(doc, page)
        return [self._judge(doc) for doc in batch]
