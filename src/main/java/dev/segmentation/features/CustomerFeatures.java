package dev.segmentation.features;

import static dev.segmentation.features.FeatureColumns.BASKET_AMOUNT;
import static dev.segmentation.features.FeatureColumns.BASKET_MAX;
import static dev.segmentation.features.FeatureColumns.BASKET_MEAN;
import static dev.segmentation.features.FeatureColumns.BASKET_MIN;
import static dev.segmentation.features.FeatureColumns.BASKET_SUM;
import static dev.segmentation.features.FeatureColumns.CUSTOMER_ID;
import static dev.segmentation.features.FeatureColumns.DAYS_SINCE_FIRST;
import static dev.segmentation.features.FeatureColumns.DAYS_SINCE_LAST;
import static dev.segmentation.features.FeatureColumns.FREQUENCY;
import static dev.segmentation.features.FeatureColumns.INVOICE_COUNT;
import static dev.segmentation.features.FeatureColumns.INVOICE_NO;
import static dev.segmentation.features.FeatureColumns.INVOICE_TS;
import static dev.segmentation.features.FeatureColumns.MONETARY;
import static dev.segmentation.features.FeatureColumns.RECENCY_DAYS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;

import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Baskets to one row per customer: the only place customer features are defined, used alike by
 * training, the temporal test, scoring and the first-invoice variant (which feeds it each
 * customer's first basket only, see {@link #firstBaskets}).
 *
 * <p>Input: {@link BasketTable} rows with a positive amount. Output: {@code customer_id} and {@link
 * FeatureColumns#all} as doubles; category shares are percentages of the customer's spend.
 */
public final class CustomerFeatures {

  private final ProductMix mix;
  private final LocalDate windowEnd;

  /**
   * @param windowEnd days since the first and last purchase are counted up to this day
   */
  public CustomerFeatures(ProductMix mix, LocalDate windowEnd) {
    this.mix = Objects.requireNonNull(mix, "mix");
    this.windowEnd = Objects.requireNonNull(windowEnd, "windowEnd");
  }

  public Dataset<Row> apply(Dataset<Row> baskets) {
    Column end = lit(Date.valueOf(windowEnd));
    List<Column> aggregates =
        new ArrayList<>(
            List.of(
                count(col(INVOICE_NO)).cast(DataTypes.DoubleType).as(INVOICE_COUNT),
                min(col(BASKET_AMOUNT)).as(BASKET_MIN),
                max(col(BASKET_AMOUNT)).as(BASKET_MAX),
                FeatureColumns.meanOfMoney(col(BASKET_AMOUNT)).as(BASKET_MEAN),
                FeatureColumns.sumOfMoney(col(BASKET_AMOUNT)).as(BASKET_SUM)));
    for (int i = 0; i < mix.categories(); i++) {
      aggregates.add(shareOf(FeatureColumns.categoryAmount(i)).as(FeatureColumns.categoryShare(i)));
    }
    for (int band = 0; band < mix.priceBands(); band++) {
      aggregates.add(
          shareOf(FeatureColumns.priceBandAmount(band)).as(FeatureColumns.priceBandShare(band)));
    }
    aggregates.add(
        datediff(end, min(col(INVOICE_TS))).cast(DataTypes.DoubleType).as(DAYS_SINCE_FIRST));
    aggregates.add(
        datediff(end, max(col(INVOICE_TS))).cast(DataTypes.DoubleType).as(DAYS_SINCE_LAST));

    Dataset<Row> customers =
        baskets
            .groupBy(col(CUSTOMER_ID))
            .agg(
                aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
    return customers
        .withColumn(RECENCY_DAYS, col(DAYS_SINCE_LAST))
        .withColumn(FREQUENCY, col(INVOICE_COUNT))
        .withColumn(MONETARY, col(BASKET_SUM))
        .select(outputColumns());
  }

  private static Column shareOf(String amount) {
    return FeatureColumns.sumOfMoney(col(amount))
        .multiply(100.0)
        .divide(FeatureColumns.sumOfMoney(col(BASKET_AMOUNT)));
  }

  /** Each customer's first basket (earliest time, then lowest invoice number). */
  public static Dataset<Row> firstBaskets(Dataset<Row> baskets) {
    Column order =
        row_number()
            .over(Window.partitionBy(col(CUSTOMER_ID)).orderBy(col(INVOICE_TS), col(INVOICE_NO)));
    return baskets
        .withColumn("_basket_order", order)
        .filter(col("_basket_order").equalTo(1))
        .drop("_basket_order");
  }

  private Column[] outputColumns() {
    List<Column> columns = new ArrayList<>();
    columns.add(col(CUSTOMER_ID));
    FeatureColumns.all(mix).forEach(name -> columns.add(col(name)));
    return columns.toArray(Column[]::new);
  }
}
