#!/usr/bin/env bash
# The germline path of tailorseq (bwa + bcftools) as a plain bash script, for bench/speed.py.
#
# Same tools, options and threads as the rules in workflow/rules/*.smk (threads are the rule's,
# capped by CORES as Snakemake does): fastp | bwa mem | samtools fixmate | samtools sort;
# samtools merge | samtools markdup; samtools stats/flagstat; mosdepth; bcftools mpileup | call
# per chunk (chunks of equal length, run side by side like the scattered jobs); concat | norm |
# filter | filter; bcftools stats; MultiQC. No checks, no staging, no publishing.
#
# usage: baseline.sh REF.fa FQ1 FQ2 OUTDIR [CORES=2] [SAMPLE=sample] [SCATTER=CORES]
#   REF.fa must already have its .fai and bwa index (index time is not part of the benchmark).
set -euo pipefail

ref=$(realpath "$1") fq1=$(realpath "$2") fq2=$(realpath "$3") out=$(realpath -m "$4")
cores=${5:-2}
sample=${6:-sample}
scatter=${7:-$cores}
here=$(cd "$(dirname "$0")" && pwd)
multiqc_config=$here/../config/multiqc.yaml

# Settings of config/config.yaml the rules read.
n_base_limit=15 min_length=30 min_mapq=20 min_baseq=13 min_qual=15 min_depth=5

threads() { echo $(( $1 < cores ? $1 : cores )); }

mkdir -p "$out"/{qc,calls,logs}
cd "$out"
id=u1
rg="@RG\\tID:$sample.$id\\tSM:$sample\\tLB:$sample\\tPL:ILLUMINA\\tPU:$id"

# rule align_bwa (threads 8): fastp streams the trimmed pairs, interleaved, into bwa mem -p
t=$(threads 8)
(fastp --in1 "$fq1" --in2 "$fq2" --stdout --detect_adapter_for_pe --dont_eval_duplication \
    --n_base_limit $n_base_limit --length_required $min_length --thread $(( t / 4 > 1 ? t / 4 : 1 )) \
    --json qc/$sample.$id.fastp.json --html qc/$sample.$id.fastp.html --report_title $sample.$id \
    2> logs/fastp.log \
    | bwa mem -p -t "$t" -K 100000000 -Y -R "$rg" "$ref" - \
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

# rule scatter_regions: equal-length chunks of the genome, in reference order
awk -F'\t' -v n="$scatter" '
    { name[NR] = $1; len[NR] = $2; total += $2 }
    END {
        for (i = 0; i <= n; i++) bound[i] = int(total * i / n + 0.5)
        offset = 0; c = 0
        for (r = 1; r <= NR; r++) {
            start = 0
            while (start < len[r]) {
                while (c < n - 1 && offset + start >= bound[c + 1]) c++
                end = bound[c + 1] - offset; if (end > len[r]) end = len[r]
                printf "%s\t%d\t%d\n", name[r], start, end > ("calls/chunk" c ".bed")
                start = end
            }
            offset += len[r]
        }
    }' "$ref.fai"

# rule call_bcftools, one job per chunk (1 thread each), as many at once as there are cores
chunks=()
for ((c = 0; c < scatter; c++)); do
    [[ -s calls/chunk$c.bed ]] || continue
    (bcftools mpileup --fasta-ref "$ref" --regions-file calls/chunk$c.bed \
        --min-MQ $min_mapq --min-BQ $min_baseq --max-depth 1000 \
        --annotate FORMAT/AD,FORMAT/DP,FORMAT/SP,INFO/AD --output-type u $sample.bam \
        | bcftools call --multiallelic-caller --variants-only --output-type b \
            --output calls/chunk$c.bcf) 2> logs/call.$c.log &
    chunks+=(calls/chunk$c.bcf)
    if (( $(jobs -rp | wc -l) >= cores )); then wait -n; fi
done
wait

# rule gather_calls
(bcftools concat --output-type u "${chunks[@]}" \
    | bcftools norm --fasta-ref "$ref" --multiallelics -both --atomize --output-type u \
    | bcftools filter --soft-filter LowQual --exclude "QUAL<$min_qual" --output-type u \
    | bcftools filter --soft-filter LowDepth --mode + --exclude "INFO/DP<$min_depth" \
        --output-type z --output $sample.vcf.gz \
    && tabix --preset vcf $sample.vcf.gz) 2> logs/gather.log
rm "${chunks[@]}"

# rule bcftools_stats
bcftools stats --fasta-ref "$ref" $sample.vcf.gz > qc/$sample.bcftools_stats.txt 2> logs/bcftools_stats.log

# rule multiqc
multiqc --force --no-ai --config "$multiqc_config" --filename multiqc.html --outdir run \
    qc/$sample.$id.fastp.json qc/$sample.stats.txt qc/$sample.flagstat.txt \
    qc/$sample.mosdepth.summary.txt qc/$sample.mosdepth.global.dist.txt \
    qc/$sample.bcftools_stats.txt 2> logs/multiqc.log
echo "baseline done: $out/$sample.vcf.gz"
