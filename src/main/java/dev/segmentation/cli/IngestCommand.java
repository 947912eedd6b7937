package dev.segmentation.cli;

import dev.segmentation.clean.LineCounts;
import dev.segmentation.config.JobConfig;
import dev.segmentation.job.IngestJob;
import dev.segmentation.job.IngestResult;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description =
        "Read invoice lines (CSV or Parquet), quarantine malformed ones, clean the rest; "
            + "write clean_lines, set_aside, quarantine and metrics.json under OUTPUT/RUN-ID/.")
final class IngestCommand extends JobCommand<IngestResult> {

  @Override
  IngestResult run(SparkSession spark, JobConfig config) {
    return IngestJob.run(spark, config);
  }

  @Override
  void printSummary(PrintWriter out, IngestResult result) {
    LineCounts lines = result.lines();
    out.printf("lines read        %,d%n", lines.read());
    out.printf("  kept            %,d%n", lines.kept());
    out.printf("  quarantined     %,d  %s%n", lines.quarantined(), lines.malformed());
    out.printf("  set aside       %s%n", lines.setAside());
    out.printf("output            %s%n", result.output());
  }
}
