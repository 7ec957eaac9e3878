"""``python -m mirix_py.cli``."""

import sys

from mirix_py.cli import main

sys.exit(main())
