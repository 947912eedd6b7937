package dev.segmentation.features;

import static dev.segmentation.ingest.InvoiceColumns.DESCRIPTION;
import static dev.segmentation.ingest.InvoiceColumns.STOCK_CODE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * {@link DescriptionUses} rows to one row per product: {@code stock_code}, {@code description} (the
 * one used most often for that code, "" when there is none) and {@code mean_unit_price} (over lines
 * with a positive price; null when there is none). The uses are summed over any further keys they
 * carry, so every window they hold makes one table, and a filtered set of them makes its window's.
 */
public final class ProductTable {

  public static final String MEAN_UNIT_PRICE = "mean_unit_price";

  public Dataset<Row> apply(Dataset<Row> descriptionUses) {
    Dataset<Row> perDescription =
        descriptionUses
            .groupBy(col(STOCK_CODE), col(DESCRIPTION))
            .agg(
                sum(DescriptionUses.USES).as(DescriptionUses.USES),
                sum(DescriptionUses.PRICE_SUM).as(DescriptionUses.PRICE_SUM),
                sum(DescriptionUses.PRICED).as(DescriptionUses.PRICED));
    Dataset<Row> perProduct =
        perDescription
            .groupBy(col(STOCK_CODE))
            .agg(
                sum(DescriptionUses.PRICE_SUM)
                    .divide(sum(DescriptionUses.PRICED))
                    .as(MEAN_UNIT_PRICE));
    Dataset<Row> mainDescription =
        perDescription
            .withColumn(
                "_rank",
                row_number()
                    .over(
                        Window.partitionBy(col(STOCK_CODE))
                            .orderBy(col(DescriptionUses.USES).desc(), col(DESCRIPTION))))
            .filter(col("_rank").equalTo(1))
            .select(col(STOCK_CODE), col(DESCRIPTION));
    return mainDescription.join(perProduct, STOCK_CODE);
  }
}
