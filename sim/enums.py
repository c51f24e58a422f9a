"""Categorical member attributes, stored as small integers in the member arrays.

The integer values are part of the output format (they index the label tuples below),
so append new members at the end rather than renumbering.
"""

from __future__ import annotations

from enum import IntEnum


class Role(IntEnum):
    """What a member mostly does in the group (seed 004 ⑻, 003 pyramid, 002 KOC)."""

    LURKER = 0  # 围观者 / 搜集者: reads, rarely posts
    COMMENTER = 1  # 评论者: replies; the replies are what reward creators
    CREATOR = 2  # 话题和内容创造者: starts topics, posts value content
    KOL = 3  # 意见领袖: high-value, high-reach poster
    ADMIN = 4  # 群主 / 管理员: the operator's side; posts the SOP content
    KOC = 5  # an active member the operator promoted to admin (title, rights, reward)


class State(IntEnum):
    """Where a member stands with the group."""

    ACTIVE = 0  # reads (within attention) and may post
    MUTED = 1  # 屏蔽: still in the group, reads nothing
    LEFT = 2  # 退群: left of their own accord (or the group dissolved)
    KICKED = 3  # removed by moderation or a lurker clean-up


class Channel(IntEnum):
    """How a member came to join."""

    ORGANIC = 0  # found the group and asked to join (consent-based)
    REFERRAL = 1  # invited by a member through a relationship
    OPERATOR = 2  # pulled in by the operator without asking (拉人)
    BAIT = 3  # came for a bait offer shared by a member (超级诱饵)
    SEED = 4  # founding member, owner/admin or a KOL the operator seeded


ROLE_LABELS = tuple(r.name.lower() for r in Role)
STATE_LABELS = tuple(s.name.lower() for s in State)
CHANNEL_LABELS = tuple(c.name.lower() for c in Channel)

#: Roles that belong to the operator's side and are not counted as contributors.
OPERATOR_ROLES = (Role.ADMIN,)

# Plain-int codes for array code: comparing a NumPy array with an IntEnum member costs ~3 µs,
# with a plain int ~0.5 µs, and the daily step makes hundreds of such comparisons.
LURKER, COMMENTER, CREATOR, KOL, ADMIN, KOC = (int(r) for r in Role)
ACTIVE, MUTED, LEFT, KICKED = (int(s) for s in State)
ORGANIC, REFERRAL, OPERATOR, BAIT, SEED = (int(c) for c in Channel)
