package dev.segmentation.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.segmentation.SparkTestBase;
import java.util.HashSet;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class CheckpointsTest extends SparkTestBase {

  private Set<Object> persistentRdds() {
    return new HashSet<>(JavaSparkContext.fromSparkContext(spark().sparkContext()).getPersistentRDDs().keySet());
  }

  @Test
  void aMaterialisedTableHoldsBlocksUntilReleased() {
    Set<Object> before = persistentRdds();

    Dataset<Row> table = Checkpoints.materialise(spark().range(1_000).toDF("n").filter("n % 3 = 0"));
    Set<Object> held = persistentRdds();
    held.removeAll(before);

    assertEquals(334, table.count());
    assertEquals(1, held.size());
    Checkpoints.release(table);
    Set<Object> after = persistentRdds();
    after.removeAll(before);
    assertEquals(Set.of(), after);
  }

  @Test
  void onlyAMaterialisedTableCanBeReleased() {
    assertThrows(IllegalArgumentException.class, () -> Checkpoints.release(spark().range(3).toDF("n")));
  }
}
