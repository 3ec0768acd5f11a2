"""webspam in other tools' pipelines. Each module imports its tool only when imported itself,
so ``import classifier`` never needs them.

- `classifier.integrations.datatrove` (``pip install 'webspam[datatrove]'``): `WebspamCleaner`,
  a datatrove pipeline step that replaces each document's text with its article and puts the
  page verdict in its metadata, and `WebspamSpamFilter`, a datatrove filter that drops spam
  pages. Both clean documents in batches (`Cleaner.clean_many`) and load the model once per
  task, so they run the same on `LocalPipelineExecutor`, `SlurmPipelineExecutor` and
  `RayPipelineExecutor`.
- `classifier.integrations.scrapy` (``pip install 'webspam[scrapy]'``): `WebspamPipeline`, a
  Scrapy item pipeline that cleans each item's page (its HTML, or a text field), adds the
  article and the verdict to the item, and drops or tags spam pages.
"""

