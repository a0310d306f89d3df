#!/usr/bin/env bash
# The germline path of tailorseq (bwa or minimap2, bcftools, the variant score) as a plain bash
# script, for bench/speed.py and bench/genome.py --baseline.
#
# Same tools, options and threads as the rules in workflow/rules/*.smk with config/config.yaml's
# defaults (threads are the rule's, capped by CORES as Snakemake does): fastp | aligner | samtools
# fixmate | samtools sort; samtools merge | samtools markdup; samtools stats/flagstat; mosdepth;
# the scatter chunks; bcftools mpileup | call per chunk, one chunk per core side by side like the
# scattered jobs; concat | view | norm; the variant score; bcftools stats; MultiQC.
# Three steps call the pipeline's own Python rather than re-implement it: the chunk BEDs
# (scripts/scatter_regions.py: equal sequence per chunk, assembly gaps left out, which a FASTA
# scan in bash would duplicate), the ploidy and samples files of bcftools call (tailorseq.sex)
# and the filter (scripts/filter_calls.py with the bundled model in resources/germline_score).
# No checks (the sex check among them: SEX is given), no staging, no publishing, no MultiQC
# custom content or name replacement.
#
# usage: baseline.sh bwa|minimap2 REF.fa FQ1 FQ2 OUTDIR [CORES=2] [SAMPLE=sample] [SEX=unknown]
#   REF.fa must already have its .fai and the aligner's index (bwa's files, or minimap2's
#   REF.fa.sr.mmi): index time is not part of the benchmark. python3 on PATH must have the
#   project's requirements (the venv).
set -euo pipefail

aligner=$1
ref=$(realpath "$2") fq1=$(realpath "$3") fq2=$(realpath "$4") out=$(realpath -m "$5")
cores=${6:-2}
sample=${7:-sample}
sex=${8:-unknown}
here=$(cd "$(dirname "$0")" && pwd)
scripts=$here/../scripts
multiqc_config=$here/../config/multiqc.yaml
model=$here/../resources/germline_score

# Settings of config/config.yaml (and its schema's defaults) the rules read.
n_base_limit=15 min_length=30 min_mapq=20 min_baseq=13

threads() { echo $(( $1 < cores ? $1 : cores )); }
tailorseq() { PYTHONPATH=$scripts python3 -c "$1"; }

case $aligner in
    bwa) [[ -s $ref.bwt ]] || { echo "no bwa index for $ref" >&2; exit 1; } ;;
    minimap2) [[ -s $ref.sr.mmi ]] || { echo "no $ref.sr.mmi" >&2; exit 1; } ;;
    *) echo "aligner must be bwa or minimap2, not $aligner" >&2; exit 1 ;;
esac

mkdir -p "$out"/{qc,calls,logs}
cd "$out"
id=u1
rg="@RG\\tID:$sample.$id\\tSM:$sample\\tLB:$sample\\tPL:ILLUMINA\\tPU:$id"

# rule align_bwa | align_minimap2 (threads 8): fastp streams the trimmed pairs, interleaved,
# into the aligner
t=$(threads 8)
if [[ $aligner == bwa ]]; then
    align=(bwa mem -p -t "$t" -K 100000000 -Y -R "$rg" "$ref" -)
else
    align=(minimap2 -ax sr -t "$t" -R "$rg" "$ref.sr.mmi" -)
fi
(fastp --in1 "$fq1" --in2 "$fq2" --stdout --detect_adapter_for_pe \
    --n_base_limit $n_base_limit --length_required $min_length --thread $(( t / 4 > 1 ? t / 4 : 1 )) \
    --dont_eval_duplication --json qc/$sample.$id.fastp.json --html qc/$sample.$id.fastp.html \
    --report_title $sample.$id 2> logs/fastp.log \
    | "${align[@]}" \
    | samtools fixmate -m -u - - \
    | samtools sort -@ "$t" -m 768M -l 1 -T unit.bam.tmp -o unit.bam -) 2> logs/align.log

# rule sample_header: contigs from the .fai and the read group with the sample's name
{
    printf '@HD\tVN:1.6\tSO:coordinate\n'
    awk -F'\t' '{printf "@SQ\tSN:%s\tLN:%s\n", $1, $2}' "$ref.fai"
    printf "${rg//\\t/\\t}\n"
} > header.sam

# rule merge_markdup (threads 4)
t=$(threads 4)
(samtools merge -c -p -u -h header.sam -o - unit.bam \
    | samtools markdup --output-fmt bam --reference "$ref" --write-index -@ "$t" \
        -T $sample.bam.tmp -f qc/$sample.markdup.txt -S - "$sample.bam##idx##$sample.bam.bai") \
    2> logs/merge_markdup.log
rm unit.bam header.sam

# rule samtools_stats (threads 2)
t=$(threads 2)
(samtools stats --threads "$t" --reference "$ref" $sample.bam > qc/$sample.stats.txt \
    && samtools flagstat --threads "$t" $sample.bam > qc/$sample.flagstat.txt) 2> logs/stats.log

# rule mosdepth (threads 2)
mosdepth --threads "$(threads 2)" --no-per-base --fast-mode --fasta "$ref" \
    qc/$sample $sample.bam 2> logs/mosdepth.log

# rule scatter_regions: one chunk per core (config calling.scatter 0), the pipeline's own code
beds=()
for ((c = 0; c < cores; c++)); do beds+=(calls/chunk$c.bed); done
python3 "$scripts/scatter_regions.py" --ref "$ref" --out "${beds[@]}" 2> logs/scatter.log

# rule callset_ploidy: bcftools call's ploidy and samples files, from the pipeline's own code
tailorseq "
from pathlib import Path
from tailorseq.regions import contig_lengths
from tailorseq.sex import find_sex_contigs, ploidy_file, samples_file
Path('calls/ploidy.txt').write_text(ploidy_file(find_sex_contigs(contig_lengths(Path('$ref.fai')))))
Path('calls/samples.txt').write_text(samples_file({'$sample': '$sex'}))
"
# bcftools call --prior of the score's candidates (calling.filter score, bcftools_prior null)
prior=$(tailorseq "from tailorseq.scoring.model import CANDIDATE_PRIOR; print(CANDIDATE_PRIOR)")
# and its --min-ireads (bcftools_min_gapped_reads null)
min_ireads=$(tailorseq "from tailorseq.scoring.model import CANDIDATE_MIN_GAPPED_READS as m; print(m)")
annotations=$(tailorseq "from tailorseq.scoring.features import BCFTOOLS_ANNOTATIONS as a; print(','.join(a))")

# rule call_bcftools, one job per chunk (1 thread each), as many at once as there are cores
chunks=()
for ((c = 0; c < cores; c++)); do
    (bcftools mpileup --fasta-ref "$ref" --regions-file calls/chunk$c.bed \
        --min-MQ $min_mapq --min-BQ $min_baseq --max-depth 1000 --min-ireads $min_ireads \
        --annotate $annotations --output-type u $sample.bam \
        | bcftools call --multiallelic-caller --variants-only --prior "$prior" \
            --ploidy-file calls/ploidy.txt --samples-file calls/samples.txt \
            --output-type b --output calls/chunk$c.bcf) 2> logs/call.$c.log &
    chunks+=(calls/chunk$c.bcf)
done
wait

# rule gather_calls (a single-sample callset drops records without a genotype)
(bcftools concat --output-type u "${chunks[@]}" \
    | bcftools view --exclude 'GT="mis"' --output-type u \
    | bcftools norm --fasta-ref "$ref" --multiallelics -both --atomize \
        --output-type z --output calls/raw.vcf.gz) 2> logs/gather.log
rm "${chunks[@]}"

# rule filter_calls: the variant score with the bundled model
python3 "$scripts/filter_calls.py" --vcf calls/raw.vcf.gz --out $sample.vcf.gz \
    --reference "$ref" --filter score --caller bcftools --model "$model" 2> logs/filter.log
rm calls/raw.vcf.gz

# rule bcftools_stats
bcftools stats --fasta-ref "$ref" $sample.vcf.gz > qc/$sample.bcftools_stats.txt 2> logs/bcftools_stats.log

# rule multiqc
multiqc --force --no-ai --config "$multiqc_config" --filename multiqc.html --outdir run \
    qc/$sample.$id.fastp.json qc/$sample.stats.txt qc/$sample.flagstat.txt \
    qc/$sample.mosdepth.summary.txt qc/$sample.mosdepth.global.dist.txt \
    qc/$sample.bcftools_stats.txt 2> logs/multiqc.log
echo "baseline done: $out/$sample.vcf.gz"
