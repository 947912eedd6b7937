package dev.segmentation.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.config.JobConfig;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityGateTest {

  private static final JobConfig.Gate GATE = new JobConfig.Gate(0.2, 0.72, 0.5, 1000, 0.01);

  private static RunMetrics metrics(
      double silhouette, double temporal, long largest, long customers, long quarantined) {
    return new RunMetrics()
        .put("segmentation.silhouette", silhouette)
        .put("classifier.temporal.accuracy", temporal)
        .put("segmentation.sizes", Map.of("0", largest, "1", customers - largest))
        .put("customers.train", customers)
        .put("lines.read", 10_000L)
        .put("lines.quarantined", quarantined);
  }

  @Test
  void aRunThatMeetsEveryThresholdPasses() {
    assertEquals(List.of(), new QualityGate(GATE).failures(metrics(0.2, 0.72, 1_000, 2_000, 100)));
  }

  @Test
  void everyMissedThresholdIsNamed() {
    assertEquals(
        List.of(
            "min-silhouette: silhouette 0.19 < 0.2",
            "min-temporal-accuracy: temporal accuracy 0.5 < 0.72",
            "max-segment-share: largest segment 0.9 > 0.5",
            "min-customers: 900 customers < 1000",
            "max-quarantine-share: quarantined share 0.0101 > 0.01"),
        new QualityGate(GATE).failures(metrics(0.19, 0.5, 810, 900, 101)));
  }

  @Test
  void aMissingFigureFails() {
    RunMetrics metrics = metrics(0.3, 0.8, 1_000, 2_000, 0);
    metrics.put("segmentation.silhouette", null);

    assertEquals(
        List.of("min-silhouette: silhouette NaN < 0.2"), new QualityGate(GATE).failures(metrics));
  }
}
