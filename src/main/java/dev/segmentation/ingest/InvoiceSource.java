package dev.segmentation.ingest;

import static dev.segmentation.ingest.InvoiceColumns.RAW_LINE;
import static dev.segmentation.ingest.InvoiceColumns.SOURCE_FILE;
import static dev.segmentation.ingest.InvoiceColumns.WELL_FORMED;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import dev.segmentation.ContractViolation;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.JobConfig.CorruptFiles;
import dev.segmentation.config.JobConfig.InputFormat;
import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The input edge: finds the invoice files on any Hadoop file system and returns every data line,
 * not yet typed.
 *
 * <p>Output contract: {@code source_file}, {@code raw_line}, {@code well_formed} and the eight
 * {@link InvoiceColumns#ALL} columns as strings (an empty field may be empty or null). No line is
 * dropped here except header lines (and, with {@code segmentation.input.corrupt-files = skip},
 * whole compressed files that cannot be decompressed, named in {@link #skippedFiles}); deciding
 * what is malformed is {@link InvoiceParser}'s job.
 */
public final class InvoiceSource {

  private static final Logger LOG = LoggerFactory.getLogger(InvoiceSource.class);

  private static final String BYTE_ORDER_MARK = "\uFEFF";
  private static final List<Character> COMMON_DELIMITERS = List.of(',', ';', '\t', '|');

  /** Further unreadable files an error message names; the rest are counted. */
  private static final int MORE_NAMED = 3;

  private final SparkSession spark;
  private final JobConfig.Input input;

  /**
   * Corrupt compressed files the read left out ({@code corrupt-files = skip}), with the problem.
   */
  private final Map<String, String> skippedFiles = new LinkedHashMap<>();

  public InvoiceSource(SparkSession spark, JobConfig.Input input) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.input = Objects.requireNonNull(input, "input");
  }

  /** File to what is wrong with it, for the files {@link #read} left out; in the order found. */
  public Map<String, String> skippedFiles() {
    return new LinkedHashMap<>(skippedFiles);
  }

  public Dataset<Row> read() {
    requireExistingPaths();
    String[] uris = input.uris().toArray(String[]::new);
    return switch (input.format()) {
      case CSV -> readCsv(spark.read().text(uris));
      case PARQUET -> readParquet(uris);
    };
  }

  /**
   * A read that failed in a Spark task because a compressed input file is damaged, as a contract
   * violation naming the file; empty for any other failure. Checks the compressed inputs again (see
   * {@link CompressedFileCheck}), which costs a read of them, on the failure path only.
   */
  public Optional<ContractViolation> unreadableInput(Throwable failure) {
    if (input.format() != InputFormat.CSV || !CompressedFileCheck.isDecompressionFailure(failure)) {
      return Optional.empty();
    }
    try {
      Map<String, String> problems =
          CompressedFileCheck.problems(
              spark, compressed(filesOf(spark.read().text(input.uris().toArray(String[]::new)))));
      return problems.isEmpty()
          ? Optional.empty()
          : Optional.of(new ContractViolation(unreadableMessage(problems), failure));
    } catch (RuntimeException checkFailed) {
      failure.addSuppressed(checkFailed);
      return Optional.empty();
    }
  }

  /** Fails fast, naming the path, before Spark plans anything on it. */
  private void requireExistingPaths() {
    for (String uri : input.uris()) {
      Path path = new Path(uri);
      try {
        FileStatus[] matches = path.getFileSystem(hadoop()).globStatus(path);
        if (matches == null || matches.length == 0) {
          throw new ContractViolation("input path does not exist: " + uri);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list input path " + uri, e);
      }
    }
  }

  /** The files Spark reads for a relation (hidden files left out), in path order. */
  private static List<Path> filesOf(Dataset<Row> relation) {
    return Arrays.stream(relation.inputFiles())
        .map(uri -> new Path(URI.create(uri)))
        .sorted()
        .toList();
  }

  private Dataset<Row> readCsv(Dataset<Row> allText) {
    List<Path> allFiles = filesOf(allText);
    List<Path> files =
        input.corruptFiles() == CorruptFiles.SKIP ? withoutCorruptFiles(allFiles) : allFiles;
    Dataset<Row> text =
        files.size() == allFiles.size()
            ? allText
            : spark.read().text(files.stream().map(Path::toString).toArray(String[]::new));
    // Hadoop's line reader drops a byte-order mark at the very start of a file only; files joined
    // with cat keep theirs inside, in front of a header: DelimitedLines drops those.
    Dataset<Row> lines = text.select(col("value").as(RAW_LINE), input_file_name().as(SOURCE_FILE));
    List<String> header = InvoiceColumns.ALL.stream().map(InvoiceColumns::displayName).toList();
    Supplier<String> hint = () -> "";
    String headerLine = null;
    if (input.csv().header()) {
      // Every file repeats the header; any line equal to the first file's header is one.
      headerLine = headerLine(files).trim();
      header = splitHeader(headerLine, input.csv().delimiter());
      String found = headerLine;
      hint = () -> delimiterHint(found);
    }
    Map<String, Integer> positions = positionsOf(header, hint);
    return new DelimitedLines(input.csv(), header.size(), positions, headerLine).apply(lines);
  }

  /** The files left once the damaged compressed ones are set aside, each named in a warning. */
  private List<Path> withoutCorruptFiles(List<Path> files) {
    Map<String, String> corrupt = CompressedFileCheck.problems(spark, compressed(files));
    if (corrupt.isEmpty()) {
      return files;
    }
    corrupt.forEach(
        (file, problem) ->
            LOG.warn(
                "skipping input file {}: {} (segmentation.input.corrupt-files = skip)",
                file,
                problem));
    skippedFiles.putAll(corrupt);
    List<Path> readable =
        files.stream().filter(file -> !corrupt.containsKey(file.toString())).toList();
    if (readable.isEmpty()) {
      throw new ContractViolation(
          "no data lines in input " + String.join(", ", input.uris()) + ": every file is corrupt");
    }
    return readable;
  }

  private List<String> compressed(List<Path> files) {
    CompressionCodecFactory codecs = new CompressionCodecFactory(hadoop());
    return files.stream()
        .filter(file -> codecs.getCodec(file) != null)
        .map(Path::toString)
        .toList();
  }

  private String unreadableMessage(Map<String, String> problems) {
    Map.Entry<String, String> first = problems.entrySet().iterator().next();
    String message = unreadable(first.getKey(), first.getValue());
    List<String> others = problems.keySet().stream().skip(1).toList();
    if (others.isEmpty()) {
      return message;
    }
    String named = String.join(", ", others.subList(0, Math.min(others.size(), MORE_NAMED)));
    String rest =
        others.size() > MORE_NAMED ? " and " + (others.size() - MORE_NAMED) + " more" : "";
    return message + " (also unreadable: " + named + rest + ")";
  }

  private String unreadable(String file, String problem) {
    CompressionCodec codec = new CompressionCodecFactory(hadoop()).getCodec(new Path(file));
    return "input file "
        + file
        + " is not a readable "
        + CompressedFileCheck.formatName(codec)
        + " file: "
        + problem;
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
    Map<String, Integer> positions = positionsOf(names, () -> "");
    List<Column> columns = new ArrayList<>();
    columns.add(input_file_name().as(SOURCE_FILE));
    columns.add(
        to_json(struct(names.stream().map(n -> col(quoted(n))).toArray(Column[]::new)))
            .as(RAW_LINE));
    columns.add(lit(true).as(WELL_FORMED));
    for (String column : InvoiceColumns.ALL) {
      columns.add(
          col(quoted(names.get(positions.get(column)))).cast(DataTypes.StringType).as(column));
    }
    return table.select(columns.toArray(Column[]::new));
  }

  /**
   * The first line of the first non-empty input file, in path order, read straight from the file
   * system (decompressed by its suffix, as Spark reads it): one line is not worth a Spark job.
   */
  private String headerLine(List<Path> files) {
    CompressionCodecFactory codecs = new CompressionCodecFactory(hadoop());
    for (Path file : files) {
      Optional<String> line = firstLine(codecs, file);
      if (line.isPresent()) {
        return line.get();
      }
    }
    throw new ContractViolation("no data lines in input " + String.join(", ", input.uris()));
  }

  /** Also checks that the file starts like text, before its bytes become column names. */
  private Optional<String> firstLine(CompressionCodecFactory codecs, Path file) {
    CompressionCodec codec = codecs.getCodec(file);
    try (InputStream in = new BufferedInputStream(open(file, codec), TextStart.BYTES)) {
      in.mark(TextStart.BYTES);
      byte[] head = in.readNBytes(TextStart.BYTES);
      in.reset();
      TextStart.problem(head, head.length < TextStart.BYTES)
          .ifPresent(
              notText -> {
                throw new ContractViolation(
                    "input file "
                        + file
                        + " is not delimited text ("
                        + notText.reason()
                        + "); "
                        + notText.advice());
              });
      String line =
          new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).readLine();
      return Optional.ofNullable(line).map(first -> first.replaceFirst("^" + BYTE_ORDER_MARK, ""));
    } catch (IOException e) {
      if (codec != null && CompressedFileCheck.isDecompressionFailure(e)) {
        throw new ContractViolation(
            unreadable(file.toString(), CompressedFileCheck.complaint(e)), e);
      }
      throw new UncheckedIOException("cannot read the header of input file " + file, e);
    }
  }

  /** Decompressed by the file's suffix; an empty file stays empty, as Spark reads it. */
  private InputStream open(Path file, CompressionCodec codec) throws IOException {
    InputStream raw = CompressedFileCheck.openRaw(file, hadoop());
    try {
      return codec == null || CompressedFileCheck.isEmpty(raw) ? raw : codec.createInputStream(raw);
    } catch (IOException | RuntimeException e) {
      raw.close();
      throw e;
    }
  }

  private List<String> splitHeader(String headerLine, char delimiter) {
    String quote = Pattern.quote(String.valueOf(input.csv().quote()));
    return Arrays.stream(headerLine.split(Pattern.quote(String.valueOf(delimiter)), -1))
        .map(cell -> cell.trim().replaceAll("^" + quote + "|" + quote + "$", "").trim())
        .toList();
  }

  /**
   * Contract column to its position among the source's columns; names any that are missing.
   *
   * @param hint appended to the message when columns are missing
   */
  private Map<String, Integer> positionsOf(List<String> sourceColumns, Supplier<String> hint) {
    Map<String, Integer> positions = positionsIn(sourceColumns);
    List<String> missing =
        InvoiceColumns.ALL.stream()
            .filter(column -> !positions.containsKey(column))
            .map(InvoiceColumns::displayName)
            .toList();
    if (!missing.isEmpty()) {
      throw new ContractViolation(
          "input "
              + String.join(", ", input.uris())
              + " lacks required column(s) "
              + String.join(", ", missing)
              + "; found: "
              + String.join(", ", sourceColumns)
              + hint.get());
    }
    return positions;
  }

  private static Map<String, Integer> positionsIn(List<String> sourceColumns) {
    Map<String, Integer> positions = new LinkedHashMap<>();
    for (int i = 0; i < sourceColumns.size(); i++) {
      int position = i;
      InvoiceColumns.columnForHeader(sourceColumns.get(i))
          .ifPresent(column -> positions.putIfAbsent(column, position));
    }
    return positions;
  }

  /** A spreadsheet saved with the locale's list separator is the usual cause of missing columns. */
  private String delimiterHint(String headerLine) {
    return COMMON_DELIMITERS.stream()
        .filter(delimiter -> delimiter != input.csv().delimiter())
        .filter(
            delimiter ->
                positionsIn(splitHeader(headerLine, delimiter)).size() == InvoiceColumns.ALL.size())
        .findFirst()
        .map(
            delimiter ->
                "; the header splits into the expected columns with delimiter '"
                    + (delimiter == '\t' ? "\\t" : String.valueOf(delimiter))
                    + "' (set segmentation.input.csv.delimiter)")
        .orElse("");
  }

  private Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }

  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }
}
