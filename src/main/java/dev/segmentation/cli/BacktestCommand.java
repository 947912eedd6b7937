package dev.segmentation.cli;

import dev.segmentation.config.JobConfig;
import dev.segmentation.job.BacktestJob;
import dev.segmentation.job.BacktestResult;
import java.io.PrintWriter;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;

@Command(
    name = "backtest",
    mixinStandardHelpOptions = true,
    description =
        "Hold out customers with a full horizon of follow-up, fit on the rest, predict "
            + "the held-out ones from their first invoice and compare; write metrics.json under OUTPUT/RUN-ID/.")
final class BacktestCommand extends JobCommand<BacktestResult> {

  @Override
  BacktestResult run(SparkSession spark, JobConfig config) {
    return BacktestJob.run(spark, config);
  }

  @Override
  void printSummary(PrintWriter out, BacktestResult result) {
    BacktestSummary.print(out, result);
    out.printf("output            %s%n", result.output());
  }
}
