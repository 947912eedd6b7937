package dev.segmentation.model;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * MLlib's k-means|| starts and random-forest bootstraps draw per partition, so the same rows
 * split differently give a different model. Before a fit, rows are therefore laid out as a
 * function of the data alone: a fixed number of hash partitions on the key, sorted within.
 * Small tables get one partition, which also spares every iteration many tiny tasks.
 */
public final class StablePartitions {

  private static final long ROWS_PER_PARTITION = 250_000;

  private StablePartitions() {}

  public static Dataset<Row> of(Dataset<Row> table, String key, long rows) {
    int partitions = (int) Math.max(1, (rows + ROWS_PER_PARTITION - 1) / ROWS_PER_PARTITION);
    return table.repartition(partitions, col(key)).sortWithinPartitions(key);
  }
}
