package dev.segmentation.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segmentation.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots replace only their own date, and a publish that dies leaves the table as it was. */
class TablePublisherTest extends SparkTestBase {

  private static final StructType SCHEMA = new StructType()
      .add("customer_id", DataTypes.StringType)
      .add("segment", DataTypes.IntegerType);
  private static final LocalDate MONDAY = LocalDate.parse("2026-11-23");
  private static final LocalDate TUESDAY = LocalDate.parse("2026-11-24");

  @TempDir Path dir;

  @Test
  void aRerunReplacesOnlyItsOwnDateAndTheManifestNamesTheLatest() throws IOException {
    publisher().publish(rows("a", 1, "b", 2), MONDAY, Map.of("model_version", "m1", "run_id", "r1"));
    publisher().publish(rows("a", 3), TUESDAY, Map.of("model_version", "m2", "run_id", "r2"));
    publisher().publish(rows("a", 5, "c", 6), MONDAY, Map.of("model_version", "m3", "run_id", "r3"));

    assertEquals(List.of("2026-11-23 a 5", "2026-11-23 c 6", "2026-11-24 a 3"), table());
    JsonNode manifest = manifest();
    assertEquals("2026-11-24", manifest.get("current_snapshot").asText());
    assertEquals("m2", manifest.get("model_version").asText());
    assertEquals("m3", manifest.at("/snapshots/2026-11-23/model_version").asText());
    assertEquals(2, manifest.at("/snapshots/2026-11-23/rows").asLong());
    Assertions.assertTrue(Files.exists(dir.resolve("segments/snapshot_date=2026-11-23/_SUCCESS")));
    Assertions.assertFalse(Files.exists(dir.resolve("segments/_staging/snapshot_date=2026-11-23")));
    try (var trash = Files.list(dir.resolve("segments/_trash"))) {
      assertEquals(0, trash.count());
    }
  }

  @Test
  void aPublishKilledBeforeItsCommitLeavesTheTableReadableAndUnchanged() throws IOException {
    publisher().publish(rows("a", 1), MONDAY, Map.of("model_version", "m1", "run_id", "r1"));
    String before = Files.readString(dir.resolve("segments/" + TablePublisher.MANIFEST));

    for (String step : List.of("replace", "manifest")) {
      TablePublisher dying = new TablePublisher(spark(), dir.toString(), "segments", name -> {
        if (name.equals(step)) {
          throw new IllegalStateException("killed before " + name);
        }
      });
      assertThrows(IllegalStateException.class,
          () -> dying.publish(rows("a", 9, "b", 9), MONDAY, Map.of("model_version", "m2", "run_id", "r2")));
      if (step.equals("replace")) {
        assertEquals(List.of("2026-11-23 a 1"), table());
        assertEquals(before, Files.readString(dir.resolve("segments/" + TablePublisher.MANIFEST)));
      }
    }

    publisher().publish(rows("a", 9, "b", 9), MONDAY, Map.of("model_version", "m2", "run_id", "r2"));
    assertEquals(List.of("2026-11-23 a 9", "2026-11-23 b 9"), table());
    assertEquals("m2", manifest().get("model_version").asText());
  }

  @Test
  void runsForDifferentDatesPublishSideBySide() throws IOException {
    CompletableFuture<Long> monday = CompletableFuture.supplyAsync(() ->
        publisher().publish(rows("a", 1, "b", 2), MONDAY, Map.of("model_version", "m1", "run_id", "r1")));
    CompletableFuture<Long> tuesday = CompletableFuture.supplyAsync(() ->
        publisher().publish(rows("c", 3), TUESDAY, Map.of("model_version", "m2", "run_id", "r2")));

    assertEquals(2L, monday.join());
    assertEquals(1L, tuesday.join());
    assertEquals(List.of("2026-11-23 a 1", "2026-11-23 b 2", "2026-11-24 c 3"), table());
    // Neither run lost the other's entry in the manifest.
    assertEquals(2L, manifest().at("/snapshots/2026-11-23/rows").asLong());
    assertEquals(1L, manifest().at("/snapshots/2026-11-24/rows").asLong());
    assertEquals("2026-11-24", manifest().get("current_snapshot").asText());
    Assertions.assertFalse(Files.exists(dir.resolve("segments/_manifest.lock")));
  }

  private TablePublisher publisher() {
    return new TablePublisher(spark(), dir.toString(), "segments");
  }

  private Dataset<Row> rows(Object... idsAndSegments) {
    Object[][] values = new Object[idsAndSegments.length / 2][];
    for (int i = 0; i < values.length; i++) {
      values[i] = new Object[] {idsAndSegments[2 * i], idsAndSegments[2 * i + 1]};
    }
    return rows(SCHEMA, values);
  }

  private List<String> table() {
    return spark().read().parquet(dir.resolve("segments").toString())
        .orderBy("snapshot_date", "customer_id").collectAsList().stream()
        .map(r -> r.getAs("snapshot_date") + " " + r.getAs("customer_id") + " " + r.getAs("segment"))
        .toList();
  }

  private JsonNode manifest() throws IOException {
    return new ObjectMapper().readTree(dir.resolve("segments/" + TablePublisher.MANIFEST).toFile());
  }
}
