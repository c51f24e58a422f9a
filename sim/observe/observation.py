"""Reading a history file into an `Observation`: the daily table, pseudonymous senders, metadata."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from sim import __version__
from sim.observe import formats
from sim.observe.table import MessageTally, daily_table, make_key, message_table, senders_table
from sim.observe.text import open_source

FORMAT_VERSION = 1
PRIVACY = {
    "senders": "Senders are replaced on import by a keyed BLAKE2b-64 hash of their QQ number, e-mail or nickname",
    "random": "The key is a fresh random salt for this import, never written anywhere: the pseudonyms "
    "cannot be reversed by trying names, nor linked to another import",
    "user": "The key is derived from the salt you gave (--salt), which is not written anywhere: imports "
    "with the same salt share pseudonyms",
    "text": "No message text is kept; text is read only to recognise join and leave system lines",
}


@dataclass(frozen=True)
class ObserveOptions:
    """How to read a file (see `groupsim observe --help`)."""

    format: str
    columns: dict[str, str] = field(default_factory=dict)  # field -> header name
    encoding: str | None = None
    founded: date | None = None
    members: int | None = None  # members on the last day (message-level formats)
    chat: str | None = None  # QQ: which chat of a multi-chat export
    salt: str | None = None
    utc_offset_hours: float = 8.0


@dataclass(frozen=True)
class Observation:
    """The daily table, the per-sender table (None for daily statistics) and the metadata."""

    table: pd.DataFrame
    senders: pd.DataFrame | None
    meta: dict[str, Any]

    @property
    def days(self) -> int:
        return len(self.table)

    @property
    def first_day(self) -> int:
        return int(self.table["day"].iloc[0])

    @property
    def last_day(self) -> int:
        return int(self.table["day"].iloc[-1])

    def observed_columns(self) -> list[str]:
        """Count columns with at least one observed value, in table order."""
        return [c for c in formats.COUNT_FIELDS if self.table[c].notna().any()]


def observe_file(path: Path, options: ObserveOptions) -> Observation:
    """Read `path` as `options.format`; ScenarioError (file, line, what was expected) if it is wrong."""
    if options.format not in formats.FORMATS:
        raise ValueError(f"unknown format {options.format!r}")
    source = open_source(Path(path), options.encoding)
    senders = None
    records = 0
    if options.format == "daily":
        rows = formats.read_daily_csv(source, options.columns)
        table, how = daily_table(rows, source, options.founded)
        records = len(rows)
    else:
        tally = MessageTally(make_key(options.salt))
        if options.format == "messages":
            events = formats.read_messages_csv(
                source, options.columns, utc_offset_hours=options.utc_offset_hours
            )
        else:
            events = formats.read_qq_text(source, options.chat)
        records = tally.add_all(events)
        table, how = message_table(tally, source, options.founded, options.members)
        day_of = {d.date(): int(n) for d, n in zip(table["date"], table["day"])}
        senders = senders_table(tally, day_of)
    meta = _meta(source, options, table, how, records, senders)
    return Observation(table, senders, meta)


def _meta(source, options: ObserveOptions, table: pd.DataFrame, how, records: int, senders) -> dict[str, Any]:
    observed = [c for c in formats.COUNT_FIELDS if table[c].notna().any()]
    totals = {c: int(table[c].sum()) for c in ("joins", "leaves", "messages", "value_posts") if c in observed}
    privacy = dict(PRIVACY)
    privacy["key"] = privacy.pop("user" if options.salt is not None else "random")
    privacy.pop("random", None)
    privacy.pop("user", None)
    return {
        "groupsim_observation": FORMAT_VERSION,
        "version": __version__,
        "source": {
            "file": source.path.name,
            "format": options.format,
            "encoding": source.encoding,
            "sha256": source.sha256,
            "records": records,
        },
        "first_date": table["date"].iloc[0].date().isoformat(),
        "last_date": table["date"].iloc[-1].date().isoformat(),
        "first_day": int(table["day"].iloc[0]),
        "last_day": int(table["day"].iloc[-1]),
        "days": len(table),
        "founded": options.founded.isoformat() if options.founded else None,
        "observed_columns": observed,
        "columns": how,
        "totals": totals,
        "senders": None if senders is None else len(senders),
        "privacy": privacy
        if options.format != "daily"
        else {"text": "A daily statistics file holds no names or text."},
        "table_sha256": table_hash(table),
    }


def table_hash(table: pd.DataFrame) -> str:
    """A hash of the table's values (identifies an observation, whatever file it came from)."""
    text = table.assign(date=table["date"].dt.strftime("%Y-%m-%d")).to_csv(index=False, na_rep="NA")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
