package dev.segmentation.ids;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.model.CustomerSegmenter;
import dev.segmentation.publish.ModelDirectory;
import dev.segmentation.publish.PublishedTables;
import dev.segmentation.publish.RunOutput;
import dev.segmentation.publish.WarehouseTable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives a training run's segments the ids of the previous model's matching segments (see {@link
 * SegmentIdMatching}), and counts how many customers moved from which previous segment to which new
 * one ({@code segmentation.migration}, previous id to new id to customers).
 */
public final class SegmentIds {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentIds.class);

  private final SparkSession spark;
  private final JobConfig config;
  private final RunMetrics metrics;

  public SegmentIds(SparkSession spark, JobConfig config, RunMetrics metrics) {
    this.spark = spark;
    this.config = config;
    this.metrics = metrics;
  }

  /** The previous model's centres by segment id, and the rows of its published snapshot if any. */
  private record Previous(
      String models, Map<Integer, double[]> centres, Optional<Dataset<Row>> snapshot) {}

  /**
   * The search's model with stable ids.
   *
   * @param ids segment index (as k-means numbers it) to the segment id given to it
   */
  public record Stable(CustomerSegmenter.Result result, Map<Integer, Integer> ids) {

    /** Rows and columns of a confusion matrix: one per segment id up to the largest. */
    public int idCount() {
      return ids.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
    }
  }

  public Stable stabilise(CustomerSegmenter.Result result, Dataset<Row> customers) {
    Optional<Previous> previous = previous();
    Map<Integer, Integer> ids;
    if (previous.isPresent()) {
      SegmentIdMatching.Matching matching =
          SegmentIdMatching.match(
              CustomerSegmenter.centres(result.model()),
              previous.get().centres(),
              CustomerSegmenter.scale(result.model()),
              config.stableIds().maxDistance());
      ids = matching.ids();
      metrics.put("segmentation.ids_matched_to", previous.get().models());
      Map<String, Object> distances = new TreeMap<>();
      matching
          .distances()
          .forEach((index, d) -> distances.put(String.valueOf(index), RunMetrics.rounded(d)));
      // By segment index: the distance to the previous segment the assignment paired it with.
      metrics.put("segmentation.id_match_distances", distances);
    } else {
      ids = CustomerSegmenter.identityIds(result.k());
      metrics.put("segmentation.ids_matched_to", "none");
    }
    metrics.put("segmentation.ids", byIndex(ids));
    PipelineModel model = CustomerSegmenter.withIds(result.model(), ids);
    previous
        .flatMap(Previous::snapshot)
        .ifPresent(snapshot -> recordMigration(snapshot, model.transform(customers)));
    return new Stable(result.withModel(model), Map.copyOf(ids));
  }

  /** Segment index to id, keyed by the index as text, as metrics.json and model.json hold them. */
  public static Map<String, Object> byIndex(Map<Integer, Integer> ids) {
    Map<String, Object> byIndex = new LinkedHashMap<>();
    new TreeMap<>(ids).forEach((index, id) -> byIndex.put(String.valueOf(index), id));
    return byIndex;
  }

  private Optional<Previous> previous() {
    String models = config.stableIds().previousModels();
    Optional<Dataset<Row>> snapshot = Optional.empty();
    if (models.isEmpty() && config.publish().enabled()) {
      Optional<WarehouseTable.Current> current =
          WarehouseTable.of(spark, config.publish(), PublishedTables.SEGMENTS).current();
      if (current.isPresent()) {
        models = modelsBehind(current.get().details());
        snapshot = Optional.of(current.get().rows());
      }
    }
    if (models.isEmpty()) {
      return Optional.empty();
    }
    ModelDirectory directory = new ModelDirectory(models);
    if (!directory.exists(spark)) {
      // Run folders age out; ids then start afresh, and the metrics say why.
      LOG.warn("the previous models {} are gone; segment ids are not matched to them", models);
      metrics.put("segmentation.ids_previous_missing", models);
      return Optional.empty();
    }
    JsonNode description = directory.description(spark);
    String difference = difference(description);
    if (!difference.isEmpty()) {
      // Centres of other features, or of other categories, measure other things: nothing to match.
      LOG.warn("segment ids are not matched to {}: {}", models, difference);
      metrics.put("segmentation.ids_previous_incompatible", models + ": " + difference);
      return Optional.empty();
    }
    JsonNode ids = description.path("segments").path("ids");
    double[][] centres =
        CustomerSegmenter.centres(
            PipelineModel.load(directory.pathOf(ModelDirectory.SEGMENTATION)));
    Map<Integer, double[]> byId = new TreeMap<>();
    for (int index = 0; index < centres.length; index++) {
      byId.put(ids.path(String.valueOf(index)).asInt(index), centres[index]);
    }
    return Optional.of(new Previous(models, byId, snapshot));
  }

  /** What makes the previous models' segments incomparable with this run's, or "". */
  private String difference(JsonNode previous) {
    String grouping = config.products().grouping().name().toLowerCase(Locale.ROOT);
    if (previous.path("format_version").asInt(-1) != ModelDirectory.FORMAT_VERSION) {
      return "format version " + previous.path("format_version").asText("none");
    }
    if (!previous.path("product_grouping").asText().equals(grouping)
        || previous.path("product_categories").asInt() != config.products().categories()) {
      return "other product categories";
    }
    List<String> features = new ArrayList<>();
    previous.path("features").path("segmentation").forEach(f -> features.add(f.asText()));
    return features.equals(config.segments().features()) ? "" : "other features " + features;
  }

  /**
   * The models/ folder a published snapshot names; a Parquet table records only the run id, whose
   * run folder is under this run's output root.
   */
  private String modelsBehind(Map<String, String> details) {
    if (details.containsKey(WarehouseTable.MODELS)) {
      return details.get(WarehouseTable.MODELS);
    }
    String runId = details.getOrDefault(WarehouseTable.RUN_ID, "");
    return runId.isEmpty()
        ? ""
        : new RunOutput(spark, config.output().root(), runId).pathOf(ModelDirectory.FOLDER);
  }

  /** Customers of the previous snapshot and of this run, counted by previous and new segment. */
  private void recordMigration(Dataset<Row> snapshot, Dataset<Row> segmented) {
    Dataset<Row> before =
        snapshot.select(
            col(FeatureColumns.CUSTOMER_ID), col(CustomerSegmenter.SEGMENT).as("_previous"));
    Map<String, Map<String, Long>> migration = new TreeMap<>();
    long customers = 0;
    for (Row row :
        segmented
            .select(FeatureColumns.CUSTOMER_ID, CustomerSegmenter.SEGMENT)
            .join(before, FeatureColumns.CUSTOMER_ID)
            .groupBy("_previous", CustomerSegmenter.SEGMENT)
            .count()
            .collectAsList()) {
      migration
          .computeIfAbsent(String.valueOf(row.getInt(0)), key -> new TreeMap<>())
          .put(String.valueOf(row.getInt(1)), row.getLong(2));
      customers += row.getLong(2);
    }
    metrics.put("segmentation.migration", migration);
    metrics.put("segmentation.migration_customers", customers);
  }
}
