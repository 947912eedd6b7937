package dev.segmentation.job;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.segmentation.SparkTestBase;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.util.LongAccumulator;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointsTest extends SparkTestBase {

  @TempDir Path scratch;

  @Test
  void autoIsLocalOnALocalMaster() {
    try (Checkpoints checkpoints = open("auto", "")) {
      assertEquals("local", checkpoints.mode());
    }
  }

  @Test
  void everyModeHoldsBlocksUntilReleased() {
    for (String mode : new String[] {"local", "persist", "reliable"}) {
      try (Checkpoints checkpoints = open(mode, scratch.toUri().toString())) {
        Set<Integer> before = persistentRdds();
        Dataset<Row> table = checkpoints.materialise(multiplesOfThree());
        assertEquals(334, table.count(), mode);
        assertEquals(334, checkpoints.rows(table), mode + " counts the rows as it keeps them");
        assertEquals(1, added(before).size(), mode + " keeps one table's blocks");
        checkpoints.release(table);
        assertEquals(Set.of(), added(before), mode);
      }
    }
  }

  @Test
  void aPersistedTableIsRecomputedWhenItsBlocksAreLost() {
    try (Checkpoints checkpoints = open("persist", "")) {
      Set<Integer> before = persistentRdds();
      Dataset<Row> table = checkpoints.materialise(multiplesOfThree());
      dropBlocks(added(before));

      assertEquals(334, table.count());
      assertEquals(166_833L, table.agg(org.apache.spark.sql.functions.sum("n")).first().getLong(0));
      checkpoints.release(table);
    }
  }

  @Test
  void aLocalCheckpointCannotBeRecomputed() {
    try (Checkpoints checkpoints = open("local", "")) {
      Set<Integer> before = persistentRdds();
      Dataset<Row> table = checkpoints.materialise(multiplesOfThree());
      dropBlocks(added(before));

      SparkException lost = assertThrows(SparkException.class, table::count);
      Assertions.assertTrue(
          String.valueOf(lost.getMessage()).contains("Checkpoint block"), lost.getMessage());
    }
  }

  @Test
  void reliableCheckpointsLiveInTheRunFolderUntilClosed() throws Exception {
    Path runFolder = scratch.resolve("checkpoint-test");
    Dataset<Row> table;
    try (Checkpoints checkpoints = open("reliable", scratch.toUri().toString())) {
      Set<Integer> before = persistentRdds();
      table = checkpoints.materialise(multiplesOfThree());
      assertInstanceOf(LogicalRDD.class, table.queryExecution().analyzed());
      Assertions.assertTrue(
          Files.list(runFolder).findAny().isPresent(), "checkpoint files in " + runFolder);
      dropBlocks(added(before));
      // Read back from the files: the blocks are not needed.
      assertEquals(334, table.count());
      assertEquals(166_833L, table.agg(org.apache.spark.sql.functions.sum("n")).first().getLong(0));
    }
    assertFalse(Files.exists(runFolder), runFolder + " is deleted at the end of the run");
  }

  @Test
  void onlyAMaterialisedTableCanBeReleasedOrCounted() {
    try (Checkpoints checkpoints = open("local", "")) {
      assertThrows(
          IllegalArgumentException.class, () -> checkpoints.release(spark().range(3).toDF("n")));
      assertThrows(
          IllegalArgumentException.class, () -> checkpoints.rows(spark().range(3).toDF("n")));
      Dataset<Row> released = checkpoints.materialise(multiplesOfThree());
      checkpoints.release(released);
      assertThrows(IllegalArgumentException.class, () -> checkpoints.rows(released));
    }
  }

  @Test
  void aShuffledTableIsShuffledOnceAndReadAsLaidOut() {
    try (Checkpoints checkpoints = open("local", "")) {
      LongAccumulator computed = spark().sparkContext().longAccumulator("computed");
      Dataset<Row> counted =
          spark()
              .range(1_000)
              .map(
                  (MapFunction<Long, Long>)
                      n -> {
                        computed.add(1);
                        return n % 7;
                      },
                  Encoders.LONG())
              .toDF("n");

      Dataset<Row> shuffled = checkpoints.shuffled(counted, col("n"));

      assertEquals(1_000, checkpoints.rows(shuffled), "rows counted as they are shuffled");
      assertEquals(1_000, computed.value(), "the shuffle is written as the table is made");
      Dataset<Row> perValue = shuffled.groupBy(col("n")).count();
      assertEquals(7, perValue.collectAsList().size());
      assertEquals(1_000, shuffled.count());
      assertEquals(1_000, computed.value(), "later reads read the shuffle, not the input");
      String plan = perValue.queryExecution().executedPlan().toString();
      assertFalse(
          plan.contains("Exchange"), "grouped by its own column without a shuffle:\n" + plan);
    }
  }

  private Checkpoints open(String mode, String dir) {
    Map<String, String> settings =
        new HashMap<>(
            Map.of(
                "segmentation.materialise.mode", mode, "segmentation.run-id", "checkpoint-test"));
    if (!dir.isEmpty()) {
      settings.put("segmentation.materialise.checkpoint-dir", dir);
    }
    JobConfig config = TestConfigs.withOverrides(settings);
    return Checkpoints.open(spark(), config);
  }

  private Dataset<Row> multiplesOfThree() {
    return spark().range(1_000).toDF("n").filter("n % 3 = 0");
  }

  private Set<Integer> persistentRdds() {
    Set<Integer> ids = new HashSet<>();
    JavaSparkContext.fromSparkContext(spark().sparkContext())
        .getPersistentRDDs()
        .keySet()
        .forEach(id -> ids.add((Integer) id));
    return ids;
  }

  private Set<Integer> added(Set<Integer> before) {
    Set<Integer> now = persistentRdds();
    now.removeAll(before);
    return now;
  }

  /** What a lost executor does to the blocks it held; Spark still believes them cached. */
  private void dropBlocks(Set<Integer> rdds) {
    assertFalse(rdds.isEmpty());
    rdds.forEach(id -> spark().sparkContext().env().blockManager().master().removeRdd(id, true));
  }
}
