"""Test session settings shared by every test."""

import os
from pathlib import Path

import pytest

SCRIPTS = Path(__file__).resolve().parents[1] / "scripts"

# A fixed key, so pseudonyms in tests never depend on the machine's secret.
os.environ.setdefault("TAILORSEQ_SECRET", "tailorseq-test-key")
# Subprocesses (snakemake, python -m tailorseq) import this checkout's package, whatever tailorseq
# the virtualenv has installed (a git worktree may share another checkout's virtualenv).
os.environ["PYTHONPATH"] = os.pathsep.join(
    filter(None, [str(SCRIPTS), os.environ.get("PYTHONPATH")])
)


@pytest.fixture
def http_server(tmp_path_factory):
    """A local HTTP server (tests/serving.py) serving the folder `files` (a temp dir, its
    `root`) under /files/; tests mount more folders (e.g. ../shared/data/pharmcat, read in
    place, never copied)."""
    from serving import Server

    server = Server()
    server.root = tmp_path_factory.mktemp("served")
    server.mount("files", server.root)
    server.start()
    yield server
    server.stop()
