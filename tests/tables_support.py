"""Small member tables for unit tests of the mechanisms' kernels."""

from __future__ import annotations

from sim.state import MemberTable


def member_table(n: int, **columns) -> MemberTable:
    """`n` members (all present and active unless `state` says otherwise) with the given columns."""
    table = MemberTable.empty(n)
    table.append(n)
    for name, value in columns.items():
        getattr(table, name)[:n] = value
    return table
