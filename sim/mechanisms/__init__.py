"""One module per mechanism of the brief; each exposes small functions over member arrays,
the frozen scenario sections and an explicit `numpy.random.Generator`.

The day's phases (`sim.model.phases.DAY`) call them in a fixed order (see that module for why)."""
