"""``python -m mirix_py``: the ``mirix-py`` command line."""

import sys

from mirix_py._cli import main

sys.exit(main())
