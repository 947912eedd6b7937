package dev.segmentation.job;

import dev.segmentation.clean.LineCounts;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.publish.WarehouseTable;
import java.util.List;

/**
 * {@code score}: the batch's lines, customers and products, the model applied, what was published.
 *
 * @param model the models/ folder scored with
 */
public record ScoreResult(
    RunMetrics metrics,
    LineCounts lines,
    Customers customers,
    Products products,
    String model,
    List<WarehouseTable.Published> published,
    String output)
    implements JobResult {

  public ScoreResult {
    published = List.copyOf(published);
  }

  /**
   * @param batch customers in the batch, known and new
   * @param known customers the training run segmented
   * @param unseen customers new to the model: the ones it anticipates
   * @param scored customers in the predictions (new ones, and known ones when configured)
   */
  public record Customers(long batch, long known, long unseen, long scored) {}

  /**
   * @param unseen products of the batch the training run never saw
   * @param unseenLines kept lines of those products
   */
  public record Products(long batch, long unseen, long unseenLines) {}
}
