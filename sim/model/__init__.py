"""The model: a community simulated one day at a time.

- `community` — `CommunityModel` (mesa.Model): the state between days, founding, results;
- `day` — the `Day` record each phase writes into, and the day's `Flows`;
- `phases` — the day as a list of named phases (`DAY`), in the order they happen;
- `membership` — joining (traits, routing to groups), ties, leaving;
- `actions` — the operator's actions and one handler per timeline action;
- `record` — the death check and the day's row of the results table.
"""

from sim.model.community import CommunityModel

__all__ = ["CommunityModel"]
