package dev.segmentation.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.segmentation.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;

class StablePartitionsTest extends SparkTestBase {

  @Test
  void onePartitionPerSoManyRowsEachSortedAndTheSameWhateverTheInputOrder() {
    Dataset<Row> ids =
        spark().range(1, 6).select(functions.col("id").cast("string").as("customer_id"));
    StablePartitions layout = new StablePartitions(2);

    List<List<Row>> ascending = layout.layOut(ids, "customer_id", 5).javaRDD().glom().collect();
    List<List<Row>> descending =
        layout
            .layOut(ids.orderBy(functions.desc("customer_id")), "customer_id", 5)
            .javaRDD()
            .glom()
            .collect();

    assertEquals(3, ascending.size());
    assertEquals(ascending, descending);
    for (List<Row> partition : ascending) {
      List<String> keys = partition.stream().map(row -> row.getString(0)).toList();
      assertEquals(keys.stream().sorted().toList(), keys);
    }
    assertEquals(
        1, new StablePartitions(250_000).layOut(ids, "customer_id", 5).rdd().getNumPartitions());
  }

  @Test
  void rejectsANonPositiveRowCount() {
    assertThrows(IllegalArgumentException.class, () -> new StablePartitions(0));
  }
}
