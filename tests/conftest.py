import os
import tempfile

import pytest

# Keep tests away from the user's home and matplotlib caches.
_tmp = tempfile.mkdtemp(prefix="servicesim-tests-")
os.environ.setdefault("MPLCONFIGDIR", os.path.join(_tmp, "mpl"))
os.environ.setdefault("MPLBACKEND", "Agg")

#: A small organisation that still has several teams, units and management levels.
SMALL = {"teams": 4, "team_size": 6, "customers_per_front": 100}


@pytest.fixture
def small():
    return dict(SMALL)
