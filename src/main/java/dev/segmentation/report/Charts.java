package dev.segmentation.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report's charts as Apache ECharts options (JSON, drawn in the page by the ECharts library the
 * report inlines).
 *
 * <p>Colour carries one meaning: a segment. Segment i is {@link #colour(int)} in every chart and in
 * the tables; what is not a segment (a model next to its baselines, price bands) is drawn in shades
 * of slate, so no bar is mistaken for a segment. Charts of segments take series or category names
 * that start with the segment id ("3 occasional buyers"): the axes show the id, the tooltips the
 * whole name.
 */
final class Charts {

  /**
   * The page's font stack. ECharts measures text with it before drawing, so it must name real
   * fonts: with "inherit" it measured one font and the SVG showed another, and legends overlapped.
   */
  static final String FONT =
      "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";

  /** Colour-blind-safe (Okabe–Ito first, then Tableau's), one per segment id modulo its size. */
  private static final List<String> PALETTE =
      List.of(
          "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#4E79A7",
          "#59A14F", "#B07AA1", "#9C755F", "#EDC948", "#76B7B2", "#FF9DA7", "#BAB0AC", "#E15759");

  /** Series that are not segments, the first (the model, the actual value) the darkest. */
  private static final List<String> SLATE = List.of("#334155", "#94a3b8", "#cbd5e1", "#64748b");

  /** Ordered series (price bands, low to high), light to dark. */
  private static final List<String> RAMP =
      List.of("#cbd5e1", "#94a3b8", "#64748b", "#475569", "#334155", "#1e293b", "#0f172a");

  private static final String TEXT = "#3c4043";
  private static final String GRID_LINE = "#eceff3";
  private static final Pattern LEADING_ID = Pattern.compile("^(\\d+)\\b");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Charts() {}

  /** The colour of a segment id, in every chart and table. */
  static String colour(int segment) {
    return PALETTE.get(Math.floorMod(segment, PALETTE.size()));
  }

  /** The segment id a name starts with ("3 occasional buyers"), or -1. */
  static int segmentOf(String name) {
    Matcher m = LEADING_ID.matcher(name.trim());
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  // ---- Bars ----

  /** Grouped bars: one group per column key, one bar per series, in shades of slate. */
  static ObjectNode bars(String title, String axis, Map<String, Map<String, Double>> byColumn) {
    return grouped(title, axis, byColumn, SLATE, false);
  }

  /**
   * Stacked bars for ordered series (price band 0 at the bottom), light to dark: every column names
   * every series, in order.
   */
  static ObjectNode stackedBars(
      String title, String axis, Map<String, Map<String, Double>> byColumn) {
    return grouped(title, axis, byColumn, RAMP, true);
  }

  /**
   * Errors of a model next to its baselines, one bar each: the first (the model) dark, the
   * baselines light, so the eye compares the model with the rest.
   */
  static ObjectNode errors(String title, String axis, Map<String, Double> byName) {
    ObjectNode option = base(title);
    child(option, "tooltip").put("trigger", "axis");
    option.set("grid", grid(50));
    categoryAxis(option.putObject("xAxis"), byName.keySet());
    yAxis(option, axis);
    ArrayNode data = bar(option.putArray("series"), axis).putArray("data");
    int i = 0;
    for (double value : byName.values()) {
      ObjectNode item = data.addObject().put("value", round(value));
      item.putObject("itemStyle").put("color", i++ == 0 ? SLATE.get(0) : SLATE.get(1));
    }
    return option;
  }

  /**
   * Bars per segment: one group per segment (keys are segment names), each bar in the segment's
   * colour, later series lighter. The tooltip names the segment.
   */
  static ObjectNode segmentBars(
      String title, String axis, Map<String, Map<String, Double>> bySegment) {
    ObjectNode option = base(title);
    child(option, "tooltip").put("trigger", "item");
    option.set("grid", grid(50));
    categoryAxis(option.putObject("xAxis"), ids(bySegment.keySet()));
    yAxis(option, axis);
    ArrayNode series = option.putArray("series");
    for (String name : seriesNames(bySegment.values())) {
      double opacity = series.isEmpty() ? 1.0 : 0.45;
      ArrayNode data = bar(series, name).putArray("data");
      bySegment.forEach(
          (segment, values) -> {
            ObjectNode item = data.addObject();
            item.put("name", segment).put("value", round(values.getOrDefault(name, 0.0)));
            item.putObject("itemStyle")
                .put("color", colour(segmentOf(segment)))
                .put("opacity", opacity);
          });
    }
    return option;
  }

  private static ObjectNode grouped(
      String title,
      String axis,
      Map<String, Map<String, Double>> byColumn,
      List<String> colours,
      boolean stacked) {
    ObjectNode option = base(title);
    Set<String> names = seriesNames(byColumn.values());
    child(option, "tooltip").put("trigger", "axis");
    if (names.size() > 1) {
      legend(option).putArray("data").addAll(strings(names));
    }
    option.set("grid", grid(names.size() > 1 ? 80 : 50));
    categoryAxis(option.putObject("xAxis"), byColumn.keySet());
    yAxis(option, axis);
    ArrayNode series = option.putArray("series");
    int i = 0;
    for (String name : names) {
      ObjectNode one = bar(series, name);
      if (stacked) {
        one.put("stack", "all");
      }
      one.putObject("itemStyle").put("color", colours.get(i++ % colours.size()));
      ArrayNode data = one.putArray("data");
      byColumn.values().forEach(values -> data.add(round(values.getOrDefault(name, 0.0))));
    }
    return option;
  }

  private static ObjectNode bar(ArrayNode series, String name) {
    return series.addObject().put("type", "bar").put("name", name).put("barMaxWidth", 64);
  }

  /** Every series name once, in the order first seen. */
  private static Set<String> seriesNames(Iterable<Map<String, Double>> columns) {
    Set<String> names = new LinkedHashSet<>();
    columns.forEach(values -> names.addAll(values.keySet()));
    return names;
  }

  // ---- Points, lines, distributions ----

  /**
   * Points by segment (keys are segment names) on two axes drawn from the 1st to the 99th
   * percentile of each (with a margin): points beyond are drawn on the edge as triangles, their
   * true position in the tooltip, so a few outliers cannot squeeze everyone else into a corner.
   *
   * @return the option, and how many points were moved to the edge
   */
  static Scatter scatter(String title, String x, String y, Map<String, List<double[]>> bySegment) {
    List<double[]> all = bySegment.values().stream().flatMap(List::stream).toList();
    double[] xRange = range(all, 0);
    double[] yRange = range(all, 1);
    ObjectNode option = base(title);
    child(option, "tooltip").put("trigger", "item");
    ObjectNode legend = legend(option).put("type", "scroll");
    // Segment names are sentences; the legend shows their start, its tooltip the whole name.
    child(legend, "textStyle").put("width", 190).put("overflow", "truncate");
    legend.putObject("tooltip").put("show", true);
    option.set("grid", grid(70).put("bottom", 40));
    boundedAxis(option.putObject("xAxis"), x, xRange);
    boundedAxis(option.putObject("yAxis"), y, yRange);
    ArrayNode series = option.putArray("series");
    int outliers = 0;
    for (Map.Entry<String, List<double[]>> group : bySegment.entrySet()) {
      ObjectNode one =
          series
              .addObject()
              .put("type", "scatter")
              .put("name", group.getKey())
              .put("symbolSize", 5)
              // Clipped at the grid, a point on the very edge vanishes on some layouts.
              .put("clip", false);
      one.putObject("itemStyle").put("color", colour(segmentOf(group.getKey())));
      ArrayNode data = one.putArray("data");
      for (double[] p : group.getValue()) {
        double px = clamp(p[0], xRange);
        double py = clamp(p[1], yRange);
        ObjectNode point = data.addObject();
        point.putArray("value").add(round(px)).add(round(py));
        if (px != p[0] || py != p[1]) {
          outliers++;
          point.put("symbol", "triangle").put("symbolSize", 9);
          point.put(
              "name",
              String.format(
                  Locale.ROOT, "beyond the axes, at %.2f, %.2f; drawn on the edge", p[0], p[1]));
        }
      }
    }
    return new Scatter(option, outliers);
  }

  /** A scatter and the number of its points drawn on the edge. */
  record Scatter(ObjectNode option, int outliers) {}

  /** A value axis over {@code range}, its name below or beside it, not at the zero line. */
  private static void boundedAxis(ObjectNode axis, String name, double[] range) {
    valueAxis(axis, name).put("min", range[0]).put("max", range[1]);
    axis.put("nameLocation", "middle").put("nameGap", 28);
    child(axis, "axisLine").put("onZero", false);
    // The bounds fall on odd numbers; their labels would crowd the round ones next to them.
    child(axis, "axisLabel").put("showMinLabel", false).put("showMaxLabel", false);
  }

  /** A line over numbers on x, with {@code marked} (the chosen k) drawn as a vertical line. */
  static ObjectNode line(
      String title, String x, String y, Map<Double, Double> values, double marked) {
    ObjectNode option = base(title);
    child(option, "tooltip").put("trigger", "axis");
    option.set("grid", grid(50));
    valueAxis(option.putObject("xAxis"), x)
        .put("min", "dataMin")
        .put("max", "dataMax")
        .put("interval", 1);
    yAxis(option, y).put("scale", true);
    ObjectNode series = option.putArray("series").addObject().put("type", "line").put("name", y);
    series.putObject("itemStyle").put("color", SLATE.get(0));
    ArrayNode data = series.putArray("data");
    values.forEach((k, v) -> data.addArray().add(k).add(round(v)));
    ObjectNode mark = series.putObject("markLine").put("symbol", "none").put("silent", true);
    mark.putObject("lineStyle").put("color", SLATE.get(1)).put("type", "dashed");
    mark.putObject("label").put("formatter", "chosen: {c}");
    mark.putArray("data").addObject().put("xAxis", marked);
    return option;
  }

  /** A box per segment (keys are segment names): quartiles, whiskers at 1.5 IQR. */
  static ObjectNode boxes(String title, String axis, Map<String, List<Double>> bySegment) {
    return boxes(title, axis, bySegment, false);
  }

  /** Boxes on a logarithmic axis, for amounts that span orders of magnitude. */
  static ObjectNode logBoxes(String title, String axis, Map<String, List<Double>> bySegment) {
    return boxes(title, axis, bySegment, true);
  }

  private static ObjectNode boxes(
      String title, String axis, Map<String, List<Double>> bySegment, boolean log) {
    ObjectNode option = base(title);
    child(option, "tooltip").put("trigger", "item");
    option.set("grid", grid(50));
    categoryAxis(option.putObject("xAxis"), ids(bySegment.keySet()));
    ObjectNode y = yAxis(option, axis);
    if (log) {
      y.put("type", "log").put("logBase", 10);
    }
    ArrayNode data =
        option
            .putArray("series")
            .addObject()
            .put("type", "boxplot")
            .put("name", axis)
            .putArray("data");
    bySegment.forEach(
        (segment, values) -> {
          ObjectNode item = data.addObject().put("name", segment);
          ArrayNode box = item.putArray("value");
          Arrays.stream(fiveNumbers(values, log)).forEach(v -> box.add(round(v)));
          String colour = colour(segmentOf(segment));
          item.putObject("itemStyle").put("color", colour + "55").put("borderColor", colour);
        });
    return option;
  }

  // ---- Heatmaps ----

  /**
   * Values around zero (standard deviations), blue below and red above, clipped to ±{@code limit}:
   * the tooltip gives the value.
   */
  static ObjectNode divergingHeatmap(
      String title, String[] rows, String[] columns, double[][] values, double limit) {
    ObjectNode option = heatmap(title, rows, columns);
    ObjectNode map = visualMap(option, -limit, limit, "#2166ac", "#f7f7f7", "#b2182b");
    map.putArray("text")
        .add(String.format(Locale.ROOT, "+%.0f", limit))
        .add(String.format(Locale.ROOT, "−%.0f", limit));
    ArrayNode data = (ArrayNode) firstSeries(option).get("data");
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < columns.length; c++) {
        data.addArray().add(c).add(r).add(round(Math.max(-limit, Math.min(limit, values[r][c]))));
      }
    }
    return option;
  }

  /**
   * Shares of each row (0 to 1) as percentages written in their cells; empty cells stay blank, so
   * the few that matter stand out.
   */
  static ObjectNode shareHeatmap(String title, String[] rows, String[] columns, double[][] shares) {
    ObjectNode option = heatmap(title, rows, columns);
    visualMap(option, 0, 100, "#fdecea", "#e4898d", "#b2182b").put("show", false);
    ObjectNode series = firstSeries(option);
    series.putObject("label").put("show", true).put("formatter", "{@[2]}%").put("fontSize", 11);
    ArrayNode data = (ArrayNode) series.get("data");
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < columns.length; c++) {
        long percent = Math.round(100 * shares[r][c]);
        if (percent > 0) {
          data.addArray().add(c).add(r).add(percent);
        }
      }
    }
    return option;
  }

  private static ObjectNode heatmap(String title, String[] rows, String[] columns) {
    ObjectNode option = base(title);
    child(option, "tooltip").put("trigger", "item");
    option.set("grid", grid(50).put("right", 70).put("bottom", 20));
    ObjectNode x = categoryAxis(option.putObject("xAxis"), Arrays.asList(columns));
    boolean longLabels = Arrays.stream(columns).anyMatch(column -> column.length() > 4);
    child(x, "axisLabel").put("rotate", longLabels ? 40 : 0);
    ObjectNode y = categoryAxis(option.putObject("yAxis"), Arrays.asList(rows));
    y.put("inverse", true);
    ObjectNode series =
        option.putArray("series").addObject().put("type", "heatmap").put("name", title);
    series.putObject("itemStyle").put("borderColor", "#fff").put("borderWidth", 1);
    series.putArray("data");
    return option;
  }

  private static ObjectNode visualMap(
      ObjectNode option, double low, double high, String... colours) {
    ObjectNode map =
        option
            .putObject("visualMap")
            .put("min", low)
            .put("max", high)
            .put("calculable", false)
            .put("itemHeight", 120)
            .put("right", 0)
            .put("top", "middle");
    map.putObject("inRange").putArray("color").addAll(strings(Arrays.asList(colours)));
    return map;
  }

  /** The height a heatmap of {@code rows} rows needs, in pixels. */
  static int heatmapHeight(int rows) {
    return Math.max(320, 200 + 28 * rows);
  }

  // ---- Shared parts ----

  private static ObjectNode base(String title) {
    ObjectNode option = JSON.createObjectNode();
    option.put("animation", false);
    option.putObject("textStyle").put("fontFamily", FONT).put("color", TEXT);
    option
        .putObject("title")
        .put("text", title)
        .put("left", 0)
        .putObject("textStyle")
        .put("fontSize", 14)
        .put("fontWeight", 600)
        .put("color", TEXT);
    option
        .putObject("tooltip")
        .put("confine", true)
        .putObject("textStyle")
        .put("fontFamily", FONT)
        .put("fontSize", 13);
    return option;
  }

  /** The object {@code name} of {@code parent}, added when missing. */
  private static ObjectNode child(ObjectNode parent, String name) {
    JsonNode node = parent.get(name);
    return node instanceof ObjectNode object ? object : parent.putObject(name);
  }

  private static ObjectNode firstSeries(ObjectNode option) {
    return (ObjectNode) option.get("series").get(0);
  }

  private static ObjectNode legend(ObjectNode option) {
    ObjectNode legend = option.putObject("legend").put("top", 26).put("left", 0);
    legend.put("icon", "roundRect").put("itemWidth", 12).put("itemHeight", 12);
    return legend;
  }

  /** A grid that makes room for its axis labels, {@code top} pixels under the chart's top. */
  private static ObjectNode grid(int top) {
    return JSON.createObjectNode()
        .put("left", 8)
        .put("right", 24)
        .put("top", top)
        .put("bottom", 8)
        .put("containLabel", true);
  }

  private static ObjectNode categoryAxis(ObjectNode axis, Iterable<String> categories) {
    axis.put("type", "category").putArray("data").addAll(strings(categories));
    axis.putObject("axisLabel").put("interval", 0).put("hideOverlap", true);
    axis.putObject("axisTick").put("show", false);
    axis.putObject("axisLine").putObject("lineStyle").put("color", "#c4c9d0");
    return axis;
  }

  /** The value axis on the left, its name starting above it (centred, a long name was cut). */
  private static ObjectNode yAxis(ObjectNode option, String name) {
    ObjectNode axis = valueAxis(option.putObject("yAxis"), name);
    axis.putObject("nameTextStyle").put("align", "left");
    return axis;
  }

  private static ObjectNode valueAxis(ObjectNode axis, String name) {
    axis.put("type", "value").put("name", name);
    axis.putObject("splitLine").putObject("lineStyle").put("color", GRID_LINE);
    return axis;
  }

  /** The ids the segment names start with, for an axis; the names go to the tooltips. */
  private static List<String> ids(Set<String> segmentNames) {
    return segmentNames.stream().map(name -> String.valueOf(segmentOf(name))).toList();
  }

  /** Minimum, quartiles and maximum (Tukey's whiskers at 1.5 IQR), for a boxplot. */
  static double[] fiveNumbers(List<Double> values, boolean positive) {
    double[] sorted =
        values.stream().mapToDouble(v -> positive ? Math.max(v, 0.01) : v).sorted().toArray();
    if (sorted.length == 0) {
      return new double[] {0, 0, 0, 0, 0};
    }
    double q1 = quantile(sorted, 0.25);
    double q2 = quantile(sorted, 0.5);
    double q3 = quantile(sorted, 0.75);
    double reach = 1.5 * (q3 - q1);
    double low = sorted[0];
    double high = sorted[sorted.length - 1];
    for (double v : sorted) {
      if (v >= q1 - reach) {
        low = v;
        break;
      }
    }
    for (int i = sorted.length - 1; i >= 0; i--) {
      if (sorted[i] <= q3 + reach) {
        high = sorted[i];
        break;
      }
    }
    return new double[] {low, q1, q2, q3, high};
  }

  /** Linear interpolation between closest ranks. */
  static double quantile(double[] sorted, double q) {
    double position = q * (sorted.length - 1);
    int below = (int) Math.floor(position);
    int above = Math.min(sorted.length - 1, below + 1);
    return sorted[below] + (position - below) * (sorted[above] - sorted[below]);
  }

  /** The 1st to 99th percentile of one coordinate, widened by 5% on each side. */
  static double[] range(List<double[]> points, int axis) {
    if (points.isEmpty()) {
      return new double[] {-1, 1};
    }
    double[] sorted = points.stream().mapToDouble(p -> p[axis]).sorted().toArray();
    double low = quantile(sorted, 0.01);
    double high = quantile(sorted, 0.99);
    double margin = Math.max(1e-9, 0.05 * (high - low));
    return new double[] {round(low - margin), round(high + margin)};
  }

  private static double clamp(double value, double[] range) {
    return Math.max(range[0], Math.min(range[1], value));
  }

  private static double round(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }

  private static ArrayNode strings(Iterable<String> values) {
    ArrayNode array = JSON.createArrayNode();
    values.forEach(array::add);
    return array;
  }
}
