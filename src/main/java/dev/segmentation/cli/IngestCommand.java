package dev.segmentation.cli;

import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.job.IngestJob;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description =
        "Read invoice lines (CSV or Parquet), quarantine malformed ones, clean the rest; "
            + "write clean_lines, set_aside, quarantine and metrics.json under OUTPUT/RUN-ID/.")
final class IngestCommand extends JobCommand {

  @Override
  RunMetrics run(SparkSession spark, JobConfig config) {
    return IngestJob.run(spark, config);
  }

  @Override
  void printSummary(PrintWriter out, RunMetrics metrics) {
    out.printf("lines read        %,d%n", metrics.getLong("lines.read"));
    out.printf("  kept            %,d%n", metrics.getLong("lines.kept"));
    out.printf(
        "  quarantined     %,d  %s%n",
        metrics.getLong("lines.quarantined"), metrics.get("lines.malformed"));
    out.printf("  set aside       %s%n", metrics.get("lines.set_aside"));
    out.printf("output            %s%n", metrics.get("output"));
  }
}
