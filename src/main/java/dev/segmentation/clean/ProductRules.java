package dev.segmentation.clean;

import static dev.segmentation.clean.CleanColumns.QUANTITY_CANCELLED;
import static dev.segmentation.clean.CleanColumns.SET_ASIDE_REASON;
import static dev.segmentation.ingest.InvoiceColumns.CUSTOMER_ID;
import static dev.segmentation.ingest.InvoiceColumns.INVOICE_NO;
import static dev.segmentation.ingest.InvoiceColumns.INVOICE_TS;
import static dev.segmentation.ingest.InvoiceColumns.QUANTITY;
import static dev.segmentation.ingest.InvoiceColumns.STOCK_CODE;
import static dev.segmentation.ingest.InvoiceColumns.UNIT_PRICE;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.xxhash64;

import dev.segmentation.ingest.InvoiceColumns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.plans.physical.ClusteredDistribution;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * The rules that look at one customer's lines of one product together, in their order, in one pass
 * over each partition:
 *
 * <ol>
 *   <li><b>duplicates:</b> of several open lines equal in all eight invoice columns, the first is
 *       kept and the rest are set aside;
 *   <li><b>non-products:</b> an open line with a {@link NonProductRule} code is set aside, so a
 *       discount is never paired with a purchase;
 *   <li><b>cancellations</b> (an invoice starting with "C", or a negative quantity): each open
 *       cancellation is paired with the latest earlier open purchase of the same customer and stock
 *       code whose quantity covers the cancelled quantity (among purchases of the same time: the
 *       larger quantity, then the higher price, then the larger line hash) and set aside as matched
 *       or unmatched. A purchase's {@code quantity_cancelled} is the sum of the quantities paired
 *       with it, at most its quantity. With matching off, every open cancellation is set aside
 *       unpaired.
 * </ol>
 *
 * <p>Input: typed lines with {@code set_aside_reason} (null on an open line; no rule touches a line
 * set aside before). Output: the same columns, {@code set_aside_reason} set on the lines these
 * rules set aside, then {@code quantity_cancelled} (an int on every open purchase, null on every
 * other line).
 *
 * <p>Each partition is sorted by a hash of customer and stock code, one {@code long}, which Spark
 * radix-sorts; the lines of one hash are then held and decided together. A product's lines must
 * share a partition: cleaning's shuffle puts them so, and lines partitioned otherwise are
 * repartitioned first. Lines whose hashes collide are told apart by their columns, so a collision
 * never pairs or merges two products or two lines. The shuffle is read once, by one pass, with no
 * join: a product's cancellations are few, and pairing them where the product's lines already are
 * costs a fraction of shipping them to a join.
 */
public final class ProductRules {

  static final String PRODUCT_HASH = "_product_hash";
  static final String LINE_HASH = "_line_hash";
  static final String IS_CANCELLATION = "_is_cancellation";
  static final String IS_NON_PRODUCT = "_is_non_product";
  private static final String REASON = "_reason";

  private final NonProductRule nonProducts;
  private final boolean matchCancellations;

  public ProductRules(NonProductRule nonProducts, boolean matchCancellations) {
    this.nonProducts = Objects.requireNonNull(nonProducts, "nonProducts");
    this.matchCancellations = matchCancellations;
  }

  public static Column isCancellation() {
    return col(INVOICE_NO).startsWith("C").or(col(QUANTITY).lt(0));
  }

  public Dataset<Row> apply(Dataset<Row> lines) {
    if (!Arrays.asList(lines.columns()).contains(SET_ASIDE_REASON)) {
      throw new IllegalArgumentException("lines lack the column " + SET_ASIDE_REASON);
    }
    Dataset<Row> sorted =
        withProductsTogether(lines)
            .withColumn(PRODUCT_HASH, xxhash64(col(CUSTOMER_ID), col(STOCK_CODE)))
            // The reason is null on an open line, and a null leaves the hash as it is: an open
            // line's hash is that of its eight columns.
            .withColumn(LINE_HASH, xxhash64(identity().toArray(Column[]::new)))
            .withColumn(IS_CANCELLATION, coalesce(isCancellation(), lit(false)))
            .withColumn(IS_NON_PRODUCT, coalesce(nonProducts.matches(), lit(false)))
            .sortWithinPartitions(PRODUCT_HASH);
    Decider decider = new Decider(sorted.schema(), matchCancellations);
    JavaRDD<InternalRow> decided =
        sorted.queryExecution().toRdd().toJavaRDD().mapPartitions(decider::decide, true);
    StructType schema =
        sorted
            .schema()
            .add(REASON, DataTypes.StringType, true)
            .add(QUANTITY_CANCELLED, DataTypes.IntegerType, true);
    Dataset<Row> withDecisions =
        lines.sparkSession().internalCreateDataFrame(decided.rdd(), schema, false);
    Stream<Column> columns =
        Arrays.stream(lines.columns())
            .filter(name -> !name.equals(QUANTITY_CANCELLED))
            .map(name -> name.equals(SET_ASIDE_REASON) ? col(REASON).as(name) : col(name));
    return withDecisions.select(
        Stream.concat(columns, Stream.of(col(QUANTITY_CANCELLED))).toArray(Column[]::new));
  }

  /** The eight invoice columns and the reason: lines set aside earlier are never copies. */
  private static Stream<Column> identity() {
    return Stream.concat(InvoiceColumns.ALL.stream(), Stream.of(SET_ASIDE_REASON))
        .map(name -> col(name));
  }

  /** The lines as they are if their plan puts lines of one customer and stock code together. */
  private static Dataset<Row> withProductsTogether(Dataset<Row> lines) {
    List<Expression> product = List.of(lines.col(CUSTOMER_ID).expr(), lines.col(STOCK_CODE).expr());
    ClusteredDistribution together =
        new ClusteredDistribution(
            JavaConverters.asScalaBuffer(product).toSeq(), false, Option.empty());
    return lines.queryExecution().sparkPlan().outputPartitioning().satisfies(together)
        ? lines
        : lines.repartition(col(CUSTOMER_ID), col(STOCK_CODE));
  }

  /**
   * Decides the lines of a partition sorted by {@link #PRODUCT_HASH}: adds the reason each line
   * ends with (its earlier one, one of these rules' or null) and its quantity cancelled.
   */
  static final class Decider implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Runs up to this long find their copies by comparing every pair of lines. */
    static final int PAIRWISE_RUN = 32;

    private static final UTF8String DUPLICATE = label(SetAsideReason.DUPLICATE);
    private static final UTF8String NON_PRODUCT = label(SetAsideReason.NON_PRODUCT);
    private static final UTF8String MATCHED = label(SetAsideReason.CANCELLATION_MATCHED);
    private static final UTF8String UNMATCHED = label(SetAsideReason.CANCELLATION_UNMATCHED);
    private static final UTF8String UNPAIRED = label(SetAsideReason.CANCELLATION);

    private final boolean matchCancellations;
    private final int productHash;
    private final int lineHash;
    private final int customer;
    private final int stock;
    private final int reason;
    private final int cancellation;
    private final int nonProduct;
    private final int quantity;
    private final int timestamp;
    private final int price;
    private final int[] identity;
    private final DataType[] identityTypes;

    Decider(StructType schema, boolean matchCancellations) {
      this.matchCancellations = matchCancellations;
      this.productHash = schema.fieldIndex(PRODUCT_HASH);
      this.lineHash = schema.fieldIndex(LINE_HASH);
      this.customer = schema.fieldIndex(CUSTOMER_ID);
      this.stock = schema.fieldIndex(STOCK_CODE);
      this.reason = schema.fieldIndex(SET_ASIDE_REASON);
      this.cancellation = schema.fieldIndex(IS_CANCELLATION);
      this.nonProduct = schema.fieldIndex(IS_NON_PRODUCT);
      this.quantity = schema.fieldIndex(QUANTITY);
      this.timestamp = schema.fieldIndex(INVOICE_TS);
      this.price = schema.fieldIndex(UNIT_PRICE);
      this.identity = InvoiceColumns.ALL.stream().mapToInt(schema::fieldIndex).toArray();
      this.identityTypes =
          InvoiceColumns.ALL.stream()
              .map(name -> schema.apply(name).dataType())
              .toArray(DataType[]::new);
    }

    private static UTF8String label(SetAsideReason reason) {
      return UTF8String.fromString(reason.label());
    }

    Iterator<InternalRow> decide(Iterator<InternalRow> rows) {
      return new Runs(rows);
    }

    /** Whether two open lines are equal in the eight invoice columns. Rare: same hash only. */
    private boolean sameLine(InternalRow a, InternalRow b) {
      for (int i = 0; i < identity.length; i++) {
        if (!Objects.equals(
            a.get(identity[i], identityTypes[i]), b.get(identity[i], identityTypes[i]))) {
          return false;
        }
      }
      return true;
    }

    private boolean sameProduct(InternalRow a, InternalRow b) {
      return Objects.equals(a.getUTF8String(customer), b.getUTF8String(customer))
          && Objects.equals(a.getUTF8String(stock), b.getUTF8String(stock));
    }

    /**
     * One partition, a run of equal {@link #PRODUCT_HASH} at a time. The rows handed out are
     * reused: whatever reads them copies what it keeps, as Spark's own operators do.
     */
    private final class Runs implements Iterator<InternalRow> {

      private final Iterator<InternalRow> rows;

      /** The run's lines, as copies: the sorter reuses its rows. Slots are reused run to run. */
      private final List<UnsafeRow> held = new ArrayList<>();

      private int size;
      private int handedOut;

      /** The first line of the next run, read to find where this one ends. */
      private UnsafeRow carried;

      /** A copy no slot holds, to carry the next run's first line in. */
      private UnsafeRow spare;

      private UTF8String[] reasons = new UTF8String[16];
      private long[] cancelledSums = new long[16];
      private boolean[] pairable = new boolean[16];

      /** For a long run: the previous distinct open line of the same line hash, or -1. */
      private int[] earlierOfHash = new int[16];

      private final GenericInternalRow decision = new GenericInternalRow(2);
      private final JoinedRow decided = new JoinedRow();

      Runs(Iterator<InternalRow> rows) {
        this.rows = rows;
      }

      @Override
      public boolean hasNext() {
        return handedOut < size || carried != null || rows.hasNext();
      }

      @Override
      public InternalRow next() {
        if (handedOut == size) {
          if (!hasNext()) {
            throw new NoSuchElementException();
          }
          readRun();
          decideRun();
        }
        int line = handedOut++;
        UnsafeRow row = held.get(line);
        decision.update(0, reasons[line]);
        decision.update(1, quantityCancelled(row, line));
        return decided.apply(row, decision);
      }

      private void readRun() {
        size = 0;
        handedOut = 0;
        if (carried != null) {
          if (held.isEmpty()) {
            held.add(carried);
          } else {
            spare = held.set(0, carried);
          }
          carried = null;
          size = 1;
        }
        while (rows.hasNext()) {
          // Spark's sort hands out its rows as UnsafeRows.
          UnsafeRow row = (UnsafeRow) rows.next();
          if (size > 0 && row.getLong(productHash) != held.get(0).getLong(productHash)) {
            carried = copyInto(spare, row);
            spare = null;
            return;
          }
          hold(row);
        }
      }

      private void hold(UnsafeRow row) {
        if (size < held.size()) {
          held.get(size).copyFrom(row);
        } else {
          held.add(row.copy());
        }
        size++;
      }

      private UnsafeRow copyInto(UnsafeRow spare, UnsafeRow row) {
        if (spare == null) {
          return row.copy();
        }
        spare.copyFrom(row);
        return spare;
      }

      private void decideRun() {
        if (reasons.length < size) {
          int capacity = Math.max(size, reasons.length * 2);
          reasons = new UTF8String[capacity];
          cancelledSums = new long[capacity];
          pairable = new boolean[capacity];
        }
        for (int line = 0; line < size; line++) {
          UnsafeRow row = held.get(line);
          reasons[line] = row.isNullAt(reason) ? null : row.getUTF8String(reason);
          cancelledSums[line] = 0;
        }
        markCopies();
        for (int line = 0; line < size; line++) {
          if (reasons[line] == null && held.get(line).getBoolean(nonProduct)) {
            reasons[line] = NON_PRODUCT;
          }
          pairable[line] = reasons[line] == null;
        }
        for (int line = 0; line < size; line++) {
          if (pairable[line] && held.get(line).getBoolean(cancellation)) {
            reasons[line] = matchCancellations ? pair(line) : UNPAIRED;
          }
        }
      }

      /**
       * Sets aside each open line equal to an earlier open line of the run. Most runs are a few
       * lines, compared pairwise; a long run (an account that bought one product thousands of
       * times) looks its lines up by hash instead, so its cost grows with its length, not its
       * square.
       */
      private void markCopies() {
        Map<Long, Integer> lastOfHash = size > PAIRWISE_RUN ? new HashMap<>() : null;
        if (earlierOfHash.length < size) {
          earlierOfHash = new int[Math.max(size, earlierOfHash.length * 2)];
        }
        for (int line = 0; line < size; line++) {
          if (reasons[line] != null) {
            continue;
          }
          UnsafeRow row = held.get(line);
          long hash = row.getLong(lineHash);
          if (lastOfHash == null) {
            for (int earlier = 0; earlier < line; earlier++) {
              if (isCopy(row, hash, earlier)) {
                reasons[line] = DUPLICATE;
                break;
              }
            }
          } else {
            Integer last = lastOfHash.get(hash);
            for (int earlier = last == null ? -1 : last;
                earlier >= 0;
                earlier = earlierOfHash[earlier]) {
              if (isCopy(row, hash, earlier)) {
                reasons[line] = DUPLICATE;
                break;
              }
            }
            if (reasons[line] == null) {
              earlierOfHash[line] = last == null ? -1 : last;
              lastOfHash.put(hash, line);
            }
          }
        }
      }

      /** Whether the line is a copy of an earlier line, which must be open and not a copy. */
      private boolean isCopy(UnsafeRow row, long hash, int earlier) {
        UnsafeRow other = held.get(earlier);
        return reasons[earlier] == null && other.getLong(lineHash) == hash && sameLine(row, other);
      }

      /** The cancellation's reason; a match adds its quantity to the purchase's sum. */
      private UTF8String pair(int cancellationLine) {
        UnsafeRow cancel = held.get(cancellationLine);
        if (cancel.isNullAt(quantity) || cancel.isNullAt(timestamp)) {
          return UNMATCHED;
        }
        int cancelled = Math.abs(cancel.getInt(quantity));
        long before = cancel.getLong(timestamp);
        int best = -1;
        for (int line = 0; line < size; line++) {
          UnsafeRow purchase = held.get(line);
          if (pairable[line]
              && !purchase.getBoolean(cancellation)
              && !purchase.isNullAt(quantity)
              && !purchase.isNullAt(timestamp)
              && purchase.getLong(timestamp) < before
              && purchase.getInt(quantity) >= cancelled
              && sameProduct(purchase, cancel)
              && (best < 0 || later(purchase, held.get(best)))) {
            best = line;
          }
        }
        if (best < 0) {
          return UNMATCHED;
        }
        cancelledSums[best] += cancelled;
        return MATCHED;
      }

      /** Whether purchase a comes before b in the pairing's order (latest first). */
      private boolean later(UnsafeRow a, UnsafeRow b) {
        int order = Long.compare(a.getLong(timestamp), b.getLong(timestamp));
        if (order == 0) {
          order = Integer.compare(a.getInt(quantity), b.getInt(quantity));
        }
        if (order == 0) {
          order = comparePrices(a, b);
        }
        if (order == 0) {
          order = Long.compare(a.getLong(lineHash), b.getLong(lineHash));
        }
        return order > 0;
      }

      /** As Spark orders doubles descending: a missing price last, 0.0 equal to -0.0. */
      private int comparePrices(UnsafeRow a, UnsafeRow b) {
        if (a.isNullAt(price) || b.isNullAt(price)) {
          return Boolean.compare(!a.isNullAt(price), !b.isNullAt(price));
        }
        double x = a.getDouble(price);
        double y = b.getDouble(price);
        return x == y ? 0 : Double.compare(x, y);
      }

      /** An open purchase's units cancelled, at most its quantity; null on any other line. */
      private Object quantityCancelled(UnsafeRow row, int line) {
        if (!pairable[line] || row.getBoolean(cancellation)) {
          return null;
        }
        if (row.isNullAt(quantity)) {
          return null;
        }
        return (int) Math.min(cancelledSums[line], row.getInt(quantity));
      }
    }
  }
}
