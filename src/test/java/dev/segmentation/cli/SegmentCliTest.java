package dev.segmentation.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import org.junit.jupiter.api.Assertions;

import dev.segmentation.SparkTestBase;
import dev.segmentation.TestFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
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
    assertEquals("error: invalid configuration: segmentation.input.format must be one of csv, "
        + "parquet, got 'xml'", err.toString().strip());
  }

  @Test
  void aMissingColumnExitsWithTwo() {
    TestFiles.text(dir, "in/day.csv", "InvoiceNo,StockCode\n1,2\n");

    assertEquals(2, run("ingest", "--input", dir.resolve("in").toString(), "--output", dir.toString()));
    Assertions.assertTrue(err.toString().startsWith("error: input " + dir.resolve("in")
        + " lacks required column(s) Description, Quantity"), err.toString());
  }

  @Test
  void anEmptyInputExitsWithTwo() {
    TestFiles.csv(dir, "in/day.csv");

    assertEquals(2, run("ingest", "--input", dir.resolve("in").toString(), "--output", dir.toString()));
    assertEquals("error: no data lines in input " + dir.resolve("in"), err.toString().strip());
  }

  @Test
  void anUnexpectedFailureExitsWithOne() throws Exception {
    TestFiles.csv(dir, "in/day.csv", GOOD);
    Path notADirectory = Files.writeString(dir.resolve("file"), "x");

    assertEquals(1, run("ingest", "--input", dir.resolve("in").toString(),
        "--output", notADirectory.resolve("runs").toString()));
    Assertions.assertTrue(err.toString().startsWith("error: unexpected failure"), err.toString());
  }

  @Test
  void ingestPrintsASummaryAndWritesTheRunFolder() {
    TestFiles.csv(dir, "in/day.csv", GOOD, GOOD, "bad,line");

    assertEquals(0, run("ingest", "--input", dir.resolve("in").toString(),
        "--output", dir.resolve("runs").toString(), "--run-id", "r1"));

    Assertions.assertTrue(out.toString().contains("lines read        3"), out.toString());
    Assertions.assertTrue(Files.isRegularFile(dir.resolve("runs/r1/metrics.json")));
    Assertions.assertTrue(Files.isDirectory(dir.resolve("runs/r1/clean_lines")));
  }

  private int run(String... args) {
    return SegmentCli.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
  }
}
