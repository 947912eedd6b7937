package dev.segmentation.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.clean.LineCounts;
import dev.segmentation.config.JobConfig;
import dev.segmentation.ingest.MalformedReason;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QualityGateTest {

  private static final JobConfig.Gate GATE = new JobConfig.Gate(0.2, 0.72, 0.5, 1000, 0.01);

  private static QualityGate.Evidence run(
      double silhouette, double temporal, long largest, long customers, long quarantined) {
    LineCounts lines =
        LineCounts.of(
            10_000L,
            10_000L - quarantined,
            Map.of(MalformedReason.values()[0].label(), quarantined),
            Map.of());
    return new QualityGate.Evidence(silhouette, temporal, largest, customers, lines);
  }

  private static List<String> failures(QualityGate.Evidence run) {
    return new QualityGate(GATE).check(run).failures();
  }

  @Test
  void aRunThatMeetsEveryThresholdPasses() {
    assertEquals(List.of(), failures(run(0.2, 0.72, 1_000, 2_000, 100)));
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
        failures(run(0.19, 0.5, 810, 900, 101)));
  }

  @Test
  void aMissingFigureFails() {
    assertEquals(
        List.of("min-silhouette: silhouette NaN < 0.2"),
        failures(run(Double.NaN, 0.8, 1_000, 2_000, 0)));
  }
}
