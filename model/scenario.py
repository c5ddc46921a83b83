"""Scenarios: a preset plus parameter overrides plus scheduled interventions, read from TOML.

A scenario file looks like::

    description = "One line shown by `servicesim scenarios`"
    category = "sector"        # see below
    extends = "hierarchical"   # optional: a preset name or a path, resolved first
    [params]
    novelty = 0.45
    [[interventions]]
    day = 120
    kind = "style_change"
    style = "bersin"

A management style is two blocks, named separately (docs/ODD.md §2): a *structure* block (decision
rights, approvals, procedures; presets of ``category = "structure"``) and a *people-practices*
block (values, example, recognition, training, coaching, dosing; ``category = "practices"``).
A block file may set only its own block's parameters. A style preset (``category = "style"``)
names one block of each (``structure = "control"``, ``practices = "weak_practices"``), so an
experiment can cross them (:func:`with_blocks`). A style never sets an organisational capacity.

This module reads files; the model itself never does I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from . import params as P
from .errors import ParamError, ScenarioError
from .interventions import Intervention, make
from .tomlfiles import read_toml, resolve_ref

PRESET_DIR = Path(__file__).resolve().parent.parent / "scenarios"
_TOP_KEYS = {"description", "category", "extends", "params", "interventions", "name", "structure", "practices"}
#: Block category -> the parameters a block of that category may set.
BLOCKS = {"structure": P.STRUCTURE_PARAMS, "practices": P.PRACTICE_PARAMS}


@dataclass(frozen=True)
class Scenario:
    """A complete, validated model input."""

    name: str
    description: str
    params: Mapping[str, Any]
    interventions: tuple[Intervention, ...] = ()
    category: str = "custom"
    style: str | None = None  # the style preset this scenario stands on, if any

    def with_params(self, overrides: Mapping[str, Any], source: str = "--set") -> Scenario:
        return replace(self, params=P.validate(overrides, source=source, base=self.params))


def _preset_dir() -> Path:
    # Editable installs map servicesim.scenarios to the repository's scenarios/ folder.
    try:
        import servicesim.scenarios as pkg

        return Path(pkg.__file__).resolve().parent
    except ImportError:  # pragma: no cover - running from a bare checkout
        return PRESET_DIR


def preset_paths() -> dict[str, Path]:
    return {p.stem: p for p in sorted(_preset_dir().glob("*.toml"))}


def _read(path: Path) -> dict:
    return read_toml(path, "scenario file", ScenarioError)


def list_scenarios() -> list[tuple[str, str, str]]:
    """(name, category, one-line description) of every shipped preset, styles first."""
    rows = []
    for name, path in preset_paths().items():
        data = _read(path)
        rows.append((name, str(data.get("category", "custom")), str(data.get("description", ""))))
    order = {"style": 0, "structure": 1, "practices": 2, "sector": 3}
    return sorted(rows, key=lambda r: (order.get(r[1], 2), r[0]))


def names_of(category: str) -> list[str]:
    """The shipped presets of one category ("style", "structure", "practices", "sector")."""
    return [name for name, cat, _ in list_scenarios() if cat == category]


def style_names() -> list[str]:
    return names_of("style")


def block_params(category: str, name: str) -> dict[str, Any]:
    """The parameters a structure or people-practices block sets."""
    if name not in names_of(category):
        raise ScenarioError(f"{category} block '{name}' is unknown; allowed: {', '.join(names_of(category))}")
    values = _read(preset_paths()[name]).get("params", {})
    return {k: v for k, v in P.validate(values, source=f"{category} block '{name}'").items() if k in BLOCKS[category]}


def style_params(style: str) -> dict[str, Any]:
    """The management-style parameters a style preset sets: its two blocks, over the defaults."""
    if style not in style_names():
        raise ScenarioError(f"style '{style}' is unknown; allowed: {', '.join(style_names())}")
    full = load_scenario(style).params
    return {k: full[k] for k in P.STYLE_PARAMS}


def style_catalog() -> dict[str, dict[str, Any]]:
    """Every style preset's parameters, by name (what a style change can move to)."""
    return {name: style_params(name) for name in style_names()}


def make_intervention(kind: str, day: int = 0, source: str = "", **options: Any) -> Intervention:
    """An intervention, with a style change's values looked up among the style presets."""
    styles = style_catalog() if kind == "style_change" and "values" not in options else None
    return make(kind, day, source, styles=styles, **options)


def _resolve(ref: str, relative_to: Path | None) -> Path:
    return resolve_ref(ref, preset_paths(), "scenario", ScenarioError, relative_to)


def load_scenario(ref: str | Path, overrides: Mapping[str, Any] | None = None, *, _seen: tuple = ()) -> Scenario:
    """Load a preset by name or a TOML file by path, resolving ``extends`` chains."""
    path = _resolve(str(ref), None) if not isinstance(ref, Path) else ref
    if path.resolve() in _seen:
        raise ScenarioError(f"scenario file '{path}': 'extends' forms a cycle")
    data = _read(path)
    src = f"scenario '{path.name}'"
    extra = set(data) - _TOP_KEYS
    if extra:
        raise ScenarioError(f"{src}: key '{sorted(extra)[0]}' is unknown; allowed: {', '.join(sorted(_TOP_KEYS))}")
    base_params: Mapping[str, Any] | None = None
    interventions: list[Intervention] = []
    style = None
    if "extends" in data:
        if not isinstance(data["extends"], str):
            raise ScenarioError(f"{src}: 'extends' = {data['extends']!r} must be a preset name or a path")
        parent = load_scenario(_resolve(data["extends"], path.parent), _seen=_seen + (path.resolve(),))
        base_params, interventions, style = parent.params, list(parent.interventions), parent.style
    values = data.get("params", {})
    if not isinstance(values, dict):
        raise ScenarioError(f"{src}: 'params' must be a table of name = value")
    category = str(data.get("category", "custom"))
    if category in BLOCKS:
        outside = sorted(set(values) - set(BLOCKS[category]))
        if outside:
            raise ScenarioError(f"{src}: a {category} block may not set '{outside[0]}'; allowed: "
                                f"{', '.join(BLOCKS[category])}")
    params = P.validate(values, source=src, base=base_params)
    for block in BLOCKS:
        if block in data:
            if not isinstance(data[block], str):
                raise ScenarioError(f"{src}: '{block}' = {data[block]!r} must be the name of a {block} block; "
                                    f"allowed: {', '.join(names_of(block))}")
            params = P.validate({**block_params(block, data[block]), **values}, source=src, base=params)
    raw = data.get("interventions", [])
    if not isinstance(raw, list) or not all(isinstance(item, dict) for item in raw):
        raise ScenarioError(f"{src}: 'interventions' must be an array of tables ([[interventions]])")
    for item in raw:
        item = dict(item)
        if "kind" not in item or "day" not in item:
            raise ScenarioError(f"{src}: every [[interventions]] needs 'day' and 'kind'")
        interventions.append(make_intervention(str(item.pop("kind")), item.pop("day"), source=src, **item))
    if category == "style":
        style = path.stem
    scenario = Scenario(
        name=str(data.get("name", path.stem)),
        description=str(data.get("description", "")),
        params=params,
        interventions=tuple(sorted(interventions, key=lambda iv: iv.day)),
        category=category,
        style=style,
    )
    if overrides:
        scenario = scenario.with_params(overrides)
    return scenario


def with_style(scenario: Scenario, style: str) -> Scenario:
    """The same scenario (the same organisation) under another management style preset.
    Only style parameters change: capacities and everything else of the organisation stay."""
    return replace(scenario, params=P.validate(style_params(style), base=scenario.params), style=style,
                   name=f"{scenario.name}@{style}" if scenario.category != "style" else style)


def with_blocks(scenario: Scenario, *, structure: str | None = None, practices: str | None = None) -> Scenario:
    """The same scenario with one structure block and/or one people-practices block applied."""
    values: dict[str, Any] = {}
    tags = []
    for category, name in (("structure", structure), ("practices", practices)):
        if name is not None:
            values.update(block_params(category, name))
            tags.append(name)
    if not values:
        return scenario
    return replace(scenario, params=P.validate(values, base=scenario.params), style="+".join(tags),
                   name=f"{scenario.name}@{'+'.join(tags)}")


__all__ = [
    "Scenario", "load_scenario", "list_scenarios", "style_names", "style_params", "style_catalog", "with_style",
    "with_blocks", "block_params", "names_of", "make_intervention", "ParamError", "ScenarioError",
]
