package dev.segmentation.job;

import dev.segmentation.clean.LineCounts;
import dev.segmentation.evaluate.ClassificationReport;
import dev.segmentation.evaluate.QualityGate;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.model.LifetimeValue;
import dev.segmentation.publish.WarehouseTable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;

/**
 * {@code train}: what it fitted, how well, whether the gate let it publish, and where it all is.
 *
 * @param customers customers of the training window
 * @param report the report's location, unless the report is off
 * @param seconds the run's wall time
 */
public record TrainResult(
    RunMetrics metrics,
    LineCounts lines,
    TrainingWindow window,
    long customers,
    Segments segments,
    Classifiers classifiers,
    LifetimeValue.Model lifetimeValue,
    BacktestResult backtests,
    QualityGate.Outcome gate,
    List<WarehouseTable.Published> published,
    Optional<String> report,
    double seconds,
    String output)
    implements JobResult {

  public TrainResult {
    published = List.copyOf(published);
  }

  /**
   * The saved segmentation.
   *
   * @param sizes customers per segment id, in id order
   * @param labels each segment id's readable label
   */
  public record Segments(
      int k,
      double silhouette,
      double daviesBouldin,
      SortedMap<Integer, Long> sizes,
      Map<Integer, String> labels) {

    public long largest() {
      return sizes.values().stream().mapToLong(Long::longValue).max().orElse(0);
    }
  }

  /**
   * The two segment classifiers (from the mean basket, the notebook's; from the first invoice),
   * each on the held-out training customers and on the later window's customers.
   */
  public record Classifiers(
      ClassificationReport holdout,
      ClassificationReport temporal,
      ClassificationReport firstInvoiceHoldout,
      ClassificationReport firstInvoiceTemporal) {}
}
