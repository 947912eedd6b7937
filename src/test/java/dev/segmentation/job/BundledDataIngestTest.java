package dev.segmentation.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.ingest.MalformedReason;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest on the full bundled Online Retail data. The expected figures come from an independent
 * count (scripts/independent-counts.py: plain Python over the same files, same rules), not from
 * this code.
 */
class BundledDataIngestTest extends SparkTestBase {

  @TempDir Path dir;

  @Test
  void countsAgreeWithAnIndependentCount() {
    JobConfig config =
        TestConfigs.withOverrides(
            Map.of("segmentation.output.root", dir.toString(), "segmentation.run-id", "full"));

    RunMetrics metrics = IngestJob.run(spark(), config).metrics();

    assertEquals(541_909, metrics.getLong("lines.read"));
    assertEquals(406_829, metrics.getLong("lines.with_customer"));
    assertEquals(401_604, metrics.getLong("lines.after_duplicates"));
    assertEquals(135_080, metrics.getLong("lines.set_aside.no_customer"));
    assertEquals(5_225, metrics.getLong("lines.set_aside.duplicate"));
    assertEquals(1_915, metrics.getLong("lines.set_aside.non_product"));
    assertEquals(7_394, metrics.getLong("lines.set_aside.cancellation_matched"));
    assertEquals(1_112, metrics.getLong("lines.set_aside.cancellation_unmatched"));
    assertEquals(391_183, metrics.getLong("lines.kept"));
    for (MalformedReason reason : MalformedReason.values()) {
      assertEquals(0, metrics.getLong("lines.malformed." + reason.label()), reason.label());
    }
    assertEquals(
        metrics.getLong("lines.read"),
        metrics.getLong("lines.kept")
            + metrics.getLong("lines.quarantined")
            + 135_080
            + 5_225
            + 1_915
            + 7_394
            + 1_112);

    Dataset<Row> kept = spark().read().parquet(dir.resolve("full/clean_lines").toString());
    Row totals =
        kept.agg(
                sum("quantity_cancelled"),
                sum(when(col("quantity_cancelled").gt(0), 1).otherwise(0)),
                sum("amount"),
                countDistinct(when(col("invoice_ts").lt("2011-10-01"), col("customer_id"))))
            .first();
    assertEquals(246_636, totals.getLong(0));
    assertEquals(7_101, totals.getLong(1));
    assertEquals(8_257_194.51, totals.getDouble(2), 0.01);
    assertEquals(3_613, totals.getLong(3));
  }
}
