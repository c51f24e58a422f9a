"""Parameter sweeps and sensitivity analysis.

Three layers, as in EMA Workbench, importing one way:

* `experiment` - an experiment declared as data (base scenario, levers by dotted path, design,
  replicates, outcomes, executor), validated against the scenario schema;
* `design`     - the points: full grid, random, Latin hypercube, Sobol (Saltelli) or Morris;
* `run`        - the sweep as a `sim.batch` job (seeds, tasks with per-point overrides), resumable;
* `tables`     - the partitioned runs/ dataset and design.parquet, written and read back;
* `analysis`   - sensitivity indices, effects, interactions and tipping points, computed from
  the tables alone (it never touches a live model).
"""
