"""Reading input files safely, and wording their problems: the one toolkit every loader uses.

Scenario files, experiment files and `--set` values (and any later input file, such as
calibration targets or optimisation studies) are read with `read_yaml_file` or
`read_text_file` + `parse_yaml_text`, which enforce the input limits of `sim.limits`:

* only a regular file is read - never a folder, a named pipe, a device or a socket - of at most
  `MAX_FILE_BYTES`, named by a path of at most `MAX_PATH_BYTES` (`MAX_NAME_BYTES` per name) with
  no NUL character;
* the text must be UTF-8 without control characters (tab and line breaks aside): the first
  offending character is reported with its line and column;
* YAML is loaded safely (plain data: no tags), duplicate keys are errors, lists and mappings nest
  at most `MAX_YAML_DEPTH` deep and hold at most `MAX_YAML_VALUES` values once aliases (*name)
  are expanded, and no text - escapes included - may hold a control character or a lone
  surrogate.

A file that `extends:` or is the `base:` of another is found with `resolve_reference`, which
refuses references that cannot name a file, and `within` says whether it lies in an allowed folder.

Every problem is a `Problem` (file, line, dotted field path, message); a loader raises
`ScenarioError` with all it found. `dotted`, `where`, `type_name`, `short`, `did_you_mean` and
`missing_file_message` word them the same way in every loader.
"""

from __future__ import annotations

import difflib
import errno
import os
import re
import reprlib
import stat
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.limits import (
    MAX_FILE_BYTES,
    MAX_MESSAGE_CHARS,
    MAX_NAME_BYTES,
    MAX_PATH_BYTES,
    MAX_YAML_DEPTH,
    MAX_YAML_VALUES,
)

# -------------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: its file, line (None if unknown), dotted field path ('' for
    the whole file) and a message saying what was expected and, where it can, what to do."""

    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where_ = f"{self.file}:{self.line}" if self.line else self.file
        field = f" {self.field}:" if self.field else ""
        message = self.message
        if len(message) > MAX_MESSAGE_CHARS:
            message = message[: MAX_MESSAGE_CHARS - 3] + "..."
        return f"{where_}:{field} {message}"


class ScenarioError(Exception):
    """An input file (scenario, experiment...) could not be loaded; `problems` say why, already
    worded for the user. `omitted` counts further problems of the same validation that were not
    worded (a file with thousands of unknown keys lists the first `MAX_PROBLEMS`)."""

    def __init__(self, problems: list[Problem], omitted: int = 0):
        self.problems = problems
        self.omitted = omitted
        more = f"\n... and {omitted:,} more problems" if omitted else ""
        super().__init__("\n".join(str(p) for p in problems) + more)

    def __reduce__(self):  # picklable with its problems (it may cross process boundaries)
        return type(self), (self.problems, self.omitted)


#: Field path -> (file, line) of every value read from a YAML file.
Lines = dict[tuple[Any, ...], tuple[str, int]]


def dotted(path: Sequence[Any]) -> str:
    """('timeline', 2, 'changes') -> 'timeline[2].changes'."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def where(path: Sequence[Any], lines: Lines, shown: str) -> tuple[str, int | None]:
    """File and line of the nearest located ancestor of `path` (a field may come from a parent
    file); (`shown`, None) if nothing on the path was located."""
    path = tuple(path)
    for cut in range(len(path), -1, -1):
        if path[:cut] in lines:
            return lines[path[:cut]]
    return shown, None


def type_name(value: Any) -> str:
    """'text', 'whole number', 'number', 'true/false', 'list', 'mapping', 'empty' or the type's name."""
    return {
        str: "text",
        int: "whole number",
        float: "number",
        bool: "true/false",
        list: "list",
        dict: "mapping",
        type(None): "empty",
    }.get(type(value), type(value).__name__)


_REPR = reprlib.Repr()
_REPR.maxstring = _REPR.maxother = 60
_REPR.maxlist = _REPR.maxtuple = _REPR.maxdict = _REPR.maxset = 6
_REPR.maxlevel = 3


def short(value: Any) -> str:
    """repr() cut to a readable length: a wrong value may be a whole section or a huge list."""
    return _REPR.repr(value)


def did_you_mean(word: Any, options: Iterable[str], *, n: int = 1, cutoff: float = 0.5) -> str:
    """'; did you mean 'x'?' (or 'x' or 'y') for the options closest to `word`, else ''."""
    close = difflib.get_close_matches(str(word), list(options), n=n, cutoff=cutoff)
    return f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""


def missing_file_message(path: Path) -> str:
    """'file not found' and the YAML files beside it whose names are close."""
    try:
        folder = path.parent
        siblings = sorted(p.name for p in folder.glob("*.y*ml")) if folder.is_dir() else []
    except OSError:
        siblings = []
    close = difflib.get_close_matches(path.name, siblings, n=3, cutoff=0.5)
    return "file not found" + (f"; did you mean {', '.join(close)}?" if close else "")


def clip(text: str, limit: int = 120) -> str:
    """`text` cut in the middle when longer than `limit` characters (for messages)."""
    if len(text) <= limit:
        return text
    head = limit // 2
    return f"{text[:head]}...{text[-(limit - head - 3) :]}"


def shown_path(path: str | os.PathLike[str]) -> str:
    """A path as printed in a message: a NUL shown as \\0, cut in the middle when very long."""
    return clip(os.fspath(path).replace("\x00", "\\0"))


# ----------------------------------------------------------------------------------- paths


def path_problem(path: str | os.PathLike[str]) -> str | None:
    """Why `path` cannot name a file (a NUL character, too long a path or name), or None."""
    text = os.fspath(path)
    if "\x00" in text:
        return "the path holds a NUL character, which no file name can"
    try:
        raw = os.fsencode(text)
    except UnicodeEncodeError:
        return "the path is not valid text"
    if len(raw) > MAX_PATH_BYTES:
        return f"the path is {len(raw):,} bytes long; a path may be at most {MAX_PATH_BYTES:,} bytes"
    for name in raw.split(b"/"):
        if len(name) > MAX_NAME_BYTES:
            shown = short(name.decode("utf-8", "replace"))
            return (
                f"the name {shown} is {len(name):,} bytes long; a file or folder name may be at most "
                f"{MAX_NAME_BYTES} bytes"
            )
    return None


def os_reason(exc: OSError) -> str:
    """A short reason for a failed file operation, in words."""
    return {
        errno.ELOOP: "a symbolic link in the path loops back on itself",
        errno.ENAMETOOLONG: "the path or a name in it is too long",
        errno.ENOTDIR: "a part of the path is a file, not a folder",
        errno.EACCES: "Permission denied",
        errno.EPERM: "Permission denied",
        errno.EROFS: "read-only file system",
        errno.ENOSPC: "no space left on the device",
    }.get(exc.errno or 0, exc.strerror or str(exc))


def resolve_reference(reference: str, folder: Path) -> tuple[Path | None, str]:
    """The file a reference (`extends:` or `base:`, relative to `folder` unless absolute) names,
    resolved (symbolic links followed), or None and why it cannot name a file."""
    problem = path_problem(reference)
    if problem:
        return None, problem
    try:
        return (folder / reference).resolve(), ""
    except RuntimeError:  # Python 3.11 reports a symbolic-link loop this way
        return None, "a symbolic link in the path loops back on itself"
    except OSError as exc:
        return None, os_reason(exc)


def within(path: Path, folders: Iterable[Path]) -> bool:
    """True if the resolved `path` lies in (or below) one of the resolved `folders`."""
    return any(path.is_relative_to(folder) for folder in folders)


# ----------------------------------------------------------------------------------- files

_KINDS = (
    (stat.S_ISDIR, "is a folder, expected a YAML file"),
    (stat.S_ISFIFO, "is a named pipe, not a regular file; give a YAML file"),
    (stat.S_ISCHR, "is a device, not a regular file; give a YAML file"),
    (stat.S_ISBLK, "is a device, not a regular file; give a YAML file"),
    (stat.S_ISSOCK, "is a socket, not a regular file; give a YAML file"),
)


def _not_regular(mode: int) -> str:
    for test, message in _KINDS:
        if test(mode):
            return message
    return "is not a regular file; give a YAML file"


def read_text_file(path: str | os.PathLike[str], *, what: str = "scenario", shown: str | None = None) -> str:
    """The text of the input file at `path`: a regular file of at most `MAX_FILE_BYTES`, UTF-8,
    without control characters. Raises `ScenarioError` (one problem, naming `shown`) otherwise.
    A named pipe or a device is refused before it is opened for reading, so nothing blocks."""
    path = Path(path)
    shown = shown_path(path) if shown is None else shown

    def refuse(message: str, line: int | None = None) -> ScenarioError:
        return ScenarioError([Problem(shown, line, "", message)])

    problem = path_problem(path)
    if problem:
        raise refuse(problem)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise refuse(missing_file_message(path)) from None
    except OSError as exc:
        raise refuse(f"could not be read ({os_reason(exc)})") from None
    if not stat.S_ISREG(info.st_mode):
        raise refuse(_not_regular(info.st_mode))
    limit = f"a {what} file may be at most {MAX_FILE_BYTES // 1024:,} KiB"
    if info.st_size > MAX_FILE_BYTES:
        raise refuse(f"is {info.st_size / 1024:,.0f} KiB; {limit}")
    try:
        raw = _read_regular(path, MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise refuse(f"could not be read ({os_reason(exc)})") from None
    except ValueError as exc:  # it stopped being a regular file between the two looks
        raise refuse(str(exc)) from None
    if len(raw) > MAX_FILE_BYTES:  # e.g. a file under /proc, whose size is given as 0
        raise refuse(f"is larger than {MAX_FILE_BYTES // 1024:,} KiB; {limit}")
    return decode_text(raw, shown, what=what)


def _read_regular(path: Path, most: int) -> bytes:
    """At most `most` bytes of a regular file (ValueError if it is not one once opened)."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(path, flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise ValueError(_not_regular(mode))
        chunks, size = [], 0
        while size < most:
            chunk = os.read(fd, min(1 << 16, most - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


# What PyYAML's reader accepts (YAML 1.1 printable characters), and so what a file may hold.
_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 0x0B: "VT", 0x0C: "FF", 0x1B: "ESC", 0x7F: "DEL"}


def _character(ch: str) -> str:
    code = ord(ch)
    if 0xD800 <= code <= 0xDFFF:
        return f"a lone surrogate U+{code:04X}"
    name = _CONTROL_NAMES.get(code)
    return f"the control character U+{code:04X}" + (f" ({name})" if name else "")


def _line_column(text: str, position: int) -> tuple[int, int]:
    line = text.count("\n", 0, position) + 1
    return line, position - (text.rfind("\n", 0, position) + 1) + 1


def decode_text(raw: bytes, shown: str, *, what: str = "scenario") -> str:
    """`raw` decoded as UTF-8; `ScenarioError` naming the line and column of the first byte that
    is not UTF-8 or of the first control character."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ScenarioError(
            [
                Problem(
                    shown,
                    line,
                    "",
                    f"column {column}: is not UTF-8 text ({exc.reason} at byte {exc.start}); "
                    "save the file as UTF-8",
                )
            ]
        ) from None
    found = _NOT_PRINTABLE.search(text)
    if found:
        line, column = _line_column(text, found.start())
        raise ScenarioError(
            [
                Problem(
                    shown,
                    line,
                    "",
                    f"column {column}: {_character(found.group())} is not allowed; a {what} file is "
                    "plain text (tabs and line breaks aside)",
                )
            ]
        )
    return text


# ------------------------------------------------------------------------------------ YAML


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader (no arbitrary objects), which stops composing as soon as the file
    holds more than `MAX_YAML_VALUES` nodes or nests deeper than `MAX_YAML_DEPTH` (the expanded
    size is measured after composing, by `_measure`)."""

    def __init__(self, text: str, shown: str, what: str) -> None:
        super().__init__(text)
        self.shown, self.what = shown, what
        self.nodes = self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node | None:
        self.nodes += 1
        if self.nodes > MAX_YAML_VALUES:
            raise self.refuse(
                f"holds more than {MAX_YAML_VALUES:,} values; a {self.what} file may hold at most "
                f"{MAX_YAML_VALUES:,}"
            )
        self.depth += 1
        try:
            if self.depth > MAX_YAML_DEPTH:
                raise self.refuse(
                    f"malformed YAML: lists or mappings are nested too deeply (more than {MAX_YAML_DEPTH} levels)"
                )
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def refuse(self, message: str) -> ScenarioError:
        mark = self.peek_event().start_mark
        return ScenarioError([Problem(self.shown, mark.line + 1, "", f"column {mark.column + 1}: {message}")])


# Tags the safe loader builds from plain YAML; anything else (!!python/object, !!set, custom
# tags) is refused rather than silently read as a plain mapping or list.
_SAFE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")
)


def read_yaml_file(
    path: str | os.PathLike[str], *, what: str = "scenario", shown: str | None = None
) -> tuple[Any, Lines]:
    """Read and parse a YAML input file within every limit (see the module docstring).

    Returns the data (plain dicts, lists, text, numbers, booleans, None) and a map from each
    field path to the (file, line) it was read from. Raises `ScenarioError` on any problem.
    """
    shown = shown_path(path) if shown is None else shown
    return parse_yaml_text(read_text_file(path, what=what, shown=shown), shown, what=what)


def parse_yaml_text(text: str, shown: str, *, what: str = "scenario") -> tuple[Any, Lines]:
    """Parse YAML text safely within the depth and size limits (see `read_yaml_file`); `shown`
    names it in problems (a file, or e.g. '--set horizon.days')."""
    lines: Lines = {}
    try:
        loader = _Loader(text, shown, what)
    except yaml.YAMLError as exc:  # the reader refuses a character (decode_text catches these first)
        raise ScenarioError([Problem(shown, None, "", f"malformed YAML: {exc}")]) from None
    try:
        node = loader.get_single_node()
        if node is None:
            return None, lines
        _measure(node, shown, what)
        data = _Builder(loader, lines, shown).construct(node, ())
    except RecursionError:
        raise ScenarioError(
            [Problem(shown, None, "", "malformed YAML: lists or mappings are nested too deeply")]
        ) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        column = f", column {mark.column + 1}" if mark else ""
        problem = (exc.problem or exc.context or "could not parse").strip()
        raise ScenarioError([Problem(shown, line, "", f"malformed YAML{column}: {problem}")]) from None
    except yaml.YAMLError as exc:
        raise ScenarioError([Problem(shown, None, "", f"malformed YAML: {exc}")]) from None
    finally:
        loader.dispose()
    return data, lines


def _children(node: yaml.Node, path: tuple[Any, ...]) -> list[tuple[yaml.Node, tuple[Any, ...]]]:
    """The nodes inside `node`, each with its field path (keys as written, for messages)."""
    if isinstance(node, yaml.MappingNode):
        out = []
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else "?"
            out += [(key, path), (value, path + (name,))]
        return out
    if isinstance(node, yaml.SequenceNode):
        return [(item, path + (i,)) for i, item in enumerate(node.value)]
    return []


def _measure(root: yaml.Node, shown: str, what: str) -> None:
    """Refuse a node tree nested deeper than `MAX_YAML_DEPTH`, one that holds itself through an
    alias, or one that expands (aliases repeated in full) to more than `MAX_YAML_VALUES` values.

    Each node is visited once (sizes are memoised by node), so a "billion laughs" file is
    measured, not expanded. Iterative, so a deep file cannot exhaust the call stack.
    """
    sizes: dict[int, int] = {}
    started: set[int] = set()
    stack: list[tuple[yaml.Node, tuple[Any, ...], bool]] = [(root, (), False)]

    def refuse(node: yaml.Node, path: tuple[Any, ...], message: str) -> ScenarioError:
        return ScenarioError([Problem(shown, node.start_mark.line + 1, dotted(path), message)])

    while stack:
        node, path, finished = stack.pop()
        key = id(node)
        children = _children(node, path)
        if finished:
            started.discard(key)
            size = 1 + sum(sizes[id(child)] for child, _ in children)
            if size > MAX_YAML_VALUES:
                raise refuse(
                    node,
                    path,
                    f"holds more than {MAX_YAML_VALUES:,} values once its aliases (*name) are expanded; "
                    f"a {what} file may hold at most {MAX_YAML_VALUES:,} (an alias repeats everything "
                    "its anchor &name holds)",
                )
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if len(path) >= MAX_YAML_DEPTH:
            raise refuse(
                node,
                path[:3],
                f"malformed YAML: lists or mappings are nested too deeply (more than {MAX_YAML_DEPTH} levels)",
            )
        started.add(key)
        stack.append((node, path, True))
        for child, child_path in reversed(children):  # reversed: visited in document order
            if id(child) in started:
                raise refuse(
                    child,
                    child_path,
                    "an alias (*name) is used inside its own anchor (&name); recursive YAML is not allowed",
                )
            if id(child) not in sizes:
                stack.append((child, child_path, False))


class _Builder:
    """Builds plain Python data from a measured YAML node tree, recording the line of every
    field path.

    Like PyYAML's constructor, a node reached again through an alias is built once and shared.
    Text is checked for control characters and lone surrogates that escapes ("\\0", "\\ud800")
    can put in a double-quoted string.
    """

    def __init__(self, loader: _Loader, lines: Lines, shown: str) -> None:
        self.loader, self.lines, self.shown = loader, lines, shown
        self.built: dict[int, Any] = {}

    def problem(self, node: yaml.Node, path: tuple[Any, ...], message: str) -> ScenarioError:
        return ScenarioError([Problem(self.shown, node.start_mark.line + 1, dotted(path), message)])

    def construct(self, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        self.lines.setdefault(path, (self.shown, node.start_mark.line + 1))
        if node.tag not in _SAFE_TAGS:
            tag = node.tag.replace("tag:yaml.org,2002:", "!!")
            raise self.problem(
                node,
                path,
                f"the YAML tag {short(tag)} is not allowed: input files are loaded safely and hold "
                "plain data only (text, numbers, true/false, lists and mappings)",
            )
        key = id(node)
        if key not in self.built:
            self.built[key] = self._build(node, path)
        return self.built[key]

    def scalar(self, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        try:
            value = self.loader.construct_object(node, deep=True)
        except (ValueError, OverflowError) as exc:  # e.g. an integer of more than 4,300 digits
            digits = sum(ch.isdigit() for ch in str(node.value))
            reason = f"a number of {digits:,} digits" if "digits" in str(exc) else str(exc)
            raise self.problem(node, path, f"this value cannot be read ({short(reason)})") from None
        if isinstance(value, str):
            found = _NOT_PRINTABLE.search(value)
            if found:
                raise self.problem(
                    node,
                    path,
                    f"column {node.start_mark.column + 1}: the text holds {_character(found.group())}, "
                    "written as an escape; control characters and lone surrogates are not allowed",
                )
        return value

    def _build(self, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.construct(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def _mapping(self, node: yaml.MappingNode, path: tuple[Any, ...]) -> dict[Any, Any]:
        own = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
        self.loader.flatten_mapping(node)  # merged pairs (<<: *name) first, then the mapping's own
        merged = len(node.value) - own
        out: dict[Any, Any] = {}
        from_merge: set[Any] = set()
        for index, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag not in _SAFE_TAGS:
                raise self.problem(key_node, path, "keys must be plain names")
            key = self.scalar(key_node, path)
            if not isinstance(key, (str, int, float, bool)) or key is None:
                raise self.problem(key_node, path, f"keys must be plain names, got {short(key)}")
            if index < merged:
                from_merge.add(key)
            elif key in from_merge:  # a key of the mapping itself overrides a merged one
                from_merge.discard(key)
            elif key in out:
                first = self.lines[path + (key,)][1]
                raise self.problem(key_node, path + (key,), f"duplicate key (first given on line {first})")
            self.lines[path + (key,)] = (self.shown, key_node.start_mark.line + 1)
            out[key] = self.construct(value_node, path + (key,))
        return out
