package dev.segmentation.ingest;

import static dev.segmentation.ingest.InvoiceColumns.RAW_LINE;
import static dev.segmentation.ingest.InvoiceColumns.SOURCE_FILE;
import static dev.segmentation.ingest.InvoiceColumns.WELL_FORMED;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.from_csv;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.trim;

import dev.segmentation.ContractViolation;
import dev.segmentation.config.JobConfig;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The input edge: finds the invoice files on any Hadoop file system and returns every data line,
 * not yet typed.
 *
 * <p>Output contract: {@code source_file}, {@code raw_line}, {@code well_formed} and the eight
 * {@link InvoiceColumns#ALL} columns as strings. No line is dropped here except header lines;
 * deciding what is malformed is {@link InvoiceParser}'s job.
 */
public final class InvoiceSource {

  private static final String CORRUPT = "_corrupt_record";

  private final SparkSession spark;
  private final JobConfig.Input input;

  public InvoiceSource(SparkSession spark, JobConfig.Input input) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.input = Objects.requireNonNull(input, "input");
  }

  public Dataset<Row> read() {
    List<FileStatus> matches = existingMatches();
    String[] paths = input.uris().toArray(String[]::new);
    return switch (input.format()) {
      case CSV -> readCsv(paths, matches);
      case PARQUET -> readParquet(paths);
    };
  }

  /**
   * What every input URI matches, in the order of the URIs and then of the paths. Fails fast,
   * naming the path, before Spark plans anything on it.
   */
  private List<FileStatus> existingMatches() {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<FileStatus> all = new ArrayList<>();
    for (String uri : input.uris()) {
      Path path = new Path(uri);
      try {
        List<FileStatus> matches = sortedByPath(path.getFileSystem(hadoop).globStatus(path));
        if (matches.isEmpty()) {
          throw new ContractViolation("input path does not exist: " + uri);
        }
        all.addAll(matches);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list input path " + uri, e);
      }
    }
    return all;
  }

  private Dataset<Row> readCsv(String[] paths, List<FileStatus> matches) {
    Dataset<Row> lines =
        spark.read().text(paths).select(col("value").as(RAW_LINE), input_file_name().as(SOURCE_FILE));
    List<String> header = InvoiceColumns.ALL.stream().map(InvoiceColumns::displayName).toList();
    Dataset<Row> dataLines = lines;
    if (input.csv().header()) {
      // Every file repeats the header; any line equal to the first file's header is one.
      String headerLine = headerLine(matches).trim();
      header = splitHeader(headerLine);
      dataLines = lines.filter(trim(col(RAW_LINE)).notEqual(headerLine));
    }
    Map<String, Integer> positions = positionsOf(header);
    Column fields = from_csv(col(RAW_LINE), lit(allStrings(header.size()).toDDL()), csvOptions());
    List<Column> columns = new ArrayList<>();
    columns.add(col(SOURCE_FILE));
    columns.add(col(RAW_LINE));
    // A blank line has no fields at all; Spark's parser would return it as all nulls.
    columns.add(fields.getField(CORRUPT).isNull().and(trim(col(RAW_LINE)).notEqual(""))
        .as(WELL_FORMED));
    for (String column : InvoiceColumns.ALL) {
      columns.add(fields.getField(fieldName(positions.get(column))).as(column));
    }
    return dataLines.select(columns.toArray(Column[]::new));
  }

  private Dataset<Row> readParquet(String[] paths) {
    Dataset<Row> table;
    try {
      table = spark.read().parquet(paths);
    } catch (Exception e) {
      // Scala throws AnalysisException unchecked, e.g. for a folder without Parquet files.
      if (e instanceof AnalysisException) {
        throw new ContractViolation("no data lines in input " + String.join(", ", paths), e);
      }
      throw e instanceof RuntimeException runtime ? runtime : new IllegalStateException(e);
    }
    List<String> names = Arrays.asList(table.columns());
    Map<String, Integer> positions = positionsOf(names);
    List<Column> columns = new ArrayList<>();
    columns.add(input_file_name().as(SOURCE_FILE));
    columns.add(to_json(struct(names.stream().map(n -> col(quoted(n))).toArray(Column[]::new)))
        .as(RAW_LINE));
    columns.add(lit(true).as(WELL_FORMED));
    for (String column : InvoiceColumns.ALL) {
      columns.add(col(quoted(names.get(positions.get(column)))).cast(DataTypes.StringType)
          .as(column));
    }
    return table.select(columns.toArray(Column[]::new));
  }

  /**
   * The first line of the first non-empty input file, in path order, read straight from the file
   * system (decompressed by its suffix, as Spark reads it): one line is not worth a Spark job.
   */
  private String headerLine(List<FileStatus> matches) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    CompressionCodecFactory codecs = new CompressionCodecFactory(hadoop);
    try {
      for (FileStatus match : matches) {
        Optional<String> line = firstLineUnder(match.getPath().getFileSystem(hadoop), codecs, match);
        if (line.isPresent()) {
          return line.get();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the header of input " + String.join(", ", input.uris()), e);
    }
    throw new ContractViolation("no data lines in input " + String.join(", ", input.uris()));
  }

  private static Optional<String> firstLineUnder(FileSystem fs, CompressionCodecFactory codecs, FileStatus status)
      throws IOException {
    if (status.isDirectory()) {
      for (FileStatus child : sortedByPath(fs.listStatus(status.getPath()))) {
        String name = child.getPath().getName();
        // Spark skips these in a folder too: _SUCCESS, .crc files, hidden staging folders.
        if (name.startsWith("_") || name.startsWith(".")) {
          continue;
        }
        Optional<String> line = firstLineUnder(fs, codecs, child);
        if (line.isPresent()) {
          return line;
        }
      }
      return Optional.empty();
    }
    CompressionCodec codec = codecs.getCodec(status.getPath());
    InputStream raw = fs.open(status.getPath());
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(
        codec == null ? raw : codec.createInputStream(raw), StandardCharsets.UTF_8))) {
      return Optional.ofNullable(reader.readLine());
    }
  }

  private static List<FileStatus> sortedByPath(FileStatus[] statuses) {
    return statuses == null ? List.of()
        : Arrays.stream(statuses).sorted(Comparator.comparing(FileStatus::getPath)).toList();
  }

  private List<String> splitHeader(String headerLine) {
    String quote = Pattern.quote(String.valueOf(input.csv().quote()));
    String delimiter = Pattern.quote(String.valueOf(input.csv().delimiter()));
    return Arrays.stream(headerLine.split(delimiter, -1))
        .map(cell -> cell.trim().replaceAll("^" + quote + "|" + quote + "$", "").trim())
        .toList();
  }

  /** Contract column to its position among the source's columns; names any that are missing. */
  private Map<String, Integer> positionsOf(List<String> sourceColumns) {
    Map<String, Integer> positions = new LinkedHashMap<>();
    for (int i = 0; i < sourceColumns.size(); i++) {
      int position = i;
      InvoiceColumns.columnForHeader(sourceColumns.get(i))
          .ifPresent(column -> positions.putIfAbsent(column, position));
    }
    List<String> missing =
        InvoiceColumns.ALL.stream()
            .filter(column -> !positions.containsKey(column))
            .map(InvoiceColumns::displayName)
            .toList();
    if (!missing.isEmpty()) {
      throw new ContractViolation(
          "input " + String.join(", ", input.uris()) + " lacks required column(s) "
              + String.join(", ", missing) + "; found: " + String.join(", ", sourceColumns));
    }
    return positions;
  }

  private static StructType allStrings(int count) {
    StructType schema = new StructType();
    for (int i = 0; i < count; i++) {
      schema = schema.add(fieldName(i), DataTypes.StringType, true);
    }
    return schema.add(CORRUPT, DataTypes.StringType, true);
  }

  /** Spark's own CSV parser marks a line whose field count differs from the schema's. */
  private Map<String, String> csvOptions() {
    JobConfig.Csv csv = input.csv();
    return Map.of(
        "sep", String.valueOf(csv.delimiter()),
        "quote", String.valueOf(csv.quote()),
        "escape", String.valueOf(csv.escape()),
        "mode", "PERMISSIVE",
        "columnNameOfCorruptRecord", CORRUPT);
  }

  private static String fieldName(int position) {
    return "_c" + position;
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
