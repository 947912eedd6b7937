package dev.segmentation.evaluate;

import dev.segmentation.clean.LineCounts;
import dev.segmentation.config.JobConfig;
import java.util.ArrayList;
import java.util.List;
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

  /**
   * What the gate looks at, as the run measured it.
   *
   * @param silhouette the saved segmentation's silhouette, rounded as metrics.json reports it
   * @param temporalAccuracy the classifier's accuracy on the later window, rounded likewise
   * @param largestSegment customers in the largest segment
   */
  public record Evidence(
      double silhouette,
      double temporalAccuracy,
      long largestSegment,
      long customers,
      LineCounts lines) {}

  /**
   * @param failures the thresholds missed, each as "key: value vs threshold"
   */
  public record Outcome(List<String> failures) {

    public Outcome {
      failures = List.copyOf(failures);
    }

    public boolean passed() {
      return failures.isEmpty();
    }

    /** Under {@code gate.*}, as the documentation names them. */
    public void writeTo(RunMetrics metrics) {
      metrics.put("gate.passed", passed());
      metrics.put("gate.failures", failures);
    }
  }

  public Outcome check(Evidence run) {
    List<String> failures = new ArrayList<>();
    double silhouette = run.silhouette();
    if (!(silhouette >= thresholds.minSilhouette())) { // NaN (no figure) fails too
      failures.add("min-silhouette: silhouette " + silhouette + " < " + thresholds.minSilhouette());
    }
    double temporal = run.temporalAccuracy();
    if (!(temporal >= thresholds.minTemporalAccuracy())) {
      failures.add(
          "min-temporal-accuracy: temporal accuracy "
              + temporal
              + " < "
              + thresholds.minTemporalAccuracy());
    }
    long customers = run.customers();
    double largest = customers == 0 ? 1 : (double) run.largestSegment() / customers;
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
    double quarantined = (double) run.lines().quarantined() / run.lines().read();
    if (quarantined > thresholds.maxQuarantineShare()) {
      failures.add(
          "max-quarantine-share: quarantined share "
              + RunMetrics.rounded(quarantined)
              + " > "
              + thresholds.maxQuarantineShare());
    }
    return new Outcome(failures);
  }
}
