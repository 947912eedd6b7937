package dev.segmentation.clean;

import static dev.segmentation.ingest.InvoiceColumns.STOCK_CODE;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Column;

/**
 * Postage, discounts, fees, manual lines and vouchers are not products. {@link ProductRules} sets
 * them aside before cancellations are matched, so a discount ("D") is never paired with a purchase.
 */
public final class NonProductRule {

  private final List<String> codes;

  /**
   * @param codes exact stock codes, or prefixes written with a trailing {@code *}
   */
  public NonProductRule(List<String> codes) {
    this.codes = List.copyOf(Objects.requireNonNull(codes, "codes"));
  }

  /** Whether a line's stock code is one of the codes. */
  public Column matches() {
    Column stockCode = col(STOCK_CODE);
    Column any = lit(false);
    for (String code : codes) {
      Column matches =
          code.endsWith("*")
              ? stockCode.startsWith(code.substring(0, code.length() - 1))
              : stockCode.equalTo(code);
      any = any.or(matches);
    }
    return any;
  }
}
