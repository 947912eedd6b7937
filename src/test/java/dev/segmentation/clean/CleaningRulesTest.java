package dev.segmentation.clean;

import static dev.segmentation.clean.Lines.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

class CleaningRulesTest extends SparkTestBase {

  @Test
  void linesWithoutCustomerAreSetAside() {
    Dataset<Row> lines =
        new Lines()
            .add("1", "A", 1, "10:00", 1.0, "17850")
            .add("2", "A", 1, "10:00", 1.0, null)
            .toDataset(spark());

    assertEquals(
        List.of("1 A 1 -> null", "2 A 1 -> no_customer"),
        describe(new MissingCustomerRule().apply(lines)));
  }
}
