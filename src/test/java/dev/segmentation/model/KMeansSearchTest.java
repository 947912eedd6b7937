package dev.segmentation.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.segmentation.SparkTestBase;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class KMeansSearchTest extends SparkTestBase {

  private static final StructType SCHEMA =
      new StructType()
          .add("features", SQLDataTypes.VectorType())
          .add("label", DataTypes.IntegerType);

  /** Three blobs of 50 points in two dimensions, labelled by blob. */
  private static double[][] blobs() {
    double[][] centres = {{0, 0}, {8, 0}, {0, 8}};
    Random random = new Random(3);
    double[][] points = new double[150][];
    for (int i = 0; i < points.length; i++) {
      double[] centre = centres[i / 50];
      points[i] =
          new double[] {centre[0] + random.nextGaussian(), centre[1] + random.nextGaussian()};
    }
    return points;
  }

  private Dataset<Row> table(double[][] points, int[] labels) {
    List<Object[]> rows = new ArrayList<>();
    for (int i = 0; i < points.length; i++) {
      rows.add(new Object[] {Vectors.dense(points[i]), labels[i]});
    }
    return rows(SCHEMA, rows.toArray(Object[][]::new));
  }

  @Test
  void theSilhouetteIsClusteringEvaluatorsOwn() {
    double[][] points = blobs();
    // Any labelling will do, a poor one included: here blob, and a random one with a singleton.
    int[] byBlob = new int[points.length];
    int[] random = new int[points.length];
    Random draw = new Random(5);
    for (int i = 0; i < points.length; i++) {
      byBlob[i] = i / 50;
      random[i] = 1 + draw.nextInt(3);
    }
    random[17] = 0;

    for (int[] labels : List.of(byBlob, random)) {
      double expected =
          new ClusteringEvaluator()
              .setFeaturesCol("features")
              .setPredictionCol("label")
              .evaluate(table(points, labels));
      assertEquals(expected, KMeansSearch.silhouette(points, labels, 4), 1e-12);
    }
  }

  @Test
  void eachKIsScoredInItsOwnTaskAndTheTrueKScoresBest() {
    double[][] points = blobs();
    Dataset<Row> scaled = table(points, new int[points.length]);
    KMeansSearch.Result result =
        KMeansSearch.builder()
            .seed(42)
            .build()
            .search(scaled, "features", points.length, List.of(2, 3, 4, 5));

    assertEquals(List.of(2, 3, 4, 5), result.scores().stream().map(KMeansSearch.Score::k).toList());
    assertEquals(150, result.sampled());
    KMeansSearch.Score three = result.scores().get(1);
    assertArrayEquals(new long[] {50, 50, 50}, Arrays.stream(three.sizes()).sorted().toArray());
    for (KMeansSearch.Score score : result.scores()) {
      Assertions.assertTrue(
          score.k() == 3 || score.silhouette() < three.silhouette(), "k=" + score.k());
    }
    assertEquals(1.0 / 3, three.largestShare(), 1e-12);
  }

  @Test
  void theSameSeedGivesTheSameScoresAndTheSampleIsCapped() {
    double[][] points = blobs();
    Dataset<Row> scaled = table(points, new int[points.length]);
    KMeansSearch search = KMeansSearch.builder().seed(7).sampleLimit(60).starts(2).build();

    KMeansSearch.Result first = search.search(scaled, "features", points.length, List.of(3, 4));
    KMeansSearch.Result second = search.search(scaled, "features", points.length, List.of(3, 4));

    Assertions.assertTrue(
        first.sampled() <= 60 && first.sampled() >= 30, "sampled " + first.sampled());
    assertEquals(first.sampled(), second.sampled());
    for (int i = 0; i < 2; i++) {
      assertEquals(first.scores().get(i).silhouette(), second.scores().get(i).silhouette());
      assertArrayEquals(first.scores().get(i).sizes(), second.scores().get(i).sizes());
      assertEquals(first.sampled(), Arrays.stream(first.scores().get(i).sizes()).sum());
    }
  }

  @Test
  void aKLargerThanTheSampleIsUnusableAndBadSettingsFailFast() {
    KMeansSearch.Score score = KMeansSearch.fit(blobs(), 200, 1, 10, 1);
    assertEquals(-1, score.silhouette());
    assertFalse(score.usable());

    assertThrows(IllegalArgumentException.class, () -> KMeansSearch.builder().sampleLimit(1));
    assertThrows(IllegalArgumentException.class, () -> KMeansSearch.builder().starts(0));
    assertThrows(IllegalArgumentException.class, () -> KMeansSearch.builder().maxIterations(0));
  }
}
