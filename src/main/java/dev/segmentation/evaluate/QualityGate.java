package dev.segmentation.evaluate;

import dev.segmentation.config.JobConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides from a training run's metrics whether its results may be published. Each missed threshold
 * becomes one readable line; none means the run passes.
 */
public final class QualityGate {

  private final JobConfig.Gate thresholds;

  public QualityGate(JobConfig.Gate thresholds) {
    this.thresholds = Objects.requireNonNull(thresholds, "thresholds");
  }

  /** The thresholds missed, each as "key: value vs threshold"; empty when the run passes. */
  public List<String> failures(RunMetrics metrics) {
    List<String> failures = new ArrayList<>();
    double silhouette = number(metrics, "segmentation.silhouette");
    if (!(silhouette >= thresholds.minSilhouette())) { // NaN (no figure) fails too
      failures.add("min-silhouette: silhouette " + silhouette + " < " + thresholds.minSilhouette());
    }
    double temporal = number(metrics, "classifier.temporal.accuracy");
    if (!(temporal >= thresholds.minTemporalAccuracy())) {
      failures.add(
          "min-temporal-accuracy: temporal accuracy "
              + temporal
              + " < "
              + thresholds.minTemporalAccuracy());
    }
    long customers = metrics.getLong("customers.train");
    double largest = largestShare(metrics, customers);
    if (largest > thresholds.maxSegmentShare()) {
      failures.add(
          "max-segment-share: largest segment "
              + RunMetrics.rounded(largest)
              + " > "
              + thresholds.maxSegmentShare());
    }
    if (customers < thresholds.minCustomers()) {
      failures.add("min-customers: " + customers + " customers < " + thresholds.minCustomers());
    }
    double quarantined =
        (double) metrics.getLong("lines.quarantined") / metrics.getLong("lines.read");
    if (quarantined > thresholds.maxQuarantineShare()) {
      failures.add(
          "max-quarantine-share: quarantined share "
              + RunMetrics.rounded(quarantined)
              + " > "
              + thresholds.maxQuarantineShare());
    }
    return failures;
  }

  private static double largestShare(RunMetrics metrics, long customers) {
    Object sizes = metrics.get("segmentation.sizes");
    long largest = 0;
    if (sizes instanceof Map<?, ?> map) {
      for (Object size : map.values()) {
        largest = Math.max(largest, ((Number) size).longValue());
      }
    }
    return customers == 0 ? 1 : (double) largest / customers;
  }

  private static double number(RunMetrics metrics, String path) {
    Object value = metrics.get(path);
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
