package dev.segmentation.clean;

import static dev.segmentation.clean.Lines.describe;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.segmentation.SparkTestBase;
import dev.segmentation.ingest.InvoiceColumns;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

class ProductRulesTest extends SparkTestBase {

  private static final NonProductRule NO_CODES = new NonProductRule(List.of());

  private final ProductRules rules = new ProductRules(NO_CODES, true);

  @Test
  void exactDuplicatesKeepOneCopy() {
    Lines lines =
        new Lines()
            .add("1", "A", 1, "10:00", 1.0)
            .add("1", "A", 1, "10:00", 1.0)
            .add("1", "A", 1, "10:00", 1.0)
            .add("1", "A", 2, "10:00", 1.0)
            .add("1", "A", 1, "10:00", 1.5);

    assertEquals(
        List.of(
            "1 A 1 cancelled=0 -> null",
            "1 A 1 cancelled=0 -> null",
            "1 A 1 cancelled=null -> duplicate",
            "1 A 1 cancelled=null -> duplicate",
            "1 A 2 cancelled=0 -> null"),
        apply(lines));
  }

  @Test
  void copiesInDifferentPartitionsAreFound() {
    Lines lines = new Lines();
    for (int i = 0; i < 6; i++) {
      lines.add("1", "A", 1, "10:00", 1.0).add(String.valueOf(i + 2), "A", 1, "10:00", 1.0);
    }
    Dataset<Row> spread = lines.toDataset(spark()).repartition(4);

    Dataset<Row> tagged = rules.apply(spread);

    assertEquals(5, tagged.filter(col(CleanColumns.SET_ASIDE_REASON).equalTo("duplicate")).count());
    assertEquals(12, tagged.count());
  }

  @Test
  void linesOfOneProductAreDecidedWithoutAnotherShuffle() {
    Dataset<Row> lines = new Lines().add("1", "A", 1, "10:00", 1.0).toDataset(spark());
    Dataset<Row> byProduct =
        lines.repartition(col(InvoiceColumns.CUSTOMER_ID), col(InvoiceColumns.STOCK_CODE));

    assertEquals(1, shuffles(rules.apply(byProduct).queryExecution().toRdd()));
    // Partitioned otherwise, the lines are shuffled by product first. (The aggregation in between
    // keeps the optimiser from merging the two repartitions into one.)
    Dataset<Row> byInvoice = lines.repartition(col(InvoiceColumns.INVOICE_NO)).dropDuplicates();
    assertEquals(2, shuffles(rules.apply(byInvoice).queryExecution().toRdd()));
  }

  @Test
  void aLineSetAsideEarlierKeepsItsFirstReason() {
    Dataset<Row> lines =
        new Lines()
            .add("1", "A", 1, "10:00", 1.0, null)
            .add("1", "A", 1, "10:00", 1.0, null)
            .toDataset(spark());

    Dataset<Row> tagged = rules.apply(new MissingCustomerRule().apply(lines));

    assertEquals(
        List.of("1 A 1 cancelled=null -> no_customer", "1 A 1 cancelled=null -> no_customer"),
        describe(tagged));
  }

  @Test
  void nonProductCodesMatchExactlyOrByPrefixAndCase() {
    Lines lines =
        new Lines()
            .add("1", "POST", 1, "10:00", 18.0)
            .add("2", "POSTAGE", 1, "10:00", 1.0)
            .add("3", "m", 1, "10:00", 1.0)
            .add("4", "gift_0001_20", 1, "10:00", 20.0)
            .add("5", "DCGS0003", 1, "10:00", 1.0)
            .add("6", "85123A", 1, "10:00", 2.55);

    assertEquals(
        List.of(
            "1 POST 1 cancelled=null -> non_product",
            "2 POSTAGE 1 cancelled=0 -> null",
            "3 m 1 cancelled=null -> non_product",
            "4 gift_0001_20 1 cancelled=null -> non_product",
            "5 DCGS0003 1 cancelled=null -> non_product",
            "6 85123A 1 cancelled=0 -> null"),
        apply(lines, "POST", "m", "gift_0001_*", "DCGS*"));
  }

  @Test
  void aCopyOfANonProductLineIsADuplicate() {
    Lines lines = new Lines().add("1", "POST", 1, "10:00", 18.0).add("1", "POST", 1, "10:00", 18.0);

    assertEquals(
        List.of("1 POST 1 cancelled=null -> duplicate", "1 POST 1 cancelled=null -> non_product"),
        apply(lines, "POST"));
  }

  @Test
  void oneCounterpartTakesThePartialQuantity() {
    Lines lines = new Lines().add("100", "A", 10, "10:00", 1.0).add("C200", "A", -4, "11:00", 1.0);

    assertEquals(
        List.of("100 A 10 cancelled=4 -> null", "C200 A -4 cancelled=null -> cancellation_matched"),
        apply(lines));
  }

  @Test
  void ofSeveralCounterpartsTheLatestEarlierOneIsCancelled() {
    Lines lines =
        new Lines()
            .add("100", "A", 10, "09:00", 1.0)
            .add("101", "A", 10, "10:00", 1.0)
            .add("C200", "A", -5, "11:00", 1.0)
            .add("102", "A", 10, "12:00", 1.0);

    assertEquals(
        List.of(
            "100 A 10 cancelled=0 -> null",
            "101 A 10 cancelled=5 -> null",
            "102 A 10 cancelled=0 -> null",
            "C200 A -5 cancelled=null -> cancellation_matched"),
        apply(lines));
  }

  @Test
  void aLaterPurchaseTooSmallToCoverItIsSkipped() {
    Lines lines =
        new Lines()
            .add("100", "A", 10, "09:00", 1.0)
            .add("101", "A", 2, "10:00", 1.0)
            .add("C200", "A", -5, "11:00", 1.0);

    assertEquals(
        List.of(
            "100 A 10 cancelled=5 -> null",
            "101 A 2 cancelled=0 -> null",
            "C200 A -5 cancelled=null -> cancellation_matched"),
        apply(lines));
  }

  @Test
  void amongPurchasesOfTheSameTimeTheLargerQuantityThenTheHigherPriceIsCancelled() {
    Lines lines =
        new Lines()
            .add("100", "A", 5, "09:00", 1.0)
            .add("100", "A", 10, "09:00", 1.0)
            .add("C200", "A", -3, "11:00", 1.0)
            .add("300", "B", 4, "09:00", 1.0)
            .add("301", "B", 4, "09:00", 2.0)
            .add("C400", "B", -1, "11:00", 1.0);

    assertEquals(
        List.of(
            "100 A 10 cancelled=3 -> null",
            "100 A 5 cancelled=0 -> null",
            "300 B 4 cancelled=0 -> null",
            "301 B 4 cancelled=1 -> null",
            "C200 A -3 cancelled=null -> cancellation_matched",
            "C400 B -1 cancelled=null -> cancellation_matched"),
        apply(lines));
  }

  @Test
  void withoutCounterpartTheCancellationIsUnmatched() {
    Lines lines =
        new Lines()
            .add("100", "A", 10, "09:00", 1.0)
            .add("C200", "B", -1, "11:00", 1.0)
            .add("C201", "A", -11, "11:00", 1.0)
            .add("C202", "A", -1, "11:00", 1.0, "99999");

    assertEquals(
        List.of(
            "100 A 10 cancelled=0 -> null",
            "C200 B -1 cancelled=null -> cancellation_unmatched",
            "C201 A -11 cancelled=null -> cancellation_unmatched",
            "C202 A -1 cancelled=null -> cancellation_unmatched"),
        apply(lines));
  }

  @Test
  void aCancellationBeforeAnyPurchaseIsUnmatched() {
    Lines lines = new Lines().add("C200", "A", -3, "09:00", 1.0).add("100", "A", 10, "10:00", 1.0);

    assertEquals(
        List.of(
            "100 A 10 cancelled=0 -> null", "C200 A -3 cancelled=null -> cancellation_unmatched"),
        apply(lines));
  }

  @Test
  void severalCancellationsOfOnePurchaseAddUpToAtMostItsQuantity() {
    Lines lines =
        new Lines()
            .add("100", "A", 10, "09:00", 1.0)
            .add("C200", "A", -6, "10:00", 1.0)
            .add("C201", "A", -6, "11:00", 1.0);

    assertEquals(
        List.of(
            "100 A 10 cancelled=10 -> null",
            "C200 A -6 cancelled=null -> cancellation_matched",
            "C201 A -6 cancelled=null -> cancellation_matched"),
        apply(lines));
  }

  @Test
  void linesAlreadySetAsideTakeNoPart() {
    Lines lines =
        new Lines()
            .add("100", "D", 1, "09:00", 5.0)
            .add("C200", "D", -1, "10:00", 5.0)
            .add("101", "A", 5, "09:00", 1.0)
            .setAside("bad_customer_id")
            .add("C201", "A", -1, "10:00", 1.0);

    assertEquals(
        List.of(
            "100 D 1 cancelled=null -> non_product",
            "101 A 5 cancelled=null -> bad_customer_id",
            "C200 D -1 cancelled=null -> non_product",
            "C201 A -1 cancelled=null -> cancellation_unmatched"),
        apply(lines, "D"));
  }

  @Test
  void whenSwitchedOffEveryCancellationIsSetAsideUnpaired() {
    Lines lines = new Lines().add("100", "A", 10, "09:00", 1.0).add("C200", "A", -6, "10:00", 1.0);

    assertEquals(
        List.of("100 A 10 cancelled=0 -> null", "C200 A -6 cancelled=null -> cancellation"),
        describe(new ProductRules(NO_CODES, false).apply(lines.toDataset(spark()))));
  }

  @Test
  void linesWithoutTheReasonColumnAreRefused() {
    Dataset<Row> lines =
        new Lines()
            .add("1", "A", 1, "10:00", 1.0)
            .toDataset(spark())
            .drop(CleanColumns.SET_ASIDE_REASON);

    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> rules.apply(lines));
    assertEquals("lines lack the column set_aside_reason", refused.getMessage());
  }

  /**
   * Hand-made rows that all share one product hash, and lines that share a line hash: customers 1
   * and 2 buy and cancel the same stock code, and two different lines of customer 1 share a hash.
   */
  @Test
  void linesWhoseHashesCollideAreNeitherCopiesNorPairs() {
    List<String> decided =
        decide(
            List.of(
                new Object[] {"100", 10, "09:00", "1", 5L},
                new Object[] {"101", 10, "09:00", "1", 5L},
                new Object[] {"100", 10, "09:00", "1", 5L},
                new Object[] {"C200", -4, "10:00", "2", 6L},
                new Object[] {"C201", -4, "10:00", "1", 7L}));

    assertEquals(
        List.of(
            "100 null 4",
            "101 null 0",
            "100 duplicate null",
            "C200 cancellation_unmatched null",
            "C201 cancellation_matched null"),
        decided);
  }

  /** A run longer than the pairwise limit finds its copies by hash, told apart by columns. */
  @Test
  void inALongRunCopiesAreFoundAmongLinesOfOneHash() {
    List<Object[]> lines = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < ProductRules.Decider.PAIRWISE_RUN; i++) {
      lines.add(new Object[] {String.valueOf(100 + i), 1, "09:00", "1", 5L});
      expected.add((100 + i) + " null 0");
    }
    for (int i = 0; i < ProductRules.Decider.PAIRWISE_RUN; i += 2) {
      lines.add(new Object[] {String.valueOf(100 + i), 1, "09:00", "1", 5L});
      expected.add((100 + i) + " duplicate null");
    }

    assertEquals(expected, decide(lines));
  }

  /**
   * Invoice, quantity, time, customer and line hash per row, all of stock code "A" and one product
   * hash, through the pass: "invoice reason quantity_cancelled" per row, in order.
   */
  private static List<String> decide(List<Object[]> lines) {
    StructType schema =
        InvoiceColumns.TYPED
            .add(CleanColumns.SET_ASIDE_REASON, DataTypes.StringType)
            .add(ProductRules.PRODUCT_HASH, DataTypes.LongType)
            .add(ProductRules.LINE_HASH, DataTypes.LongType)
            .add(ProductRules.IS_CANCELLATION, DataTypes.BooleanType)
            .add(ProductRules.IS_NON_PRODUCT, DataTypes.BooleanType);
    UnsafeProjection unsafe = UnsafeProjection.create(schema);
    List<InternalRow> sortedByProduct = new ArrayList<>();
    for (Object[] line : lines) {
      boolean cancellation = ((String) line[0]).startsWith("C");
      Object[] values = {
        UTF8String.fromString((String) line[0]),
        UTF8String.fromString("A"),
        UTF8String.fromString("ITEM"),
        line[1],
        DateTimeUtils.fromJavaTimestamp(Timestamp.valueOf("2011-01-01 " + line[2] + ":00")),
        1.0,
        UTF8String.fromString((String) line[3]),
        UTF8String.fromString("United Kingdom"),
        null,
        42L,
        line[4],
        cancellation,
        false
      };
      sortedByProduct.add(unsafe.apply(new GenericInternalRow(values)).copy());
    }
    List<String> decided = new ArrayList<>();
    new ProductRules.Decider(schema, true)
        .decide(sortedByProduct.iterator())
        .forEachRemaining(
            row ->
                decided.add(
                    row.getUTF8String(0)
                        + " "
                        + row.get(schema.size(), DataTypes.StringType)
                        + " "
                        + row.get(schema.size() + 1, DataTypes.IntegerType)));
    return decided;
  }

  private List<String> apply(Lines lines, String... nonProductCodes) {
    return describe(
        new ProductRules(new NonProductRule(List.of(nonProductCodes)), true)
            .apply(lines.toDataset(spark())));
  }

  /** The shuffles in an RDD's lineage. */
  private static int shuffles(RDD<?> rdd) {
    int count = 0;
    for (Dependency<?> dependency : JavaConverters.seqAsJavaList(rdd.dependencies())) {
      count += dependency instanceof ShuffleDependency ? 1 : 0;
      count += shuffles(dependency.rdd());
    }
    return count;
  }
}
