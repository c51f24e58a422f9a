"""From records to the daily observation table, with senders pseudonymised on the way in.

The observation table has one row per calendar date from the first to the last date of the
history (dates without a record are filled in), and these columns:

* `date`, `day` — `day` counts days since the group was founded (`--founded`; by default the
  day before the first date, so the first date is day 1, as the model's first simulated day);
* `members`, `joins`, `leaves`, `messages`, `speakers`, `value_posts` — nullable whole numbers;
  a missing value (NA) means *not observed*, which is not the same as zero.

From a message-level export, `messages` counts every message, `speakers` the distinct senders
that day, `joins` and `leaves` the people named in join and leave system lines (kicks count as
leaves) - observed only if the file has at least one such line (an export that never records them
cannot tell "nobody joined" from "not recorded"); `value_posts` where a column labels them.
`members` is known only if the user gives the count on the last day (`--members`): earlier days
are reconstructed backwards from joins and leaves when those are observed.

**Privacy.** A sender is replaced, as it is read, by a keyed BLAKE2b hash of its identity (QQ
number, e-mail or nickname). The key is a fresh random salt per import that is never written
anywhere (so the hashes cannot be reversed by trying names, and two imports cannot be linked), or
one the user supplies (`--salt`, to link imports of the same group; also not written). No message
text is kept.
"""

from __future__ import annotations

import hashlib
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

from sim.observe.formats import COUNT_FIELDS, DayRow, Event
from sim.observe.text import Source
from sim.scenario import Problem, ScenarioError

#: Length of a sender pseudonym in hex characters (64 bits: no collisions in any real group).
HASH_BYTES = 8


def make_key(salt: str | None) -> bytes:
    """The hashing key: 32 random bytes, or derived from the user's salt (never stored)."""
    if salt is None:
        return os.urandom(32)
    return hashlib.sha256(("groupsim-observe:" + salt).encode("utf-8")).digest()


def pseudonym(identity: str, key: bytes) -> str:
    """The keyed hash of a sender identity (16 hex characters)."""
    return hashlib.blake2b(identity.encode("utf-8"), key=key, digest_size=HASH_BYTES).hexdigest()


@dataclass
class _Sender:
    first: date
    last: date
    messages: int = 0
    value_posts: int = 0
    days: set[date] = field(default_factory=set)


@dataclass
class MessageTally:
    """Counts per date and per (pseudonymous) sender, fed one `Event` at a time."""

    key: bytes
    messages: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    speakers: dict[date, set[str]] = field(default_factory=lambda: defaultdict(set))
    joins: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    leaves: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    value_posts: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    senders: dict[str, _Sender] = field(default_factory=dict)
    system_lines: int = 0
    labelled: bool = False
    first: date | None = None
    last: date | None = None

    def add(self, event: Event) -> None:
        day = event.when.date()
        self.first = day if self.first is None else min(self.first, day)
        self.last = day if self.last is None else max(self.last, day)
        if event.kind == "join":
            self.joins[day] += event.count
            self.system_lines += 1
            return
        if event.kind == "leave":
            self.leaves[day] += event.count
            self.system_lines += 1
            return
        who = pseudonym(event.sender, self.key)
        self.messages[day] += 1
        self.speakers[day].add(who)
        sender = self.senders.get(who)
        if sender is None:
            sender = self.senders[who] = _Sender(day, day)
        sender.first, sender.last = min(sender.first, day), max(sender.last, day)
        sender.messages += 1
        sender.days.add(day)
        if event.value is not None:
            self.labelled = True
            if event.value:
                self.value_posts[day] += 1
                sender.value_posts += 1

    def add_all(self, events: Iterable[Event]) -> int:
        """Add every event; returns how many were read."""
        count = 0
        for event in events:
            self.add(event)
            count += 1
        return count


def day_numbers(dates: pd.DatetimeIndex, founded: date | None, source: Source) -> np.ndarray:
    """Days since founding of each date (the first date is day 1 unless `founded` says otherwise)."""
    first = dates[0].date()
    origin = founded if founded is not None else first - timedelta(days=1)
    if origin >= first:
        raise ScenarioError(
            [
                Problem(
                    source.shown,
                    None,
                    "--founded",
                    f"the group must be founded before its first recorded day ({first.isoformat()}); "
                    f"got {origin.isoformat()}",
                )
            ]
        )
    return np.asarray([(d.date() - origin).days for d in dates], dtype=np.int64)


def _frame(dates: pd.DatetimeIndex, founded: date | None, source: Source) -> pd.DataFrame:
    return pd.DataFrame({"date": dates, "day": day_numbers(dates, founded, source)})


def message_table(
    tally: MessageTally, source: Source, founded: date | None, members_last: int | None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The observation table of a message-level export, and how each column was obtained."""
    if tally.first is None or tally.last is None or not (tally.messages or tally.system_lines):
        raise source.problem(None, "holds no messages")
    dates = pd.date_range(tally.first, tally.last, freq="D")
    table = _frame(dates, founded, source)
    keys = [d.date() for d in dates]
    how: dict[str, str] = {}
    table["messages"] = pd.array([tally.messages.get(d, 0) for d in keys], dtype="Int64")
    table["speakers"] = pd.array([len(tally.speakers.get(d, ())) for d in keys], dtype="Int64")
    how["messages"] = how["speakers"] = "counted from messages"
    if tally.system_lines:
        table["joins"] = pd.array([tally.joins.get(d, 0) for d in keys], dtype="Int64")
        table["leaves"] = pd.array([tally.leaves.get(d, 0) for d in keys], dtype="Int64")
        how["joins"] = how["leaves"] = f"counted from {tally.system_lines} join/leave system lines"
    else:
        table["joins"] = table["leaves"] = pd.array([pd.NA] * len(keys), dtype="Int64")
        how["joins"] = how["leaves"] = "not observed (the file has no join or leave system lines)"
    table["members"] = _members(table, members_last, how)
    if tally.labelled:
        table["value_posts"] = pd.array([tally.value_posts.get(d, 0) for d in keys], dtype="Int64")
        how["value_posts"] = "counted from messages labelled as value"
    else:
        table["value_posts"] = pd.array([pd.NA] * len(keys), dtype="Int64")
        how["value_posts"] = "not observed (no value label)"
    return table[["date", "day", *COUNT_FIELDS]], how


def _members(table: pd.DataFrame, members_last: int | None, how: dict[str, str]) -> pd.Series:
    n = len(table)
    if members_last is None:
        how["members"] = "not observed (give the current member count with --members)"
        return pd.Series(pd.array([pd.NA] * n, dtype="Int64"))
    if table["joins"].isna().any():
        how["members"] = "given for the last day only (--members); earlier days need join/leave lines"
        values = [pd.NA] * (n - 1) + [members_last]
        return pd.Series(pd.array(values, dtype="Int64"))
    net = (table["joins"] - table["leaves"]).to_numpy(dtype=np.int64)
    # members on day d = members on the last day minus the net joins of every later day
    later = np.concatenate([np.cumsum(net[::-1])[::-1][1:], [0]])
    values = members_last - later
    how["members"] = "reconstructed backwards from the count on the last day (--members) and joins/leaves"
    if (values < 0).any():
        how["members"] += (
            "; clipped at 0 (more people left than the count allows: some joins were not recorded)"
        )
    return pd.Series(pd.array(np.maximum(values, 0), dtype="Int64"))


def daily_table(
    rows: list[DayRow], source: Source, founded: date | None
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The observation table of a daily statistics CSV (dates unique; gaps become missing rows)."""
    seen: dict[date, int] = {}
    problems: list[Problem] = []
    for row in rows:
        if row.day in seen:
            problems.append(
                Problem(
                    source.shown,
                    row.line,
                    "date",
                    f"{row.day.isoformat()} appears twice (first on line {seen[row.day]})",
                )
            )
        seen.setdefault(row.day, row.line)
    if problems:
        raise ScenarioError(problems[:20])
    by_day = {row.day: row.counts for row in rows}
    dates = pd.date_range(min(by_day), max(by_day), freq="D")
    table = _frame(dates, founded, source)
    present = {key for row in rows for key in row.counts}
    how: dict[str, str] = {}
    for key in COUNT_FIELDS:
        values = [by_day.get(d.date(), {}).get(key) for d in dates]
        table[key] = pd.array([pd.NA if v is None else v for v in values], dtype="Int64")
        missing = sum(v is None for v in values)
        if key not in present:
            how[key] = "not in the file"
        else:
            how[key] = "from the file" + (f" ({missing} days missing)" if missing else "")
    return table[["date", "day", *COUNT_FIELDS]], how


def senders_table(tally: MessageTally, founded_day: Mapping[date, int]) -> pd.DataFrame:
    """One row per pseudonymous sender: first and last day, messages, days active, value posts."""
    rows: list[dict[str, Any]] = [
        {
            "sender": who,
            "first_day": founded_day[s.first],
            "last_day": founded_day[s.last],
            "messages": s.messages,
            "active_days": len(s.days),
            "value_posts": s.value_posts if tally.labelled else None,
        }
        for who, s in tally.senders.items()
    ]
    frame = pd.DataFrame(
        rows, columns=["sender", "first_day", "last_day", "messages", "active_days", "value_posts"]
    )
    frame["value_posts"] = frame["value_posts"].astype("Int64")
    # the order of first appearance would echo the file; sort by activity, then pseudonym
    return frame.sort_values(["messages", "sender"], ascending=[False, True], kind="stable").reset_index(
        drop=True
    )
