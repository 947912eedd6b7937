package dev.segmentation.job;

import static dev.segmentation.features.FeatureColumns.CUSTOMER_ID;
import static dev.segmentation.ingest.InvoiceColumns.INVOICE_TS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.not;

import dev.segmentation.ContractViolation;
import dev.segmentation.anticipation.Anticipator;
import dev.segmentation.anticipation.FollowUpRegressor;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.evaluate.SegmentProfiler;
import dev.segmentation.features.BasketTable;
import dev.segmentation.features.DescriptionUses;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.FirstPurchases;
import dev.segmentation.features.ProductTable;
import dev.segmentation.features.RepeatPurchases;
import dev.segmentation.ingest.InvoiceColumns;
import dev.segmentation.model.CustomerSegmenter;
import dev.segmentation.model.LifetimeValue;
import dev.segmentation.model.ProductCategories;
import dev.segmentation.model.SegmentClassifier;
import dev.segmentation.model.ValueBands;
import dev.segmentation.publish.ModelDirectory;
import dev.segmentation.publish.PublishedTables;
import dev.segmentation.publish.RunOutput;
import dev.segmentation.publish.WarehouseTable;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code score}: a batch of invoice lines and the models/ folder of a training run to one
 * prediction per new customer: the segment they will most likely belong to, from their first
 * invoice in the batch alone, and what they are expected to buy over the horizon. Writes {@code
 * predictions}, {@code quarantine} and {@code metrics.json} under {@code <output>/<run-id>/}.
 *
 * <p>Lines are read and cleaned exactly as in training; features come from the same {@link
 * FirstPurchases}; products never seen in training get the category the product model gives their
 * description and price, and are counted.
 */
public final class ScoreJob {

  public static final String PREDICTIONS = "predictions";

  /**
   * Columns of {@link #PREDICTIONS} besides the features; src/site/markdown/outputs.md documents
   * each.
   */
  public static final String KNOWN_CUSTOMER = "known_customer";

  /** BG/NBD × Gamma-Gamma's expected spend, beside the anticipation's {@code expected_spend}. */
  public static final String CLV_EXPECTED_SPEND = "clv_expected_spend";

  private static final String PROBABILITIES = "_probabilities";
  private static final String RANKED = "_ranked";

  private ScoreJob() {}

  public static ScoreResult run(SparkSession spark, JobConfig config) {
    if (config.score().model().isEmpty()) {
      throw new ContractViolation("score needs a model: --model URI (segmentation.score.model)");
    }
    try (RunRecord run = RunRecord.begin(spark, config, "score")) {
      return score(spark, config, run);
    }
  }

  private static ScoreResult score(SparkSession spark, JobConfig config, RunRecord run) {
    RunMetrics metrics = run.metrics();
    Checkpoints checkpoints = run.checkpoints();
    RunOutput output = new RunOutput(spark, config.output().root(), config.runId());
    ModelDirectory.Loaded model =
        metrics.time("load_model", () -> new ModelDirectory(config.score().model()).load(spark));
    metrics.put("model.location", model.location());
    metrics.put("model.version", model.modelVersion());

    PreparedLines lines =
        InvoicePreparation.prepare(
            spark, config, metrics, checkpoints, InvoicePreparation.SetAsideLines.COUNTED);
    Batch batch =
        metrics.time(
            "features",
            () -> baskets(lines, model, metrics, checkpoints),
            features -> RunMetrics.count(features.all(), "baskets"));
    Dataset<Row> firsts = new FirstPurchases(model.mix(), batch.end()).apply(batch.baskets());
    Dataset<Row> known =
        model.knownCustomers().select(col(CUSTOMER_ID), lit(true).as(KNOWN_CUSTOMER));
    Dataset<Row> flagged =
        checkpoints.materialise(
            firsts
                .join(known, CUSTOMER_ID, "left")
                .na()
                .fill(false, new String[] {KNOWN_CUSTOMER}));
    Map<Boolean, Long> customers = countBy(flagged, KNOWN_CUSTOMER);
    long knownCustomers = customers.getOrDefault(true, 0L);
    long newCustomers = customers.getOrDefault(false, 0L);
    metrics.put("customers.batch", knownCustomers + newCustomers);
    metrics.put("customers.known", knownCustomers);
    metrics.put("customers.new", newCustomers);
    Dataset<Row> toScore =
        config.score().knownCustomers() ? flagged : flagged.filter(not(col(KNOWN_CUSTOMER)));

    Dataset<Row> lifetimeValues =
        model
            .lifetimeValue()
            .apply(new RepeatPurchases(batch.end()).apply(batch.baskets()), batch.end())
            .select(
                col(CUSTOMER_ID),
                col(LifetimeValue.P_ALIVE),
                col(LifetimeValue.EXPECTED_PURCHASES),
                col(LifetimeValue.EXPECTED_SPEND).as(CLV_EXPECTED_SPEND),
                col(LifetimeValue.HORIZON),
                col(ValueBands.VALUE_BAND));
    Dataset<Row> predictions =
        metrics.time(
            "predict",
            () ->
                checkpoints.materialise(
                    predictionTable(
                        model.anticipator().apply(toScore).join(lifetimeValues, CUSTOMER_ID),
                        model,
                        config)),
            scored -> RunMetrics.count(checkpoints.rows(scored), "customers"));
    long scoredCustomers = checkpoints.rows(predictions);
    metrics.put("customers.scored", scoredCustomers);
    String scored = RunMetrics.count(scoredCustomers, "customers");
    metrics.put("anticipation.horizon", model.horizon().toString());
    metrics.time(
        "write",
        () -> {
          output.writeTable(PREDICTIONS, predictions);
          output.writeTable(IngestJob.QUARANTINE, lines.quarantine());
        },
        () -> scored);
    List<WarehouseTable.Published> published =
        Publication.publishIfEnabled(
            spark,
            config,
            metrics,
            PublishedTables.PREDICTIONS,
            () -> PublishedTables.select(predictions, PublishedTables.PREDICTIONS_COLUMNS),
            model.modelVersion(),
            Map.of(),
            scored);
    return new ScoreResult(
        metrics,
        lines.counts(),
        new ScoreResult.Customers(
            knownCustomers + newCustomers, knownCustomers, newCustomers, scoredCustomers),
        batch.products(),
        model.location(),
        published,
        run.finish(output));
  }

  /**
   * The batch's categorised, positive baskets.
   *
   * @param end the day after the batch's last line
   * @param all the batch's baskets, positive or not
   */
  private record Batch(
      Dataset<Row> baskets, LocalDate end, long all, ScoreResult.Products products) {}

  private static Batch baskets(
      PreparedLines lines,
      ModelDirectory.Loaded model,
      RunMetrics metrics,
      Checkpoints checkpoints) {
    Row range = lines.kept().agg(max(col(INVOICE_TS))).first();
    if (range.isNullAt(0)) {
      throw new ContractViolation(
          "no purchase line is left after cleaning the batch: nothing to score");
    }
    LocalDate batchEnd =
        range.getTimestamp(0).toInstant().atZone(ZoneOffset.UTC).toLocalDate().plusDays(1);
    Dataset<Row> products =
        checkpoints.materialise(
            model
                .productCategories()
                .categorise(new ProductTable().apply(new DescriptionUses().apply(lines.kept()))));
    Dataset<Row> categorised = ProductCategories.withCategories(lines.kept(), products);
    Map<Boolean, Long> byUnseen = countBy(products, ProductCategories.UNSEEN);
    ScoreResult.Products counts =
        new ScoreResult.Products(
            byUnseen.values().stream().mapToLong(Long::longValue).sum(),
            byUnseen.getOrDefault(true, 0L),
            lines
                .kept()
                .join(
                    products
                        .filter(col(ProductCategories.UNSEEN))
                        .select(InvoiceColumns.STOCK_CODE),
                    InvoiceColumns.STOCK_CODE)
                .count());
    metrics.put("products.batch", counts.batch());
    metrics.put("products.unseen", counts.unseen());
    metrics.put("lines.unseen_products", counts.unseenLines());
    Dataset<Row> baskets = checkpoints.materialise(new BasketTable(model.mix()).apply(categorised));
    Dataset<Row> positive = baskets.filter(BasketTable.positive());
    long all = checkpoints.rows(baskets);
    metrics.put("baskets.all", all);
    metrics.put("baskets.excluded_non_positive", all - positive.count());
    return new Batch(positive, batchEnd, all, counts);
  }

  /** Rows per value of a boolean column: one small aggregation, two rows at most. */
  private static Map<Boolean, Long> countBy(Dataset<Row> rows, String flag) {
    Map<Boolean, Long> counts = new HashMap<>();
    rows.groupBy(col(flag))
        .count()
        .collectAsList()
        .forEach(row -> counts.put(row.getBoolean(0), row.getLong(1)));
    return counts;
  }

  private static Dataset<Row> predictionTable(
      Dataset<Row> predicted, ModelDirectory.Loaded model, JobConfig config) {
    // Segments by probability, highest first (ties: lower segment), as (neg, segment, probability).
    Dataset<Row> ranked =
        predicted
            .withColumn(
                PROBABILITIES,
                functions.vector_to_array(col(SegmentClassifier.PROBABILITY), "float64"))
            .withColumn(
                RANKED,
                expr(
                    "slice(array_sort(transform("
                        + PROBABILITIES
                        + ", "
                        + "(p, i) -> named_struct('neg', -p, 'segment', i, 'probability', p))), 1, 3)"));
    List<Column> columns =
        new ArrayList<>(
            List.of(
                col(CUSTOMER_ID),
                col(FeatureColumns.FIRST_INVOICE_NO),
                col(FeatureColumns.FIRST_INVOICE_TS),
                col(Anticipator.PREDICTED_SEGMENT).as(CustomerSegmenter.SEGMENT),
                SegmentProfiler.labelOf(model.labels(), col(Anticipator.PREDICTED_SEGMENT))
                    .as(CustomerSegmenter.SEGMENT_LABEL)));
    for (int rank = 1; rank <= 3; rank++) {
      String suffix = rank == 1 ? "" : "_" + rank;
      if (rank > 1) {
        columns.add(
            col(RANKED)
                .getItem(rank - 1)
                .getField(CustomerSegmenter.SEGMENT)
                .as(CustomerSegmenter.SEGMENT + suffix));
      }
      columns.add(
          col(RANKED)
              .getItem(rank - 1)
              .getField("probability")
              .as(CustomerSegmenter.SEGMENT + suffix + "_probability"));
    }
    columns.add(col(Anticipator.EXPECTED_INVOICES));
    columns.add(col(Anticipator.EXPECTED_SPEND));
    columns.add(lit(model.horizon().toString()).as("horizon"));
    columns.add(col(LifetimeValue.P_ALIVE));
    columns.add(col(LifetimeValue.EXPECTED_PURCHASES));
    columns.add(col(CLV_EXPECTED_SPEND));
    columns.add(col(LifetimeValue.HORIZON));
    columns.add(col(ValueBands.VALUE_BAND));
    columns.add(col(KNOWN_CUSTOMER));
    columns.add(col(FeatureColumns.COUNTRY));
    // What the first-invoice classifier and the follow-up regressor read.
    for (String feature : FollowUpRegressor.firstPurchaseFeatures(model.mix())) {
      columns.add(col(feature));
    }
    columns.add(lit(config.runId()).as("run_id"));
    columns.add(lit(model.modelVersion()).as("model_version"));
    return ranked.select(columns.toArray(Column[]::new));
  }
}
