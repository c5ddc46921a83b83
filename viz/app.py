"""The browser app (Solara): Explore, Compare, Journey and Info pages, in English and French.

Run with ``servicesim ui`` (or ``solara run servicesim.viz.app``). Nothing here builds a model
at import time: :class:`AppSession` is created by the ``Layout`` component with ``use_memo``,
so every browser session (every visitor of a workshop) drives its own models.
"""

from __future__ import annotations

import math
import os
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import pandas as pd
import solara
import solara.lab

from servicesim.model import params as P
from servicesim.model.errors import ServicesimError
from servicesim.model.interventions import KINDS
from servicesim.model.metrics import METRICS
from servicesim.model.scenario import list_scenarios, style_names

from . import charts, svg
from .i18n import LANGS, describe_event, error_text, explain_outcome, metric_label, norm_lang, number, t, unit
from .sim import Pair, Simulation, load_preset, load_uploaded

DEFAULT_PRESET = "hierarchical"
SPEEDS = (1, 2, 5, 10, 25)
LIVE_IVS = ("training_programme", "job_swap", "mystery_customer", "simplification", "recognition_programme",
            "style_change", "demand_surge", "backoffice_incident")
DIFF_METRICS = ("csat", "nps", "first_contact_resolution", "resolution_time_days", "escalation_rate", "error_rate",
                "backlog", "engagement", "stress", "turnover_rate", "culture_alignment", "skill")

CSS = """
.ss-topbar { background: #1f3b5a; color: white; padding: 6px 16px; align-items: center; flex-wrap: wrap; }
.ss-topbar .v-btn { color: white !important; }
.ss-topbar .ss-lang .v-btn { color: #1f3b5a !important; background: #e3eaf2 !important; }
.ss-topbar .ss-lang .v-btn--active { background: #ffd166 !important; }
.ss-topbar .ss-nav-active { border-bottom: 2px solid #ffd166; }
.ss-title { font-size: 1.15rem; font-weight: 600; margin-right: 16px; }
.ss-hint { color: #37474f; font-size: 0.95rem; margin: 4px 0 8px 0; }
.ss-day { font-size: 1.3rem; font-weight: 600; min-width: 90px; }
.ss-param-help { font-size: 0.78rem; color: #607d8b; margin: 0 0 6px 0; line-height: 1.2; }
.ss-param .v-input__slot { margin-bottom: 0; }
.ss-reset-only { font-size: 0.7rem; background: #fff3cd; color: #7a5b00; border-radius: 8px; padding: 0 6px; margin-left: 6px; }
.ss-chart svg { width: 100%; height: auto; }
.ss-net svg { width: 100%; height: auto; }
.ss-legend { font-size: 0.8rem; color: #455a64; }
.ss-table { border-collapse: collapse; font-size: 0.9rem; }
.ss-table td, .ss-table th { padding: 2px 10px; border-bottom: 1px solid #e0e0e0; text-align: right; }
.ss-table td:first-child, .ss-table th:first-child { text-align: left; }
.ss-better { color: #1b5e20; font-weight: 600; }
.ss-worse { color: #b71c1c; }
.ss-journey-events td { text-align: left !important; }
.ss-sidebar { max-width: 380px; min-width: 300px; }
"""


# --- session state -----------------------------------------------------------------------------
@dataclass
class AppSession:
    """Everything one browser session owns: its models and their refresh counters."""

    explore: Simulation = field(default_factory=lambda: Simulation.from_preset(DEFAULT_PRESET))
    explore_source: str = DEFAULT_PRESET
    pair: Pair = field(default_factory=Pair.default)
    explore_ticks: solara.Reactive = field(default_factory=lambda: solara.reactive(0))
    compare_ticks: solara.Reactive = field(default_factory=lambda: solara.reactive(0))
    playing: solara.Reactive = field(default_factory=lambda: solara.reactive(False))
    compare_playing: solara.Reactive = field(default_factory=lambda: solara.reactive(False))


SessionContext = solara.create_context(None)
LangContext = solara.create_context(None)


def use_session() -> AppSession:
    return solara.use_context(SessionContext)


def use_lang() -> str:
    return solara.use_context(LangContext).value


def lang_from_query(search: str | None) -> str | None:
    if not search:
        return None
    value = parse_qs(search.lstrip("?")).get("lang")
    return norm_lang(value[0]) if value else None


# --- layout ----------------------------------------------------------------------------------------
PAGES = (("", "nav.explore"), ("compare", "nav.compare"), ("journey", "nav.journey"), ("info", "nav.info"))


@solara.component
def Layout(children=[]):
    router = solara.use_router()
    session = solara.use_memo(AppSession, [])
    lang = solara.use_reactive(lang_from_query(router.search) or "en")

    def follow_url():
        wanted = lang_from_query(router.search)
        if wanted and wanted != lang.value:
            lang.set(wanted)

    solara.use_effect(follow_url, [router.search])
    SessionContext.provide(session)
    LangContext.provide(lang)
    here = router.path.strip("/").split("/")[-1] if router.path else ""

    def go(path):
        return lambda: router.push(f"/{path}?lang={lang.value}")

    def set_lang(value):
        lang.set(value)
        router.push(f"{router.path or '/'}?lang={value}")

    with solara.Column(gap="0px", style={"min-height": "100vh"}) as main:
        solara.Style(CSS)
        solara.Title(t("app.title", lang.value))
        with solara.Row(classes=["ss-topbar"], gap="4px",
                        style={"background": "#1f3b5a", "color": "white", "padding": "6px 16px", "align-items": "center",
                               "flex-wrap": "wrap"}):
            solara.Text(t("app.title", lang.value), classes=["ss-title"])
            for path, key in PAGES:
                classes = ["ss-nav", f"ss-nav-{path or 'explore'}"] + (["ss-nav-active"] if here == path else [])
                solara.Button(t(key, lang.value), on_click=go(path), text=True, classes=classes)
            solara.v.Spacer()
            solara.ToggleButtonsSingle(value=lang.value, on_value=set_lang, classes=["ss-lang"], dense=True,
                                       children=[solara.Button(code.upper(), value=code, classes=[f"ss-lang-{code}"])
                                                 for code in LANGS])
        with solara.Column(style={"padding": "8px 16px"}):
            solara.Column(children=children)
    return main


_TIMING_FILE = os.environ.get("SERVICESIM_UI_TIMING")
_timing_lock = threading.Lock()


def record_timing(seconds: float) -> None:
    """Server-side time of one Step click (model step + redraw), for the load benchmark."""
    if _TIMING_FILE:
        with _timing_lock, open(_TIMING_FILE, "a") as fh:
            fh.write(f"{seconds:.6f}\n")


# --- shared controls ----------------------------------------------------------------------------
def load_or_show(load, error: solara.Reactive, lang: str):
    """The scenario ``load()`` returns, clearing ``error``; or None with the input error shown in ``lang``."""
    try:
        scenario = load()
    except ServicesimError as exc:
        error.set(error_text(exc, lang))
        return None
    error.set(None)
    return scenario


def scenario_items(lang: str, extra: list[tuple[str, str]] = ()) -> list[dict]:
    items = [{"text": t(f"scenario.{name}", lang), "value": name} for name, _cat, _desc in list_scenarios()]
    return items + [{"text": text, "value": value} for value, text in extra]


def play_loop(sim_step, ticks: solara.Reactive, playing: solara.Reactive, speed: solara.Reactive,
              cancel: threading.Event) -> None:
    """Step about ``speed`` days per second, rendering after each batch, until paused."""
    batch = 1
    while playing.value and not cancel.is_set():
        start = time.perf_counter()
        sim_step(batch)
        ticks.value += 1
        took = time.perf_counter() - start
        wait = batch / max(speed.value, 1) - took
        batch = max(1, min(25, math.ceil(speed.value * took))) if wait < 0 else batch
        cancel.wait(max(0.05, wait))


@solara.component
def RunControls(step, reset, playing: solara.Reactive, ticks: solara.Reactive, day_text: str, lang: str,
                prefix: str = "ss"):
    speed = solara.use_reactive(5)

    def loop(cancel: threading.Event):
        play_loop(step, ticks, playing, speed, cancel)

    solara.use_thread(loop, dependencies=[playing.value], intrusive_cancel=False)

    def do_step():
        start = time.perf_counter()
        step(1)
        ticks.value += 1            # re-renders the live parts, in this handler
        record_timing(time.perf_counter() - start)

    def do_reset():
        playing.set(False)
        reset()
        ticks.value += 1

    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        if playing.value:
            solara.Button(t("common.pause", lang), icon_name="mdi-pause", on_click=lambda: playing.set(False),
                          color="warning", classes=[f"{prefix}-pause"])
        else:
            solara.Button(t("common.play", lang), icon_name="mdi-play", on_click=lambda: playing.set(True),
                          color="primary", classes=[f"{prefix}-play"])
        solara.Button(t("common.step", lang), icon_name="mdi-skip-next", on_click=do_step, disabled=playing.value,
                      classes=[f"{prefix}-step"])
        solara.Button(t("common.reset", lang), icon_name="mdi-restore", on_click=do_reset, classes=[f"{prefix}-reset"])
        solara.Text(t("common.speed", lang))
        solara.ToggleButtonsSingle(value=speed.value, on_value=speed.set, dense=True, classes=[f"{prefix}-speed"],
                                   children=[solara.Button(str(s), value=s) for s in SPEEDS])
        solara.Text(day_text, classes=["ss-day", f"{prefix}-day"])


@solara.component
def SvgView(markup: str, classes: list[str]):
    solara.HTML(tag="div", unsafe_innerHTML=markup, classes=classes)


# --- parameters ---------------------------------------------------------------------------------
def _input_kind(p: P.Param) -> str:
    span = p.high - p.low
    if p.kind == "int":
        return "slider_int" if span <= 120 else "input_int"
    return "slider" if p.default >= p.low + 0.02 * span or p.default == p.low else "input_float"


def _step(p: P.Param) -> float:
    span = float(p.high - p.low)
    raw = span / 100
    mag = 10 ** math.floor(math.log10(raw)) if raw > 0 else 0.01
    return mag if raw / mag < 2 else (2 * mag if raw / mag < 5 else 5 * mag)


def compact(x, lang: str, is_int: bool) -> str:
    """A parameter value without trailing zeros, in the language's notation."""
    if is_int:
        return number(int(x), lang, 0)
    text = number(float(x), lang, 5)
    return text.rstrip("0").rstrip(",.") if ("." in text or "," in text) else text


@solara.component
def ParamControl(p: P.Param, value, on_value, lang: str):
    if p.kind == "choice":
        return ChoiceControl(p, value, on_value, lang)
    shown = compact(value, lang, p.kind == "int")
    label = f"{p.name} = {shown}  ({unit(p.unit, lang)})"
    kind = _input_kind(p)
    error = solara.use_reactive(None)

    def accept(v):
        try:
            on_value(p.coerce(v))
            error.set(None)
        except ServicesimError as exc:
            error.set(error_text(exc, lang))

    with solara.Column(gap="0px", classes=["ss-param", f"ss-param-{p.name}"]):
        if p.reset_only:
            with solara.Tooltip(t("params.reset_only_help", lang)):
                solara.Text("⟲ " + t("params.reset_only", lang), classes=["ss-reset-only"],
                            style={"align-self": "flex-start"})
        with solara.Row(gap="0px", style={"align-items": "center"}):
            if kind == "slider_int":
                solara.SliderInt(label, value=int(value), min=int(p.low), max=int(p.high), on_value=accept,
                                 thumb_label=False)
            elif kind == "input_int":
                solara.InputInt(label, value=int(value), on_value=accept, continuous_update=False)
            elif kind == "slider":
                solara.SliderFloat(label, value=float(value), min=float(p.low), max=float(p.high), step=_step(p),
                                   on_value=accept, thumb_label=False)
            else:
                solara.InputFloat(label, value=float(value), on_value=accept, continuous_update=False)
        solara.Text(t(f"param.{p.name}", lang) + " — " +
                    t("params.range", lang, low=compact(p.low, lang, p.kind == "int"),
                      high=compact(p.high, lang, p.kind == "int"),
                      unit=unit(p.unit, lang)),
                    classes=["ss-param-help"])
        if error.value:
            solara.Error(error.value, dense=True)


@solara.component
def ChoiceControl(p: P.Param, value, on_value, lang: str):
    """A parameter that is one word among a few (e.g. the approval policy): a select."""
    with solara.Column(gap="0px", classes=["ss-param", f"ss-param-{p.name}"]):
        solara.Select(label=f"{p.name} ({unit(p.unit, lang)})", values=list(p.choices), value=value,
                      on_value=lambda v: on_value(p.coerce(v)))
        solara.Text(t(f"param.{p.name}", lang), classes=["ss-param-help"])


@solara.component
def ParamPanel(sim: Simulation, generation: int, on_pending, lang: str):
    """Every parameter, grouped, from the schema. ``generation`` changes when the model is rebuilt."""
    values = solara.use_reactive(dict(sim.params))
    solara.use_effect(lambda: values.set(dict(sim.params)), [generation])

    def change(name):
        def set_value(v):
            new = {**values.value, name: v}
            values.set(new)
            on_pending(sim.set_params(new))
        return set_value

    opened = solara.use_reactive(("structure", "practices"))

    def toggle(group):
        return lambda: opened.set(tuple(g for g in opened.value if g != group) if group in opened.value
                                  else opened.value + (group,))

    # Only open groups are rendered: every element on the page is revisited at each redraw.
    for group, params in P.by_group().items():
        is_open = group in opened.value
        solara.Button(("▾ " if is_open else "▸ ") + t(f"group.{group}", lang), on_click=toggle(group), text=True,
                      classes=["ss-group", f"ss-group-{group}"], style={"justify-content": "flex-start",
                                                                         "text-transform": "none"})
        if is_open:
            with solara.Column(gap="0px", style={"padding-left": "8px"}):
                for p in params:
                    ParamControl(p, values.value[p.name], change(p.name), lang)


# --- Explore --------------------------------------------------------------------------------------
@solara.component
def ExploreLive(sim_box: dict, ticks: solara.Reactive, colour_by: str, lang: str):
    """The parts that change every day: the network, the curves, the intervention list."""
    tick = ticks.value
    sim: Simulation = sim_box["sim"]

    def draw():
        with sim.lock:
            net = svg.network_svg(sim.model, colour_by, lang)
            marks = [(d, t(f"iv.{k}", lang)) for d, k, _o in sim.markers()]
            series = svg.series_svg([(sim.scenario.name, sim.frame())], marks, lang)
        return net, series

    net, series = solara.use_memo(draw, [tick, colour_by, lang, id(sim.model)])
    with solara.Column():
        solara.Markdown(f"#### {t('explore.network', lang)}")
        org = sim.model.org
        solara.Text(t("explore.size", lang, posts=org.size, teams=org.n_teams, team_size=int(sim.model.p["team_size"]),
                      units=org.n_units, levels=int(org.level.max())), classes=["ss-org-size"])
        SvgView(net, ["ss-net"])
        solara.Text(t("explore.legend", lang), classes=["ss-legend"])
        solara.Markdown(f"#### {t('explore.charts', lang)}")
        SvgView(series, ["ss-chart", "ss-explore-chart"])
        solara.Markdown(f"#### {t('explore.intervention_log', lang)}")
        marks = sim.markers()
        if marks:
            with solara.Column(classes=["ss-iv-log"], gap="0px"):
                for d, k, _o in marks:
                    solara.Text(f"{t('common.day', lang, day=d)} — {t(f'iv.{k}', lang)}")
        else:
            solara.Text(t("explore.no_interventions", lang), classes=["ss-iv-log-empty"])


@solara.component
def InterventionBar(sim_box: dict, ticks: solara.Reactive, lang: str):
    style = solara.use_reactive("bersin")
    transition = solara.use_reactive(int(KINDS["style_change"].options["transition_days"].default))
    message = solara.use_reactive(None)

    def launch(kind):
        def go():
            sim: Simulation = sim_box["sim"]
            opts = {"style": style.value, "transition_days": transition.value} if kind == "style_change" else {}
            try:
                iv = sim.intervene(kind, **opts)
                message.set(("ok", t("explore.iv_done", lang, label=t(f"iv.{kind}", lang), day=iv.day)))
            except ServicesimError as exc:
                message.set(("error", error_text(exc, lang)))
            ticks.value += 1
        return go

    solara.Markdown(f"#### {t('explore.interventions', lang)}")
    with solara.Row(style={"flex-wrap": "wrap"}, gap="6px"):
        for kind in LIVE_IVS:
            if kind == "style_change":
                continue
            with solara.Tooltip(t(f"iv.{kind}.desc", lang)):
                solara.Button(t(f"iv.{kind}", lang), on_click=launch(kind), outlined=True, classes=[f"ss-iv-{kind}"])
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="6px"):
        solara.v.Select(label=t("explore.to_style", lang), v_model=style.value, on_v_model=style.set,
                        items=[{"text": t(f"scenario.{s}", lang), "value": s} for s in style_names()],
                        style_="max-width: 300px")
        solara.InputInt(t("explore.transition", lang), value=transition.value, on_value=transition.set,
                        style={"max-width": "160px"})
        with solara.Tooltip(t("iv.style_change.desc", lang)):
            solara.Button(t("iv.style_change", lang), on_click=launch("style_change"), outlined=True,
                          classes=["ss-iv-style_change"])
    if message.value:
        kind, text = message.value
        (solara.Success if kind == "ok" else solara.Error)(text, dense=True, classes=["ss-iv-message"])


@solara.component
def Explore():
    session = use_session()
    lang = use_lang()
    ticks = session.explore_ticks
    sim_box = solara.use_memo(lambda: {"sim": session.explore}, [])
    sim: Simulation = sim_box["sim"]
    generation = solara.use_reactive(0)
    pending = solara.use_reactive(sim.pending())
    seed = solara.use_reactive(sim.seed)
    source = solara.use_reactive(session.explore_source)
    error = solara.use_reactive(None)
    colour_by = solara.use_reactive("engagement")
    uploaded = solara.use_reactive(None)

    def rebuild(scenario=None, params=None):
        sim.reset(scenario, params, seed.value)
        pending.set(sim.pending())
        generation.set(generation.value + 1)
        ticks.value += 1

    def switch_to(sc, name):
        session.playing.set(False)
        source.set(name)
        session.explore_source = name
        rebuild(sc, dict(sc.params))

    def choose_preset(name):
        if not name or name == "__upload__":
            return
        sc = load_or_show(lambda: load_preset(name), error, lang)
        if sc is not None:
            switch_to(sc, name)

    def on_file(info):
        sc = load_or_show(lambda: load_uploaded(info["name"], info["data"]), error, lang)
        if sc is not None:
            uploaded.set(info["name"])
            switch_to(sc, "__upload__")

    def reset():
        rebuild(None, sim.params)

    solara.Markdown(f"## {t('explore.title', lang)}")
    solara.Text(t("explore.hint", lang), classes=["ss-hint"])
    with solara.Row(style={"align-items": "flex-start"}):
        with solara.Column(classes=["ss-sidebar"]):
            solara.v.Select(label=t("common.preset", lang), v_model=source.value, on_v_model=choose_preset,
                            items=scenario_items(lang, [("__upload__", uploaded.value or "—")] if uploaded.value else []),
                            class_="ss-preset")
            if source.value in {n for n, _c, _d in list_scenarios()}:
                solara.Text(t(f"scenario.{source.value}.desc", lang), classes=["ss-param-help"])
            solara.FileDrop(label=t("common.upload", lang), on_file=on_file, lazy=False)
            if uploaded.value and source.value == "__upload__":
                solara.Text(t("common.loaded_file", lang, name=uploaded.value), classes=["ss-param-help"])
            if error.value:
                solara.Error(error.value, classes=["ss-error"])
            solara.InputInt(t("common.seed", lang), value=seed.value, on_value=seed.set, continuous_update=True,
                            classes=["ss-seed"])
            solara.Text(t("common.seed_help", lang) + " ⟲ " + t("params.reset_only", lang), classes=["ss-param-help"])
            if pending.value:
                solara.Warning(t("params.pending", lang, n=len(pending.value)), dense=True, classes=["ss-pending"])
            solara.Markdown(f"#### {t('params.title', lang)}")
            ParamPanel(sim, generation.value, pending.set, lang)
        with solara.Column(style={"flex": "1", "min-width": "0"}):
            DayControls(sim_box, ticks, session.playing, reset, lang)
            InterventionBar(sim_box, ticks, lang)
            with solara.Row(style={"align-items": "center"}):
                solara.Text(t("explore.colour_by", lang))
                solara.ToggleButtonsSingle(value=colour_by.value, on_value=colour_by.set, classes=["ss-colour-by"],
                                           children=[solara.Button(t(f"explore.colour.{c}", lang), value=c)
                                                     for c in charts.COLOUR_BY])
            ExploreLive(sim_box, ticks, colour_by.value, lang)
            Exports(lambda: sim.csv(),
                    lambda: charts.to_png(charts.series_figure(
                        [(sim.scenario.name, sim.frame())],
                        [(d, t(f"iv.{k}", lang)) for d, k, _o in sim.markers()], lang)),
                    "servicesim-explore", lang)


@solara.component
def DayControls(sim_box, ticks, playing, reset, lang):
    ticks.value  # re-render with the day
    sim = sim_box["sim"]
    RunControls(sim.step, reset, playing, ticks, t("common.day", lang, day=sim.day), lang, prefix="ss")


@solara.component
def Exports(csv, png, stem: str, lang: str):
    with solara.Row(style={"align-items": "center"}):
        solara.Text(t("common.exports", lang) + " :" if lang == "fr" else t("common.exports", lang) + ":")
        solara.FileDownload(csv, filename=f"{stem}.csv", label=t("common.export_csv", lang))
        solara.FileDownload(png, filename=f"{stem}.png", label=t("common.export_png", lang), mime_type="image/png")


# --- Compare ------------------------------------------------------------------------------------------
@solara.component
def CompareLive(pair: Pair, ticks: solara.Reactive, lang: str):
    tick = ticks.value

    def draw():
        with pair.a.lock, pair.b.lock:
            marks = [(d, f"A: {t(f'iv.{k}', lang)}") for d, k, _o in pair.a.markers()]
            marks += [(d, f"B: {t(f'iv.{k}', lang)}") for d, k, _o in pair.b.markers()]
            sides = [(f"A — {side_name(pair.a, lang)}", pair.a.frame()), (f"B — {side_name(pair.b, lang)}", pair.b.frame())]
            chart = svg.series_svg(sides, marks, lang)
            diff = pair.difference(list(DIFF_METRICS))
            gap = svg.series_svg([("B − A", difference_frame(sides[0][1], sides[1][1]))], marks, lang,
                                 metrics=GAP_METRICS, zero_line=True)
        return chart, diff, gap

    chart, diff, gap = solara.use_memo(draw, [tick, lang, id(pair.a.model), id(pair.b.model)])
    with solara.Column():
        solara.Text(f"A: {t('common.day', lang, day=pair.a.day)} · B: {t('common.day', lang, day=pair.b.day)}",
                    classes=["ss-compare-days"])
        SvgView(chart, ["ss-chart", "ss-compare-chart"])
        window = 20
        solara.Markdown(f"#### {t('compare.difference', lang, n=window)}")
        rows = []
        for r in diff.itertuples():
            better = METRICS[r.metric].higher_is_better if r.metric in METRICS else (False if r.metric == "backlog" else None)
            cls, who = "", t("compare.better.same", lang)
            if better is not None and not math.isnan(r.diff) and abs(r.diff) > 1e-9:
                b_wins = (r.diff > 0) == better
                who = t("compare.better.b" if b_wins else "compare.better.a", lang)
                cls = "ss-better"
            digits = 0 if r.metric in ("backlog", "nps") else (1 if r.metric == "turnover_rate" else 2)
            rows.append(f"<tr class='ss-diff-{r.metric}'><td>{metric_label(r.metric, lang)}</td>"
                        f"<td>{number(r.a, lang, digits)}</td><td>{number(r.b, lang, digits)}</td>"
                        f"<td>{number(r.diff, lang, digits, signed=True)}</td><td class='{cls}'>{who}</td></tr>")
        head = "".join(f"<th>{t(k, lang)}</th>" for k in ("compare.col.metric", "compare.col.a", "compare.col.b",
                                                            "compare.col.diff", "compare.col.better"))
        solara.HTML(tag="table", unsafe_innerHTML=f"<tr>{head}</tr>{''.join(rows)}", classes=["ss-table", "ss-diff"])
        solara.Markdown(f"#### {t('compare.gap_chart', lang)}")
        SvgView(gap, ["ss-chart", "ss-gap-chart"])


#: The curves of the day-by-day difference between the two sides.
GAP_METRICS = ("csat", "backlog", "engagement", "culture_alignment")


def difference_frame(a: "pd.DataFrame", b: "pd.DataFrame") -> "pd.DataFrame":
    """Day by day, B minus A, on the days both sides have reached."""
    if "day" not in a.columns or "day" not in b.columns:       # a side has not run a day yet
        return pd.DataFrame({"day": []})
    cols = [c for c in a.columns if c != "day" and c in b.columns and a[c].dtype.kind in "fi"]
    both = a[["day", *cols]].merge(b[["day", *cols]], on="day", suffixes=("_a", "_b"))
    return pd.DataFrame({"day": both["day"], **{c: both[f"{c}_b"] - both[f"{c}_a"] for c in cols}})


def side_name(sim: Simulation, lang: str) -> str:
    name = sim.scenario.name
    known = {n for n, _c, _d in list_scenarios()}
    return t(f"scenario.{name}", lang) if name in known else name


@solara.component
def SidePicker(label: str, value: str, on_value, on_file, lang: str, cls: str):
    with solara.Column(style={"min-width": "280px", "flex": "1"}):
        solara.Markdown(f"**{label}**")
        extra = [("__explore__", t("compare.explore_scenario", lang))]
        if value == "__upload__":
            extra.append(("__upload__", "📄"))
        solara.v.Select(label=t("common.preset", lang), v_model=value, on_v_model=on_value,
                        items=scenario_items(lang, extra), class_=cls)
        solara.FileDrop(label=t("common.upload", lang), on_file=on_file, lazy=False)


@solara.component
def Compare():
    session = use_session()
    lang = use_lang()
    pair: Pair = session.pair
    ticks = session.compare_ticks
    names = solara.use_reactive({"a": pair.a.scenario.name, "b": pair.b.scenario.name})
    seed = solara.use_reactive(pair.seed)
    error = solara.use_reactive(None)

    def resolve(value):
        if value == "__explore__":
            ex = session.explore
            from dataclasses import replace

            return replace(ex.scenario, params=dict(ex.params), name=ex.scenario.name)
        return load_preset(value)

    def switch_side(side, sc, name):
        names.set({**names.value, side: name})
        session.compare_playing.set(False)
        pair.reset(**{side: sc}, seed=seed.value)
        ticks.value += 1

    def choose(side):
        def set_value(value):
            if not value or value == "__upload__":
                return
            sc = load_or_show(lambda: resolve(value), error, lang)
            if sc is not None:
                switch_side(side, sc, value)
        return set_value

    def upload(side):
        def on_file(info):
            sc = load_or_show(lambda: load_uploaded(info["name"], info["data"]), error, lang)
            if sc is not None:
                switch_side(side, sc, "__upload__")
        return on_file

    def reset():
        pair.reset(seed=seed.value)

    solara.Markdown(f"## {t('compare.title', lang)}")
    solara.Text(t("compare.hint", lang), classes=["ss-hint"])
    known = {n for n, _c, _d in list_scenarios()}
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        SidePicker(t("compare.side_a", lang), names.value["a"] if names.value["a"] in known | {"__explore__", "__upload__"} else "__upload__",
                   choose("a"), upload("a"), lang, "ss-side-a")
        SidePicker(t("compare.side_b", lang), names.value["b"] if names.value["b"] in known | {"__explore__", "__upload__"} else "__upload__",
                   choose("b"), upload("b"), lang, "ss-side-b")
        with solara.Column(style={"min-width": "200px"}):
            solara.InputInt(t("common.seed", lang), value=seed.value, on_value=seed.set, classes=["ss-compare-seed"])
            solara.Text(t("common.seed_help", lang), classes=["ss-param-help"])
    if error.value:
        solara.Error(error.value, classes=["ss-error"])
    CompareControls(pair, ticks, session.compare_playing, reset, lang)
    CompareLive(pair, ticks, lang)
    Exports(lambda: pair.csv(),
            lambda: charts.to_png(charts.series_figure(
                [("A", pair.a.frame()), ("B", pair.b.frame())], [], lang)),
            "servicesim-compare", lang)


@solara.component
def CompareControls(pair, ticks, playing, reset, lang):
    ticks.value
    RunControls(pair.step, reset, playing, ticks, t("common.day", lang, day=pair.day), lang, prefix="ss-cmp")


# --- Journey ------------------------------------------------------------------------------------------
@solara.component
def Journey():
    session = use_session()
    lang = use_lang()
    sim: Simulation = session.explore
    ticks = session.explore_ticks
    ticks.value
    chosen = solara.use_reactive(None)
    typed = solara.use_reactive(0)
    note = solara.use_reactive(None)
    model = sim.model

    def latest_unhappy():
        with sim.lock:
            # a customer who was served shows the chain at work; one who gave up, only the wait
            rid = model.latest_unhappy_request(served_only=True)
            if rid is None:
                rid = model.latest_unhappy_request()
        if rid is None:
            note.set(t("journey.none_unhappy", lang))
        else:
            note.set(None)
            chosen.set(int(rid))
            typed.set(int(rid))

    def show():
        note.set(None)
        chosen.set(int(typed.value))

    solara.Markdown(f"## {t('journey.title', lang)}")
    solara.Text(t("journey.hint", lang), classes=["ss-hint"])
    if model.day == 0:
        solara.Info(t("journey.no_model", lang), classes=["ss-journey-empty"])
        return
    solara.Text(f"{side_name(sim, lang)} — {t('common.day', lang, day=model.day)}", classes=["ss-journey-model"])
    with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}):
        solara.Button(t("journey.latest_unhappy", lang), icon_name="mdi-emoticon-sad-outline", on_click=latest_unhappy,
                      color="primary", classes=["ss-latest-unhappy"])
        solara.InputInt(t("journey.request", lang), value=typed.value, on_value=typed.set, classes=["ss-request-id"],
                        style={"max-width": "180px"})
        solara.Button(t("journey.show", lang), on_click=show, classes=["ss-show-request"])
    with sim.lock:
        recent = model.recent_requests(8)
    if recent:
        with solara.Row(style={"align-items": "center", "flex-wrap": "wrap"}, gap="4px"):
            solara.Text(t("journey.recent", lang) + (" :" if lang == "fr" else ":"))
            for rid in recent:
                solara.Button(f"#{rid}", text=True, on_click=(lambda r=rid: (typed.set(r), chosen.set(r))),
                              classes=["ss-recent"])
    if note.value:
        solara.Info(note.value, classes=["ss-journey-note"])
    if chosen.value is None:
        return
    rid = chosen.value
    with sim.lock:
        events = model.journey(rid)
        outcome = model.outcome(rid)
    if not events:
        solara.Warning(t("journey.unknown", lang, id=rid), classes=["ss-journey-unknown"])
        return
    solara.Markdown(f"### {t('journey.path', lang, id=rid)}")
    rows = "".join(f"<tr><td>{e['day']}</td><td>{describe_event(e, lang)}</td></tr>" for e in events)
    head = f"<tr><th>{t('journey.col.day', lang)}</th><th style='text-align:left'>{t('journey.col.event', lang)}</th></tr>"
    solara.HTML(tag="table", unsafe_innerHTML=head + rows, classes=["ss-table", "ss-journey-events"])
    solara.Markdown(f"### {t('journey.why', lang)}")
    with solara.Column(gap="0px", classes=["ss-journey-why"]):
        for line in explain_outcome(outcome, lang):
            solara.Text("• " + line)


# --- Info -------------------------------------------------------------------------------------------------
@solara.component
def Info():
    lang = use_lang()
    solara.Markdown(f"## {t('info.title', lang)}")
    with solara.Column(classes=["ss-info"], style={"max-width": "900px"}):
        solara.Markdown(f"### {t('info.what', lang)}\n\n{t('info.what.text', lang)}")
        for page in ("explore", "compare", "journey"):
            with solara.Card(t(f"nav.{page}", lang)):
                for part in ("what", "how", "notice", "try"):
                    solara.Markdown(f"**{t(f'info.{part}', lang)}** — {t(f'info.{page}.{part}', lang)}")
        solara.Markdown(f"### {t('info.credits', lang)}\n\n{t('info.credits.text', lang)}")
        solara.Markdown(f"### {t('info.extend', lang)}\n\n{t('info.extend.text', lang)}")


routes = [
    solara.Route(path="/", component=Explore, label="Explore", layout=Layout),
    solara.Route(path="compare", component=Compare, label="Compare"),
    solara.Route(path="journey", component=Journey, label="Journey"),
    solara.Route(path="info", component=Info, label="Info"),
]
