package dev.segmentation.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class InvoiceParserTest extends SparkTestBase {

  private static final StructType RAW = rawSchema();

  private final InvoiceParser parser =
      InvoiceParser.builder()
          .timestampPatterns(List.of("yyyy-MM-dd HH:mm:ss", "M/d/yyyy H:mm"))
          .build();

  @Test
  void typesAGoodLineAndNormalisesTheCustomerId() {
    Row row =
        parseOne(
            true,
            "536365",
            "85123A",
            "WHITE HANGING HEART",
            "6",
            "2010-12-01 08:26:00",
            "2.55",
            "17850.0",
            "United Kingdom");

    assertEquals(
        Arrays.asList(
            "536365",
            "85123A",
            "WHITE HANGING HEART",
            6,
            Timestamp.valueOf("2010-12-01 08:26:00"),
            2.55,
            "17850",
            "United Kingdom",
            null),
        typedValues(row));
  }

  @Test
  void acceptsBothTimestampForms() {
    Row iso = parseOne(true, "1", "A", "x", "1", "2010-12-01 08:26:00", "1", "1", "UK");
    Row us = parseOne(true, "1", "A", "x", "1", "12/1/2010 8:26", "1", "1", "UK");
    Row usTwoDigits = parseOne(true, "1", "A", "x", "1", "12/13/2011 16:05", "1", "1", "UK");

    assertEquals(
        Timestamp.valueOf("2010-12-01 08:26:00"), iso.<Object>getAs(InvoiceColumns.INVOICE_TS));
    assertEquals(
        Timestamp.valueOf("2010-12-01 08:26:00"), us.<Object>getAs(InvoiceColumns.INVOICE_TS));
    assertEquals(
        Timestamp.valueOf("2011-12-13 16:05:00"),
        usTwoDigits.<Object>getAs(InvoiceColumns.INVOICE_TS));
  }

  @Test
  void theIsoFormIsTypedAsItsPatternTypesIt() {
    InvoiceParser isoOnly =
        InvoiceParser.builder().timestampPatterns(List.of("yyyy-MM-dd HH:mm:ss")).build();
    List<String> dates =
        List.of(
            "2010-12-01 08:26:00",
            "2012-02-29 23:59:59",
            "2010-02-30 10:00:00",
            "2010-13-01 10:00:00",
            "2010-12-01 24:00:00",
            "2010-12-01 08:60:00",
            "2010-12-01 08:26:60",
            "2010-12-01T08:26:00",
            "2010-12-01 08:26:00Z",
            "2010-12-01 08:26:00.5",
            "2010-12-01 8:26:00",
            "2010-12-1 08:26:00",
            "+2010-12-01 08:26:00",
            "12010-12-01 08:26:00",
            "2010-12-01",
            "2010-12-01 08:26");
    List<Object[]> lines = new ArrayList<>();
    dates.forEach(date -> lines.add(raw(true, "1", "A", "x", "1", date, "1", "1", "UK")));

    List<Row> parsed = isoOnly.apply(rows(RAW, lines.toArray(Object[][]::new))).collectAsList();
    List<Row> byPattern =
        spark()
            .createDataset(dates, Encoders.STRING())
            .select(try_to_timestamp(col("value"), lit("yyyy-MM-dd HH:mm:ss")))
            .collectAsList();

    for (int i = 0; i < dates.size(); i++) {
      assertEquals(
          byPattern.get(i).get(0),
          parsed.get(i).<Object>getAs(InvoiceColumns.INVOICE_TS),
          dates.get(i));
    }
    assertEquals(
        2, parsed.stream().filter(row -> row.getAs(InvoiceColumns.INVOICE_TS) != null).count());
  }

  @Test
  void anEmptyCustomerIsAbsentNotMalformed() {
    Row row = parseOne(true, "536414", "22139", null, "56", "2010-12-01 11:52:00", "0", "", "UK");

    assertEquals(null, row.<Object>getAs(InvoiceColumns.CUSTOMER_ID));
    assertEquals(null, row.<Object>getAs(InvoiceColumns.DESCRIPTION));
    assertEquals(null, row.<Object>getAs(InvoiceColumns.MALFORMED_REASON));
  }

  @Test
  void negativeQuantitiesAndPricesInExponentFormAreValid() {
    Row row =
        parseOne(
            true,
            "C536379",
            "D",
            "Discount",
            "-1",
            "2010-12-01 09:41:00",
            "2.5E1",
            "14527.0",
            "UK");

    assertEquals(-1, row.getInt(row.fieldIndex(InvoiceColumns.QUANTITY)));
    assertEquals(25.0, row.getDouble(row.fieldIndex(InvoiceColumns.UNIT_PRICE)));
    assertEquals(null, row.<Object>getAs(InvoiceColumns.MALFORMED_REASON));
  }

  @Test
  void namesEveryMalformedReason() {
    assertEquals(
        "wrong_field_count",
        reason(false, "1", "A", "x", "1", "2010-12-01 08:26:00", "1", "1", "UK"));
    assertEquals(
        "missing_invoice_no",
        reason(true, " ", "A", "x", "1", "2010-12-01 08:26:00", "1", "1", "UK"));
    assertEquals(
        "missing_stock_code",
        reason(true, "1", null, "x", "1", "2010-12-01 08:26:00", "1", "1", "UK"));
    assertEquals(
        "bad_quantity", reason(true, "1", "A", "x", "six", "2010-12-01 08:26:00", "1", "1", "UK"));
    assertEquals(
        "bad_quantity", reason(true, "1", "A", "x", "1.5", "2010-12-01 08:26:00", "1", "1", "UK"));
    assertEquals(
        "bad_quantity",
        reason(true, "1", "A", "x", "99999999999", "2010-12-01 08:26:00", "1", "1", "UK"));
    assertEquals(
        "bad_invoice_date",
        reason(true, "1", "A", "x", "1", "2010-13-45 08:26:00", "1", "1", "UK"));
    assertEquals("bad_invoice_date", reason(true, "1", "A", "x", "1", "yesterday", "1", "1", "UK"));
    assertEquals(
        "bad_unit_price",
        reason(true, "1", "A", "x", "1", "2010-12-01 08:26:00", "2,55", "1", "UK"));
    assertEquals(
        "bad_unit_price",
        reason(true, "1", "A", "x", "1", "2010-12-01 08:26:00", "NaN", "1", "UK"));
    assertEquals(
        "bad_customer_id",
        reason(true, "1", "A", "x", "1", "2010-12-01 08:26:00", "1", "17850.5", "UK"));
    assertEquals(
        "bad_customer_id",
        reason(true, "1", "A", "x", "1", "2010-12-01 08:26:00", "1", "abc", "UK"));
  }

  @Test
  void theFirstApplicableReasonWins() {
    assertEquals("bad_quantity", reason(true, "1", "A", "x", "?", "never", "?", "?", "UK"));
  }

  @Test
  void everyLineComesOutOnceWithItsLineage() {
    Dataset<Row> raw =
        rows(
            RAW,
            raw(true, "1", "A", "x", "1", "2010-12-01 08:26:00", "1", "1", "UK"),
            raw(true, "2", "B", "y", "?", "2010-12-01 08:26:00", "1", "1", "UK"));

    List<Row> parsed = parser.apply(raw).orderBy(InvoiceColumns.INVOICE_NO).collectAsList();

    assertEquals(2, parsed.size());
    assertEquals("file:/in/day.csv", parsed.get(1).<Object>getAs(InvoiceColumns.SOURCE_FILE));
    assertEquals(
        "2,B,y,?,2010-12-01 08:26:00,1,1,UK", parsed.get(1).<Object>getAs(InvoiceColumns.RAW_LINE));
    assertEquals("bad_quantity", parsed.get(1).<Object>getAs(InvoiceColumns.MALFORMED_REASON));
  }

  private String reason(boolean wellFormed, String... fields) {
    return parseOne(wellFormed, fields).getAs(InvoiceColumns.MALFORMED_REASON);
  }

  private Row parseOne(boolean wellFormed, String... fields) {
    List<Row> parsed = parser.apply(rows(RAW, raw(wellFormed, fields))).collectAsList();
    assertEquals(1, parsed.size());
    return parsed.get(0);
  }

  private static List<Object> typedValues(Row row) {
    List<Object> values = new ArrayList<>();
    for (String column : InvoiceColumns.ALL) {
      values.add(row.<Object>getAs(column));
    }
    values.add(row.<Object>getAs(InvoiceColumns.MALFORMED_REASON));
    return values;
  }

  private static Object[] raw(boolean wellFormed, String... fields) {
    List<Object> values = new ArrayList<>();
    values.add("file:/in/day.csv");
    values.add(String.join(",", Arrays.stream(fields).map(f -> f == null ? "" : f).toList()));
    values.add(wellFormed);
    values.addAll(Arrays.asList(fields));
    return values.toArray();
  }

  private static StructType rawSchema() {
    StructType schema =
        new StructType()
            .add(InvoiceColumns.SOURCE_FILE, DataTypes.StringType)
            .add(InvoiceColumns.RAW_LINE, DataTypes.StringType)
            .add(InvoiceColumns.WELL_FORMED, DataTypes.BooleanType);
    for (String column : InvoiceColumns.ALL) {
      schema = schema.add(column, DataTypes.StringType);
    }
    return schema;
  }
}
