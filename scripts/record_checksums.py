"""Record the checksums of freshly built reference cache files (see tailorseq.refcache)."""

import argparse
from pathlib import Path

from tailorseq.refcache import record_checksums

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--name", required=True, help="the manifest's name: the building rule")
    parser.add_argument("files", nargs="+", type=Path, help="the built files, in one folder")
    args = parser.parse_args()
    record_checksums(args.files, args.name)
