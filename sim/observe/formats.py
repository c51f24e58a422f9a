"""The three kinds of group history `groupsim observe` reads, each turned into plain records.

* `daily`: a daily statistics CSV, as group-management tools show it (one row per date: members,
  joins, leaves, messages, speakers, optionally value posts) -> `DayRow`s;
* `messages`: a message-level CSV, as chat-history export tools write it (timestamp, sender,
  text) -> `Event`s;
* `qq`: QQ's plain-text group chat export (a header block, then "YYYY-MM-DD HH:MM:SS
  nickname(id)" lines each followed by the message) -> `Event`s.

Columns are found by name (English or Chinese aliases, case-insensitive) or mapped by the user
(`field=HEADER`). Join and leave system lines ("XXX加入本群", "A邀请B、C加入了群聊",
"XXX退出了本群", "XXX被移出本群", "... joined the group") are recognised where the format has
them. Message text is read only to recognise system lines and is never kept: an `Event` holds a
time, a kind, the raw sender (hashed by the caller, never stored) and counts.

Every problem names the file and line; at most MAX_PROBLEMS are collected before giving up.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sim.observe.text import Source, lines, open_text
from sim.scenario import Problem, ScenarioError

FORMATS = ("daily", "messages", "qq")
MAX_PROBLEMS = 20
#: Observed count columns, in table order (value posts only where the source labels them).
COUNT_FIELDS = ("members", "joins", "leaves", "messages", "speakers", "value_posts")

#: Header names recognised for each field of a daily statistics CSV (compared case-insensitively).
DAILY_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "day", "日期", "时间", "统计日期"),
    "members": ("members", "member_count", "group_size", "群成员数", "成员数", "群人数", "总人数", "人数"),
    "joins": ("joins", "joined", "new_members", "入群人数", "新增成员", "新增人数", "加群人数", "入群"),
    "leaves": ("leaves", "left", "退群人数", "退出人数", "流失人数", "退群"),
    "messages": ("messages", "message_count", "消息数", "消息条数", "发言条数", "发言数"),
    "speakers": ("speakers", "active_speakers", "发言人数", "发言成员数", "活跃人数"),
    "value_posts": ("value_posts", "value", "价值内容数", "优质内容数"),
}
#: Header names recognised for each field of a message-level CSV.
MESSAGE_ALIASES: dict[str, tuple[str, ...]] = {
    "timestamp": (
        "timestamp",
        "time",
        "datetime",
        "date",
        "send_time",
        "strtime",
        "createtime",
        "时间",
        "发送时间",
    ),
    "sender": ("sender", "from", "author", "name", "nickname", "talker", "发送者", "发送人", "昵称", "用户"),
    "text": ("text", "content", "message", "msg", "strcontent", "内容", "消息", "消息内容"),
    "value": ("value", "is_value", "value_post", "价值"),
}
REQUIRED = {"daily": ("date",), "messages": ("timestamp", "sender")}
#: Senders that are the platform itself (their join/leave lines are counted, other lines skipped).
SYSTEM_SENDERS = frozenset({"", "系统消息", "system", "系统", "10000", "群通知"})
#: Values of a value column that mark a value post.
TRUE_WORDS = frozenset({"1", "true", "yes", "y", "value", "是", "t"})

_JOIN = re.compile(
    r"(加入了?(本群|群聊|该群)|入群|邀请.*加入|通过.*加入|joined|was added|were added|added .* to)", re.I
)
_LEAVE = re.compile(
    r"(退出了?(本群|群聊|该群)|退群|离开了?(本群|群聊)|移出|踢出|left the group|\bleft\b|was removed|removed .* from)",
    re.I,
)
_NAME_SPLIT = re.compile(r"[、,，]|\band\b|和")


@dataclass(frozen=True, slots=True)
class Event:
    """One thing a message-level export records: a message, or people joining or leaving."""

    line: int
    when: datetime
    kind: str  # "message" | "join" | "leave"
    sender: str = ""  # raw identity (QQ number, e-mail, or nickname); hashed by the caller
    count: int = 1  # people who joined or left (a system line may name several)
    value: bool | None = None  # labelled as a value post (None: the source does not say)


@dataclass(frozen=True)
class DayRow:
    """One row of a daily statistics CSV: its line, date and the counts it gives (None = blank)."""

    line: int
    day: date
    counts: Mapping[str, int | None]


@dataclass
class Problems:
    """Problems collected while reading a file (raised together, at most MAX_PROBLEMS)."""

    source: Source
    items: list[Problem] = field(default_factory=list)
    more: int = 0

    def add(self, line: int | None, message: str, where: str = "") -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(self.source.shown, line, where, message))
        else:
            self.more += 1
            if self.more == 1:
                self.raise_if_any()

    def raise_if_any(self) -> None:
        if self.items:
            extra = (
                [Problem(self.source.shown, None, "", "... and more problems; fix these first")]
                if self.more
                else []
            )
            raise ScenarioError(self.items + extra)


# ------------------------------------------------------------------------------ values


_DATE = re.compile(r"^\s*(\d{4})\s*(?:[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?|(\d{2})(\d{2}))\s*$")
_STAMP = re.compile(
    r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?[\sT]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2})?\s*$"
)
_EPOCH = re.compile(r"^\s*(\d{10}|\d{13})(?:\.\d+)?\s*$")


def parse_date(text: str) -> date | None:
    """A calendar date written as 2024-03-01, 2024/3/1, 2024.03.01, 2024年3月1日 or 20240301; else None."""
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day, month2, day2 = match.groups()
    try:
        return date(int(year), int(month or month2), int(day or day2))
    except ValueError:
        return None


def parse_timestamp(text: str, utc_offset_hours: float = 8.0) -> datetime | None:
    """A local date and time (2024-03-01 09:05:00, 2024/3/1 9:05, 2024-03-01T09:05:00+08:00, ...);
    a Unix time in seconds or milliseconds is shown at `utc_offset_hours` (China: +8). None if
    unreadable. A time-zone suffix is ignored: the export's local clock is what counts."""
    match = _STAMP.match(text)
    if match:
        year, month, day, hour, minute, second = match.groups()
        try:
            return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second or 0))
        except ValueError:
            return None
    epoch = _EPOCH.match(text)
    if epoch:
        value = int(epoch.group(1))
        seconds = value / 1000 if len(epoch.group(1)) == 13 else value
        moment = datetime.fromtimestamp(seconds, UTC) + timedelta(hours=utc_offset_hours)
        return moment.replace(tzinfo=None)
    return None


def parse_count(text: str) -> int | None | str:
    """A whole number >= 0 (thousands separators allowed), None for a blank cell, or the error text."""
    cleaned = text.strip().replace(",", "").replace("，", "").replace(" ", "")
    if cleaned in ("", "-", "—", "NA", "N/A", "nan"):
        return None
    try:
        number = float(cleaned)
    except ValueError:
        return f"expected a whole number, got {text.strip()!r}"
    if not number.is_integer() or number < 0:
        return f"expected a whole number >= 0, got {text.strip()!r}"
    return int(number)


def system_kind(text: str) -> tuple[str, int] | None:
    """("join" | "leave", people) for a join/leave system line, else None."""
    leave = _LEAVE.search(text)
    join = _JOIN.search(text)
    if join and not (leave and leave.start() < join.start()):
        named = _INVITED.search(text)
        return "join", _name_count(named.group(1)) if named else 1
    if leave:
        named = _REMOVED.search(text)
        return "leave", _name_count(named.group(1)) if named else 1
    return None


_INVITED = re.compile(r"邀请(.+?)加入")
_REMOVED = re.compile(r"(?:将|把)(.+?)移出")


def _name_count(names: str) -> int:
    """People named in "A、B和C": 3."""
    parts = [p for p in _NAME_SPLIT.split(names) if p.strip()]
    return max(1, len(parts))


# ------------------------------------------------------------------------------ CSV columns


def _reader(source: Source) -> tuple[Iterator[list[str]], Any]:
    handle = open_text(source)
    sample = handle.read(64 * 1024)
    handle.seek(0)
    try:
        dialect = csv.Sniffer().sniff(sample.split("\n", 1)[0] or sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return csv.reader(handle, dialect), handle


def match_columns(
    header: list[str],
    aliases: Mapping[str, tuple[str, ...]],
    mapping: Mapping[str, str],
    required: tuple[str, ...],
    source: Source,
    line: int,
) -> dict[str, int]:
    """Field -> column index, from the user's `mapping` (field=HEADER) or the aliases.

    ScenarioError naming the missing fields, the file's columns and a suggestion.
    """
    names = [h.strip().lstrip("\ufeff") for h in header]
    folded = [n.casefold() for n in names]
    found: dict[str, int] = {}
    problems: list[Problem] = []
    for key, wanted in mapping.items():
        if key not in aliases:
            close = difflib.get_close_matches(key, list(aliases), n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                Problem(
                    source.shown,
                    None,
                    f"--column {key}",
                    f"no field {key!r}{hint} Fields: {', '.join(aliases)}",
                )
            )
        elif wanted.strip().casefold() in folded:
            found[key] = folded.index(wanted.strip().casefold())
        else:
            close = difflib.get_close_matches(wanted, names, n=1, cutoff=0.5)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            problems.append(
                Problem(
                    source.shown,
                    line,
                    f"--column {key}",
                    f"no column {wanted!r} in the header{hint} Columns: {', '.join(names)}",
                )
            )
    for key, options in aliases.items():
        if key in found or key in mapping:
            continue
        for option in options:
            if option.casefold() in folded:
                found[key] = folded.index(option.casefold())
                break
    for key in required:
        if key not in found and key not in mapping:
            problems.append(
                Problem(
                    source.shown,
                    line,
                    "",
                    f"no {key} column (looked for {', '.join(aliases[key])}); the header has "
                    f"{', '.join(names) or 'no columns'}; map one with --column {key}=NAME",
                )
            )
    if problems:
        raise ScenarioError(problems)
    return found


def _cell(cells: list[str], columns: Mapping[str, int], key: str) -> str:
    """The cell of field `key` in a row ("" if the field has no column or the row is short)."""
    index = columns.get(key)
    return cells[index] if index is not None and index < len(cells) else ""


def _rows(source: Source) -> Iterator[tuple[int, list[str]]]:
    """(line, cells) of every non-empty CSV row; the header first."""
    reader, handle = _reader(source)
    with handle:
        try:
            for cells in reader:
                if any(c.strip() for c in cells):
                    yield reader.line_num, cells
        except UnicodeDecodeError as exc:
            raise source.problem(
                reader.line_num + 1,
                f"cannot be read as {source.encoding} ({exc.reason}); name the encoding with --encoding",
            ) from None
        except csv.Error as exc:
            raise source.problem(reader.line_num, f"malformed CSV: {exc}") from None


def _header(rows: Iterator[tuple[int, list[str]]], source: Source) -> tuple[int, list[str]]:
    try:
        return next(rows)
    except StopIteration:
        raise source.problem(
            None, "holds no rows (expected a header line, then one row per record)"
        ) from None


# ------------------------------------------------------------------------------ the formats


def read_daily_csv(source: Source, mapping: Mapping[str, str]) -> list[DayRow]:
    """The rows of a daily statistics CSV, in file order (dates are checked by the caller)."""
    rows = _rows(source)
    header_line, header = _header(rows, source)
    columns = match_columns(header, DAILY_ALIASES, mapping, REQUIRED["daily"], source, header_line)
    if len(columns) == 1:
        raise source.problem(
            header_line,
            "names a date column but no counts; expected some of "
            + ", ".join(k for k in DAILY_ALIASES if k != "date")
            + " (map them with --column field=NAME)",
        )
    problems = Problems(source)
    out: list[DayRow] = []
    for line, cells in rows:
        day = parse_date(_cell(cells, columns, "date"))
        if day is None:
            problems.add(
                line, f"expected a date like 2024-03-01, got {_cell(cells, columns, 'date')!r}", "date"
            )
            continue
        counts: dict[str, int | None] = {}
        for key in COUNT_FIELDS:
            if key not in columns:
                continue
            value = parse_count(_cell(cells, columns, key))
            if isinstance(value, str):
                problems.add(line, value, header[columns[key]].strip())
            else:
                counts[key] = value
        out.append(DayRow(line, day, counts))
    problems.raise_if_any()
    if not out:
        raise source.problem(header_line, "has a header but no data rows")
    return out


def read_messages_csv(
    source: Source,
    mapping: Mapping[str, str],
    system_senders: frozenset[str] = SYSTEM_SENDERS,
    utc_offset_hours: float = 8.0,
) -> Iterator[Event]:
    """The events of a message-level CSV, in file order."""
    rows = _rows(source)
    header_line, header = _header(rows, source)
    columns = match_columns(header, MESSAGE_ALIASES, mapping, REQUIRED["messages"], source, header_line)
    problems = Problems(source)
    for line, cells in rows:
        when = parse_timestamp(_cell(cells, columns, "timestamp"), utc_offset_hours)
        if when is None:
            problems.add(
                line,
                f"expected a time like 2024-03-01 09:05:00, got {_cell(cells, columns, 'timestamp')!r}",
                "timestamp",
            )
            continue
        sender = _cell(cells, columns, "sender").strip()
        if sender.casefold() in system_senders:
            kind = system_kind(_cell(cells, columns, "text"))
            if kind is not None:
                yield Event(line, when, kind[0], "", kind[1])
            continue
        value = (
            _cell(cells, columns, "value").strip().casefold() in TRUE_WORDS if "value" in columns else None
        )
        yield Event(line, when, "message", sender, 1, value)
    problems.raise_if_any()


_QQ_HEADER = re.compile(
    r"^(\d{4}-\d{1,2}-\d{1,2})\s+(\d{1,2}:\d{2}:\d{2})\s+(?:【[^】]*】)?(.*?)(?:\((\d+)\)|<([^<>]*)>)\s*$"
)
_QQ_CHAT = re.compile(r"^\s*消息对象[:：](.*)$")
_QQ_SYSTEM_IDS = frozenset({"10000", "1000000"})


def read_qq_text(source: Source, chat: str | None = None) -> Iterator[Event]:
    """The events of a QQ plain-text export ("消息记录（此消息记录为文本格式，不支持重新导入）").

    A file holding several chats (消息对象: sections) needs `chat`, the one to read.
    """
    chats: list[str] = []
    wanted = chat is None
    pending: tuple[int, datetime] | None = None  # a system message waiting for its text line
    seen_header = False
    for line, text in lines(source):
        section = _QQ_CHAT.match(text)
        if section:
            name = section.group(1).strip()
            chats.append(name)
            if chat is None and len(chats) > 1:
                raise source.problem(
                    line,
                    f"holds more than one chat ({len(chats)} so far); name the one to read with --chat",
                )
            wanted = chat is None or name == chat
            pending = None
            continue
        match = _QQ_HEADER.match(text)
        if match is None:
            if pending is not None and text.strip():
                kind = system_kind(text)
                if kind is not None:
                    yield Event(pending[0], pending[1], kind[0], "", kind[1])
                pending = None
            continue
        seen_header = True
        pending = None
        if not wanted:
            continue
        stamp = f"{match.group(1)} {match.group(2)}"
        when = parse_timestamp(stamp)
        if when is None:
            raise source.problem(line, f"expected a date and time like 2024-03-01 09:05:00, got {stamp!r}")
        nickname, number, mail = match.group(3).strip(), match.group(4), match.group(5)
        if number in _QQ_SYSTEM_IDS or (nickname in SYSTEM_SENDERS and not mail):
            pending = (line, when)
            continue
        yield Event(line, when, "message", number or mail or nickname)
    if not seen_header:
        raise source.problem(
            None,
            "has no message lines: expected lines like '2024-03-01 09:05:00 nickname(12345678)' "
            "(QQ's text export); for a CSV use --format messages or --format daily",
        )
    if chat is not None and chat not in chats:
        close = difflib.get_close_matches(chat, chats, n=1, cutoff=0.4)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise source.problem(None, f"has no chat named {chat!r}{hint}", "--chat")
