package dev.segmentation.job;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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
}
