package dev.segmentation.cli;

import dev.segmentation.config.JobConfig;
import dev.segmentation.job.ScoreJob;
import dev.segmentation.job.ScoreResult;
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
final class ScoreCommand extends JobCommand<ScoreResult> {

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
  ScoreResult run(SparkSession spark, JobConfig config) {
    return ScoreJob.run(spark, config);
  }

  @Override
  void printSummary(PrintWriter out, ScoreResult result) {
    out.printf(
        "lines read %,d, kept %,d, quarantined %,d%n",
        result.lines().read(), result.lines().kept(), result.lines().quarantined());
    ScoreResult.Customers customers = result.customers();
    out.printf(
        "customers         %,d in the batch: %,d new, %,d known; %,d scored%n",
        customers.batch(), customers.unseen(), customers.known(), customers.scored());
    ScoreResult.Products products = result.products();
    out.printf(
        "products          %,d, of which %,d never seen in training (%,d lines)%n",
        products.batch(), products.unseen(), products.unseenLines());
    out.printf("model             %s%n", result.model());
    printPublished(out, result);
    out.printf("output            %s%n", result.output());
  }
}
