package dev.segmentation.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.segmentation.SparkTestBase;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ValueBandsTest extends SparkTestBase {

  private static final StructType VALUED =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add(LifetimeValue.EXPECTED_SPEND, DataTypes.DoubleType);

  @Test
  void theTopFifthIsHighTheNextThirtyPercentMediumTheRestLow() {
    // Expected spends 1 to 10: the median is 5, the 80th percentile 8.
    Dataset<Row> valued =
        rows(
            VALUED,
            IntStream.rangeClosed(1, 10)
                .mapToObj(i -> new Object[] {"c" + i, (double) i})
                .toArray(Object[][]::new));

    ValueBands bands = ValueBands.fit(valued);

    assertEquals(new ValueBands(5, 8), bands);
    List<String> byCustomer =
        bands
            .apply(valued)
            .orderBy(LifetimeValue.EXPECTED_SPEND)
            .select(ValueBands.VALUE_BAND)
            .as(Encoders.STRING())
            .collectAsList();
    assertEquals(
        List.of("low", "low", "low", "low", "medium", "medium", "medium", "high", "high", "high"),
        byCustomer);
  }

  @Test
  void thresholdsOutOfOrderAreRefused() {
    assertThrows(IllegalArgumentException.class, () -> new ValueBands(10, 5));
    assertThrows(IllegalArgumentException.class, () -> new ValueBands(-1, 5));
  }
}
