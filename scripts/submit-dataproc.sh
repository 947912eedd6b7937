#!/usr/bin/env bash
# Submits one subcommand of the job to Google Cloud Dataproc: as a Serverless batch
# (gcloud dataproc batches submit spark, runtime 1.2: Spark 3.5, Scala 2.12, Java 17) or as a
# job on a running cluster (gcloud dataproc jobs submit spark). The jar and the configuration
# overlay must already be in Cloud Storage; the overlay is shipped next to the driver.
#
#   scripts/submit-dataproc.sh --jar gs://b/jars/customer-segmentation-0.1.0.jar \
#     --conf gs://b/conf/dataproc.conf --region europe-west1 [--cluster c1] [--dry-run] \
#     -- train --input gs://b/invoices/ --output gs://b/segmentation/runs
#
# Without --cluster a Serverless batch runs (--runtime, default 1.2). --dry-run prints the
# exact gcloud command instead of running it. gcloud exits non-zero when the job does,
# quality-gate failures (exit 3) included.
set -euo pipefail

main_class="dev.segmentation.cli.SegmentCli"
# Iceberg's Spark runtime, the version the project builds and tests with (pom.xml).
iceberg="org.apache.iceberg:iceberg-spark-runtime-3.5_2.12:1.10.2"
jar="" conf="" region="" cluster="" runtime="1.2" dry_run=false

usage() {
  sed -n '2,13p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --conf) conf="$2"; shift 2 ;;
    --region) region="$2"; shift 2 ;;
    --cluster) cluster="$2"; shift 2 ;;
    --runtime) runtime="$2"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
[[ -n "$jar" && -n "$conf" && -n "$region" && $# -gt 0 ]] || usage

subcommand="$1"; shift
job_args=("$subcommand" --config "$(basename "$conf")" "$@")

if [[ -n "$cluster" ]]; then
  command=(gcloud dataproc jobs submit spark --region "$region" --cluster "$cluster"
    --class "$main_class" --jars "$jar" --files "$conf" --properties "spark.jars.packages=$iceberg"
    -- "${job_args[@]}")
else
  command=(gcloud dataproc batches submit spark --region "$region" --version "$runtime"
    --class "$main_class" --jars "$jar" --files "$conf" --properties "spark.jars.packages=$iceberg"
    -- "${job_args[@]}")
fi

if [[ "$dry_run" == true ]]; then
  printf '%q ' "${command[@]}"
  echo
else
  "${command[@]}"
fi
