"""Group types: where a group's value comes from and how its members take promotions.

Seed 003 names the kinds (课程学习群, 宝妈交流群, 销售快闪群, 团购群, 资源分享群 …), seed 004 ⒃–⒅ the
training, product and brand groups (培训社群: "群主自身不断产生优质内容输出"; 产品社群和品牌传播社群:
"产品调研,用户反馈 … 新品上市"), seed 002 a curated-buying group kept alive by its owner
("有好东西": "将自己亲自直采的品质好物推荐给社群的好友 … 群里用户接受度很高"). What counts as value,
besides members' own posts, is a property of the type (`PROFILES`):

- interest: members' posts only; the operator's reports are information, promotions are ads;
- learning (courses, training): the owner's lessons (the morning-report slot) count as value too;
- deals (flash sale, group buy): deals count — a day whose deals bring at least
  `group.deal_min_orders` expected orders is a day of value — and a promotion is mostly the deal
  members came for: a share `group.deal_welcome` of it is read as information worth
  `group.deal_quality` and sells without any bond; the rest is an ad as before;
- brand (product, brand): the brand's content (reports) counts, and promotions are half as
  welcome as in a deals group.
"""

from __future__ import annotations

from typing import NamedTuple

import numba as nb
import numpy as np

from sim.columns import FIT, GROUP, ROLE, STATE
from sim.enums import ACTIVE, ADMIN
from sim.scenario.schema import GroupType


class Profile(NamedTuple):
    """What a group type counts as value besides members' posts, and how welcome promotions are."""

    owner_content: bool  # the owner's lessons / brand content keep the group alive
    deals: bool  # deals bought keep the group alive
    welcome: float  # share of `group.deal_welcome` a promotion is welcome with


PROFILES: dict[str, Profile] = {
    "interest": Profile(False, False, 0.0),
    "learning": Profile(True, False, 0.0),
    "deals": Profile(False, True, 1.0),
    "brand": Profile(True, False, 0.5),
}


def profile(g: GroupType) -> Profile:
    return PROFILES[g.type]


def welcome(g: GroupType) -> float:
    """Share of each promotion members take as a deal (0 in interest and learning groups)."""
    return profile(g).welcome * g.deal_welcome


@nb.njit(cache=True)
def deal_orders(
    n: int, n_groups: int, F: np.ndarray, Z: np.ndarray, read_share: np.ndarray, deals: np.ndarray, conversion: float
) -> np.ndarray:  # fmt: skip
    """Expected orders from the welcome part of today's promotions (`deals` per group, in
    promotions), per group: each reader (active, not the operator's side) buys in proportion to the
    share they read and their fit — no bond needed, they came to buy."""
    out = np.zeros(n_groups)
    for i in range(n):
        if Z[STATE, i] == ACTIVE and Z[ROLE, i] != ADMIN:
            g = Z[GROUP, i]
            out[g] += read_share[i] * deals[g] * F[FIT, i]
    return out * conversion


def counted(g: GroupType, reports: np.ndarray, orders: np.ndarray) -> np.ndarray:
    """Value per group that keeps it alive besides members' posts: the owner's reports (lessons,
    brand content) in learning and brand groups, and 1 on a day a deals group's deals brought at
    least `deal_min_orders` expected orders."""
    p = profile(g)
    out = np.zeros(reports.shape[0])
    if p.owner_content:
        out += reports
    if p.deals:
        out += orders >= g.deal_min_orders
    return out
