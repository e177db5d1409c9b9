"""`python -m lexrisk` is the `lexrisk` command."""

import sys

from lexrisk.cli import main

sys.exit(main())
