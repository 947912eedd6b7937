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
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

  private static final String INTEGER = "^[+-]?[0-9]{1,9}$";
  private static final String DECIMAL = "^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$";

  /** Customer ids arrive as "17850" or as the float rendering "17850.0". */
  private static final String CUSTOMER = "^([0-9]{1,18})([.]0*)?$";

  private static final String ISO_PATTERN = "yyyy-MM-dd HH:mm:ss";
  private static final String ISO_SHAPE = "^[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$";

  private final List<String> timestampPatterns;

  private InvoiceParser(Builder builder) {
    this.timestampPatterns = List.copyOf(builder.timestampPatterns);
  }

  public static Builder builder() {
    return new Builder();
  }

  public Dataset<Row> apply(Dataset<Row> rawLines) {
    Dataset<Row> typed =
        rawLines.select(
            col(SOURCE_FILE),
            col(RAW_LINE),
            col(WELL_FORMED),
            text(INVOICE_NO).as(INVOICE_NO),
            text(STOCK_CODE).as(STOCK_CODE),
            text(DESCRIPTION).as(DESCRIPTION),
            matching(QUANTITY, INTEGER).cast(DataTypes.IntegerType).as(QUANTITY),
            timestamp(INVOICE_TS).as(INVOICE_TS),
            matching(UNIT_PRICE, DECIMAL).cast(DataTypes.DoubleType).as(UNIT_PRICE),
            regexp_extract(text(CUSTOMER_ID), CUSTOMER, 1).as("_customer_digits"),
            text(CUSTOMER_ID).as("_customer_raw"),
            text(COUNTRY).as(COUNTRY));
    Column customerId = when(col("_customer_digits").notEqual(""), col("_customer_digits"));
    Column malformed = col(MALFORMED_REASON).isNotNull();
    return typed
        .withColumn(CUSTOMER_ID, customerId)
        .withColumn(MALFORMED_REASON, reason(customerId))
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

  private static Column reason(Column customerId) {
    return when(not(col(WELL_FORMED)), label(MalformedReason.WRONG_FIELD_COUNT))
        .when(col(INVOICE_NO).isNull(), label(MalformedReason.MISSING_INVOICE_NO))
        .when(col(STOCK_CODE).isNull(), label(MalformedReason.MISSING_STOCK_CODE))
        .when(col(QUANTITY).isNull(), label(MalformedReason.BAD_QUANTITY))
        .when(col(INVOICE_TS).isNull(), label(MalformedReason.BAD_INVOICE_DATE))
        .when(col(UNIT_PRICE).isNull(), label(MalformedReason.BAD_UNIT_PRICE))
        .when(
            col("_customer_raw").isNotNull().and(customerId.isNull()),
            label(MalformedReason.BAD_CUSTOMER_ID));
  }

  private static Column label(MalformedReason reason) {
    return lit(reason.label());
  }

  /** Trimmed text, with an empty cell read as absent. */
  private static Column text(String column) {
    Column trimmed = trim(col(column));
    return when(trimmed.notEqual(""), trimmed);
  }

  /** The text when it has the expected form, so a later cast never guesses. */
  private static Column matching(String column, String regex) {
    Column value = text(column);
    return when(value.rlike(regex), value);
  }

  private Column timestamp(String column) {
    Column value = text(column);
    Column[] attempts =
        timestampPatterns.stream().map(p -> timestamp(value, p)).toArray(Column[]::new);
    return attempts.length == 1 ? attempts[0] : coalesce(attempts);
  }

  /**
   * The ISO pattern by Spark's own cast, which needs no formatter per line (a tenth of the read's
   * time at scale): on text of exactly that shape, digits included, the cast accepts the same dates
   * and times as the pattern does.
   */
  private static Column timestamp(Column value, String pattern) {
    return ISO_PATTERN.equals(pattern)
        ? when(value.rlike(ISO_SHAPE), value.cast(DataTypes.TimestampType))
        : try_to_timestamp(value, lit(pattern));
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
