package dev.segmentation.features;

import static dev.segmentation.ingest.InvoiceColumns.DESCRIPTION;
import static dev.segmentation.ingest.InvoiceColumns.STOCK_CODE;
import static dev.segmentation.ingest.InvoiceColumns.UNIT_PRICE;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Kept lines to one row per product: {@code stock_code}, {@code description} (the one used most
 * often for that code, "" when there is none) and {@code mean_unit_price} (over lines with a
 * positive price; null when there is none).
 */
public final class ProductTable {

  public static final String MEAN_UNIT_PRICE = "mean_unit_price";

  public Dataset<Row> apply(Dataset<Row> lines) {
    Dataset<Row> perDescription =
        lines
            .groupBy(col(STOCK_CODE), coalesce(col(DESCRIPTION), lit("")).as(DESCRIPTION))
            .agg(
                count(lit(1)).as("_uses"),
                sum(when(col(UNIT_PRICE).gt(0), col(UNIT_PRICE))).as("_price_sum"),
                count(when(col(UNIT_PRICE).gt(0), lit(1))).as("_priced"));
    Dataset<Row> perProduct =
        perDescription
            .groupBy(col(STOCK_CODE))
            .agg(sum("_price_sum").divide(sum("_priced")).as(MEAN_UNIT_PRICE));
    Dataset<Row> mainDescription =
        perDescription
            .withColumn(
                "_rank",
                row_number()
                    .over(
                        Window.partitionBy(col(STOCK_CODE))
                            .orderBy(col("_uses").desc(), col(DESCRIPTION))))
            .filter(col("_rank").equalTo(1))
            .select(col(STOCK_CODE), col(DESCRIPTION));
    return mainDescription.join(perProduct, STOCK_CODE);
  }
}
