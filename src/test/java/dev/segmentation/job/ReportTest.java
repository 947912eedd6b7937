package dev.segmentation.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.segmentation.SparkTestBase;
import dev.segmentation.TestFiles;
import dev.segmentation.report.HtmlReport;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
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
   * The charts of the bundled run, in page order: segment sizes and revenue; feature means by
   * segment; customers in two dimensions; silhouette by k; silhouette by segment; confusion matrix;
   * classifier accuracy; backtest spend; backtest invoices; expected spend by segment; P(alive) by
   * segment; lifetime-value calibration; lifetime-value errors of purchases; of spend; price mix by
   * category; line funnel. A run matched to a previous snapshot adds the migration heatmap (the
   * bundled run is a first run, so it has none).
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
  void theCheckSeesAChartWhoseLibraryNeverLoaded() throws IOException {
    Path broken = dir.resolve("no-library.html");
    Files.writeString(
        broken, page("", "<div class=\"chart\" style=\"height:300px\"></div>", "[{}]"));

    Browser.Page page = Browser.open(broken, dir.resolve("no-library.png"));

    assertEquals(1, page.console().size(), String.valueOf(page.console()));
    Assertions.assertTrue(page.console().get(0).contains("echarts"), page.console().get(0));
    assertEquals("1", page.bodyAttribute("data-charts"));
    assertEquals("0", page.bodyAttribute("data-charts-rendered"));
  }

  @Test
  void theCheckSeesAScriptErrorAndABrokenChart() throws IOException {
    // The real library: one chart that draws, one in a container with no height (nothing drawn
    // with a size), and a script elsewhere on the page that fails.
    String charts =
        "<div class=\"chart\" style=\"height:300px\"></div>"
            + "<div class=\"chart\" style=\"height:0\"></div>"
            + "<script>undefinedFunction();</script>";
    String bars =
        "{\"xAxis\":{\"type\":\"category\",\"data\":[\"a\",\"b\"]},\"yAxis\":{},"
            + "\"series\":[{\"type\":\"bar\",\"data\":[1,2]}]}";
    Path broken = dir.resolve("broken.html");
    Files.writeString(broken, page(echarts(), charts, "[" + bars + "," + bars + "]"));

    Browser.Page page = Browser.open(broken, dir.resolve("broken.png"));

    assertEquals(1, page.console().size(), String.valueOf(page.console()));
    Assertions.assertTrue(
        page.console().get(0).contains("undefinedFunction"), page.console().get(0));
    assertEquals("2", page.bodyAttribute("data-charts"));
    assertEquals("1", page.bodyAttribute("data-charts-rendered"));
  }

  /** A page with the report's own render check, around {@code body} and chart options. */
  private static String page(String library, String body, String options) {
    return "<!DOCTYPE html><html><body>"
        + body
        + "<script type=\"application/json\" id=\"chart-options\">"
        + options
        + "</script><script>"
        + library
        + "</script><script>"
        + HtmlReport.RENDER
        + "</script></body></html>";
  }

  private static String echarts() throws IOException {
    try (InputStream in = HtmlReport.class.getResourceAsStream(HtmlReport.ECHARTS)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
