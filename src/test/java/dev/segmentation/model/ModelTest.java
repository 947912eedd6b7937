package dev.segmentation.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.segmentation.SparkTestBase;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class ModelTest extends SparkTestBase {

  private static final double[][] BLOB_CENTRES = {
    {10, 10, 10}, {60, 60, 10}, {60, 10, 60}, {10, 60, 60}
  };

  /** Four well separated blobs of 40 customers in three features; blob i is "truth" i. */
  private Dataset<Row> blobs() {
    StructType schema =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("invoice_count", DataTypes.DoubleType)
            .add("basket_mean", DataTypes.DoubleType)
            .add("basket_max", DataTypes.DoubleType)
            .add("truth", DataTypes.IntegerType);
    Random random = new Random(7);
    List<Object[]> rows = new ArrayList<>();
    for (int blob = 0; blob < BLOB_CENTRES.length; blob++) {
      for (int i = 0; i < 40; i++) {
        double[] c = BLOB_CENTRES[blob];
        rows.add(
            new Object[] {
              "c" + blob + "-" + i,
              c[0] + random.nextGaussian(),
              c[1] + random.nextGaussian(),
              c[2] + random.nextGaussian(),
              blob
            });
      }
    }
    return rows(schema, rows.toArray(Object[][]::new));
  }

  private JobConfig.Segments segments(String algorithm) {
    return TestConfigs.withOverrides(
            Map.of(
                "segmentation.segments.features", "invoice_count,basket_mean,basket_max",
                "segmentation.segments.k-min", "2",
                "segmentation.segments.k-max", "8",
                "segmentation.segments.algorithm", algorithm))
        .segments();
  }

  @Test
  void theKSearchFindsTheTrueNumberOfBlobs() {
    CustomerSegmenter.Result result =
        new CustomerSegmenter(segments("kmeans"), defaults().train()).fit(blobs());

    assertEquals(4, result.k());
    assertEquals(7, result.scores().size());
    assertSameGrouping(result.model().transform(blobs()), "kmeans");
  }

  /**
   * The alternative is searched and scored the same way. It is not held to k = 4: Spark's
   * BisectingKMeans seeds each split at the centre ± 1e-4 of its norm and one greedy split cuts a
   * blob in two.
   */
  @Test
  void theAlternativeAlgorithmIsSearchedAndScoredTheSameWay() {
    CustomerSegmenter.Result result =
        new CustomerSegmenter(segments("bisecting-kmeans"), defaults().train()).fit(blobs());

    assertEquals(7, result.scores().size());
    CustomerSegmenter.KScore chosen =
        result.scores().stream().filter(s -> s.k() == result.k()).findFirst().orElseThrow();
    Assertions.assertTrue(chosen.accepted());
    Assertions.assertTrue(chosen.silhouette() > 0.7, "silhouette " + chosen.silhouette());
    assertEquals(
        result.k(),
        new CustomerSegmenter(segments("bisecting-kmeans"), defaults().train()).fit(blobs()).k());
  }

  @Test
  void aFixedKIsTakenAsIs() {
    JobConfig.Segments fixed =
        TestConfigs.withOverrides(
                Map.of(
                    "segmentation.segments.features", "invoice_count,basket_mean,basket_max",
                    "segmentation.segments.k", "3"))
            .segments();

    CustomerSegmenter.Result result = new CustomerSegmenter(fixed, defaults().train()).fit(blobs());

    assertEquals(3, result.k());
    assertEquals(1, result.scores().size());
  }

  @Test
  void twoFitsGiveIdenticalAssignmentsAndASavedModelPredictsTheSame() throws Exception {
    Dataset<Row> customers = blobs();
    PipelineModel first =
        new CustomerSegmenter(segments("kmeans"), defaults().train()).fit(customers).model();
    PipelineModel second =
        new CustomerSegmenter(segments("kmeans"), defaults().train())
            .fit(customers.orderBy("basket_mean"))
            .model();
    String path = tempDir().getAbsolutePath() + "/segmentation-" + System.nanoTime();
    first.write().save(path);
    PipelineModel loaded = PipelineModel.load(path);

    Map<String, Integer> byFirst = assignments(first.transform(customers), "segment");
    assertEquals(byFirst, assignments(second.transform(customers), "segment"));
    assertEquals(byFirst, assignments(loaded.transform(customers), "segment"));
  }

  @Test
  void theClassifierLearnsSeparableSegmentsAndReloads() throws Exception {
    Dataset<Row> labelled = blobs().withColumnRenamed("truth", "segment");
    JobConfig.Classifier settings = TestConfigs.defaults().classifier();
    PipelineModel model =
        new SegmentClassifier(List.of("invoice_count", "basket_mean"), settings, defaults().train())
            .fit(labelled);
    String path = tempDir().getAbsolutePath() + "/classifier-" + System.nanoTime();
    model.write().save(path);

    Dataset<Row> predicted = model.transform(labelled);
    long correct = predicted.filter("cast(predicted_segment as int) = segment").count();
    assertEquals(labelled.count(), correct);
    assertEquals(
        assignments(predicted, "predicted_segment"),
        assignments(PipelineModel.load(path).transform(labelled), "predicted_segment"));
  }

  private static Map<String, Integer> assignments(Dataset<Row> predictions, String column) {
    Map<String, Integer> result = new HashMap<>();
    predictions
        .select("customer_id", column)
        .collectAsList()
        .forEach(r -> result.put(r.getString(0), ((Number) r.get(1)).intValue()));
    return result;
  }

  /** Every blob lands in one segment, and different blobs in different segments. */
  private static void assertSameGrouping(Dataset<Row> assigned, String algorithm) {
    Map<Integer, Set<Integer>> segmentsOfBlob = new HashMap<>();
    assigned
        .select("truth", "segment")
        .collectAsList()
        .forEach(
            r ->
                segmentsOfBlob.computeIfAbsent(r.getInt(0), b -> new HashSet<>()).add(r.getInt(1)));
    Set<Integer> used = new HashSet<>();
    for (Set<Integer> segments : segmentsOfBlob.values()) {
      assertEquals(
          1, segments.size(), algorithm + ": a blob split across segments " + segmentsOfBlob);
      used.addAll(segments);
    }
    assertEquals(4, used.size(), algorithm + ": blobs merged " + segmentsOfBlob);
    assertNotEquals(0, used.size());
  }
}
