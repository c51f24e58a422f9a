"""Decision tools: the best strategy under a budget (`groupsim optimize`).

Layers, importing one way (model <- scenario <- sweep experiment files <- these <- report, CLI):

* `metrics`  - what a trial can aim at or bound: run-summary columns and three derived metrics;
* `spec`     - the `optimize:` block of an experiment file, validated like the rest of the file;
* `study`    - the Optuna study in `study.db` (SQLite): trials asked in fixed batches, each run
  over its replicates with common random numbers through the `sim.batch` store and executors,
  resumed after a kill with no trial lost or repeated;
* `confirm`  - the winner's curse removed: the best strategies per budget level re-run on fresh
  seeds next to the baseline, with intervals, and the best written out as scenario files;
* `scenario_file` - a scenario as a short, ready YAML file (only what differs from the defaults).
"""
