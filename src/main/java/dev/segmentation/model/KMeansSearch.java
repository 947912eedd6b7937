package dev.segmentation.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.math3.ml.clustering.CentroidCluster;
import org.apache.commons.math3.ml.clustering.DoublePoint;
import org.apache.commons.math3.ml.clustering.KMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.clustering.MultiKMeansPlusPlusClusterer;
import org.apache.commons.math3.ml.distance.EuclideanDistance;
import org.apache.commons.math3.random.Well19937c;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The k search of k-means: every k of a range fitted on the same bounded sample of standardised
 * customers, one Spark task per k, and scored by the silhouette exactly as MLlib's {@code
 * ClusteringEvaluator} defines it (squared Euclidean distance).
 *
 * <p>Why not MLlib per k: an MLlib k-means fit is about thirty small Spark jobs (k-means|| starts,
 * one job per iteration, a summary), so a search over thirteen k is some four hundred jobs whose
 * scheduling costs far more than the arithmetic on a few thousand customers. Here a task fits
 * Apache Commons Math's k-means++ (several seeded starts, the one with the least within-segment
 * variance kept) on the sample it receives as a broadcast; the chosen k is then fitted once more by
 * MLlib on every customer, and that model is the one saved.
 *
 * <p>The sample is drawn with a fixed seed from rows in a stable order (see {@link
 * StablePartitions}) and capped, so the search costs the same at any customer count and the same
 * input, configuration and seed give the same scores.
 */
public final class KMeansSearch {

  private final int sampleLimit;
  private final int starts;
  private final int maxIterations;
  private final long seed;

  private KMeansSearch(Builder builder) {
    this.sampleLimit = builder.sampleLimit;
    this.starts = builder.starts;
    this.maxIterations = builder.maxIterations;
    this.seed = builder.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** How one k did: its silhouette and the size of each segment. */
  public record Score(int k, double silhouette, long[] sizes) {

    /** The share of the sample in the largest segment. */
    public double largestShare() {
      long total = Arrays.stream(sizes).sum();
      return total == 0 ? 0 : (double) Arrays.stream(sizes).max().orElse(0) / total;
    }

    /** With fewer than two non-empty segments a silhouette means nothing. */
    public boolean usable() {
      return usable(sizes);
    }

    /** A fit can leave segments empty; it needs two non-empty ones to be scored. */
    public static boolean usable(long[] sizes) {
      return Arrays.stream(sizes).filter(size -> size > 0).count() >= 2;
    }
  }

  /** The scores in the order of {@code ks}, and how many customers the sample held. */
  public record Result(List<Score> scores, int sampled) {}

  /**
   * @param scaled rows in a stable order with the standardised features in {@code featuresColumn}
   * @param total the number of rows of {@code scaled}
   */
  public Result search(Dataset<Row> scaled, String featuresColumn, long total, List<Integer> ks) {
    double[][] sample = sample(scaled.select(featuresColumn), total);
    JavaSparkContext spark =
        JavaSparkContext.fromSparkContext(scaled.sparkSession().sparkContext());
    Broadcast<double[][]> points = spark.broadcast(sample);
    try {
      int starts = this.starts;
      int maxIterations = this.maxIterations;
      long seed = this.seed;
      // A task hands back plain numbers, which any serializer Spark is configured with handles
      // without registering or reflecting on a record.
      List<Score> scores =
          spark
              .parallelize(ks, ks.size())
              .map(k -> encode(fit(points.value(), k, starts, maxIterations, seed)))
              .collect()
              .stream()
              .map(KMeansSearch::decode)
              .toList();
      return new Result(scores, sample.length);
    } finally {
      points.destroy();
    }
  }

  /** At most {@code sampleLimit} rows, a seeded Bernoulli sample when there are more. */
  private double[][] sample(Dataset<Row> features, long total) {
    // Without a limit when every row fits: Spark runs a limit as a series of growing scans.
    Dataset<Row> drawn =
        total <= sampleLimit
            ? features
            // A little over the limit in expectation, so the cap rarely leaves it short.
            : features
                .sample(false, Math.min(1.0, 1.1 * sampleLimit / total), seed)
                .limit(sampleLimit);
    List<Row> rows = drawn.collectAsList();
    double[][] points = new double[rows.size()][];
    for (int i = 0; i < points.length; i++) {
      points[i] = ((Vector) rows.get(i).get(0)).toArray();
    }
    return points;
  }

  /** One k on the sample: the best of {@code starts} k-means++ fits, scored. */
  static Score fit(double[][] points, int k, int starts, int maxIterations, long seed) {
    if (points.length < k) {
      return new Score(k, -1, new long[] {points.length});
    }
    List<DoublePoint> data = new ArrayList<>(points.length);
    for (double[] point : points) {
      data.add(new DoublePoint(point));
    }
    KMeansPlusPlusClusterer<DoublePoint> kmeans =
        new KMeansPlusPlusClusterer<>(
            k,
            maxIterations,
            new EuclideanDistance(),
            new Well19937c(new int[] {(int) seed, (int) (seed >>> 32), k}));
    List<CentroidCluster<DoublePoint>> clusters =
        new MultiKMeansPlusPlusClusterer<>(kmeans, starts).cluster(data);
    double[][] centres =
        clusters.stream().map(c -> c.getCenter().getPoint()).toArray(double[][]::new);
    int[] labels = nearest(points, centres);
    long[] sizes = new long[centres.length];
    for (int label : labels) {
      sizes[label]++;
    }
    double silhouette = Score.usable(sizes) ? silhouette(points, labels, centres.length) : -1;
    return new Score(k, silhouette, sizes);
  }

  /** k, silhouette, then the segment sizes. */
  private static double[] encode(Score score) {
    double[] values = new double[2 + score.sizes().length];
    values[0] = score.k();
    values[1] = score.silhouette();
    for (int i = 0; i < score.sizes().length; i++) {
      values[2 + i] = score.sizes()[i];
    }
    return values;
  }

  private static Score decode(double[] values) {
    long[] sizes = new long[values.length - 2];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = (long) values[2 + i];
    }
    return new Score((int) values[0], values[1], sizes);
  }

  private static int[] nearest(double[][] points, double[][] centres) {
    int[] labels = new int[points.length];
    for (int i = 0; i < points.length; i++) {
      double best = Double.POSITIVE_INFINITY;
      for (int c = 0; c < centres.length; c++) {
        double distance = squaredDistance(points[i], centres[c]);
        if (distance < best) {
          best = distance;
          labels[i] = c;
        }
      }
    }
    return labels;
  }

  /**
   * The mean silhouette with squared Euclidean distances, as {@code ClusteringEvaluator} computes
   * it: from each segment's size, feature sum and sum of squared norms, a point's mean distance to
   * a segment is |x|² + Ψ/N − 2 x·Y/N; its own segment's excludes the point itself; a point alone
   * in its segment scores 0.
   */
  static double silhouette(double[][] points, int[] labels, int k) {
    int dimensions = points[0].length;
    long[] size = new long[k];
    double[][] sum = new double[k][dimensions];
    double[] squaredNormSum = new double[k];
    for (int i = 0; i < points.length; i++) {
      int c = labels[i];
      size[c]++;
      squaredNormSum[c] += dot(points[i], points[i]);
      for (int d = 0; d < dimensions; d++) {
        sum[c][d] += points[i][d];
      }
    }
    double total = 0;
    for (int i = 0; i < points.length; i++) {
      int own = labels[i];
      if (size[own] == 1) {
        continue;
      }
      double squaredNorm = dot(points[i], points[i]);
      double neighbour = Double.POSITIVE_INFINITY;
      double ownDistance = 0;
      for (int c = 0; c < k; c++) {
        if (size[c] == 0) {
          continue;
        }
        double mean =
            squaredNorm + squaredNormSum[c] / size[c] - 2 * dot(points[i], sum[c]) / size[c];
        if (c == own) {
          ownDistance = mean * size[c] / (size[c] - 1);
        } else {
          neighbour = Math.min(neighbour, mean);
        }
      }
      if (ownDistance < neighbour) {
        total += 1 - ownDistance / neighbour;
      } else if (ownDistance > neighbour) {
        total += neighbour / ownDistance - 1;
      }
    }
    return total / points.length;
  }

  private static double dot(double[] a, double[] b) {
    double dot = 0;
    for (int d = 0; d < a.length; d++) {
      dot += a[d] * b[d];
    }
    return dot;
  }

  private static double squaredDistance(double[] a, double[] b) {
    double distance = 0;
    for (int d = 0; d < a.length; d++) {
      double difference = a[d] - b[d];
      distance += difference * difference;
    }
    return distance;
  }

  public static final class Builder {
    private int sampleLimit = 50_000;
    private int starts = 4;
    private int maxIterations = 20;
    private long seed;

    private Builder() {}

    /** The most customers the search fits on. */
    public Builder sampleLimit(int limit) {
      if (limit < 2) {
        throw new IllegalArgumentException(
            "the sample must hold at least 2 customers, got " + limit);
      }
      this.sampleLimit = limit;
      return this;
    }

    /** k-means++ starts per k; the fit with the least within-segment variance is kept. */
    public Builder starts(int starts) {
      if (starts < 1) {
        throw new IllegalArgumentException("at least one start is needed, got " + starts);
      }
      this.starts = starts;
      return this;
    }

    public Builder maxIterations(int iterations) {
      if (iterations < 1) {
        throw new IllegalArgumentException("at least one iteration is needed, got " + iterations);
      }
      this.maxIterations = iterations;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public KMeansSearch build() {
      return new KMeansSearch(this);
    }
  }
}
