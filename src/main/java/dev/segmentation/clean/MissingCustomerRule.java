package dev.segmentation.clean;

import static dev.segmentation.ingest.InvoiceColumns.CUSTOMER_ID;
import static org.apache.spark.sql.functions.col;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A line that names no customer cannot describe anyone's buying. */
public final class MissingCustomerRule {

  public Dataset<Row> apply(Dataset<Row> lines) {
    return SetAsideReason.NO_CUSTOMER.tag(lines, col(CUSTOMER_ID).isNull());
  }
}
