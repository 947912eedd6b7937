package dev.segmentation.ingest;

import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.segmentation.ContractViolation;
import dev.segmentation.SparkTestBase;
import dev.segmentation.TestFiles;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvoiceSourceTest extends SparkTestBase {

  private static final String GOOD =
      "536365,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom";

  @TempDir Path dir;

  @Test
  void readsQuotedFieldsWithCommasAndDoubledQuotes() {
    TestFiles.csv(
        dir,
        "day.csv",
        "536381,82567,\"AIRLINE LOUNGE,METAL SIGN\",2,2010-12-01 09:41:00,2.1,15311.0,United Kingdom",
        "536520,21111,\"SWISS ROLL \"\"TOWEL\"\", CHOCOLATE\",1,2010-12-01 12:43:00,12.75,14729.0,EIRE");

    List<Row> lines = readSorted(dir.toString());

    assertEquals(2, lines.size());
    assertEquals("AIRLINE LOUNGE,METAL SIGN", lines.get(0).getAs(InvoiceColumns.DESCRIPTION));
    assertEquals("SWISS ROLL \"TOWEL\", CHOCOLATE", lines.get(1).getAs(InvoiceColumns.DESCRIPTION));
    Assertions.assertTrue(
        lines.stream().allMatch(r -> r.<Boolean>getAs(InvoiceColumns.WELL_FORMED)));
  }

  @Test
  void readsAFolderAGlobAndGzippedFilesSkippingEveryHeader() {
    TestFiles.gzipCsv(dir, "2010-12-01.csv.gz", GOOD, GOOD.replace("536365", "536366"));
    TestFiles.csv(dir, "2010-12-02.csv", GOOD.replace("536365", "536367"));
    TestFiles.csv(dir, "notes.txt", GOOD.replace("536365", "536368"));

    assertEquals(3, readSorted(dir + "/*.csv*").size());
    assertEquals(4, readSorted(dir.toString()).size());
    assertEquals(2, readSorted(dir.resolve("2010-12-01.csv.gz").toString()).size());
  }

  @Test
  void marksLinesWithTooManyTooFewOrNoFields() {
    TestFiles.csv(dir, "day.csv", GOOD, GOOD + ",extra", "536365,85123A,6", "", GOOD);

    Map<String, Integer> wellFormed = new HashMap<>();
    Map<String, Integer> malformed = new HashMap<>();
    for (Row row : readSorted(dir.toString())) {
      String raw = row.getAs(InvoiceColumns.RAW_LINE);
      (row.<Boolean>getAs(InvoiceColumns.WELL_FORMED) ? wellFormed : malformed)
          .merge(raw, 1, Integer::sum);
    }

    assertEquals(Map.of(GOOD, 2), wellFormed);
    assertEquals(Map.of(GOOD + ",extra", 1, "536365,85123A,6", 1, "", 1), malformed);
  }

  @Test
  void plainLinesAreSplitAsTheCsvParserReadsTheSameLineQuoted() {
    String quoted =
        "\"536366\",\"85123A\",\"WHITE HANGING HEART T-LIGHT HOLDER\",\"6\","
            + "\"2010-12-01 08:26:00\",\"2.55\",\"17850.0\",\"United Kingdom\"";
    TestFiles.csv(
        dir,
        "day.csv",
        GOOD.replace("536365", "536364"),
        quoted,
        "536367,85123A,,6,2010-12-01 08:26:00,2.55,,United Kingdom",
        "\"536368\",85123A,,6,2010-12-01 08:26:00,2.55,,United Kingdom",
        "536369,85123A,6",
        "\"536370\",85123A,6",
        "   ",
        GOOD.replace("536365", "536371") + ",",
        "\"536372\"" + GOOD.substring(6) + ",");

    List<String> described =
        readSorted(dir.toString()).stream()
            .map(
                row ->
                    row.getAs(InvoiceColumns.INVOICE_NO)
                        + " "
                        + (!row.<Boolean>getAs(InvoiceColumns.WELL_FORMED)
                            ? "malformed"
                            : row.getAs(InvoiceColumns.DESCRIPTION)
                                + "|"
                                + row.getAs(InvoiceColumns.CUSTOMER_ID)
                                + "|"
                                + row.getAs(InvoiceColumns.COUNTRY)))
            .toList();

    // An empty field comes back empty from a split and null from the CSV parser; the parser
    // (InvoiceParser) reads both as absent.
    List<String> expected =
        List.of(
            "   " + " malformed",
            "536364 WHITE HANGING HEART T-LIGHT HOLDER|17850.0|United Kingdom",
            "536366 WHITE HANGING HEART T-LIGHT HOLDER|17850.0|United Kingdom",
            "536367 ||United Kingdom",
            "536368 null|null|United Kingdom",
            "536369 malformed",
            "536370 malformed",
            "536371 malformed",
            "536372 malformed");
    assertEquals(expected, described);
  }

  @Test
  void aDelimiterThatIsARegularExpressionCharacterSplitsLiterally() {
    String pipes = TestFiles.HEADER.replace(',', '|');
    TestFiles.text(dir, "day.csv", pipes + "\n" + GOOD.replace(',', '|') + "\n");
    JobConfig config =
        TestConfigs.withOverrides(
            Map.of(
                "segmentation.input.uris",
                dir.toString(),
                "segmentation.input.csv.delimiter",
                "|"));

    Row row = new InvoiceSource(spark(), config.input()).read().collectAsList().get(0);

    assertEquals("85123A", row.getAs(InvoiceColumns.STOCK_CODE));
    assertEquals("United Kingdom", row.getAs(InvoiceColumns.COUNTRY));
    Assertions.assertTrue(row.<Boolean>getAs(InvoiceColumns.WELL_FORMED));
  }

  @Test
  void findsColumnsByNameIgnoringCaseSpacesAndOrder() {
    TestFiles.text(
        dir,
        "day.csv",
        "country,Customer ID,Price,invoice_date,QUANTITY,description,Stock Code,Invoice\n"
            + "France,12583,3.75,12/1/2010 8:45,24,ALARM CLOCK,22728,536370\n");

    Row row = readSorted(dir.toString()).get(0);

    assertEquals("536370", row.getAs(InvoiceColumns.INVOICE_NO));
    assertEquals("22728", row.getAs(InvoiceColumns.STOCK_CODE));
    assertEquals("24", row.getAs(InvoiceColumns.QUANTITY));
    assertEquals("12/1/2010 8:45", row.getAs(InvoiceColumns.INVOICE_TS));
    assertEquals("3.75", row.getAs(InvoiceColumns.UNIT_PRICE));
    assertEquals("12583", row.getAs(InvoiceColumns.CUSTOMER_ID));
    assertEquals("France", row.getAs(InvoiceColumns.COUNTRY));
    assertEquals(
        dir.resolve("day.csv").toUri().getPath(),
        URI.create(row.<String>getAs(InvoiceColumns.SOURCE_FILE)).getPath());
  }

  @Test
  void readsFilesWithoutHeaderInTheSourceOrder() {
    TestFiles.text(dir, "day.csv", GOOD + "\n");
    JobConfig config =
        TestConfigs.withOverrides(
            Map.of(
                "segmentation.input.uris",
                dir.toString(),
                "segmentation.input.csv.header",
                "false"));

    List<Row> lines = new InvoiceSource(spark(), config.input()).read().collectAsList();

    assertEquals(1, lines.size());
    assertEquals("17850.0", lines.get(0).getAs(InvoiceColumns.CUSTOMER_ID));
  }

  @Test
  void namesMissingColumns() {
    TestFiles.text(
        dir,
        "day.csv",
        "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,Country\n1,2,3,4,5,6\n");

    ContractViolation error =
        assertThrows(ContractViolation.class, () -> readSorted(dir.toString()));

    assertEquals(
        "input "
            + dir
            + " lacks required column(s) UnitPrice, CustomerID; found: "
            + "InvoiceNo, StockCode, Description, Quantity, InvoiceDate, Country",
        error.getMessage());
  }

  @Test
  void namesAPathThatDoesNotExist() {
    String missing = dir.resolve("no-such-folder").toString();

    ContractViolation error = assertThrows(ContractViolation.class, () -> readSorted(missing));

    assertEquals("input path does not exist: " + missing, error.getMessage());
  }

  @Test
  void anEmptyFileHasNoDataLines() {
    TestFiles.text(dir, "empty.csv", "");

    ContractViolation error =
        assertThrows(ContractViolation.class, () -> readSorted(dir.toString()));

    assertEquals("no data lines in input " + dir, error.getMessage());
  }

  @Test
  void theHeaderComesFromTheFirstNonEmptyFileInPathOrderSkippingHiddenOnes() {
    // A hidden file that sorts first and would pass for a header with other names.
    TestFiles.text(dir, "_SUCCESS", "a,b,c,d,e,f,g,h\n");
    TestFiles.text(dir, "2010-11-30.csv", "");
    TestFiles.gzipCsv(dir, "2010-12-01.csv.gz", GOOD);
    TestFiles.csv(dir, "2010-12-02.csv", GOOD.replace("536365", "536366"));

    List<Row> lines = readSorted(dir.toString());

    assertEquals(
        List.of("536365", "536366"),
        lines.stream().map(r -> r.<String>getAs(InvoiceColumns.INVOICE_NO)).toList());
    Assertions.assertTrue(
        lines.stream().allMatch(r -> r.<Boolean>getAs(InvoiceColumns.WELL_FORMED)));
  }

  @Test
  void aHeaderOnlyFileYieldsNoLines() {
    TestFiles.csv(dir, "day.csv");

    Assertions.assertTrue(readSorted(dir.toString()).isEmpty());
  }

  @Test
  void aByteOrderMarkIsIgnoredAtTheStartOfEveryFileAndInFrontOfAHeaderInsideOne() {
    String bom = "\uFEFF";
    TestFiles.text(dir, "2010-12-01.csv", bom + TestFiles.HEADER + "\n" + GOOD + "\n");
    TestFiles.gzipText(
        dir,
        "2010-12-02.csv.gz",
        bom + TestFiles.HEADER + "\n" + GOOD.replace("536365", "536366") + "\n");
    // Two such files joined with cat: the second mark and header sit inside the file.
    TestFiles.text(
        dir,
        "2010-12-03.csv",
        bom
            + TestFiles.HEADER
            + "\n"
            + GOOD.replace("536365", "536367")
            + "\n"
            + bom
            + TestFiles.HEADER
            + "\n"
            + GOOD.replace("536365", "536368")
            + "\n");

    List<Row> lines = readSorted(dir.toString());

    assertEquals(
        List.of("536365", "536366", "536367", "536368"),
        lines.stream().map(r -> r.<String>getAs(InvoiceColumns.INVOICE_NO)).toList());
    Assertions.assertTrue(
        lines.stream().allMatch(r -> r.<Boolean>getAs(InvoiceColumns.WELL_FORMED)));
  }

  @Test
  void aByteOrderMarkIsNotPartOfTheFirstColumnName() {
    TestFiles.text(
        dir,
        "day.csv",
        "\uFEFFInvoiceNo,StockCode,Description,Quantity,InvoiceDate,Country\n1,2,3,4,5,6\n");

    ContractViolation error =
        assertThrows(ContractViolation.class, () -> readSorted(dir.toString()));

    assertEquals(
        "input "
            + dir
            + " lacks required column(s) UnitPrice, CustomerID; found: "
            + "InvoiceNo, StockCode, Description, Quantity, InvoiceDate, Country",
        error.getMessage());
  }

  @Test
  void aTruncatedGzipFailsATaskThatIsTracedBackToTheFile() {
    TestFiles.gzipCsv(dir, "2011-01-04.csv.gz", GOOD);
    Path truncated = TestFiles.truncatedGzipCsv(dir, "2011-01-05.csv.gz", 2000);
    Path alsoTruncated = TestFiles.truncatedGzipCsv(dir, "2011-01-06.csv.gz", 2000);
    InvoiceSource source = source(dir.toString(), "fail");

    Exception failure = assertThrows(Exception.class, () -> source.read().count());

    assertEquals(
        Optional.of(
            "input file file:"
                + truncated
                + " is not a readable gzip file: Unexpected end of input stream (also unreadable: file:"
                + alsoTruncated
                + ")"),
        source.unreadableInput(failure).map(Throwable::getMessage));
    assertEquals(Optional.empty(), source.unreadableInput(new IllegalStateException("other")));
  }

  @Test
  void aFileThatIsNotGzipAtAllIsNamedWhenItsHeaderIsRead() throws Exception {
    Path notGzip =
        Files.writeString(dir.resolve("2011-01-04.csv.gz"), TestFiles.HEADER + "\n" + GOOD);

    ContractViolation error =
        assertThrows(ContractViolation.class, () -> readSorted(dir.toString()));

    assertEquals(
        "input file file:" + notGzip + " is not a readable gzip file: not a gzip file",
        error.getMessage());
  }

  @Test
  void skippedCorruptFilesAreLeftOutWholeAndNamed() throws Exception {
    Path notGzip =
        Files.writeString(dir.resolve("2011-01-03.csv.gz"), TestFiles.HEADER + "\n" + GOOD);
    TestFiles.gzipCsv(dir, "2011-01-04.csv.gz", GOOD, GOOD.replace("536365", "536366"));
    Path truncated = TestFiles.truncatedGzipCsv(dir, "2011-01-05.csv.gz", 2000);
    // Spark reads an empty compressed file as no lines: it is not corrupt.
    Files.write(dir.resolve("2011-01-06.csv.gz"), new byte[0]);
    InvoiceSource source = source(dir.toString(), "skip");

    List<Row> lines = source.read().collectAsList();

    assertEquals(
        List.of("536365", "536366"),
        lines.stream().map(r -> r.<String>getAs(InvoiceColumns.INVOICE_NO)).sorted().toList());
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("file:" + notGzip, "not a gzip file");
    expected.put("file:" + truncated, "Unexpected end of input stream");
    assertEquals(expected, source.skippedFiles());
  }

  @Test
  void skippingEveryFileLeavesNoDataLines() {
    TestFiles.truncatedGzipCsv(dir, "2011-01-05.csv.gz", 2000);

    InvoiceSource source = source(dir.toString(), "skip");

    ContractViolation error = assertThrows(ContractViolation.class, source::read);

    assertEquals("no data lines in input " + dir + ": every file is corrupt", error.getMessage());
    assertEquals(1, source.skippedFiles().size());
  }

  @Test
  void aBinaryFileIsNamedInsteadOfItsBytesBecomingColumnNames() throws Exception {
    Path xlsx = TestFiles.workbook(dir, "zip/day.csv");
    Path nul = TestFiles.text(dir, "nul/day.csv", TestFiles.HEADER + "\n" + GOOD + "\u0000\n");
    Path utf16 = dir.resolve("utf16/day.csv");
    Files.createDirectories(utf16.getParent());
    Files.write(utf16, (TestFiles.HEADER + "\n").getBytes(StandardCharsets.UTF_16));
    Path latin1 = dir.resolve("latin1/day.csv");
    Files.createDirectories(latin1.getParent());
    String beforeE = TestFiles.HEADER + "\n536365,85123A,CAF";
    Files.write(
        latin1,
        (beforeE + "\u00c9 CUP,6,2010-12-01 08:26:00,2.55,17850.0,France\n")
            .getBytes(StandardCharsets.ISO_8859_1));

    assertEquals(
        "input file file:"
            + xlsx
            + " is not delimited text (it starts like a ZIP archive); "
            + "save it as CSV",
        readError(xlsx));
    assertEquals(
        "input file file:"
            + nul
            + " is not delimited text (it contains NUL bytes); "
            + "save it as CSV",
        readError(nul));
    assertEquals(
        "input file file:"
            + utf16
            + " is not delimited text (it is UTF-16 text); "
            + "save it as CSV UTF-8",
        readError(utf16));
    assertEquals(
        "input file file:"
            + latin1
            + " is not delimited text (it is not valid UTF-8: "
            + "byte 0xC9 at offset "
            + beforeE.length()
            + "); save it as CSV UTF-8",
        readError(latin1));
  }

  @Test
  void aHeaderThatSplitsWithAnotherDelimiterSaysWhichOne() {
    String semicolons = TestFiles.HEADER.replace(',', ';');
    String tabs = TestFiles.HEADER.replace(',', '\t');
    TestFiles.text(dir, "semicolon/day.csv", semicolons + "\n" + GOOD.replace(',', ';') + "\n");
    TestFiles.text(dir, "tab/day.csv", tabs + "\n" + GOOD.replace(',', '\t') + "\n");
    String allMissing =
        " lacks required column(s) InvoiceNo, StockCode, Description, Quantity, "
            + "InvoiceDate, UnitPrice, CustomerID, Country; found: ";

    assertEquals(
        "input "
            + dir.resolve("semicolon")
            + allMissing
            + semicolons
            + "; the header splits into the expected columns with delimiter ';' "
            + "(set segmentation.input.csv.delimiter)",
        readError(dir.resolve("semicolon")));
    assertEquals(
        "input "
            + dir.resolve("tab")
            + allMissing
            + tabs
            + "; the header splits into the expected columns with delimiter '\\t' "
            + "(set segmentation.input.csv.delimiter)",
        readError(dir.resolve("tab")));
  }

  @Test
  void readsParquetByColumnName() {
    spark()
        .sql(
            "SELECT '536365' AS InvoiceNo, '85123A' AS StockCode, 'HEART' AS Description, "
                + "6 AS Quantity, TIMESTAMP'2010-12-01 08:26:00' AS InvoiceDate, 2.55D AS UnitPrice, "
                + "17850.0D AS CustomerID, 'United Kingdom' AS Country")
        .write()
        .parquet(dir.resolve("table").toString());
    JobConfig config =
        TestConfigs.withOverrides(
            Map.of(
                "segmentation.input.uris",
                dir.resolve("table").toString(),
                "segmentation.input.format",
                "parquet"));

    Row row = new InvoiceSource(spark(), config.input()).read().collectAsList().get(0);

    assertEquals("6", row.getAs(InvoiceColumns.QUANTITY));
    assertEquals("2010-12-01 08:26:00", row.getAs(InvoiceColumns.INVOICE_TS));
    assertEquals("17850.0", row.getAs(InvoiceColumns.CUSTOMER_ID));
    Assertions.assertTrue(
        row.<String>getAs(InvoiceColumns.RAW_LINE).contains("\"StockCode\":\"85123A\""));
    assertFalse(row.<String>getAs(InvoiceColumns.SOURCE_FILE).isEmpty());
  }

  private String readError(Path input) {
    return assertThrows(ContractViolation.class, () -> readSorted(input.toString())).getMessage();
  }

  @Test
  void theParserTypesSplitLinesStraightFromTheSplitterAsThroughAPlan() {
    TestFiles.csv(
        dir,
        "day.csv",
        GOOD,
        "536381,82567,\"AIRLINE LOUNGE,METAL SIGN\",2,2010-12-01 09:41:00,2.1,15311.0,United Kingdom",
        GOOD.replace("6,2010", "six,2010"),
        "",
        GOOD + ",extra",
        GOOD.replace("17850.0", ""));
    JobConfig config = TestConfigs.withOverrides(Map.of("segmentation.input.uris", dir.toString()));
    InvoiceParser parser = InvoiceParser.builder().build();
    Dataset<Row> split = new InvoiceSource(spark(), config.input()).read();

    List<String> straight = sorted(parser.apply(split));
    // A projection in between hides the splitter's RDD: the parser reads the lines as a plan.
    List<String> planned = sorted(parser.apply(split.select(col("*"))));

    assertEquals(6, straight.size());
    assertEquals(planned, straight);
    assertEquals(
        List.of(
            "[536365,17850,bad_quantity]",
            "[536365,17850,null]",
            "[536365,17850,wrong_field_count]",
            "[536365,null,null]",
            "[536381,15311,null]",
            "[null,null,wrong_field_count]"),
        sorted(
            parser
                .apply(split)
                .select(
                    InvoiceColumns.INVOICE_NO,
                    InvoiceColumns.CUSTOMER_ID,
                    InvoiceColumns.MALFORMED_REASON)));
  }

  private static List<String> sorted(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private InvoiceSource source(String uri, String corruptFiles) {
    JobConfig config =
        TestConfigs.withOverrides(
            Map.of(
                "segmentation.input.uris", uri, "segmentation.input.corrupt-files", corruptFiles));
    return new InvoiceSource(spark(), config.input());
  }

  private List<Row> readSorted(String uri) {
    JobConfig config = TestConfigs.withOverrides(Map.of("segmentation.input.uris", uri));
    return new InvoiceSource(spark(), config.input())
        .read()
        .orderBy(InvoiceColumns.INVOICE_NO, InvoiceColumns.RAW_LINE)
        .collectAsList();
  }
}
