package dev.segmentation.evaluate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class SilhouetteTest extends SparkTestBase {

  @Test
  void handWorkedPointsAndALoneOne() {
    // 0 and 1 in segment 0, 10 alone in segment 1: a = 1 for both, b = 100 and 81.
    double[] silhouettes =
        Silhouette.of(
            List.of(new double[] {0}, new double[] {1}, new double[] {10}), List.of(0, 0, 1));

    assertArrayEquals(new double[] {0.99, 80.0 / 81, 0}, silhouettes, 1e-12);
  }

  @Test
  void oneSegmentHasNoSilhouette() {
    assertEquals(
        0, Silhouette.of(List.of(new double[] {0}, new double[] {1}), List.of(3, 3)).length);
  }

  @Test
  void theMeanIsWhatClusteringEvaluatorReports() {
    Random random = new Random(7);
    List<double[]> points = new ArrayList<>();
    List<Integer> segments = new ArrayList<>();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      int segment = i % 3;
      double[] point = {segment * 2 + random.nextGaussian(), random.nextGaussian()};
      points.add(point);
      segments.add(segment);
      rows.add(RowFactory.create(Vectors.dense(point), (double) segment));
    }
    Dataset<Row> table =
        spark()
            .createDataFrame(
                rows,
                new StructType()
                    .add("features", new VectorUDT())
                    .add("prediction", DataTypes.DoubleType));

    double evaluator = new ClusteringEvaluator().evaluate(table);
    double mean = 0;
    for (double s : Silhouette.of(points, segments)) {
      mean += s / points.size();
    }

    assertEquals(evaluator, mean, 1e-9);
  }
}
