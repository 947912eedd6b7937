package dev.segmentation.cli;

import dev.segmentation.config.JobConfig;
import org.apache.spark.sql.SparkSession;

/** Starts Spark with the configured settings; spark-submit's own settings stay in force. */
final class SparkSessions {

  private SparkSessions() {}

  static SparkSession getOrCreate(JobConfig config) {
    SparkSession.Builder builder = SparkSession.builder();
    config.sparkConf().forEach(builder::config);
    boolean masterGiven =
        config.sparkConf().containsKey("spark.master")
            || System.getProperty("spark.master") != null;
    if (!masterGiven) {
      // Run with plain `java` (no spark-submit, no overlay): use this machine's cores.
      builder.master("local[*]");
    }
    return builder.getOrCreate();
  }

  static void stopActive() {
    SparkSession.getActiveSession()
        .foreach(
            session -> {
              session.stop();
              return null;
            });
  }
}
