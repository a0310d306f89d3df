"""Test session settings shared by every test."""

import os
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"

# A fixed key, so pseudonyms in tests never depend on the machine's secret.
os.environ.setdefault("TAILORSEQ_SECRET", "tailorseq-test-key")
# Subprocesses (snakemake, python -m tailorseq) import this checkout's package, whatever tailorseq
# the virtualenv has installed (a git worktree may share another checkout's virtualenv).
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, [str(SCRIPTS), os.environ.get("PYTHONPATH")])
)
