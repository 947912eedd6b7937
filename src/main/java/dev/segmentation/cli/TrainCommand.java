package dev.segmentation.cli;

import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.job.TrainJob;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = {
      "Ingest and clean, then fit product categories, customer segments and the segment",
      "classifiers; evaluate them and write segments, segment_profiles, product_categories,",
      "models/ and metrics.json under OUTPUT/RUN-ID/."
    })
final class TrainCommand implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    JobConfig config = common.load();
    RunMetrics metrics = TrainJob.run(SparkSessions.getOrCreate(config), config);
    printSummary(spec.commandLine().getOut(), metrics);
    return ExitCode.SUCCESS.code();
  }

  static void printSummary(PrintWriter out, RunMetrics metrics) {
    out.printf("lines read %,d, kept %,d; customers %,d (training window to %s)%n",
        metrics.getLong("lines.read"), metrics.getLong("lines.kept"),
        metrics.getLong("customers.train"), metrics.get("window.cutoff"));
    out.printf("segments          k = %s, silhouette %s, Davies-Bouldin %s%n",
        metrics.get("segmentation.k"), metrics.get("segmentation.silhouette"),
        metrics.get("segmentation.davies_bouldin"));
    Map<?, ?> sizes = (Map<?, ?>) metrics.get("segmentation.sizes");
    Map<?, ?> labels = (Map<?, ?>) metrics.get("segmentation.labels");
    sizes.forEach((segment, size) ->
        out.printf("  %3s  %,6d  %s%n", segment, ((Number) size).longValue(), labels.get(segment)));
    out.printf("classifier        holdout accuracy %s, temporal accuracy %s (majority %s)%n",
        metrics.get("classifier.holdout.accuracy"), metrics.get("classifier.temporal.accuracy"),
        metrics.get("classifier.temporal.majority_share"));
    out.printf("  first invoice   holdout accuracy %s, temporal accuracy %s%n",
        metrics.get("classifier.first_invoice.holdout.accuracy"),
        metrics.get("classifier.first_invoice.temporal.accuracy"));
    out.printf("wall time         %s s%n", metrics.get("steps_seconds.total"));
    out.printf("output            %s%n", metrics.get("output"));
    out.flush();
  }
}
