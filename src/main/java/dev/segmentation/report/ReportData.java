package dev.segmentation.report;

import java.util.List;
import java.util.Map;

/**
 * Everything the report shows, already small: the run's metrics, one row per segment and per
 * product category, and a bounded sample of customers. Nothing here is per line.
 *
 * @param featureZScores per segment (rows, in {@code segments} order), the segment's mean of each
 *     feature in standard deviations from the mean customer
 * @param projection sampled customers in two principal components, by segment label
 * @param silhouettes sampled customers' silhouettes, by segment label
 * @param expectedSpend sampled customers' expected spend over the CLV horizon, by segment label
 * @param pAlive sampled customers' probability of being alive, by segment label
 */
public record ReportData(
    TrainMetrics metrics,
    List<Segment> segments,
    List<String> features,
    double[][] featureZScores,
    Map<String, List<double[]>> projection,
    Map<String, List<Double>> silhouettes,
    Map<String, List<Double>> expectedSpend,
    Map<String, List<Double>> pAlive,
    List<Category> categories) {

  /** One segment of the profile table. */
  public record Segment(
      int id,
      String label,
      String description,
      long customers,
      double customerShare,
      double revenueShare) {}

  /** One product category: its name, products per price band (index to count) and top words. */
  public record Category(
      int id,
      String name,
      long products,
      List<String> topWords,
      Map<Integer, Long> productsByPriceBand) {}
}
