#!/usr/bin/env bash
# Submits one subcommand of the job to Amazon EMR 7 (Spark 3.5, Scala 2.12, Java 17):
# as a step of a running EMR on EC2 cluster (aws emr add-steps), or as a job run of an EMR
# Serverless application (aws emr-serverless start-job-run). The jar and the configuration
# overlay must already be in S3; the overlay is shipped next to the driver and read by name.
#
#   scripts/submit-emr.sh --jar s3://b/jars/customer-segmentation-0.1.0.jar \
#     --conf s3://b/conf/emr.conf --cluster-id j-ABC123 [--region eu-west-1] [--dry-run] \
#     -- train --input s3://b/invoices/ --output s3://b/segmentation/runs
#
#   scripts/submit-emr.sh --jar ... --conf ... --serverless-app 00fabc --role arn:aws:iam::1:role/r \
#     --logs s3://b/emr-logs/ -- score --model s3://b/segmentation/runs/R/models --input ...
#
# --dry-run prints the exact aws command instead of running it. The step or job run fails
# when the job exits non-zero, quality-gate failures (exit 3) included.
set -euo pipefail

main_class="dev.segmentation.cli.SegmentCli"
jar="" conf="" cluster="" app="" role="" logs="" region="" dry_run=false

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --jar) jar="$2"; shift 2 ;;
    --conf) conf="$2"; shift 2 ;;
    --cluster-id) cluster="$2"; shift 2 ;;
    --serverless-app) app="$2"; shift 2 ;;
    --role) role="$2"; shift 2 ;;
    --logs) logs="$2"; shift 2 ;;
    --region) region="$2"; shift 2 ;;
    --dry-run) dry_run=true; shift ;;
    --) shift; break ;;
    -h|--help) usage ;;
    *) echo "unknown option: $1" >&2; usage ;;
  esac
done
[[ -n "$jar" && -n "$conf" && $# -gt 0 ]] || usage
[[ -n "$cluster" || -n "$app" ]] || { echo "give --cluster-id or --serverless-app" >&2; exit 2; }
[[ -z "$app" || -n "$role" ]] || { echo "--serverless-app needs --role" >&2; exit 2; }

subcommand="$1"; shift
job_args=("$subcommand" --config "$(basename "$conf")" "$@")

# JSON string list of its arguments, for the aws CLI's structured parameters.
json_list() {
  local out="" arg
  for arg in "$@"; do
    arg="${arg//\\/\\\\}"
    arg="${arg//\"/\\\"}"
    out+="${out:+,}\"$arg\""
  done
  printf '[%s]' "$out"
}

region_args=()
[[ -n "$region" ]] && region_args=(--region "$region")

if [[ -n "$cluster" ]]; then
  spark_args=(spark-submit --deploy-mode cluster --class "$main_class" --files "$conf" "$jar" "${job_args[@]}")
  step="[{\"Type\":\"CUSTOM_JAR\",\"Name\":\"segmentation-$subcommand\",\"ActionOnFailure\":\"CONTINUE\",\"Jar\":\"command-runner.jar\",\"Args\":$(json_list "${spark_args[@]}")}]"
  command=(aws emr add-steps "${region_args[@]}" --cluster-id "$cluster" --steps "$step")
else
  params="--class $main_class --files $conf"
  driver="{\"sparkSubmit\":{\"entryPoint\":\"$jar\",\"entryPointArguments\":$(json_list "${job_args[@]}"),\"sparkSubmitParameters\":\"$params\"}}"
  command=(aws emr-serverless start-job-run "${region_args[@]}" --application-id "$app"
    --execution-role-arn "$role" --name "segmentation-$subcommand" --job-driver "$driver")
  if [[ -n "$logs" ]]; then
    command+=(--configuration-overrides "{\"monitoringConfiguration\":{\"s3MonitoringConfiguration\":{\"logUri\":\"$logs\"}}}")
  fi
fi

if [[ "$dry_run" == true ]]; then
  printf '%q ' "${command[@]}"
  echo
else
  "${command[@]}"
fi
