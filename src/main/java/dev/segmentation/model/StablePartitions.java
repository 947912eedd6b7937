package dev.segmentation.model;

import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * MLlib's k-means|| starts and random-forest bootstraps draw per partition, so the same rows split
 * differently give a different model. Before a fit, rows are therefore laid out as a function of
 * the data alone: one hash partition on the key per so many rows (a setting), sorted within. Small
 * tables get one partition, which also spares every iteration many tiny tasks.
 */
public final class StablePartitions {

  private final long rowsPerPartition;

  /**
   * @param rowsPerPartition {@code segmentation.train.rows-per-partition}: part of what makes a fit
   *     repeatable, so a cluster that wants more parallel fits changes it knowingly
   */
  public StablePartitions(long rowsPerPartition) {
    if (rowsPerPartition < 1) {
      throw new IllegalArgumentException(
          "rows per partition must be positive: " + rowsPerPartition);
    }
    this.rowsPerPartition = rowsPerPartition;
  }

  /** The table laid out for a fit; {@code rows} is its row count. */
  public Dataset<Row> layOut(Dataset<Row> table, String key, long rows) {
    int partitions = (int) Math.max(1, (rows + rowsPerPartition - 1) / rowsPerPartition);
    return table.repartition(partitions, col(key)).sortWithinPartitions(key);
  }
}
