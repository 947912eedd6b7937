package dev.segmentation.clean;

import static dev.segmentation.clean.CleanColumns.QUANTITY_CANCELLED;
import static dev.segmentation.ingest.InvoiceColumns.CUSTOMER_ID;
import static dev.segmentation.ingest.InvoiceColumns.INVOICE_NO;
import static dev.segmentation.ingest.InvoiceColumns.INVOICE_TS;
import static dev.segmentation.ingest.InvoiceColumns.QUANTITY;
import static dev.segmentation.ingest.InvoiceColumns.STOCK_CODE;
import static dev.segmentation.ingest.InvoiceColumns.UNIT_PRICE;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.segmentation.ingest.InvoiceColumns;
import java.util.Arrays;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;

/**
 * Pairs each cancellation line (invoice starting with "C", negative quantity) with the purchase it
 * cancels: the latest earlier purchase line of the same customer and stock code whose quantity
 * covers the cancelled quantity (among lines of the same time: the larger quantity, then the higher
 * price). That purchase gets {@code quantity_cancelled} (the sum over all cancellations matched to
 * it, at most its quantity); every cancellation line is set aside as matched or unmatched.
 *
 * <p>Only what can match is paired: the lines are narrowed to the (customer, stock code) keys that
 * have a cancellation ({@link #candidates}) before the join, so the join and its ranking see a few
 * percent of the lines. The matches then travel to every task that reads the lines, which tags them
 * where they are: the whole line table is never shuffled to tag what was matched. No line reaches
 * the driver.
 */
public final class CancellationMatcher {

  private static final String LINE_KEY = "_line_key";
  private static final String MATCHED = "_matched";
  private static final String CANCELLED_SUM = "_cancelled_sum";
  private static final String TAG_CUSTOMER = "_tag_customer";
  private static final String TAG_STOCK = "_tag_stock";
  private static final String TAG_KEY = "_tag_key";
  private static final String PRODUCT_KEY = "_product_key";
  private static final String TAG_PRODUCT_KEY = "_tag_product_key";

  private final boolean matchingEnabled;

  public CancellationMatcher(boolean matchingEnabled) {
    this.matchingEnabled = matchingEnabled;
  }

  public static Column isCancellation() {
    return col(INVOICE_NO).startsWith("C").or(col(QUANTITY).lt(0));
  }

  /**
   * The lines that can take part in a pairing: open lines of a (customer, stock code) that has an
   * open cancellation, a few percent of all lines. Taken before the duplicate and non-product rules
   * (both decide by columns that a whole group of copies shares), so those rules can run on these
   * few lines for the pairing and on every line for the tagging, in one pass over each.
   */
  public static Dataset<Row> candidates(Dataset<Row> lines) {
    Dataset<Row> open = lines.filter(SetAsideReason.open());
    // The (customer, stock code) keys with a cancellation go to every task, where each line is
    // looked up in them: no line is sorted or shuffled to find the few that can pair. There are
    // at most as many keys as cancellation lines (2% of real lines), like the matches that
    // apply() broadcasts.
    Dataset<Row> cancelledProducts =
        open.filter(isCancellation())
            .select(col(CUSTOMER_ID).as(TAG_CUSTOMER), col(STOCK_CODE).as(TAG_STOCK))
            .distinct()
            .withColumn(TAG_PRODUCT_KEY, xxhash64(col(TAG_CUSTOMER), col(TAG_STOCK)));
    Dataset<Row> keyed = open.withColumn(PRODUCT_KEY, xxhash64(col(CUSTOMER_ID), col(STOCK_CODE)));
    Column sameProduct =
        keyed
            .col(PRODUCT_KEY)
            .equalTo(col(TAG_PRODUCT_KEY))
            .and(exactly(sameProduct(keyed.col(CUSTOMER_ID), keyed.col(STOCK_CODE))));
    return keyed.join(broadcast(cancelledProducts), sameProduct, "left_semi").drop(PRODUCT_KEY);
  }

  /** Pairs and tags in one plan, the candidates taken from the lines themselves. */
  public Dataset<Row> apply(Dataset<Row> lines) {
    return apply(lines, candidates(lines));
  }

  /**
   * @param lines every line, tagged and returned
   * @param candidates the lines to pair: at least every open line of {@link #candidates}, after the
   *     same rules as {@code lines}
   */
  public Dataset<Row> apply(Dataset<Row> lines, Dataset<Row> candidates) {
    if (!matchingEnabled) {
      return SetAsideReason.CANCELLATION
          .tag(lines, isCancellation())
          .withColumn(QUANTITY_CANCELLED, when(SetAsideReason.open(), lit(0)));
    }
    // Open lines are unique in their eight columns (DuplicateLineRule ran before), so a hash of
    // them, joined together with customer and stock code, names one line.
    Dataset<Row> keyed = lines.withColumn(LINE_KEY, xxhash64(identity()));
    Dataset<Row> matches =
        latestCoveringPurchase(candidates.withColumn(LINE_KEY, xxhash64(identity())));

    // One table of what to tag, purchases and cancellations together: every line is looked up
    // once in it, not once per kind.
    Dataset<Row> cancelledPerPurchase =
        matches
            .groupBy(
                col("p_customer").as(TAG_CUSTOMER),
                col("p_stock").as(TAG_STOCK),
                col("p_key").as(TAG_KEY))
            .agg(sum(col("c_quantity")).as(CANCELLED_SUM), lit(false).as(MATCHED));
    Dataset<Row> matchedCancellations =
        matches.select(
            col("c_customer").as(TAG_CUSTOMER),
            col("c_stock").as(TAG_STOCK),
            col("c_key").as(TAG_KEY),
            lit(null).cast(DataTypes.LongType).as(CANCELLED_SUM),
            lit(true).as(MATCHED));
    Dataset<Row> tags = cancelledPerPurchase.unionByName(matchedCancellations);

    Dataset<Row> joined = keyed.join(broadcast(tags), sameLine(keyed), "left");

    Column isOpenPurchase = SetAsideReason.open().and(not(isCancellation()));
    Column quantityCancelled =
        when(
            isOpenPurchase,
            least(coalesce(col(CANCELLED_SUM), lit(0L)), col(QUANTITY).cast("long"))
                .cast(DataTypes.IntegerType));
    Dataset<Row> withQuantity = joined.withColumn(QUANTITY_CANCELLED, quantityCancelled);
    Column isCancellationLine = isCancellation();
    Dataset<Row> tagged =
        SetAsideReason.CANCELLATION_MATCHED.tag(
            withQuantity, isCancellationLine.and(coalesce(col(MATCHED), lit(false))));
    tagged = SetAsideReason.CANCELLATION_UNMATCHED.tag(tagged, isCancellationLine);
    return tagged.select(outputColumns(lines));
  }

  /** One row per matched cancellation: its key and the key of the purchase it cancels. */
  private static Dataset<Row> latestCoveringPurchase(Dataset<Row> keyed) {
    Dataset<Row> cancellations =
        keyed
            .filter(SetAsideReason.open().and(isCancellation()))
            .select(
                col(CUSTOMER_ID).as("c_customer"),
                col(STOCK_CODE).as("c_stock"),
                col(LINE_KEY).as("c_key"),
                abs(col(QUANTITY)).as("c_quantity"),
                col(INVOICE_TS).as("c_ts"));
    Dataset<Row> purchases =
        keyed
            .filter(SetAsideReason.open().and(not(isCancellation())))
            .select(
                col(CUSTOMER_ID).as("p_customer"),
                col(STOCK_CODE).as("p_stock"),
                col(LINE_KEY).as("p_key"),
                col(QUANTITY).as("p_quantity"),
                col(UNIT_PRICE).as("p_price"),
                col(INVOICE_TS).as("p_ts"));
    Column covers =
        col("c_customer")
            .equalTo(col("p_customer"))
            .and(col("c_stock").equalTo(col("p_stock")))
            .and(col("p_ts").lt(col("c_ts")))
            .and(col("p_quantity").geq(col("c_quantity")));
    Column latestFirst =
        row_number()
            .over(
                Window.partitionBy(col("c_customer"), col("c_stock"), col("c_key"))
                    .orderBy(
                        col("p_ts").desc(),
                        col("p_quantity").desc(),
                        col("p_price").desc(),
                        col("p_key").desc()));
    return cancellations
        .join(purchases, covers)
        .withColumn("_rank", latestFirst)
        .filter(col("_rank").equalTo(1))
        .select(
            col("c_customer"),
            col("c_stock"),
            col("c_key"),
            col("c_quantity"),
            col("p_customer"),
            col("p_stock"),
            col("p_key"));
  }

  /**
   * The line's hash is the join key; its customer and stock code are checked by {@link #exactly}.
   */
  private static Column sameLine(Dataset<Row> keyed) {
    return keyed
        .col(LINE_KEY)
        .equalTo(col(TAG_KEY))
        .and(exactly(sameProduct(keyed.col(CUSTOMER_ID), keyed.col(STOCK_CODE))));
  }

  private static Column sameProduct(Column customer, Column stockCode) {
    return customer.equalTo(col(TAG_CUSTOMER)).and(stockCode.equalTo(col(TAG_STOCK)));
  }

  /**
   * A check made only on the few lines whose hash is in the broadcast table, so that two lines
   * whose hashes collide are never taken for one. Wrapped in {@code coalesce}, the comparisons stay
   * a condition on a match instead of becoming join keys: with one {@code long} key Spark looks
   * each line up in a map of longs, where with string keys it hashes and compares every line's key
   * bytes.
   */
  private static Column exactly(Column check) {
    return coalesce(check, lit(false));
  }

  private static Column[] identity() {
    return InvoiceColumns.ALL.stream().map(name -> col(name)).toArray(Column[]::new);
  }

  /** The input's columns plus quantity_cancelled; the join's helper columns are dropped. */
  private static Column[] outputColumns(Dataset<Row> lines) {
    Stream<String> names =
        Stream.concat(Arrays.stream(lines.columns()), Stream.of(QUANTITY_CANCELLED));
    return names.distinct().map(name -> col(name)).toArray(Column[]::new);
  }
}
