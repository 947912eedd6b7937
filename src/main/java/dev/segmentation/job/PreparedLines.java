package dev.segmentation.job;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What ingest and cleaning produce, read from materialised tables (see {@link Checkpoints}); Spark
 * frees those blocks once nothing refers to them.
 *
 * @param kept product purchase lines, {@link dev.segmentation.clean.CleanColumns#KEPT}
 * @param setAside well-formed lines that are not kept, with their {@code set_aside_reason}
 * @param quarantine malformed lines: {@code raw_line}, {@code source_file}, {@code reason}
 */
public record PreparedLines(Dataset<Row> kept, Dataset<Row> setAside, Dataset<Row> quarantine) {}
