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
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segmentation.clean.CleanColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Kept lines, each with its product's category and price band, to one row per basket (customer and
 * invoice): the amount and its split across categories and price bands. See {@link FeatureColumns}
 * for the contract.
 *
 * <p>Input: {@link CleanColumns#KEPT} plus int {@code category} and {@code price_band} columns.
 */
public final class BasketTable {

  /**
   * Each line's amount in whole units, rounded once for the basket's amount and all its category
   * and price-band amounts.
   */
  private static final String AMOUNT_UNITS = "_amount_units";

  private final ProductMix mix;

  public BasketTable(ProductMix mix) {
    this.mix = Objects.requireNonNull(mix, "mix");
  }

  /** Baskets that count: a basket cancelled in full, or worth nothing, says nothing of taste. */
  public static Column positive() {
    return col(BASKET_AMOUNT).gt(0);
  }

  public Dataset<Row> apply(Dataset<Row> categorisedLines) {
    List<Column> sums =
        new ArrayList<>(
            List.of(
                FeatureColumns.sumOfMoneyUnits(col(AMOUNT_UNITS)).as(BASKET_AMOUNT),
                count(lit(1)).as(LINE_COUNT),
                sum(col(QUANTITY).minus(col(CleanColumns.QUANTITY_CANCELLED)))
                    .cast("long")
                    .as(QUANTITY)));
    for (int i = 0; i < mix.categories(); i++) {
      sums.add(amountWhere(FeatureColumns.CATEGORY, i, FeatureColumns.categoryAmount(i)));
    }
    for (int band = 0; band < mix.priceBands(); band++) {
      sums.add(amountWhere(FeatureColumns.PRICE_BAND, band, FeatureColumns.priceBandAmount(band)));
    }
    // The country is a key, not an aggregate: an invoice ships to one country, and a string
    // aggregate (first, min) would make Spark sort every line by basket, where with fixed-width
    // aggregates alone it hashes them, several times faster at scale. The basket's country is
    // then also one value whatever order its lines arrive in.
    Dataset<Row> baskets =
        categorisedLines
            .withColumn(AMOUNT_UNITS, FeatureColumns.moneyUnits(col(CleanColumns.AMOUNT)))
            .groupBy(col(CUSTOMER_ID), col(INVOICE_NO), col(COUNTRY))
            .agg(min(col(INVOICE_TS)).as(INVOICE_TS), sums.toArray(Column[]::new));
    List<String> contractOrder = new ArrayList<>(List.of(CUSTOMER_ID, INVOICE_NO, INVOICE_TS));
    Arrays.stream(baskets.columns())
        .filter(name -> !contractOrder.contains(name))
        .forEach(contractOrder::add);
    return baskets.select(contractOrder.stream().map(name -> col(name)).toArray(Column[]::new));
  }

  /** The line amounts where the column has the value, summed; zero where none has it. */
  private static Column amountWhere(String column, int value, String name) {
    return FeatureColumns.sumOfMoneyUnits(
            when(col(column).equalTo(value), col(AMOUNT_UNITS)).otherwise(0L))
        .as(name);
  }
}
