"""Scheduled retraining of the customer segmentation, and scoring of the period's new customers.

train (fits, checks the quality gate, publishes customer_segments) >> score (predicts the new
customers of the period, publishes segment_predictions). A run that misses the quality gate
exits with code 3, which fails the train task (spark-submit, the EMR step or the Dataproc batch
fails with it), so score never runs on a model that was not published and warehouses keep the
previous snapshot.

Airflow Variables (Admin > Variables):
  segmentation_platform   spark-submit (default), emr or dataproc
  segmentation_jar        the application jar: s3://.../customer-segmentation-0.1.0.jar
  segmentation_conf       the configuration overlay: s3://.../emr.conf or gs://.../dataproc.conf
  segmentation_input      root of the invoice files; one folder per day: <input>/<yyyy-mm-dd>/
  segmentation_output     root of the run folders
  segmentation_publish    where the published tables live: the Iceberg catalog's warehouse
  segmentation_emr_cluster       (emr) the cluster id
  segmentation_dataproc_region   (dataproc) the region
"""
from __future__ import annotations

import posixpath
from datetime import datetime, timedelta

from airflow import DAG
from airflow.models import Variable

MAIN_CLASS = "dev.segmentation.cli.SegmentCli"

PLATFORM = Variable.get("segmentation_platform", default_var="spark-submit")
JAR = Variable.get("segmentation_jar", default_var="s3://CHANGE-ME/jars/customer-segmentation-0.1.0.jar")
CONF = Variable.get("segmentation_conf", default_var="s3://CHANGE-ME/conf/emr.conf")
INPUT = Variable.get("segmentation_input", default_var="s3://CHANGE-ME/invoices")
OUTPUT = Variable.get("segmentation_output", default_var="s3://CHANGE-ME/segmentation/runs")
PUBLISH = Variable.get("segmentation_publish", default_var="s3://CHANGE-ME/warehouse")

TRAIN_RUN = "train-{{ ds_nodash }}"
SCORE_RUN = "score-{{ ds_nodash }}"


def job_args(subcommand: str, *args: str) -> list[str]:
    """The driver's arguments; the overlay is shipped next to the driver and read by name."""
    return [subcommand, "--config", posixpath.basename(CONF), "--output", OUTPUT,
            "--publish-root", PUBLISH, "--snapshot-date", "{{ ds }}", *args]


TRAIN_ARGS = job_args("train", "--input", INPUT, "--run-id", TRAIN_RUN)
SCORE_ARGS = job_args("score", "--model", f"{OUTPUT}/{TRAIN_RUN}/models",
                      "--input", f"{INPUT}/{{{{ ds }}}}/", "--run-id", SCORE_RUN)

default_args = {
    "owner": "data-platform",
    # Transient failures (a lost executor, a throttled bucket) deserve another try; a missed
    # quality gate fails the same way again, and then the task stays failed.
    "retries": 2,
    "retry_delay": timedelta(minutes=10),
    "execution_timeout": timedelta(hours=3),
}


def spark_submit_tasks(dag: DAG):
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator

    def task(task_id: str, args: list[str]):
        return SparkSubmitOperator(
            task_id=task_id, dag=dag, conn_id="spark_default", application=JAR,
            java_class=MAIN_CLASS, files=CONF, application_args=args, name=f"segmentation-{task_id}")

    return task("train", TRAIN_ARGS), task("score", SCORE_ARGS)


def emr_tasks(dag: DAG):
    from airflow.providers.amazon.aws.operators.emr import EmrAddStepsOperator
    from airflow.providers.amazon.aws.sensors.emr import EmrStepSensor

    cluster = Variable.get("segmentation_emr_cluster", default_var="j-CHANGE-ME")

    def task(task_id: str, args: list[str]):
        step = {
            "Name": f"segmentation-{task_id}-{{{{ ds }}}}",
            "ActionOnFailure": "CONTINUE",
            "HadoopJarStep": {
                "Jar": "command-runner.jar",
                "Args": ["spark-submit", "--deploy-mode", "cluster", "--class", MAIN_CLASS,
                         "--files", CONF, JAR, *args],
            },
        }
        add = EmrAddStepsOperator(task_id=f"{task_id}_submit", dag=dag, job_flow_id=cluster, steps=[step])
        # The sensor fails when the step fails, which it does when the driver exits non-zero.
        wait = EmrStepSensor(
            task_id=task_id, dag=dag, job_flow_id=cluster,
            step_id=f"{{{{ task_instance.xcom_pull(task_ids='{task_id}_submit')[0] }}}}")
        add >> wait
        return add, wait

    _, train_done = task("train", TRAIN_ARGS)
    score_submit, _ = task("score", SCORE_ARGS)
    return train_done, score_submit


def dataproc_tasks(dag: DAG):
    from airflow.providers.google.cloud.operators.dataproc import DataprocCreateBatchOperator

    region = Variable.get("segmentation_dataproc_region", default_var="europe-west1")

    def task(task_id: str, args: list[str]):
        batch = {
            # Serverless runtime 1.2: Spark 3.5, Scala 2.12, Java 17.
            "runtime_config": {"version": "1.2"},
            "spark_batch": {"main_class": MAIN_CLASS, "jar_file_uris": [JAR], "file_uris": [CONF], "args": args},
        }
        return DataprocCreateBatchOperator(
            task_id=task_id, dag=dag, region=region, batch=batch,
            batch_id=f"segmentation-{task_id}-{{{{ ds_nodash }}}}-{{{{ ti.try_number }}}}")

    return task("train", TRAIN_ARGS), task("score", SCORE_ARGS)


with DAG(
    dag_id="customer_segmentation",
    description="Retrain the segments (quality-gated, published), then score the period's new customers",
    schedule="@weekly",
    start_date=datetime(2026, 1, 1),
    catchup=False,
    max_active_runs=1,
    default_args=default_args,
    tags=["segmentation", "spark"],
) as dag:
    builders = {"spark-submit": spark_submit_tasks, "emr": emr_tasks, "dataproc": dataproc_tasks}
    if PLATFORM not in builders:
        raise ValueError(f"segmentation_platform must be one of {sorted(builders)}, got {PLATFORM!r}")
    train_task, score_task = builders[PLATFORM](dag)
    train_task >> score_task
