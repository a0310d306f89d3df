"""`python -m tailorseq`."""

import sys

from tailorseq.cli import main

sys.exit(main())
