"""The `servicesim` command line: one parser, sub-commands registered by the modules that own them."""

from __future__ import annotations

import argparse
import importlib
import sys

from servicesim.model.errors import ServicesimError

# Modules that add sub-commands: each defines ``register(subparsers)``; a handler returns an exit code.
COMMAND_MODULES = (
    "servicesim.experiments.model_commands",   # params, scenarios, run, trace, compare-presets
    "servicesim.experiments.sweep_commands",   # sweep, compare, report
    "servicesim.viz.commands",                 # ui
)


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2), like every other input error."""

    def error(self, message: str):  # noqa: D401
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="servicesim",
        description="Agent-based simulation of service culture: does a culture of autonomy "
        "serve customers better than command and control?",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=OneLineParser)
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue  # that part of the project is not installed / not written yet
            raise
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        code = args.handler(args)
    except ServicesimError as exc:
        print(f"servicesim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("servicesim: interrupted", file=sys.stderr)
        return 130
    return int(code or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
