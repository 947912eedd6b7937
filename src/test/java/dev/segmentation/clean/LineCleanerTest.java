package dev.segmentation.clean;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import dev.segmentation.ingest.InvoiceColumns;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class LineCleanerTest extends SparkTestBase {

  @Test
  void appliesTheRulesInOrderAndComputesTheAmount() {
    Dataset<Row> lines =
        new Lines()
            .add("100", "A", 10, "09:00", 2.5)
            .add("100", "A", 10, "09:00", 2.5)
            .add("100", "POST", 1, "09:00", 18.0)
            .add("101", "B", 4, "09:30", 1.25, null)
            .add("C200", "A", -4, "10:00", 2.5)
            .add("102", "E", 3, "11:00", 0.5)
            .add("C201", "D", -1, "10:00", 5.0)
            .toDataset(spark())
            .drop(CleanColumns.SET_ASIDE_REASON);

    Dataset<Row> cleaned = new LineCleaner(defaults().cleaning()).apply(lines);

    List<String> described =
        cleaned.collectAsList().stream()
            .map(
                row ->
                    row.getAs(InvoiceColumns.INVOICE_NO)
                        + " "
                        + row.getAs(InvoiceColumns.STOCK_CODE)
                        + " amount="
                        + row.getAs(CleanColumns.AMOUNT)
                        + " -> "
                        + row.getAs(CleanColumns.SET_ASIDE_REASON))
            .sorted()
            .collect(Collectors.toList());
    assertEquals(
        List.of(
            "100 A amount=15.0 -> null",
            "100 A amount=null -> duplicate",
            "100 POST amount=null -> non_product",
            "101 B amount=null -> no_customer",
            "102 E amount=1.5 -> null",
            "C200 A amount=null -> cancellation_matched",
            "C201 D amount=null -> non_product"),
        described);
  }

  @Test
  void linesThatArriveSetAsideAreLeftAsTheyAre() {
    Dataset<Row> lines =
        new Lines()
            .add("100", "A", 10, "09:00", 2.5)
            .setAside("bad_quantity")
            .add("100", "A", 10, "09:00", 2.5)
            .add("101", "E", 4, "09:30", 1.25)
            .setAside("bad_quantity")
            .add("C200", "E", -4, "10:00", 1.25)
            .toDataset(spark());

    Dataset<Row> cleaned = new LineCleaner(defaults().cleaning()).apply(lines);

    List<String> described =
        cleaned.collectAsList().stream()
            .map(
                row ->
                    row.getAs(InvoiceColumns.INVOICE_NO)
                        + " -> "
                        + row.getAs(CleanColumns.SET_ASIDE_REASON))
            .sorted()
            .collect(Collectors.toList());
    // The copy of 100 that arrived set aside does not make the other a duplicate, and the purchase
    // that arrived set aside is not there for the cancellation to match.
    assertEquals(
        List.of(
            "100 -> bad_quantity",
            "100 -> null",
            "101 -> bad_quantity",
            "C200 -> cancellation_unmatched"),
        described);
  }
}
