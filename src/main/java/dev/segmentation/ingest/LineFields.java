package dev.segmentation.ingest;

import static dev.segmentation.ingest.InvoiceColumns.COUNTRY;
import static dev.segmentation.ingest.InvoiceColumns.CUSTOMER_ID;
import static dev.segmentation.ingest.InvoiceColumns.DESCRIPTION;
import static dev.segmentation.ingest.InvoiceColumns.INVOICE_NO;
import static dev.segmentation.ingest.InvoiceColumns.QUANTITY;
import static dev.segmentation.ingest.InvoiceColumns.RAW_LINE;
import static dev.segmentation.ingest.InvoiceColumns.SOURCE_FILE;
import static dev.segmentation.ingest.InvoiceColumns.STOCK_CODE;
import static dev.segmentation.ingest.InvoiceColumns.UNIT_PRICE;
import static dev.segmentation.ingest.InvoiceColumns.WELL_FORMED;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.codegen.UnsafeRowWriter;
import org.apache.spark.sql.catalyst.util.DateTimeUtils;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.array.ByteArrayMethods;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Option;

/**
 * A line's text fields to typed values, one partition at a time, for {@link InvoiceParser}; each
 * field is read from its bytes once.
 *
 * <p>Input: {@link #INPUT}, the fields as strings. Output: {@link #SCHEMA}: every text field
 * trimmed of spaces (an empty one null), the quantity an int when it is a whole number of at most
 * nine digits, the price a double when it is a plain or scientific decimal number, the customer
 * id's digits when it is digits with at most a ".0" tail ({@code _customer_bad} when it is anything
 * else), the date by Spark's own cast when it has the {@value #ISO_SHAPE} shape ({@code _iso_ts},
 * only when {@code isoDates}), and the trimmed date text ({@code _date_text}) for the other
 * patterns when {@code otherDates}. Lineage ({@code source_file}, {@code raw_line}) is copied only
 * onto lines that may be malformed; the reason is {@link InvoiceParser}'s to decide.
 *
 * <p>This replaces regular expressions run on a Java string made of each field, and a trimmed copy
 * of each field, which together cost about as much as reading and splitting the line.
 */
final class LineFields implements Serializable {

  private static final long serialVersionUID = 1L;

  static final String ISO_TS = "_iso_ts";
  static final String DATE_TEXT = "_date_text";
  static final String CUSTOMER_BAD = "_customer_bad";

  /** The columns it reads, in this order. */
  static final String[] INPUT = {
    SOURCE_FILE,
    RAW_LINE,
    WELL_FORMED,
    INVOICE_NO,
    STOCK_CODE,
    DESCRIPTION,
    QUANTITY,
    InvoiceColumns.INVOICE_TS,
    UNIT_PRICE,
    CUSTOMER_ID,
    COUNTRY
  };

  static final StructType SCHEMA =
      new StructType()
          .add(SOURCE_FILE, DataTypes.StringType, true)
          .add(RAW_LINE, DataTypes.StringType, true)
          .add(WELL_FORMED, DataTypes.BooleanType, false)
          .add(INVOICE_NO, DataTypes.StringType, true)
          .add(STOCK_CODE, DataTypes.StringType, true)
          .add(DESCRIPTION, DataTypes.StringType, true)
          .add(QUANTITY, DataTypes.IntegerType, true)
          .add(ISO_TS, DataTypes.TimestampType, true)
          .add(DATE_TEXT, DataTypes.StringType, true)
          .add(UNIT_PRICE, DataTypes.DoubleType, true)
          .add(CUSTOMER_ID, DataTypes.StringType, true)
          .add(CUSTOMER_BAD, DataTypes.BooleanType, false)
          .add(COUNTRY, DataTypes.StringType, true);

  /** Where the ISO pattern's digits go; every other byte is the separator shown. */
  static final String ISO_SHAPE = "0000-00-00 00:00:00";

  private static final byte[] ISO_BYTES = ISO_SHAPE.getBytes(StandardCharsets.UTF_8);

  /** A decimal of at most this many digits and no exponent is a long over a power of ten. */
  private static final int EXACT_DIGITS = 15;

  private static final double[] POWERS_OF_TEN = powersOfTen(EXACT_DIGITS);

  // Input fields.
  private static final int IN_SOURCE_FILE = 0;
  private static final int IN_RAW_LINE = 1;
  private static final int IN_WELL_FORMED = 2;
  private static final int IN_INVOICE_NO = 3;
  private static final int IN_STOCK_CODE = 4;
  private static final int IN_DESCRIPTION = 5;
  private static final int IN_QUANTITY = 6;
  private static final int IN_DATE = 7;
  private static final int IN_UNIT_PRICE = 8;
  private static final int IN_CUSTOMER_ID = 9;
  private static final int IN_COUNTRY = 10;

  // Output fields.
  private static final int OUT_SOURCE_FILE = 0;
  private static final int OUT_RAW_LINE = 1;
  private static final int OUT_WELL_FORMED = 2;
  private static final int OUT_INVOICE_NO = 3;
  private static final int OUT_STOCK_CODE = 4;
  private static final int OUT_DESCRIPTION = 5;
  private static final int OUT_QUANTITY = 6;
  private static final int OUT_ISO_TS = 7;
  private static final int OUT_DATE_TEXT = 8;
  private static final int OUT_UNIT_PRICE = 9;
  private static final int OUT_CUSTOMER_ID = 10;
  private static final int OUT_CUSTOMER_BAD = 11;
  private static final int OUT_COUNTRY = 12;

  private final ZoneId zone;
  private final boolean isoDates;
  private final boolean otherDates;

  /**
   * @param zone the session time zone, which Spark's cast reads a date without a zone in
   * @param isoDates whether the ISO pattern is one of the accepted dates
   * @param otherDates whether any other pattern is
   */
  LineFields(ZoneId zone, boolean isoDates, boolean otherDates) {
    this.zone = Objects.requireNonNull(zone, "zone");
    this.isoDates = isoDates;
    this.otherDates = otherDates;
  }

  Iterator<InternalRow> apply(Iterator<InternalRow> lines) {
    return new Typer(lines);
  }

  /**
   * The whole number of {@code text} ([+-]?[0-9]{1,9}), or null.
   *
   * @param text trimmed, not empty
   */
  static Integer wholeNumber(UTF8String text) {
    Object base = text.getBaseObject();
    long at = text.getBaseOffset();
    long end = at + text.numBytes();
    boolean negative = false;
    byte first = Platform.getByte(base, at);
    if (first == '+' || first == '-') {
      negative = first == '-';
      at++;
    }
    long digits = end - at;
    if (digits < 1 || digits > 9) {
      return null;
    }
    int value = 0;
    for (; at < end; at++) {
      int digit = Platform.getByte(base, at) - '0';
      if (digit < 0 || digit > 9) {
        return null;
      }
      value = value * 10 + digit;
    }
    return negative ? -value : value;
  }

  /**
   * The number {@code text} spells ([+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?), as
   * {@link Double#parseDouble} reads it, or null.
   *
   * @param text trimmed, not empty
   */
  static Double decimal(UTF8String text) {
    Object base = text.getBaseObject();
    long start = text.getBaseOffset();
    long end = start + text.numBytes();
    long at = start;
    boolean negative = false;
    byte first = Platform.getByte(base, at);
    if (first == '+' || first == '-') {
      negative = first == '-';
      at++;
    }
    long mantissa = 0;
    int digits = 0;
    int fractionDigits = 0;
    boolean point = false;
    for (; at < end; at++) {
      byte b = Platform.getByte(base, at);
      if (b >= '0' && b <= '9') {
        if (digits < EXACT_DIGITS + 1) {
          mantissa = mantissa * 10 + (b - '0');
        }
        digits++;
        if (point) {
          fractionDigits++;
        }
      } else if (b == '.' && !point) {
        point = true;
      } else {
        break;
      }
    }
    if (digits == 0) {
      return null;
    }
    if (at == end && digits <= EXACT_DIGITS) {
      // Both numbers are exact doubles, so the division rounds once, to the same nearest double
      // as parseDouble.
      double value = mantissa / POWERS_OF_TEN[fractionDigits];
      return negative ? -value : value;
    }
    if (at < end && !exponent(base, at, end)) {
      return null;
    }
    return Double.parseDouble(text.toString());
  }

  /** Whether [at, end) is an exponent: [eE][+-]?[0-9]{1,3}. */
  private static boolean exponent(Object base, long at, long end) {
    byte e = Platform.getByte(base, at++);
    if (e != 'e' && e != 'E') {
      return false;
    }
    if (at < end && (Platform.getByte(base, at) == '+' || Platform.getByte(base, at) == '-')) {
      at++;
    }
    long digits = end - at;
    return digits >= 1 && digits <= 3 && allDigits(base, at, end);
  }

  /**
   * The digits of a customer id ([0-9]{1,18} followed by nothing or by "." and zeros), or null.
   *
   * @param text trimmed, not empty
   */
  static UTF8String customerDigits(UTF8String text) {
    Object base = text.getBaseObject();
    long start = text.getBaseOffset();
    long end = start + text.numBytes();
    long at = start;
    while (at < end && isDigit(Platform.getByte(base, at))) {
      at++;
    }
    long digits = at - start;
    if (digits < 1 || digits > 18) {
      return null;
    }
    if (at < end) {
      if (Platform.getByte(base, at) != '.') {
        return null;
      }
      for (long zero = at + 1; zero < end; zero++) {
        if (Platform.getByte(base, zero) != '0') {
          return null;
        }
      }
    }
    return UTF8String.fromAddress(base, start, (int) digits);
  }

  /** Whether {@code text} has the ISO pattern's shape, digits where {@link #ISO_SHAPE} has 0. */
  static boolean isoShaped(UTF8String text) {
    if (text.numBytes() != ISO_BYTES.length) {
      return false;
    }
    Object base = text.getBaseObject();
    long start = text.getBaseOffset();
    for (int i = 0; i < ISO_BYTES.length; i++) {
      byte b = Platform.getByte(base, start + i);
      if (ISO_BYTES[i] == '0' ? !isDigit(b) : b != ISO_BYTES[i]) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code text} without the spaces at either end, by Spark's own {@code trim}; null when empty.
   */
  static UTF8String trimmed(UTF8String text) {
    if (text == null) {
      return null;
    }
    // Without spaces to remove, trim() hands back the same string: no copy on almost every field.
    UTF8String trimmed = text.trim();
    return trimmed.numBytes() == 0 ? null : trimmed;
  }

  private static boolean allDigits(Object base, long at, long end) {
    for (; at < end; at++) {
      if (!isDigit(Platform.getByte(base, at))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }

  private static double[] powersOfTen(int highest) {
    double[] powers = new double[highest + 1];
    powers[0] = 1;
    for (int i = 1; i <= highest; i++) {
      powers[i] = powers[i - 1] * 10;
    }
    return powers;
  }

  /**
   * One partition's lines. The row it returns is reused for the next line: whatever reads it copies
   * what it keeps.
   */
  private final class Typer implements Iterator<InternalRow> {

    private final Iterator<InternalRow> lines;
    private final UnsafeRowWriter writer = new UnsafeRowWriter(SCHEMA.size(), 128);

    /** The last ISO date read and its value: the lines of an invoice share one date. */
    private final byte[] lastDate = new byte[ISO_BYTES.length];

    private Long lastValue;
    private boolean hasLast;

    Typer(Iterator<InternalRow> lines) {
      this.lines = lines;
    }

    @Override
    public boolean hasNext() {
      return lines.hasNext();
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      write(lines.next());
      return writer.getRow();
    }

    private void write(InternalRow line) {
      writer.reset();
      writer.zeroOutNullBytes();
      boolean wellFormed = line.getBoolean(IN_WELL_FORMED);
      UTF8String invoice = text(line, IN_INVOICE_NO);
      UTF8String stock = text(line, IN_STOCK_CODE);
      UTF8String quantityText = text(line, IN_QUANTITY);
      UTF8String date = text(line, IN_DATE);
      UTF8String priceText = text(line, IN_UNIT_PRICE);
      UTF8String customerText = text(line, IN_CUSTOMER_ID);
      Integer quantity = quantityText == null ? null : wholeNumber(quantityText);
      Long isoValue = isoDates && date != null ? isoDate(date) : null;
      Double price = priceText == null ? null : decimal(priceText);
      UTF8String customer = customerText == null ? null : customerDigits(customerText);
      boolean customerBad = customerText != null && customer == null;
      boolean suspect =
          !wellFormed
              || invoice == null
              || stock == null
              || quantity == null
              || isoValue == null
              || price == null
              || customerBad;

      writeOrNull(OUT_SOURCE_FILE, suspect ? string(line, IN_SOURCE_FILE) : null);
      writeOrNull(OUT_RAW_LINE, suspect ? string(line, IN_RAW_LINE) : null);
      writer.write(OUT_WELL_FORMED, wellFormed);
      writeOrNull(OUT_INVOICE_NO, invoice);
      writeOrNull(OUT_STOCK_CODE, stock);
      writeOrNull(OUT_DESCRIPTION, text(line, IN_DESCRIPTION));
      if (quantity == null) {
        writer.setNullAt(OUT_QUANTITY);
      } else {
        writer.write(OUT_QUANTITY, quantity.intValue());
      }
      if (isoValue == null) {
        writer.setNullAt(OUT_ISO_TS);
      } else {
        writer.write(OUT_ISO_TS, isoValue.longValue());
      }
      writeOrNull(OUT_DATE_TEXT, otherDates ? date : null);
      if (price == null) {
        writer.setNullAt(OUT_UNIT_PRICE);
      } else {
        writer.write(OUT_UNIT_PRICE, price.doubleValue());
      }
      writeOrNull(OUT_CUSTOMER_ID, customer);
      writer.write(OUT_CUSTOMER_BAD, customerBad);
      writeOrNull(OUT_COUNTRY, text(line, IN_COUNTRY));
    }

    /** Spark's cast of an ISO-shaped date in the session zone; null for any other text. */
    private Long isoDate(UTF8String date) {
      if (!isoShaped(date)) {
        return null;
      }
      if (hasLast
          && ByteArrayMethods.arrayEquals(
              date.getBaseObject(),
              date.getBaseOffset(),
              lastDate,
              Platform.BYTE_ARRAY_OFFSET,
              lastDate.length)) {
        return lastValue;
      }
      Option<Object> parsed = DateTimeUtils.stringToTimestamp(date, zone);
      lastValue = parsed.isDefined() ? (Long) parsed.get() : null;
      Platform.copyMemory(
          date.getBaseObject(),
          date.getBaseOffset(),
          lastDate,
          Platform.BYTE_ARRAY_OFFSET,
          lastDate.length);
      hasLast = true;
      return lastValue;
    }

    private UTF8String text(InternalRow line, int field) {
      return trimmed(string(line, field));
    }

    private UTF8String string(InternalRow line, int field) {
      return line.isNullAt(field) ? null : line.getUTF8String(field);
    }

    private void writeOrNull(int field, UTF8String value) {
      if (value == null) {
        writer.setNullAt(field);
      } else {
        writer.write(field, value);
      }
    }
  }
}
