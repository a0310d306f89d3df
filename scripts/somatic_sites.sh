#!/usr/bin/env bash
# The somatic candidates' first pass (tailorseq.somatic.candidate_sites, which gives the
# thresholds and the argument why no usable candidate is lost): over each interval of a chunk
# BED, samtools mpileup of the tumour and its normal counts every base of every read that passes
# the MAPQ and flag filters, at any base quality, without BAQ and without a depth cap (and
# without the overlapping mates' quality adjustment, which changes no count then). awk keeps
# the positions where, for one allele, both samples together have at least ALT reads and the
# tumour TUMOR_ALT or the normal NORMAL_ALT, or where both together have GAPPED reads with an
# indel after the position. Written to standard output as runs of kept positions: contig,
# first and last position (1-based).
#
# usage: somatic_sites.sh BED REF MIN_MAPQ TUMOR_ALT NORMAL_ALT ALT GAPPED TUMOR.bam NORMAL.bam
set -euo pipefail

bed=$1 ref=$2 min_mapq=$3 tumor_alt=$4 normal_alt=$5 alt=$6 gapped=$7 tumor=$8 normal=$9

# One samtools per interval, each reading its interval through the index (a BED list, -l,
# would stream the whole file). Braces let a contig name hold a colon.
while read -r contig start end _; do
    samtools mpileup --fasta-ref "$ref" --region "{$contig}:$((start + 1))-$end" \
        --min-MQ "$min_mapq" --min-BQ 0 --no-BAQ --ignore-overlaps-removal \
        --count-orphans --max-depth 0 --no-output-ends --no-output-ins --no-output-del \
        "$tumor" "$normal"
done < "$bed" | awk -v tumor_alt="$tumor_alt" -v normal_alt="$normal_alt" -v alt="$alt" \
    -v gapped="$gapped" '
# Counts of a samtools pileup column of one sample into counts[]: reads with an indel after the
# position ("gap": +N or -N, the sequence left out) and bases of each allele (either strand;
# "." and "," match the reference, "*" is a deleted base; read starts and ends left out).
function tally(bases, counts) {
    counts["gap"] = gsub(/[-+][0-9]+/, "", bases)
    counts["A"] = gsub(/[Aa]/, "", bases)
    counts["C"] = gsub(/[Cc]/, "", bases)
    counts["G"] = gsub(/[Gg]/, "", bases)
    counts["T"] = gsub(/[Tt]/, "", bases)
}

function kept(    allele, both) {
    tally($5, tumor)
    tally($8, normal)
    if (tumor["gap"] + normal["gap"] >= gapped) return 1
    for (allele in alleles) {
        both = tumor[allele] + normal[allele]
        if (both >= alt && (tumor[allele] >= tumor_alt || normal[allele] >= normal_alt))
            return 1
    }
    return 0
}

function flush() {
    if (run_contig != "") print run_contig "\t" run_start "\t" run_end
}

BEGIN { split("A C G T", names, " "); for (i in names) alleles[names[i]] = 1 }

# Columns where neither sample shows a base letter or an indel sign are reference only.
$5 !~ /[ACGTacgt+-]/ && $8 !~ /[ACGTacgt+-]/ { next }

kept() {
    if ($1 == run_contig && $2 == run_end + 1) {
        run_end = $2
    } else {
        flush()
        run_contig = $1; run_start = $2; run_end = $2
    }
}

END { flush() }
'
