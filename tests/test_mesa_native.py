"""The model is a plain Mesa model: Mesa's own batch_run and SolaraViz build and run it."""

from __future__ import annotations

import warnings

import pytest


def test_mesa_batch_run_returns_tidy_rows_with_csat_and_profit():
    import mesa

    from servicesim.model import ServiceModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)      # Mesa 3.5 prefers rng=[...] to iterations=
        rows = mesa.batch_run(ServiceModel, parameters={"delegation": [0.2, 0.8], "teams": 3, "team_size": 5},
                              iterations=2, max_steps=30, number_processes=1, display_progress=False)
    assert len(rows) == 4
    assert sorted(r["delegation"] for r in rows) == [0.2, 0.2, 0.8, 0.8]
    for r in rows:
        assert r["Step"] == 30
        assert 1.0 <= r["csat"] <= 5.0
        assert isinstance(r["profit"], float)
        assert 0.0 <= r["delegation_practised"] <= 1.0
    # the parameter reaches the managers: the front line lives under more delegation
    low = max(r["delegation_practised"] for r in rows if r["delegation"] == 0.2)
    high = min(r["delegation_practised"] for r in rows if r["delegation"] == 0.8)
    assert high > low


def test_the_model_counts_days_with_mesa_steps():
    from servicesim.model import ServiceModel

    m = ServiceModel(teams=2, team_size=3, seed=1)
    m.run(4)
    assert m.steps == 4 and m.day == 4 and [r["day"] for r in m.records] == [0, 1, 2, 3]
    df = m.datacollector.get_model_vars_dataframe()
    assert list(df["csat"]) == [r["csat"] for r in m.records]


def test_from_scenario_reads_presets_and_overrides():
    from servicesim.model import ServiceModel, load_scenario

    m = ServiceModel.from_scenario("hierarchical", seed=2, teams=3)
    assert m.p["teams"] == 3 and m.p["delegation"] == load_scenario("hierarchical").params["delegation"]
    with pytest.raises(Exception, match="unknown parameter 'tems'"):
        ServiceModel.from_scenario("hierarchical", tems=3)


def test_a_bad_seed_is_one_line():
    from servicesim.model import ServiceModel
    from servicesim.model.errors import ParamError

    with pytest.raises(ParamError, match=r"seed 'abc' is not allowed; allowed: an integer"):
        ServiceModel(teams=2, seed="abc")


def _widgets(widget, out=None) -> list:
    import ipywidgets

    out = [] if out is None else out
    out.append(widget)
    for child in getattr(widget, "children", None) or []:
        if isinstance(child, ipywidgets.Widget):
            _widgets(child, out)
    for child in getattr(widget, "items", None) or []:          # a grid layout's cells
        if isinstance(child, ipywidgets.Widget):
            _widgets(child, out)
    return out


def test_solara_viz_renders_the_model_and_the_example_page():
    import ipywidgets
    import solara
    from mesa.visualization import SolaraViz, make_plot_component

    from servicesim.model import ServiceModel
    from servicesim.viz import mesa_example

    model = ServiceModel(teams=3, team_size=4, seed=1)
    model.run(3)
    plot, _page = make_plot_component("csat")
    box, rc = solara.render(plot(model), handle_error=False)          # Mesa's plot of our csat reporter
    images = [w for w in _widgets(box) if isinstance(w, ipywidgets.Image)]
    assert len(images) == 1 and len(images[0].value) > 1000           # a drawn PNG
    rc.close()
    box, rc = solara.render(SolaraViz(model, components=[make_plot_component("csat")], name="servicesim"),
                            handle_error=False)
    assert model.steps == 3
    rc.close()
    # the shipped page renders (one model per session, built inside the page)
    box, rc = solara.render(mesa_example.Page(), handle_error=False)
    assert any(type(w).__name__ == "GridLayout" for w in _widgets(box))
    rc.close()
