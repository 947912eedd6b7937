package dev.segmentation.job;

import dev.segmentation.BuildInfo;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.Secrets;
import dev.segmentation.evaluate.RunMetrics;
import java.time.Instant;

/** The part of metrics.json every subcommand starts with: what ran, on what, with which settings. */
final class RunStart {

  private RunStart() {}

  static RunMetrics metricsFor(JobConfig config, String subcommand) {
    return new RunMetrics()
        .put("run_id", config.runId())
        .put("subcommand", subcommand)
        .put("code_version", BuildInfo.version())
        .put("started_at", Instant.now().toString())
        .put("config.input.uris", config.input().uris())
        .put("config.input.format", config.input().format().name().toLowerCase())
        .put("config.output.root", config.output().root())
        .put("config.cleaning.non_product_codes", config.cleaning().nonProductCodes())
        .put("config.cleaning.match_cancellations", config.cleaning().matchCancellations())
        .put("config.spark", Secrets.redact(config.sparkConf()));
  }
}
