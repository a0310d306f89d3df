"""Unit tests of the PGx matcher's helpers on a small synthetic gene (no shared data needed)."""

import json
from pathlib import Path

import pytest

from tailorseq.cli import main
from tailorseq.errors import InputError
from tailorseq.pgx import call_gene, load_definitions, read_genotypes
from tailorseq.pgx.definitions import allele_matches, is_wobble
from tailorseq.pgx.genotypes import normalize_contig, translate_allele
from tailorseq.pgx.matcher import name_key

# chr1:100 A>G, chr1:200 C>T, chr1:300 CAT>C (a deletion, padded as PharmCAT writes it)
VARIANTS = [(100, "rs100", "A", ["G"]), (200, "rs200", "C", ["T"]), (300, "rs300", "CAT", ["C"])]
ALLELES = {
    "*1": (True, ["A", "C", "CAT"]),
    "*2": (False, ["G", None, None]),
    "*3": (False, [None, "T", None]),
    "*4": (False, ["G", "T", None]),
    "*5": (False, [None, None, "C"]),
    "*6": (False, ["R", None, "C"]),
}


def write_definitions(folder: Path, build: str = "GRCh38.p14") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    definition = {
        "gene": "GENEX",
        "chromosome": "chr1",
        "genomeBuild": build,
        "version": "test-1",
        "source": "unit",
        "variants": [
            {"chromosome": "chr1", "position": p, "rsid": r, "ref": ref, "alts": alts,
             "cpicToVcfAlleleMap": {"delAT": "C"} if p == 300 else {}}
            for p, r, ref, alts in VARIANTS
        ],
        "namedAlleles": [
            {"name": n, "id": n, "alleles": a, "reference": ref} for n, (ref, a) in ALLELES.items()
        ],
    }  # fmt: skip
    (folder / "GENEX_translation.json").write_text(json.dumps(definition))
    return folder


def write_vcf(
    path: Path,
    genotypes: dict[int, str],
    samples=("S1",),
    contig="chr1",
    refs: dict[int, str] | None = None,
    contig_length: int | None = None,
) -> Path:
    """A VCF with one record per position given (`{pos: GT}`); refs override REF."""
    lines = ["##fileformat=VCFv4.2"]
    lines.append(f"##contig=<ID={contig}" + (f",length={contig_length}>" if contig_length else ">"))
    lines.append('##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">')
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\t" + "\t".join(samples))
    for pos, rsid, ref, alts in VARIANTS:
        if pos not in genotypes:
            continue
        ref = (refs or {}).get(pos, ref)
        gts = "\t".join(genotypes[pos] for _ in samples)
        lines.append(f"{contig}\t{pos}\t{rsid}\t{ref}\t{','.join(alts)}\t.\tPASS\t.\tGT\t{gts}")
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture
def gene(tmp_path):
    return load_definitions(write_definitions(tmp_path / "defs"))["GENEX"]


def call(tmp_path, gene, genotypes, top=True, **kwargs):
    vcf = write_vcf(tmp_path / "in.vcf", genotypes, **kwargs)
    return call_gene(gene, read_genotypes(vcf, [gene]), top_candidate_only=top)


def names(result):
    return sorted(result.diplotype_names)


def test_iupac_matching():
    assert allele_matches("R", "A") and allele_matches("R", "G")
    assert not allele_matches("R", "C")
    assert allele_matches(None, "T") and allele_matches("CAT", "CAT")
    assert not allele_matches("C", None)
    assert is_wobble("Y") and not is_wobble("A") and not is_wobble(None)


def test_natural_name_order():
    assert sorted(["*10", "*2", "*1"], key=name_key) == ["*1", "*2", "*10"]


def test_contig_names_and_indel_spelling(gene):
    assert normalize_contig("chr10") == normalize_contig("10") == "10"
    assert normalize_contig("MT") == normalize_contig("chrM") == "M"
    deletion = gene.variants[2]
    assert translate_allele(deletion, "CAT", "C") == "C"
    # a longer shared suffix, as a caller may write the same deletion
    assert translate_allele(deletion, "CATAT", "CAT") == "C"
    assert translate_allele(deletion, "CATAT", "CATAT") == "CAT"
    assert translate_allele(deletion, "CAT", "CATAT") is None  # undocumented insertion
    assert deletion.to_vcf_allele("delAT") == "C"


def test_reference_sample(tmp_path, gene):
    result = call(tmp_path, gene, {100: "0/0", 200: "0/0", 300: "0/0"})
    assert names(result) == ["*1/*1"]
    assert result.diplotypes[0].score == 6


def test_unphased_enumerates_pairs_and_scores(tmp_path, gene):
    genotypes = {100: "0/1", 200: "0/1", 300: "0/0"}
    every = call(tmp_path, gene, genotypes, top=False)
    assert names(every) == ["*1/*4", "*2/*3"]
    top = call(tmp_path, gene, genotypes)
    assert names(top) == ["*1/*4"]  # *1 (3) + *4 (2) outranks *2 (1) + *3 (1)


def test_phased_uses_the_two_strands(tmp_path, gene):
    assert names(call(tmp_path, gene, {100: "1|0", 200: "0|1", 300: "0|0"})) == ["*2/*3"]
    assert names(call(tmp_path, gene, {100: "1|0", 200: "1|0", 300: "0|0"})) == ["*1/*4"]


def test_missing_positions_give_ties_and_are_reported(tmp_path, gene):
    result = call(tmp_path, gene, {100: "./.", 200: "0/1", 300: "0/0"})
    # without position 100, *4 is defined by 200:T alone, like *3; *2 has nothing left
    assert names(result) == ["*1/*3", "*1/*4"]
    assert [v.rsid for v in result.missing_positions] == ["rs100"]
    absent = call(tmp_path, gene, {200: "0/1", 300: "0/0"})
    assert names(absent) == names(result)
    assert "*2" not in absent.matched_haplotypes


def test_nothing_present_is_no_call(tmp_path, gene):
    result = call(tmp_path, gene, {100: "./.", 200: "./.", 300: "./."})
    assert result.diplotypes == [] and len(result.missing_positions) == 3


def test_wobble_scores_less_on_reference_base(tmp_path, gene):
    # deletion het: *5 (score 1) and *6 (R at 100 + deletion, score 2) both fit with *1;
    # *6's R stands on the reference base A, so it loses that point and the two tie
    result = call(tmp_path, gene, {100: "0/0", 200: "0/0", 300: "0/1"})
    assert names(result) == ["*1/*5", "*1/*6"]
    assert {d.score for d in result.diplotypes} == {4}


def test_undocumented_allele_matches_nothing(tmp_path, gene):
    vcf = tmp_path / "odd.vcf"
    write_vcf(vcf, {100: "0/0", 200: "0/0", 300: "0/0"})
    text = vcf.read_text().replace("chr1\t100\trs100\tA\tG\t.\tPASS\t.\tGT\t0/0",
                                   "chr1\t100\trs100\tA\tC\t.\tPASS\t.\tGT\t0/1")  # fmt: skip
    vcf.write_text(text)
    result = call_gene(gene, read_genotypes(vcf, [gene]))
    assert result.diplotypes == []
    assert result.undocumented == ["chr1:100 (rs100): C"]


def test_plain_contig_names(tmp_path, gene):
    result = call(tmp_path, gene, {100: "0/1", 200: "0/0", 300: "0/0"}, contig="1")
    assert names(result) == ["*1/*2"]


def test_bgzipped_indexed_vcf(tmp_path, gene):
    import pysam

    vcf = write_vcf(tmp_path / "in.vcf", {100: "0/1", 200: "0/0", 300: "0/0"})
    gz = pysam.tabix_index(str(vcf), preset="vcf", force=True)
    result = call_gene(gene, read_genotypes(gz, [gene]))
    assert names(result) == ["*1/*2"]


def test_wrong_build_from_reference_alleles(tmp_path, gene):
    vcf = write_vcf(tmp_path / "in.vcf", {100: "0/0", 200: "0/0", 300: "0/0"},
                    refs={100: "T", 200: "G"})  # fmt: skip
    with pytest.raises(InputError, match="another genome build"):
        read_genotypes(vcf, [gene])


def test_single_reference_mismatch_is_a_warning_and_missing(tmp_path, gene):
    many = {pos: "0/0" for pos, *_ in VARIANTS}
    vcf = write_vcf(tmp_path / "in.vcf", many, refs={200: "G"})
    genotypes = read_genotypes(vcf, [gene])
    assert any("rs200" in w and "missing" in w for w in genotypes.warnings)
    result = call_gene(gene, genotypes)
    assert [v.rsid for v in result.missing_positions] == ["rs200"]


def test_grch37_contig_length_is_refused(tmp_path, gene):
    vcf = write_vcf(tmp_path / "in.vcf", {100: "0/0"}, contig_length=249250621)
    with pytest.raises(InputError, match="GRCh37"):
        read_genotypes(vcf, [gene])


def test_multi_sample_needs_a_choice(tmp_path, gene):
    vcf = write_vcf(tmp_path / "in.vcf", {100: "0/1", 200: "0/0", 300: "0/0"},
                    samples=("NA1", "NA2"))  # fmt: skip
    with pytest.raises(InputError, match="NA1, NA2"):
        read_genotypes(vcf, [gene])
    assert read_genotypes(vcf, [gene], sample="NA2").sample == "NA2"
    with pytest.raises(InputError, match="not in this VCF"):
        read_genotypes(vcf, [gene], sample="NA3")


def test_cli_writes_json_and_tsv(tmp_path, capsys):
    defs = write_definitions(tmp_path / "defs")
    vcf = write_vcf(tmp_path / "in.vcf", {100: "0/1", 200: "./.", 300: "0/0"})
    out, tsv = tmp_path / "o.json", tmp_path / "o.tsv"
    argv = ["pgx", "--vcf", str(vcf), "--definitions", str(defs), "--build", "GRCh38",
            "--out", str(out), "--tsv", str(tsv)]  # fmt: skip
    assert main(argv) == 0
    result = json.loads(out.read_text())
    assert result["genes"]["GENEX"]["diplotypes"][0]["name"] == "*1/*2"
    assert result["knowledge"]["definition_versions"] == ["unit test-1"]
    rows = [line.split("\t") for line in tsv.read_text().splitlines()]
    assert rows[0][:5] == ["gene", "diplotype", "phenotype", "activity_score", "missing_positions"]
    # without rs200, *4 (rs100 G + rs200 T) cannot be told from *2: both are reported
    assert rows[1] == ["GENEX", "*1/*2; *1/*4", "", "", "rs200", "named allele matcher"]


def test_cli_errors_are_one_message(tmp_path, capsys, monkeypatch):
    defs = write_definitions(tmp_path / "defs")
    vcf = write_vcf(tmp_path / "in.vcf", {100: "0/1"}, samples=("A", "B"))
    assert main(["pgx", "--vcf", str(vcf), "--definitions", str(defs)]) == 1
    assert "--sample" in capsys.readouterr().err
    monkeypatch.delenv("TAILORSEQ_PGX_DEFINITIONS", raising=False)
    monkeypatch.delenv("TAILORSEQ_PGX_DEFINITIONS_GRCH38", raising=False)
    # no folder: the default PharmCAT release, which has no GRCh37 definitions
    monkeypatch.setenv("TAILORSEQ_CACHE", str(tmp_path / "cache"))
    assert main(["pgx", "--vcf", str(vcf), "--build", "GRCh37"]) == 1
    err = capsys.readouterr().err
    assert "PharmCAT publishes GRCh38 definitions only" in err
    assert "TAILORSEQ_PGX_DEFINITIONS_<BUILD>" in err
    monkeypatch.setenv("TAILORSEQ_PGX_DEFINITIONS_GRCH38", str(defs))
    assert main(["pgx", "--vcf", str(vcf), "--build", "GRCh38", "--sample", "A"]) == 0
    assert main(["pgx", "--vcf", str(vcf), "--build", "GRCh37", "--sample", "A",
                 "--definitions", str(defs)]) == 1  # fmt: skip
    assert "not GRCh37" in capsys.readouterr().err
