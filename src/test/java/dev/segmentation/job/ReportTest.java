package dev.segmentation.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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
  void theCheckSeesAScriptErrorAndABrokenChart() throws IOException {
    Path broken = dir.resolve("broken.html");
    Files.writeString(
        broken,
        "<!DOCTYPE html><html><body><img class=\"chart\" src=\"data:image/png;base64,AAAA\">"
            + "<script>window.addEventListener('load',function(){var c=document.querySelectorAll('img.chart');"
            + "var ok=0;c.forEach(function(i){if(i.complete&&i.naturalWidth>0){ok++;}});"
            + "document.body.setAttribute('data-charts',String(c.length));"
            + "document.body.setAttribute('data-charts-rendered',String(ok));});"
            + "undefinedFunction();</script></body></html>");

    Browser.Page page = Browser.open(broken, dir.resolve("broken.png"));

    assertEquals(1, page.console().size(), String.valueOf(page.console()));
    Assertions.assertTrue(
        page.console().get(0).contains("undefinedFunction"), page.console().get(0));
    assertEquals("1", page.bodyAttribute("data-charts"));
    assertEquals("0", page.bodyAttribute("data-charts-rendered"));
  }
}
