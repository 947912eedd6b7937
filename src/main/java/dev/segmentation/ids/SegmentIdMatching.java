package dev.segmentation.ids;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps segment ids stable across retraining: the new segments are matched one to one to the
 * previous ones by the optimal assignment (Hungarian method) on the distances between their
 * centres, in the new run's standardised units. A matched segment takes the previous id; a new
 * segment farther than {@code maxDistance} from any previous one, or left over when there are more
 * segments than before, gets a fresh id above every previous one.
 *
 * <p>Centres are in the features' own units (the scaler's division undone), so runs with different
 * scalers compare.
 */
public final class SegmentIdMatching {

  /**
   * @param ids new segment index to its stable id
   * @param distances new segment index to the distance to its assigned previous segment, kept or
   *     not (an index left without a previous segment has none)
   */
  public record Matching(Map<Integer, Integer> ids, Map<Integer, Double> distances) {}

  private SegmentIdMatching() {}

  /**
   * @param centres the new centres, by segment index
   * @param previous the previous centres, by their stable id
   * @param scale the new run's standard deviation of each feature
   */
  public static Matching match(
      double[][] centres, Map<Integer, double[]> previous, double[] scale, double maxDistance) {
    Integer[] previousIds = previous.keySet().toArray(Integer[]::new);
    double[][] cost = new double[centres.length][previousIds.length];
    for (int i = 0; i < centres.length; i++) {
      for (int j = 0; j < previousIds.length; j++) {
        cost[i][j] = distance(centres[i], previous.get(previousIds[j]), scale);
      }
    }
    int[] assigned = assign(cost);
    int nextId = previous.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    Map<Integer, Integer> ids = new LinkedHashMap<>();
    Map<Integer, Double> distances = new TreeMap<>();
    for (int i = 0; i < centres.length; i++) {
      int j = assigned[i];
      if (j >= 0) {
        distances.put(i, cost[i][j]);
      }
      if (j >= 0 && cost[i][j] <= maxDistance) {
        ids.put(i, previousIds[j]);
      } else {
        ids.put(i, nextId++);
      }
    }
    return new Matching(ids, distances);
  }

  private static double distance(double[] a, double[] b, double[] scale) {
    double sum = 0;
    for (int f = 0; f < a.length; f++) {
      double d = (a[f] - b[f]) / (scale[f] == 0 ? 1 : scale[f]);
      sum += d * d;
    }
    return Math.sqrt(sum);
  }

  /**
   * The minimum-cost assignment of rows to columns (Kuhn–Munkres with potentials, O(n³)); a
   * rectangular matrix is padded with zero-cost dummies. Returns each row's column, or -1.
   */
  static int[] assign(double[][] cost) {
    int rows = cost.length;
    int columns = rows == 0 ? 0 : cost[0].length;
    int n = Math.max(rows, columns);
    double[] u = new double[n + 1];
    double[] v = new double[n + 1];
    int[] match = new int[n + 1]; // match[column] = row, 1-based
    int[] way = new int[n + 1];
    for (int row = 1; row <= n; row++) {
      match[0] = row;
      int column = 0;
      double[] minimum = new double[n + 1];
      Arrays.fill(minimum, Double.POSITIVE_INFINITY);
      boolean[] used = new boolean[n + 1];
      do {
        used[column] = true;
        int current = match[column];
        double delta = Double.POSITIVE_INFINITY;
        int next = 0;
        for (int j = 1; j <= n; j++) {
          if (!used[j]) {
            double reduced = padded(cost, current - 1, j - 1) - u[current] - v[j];
            if (reduced < minimum[j]) {
              minimum[j] = reduced;
              way[j] = column;
            }
            if (minimum[j] < delta) {
              delta = minimum[j];
              next = j;
            }
          }
        }
        for (int j = 0; j <= n; j++) {
          if (used[j]) {
            u[match[j]] += delta;
            v[j] -= delta;
          } else {
            minimum[j] -= delta;
          }
        }
        column = next;
      } while (match[column] != 0);
      do {
        int previous = way[column];
        match[column] = match[previous];
        column = previous;
      } while (column != 0);
    }
    int[] assigned = new int[rows];
    Arrays.fill(assigned, -1);
    for (int j = 1; j <= n; j++) {
      int row = match[j] - 1;
      if (row >= 0 && row < rows && j - 1 < columns) {
        assigned[row] = j - 1;
      }
    }
    return assigned;
  }

  private static double padded(double[][] cost, int row, int column) {
    return row < cost.length && column < cost[row].length ? cost[row][column] : 0;
  }
}
