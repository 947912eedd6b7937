package dev.segmentation.cli;

import dev.segmentation.config.ConfigLoader;
import dev.segmentation.config.JobConfig;
import java.io.File;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The options every subcommand takes; they all end up as configuration overrides. */
final class CommonOptions {

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description = "Overlay on the defaults, e.g. conf/local.conf or conf/emr.conf.")
  File config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description =
          "Override one setting, e.g. --set spark.sql.shuffle.partitions=16 (repeatable).")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--input",
      paramLabel = "URI",
      description = "Input file, folder or glob (repeatable); file:, hdfs:// or s3a://.")
  List<String> inputs = List.of();

  @Option(
      names = "--output",
      paramLabel = "URI",
      description = "Output root; runs go to URI/RUN-ID/.")
  String output;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description = "Run folder name (default: UTC time).")
  String runId;

  /**
   * @param subcommandOverrides settings of a subcommand's own options; --set wins over them
   */
  JobConfig load(Map<String, String> subcommandOverrides) {
    Map<String, String> overrides = new LinkedHashMap<>(subcommandOverrides);
    overrides.putAll(settings);
    if (!inputs.isEmpty()) {
      overrides.put("segmentation.input.uris", String.join(",", inputs));
    }
    if (output != null) {
      overrides.put("segmentation.output.root", output);
    }
    if (runId != null) {
      overrides.put("segmentation.run-id", runId);
    }
    return ConfigLoader.withPackagedDefaults()
        .load(Optional.ofNullable(config), overrides, System.getenv());
  }
}
