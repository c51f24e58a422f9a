"""The trainer's browser app (`groupsim app`): watch a group live and die, and pull levers mid-run.

Layout follows Mesa's examples: `app.py` is the Solara page (a Mesa SolaraViz app; importing it
builds nothing), `components.py` turns a stepped model into Plotly figures (pure functions),
`controls.py` generates the levers from the scenario schema and turns buttons into intervention
objects, `classroom.py` runs one or two models in lockstep, `layout.py` keeps the network view's
positions between days, and `i18n.py` holds every label in English and Chinese.

Nothing here is imported by the model, the runners or the CLI's other commands.
"""
