package dev.segmentation.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
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
    StructType schema = new StructType()
        .add("segment", DataTypes.IntegerType).add("predicted_segment", DataTypes.DoubleType);
    Dataset<Row> predictions = rows(schema,
        new Object[] {0, 0.0}, new Object[] {0, 1.0}, new Object[] {1, 1.0}, new Object[] {2, 1.0});

    ClassificationReport report = ClassificationReport.of(predictions, "segment", "predicted_segment", 3);

    assertArrayEquals(new long[] {1, 1, 0}, report.confusion()[0]);
    assertArrayEquals(new long[] {0, 1, 0}, report.confusion()[1]);
    assertArrayEquals(new long[] {0, 1, 0}, report.confusion()[2]);
    assertEquals(0.5, report.accuracy(), 1e-12);
  }

  @Test
  void daviesBouldinFromCentresAndScatter() {
    StructType schema = new StructType()
        .add("features", SQLDataTypes.VectorType()).add("segment", DataTypes.IntegerType);
    Dataset<Row> assigned = rows(schema,
        new Object[] {Vectors.dense(0, 0), 0}, new Object[] {Vectors.dense(2, 0), 0},
        new Object[] {Vectors.dense(10, 0), 1}, new Object[] {Vectors.dense(10, 2), 1});

    ClusterQuality quality = ClusterQuality.of(assigned, "features", "segment");

    assertEquals(Map.of(0, 2L, 1, 2L), quality.sizes());
    // Both scatters are 1; the centres (1, 0) and (10, 1) are √82 apart.
    assertEquals(2 / Math.sqrt(82), quality.daviesBouldin(), 1e-12);
  }

  @Test
  void profilesCountShareAndLabelEachSegment() {
    List<String> features = dev.segmentation.features.FeatureColumns.all(2);
    StructType schema = new StructType().add("segment", DataTypes.IntegerType);
    for (String feature : features) {
      schema = schema.add(feature, DataTypes.DoubleType);
    }
    Dataset<Row> segmented = rows(schema,
        customer(0, 10, 100, 90, 10, 1000), customer(0, 10, 100, 90, 10, 1000),
        customer(1, 1, 10, 10, 90, 10), customer(1, 1, 10, 10, 90, 10));

    List<Row> profiles = new SegmentProfiler(2, Map.of(0, List.of("heart", "light", "candl", "box"),
        1, List.of("card"))).apply(segmented).orderBy("segment").collectAsList();

    assertEquals(2L, profiles.get(0).<Long>getAs("customers"));
    assertEquals(0.5, profiles.get(0).<Double>getAs("customer_share"));
    assertEquals(0.9901, profiles.get(0).<Double>getAs("revenue_share"));
    assertEquals(10.0, profiles.get(0).<Double>getAs("mean_invoice_count"));
    assertEquals("very frequent high-value buyers, mostly category 0 (heart, light, candl)",
        profiles.get(0).getAs("label"));
    assertEquals("one-time low-value buyers, mostly category 1 (card)", profiles.get(1).getAs("label"));
  }

  private static Object[] customer(int segment, double invoices, double basketMean, double share0,
      double share1, double monetary) {
    // invoice_count, basket_min, basket_max, basket_mean, basket_sum, shares, days first/last,
    // recency, frequency, monetary
    return new Object[] {segment, invoices, basketMean, basketMean, basketMean, monetary, share0,
        share1, 100.0, 10.0, 10.0, invoices, monetary};
  }
}
