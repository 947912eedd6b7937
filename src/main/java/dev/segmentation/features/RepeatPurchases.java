package dev.segmentation.features;

import static dev.segmentation.features.FeatureColumns.BASKET_AMOUNT;
import static dev.segmentation.features.FeatureColumns.CUSTOMER_ID;
import static dev.segmentation.features.FeatureColumns.INVOICE_TS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.min_by;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Baskets to the summary the buy-till-you-die models (BG/NBD, Gamma-Gamma) are fitted on, one row
 * per customer of the window that ends at {@code end} (exclusive):
 *
 * <ul>
 *   <li>{@link #REPEAT_DAYS} <i>x</i>: purchase days after the first. Days, not invoices: a
 *       customer who splits one order into three invoices within the hour, or re-orders after a
 *       cancellation, made one purchase, and the models count purchase occasions;
 *   <li>{@link #RECENCY} <i>t<sub>x</sub></i>: days from the first purchase day to the last;
 *   <li>{@link #AGE} <i>T</i>: days from the first purchase day to the end of the window;
 *   <li>{@link #REPEAT_SPEND}: the mean spend of the repeat purchase days (0 without any), the
 *       first day left out as the models require (it is what made the customer a customer).
 * </ul>
 *
 * <p>Input: {@link BasketTable} rows with a positive amount, before {@code end}.
 */
public final class RepeatPurchases {

  public static final String REPEAT_DAYS = "repeat_days";
  public static final String RECENCY = "repeat_recency_days";
  public static final String AGE = "age_days";
  public static final String REPEAT_SPEND = "repeat_spend_mean";

  private static final String DAY = "_day";
  private static final String SPEND = "_spend";

  private final LocalDate end;

  public RepeatPurchases(LocalDate end) {
    this.end = Objects.requireNonNull(end, "end");
  }

  public Dataset<Row> apply(Dataset<Row> baskets) {
    Dataset<Row> days =
        baskets
            .withColumn(DAY, to_date(col(INVOICE_TS)))
            .where(col(DAY).lt(lit(end)))
            .groupBy(col(CUSTOMER_ID), col(DAY))
            // Exact sums: the same figures on any partitioning, to the last bit.
            .agg(FeatureColumns.sumOfMoney(col(BASKET_AMOUNT)).as(SPEND));
    Dataset<Row> customers =
        days.groupBy(CUSTOMER_ID)
            .agg(
                count(lit(1)).as("_days"),
                min(col(DAY)).as("_first"),
                max(col(DAY)).as("_last"),
                FeatureColumns.sumOfMoney(col(SPEND)).as("_total"),
                min_by(col(SPEND), col(DAY)).as("_first_spend"));
    return customers.select(
        col(CUSTOMER_ID),
        col("_days").minus(1).cast("int").as(REPEAT_DAYS),
        datediff(col("_last"), col("_first")).cast("double").as(RECENCY),
        datediff(lit(end), col("_first")).cast("double").as(AGE),
        when(
                col("_days").gt(1),
                col("_total").minus(col("_first_spend")).divide(col("_days").minus(1)))
            .otherwise(0.0)
            .as(REPEAT_SPEND));
  }
}
