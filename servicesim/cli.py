"""The `servicesim` command line: every sub-command, its options and the function that runs it.

    servicesim params | scenarios | run | trace | compare-presets     one simulation at a time
    servicesim sweep | compare | report                               experiments: many runs, statistics
    servicesim ui                                                     the browser app

The handlers live in :mod:`servicesim.commands`; ``ui`` (its options and what it does) in
:mod:`servicesim.viz.commands`, beside the app. ``python -m servicesim`` is the same as the
``servicesim`` console script.
"""

from __future__ import annotations

import argparse
import os
import sys

from servicesim import commands as C
from servicesim.model.errors import ServicesimError
from servicesim.viz import commands as ui


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line on stderr (exit 2), like every other input error."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see `{self.prog} --help`)\n")


def _scenario_options(p: argparse.ArgumentParser, *, style: bool = True, warmup: bool = True) -> None:
    p.add_argument("--days", default="250", help="working days to simulate (default 250; a year is 250)")
    if warmup:
        p.add_argument("--warmup", default="0", help="working days simulated first and not counted (default 0)")
    p.add_argument("--seed", default="1", help="random seed (default 1)")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter (repeatable); see `servicesim params`")
    if style:
        p.add_argument("--style", default=None, help="run the scenario under another management style preset")


def _single_run_commands(sub) -> None:
    p = sub.add_parser("params", help="print the parameter schema")
    p.set_defaults(handler=C.cmd_params)

    p = sub.add_parser("scenarios", help="list the preset scenarios")
    p.set_defaults(handler=C.cmd_scenarios)

    p = sub.add_parser("run", help="run one scenario and print its results")
    p.add_argument("scenario", help="a preset name (see `servicesim scenarios`) or a TOML file")
    _scenario_options(p)
    p.add_argument("--json", action="store_true", help="print exactly one JSON object on stdout")
    p.set_defaults(handler=C.cmd_run)

    p = sub.add_parser("trace", help="follow one request through the service chain")
    p.add_argument("scenario", help="a preset name or a TOML file")
    _scenario_options(p, warmup=False)
    p.add_argument("--request", required=True, help="request number (0 is the first to arrive)")
    p.set_defaults(handler=C.cmd_trace)

    p = sub.add_parser("compare-presets", help="run several scenarios side by side (one seed)")
    p.add_argument("scenarios", nargs="+", help="preset names or TOML files")
    _scenario_options(p, style=False)
    p.set_defaults(handler=C.cmd_compare_presets)


def _experiment_commands(sub) -> None:
    p = sub.add_parser("sweep", help="run an experiment (many runs, in parallel, resumable) into a directory",
                       description="Run an experiment into DIR. Running the same command again resumes it: "
                                   "finished runs are skipped. Shipped experiments: " + ", ".join(C.shipped()))
    p.add_argument("experiment", nargs="?", help="a shipped experiment name or a TOML file")
    p.add_argument("--out", metavar="DIR", help="results directory (created; or resumed if it holds this experiment)")
    p.add_argument("--workers", default=C.default_workers(),
                   help="parallel worker processes (default: the CPUs available; 1 runs in this process); "
                        "with --scheduler local, the number of Dask workers")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="run on Dask distributed: a scheduler address (tcp://host:8786) or 'local' "
                        "(a local cluster on 127.0.0.1)")
    p.add_argument("--replicates", help="override the experiment's replicates")
    p.add_argument("--days", help="override the experiment's days")
    p.add_argument("--warmup", help="override the experiment's warm-up (days simulated first and not counted)")
    p.add_argument("--seed", help="override the experiment's base seed")
    p.add_argument("--chunk", help="runs per task (default: automatic, larger for short runs)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--list", action="store_true", help="list the shipped experiments and exit")
    p.set_defaults(handler=C.cmd_sweep)

    p = sub.add_parser("compare", help="compare two scenarios over paired replicates, with intervals and p-values")
    p.add_argument("a", metavar="A", help="a preset name or scenario file")
    p.add_argument("b", metavar="B", help="a preset name or scenario file")
    p.add_argument("--replicates", default="10", help="paired replicates (default 10)")
    p.add_argument("--days", default="250", help="working days counted (default 250)")
    p.add_argument("--warmup", default="0", help="working days simulated first and not counted (default 0)")
    p.add_argument("--seed", default="1", help="base seed; replicate seeds derive from it (default 1)")
    p.add_argument("--workers", default=C.default_workers(), help="parallel worker processes")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None, help="Dask scheduler address or 'local'")
    p.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter in both arms (repeatable)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(handler=C.cmd_compare)

    p = sub.add_parser("report", help="write figures and a Markdown report for a results directory")
    p.add_argument("dir", metavar="DIR")
    p.add_argument("--format", action="append", choices=("png", "svg"), default=None,
                   help="figure formats (default: png and svg)")
    p.set_defaults(handler=C.cmd_report, format=None)

    from servicesim.experiments import calibrate  # `calibrate`: its options live in experiments/calibrate.py

    calibrate.register(sub)


def _app_commands(sub) -> None:
    ui.register(sub)   # `ui`: its options and what it does live beside the app, in viz/commands.py


def build_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="servicesim",
        description="Agent-based simulation of service culture: does a culture of autonomy "
        "serve customers better than command and control?",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True, parser_class=OneLineParser)
    _single_run_commands(sub)
    _experiment_commands(sub)
    _app_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        code = args.handler(args)
    except ServicesimError as exc:
        print(f"servicesim: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`servicesim params | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except OSError as exc:   # a file-system failure no command anticipated: still one line
        where = f"'{exc.filename}': " if exc.filename else ""
        print(f"servicesim: error: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("servicesim: interrupted", file=sys.stderr)
        return 130
    return int(code or 0)
