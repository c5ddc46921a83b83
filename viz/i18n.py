"""Every text a user of the browser app reads, in English and French.

The English texts below are the message ids; the French ones live in the gettext file
``locale/fr/LC_MESSAGES/servicesim.po`` (a translator opens it in Poedit; each entry's context is
its key here; plurals are real gettext plurals). ``python -m servicesim.viz.i18n --update`` extracts
new or changed English texts into it. ``t(key, lang, **values)`` looks a text up; ``tn`` picks a
plural form by the language's rule; ``number(x, lang, digits)`` formats a number the
way the language writes it (3.87 / 3,87). Journey events and the customer's verdict are
rebuilt here from the structured fields the model records, so that they read in both languages
(the model's own English sentences, :mod:`servicesim.model.journey`, stay the reference: a test
checks that the English texts here match them).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from servicesim.model import params as P
from servicesim.model.journey import verdict_of
from servicesim.model.metrics import METRICS
from servicesim.model.scenario import list_scenarios

LANGS = ("en", "fr")

EN: dict[str, str] = {
    # --- application frame ------------------------------------------------------------------------
    "app.title": "servicesim — service culture simulator",
    "app.tagline": "Does a company serve its customers better with a culture of autonomy or with command and control?",
    "nav.explore": "Explore",
    "nav.compare": "Compare",
    "nav.journey": "Journey",
    "nav.info": "Info",
    "lang.label": "Language",
    "common.day": "Day {day}",
    "common.days": "days",
    "common.seed": "Seed",
    "common.seed_help": "Same seed, same organisation, people and customers: change it to see another draw.",
    "common.play": "Play",
    "common.pause": "Pause",
    "common.step": "Step",
    "common.reset": "Reset",
    "common.speed": "Speed (days per second)",
    "common.preset": "Preset scenario",
    "common.upload": "Drop a scenario file (TOML) here, or click to choose one",
    "common.loaded_file": "Scenario file loaded: {name}",
    "common.error": "Error",
    "common.none": "n/a",
    "common.export_csv": "Daily series (CSV)",
    "common.export_png": "Charts (PNG)",
    "common.exports": "Download",
    "common.hint": "What to look at",
    "common.more_info": "More in the Info page.",
    "params.title": "Parameters",
    "params.reset_only": "on reset",
    "params.reset_only_help": "Structural: takes effect when you press Reset (the organisation is rebuilt).",
    "params.live_help": "Takes effect at once, on the running model.",
    "params.range": "{low} to {high} {unit}",
    "explore.title": "Explore one organisation",
    "explore.hint": "Press Play and watch customer satisfaction. Then change a style slider (delegation, micromanagement) or launch an intervention, and see the curves bend.",
    "explore.network": "The organisation",
    "explore.colour_by": "Colour by",
    "explore.colour.engagement": "Engagement",
    "explore.colour.stress": "Stress",
    "explore.colour.culture_alignment": "Culture",
    "explore.legend": "▲ manager  ● front office  ■ back office  ◆ payroll/HR — bigger: more open requests held; hollow grey: vacant post",
    "explore.charts": "How it is going",
    "explore.summary": "Since day 0",
    "explore.interventions": "Intervene now",
    "explore.intervention_log": "Interventions so far",
    "explore.no_interventions": "None yet: try one of the buttons above.",
    "explore.iv_done": "{label} launched on day {day}.",
    "explore.to_style": "new style",
    "explore.transition": "transition (days)",
    "compare.title": "Compare two management styles",
    "compare.hint": "Both organisations have the same people, the same seed and the same customers asking the same things on the same days: only the management differs.",
    "compare.side_a": "Left (A)",
    "compare.side_b": "Right (B)",
    "compare.explore_scenario": "The scenario edited on the Explore page",
    "compare.difference": "Difference B − A (mean of the last {n} days)",
    "compare.gap_chart": "Difference B − A, day by day (above zero: B higher)",
    "compare.col.metric": "Measure",
    "compare.col.a": "A",
    "compare.col.b": "B",
    "compare.col.diff": "B − A",
    "compare.col.better": "Better",
    "compare.better.a": "A",
    "compare.better.b": "B",
    "compare.better.same": "—",
    "journey.title": "Follow one request",
    "journey.hint": "Each customer request is a record travelling through the chain. Pick one to see who handled it and why the customer felt as they did.",
    "journey.request": "Request number",
    "journey.show": "Show",
    "journey.latest_unhappy": "The latest unhappy customer",
    "journey.recent": "Recently closed",
    "journey.none_unhappy": "No unhappy customer yet: run a few more days on the Explore page.",
    "journey.no_model": "Nothing has happened yet: step or play the model on the Explore page first.",
    "journey.unknown": "Request {id} has not arrived yet, or does not exist.",
    "journey.path": "Path of request {id}",
    "journey.col.day": "Day",
    "journey.col.event": "What happened",
    "journey.why": "Why the customer felt this way",
    "journey.open": "the request is still open",
    "info.title": "About this app",
    "info.what": "What is it?",
    "info.how": "How it works",
    "info.notice": "Things to notice",
    "info.try": "Things to try",
    "info.credits": "Where the ideas come from",
    "info.extend": "Extending the model",
    "roles.front": "front office",
    "roles.back": "back office",
    "roles.payroll": "payroll/HR",
    "roles.manager": "manager",
    "chart.marker": "{label}",
    "chart.daily": "daily",
    "chart.trend": "10-day mean",
    # --- Info texts (paraphrasing the articles; NetLogo's Info-tab shape) ----------------------------
    "info.what.text": "An agent-based model of a service company. Every employee is an agent — front-office staff who serve customers, back-office staff who fulfil what the front cannot, payroll/HR staff who pay everyone, and managers who lead teams. Customer requests are individual records that travel through this chain, day after day. Nothing in the model says which management style should win: the results come from people who learn, tire, quit and copy each other, queues of finite capacity, and customers who judge against what they expected.",
    "info.explore.what": "The Explore page runs one organisation. On the left, every input of the model, grouped and described, with its unit. In the middle, the organisation drawn as a network: managers at the top, teams and back-office units below; colour shows engagement, stress or culture; the bigger a mark, the more open requests that person holds. Below, the daily measures: customer satisfaction (1 to 5), net promoter score, backlog, resolution time, engagement, staff turnover and culture alignment.",
    "info.explore.how": "One step is one working day. Requests arrive; a front-office employee serves each one with a quality that depends on their skill, their knowledge of customers, their engagement and their stress. When a decision needs more authority than they hold, or when a manager wants to approve everything, the request waits for a manager, who knows the customers less well. Some requests need the back office: each hand-off can introduce an error that comes back as rework. Every evening people learn, share knowledge, feel more or less engaged, absorb the culture of those around them, and some quit.",
    "info.explore.notice": "Satisfaction does not react at once: culture, skill and knowledge build slowly and leak away when people leave. A style that looks efficient on day 10 may not be the one that wins on day 200. Watch the backlog when managers must approve too much: they become the bottleneck.",
    "info.explore.try": "Move delegation up and micromanagement down on the hierarchical preset. Raise the share of novel requests: the situations no procedure covers. Launch a training programme under a hierarchical style, then under bersin: training only helps where people may apply it. Try laissez-faire: autonomy without culture or training.",
    "info.compare.what": "Two copies of the same organisation, run side by side with the same seed: the same people, the same customers asking the same things on the same days. Only what you choose differs — by default the hierarchical style on the left and the culture-first (bersin) style on the right. Their curves are overlaid and a table gives the difference.",
    "info.compare.how": "Both models step together. Because chance is shared (common random numbers), a difference between the curves comes from management, not from luck — for this seed. A real conclusion needs several seeds: the command line's compare and sweep do that with confidence intervals.",
    "info.compare.notice": "Early on the two styles can look alike, or hierarchy can even look better; the gap opens as skills, knowledge and culture accumulate. The weakest link matters: a back-office unit in trouble pulls the whole chain down.",
    "info.compare.try": "Set the share of novel requests to 0: in a purely routine world, procedures can do as well. Then set it to 0.6. Compare bersin with laissez-faire. On the right, launch a style change from hierarchical to bersin on the Explore page scenario and watch the transition dip before the gain.",
    "info.journey.what": "The path of one customer request through the chain: who handled it, how long it waited, whether it was escalated to a manager or handed off to the back office, the errors on the way, and why the customer ended up satisfied or not.",
    "info.journey.how": "The customer compares the performance they received with what they expected. The performance is the fit of the answer to their situation, minus the cost of waiting, of being passed from person to person and of errors, plus or minus the mood of the employee who served them.",
    "info.journey.notice": "Unhappy customers are rarely the victims of one bad employee: more often the request waited for an approval, crossed several hand-offs, or met a procedure that did not fit.",
    "info.journey.try": "Press 'The latest unhappy customer' under the hierarchical style, then under bersin. Count the escalations and hand-offs.",
    "info.credits.text": "The mechanisms paraphrase ideas from French-language articles and the work they cite. Josh Bersin, interviewed by Philippe Jean Poirier (2019): front-line staff know things about customers that never reach the top, no procedure covers every case, and a culture lived by everyone beats telling people what to do — which is not the same as leaving them alone. Gilbert Rozès (Le Management en première ligne): a service failure comes from a missing skill, missing motivation, or missing means and authority; managers hold three levers — a clear vision, example, and the means to act — and training works only where the hierarchy lets it be applied. Claire Morel's dossier on the employee relationship: autonomy raises performance and loyalty, but in the right dose for each person and activity, and leaders must carry the change. Jocelyn Pinet and André Coupet (Gestion, 2009): leadership is the keystone of a service culture. Ralph Hababou: service is a chain as strong as its weakest link — a payroll error upsets the salesperson who then serves a customer badly; job swaps, mystery customers and fewer hand-offs help everyone feel the customer. Oliva and Sterman (2001): under sustained pressure people cut corners, and the standard drifts down.",
    "info.extend.text": "Every input is described in one schema (servicesim params); scenario files combine a preset, overrides and dated interventions. The command line runs sweeps over several seeds and reports differences with confidence intervals. docs/ODD.md describes the model in full. The app is built with Mesa and Solara.",
    # --- parameter groups --------------------------------------------------------------------------
    # --- units ---------------------------------------------------------------------------------
    "unit.0-1": "0–1",
    "unit.approvals/day": "approvals/day",
    "unit.customers": "customers",
    "unit.days": "days",
    "unit.hand-offs": "hand-offs",
    "unit.hand-offs/day": "hand-offs/day",
    "unit.levels": "levels",
    "unit.links": "links",
    "unit.multiplier": "multiplier",
    "unit.people": "people",
    "unit.per 100": "per 100",
    "unit.per contact": "per contact",
    "unit.per day": "per day",
    "unit.per error": "per error",
    "unit.per log2(1+days)": "per log2(1+days)",
    "unit.per person": "per person",
    "unit.probability": "probability",
    "unit.ratio": "ratio",
    "unit.requests/day": "requests/day",
    "unit.sd": "standard deviation",
    "unit.share": "share",
    "unit.teams": "teams",
    "unit.units": "units",
    "unit.index": "index",
    "unit.x": "×",
    "unit.1-5": "1–5",
    "unit.-100..100": "−100 to 100",
    "unit.per request": "per request",
    "unit.share per year": "share per year",
    "unit.requests": "requests",
    "unit.open requests": "open requests",
    "unit.salary-days per day": "salary-days per day",
    # --- parameters ------------------------------------------------------------------------------
    # --- metrics -----------------------------------------------------------------------------------
    "metric.backlog": "Backlog",
    # --- interventions -------------------------------------------------------------------------------
    "iv.training_programme": "Training programme",
    "iv.job_swap": "Job swap",
    "iv.mystery_customer": "Mystery customers",
    "iv.simplification": "Simplify the chain",
    "iv.recognition_programme": "Recognition programme",
    "iv.style_change": "Change of style",
    "iv.demand_surge": "Demand surge",
    "iv.backoffice_incident": "Back-office incident",
    "iv.leadership_programme": "Leadership programme",
    "iv.training_programme.desc": "A training programme on top of the usual effort (20 days)",
    "iv.job_swap.desc": "'Walk in my shoes': half the back-office staff spend time at the front desk",
    "iv.mystery_customer.desc": "Mystery-customer reports for 60 days: everyone sees the service through the customer's eyes",
    "iv.simplification.desc": "One hand-off fewer between front and back office: one interlocutor who can really help",
    "iv.recognition_programme.desc": "Recognise and celebrate good service for 60 days",
    "iv.style_change.desc": "Management adopts another style; managers need time to learn the new posture",
    "iv.demand_surge.desc": "Half as many requests again for 20 days",
    "iv.backoffice_incident.desc": "An incident degrades back-office unit 0 for 20 days",
    "iv.leadership_programme.desc": "Every manager is trained and coached for 20 days in the posture a new style asks",
    # --- scenarios -------------------------------------------------------------------------------------
    "scenario.bersin": "bersin — culture first",
    "scenario.hierarchical": "hierarchical — command and control",
    "scenario.laissez_faire": "laissez-faire — autonomy alone",
    "scenario.situational": "situational — autonomy in the right dose",
    "scenario.airline_desk": "airline desk",
    "scenario.online_retailer": "online retailer",
    "scenario.retail_store": "retail store",
    "scenario.telecom_contact_centre": "telecom contact centre",
    # --- journey events (structured fields -> sentences; English must match model/journey.py) ---------
    "ev.arrive": "arrives, for team {actor}",
    "ev.abandon": "the customer gives up waiting",
    "ev.front": "taken by front-office employee #{actor}",
    "ev.escalate": "escalated to manager #{actor}",
    "ev.decide": "manager #{actor} rules on it",
    "ev.own_error": "employee #{actor} makes a keying error",
    "ev.error": "back-office employee #{actor} makes an error: rework",
    "ev.handoff": "handed off through back-office unit {value}, by #{actor}",
    "ev.resolve": "resolved; the customer rates it {value}/5",
    "front_how.0": "solved by procedure",
    "front_how.1": "needs approval",
    "front_how.2": "standard answer to an uncovered case",
    "front_how.3": "improvised for an uncovered case",
    "esc_why.0": "micromanagement: approval required",
    "esc_why.1": "beyond the authority held",
    "esc_why.2": "the procedure does not fit and the employee knows it",
    "verdict.satisfied": "satisfied",
    "verdict.dissatisfied": "dissatisfied",
    "verdict.lukewarm": "lukewarm",
    "worst.fit": "the answer's fit",
    "worst.wait": "the wait",
    "worst.people": "being passed around",
    "worst.errors": "errors",
    "worst.mood": "the employee's mood",
}



# --- input checks, limits, uploads (viz/fields.py) ---------------------------------------------------
EN.update({
    "field.seed": "Seed",
    "field.request": "Request number",
    "field.transition": "Transition (days)",
    "field.upload": "Scenario file",
    "allowed.int": "a whole number from {low} to {high}",
    "allowed.float": "a number from {low} to {high}",
    "problem.empty": "{field}: the box is empty; allowed: {allowed}.",
    "problem.not_int": "{field}: “{value}” is not a whole number; allowed: {allowed}.",
    "problem.not_number": "{field}: “{value}” is not a number; allowed: {allowed}.",
    "problem.out_of_range": "{field}: {value} is out of range; allowed: {allowed}.",
    "problem.not_choice": "{field}: “{value}” is not one of the choices; allowed: {detail}.",
    "problem.too_many_employees": "Teams × team size = {detail} makes an organisation of {value} employees; this server allows at most {limit} (its administrator can raise the limit with servicesim ui --max-employees).",
    "problem.too_many_customers": "Front-office employees × customers per employee = {detail} makes {value} customers; this server allows at most {limit} (its administrator can raise the limit with servicesim ui --max-customers).",
    "problem.too_many_requests": "Customers × requests per customer per day = {detail} makes {value} requests a day; this server allows at most {limit} (its administrator can raise the limit with servicesim ui --max-customers).",
    "problem.upload_too_big": "Scenario file “{value}”: too large; allowed: a TOML file of at most {limit} kB.",
    "problem.upload_not_text": "Scenario file “{value}”: not a text file (UTF-8); allowed: a TOML scenario file.",
    "problem.upload_not_toml": "Scenario file “{value}”: not valid TOML ({detail}).",
    "problem.upload_key": "Scenario file: the key “{value}” is unknown; allowed: {detail}.",
    "problem.upload_extends": "Scenario file: extends = “{value}” is not a preset; allowed: one of {detail} (an uploaded file cannot point to another file).",
    "problem.upload_invalid": "Scenario file “{value}” cannot be used: {detail}.",
    "problem.internal": "Something went wrong with this action ({detail}); the page still works — try another value or press Reset.",
    "problem.already_launched": "{field} was already launched on day {value}: step at least one day before launching it again.",
    "problem.busy": "Please wait: the previous action is still being applied.",
    "common.choose_file": "Choose a file",
    "compare.lab": "Parameters and interventions of this side",
    "problem.upload_iv_shape": "Scenario file: every [[interventions]] needs a day and a kind.",
    "problem.upload_iv_kind": "Scenario file: intervention kind “{value}” is unknown; allowed: {detail}.",
    "problem.upload_iv_day": "Scenario file: intervention day {value} is not allowed; allowed: a whole number from 0 up.",
    "problem.upload_iv_option": "Scenario file, {field}: “{value}” is not allowed; allowed: {detail}.",
    "problem.toml_where": "error at line {line}, column {column}",
    "common.drop_or_choose": "Drop a scenario file (TOML) here, or click to choose one",
})


EN.update({
    "common.retry": "Show the page again",
    "explore.drawer": "Scenario and parameters",
    "explore.restore_help": "↺ puts back the preset's values.",
    "explore.units.one": "{n} back-office unit",
    "explore.units.other": "{n} back-office units",
    "explore.size.one": "{posts} post: {teams} front-office teams of {team_size}, {units}, {levels} management levels",
    "explore.size.other": "{posts} posts: {teams} front-office teams of {team_size}, {units}, {levels} management levels",
    "explore.grouped": "{n} teams and units, one mark each (a large organisation): size = headcount, colour = the group's mean",
    "params.pending.one": "{n} change waits for Reset.",
    "params.pending.other": "{n} changes wait for Reset.",
    "params.range": "from {low} to {high}",
    "compare.col.unit": "Unit",
    "compare.days": "A: Day {a} · B: Day {b}",
    "compare.better.early": "—",
    "compare.better.same": "≈",
    "compare.noise_note": "≈: the difference stays within day-to-day noise (its 95 % interval, from {k}-day blocks of the last {n} days, includes zero); —: fewer than {n} days run. One seed only: the command line's compare and sweep use several.",
    "compare.edited": "(edited)",
    "chart.zoomed": "zoomed axis",
    "journey.bars": "What the judgement lost or gained (service scale 0–1)",
    "why2.abandoned.one": "The customer waited {wait} day without an answer and gave up: they rate the service 1 out of 5.",
    "why2.abandoned.other": "The customer waited {wait} days without an answer and gave up: they rate the service 1 out of 5.",
    "why2.fit.well": "The answer fitted the problem well ({pct} %).",
    "why2.fit.partly": "The answer partly fitted the problem ({pct} %).",
    "why2.fit.poorly": "The answer fitted the problem poorly ({pct} %).",
    "why2.no_wait": "Served the same day: the wait cost nothing.",
    "why2.wait.one": "They waited {wait} day for the outcome: {cost} on the service scale (0–1).",
    "why2.wait.other": "They waited {wait} days for the outcome: {cost} on the service scale (0–1).",
    "why2.one_person": "One person handled everything.",
    "why2.people.one": "They had to deal with {n} more person: {cost}.",
    "why2.people.other": "They had to deal with {n} more people: {cost}.",
    "why2.no_error": "No error on the way.",
    "why2.errors.one": "{n} error and its rework: {cost}.",
    "why2.errors.other": "{n} errors and their rework: {cost}.",
    "why2.mood": "The mood of the employee who served them: {mood}.",
    "why2.performance.above": "All told the service was worth {perf} on a 0–1 scale; they expected {exp}: better than expected.",
    "why2.performance.below": "All told the service was worth {perf} on a 0–1 scale; they expected {exp}: below their expectations.",
    "why2.verdict": "They rate it {score} out of 5 ({verdict}). What weighed most: {worst}.",
    "explore.iv_done": "{label}: launched on day {day}.",
})


# --- the questionnaire page (viz/questionnaire_page.py; its statements live in workshop/questionnaire.toml) ---
EN.update({
    "nav.questionnaire": "Your organisation",
    "q.title": "Describe your organisation",
    "q.hint": "Rate the sixteen statements below for an organisation you know well. Your answers set its management style, its practices and the shape of its service chain in the model, with a margin for what a 1-to-5 answer cannot say. The organisation is then simulated as it is, beside the same organisation run culture first and run by command and control.",
    "q.credit": "After Jocelyn Pinet and André Coupet, who diagnose an organisation's customer orientation and its service leadership with two questionnaires; the statements here are servicesim's own.",
    "q.sector": "Sector it resembles (its customers, requests and service chain)",
    "q.sector.none": "None in particular: the model's default organisation",
    "q.answered": "{n} of {total} statements rated; one left on \"Don't know\" widens the margin.",
    "q.run": "Simulate my organisation",
    "q.clear": "Clear my answers",
    "q.waiting": "Another simulation is running on this server: yours starts as soon as it ends.",
    "q.running": "Simulating: run {done} of {total}",
    "q.result": "Your organisation, simulated",
    "q.stale": "Your answers have changed since this result: simulate again to update it.",
    "q.verdict": "Run culture first, its customer satisfaction would change by {csat} (from {low} to {high}) and its profit by {profit} salary-days a day.",
    "q.col.arm": "Management",
    "q.col.csat": "Customer satisfaction (1–5)",
    "q.col.profit": "Profit (salary-days a day)",
    "q.arm.as_is": "As you describe it",
    "q.arm.culture_first": "Culture first",
    "q.arm.command_control": "Command and control",
    "q.to": "to",
    "q.chart.csat": "Customer satisfaction (1–5): median (dot) and band (line)",
    "q.chart.profit": "Profit (salary-days a day): median (dot) and band (line)",
    "q.band_note": "Median of {runs} runs: {samples} versions of your organisation drawn within the margins of your answers, each run as it is and under both styles with the same customers and staff. In brackets and as lines: the {low}th to {high}th percentiles. A small organisation ({people} front-line staff) over {days} working days.",
    "q.download": "Download the scenario file",
    "q.download_hint": "Run it with servicesim run FILE, or drop it on the Explore page.",
    "q.filename": "my_organisation.toml",
})


# --- parameters, groups and units added with the model's structure/practices split and money ---
EN.update({
    "unit.per gesture": "per gesture",
    "unit.policy": "policy",
    "unit.salary-days/year": "salary-days/year",
    "unit.salary-days": "salary-days",
    "unit.coefficient": "coefficient",
    "unit.per year": "per year",
    "unit.performance": "performance",
    "unit.per performance": "per performance",
    "scenario.balanced": "balanced — structure: balanced",
    "scenario.control": "control — structure: command and control",
    "scenario.empowering": "empowering — structure: empowering",
    "scenario.hands_off": "hands_off — structure: hands off",
    "scenario.dosed_practices": "dosed_practices — people practices: dosed",
    "scenario.no_practices": "no_practices — people practices: absent",
    "scenario.strong_practices": "strong_practices — people practices: strong",
    "scenario.weak_practices": "weak_practices — people practices: weak",
    "why.gesture": "goodwill gesture: {gesture}",
})

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "servicesim"


def load_po(lang: str) -> dict[str, str]:
    """The translations of ``lang`` from ``locale/<lang>/LC_MESSAGES/servicesim.po``, keyed like EN
    (each entry's context is its key; a plural entry gives ``key.one`` and ``key.other``). An entry
    whose English (msgid) no longer matches EN is left out: the page shows the English until a
    translator updates it (``python -m servicesim.viz.i18n --update`` marks it for them)."""
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    out: dict[str, str] = {}
    for msg in catalog:
        if not msg.id or not msg.context or msg.fuzzy:
            continue
        if isinstance(msg.id, (tuple, list)):
            forms = list(msg.string)
            if EN.get(f"{msg.context}.one") == msg.id[0] and all(forms):
                out[f"{msg.context}.one"], out[f"{msg.context}.other"] = forms[0], forms[-1]
        elif msg.string and EN.get(msg.context) == msg.id:
            out[msg.context] = msg.string
    return out


def update_po(lang: str = "fr") -> Path:
    """Extract the English catalogue (EN, the message ids) into the ``lang`` .po file: new texts are
    added untranslated, changed ones marked fuzzy, for a translator (Poedit opens the file)."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import read_po, write_po

    template = Catalog(domain=DOMAIN, project="servicesim")
    done = set()
    for key, text in EN.items():
        if key in done:
            continue
        base = key.rsplit(".", 1)[0]
        if key.endswith((".one", ".other")) and f"{base}.one" in EN and f"{base}.other" in EN:
            template.add((EN[f"{base}.one"], EN[f"{base}.other"]), context=base)
            done |= {f"{base}.one", f"{base}.other"}
        else:
            template.add(text, context=key)
            done.add(key)
    path = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale=lang)
    catalog.update(template, no_fuzzy_matching=False)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=False, ignore_obsolete=True)
    return path


# What the model names is described once, in the model: the English of parameters and their groups
# comes from the schema, of metrics from the metrics table, of presets from their files; only the
# translations of those texts live in the .po files (keyed by the same names).
EN.update({f"param.{name}": p.meaning for name, p in P.SCHEMA.items()})
EN.update({f"group.{group}": text for group, text in P.GROUPS.items()})
EN.update({f"metric.{name}": m.label for name, m in METRICS.items()})
EN.update({f"scenario.{name}.desc": desc for name, _category, desc in list_scenarios()})

FR: dict[str, str] = load_po("fr")
CATALOGUE = {"en": EN, "fr": FR}


def norm_lang(lang: str | None) -> str:
    lang = (str(lang) if lang else "en").lower()[:2]
    return lang if lang in CATALOGUE else "en"


def t(key: str, lang: str = "en", **values: Any) -> str:
    """The text ``key`` in ``lang`` (English if missing), with ``values`` filled in."""
    text = CATALOGUE[norm_lang(lang)].get(key) or EN.get(key) or key
    return text.format(**values) if values else text


def number(x: Any, lang: str = "en", digits: int = 2, signed: bool = False) -> str:
    """``x`` with ``digits`` decimals as the language writes it (``babel.numbers``): 3.87 / 3,87;
    12,345 / 12 345 (narrow no-break space); a true minus sign (U+2212); ``signed``: + for positives."""
    from babel.numbers import format_decimal

    if x is None or (isinstance(x, float) and math.isnan(x)):
        return t("common.none", lang)
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    text = format_decimal(x, format=pattern, locale=_LOCALES[norm_lang(lang)], decimal_quantization=True)
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]                      # −0,00 is 0,00
    text = text.replace("-", "\u2212")
    if signed and not text.startswith("\u2212"):
        text = "+" + text
    return text


_LOCALES = {"en": "en_GB", "fr": "fr_FR"}


def tn(key: str, count: float, lang: str = "en", **values: Any) -> str:
    """``ngettext`` for the catalogue: the plural form of ``key`` for ``count`` by the language's
    CLDR rule (English: one for 1; French: one for 0 and 1 — « 0 jour », « 1 jour », « 2 jours »)."""
    from babel import Locale

    lang = norm_lang(lang)
    form = Locale.parse(lang).plural_form(abs(count))
    key_form = f"{key}.one" if form == "one" else f"{key}.other"
    return t(key_form if key_form in EN else key, lang, **values)


def metric_label(name: str, lang: str) -> str:
    return t(f"metric.{name}", lang)


#: Units of the measures the app shows that are not in the model's metric table.
_EXTRA_UNITS = {"backlog": "open requests"}


def metric_unit(name: str, lang: str) -> str:
    """The unit of a measure, in ``lang`` (empty if it has none)."""
    from servicesim.model.metrics import METRICS

    code = METRICS[name].unit if name in METRICS else _EXTRA_UNITS.get(name, "")
    if name == "backlog":
        return t("unit.requests", lang)
    return t(f"unit.{code}", lang) if code else ""


def unit(name: str, lang: str) -> str:
    return t(f"unit.{name}", lang)


# --- journeys ---------------------------------------------------------------------------------------
def describe_event(event: dict, lang: str = "en") -> str:
    """One journey event (the model's structured record) as a sentence in ``lang``."""
    code, actor, value = event["stage"], event["actor"], event.get("value")
    if code == "resolve":
        val = number(value if value is not None else 0.0, lang, 1)
    elif code == "handoff":
        val = int(value) if value is not None else 0
    else:
        val = value
    text = t(f"ev.{code}", lang, actor=actor, value=val)
    if code == "front" and value is not None:
        text += f" ({t(f'front_how.{int(value)}', lang)})"
    if code == "escalate" and value is not None:
        text += f" — {t(f'esc_why.{int(value)}', lang)}"
    return text


def explain_outcome(outcome: dict | None, lang: str = "en") -> list[str]:
    """Why the customer ended up satisfied or not, in plain sentences with units, in ``lang``
    (the same terms as model.journey.explain)."""
    if outcome is None:
        return [t("journey.open", lang)]

    def n(x, d=2, s=False):
        return number(float(x), lang, d, signed=s)

    wait = int(round(float(outcome.get("wait", 0))))
    if outcome.get("abandoned"):
        return [tn("why2.abandoned", wait, lang, wait=wait)]
    fit = float(outcome["fit"])
    how = "well" if fit >= 0.75 else "partly" if fit >= 0.4 else "poorly"
    lines = [t(f"why2.fit.{how}", lang, pct=number(100 * fit, lang, 0))]
    lines.append(t("why2.no_wait", lang) if wait == 0 else
                 tn("why2.wait", wait, lang, wait=wait, cost=n(-outcome["wait_cost"], 2, True)))
    extra = int(round(float(outcome["extra_people"])))
    lines.append(t("why2.one_person", lang) if extra == 0 else
                 tn("why2.people", extra, lang, n=extra, cost=n(-outcome["people_cost"], 2, True)))
    errors = int(round(float(outcome["errors"])))
    lines.append(t("why2.no_error", lang) if errors == 0 else
                 tn("why2.errors", errors, lang, n=errors, cost=n(-outcome["error_cost"], 2, True)))
    if abs(float(outcome["mood_effect"])) >= 0.005:
        lines.append(t("why2.mood", lang, mood=n(outcome["mood_effect"], 2, True)))
    above = float(outcome["performance"]) >= float(outcome["expectation"])
    lines.append(t("why2.performance." + ("above" if above else "below"), lang, perf=n(outcome["performance"]),
                   exp=n(outcome["expectation"])))
    terms = {"fit": 1.0 - outcome["fit"], "wait": outcome["wait_cost"], "people": outcome["people_cost"],
             "errors": outcome["error_cost"], "mood": -outcome["mood_effect"]}
    worst = max(terms, key=terms.get)
    score = outcome["score"]
    verdict = verdict_of(score)
    lines.append(t("why2.verdict", lang, score=n(score, 1), verdict=t(f"verdict.{verdict}", lang),
                   worst=t(f"worst.{worst}", lang)))
    return lines


_PROBLEMS_FR = {
    "out_of_range": "est hors limites",
    "not_a_number": "n'est pas un nombre",
    "wrong_type": "n'est pas du bon type",
    "not_finite": "n'est pas un nombre fini",
    "not_an_integer": "n'est pas un entier",
    "not_a_choice": "n'est pas une option connue",
    "reset_only": "façonne l'organisation : il ne s'applique qu'à la réinitialisation",
}


def error_text(exc: Exception, lang: str = "en") -> str:
    """An input error as one line in ``lang``: parameter errors are rebuilt from their fields in
    French; other messages are shown as the model wrote them."""
    name, problem = getattr(exc, "name", None), getattr(exc, "problem", None)
    if norm_lang(lang) != "fr" or not name or not problem:
        return str(exc).splitlines()[0]
    if problem == "unknown":
        hint = f" (vouliez-vous dire « {exc.allowed} » ?)" if exc.allowed else ""
        return f"paramètre inconnu « {name} »{hint}"
    if problem not in _PROBLEMS_FR:
        return str(exc).splitlines()[0]
    allowed = (str(exc.allowed or "").replace("an integer in", "un entier dans").replace("a number in", "un nombre dans")
               .replace("one of", "l'une des options"))
    value = exc.value
    shown = number(value, "fr", 2 if isinstance(value, float) else 0) if isinstance(value, (int, float)) \
        and not isinstance(value, bool) else repr(value)
    text = f"paramètre « {name} » : {shown} {_PROBLEMS_FR[problem]}"
    return text + (f" ; valeurs permises : {allowed}" if allowed and problem != "reset_only" else "")


if __name__ == "__main__":
    import sys

    if "--update" in sys.argv[1:]:
        print(update_po("fr"))
    else:
        print("usage: python -m servicesim.viz.i18n --update   (extract the English texts into the fr .po file)")
