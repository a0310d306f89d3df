import re

from tailorseq.config import URL_KEYS
from tailorseq.download import cached_file, local_path, record_file, relative_path
from tailorseq.pgx.releases import GRCH37_STATEMENT, is_release, release_files
from tailorseq.reference import is_url
from tailorseq.tools import pgx_runs

# Downloads (the rule in download.smk, the logic in scripts/tailorseq/download.py). Every URL
# the config names (reference, knowledge, PharmCAT's definitions of a release) is fetched once into
# <cache_dir>/downloads/files/<host>/<path>, with its record (URL, bytes, sha256, time) under
# <cache_dir>/downloads/records/. http(s) through Snakemake's storage plugin
# (snakemake-storage-plugin-http), file:// read as the path it names; ftp:// is refused by the
# check. A sha256 (reference.sha256, checksums.<key>, the release table's) is verified.
DOWNLOAD_DIR = f"{config['cache_dir']}/downloads"
# The config keys that may name a URL (tailorseq.config.URL_KEYS), with their sha256.
CHECKSUMS = {**config["checksums"], "reference.fasta": config["reference"]["sha256"]}


def used_sources() -> dict[str, tuple[str, str]]:
    """Config key -> (location, sha256) of every source this run reads: a URL the run does not
    need (the CPIC file without PGx, CIViC without a tumour pair) is not fetched."""
    annotated = bool(config["reference"]["gff3"])
    used = {
        "reference.fasta": True,
        "reference.gff3": annotated,
        "annotation.clinvar": annotated,
        "annotation.population": annotated,
        "pgx.recommendations": pgx_runs(config["pgx"], config["reference"]["build"])
        and bool(SHEET.germline_samples()),
        "somatic.civic": annotated and bool(SHEET.tumor_normal_pairs()),
        "somatic.oncotree": annotated and bool(SHEET.tumor_normal_pairs()),
    }
    return {
        key: (config[key.split(".")[0]][key.split(".")[1]], CHECKSUMS[key])
        for key in URL_KEYS
        if used[key]
    }


def configured_downloads() -> dict[str, dict[str, str]]:
    """Every URL of the run: cache path under DOWNLOAD_DIR/files -> url, sha256, version."""
    downloads = {}
    for location, sha256 in used_sources().values():
        if is_url(location):
            downloads[relative_path(location)] = {"url": location, "sha256": sha256}
    if pgx_release_files():
        for file in pgx_release_files():
            downloads[relative_path(file.url)] = {
                "url": file.url,
                "sha256": file.sha256,
                "version": file.version,
            }
    return downloads


def pgx_release_files() -> list:
    """The definition files of pgx.definitions' PharmCAT release on this build (none for a
    folder, and none off GRCh38: PharmCAT publishes GRCh38 definitions only)."""
    definitions = config["pgx"]["definitions"]
    if not is_release(definitions) or config["reference"]["build"] != "GRCh38":
        return []
    return release_files(definitions, "GRCh38")


DOWNLOADS = configured_downloads()


def downloaded(location: str) -> str:
    """The file to read for a configured location: a URL's cache copy, else the path."""
    return (
        str(cached_file(config["cache_dir"], location))
        if is_url(location)
        else location
    )


def download_records(*locations: str) -> list[str]:
    """The download records of the locations that are URLs."""
    return [str(record_file(config["cache_dir"], l)) for l in locations if is_url(l)]


def all_download_records() -> list[str]:
    """Every download record of the run (provenance, and a gate before alignment: a wrong
    sha256 stops the run before any read is aligned)."""
    return download_records(*(d["url"] for d in DOWNLOADS.values()))


def download_source(wildcards):
    """The fetched file: Snakemake's http storage for http(s) (kept ancient: a copy in the
    cache is never fetched again because the server's file is newer), the path of a file://.
    """
    url = DOWNLOADS[wildcards.path]["url"]
    if url.startswith("file:"):
        return str(local_path(url))
    return ancient(storage.http(url))


def download_entry(wildcards) -> dict[str, str]:
    """Params function: the URL, sha256 (empty: not checked) and version of the download."""
    return {"sha256": "", "version": ""} | DOWNLOADS[wildcards.path]
