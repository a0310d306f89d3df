"""Test session settings shared by every test."""

import os

# A fixed key, so pseudonyms in tests never depend on the machine's secret.
os.environ.setdefault("TAILORSEQ_SECRET", "tailorseq-test-key")
