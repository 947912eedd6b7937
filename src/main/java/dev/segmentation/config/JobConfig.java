package dev.segmentation.config;

import java.util.List;
import java.util.Map;

/**
 * Everything a run needs, read and validated once at start-up by {@link ConfigLoader}. Stages
 * receive the part they need; none of them reads a raw configuration key.
 *
 * @param runId names the run folder under {@link Output#root()}
 * @param sparkConf Spark settings, full keys ({@code spark.sql.shuffle.partitions}) to values
 */
public record JobConfig(
    String runId, Input input, Output output, Cleaning cleaning, Map<String, String> sparkConf) {

  public JobConfig {
    sparkConf = Map.copyOf(sparkConf);
  }

  /** Where the invoice lines come from and how to read them. */
  public record Input(
      List<String> uris, InputFormat format, Csv csv, List<String> timestampPatterns) {

    public Input {
      uris = List.copyOf(uris);
      timestampPatterns = List.copyOf(timestampPatterns);
    }
  }

  public enum InputFormat {
    CSV,
    PARQUET
  }

  /** CSV dialect; each value is one character. */
  public record Csv(boolean header, char delimiter, char quote, char escape) {}

  /** Root under which each run writes its folder. */
  public record Output(String root) {}

  /**
   * Cleaning rules.
   *
   * @param nonProductCodes exact stock codes, or prefixes written with a trailing {@code *}
   * @param matchCancellations pair cancellations with the purchases they cancel
   */
  public record Cleaning(List<String> nonProductCodes, boolean matchCancellations) {

    public Cleaning {
      nonProductCodes = List.copyOf(nonProductCodes);
    }
  }
}
