package dev.segmentation.features;

import static dev.segmentation.features.FeatureColumns.COUNTRY;
import static dev.segmentation.features.FeatureColumns.CUSTOMER_ID;
import static dev.segmentation.features.FeatureColumns.FIRST_INVOICE_NO;
import static dev.segmentation.features.FeatureColumns.FIRST_INVOICE_TS;
import static dev.segmentation.features.FeatureColumns.FIRST_MONTH;
import static dev.segmentation.features.FeatureColumns.INVOICE_NO;
import static dev.segmentation.features.FeatureColumns.INVOICE_TS;
import static dev.segmentation.features.FeatureColumns.LINE_COUNT;
import static dev.segmentation.features.FeatureColumns.QUANTITY;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.month;

import java.time.LocalDate;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What a customer's first purchase tells: the customer features of the first basket alone (through
 * {@link CustomerFeatures}, the one definition of them) and the basket's own facts. {@code train},
 * its backtest and {@code score} all describe a first purchase with this class.
 *
 * <p>Input: positive {@link BasketTable} rows. Output: one row per customer, see {@link
 * FeatureColumns} ("First purchase").
 */
public final class FirstPurchases {

  private final CustomerFeatures features;

  /**
   * @param windowEnd as for {@link CustomerFeatures}; only the day counts depend on it
   */
  public FirstPurchases(ProductMix mix, LocalDate windowEnd) {
    this.features = new CustomerFeatures(mix, windowEnd);
  }

  public Dataset<Row> apply(Dataset<Row> baskets) {
    Dataset<Row> first = CustomerFeatures.firstBaskets(baskets);
    Dataset<Row> facts =
        first.select(
            col(CUSTOMER_ID),
            col(INVOICE_NO).as(FIRST_INVOICE_NO),
            col(INVOICE_TS).as(FIRST_INVOICE_TS),
            col(COUNTRY),
            col(LINE_COUNT),
            col(QUANTITY),
            month(col(INVOICE_TS)).as(FIRST_MONTH));
    return facts.join(features.apply(first), CUSTOMER_ID);
  }
}
