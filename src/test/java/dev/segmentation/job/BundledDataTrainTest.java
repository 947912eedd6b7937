package dev.segmentation.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segmentation.SparkTestBase;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import java.io.File;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train} on the full bundled data: the quality floor, determinism, reloadable models. */
class BundledDataTrainTest extends SparkTestBase {

  @TempDir Path dir;

  @Test
  void reachesTheQualityFloorTwiceWithIdenticalSegmentsAndReloadableModels() throws Exception {
    TrainJob.run(spark(), config("first"));
    TrainJob.run(spark(), config("second"));

    JsonNode metrics = new ObjectMapper().readTree(dir.resolve("first/metrics.json").toFile());
    assertQuality(metrics);
    assertIdenticalSegments();
    assertModelsReloadAndPredictTheSame();
    assertOutputsAreComplete(metrics);
  }

  private JobConfig config(String runId) {
    return TestConfigs.withOverrides(Map.of(
        "segmentation.output.root", dir.toString(), "segmentation.run-id", runId));
  }

  private static void assertQuality(JsonNode m) {
    Assertions.assertTrue(m.at("/customers/train").asLong() >= 3_500, "customers " + m.at("/customers"));
    JsonNode seg = m.get("segmentation");
    int k = seg.get("k").asInt();
    Assertions.assertTrue(k >= 3 && k <= 15, "k " + k);
    Assertions.assertTrue(seg.get("silhouette").asDouble() >= 0.20, "silhouette " + seg);
    assertEquals(13, seg.get("silhouette_by_k").size());
    Assertions.assertTrue(seg.get("davies_bouldin").asDouble() > 0, "davies_bouldin " + seg);
    long customers = m.at("/customers/train").asLong();
    long total = 0;
    for (JsonNode size : seg.get("sizes")) {
      Assertions.assertTrue(size.asLong() <= customers / 2, "a segment above 50%: " + seg.get("sizes"));
      total += size.asLong();
    }
    assertEquals(customers, total);
    assertEquals(k, seg.get("sizes").size());

    JsonNode holdout = m.at("/classifier/holdout");
    Assertions.assertTrue(holdout.get("accuracy").asDouble() >= 0.85, "holdout " + holdout);
    JsonNode temporal = m.at("/classifier/temporal");
    double accuracy = temporal.get("accuracy").asDouble();
    Assertions.assertTrue(accuracy >= 0.72, "temporal " + temporal);
    Assertions.assertTrue(accuracy >= 2 * temporal.get("majority_share").asDouble(), "temporal " + temporal);
    for (JsonNode report : new JsonNode[] {holdout, temporal,
        m.at("/classifier/first_invoice/holdout"), m.at("/classifier/first_invoice/temporal")}) {
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
    Dataset<Row> predicted = PipelineModel.load(models + "/segmentation").transform(table.drop("segment"))
        .select("customer_id", "segment");
    assertEquals(0, predicted.except(table.select("customer_id", "segment")).count());

    Dataset<Row> classified = PipelineModel.load(models + "/classifier").transform(table);
    Assertions.assertTrue(classified.filter("cast(predicted_segment as int) = segment").count()
        > 0.85 * table.count());
    PipelineModel.load(models + "/classifier_first_invoice");
    PipelineModel.load(models + "/product_categories");
  }

  private void assertOutputsAreComplete(JsonNode metrics) throws Exception {
    Dataset<Row> profiles = spark().read().parquet(dir.resolve("first/segment_profiles").toString());
    assertEquals(metrics.at("/segmentation/k").asLong(), profiles.count());
    assertEquals(0, profiles.filter("label IS NULL OR label = ''").count());
    Dataset<Row> products = spark().read().parquet(dir.resolve("first/product_categories").toString());
    assertEquals(metrics.at("/products/train").asLong(), products.count());
    JsonNode model = new ObjectMapper().readTree(new File(dir.resolve("first/models/model.json").toString()));
    assertEquals("2011-10-01", model.at("/training_window/cutoff").asText());
    assertEquals(9, model.at("/features/segmentation").size());
    assertEquals(metrics.at("/segmentation/k").asInt(), model.at("/segments/k").asInt());
    Assertions.assertTrue(model.get("model_version").asText().endsWith("+first"));
    assertEquals(0, spark().read().parquet(dir.resolve("first/quarantine").toString()).count());
  }

  private Dataset<Row> segments(String runId) {
    return spark().read().parquet(dir.resolve(runId + "/segments").toString())
        .select("customer_id", "segment");
  }
}
