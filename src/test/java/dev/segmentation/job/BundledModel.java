package dev.segmentation.job;

import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * One {@code train} run on the full bundled data, shared by the test classes that need a trained
 * model: training takes a minute, so it happens once per test JVM.
 */
final class BundledModel {

  static final String RUN_ID = "first";

  private static Path root;

  private BundledModel() {}

  /** The output root of the shared run; its folder is {@code root/first/}. */
  static synchronized Path root(SparkSession spark) {
    if (root == null) {
      try {
        Path dir = Files.createTempDirectory("bundled-model");
        TrainJob.run(spark, config(dir, RUN_ID, Map.of()));
        root = dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root;
  }

  static Path run(SparkSession spark) {
    return root(spark).resolve(RUN_ID);
  }

  static Path models(SparkSession spark) {
    return run(spark).resolve("models");
  }

  static JobConfig config(Path outputRoot, String runId, Map<String, String> more) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put("segmentation.output.root", outputRoot.toString());
    overrides.put("segmentation.run-id", runId);
    return TestConfigs.withOverrides(overrides);
  }
}
