"""Batch runs of `webspam clean|score`: many inputs, record formats, all cores, JSONL out.

The main process reads the inputs into raw records (`records.iter_records`), groups them in
chunks of `chunk_pages` records (or CHUNK_BYTES bytes), and hands each chunk to a worker process
(`concurrent.futures.ProcessPoolExecutor`, whose initializer loads the model once per worker).
A worker decodes each record (`textio.decode_bytes`), parses JSON, turns HTML into text
(`html.html_to_text`), cleans the chunk's pages with `Cleaner.clean_many` and returns the
chunk's output already encoded as JSONL bytes, with its counts and its rejected records. At most
`jobs * INFLIGHT_PER_JOB` chunks are in flight, so memory stays constant however large the input;
results are written in input order (or as they come with `unordered`).

Nothing is lost silently: every input record is either written, dropped as spam
(`drop_spam`), or skipped with a cause (`records.Reject`), named on stderr (the first
SHOW_REJECTS) or written to the rejects file. `Summary.check()` holds output + dropped +
skipped = input.
"""
from __future__ import annotations

import json
import os
import signal
import sys
import time
from collections import Counter, deque
from dataclasses import dataclass, field as dc_field
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional

from .errors import InputError
from .records import Reject, expand_inputs, iter_file

CHUNK_PAGES = 32
CHUNK_BYTES = 4 << 20
INFLIGHT_PER_JOB = 3
SHOW_REJECTS = 5
MAX_RECORD_BYTES = 50_000_000
OUR_FIELDS = ("id", "url", "article", "spam_score", "spam_kind", "counts", "paragraphs")


@dataclass
class Options:
    fmt: str = "auto"
    text_field: str = "text"
    id_field: str = "id"
    drop_fields: tuple = ()
    paragraphs: bool = False
    drop_spam: Optional[float] = None
    jobs: int = 0  # 0: all cores
    unordered: bool = False
    chunk_pages: int = CHUNK_PAGES
    max_record_bytes: int = MAX_RECORD_BYTES
    model: Optional[str] = None
    cleaner_options: dict = dc_field(default_factory=dict)


@dataclass
class Summary:
    records: int = 0        # records read (items + read-time rejects)
    bytes: int = 0          # raw bytes of the records read
    written: int = 0
    dropped: int = 0        # spam pages left out (drop_spam)
    kept_chars: int = 0
    spam: Counter = dc_field(default_factory=Counter)     # spam pages by kind
    skipped: Counter = dc_field(default_factory=Counter)  # by cause
    elapsed: float = 0.0
    last: tuple = ("", "")  # (source, loc) of the last record whose output is written

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def check(self) -> bool:
        return self.written + self.dropped + self.skipped_total == self.records

    def line(self, drop_spam: Optional[float] = None) -> str:
        pages = self.written + self.dropped
        mb = self.bytes / 1e6
        rate = f", {pages / self.elapsed:.0f} pages/s, {mb / self.elapsed:.2f} MB/s" if self.elapsed > 0 else ""
        parts = [f"{pages} pages ({mb:.1f} MB) in {self.elapsed:.2f} s{rate}",
                 f"{self.written} written", f"{self.kept_chars} characters kept"]
        if drop_spam is not None:
            parts.append(f"{self.dropped} dropped as spam (score >= {drop_spam:g})")
        spam = sum(self.spam.values())
        parts.append(f"{spam} spam pages" + (" (" + ", ".join(f"{k} {v}" for k, v in self.spam.most_common()) + ")"
                                             if spam else ""))
        skipped = self.skipped_total
        parts.append(f"{skipped} records skipped" + (" (" + ", ".join(f"{k} {v}" for k, v in self.skipped.most_common())
                                                     + ")" if skipped else ""))
        return "; ".join(parts)


# ---------------------------------------------------------------------------------------------
# Worker side
# ---------------------------------------------------------------------------------------------

_STATE: dict = {}


def _init_worker(opts: Options, ignore_sigint: bool = True, warm: bool = False, inherited: bool = False) -> None:
    """Load the model once for this process (`warm`: and build every table cleaning builds on
    first use, `Cleaner.warm`). `inherited`: a worker forked from a main process that did
    this already has it all."""
    if ignore_sigint:  # a worker process
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
        _one_blas_thread()
    if inherited and "cleaner" in _STATE:
        return
    from . import Cleaner

    _STATE["cleaner"] = Cleaner.load(opts.model, **opts.cleaner_options)
    if warm:
        _STATE["cleaner"].warm()
    _STATE["opts"] = opts
    _STATE["encode"] = json.JSONEncoder(ensure_ascii=False).encode


def _one_blas_thread() -> None:
    """One BLAS thread per worker process: the workers already use every core, and their
    products are small (a page's dense features); more threads only wait for work, taking
    the cores from the other workers. Results are the same (checked on the dev and cc100
    pages)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return
    threadpool_limits(1, user_api="blas")


def _decode(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from .textio import decode_bytes

        return decode_bytes(data, name).text


def _prepare(item: tuple, opts: Options):
    """(text, meta) of one raw record, or a Reject."""
    kind, data, source, loc, rid, url = item
    try:
        if kind == "json":
            try:
                line = _decode(data, source)
            except InputError as exc:
                return Reject(source, loc, "undecodable bytes", str(exc).split(": ", 1)[-1])
            try:
                obj = json.loads(line)
            except ValueError as exc:
                return Reject(source, loc, "bad JSON", str(exc))
            if not isinstance(obj, dict):
                return Reject(source, loc, "not a JSON object", type(obj).__name__)
            if opts.text_field not in obj:
                return Reject(source, loc, "no text field", f"no field {opts.text_field!r}")
            text = obj.pop(opts.text_field)
            if not isinstance(text, str):
                return Reject(source, loc, "text field not a string", f"{opts.text_field!r} is {type(text).__name__}")
            rid = obj.pop(opts.id_field, None)
            rid = f"{source}:{loc.split()[-1]}" if rid is None else rid
            url = obj.pop("url", None)
            extra = {(k if k not in OUR_FIELDS else f"input_{k}"): v for k, v in obj.items() if k not in opts.drop_fields}
            return text, (rid, url, extra)
        try:
            text = _decode(data, source)
        except InputError as exc:
            return Reject(source, loc, "undecodable bytes", str(exc).split(": ", 1)[-1])
        text = text.replace("\x00", "")
        if kind == "html":
            from .html import html_to_text

            try:
                text = html_to_text(text)
            except InputError:
                raise
            except Exception as exc:  # resiliparse's parser errors
                return Reject(source, loc, "bad HTML", str(exc) or type(exc).__name__)
        return text, (rid, url, None)
    except InputError:
        raise
    except Exception as exc:  # never lose a record to a bug: skip it, say why
        return Reject(source, loc, "error", f"{type(exc).__name__}: {exc}")


def _record(page, meta, opts: Options) -> dict:
    rid, url, extra = meta
    v = page.verdict
    out = {"id": rid}
    if url is not None:
        out["url"] = url
    out["article"] = page.text
    out["spam_score"] = round(float(v.score), 4)
    out["spam_kind"] = v.kind
    out["counts"] = page.counts
    if extra:
        out.update(extra)
    if opts.paragraphs:
        out["paragraphs"] = page.paragraph_records()
    return out


def process_chunk(chunk: list) -> tuple:
    """A chunk of raw records -> (JSONL bytes, counts, rejects as tuples)."""
    opts: Options = _STATE["opts"]
    cleaner = _STATE["cleaner"]
    encode = _STATE["encode"]
    texts, metas, rejects = [], [], []
    for item in chunk:
        got = _prepare(item, opts)
        if isinstance(got, Reject):
            rejects.append((got.source, got.loc, got.cause, got.detail))
        else:
            texts.append(got[0])
            metas.append(got[1])
    try:
        pages = list(cleaner.clean_many(texts, explain=opts.paragraphs))
    except Exception:  # one bad page must not take its chunk with it: clean one by one
        pages = []
        for i, t in enumerate(texts):
            try:
                pages.append(cleaner.clean(t))
            except Exception as exc:
                pages.append(exc)
    lines, written, dropped, kept, spam = [], 0, 0, 0, Counter()
    for page, meta in zip(pages, metas):
        if isinstance(page, Exception):
            rejects.append((str(meta[0]), "", "error", f"{type(page).__name__}: {page}"))
            continue
        v = page.verdict
        if v.is_spam:
            spam[v.kind or "other"] += 1
        if opts.drop_spam is not None and v.score >= opts.drop_spam:
            dropped += 1
            continue
        rec = _record(page, meta, opts)
        kept += len(rec["article"])
        lines.append(encode(rec))
        written += 1
    data = ("\n".join(lines) + "\n").encode("utf-8") if lines else b""
    return data, (written, dropped, kept, spam), rejects


# ---------------------------------------------------------------------------------------------
# Main side
# ---------------------------------------------------------------------------------------------

class Interrupted(Exception):
    """Ctrl-C: the run stopped; `summary.last` is where."""


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def _chunks(records: Iterable, summary: Summary, on_reject: Callable[[Reject], None], opts: Options) -> Iterator[list]:
    chunk, size = [], 0
    for rec in records:
        summary.records += 1
        if isinstance(rec, Reject):
            on_reject(rec)
            continue
        summary.bytes += len(rec.data)
        chunk.append((rec.kind, rec.data, rec.source, rec.loc, rec.id, rec.url))
        size += len(rec.data)
        if len(chunk) >= opts.chunk_pages or size >= CHUNK_BYTES:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


class _Progress:
    """pages, pages/s and MB/s on stderr when it is a terminal; nothing otherwise."""

    def __init__(self, summary: Summary, enabled: bool):
        self.summary, self.bar, self.start, self.enabled = summary, None, time.perf_counter(), enabled

    def _start(self) -> None:
        self.enabled = False
        from rich.console import Console
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        self.bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                            console=Console(stderr=True), transient=True)
        self.task = self.bar.add_task("starting", total=None)
        self.bar.start()

    def update(self) -> None:
        if self.enabled:
            self._start()
        if self.bar is None:
            return
        s, t = self.summary, max(time.perf_counter() - self.start, 1e-9)
        pages = s.written + s.dropped
        self.bar.update(self.task, description=f"{pages} pages, {pages / t:.0f} pages/s, {s.bytes / 1e6 / t:.2f} MB/s"
                        f", {s.skipped_total} skipped")

    def stop(self) -> None:
        if self.bar is not None:
            self.bar.stop()


def run(paths: list[str], opts: Options, out, on_reject: Callable[[Reject], None],
        progress: bool = False, stop: Callable[[], bool] | None = None) -> Summary:
    """Clean every record of the input files `paths` (`records.expand_inputs`'s, "-" for standard
    input) into `out` (a binary stream, flushed after each chunk), see the module docstring.
    `stop`: asked after each chunk is written and counted; True stops the run there (Ctrl-C,
    see `main`). Raises Interrupted on Ctrl-C (what was written is whole lines, the summary
    counts them) and lets BrokenPipeError through."""
    summary = Summary()

    def counted(rej: Reject) -> None:
        summary.skipped[rej.cause] += 1
        on_reject(rej)

    def records():
        for path in paths:
            yield from iter_file(path, opts.fmt, opts.max_record_bytes)

    start = time.perf_counter()
    bar = _Progress(summary, progress)  # started at the first result: after the workers are forked

    def emit(result, last) -> None:
        data, (written, dropped, kept, spam), rejects = result
        if data:
            out.write(data)
            out.flush()
        summary.written += written
        summary.dropped += dropped
        summary.kept_chars += kept
        summary.spam.update(spam)
        for r in rejects:
            counted(Reject(*r))
        summary.last = last
        bar.update()
        if stop is not None and stop():
            raise KeyboardInterrupt

    jobs = opts.jobs or default_jobs()
    chunks = _chunks(records(), summary, counted, opts)
    executor = None
    try:
        first = next(chunks, None)
        second = next(chunks, None) if first is not None else None
        if jobs == 1 or second is None:
            _init_worker(opts, ignore_sigint=False)
            for chunk in ([first] if first else []) + ([second] if second else []):
                emit(process_chunk(chunk), chunk[-1][2:4])
            for chunk in chunks:
                emit(process_chunk(chunk), chunk[-1][2:4])
        else:
            from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

            import multiprocessing

            fork = multiprocessing.get_start_method() == "fork"
            if fork:  # the workers inherit the loaded, warmed cleaner
                _init_worker(opts, ignore_sigint=False, warm=True)
            executor = ProcessPoolExecutor(jobs, initializer=_init_worker, initargs=(opts, True, False, fork))
            limit = jobs * INFLIGHT_PER_JOB
            every = _chain([first, second], chunks)
            if opts.unordered:
                pending: dict = {}
                for chunk in every:
                    pending[executor.submit(process_chunk, chunk)] = chunk[-1][2:4]
                    if len(pending) >= limit:
                        done, _ = wait(pending, return_when=FIRST_COMPLETED)
                        for f in done:
                            emit(f.result(), pending.pop(f))
                while pending:
                    done, _ = wait(pending, return_when=FIRST_COMPLETED)
                    for f in done:
                        emit(f.result(), pending.pop(f))
            else:
                queue: deque = deque()
                for chunk in every:
                    queue.append((executor.submit(process_chunk, chunk), chunk[-1][2:4]))
                    while queue and (len(queue) >= limit or queue[0][0].done()):
                        f, last = queue.popleft()
                        emit(f.result(), last)
                while queue:
                    f, last = queue.popleft()
                    emit(f.result(), last)
    except KeyboardInterrupt:
        summary.elapsed = time.perf_counter() - start
        raise Interrupted(summary) from None
    finally:
        bar.stop()
        if executor is not None:  # (wait=False leaves CPython's exit hook a closed pipe to write to)
            executor.shutdown(wait=True, cancel_futures=True)
        try:
            out.flush()
        except (BrokenPipeError, ValueError):
            pass
    summary.elapsed = time.perf_counter() - start
    return summary


def _chain(head: list, rest: Iterator) -> Iterator:
    for x in head:
        if x is not None:
            yield x
    yield from rest


# ---------------------------------------------------------------------------------------------
# Output path checks
# ---------------------------------------------------------------------------------------------

def check_output(out: str, inputs: list[str]) -> Path:
    """`out`, refused (InputError) when it is an input file, inside an input directory, or a directory."""
    o = Path(out)
    target = o.resolve()
    for arg in inputs:
        if arg == "-":
            continue
        p = Path(arg)
        if not p.exists():
            continue
        src = p.resolve()
        if p.is_dir():
            if src == target or src in target.parents:
                raise InputError(f"{out}: is inside the input directory {arg}; write the output elsewhere")
        elif src == target:
            raise InputError(f"{out}: is also an input; webspam never overwrites its input, choose another -o")
    if o.is_dir():
        raise InputError(f"{out}: is a directory; give a file name for -o")
    return o


# ---------------------------------------------------------------------------------------------
# The command line's side (`webspam clean|score`)
# ---------------------------------------------------------------------------------------------

def single_text(files: list[str], fmt: str) -> Optional[str]:
    """The page text when `files` is ONE page (a text or HTML file, or standard input holding
    one), read as `webspam clean FILE` always read it; None for a batch run (many inputs, a
    directory, a glob, a record format)."""
    from .records import format_by_name, open_stdin, sniff_format
    from .textio import _stderr_warning, decode_bytes, read_input

    if len(files) != 1 or fmt not in ("auto", "text", "html"):
        return None
    path = files[0]
    if path == "-":
        sniffed, stream = open_stdin()
        kind = sniffed if fmt == "auto" else fmt
        if kind not in ("text", "html"):
            return None
        d = decode_bytes(stream.read(), "<stdin>")
        if kind == "text" and d.replaced:
            _stderr_warning(d.warning("<stdin>"))
        return _html_text(d.text) if kind == "html" else d.text
    p = Path(path)
    if not p.is_file():
        return None if p.is_dir() or not p.exists() else read_input(path)[0]
    kind = fmt
    if fmt == "auto":
        kind = format_by_name(path)
        if kind is None:
            try:
                with open(path, "rb") as f:
                    kind = sniff_format(f.read(65536))
            except OSError:
                kind = "text"  # read_input says why
    if kind == "html":
        from .textio import _read_bytes

        return _html_text(decode_bytes(_read_bytes(path), path).text)
    return read_input(path)[0] if kind == "text" else None


def _html_text(text: str) -> str:
    from .html import html_to_text

    return html_to_text(text)


class _Guard:
    """Ctrl-C in a batch run only sets `pending`; the run stops at the next chunk boundary
    (`run`'s `stop`), after that chunk's lines are written and counted. A KeyboardInterrupt
    raised by the handler wherever the main thread stood could land inside a future's lock
    (taken, not yet released): the executor's shutdown then waited on it forever, and the
    summary could miss the lines just written."""

    def __init__(self):
        self.pending = False

    def handler(self, signum, frame):
        self.pending = True


def main(files: list[str], opts: Options, out: Optional[str], rejects: Optional[str]) -> int:
    """A batch run from the command line: checks (one line, InputError), output, the skipped
    records on stderr (the first SHOW_REJECTS) or in `rejects`, the summary line; the exit status."""
    paths = [p for p, _ in expand_inputs(files)]
    for target in (out, rejects):
        if target is not None:
            check_output(target, files + paths)
    if out is not None and rejects is not None and Path(out).resolve() == Path(rejects).resolve():
        raise InputError(f"{rejects}: is also the output; give --rejects another file")
    if opts.fmt in ("warc", "wet") or any(_is_warc(p) for p in paths):
        from .records import _fastwarc

        _fastwarc()
    err = sys.stderr
    shown = [0]
    reject_file = open(rejects, "w", encoding="utf-8") if rejects else None
    encode = json.JSONEncoder(ensure_ascii=False).encode

    def on_reject(rej: Reject) -> None:
        if reject_file is not None:
            reject_file.write(encode(rej.to_dict()) + "\n")
        elif shown[0] < SHOW_REJECTS:
            err.write(f"webspam: {rej.line()}\n")
        shown[0] += 1

    guard = _Guard()
    previous = signal.signal(signal.SIGINT, guard.handler)
    sink = open(out, "wb") if out is not None else sys.stdout.buffer
    try:
        summary = run(paths, opts, sink, on_reject, progress=err.isatty(), stop=lambda: guard.pending)
    except Interrupted as exc:
        s: Summary = exc.args[0]
        where = f"{s.last[0]} {s.last[1]}".strip() if s.last[0] else "the start"
        dest = f" to {out}" if out else ""
        if opts.unordered:
            err.write(f"webspam: interrupted; {s.written} pages written{dest}, each line whole (--unordered: "
                      f"not all records up to {where}, the last written)\n")
        else:
            err.write(f"webspam: interrupted; {s.written} pages written{dest}, whole up to {where} "
                      f"(the last record written)\n")
        return 130
    except BrokenPipeError:  # `webspam clean ... | head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as exc:
        from concurrent.futures.process import BrokenProcessPool

        if not isinstance(exc, BrokenProcessPool):
            raise
        err.write("webspam: a worker process died (out of memory? try fewer --jobs or a lower "
                  "--max-record-bytes); the output is whole up to the last record written\n")
        return 1
    finally:
        signal.signal(signal.SIGINT, previous)
        if out is not None:
            sink.close()
        if reject_file is not None:
            reject_file.close()
    if shown[0] > SHOW_REJECTS and reject_file is None:
        err.write(f"webspam: ... {shown[0] - SHOW_REJECTS} more skipped records (--rejects FILE lists them all)\n")
    err.write(f"webspam: {summary.line(opts.drop_spam)}\n")
    return 0


def _is_warc(path: str) -> bool:
    from .records import format_by_name

    return format_by_name(path) in ("warc", "wet")
