package dev.segmentation.ingest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * The field readers of {@link LineFields} against what the regular expressions and casts they
 * replace make of the same text.
 */
class LineFieldsTest {

  private static final Pattern WHOLE = Pattern.compile("^[+-]?[0-9]{1,9}$");
  private static final Pattern DECIMAL =
      Pattern.compile("^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$");
  private static final Pattern CUSTOMER = Pattern.compile("^([0-9]{1,18})([.]0*)?$");

  private static final String[] ODD_TEXTS = {
    "0",
    "-0",
    "+0",
    "7",
    "-12",
    "+5",
    "123456789",
    "1234567890",
    "-123456789",
    "1.5",
    "1.",
    ".5",
    ".",
    "+",
    "-",
    "+.",
    "1..2",
    "1.2.3",
    "1e5",
    "1E-3",
    "2.5e+10",
    "1e",
    "1e1234",
    "1e+",
    "e5",
    "12a",
    "a12",
    "0x1p3",
    "Infinity",
    "NaN",
    "1.5d",
    "1.5f",
    "00012.50",
    "-0.0",
    "17850.0",
    "17850.",
    "17850.00",
    "17850.01",
    "17850.0.0",
    "1234567890123456789",
    "123456789012345678",
    "0.1",
    "0.3",
    "2.55",
    "1234567.891",
    "999999999999999",
    "9999999999999999",
    "0.000000000000001",
    "123456789012345.6",
    "-4.99",
    "１２",
    "1 2",
    "1,5"
  };

  @Test
  void theSplittersFieldsAreTheOnesItReadsInTheSameOrder() {
    // InvoiceParser hands the splitter's rows to LineFields as they are, by position.
    assertArrayEquals(LineFields.INPUT, DelimitedLines.SCHEMA.fieldNames());
  }

  @Test
  void wholeNumbersAreWhatTheIntegerPatternAndTheCastAccept() {
    for (String text : ODD_TEXTS) {
      Integer expected = WHOLE.matcher(text).matches() ? Integer.valueOf(text) : null;
      assertEquals(expected, LineFields.wholeNumber(utf8(text)), text);
    }
  }

  @Test
  void decimalsAreWhatTheDecimalPatternAndParseDoubleAccept() {
    for (String text : ODD_TEXTS) {
      assertDecimal(text);
    }
  }

  @Test
  void decimalsReadByTheFastPathAreExactlyParseDoublesOnes() {
    Random random = new Random(20261204L);
    for (int i = 0; i < 200_000; i++) {
      int digits = 1 + random.nextInt(15);
      StringBuilder text = new StringBuilder(random.nextInt(4) == 0 ? "-" : "");
      int point = random.nextInt(digits + 1);
      for (int d = 0; d < digits; d++) {
        if (d == point) {
          text.append('.');
        }
        text.append((char) ('0' + random.nextInt(10)));
      }
      assertDecimal(text.toString());
    }
  }

  @Test
  void customerIdsAreTheirDigitsWithoutAZeroTail() {
    for (String text : ODD_TEXTS) {
      var match = CUSTOMER.matcher(text);
      String expected = match.matches() ? match.group(1) : null;
      UTF8String digits = LineFields.customerDigits(utf8(text));
      assertEquals(expected, digits == null ? null : digits.toString(), text);
    }
  }

  @Test
  void onlyTheIsoShapeWithDigitsInPlaceIsIsoShaped() {
    assertTrue(LineFields.isoShaped(utf8("2010-12-01 08:26:00")));
    assertTrue(LineFields.isoShaped(utf8("9999-99-99 99:99:99")));
    assertFalse(LineFields.isoShaped(utf8("2010-12-01 8:26:00")));
    assertFalse(LineFields.isoShaped(utf8("2010-12-01T08:26:00")));
    assertFalse(LineFields.isoShaped(utf8("2010/12/01 08:26:00")));
    assertFalse(LineFields.isoShaped(utf8("2010-12-01 08:26:0a")));
    assertFalse(LineFields.isoShaped(utf8("2010-12-01 08:26:00.5")));
    assertFalse(LineFields.isoShaped(utf8("12/1/2010 8:26")));
  }

  @Test
  void trimmingRemovesSpacesOnlyAndEmptiesToNull() {
    assertEquals("a b", LineFields.trimmed(utf8("  a b ")).toString());
    assertEquals("\ta", LineFields.trimmed(utf8("\ta ")).toString());
    assertNull(LineFields.trimmed(utf8("   ")));
    assertNull(LineFields.trimmed(utf8("")));
    assertNull(LineFields.trimmed(null));
  }

  private static void assertDecimal(String text) {
    Double expected = DECIMAL.matcher(text).matches() ? Double.parseDouble(text) : null;
    Double actual = LineFields.decimal(utf8(text));
    // Bit for bit: -0.0 and 0.0 differ, as they do after parseDouble.
    assertEquals(
        expected == null ? null : Double.doubleToRawLongBits(expected),
        actual == null ? null : Double.doubleToRawLongBits(actual),
        text);
  }

  private static UTF8String utf8(String text) {
    return UTF8String.fromString(text);
  }
}
