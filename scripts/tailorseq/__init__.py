"""tailorseq: the importable logic behind the pipeline's rules and command line."""

__version__ = "0.1.0"
