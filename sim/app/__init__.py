"""The trainer's browser app (`groupsim app`): watch a group live and die, and pull levers mid-run.

Layout follows Mesa's examples: `app.py` is the Solara page (a Mesa SolaraViz app; importing it
builds nothing), `session.py` the session's state as a hook (settings, the classroom, playing),
`sidebar.py` the run panel, intervention buttons and levers, `components.py` what only a live
model can draw (the alive banner, the network, today's satisfaction) and the list of charts (the
charts over time are `sim.figures`', shared with the reports), `controls.py` generates the levers
from the scenario schema and turns buttons into intervention objects, `classroom.py` runs one or
two models in lockstep, `layout.py` keeps the network view's positions between days, `widgets.py`
updates a chart in place, and `viz.py` imports Mesa's visualisation. Labels are `sim.i18n`'s.

Nothing here is imported by the model, the runners or the CLI's other commands.
"""
