package dev.segmentation.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segmentation.SparkTestBase;
import dev.segmentation.TestFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentCliTest extends SparkTestBase {

  private static final String GOOD =
      "536365,85123A,WHITE HANGING HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom";

  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void helpListsTheSubcommandsAndExitCodes() {
    assertEquals(0, run("--help"));
    Assertions.assertTrue(out.toString().contains("ingest"), out.toString());
    Assertions.assertTrue(out.toString().contains("Exit codes"), out.toString());

    assertEquals(0, run("ingest", "--help"));
    Assertions.assertTrue(out.toString().contains("--run-id"), out.toString());

    assertEquals(0, run("train", "--help"));
    Assertions.assertTrue(out.toString().contains("segment_profiles"), out.toString());
  }

  @Test
  void badUsageExitsWithTwo() {
    assertEquals(2, run());
    assertEquals(2, run("ingest", "--no-such-option"));
    assertEquals(2, run("frobnicate"));
  }

  @Test
  void aMissingPathExitsWithTwoAndOneLineNamingIt() {
    String missing = dir.resolve("nowhere").toString();

    assertEquals(2, run("ingest", "--input", missing, "--output", dir.toString()));
    assertEquals("error: input path does not exist: " + missing, err.toString().strip());
  }

  @Test
  void aBadConfigValueExitsWithTwoNamingTheKey() {
    assertEquals(2, run("ingest", "--set", "segmentation.input.format=xml"));
    assertEquals(
        "error: invalid configuration: segmentation.input.format must be one of csv, "
            + "parquet, got 'xml'",
        err.toString().strip());
  }

  @Test
  void aMissingColumnExitsWithTwo() {
    TestFiles.text(dir, "in/day.csv", "InvoiceNo,StockCode\n1,2\n");

    assertEquals(
        2, run("ingest", "--input", dir.resolve("in").toString(), "--output", dir.toString()));
    Assertions.assertTrue(
        err.toString()
            .startsWith(
                "error: input "
                    + dir.resolve("in")
                    + " lacks required column(s) Description, Quantity"),
        err.toString());
  }

  @Test
  void anEmptyInputExitsWithTwo() {
    TestFiles.csv(dir, "in/day.csv");

    assertEquals(
        2, run("ingest", "--input", dir.resolve("in").toString(), "--output", dir.toString()));
    assertEquals("error: no data lines in input " + dir.resolve("in"), err.toString().strip());
  }

  @Test
  void anUnexpectedFailureExitsWithOne() throws Exception {
    TestFiles.csv(dir, "in/day.csv", GOOD);
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");

    assertEquals(
        1,
        run(
            "ingest",
            "--input",
            dir.resolve("in").toString(),
            "--output",
            notADirectory.resolve("runs").toString()));
    assertEquals(
        "error: unexpected failure: org.apache.hadoop.fs.ParentNotDirectoryException: "
            + "Parent path is not a directory: file:"
            + notADirectory
            + "; the stack trace is in the log",
        err.toString().strip());
  }

  @Test
  void anUnexpectedFailureIsToldByItsInnermostCauseOnOneLine() {
    Exception sparkLike =
        new IllegalStateException(
            "Job aborted due to stage failure: Lost task 0.0: "
                + "java.io.IOException: disk gone\n\tat org.example.Disk.read(Disk.java:1)",
            new IOException("disk gone\n\tat org.example.Disk.read(Disk.java:1)"));
    Exception withContext =
        new UncheckedIOException(
            "cannot list input path s3a://nowhere/input",
            new IOException("listing failed", new ConnectException("Connection refused")));

    assertEquals("java.io.IOException: disk gone", SegmentCli.describeFailure(sparkLike));
    assertEquals(
        "cannot list input path s3a://nowhere/input: java.net.ConnectException: "
            + "Connection refused",
        SegmentCli.describeFailure(withContext));
    assertEquals(
        "java.lang.IllegalStateException: Job aborted: java.io.IOException: disk gone",
        SegmentCli.describeFailure(
            new IllegalStateException(
                "Job aborted: java.io.IOException: disk gone\n\tat org.example.Disk.read(Disk.java:1)")));
    assertEquals(
        "java.lang.NullPointerException",
        SegmentCli.describeFailure(new RuntimeException(new NullPointerException())));
  }

  @Test
  void aTruncatedGzipExitsWithTwoAndOneLineNamingTheFile() {
    TestFiles.gzipCsv(dir, "in/2011-01-04.csv.gz", GOOD);
    Path truncated = TestFiles.truncatedGzipCsv(dir, "in/2011-01-05.csv.gz", 2000);

    assertEquals(
        2, run("ingest", "--input", dir.resolve("in").toString(), "--output", dir.toString()));
    assertEquals(
        "error: input file file:"
            + truncated
            + " is not a readable gzip file: Unexpected end of input stream",
        err.toString().strip());
  }

  @Test
  void corruptFilesCanBeSkippedAndAreCountedAndNamedInTheMetrics() throws Exception {
    TestFiles.gzipCsv(dir, "in/2011-01-04.csv.gz", GOOD, GOOD.replace("536365", "536366"));
    Path truncated = TestFiles.truncatedGzipCsv(dir, "in/2011-01-05.csv.gz", 2000);

    assertEquals(
        0,
        run(
            "ingest",
            "--input",
            dir.resolve("in").toString(),
            "--output",
            dir.resolve("runs").toString(),
            "--run-id",
            "r1",
            "--set",
            "segmentation.input.corrupt-files=skip"));

    JsonNode metrics = new ObjectMapper().readTree(dir.resolve("runs/r1/metrics.json").toFile());
    assertEquals("skip", metrics.at("/config/input/corrupt_files").asText());
    assertEquals(2, metrics.at("/lines/read").asLong());
    assertEquals(1, metrics.at("/lines/corrupt_files").asLong());
    assertEquals(
        Map.of("file:" + truncated, "Unexpected end of input stream"),
        new ObjectMapper().convertValue(metrics.at("/input/corrupt_files"), Map.class));
  }

  @Test
  void aBinaryInputExitsWithTwoAndOneLineSayingItIsNotText() throws Exception {
    Path workbook = TestFiles.workbook(dir, "in/customers.xlsx");

    assertEquals(2, run("ingest", "--input", workbook.toString(), "--output", dir.toString()));
    assertEquals(
        "error: input file file:"
            + workbook
            + " is not delimited text (it starts like a "
            + "ZIP archive); save it as CSV",
        err.toString().strip());
  }

  @Test
  void aFileSavedWithAByteOrderMarkReadsLikeAnyOther() throws Exception {
    TestFiles.text(dir, "in/day.csv", "\uFEFF" + TestFiles.HEADER + "\n" + GOOD + "\n");

    assertEquals(
        0,
        run(
            "ingest",
            "--input",
            dir.resolve("in").toString(),
            "--output",
            dir.resolve("runs").toString(),
            "--run-id",
            "r1"));

    JsonNode metrics = new ObjectMapper().readTree(dir.resolve("runs/r1/metrics.json").toFile());
    assertEquals(1, metrics.at("/lines/read").asLong());
    assertEquals(0, metrics.at("/lines/quarantined").asLong());
    assertEquals(1, metrics.at("/lines/kept").asLong());
  }

  @Test
  void ingestPrintsASummaryAndWritesTheRunFolder() {
    TestFiles.csv(dir, "in/day.csv", GOOD, GOOD, "bad,line");

    assertEquals(
        0,
        run(
            "ingest",
            "--input",
            dir.resolve("in").toString(),
            "--output",
            dir.resolve("runs").toString(),
            "--run-id",
            "r1"));

    Assertions.assertTrue(out.toString().contains("lines read        3"), out.toString());
    Assertions.assertTrue(Files.isRegularFile(dir.resolve("runs/r1/metrics.json")));
    Assertions.assertTrue(Files.isDirectory(dir.resolve("runs/r1/clean_lines")));
  }

  private int run(String... args) {
    return SegmentCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }
}
