package dev.segmentation.job;

import static dev.segmentation.clean.CleanColumns.SET_ASIDE_REASON;
import static dev.segmentation.ingest.InvoiceColumns.MALFORMED_REASON;
import static dev.segmentation.ingest.InvoiceColumns.RAW_LINE;
import static dev.segmentation.ingest.InvoiceColumns.SOURCE_FILE;
import static org.apache.spark.sql.functions.col;

import dev.segmentation.ContractViolation;
import dev.segmentation.clean.CleanColumns;
import dev.segmentation.clean.LineCleaner;
import dev.segmentation.clean.SetAsideReason;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.ingest.InvoiceParser;
import dev.segmentation.ingest.InvoiceSource;
import dev.segmentation.ingest.MalformedReason;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Read, parse and clean: the first half of every subcommand. Records every line counter in the
 * metrics and checks that they add up (lines read = kept + quarantined + set aside).
 */
public final class InvoicePreparation {

  private static final Logger LOG = LoggerFactory.getLogger(InvoicePreparation.class);

  /** The count of lines that pass a step is grouped under this key. */
  private static final String PASSED = "";

  private InvoicePreparation() {}

  static PreparedLines prepare(SparkSession spark, JobConfig config, RunMetrics metrics,
      Checkpoints checkpoints) {
    InvoiceParser parser =
        InvoiceParser.builder().timestampPatterns(config.input().timestampPatterns()).build();
    InvoiceSource source = new InvoiceSource(spark, config.input());
    Dataset<Row> parsed = metrics.time("read", () -> checkpoints.materialise(parser.apply(source.read())));
    metrics.put("lines.corrupt_files", source.skippedFiles().size());
    metrics.put("input.corrupt_files", source.skippedFiles());
    Map<String, Long> malformed = countBy(parsed, MALFORMED_REASON);
    long read = malformed.values().stream().mapToLong(Long::longValue).sum();
    if (read == 0) {
      throw new ContractViolation("no data lines in input " + String.join(", ", config.input().uris()));
    }

    // Written early and on its own: the parsed lines can then be freed as soon as they are clean.
    Dataset<Row> quarantine = checkpoints.materialise(
        parsed.filter(col(MALFORMED_REASON).isNotNull())
            .select(col(RAW_LINE), col(SOURCE_FILE), col(MALFORMED_REASON).as("reason")));

    List<Dataset<Row>> beforeCleaning = new ArrayList<>(List.of(parsed));
    UnaryOperator<Dataset<Row>> beforeMatching = lines -> {
      Dataset<Row> table = checkpoints.materialise(lines);
      beforeCleaning.add(table);
      return table;
    };
    Dataset<Row> wellFormed = parsed.filter(col(MALFORMED_REASON).isNull()).drop(RAW_LINE, SOURCE_FILE, MALFORMED_REASON);
    Dataset<Row> cleaned = metrics.time("clean",
        () -> checkpoints.materialise(new LineCleaner(config.cleaning(), beforeMatching).apply(wellFormed)));
    // One line-level copy at a time on the executors: at 100 million lines each is gigabytes.
    beforeCleaning.forEach(checkpoints::release);
    Map<String, Long> setAside = countBy(cleaned, SET_ASIDE_REASON);
    recordLineCounts(metrics, read, malformed, setAside);

    return new PreparedLines(
        cleaned.filter(SetAsideReason.open()).select(columns(CleanColumns.KEPT)),
        cleaned.filter(col(SET_ASIDE_REASON).isNotNull()),
        quarantine,
        List.of(cleaned));
  }

  private static void recordLineCounts(
      RunMetrics metrics, long read, Map<String, Long> malformed, Map<String, Long> setAside) {
    long kept = setAside.getOrDefault(PASSED, 0L);
    metrics.put("lines.read", read);
    long quarantined = 0;
    for (MalformedReason reason : MalformedReason.values()) {
      long count = malformed.getOrDefault(reason.label(), 0L);
      metrics.put("lines.malformed." + reason.label(), count);
      quarantined += count;
    }
    long setAsideTotal = 0;
    for (SetAsideReason reason : SetAsideReason.values()) {
      long count = setAside.getOrDefault(reason.label(), 0L);
      metrics.put("lines.set_aside." + reason.label(), count);
      setAsideTotal += count;
    }
    long withCustomer = read - quarantined - setAside.getOrDefault(SetAsideReason.NO_CUSTOMER.label(), 0L);
    metrics.put("lines.quarantined", quarantined);
    metrics.put("lines.with_customer", withCustomer);
    metrics.put("lines.after_duplicates",
        withCustomer - setAside.getOrDefault(SetAsideReason.DUPLICATE.label(), 0L));
    metrics.put("lines.kept", kept);
    LOG.info("lines: {} read, {} quarantined, {} set aside, {} kept", read, quarantined, setAsideTotal, kept);
    if (read != kept + quarantined + setAsideTotal) {
      throw new IllegalStateException("line counts do not add up: read " + read + " != kept " + kept
          + " + quarantined " + quarantined + " + set aside " + setAsideTotal);
    }
  }

  /** Line counts per value of a reason column (a small result: one row per reason). */
  private static Map<String, Long> countBy(Dataset<Row> lines, String reasonColumn) {
    Map<String, Long> counts = new HashMap<>();
    for (Row row : lines.groupBy(col(reasonColumn)).count().collectAsList()) {
      counts.put(row.isNullAt(0) ? PASSED : row.getString(0), row.getLong(1));
    }
    return counts;
  }

  private static Column[] columns(List<String> names) {
    return names.stream().map(name -> col(name)).toArray(Column[]::new);
  }
}
