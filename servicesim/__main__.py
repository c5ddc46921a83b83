"""`python -m servicesim`: the same command line as the `servicesim` script."""

import sys

from servicesim.cli import main

sys.exit(main())
