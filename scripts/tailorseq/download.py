"""Downloads: the one home of every URL the pipeline reads (reference, knowledge, PharmCAT's
definitions).

Inside the pipeline Snakemake's storage plugin (snakemake-storage-plugin-http) fetches an
http(s) URL and the rule `download` (workflow/rules/download.smk) hands the fetched file to
`store`; a file:// URL is read as the local path it names. The copy lives at
`<cache_dir>/downloads/files/<host>/<path>`, and beside it, under
`<cache_dir>/downloads/records/<host>/<path>.json`, a record of the URL, bytes, sha256 and time.
A sha256 given by the config is verified before the copy is renamed into place: a mismatch
names the URL, the expected and the actual digest, and the run stops there (before any
alignment). The standalone commands (`tailorseq pgx`), which run without Snakemake, fetch with
`fetch_url` into the same layout.
"""

import hashlib
import json
import os
import shutil
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlparse

from tailorseq.errors import InputError, TailorseqError
from tailorseq.reference import is_url

BLOCK = 1 << 20
#: URL schemes the pipeline reads: http(s) through Snakemake's storage plugin, file as a path.
SCHEMES = ("http", "https", "file")


def url_problem(key: str, location: str) -> InputError | None:
    """Why the config's `key` cannot be read from `location`, or None (a path, or a URL of a
    scheme the pipeline reads)."""
    if not is_url(location):
        return None
    scheme = urlparse(location).scheme.lower()
    if scheme in SCHEMES:
        return None
    return InputError(
        "config",
        f"{key}: {scheme}:// URLs are not read ({location})",
        f"give an https:// (or http://) URL of the same file (NCBI, Ensembl and UCSC serve "
        f"theirs over https too), or download it yourself and give its path in {key}",
    )


def local_path(url: str) -> Path:
    """The path a file:// URL names."""
    return Path(unquote(urlparse(url).path))


def relative_path(url: str) -> str:
    """`<host>/<path>` of a URL: where its copy and record live under the downloads folder."""
    parsed = urlparse(url)
    host = parsed.netloc or "localhost"
    path = unquote(parsed.path).lstrip("/") or "index"
    if parsed.query:
        path += "-" + hashlib.sha1(parsed.query.encode()).hexdigest()[:8]
    parts = [part for part in path.split("/") if part not in ("", ".", "..")]
    return "/".join([host, *parts])


def cached_file(cache_dir: str | Path, url: str) -> Path:
    """The cache copy of a URL."""
    return Path(cache_dir) / "downloads" / "files" / relative_path(url)


def record_file(cache_dir: str | Path, url: str) -> Path:
    """The download record (URL, bytes, sha256, time) of a URL's copy."""
    return Path(cache_dir) / "downloads" / "records" / f"{relative_path(url)}.json"


def _write_atomic(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text)
    os.replace(partial, path)


def store(
    source: Path, url: str, out: Path, record: Path, sha256: str = "", version: str = ""
) -> dict:
    """Copy a fetched file (`source`) to its cache place `out`, verifying `sha256` when given;
    write its record. The copy and the record appear only whole (renamed into place)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    record.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    digest = hashlib.sha256()
    size = 0
    try:
        with open(source, "rb") as handle, open(partial, "wb") as copy:
            while block := handle.read(BLOCK):
                digest.update(block)
                copy.write(block)
                size += len(block)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise TailorseqError(
            f"reading {url} failed: {error}. Fix: check the URL, or download the file yourself "
            "and give its path in the config"
        ) from error
    found = digest.hexdigest()
    if sha256 and found != sha256.lower():
        partial.unlink()
        raise TailorseqError(
            f"{url}: sha256 mismatch: expected {sha256.lower()}, actual {found} ({size} bytes). "
            "Fix: correct the sha256 in the config (or the release table), or the URL if it "
            "points at the wrong file"
        )
    os.replace(partial, out)
    document = {
        "url": url,
        "bytes": size,
        "sha256": found,
        "sha256_verified": bool(sha256),
        "downloaded": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if version:
        document["version"] = version
    _write_atomic(record, json.dumps(document, indent=2) + "\n")
    return document


def read_record(path: Path) -> dict:
    """A download record as written by `store`."""
    return json.loads(Path(path).read_text())


def fetch_url(url: str, cache_dir: str | Path, sha256: str = "", version: str = "") -> Path:
    """Outside Snakemake: the cache copy of `url`, fetched once (a copy whose record has the
    expected sha256 is reused)."""
    problem = url_problem("url", url)
    if problem:
        raise problem
    out, record = cached_file(cache_dir, url), record_file(cache_dir, url)
    if out.is_file() and record.is_file():
        known = read_record(record)
        if not sha256 or known.get("sha256") == sha256.lower():
            return out
    if urlparse(url).scheme == "file":
        store(local_path(url), url, out, record, sha256, version)
        return out
    fetched = out.with_name(out.name + ".fetching")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(fetched, "wb") as handle:
            shutil.copyfileobj(response, handle, BLOCK)
        store(fetched, url, out, record, sha256, version)
    except OSError as error:
        raise TailorseqError(
            f"downloading {url} failed: {error}. Fix: check the URL and the network, or "
            "download the file yourself and give its path"
        ) from error
    finally:
        fetched.unlink(missing_ok=True)
    return out
