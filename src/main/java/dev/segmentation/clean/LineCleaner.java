package dev.segmentation.clean;

import static dev.segmentation.clean.CleanColumns.AMOUNT;
import static dev.segmentation.clean.CleanColumns.QUANTITY_CANCELLED;
import static dev.segmentation.clean.CleanColumns.SET_ASIDE_REASON;
import static dev.segmentation.ingest.InvoiceColumns.QUANTITY;
import static dev.segmentation.ingest.InvoiceColumns.UNIT_PRICE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.segmentation.config.JobConfig;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.UnaryOperator;
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
  private final DuplicateLineRule duplicates = new DuplicateLineRule();
  private final NonProductRule nonProducts;
  private final CancellationMatcher cancellations;
  private final UnaryOperator<Dataset<Row>> beforeMatching;

  public LineCleaner(JobConfig.Cleaning rules) {
    this(rules, UnaryOperator.identity());
  }

  /**
   * @param beforeMatching applied to the lines just before cancellations are matched. The matcher
   *     reads its input three times (cancellations, purchases, the lines it tags); a job passes a
   *     step that materialises them, so the duplicate window runs once, not three times.
   */
  public LineCleaner(JobConfig.Cleaning rules, UnaryOperator<Dataset<Row>> beforeMatching) {
    Objects.requireNonNull(rules, "rules");
    this.nonProducts = new NonProductRule(rules.nonProductCodes());
    this.cancellations = new CancellationMatcher(rules.matchCancellations());
    this.beforeMatching = Objects.requireNonNull(beforeMatching, "beforeMatching");
  }

  public Dataset<Row> apply(Dataset<Row> lines) {
    Dataset<Row> tagged =
        Arrays.asList(lines.columns()).contains(SET_ASIDE_REASON)
            ? lines
            : lines.withColumn(SET_ASIDE_REASON, lit(null).cast(DataTypes.StringType));
    tagged = missingCustomer.apply(tagged);
    tagged = duplicates.apply(tagged);
    tagged = nonProducts.apply(tagged);
    tagged = cancellations.apply(beforeMatching.apply(tagged));
    return tagged.withColumn(
        AMOUNT, col(UNIT_PRICE).multiply(col(QUANTITY).minus(col(QUANTITY_CANCELLED))));
  }
}
