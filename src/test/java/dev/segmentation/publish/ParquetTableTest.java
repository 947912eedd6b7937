package dev.segmentation.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet folders for readers without Iceberg: Spark's dynamic partition overwrite, per date. */
class ParquetTableTest extends SparkTestBase {

  @TempDir Path dir;

  @Test
  void aPublishReplacesOnlyItsDateAndTheNewestDateIsCurrent() {
    publish("2026-11-23", "r1", 3);
    publish("2026-11-24", "r2", 2);
    WarehouseTable.Published rerun = publish("2026-11-23", "r3", 4);

    assertEquals(4L, rerun.rows());
    assertEquals(List.of("2026-11-23 r3 4", "2026-11-24 r2 2"), table());
    WarehouseTable.Current current = table("segments").current().orElseThrow();
    assertEquals(LocalDate.parse("2026-11-24"), current.date());
    assertEquals(
        Map.of(WarehouseTable.RUN_ID, "r2", WarehouseTable.MODEL_VERSION, "model-r2"),
        current.details());
    assertEquals(2L, current.rows().count());
    Assertions.assertTrue(Files.exists(dir.resolve("segments/snapshot_date=2026-11-23")));
  }

  @Test
  void aRunWithoutRowsEmptiesItsDate() {
    publish("2026-11-23", "r1", 3);
    publish("2026-11-24", "r2", 2);

    assertEquals(0L, publish("2026-11-24", "r3", 0).rows());
    assertEquals(List.of("2026-11-23 r1 3"), table());
    assertEquals(LocalDate.parse("2026-11-23"), table("segments").current().orElseThrow().date());
  }

  @Test
  void runsForDifferentDatesPublishSideBySide() {
    CompletableFuture<WarehouseTable.Published> monday =
        CompletableFuture.supplyAsync(() -> publish("2026-11-23", "m", 30));
    CompletableFuture<WarehouseTable.Published> tuesday =
        CompletableFuture.supplyAsync(() -> publish("2026-11-24", "t", 20));

    assertEquals(30L, monday.join().rows());
    assertEquals(20L, tuesday.join().rows());
    assertEquals(List.of("2026-11-23 m 30", "2026-11-24 t 20"), table());
  }

  @Test
  void aTableNeverPublishedHasNoCurrentSnapshot() {
    Assertions.assertTrue(table("segments").current().isEmpty());
  }

  private WarehouseTable table(String name) {
    return new ParquetTable(spark(), dir.toString(), name);
  }

  private WarehouseTable.Published publish(String date, String runId, int rows) {
    return table("segments")
        .publish(
            PublishingProcess.segmentRows(spark(), runId, rows, 2),
            LocalDate.parse(date),
            Map.of(WarehouseTable.RUN_ID, runId, WarehouseTable.MODEL_VERSION, "model-" + runId));
  }

  private List<String> table() {
    return spark()
        .read()
        .parquet(dir.resolve("segments").toString())
        .groupBy("snapshot_date", "run_id")
        .count()
        .orderBy("snapshot_date")
        .collectAsList()
        .stream()
        .map(r -> r.get(0) + " " + r.get(1) + " " + r.get(2))
        .toList();
  }
}
