"""Calibrating the model to a group's own history, and forecasting that group.

* `fit`        - FIT files: the parameters to fit with their prior ranges, statistics, ABC budget;
* `statistics` - summary statistics of daily series (observed and simulated read alike);
* `model`      - the simulator ABC calls (unit coordinates in, statistics and seed out);
* `sampler`    - a pyabc sampler on the project's executors, deterministic whatever the executor;
* `run`        - the ABC-SMC run, resumable from its SQLite history, and its outputs;
* `posterior`  - posterior tables, summaries and the calibrated scenario;
* `replay`     - posterior particles replayed as sim.batch jobs (predictive check, forecasts);
* `forecast`   - continuing the calibrated group with and without levers.

Submodules import pyabc (a few seconds) only where they need it.
"""
