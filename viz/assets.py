"""Offline JavaScript assets for the browser app.

Solara's page loads its JavaScript from a CDN that these machines cannot reach. Solara can
serve those files itself from a cache folder (``SOLARA_ASSETS_PROXY_CACHE_DIR``), laid out as
the CDN's URL paths: ``<cache>/<package>@<version>/<file>``. This module fills such a folder:

* the packages that the ``solara-assets`` wheel ships are linked from where pip put them;
* the others are fetched once from the npm registry with ``npm pack`` and unpacked.

Run ``python -m servicesim.viz.assets`` (``make assets``); it is idempotent and quick when the
folder is complete. :func:`configure_environment` sets the variables a Solara server needs
(cache folder, no proxy to the CDN, telemetry off) before Solara is imported.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE_DIR = REPO / ".assets-cache"

#: URL prefixes (as Solara 1.64 asks the CDN for them) the app may load.
REQUIRED = (
    "@widgetti/solara-vuetify-app@10.1.1",      # the page itself (ipyvuetify 1.x / 2.x)
    "@widgetti/solara-vuetify3-app@5.2.0",      # the page under ipyvuetify 3 (kept so a pin change stays offline)
    "@widgetti/vue-grid-layout@2.3.13-alpha.2",
    "requirejs@2.3.6",
    "font-awesome@4.5.0",
    "katex@0.16.9",                             # solara.Markdown's math
    "mermaid@10.8.0",                           # solara.Markdown's diagrams
    "vega@5",                                   # vega-lite charts (altair)
    "vega-lite@5",
    "vega-embed@6",
)

#: A file that must exist in each package folder for it to count as complete.
CHECK = {
    "@widgetti/solara-vuetify-app@10.1.1": "dist/fonts.css",
    "@widgetti/solara-vuetify3-app@5.2.0": "dist/fonts.css",
    "@widgetti/vue-grid-layout@2.3.13-alpha.2": "package.json",
    "requirejs@2.3.6": "require.js",
    "font-awesome@4.5.0": "css/font-awesome.min.css",
    "katex@0.16.9": "dist/katex.min.js",
    "mermaid@10.8.0": "dist/mermaid.min.js",
    "vega@5": "build/vega.min.js",
    "vega-lite@5": "build/vega-lite.min.js",
    "vega-embed@6": "build/vega-embed.min.js",
}


def cache_dir() -> Path:
    return Path(os.environ.get("SERVICESIM_ASSETS_DIR", CACHE_DIR))


def configure_environment(cache: Path | None = None) -> dict[str, str]:
    """Set (and return) the environment a Solara server needs here; call before importing solara."""
    env = {
        "SOLARA_ASSETS_PROXY_CACHE_DIR": str(cache or cache_dir()),
        "SOLARA_ASSETS_PROXY": "True",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
    }
    os.environ.update(env)
    return env


def _wheel_assets() -> Path | None:
    """Where pip put the solara-assets files (``<prefix>/share/solara/cdn``)."""
    try:
        from importlib.metadata import distribution

        dist = distribution("solara-assets")
    except Exception:
        return None
    for f in dist.files or ():
        parts = Path(f).parts
        if "cdn" in parts and "solara" in parts:
            full = Path(dist.locate_file(f)).resolve()
            idx = len(full.parts) - (len(parts) - parts.index("cdn")) + 1
            return Path(*full.parts[:idx])
    return None


def _complete(folder: Path, spec: str) -> bool:
    return (folder / CHECK.get(spec, "package.json")).exists()


def _npm_pack(spec: str, dest: Path) -> None:
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit(f"servicesim assets: npm is needed to fetch {spec} (apt-get install npm)")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, npm_config_cache=str(Path(tmp) / "npm-cache"), npm_config_update_notifier="false")
        out = subprocess.run([npm, "pack", spec, "--silent", "--pack-destination", tmp],
                             capture_output=True, text=True, env=env, cwd=tmp)
        tgz = [p for p in Path(tmp).glob("*.tgz")]
        if out.returncode != 0 or not tgz:
            raise SystemExit(f"servicesim assets: npm pack {spec} failed: {out.stderr.strip()[-300:]}")
        unpack = Path(tmp) / "unpacked"
        with tarfile.open(tgz[0]) as tar:
            tar.extractall(unpack, filter="data")
        root = unpack / "package"
        if not root.is_dir():
            root = next(p for p in unpack.iterdir() if p.is_dir())
        staging = dest.parent / f".{dest.name}.partial"
        if staging.exists():
            shutil.rmtree(staging)
        staging.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(root), staging)
        if dest.is_symlink() or dest.is_file():
            dest.unlink()
        elif dest.exists():
            shutil.rmtree(dest)
        staging.rename(dest)


def fetch(cache: Path | None = None, verbose: bool = True) -> Path:
    """Fill ``cache`` with every required package; return the folder."""
    cache = cache or cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    wheel = _wheel_assets()
    say = print if verbose else (lambda *a, **k: None)
    for spec in REQUIRED:
        dest = cache / spec
        if _complete(dest, spec):
            continue
        source = wheel / spec if wheel else None
        if source is not None and _complete(source, spec):
            dest.parent.mkdir(parents=True, exist_ok=True)
            if dest.is_symlink() or dest.is_file():
                dest.unlink()
            elif dest.exists():
                shutil.rmtree(dest)
            dest.symlink_to(source, target_is_directory=True)
            say(f"linked  {spec}  (from solara-assets)")
            continue
        say(f"fetching {spec}  (npm pack)")
        _npm_pack(spec, dest)
    missing = [s for s in REQUIRED if not _complete(cache / s, s)]
    if missing:
        raise SystemExit(f"servicesim assets: still missing {', '.join(missing)}")
    say(f"offline assets ready in {cache}")
    return cache


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m servicesim.viz.assets", description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", default=None, help=f"cache folder (default {CACHE_DIR})")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    fetch(Path(args.dir) if args.dir else None, verbose=not args.quiet)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
