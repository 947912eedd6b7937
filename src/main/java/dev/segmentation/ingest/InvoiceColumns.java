package dev.segmentation.ingest;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The invoice-line contract, in one place: the eight source columns, the header names that denote
 * them, and the typed schema every later stage relies on.
 *
 * <pre>
 * invoice_no   string     "536365"; cancellations start with "C"
 * stock_code   string     product code, or a non-product code such as POST
 * description  string     product text, may be null
 * quantity     int        negative on cancellations
 * invoice_ts   timestamp  read as UTC
 * unit_price   double     in pounds sterling
 * customer_id  string     "17850" (the source's "17850.0" normalised); null when absent
 * country      string
 * </pre>
 */
public final class InvoiceColumns {

  public static final String INVOICE_NO = "invoice_no";
  public static final String STOCK_CODE = "stock_code";
  public static final String DESCRIPTION = "description";
  public static final String QUANTITY = "quantity";
  public static final String INVOICE_TS = "invoice_ts";
  public static final String UNIT_PRICE = "unit_price";
  public static final String CUSTOMER_ID = "customer_id";
  public static final String COUNTRY = "country";

  /** Lineage columns kept next to each line until it is either parsed or quarantined. */
  public static final String SOURCE_FILE = "source_file";

  public static final String RAW_LINE = "raw_line";

  /** False when the line did not split into the header's number of fields. */
  public static final String WELL_FORMED = "well_formed";

  /** Null on a good line; otherwise a {@link MalformedReason} name. */
  public static final String MALFORMED_REASON = "malformed_reason";

  /** The source order, also the order expected in a CSV file without a header. */
  public static final List<String> ALL =
      List.of(
          INVOICE_NO,
          STOCK_CODE,
          DESCRIPTION,
          QUANTITY,
          INVOICE_TS,
          UNIT_PRICE,
          CUSTOMER_ID,
          COUNTRY);

  /** Header names per column, normalised; the second names come from "Online Retail II". */
  private static final Map<String, List<String>> HEADER_NAMES =
      Map.of(
          INVOICE_NO, List.of("invoiceno", "invoice"),
          STOCK_CODE, List.of("stockcode"),
          DESCRIPTION, List.of("description"),
          QUANTITY, List.of("quantity"),
          INVOICE_TS, List.of("invoicedate"),
          UNIT_PRICE, List.of("unitprice", "price"),
          CUSTOMER_ID, List.of("customerid"),
          COUNTRY, List.of("country"));

  /** The header name a user sees in error messages. */
  private static final Map<String, String> DISPLAY_NAMES =
      Map.of(
          INVOICE_NO, "InvoiceNo",
          STOCK_CODE, "StockCode",
          DESCRIPTION, "Description",
          QUANTITY, "Quantity",
          INVOICE_TS, "InvoiceDate",
          UNIT_PRICE, "UnitPrice",
          CUSTOMER_ID, "CustomerID",
          COUNTRY, "Country");

  public static final StructType TYPED =
      new StructType()
          .add(INVOICE_NO, DataTypes.StringType, false)
          .add(STOCK_CODE, DataTypes.StringType, false)
          .add(DESCRIPTION, DataTypes.StringType, true)
          .add(QUANTITY, DataTypes.IntegerType, false)
          .add(INVOICE_TS, DataTypes.TimestampType, false)
          .add(UNIT_PRICE, DataTypes.DoubleType, false)
          .add(CUSTOMER_ID, DataTypes.StringType, true)
          .add(COUNTRY, DataTypes.StringType, true);

  private InvoiceColumns() {}

  /** The contract column a header cell names, ignoring case, spaces and punctuation. */
  public static Optional<String> columnForHeader(String header) {
    String normalised = header.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    return HEADER_NAMES.entrySet().stream()
        .filter(e -> e.getValue().contains(normalised))
        .map(Map.Entry::getKey)
        .findFirst();
  }

  public static String displayName(String column) {
    return DISPLAY_NAMES.get(column);
  }
}
