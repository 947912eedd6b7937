package dev.segmentation.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segmentation.SparkTestBase;
import dev.segmentation.TestFiles;
import dev.segmentation.report.HtmlReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report train writes, opened in a real (headless) browser from the run folder. */
class ReportTest extends SparkTestBase {

  /**
   * Segments, profiles, projection, silhouette by k and by segment, confusion, accuracy, backtest
   * spend and invoices, expected spend and P(alive) by segment, lifetime-value calibration and
   * errors of purchases and spend, price bands, line funnel.
   */
  private static final int CHARTS = 16;

  @TempDir Path dir;

  @Test
  void theReportOpensOfflineWithEveryChartRenderedAndNoConsoleErrors() throws IOException {
    Path report = BundledModel.run(spark()).resolve(ReportJob.REPORT);
    String html = Files.readString(report);
    Assertions.assertFalse(
        html.matches("(?s).*(src|href)=\"(https?:)?//.*"), "the report refers to the network");

    Browser.Page page = Browser.open(report, Path.of("target", "report-screenshot.png"));

    assertEquals(List.of(), page.console());
    assertEquals(String.valueOf(CHARTS), page.bodyAttribute("data-charts"));
    assertEquals(String.valueOf(CHARTS), page.bodyAttribute("data-charts-rendered"));
    for (String section :
        List.of(
            "Segments",
            "Segment profiles",
            "Customers in two dimensions",
            "How well the segments separate",
            "Predicting the segment",
            "Backtest: anticipating a new customer",
            "Known customers: expected value",
            "Product categories",
            "Data quality")) {
      Assertions.assertTrue(page.dom().contains("<h2>" + section + "</h2>"), section);
    }
    Assertions.assertTrue(Files.size(Path.of("target", "report-screenshot.png")) > 20_000);
  }

  @Test
  void aRunWithAPreviousSnapshotShowsWhereItsCustomersWent() throws IOException {
    // The bundled run, as if its segments had been matched to a previous snapshot's.
    Path run = dir.resolve("runs/matched");
    TestFiles.copyTree(BundledModel.run(spark()), run);
    ObjectNode metrics =
        (ObjectNode) new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
    ObjectNode migration = metrics.with("segmentation").putObject("migration");
    migration.putObject("0").put("0", 90).put("1", 10);
    migration.putObject("1").put("1", 50);
    Files.writeString(run.resolve("metrics.json"), metrics.toString());
    Files.deleteIfExists(run.resolve(".metrics.json.crc")); // the checksum of the old content

    ReportJob.run(spark(), BundledModel.config(dir.resolve("runs"), "matched", Map.of()));
    Browser.Page page = Browser.open(run.resolve(ReportJob.REPORT), dir.resolve("matched.png"));

    assertEquals(List.of(), page.console());
    assertEquals(String.valueOf(CHARTS + 1), page.bodyAttribute("data-charts"));
    assertEquals(String.valueOf(CHARTS + 1), page.bodyAttribute("data-charts-rendered"));
    Assertions.assertTrue(page.dom().contains("<h2>Since the previous snapshot</h2>"));
  }

  @Test
  void theCheckSeesAScriptErrorAndABrokenChart() throws IOException {
    // The report's own check, on a chart whose library never loaded.
    Path broken = dir.resolve("broken.html");
    Files.writeString(
        broken,
        "<!DOCTYPE html><html><body><div class=\"chart\" style=\"height:300px\"></div>"
            + "<script type=\"application/json\" id=\"chart-options\">[{}]</script>"
            + "<script>"
            + HtmlReport.RENDER
            + "</script></body></html>");

    Browser.Page page = Browser.open(broken, dir.resolve("broken.png"));

    assertEquals(1, page.console().size(), String.valueOf(page.console()));
    Assertions.assertTrue(page.console().get(0).contains("echarts"), page.console().get(0));
    assertEquals("1", page.bodyAttribute("data-charts"));
    assertEquals("0", page.bodyAttribute("data-charts-rendered"));
  }
}
