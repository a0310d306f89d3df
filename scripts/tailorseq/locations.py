"""Where the package finds its own files: the knowledge and schemas it reads, the workflow it runs.

They are the repository's top-level folders (`resources/`, `workflow/`, `config/`, `envs/`,
`scripts/`). In a checkout (and an editable install) they sit beside the package; a wheel carries
a copy of them inside the package, as `tailorseq/bundle/` (pyproject.toml), with the same layout,
so that the workflow's relative paths hold there too.
"""

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def bundle_root(package: Path = PACKAGE) -> Path:
    """The folder holding `resources/` and `workflow/`: the wheel's bundle, else the checkout."""
    bundle = package / "bundle"
    return bundle if bundle.is_dir() else package.parents[1]


ROOT = bundle_root()
RESOURCES = ROOT / "resources"
SNAKEFILE = ROOT / "workflow" / "Snakefile"
SCHEMAS = ROOT / "workflow" / "schemas"
