"""`python -m etl`: the command line, whose commands live in `cli/`."""

import sys

from cli import main

sys.exit(main())
