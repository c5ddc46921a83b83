import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Keep tests away from the user's home and matplotlib caches.
_tmp = tempfile.mkdtemp(prefix="servicesim-tests-")
os.environ.setdefault("MPLCONFIGDIR", os.path.join(_tmp, "mpl"))
os.environ.setdefault("MPLBACKEND", "Agg")

def same_load(customers_per_front: int) -> float:
    """The request rate that gives a smaller customer base the calibrated default's load per
    front-line employee (requests a day per front employee), so a small test organisation is as
    busy as the calibrated one (docs/CALIBRATION.md)."""
    from servicesim.model.params import SCHEMA

    return round(SCHEMA["request_rate"].default * SCHEMA["customers_per_front"].default / customers_per_front, 5)


#: A small organisation that still has several teams, units and management levels, as busy per
#: front-line employee as the calibrated default.
SMALL = {"teams": 4, "team_size": 6, "customers_per_front": 100, "request_rate": same_load(100)}

#: Set to 1 to leave out the browser app's tests (said loudly at the end of the run).
SKIP_BROWSER = "SERVICESIM_SKIP_BROWSER"
INSTALL_CHROMIUM = "apt-get install chromium chromium-driver"


@pytest.fixture
def small():
    return dict(SMALL)


def chromium() -> str | None:
    """The Chromium the browser tests drive: $SERVICESIM_CHROMIUM if set, else /usr/bin/chromium or `chromium`
    on PATH; None if there is none."""
    explicit = os.environ.get("SERVICESIM_CHROMIUM")
    candidates = [explicit] if explicit else ["/usr/bin/chromium", shutil.which("chromium")]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def pytest_configure(config):
    found = chromium()
    if found:   # read by tests/browser/conftest.py
        os.environ["SERVICESIM_CHROMIUM"] = found


def pytest_collection_modifyitems(config, items):
    """Browser tests run, or the run fails saying how to install Chromium, or (opt-out) they are left out."""
    browser = [item for item in items if item.get_closest_marker("browser")]
    if not browser:
        return
    if os.environ.get(SKIP_BROWSER) == "1":
        items[:] = [item for item in items if not item.get_closest_marker("browser")]
        config.hook.pytest_deselected(items=browser)
        config.stash[_skipped_key] = len(browser)
        return
    if chromium() is None:
        explicit = os.environ.get("SERVICESIM_CHROMIUM")
        where = f"$SERVICESIM_CHROMIUM={explicit} is no file" if explicit else \
            "neither /usr/bin/chromium nor `chromium` on PATH"
        raise pytest.UsageError(
            f"Chromium is missing ({where}): the "
            f"{len(browser)} browser app tests need it. Install it (Debian/Ubuntu: `{INSTALL_CHROMIUM}`), or leave "
            f"those tests out knowingly with {SKIP_BROWSER}=1.")


_skipped_key = pytest.StashKey[int]()


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    skipped = config.stash.get(_skipped_key, 0)
    if skipped:
        terminalreporter.write_sep("!", f"{SKIP_BROWSER}=1: {skipped} BROWSER APP TESTS NOT RUN", red=True, bold=True)
        terminalreporter.write_line("This run says nothing about the browser app. Install Chromium "
                                    f"(`{INSTALL_CHROMIUM}`) and run without {SKIP_BROWSER}.", red=True)
