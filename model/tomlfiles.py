"""Reading the project's TOML files (scenarios, experiments, calibration targets): one way to
find a file by name or path and one set of one-line errors, for every kind of file."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from .errors import ServicesimError


def read_toml(path: Path, what: str, error: type[ServicesimError] = ServicesimError) -> dict:
    """The tables of the TOML file at ``path``; ``what`` names it in messages ("scenario file")."""
    allowed = "allowed: a UTF-8 TOML file"
    try:
        with Path(path).open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        raise error(f"{what} '{path}' does not exist; {allowed}") from None
    except IsADirectoryError:
        raise error(f"{what} '{path}' is a directory; {allowed}") from None
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{what} '{path}' is not valid TOML ({exc}); {allowed}") from None
    except UnicodeDecodeError:
        raise error(f"{what} '{path}' is not UTF-8 text; {allowed}") from None
    except OSError as exc:
        raise error(f"{what} '{path}' cannot be read ({exc.strerror}); {allowed}") from None


def resolve_ref(ref: str, named: Mapping[str, Path], what: str, error: type[ServicesimError] = ServicesimError,
                relative_to: Path | None = None, named_as: str = "preset") -> Path:
    """A shipped file by ``named`` name, or a path (``.toml``, containing '/', or existing); a relative
    path is also looked for under ``relative_to``."""
    if ref in named:
        return named[ref]
    path = Path(ref)
    if path.suffix == ".toml" or "/" in ref or path.exists():
        if not path.is_absolute() and relative_to is not None and not path.exists():
            path = relative_to / path
        return path
    raise error(f"{what} '{ref}' is neither a {named_as} nor a file; allowed {named_as}s: {', '.join(named)}, "
                f"or a TOML file")
