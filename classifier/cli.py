"""The `webspam` command line. Every user error is one line on stderr and exit status 2."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, List, Optional

import typer

from .errors import WebspamError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None, context_settings={"help_option_names": ["-h", "--help"]},
                  help="Clean Chinese web pages: keep the article, label the rest.")

MODEL_HELP = ("Model file (default: $WEBSPAM_MODEL, else the user model `webspam train` writes, "
              "else the shipped model; `webspam --version` says which).")
FORMATS = ("table", "jsonl")
EXIT_USER_ERROR = 2


def _fail(message: str) -> None:
    typer.echo(f"webspam: {message}", err=True)
    raise typer.Exit(EXIT_USER_ERROR)


def _cleaner(model: Optional[Path], **options):
    from . import Cleaner

    return Cleaner.load(model, **options)


REPAIR_HELP = "Repairs (on by default; each is reported in the paragraph's reason)."
RESCUE_HELP = ("When no paragraph is article, keep the likeliest run (a table of contents, short "
               "replies) instead of nothing. Off by default: on pages without an article it doubles "
               "the share that still yield text (18.4% to 37.1%, scripts/eval_rescue.py).")


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        _fail(f"--format {fmt}: unknown format; use one of {', '.join(FORMATS)}")


def _write(out: Optional[Path], text: str, inputs: List[str]) -> None:
    from .textio import safe_output

    if out is None:
        sys.stdout.write(text)
        return
    target = safe_output(out, inputs)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)


FILES_HELP = ("Page text files, - for standard input; or, for a batch run, many inputs: files, directories "
              "(recursive), globs, JSONL, WARC, WET or HTML files.")
BATCH = "Batch runs (many inputs or a record format; one JSON object per page out)"


def _batch_options(fmt, field, id_field, drop_field, paragraphs, drop_spam, jobs, unordered, max_record_bytes,
                   chunk_pages, model, **cleaner_options):
    from .batch import Options
    from .records import FORMATS as INPUT_FORMATS

    if fmt not in INPUT_FORMATS:
        _fail(f"--input-format {fmt}: unknown format; use one of {', '.join(INPUT_FORMATS)}")
    if jobs is not None and jobs < 1:
        _fail(f"--jobs {jobs}: give 1 or more")
    if drop_spam is not None and not 0 <= drop_spam <= 1:
        _fail(f"--drop-spam-pages {drop_spam}: give a spam score between 0 and 1")
    if max_record_bytes < 1 or chunk_pages < 1:
        _fail("--max-record-bytes and --chunk-pages: give 1 or more")
    return Options(fmt=fmt, text_field=field, id_field=id_field, drop_fields=tuple(drop_field), paragraphs=paragraphs,
                   drop_spam=drop_spam, jobs=jobs or 0, unordered=unordered, chunk_pages=chunk_pages,
                   max_record_bytes=max_record_bytes, model=str(model) if model else None,
                   cleaner_options=cleaner_options)


def _single_page(files, fmt, paragraphs, drop_spam, rejects, unordered) -> str | None:
    """The one page's text when the command line asks for one page, else None: a batch run
    (many inputs, a record format, or an option only a batch run has)."""
    if (len(files) != 1 or fmt in ("jsonl", "wet", "warc") or paragraphs or drop_spam is not None
            or rejects is not None or unordered):
        return None
    from .batch import single_text

    return single_text(files, fmt)


def _run_batch(files, opts, out, rejects) -> None:
    from .batch import main as batch_main

    code = batch_main(files, opts, str(out) if out is not None else None, str(rejects) if rejects else None)
    if code:
        raise typer.Exit(code)


INPUT_FORMAT_HELP = "auto (by extension, else sniffed), text, jsonl, wet, warc or html."


# Options `clean` and `score` share, declared once (typer reads the Annotated metadata).
ModelOpt = Annotated[Optional[Path], typer.Option("--model", "-m", help=MODEL_HELP)]
PinyinOpt = Annotated[bool, typer.Option("--repair-pinyin/--no-repair-pinyin", help=REPAIR_HELP)]
MojibakeOpt = Annotated[bool, typer.Option("--repair-mojibake/--no-repair-mojibake")]
GluedOpt = Annotated[bool, typer.Option("--split-glued/--no-split-glued")]
RescueOpt = Annotated[bool, typer.Option("--rescue-empty", help=RESCUE_HELP)]
InputFormatOpt = Annotated[str, typer.Option("--input-format", help=INPUT_FORMAT_HELP, rich_help_panel=BATCH)]
FieldOpt = Annotated[str, typer.Option("--field", help="JSONL: the field holding the page text.", rich_help_panel=BATCH)]
IdFieldOpt = Annotated[str, typer.Option("--id-field", help="JSONL: the field holding the page id.", rich_help_panel=BATCH)]
DropFieldOpt = Annotated[List[str], typer.Option("--drop-field", help="JSONL: a field not to pass through.",
                                                 rich_help_panel=BATCH)]
DropSpamOpt = Annotated[Optional[float], typer.Option("--drop-spam-pages", metavar="THRESHOLD", help="Leave out pages "
                                                      "whose spam score is at least THRESHOLD.", rich_help_panel=BATCH)]
JobsOpt = Annotated[Optional[int], typer.Option("--jobs", "-j", help="Worker processes (default: all cores).",
                                                rich_help_panel=BATCH)]
UnorderedOpt = Annotated[bool, typer.Option("--unordered", help="Write pages as they are done.", rich_help_panel=BATCH)]
RejectsOpt = Annotated[Optional[Path], typer.Option("--rejects", help="Write skipped records here (JSONL: source, loc, "
                                                    "cause).", rich_help_panel=BATCH)]
MaxRecordOpt = Annotated[int, typer.Option("--max-record-bytes", help="Skip larger records.", rich_help_panel=BATCH)]
ChunkPagesOpt = Annotated[int, typer.Option("--chunk-pages", hidden=True)]


@app.command()
def score(files: List[str] = typer.Argument(..., metavar="FILE", help=FILES_HELP),
          fmt: Optional[str] = typer.Option(None, "--format", "-f", help="table or jsonl (one page; default table)."),
          out: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of standard output."),
          model: ModelOpt = None,
          pinyin: PinyinOpt = True,
          mojibake: MojibakeOpt = True,
          glued: GluedOpt = True,
          rescue: RescueOpt = False,
          input_format: InputFormatOpt = "auto",
          field: FieldOpt = "text",
          id_field: IdFieldOpt = "id",
          drop_field: DropFieldOpt = [],
          paragraphs: bool = typer.Option(True, "--paragraphs/--no-paragraphs", help="Each paragraph's label, "
                                          "probs, kept, kind and reason in each page's record.", rich_help_panel=BATCH),
          drop_spam: DropSpamOpt = None,
          jobs: JobsOpt = None,
          unordered: UnorderedOpt = False,
          rejects: RejectsOpt = None,
          max_record_bytes: MaxRecordOpt = 50_000_000,
          chunk_pages: ChunkPagesOpt = 32) -> None:
    """Label every paragraph: a readable table, or one JSON object per paragraph.

    Batch run (many inputs, a directory, a glob or a record format): one JSON object per page,
    with its paragraphs (--no-paragraphs: without)."""
    cleaner_options = dict(repair_pinyin=pinyin, repair_mojibake=mojibake, split_glued=glued, rescue_empty=rescue)
    opts = _batch_options(input_format, field, id_field, drop_field, paragraphs, drop_spam, jobs, unordered,
                          max_record_bytes, chunk_pages, model, **cleaner_options)
    text = _single_page(files, input_format, False, drop_spam, rejects, unordered)
    if text is None:
        if fmt not in (None, "jsonl"):
            _fail(f"--format {fmt}: a batch run writes JSONL, one object per page")
        _run_batch(files, opts, out, rejects)
        return
    fmt = fmt or "table"
    _check_format(fmt)
    cl = _cleaner(model, **cleaner_options)
    page = cl.clean(text)
    import contextlib
    import io

    buf = io.StringIO() if out is not None else None
    with contextlib.redirect_stdout(buf) if buf is not None else contextlib.nullcontext():
        if fmt == "jsonl":
            encode = json.JSONEncoder(ensure_ascii=False).encode  # one encoder: json.dumps makes one per call
            sys.stdout.writelines(encode(p.to_dict()) + "\n" for p in page.paragraphs)
        else:
            _print_table(page, cl)
    if buf is not None:
        _write(out, buf.getvalue(), files)


COLORS = {"article": "32", "navigation": "90", "ad": "33", "spam": "31"}  # ANSI: green, grey, yellow, red
TABLE_TEXT_CHARS = 40


def _print_table(page, cl) -> None:
    """`score`'s table: one line per paragraph (a spam paragraph's label with its kind,
    "spam/promo"), then the page summary. Written line by line
    (a rich Table of 17,000 rows took 10x the time of cleaning the page); colors on a terminal."""
    tty = sys.stdout.isatty()
    out = sys.stdout
    out.write(f"{'#':<5} {'label':<10}  {'prob':>4}  {'kept':<4}  text\n")
    ruled = 0
    for p in page.paragraphs:
        start = p.text.strip().replace("\n", " ")
        probs = p.probs
        by_model = max(probs, key=probs.get) == p.label
        ruled += not by_model
        label = f"{p.label + ('/' + p.kind if p.kind else ''):<10}"  # a spam paragraph's kind: spam/promo, spam/seo
        if tty:
            label = f"\033[{COLORS[p.label]}m{label}\033[0m"
        prob = f"{probs[p.label]:.2f}" if by_model else "rule"
        text = (start[:TABLE_TEXT_CHARS] + "…") if len(start) > TABLE_TEXT_CHARS else start
        out.write(f"{p.index:<5} {label}  {prob:>4}  {'yes' if p.kept else '':<4}  {text}\n")
    counts = page.counts
    out.write(f"{len(page.paragraphs)} paragraphs: " + ", ".join(f"{v} {k}" for k, v in counts.items())
              + f"; {sum(p.kept for p in page.paragraphs)} kept\n")
    v = page.verdict
    out.write(f"page: {'spam' if v.is_spam else 'not spam'} ({v.score:.2f}); {v.reason}\n")
    if ruled:
        out.write(f"prob 'rule': {ruled} label(s) set by the segmenter or a page rule against the classifier; "
                  "`--format jsonl` gives each one's probabilities and reason\n")
    out.write(f"model: {cl.choice.describe()}\n")


@app.command()
def clean(files: List[str] = typer.Argument(..., metavar="FILE", help=FILES_HELP),
          out: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the article (batch: the JSONL) here."),
          model: ModelOpt = None,
          to_simplified: bool = typer.Option(False, "--to-simplified", help="Convert the article to simplified script."),
          pinyin: PinyinOpt = True,
          mojibake: MojibakeOpt = True,
          glued: GluedOpt = True,
          rescue: RescueOpt = False,
          input_format: InputFormatOpt = "auto",
          field: FieldOpt = "text",
          id_field: IdFieldOpt = "id",
          drop_field: DropFieldOpt = [],
          paragraphs: bool = typer.Option(False, "--paragraphs/--no-paragraphs", help="Also each paragraph's label, probs, kept, "
                                          "kind and reason.", rich_help_panel=BATCH),
          drop_spam: DropSpamOpt = None,
          jobs: JobsOpt = None,
          unordered: UnorderedOpt = False,
          rejects: RejectsOpt = None,
          max_record_bytes: MaxRecordOpt = 50_000_000,
          chunk_pages: ChunkPagesOpt = 32) -> None:
    """Print the page's article text (the kept paragraphs).

    Batch run (many inputs, a directory, a glob or a record format): one JSON object per page
    (id, url, article, spam_score, spam_kind, counts, the input's other fields), a summary on stderr."""
    cleaner_options = dict(to_simplified=to_simplified, repair_pinyin=pinyin, repair_mojibake=mojibake,
                           split_glued=glued, rescue_empty=rescue)
    opts = _batch_options(input_format, field, id_field, drop_field, paragraphs, drop_spam, jobs, unordered,
                          max_record_bytes, chunk_pages, model, **cleaner_options)
    text = _single_page(files, input_format, paragraphs, drop_spam, rejects, unordered)
    if text is None:
        _run_batch(files, opts, out, rejects)
        return
    article = _cleaner(model, **cleaner_options).clean(text).text
    _write(out, article + ("\n" if article else ""), files)


def _parse_weights(items: List[str]) -> dict:
    weights = {}
    for item in items:
        name, sep, value = item.rpartition("=")
        try:
            weights[name] = float(value)
        except ValueError:
            name = ""
        if not sep or not name:
            _fail(f"--weight {item}: expected FILE=NUMBER, e.g. new.jsonl=5")
    return weights


@app.command()
def train(labeled: List[str] = typer.Argument(..., help="LABELING.md JSONL files or directories of them."),
          out: Optional[Path] = typer.Option(None, "--output", "-o", help="Model file to write (default: the user "
                                             "model, which `clean` and `score` then use; see `webspam --version`)."),
          weight: List[str] = typer.Option([], "--weight", "-w", help="FILE=N: weight a source's pages N times."),
          keywords: List[Path] = typer.Option([], "--keywords", "-k", help="word<TAB>category file(s) to add."),
          seed: int = typer.Option(13, help="Seed of the held-out page split."),
          holdout: float = typer.Option(0.15, help="Share of pages held out for the printed figures."),
          c: Optional[float] = typer.Option(None, "--C", help="Inverse regularization strength "
                                            "(default: TrainOptions.C).")) -> None:
    """Train a model from labeled pages and print per-class figures on a held-out split."""
    from rich.console import Console

    from .keywords import read_keyword_file
    from .labeled import data_hash, file_sha256, iter_files, read_labeled, unmatched_weights, weight_of
    from .metrics import format_report
    from .train import TrainOptions, train as fit

    files = [str(f) for f in iter_files(labeled)]
    from .model_paths import user_model_path
    from .textio import safe_output

    out = out or user_model_path()

    safe_output(out, files)
    weights = _parse_weights(weight)
    for key in unmatched_weights(labeled, weights):
        _fail(f"--weight {next(w for w in weight if w.rpartition('=')[0] == key)}: no such input among the "
              "labeled files")
    pages = read_labeled(labeled, weights)
    user_kw = [kw for f in keywords for kw in read_keyword_file(f)]
    console = Console(stderr=True)
    opts = TrainOptions(seed=seed, holdout=holdout, **({} if c is None else {"C": c}))
    with console.status("training") as status:
        model, figures = fit(pages, opts, user_kw, progress=lambda msg: (status.update(msg), console.log(msg)))
    model.meta = {"data_sha256": data_hash(labeled), "files": [Path(f).name for f in files],
                  "pages": len(pages), "paragraphs": sum(len(p.texts) for p in pages), "seed": seed,
                  "C": opts.C, "holdout": holdout, "figures": figures,
                  "sources": [{"input": str(src), "files": [f.name for f in iter_files([src])],
                               "sha256": data_hash([src]) if Path(src).is_dir() else file_sha256(src),
                               "weight": weight_of(Path(src), weights)}
                              for src in labeled],
                  "page_cap": opts.page_cap, "brands": len(model.brands)}
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    if figures:
        typer.echo(f"held-out figures ({figures['held_out_pages']} pages), after the segmenter:")
        typer.echo(format_report(figures["segmented"]))
    elif holdout > 0:
        typer.echo(f"no held-out figures: {len(pages)} pages are too few to hold some out")
    if model.brands:
        typer.echo(f"brands learned from the spam paragraphs ({len(model.brands)}; a paragraph holding one is spam): "
                   + "  ".join(model.brands))
    typer.echo(f"wrote {out} ({len(pages)} pages, {model.meta['paragraphs']} paragraphs)")


@app.command()
def evaluate(labeled: List[str] = typer.Argument(..., help="LABELING.md JSONL files or directories."),
             model: ModelOpt = None,
             stages: bool = typer.Option(False, "--stages", help="Also the classifier alone and the segmenter "
                                         "alone, on the given paragraphs (no repairs, no page rules).")) -> None:
    """Per-class precision, recall, F1 and the confusion matrix of what `clean` does, on labeled pages.

    Each page's paragraphs are joined by a line end and cleaned as `webspam clean` would (split,
    repairs, classifier, segmenter, page rules); every labeled paragraph takes the label of the
    cleaned paragraph overlapping it most."""
    from .labeled import read_labeled
    from .metrics import format_report, labels_by_overlap, report
    from .train import predict_pages

    pages = read_labeled(labeled)
    cl = _cleaner(model)
    gold = [lab for p in pages for lab in p.labels]
    cleaned = cl.clean_many("\n".join(p.texts) for p in pages)
    full = [lab for p, page in zip(pages, cleaned) for lab in labels_by_overlap(p.texts, page.paragraphs)]
    typer.echo(f"{len(pages)} pages, {len(gold)} paragraphs; model {cl.choice.describe()}")
    typer.echo("the full pipeline (what `webspam clean` does):")
    typer.echo(format_report(report(gold, full)))
    if stages:
        tops, segs = predict_pages(cl.model, pages, cl.options)
        typer.echo("classifier alone:")
        typer.echo(format_report(report(gold, tops)))
        typer.echo("classifier and segmenter, without repairs and page rules:")
        typer.echo(format_report(report(gold, segs)))


@app.command()
def keywords(model: Optional[Path] = typer.Argument(None, help=MODEL_HELP),
             top: int = typer.Option(15, help="Keywords to list per label.")) -> None:
    """List the model's strongest mined and user keywords per category."""
    from .keywords import strongest
    from .model import Model
    from .model_paths import resolve_model

    m = Model.load(resolve_model(model).path)
    for cat, kws in strongest(m.keywords, top).items():
        typer.echo(f"{cat}: " + "  ".join(f"{k[0]}({k[2]:.1f})" if len(k) > 2 else f"{k[0]}(user)" for k in kws))
    if m.brands:
        typer.echo(f"brands (learned; a paragraph holding one is spam): {len(m.brands)}: " + "  ".join(m.brands))


def _page_ids(files: List[str]) -> List[str]:
    """A unique id per input file: its name without suffix, or, where two inputs share a name
    (`a/page.txt`, `b/page.txt`), the path without suffix (`a_page`, `b_page`)."""
    stems = [Path(f).stem if f != "-" else "stdin" for f in files]
    dup = {s for s in stems if stems.count(s) > 1}
    ids = [("_".join(Path(f).with_suffix("").parts).lstrip("_") if s in dup and f != "-" else s)
           for f, s in zip(files, stems)]
    seen: dict = {}
    out = []
    for i in ids:
        seen[i] = seen.get(i, 0) + 1
        out.append(i if seen[i] == 1 else f"{i}#{seen[i]}")
    return out


@app.command()
def label(files: List[str] = typer.Argument(..., help="Page text files to pre-label."),
          out: Path = typer.Option(..., "--output", "-o", help="LABELING.md JSONL file to write."),
          uncertain: float = typer.Option(0.8, help="Mark paragraphs whose top probability is below this."),
          model: Optional[Path] = typer.Option(None, "--model", "-m", help=MODEL_HELP)) -> None:
    """Write pages in the LABELING.md format, pre-filled with the model's labels, for a person to correct.

    A paragraph is marked `"check": true` when it matters and may be wrong: the model is unsure
    (top probability below --uncertain), the segmenter or a page rule overrode the classifier,
    or it is the page's head (site name, title, breadcrumb: where injected brands sit) or
    repeats a short string of the head. Each paragraph's text is the page's own, unrepaired."""
    from .textio import read_input

    cl = _cleaner(model)
    inputs = [read_input(f)[0] for f in files]
    lines, marked, total = [], 0, 0
    for f, pid, text, page in zip(files, _page_ids(files), inputs, cl.clean_many(inputs)):
        paras = []
        for p, check in zip(page.paragraphs, _worth_checking(page.paragraphs, uncertain)):
            item = {"text": text[p.start:p.end], "label": p.label, "probs": {k: round(v, 3) for k, v in p.probs.items()}}
            if check:
                item["check"] = True
                marked += 1
            paras.append(item)
        total += len(paras)
        lines.append(json.dumps({"id": pid, "source": f, "paragraphs": paras}, ensure_ascii=False))
    _write(out, "".join(line + "\n" for line in lines), files)
    typer.echo(f"wrote {out}: {len(lines)} pages, {total} paragraphs, {marked} marked \"check\"")


HEAD_PARAGRAPHS = 3  # the page's first paragraphs: site name, title, breadcrumb
HEAD_NAME_CHARS = (2, 12)  # a head paragraph this short is a name; other paragraphs holding it are marked


def _worth_checking(paragraphs, uncertain: float) -> List[bool]:
    """Which paragraphs `label` marks "check" (see its help)."""
    import re

    head = [p.text.strip() for p in paragraphs[:HEAD_PARAGRAPHS]]
    names = {re.split(r"[\s:：|_\-—·]", t)[0] for t in head}
    names = [n for n in names if HEAD_NAME_CHARS[0] <= len(n) <= HEAD_NAME_CHARS[1]]
    out = []
    for i, p in enumerate(paragraphs):
        probs = p.probs
        top = max(probs, key=probs.get)
        out.append(probs[top] < uncertain or top != p.label or i < HEAD_PARAGRAPHS
                   or (p.label != "article" or len(p.text) < 80) and any(n in p.text for n in names))
    return out


@app.command()
def guide() -> None:
    """Print the labeling guide: the four labels, how to decide, spam kinds, the file format."""
    from importlib import resources

    packaged = Path(str(resources.files("classifier"))) / "LABELING.md"
    path = packaged if packaged.exists() else Path(__file__).resolve().parent.parent / "LABELING.md"
    typer.echo(path.read_text(encoding="utf-8"), nl=False)


@app.command()
def check(labeled: List[str] = typer.Argument(..., help="LABELING.md JSONL files or directories.")) -> None:
    """Count pages and paragraphs per file, label and script; report every problem with file:line."""
    from .labeled import check_labeled

    counts, problems = check_labeled(labeled)
    header = f"{'file':<26}{'pages':>6}{'paras':>7}" + "".join(f"{c[:5]:>7}" for c in ("article", "navigation", "ad", "spam")) + f"{'simp':>7}{'trad':>7}"
    typer.echo(header)
    tot = {"pages": 0, "paragraphs": 0}
    from collections import Counter

    labs, scripts = Counter(), Counter()
    for name, c in counts.items():
        typer.echo(f"{name:<26}{c['pages']:>6}{c['paragraphs']:>7}" + "".join(f"{c['labels'][k]:>7}" for k in ("article", "navigation", "ad", "spam"))
                   + f"{c['script']['simplified']:>7}{c['script']['traditional']:>7}")
        tot["pages"] += c["pages"]
        tot["paragraphs"] += c["paragraphs"]
        labs.update(c["labels"])
        scripts.update(c["script"])
    typer.echo(f"{'total':<26}{tot['pages']:>6}{tot['paragraphs']:>7}" + "".join(f"{labs[k]:>7}" for k in ("article", "navigation", "ad", "spam"))
               + f"{scripts['simplified']:>7}{scripts['traditional']:>7}")
    for p in problems:
        typer.echo(p)
    if problems:
        typer.echo(f"webspam: {len(problems)} problem(s) found", err=True)
        raise typer.Exit(1)


def _version(value: bool) -> None:
    if not value:
        return
    from . import __version__
    from .model_paths import resolve_model

    typer.echo(f"webspam {__version__}")
    try:
        typer.echo(f"model: {resolve_model().describe()}")
    except WebspamError as exc:
        typer.echo(f"model: {exc}")
    raise typer.Exit()


@app.callback()
def _options(version: bool = typer.Option(False, "--version", "-V", callback=_version, is_eager=True,
                                          help="Print the version and the model in use, then exit.")) -> None:
    """Clean Chinese web pages: keep the article, label the rest."""


def main() -> None:
    """The `webspam` command. Usage errors are typer's own (usage, one line, exit status 2);
    errors a user can fix in the input are one `webspam: ...` line, exit status 2."""
    try:
        app(prog_name="webspam")
    except WebspamError as exc:
        typer.echo(f"webspam: {exc}", err=True)
        sys.exit(EXIT_USER_ERROR)
    except KeyboardInterrupt:
        typer.echo("webspam: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:  # `webspam score big.txt | head`: stop quietly
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(0)


if __name__ == "__main__":
    main()
