package dev.segmentation.ingest;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.WeakHashMap;
import org.apache.spark.sql.SparkSession;

/**
 * The corrupt input files a read left out ({@code segmentation.input.corrupt-files = skip}), kept
 * per Spark session until the run takes them into its metrics: the source is created deep in the
 * read path, where the run's metrics are not at hand.
 */
public final class SkippedInputFiles {

  private static final Map<SparkSession, Map<String, String>> BY_SESSION = new WeakHashMap<>();

  private SkippedInputFiles() {}

  static synchronized void add(SparkSession spark, Map<String, String> files) {
    BY_SESSION.computeIfAbsent(spark, session -> new LinkedHashMap<>()).putAll(files);
  }

  /** File to what is wrong with it, in the order they were found; forgets them. */
  public static synchronized Map<String, String> take(SparkSession spark) {
    Map<String, String> files = BY_SESSION.remove(spark);
    return files == null ? Map.of() : files;
  }
}
