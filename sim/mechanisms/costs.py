"""Operator cost and revenue per run, so strategies can be compared on value per yuan."""

from __future__ import annotations

from dataclasses import dataclass, field

COST_ITEMS = (
    "operator_hours",
    "red_packets",
    "referral_rewards",
    "bait_gifts",
    "koc_rewards",
    "kol_fees",
    "events",
    "prizes",
)
REVENUE_ITEMS = ("entry_fees", "sales")


@dataclass
class Ledger:
    """Running totals in yuan."""

    cost: dict[str, float] = field(default_factory=lambda: dict.fromkeys(COST_ITEMS, 0.0))
    revenue: dict[str, float] = field(default_factory=lambda: dict.fromkeys(REVENUE_ITEMS, 0.0))
    operator_hours: float = 0.0

    def spend(self, item: str, yuan: float) -> None:
        self.cost[item] += float(yuan)

    def earn(self, item: str, yuan: float) -> None:
        self.revenue[item] += float(yuan)

    def hours(self, hours: float, hourly_cost: float) -> None:
        self.operator_hours += hours
        self.cost["operator_hours"] += hours * hourly_cost

    @property
    def total_cost(self) -> float:
        return sum(self.cost.values())

    @property
    def total_revenue(self) -> float:
        return sum(self.revenue.values())
