package dev.segmentation.cli;

import dev.segmentation.config.JobConfig;
import dev.segmentation.job.ReportJob;
import dev.segmentation.job.ReportResult;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description =
        "Write report.html, a self-contained page of charts, into the run folder "
            + "OUTPUT/RUN-ID/ of an earlier train (train writes it too).")
final class ReportCommand extends JobCommand<ReportResult> {

  @Override
  ReportResult run(SparkSession spark, JobConfig config) {
    return ReportJob.run(spark, config);
  }

  @Override
  void printSummary(PrintWriter out, ReportResult result) {
    out.printf("report            %s%n", result.report());
  }
}
