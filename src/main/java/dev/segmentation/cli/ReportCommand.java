package dev.segmentation.cli;

import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.job.ReportJob;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Write report.html, a self-contained page of charts, into the run folder "
            + "OUTPUT/RUN-ID/ of an earlier train (train writes it too).")
final class ReportCommand extends JobCommand {

  @Override
  RunMetrics run(SparkSession spark, JobConfig config) {
    return ReportJob.run(spark, config);
  }

  @Override
  void printSummary(PrintWriter out, RunMetrics metrics) {
    out.printf("report            %s%n", metrics.get("report"));
  }
}
