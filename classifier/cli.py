"""The `webspam` command line. Every user error is one line on stderr and exit status 2."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .errors import WebspamError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  rich_markup_mode=None, help="Clean Chinese web pages: keep the article, label the rest.")

MODEL_HELP = "Model file (default: the shipped model)."
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


@app.command()
def score(file: str = typer.Argument(..., help="Page text file, or - for standard input."),
          fmt: str = typer.Option("table", "--format", "-f", help="table or jsonl."),
          model: Optional[Path] = typer.Option(None, "--model", "-m", help=MODEL_HELP),
          pinyin: bool = typer.Option(True, "--repair-pinyin/--no-repair-pinyin", help=REPAIR_HELP),
          mojibake: bool = typer.Option(True, "--repair-mojibake/--no-repair-mojibake"),
          glued: bool = typer.Option(True, "--split-glued/--no-split-glued"),
          rescue: bool = typer.Option(False, "--rescue-empty", help=RESCUE_HELP)) -> None:
    """Label every paragraph: a readable table, or one JSON object per paragraph."""
    from .textio import read_input

    _check_format(fmt)
    text, _ = read_input(file)
    page = _cleaner(model, repair_pinyin=pinyin, repair_mojibake=mojibake, split_glued=glued,
                    rescue_empty=rescue).clean(text)
    if fmt == "jsonl":
        out = sys.stdout
        for p in page.paragraphs:
            out.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
        return
    from rich.console import Console
    from rich.table import Table

    colors = {"article": "green", "navigation": "bright_black", "ad": "yellow", "spam": "red"}
    table = Table(box=None, pad_edge=False, show_edge=False)
    for col in ("#", "label", "prob", "kept", "text"):
        table.add_column(col, no_wrap=col != "text", overflow="ellipsis")
    for p in page.paragraphs:
        start = p.text.strip().replace("\n", " ")
        table.add_row(str(p.index), f"[{colors[p.label]}]{p.label}[/]", f"{p.probs[p.label]:.2f}",
                      "yes" if p.kept else "", (start[:40] + "…") if len(start) > 40 else start)
    console = Console(soft_wrap=False, width=None if sys.stdout.isatty() else 120, highlight=False)
    console.print(table)
    counts = page.counts
    console.print(f"{len(page.paragraphs)} paragraphs: " + ", ".join(f"{v} {k}" for k, v in counts.items())
                  + f"; {sum(p.kept for p in page.paragraphs)} kept")


@app.command()
def clean(file: str = typer.Argument(..., help="Page text file, or - for standard input."),
          out: Optional[Path] = typer.Option(None, "--output", "-o", help="Write the article here."),
          model: Optional[Path] = typer.Option(None, "--model", "-m", help=MODEL_HELP),
          to_simplified: bool = typer.Option(False, "--to-simplified", help="Convert the article to simplified script."),
          pinyin: bool = typer.Option(True, "--repair-pinyin/--no-repair-pinyin", help=REPAIR_HELP),
          mojibake: bool = typer.Option(True, "--repair-mojibake/--no-repair-mojibake"),
          glued: bool = typer.Option(True, "--split-glued/--no-split-glued"),
          rescue: bool = typer.Option(False, "--rescue-empty", help=RESCUE_HELP)) -> None:
    """Print the page's article text (the kept paragraphs)."""
    from .textio import read_input

    text, _ = read_input(file)
    article = _cleaner(model, to_simplified=to_simplified, repair_pinyin=pinyin, repair_mojibake=mojibake,
                       split_glued=glued, rescue_empty=rescue).clean(text).text
    _write(out, article + ("\n" if article else ""), [file])


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
          out: Path = typer.Option(Path("models/webspam.npz"), "--output", "-o", help="Model file to write."),
          weight: List[str] = typer.Option([], "--weight", "-w", help="FILE=N: weight a source's pages N times."),
          keywords: List[Path] = typer.Option([], "--keywords", "-k", help="word<TAB>category file(s) to add."),
          seed: int = typer.Option(13, help="Seed of the held-out page split."),
          holdout: float = typer.Option(0.15, help="Share of pages held out for the printed figures."),
          c: Optional[float] = typer.Option(None, "--C", help="Inverse regularization strength "
                                            "(default: TrainOptions.C).")) -> None:
    """Train a model from labeled pages and print per-class figures on a held-out split."""
    from rich.console import Console

    from .keywords import read_keyword_file
    from .labeled import data_hash, iter_files, read_labeled
    from .metrics import format_report
    from .train import TrainOptions, train as fit

    files = [str(f) for f in iter_files(labeled)]
    from .textio import safe_output

    safe_output(out, files)
    pages = read_labeled(labeled, _parse_weights(weight))
    user_kw = [kw for f in keywords for kw in read_keyword_file(f)]
    console = Console(stderr=True)
    opts = TrainOptions(seed=seed, holdout=holdout, **({} if c is None else {"C": c}))
    with console.status("training") as status:
        model, figures = fit(pages, opts, user_kw, progress=lambda msg: (status.update(msg), console.log(msg)))
    model.meta = {"data_sha256": data_hash(labeled), "files": [Path(f).name for f in files],
                  "pages": len(pages), "paragraphs": sum(len(p.texts) for p in pages), "seed": seed,
                  "C": opts.C, "holdout": holdout, "figures": figures}
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    if figures:
        typer.echo(f"held-out figures ({figures['held_out_pages']} pages), after the segmenter:")
        typer.echo(format_report(figures["segmented"]))
    typer.echo(f"wrote {out} ({len(pages)} pages, {model.meta['paragraphs']} paragraphs)")


@app.command()
def evaluate(labeled: List[str] = typer.Argument(..., help="LABELING.md JSONL files or directories."),
             model: Optional[Path] = typer.Option(None, "--model", "-m", help=MODEL_HELP)) -> None:
    """Per-class precision, recall, F1 and the confusion matrix on labeled pages."""
    from .labeled import read_labeled
    from .metrics import format_report, report
    from .train import predict_pages

    pages = read_labeled(labeled)
    cl = _cleaner(model)
    gold = [lab for p in pages for lab in p.labels]
    tops, segs = predict_pages(cl.model, pages, cl.options)
    typer.echo(f"{len(pages)} pages, {len(gold)} paragraphs")
    typer.echo("classifier alone:")
    typer.echo(format_report(report(gold, tops)))
    typer.echo("after the segmenter:")
    typer.echo(format_report(report(gold, segs)))


@app.command()
def keywords(model: Optional[Path] = typer.Argument(None, help="Model file (default: the shipped model)."),
             top: int = typer.Option(15, help="Keywords to list per label.")) -> None:
    """List the model's strongest mined and user keywords per category."""
    from .keywords import strongest
    from .model import Model
    from .cleaner import default_model_path

    m = Model.load(model or default_model_path())
    for cat, kws in strongest(m.keywords, top).items():
        typer.echo(f"{cat}: " + "  ".join(f"{k[0]}({k[2]:.1f})" if len(k) > 2 else f"{k[0]}(user)" for k in kws))


@app.command()
def label(files: List[str] = typer.Argument(..., help="Page text files to pre-label."),
          out: Path = typer.Option(..., "--output", "-o", help="LABELING.md JSONL file to write."),
          uncertain: float = typer.Option(0.8, help="Mark paragraphs whose top probability is below this."),
          model: Optional[Path] = typer.Option(None, "--model", "-m", help=MODEL_HELP)) -> None:
    """Write pages in the LABELING.md format, pre-filled with the model's labels, for a person to correct."""
    from .textio import read_input

    cl = _cleaner(model)
    lines, marked, total = [], 0, 0
    for f, page in zip(files, cl.clean_many(read_input(f)[0] for f in files)):
        paras = []
        for p in page.paragraphs:
            item = {"text": p.text, "label": p.label, "probs": {k: round(v, 3) for k, v in p.probs.items()}}
            if max(p.probs.values()) < uncertain:
                item["check"] = True
                marked += 1
            paras.append(item)
        total += len(paras)
        lines.append(json.dumps({"id": Path(f).stem if f != "-" else "stdin", "source": f, "paragraphs": paras},
                                ensure_ascii=False))
    _write(out, "".join(line + "\n" for line in lines), files)
    typer.echo(f"wrote {out}: {len(lines)} pages, {total} paragraphs, {marked} marked \"check\" (least certain)")


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


def main() -> None:
    try:
        code = app(standalone_mode=False)  # click returns (not raises) Exit codes in this mode
        if isinstance(code, int) and code:
            sys.exit(code)
    except WebspamError as exc:
        typer.echo(f"webspam: {exc}", err=True)
        sys.exit(EXIT_USER_ERROR)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        typer.echo("webspam: interrupted", err=True)
        sys.exit(130)
    except BrokenPipeError:
        sys.stderr.close()
        sys.exit(0)
    except Exception as exc:  # click usage errors and the like
        import click

        if isinstance(exc, click.exceptions.ClickException):
            typer.echo(f"webspam: {exc.format_message()}", err=True)
            sys.exit(EXIT_USER_ERROR)
        if isinstance(exc, click.exceptions.Abort):
            sys.exit(130)
        raise


if __name__ == "__main__":
    main()
