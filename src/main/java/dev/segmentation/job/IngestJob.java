package dev.segmentation.job;

import static dev.segmentation.clean.CleanColumns.SET_ASIDE_REASON;

import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.publish.RunOutput;
import org.apache.spark.sql.SparkSession;

/**
 * {@code ingest}: read, parse and clean the invoice lines, then write under {@code
 * <output>/<run-id>/}: {@code clean_lines}, {@code set_aside} (partitioned by reason), {@code
 * quarantine} and {@code metrics.json}.
 */
public final class IngestJob {

  public static final String CLEAN_LINES = "clean_lines";
  public static final String SET_ASIDE = "set_aside";
  public static final String QUARANTINE = "quarantine";

  private IngestJob() {}

  public static IngestResult run(SparkSession spark, JobConfig config) {
    try (RunRecord run = RunRecord.begin(spark, config, "ingest")) {
      RunMetrics metrics = run.metrics();
      RunOutput output = new RunOutput(spark, config.output().root(), config.runId());
      PreparedLines lines =
          InvoicePreparation.prepare(
              spark, config, metrics, run.checkpoints(), InvoicePreparation.SetAsideLines.KEPT);
      metrics.time(
          "write",
          () -> {
            output.writeTable(CLEAN_LINES, lines.kept());
            output.writeTable(SET_ASIDE, lines.setAside().orElseThrow(), SET_ASIDE_REASON);
            output.writeTable(QUARANTINE, lines.quarantine());
          },
          () -> RunMetrics.count(lines.counts().read(), "lines"));
      return new IngestResult(metrics, lines.counts(), run.finish(output));
    }
  }
}
