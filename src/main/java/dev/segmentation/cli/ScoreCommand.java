package dev.segmentation.cli;

import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.job.ScoreJob;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description =
        "Predict each new customer's segment and next purchases from their first invoice "
            + "in a batch; write predictions, quarantine and metrics.json under OUTPUT/RUN-ID/.")
final class ScoreCommand extends JobCommand {

  @Option(
      names = "--model",
      paramLabel = "URI",
      description = "The models/ folder of a training run (file:, hdfs:// or s3a://).")
  String model;

  @Mixin PublishOptions publish;

  @Override
  Map<String, String> overrides() {
    Map<String, String> overrides = new LinkedHashMap<>(publish.overrides());
    if (model != null) {
      overrides.put("segmentation.score.model", model);
    }
    return overrides;
  }

  @Override
  RunMetrics run(SparkSession spark, JobConfig config) {
    return ScoreJob.run(spark, config);
  }

  @Override
  void printSummary(PrintWriter out, RunMetrics metrics) {
    out.printf(
        "lines read %,d, kept %,d, quarantined %,d%n",
        metrics.getLong("lines.read"),
        metrics.getLong("lines.kept"),
        metrics.getLong("lines.quarantined"));
    out.printf(
        "customers         %,d in the batch: %,d new, %,d known; %,d scored%n",
        metrics.getLong("customers.batch"),
        metrics.getLong("customers.new"),
        metrics.getLong("customers.known"),
        metrics.getLong("customers.scored"));
    out.printf(
        "products          %,d, of which %,d never seen in training (%,d lines)%n",
        metrics.getLong("products.batch"),
        metrics.getLong("products.unseen"),
        metrics.getLong("lines.unseen_products"));
    out.printf("model             %s%n", metrics.get("model.location"));
    printPublished(out, metrics);
    out.printf("output            %s%n", metrics.get("output"));
  }
}
