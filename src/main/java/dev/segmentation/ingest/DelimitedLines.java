package dev.segmentation.ingest;

import static dev.segmentation.ingest.InvoiceColumns.RAW_LINE;
import static dev.segmentation.ingest.InvoiceColumns.SOURCE_FILE;
import static dev.segmentation.ingest.InvoiceColumns.WELL_FORMED;
import static org.apache.spark.sql.functions.col;

import com.univocity.parsers.csv.CsvParser;
import dev.segmentation.config.JobConfig;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.csv.CSVOptions;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.array.ByteArrayMethods;
import org.apache.spark.unsafe.types.UTF8String;
import scala.collection.JavaConverters;

/**
 * Delimited text lines to their fields, one partition at a time, for {@link InvoiceSource}.
 *
 * <p>Input: {@code raw_line} and {@code source_file} strings, one row per line of text. Output:
 * {@code source_file}, {@code raw_line}, {@code well_formed} and the {@link InvoiceColumns#ALL}
 * columns as untrimmed strings, one row per data line: header lines are left out, a byte-order mark
 * in front of a line is not part of its first field, and a line is well formed when it is not blank
 * and has the header's number of fields (a missing field is null, an empty one empty or null).
 *
 * <p>This runs on every line of every run, so it reads each line's bytes once and copies none of
 * them: the fields it hands on are views of the line. Only lines with a quote or escape character
 * (about 1% of real invoice lines) go through Spark's own CSV parser (univocity, with the options
 * {@code from_csv} would use), which would cost several times as much on every line; the rest are
 * split on the delimiter.
 */
final class DelimitedLines implements Serializable {

  private static final long serialVersionUID = 1L;

  private static final byte SPACE = ' ';
  private static final byte[] BYTE_ORDER_MARK = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  /** The output columns, in {@link InvoiceSource}'s contract order. */
  static final StructType SCHEMA = schema();

  private static final int SOURCE_FILE_FIELD = 0;
  private static final int RAW_LINE_FIELD = 1;
  private static final int WELL_FORMED_FIELD = 2;
  private static final int FIRST_COLUMN_FIELD = 3;

  private final char delimiter;
  private final char quote;
  private final char escape;
  private final int fieldCount;
  private final int[] positions;
  private final byte[] header;

  /**
   * @param fieldCount the fields a well-formed line has
   * @param positions each {@link InvoiceColumns#ALL} column's field, by column name
   * @param headerLine a line equal to it (spaces trimmed) is a header and left out; null: none is
   */
  DelimitedLines(
      JobConfig.Csv csv, int fieldCount, Map<String, Integer> positions, String headerLine) {
    Objects.requireNonNull(csv, "csv");
    this.delimiter = csv.delimiter();
    this.quote = csv.quote();
    this.escape = csv.escape();
    this.fieldCount = fieldCount;
    this.positions = InvoiceColumns.ALL.stream().mapToInt(positions::get).toArray();
    this.header = headerLine == null ? null : headerLine.getBytes(StandardCharsets.UTF_8);
  }

  /** The data lines of {@code lines} ({@code raw_line}, {@code source_file}), split. */
  Dataset<Row> apply(Dataset<Row> lines) {
    JavaRDD<InternalRow> rows =
        lines
            .select(col(RAW_LINE), col(SOURCE_FILE))
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitions(this::split, true);
    return lines.sparkSession().internalCreateDataFrame(rows.rdd(), SCHEMA, false);
  }

  private Iterator<InternalRow> split(Iterator<InternalRow> lines) {
    return new Splitter(lines);
  }

  private static StructType schema() {
    StructType schema =
        new StructType()
            .add(SOURCE_FILE, DataTypes.StringType, true)
            .add(RAW_LINE, DataTypes.StringType, true)
            .add(WELL_FORMED, DataTypes.BooleanType, false);
    for (String column : InvoiceColumns.ALL) {
      schema = schema.add(column, DataTypes.StringType, true);
    }
    return schema;
  }

  private static boolean isAscii(char c) {
    return c < 0x80;
  }

  /**
   * One partition's lines. The row it returns is reused for the next line, as Spark's own readers
   * do: whatever reads it copies what it keeps. Its fields are views of the line's bytes, not
   * copies: the one copy is made by whatever keeps them.
   */
  private final class Splitter implements Iterator<InternalRow> {

    private final Iterator<InternalRow> lines;
    private final GenericInternalRow row = new GenericInternalRow(SCHEMA.size());
    private final boolean byteSplit = isAscii(delimiter) && isAscii(quote) && isAscii(escape);
    private final byte delimiterByte = (byte) delimiter;
    private final byte quoteByte = (byte) quote;
    private final byte escapeByte = (byte) escape;

    /** Where each field starts and ends, as offsets into the line. */
    private final long[] fieldStarts = new long[fieldCount + 1];

    private final long[] fieldEnds = new long[fieldCount + 1];
    private CsvParser quotedParser;
    private boolean ready;

    Splitter(Iterator<InternalRow> lines) {
      this.lines = lines;
    }

    @Override
    public boolean hasNext() {
      while (!ready && lines.hasNext()) {
        ready = write(lines.next());
      }
      return ready;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      ready = false;
      return row;
    }

    /** Writes the line's row; false for a header line, which has none. */
    private boolean write(InternalRow line) {
      UTF8String raw = line.getUTF8String(0);
      Object base = raw.getBaseObject();
      long start = raw.getBaseOffset();
      long end = start + raw.numBytes();
      if (startsWith(base, start, end, BYTE_ORDER_MARK)) {
        start += BYTE_ORDER_MARK.length;
      }
      long trimmedStart = start;
      long trimmedEnd = end;
      while (trimmedStart < trimmedEnd && Platform.getByte(base, trimmedStart) == SPACE) {
        trimmedStart++;
      }
      while (trimmedEnd > trimmedStart && Platform.getByte(base, trimmedEnd - 1) == SPACE) {
        trimmedEnd--;
      }
      if (header != null && equalsHeader(base, trimmedStart, trimmedEnd)) {
        return false;
      }
      row.update(SOURCE_FILE_FIELD, line.isNullAt(1) ? null : line.getUTF8String(1));
      row.update(RAW_LINE_FIELD, raw);
      boolean notBlank = trimmedStart < trimmedEnd;
      int fields = byteSplit ? splitPlain(base, start, end) : -1;
      if (fields >= 0) {
        row.setBoolean(WELL_FORMED_FIELD, notBlank && fields == fieldCount);
        for (int column = 0; column < positions.length; column++) {
          int field = positions[column];
          if (field < Math.min(fields, fieldStarts.length)) {
            int length = (int) (fieldEnds[field] - fieldStarts[field]);
            row.update(
                FIRST_COLUMN_FIELD + column,
                UTF8String.fromAddress(base, fieldStarts[field], length));
          } else {
            row.setNullAt(FIRST_COLUMN_FIELD + column);
          }
        }
      } else {
        String[] tokens =
            quotedParser()
                .parseLine(UTF8String.fromAddress(base, start, (int) (end - start)).toString());
        int found = tokens == null ? 0 : tokens.length;
        row.setBoolean(WELL_FORMED_FIELD, notBlank && tokens != null && found == fieldCount);
        for (int column = 0; column < positions.length; column++) {
          int field = positions[column];
          String token = field < found ? tokens[field] : null;
          // Spark's CSV reader reads an empty field as null (its default nullValue).
          row.update(
              FIRST_COLUMN_FIELD + column,
              token == null || token.isEmpty() ? null : UTF8String.fromString(token));
        }
      }
      return true;
    }

    /**
     * Splits a line without quote or escape characters, remembering at most {@code fieldCount + 1}
     * fields: the number of fields it has, or -1 when it has a quote or escape character.
     */
    private int splitPlain(Object base, long start, long end) {
      int fields = 0;
      long fieldStart = start;
      for (long at = start; at < end; at++) {
        byte b = Platform.getByte(base, at);
        if (b == quoteByte || b == escapeByte) {
          return -1;
        }
        if (b == delimiterByte) {
          remember(fields, fieldStart, at);
          fields++;
          fieldStart = at + 1;
        }
      }
      remember(fields, fieldStart, end);
      return fields + 1;
    }

    private void remember(int field, long start, long end) {
      if (field < fieldStarts.length) {
        fieldStarts[field] = start;
        fieldEnds[field] = end;
      }
    }

    private boolean equalsHeader(Object base, long start, long end) {
      return end - start == header.length
          && ByteArrayMethods.arrayEquals(
              base, start, header, Platform.BYTE_ARRAY_OFFSET, header.length);
    }

    private CsvParser quotedParser() {
      if (quotedParser == null) {
        Map<String, String> options =
            Map.of(
                "sep", String.valueOf(delimiter),
                "quote", String.valueOf(quote),
                "escape", String.valueOf(escape));
        CSVOptions sparkOptions =
            new CSVOptions(
                JavaConverters.mapAsScalaMapConverter(options)
                    .asScala()
                    .toMap(scala.Predef.$conforms()),
                false,
                "UTC");
        quotedParser = new CsvParser(sparkOptions.asParserSettings());
      }
      return quotedParser;
    }
  }

  private static boolean startsWith(Object base, long start, long end, byte[] prefix) {
    return end - start >= prefix.length
        && ByteArrayMethods.arrayEquals(
            base, start, prefix, Platform.BYTE_ARRAY_OFFSET, prefix.length);
  }
}
