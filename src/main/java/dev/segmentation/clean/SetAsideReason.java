package dev.segmentation.clean;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Why a well-formed line is not kept as a product purchase. The first rule to apply wins. */
public enum SetAsideReason {
  NO_CUSTOMER,
  DUPLICATE,
  NON_PRODUCT,
  CANCELLATION_MATCHED,
  CANCELLATION_UNMATCHED,
  /** A cancellation line, when cancellation matching is switched off. */
  CANCELLATION;

  /** The value written in {@link CleanColumns#SET_ASIDE_REASON} and used as the metrics key. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Lines no rule has set aside yet. */
  public static Column open() {
    return col(CleanColumns.SET_ASIDE_REASON).isNull();
  }

  /** Sets this reason on every still-open line that meets the condition. */
  public Dataset<Row> tag(Dataset<Row> lines, Column condition) {
    return lines.withColumn(
        CleanColumns.SET_ASIDE_REASON,
        when(open().and(condition), lit(label())).otherwise(col(CleanColumns.SET_ASIDE_REASON)));
  }
}
