package dev.segmentation.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.ConcurrentJobs;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class RunMetricsTest {

  @Test
  void dottedPathsNestAndReadBack() {
    RunMetrics metrics = new RunMetrics().put("lines.read", 10).put("lines.kept", 7).put("k", 3);

    assertEquals(7, metrics.getLong("lines.kept"));
    assertEquals(Map.of("read", 10, "kept", 7), metrics.get("lines"));
    assertEquals(null, metrics.get("lines.kept.deeper"));
  }

  @Test
  void aStepRecordsItsSecondsAndTellsWhatItHandled() {
    RunMetrics metrics = new RunMetrics();

    long result =
        metrics.time("count", () -> 41L + 1, handled -> RunMetrics.count(handled, "lines"));
    metrics.time("nothing", () -> {}, () -> "");

    assertEquals(42L, result);
    assertEquals("10,838,180 lines", RunMetrics.count(10_838_180L, "lines"));
    assertEquals("7 customers", RunMetrics.count(7, "customers"));
    Map<?, ?> seconds = (Map<?, ?>) metrics.get("steps_seconds");
    assertEquals(Set.of("count", "nothing"), seconds.keySet());
    seconds
        .values()
        .forEach(value -> Assertions.assertTrue(((Double) value) >= 0, String.valueOf(value)));
  }

  /** Steps run side by side record into the same parents; no figure may be lost. */
  @Test
  void figuresRecordedFromManyThreadsAtOnceAreAllKept() {
    RunMetrics metrics = new RunMetrics();
    List<Callable<Void>> writers = new ArrayList<>();
    for (int thread = 0; thread < 8; thread++) {
      int id = thread;
      writers.add(
          () -> {
            for (int i = 0; i < 2_000; i++) {
              metrics.put("steps.t" + id + ".v" + i, i);
              metrics.put("shared.v" + id + "_" + i, i);
            }
            return null;
          });
    }

    ConcurrentJobs.run(8, writers);

    for (int thread = 0; thread < 8; thread++) {
      assertEquals(2_000, ((Map<?, ?>) metrics.get("steps.t" + thread)).size(), "thread " + thread);
    }
    assertEquals(16_000, ((Map<?, ?>) metrics.get("shared")).size());
  }
}
