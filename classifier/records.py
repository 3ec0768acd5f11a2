"""Reading many inputs for `webspam clean|score` batch runs: files, directories, globs and
standard input, in the formats text, html, jsonl, wet and warc, as a stream of raw records.

Readers do no decoding and no parsing of a record's content: they cut the input into records
(`Item`: raw bytes, where it came from, its id and url) and yield a `Reject` for what cannot be a
record (an empty line, a record over the size limit, a truncated WARC record, a gzip stream that
breaks). Decoding (`textio`), JSON parsing and HTML extraction happen in the batch workers
(`classifier.batch`), so the reading process stays light and everything that can fail on a
record's content fails there, on that record only.

WARC and WET files are read with fastwarc (optional: ``pip install 'webspam[warc]'``); it read a
WARC made of the dev pages 2.1x (plain) and 2.4x (gzipped) faster than warcio
(`scripts/bench_batch.py --warc-compare`; 4-6x on small records), so it is the one used.
"""
from __future__ import annotations

import glob
import gzip
import io
import os
import re
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Optional, Union

from .errors import InputError

FORMATS = ("auto", "text", "jsonl", "wet", "warc", "html")
GZIP_MAGIC = b"\x1f\x8b"
SNIFF_BYTES = 65536
WARC_MISSING = "WARC and WET input need fastwarc: pip install 'webspam[warc]'"


@dataclass(frozen=True)
class Item:
    """One raw record. kind: "json" (a JSONL line), "text" (page text bytes), "html" (HTML bytes)."""

    kind: str
    data: bytes
    source: str
    loc: str  # "line 12", "offset 4096" or "" for a whole file
    id: Optional[str] = None
    url: Optional[str] = None


@dataclass(frozen=True)
class Reject:
    """A record that is skipped, counted and named: where, and why (`cause` is a short fixed name;
    `detail` says more)."""

    source: str
    loc: str
    cause: str
    detail: str = ""

    def to_dict(self) -> dict:
        return {"source": self.source, "loc": self.loc, "cause": self.cause, "detail": self.detail}

    def line(self) -> str:
        where = f"{self.source}" + (f" {self.loc}" if self.loc else "")
        return f"{where}: skipped ({self.cause}{': ' + self.detail if self.detail else ''})"


Record = Union[Item, Reject]


# ---------------------------------------------------------------------------------------------
# Which inputs, which format
# ---------------------------------------------------------------------------------------------

def _has_glob(arg: str) -> bool:
    return any(c in arg for c in "*?[")


def expand_inputs(args: list[str]) -> list[tuple[str, bool]]:
    """(path, from_directory) for every input argument, in order: files as given, directories
    walked recursively (sorted, hidden entries skipped), globs expanded (sorted; `**` recurses),
    "-" for standard input. A missing path, a glob matching nothing or an empty directory is an
    InputError (one line, before anything is read)."""
    out: list[tuple[str, bool]] = []
    for arg in args:
        if arg == "-":
            out.append(("-", False))
            continue
        p = Path(arg)
        if p.is_dir():
            files = [f for f in _walk(p)]
            if not files:
                raise InputError(f"{arg}: directory holds no files")
            out.extend((f, True) for f in files)
        elif p.exists() or os.path.islink(arg):
            out.append((arg, False))
        elif _has_glob(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                raise InputError(f"{arg}: no file matches this pattern")
            for m in matches:
                if Path(m).is_dir():
                    out.extend((f, True) for f in _walk(Path(m)))
                else:
                    out.append((m, False))
        else:
            raise InputError(f"{arg}: no such file")
    return out


def _walk(root: Path) -> Iterator[str]:
    for dirpath, dirnames, filenames in os.walk(root, onerror=None, followlinks=False):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield os.path.join(dirpath, name)


def format_by_name(path: str) -> Optional[str]:
    """The format an extension names, or None (sniff the content)."""
    name = path.lower()
    if name.endswith((".wet", ".wet.gz", ".warc.wet.gz", ".warc.wet")):
        return "wet"
    if name.endswith((".warc", ".warc.gz")):
        return "warc"
    if name.endswith((".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")):
        return "jsonl"
    if name.endswith((".html", ".htm", ".html.gz", ".htm.gz", ".xhtml")):
        return "html"
    return None


def sniff_format(head: bytes) -> str:
    """The format of an input from its first bytes: warc or wet (a WARC header), jsonl, html or
    text (`textio.sniff_kind`). A gzip head is looked at decompressed."""
    from .textio import HTML, JSONL, sniff_kind

    if head.startswith(GZIP_MAGIC):
        try:
            head = zlib.decompressobj(31).decompress(head, SNIFF_BYTES)
        except zlib.error:
            return "text"
    if head.startswith(b"WARC/"):
        return "wet" if b"WARC-Type: conversion" in head else "warc"
    solid = head.lstrip()
    if solid.startswith(b"{") and b"\n" not in solid:  # one long JSON line fills the head
        return "jsonl"
    if len(head) >= SNIFF_BYTES and b"\n" in head:  # judge whole lines only
        head = head[:head.rindex(b"\n")]
    kind = sniff_kind(head.decode("utf-8", "replace"))
    return {JSONL: "jsonl", HTML: "html"}.get(kind, "text")


class PrefixedStream(io.RawIOBase):
    """A stream whose first bytes were already read (to sniff them): gives them back, then the rest."""

    def __init__(self, head: bytes, rest):
        self._head, self._rest = memoryview(head), rest

    def readable(self) -> bool:
        return True

    def readinto(self, buf) -> int:
        if self._head.nbytes:
            n = min(len(buf), self._head.nbytes)
            buf[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read1(len(buf)) if hasattr(self._rest, "read1") else self._rest.read(len(buf))
        buf[:len(data)] = data
        return len(data)


def read_head(stream, size: int = SNIFF_BYTES) -> bytes:
    """Up to `size` first bytes of a stream (fewer only at its end)."""
    parts, got = [], 0
    while got < size:
        data = stream.read1(size - got) if hasattr(stream, "read1") else stream.read(size - got)
        if not data:
            break
        parts.append(data)
        got += len(data)
    return b"".join(parts)


_STDIN: list = []  # the one sniffed standard input stream, shared by whoever reads "-" next


def open_stdin(stdin=None):
    """(format sniffed, a buffered stream giving all of standard input). Sniffing reads the first
    bytes; later calls give the same stream, so nothing read is lost."""
    import sys

    if not _STDIN:
        raw = stdin if stdin is not None else sys.stdin.buffer
        head = read_head(raw)
        _STDIN.append((sniff_format(head), io.BufferedReader(PrefixedStream(head, raw), buffer_size=1 << 20)))
    return _STDIN[0]


# ---------------------------------------------------------------------------------------------
# Readers
# ---------------------------------------------------------------------------------------------

def _gzip_cause(exc: BaseException) -> str:
    if isinstance(exc, EOFError):
        return "truncated gzip"
    return "bad gzip"


def iter_jsonl(stream, source: str, max_bytes: int) -> Iterator[Record]:
    """A JSONL stream's lines as Items (kind "json"); an empty line or one over `max_bytes`
    is a Reject (the long line is read past in pieces, never held whole)."""
    lineno = 0
    try:
        while True:
            line = stream.readline(max_bytes + 1)
            if not line:
                return
            lineno += 1
            if len(line) > max_bytes and not line.endswith(b"\n"):
                size = len(line)
                while line and not line.endswith(b"\n"):
                    line = stream.readline(1 << 20)
                    size += len(line)
                yield Reject(source, f"line {lineno}", "too large", f"{size} bytes > --max-record-bytes {max_bytes}")
                continue
            if not line.strip():
                yield Reject(source, f"line {lineno}", "empty line")
                continue
            yield Item("json", line, source, f"line {lineno}")
    except (OSError, EOFError, zlib.error) as exc:
        yield Reject(source, f"line {lineno + 1}", _gzip_cause(exc), f"{exc}; rest of the input unread")


def _fastwarc():
    try:
        from fastwarc.warc import ArchiveIterator, WarcRecordType
    except ImportError:
        raise InputError(WARC_MISSING) from None
    return ArchiveIterator, WarcRecordType


_CL_RE = re.compile(rb"\r?\ncontent-length:\s*(\d+)", re.IGNORECASE)


def _tail_reject(path: Optional[str], last_pos: int, source: str) -> Optional[Reject]:
    """A record cut at the end of a WARC file that fastwarc passes over without a word: after the
    last record read (at `last_pos`), the file must hold that record and nothing else."""
    if path is None or last_pos < 0:
        return None
    try:
        with open(path, "rb") as f:
            f.seek(last_pos)
            tail = f.read()
    except OSError:
        return None
    if tail.startswith(GZIP_MAGIC):
        members, data, rest = 0, b"", tail
        while rest.strip(b"\x00\r\n "):
            d = zlib.decompressobj(31)
            try:
                data += d.decompress(rest)
            except zlib.error:
                return Reject(source, f"offset {last_pos}", "bad gzip", "corrupt gzip member after the last record")
            if not d.eof:
                return Reject(source, f"offset {last_pos}", "truncated WARC record", "the file ends inside a gzip member")
            rest = d.unused_data
            members += 1
        tail = data
    # an uncompressed record: header, Content-Length bytes, CRLF CRLF
    head_end = tail.find(b"\r\n\r\n")
    m = _CL_RE.search(tail, 0, head_end + 2 if head_end >= 0 else len(tail))
    if head_end < 0 or m is None:
        return Reject(source, f"offset {last_pos}", "truncated WARC record", "the file ends inside a WARC header")
    end = head_end + 4 + int(m.group(1))
    if end > len(tail):
        return Reject(source, f"offset {last_pos}", "truncated WARC record", "the file ends inside a record")
    if tail[end:].strip(b"\r\n\x00 "):
        return Reject(source, f"offset {last_pos}", "truncated WARC record",
                      f"{len(tail) - end} bytes after the last whole record")
    return None


def _header(headers, name: str) -> Optional[str]:
    value = headers.get(name)
    return value if value else None


def iter_warc(stream, source: str, max_bytes: int, wet: bool, path: Optional[str] = None) -> Iterator[Record]:
    """Pages of a WARC (response records holding HTML) or WET file (conversion records holding
    text), plain or gzipped, as Items; other responses (images, PDFs) are Rejects "not HTML";
    requests, metadata and warcinfo records are not pages and not counted. A record whose
    payload is shorter than its Content-Length, or a file cut inside a record, is a Reject
    "truncated WARC record". Unreadable WARC data is one Reject "corrupt WARC"; in a file
    (not standard input) reading goes on at the next record start found after it (a `WARC/1.`
    line, or a gzip member that starts one)."""
    state = {"last": -1, "cut": False, "pending": None}
    start, opened = 0, None
    try:
        while True:
            error = yield from _warc_records(stream, source, max_bytes, wet, state)
            if error is None:
                break
            bad_from = max(state["last"], start)
            resume = _resync(path, bad_from + 1) if path is not None else None
            first = state["pending"].loc if state["pending"] is not None else f"offset {bad_from}"
            if resume is None:
                state["pending"] = None
                yield Reject(source, first, "corrupt WARC", f"{error}; rest of the file unread")
                return
            state["pending"] = Reject(source, first, "corrupt WARC", f"{error}; read on from offset {resume}")
            if opened is not None:
                opened.close()
            opened = stream = open(path, "rb")
            stream.seek(resume)
            start, state["last"] = resume, -1
        if state["pending"] is not None:
            yield state["pending"]
        tail = None if state["cut"] else _tail_reject(path, state["last"], source)
        if tail is not None:
            yield tail
    finally:
        if opened is not None:
            opened.close()


def _warc_records(stream, source: str, max_bytes: int, wet: bool, state: dict):
    """Yield the records of `stream` (see `iter_warc`); return the error that stopped it, or None."""
    archive_iterator, types = _fastwarc()
    wanted = (types.conversion,) if wet else (types.response, types.resource)
    try:
        for rec in archive_iterator(stream, parse_http=not wet, record_types=types.any_type):
            last = state["last"] = rec.stream_pos
            state["cut"] = False
            if state["pending"] is not None:  # a corrupt stretch before this record
                yield state["pending"]
                state["pending"] = None
            loc = f"offset {last}"
            if rec.record_type in (types.unknown, types.no_type):  # a header garbled past reading its type
                yield Reject(source, loc, "corrupt WARC", "no readable WARC-Type")
                continue
            if rec.record_type not in wanted:
                continue
            rid = _header(rec.headers, "WARC-Record-ID")
            url = _header(rec.headers, "WARC-Target-URI")
            rid = rid.strip("<>") if rid else f"{source}@{last}"
            length = rec.content_length
            if length > max_bytes:
                yield Reject(source, loc, "too large", f"{length} bytes > --max-record-bytes {max_bytes}")
                continue
            if not wet and rec.is_http:
                ctype = (rec.http_content_type or "").lower()
                if ctype and "html" not in ctype:
                    yield Reject(source, loc, "not HTML", ctype)
                    continue
            data = rec.reader.read()
            if len(data) < length:  # (after parse_http, content_length is the payload's)
                yield Reject(source, loc, "truncated WARC record", f"{len(data)} of {length} bytes")
                state["cut"] = True
                continue
            yield Item("text" if wet else "html", data, source, loc, rid, url)
    except (OSError, ValueError, EOFError) as exc:
        return str(exc) or type(exc).__name__
    return None


_RESYNC_BLOCK = 1 << 20


def _resync(path: str, at: int) -> Optional[int]:
    """The offset of the next record start at or after `at`: a gzip member (in a gzipped file)
    or a line starting `WARC/1.`; None when there is none."""
    try:
        with open(path, "rb") as f:
            gz = f.read(2) == GZIP_MAGIC
            marker = b"\x1f\x8b\x08" if gz else b"\nWARC/1."
            pos = max(at - (0 if gz else 1), 0)
            while True:
                f.seek(pos)
                block = f.read(_RESYNC_BLOCK + len(marker))
                if not block:
                    return None
                k = block.find(marker)
                if k >= 0:
                    return pos + k + (0 if gz else 1)
                if len(block) <= len(marker):
                    return None
                pos += _RESYNC_BLOCK
    except OSError:
        return None


def iter_file(path: str, fmt: str, max_bytes: int) -> Iterator[Record]:
    """The records of one input file or "-" (standard input), in format `fmt` ("auto": by the
    extension, else sniffed). An unreadable file, a file over the limit (text, html) or a gzip
    file that is not gzip yields one Reject."""
    source = "<stdin>" if path == "-" else path
    try:
        if path == "-":
            sniffed, stream = open_stdin()
            fmt = sniffed if fmt == "auto" else fmt
        else:
            stream = open(path, "rb")
            if fmt == "auto":
                fmt = format_by_name(path) or sniff_format(stream.peek(SNIFF_BYTES)[:SNIFF_BYTES])
    except OSError as exc:
        yield Reject(source, "", "unreadable", exc.strerror or str(exc))
        return
    with stream:
        if fmt in ("warc", "wet"):
            yield from iter_warc(stream, source, max_bytes, fmt == "wet", None if path == "-" else path)
            return
        gz = stream.peek(2)[:2] == GZIP_MAGIC
        if not gz and path.lower().endswith(".gz") and stream.peek(1):
            yield Reject(source, "", "bad gzip", "named .gz but not gzip data")
            return
        if gz:
            stream = gzip.GzipFile(fileobj=stream, mode="rb")
        if fmt == "jsonl":
            yield from iter_jsonl(stream, source, max_bytes)
            return
        try:
            data = stream.read(max_bytes + 1)
        except (OSError, EOFError, zlib.error) as exc:
            yield Reject(source, "", _gzip_cause(exc), str(exc))
            return
        if len(data) > max_bytes:
            yield Reject(source, "", "too large", f"over --max-record-bytes {max_bytes}")
            return
        if not data.strip():
            yield Reject(source, "", "empty")
            return
        yield Item("html" if fmt == "html" else "text", data, source, "", source if path != "-" else "stdin")


def iter_records(inputs: list[str], fmt: str, max_bytes: int) -> Iterator[Record]:
    """Every record of every input, in order (see `expand_inputs` and `iter_file`)."""
    for path, _ in expand_inputs(inputs):
        yield from iter_file(path, fmt, max_bytes)
