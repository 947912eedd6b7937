package dev.segmentation.cli;

import static dev.segmentation.evaluate.RunMetrics.rounded;

import dev.segmentation.config.JobConfig;
import dev.segmentation.job.TrainJob;
import dev.segmentation.job.TrainResult;
import dev.segmentation.model.LifetimeValue;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description =
        "Ingest and clean, then fit product categories, customer segments and the "
            + "segment classifiers, evaluate them, and write segments, segment_profiles, "
            + "product_categories, models/ and metrics.json under OUTPUT/RUN-ID/; if the quality gate "
            + "passes, publish the segment table.")
final class TrainCommand extends JobCommand<TrainResult> {

  @Mixin PublishOptions publish;

  @Override
  Map<String, String> overrides() {
    return publish.overrides();
  }

  @Override
  TrainResult run(SparkSession spark, JobConfig config) {
    return TrainJob.run(spark, config);
  }

  /** A missed quality-gate threshold fails the scheduler's task: exit code 3, reasons on stderr. */
  @Override
  ExitCode exitCode(TrainResult result) {
    if (result.gate().passed()) {
      return ExitCode.SUCCESS;
    }
    PrintWriter err = spec.commandLine().getErr();
    for (String failure : result.gate().failures()) {
      err.println("quality gate failed: " + failure);
    }
    err.println("nothing published; the run folder is kept: " + result.output());
    err.flush();
    return ExitCode.GATE;
  }

  /** Four decimals, as metrics.json has them, and 0.0006 rather than 6.0E-4. */
  private static String plain(double number) {
    return new BigDecimal(String.valueOf(rounded(number))).stripTrailingZeros().toPlainString();
  }

  @Override
  void printSummary(PrintWriter out, TrainResult result) {
    out.printf(
        "lines read %,d, kept %,d; customers %,d (training window to %s)%n",
        result.lines().read(), result.lines().kept(), result.customers(), result.window().cutoff());
    TrainResult.Segments segments = result.segments();
    out.printf(
        "segments          k = %s, silhouette %s, Davies-Bouldin %s%n",
        segments.k(), rounded(segments.silhouette()), rounded(segments.daviesBouldin()));
    segments
        .sizes()
        .forEach(
            (segment, size) ->
                out.printf("  %3s  %,6d  %s%n", segment, size, segments.labels().get(segment)));
    TrainResult.Classifiers classifiers = result.classifiers();
    out.printf(
        "classifier        holdout accuracy %s, temporal accuracy %s (majority %s)%n",
        rounded(classifiers.holdout().accuracy()),
        rounded(classifiers.temporal().accuracy()),
        rounded(classifiers.temporal().majorityShare()));
    out.printf(
        "  first invoice   holdout accuracy %s, temporal accuracy %s%n",
        rounded(classifiers.firstInvoiceHoldout().accuracy()),
        rounded(classifiers.firstInvoiceTemporal().accuracy()));
    LifetimeValue.Model clv = result.lifetimeValue();
    out.printf(
        "lifetime value    BG/NBD r %s, alpha %s, a %s, b %s; Gamma-Gamma p %s, q %s, gamma %s%n",
        plain(clv.purchases().r()),
        plain(clv.purchases().alpha()),
        plain(clv.purchases().a()),
        plain(clv.purchases().b()),
        plain(clv.spend().p()),
        plain(clv.spend().q()),
        plain(clv.spend().gamma()));
    out.printf(
        "  value bands     expected spend over %s: medium from %s, high from %s%n",
        clv.horizon(), rounded(clv.bands().medium()), rounded(clv.bands().high()));
    BacktestSummary.print(out, result.backtests());
    out.printf("wall time         %s s%n", result.seconds());
    printPublished(out, result);
    result.report().ifPresent(report -> out.printf("report            %s%n", report));
    out.printf("output            %s%n", result.output());
  }
}
