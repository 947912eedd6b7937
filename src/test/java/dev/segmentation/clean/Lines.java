package dev.segmentation.clean;

import dev.segmentation.ingest.InvoiceColumns;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Hand-made typed invoice lines for the cleaning rules, and a compact view of the result. */
final class Lines {

  static final StructType SCHEMA = typedWithLineage();

  private final List<Row> rows = new ArrayList<>();

  /** A line of customer 17850 in the UK, description "ITEM", from file "f1". */
  Lines add(String invoice, String stockCode, int quantity, String time, double price) {
    return add(invoice, stockCode, quantity, time, price, "17850");
  }

  Lines add(
      String invoice, String stockCode, int quantity, String time, double price, String customer) {
    rows.add(
        RowFactory.create(
            invoice,
            stockCode,
            "ITEM",
            quantity,
            Timestamp.valueOf("2011-01-01 " + time + ":00"),
            price,
            customer,
            "United Kingdom",
            "f1",
            null));
    return this;
  }

  /** Marks the line added last as already set aside, as a job marks a malformed line. */
  Lines setAside(String reason) {
    Row last = rows.remove(rows.size() - 1);
    Object[] values = new Object[last.length()];
    for (int i = 0; i < values.length; i++) {
      values[i] = last.get(i);
    }
    values[values.length - 1] = reason;
    rows.add(RowFactory.create(values));
    return this;
  }

  Dataset<Row> toDataset(SparkSession spark) {
    return spark.createDataFrame(rows, SCHEMA);
  }

  /** "invoice stock quantity -> reason" per line, plus "cancelled=N" when that column exists. */
  static List<String> describe(Dataset<Row> lines) {
    boolean hasCancelled = Arrays.asList(lines.columns()).contains(CleanColumns.QUANTITY_CANCELLED);
    return lines.collectAsList().stream()
        .map(
            row ->
                row.getAs(InvoiceColumns.INVOICE_NO)
                    + " "
                    + row.getAs(InvoiceColumns.STOCK_CODE)
                    + " "
                    + row.getAs(InvoiceColumns.QUANTITY)
                    + (hasCancelled
                        ? " cancelled=" + row.getAs(CleanColumns.QUANTITY_CANCELLED)
                        : "")
                    + " -> "
                    + row.getAs(CleanColumns.SET_ASIDE_REASON))
        .sorted()
        .collect(Collectors.toList());
  }

  private static StructType typedWithLineage() {
    return InvoiceColumns.TYPED
        .add(InvoiceColumns.SOURCE_FILE, DataTypes.StringType)
        .add(CleanColumns.SET_ASIDE_REASON, DataTypes.StringType);
  }
}
