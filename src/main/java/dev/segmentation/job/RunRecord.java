package dev.segmentation.job;

import dev.segmentation.BuildInfo;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.Secrets;
import dev.segmentation.evaluate.ProcessStats;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.publish.RunOutput;
import java.time.Instant;

/**
 * What every subcommand records around its own figures: at the start what ran, on what and with
 * which settings; at the end the output, the total time and peak memory, written as metrics.json.
 */
final class RunRecord {

  static final String METRICS = "metrics.json";

  private RunRecord() {}

  static RunMetrics begin(JobConfig config, String subcommand) {
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

  static void finish(RunMetrics metrics, RunOutput output, long startNanos) {
    metrics.put("output", output.location());
    metrics.put("steps_seconds.total", Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0);
    ProcessStats.peakResidentMegabytes().ifPresent(mb -> metrics.put("driver.peak_rss_mb", mb));
    output.writeText(METRICS, metrics.toJson());
  }
}
