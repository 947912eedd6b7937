package dev.segmentation.features;

import java.sql.Timestamp;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Hand-made kept lines with a product category and price band: the input of {@link BasketTable}.
 */
final class CategorisedLines {

  static final StructType SCHEMA =
      new StructType()
          .add("invoice_no", DataTypes.StringType)
          .add("stock_code", DataTypes.StringType)
          .add("quantity", DataTypes.IntegerType)
          .add("quantity_cancelled", DataTypes.IntegerType)
          .add("amount", DataTypes.DoubleType)
          .add("invoice_ts", DataTypes.TimestampType)
          .add("customer_id", DataTypes.StringType)
          .add("country", DataTypes.StringType)
          .add("category", DataTypes.IntegerType)
          .add("price_band", DataTypes.IntegerType);

  private CategorisedLines() {}

  /** One line of a customer in the United Kingdom; {@code time} as yyyy-MM-dd HH:mm:ss. */
  static Object[] line(
      String invoice,
      String stock,
      int quantity,
      int cancelled,
      double amount,
      String time,
      String customer,
      int category,
      int priceBand) {
    return new Object[] {
      invoice,
      stock,
      quantity,
      cancelled,
      amount,
      Timestamp.valueOf(time),
      customer,
      "United Kingdom",
      category,
      priceBand
    };
  }
}
