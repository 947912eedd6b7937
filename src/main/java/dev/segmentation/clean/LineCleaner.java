package dev.segmentation.clean;

import static dev.segmentation.clean.CleanColumns.AMOUNT;
import static dev.segmentation.clean.CleanColumns.QUANTITY_CANCELLED;
import static dev.segmentation.clean.CleanColumns.SET_ASIDE_REASON;
import static dev.segmentation.ingest.InvoiceColumns.CUSTOMER_ID;
import static dev.segmentation.ingest.InvoiceColumns.QUANTITY;
import static dev.segmentation.ingest.InvoiceColumns.STOCK_CODE;
import static dev.segmentation.ingest.InvoiceColumns.UNIT_PRICE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.segmentation.config.JobConfig;
import java.util.Arrays;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The cleaning rules in their order: no customer, exact duplicates, non-product codes,
 * cancellations. Takes typed lines ({@link dev.segmentation.ingest.InvoiceColumns}) and returns
 * every one of them with the {@link CleanColumns} added; nothing is dropped, so the counts per
 * reason always add up to the lines read. Other columns pass through. Lines may arrive already set
 * aside (a {@code set_aside_reason} column, non-null on them): no rule touches those, so a job can
 * send the parser's malformed lines through the same pass instead of reading the input twice.
 */
public final class LineCleaner {

  private final MissingCustomerRule missingCustomer = new MissingCustomerRule();
  private final ProductRules productRules;
  private final Layout layout;

  public LineCleaner(JobConfig.Cleaning rules) {
    this(rules, Layout.PLANNED);
  }

  /**
   * @param layout how the lines are shuffled by customer and stock code. A job passes a layout that
   *     writes the shuffle as a step of its own, so it can time the read up to there.
   */
  public LineCleaner(JobConfig.Cleaning rules, Layout layout) {
    Objects.requireNonNull(rules, "rules");
    this.productRules =
        new ProductRules(new NonProductRule(rules.nonProductCodes()), rules.matchCancellations());
    this.layout = Objects.requireNonNull(layout, "layout");
  }

  public Dataset<Row> apply(Dataset<Row> lines) {
    Dataset<Row> tagged =
        Arrays.asList(lines.columns()).contains(SET_ASIDE_REASON)
            ? lines
            : lines.withColumn(SET_ASIDE_REASON, lit(null).cast(DataTypes.StringType));
    // One shuffle of the lines: every later rule is about one customer and stock code at a time,
    // so one pass over these partitions applies them all. With the customer alone, the lines
    // without one would all meet in one partition.
    Dataset<Row> byProduct =
        layout.shuffled(missingCustomer.apply(tagged), col(CUSTOMER_ID), col(STOCK_CODE));
    return productRules
        .apply(byProduct)
        .withColumn(AMOUNT, col(UNIT_PRICE).multiply(col(QUANTITY).minus(col(QUANTITY_CANCELLED))));
  }

  /** How the lines are shuffled by customer and stock code. */
  public interface Layout {
    /** Plain Spark: a repartition, planned with the rest. */
    Layout PLANNED = (table, by) -> table.repartition(by);

    /** The table repartitioned by the columns. */
    Dataset<Row> shuffled(Dataset<Row> table, Column... by);
  }
}
