package dev.segmentation.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class CustomerFeaturesTest extends SparkTestBase {

  private static final StructType LINES = CategorisedLines.SCHEMA;
  private static final ProductMix MIX = new ProductMix(2, 2);

  /** Customer A: two baskets (30 = 20 in category 0 + 10 in 1; then 10 in 1); B: one of 5. */
  private Dataset<Row> lines() {
    return rows(
        LINES,
        CategorisedLines.line("100", "X", 10, 0, 20.0, "2011-01-10 10:00:00", "A", 0, 1),
        CategorisedLines.line("100", "Y", 2, 1, 10.0, "2011-01-10 10:00:00", "A", 1, 0),
        CategorisedLines.line("101", "Y", 1, 0, 10.0, "2011-01-20 09:00:00", "A", 1, 0),
        CategorisedLines.line("102", "X", 5, 0, 5.0, "2011-01-25 12:00:00", "B", 0, 1));
  }

  @Test
  void basketsAddUpAmountsPerCategoryPriceBandLinesAndUnits() {
    List<String> baskets =
        new BasketTable(MIX)
            .apply(lines()).orderBy("invoice_no").collectAsList().stream()
                .map(
                    r ->
                        r.getAs("customer_id")
                            + " "
                            + r.getAs("invoice_no")
                            + " amount="
                            + r.getAs("basket_amount")
                            + " lines="
                            + r.getAs("line_count")
                            + " units="
                            + r.getAs("quantity")
                            + " c0="
                            + r.getAs("category_0_amount")
                            + " c1="
                            + r.getAs("category_1_amount")
                            + " p0="
                            + r.getAs("price_band_0_amount")
                            + " p1="
                            + r.getAs("price_band_1_amount")
                            + " ts="
                            + r.getAs("invoice_ts"))
                .collect(Collectors.toList());

    assertEquals(
        List.of(
            "A 100 amount=30.0 lines=2 units=11 c0=20.0 c1=10.0 p0=10.0 p1=20.0"
                + " ts=2011-01-10 10:00:00.0",
            "A 101 amount=10.0 lines=1 units=1 c0=0.0 c1=10.0 p0=10.0 p1=0.0"
                + " ts=2011-01-20 09:00:00.0",
            "B 102 amount=5.0 lines=1 units=5 c0=5.0 c1=0.0 p0=0.0 p1=5.0"
                + " ts=2011-01-25 12:00:00.0"),
        baskets);
  }

  @Test
  void customersGetCountsBasketStatisticsSharesAndDays() {
    Dataset<Row> baskets = new BasketTable(MIX).apply(lines());

    List<Row> customers =
        new CustomerFeatures(MIX, LocalDate.parse("2011-02-01"))
            .apply(baskets)
            .orderBy("customer_id")
            .collectAsList();

    assertEquals(
        List.of("A", "B"), customers.stream().map(r -> r.<String>getAs("customer_id")).toList());
    Row a = customers.get(0);
    assertEquals(2.0, a.<Double>getAs("invoice_count"));
    assertEquals(10.0, a.<Double>getAs("basket_min"));
    assertEquals(30.0, a.<Double>getAs("basket_max"));
    assertEquals(20.0, a.<Double>getAs("basket_mean"));
    assertEquals(40.0, a.<Double>getAs("basket_sum"));
    assertEquals(50.0, a.<Double>getAs("category_0_share"));
    assertEquals(50.0, a.<Double>getAs("category_1_share"));
    assertEquals(50.0, a.<Double>getAs("price_band_0_share"));
    assertEquals(50.0, a.<Double>getAs("price_band_1_share"));
    assertEquals(22.0, a.<Double>getAs("days_since_first"));
    assertEquals(12.0, a.<Double>getAs("days_since_last"));
    assertEquals(12.0, a.<Double>getAs("recency_days"));
    assertEquals(2.0, a.<Double>getAs("frequency"));
    assertEquals(40.0, a.<Double>getAs("monetary"));
    Row b = customers.get(1);
    assertEquals(100.0, b.<Double>getAs("category_0_share"));
    assertEquals(0.0, b.<Double>getAs("category_1_share"));
    assertEquals(100.0, b.<Double>getAs("price_band_1_share"));
    assertEquals(7.0, b.<Double>getAs("days_since_first"));
  }

  @Test
  void theFirstInvoiceVariantSeesOnlyTheFirstBasket() {
    Dataset<Row> first = CustomerFeatures.firstBaskets(new BasketTable(MIX).apply(lines()));

    Row a =
        new CustomerFeatures(MIX, LocalDate.parse("2011-02-01"))
            .apply(first)
            .filter("customer_id = 'A'")
            .first();

    assertEquals(1.0, a.<Double>getAs("invoice_count"));
    assertEquals(30.0, a.<Double>getAs("basket_mean"));
    assertEquals(200.0 / 3, a.<Double>getAs("category_0_share"), 1e-9);
  }

  @Test
  void onlyPositiveBasketsCount() {
    Dataset<Row> baskets =
        new BasketTable(MIX)
            .apply(
                rows(
                    LINES,
                    CategorisedLines.line(
                        "100", "X", 10, 10, 0.0, "2011-01-10 10:00:00", "A", 0, 1),
                    CategorisedLines.line(
                        "101", "X", 1, 0, 3.0, "2011-01-11 10:00:00", "A", 0, 1)));

    assertEquals(1, baskets.filter(BasketTable.positive()).count());
  }

  @Test
  void featureNamesExpandTheWildcardsAndRejectUnknownNames() {
    assertEquals(
        List.of("basket_mean", "category_0_share", "category_1_share"),
        FeatureColumns.expand(List.of("basket_mean", "category_*_share"), MIX));
    assertEquals(
        List.of("price_band_0_share", "price_band_1_share", "invoice_count"),
        FeatureColumns.expand(List.of("price_band_*_share", "invoice_count"), MIX));
    IllegalArgumentException error =
        Assertions.assertThrows(
            IllegalArgumentException.class,
            () -> FeatureColumns.expand(List.of("basket_median"), MIX));
    Assertions.assertTrue(error.getMessage().startsWith("names unknown feature 'basket_median'"));
  }
}
