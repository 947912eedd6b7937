package dev.segmentation.evaluate;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The silhouette of single customers, as MLlib's {@code ClusteringEvaluator} defines it (squared
 * Euclidean distance, its default): the figure the k search maximises, here per customer of a
 * bounded sample so a chart can show its spread. With a the mean squared distance to the others of
 * the customer's segment and b the smallest mean squared distance to another segment's customers,
 * the silhouette is (b - a) / max(a, b); a customer alone in its segment scores 0.
 */
public final class Silhouette {

  private Silhouette() {}

  /**
   * @param points the sampled customers' scaled features
   * @param segments each point's segment
   * @return each point's silhouette, in the order of {@code points}; empty with fewer than two
   *     segments
   */
  public static double[] of(List<double[]> points, List<Integer> segments) {
    if (points.size() != segments.size()) {
      throw new IllegalArgumentException(
          points.size() + " points, " + segments.size() + " segments");
    }
    if (segments.stream().distinct().count() < 2) {
      return new double[0];
    }
    double[] silhouettes = new double[points.size()];
    for (int i = 0; i < points.size(); i++) {
      silhouettes[i] = ofPoint(i, points, segments);
    }
    return silhouettes;
  }

  private static double ofPoint(int i, List<double[]> points, List<Integer> segments) {
    Map<Integer, double[]> sums = new TreeMap<>(); // segment -> {sum of distances, count}
    for (int j = 0; j < points.size(); j++) {
      if (i != j) {
        double[] sum = sums.computeIfAbsent(segments.get(j), s -> new double[2]);
        sum[0] += squaredDistance(points.get(i), points.get(j));
        sum[1]++;
      }
    }
    double[] own = sums.get(segments.get(i));
    if (own == null) {
      return 0;
    }
    double a = own[0] / own[1];
    double b = Double.POSITIVE_INFINITY;
    for (Map.Entry<Integer, double[]> other : sums.entrySet()) {
      if (!other.getKey().equals(segments.get(i))) {
        b = Math.min(b, other.getValue()[0] / other.getValue()[1]);
      }
    }
    return a == b ? 0 : (b - a) / Math.max(a, b);
  }

  static double squaredDistance(double[] a, double[] b) {
    double sum = 0;
    for (int f = 0; f < a.length; f++) {
      sum += (a[f] - b[f]) * (a[f] - b[f]);
    }
    return sum;
  }
}
