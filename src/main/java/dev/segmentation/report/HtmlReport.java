package dev.segmentation.report;

import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One self-contained HTML page from {@link ReportData}: every chart an inline PNG, no script or
 * style from anywhere else, so it opens from the run folder or as an e-mail attachment. A few lines
 * of script mark on the page how many charts it holds and how many rendered, for the browser test.
 */
public final class HtmlReport {

  private final ReportData data;
  private final StringBuilder html = new StringBuilder();
  private int charts;

  private HtmlReport(ReportData data) {
    this.data = data;
  }

  public static String render(ReportData data) {
    return new HtmlReport(data).page();
  }

  private String page() {
    TrainMetrics m = data.metrics();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Customer segments — ")
        .append(escape(m.runId()))
        .append("</title>")
        .append("<style>body{font-family:sans-serif;max-width:960px;margin:2em auto;color:#222}")
        .append("img.chart{display:block;max-width:100%;margin:1em 0;border:1px solid #ddd}")
        .append(
            "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;")
        .append("text-align:left;vertical-align:top}th{background:#f3f3f3}</style></head><body>\n");
    html.append("<h1>Customer segments</h1><p>Run <b>")
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
    featureHeatmap();
    projection();
    silhouettes();
    classifier();
    backtest();
    lifetimeValue();
    products();
    funnel();
    html.append(
            "<script>window.addEventListener('load',function(){var c=document.querySelectorAll('img.chart');")
        .append(
            "var ok=0;c.forEach(function(i){if(i.complete&&i.naturalWidth>0&&i.naturalHeight>0){ok++;}});")
        .append("document.body.setAttribute('data-charts',String(c.length));")
        .append(
            "document.body.setAttribute('data-charts-rendered',String(ok));});</script>\n</body></html>\n");
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
        Charts.bars("Share of customers and of revenue (%), by segment", "%", shares));
    html.append(
        "<table><tr><th>segment</th><th>customers</th><th>label</th><th>in a sentence</th></tr>");
    for (ReportData.Segment s : data.segments()) {
      html.append("<tr><td>")
          .append(s.id())
          .append("</td><td>")
          .append(String.format(Locale.ROOT, "%,d", s.customers()))
          .append("</td><td>")
          .append(escape(s.label()))
          .append("</td><td>")
          .append(escape(s.description()))
          .append("</td></tr>");
    }
    html.append("</table>\n");
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
    html.append(
        "<p>A sample of customers on the first two principal components of the standardised features.</p>");
    chart(
        "Customers by segment",
        Charts.scatter(
            "Customers (sample), principal components", "PC 1", "PC 2", data.projection()));
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
    chart("Price bands", Charts.bars("Products per price band, by category", "products", bands));
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

  private void chart(String alt, byte[] png) {
    charts++;
    html.append("<img class=\"chart\" id=\"chart-")
        .append(charts)
        .append("\" alt=\"")
        .append(escape(alt))
        .append("\" src=\"data:image/png;base64,")
        .append(Base64.getEncoder().encodeToString(png))
        .append("\">\n");
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
