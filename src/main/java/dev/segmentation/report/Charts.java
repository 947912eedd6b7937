package dev.segmentation.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.statistics.DefaultBoxAndWhiskerCategoryDataset;
import org.jfree.data.xy.DefaultXYZDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The report's charts, drawn by JFreeChart on the driver from small, already aggregated or sampled
 * results, and returned as PNG bytes.
 */
final class Charts {

  static final int WIDTH = 900;
  static final int HEIGHT = 420;

  static {
    // Charts are drawn off-screen; a cluster's driver has no display.
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** Grouped bars: one group per column key, one bar per series. */
  static byte[] bars(String title, String axis, Map<String, Map<String, Double>> seriesByColumn) {
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    seriesByColumn.forEach(
        (column, series) -> series.forEach((name, value) -> data.addValue(value, name, column)));
    JFreeChart chart =
        ChartFactory.createBarChart(
            title, null, axis, data, PlotOrientation.VERTICAL, true, false, false);
    return png(chart);
  }

  /** Points by group (segment), on two axes. */
  static byte[] scatter(
      String title, String x, String y, Map<String, List<double[]>> pointsByGroup) {
    XYSeriesCollection data = new XYSeriesCollection();
    pointsByGroup.forEach(
        (group, points) -> {
          XYSeries series = new XYSeries(group, false, true);
          points.forEach(p -> series.add(p[0], p[1]));
          data.addSeries(series);
        });
    return png(ChartFactory.createScatterPlot(title, x, y, data));
  }

  static byte[] line(String title, String x, String y, Map<Double, Double> values) {
    XYSeries series = new XYSeries(y);
    values.forEach(series::add);
    return png(
        ChartFactory.createXYLineChart(
            title,
            x,
            y,
            new XYSeriesCollection(series),
            PlotOrientation.VERTICAL,
            false,
            false,
            false));
  }

  static byte[] boxes(String title, String axis, Map<String, List<Double>> valuesByGroup) {
    return png(boxChart(title, axis, valuesByGroup));
  }

  /** Boxes on a logarithmic axis, for amounts that span orders of magnitude (positive values). */
  static byte[] logBoxes(String title, String axis, Map<String, List<Double>> valuesByGroup) {
    JFreeChart chart = boxChart(title, axis, valuesByGroup);
    LogAxis logarithmic = new LogAxis(axis);
    logarithmic.setBase(10);
    logarithmic.setStandardTickUnits(NumberAxis.createStandardTickUnits());
    logarithmic.setNumberFormatOverride(new DecimalFormat("#,##0"));
    chart.getCategoryPlot().setRangeAxis(logarithmic);
    return png(chart);
  }

  private static JFreeChart boxChart(
      String title, String axis, Map<String, List<Double>> valuesByGroup) {
    DefaultBoxAndWhiskerCategoryDataset data = new DefaultBoxAndWhiskerCategoryDataset();
    valuesByGroup.forEach((group, values) -> data.add(values, axis, group));
    return ChartFactory.createBoxAndWhiskerChart(title, null, axis, data, false);
  }

  /**
   * A grid of coloured cells: {@code values[row][column]}, blue for low, red for high around {@code
   * centre}.
   */
  static byte[] heatmap(
      String title,
      String[] rows,
      String[] columns,
      double[][] values,
      double low,
      double centre,
      double high) {
    int cells = rows.length * columns.length;
    double[] xs = new double[cells];
    double[] ys = new double[cells];
    double[] zs = new double[cells];
    int n = 0;
    for (int r = 0; r < rows.length; r++) {
      for (int c = 0; c < columns.length; c++) {
        xs[n] = c;
        ys[n] = r;
        zs[n] = values[r][c];
        n++;
      }
    }
    DefaultXYZDataset data = new DefaultXYZDataset();
    data.addSeries("values", new double[][] {xs, ys, zs});
    LookupPaintScale scale = new LookupPaintScale(low, high + 1e-9, Color.WHITE);
    int steps = 20;
    for (int i = 0; i < steps; i++) {
      double value = low + (high - low) * i / steps;
      scale.add(value, colour(value, low, centre, high));
    }
    XYBlockRenderer renderer = new XYBlockRenderer();
    renderer.setPaintScale(scale);
    SymbolAxis x = new SymbolAxis(null, columns);
    x.setVerticalTickLabels(true);
    SymbolAxis y = new SymbolAxis(null, rows);
    XYPlot plot = new XYPlot(data, x, y, renderer);
    plot.setBackgroundPaint(Color.WHITE);
    JFreeChart chart = new JFreeChart(title, plot);
    chart.removeLegend();
    PaintScaleLegend legend = new PaintScaleLegend(scale, new NumberAxis());
    legend.setPosition(RectangleEdge.RIGHT);
    legend.setMargin(4, 4, 4, 4);
    chart.addSubtitle(legend);
    chart.setBackgroundPaint(Color.WHITE);
    return png(chart, WIDTH, Math.max(HEIGHT, 120 + 28 * rows.length));
  }

  private static Color colour(double value, double low, double centre, double high) {
    if (value <= centre) {
      float t = (float) ((centre - value) / Math.max(1e-9, centre - low));
      return new Color(1 - t * 0.75f, 1 - t * 0.55f, 1f);
    }
    float t = (float) ((value - centre) / Math.max(1e-9, high - centre));
    return new Color(1f, 1 - t * 0.7f, 1 - t * 0.75f);
  }

  private static byte[] png(JFreeChart chart) {
    return png(chart, WIDTH, HEIGHT);
  }

  private static byte[] png(JFreeChart chart, int width, int height) {
    try {
      return ChartUtils.encodeAsPNG(chart.createBufferedImage(width, height));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode chart " + chart.getTitle().getText(), e);
    }
  }
}
