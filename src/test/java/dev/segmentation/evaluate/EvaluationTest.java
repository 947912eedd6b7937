package dev.segmentation.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.ProductMix;
import java.time.Period;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class EvaluationTest extends SparkTestBase {

  @Test
  void accuracyWeightedF1AndMajorityShareComeFromTheConfusionMatrix() {
    ClassificationReport report = ClassificationReport.fromConfusion(new long[][] {{5, 1}, {2, 2}});

    assertEquals(10, report.customers());
    assertEquals(0.7, report.accuracy(), 1e-12);
    assertEquals(0.6, report.majorityShare(), 1e-12);
    // F1 of class 0: 2·(5/7·5/6)/(5/7+5/6) = 10/13; of class 1: 4/7; weighted by 6 and 4 of 10.
    assertEquals(0.6 * 10 / 13 + 0.4 * 4 / 7, report.weightedF1(), 1e-12);
  }

  @Test
  void theConfusionMatrixIsCountedOnTheCluster() {
    StructType schema =
        new StructType()
            .add("segment", DataTypes.IntegerType)
            .add("predicted_segment", DataTypes.DoubleType);
    Dataset<Row> predictions =
        rows(
            schema,
            new Object[] {0, 0.0},
            new Object[] {0, 1.0},
            new Object[] {1, 1.0},
            new Object[] {2, 1.0});

    ClassificationReport report =
        ClassificationReport.of(predictions, "segment", "predicted_segment", 3);

    assertArrayEquals(new long[] {1, 1, 0}, report.confusion()[0]);
    assertArrayEquals(new long[] {0, 1, 0}, report.confusion()[1]);
    assertArrayEquals(new long[] {0, 1, 0}, report.confusion()[2]);
    assertEquals(0.5, report.accuracy(), 1e-12);
  }

  @Test
  void daviesBouldinFromCentresAndScatter() {
    StructType schema =
        new StructType()
            .add("features", SQLDataTypes.VectorType())
            .add("segment", DataTypes.IntegerType);
    Dataset<Row> assigned =
        rows(
            schema,
            new Object[] {Vectors.dense(0, 0), 0},
            new Object[] {Vectors.dense(2, 0), 0},
            new Object[] {Vectors.dense(10, 0), 1},
            new Object[] {Vectors.dense(10, 2), 1});

    ClusterQuality quality = ClusterQuality.of(assigned, "features", "segment");

    assertEquals(Map.of(0, 2L, 1, 2L), quality.sizes());
    // Both scatters are 1; the centres (1, 0) and (10, 1) are √82 apart.
    assertEquals(2 / Math.sqrt(82), quality.daviesBouldin(), 1e-12);
  }

  @Test
  void profilesCountShareAndLabelEachSegment() {
    List<String> features = FeatureColumns.all(new ProductMix(2, 1));
    StructType schema = new StructType().add("segment", DataTypes.IntegerType);
    for (String feature : features) {
      schema = schema.add(feature, DataTypes.DoubleType);
    }
    schema =
        schema
            .add("p_alive", DataTypes.DoubleType)
            .add("expected_purchases", DataTypes.DoubleType)
            .add("expected_spend", DataTypes.DoubleType)
            .add("value_band", DataTypes.StringType);
    Dataset<Row> segmented =
        rows(
            schema,
            customer(0, 10, 100, 90, 10, 1000, 0.9, 4, 300, "high"),
            customer(0, 10, 100, 90, 10, 1000, 1.0, 2, 100, "medium"),
            customer(1, 1, 10, 10, 90, 10, 0.5, 0, 0, "low"),
            customer(1, 1, 10, 10, 90, 10, 0.7, 1, 20, "low"));

    List<Row> profiles =
        new SegmentProfiler(
                new ProductMix(2, 1),
                Map.of(0, "heart & light", 1, "card"),
                List.of("any price"),
                Period.ofMonths(12))
            .apply(segmented)
            .orderBy("segment")
            .collectAsList();

    assertEquals(2L, profiles.get(0).<Long>getAs("customers"));
    assertEquals(0.5, profiles.get(0).<Double>getAs("customer_share"));
    assertEquals(0.9901, profiles.get(0).<Double>getAs("revenue_share"));
    assertEquals(10.0, profiles.get(0).<Double>getAs("mean_invoice_count"));
    assertEquals(
        "very frequent high-value buyers, mostly heart & light", profiles.get(0).getAs("label"));
    assertEquals("one-time low-value buyers, mostly card", profiles.get(1).getAs("label"));
    // The expected future: percentile_approx gives the smallest value with at least that share
    // of the segment at or below it.
    Row first = profiles.get(0);
    assertEquals(3.0, first.<Double>getAs("mean_expected_purchases"));
    assertEquals(200.0, first.<Double>getAs("mean_expected_spend"));
    assertEquals(
        List.of(100.0, 100.0, 300.0),
        List.of(
            first.<Double>getAs("expected_spend_p10"),
            first.<Double>getAs("expected_spend_p50"),
            first.<Double>getAs("expected_spend_p90")));
    assertEquals(0.95, first.<Double>getAs("mean_p_alive"), 1e-12);
    assertEquals(
        List.of(0.9, 0.9, 1.0),
        List.of(
            first.<Double>getAs("p_alive_p10"),
            first.<Double>getAs("p_alive_p50"),
            first.<Double>getAs("p_alive_p90")));
    assertEquals(0.5, first.<Double>getAs("high_value_share"));
    assertEquals(0.0, profiles.get(1).<Double>getAs("high_value_share"));
    Assertions.assertTrue(
        first
            .<String>getAs("description")
            .endsWith(
                " Over the next 12 months: 3.0 purchase "
                    + "days and 200.00 spend expected per customer (median 100.00), 50% in the high value band; "
                    + "P(alive) 0.95 on average. Keep them close without discounts: early access, "
                    + "service and loyalty perks. Lead with heart & light."),
        first.<String>getAs("description"));
    // A one-time segment is asked for a second order.
    Assertions.assertTrue(
        profiles
            .get(1)
            .<String>getAs("description")
            .endsWith(
                "Turn the first order into a habit: a second-purchase offer soon after it. "
                    + "Lead with card."),
        profiles.get(1).<String>getAs("description"));
  }

  private static Object[] customer(
      int segment,
      double invoices,
      double basketMean,
      double share0,
      double share1,
      double monetary,
      double pAlive,
      double expectedPurchases,
      double expectedSpend,
      String valueBand) {
    // invoice_count, basket_min, basket_max, basket_mean, basket_sum, category shares, price band
    // share, days first/last,
    // recency, frequency, monetary, then the expected future
    return new Object[] {
      segment,
      invoices,
      basketMean,
      basketMean,
      basketMean,
      monetary,
      share0,
      share1,
      100.0,
      100.0,
      10.0,
      10.0,
      invoices,
      monetary,
      pAlive,
      expectedPurchases,
      expectedSpend,
      valueBand
    };
  }
}
