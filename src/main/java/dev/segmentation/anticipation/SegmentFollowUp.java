package dev.segmentation.anticipation;

import static dev.segmentation.features.FeatureColumns.FOLLOWUP_INVOICES;
import static dev.segmentation.features.FeatureColumns.FOLLOWUP_SPEND;
import static dev.segmentation.features.FeatureColumns.FULL_FOLLOWUP;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.median;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segmentation.model.CustomerSegmenter;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What each segment's customers actually did in the horizon after their own first purchase. Means
 * and medians count only customers with a full horizon of follow-up; the others are counted, since
 * their figures are cut short by the end of the data.
 *
 * <p>Input: {@code segment} and the {@link dev.segmentation.anticipation.FollowUp} columns, one row
 * per customer. Output: one row per segment with the columns named below.
 */
public final class SegmentFollowUp {

  public static final String CUSTOMERS = "customers";
  public static final String SHORT_FOLLOWUP = "customers_short_followup";
  public static final String INVOICES_MEAN = "followup_invoices_mean";
  public static final String INVOICES_MEDIAN = "followup_invoices_median";
  public static final String SPEND_MEAN = "followup_spend_mean";
  public static final String SPEND_MEDIAN = "followup_spend_median";

  public Dataset<Row> apply(Dataset<Row> segmentedFollowUps) {
    return segmentedFollowUps
        .groupBy(col(CustomerSegmenter.SEGMENT))
        .agg(
            count(lit(1)).as(CUSTOMERS),
            sum(when(not(col(FULL_FOLLOWUP)), 1).otherwise(0)).cast("long").as(SHORT_FOLLOWUP),
            avg(full(FOLLOWUP_INVOICES)).as(INVOICES_MEAN),
            median(full(FOLLOWUP_INVOICES)).as(INVOICES_MEDIAN),
            avg(full(FOLLOWUP_SPEND)).as(SPEND_MEAN),
            median(full(FOLLOWUP_SPEND)).as(SPEND_MEDIAN))
        .orderBy(col(CustomerSegmenter.SEGMENT));
  }

  /** The value where the follow-up is complete, else null (which avg and median skip). */
  private static Column full(String column) {
    return when(col(FULL_FOLLOWUP), col(column));
  }
}
