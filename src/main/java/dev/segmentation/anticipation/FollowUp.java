package dev.segmentation.anticipation;

import static dev.segmentation.features.FeatureColumns.BASKET_AMOUNT;
import static dev.segmentation.features.FeatureColumns.CUSTOMER_ID;
import static dev.segmentation.features.FeatureColumns.FIRST_INVOICE_NO;
import static dev.segmentation.features.FeatureColumns.FIRST_INVOICE_TS;
import static dev.segmentation.features.FeatureColumns.FOLLOWUP_INVOICES;
import static dev.segmentation.features.FeatureColumns.FOLLOWUP_SPEND;
import static dev.segmentation.features.FeatureColumns.FULL_FOLLOWUP;
import static dev.segmentation.features.FeatureColumns.INVOICE_NO;
import static dev.segmentation.features.FeatureColumns.INVOICE_TS;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import dev.segmentation.features.BasketTable;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.FirstPurchases;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * What each customer actually bought within the horizon after their first purchase: the baskets
 * after the first one whose time is at most first purchase + horizon. A customer whose first
 * purchase is closer than the horizon to the end of the data has a short follow-up ({@code
 * full_followup} false); their counts are lower bounds.
 *
 * <p>Input: positive {@link BasketTable} rows (all the data, not just a training window) and {@link
 * FirstPurchases} rows. Output: the first-purchase rows with the follow-up columns of {@link
 * FeatureColumns} added.
 */
public final class FollowUp {

  private static final String HORIZON_END = "_horizon_end";

  private final Period horizon;
  private final LocalDate dataEnd;

  /**
   * @param dataEnd the day after the last line of the data
   */
  public FollowUp(Period horizon, LocalDate dataEnd) {
    this.horizon = Objects.requireNonNull(horizon, "horizon");
    this.dataEnd = Objects.requireNonNull(dataEnd, "dataEnd");
  }

  public Dataset<Row> apply(Dataset<Row> baskets, Dataset<Row> firstPurchases) {
    Dataset<Row> firsts = firstPurchases.withColumn(HORIZON_END, horizonEnd(col(FIRST_INVOICE_TS)));
    Dataset<Row> later =
        baskets
            .join(
                firsts.select(
                    col(CUSTOMER_ID),
                    col(FIRST_INVOICE_NO),
                    col(FIRST_INVOICE_TS),
                    col(HORIZON_END)),
                CUSTOMER_ID)
            .filter(
                col(INVOICE_NO)
                    .notEqual(col(FIRST_INVOICE_NO))
                    .and(col(INVOICE_TS).geq(col(FIRST_INVOICE_TS)))
                    .and(col(INVOICE_TS).leq(col(HORIZON_END))))
            .groupBy(col(CUSTOMER_ID))
            .agg(
                count(lit(1)).cast(DataTypes.DoubleType).as(FOLLOWUP_INVOICES),
                FeatureColumns.sumOfMoney(col(BASKET_AMOUNT)).as(FOLLOWUP_SPEND));
    Timestamp end = Timestamp.from(dataEnd.atStartOfDay().toInstant(ZoneOffset.UTC));
    return firsts
        .join(later, CUSTOMER_ID, "left")
        .withColumn(FOLLOWUP_INVOICES, coalesce(col(FOLLOWUP_INVOICES), lit(0.0)))
        .withColumn(FOLLOWUP_SPEND, coalesce(col(FOLLOWUP_SPEND), lit(0.0)))
        .withColumn(FULL_FOLLOWUP, col(HORIZON_END).leq(lit(end)))
        .drop(HORIZON_END);
  }

  private Column horizonEnd(Column start) {
    long months = horizon.toTotalMonths();
    return start
        .plus(expr("INTERVAL '" + months + "' MONTH"))
        .plus(expr("INTERVAL '" + horizon.getDays() + "' DAY"));
  }
}
