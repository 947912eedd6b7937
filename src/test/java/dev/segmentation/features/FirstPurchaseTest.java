package dev.segmentation.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import dev.segmentation.anticipation.FollowUp;
import dev.segmentation.anticipation.SegmentFollowUp;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.Period;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** First purchases, what followed them within the horizon, and the per-segment expectations. */
class FirstPurchaseTest extends SparkTestBase {

  private static final StructType LINES = CategorisedLines.SCHEMA;
  private static final ProductMix MIX = new ProductMix(2, 2);

  private static final Period THREE_MONTHS = Period.ofMonths(3);

  /** The data ends on 2011-06-30: its end is the day after. */
  private static final LocalDate DATA_END = LocalDate.parse("2011-07-01");

  /**
   * A: first basket 100 (30 = 20 in category 0 + 10 in 1, 3 lines, 13 units) on 10 January, then
   * 101 (10) on 20 February, 102 (40) exactly three months after the first, 103 (99) a minute
   * later, out of the horizon. B: one basket on 15 May, so less than three months of follow-up. C:
   * two baskets at the same minute; the lower invoice number is the first.
   */
  private Dataset<Row> baskets() {
    return new BasketTable(MIX)
        .apply(
            rows(
                LINES,
                CategorisedLines.line("100", "X", 10, 0, 20.0, "2011-01-10 10:00:00", "A", 0, 1),
                CategorisedLines.line("100", "Y", 2, 1, 5.0, "2011-01-10 10:00:00", "A", 1, 0),
                CategorisedLines.line("100", "Z", 2, 0, 5.0, "2011-01-10 10:00:00", "A", 1, 0),
                CategorisedLines.line("101", "Y", 1, 0, 10.0, "2011-02-20 09:00:00", "A", 1, 0),
                CategorisedLines.line("102", "Y", 4, 0, 40.0, "2011-04-10 10:00:00", "A", 1, 0),
                CategorisedLines.line("103", "Y", 9, 0, 99.0, "2011-04-10 10:01:00", "A", 1, 0),
                CategorisedLines.line("200", "X", 5, 0, 5.0, "2011-05-15 12:00:00", "B", 0, 1),
                CategorisedLines.line("301", "X", 1, 0, 7.0, "2011-03-01 08:00:00", "C", 0, 1),
                CategorisedLines.line("300", "Y", 1, 0, 3.0, "2011-03-01 08:00:00", "C", 1, 0)));
  }

  private Dataset<Row> firstPurchases() {
    Dataset<Row> baskets = baskets();
    return new FollowUp(THREE_MONTHS, DATA_END)
        .apply(baskets, new FirstPurchases(MIX, DATA_END).apply(baskets))
        .orderBy("customer_id");
  }

  @Test
  void theFirstPurchaseIsDescribedByItsBasketAlone() {
    Row a = firstPurchases().first();

    assertEquals("100", a.getAs("first_invoice_no"));
    assertEquals(Timestamp.valueOf("2011-01-10 10:00:00"), a.getAs("first_invoice_ts"));
    assertEquals(1, a.<Integer>getAs("first_month"));
    assertEquals(3L, a.<Long>getAs("line_count"));
    assertEquals(13L, a.<Long>getAs("quantity"));
    assertEquals("United Kingdom", a.getAs("country"));
    assertEquals(1.0, a.<Double>getAs("invoice_count"));
    assertEquals(30.0, a.<Double>getAs("basket_mean"));
    assertEquals(200.0 / 3, a.<Double>getAs("category_0_share"), 1e-9);
    assertEquals(100.0 / 3, a.<Double>getAs("category_1_share"), 1e-9);
  }

  @Test
  void followUpCountsLaterBasketsUpToTheHorizonInclusive() {
    List<Row> rows = firstPurchases().collectAsList();

    assertEquals(
        List.of("A 2.0 50.0 true", "B 0.0 0.0 false", "C 1.0 7.0 true"),
        rows.stream()
            .map(
                r ->
                    r.getAs("customer_id")
                        + " "
                        + r.getAs("followup_invoices")
                        + " "
                        + r.getAs("followup_spend")
                        + " "
                        + r.getAs("full_followup"))
            .toList());
    assertEquals("300", rows.get(2).getAs("first_invoice_no"));
  }

  @Test
  void expectationsCountEveryCustomerButAverageOnlyFullFollowUps() {
    Dataset<Row> segmented =
        firstPurchases()
            .withColumn(
                "segment",
                functions.when(functions.col("customer_id").equalTo("C"), 1).otherwise(0));

    List<Row> expectations = new SegmentFollowUp().apply(segmented).collectAsList();

    assertEquals(2, expectations.size());
    Row zero = expectations.get(0);
    assertEquals(0, zero.<Integer>getAs("segment"));
    assertEquals(2L, zero.<Long>getAs("customers"));
    assertEquals(1L, zero.<Long>getAs("customers_short_followup"));
    assertEquals(2.0, zero.<Double>getAs("followup_invoices_mean"));
    assertEquals(2.0, zero.<Double>getAs("followup_invoices_median"));
    assertEquals(50.0, zero.<Double>getAs("followup_spend_mean"));
    assertEquals(50.0, zero.<Double>getAs("followup_spend_median"));
    Row one = expectations.get(1);
    assertEquals(1L, one.<Long>getAs("customers"));
    assertEquals(0L, one.<Long>getAs("customers_short_followup"));
    assertEquals(7.0, one.<Double>getAs("followup_spend_median"));
  }
}
