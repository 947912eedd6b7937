package dev.segmentation.job;

import dev.segmentation.BuildInfo;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.Secrets;
import dev.segmentation.evaluate.ClusterEvents;
import dev.segmentation.evaluate.ProcessStats;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.publish.RunOutput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;

/**
 * What every subcommand does around its own work: at the start it records what ran, on what and
 * with which settings, listens for lost executors and opens the run's {@link Checkpoints}; at the
 * end it records the output, the total time, peak memory and what the cluster did, and writes
 * metrics.json. Closing it deletes the run's checkpoints, whether the run succeeded or not.
 */
final class RunRecord implements AutoCloseable {

  static final String METRICS = "metrics.json";
  static final String DRIVER_LOG = "driver.log";

  private final SparkSession spark;
  private final RunMetrics metrics;
  private final Checkpoints checkpoints;
  private final ClusterEvents events;
  private final long startNanos = System.nanoTime();
  private boolean listening = true;
  private double totalSeconds = Double.NaN;

  private RunRecord(SparkSession spark, RunMetrics metrics, Checkpoints checkpoints) {
    this.spark = spark;
    this.metrics = metrics;
    this.checkpoints = checkpoints;
    this.events = ClusterEvents.listen(spark.sparkContext());
  }

  static RunRecord begin(SparkSession spark, JobConfig config, String subcommand) {
    RunMetrics metrics =
        new RunMetrics()
            .put("run_id", config.runId())
            .put("subcommand", subcommand)
            .put("code_version", BuildInfo.version())
            .put("started_at", Instant.now().toString())
            .put("config.input.uris", config.input().uris())
            .put("config.input.format", config.input().format().name().toLowerCase())
            .put("config.input.corrupt_files", config.input().corruptFiles().name().toLowerCase())
            .put("config.output.root", config.output().root())
            .put("config.cleaning.non_product_codes", config.cleaning().nonProductCodes())
            .put("config.cleaning.match_cancellations", config.cleaning().matchCancellations())
            .put("config.spark", Secrets.redact(config.sparkConf()));
    Checkpoints checkpoints = Checkpoints.open(spark, config);
    metrics.put("config.materialise", checkpoints.mode());
    return new RunRecord(spark, metrics, checkpoints);
  }

  RunMetrics metrics() {
    return metrics;
  }

  Checkpoints checkpoints() {
    return checkpoints;
  }

  /** Records the end of the run and writes metrics.json; returns the run folder. */
  String finish(RunOutput output) {
    stopListening();
    metrics.put("output", output.location());
    totalSeconds = Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
    metrics.put("steps_seconds.total", totalSeconds);
    ProcessStats.peakResidentMegabytes().ifPresent(mb -> metrics.put("driver.peak_rss_mb", mb));
    output.writeText(METRICS, metrics.toJson());
    driverLog().ifPresent(log -> output.copyLocalFile(DRIVER_LOG, log));
    return output.location();
  }

  /** The run's wall time in seconds, once {@link #finish} has recorded it. */
  double totalSeconds() {
    return totalSeconds;
  }

  /**
   * The log file conf/log4j2.properties writes, when the launcher named one (scripts/segment does).
   */
  private static Optional<Path> driverLog() {
    return Optional.ofNullable(System.getProperty("segmentation.log.file"))
        .map(Path::of)
        .filter(Files::isRegularFile);
  }

  @Override
  public void close() {
    stopListening();
    checkpoints.close();
  }

  private void stopListening() {
    if (listening) {
      events.stop(spark.sparkContext(), metrics);
      listening = false;
    }
  }
}
