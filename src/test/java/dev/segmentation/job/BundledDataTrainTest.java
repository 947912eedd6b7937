package dev.segmentation.job;

import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segmentation.SparkTestBase;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import dev.segmentation.model.ProductCategoryModel;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/** {@code train} on the full bundled data: the quality floor, determinism, reloadable models. */
class BundledDataTrainTest extends SparkTestBase {

  private Path dir;

  @Test
  void reachesTheQualityFloorTwiceWithIdenticalSegmentsAndReloadableModels() throws Exception {
    dir = BundledModel.root(spark());
    // The second run skips the backtest: it only has to give the same segments.
    TrainJob.run(
        spark(),
        BundledModel.config(
            dir, "second", Map.of("segmentation.anticipation.backtest.enabled", "false")));

    JsonNode metrics = new ObjectMapper().readTree(dir.resolve("first/metrics.json").toFile());
    assertQuality(metrics);
    assertIdenticalSegments();
    assertModelsReloadAndPredictTheSame();
    assertOutputsAreComplete(metrics);
  }

  @Test
  void everySegmentHasItsOwnName() {
    assertDistinctNames(BundledModel.run(spark()));
  }

  @Test
  void everySegmentHasItsOwnNameWithKForcedToFifteen() throws Exception {
    Path root = Files.createTempDirectory("fifteen");
    TrainJob.run(
        spark(),
        BundledModel.config(
            root,
            "fifteen",
            Map.of(
                "segmentation.segments.k", "15",
                "segmentation.anticipation.backtest.enabled", "false",
                "segmentation.clv.backtest.enabled", "false",
                "segmentation.report.enabled", "false")));

    assertEquals(15, assertDistinctNames(root.resolve("fifteen")));
  }

  /** The names of a run's segments in segment_profiles; returns how many segments it has. */
  private long assertDistinctNames(Path run) {
    List<String> names =
        spark()
            .read()
            .parquet(run.resolve(TrainJob.SEGMENT_PROFILES).toString())
            .select("label")
            .as(Encoders.STRING())
            .collectAsList();
    assertEquals(names.size(), names.stream().distinct().count(), String.join("\n", names));
    return names.size();
  }

  @Test
  void productThemesAreKindsOfProductsWhereTheNotebooksCategoriesArePriceBands() {
    Dataset<Row> themes =
        spark()
            .read()
            .parquet(BundledModel.run(spark()).resolve(TrainJob.PRODUCT_CATEGORIES).toString())
            .cache();
    double overall = largestBandShare(themes.groupBy("price_band").count());
    Assertions.assertTrue(overall < 0.6, "overall " + overall);
    Map<Integer, Double> byTheme = largestShare(themes, "category", "price_band");
    assertEquals(8, byTheme.size());
    byTheme.forEach(
        (theme, share) -> Assertions.assertTrue(share <= 0.6, "theme " + theme + ": " + share));

    List<Row> described =
        themes
            .select("category", "category_name", "category_top_words")
            .distinct()
            .orderBy("category")
            .collectAsList();
    List<String> names = described.stream().map(r -> r.getString(1)).toList();
    assertEquals(8, names.stream().distinct().count(), names.toString());
    for (String name : names) {
      Assertions.assertTrue(name.matches("[a-z]+( & [a-z]+)+"), name);
    }
    for (int i = 0; i < described.size(); i++) {
      for (int j = i + 1; j < described.size(); j++) {
        List<String> a = described.get(i).getList(2);
        List<String> b = described.get(j).getList(2);
        assertEquals(8, a.size());
        Set<String> union = new HashSet<>(a);
        union.addAll(b);
        double jaccard = (a.size() + b.size() - union.size()) / (double) union.size();
        Assertions.assertTrue(jaccard <= 0.25, names.get(i) + " / " + names.get(j) + ": " + a + b);
      }
    }

    // The notebook's words + price band on the same products: each price band in one category.
    JobConfig notebook =
        TestConfigs.withOverrides(
            Map.of(
                "segmentation.products.grouping", "notebook",
                "segmentation.products.categories", "5"));
    Dataset<Row> products = themes.select("stock_code", "description", "mean_unit_price");
    Dataset<Row> categorised =
        new ProductCategoryModel(notebook.products(), notebook.train())
            .fit(products)
            .transform(products)
            .selectExpr("category", "CAST(price_band AS INT) AS price_band");
    largestShare(categorised, "price_band", "category")
        .forEach(
            (band, share) ->
                Assertions.assertTrue(share >= 0.9, "notebook, price band " + band + ": " + share));
    themes.unpersist();
  }

  /** For each value of {@code by}, the largest share its products have of one {@code of}. */
  private static Map<Integer, Double> largestShare(Dataset<Row> products, String by, String of) {
    Map<Integer, Double> shares = new TreeMap<>();
    for (Row row :
        products
            .groupBy(by, of)
            .count()
            .groupBy(by)
            .agg(max("count").divide(sum("count")))
            .collectAsList()) {
      shares.put(row.getInt(0), row.getDouble(1));
    }
    return shares;
  }

  private static double largestBandShare(Dataset<Row> countsByBand) {
    Row row = countsByBand.selectExpr("max(count) / sum(count)").first();
    return row.getDouble(0);
  }

  @Test
  void metricsJsonHoldsExactlyTheCommittedKeys() {
    MetricsKeys.assertDocumented(BundledModel.run(spark()).resolve("metrics.json"), "train");
  }

  @Test
  void theBacktestBeatsTheNaiveBaselines() throws Exception {
    JsonNode b =
        new ObjectMapper()
            .readTree(BundledModel.run(spark()).resolve("metrics.json").toFile())
            .get("backtest");

    Assertions.assertTrue(b.get("customers").asLong() >= 300, "held-out customers " + b);
    Assertions.assertTrue(b.get("segment_accuracy").asDouble() > 0.4, "segment accuracy " + b);
    double spend = b.get("spend_mae").asDouble();
    double invoices = b.get("invoices_mae").asDouble();
    Assertions.assertTrue(
        spend < b.get("baseline_mean_spend_mae").asDouble(), "spend vs mean " + b);
    Assertions.assertTrue(
        spend < b.get("baseline_ratio_spend_mae").asDouble(), "spend vs ratio " + b);
    Assertions.assertTrue(
        spend < b.get("baseline_median_spend_mae").asDouble(), "spend vs median " + b);
    Assertions.assertTrue(
        invoices < b.get("baseline_mean_invoices_mae").asDouble(), "invoices vs mean " + b);
    Assertions.assertTrue(
        invoices < b.get("baseline_ratio_invoices_mae").asDouble(), "invoices vs ratio " + b);
  }

  @Test
  void everySegmentedCustomerHasAnExpectedFuture() throws Exception {
    Path run = BundledModel.run(spark());
    JsonNode m = new ObjectMapper().readTree(run.resolve("metrics.json").toFile());
    JsonNode clv = m.get("clv");
    for (String parameter : List.of("r", "alpha", "a", "b")) {
      Assertions.assertTrue(clv.at("/bgnbd/" + parameter).asDouble() > 0, "BG/NBD " + clv);
    }
    Assertions.assertTrue(clv.at("/gamma_gamma/q").asDouble() > 1, "Gamma-Gamma " + clv);
    assertEquals(m.at("/customers/train").asLong(), clv.at("/bgnbd/customers").asLong());
    Assertions.assertTrue(
        Math.abs(clv.get("spend_frequency_correlation").asDouble()) < 1, clv.toString());
    assertEquals("P12M", clv.get("horizon").asText());

    Dataset<Row> segments = spark().read().parquet(run.resolve("segments").toString());
    assertEquals(m.at("/customers/train").asLong(), segments.count());
    assertEquals(
        0,
        segments
            .where(
                "p_alive IS NULL OR expected_purchases IS NULL OR expected_spend IS NULL "
                    + "OR p_alive < 0 OR p_alive > 1 OR expected_purchases < 0 OR expected_spend < 0 OR clv_horizon != 'P12M'")
            .count());
    // About 4 purchase days a year and 1,900 of spend, on average; more for the frequent buyers.
    Row means =
        segments
            .selectExpr(
                "avg(expected_purchases)",
                "avg(expected_spend)",
                "avg(CASE WHEN invoice_count >= 10 THEN expected_purchases END)")
            .first();
    Assertions.assertTrue(
        means.getDouble(0) > 1
            && means.getDouble(0) < 20
            && means.getDouble(1) > 100
            && means.getDouble(2) > 2 * means.getDouble(0),
        "means " + means);

    // Value bands: a fifth high, three tenths medium, by the thresholds in metrics.json.
    double medium = clv.at("/value_bands/medium").asDouble();
    double high = clv.at("/value_bands/high").asDouble();
    Map<String, Long> bands = new TreeMap<>();
    segments
        .groupBy("value_band")
        .count()
        .collectAsList()
        .forEach(r -> bands.put(r.getString(0), r.getLong(1)));
    long customers = segments.count();
    assertEquals(List.of("high", "low", "medium"), new ArrayList<>(bands.keySet()));
    assertEquals(0.2, (double) bands.get("high") / customers, 0.01);
    assertEquals(0.3, (double) bands.get("medium") / customers, 0.01);
    Row ranges =
        segments
            .selectExpr(
                "max(CASE WHEN value_band = 'low' THEN expected_spend END)",
                "min(CASE WHEN value_band = 'medium' THEN expected_spend END)",
                "max(CASE WHEN value_band = 'medium' THEN expected_spend END)",
                "min(CASE WHEN value_band = 'high' THEN expected_spend END)")
            .first();
    Assertions.assertTrue(
        ranges.getDouble(0) < ranges.getDouble(1) && ranges.getDouble(2) < ranges.getDouble(3),
        "bands overlap: " + ranges);
    assertEquals(medium, ranges.getDouble(1), 1e-4);
    assertEquals(high, ranges.getDouble(3), 1e-4);

    // Per segment: the profile's mean expected spend is the mean over its customers.
    Dataset<Row> profiles = spark().read().parquet(run.resolve("segment_profiles").toString());
    Dataset<Row> recomputed =
        segments
            .groupBy("segment")
            .agg(org.apache.spark.sql.functions.avg("expected_spend").as("recomputed"));
    assertEquals(
        0,
        profiles
            .join(recomputed, "segment")
            .where(
                "abs(mean_expected_spend - recomputed) > 1e-6 OR expected_spend_p10 > expected_spend_p50 "
                    + "OR expected_spend_p50 > expected_spend_p90 OR p_alive_p90 > 1 OR high_value_share < 0")
            .count());
    assertEquals(profiles.count(), recomputed.count());
  }

  @Test
  void lifetimeValueBeatsBothBaselinesOnPurchasesInItsBacktest() throws Exception {
    JsonNode b =
        new ObjectMapper()
            .readTree(BundledModel.run(spark()).resolve("metrics.json").toFile())
            .at("/clv/backtest");

    // Calibration and holdout of equal length, split in the middle of the data.
    assertEquals("2011-06-06", b.get("split").asText());
    assertEquals(187, b.get("holdout_days").asInt());
    Assertions.assertTrue(b.get("customers").asLong() >= 2_500, "calibration customers " + b);
    double purchases = b.get("purchases_mae").asDouble();
    Assertions.assertTrue(
        purchases < b.get("baseline_past_rate_purchases_mae").asDouble(), "vs past rate " + b);
    Assertions.assertTrue(
        purchases < b.get("baseline_segment_mean_purchases_mae").asDouble(),
        "vs segment mean " + b);
    Assertions.assertTrue(
        b.get("spend_mae").asDouble() < b.get("baseline_segment_mean_spend_mae").asDouble(),
        "spend vs segment mean " + b);
    // The calibration plot: predicted purchases rise with past frequency, as the actual ones do.
    List<Double> predicted = new ArrayList<>();
    long grouped = 0;
    for (JsonNode group : b.get("calibration")) {
      predicted.add(group.get("model").asDouble());
      grouped += group.get("customers").asLong();
    }
    assertEquals(b.get("customers").asLong(), grouped);
    assertEquals(8, predicted.size());
    for (int i = 1; i < predicted.size(); i++) {
      Assertions.assertTrue(
          predicted.get(i) > predicted.get(i - 1), "calibration " + b.get("calibration"));
    }
  }

  private static void assertQuality(JsonNode m) {
    Assertions.assertTrue(
        m.at("/customers/train").asLong() >= 3_500, "customers " + m.at("/customers"));
    JsonNode seg = m.get("segmentation");
    int k = seg.get("k").asInt();
    Assertions.assertTrue(k >= 3 && k <= 15, "k " + k);
    Assertions.assertTrue(seg.get("silhouette").asDouble() >= 0.20, "silhouette " + seg);
    assertEquals(13, seg.get("silhouette_by_k").size());
    Assertions.assertTrue(seg.get("davies_bouldin").asDouble() > 0, "davies_bouldin " + seg);
    long customers = m.at("/customers/train").asLong();
    long total = 0;
    for (JsonNode size : seg.get("sizes")) {
      Assertions.assertTrue(
          size.asLong() <= customers / 2, "a segment above 50%: " + seg.get("sizes"));
      total += size.asLong();
    }
    assertEquals(customers, total);
    assertEquals(k, seg.get("sizes").size());
    // Listed by segment id in numeric order, as the summary prints them (10 after 9).
    List<Integer> ids = new ArrayList<>();
    seg.get("sizes").fieldNames().forEachRemaining(id -> ids.add(Integer.parseInt(id)));
    assertEquals(ids.stream().sorted().toList(), ids);

    JsonNode holdout = m.at("/classifier/holdout");
    Assertions.assertTrue(holdout.get("accuracy").asDouble() >= 0.85, "holdout " + holdout);
    JsonNode temporal = m.at("/classifier/temporal");
    double accuracy = temporal.get("accuracy").asDouble();
    Assertions.assertTrue(accuracy >= 0.72, "temporal " + temporal);
    Assertions.assertTrue(
        accuracy >= 2 * temporal.get("majority_share").asDouble(), "temporal " + temporal);
    for (JsonNode report :
        new JsonNode[] {
          holdout,
          temporal,
          m.at("/classifier/first_invoice/holdout"),
          m.at("/classifier/first_invoice/temporal")
        }) {
      Assertions.assertTrue(report.get("weighted_f1").asDouble() > 0, "weighted_f1 " + report);
      assertEquals(k, report.get("confusion_matrix").size());
      assertEquals(k, report.get("confusion_matrix").get(0).size());
    }
    Assertions.assertTrue(m.at("/products/silhouette").isNumber());
    Assertions.assertTrue(m.at("/baskets/train/excluded_non_positive").asLong() > 0);
  }

  private void assertIdenticalSegments() {
    Dataset<Row> first = segments("first");
    Dataset<Row> second = segments("second");
    assertEquals(first.count(), second.count());
    assertEquals(0, first.except(second).count());
  }

  private void assertModelsReloadAndPredictTheSame() {
    String models = dir.resolve("first/models").toString();
    Dataset<Row> table = spark().read().parquet(dir.resolve("first/segments").toString());
    Dataset<Row> predicted =
        PipelineModel.load(models + "/segmentation")
            .transform(table.drop("segment"))
            .select("customer_id", "segment");
    assertEquals(0, predicted.except(table.select("customer_id", "segment")).count());

    Dataset<Row> classified = PipelineModel.load(models + "/classifier").transform(table);
    Assertions.assertTrue(
        classified.filter("cast(predicted_segment as int) = segment").count()
            > 0.85 * table.count());
    PipelineModel.load(models + "/classifier_first_invoice");
    PipelineModel.load(models + "/product_categories");
  }

  private void assertOutputsAreComplete(JsonNode metrics) throws Exception {
    Dataset<Row> profiles =
        spark().read().parquet(dir.resolve("first/segment_profiles").toString());
    assertEquals(metrics.at("/segmentation/k").asLong(), profiles.count());
    assertEquals(0, profiles.filter("label IS NULL OR label = ''").count());
    Dataset<Row> products =
        spark().read().parquet(dir.resolve("first/product_categories").toString());
    assertEquals(metrics.at("/products/train").asLong(), products.count());
    JsonNode model =
        new ObjectMapper().readTree(new File(dir.resolve("first/models/model.json").toString()));
    assertEquals("2011-10-01", model.at("/training_window/cutoff").asText());
    // Four basket figures and the shares of the eight themes.
    assertEquals(12, model.at("/features/segmentation").size());
    assertEquals("themes", model.get("product_grouping").asText());
    assertEquals(6, model.get("price_bands").asInt());
    assertEquals(metrics.at("/segmentation/k").asInt(), model.at("/segments/k").asInt());
    Assertions.assertTrue(model.get("model_version").asText().endsWith("+first"));
    assertEquals(0, spark().read().parquet(dir.resolve("first/quarantine").toString()).count());
  }

  private Dataset<Row> segments(String runId) {
    return spark()
        .read()
        .parquet(dir.resolve(runId + "/segments").toString())
        .select("customer_id", "segment");
  }
}
