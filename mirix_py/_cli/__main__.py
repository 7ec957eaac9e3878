"""``python -m mirix_py``."""

import sys

from mirix_py._cli import main

sys.exit(main())
