"""Scenario presets (TOML files): the management styles and the sectors. Read by servicesim.model.scenario."""
