package dev.segmentation.ingest;

import static dev.segmentation.ingest.InvoiceColumns.COUNTRY;
import static dev.segmentation.ingest.InvoiceColumns.CUSTOMER_ID;
import static dev.segmentation.ingest.InvoiceColumns.DESCRIPTION;
import static dev.segmentation.ingest.InvoiceColumns.INVOICE_NO;
import static dev.segmentation.ingest.InvoiceColumns.INVOICE_TS;
import static dev.segmentation.ingest.InvoiceColumns.MALFORMED_REASON;
import static dev.segmentation.ingest.InvoiceColumns.QUANTITY;
import static dev.segmentation.ingest.InvoiceColumns.RAW_LINE;
import static dev.segmentation.ingest.InvoiceColumns.SOURCE_FILE;
import static dev.segmentation.ingest.InvoiceColumns.STOCK_CODE;
import static dev.segmentation.ingest.InvoiceColumns.UNIT_PRICE;
import static dev.segmentation.ingest.InvoiceColumns.WELL_FORMED;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.types.DataTypes;

/**
 * Types the raw lines of {@link InvoiceSource} and says why a line cannot be used.
 *
 * <p>Output contract: {@code source_file} and {@code raw_line} (on malformed lines only), the
 * {@link InvoiceColumns#TYPED} columns, and {@code malformed_reason} (null on a good line, else a
 * {@link MalformedReason} label). Every input line comes out exactly once, so quarantine and good
 * lines add up.
 */
public final class InvoiceParser {

  private static final String ISO_PATTERN = "yyyy-MM-dd HH:mm:ss";

  private final List<String> timestampPatterns;

  private InvoiceParser(Builder builder) {
    this.timestampPatterns = List.copyOf(builder.timestampPatterns);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Dataset<Row> apply(Dataset<Row> rawLines) {
    SparkSession spark = rawLines.sparkSession();
    LineFields fields =
        new LineFields(
            DateTimeUtils.getZoneId(spark.sessionState().conf().sessionLocalTimeZone()),
            timestampPatterns.contains(ISO_PATTERN),
            timestampPatterns.stream().anyMatch(p -> !ISO_PATTERN.equals(p)));
    JavaRDD<InternalRow> rows = fieldsOf(rawLines).mapPartitions(fields::apply, true);
    Dataset<Row> typed =
        spark
            .internalCreateDataFrame(rows.rdd(), LineFields.SCHEMA, false)
            .withColumn(INVOICE_TS, timestamp());
    Column malformed = col(MALFORMED_REASON).isNotNull();
    return typed
        .withColumn(MALFORMED_REASON, reason())
        // Lineage only matters for quarantined lines; carrying it on every good line would
        // double what later steps shuffle and cache.
        .withColumn(RAW_LINE, when(malformed, col(RAW_LINE)))
        .withColumn(SOURCE_FILE, when(malformed, col(SOURCE_FILE)))
        .select(
            col(SOURCE_FILE),
            col(RAW_LINE),
            col(INVOICE_NO),
            col(STOCK_CODE),
            col(DESCRIPTION),
            col(QUANTITY),
            col(INVOICE_TS),
            col(UNIT_PRICE),
            col(CUSTOMER_ID),
            col(COUNTRY),
            col(MALFORMED_REASON));
  }

  /**
   * The raw lines as {@link LineFields} reads them. Lines split by {@link DelimitedLines} are read
   * straight from the RDD that split them, where a plan over them would first copy every line and
   * its fields into a row of its own.
   */
  private static JavaRDD<InternalRow> fieldsOf(Dataset<Row> rawLines) {
    // The splitter's fields are the ones LineFields reads, in its order (LineFieldsTest).
    if (rawLines.queryExecution().analyzed() instanceof LogicalRDD split
        && split.schema().equals(DelimitedLines.SCHEMA)) {
      return split.rdd().toJavaRDD();
    }
    return rawLines
        .select(
            Arrays.stream(LineFields.INPUT)
                .map(c -> WELL_FORMED.equals(c) ? col(c) : col(c).cast(DataTypes.StringType))
                .toArray(Column[]::new))
        .queryExecution()
        .toRdd()
        .toJavaRDD();
  }

  private static Column reason() {
    return when(not(col(WELL_FORMED)), label(MalformedReason.WRONG_FIELD_COUNT))
        .when(col(INVOICE_NO).isNull(), label(MalformedReason.MISSING_INVOICE_NO))
        .when(col(STOCK_CODE).isNull(), label(MalformedReason.MISSING_STOCK_CODE))
        .when(col(QUANTITY).isNull(), label(MalformedReason.BAD_QUANTITY))
        .when(col(INVOICE_TS).isNull(), label(MalformedReason.BAD_INVOICE_DATE))
        .when(col(UNIT_PRICE).isNull(), label(MalformedReason.BAD_UNIT_PRICE))
        .when(col(LineFields.CUSTOMER_BAD), label(MalformedReason.BAD_CUSTOMER_ID));
  }

  private static Column label(MalformedReason reason) {
    return lit(reason.label());
  }

  /**
   * The first pattern that reads the date. The ISO pattern's value comes from {@link LineFields}:
   * Spark's cast, which needs no formatter per line, on text of exactly that shape, digits
   * included, where the cast accepts the same dates and times as the pattern does.
   */
  private Column timestamp() {
    Column[] attempts =
        timestampPatterns.stream()
            .map(
                p ->
                    ISO_PATTERN.equals(p)
                        ? col(LineFields.ISO_TS)
                        : try_to_timestamp(col(LineFields.DATE_TEXT), lit(p)))
            .toArray(Column[]::new);
    return attempts.length == 1 ? attempts[0] : coalesce(attempts);
  }

  public static final class Builder {
    private List<String> timestampPatterns = List.of(ISO_PATTERN);

    private Builder() {}

    /** Accepted forms of the invoice date, tried in order. */
    public Builder timestampPatterns(List<String> patterns) {
      Objects.requireNonNull(patterns, "patterns");
      if (patterns.isEmpty()) {
        throw new IllegalArgumentException("at least one timestamp pattern is needed");
      }
      this.timestampPatterns = patterns;
      return this;
    }

    public InvoiceParser build() {
      return new InvoiceParser(this);
    }
  }
}
