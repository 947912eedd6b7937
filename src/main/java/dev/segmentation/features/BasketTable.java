package dev.segmentation.features;

import static dev.segmentation.features.FeatureColumns.BASKET_AMOUNT;
import static dev.segmentation.features.FeatureColumns.COUNTRY;
import static dev.segmentation.features.FeatureColumns.CUSTOMER_ID;
import static dev.segmentation.features.FeatureColumns.INVOICE_NO;
import static dev.segmentation.features.FeatureColumns.INVOICE_TS;
import static dev.segmentation.features.FeatureColumns.LINE_COUNT;
import static dev.segmentation.features.FeatureColumns.QUANTITY;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segmentation.clean.CleanColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Kept lines, each with its product category, to one row per basket (customer and invoice): the
 * amount and its split across categories. See {@link FeatureColumns} for the contract.
 *
 * <p>Input: {@link CleanColumns#KEPT} plus an int {@code category} column.
 */
public final class BasketTable {

  private final int categories;

  public BasketTable(int categories) {
    if (categories < 1) {
      throw new IllegalArgumentException("categories must be positive, got " + categories);
    }
    this.categories = categories;
  }

  /** Baskets that count: a basket cancelled in full, or worth nothing, says nothing of taste. */
  public static Column positive() {
    return col(BASKET_AMOUNT).gt(0);
  }

  public Dataset<Row> apply(Dataset<Row> categorisedLines) {
    List<Column> aggregates =
        new ArrayList<>(
            List.of(
                min(col(INVOICE_TS)).as(INVOICE_TS),
                first(col(COUNTRY), true).as(COUNTRY),
                FeatureColumns.sumOfMoney(col(CleanColumns.AMOUNT)).as(BASKET_AMOUNT),
                count(lit(1)).as(LINE_COUNT),
                sum(col(QUANTITY).minus(col(CleanColumns.QUANTITY_CANCELLED)))
                    .cast("long")
                    .as(QUANTITY)));
    for (int i = 0; i < categories; i++) {
      aggregates.add(
          FeatureColumns.sumOfMoney(
                  when(col(FeatureColumns.CATEGORY).equalTo(i), col(CleanColumns.AMOUNT))
                      .otherwise(0.0))
              .as(FeatureColumns.categoryAmount(i)));
    }
    return categorisedLines
        .groupBy(col(CUSTOMER_ID), col(INVOICE_NO))
        .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
  }
}
