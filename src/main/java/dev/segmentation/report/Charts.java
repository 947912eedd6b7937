package dev.segmentation.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The report's charts as Apache ECharts options (JSON, drawn in the page by the ECharts library the
 * report inlines). Every chart of segments gives segment i the colour {@link #colour(int)}, the
 * same in every chart and in the tables; tooltips name the series and the value.
 */
final class Charts {

  /** Colour-blind-safe (Okabe–Ito first, then Tableau's), one per segment id modulo its size. */
  private static final List<String> PALETTE =
      List.of(
          "#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#4E79A7",
          "#59A14F", "#B07AA1", "#9C755F", "#EDC948", "#76B7B2", "#FF9DA7", "#BAB0AC", "#E15759");

  private static final String TEXT = "#3c4043";
  private static final Pattern SEGMENT_ID = Pattern.compile("(\\d+)\\s*$|^(\\d+)\\b");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Charts() {}

  /** The colour of a segment id, in every chart and table. */
  static String colour(int segment) {
    return PALETTE.get(Math.floorMod(segment, PALETTE.size()));
  }

  /** The segment id a series or category name ends or starts with ("segment 3", "3 occasional"). */
  static int segmentOf(String name) {
    Matcher m = SEGMENT_ID.matcher(name.trim());
    if (!m.find()) {
      return -1;
    }
    return Integer.parseInt(m.group(1) != null ? m.group(1) : m.group(2));
  }

  /** Grouped bars: one group per column key, one bar per series, in the palette's order. */
  static ObjectNode bars(String title, String axis, Map<String, Map<String, Double>> byColumn) {
    return grouped(title, axis, byColumn, false);
  }

  /** Stacked bars: one bar per column key, stacked by series. */
  static ObjectNode stackedBars(
      String title, String axis, Map<String, Map<String, Double>> byColumn) {
    return grouped(title, axis, byColumn, true);
  }

  /**
   * Bars per segment: one group per segment (column keys are segment ids), each bar in the
   * segment's colour, later series lighter.
   */
  static ObjectNode segmentBars(
      String title, String axis, Map<String, Map<String, Double>> bySegment) {
    ObjectNode option = grouped(title, axis, bySegment, false);
    // The bars take their segment's colour, so a legend of series colours would mislead.
    option.putObject("legend").put("show", false);
    option.with("grid").put("top", 50);
    List<String> segments = new ArrayList<>(bySegment.keySet());
    int s = 0;
    for (JsonNode series : option.withArray("series")) {
      ArrayNode data = JSON.createArrayNode();
      double opacity = s == 0 ? 1.0 : 0.45;
      for (int i = 0; i < segments.size(); i++) {
        ObjectNode item = data.addObject();
        item.set("value", series.get("data").get(i));
        item.putObject("itemStyle")
            .put("color", colour(segmentOf(segments.get(i))))
            .put("opacity", opacity);
      }
      ((ObjectNode) series).set("data", data);
      s++;
    }
    return option;
  }

  private static ObjectNode grouped(
      String title, String axis, Map<String, Map<String, Double>> byColumn, boolean stacked) {
    ObjectNode option = base(title);
    Set<String> seriesNames = stacked ? new TreeSet<>() : new LinkedHashSet<>();
    byColumn.values().forEach(series -> seriesNames.addAll(series.keySet()));
    option.putObject("tooltip").put("trigger", "axis");
    option.putObject("legend").put("top", 28).putArray("data").addAll(strings(seriesNames));
    option.putObject("grid").put("left", 70).put("right", 24).put("top", 70).put("bottom", 60);
    ObjectNode x = option.putObject("xAxis").put("type", "category");
    x.putArray("data").addAll(strings(byColumn.keySet()));
    x.putObject("axisLabel").put("interval", 0).put("hideOverlap", true);
    option.putObject("yAxis").put("type", "value").put("name", axis);
    ArrayNode series = option.putArray("series");
    int i = 0;
    for (String name : seriesNames) {
      ObjectNode one = series.addObject().put("type", "bar").put("name", name);
      if (stacked) {
        one.put("stack", "all");
      }
      one.putObject("itemStyle").put("color", PALETTE.get(i++ % PALETTE.size()));
      ArrayNode data = one.putArray("data");
      byColumn.values().forEach(values -> data.add(values.getOrDefault(name, 0.0)));
    }
    return option;
  }

  /**
   * Points by segment on two axes drawn from the 1st to the 99th percentile of each (with a
   * margin): points beyond are drawn on the edge as triangles, so a few outliers cannot squeeze
   * everyone else into a corner.
   *
   * @return the option, and how many points were moved to the edge
   */
  static Scatter scatter(String title, String x, String y, Map<String, List<double[]>> bySegment) {
    List<double[]> all = bySegment.values().stream().flatMap(List::stream).toList();
    double[] xRange = range(all, 0);
    double[] yRange = range(all, 1);
    ObjectNode option = base(title);
    option.putObject("tooltip").put("trigger", "item");
    option.putObject("legend").put("top", 28).put("type", "scroll");
    option.putObject("grid").put("left", 60).put("right", 24).put("top", 70).put("bottom", 50);
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
              .put("symbolSize", 5);
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
        }
      }
    }
    return new Scatter(option, outliers);
  }

  /** A value axis over {@code range}, its end labels hidden (they fall on odd numbers). */
  private static void boundedAxis(ObjectNode axis, String name, double[] range) {
    axis.put("type", "value").put("name", name).put("min", range[0]).put("max", range[1]);
    axis.putObject("axisLabel").put("showMinLabel", false).put("showMaxLabel", false);
  }

  /** A scatter and the number of its points drawn on the edge. */
  record Scatter(ObjectNode option, int outliers) {}

  static ObjectNode line(String title, String x, String y, Map<Double, Double> values) {
    ObjectNode option = base(title);
    option.putObject("tooltip").put("trigger", "axis");
    option.putObject("grid").put("left", 60).put("right", 24).put("top", 50).put("bottom", 50);
    option.putObject("xAxis").put("type", "value").put("name", x).put("minInterval", 1);
    option.putObject("yAxis").put("type", "value").put("name", y).put("scale", true);
    ObjectNode series = option.putArray("series").addObject().put("type", "line").put("name", y);
    series.putObject("itemStyle").put("color", PALETTE.get(0));
    ArrayNode data = series.putArray("data");
    values.forEach((k, v) -> data.addArray().add(k).add(v));
    return option;
  }

  /** A box per segment (minimum, quartiles, maximum of its values), in the segment's colour. */
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
    option.putObject("tooltip").put("trigger", "item");
    option.putObject("grid").put("left", 70).put("right", 24).put("top", 50).put("bottom", 50);
    ObjectNode x = option.putObject("xAxis").put("type", "category");
    x.putArray("data").addAll(strings(bySegment.keySet()));
    x.putObject("axisLabel").put("interval", 0);
    ObjectNode y = option.putObject("yAxis").put("type", log ? "log" : "value").put("name", axis);
    if (log) {
      y.put("logBase", 10);
    }
    ObjectNode series =
        option.putArray("series").addObject().put("type", "boxplot").put("name", axis);
    ArrayNode data = series.putArray("data");
    for (Map.Entry<String, List<Double>> group : bySegment.entrySet()) {
      ObjectNode item = data.addObject();
      ArrayNode value = item.putArray("value");
      for (double v : fiveNumbers(group.getValue(), log)) {
        value.add(round(v));
      }
      item.putObject("itemStyle")
          .put("color", colour(segmentOf(group.getKey())) + "55")
          .put("borderColor", colour(segmentOf(group.getKey())));
    }
    return option;
  }

  /**
   * A grid of coloured cells: {@code values[row][column]}, blue below {@code centre}, red above.
   */
  static ObjectNode heatmap(
      String title,
      String[] rows,
      String[] columns,
      double[][] values,
      double low,
      double centre,
      double high) {
    ObjectNode option = base(title);
    option.putObject("tooltip").put("trigger", "item");
    option.putObject("grid").put("left", 230).put("right", 90).put("top", 50).put("bottom", 110);
    ObjectNode x = option.putObject("xAxis").put("type", "category");
    x.putArray("data").addAll(strings(Arrays.asList(columns)));
    x.putObject("axisLabel").put("rotate", 45).put("interval", 0);
    ObjectNode y = option.putObject("yAxis").put("type", "category").put("inverse", true);
    y.putArray("data").addAll(strings(Arrays.asList(rows)));
    y.putObject("axisLabel").put("interval", 0);
    ObjectNode map =
        option
            .putObject("visualMap")
            .put("min", low)
            .put("max", high)
            .put("calculable", false)
            .put("orient", "vertical")
            .put("right", 10)
            .put("top", "middle");
    map.putObject("inRange")
        .putArray("color")
        .add(centre > low ? "#2166ac" : "#f7f7f7")
        .add("#f7f7f7")
        .add("#b2182b");
    ObjectNode series =
        option.putArray("series").addObject().put("type", "heatmap").put("name", title);
    ArrayNode data = series.putArray("data");
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < columns.length; c++) {
        data.addArray().add(c).add(r).add(round(values[r][c]));
      }
    }
    return option;
  }

  /** Rows that a heatmap of {@code rows} rows needs, in pixels. */
  static int heatmapHeight(int rows) {
    return Math.max(380, 170 + 28 * rows);
  }

  private static ObjectNode base(String title) {
    ObjectNode option = JSON.createObjectNode();
    option.put("animation", false);
    option.putObject("textStyle").put("fontFamily", "inherit").put("color", TEXT);
    option
        .putObject("title")
        .put("text", title)
        .put("left", 0)
        .putObject("textStyle")
        .put("fontSize", 14)
        .put("fontWeight", 600)
        .put("color", TEXT);
    return option;
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

  private static double[] range(List<double[]> points, int axis) {
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
