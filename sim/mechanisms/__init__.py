"""One module per mechanism of MODEL.md; each exposes small functions over member arrays,
the frozen scenario sections and an explicit `numpy.random.Generator`.

`sim.model.CommunityModel.step` calls them in a fixed order (see its docstring for why)."""
