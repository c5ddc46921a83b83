"""Render the session plans as printable HTML pages (print.css inlined), next to each other.

    python docs/workshop/render.py [OUT_DIR]      # default: results/workshop-plans/ (git-ignored)

Open a page in a browser and print it (A4). Uses the ``markdown`` package (installed with Solara).
"""

from __future__ import annotations

import sys
from html import escape
from pathlib import Path

import markdown

HERE = Path(__file__).resolve().parent


def render(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    body = markdown.markdown(text, extensions=["tables"], output_format="html")
    title = text.splitlines()[0].lstrip("# ").strip()
    lang = "fr" if path.stem.endswith(".fr") else "en"
    css = (HERE / "print.css").read_text(encoding="utf-8")
    return (f"<!doctype html>\n<html lang='{lang}'><head><meta charset='utf-8'><title>{escape(title)}</title>"
            f"<style>{css}</style></head><body>\n{body}\n</body></html>\n")


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else HERE.parent.parent / "results" / "workshop-plans"
    out.mkdir(parents=True, exist_ok=True)
    for path in sorted(HERE.glob("plan-*.md")):
        target = out / (path.stem + ".html")
        target.write_text(render(path), encoding="utf-8")
        print(target)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
