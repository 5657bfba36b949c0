"""`python -m autograd ...` is the `autograd` command."""

import sys

from autograd.apps.cli import main

sys.exit(main())
