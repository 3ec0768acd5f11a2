"""Reading user input: bytes to text with encoding detection, and one-line errors.

UTF-8 (with or without BOM) is tried first; then GB18030 (a superset of GBK and GB2312)
and Big5 when the bytes decode cleanly; otherwise charset-normalizer decides. Binary data
(NUL bytes in bulk, or nothing decodable) is refused with an `InputError`.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

from charset_normalizer import from_bytes

from .errors import InputError

BINARY_NUL_SHARE = 0.01  # more NUL bytes than this share of the input: binary


def decode(data: bytes, name: str = "<input>") -> tuple[str, str]:
    """(text, encoding) of `data`; raises InputError for binary or undecodable data."""
    if not data:
        return "", "utf-8"
    if data.count(b"\x00") > max(1, len(data) * BINARY_NUL_SHARE) and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(f"{name}: looks like a binary file (NUL bytes); give the page's text")
    for enc in ("utf-8-sig", "gb18030", "big5"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if enc == "gb18030" and _big5_fits_better(data):
            continue
        return text.replace("\x00", ""), enc.replace("-sig", "")
    best = from_bytes(data).best()
    if best is None:
        raise InputError(f"{name}: cannot detect the text encoding; convert the file to UTF-8")
    return str(best).replace("\x00", ""), best.encoding


def _ordinary_share(text: str, known: str) -> float:
    han = [c for c in text if "\u4e00" <= c <= "\u9fff"]
    return sum(c in known for c in han) / max(len(han), 1)


def _big5_fits_better(data: bytes) -> bool:
    """When bytes decode both as GB18030 and as Big5, keep the reading whose Han characters
    are the ordinary ones (GB2312 for simplified; traditional forms for Big5)."""
    try:
        big5 = data.decode("big5")
    except UnicodeDecodeError:
        return False
    from .chardata import T2S_PAIRS

    gb = data.decode("gb18030")
    gb2312 = "".join(c for c in set(gb + big5) if len(c.encode("gb2312", "ignore")) == 2)
    return _ordinary_share(big5, gb2312 + T2S_PAIRS[0::2]) > _ordinary_share(gb, gb2312)


def read_input(path: str) -> tuple[str, str]:
    """Text of a file, or of standard input for "-"; errors name the file and what to do."""
    if path == "-":
        return decode(sys.stdin.buffer.read(), "<stdin>")
    p = Path(path)
    if not p.exists():
        raise InputError(f"{path}: no such file")
    if p.is_dir():
        raise InputError(f"{path}: is a directory; give a file (or use `webspam batch` for many)")
    try:
        data = p.read_bytes()
    except PermissionError:
        raise InputError(f"{path}: permission denied; check the file's read permission") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    return decode(data, path)


def safe_output(out: str | os.PathLike, inputs: list[str]) -> Path:
    """The output path, refused when it would overwrite one of the inputs."""
    o = Path(out)
    for i in inputs:
        if i != "-" and Path(i).exists() and o.exists() and o.resolve() == Path(i).resolve():
            raise InputError(f"{out}: is also an input; webspam never overwrites its input, choose another -o")
    if o.is_dir():
        raise InputError(f"{out}: is a directory; give a file name for -o")
    return o
