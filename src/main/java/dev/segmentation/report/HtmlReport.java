package dev.segmentation.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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

  /** Apache ECharts' minified library in its WebJar, on the class path (see pom.xml). */
  public static final String ECHARTS =
      "/META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";

  /**
   * Draws every chart as SVG (crisp in screenshots and when zoomed), then marks on the body how
   * many chart containers the page holds ({@code data-charts}) and how many hold a drawing with a
   * size ({@code data-charts-rendered}), for the browser test. A chart that fails is logged to the
   * console and not counted.
   */
  public static final String RENDER =
      """
      window.addEventListener('load', function () {
        var options = JSON.parse(document.getElementById('chart-options').textContent);
        var charts = document.querySelectorAll('div.chart');
        var drawn = 0;
        charts.forEach(function (el, i) {
          try {
            echarts.init(el, null, {renderer: 'svg'}).setOption(options[i]);
          } catch (e) {
            console.error('chart ' + i + ': ' + e);
          }
          if (hasDrawing(el)) drawn++;
        });
        document.body.setAttribute('data-charts', String(charts.length));
        document.body.setAttribute('data-charts-rendered', String(drawn));
      });
      function hasDrawing(el) {
        var drawing = el.querySelector('svg, canvas');
        if (!drawing) return false;
        var box = drawing.getBoundingClientRect();
        var marks = drawing.tagName === 'CANVAS' || drawing.querySelector('path, text') !== null;
        return box.width > 0 && box.height > 0 && marks;
      }
      """;

  private static final String STYLE =
      """
      :root { --ink: #1f2328; --muted: #5f6368; --line: #e4e7eb; --card: #fff; --page: #f5f6f8; }
      body { margin: 0; background: var(--page); color: var(--ink);
             font: 15px/1.5 %s; }
      main { max-width: 1120px; margin: 0 auto; padding: 36px 28px 72px; }
      h1 { font-size: 30px; margin: 0 0 4px; letter-spacing: -0.01em; }
      h2 { font-size: 20px; margin: 44px 0 12px; }
      p.lead { color: var(--muted); margin: 0 0 20px; }
      .tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(170px, 1fr));
               gap: 12px; margin: 0 0 8px; }
      .tile, div.chart, table { background: var(--card); border: 1px solid var(--line);
               border-radius: 12px; box-shadow: 0 1px 2px rgba(16, 24, 40, .04); }
      .tile { padding: 14px 16px; }
      .tile b { display: block; font-size: 24px; font-weight: 650; }
      .tile span { color: var(--muted); font-size: 13px; }
      div.chart { padding: 16px; margin: 12px 0; }
      table { border-collapse: separate; border-spacing: 0; width: 100%%; margin: 12px 0;
              overflow: hidden; font-size: 14px; }
      td, th { padding: 9px 12px; text-align: left; vertical-align: top;
               border-bottom: 1px solid var(--line); }
      tr:last-child td { border-bottom: 0; }
      th { background: #f0f2f5; font-weight: 600; color: var(--muted); font-size: 13px; }
      .number { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
      .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px;
                margin-right: 8px; vertical-align: -1px; }
      """
          .formatted(Charts.FONT);

  private final ReportData data;

  /** Each segment's id and label ("3 occasional buyers"), as charts and tooltips show it. */
  private final Map<Integer, String> names = new LinkedHashMap<>();

  private final StringBuilder html = new StringBuilder();
  private final ArrayNode options = new ObjectMapper().createArrayNode();

  private HtmlReport(ReportData data) {
    this.data = data;
    data.segments().forEach(s -> names.put(s.id(), s.id() + " " + s.label()));
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
        .append(".</p>\n");
    tiles();
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
    // The options are data for a script: "</" must not end the script element early.
    html.append("</main>\n<script type=\"application/json\" id=\"chart-options\">")
        .append(options.toString().replace("</", "<\\/"))
        .append("</script>\n<script>")
        .append(echarts())
        .append("</script>\n<script>")
        .append(RENDER)
        .append("</script>\n</body></html>\n");
    return html.toString();
  }

  /** The run's headline figures, above everything else. */
  private void tiles() {
    TrainMetrics m = data.metrics();
    html.append("<div class=\"tiles\">");
    tile(String.format(Locale.ROOT, "%,d", m.customers().train()), "customers");
    tile(String.valueOf(m.segmentation().k()), "segments");
    tile(String.format(Locale.ROOT, "%.3f", m.segmentation().silhouette()), "silhouette");
    tile(String.format(Locale.ROOT, "%.3f", m.segmentation().daviesBouldin()), "Davies–Bouldin");
    tile(
        String.format(Locale.ROOT, "%.0f%%", 100 * m.classifier().temporal().accuracy()),
        "segment predicted right (temporal test)");
    html.append("</div>\n");
  }

  private void tile(String figure, String caption) {
    html.append("<div class=\"tile\"><b>")
        .append(escape(figure))
        .append("</b><span>")
        .append(escape(caption))
        .append("</span></div>");
  }

  private void segments() {
    section("Segments");
    Map<String, Map<String, Double>> shares = new LinkedHashMap<>();
    for (ReportData.Segment s : data.segments()) {
      Map<String, Double> bars = new LinkedHashMap<>();
      bars.put("share of customers, %", 100 * s.customerShare());
      bars.put("share of revenue, %", 100 * s.revenueShare());
      shares.put(names.get(s.id()), bars);
    }
    chart(
        "Segment sizes and revenue",
        Charts.segmentBars(
            "Share of customers (solid) and of revenue (light), %, by segment", "%", shares));
    html.append(
        "<table><tr><th>segment</th><th class=\"number\">customers</th><th>name</th>"
            + "<th>in a sentence</th></tr>");
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
        Charts.shareHeatmap(
            "Previous segment (rows) to this run's segment (columns), % of row",
            before.stream().map(id -> "before " + id).toArray(String[]::new),
            after.stream().map(id -> "now " + id).toArray(String[]::new),
            shares));
  }

  private void featureHeatmap() {
    section("Segment profiles");
    html.append(
        "<p>Each cell: the segment's mean of a feature, in standard deviations from the mean"
            + " customer.</p>");
    String[] rows = data.segments().stream().map(s -> shortName(s.id())).toArray(String[]::new);
    chart(
        "Feature means by segment",
        Charts.heatmapHeight(rows.length),
        Charts.divergingHeatmap(
            "Standardised feature means (clipped to ±2)",
            rows,
            data.features().toArray(String[]::new),
            data.featureZScores(),
            2));
  }

  private void projection() {
    section("Customers in two dimensions");
    Charts.Scatter scatter =
        Charts.scatter(
            "Customers (sample), principal components", "PC 1", "PC 2", named(data.projection()));
    html.append(
            "<p>A sample of customers on the first two principal components of the standardised "
                + "features; the axes span the 1st to 99th percentile of each: ")
        .append(scatter.outliers())
        .append(" outliers shown at the edge (triangles).</p>");
    chart("Customers by segment", 480, scatter.option());
  }

  private void silhouettes() {
    section("How well the segments separate");
    Map<Double, Double> byK = new TreeMap<>();
    data.metrics().segmentation().silhouetteByK().forEach((k, s) -> byK.put(k.doubleValue(), s));
    chart(
        "Silhouette by k",
        Charts.line(
            "Silhouette by number of segments",
            "k",
            "silhouette",
            byK,
            data.metrics().segmentation().k()));
    chart(
        "Silhouette within each segment",
        Charts.boxes(
            "Silhouette of sampled customers, by segment",
            "silhouette",
            named(data.silhouettes())));
  }

  private void classifier() {
    section("Predicting the segment");
    long[][] temporal = data.metrics().classifier().temporal().confusion();
    int k = temporal.length;
    String[] rows = new String[k];
    String[] columns = new String[k];
    double[][] shares = new double[k][k];
    for (int i = 0; i < k; i++) {
      rows[i] = shortName(i);
      columns[i] = String.valueOf(i);
      long total = Arrays.stream(temporal[i]).sum();
      for (int j = 0; j < k; j++) {
        shares[i][j] = total == 0 ? 0 : (double) temporal[i][j] / total;
      }
    }
    chart(
        "Confusion matrix",
        Charts.heatmapHeight(k),
        Charts.shareHeatmap(
            "Temporal test: actual segment (rows) by predicted (columns), % of row",
            rows, columns, shares));
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
    Map<String, Double> errors = new LinkedHashMap<>();
    errors.put("model (" + predictor + ")", model);
    errors.put("baseline mean", mean);
    errors.put("baseline median", median);
    errors.put("baseline ratio", ratio);
    chart(
        "Backtest " + quantity,
        Charts.errors("Mean absolute error of follow-up " + quantity, "MAE", errors));
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
            named(data.expectedSpend())));
    chart(
        "P(alive) by segment",
        Charts.boxes(
            "Probability of still being a customer, sampled customers, by segment",
            "P(alive)",
            named(data.pAlive())));
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
    lifetimeValueErrors(
        "purchases",
        backtest.purchasesMae(),
        backtest.pastRatePurchasesMae(),
        backtest.segmentMeanPurchasesMae());
    lifetimeValueErrors(
        "spend", backtest.spendMae(), backtest.pastRateSpendMae(), backtest.segmentMeanSpendMae());
  }

  private void lifetimeValueErrors(
      String quantity, double model, double pastRate, double segmentMean) {
    Map<String, Double> errors = new LinkedHashMap<>();
    errors.put("BG/NBD", model);
    errors.put("baseline past rate", pastRate);
    errors.put("baseline segment mean", segmentMean);
    chart(
        "Lifetime value backtest " + quantity,
        Charts.errors("Mean absolute error of " + quantity + " after the split", "MAE", errors));
  }

  private void products() {
    section("Product categories");
    html.append(
        "<table><tr><th>category</th><th>name</th><th class=\"number\">products</th>"
            + "<th>most used words</th></tr>");
    for (ReportData.Category c : data.categories()) {
      html.append("<tr><td>")
          .append(c.id())
          .append("</td><td>")
          .append(escape(c.name()))
          .append("</td><td class=\"number\">")
          .append(String.format(Locale.ROOT, "%,d", c.products()))
          .append("</td><td>")
          .append(escape(String.join(", ", c.topWords())))
          .append("</td></tr>");
    }
    html.append("</table>\n");
    chart(
        "Price mix by category",
        Charts.stackedBars(
            "Price mix: products per price band, cheapest at the bottom, per category",
            "products",
            priceBands()));
  }

  /** Products per price band of each category, every band named in every category, in order. */
  private Map<String, Map<String, Double>> priceBands() {
    Set<Integer> bands = new TreeSet<>();
    data.categories().forEach(c -> bands.addAll(c.productsByPriceBand().keySet()));
    Map<String, Map<String, Double>> byCategory = new LinkedHashMap<>();
    for (ReportData.Category c : data.categories()) {
      Map<String, Double> byBand = new LinkedHashMap<>();
      bands.forEach(
          band ->
              byBand.put(
                  data.metrics().products().priceBandName(band),
                  c.productsByPriceBand().getOrDefault(band, 0L).doubleValue()));
      byCategory.put(c.name(), byBand);
    }
    return byCategory;
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

  private void chart(String label, ObjectNode option) {
    chart(label, 380, option);
  }

  /** A chart's place in the page; ECharts draws it from {@code option} when the page loads. */
  private void chart(String label, int height, ObjectNode option) {
    options.add(option);
    html.append("<div class=\"chart\" role=\"img\" aria-label=\"")
        .append(escape(label))
        .append("\" style=\"height:")
        .append(height)
        .append("px\"></div>\n");
  }

  /**
   * The sample's maps keyed by segment ("segment 3" or "3") keyed by the segment's name instead, so
   * legends and tooltips say which segment it is.
   */
  private <V> Map<String, V> named(Map<String, V> bySegment) {
    Map<String, V> byName = new LinkedHashMap<>();
    bySegment.forEach(
        (key, value) -> {
          int id = Integer.parseInt(key.substring(key.lastIndexOf(' ') + 1));
          byName.put(names.getOrDefault(id, String.valueOf(id)), value);
        });
    return byName;
  }

  /** The segment's id and the first clause of its label, for axes. */
  private String shortName(int id) {
    String name = names.getOrDefault(id, String.valueOf(id));
    int cut = name.indexOf(',');
    return cut < 0 ? name : name.substring(0, cut);
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

  static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
