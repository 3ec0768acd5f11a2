"""webspam: clean Chinese web pages. Keep the article; label and explain everything else.

    from classifier import Cleaner
    page = Cleaner.load().clean(text)
    page.text                      # the article
    page.paragraphs[0].reason      # why the first paragraph got its label
"""
import logging

from .cleaner import Cleaner, Options, Page, Paragraph
from .errors import InputError, LabeledDataError, ModelError, WebspamError
from .model import LABELS, Model
from .model_paths import default_model_path, resolve_model, shipped_model_path, user_model_path
from .paragraphs import Span, split_paragraphs

__version__ = "0.1.0"
__all__ = ["Cleaner", "Options", "Page", "Paragraph", "Model", "LABELS", "Span", "split_paragraphs",
           "default_model_path", "resolve_model", "shipped_model_path", "user_model_path",
           "WebspamError", "InputError", "ModelError", "LabeledDataError", "__version__"]

logging.getLogger(__name__).addHandler(logging.NullHandler())
