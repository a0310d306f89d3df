"""The demo's tumour/normal pair (patient3): planted somatic SNVs at their VAF, MSI-high from
planted unstable microsatellites, TMB, an ERBB2 amplification, an EML4::ALK fusion, a panel of
normals, and a sample swap."""

import csv
import json
from pathlib import Path

import pysam
import pytest

from helpers import DEMO, demo_dir, demo_run, snakemake, write_tsv
from tailorseq.cli import main
from tailorseq.files import sha256
from tailorseq.somatic import cnv_reference

pytestmark = pytest.mark.integration

PATIENT = "patient3"
TUMOUR = "demo3-tumor"
PAIR = ["demo3-normal", TUMOUR]
PRODUCTS = (
    ".somatic.vcf.gz",
    ".somatic.annotated.vcf.gz",
    ".biomarkers.json",
    ".cnv.tsv",
    ".cnv.json",
    ".cnv.png",
    ".sv.vcf.gz",
    ".sv.json",
)
PANEL_SITE = "KRAS-E130K"  # the planted passenger our panel of normals lists
# The generator puts each SNV's alt on exactly round(VAF x n) of the n tumour fragments read
# over it. The caller's depth differs by a few fragments (duplicates, MAPQ < 20, clipped ends):
# at the demo's ~50x one alt fragment moves the VAF by about 0.015, so allow two.
VAF_TOLERANCE = 0.03

Key = tuple[str, int, str, str]


def summary() -> dict:
    return json.loads((demo_dir() / "expected" / "summary.json").read_text())


def planted() -> dict[Key, dict]:
    """The planted somatic SNVs by allele."""
    return {
        (s["contig"], s["pos"], s["ref"], s["alt"]): s
        for s in summary()["samples"][TUMOUR]["somatic"]
    }


def planted_msi() -> dict[Key, dict]:
    """The planted unstable microsatellites by the allele of their shortened repeat."""
    sites = summary()["samples"][TUMOUR]["msi"]["unstable_sites"]
    return {
        tuple(site["deletion"][k] for k in ("contig", "pos", "ref", "alt")): site for site in sites
    }


def panel_key() -> Key:
    (key,) = (key for key, site in planted().items() if site["id"] == PANEL_SITE)
    return key


def write_panel_of_normals(path: Path) -> Path:
    """A panel of normals with one planted SNV and decoys: another alt at EGFR L858R's position,
    and a one-unit-longer deletion at a planted unstable microsatellite."""
    (egfr,) = (key for key, site in planted().items() if site["id"] == "EGFR-L858R")
    other_alt = next(base for base in "ACGT" if base not in (egfr[2], egfr[3]))
    contig, pos, ref, alt = next(iter(planted_msi()))
    unit = planted_msi()[(contig, pos, ref, alt)]["unit"]
    records = [panel_key(), (*egfr[:3], other_alt), (contig, pos, ref + unit, alt)]
    fai = (demo_dir() / "genome.fa.fai").read_text().splitlines()
    lines = ["##fileformat=VCFv4.2"]
    lines += [f"##contig=<ID={name},length={length}>" for name, length, *_ in map(str.split, fai)]
    lines.append("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
    lines += [f"{c}\t{p}\t.\t{r}\t{a}\t.\tPASS\t." for c, p, r, a in records]
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def demo_results(tmp_path_factory) -> Path:
    """The demo's somatic products (alignment of the pair included) with a panel of normals."""
    workdir = tmp_path_factory.mktemp("somatic-demo")
    panel = write_panel_of_normals(workdir / "panel_of_normals.vcf")
    config = demo_run(workdir, somatic={"panel_of_normals": str(panel)})
    products = [f"results/{PATIENT}/{PATIENT}{p}" for p in PRODUCTS]
    bams = [str(alignment(workdir, sample).relative_to(workdir)) for sample in PAIR]
    snakemake(workdir, config, *products, *bams)
    return workdir


def alignment(workdir: Path, sample: str) -> Path:
    """A sample's published alignment in a run's folder."""
    return workdir / f"results/{sample}/{sample}.bam"


def somatic_records(workdir: Path) -> dict[Key, pysam.VariantRecord]:
    vcf = workdir / f"results/{PATIENT}/{PATIENT}.somatic.vcf.gz"
    with pysam.VariantFile(str(vcf)) as handle:
        return {(r.contig, r.pos, r.ref, r.alts[0]): r for r in handle}


def biomarkers(workdir: Path) -> dict:
    return json.loads((workdir / f"results/{PATIENT}/{PATIENT}.biomarkers.json").read_text())


def test_every_planted_somatic_variant_but_the_panel_site_passes_and_nothing_else(
    demo_results: Path,
) -> None:
    records = somatic_records(demo_results)
    passing = {key for key, record in records.items() if list(record.filter) == ["PASS"]}
    assert len(planted()) == 6 and len(planted_msi()) == 32
    assert passing == (set(planted()) | set(planted_msi())) - {panel_key()}


def test_the_panel_of_normals_filters_its_site_allele_exactly(demo_results: Path) -> None:
    records = somatic_records(demo_results)
    assert list(records[panel_key()].filter) == ["PanelOfNormals"]
    # The decoys (another alt at EGFR L858R, a longer deletion at a microsatellite) match no
    # call, so the planted alleles there still pass.
    flagged = {key for key, r in records.items() if "PanelOfNormals" in r.filter}
    assert flagged == {panel_key()}


def test_planted_snvs_are_called_at_their_planted_vaf(demo_results: Path) -> None:
    records = somatic_records(demo_results)
    for key, expected in planted().items():
        tumour, normal = records[key].samples[TUMOUR], records[key].samples["demo3-normal"]
        assert abs(tumour["AF"][0] - expected["vaf"]) <= VAF_TOLERANCE, (
            expected["id"],
            tumour["AF"],
        )
        assert sum(tumour["AD"]) >= 30 and normal["AD"][1] == 0


def test_shortened_microsatellites_are_called_near_their_planted_vaf(demo_results: Path) -> None:
    records = somatic_records(demo_results)
    vafs = [records[key].samples[TUMOUR]["AF"][0] for key in planted_msi()]
    # The planted count is exact over the fragments read over the anchor and the deleted units;
    # the caller counts only reads that show whether the repeat is shortened (not those ending
    # inside it), a random subset: each site's VAF scatters by about +-0.06, their mean less.
    planted_vaf = summary()["samples"][TUMOUR]["msi"]["vaf"]
    assert all(0.15 <= vaf <= 0.45 for vaf in vafs)
    assert abs(sum(vafs) / len(vafs) - planted_vaf) <= 0.05


def test_germline_variants_of_the_patient_are_not_somatic(demo_results: Path) -> None:
    records = somatic_records(demo_results)
    germline = demo_dir() / "expected" / "germline.vcf"
    with pysam.VariantFile(str(germline)) as handle:
        keys = {(r.contig, r.pos, r.ref, a) for r in handle for a in r.alts or ()}
    for key in keys & records.keys():
        assert list(records[key].filter) != ["PASS"], key


def test_tmb_counts_the_planted_coding_snvs_the_panel_leaves(demo_results: Path) -> None:
    tumour = summary()["samples"][TUMOUR]
    document = biomarkers(demo_results)
    tmb = document["tmb"]
    # Non-coding MSI deletions do not count; the panel's coding SNV no longer does.
    assert tmb["coding_mutations"] == tumour["somatic_coding_snvs"] - 1
    # every coding base is callable but some of the 320 of BRCA1 exon 2: patient3's germline
    # deletion leaves one copy there, half the depth in both samples
    cds = summary()["cds_bases"]
    assert cds - 320 <= tmb["callable_coding_bases"] < cds
    # A few thousand callable coding bases are far below the 1 Mb minimum: TMB is not assessed,
    # with the reason, and no rate is given (6 mutations there would read as ~1,300 per Mb).
    assert tmb["callable_coding_bases"] < tmb["min_territory"] == 1_000_000
    assert tmb["status"] == "not assessed" and tmb["mutations_per_mb"] is None
    assert tmb["tmb_high"] is False and tmb["assessed"] is False
    assert tmb["reason"].startswith(f"only {tmb['callable_coding_bases']:,} callable coding bases")
    assert "one mutation more or less moves the rate by" in tmb["caveat"]
    assert tmb["floors"] == {"min_depth": 0, "min_vaf": 0.0, "source": tmb["floors"]["source"]}
    assert "not an FDA-approved test" in tmb["fda_statement"]
    assert {m["protein_change"] for m in tmb["mutations"]} >= {"858L>858R", "12G>12C"}
    assert "130E>130K" not in {m["protein_change"] for m in tmb["mutations"]}
    assert document["purity"] == 0.6
    assert document["concordance"]["fraction"] == 1.0


def test_msi_high_at_the_planted_unstable_fraction(demo_results: Path) -> None:
    msi = biomarkers(demo_results)["msi"]
    truth = summary()["samples"][TUMOUR]["msi"]
    assert msi["sites_found"] >= truth["microsatellites"] == 80
    assert msi["sites_used"] >= msi["min_sites"] == 50
    assert msi["status"] == "MSI-high" and msi["assessed"] is True and msi["msi_high"] is True
    assert msi["cutoff"] == 3.5 and "Niu" in msi["cutoff_source"]  # MSIsensor's paired cut-off
    assert "Tumour purity 0.6" in msi["purity_note"]
    # The unstable calls are exactly the planted unstable sites among the sites used (the
    # stable ones and the genome's own few microsatellites are not). Sites without 20 spanning
    # fragments in the 30x normal are not used, so the score is the planted share among the
    # sites used, which sampling moves from the planted 40% of all sites.
    unstable = {(site["contig"], site["pos"]) for site in truth["unstable_sites"]}
    (sites,) = (demo_results / "work").glob("*/somatic/*.msi.sites.tsv")
    with sites.open() as handle:
        used = [row for row in csv.DictReader(handle, delimiter="\t") if row["used"] == "True"]
    planted_used = {(row["contig"], int(row["pos"])) for row in used} & unstable
    assert {(row["contig"], row["pos"]) for row in msi["unstable"]} == planted_used
    assert msi["unstable_sites"] == len(planted_used) > 0 and msi["sites_used"] == len(used)
    assert msi["score"] == pytest.approx(100 * len(planted_used) / len(used), abs=0.01)


def test_no_patient_or_sample_name_in_somatic_working_paths(demo_results: Path) -> None:
    for folder in ("work", "logs", "benchmarks"):
        for path in (demo_results / folder).rglob("*somatic*"):
            relative = str(path.relative_to(demo_results))
            if not relative.startswith("logs/publish_"):
                assert PATIENT not in relative and "demo3" not in relative


def test_a_tumour_paired_with_another_persons_normal_stops_the_run(tmp_path: Path) -> None:
    demo_dir()
    write_tsv(
        tmp_path / "samples.tsv",
        ["sample", "patient", "kind"],
        [["wrong-normal", "PX", "normal"], ["px-tumor", "PX", "tumor"]],
    )
    write_tsv(
        tmp_path / "units.tsv",
        ["sample", "unit", "fq1", "fq2"],
        [
            ["wrong-normal", "L001", *(DEMO / f"reads/demo1_L001_R{n}.fastq.gz" for n in (1, 2))],
            ["px-tumor", "L001", *(DEMO / f"reads/demo3-tumor_L001_R{n}.fastq.gz" for n in (1, 2))],
        ],
    )
    config = demo_run(
        tmp_path, samples=str(tmp_path / "samples.tsv"), units=str(tmp_path / "units.tsv")
    )
    result = snakemake(tmp_path, config, "results/PX/PX.somatic.vcf.gz", check=False)
    assert result.returncode != 0
    logs = "".join(p.read_text() for p in (tmp_path / "logs/somatic_model").glob("*.log"))
    assert "tumour px-tumor and normal wrong-normal look like two different people" in logs
    assert not (tmp_path / "results/PX/PX.somatic.vcf.gz").exists()


def test_the_planted_erbb2_amplification_is_called_at_its_copy_number(demo_results: Path) -> None:
    """The tumour's ERBB2 window carries 8 copies in tumour cells at purity 0.6 (2.8x the
    normal's depth): CNVkit's purity-adjusted call gives back 8, an amplification naming ERBB2;
    every other contig is neutral at its ploidy."""
    planted_copies = summary()["samples"][TUMOUR]["copy_number"]
    with (demo_results / "results" / PATIENT / f"{PATIENT}.cnv.tsv").open() as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert list(rows[0]) == ["contig", "start", "end", "copy_number", "call", "genes", "log2",
                             "probes", "depth"]  # fmt: skip
    by_contig: dict[str, list[dict]] = {}
    for row in rows:
        by_contig.setdefault(row["contig"], []).append(row)
    for contig, copies in planted_copies.items():
        (segment,) = by_contig.pop(contig)
        assert int(segment["copy_number"]) == copies
        assert segment["call"] == "amplification"
        assert contig in segment["genes"].split(",")
    assert all(row["call"] == "neutral" for rows in by_contig.values() for row in rows)
    assert "chrY" not in by_contig  # a female: no chrY copies to call
    document = json.loads((demo_results / "results" / PATIENT / f"{PATIENT}.cnv.json").read_text())
    assert document["status"] == "assessed"
    purity = document["purity"]
    assert (purity["value"], purity["source"], purity["note"]) == (0.6, "samples.tsv", "")
    # six planted SNVs are too few to estimate a purity from: said, not guessed
    assert purity["estimate"]["status"] == "not estimated" and purity["estimate"]["value"] is None
    assert purity["estimate"]["reason"].startswith(f"{purity['estimate']['mutations']} PASS SNV")
    assert [(g["gene"], g["call"], g["copy_number"]) for g in document["altered_genes"]] == [
        ("ERBB2", "amplification", 8)
    ]
    png = (demo_results / "results" / PATIENT / f"{PATIENT}.cnv.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_the_demo_genome_is_too_small_for_scar_counts_and_says_how_much_is_needed(
    demo_results: Path,
) -> None:
    """Allele-specific segments come from the normal's heterozygous SNPs (CNVkit call --vcf);
    the demo's gene-sized contigs hold no autosome, so the research-use scar counts are not
    assessed, with what they need."""
    document = json.loads((demo_results / "results" / PATIENT / f"{PATIENT}.cnv.json").read_text())
    scar = document["scar"]
    assert scar["status"] == "not assessed" and scar["sum"] is None
    assert "covers 0 Mb of the autosomes (0 of 22 examined)" in scar["reason"]
    assert "about 2,300 Mb" in scar["reason"] and "not an HRD test result" in scar["research_use"]
    by_contig = {s["contig"]: s for s in scar["segments"]}
    assert by_contig["ERBB2"]["cn"] == 8 and len(by_contig) > 10
    assert all(s["cn1"] + s["cn2"] == s["cn"] for s in scar["segments"])


def pair_config(demo_results: Path, workdir: Path, **cnv: object) -> Path:
    """The pair run's config with these cnv settings."""
    sheets = {"samples": str(workdir / "samples.tsv"), "units": str(workdir / "units.tsv")}
    return demo_run(workdir, **sheets, cache_dir=str(demo_results / "cache"), cnv=cnv)


def test_a_pair_too_shallow_for_copy_number_is_not_assessed_with_the_reason(
    demo_results: Path, pair_run: Path
) -> None:
    """The demo's normal (~30x) under a required median depth of 200x: no segments, no altered
    gene, the reason and the measured depth, and a plot that says so instead of a profile.
    (The pair comes as the module run's alignments, BAM units used as they are, with its
    cache: the point is the depth rule, not the alignment.)"""
    config = pair_config(demo_results, pair_run, min_normal_depth=200)
    snakemake(pair_run, config, f"results/{PATIENT}/{PATIENT}.cnv.json",
              f"results/{PATIENT}/{PATIENT}.cnv.tsv")  # fmt: skip
    document = json.loads((pair_run / "results" / PATIENT / f"{PATIENT}.cnv.json").read_text())
    assert document["status"] == "not assessed"
    assert "below 200x (cnv.min_normal_depth)" in document["reason"]
    assert 25 < document["normal_median_depth"] < 35
    assert document["altered_genes"] == []
    assert document["scar"]["reason"].startswith("copy number was not assessed: ")
    table = (pair_run / "results" / PATIENT / f"{PATIENT}.cnv.tsv").read_text().splitlines()
    assert table == ["\t".join(["contig", "start", "end", "copy_number", "call", "genes", "log2",
                                "probes", "depth"])]  # fmt: skip


def test_the_planted_eml4_alk_fusion_is_called_at_its_breakpoints(demo_results: Path) -> None:
    """The tumour cells carry EML4::ALK and its reciprocal (a balanced rearrangement): DELLY's
    two PASS junctions, named 5' partner first, at the planted breakpoints; nothing else."""
    (planted_fusion,) = summary()["samples"][TUMOUR]["fusions"]
    document = json.loads((demo_results / "results" / PATIENT / f"{PATIENT}.sv.json").read_text())
    by_name = {f["name"]: f for f in document["fusions"]}
    assert set(by_name) == {"EML4::ALK", "ALK::EML4"}
    fusion = by_name[planted_fusion["name"]]
    for side in ("five_prime", "three_prime"):
        contig, pos = fusion[f"{side}_breakpoint"].split(":")
        assert contig == planted_fusion[side]
        assert abs(int(pos) - planted_fusion[f"{side}_break"]) <= 3  # DELLY's CIPOS is +-3
    assert document["pass_by_type"] == {"DEL": 0, "DUP": 0, "INV": 0, "BND": 2, "INS": 0}
    vcf = demo_results / "results" / PATIENT / f"{PATIENT}.sv.vcf.gz"
    with pysam.VariantFile(str(vcf)) as handle:
        passing = [r for r in handle if "PASS" in r.filter]
    assert {r.info["SVTYPE"] for r in passing} == {"BND"}
    assert sorted(f for r in passing for f in r.info["FUSION"]) == ["ALK::EML4", "EML4::ALK"]


def test_a_pooled_reference_of_other_normals_finds_the_erbb2_amplification(
    demo_results: Path, shared_demo: Path, pair_run: Path, tmp_path: Path
) -> None:
    """A lab's pooled reference built from the demo's two germline samples' alignments (not
    the patient's normal) with `tailorseq cnv-reference`: the tumour compared with it over the
    reference's own bins still carries 8 ERBB2 copies and nothing else; cnv.json and the
    provenance name the reference, its sha256 and its two normals."""
    access = next((demo_results / "cache").rglob("genome.fa.cnvkit-access.bed"))
    pooled = tmp_path / "pooled.cnn"
    # the germline samples' alignments come from the shared demo run (this module's run
    # aligns only the pair)
    normals = [str(alignment(shared_demo, sample)) for sample in ("demo1", "demo2")]
    assert main(["cnv-reference", "--fasta", str(DEMO / "genome.fa"), "--access", str(access),
                 "--output", str(pooled), *normals]) == 0  # fmt: skip
    config = pair_config(demo_results, pair_run, reference=str(pooled))
    snakemake(pair_run, config, f"results/{PATIENT}/{PATIENT}.cnv.json",
              f"results/{PATIENT}/{PATIENT}.cnv.tsv")  # fmt: skip
    document = json.loads((pair_run / "results" / PATIENT / f"{PATIENT}.cnv.json").read_text())
    assert document["reference"] == {"kind": "pooled normals", "path": str(pooled),
                                     "sha256": sha256(pooled), "normals": 2}  # fmt: skip
    assert document["bins"] == len(cnv_reference.bins(pooled))
    assert [(g["gene"], g["call"], g["copy_number"]) for g in document["altered_genes"]] == [
        ("ERBB2", "amplification", 8)
    ]
    with (pair_run / "results" / PATIENT / f"{PATIENT}.cnv.tsv").open() as handle:
        calls = {row["call"] for row in csv.DictReader(handle, delimiter="\t")}
    assert calls == {"amplification", "neutral"}
    (log,) = (pair_run / "logs" / "somatic_cnv").glob("*.log")
    assert f"{pooled} --no-edge" in log.read_text()  # fixed against the pooled reference
    assert "cnvkit.py reference" not in log.read_text()  # no reference made of the normal
