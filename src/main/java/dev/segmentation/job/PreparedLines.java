package dev.segmentation.job;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What ingest and cleaning produce, backed by cached data for the steps that follow.
 *
 * @param kept product purchase lines, {@link dev.segmentation.clean.CleanColumns#KEPT}
 * @param setAside well-formed lines that are not kept, with their {@code set_aside_reason}
 * @param quarantine malformed lines: {@code raw_line}, {@code source_file}, {@code reason}
 * @param cached the materialised datasets the three above are read from
 */
public record PreparedLines(
    Dataset<Row> kept, Dataset<Row> setAside, Dataset<Row> quarantine, List<Dataset<Row>> cached) {

  /** Frees the cached data once nothing downstream reads it any more. */
  public void release() {
    cached.forEach(dataset -> dataset.unpersist(false));
  }
}
