"""servicesim: an agent-based simulation of service culture.

This directory is the top-level package and the command line (:mod:`servicesim.cli`, also
``python -m servicesim``). Its sub-packages live in the repository's top-level folders, mapped by
``[tool.setuptools] package-dir`` in pyproject.toml: ``servicesim.model`` is ``model/``,
``servicesim.experiments`` is ``experiments/``, ``servicesim.viz`` is ``viz/`` and
``servicesim.scenarios`` is ``scenarios/``.
"""
