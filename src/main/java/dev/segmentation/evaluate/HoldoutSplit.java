package dev.segmentation.evaluate;

import static dev.segmentation.features.FeatureColumns.CUSTOMER_ID;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;

/**
 * The customers held out from a fit to test it on: a share chosen by a seeded hash of the customer
 * id, so the same customers on any partitioning, in {@code local[*]} and on a cluster.
 */
public final class HoldoutSplit {

  private static final int BUCKETS = 10_000;

  private HoldoutSplit() {}

  /** True for about {@code fraction} of the customers (to 1/10,000), the same for one seed. */
  public static Column heldOut(long seed, double fraction) {
    return pmod(xxhash64(col(CUSTOMER_ID), lit(seed)), lit(BUCKETS))
        .lt(lit(Math.round(fraction * BUCKETS)));
  }
}
