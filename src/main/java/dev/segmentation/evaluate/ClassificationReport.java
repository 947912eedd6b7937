package dev.segmentation.evaluate;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * How well predicted segments match actual ones, from the confusion matrix: one small aggregation
 * on the cluster (at most k × k rows reach the driver).
 *
 * @param confusion rows are actual segments, columns predicted ones
 * @param majorityShare share of the most common actual segment: the accuracy of always guessing it
 */
public record ClassificationReport(
    long customers, double accuracy, double weightedF1, double majorityShare, long[][] confusion) {

  public static ClassificationReport of(
      Dataset<Row> predictions, String actualColumn, String predictedColumn, int segments) {
    long[][] confusion = new long[segments][segments];
    List<Row> cells =
        predictions
            .groupBy(
                col(actualColumn).cast(DataTypes.IntegerType),
                col(predictedColumn).cast(DataTypes.IntegerType))
            .count()
            .collectAsList();
    for (Row cell : cells) {
      confusion[cell.getInt(0)][cell.getInt(1)] = cell.getLong(2);
    }
    return fromConfusion(confusion);
  }

  static ClassificationReport fromConfusion(long[][] confusion) {
    int k = confusion.length;
    long total = 0;
    long correct = 0;
    long largestClass = 0;
    long[] actual = new long[k];
    long[] predicted = new long[k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        total += confusion[i][j];
        actual[i] += confusion[i][j];
        predicted[j] += confusion[i][j];
      }
      correct += confusion[i][i];
    }
    double weightedF1 = 0;
    for (int i = 0; i < k; i++) {
      largestClass = Math.max(largestClass, actual[i]);
      double precision = predicted[i] == 0 ? 0 : (double) confusion[i][i] / predicted[i];
      double recall = actual[i] == 0 ? 0 : (double) confusion[i][i] / actual[i];
      double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
      weightedF1 += total == 0 ? 0 : f1 * actual[i] / total;
    }
    return new ClassificationReport(
        total,
        total == 0 ? 0 : (double) correct / total,
        weightedF1,
        total == 0 ? 0 : (double) largestClass / total,
        confusion);
  }

  /** For metrics.json. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("customers", customers);
    map.put("accuracy", RunMetrics.rounded(accuracy));
    map.put("weighted_f1", RunMetrics.rounded(weightedF1));
    map.put("majority_share", RunMetrics.rounded(majorityShare));
    List<List<Long>> rows = new ArrayList<>();
    for (long[] row : confusion) {
      List<Long> values = new ArrayList<>();
      for (long value : row) {
        values.add(value);
      }
      rows.add(values);
    }
    map.put("confusion_matrix", rows);
    return map;
  }
}
