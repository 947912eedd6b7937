package dev.segmentation.job;

import static dev.segmentation.clean.CleanColumns.SET_ASIDE_REASON;
import static dev.segmentation.ingest.InvoiceColumns.MALFORMED_REASON;
import static dev.segmentation.ingest.InvoiceColumns.RAW_LINE;
import static dev.segmentation.ingest.InvoiceColumns.SOURCE_FILE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import dev.segmentation.ContractViolation;
import dev.segmentation.clean.CleanColumns;
import dev.segmentation.clean.LineCleaner;
import dev.segmentation.clean.LineCounts;
import dev.segmentation.clean.SetAsideReason;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.ingest.InvoiceParser;
import dev.segmentation.ingest.InvoiceSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Read, parse and clean: the first half of every subcommand. Records every line counter in the
 * metrics and checks that they add up (lines read = kept + quarantined + set aside).
 */
public final class InvoicePreparation {

  /** The count of lines that pass a step is grouped under this key. */
  private static final String PASSED = "";

  private InvoicePreparation() {}

  /** What becomes of the well-formed lines that cleaning sets aside. */
  enum SetAsideLines {
    /** Kept whole, to be written out. */
    KEPT,
    /**
     * Counted only: their columns other than the reasons are dropped before the cleaned lines are
     * kept, a quarter of the lines that later steps never read.
     */
    COUNTED
  }

  static PreparedLines prepare(
      SparkSession spark,
      JobConfig config,
      RunMetrics metrics,
      Checkpoints checkpoints,
      SetAsideLines setAsideLines) {
    InvoiceParser parser =
        InvoiceParser.builder().timestampPatterns(config.input().timestampPatterns()).build();
    InvoiceSource source = new InvoiceSource(spark, config.input());
    // The malformed lines ride along, already set aside, so the input is read and parsed once.
    // Reading ends with the lines shuffled by customer and stock code, cleaning reads that shuffle
    // once (see LineCleaner); the one line-level table kept is the cleaned lines.
    RunMetrics.Step readStep = metrics.start("read");
    Dataset<Row> lines =
        parser.apply(source.read()).withColumn(SET_ASIDE_REASON, col(MALFORMED_REASON));
    List<RunMetrics.Step> cleanStep = new ArrayList<>(1);
    LineCleaner.Layout layout =
        (table, by) -> {
          Dataset<Row> shuffled = checkpoints.shuffled(table, by);
          readStep.done(RunMetrics.count(checkpoints.rows(shuffled), "lines"));
          cleanStep.add(metrics.start("clean"));
          return shuffled;
        };
    Dataset<Row> allLines = new LineCleaner(config.cleaning(), layout).apply(lines);
    Dataset<Row> cleaned =
        checkpoints.materialise(
            setAsideLines == SetAsideLines.KEPT ? allLines : withoutSetAsideColumns(allLines));
    metrics.put("lines.corrupt_files", source.skippedFiles().size());
    metrics.put("input.corrupt_files", source.skippedFiles());

    Map<String, Long> malformed = new HashMap<>();
    Map<String, Long> setAside = new HashMap<>();
    for (Row row :
        cleaned.groupBy(col(MALFORMED_REASON), col(SET_ASIDE_REASON)).count().collectAsList()) {
      Map<String, Long> counts = row.isNullAt(0) ? setAside : malformed;
      String reason = row.isNullAt(1) ? PASSED : row.getString(1);
      counts.merge(reason, row.getLong(2), Long::sum);
    }
    long read =
        malformed.values().stream().mapToLong(Long::longValue).sum()
            + setAside.values().stream().mapToLong(Long::longValue).sum();
    if (read == 0) {
      throw new ContractViolation(
          "no data lines in input " + String.join(", ", config.input().uris()));
    }
    LineCounts counts = LineCounts.of(read, setAside.getOrDefault(PASSED, 0L), malformed, setAside);
    counts.writeTo(metrics);

    Column isMalformed = col(MALFORMED_REASON).isNotNull();
    // Materialised on its own (a small table): the cleaned lines are freed before the run ends.
    Dataset<Row> quarantine =
        checkpoints.materialise(
            cleaned
                .filter(isMalformed)
                .select(col(RAW_LINE), col(SOURCE_FILE), col(MALFORMED_REASON).as("reason")));
    cleanStep.forEach(step -> step.done(counts.handled()));
    // Malformed lines are never open: they arrive at cleaning already set aside.
    Dataset<Row> notKept =
        cleaned
            .filter(not(isMalformed).and(col(SET_ASIDE_REASON).isNotNull()))
            .drop(RAW_LINE, SOURCE_FILE, MALFORMED_REASON);
    return new PreparedLines(
        cleaned.filter(SetAsideReason.open()).select(columns(CleanColumns.KEPT)),
        setAsideLines == SetAsideLines.KEPT ? Optional.of(notKept) : Optional.empty(),
        quarantine,
        List.of(cleaned),
        counts);
  }

  /** Every line, with only the reasons left on the well-formed lines that are set aside. */
  private static Dataset<Row> withoutSetAsideColumns(Dataset<Row> lines) {
    Column needed = SetAsideReason.open().or(col(MALFORMED_REASON).isNotNull());
    return lines.select(
        Arrays.stream(lines.columns())
            .map(
                name ->
                    name.equals(MALFORMED_REASON) || name.equals(SET_ASIDE_REASON)
                        ? col(name)
                        : when(needed, col(name)).as(name))
            .toArray(Column[]::new));
  }

  private static Column[] columns(List<String> names) {
    return names.stream().map(name -> col(name)).toArray(Column[]::new);
  }
}
