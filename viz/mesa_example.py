"""servicesim in Mesa's own SolaraViz: an example page (`solara run servicesim/viz/mesa_example.py`).

The project's app (`servicesim ui`) is richer; this page shows that the model is a plain Mesa model:
keyword parameters from the schema, one DataCollector reporter per daily metric.
"""

import solara
from mesa.visualization import Slider, SolaraViz, make_plot_component

from servicesim.model import ServiceModel

model_params = {
    "seed": {"type": "InputText", "value": 1, "label": "Seed"},
    "teams": Slider("Teams", 6, 2, 40, 1),
    "delegation": Slider("Delegation", 0.5, 0.0, 1.0, 0.05),
    "micromanagement": Slider("Micromanagement", 0.2, 0.0, 1.0, 0.05),
    "control_reactivity": Slider("Managers' reactivity", 0.5, 0.0, 5.0, 0.25),
}
components = [make_plot_component(m) for m in ("csat", "profit", "manager_control", "trust")]


@solara.component
def Page():
    model = solara.use_memo(lambda: ServiceModel(teams=6, seed=1), [])      # one model per browser session
    SolaraViz(model, components=components, model_params=model_params, name="servicesim on Mesa")
