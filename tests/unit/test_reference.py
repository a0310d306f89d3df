"""Reference checks: contigs from .fai or FASTA, build lengths, BAM headers, BED files."""

import csv
import json
import os
from pathlib import Path

import pysam
import pytest
from preflight_helpers import write_bam, write_fai, write_fasta

from tailorseq.errors import InputError
from tailorseq.refcache import (
    manifest_path,
    record_checksums,
    record_sources,
    reference_dir,
    reference_id,
    sources_path,
    verify_cache,
)
from tailorseq.reference import (
    BUILDS_TSV,
    AlignmentHeader,
    bed_problems,
    build_problems,
    detect_build,
    header_problems,
    is_url,
    load_builds,
    read_alignment_header,
    read_contigs,
    standard_name,
)

CONTIGS = {"chr1": 1000, "chrM": 61, "chr2": 7}


def test_contigs_from_plain_fasta(tmp_path: Path) -> None:
    assert read_contigs(write_fasta(tmp_path / "g.fa", CONTIGS)) == CONTIGS


def test_contigs_from_bgzipped_fasta(tmp_path: Path) -> None:
    plain = write_fasta(tmp_path / "g.fa", CONTIGS)
    pysam.tabix_compress(str(plain), str(tmp_path / "g.fa.gz"))
    assert read_contigs(tmp_path / "g.fa.gz") == CONTIGS


def test_contigs_across_block_boundaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tailorseq.reference.BLOCK", 7)  # headers and lines split between blocks
    fasta = tmp_path / "g.fa"
    fasta.write_bytes(b">one long header\r\nACGTACGTAC\r\nAC\r\n>two\nA\n>three\n")
    assert read_contigs(fasta) == {"one": 12, "two": 1, "three": 0}


def test_an_up_to_date_fai_is_used(tmp_path: Path) -> None:
    fasta = write_fasta(tmp_path / "g.fa", CONTIGS)
    write_fai(fasta, {"chr20": 64444167})
    assert read_contigs(fasta) == {"chr20": 64444167}


def test_not_a_fasta(tmp_path: Path) -> None:
    path = tmp_path / "g.fa"
    path.write_text("ACGT\n")
    with pytest.raises(InputError, match="is not a FASTA file"):
        read_contigs(path)


def test_urls() -> None:
    assert is_url("https://x.org/g.fa.gz") and is_url("ftp://x.org/g.fa")
    assert not is_url("resources/g.fa") and not is_url("/abs/g.fa")


# ---------------------------------------------------------------- builds


def test_genome_builds_table_has_both_builds_and_sources() -> None:
    with BUILDS_TSV.open() as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    for build in ("GRCh38", "GRCh37"):
        contigs = {row["contig"] for row in rows if row["build"] == build}
        assert contigs == {*map(str, range(1, 23)), "X", "Y", "MT"}
    assert all(row["source"] for row in rows)
    builds = load_builds()
    assert builds["GRCh38"]["1"] == {248956422} and builds["GRCh37"]["20"] == {63025520}


@pytest.mark.parametrize(
    ("name", "standard"),
    [("chr1", "1"), ("1", "1"), ("chrX", "X"), ("chrM", "MT"), ("MT", "MT"), ("chrUn_x", None)],
)
def test_standard_names(name: str, standard: str | None) -> None:
    assert standard_name(name) == standard


def test_matching_build_and_subsets_pass() -> None:
    builds = load_builds()
    assert build_problems({"chr20": 64444167, "chrM": 16569, "HLA-A": 3000}, "GRCh38", builds) == []
    assert build_problems({"1": 249250621, "MT": 16569}, "GRCh37", builds) == []
    assert build_problems({"chrM": 16571}, "GRCh37", builds) == []  # hg19's chrM
    assert build_problems({"20": 1}, "demo", builds) == []  # custom builds are not checked


def test_other_build_is_named() -> None:
    contigs = {f"chr{n}": length for n, length in load_builds_lengths("GRCh37").items()}
    [(problem, fix)] = build_problems(contigs, "GRCh38", load_builds())
    assert problem.startswith("contig chr1 has length 249250621, which is GRCh37's; contig chr2")
    assert problem.endswith("; and 21 more contigs; config says GRCh38")  # MT is the same in both
    assert fix == "set reference.build: GRCh37, or use a GRCh38 FASTA"


def load_builds_lengths(build: str) -> dict[str, int]:
    """One length per standard contig of a build."""
    return {contig: min(lengths) for contig, lengths in load_builds()[build].items()}


def test_detect_build() -> None:
    builds = load_builds()
    assert detect_build({"chr20": 64444167, "chrM": 16569}, builds) == "GRCh38"
    assert detect_build({"20": 63025520}, builds) == "GRCh37"
    assert detect_build({"MT": 16569}, builds) is None  # the same in both builds
    assert detect_build({"q": 12356}, builds) is None


# ---------------------------------------------------------------- BAM/CRAM headers


@pytest.mark.parametrize("name", ["a.bam", "a.cram"])
def test_read_header_of_bam_and_cram(tmp_path: Path, name: str) -> None:
    header = read_alignment_header(write_bam(tmp_path / name, {"chr1": 10}))
    assert header == AlignmentHeader(contigs={"chr1": 10}, read_groups=["rg1"])


def unaligned_bam(path: Path, contigs: dict[str, int]) -> Path:
    """A BAM of unmapped read pairs, as `samtools import` or Picard FastqToSam write it."""
    header = {
        "HD": {"VN": "1.6", "SO": "unsorted"},
        "SQ": [{"SN": name, "LN": length} for name, length in contigs.items()],
        "RG": [{"ID": "rg1", "SM": "s"}],
    }
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for number in range(6):
            record = pysam.AlignedSegment(out.header)
            record.query_name = f"r{number // 2}"
            record.flag = 77 if number % 2 == 0 else 141  # paired, unmapped, mate unmapped
            record.query_sequence = "ACGTACGTAC"
            record.query_qualities = pysam.qualitystring_to_array("IIIIIIIIII")
            record.set_tag("RG", "rg1")
            out.write(record)
    return path


@pytest.mark.parametrize(
    ("contigs", "why"),
    [({}, "its header has no @SQ lines"), ({"chr1": 10}, "its first 6 records are all unmapped")],
)
def test_unaligned_bam_is_refused(tmp_path: Path, contigs: dict[str, int], why: str) -> None:
    header = read_alignment_header(unaligned_bam(tmp_path / "u.bam", contigs))
    [(problem, fix)] = header_problems(header, contigs or None)
    assert problem == (
        f"has no aligned reads ({why}): it is an unaligned BAM, which would call no variants"
    )
    assert "columns fq1 and fq2" in fix and "samtools fastq" in fix


def test_aligned_bam_passes(tmp_path: Path) -> None:
    path = tmp_path / "a.bam"
    header = {"SQ": [{"SN": "chr1", "LN": 100}], "RG": [{"ID": "rg1", "SM": "s"}]}
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        record = pysam.AlignedSegment(out.header)
        record.query_name, record.flag, record.reference_id = "r", 0, 0
        record.reference_start, record.cigarstring = 5, "4M"
        record.query_sequence = "ACGT"
        out.write(record)
    header = read_alignment_header(path)
    assert header.unaligned_records == 0 and header_problems(header, {"chr1": 100}) == []


def test_sam_text_is_refused(tmp_path: Path) -> None:
    sam = tmp_path / "a.bam"
    sam.write_text("@HD\tVN:1.6\n@SQ\tSN:chr1\tLN:10\n")
    with pytest.raises(InputError, match="is SAM text"):
        read_alignment_header(sam)


def test_header_problems_name_the_build_of_a_length() -> None:
    header = AlignmentHeader(contigs={"20": 63025520}, read_groups=["a"])
    [(problem, _)] = header_problems(header, {"20": 64444167})
    assert problem == (
        "contig lengths differ: 20 is 63025520 bp here (GRCh37's length), 64444167 in the reference"
    )


def test_header_without_reference_checks_read_groups_only() -> None:
    assert header_problems(AlignmentHeader({"x": 1}, ["a"]), None) == []
    [(problem, _)] = header_problems(AlignmentHeader({"x": 1}, []), None)
    assert problem == "has no @RG read-group line"


# ---------------------------------------------------------------- BED


def test_bed_problems_name_the_line(tmp_path: Path) -> None:
    bed = tmp_path / "t.bed"
    bed.write_text("# panel\nchr1\t0\t10\nchr1\t5\t5\nchr1\t990\t1001\nchrZ\t1\t2\nchr1 1 2\n")
    problems = [(p.row, p.problem) for p in bed_problems(bed, {"chr1": 1000})]
    assert problems == [
        (3, "start 5 is not before end 5"),
        (4, "end 1001 is past the end of chr1 (1000 bp)"),
        (5, "contig chrZ is not in the reference"),
        (6, "not a BED line (contig<TAB>start<TAB>end)"),
    ]
    assert all(p.file == str(bed) for p in bed_problems(bed, {"chr1": 1000}))


def test_bed_problems_are_capped(tmp_path: Path) -> None:
    bed = tmp_path / "t.bed"
    bed.write_text("chrZ\t1\t2\n" * 100)
    assert len(bed_problems(bed, {"chr1": 1000})) == 5


# ---------------------------------------------------------------- reference cache checksums


def built_index(folder: Path) -> list[Path]:
    """Two small 'index' files and their manifest, as bwa_index records them."""
    folder.mkdir()
    files = [folder / "genome.fa.bwt", folder / "genome.fa.sa"]
    for number, path in enumerate(files):
        path.write_bytes(bytes(range(256)) * (number + 2))
    record_checksums(files, "bwa_index")
    return files


def test_intact_cache_passes_and_a_touched_file_is_rehashed_once(tmp_path: Path) -> None:
    files = built_index(tmp_path / "ref")
    assert verify_cache(tmp_path / "ref") == []
    os.utime(files[0], ns=(1, 1))  # new time, same content: hashed, found equal, re-recorded
    assert verify_cache(tmp_path / "ref") == []
    manifest = json.loads(manifest_path(tmp_path / "ref", "bwa_index").read_text())
    assert manifest["genome.fa.bwt"]["mtime_ns"] == 1
    assert all(path.exists() for path in files)


def test_changed_content_removes_every_file_the_rule_built(tmp_path: Path) -> None:
    files = built_index(tmp_path / "ref")
    files[1].write_bytes(files[1].read_bytes()[::-1])  # same size, other content
    messages = verify_cache(tmp_path / "ref")
    assert messages == [
        f"damaged reference cache file: {files[1]} has content changed since it was recorded "
        "(sha256 differs). Removed the files built with it (genome.fa.bwt, genome.fa.sa) so "
        "that this run rebuilds them"
    ]
    assert not any(path.exists() for path in files)
    assert not manifest_path(tmp_path / "ref", "bwa_index").exists()


def test_truncated_file_is_caught_by_its_size(tmp_path: Path) -> None:
    files = built_index(tmp_path / "ref")
    files[0].write_bytes(files[0].read_bytes()[:100])
    message = verify_cache(tmp_path / "ref")[0]
    assert "genome.fa.bwt has size 100 bytes, 512 when recorded" in message


def prepared_from(source: Path, folder: Path, record: bool = True) -> list[Path]:
    """A reference 'prepared' from `source` into `folder`, as prepare_reference leaves it: its
    files, their manifest and (unless `record` is False, as in caches of older versions) the
    record of the source."""
    source.write_text(">chr1\nACGT\n")
    folder.mkdir()
    files = [folder / "genome.fa", folder / "genome.fa.fai"]
    for path in files:
        path.write_text(source.read_text())
    record_checksums(files, "prepare_reference")
    if record:
        record_sources(folder, "prepare_reference", [source])
    return files


def test_a_source_with_a_new_time_and_the_same_content_keeps_the_cache(tmp_path: Path) -> None:
    source, folder = tmp_path / "store.fa", tmp_path / "ref"
    files = prepared_from(source, folder)
    os.utime(source, ns=(5, 10**19))  # a re-synced copy: a new time, the same bytes
    sources = {"prepare_reference": [source]}
    assert verify_cache(folder, sources) == []
    assert all(path.exists() for path in files)
    assert verify_cache(folder, sources) == []  # the new time was recorded: no second hash
    record = json.loads(sources_path(folder, "prepare_reference").read_text())
    assert record[str(source.resolve())]["mtime_ns"] == 10**19


def test_a_source_changed_under_its_old_time_removes_what_was_built_from_it(
    tmp_path: Path,
) -> None:
    source, folder = tmp_path / "store.fa", tmp_path / "ref"
    files = prepared_from(source, folder)
    stamp = source.stat()
    source.write_text(">chr1\nACGA\n")  # corrected, copied over with its old time (cp -p)
    os.utime(source, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    messages = verify_cache(folder, {"prepare_reference": [source]})
    assert messages == [
        f"the reference cache's source changed: {source.resolve()} has content changed since "
        "it was recorded (sha256 differs). Removed the files built with it (genome.fa, "
        "genome.fa.fai) so that this run rebuilds them"
    ]
    assert not any(path.exists() for path in files) and source.exists()
    assert not sources_path(folder, "prepare_reference").exists()


def test_a_cache_without_a_source_record_trusts_only_an_older_source(tmp_path: Path) -> None:
    source, folder = tmp_path / "store.fa", tmp_path / "ref"
    files = prepared_from(source, folder, record=False)
    built = files[0].stat().st_mtime_ns
    os.utime(source, ns=(built - 10**9, built - 10**9))
    sources = {"prepare_reference": [source]}
    assert verify_cache(folder, sources) == []
    record = sources_path(folder, "prepare_reference")
    assert record.exists()  # recorded now: checked by its content from now on
    record.unlink()
    os.utime(source, ns=(built + 10**9, built + 10**9))  # changed after the cache was built
    assert "a newer time than the files built from it" in verify_cache(folder, sources)[0]
    assert not any(path.exists() for path in files)


def test_reference_cache_folder_is_keyed_by_build_and_resolved_source(tmp_path: Path) -> None:
    config = {"cache_dir": "cache", "reference": {"build": "demo", "fasta": "ref/genome.fa"}}
    absolute = {**config, "reference": {"build": "demo", "fasta": str(tmp_path / "ref/genome.fa")}}
    assert reference_id(config, tmp_path) == reference_id(absolute, Path("/"))
    assert reference_id(config, tmp_path).startswith("demo-")
    assert reference_dir(config, tmp_path).parent == tmp_path / "cache" / "reference"
    url = {**config, "reference": {"build": "GRCh38", "fasta": "https://example.org/g.fa.gz"}}
    assert reference_id(url, tmp_path) == reference_id(url, Path("/elsewhere"))
