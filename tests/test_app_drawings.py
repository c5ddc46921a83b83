"""The live drawings: marks of interventions, the language's numbers, every post drawn."""

from __future__ import annotations

import re

from servicesim.viz import charts, svg
from servicesim.viz.sim import Simulation


def test_nice_ticks_cover_the_range():
    ticks = svg.nice_ticks(2.63, 3.91, 4)
    assert ticks[0] >= 2.63 and ticks[-1] <= 3.91 and len(ticks) >= 3
    assert svg.nice_ticks(0, 1, 4) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_series_marks_interventions_and_writes_french_numbers():
    sim = Simulation.from_preset("hierarchical", overrides={"teams": 3, "team_size": 5})
    sim.step(6)
    sim.intervene("training_programme")
    sim.step(4)
    marks = [(d, k) for d, k, _o in sim.markers()]
    text = svg.series_svg([("x", sim.frame())], marks, "fr")
    assert len(re.findall(r'id="marker-6-0-', text)) == len(charts.CHART_METRICS)
    assert 'id="marker-label-6-0"' in text and "training_programme" in text
    assert "Satisfaction des clients" in text
    assert re.search(r">\d,\d+</text>", text)          # decimal comma on the axes
    english = svg.series_svg([("x", sim.frame())], [], "en")
    assert "marker-" not in english and re.search(r">\d\.\d+</text>", english)


def test_network_draws_every_post_by_role():
    sim = Simulation.from_preset("bersin", overrides={"teams": 3, "team_size": 5})
    sim.step(3)
    text = svg.network_svg(sim.model, "stress", "en")
    assert text.count('class="node') == sim.model.org.size
    assert text.count('class="team-open"') == 3
    assert text.count("role-3") == len(sim.model.org.managers)


def test_png_export_is_a_png():
    sim = Simulation.from_preset("bersin", overrides={"teams": 3, "team_size": 5})
    sim.step(3)
    png = charts.to_png(charts.series_figure([("x", sim.frame())], [(1, "mark")], "fr"), dpi=40)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_the_compare_gap_chart_shows_b_minus_a_around_zero():
    import pandas as pd

    from servicesim.viz.app import GAP_METRICS, difference_frame
    from servicesim.viz.svg import series_svg

    a = pd.DataFrame({"day": [0, 1, 2], "csat": [3.0, 3.1, 3.2], "backlog": [10.0, 12.0, 14.0]})
    b = pd.DataFrame({"day": [0, 1], "csat": [3.5, 3.0], "backlog": [9.0, 9.0]})
    gap = difference_frame(a, b)
    assert gap["day"].tolist() == [0, 1]                      # only days both sides reached
    assert gap["csat"].round(6).tolist() == [0.5, -0.1]
    assert gap["backlog"].tolist() == [-1.0, -3.0]
    drawing = series_svg([("B − A", gap)], [], "en", metrics=GAP_METRICS[:2], zero_line=True)
    assert drawing.count('class="zero"') == 2
    assert difference_frame(pd.DataFrame(), b).empty          # before the first day
