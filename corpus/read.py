"""Find input files, decode them and split them into physical lines.

Policy texts arrive as UTF-8 (with or without BOM), GB18030/GBK or Big5. Line breaks are
normalised (``\\r\\n`` and ``\\r`` become ``\\n``) while decoding, so every offset in the corpus
stage, starting with ``Line.start``/``Line.end``, is an offset into that normalised
``SourceText.text``, not into the raw bytes.
"""
from __future__ import annotations

import codecs
import errno
import hashlib
import os
import stat
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from policykg.corpus.errors import UnreadableSource
from policykg.corpus.models import Line, SourceText

SOURCE_SUFFIXES = frozenset({".txt", ".md"})  # what a folder contributes; compared lower-case

# Tried when a file is not UTF-8. Order breaks ties: mainland texts are the common case.
# big5hkscs extends big5, so it is only tried when plain big5 fails. The choice among them
# is ours (``plausibility``), not charset-normalizer's: on GB18030 and Big5 copies of the
# realcorpus laws, whole and one line each (4,871 texts), charset-normalizer restricted to
# these codecs misread or refused 19 and plausibility none (tests/test_read.py shows them).
LEGACY_CODECS = ("gb18030", "big5", "big5hkscs")

# Text has at most a stray control character; random binary data has about 11% of its bytes
# below 0x20. In UTF-8, GB18030 and Big5 such bytes only ever encode control characters.
CONTROL_SHARE_LIMIT = 0.05
TEXT_CONTROLS = frozenset(b"\t\n\r\f")

# Characters a Chinese policy text is made of, besides ideographs, ASCII and white space.
_PLAUSIBLE_RANGES = (
    ("\u2010", "\u206f"),  # general punctuation: — “ ” … ‰ ※
    ("\u2150", "\u218f"),  # number forms: Ⅰ Ⅱ
    ("\u2200", "\u22ff"),  # mathematical operators: ∶ ≤ ≥
    ("\u2460", "\u24ff"),  # enclosed numbers: ① ⑴ ⒈
    ("\u25a0", "\u25ff"),  # shapes used as bullets: ● ■ ◆ □
    ("\u3000", "\u303f"),  # CJK punctuation: 、。《》〔〕
    ("\uff00", "\uffef"),  # full-width forms: （）：％
)
_PLAUSIBLE_LATIN1 = frozenset("·×÷°±")
_IDEOGRAPH_RANGES = (
    ("\u3400", "\u4dbf"),  # extension A
    ("\u4e00", "\u9fff"),  # unified ideographs
    ("\uf900", "\ufaff"),  # compatibility ideographs
    ("\U00020000", "\U0003134f"),  # extensions B and later
)
# Level 1 of GB2312 (lead bytes B0-D7) and of Big5 (lead bytes A4-C6) are the few thousand
# most frequent Simplified and Traditional characters; a wrong decoding is mostly rare ones.
_GB2312_LEVEL1_LEADS = range(0xB0, 0xD8)
_BIG5_LEVEL1_LEADS = range(0xA4, 0xC7)


def list_sources(paths: Iterable[Path]) -> list[Path]:
    """Expand folders (recursively) into their ``.txt``/``.md`` files; keep files given directly.

    Files named directly are kept whatever their suffix, so a user can point at one file.
    Hidden files and folders (name starting with ".") inside folders are skipped. The result
    is absolute (symlinks are not resolved, so file names stay as the user chose them),
    de-duplicated and sorted.
    """
    found: set[Path] = set()
    for given in paths:
        path = Path(os.path.abspath(given))
        if path.is_dir():
            found.update(_sources_in(path))
        elif os.path.lexists(path):  # a dangling link too: read_source says what is wrong
            found.add(path)
        else:
            raise UnreadableSource(Path(given), "no such file or folder")
    return sorted(found)


def _sources_in(folder: Path) -> Iterator[Path]:
    def fail(error: OSError) -> None:
        raise UnreadableSource(Path(error.filename or folder), error.strerror or str(error))

    for dirpath, dirnames, filenames in os.walk(folder, onerror=fail):
        dirnames[:] = [name for name in dirnames if not name.startswith(".")]
        for name in filenames:
            if not name.startswith(".") and Path(name).suffix.lower() in SOURCE_SUFFIXES:
                yield Path(dirpath) / name


def read_source(path: Path) -> SourceText:
    """Read and decode one file; raise ``UnreadableSource`` if it is not usable text.

    Only regular files are read: a FIFO, a device or a socket named ``*.txt`` is refused
    (reading one could wait forever), and so is a link that leads nowhere or in a circle.
    ``sha256`` is of the raw bytes; ``text`` has its line breaks normalised to ``\\n``.
    """
    raw = _read_regular_file(path)
    if not raw:
        raise UnreadableSource(path, "empty file")
    bom = _bom_text(path, raw)
    if bom is not None:
        text, encoding = bom
    elif _looks_binary(raw):
        raise UnreadableSource(path, "binary file, not text")
    else:
        text, encoding = _decode(path, raw)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise UnreadableSource(path, "empty file")
    return SourceText(path=path, text=text, encoding=encoding, sha256=hashlib.sha256(raw).hexdigest())


def open_regular_file(path: Path) -> BinaryIO:
    """``path`` opened for reading if it is (or links to) a regular file, else
    ``UnreadableSource`` with the reason. It is opened without blocking and checked on the
    open descriptor, so a FIFO (even one swapped in after a check) cannot make a build wait."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise UnreadableSource(path, _why_unopenable(path, error)) from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise UnreadableSource(path, f"not a regular file but {_kind(mode)}; skipped")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def _read_regular_file(path: Path) -> bytes:
    with open_regular_file(path) as handle:
        try:
            return handle.read()
        except OSError as error:
            raise UnreadableSource(path, error.strerror or str(error)) from None


def _why_unopenable(path: Path, error: OSError) -> str:
    if error.errno == errno.ELOOP:
        return "symbolic link loop; skipped"
    if error.errno == errno.ENOENT and os.path.islink(path):
        return f"dangling symbolic link (to {os.readlink(path)}); skipped"
    if error.errno == errno.ENXIO:  # a socket, or a FIFO with no writer on some systems
        return "not a regular file; skipped"
    return error.strerror or str(error)


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a FIFO"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder")):
        if test(mode):
            return name
    return "a special file"


# Byte order marks of the UTF-16 and UTF-32 encodings, UTF-32 first (its little-endian mark
# starts with UTF-16's). Such files are full of NUL bytes, so they are read before the
# binary check; without a mark, UTF-16 is not guessed.
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _bom_text(path: Path, raw: bytes) -> tuple[str, str] | None:
    """(text, codec) of a UTF-16 or UTF-32 file with its byte order mark; None otherwise."""
    for bom, codec in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(codec), codec
            except UnicodeDecodeError as error:
                raise UnreadableSource(path, f"starts with a {codec.upper()} byte order mark but is not {codec.upper()} (byte {error.start})") from None
    return None


def _looks_binary(raw: bytes) -> bool:
    if b"\x00" in raw:
        return True
    controls = sum(1 for byte in raw if byte < 0x20 and byte not in TEXT_CONTROLS)
    return controls / len(raw) > CONTROL_SHARE_LIMIT


def _decode(path: Path, raw: bytes) -> tuple[str, str]:
    """Return (text, codec name). UTF-8 is trusted when it decodes strictly; otherwise the
    most plausible of the legacy Chinese codecs wins."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError as error:
            raise UnreadableSource(
                path, f"starts with a UTF-8 byte order mark but is not UTF-8 (byte {error.start})"
            ) from error
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass  # not UTF-8: try the legacy codecs below
    candidates: list[tuple[str, str]] = []
    for codec in LEGACY_CODECS:
        if codec == "big5hkscs" and any(name == "big5" for name, _ in candidates):
            continue
        try:
            candidates.append((codec, raw.decode(codec)))
        except UnicodeDecodeError:
            continue  # this codec is out
    if not candidates:
        raise UnreadableSource(path, "cannot decode as UTF-8, GB18030 or Big5")
    codec, text = max(candidates, key=lambda candidate: plausibility(candidate[1]))
    return text, codec


def plausibility(text: str) -> float:
    """Score in [0, 1] of how much ``text`` looks like a Chinese policy text.

    It is the share of characters such a text is made of (ideographs, CJK and full-width
    punctuation, ASCII, white space) times the share of its ideographs that are common.
    Big5 bytes decoded as GB18030 usually decode, but into kana, box drawing and rare
    characters, so they score low:

    >>> plausibility("廣州市") > plausibility("約カチ")
    True
    """
    if not text:
        return 0.0
    total = plausible = ideographs = common = 0
    for char, count in Counter(text).items():
        total += count
        if _in_ranges(char, _IDEOGRAPH_RANGES):
            plausible += count
            ideographs += count
            common += count if _is_common_ideograph(char) else 0
        elif char.isspace() or " " <= char <= "~" or char in _PLAUSIBLE_LATIN1:
            plausible += count
        elif _in_ranges(char, _PLAUSIBLE_RANGES):
            plausible += count
    common_share = common / ideographs if ideographs else 1.0
    return plausible / total * common_share


def _in_ranges(char: str, ranges: tuple[tuple[str, str], ...]) -> bool:
    return any(low <= char <= high for low, high in ranges)


def _is_common_ideograph(char: str) -> bool:
    for codec, leads in (("gb2312", _GB2312_LEVEL1_LEADS), ("big5", _BIG5_LEVEL1_LEADS)):
        try:
            if char.encode(codec)[0] in leads:
                return True
        except UnicodeEncodeError:
            continue  # not in this character set
    return False


def split_lines(text: str) -> list[Line]:
    """Split normalised text into physical lines, stripped of surrounding white space.

    ``text[line.start:line.end] == line.text`` for every line; blank lines are kept with
    empty text. White space is Python's (including U+3000 and NBSP). ``indented`` is true when
    a non-blank line starts with white space other than a page break (``\\f``, ``\\v``), which
    pdftotext puts at the start of a page, not of a paragraph. A final ``\\n`` ends the last
    line rather than starting an empty one.

    >>> [(line.number, line.start, line.text, line.indented) for line in split_lines("一\\n\\u3000二 \\n")]
    [(1, 0, '一', False), (2, 3, '二', True)]
    """
    pieces = text.split("\n")
    if pieces[-1] == "":
        pieces.pop()
    lines: list[Line] = []
    offset = 0
    for number, raw in enumerate(pieces, start=1):
        left_stripped = raw.lstrip()
        lead = len(raw) - len(left_stripped)
        body = left_stripped.rstrip()
        start = offset + lead
        indented = bool(body) and any(char not in "\f\v" for char in raw[:lead])
        lines.append(Line(number=number, start=start, end=start + len(body), text=body, indented=indented))
        offset += len(raw) + 1
    return lines
