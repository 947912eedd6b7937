package dev.segmentation.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The chart options the report draws, without a browser. */
class ChartsTest {

  @Test
  void aSegmentHasOneColourWhicheverChartDrawsIt() {
    Map<String, Map<String, Double>> shares = new LinkedHashMap<>();
    shares.put("0 loyal", Map.of("customers", 60.0));
    shares.put("17 lapsed, rare", Map.of("customers", 40.0));

    JsonNode bars = Charts.segmentBars("shares", "%", shares).get("series").get(0).get("data");
    JsonNode boxes =
        Charts.boxes("silhouette", "s", Map.of("17 lapsed, rare", List.of(0.1, 0.2)))
            .get("series")
            .get(0)
            .get("data");

    assertEquals(Charts.colour(17), bars.get(1).get("itemStyle").get("color").asText());
    assertEquals(Charts.colour(1), Charts.colour(17), "the palette repeats after 16 segments");
    assertEquals(Charts.colour(17), boxes.get(0).get("itemStyle").get("borderColor").asText());
    assertEquals("17 lapsed, rare", bars.get(1).get("name").asText(), "the tooltip's name");
  }

  @Test
  void outliersAreDrawnOnTheEdgeAndCounted() {
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      points.add(new double[] {i, i % 10});
    }
    points.add(new double[] {10_000, 5});

    Charts.Scatter scatter = Charts.scatter("t", "x", "y", Map.of("0 all", points));

    double max = scatter.option().get("xAxis").get("max").asDouble();
    assertTrue(max < 300, "the axis ends near the 99th percentile, not at the outlier: " + max);
    JsonNode far = scatter.option().get("series").get(0).get("data").get(200);
    assertEquals(max, far.get("value").get(0).asDouble());
    assertEquals("triangle", far.get("symbol").asText());
    assertEquals(1, scatter.outliers(), "the margin around the percentiles holds the rest");
  }

  @Test
  void boxesHaveQuartilesAndWhiskersAtOneAndAHalfInterquartileRanges() {
    List<Double> values = new ArrayList<>(List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0));
    values.add(100.0);

    assertArrayEquals(
        new double[] {1, 3.25, 5.5, 7.75, 9}, Charts.fiveNumbers(values, false), 1e-9);
  }
}
