package dev.segmentation.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * One self-contained HTML page from {@link ReportData}: the charts are Apache ECharts options drawn
 * by the ECharts library inlined into the page, with no script or style from anywhere else, so it
 * opens offline from the run folder or as an e-mail attachment. One colour per segment in every
 * chart and table ({@link Charts#colour}). A few lines of script mark on the page how many charts
 * it holds and how many drew, for the browser test.
 */
public final class HtmlReport {

  static final String ECHARTS = "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

  /**
   * Draws every chart as SVG, then marks on the page how many charts it holds and how many drew
   * something with a size, for the browser test; a chart that fails is logged to the console.
   */
  public static final String RENDER =
      "window.addEventListener('load',function(){"
          + "var options=JSON.parse(document.getElementById('chart-options').textContent);"
          + "var charts=document.querySelectorAll('div.chart');var drawn=0;"
          + "charts.forEach(function(el,i){try{"
          + "echarts.init(el,null,{renderer:'svg'}).setOption(options[i]);"
          + "var svg=el.querySelector('svg');var box=svg&&svg.getBoundingClientRect();"
          + "if(box&&box.width>0&&box.height>0&&svg.querySelectorAll('path,text').length>0){drawn++;}"
          + "}catch(e){console.error('chart '+i+': '+e);}});"
          + "document.body.setAttribute('data-charts',String(charts.length));"
          + "document.body.setAttribute('data-charts-rendered',String(drawn));});";

  private static final String STYLE =
      ":root{--ink:#202124;--muted:#5f6368;--line:#e3e6ea;--card:#fff;--page:#f6f7f9}"
          + "body{margin:0;background:var(--page);color:var(--ink);"
          + "font:15px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Helvetica Neue',Arial,sans-serif}"
          + "main{max-width:1080px;margin:0 auto;padding:32px 24px 64px}"
          + "h1{font-size:28px;margin:0 0 4px}h2{font-size:20px;margin:40px 0 12px}"
          + "p.lead{color:var(--muted);margin:0 0 24px}"
          + "div.chart{background:var(--card);border:1px solid var(--line);border-radius:10px;"
          + "padding:12px;margin:12px 0;box-shadow:0 1px 2px rgba(0,0,0,.04)}"
          + "table{border-collapse:collapse;width:100%;background:var(--card);margin:12px 0;"
          + "border:1px solid var(--line);border-radius:10px;overflow:hidden;font-size:14px}"
          + "td,th{padding:8px 10px;text-align:left;vertical-align:top;border-bottom:1px solid var(--line)}"
          + "th{background:#eef1f4;font-weight:600}td.number{text-align:right;white-space:nowrap}"
          + ".swatch{display:inline-block;width:12px;height:12px;border-radius:3px;"
          + "margin-right:6px;vertical-align:-1px}";

  private final ReportData data;
  private final StringBuilder html = new StringBuilder();
  private final ArrayNode options = new ObjectMapper().createArrayNode();

  private HtmlReport(ReportData data) {
    this.data = data;
  }

  public static String render(ReportData data) {
    return new HtmlReport(data).page();
  }

  private String page() {
    TrainMetrics m = data.metrics();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Customer segments — ")
        .append(escape(m.runId()))
        .append("</title><style>")
        .append(STYLE)
        .append("</style></head><body>\n<main>\n");
    html.append("<h1>Customer segments</h1><p class=\"lead\">Run <b>")
        .append(escape(m.runId()))
        .append("</b>, code ")
        .append(escape(m.codeVersion()))
        .append(", ")
        .append(
            String.format(
                Locale.ROOT,
                "%,d customers in %d segments (silhouette %s, Davies–Bouldin %s).",
                m.customers().train(),
                m.segmentation().k(),
                m.segmentation().silhouette(),
                m.segmentation().daviesBouldin()))
        .append("</p>\n");
    segments();
    migration();
    featureHeatmap();
    projection();
    silhouettes();
    classifier();
    backtest();
    lifetimeValue();
    products();
    funnel();
    html.append("</main>\n<script type=\"application/json\" id=\"chart-options\">")
        .append(options.toString().replace("</", "<\\/"))
        .append("</script>\n<script>")
        .append(echarts())
        .append("</script>\n<script>")
        .append(RENDER)
        .append("</script>\n</body></html>\n");
    return html.toString();
  }

  private void segments() {
    section("Segments");
    Map<String, Map<String, Double>> shares = new LinkedHashMap<>();
    for (ReportData.Segment s : data.segments()) {
      Map<String, Double> bars = new LinkedHashMap<>();
      bars.put("share of customers", 100 * s.customerShare());
      bars.put("share of revenue", 100 * s.revenueShare());
      shares.put(String.valueOf(s.id()), bars);
    }
    chart(
        "Segment sizes and revenue",
        Charts.segmentBars(
            "Share of customers (solid) and of revenue (light), %, by segment", "%", shares));
    html.append(
        "<table><tr><th>segment</th><th>customers</th><th>name</th><th>in a sentence</th></tr>");
    for (ReportData.Segment s : data.segments()) {
      html.append("<tr><td><span class=\"swatch\" style=\"background:")
          .append(Charts.colour(s.id()))
          .append("\"></span>")
          .append(s.id())
          .append("</td><td class=\"number\">")
          .append(String.format(Locale.ROOT, "%,d", s.customers()))
          .append("</td><td>")
          .append(escape(s.label()))
          .append("</td><td>")
          .append(escape(s.description()))
          .append("</td></tr>");
    }
    html.append("</table>\n");
  }

  /** Where the customers of the previous published snapshot's segments are now, when known. */
  private void migration() {
    Map<Integer, Map<Integer, Long>> migration = data.metrics().segmentation().migration();
    if (migration == null || migration.isEmpty()) {
      return;
    }
    section("Since the previous snapshot");
    Set<Integer> now = new TreeSet<>();
    migration.values().forEach(to -> now.addAll(to.keySet()));
    List<Integer> before = new ArrayList<>(new TreeSet<>(migration.keySet()));
    List<Integer> after = new ArrayList<>(now);
    double[][] shares = new double[before.size()][after.size()];
    for (int r = 0; r < before.size(); r++) {
      Map<Integer, Long> to = migration.get(before.get(r));
      long total = to.values().stream().mapToLong(Long::longValue).sum();
      for (int c = 0; c < after.size(); c++) {
        shares[r][c] = total == 0 ? 0 : (double) to.getOrDefault(after.get(c), 0L) / total;
      }
    }
    html.append(
        "<p>Customers of both snapshots: each row a segment of the previous snapshot, each column"
            + " the segment they are in now, as a share of the row.</p>");
    chart(
        "Migration between snapshots",
        Charts.heatmapHeight(before.size()),
        Charts.heatmap(
            "Previous segment (rows) to this run's segment (columns), share of row",
            before.stream().map(id -> "before " + id).toArray(String[]::new),
            after.stream().map(id -> "now " + id).toArray(String[]::new),
            shares,
            0,
            0,
            1));
  }

  private void featureHeatmap() {
    section("Segment profiles");
    html.append(
        "<p>Each cell: the segment's mean of a feature, in standard deviations from the mean customer.</p>");
    String[] rows =
        data.segments().stream()
            .map(s -> s.id() + " " + shortLabel(s.label()))
            .toArray(String[]::new);
    double low = -2;
    double high = 2;
    double[][] clipped = new double[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      clipped[r] = data.featureZScores()[r].clone();
      for (int c = 0; c < clipped[r].length; c++) {
        clipped[r][c] = Math.max(low, Math.min(high, clipped[r][c]));
      }
    }
    chart(
        "Feature means by segment",
        Charts.heatmapHeight(rows.length),
        Charts.heatmap(
            "Standardised feature means (clipped to ±2)",
            rows,
            data.features().toArray(String[]::new),
            clipped,
            low,
            0,
            high));
  }

  private void projection() {
    section("Customers in two dimensions");
    // Named as in the segment table, so the legend and the tooltips say which segment it is.
    Map<String, String> names = new LinkedHashMap<>();
    data.segments().forEach(s -> names.put("segment " + s.id(), s.id() + " " + s.label()));
    Map<String, List<double[]>> byName = new LinkedHashMap<>();
    data.projection()
        .forEach((segment, points) -> byName.put(names.getOrDefault(segment, segment), points));
    Charts.Scatter scatter =
        Charts.scatter("Customers (sample), principal components", "PC 1", "PC 2", byName);
    html.append(
            "<p>A sample of customers on the first two principal components of the standardised "
                + "features; the axes span the 1st to 99th percentile of each, and the ")
        .append(scatter.outliers())
        .append(" customers beyond are drawn on the edge as triangles.</p>");
    chart("Customers by segment", 460, scatter.option());
  }

  private void silhouettes() {
    section("How well the segments separate");
    Map<Double, Double> byK = new TreeMap<>();
    data.metrics().segmentation().silhouetteByK().forEach((k, s) -> byK.put(k.doubleValue(), s));
    chart(
        "Silhouette by k", Charts.line("Silhouette by number of segments", "k", "silhouette", byK));
    chart(
        "Silhouette within each segment",
        Charts.boxes(
            "Silhouette of sampled customers, by segment", "silhouette", data.silhouettes()));
  }

  private void classifier() {
    section("Predicting the segment");
    long[][] temporal = data.metrics().classifier().temporal().confusion();
    int k = temporal.length;
    String[] labels = new String[k];
    double[][] shares = new double[k][k];
    for (int i = 0; i < k; i++) {
      labels[i] = "segment " + i;
      long total = 0;
      for (long cell : temporal[i]) {
        total += cell;
      }
      for (int j = 0; j < k; j++) {
        shares[i][j] = total == 0 ? 0 : (double) temporal[i][j] / total;
      }
    }
    chart(
        "Confusion matrix",
        Charts.heatmapHeight(k),
        Charts.heatmap(
            "Temporal test: actual segment (rows) by predicted (columns), share of row",
            labels,
            labels,
            shares,
            0,
            0,
            1));
    TrainMetrics.Classifier classifier = data.metrics().classifier();
    Map<String, TrainMetrics.Report> reports = new LinkedHashMap<>();
    reports.put("holdout", classifier.holdout());
    reports.put("temporal", classifier.temporal());
    reports.put("first_invoice holdout", classifier.firstInvoice().holdout());
    reports.put("first_invoice temporal", classifier.firstInvoice().temporal());
    Map<String, Map<String, Double>> accuracies = new LinkedHashMap<>();
    reports.forEach(
        (test, report) -> {
          Map<String, Double> bars = new LinkedHashMap<>();
          bars.put("accuracy", report.accuracy());
          bars.put("majority share", report.majorityShare());
          accuracies.put(test, bars);
        });
    chart(
        "Classifier accuracy",
        Charts.bars("Accuracy next to always guessing the largest segment", "share", accuracies));
  }

  private void backtest() {
    TrainMetrics.Backtest b = data.metrics().backtest();
    if (b == null) {
      return;
    }
    section("Backtest: anticipating a new customer");
    html.append(
        String.format(
            Locale.ROOT,
            "<p>%d held-out customers, horizon %s; segment accuracy %s.</p>",
            b.customers(),
            escape(b.horizon()),
            b.segmentAccuracy()));
    backtestChart(
        "spend",
        b.predictor().get("spend"),
        b.spendMae(),
        b.baselineMeanSpendMae(),
        b.baselineMedianSpendMae(),
        b.baselineRatioSpendMae());
    backtestChart(
        "invoices",
        b.predictor().get("invoices"),
        b.invoicesMae(),
        b.baselineMeanInvoicesMae(),
        b.baselineMedianInvoicesMae(),
        b.baselineRatioInvoicesMae());
  }

  private void backtestChart(
      String quantity, String predictor, double model, double mean, double median, double ratio) {
    Map<String, Map<String, Double>> errors = new LinkedHashMap<>();
    errors.put("model (" + predictor + ")", Map.of("MAE", model));
    errors.put("baseline mean", Map.of("MAE", mean));
    errors.put("baseline median", Map.of("MAE", median));
    errors.put("baseline ratio", Map.of("MAE", ratio));
    chart(
        "Backtest " + quantity,
        Charts.bars("Mean absolute error of follow-up " + quantity, "MAE", errors));
  }

  private void lifetimeValue() {
    TrainMetrics.Clv clv = data.metrics().clv();
    if (clv == null) {
      return;
    }
    section("Known customers: expected value");
    html.append(
        String.format(
            Locale.ROOT,
            "<p>BG/NBD and Gamma-Gamma, fitted on the training window, "
                + "over the next %s: value band <i>high</i> from an expected spend of %,.2f (the top 20%%), "
                + "<i>medium</i> from %,.2f (the next 30%%).</p>",
            escape(clv.horizon()),
            clv.valueBands().high(),
            clv.valueBands().medium()));
    chart(
        "Expected spend by segment",
        Charts.logBoxes(
            "Expected spend over the horizon (log scale), sampled customers, by segment",
            "expected spend",
            data.expectedSpend()));
    chart(
        "P(alive) by segment",
        Charts.boxes(
            "Probability of still being a customer, sampled customers, by segment",
            "P(alive)",
            data.pAlive()));
    TrainMetrics.ClvBacktest backtest = clv.backtest();
    if (backtest == null) {
      return;
    }
    html.append(
        String.format(
            Locale.ROOT,
            "<p>Backtest: fitted on the data before %s, %,d customers "
                + "predicted for the %d days after it.</p>",
            escape(backtest.split()),
            backtest.customers(),
            backtest.holdoutDays()));
    Map<String, Map<String, Double>> groups = new LinkedHashMap<>();
    for (TrainMetrics.CalibrationGroup group : backtest.calibration()) {
      Map<String, Double> bars = new LinkedHashMap<>();
      bars.put("actual", group.actual());
      bars.put("BG/NBD", group.model());
      bars.put("past rate", group.pastRate());
      bars.put("segment mean", group.segmentMean());
      groups.put(group.frequency() + " before", bars);
    }
    chart(
        "Calibration",
        Charts.bars(
            "Mean purchase days after the split, by repeat purchase days before it",
            "purchase days",
            groups));
    Map<String, Map<String, Double>> errors = new LinkedHashMap<>();
    errors.put(
        "purchases",
        maeBars(
            backtest.purchasesMae(),
            backtest.pastRatePurchasesMae(),
            backtest.segmentMeanPurchasesMae()));
    errors.put(
        "spend",
        maeBars(backtest.spendMae(), backtest.pastRateSpendMae(), backtest.segmentMeanSpendMae()));
    for (Map.Entry<String, Map<String, Double>> quantity : errors.entrySet()) {
      chart(
          "Lifetime value backtest " + quantity.getKey(),
          Charts.bars(
              "Mean absolute error of " + quantity.getKey() + " after the split",
              "MAE",
              Map.of(quantity.getKey(), quantity.getValue())));
    }
  }

  private static Map<String, Double> maeBars(double model, double pastRate, double segmentMean) {
    Map<String, Double> bars = new LinkedHashMap<>();
    bars.put("BG/NBD", model);
    bars.put("past rate", pastRate);
    bars.put("segment mean", segmentMean);
    return bars;
  }

  private void products() {
    section("Product categories");
    Map<String, Map<String, Double>> bands = new LinkedHashMap<>();
    html.append("<table><tr><th>category</th><th>products</th><th>top words (stems)</th></tr>");
    for (ReportData.Category c : data.categories()) {
      html.append("<tr><td>")
          .append(c.id())
          .append("</td><td>")
          .append(c.products())
          .append("</td><td>")
          .append(escape(String.join(", ", c.topWords())))
          .append("</td></tr>");
      Map<String, Double> byBand = new LinkedHashMap<>();
      c.productsByPriceBand()
          .forEach((band, count) -> byBand.put("price band " + band, count.doubleValue()));
      bands.put("category " + c.id(), byBand);
    }
    html.append("</table>\n");
    chart(
        "Price bands",
        Charts.stackedBars("Products by price band, per category", "products", bands));
  }

  private void funnel() {
    section("Data quality");
    TrainMetrics.Lines lines = data.metrics().lines();
    Map<String, Map<String, Double>> steps = new LinkedHashMap<>();
    steps.put("read", Map.of("lines", (double) lines.read()));
    steps.put("with customer", Map.of("lines", (double) lines.withCustomer()));
    steps.put("after duplicates", Map.of("lines", (double) lines.afterDuplicates()));
    steps.put("kept", Map.of("lines", (double) lines.kept()));
    chart("Line funnel", Charts.bars("From lines read to lines kept", "lines", steps));
    List<String> reasons = new ArrayList<>();
    lines
        .setAside()
        .forEach(
            (reason, count) -> reasons.add(reason + String.format(Locale.ROOT, " %,d", count)));
    lines
        .malformed()
        .forEach(
            (reason, count) ->
                reasons.add("malformed: " + reason + String.format(Locale.ROOT, " %,d", count)));
    html.append("<p>Set aside or quarantined, by reason: ")
        .append(escape(String.join("; ", reasons)))
        .append(".</p>\n");
  }

  private void section(String title) {
    html.append("<h2>").append(escape(title)).append("</h2>\n");
  }

  private void chart(String alt, ObjectNode option) {
    chart(alt, 380, option);
  }

  /** A chart's place in the page; ECharts draws it from {@code option} when the page loads. */
  private void chart(String alt, int height, ObjectNode option) {
    options.add(option);
    html.append("<div class=\"chart\" role=\"img\" aria-label=\"")
        .append(escape(alt))
        .append("\" style=\"height:")
        .append(height)
        .append("px\"></div>\n");
  }

  /** Apache ECharts, read from the jar and inlined: the report never fetches anything. */
  private static String echarts() {
    try (InputStream in = HtmlReport.class.getResourceAsStream(ECHARTS)) {
      if (in == null) {
        throw new IllegalStateException(ECHARTS + " is missing from the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + ECHARTS, e);
    }
  }

  private static String shortLabel(String label) {
    int cut = label.indexOf(',');
    return cut < 0 ? label : label.substring(0, cut);
  }

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
