package dev.segmentation.job;

import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.publish.WarehouseTable;
import java.util.List;

/** What every job returns besides its own figures: the run's metrics.json and its outputs. */
public interface JobResult {

  /** The figures of the run, as written to {@code metrics.json}. */
  RunMetrics metrics();

  /** The run folder. */
  String output();

  /** The tables the run published for warehouses; none unless publishing is on. */
  default List<WarehouseTable.Published> published() {
    return List.of();
  }
}
