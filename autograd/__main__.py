"""`python -m autograd ...` is the `autograd` command."""

import sys

from autograd.cli import main

sys.exit(main())
