package dev.segmentation.job;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.execution.LogicalRDD;

/**
 * Materialises an intermediate table and cuts its query plan. Every later Spark job on it then
 * plans against a short plan instead of the whole chain from the raw files: on small tables
 * (thousands of customers, hundreds of k-means iterations) planning would otherwise cost more
 * than computing.
 *
 * <p>The data lives on the executors' block managers (memory, then local disk), like a cache
 * that cannot be recomputed: losing an executor mid-run fails the run, and the scheduler's retry
 * starts it again. Keep executors that hold cached data alive under dynamic allocation
 * ({@code spark.dynamicAllocation.cachedExecutorIdleTimeout}).
 */
final class Checkpoints {

  private Checkpoints() {}

  static Dataset<Row> materialise(Dataset<Row> table) {
    return table.localCheckpoint(true);
  }

  /**
   * Frees the blocks of a table {@link #materialise} returned, without waiting for the driver's
   * garbage collector to let Spark's cleaner do it. Nothing may read the table afterwards.
   */
  static void release(Dataset<Row> materialised) {
    if (!(materialised.queryExecution().analyzed() instanceof LogicalRDD table)) {
      throw new IllegalArgumentException("not a materialised table: " + materialised.queryExecution().analyzed());
    }
    table.rdd().unpersist(false);
  }
}
