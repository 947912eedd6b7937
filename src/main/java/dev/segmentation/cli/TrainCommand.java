package dev.segmentation.cli;

import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.job.TrainJob;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.List;
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
final class TrainCommand extends JobCommand {

  @Mixin PublishOptions publish;

  @Override
  Map<String, String> overrides() {
    return publish.overrides();
  }

  @Override
  RunMetrics run(SparkSession spark, JobConfig config) {
    return TrainJob.run(spark, config);
  }

  /** A missed quality-gate threshold fails the scheduler's task: exit code 3, reasons on stderr. */
  @Override
  ExitCode exitCode(RunMetrics metrics) {
    if (Boolean.TRUE.equals(metrics.get("gate.passed"))) {
      return ExitCode.SUCCESS;
    }
    PrintWriter err = spec.commandLine().getErr();
    for (Object failure : (List<?>) metrics.get("gate.failures")) {
      err.println("quality gate failed: " + failure);
    }
    err.println("nothing published; the run folder is kept: " + metrics.get("output"));
    err.flush();
    return ExitCode.GATE;
  }

  /** 0.0006, not 6.0E-4. */
  private static String plain(Object number) {
    return new BigDecimal(String.valueOf(number)).stripTrailingZeros().toPlainString();
  }

  @Override
  void printSummary(PrintWriter out, RunMetrics metrics) {
    out.printf(
        "lines read %,d, kept %,d; customers %,d (training window to %s)%n",
        metrics.getLong("lines.read"),
        metrics.getLong("lines.kept"),
        metrics.getLong("customers.train"),
        metrics.get("window.cutoff"));
    out.printf(
        "segments          k = %s, silhouette %s, Davies-Bouldin %s%n",
        metrics.get("segmentation.k"),
        metrics.get("segmentation.silhouette"),
        metrics.get("segmentation.davies_bouldin"));
    Map<?, ?> sizes = (Map<?, ?>) metrics.get("segmentation.sizes");
    Map<?, ?> labels = (Map<?, ?>) metrics.get("segmentation.labels");
    sizes.forEach(
        (segment, size) ->
            out.printf(
                "  %3s  %,6d  %s%n", segment, ((Number) size).longValue(), labels.get(segment)));
    out.printf(
        "classifier        holdout accuracy %s, temporal accuracy %s (majority %s)%n",
        metrics.get("classifier.holdout.accuracy"),
        metrics.get("classifier.temporal.accuracy"),
        metrics.get("classifier.temporal.majority_share"));
    out.printf(
        "  first invoice   holdout accuracy %s, temporal accuracy %s%n",
        metrics.get("classifier.first_invoice.holdout.accuracy"),
        metrics.get("classifier.first_invoice.temporal.accuracy"));
    out.printf(
        "lifetime value    BG/NBD r %s, alpha %s, a %s, b %s; Gamma-Gamma p %s, q %s, gamma %s%n",
        plain(metrics.get("clv.bgnbd.r")),
        plain(metrics.get("clv.bgnbd.alpha")),
        plain(metrics.get("clv.bgnbd.a")),
        plain(metrics.get("clv.bgnbd.b")),
        plain(metrics.get("clv.gamma_gamma.p")),
        plain(metrics.get("clv.gamma_gamma.q")),
        plain(metrics.get("clv.gamma_gamma.gamma")));
    out.printf(
        "  value bands     expected spend over %s: medium from %s, high from %s%n",
        metrics.get("clv.horizon"),
        metrics.get("clv.value_bands.medium"),
        metrics.get("clv.value_bands.high"));
    BacktestSummary.print(out, metrics);
    out.printf("wall time         %s s%n", metrics.get("steps_seconds.total"));
    printPublished(out, metrics);
    if (metrics.get("report") != null) {
      out.printf("report            %s%n", metrics.get("report"));
    }
    out.printf("output            %s%n", metrics.get("output"));
  }
}
