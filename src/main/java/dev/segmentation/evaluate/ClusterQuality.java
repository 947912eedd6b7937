package dev.segmentation.evaluate;

import static org.apache.spark.ml.functions.vector_to_array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Segment sizes and the Davies–Bouldin index of an assignment, computed on the cluster: centres and
 * per-segment scatter are aggregations; only k centres and k numbers reach the driver.
 *
 * <p>Davies–Bouldin = mean over segments i of max over j ≠ i of (S_i + S_j) / d(c_i, c_j), with S
 * the mean Euclidean distance of a segment's members to its centre. Lower is better.
 */
public record ClusterQuality(Map<Integer, Long> sizes, double daviesBouldin) {

  public static ClusterQuality of(
      Dataset<Row> assigned, String featuresColumn, String segmentColumn) {
    Dataset<Row> centres =
        assigned
            .groupBy(col(segmentColumn).as("_segment"))
            .agg(Summarizer.mean(col(featuresColumn)).as("_centre"), count(lit(1)).as("_size"));
    Dataset<Row> scatter =
        assigned
            .join(broadcast(centres), col(segmentColumn).equalTo(col("_segment")))
            .withColumn("_point", vector_to_array(col(featuresColumn), "float64"))
            .withColumn("_centre_array", vector_to_array(col("_centre"), "float64"))
            .withColumn(
                "_distance",
                expr(
                    "sqrt(aggregate(zip_with(_point, _centre_array, "
                        + "(a, b) -> (a - b) * (a - b)), 0D, (acc, x) -> acc + x))"))
            .groupBy(col("_segment"), col("_centre"), col("_size"))
            .agg(avg(col("_distance")).as("_scatter"));
    return fromCentres(scatter.orderBy("_segment").collectAsList());
  }

  private static ClusterQuality fromCentres(List<Row> rows) {
    Map<Integer, Long> sizes = new TreeMap<>();
    int k = rows.size();
    double[][] centres = new double[k][];
    double[] scatter = new double[k];
    for (int i = 0; i < k; i++) {
      Row row = rows.get(i);
      sizes.put(row.getInt(0), row.getLong(2));
      centres[i] = ((Vector) row.get(1)).toArray();
      scatter[i] = row.getDouble(3);
    }
    return new ClusterQuality(sizes, daviesBouldin(centres, scatter));
  }

  static double daviesBouldin(double[][] centres, double[] scatter) {
    int k = centres.length;
    if (k < 2) {
      return 0;
    }
    double sum = 0;
    for (int i = 0; i < k; i++) {
      double worst = 0;
      for (int j = 0; j < k; j++) {
        if (i != j) {
          worst = Math.max(worst, (scatter[i] + scatter[j]) / distance(centres[i], centres[j]));
        }
      }
      sum += worst;
    }
    return sum / k;
  }

  private static double distance(double[] a, double[] b) {
    double sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += (a[i] - b[i]) * (a[i] - b[i]);
    }
    return Math.sqrt(sum);
  }
}
