package dev.segmentation.features;

import static dev.segmentation.ingest.InvoiceColumns.DESCRIPTION;
import static dev.segmentation.ingest.InvoiceColumns.STOCK_CODE;
import static dev.segmentation.ingest.InvoiceColumns.UNIT_PRICE;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Kept lines to one row per product, description and any further keys (such as the window a line
 * falls in): {@code stock_code}, {@code description} ("" when there is none), the keys, {@link
 * #USES} (lines), {@link #PRICE_SUM} and {@link #PRICED} (the sum and count of positive unit
 * prices). What {@link ProductTable} makes products of: the counts add up, so one pass over the
 * lines serves every window its keys tell apart.
 */
public final class DescriptionUses {

  public static final String USES = "uses";
  public static final String PRICE_SUM = "price_sum";
  public static final String PRICED = "priced";

  private final List<Column> keys;

  /**
   * @param keys further grouping columns, each named (with {@link Column#as}); none for one table
   *     over all lines
   */
  public DescriptionUses(Column... keys) {
    this.keys = List.of(keys);
  }

  public Dataset<Row> apply(Dataset<Row> lines) {
    List<Column> grouping = new ArrayList<>();
    grouping.add(col(STOCK_CODE));
    grouping.add(coalesce(col(DESCRIPTION), lit("")).as(DESCRIPTION));
    grouping.addAll(keys);
    Column positivePrice = col(UNIT_PRICE).gt(0);
    return lines
        .groupBy(grouping.toArray(Column[]::new))
        .agg(
            count(lit(1)).as(USES),
            sum(when(positivePrice, col(UNIT_PRICE))).as(PRICE_SUM),
            count(when(positivePrice, lit(1))).as(PRICED));
  }
}
