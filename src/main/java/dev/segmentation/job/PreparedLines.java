package dev.segmentation.job;

import dev.segmentation.clean.LineCounts;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What ingest and cleaning produce, read from materialised tables (see {@link Checkpoints}).
 *
 * @param kept product purchase lines, {@link dev.segmentation.clean.CleanColumns#KEPT}
 * @param setAside well-formed lines that are not kept, with their {@code set_aside_reason}; empty
 *     when the job asked for them to be counted only
 * @param quarantine malformed lines: {@code raw_line}, {@code source_file}, {@code reason},
 *     materialised on their own (a small table, kept to the end of the run)
 * @param materialised the line-level tables {@code kept} and {@code setAside} are read from
 * @param counts where every line read went
 */
public record PreparedLines(
    Dataset<Row> kept,
    Optional<Dataset<Row>> setAside,
    Dataset<Row> quarantine,
    List<Dataset<Row>> materialised,
    LineCounts counts) {

  public PreparedLines {
    materialised = List.copyOf(materialised);
  }

  /**
   * Frees the executors' copies of every line once a job has what it needs from them (at 100
   * million lines, several gigabytes per table); neither kept nor set-aside lines may be read
   * afterwards.
   */
  void release(Checkpoints checkpoints) {
    materialised.forEach(checkpoints::release);
  }
}
