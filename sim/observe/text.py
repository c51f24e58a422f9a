"""Reading a user's export file line by line, in whatever encoding it was saved, with located errors.

Chat exports come from Windows tools as often as from phones: UTF-8 with or without a byte-order
mark, UTF-16 (with its mark), or the Chinese legacy encoding GB18030 (a superset of GBK/GB2312).
The encoding is taken from the byte-order mark, else UTF-8 if the first 256 KiB decode as UTF-8,
else GB18030 if they decode as that; `--encoding` overrides the guess. The file is read as a stream,
so a large export never has to fit in memory.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sim.scenario import Problem, ScenarioError

#: Bytes looked at to guess the encoding.
SNIFF_BYTES = 256 * 1024
#: Encodings tried, in order, when the file has no byte-order mark.
GUESSES = ("utf-8", "gb18030")
#: Longest line accepted (characters): a longer "line" is a binary file or a broken export.
MAX_LINE = 1_000_000


@dataclass(frozen=True)
class Source:
    """An export file: its path, the encoding it is read with, and its SHA-256 (identifies it)."""

    path: Path
    encoding: str
    sha256: str

    @property
    def shown(self) -> str:
        return str(self.path)

    def problem(self, line: int | None, message: str, field: str = "") -> ScenarioError:
        """A user error located at `line` of this file."""
        return ScenarioError([Problem(self.shown, line, field, message)])


def open_source(path: Path, encoding: str | None = None) -> Source:
    """Check that `path` is a readable file and settle its encoding; ScenarioError if not."""
    shown = str(path)
    if not path.exists():
        siblings = sorted(p.name for p in path.parent.iterdir()) if path.parent.is_dir() else []
        close = difflib.get_close_matches(path.name, siblings, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise ScenarioError([Problem(shown, None, "", f"file not found{hint}")])
    if path.is_dir():
        raise ScenarioError([Problem(shown, None, "", "is a folder, expected an export file")])
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
            digest.update(head)
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError as exc:
        raise ScenarioError(
            [Problem(shown, None, "", f"could not be read ({exc.strerror or exc})")]
        ) from None
    if not head:
        raise ScenarioError([Problem(shown, None, "", "is empty")])
    if encoding is not None:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise ScenarioError(
                [Problem(shown, None, "", f"unknown encoding {encoding!r}; try utf-8, utf-16 or gb18030")]
            ) from None
        chosen = encoding
    else:
        chosen = guess_encoding(head, shown)
    return Source(path, chosen, digest.hexdigest())


def guess_encoding(head: bytes, shown: str) -> str:
    """The encoding of a file starting with `head` (see the module docstring)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\0" in head[:4096]:
        raise ScenarioError(
            [
                Problem(
                    shown,
                    None,
                    "",
                    "looks like a binary file (it holds NUL bytes), not a text export; "
                    "export the chat as text (.txt) or CSV",
                )
            ]
        )
    for name in GUESSES:
        try:
            # a multi-byte character may be cut at the end of the sniffed block: decode incrementally
            codecs.getincrementaldecoder(name)().decode(head, final=False)
            return name
        except UnicodeDecodeError:
            continue
    raise ScenarioError(
        [
            Problem(
                shown,
                None,
                "",
                "is neither UTF-8 nor GB18030 text; save it as UTF-8, or name its encoding with --encoding",
            )
        ]
    )


def lines(source: Source) -> Iterator[tuple[int, str]]:
    """(line number, text without the line break) for every line of `source`, streamed.

    A byte that does not decode, or a "line" longer than MAX_LINE characters (a binary file), is an
    error naming the line.
    """
    number = 0
    with source.path.open("r", encoding=source.encoding, newline="") as handle:
        while True:
            try:
                raw = handle.readline(MAX_LINE + 1)
            except UnicodeDecodeError as exc:
                raise source.problem(
                    number + 1,
                    f"cannot be read as {source.encoding} ({exc.reason}); "
                    "name the file's encoding with --encoding (e.g. utf-8, gb18030, utf-16)",
                ) from None
            if not raw:
                return
            number += 1
            if len(raw) > MAX_LINE:
                raise source.problem(number, f"a line longer than {MAX_LINE:,} characters: not a text export")
            yield number, raw.rstrip("\r\n")


def open_text(source: Source) -> IO[str]:
    """The file as a text stream (for the csv module), universal newlines left to the reader."""
    return source.path.open("r", encoding=source.encoding, newline="")
