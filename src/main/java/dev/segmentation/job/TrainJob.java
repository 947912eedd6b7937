package dev.segmentation.job;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.segmentation.BuildInfo;
import dev.segmentation.ConcurrentJobs;
import dev.segmentation.anticipation.AnticipationBacktest;
import dev.segmentation.anticipation.Anticipator;
import dev.segmentation.anticipation.FollowUpRegressor;
import dev.segmentation.anticipation.SegmentFollowUp;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.JobConfig.Predictor;
import dev.segmentation.evaluate.ClassificationReport;
import dev.segmentation.evaluate.ClusterQuality;
import dev.segmentation.evaluate.HoldoutSplit;
import dev.segmentation.evaluate.LifetimeValueBacktest;
import dev.segmentation.evaluate.QualityGate;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.evaluate.SegmentProfiler;
import dev.segmentation.features.CustomerFeatures;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.FirstPurchases;
import dev.segmentation.features.ProductMix;
import dev.segmentation.features.ProductTable;
import dev.segmentation.ids.SegmentIds;
import dev.segmentation.job.LifetimeValueSteps.Lifetime;
import dev.segmentation.model.CategoryWords;
import dev.segmentation.model.CustomerSegmenter;
import dev.segmentation.model.LifetimeValue;
import dev.segmentation.model.ProductCategoryModel;
import dev.segmentation.model.SegmentClassifier;
import dev.segmentation.model.ValueBands;
import dev.segmentation.publish.ModelDirectory;
import dev.segmentation.publish.PublishedTables;
import dev.segmentation.publish.RunOutput;
import dev.segmentation.publish.WarehouseTable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code train}: product categories, customer features, segments, the segment classifiers, their
 * evaluation, and every output under {@code <output>/<run-id>/}.
 */
public final class TrainJob {

  public static final String SEGMENTS = "segments";
  public static final String SEGMENT_PROFILES = "segment_profiles";
  public static final String PRODUCT_CATEGORIES = "product_categories";
  public static final String FIRST_PURCHASES = "first_purchases";

  private static final String HOLDOUT = "_holdout";

  private final SparkSession spark;
  private final JobConfig config;
  private final RunRecord record;
  private final RunMetrics metrics;
  private final Checkpoints checkpoints;
  private final RunOutput output;
  private final String modelVersion;

  private TrainJob(SparkSession spark, JobConfig config) {
    this.spark = spark;
    this.config = config;
    this.record = RunRecord.begin(spark, config, "train");
    this.metrics = record.metrics();
    this.checkpoints = record.checkpoints();
    this.output = new RunOutput(spark, config.output().root(), config.runId());
    this.modelVersion = BuildInfo.version() + "+" + config.runId();
  }

  public static TrainResult run(SparkSession spark, JobConfig config) {
    TrainJob job = new TrainJob(spark, config);
    try (job.record) {
      return job.run();
    }
  }

  private TrainResult run() {
    TrainingData data = TrainingData.prepare(spark, config, metrics, checkpoints);
    LifetimeValueSteps lifetimeValue =
        new LifetimeValueSteps(config, metrics, checkpoints, data.window());
    Dataset<Row> customers =
        metrics.time(
            "customer_features",
            () ->
                checkpoints.materialise(
                    new CustomerFeatures(mix(), data.window().cutoff()).apply(data.trainBaskets())),
            this::customerCount);
    long customerCount = checkpoints.rows(customers);
    metrics.put("customers.train", customerCount);
    String trainCustomers = RunMetrics.count(customerCount, "customers");
    Lifetime lifetime =
        metrics.time("lifetime_value", () -> lifetimeValue.fit(data), fitted -> trainCustomers);

    CustomerSegmenter.Result search =
        metrics.time(
            "k_search",
            () -> searchK(customers),
            result ->
                "k = "
                    + result.k()
                    + ", "
                    + RunMetrics.count(result.searched(), "customers searched"));
    SegmentIds.Stable stable =
        metrics.time(
            "segment_ids",
            () -> new SegmentIds(spark, config, metrics).stabilise(search, customers),
            ids -> ids.ids().size() + " segment ids");
    Assigned assigned =
        metrics.time(
            "assign_segments", () -> assign(stable.result(), customers), result -> trainCustomers);
    Dataset<Row> segmented = assigned.segmented();
    Optional<LifetimeValueBacktest.Result> lifetimeValueBacktest = Optional.empty();
    if (config.clv().backtest()) {
      lifetimeValueBacktest =
          Optional.of(
              metrics.time(
                  "clv_backtest",
                  () -> lifetimeValue.backtest(data, stable.result().model()),
                  result -> RunMetrics.count(result.customers(), "customers")));
    }
    Dataset<Row> labels = segmented.select(FeatureColumns.CUSTOMER_ID, CustomerSegmenter.SEGMENT);
    Dataset<Row> firstPurchases = data.firstPurchases().join(labels, FeatureColumns.CUSTOMER_ID);
    int segmentCount = stable.idCount();
    Classifiers classifiers =
        metrics.time(
            "classifier",
            () -> trainClassifiers(segmented, firstPurchases, segmentCount),
            fitted -> trainCustomers);
    Temporal temporal =
        metrics.time(
            "temporal_test",
            () -> temporalTest(data, stable.result().model(), classifiers, segmentCount),
            tested -> RunMetrics.count(tested.customers(), "later customers"));
    Anticipation anticipation =
        metrics.time(
            "anticipation",
            () -> anticipate(data, customers, firstPurchases, stable.result().k()),
            anticipated -> RunMetrics.count(anticipated.fullFollowUp(), "customers followed up"));

    Map<Integer, String> segmentLabels =
        metrics.time(
            "write",
            () ->
                write(data, segmented, lifetime, firstPurchases, stable, classifiers, anticipation),
            written -> trainCustomers);
    TrainResult.Segments segments =
        new TrainResult.Segments(
            stable.result().k(),
            stable.result().chosen().silhouette(),
            assigned.quality().daviesBouldin(),
            new TreeMap<>(assigned.quality().sizes()),
            segmentLabels);
    QualityGate.Outcome gate =
        new QualityGate(config.gate())
            .check(
                new QualityGate.Evidence(
                    RunMetrics.rounded(segments.silhouette()),
                    RunMetrics.rounded(temporal.fromHistory().accuracy()),
                    segments.largest(),
                    customerCount,
                    data.lines()));
    gate.writeTo(metrics);
    List<WarehouseTable.Published> published =
        gate.passed()
            ? Publication.publishIfEnabled(
                spark,
                config,
                metrics,
                PublishedTables.SEGMENTS,
                () ->
                    PublishedTables.select(
                        segmentTable(segmented, lifetime, segmentLabels),
                        PublishedTables.SEGMENTS_COLUMNS),
                modelVersion,
                Map.of(WarehouseTable.MODELS, output.pathOf(ModelDirectory.FOLDER)),
                trainCustomers)
            : List.of();
    String location = record.finish(output);
    Optional<String> report = Optional.empty();
    if (config.report().enabled()) {
      report = Optional.of(ReportJob.write(spark, output, config.train().seed()));
      metrics.put("report", report.get());
    }
    return new TrainResult(
        metrics,
        data.lines(),
        data.window(),
        customerCount,
        segments,
        new TrainResult.Classifiers(
            classifiers.holdout(),
            temporal.fromHistory(),
            classifiers.firstInvoiceHoldout(),
            temporal.fromFirstInvoice()),
        lifetime.model(),
        new BacktestResult(metrics, anticipation.backtest(), lifetimeValueBacktest, location),
        gate,
        published,
        report,
        record.totalSeconds(),
        location);
  }

  // ---- segments ----------------------------------------------------------------------------

  private CustomerSegmenter.Result searchK(Dataset<Row> customers) {
    CustomerSegmenter.Result result =
        new CustomerSegmenter(config.segments(), config.train()).fit(customers);
    Map<String, Object> byK = new LinkedHashMap<>();
    for (CustomerSegmenter.KScore score : result.scores()) {
      byK.put(String.valueOf(score.k()), RunMetrics.rounded(score.silhouette()));
    }
    metrics.put("segmentation.algorithm", config.segments().algorithm().name().toLowerCase());
    metrics.put("segmentation.features", config.segments().features());
    metrics.put("segmentation.k", result.k());
    metrics.put("segmentation.silhouette_by_k", byK);
    metrics.put("segmentation.largest_share_by_k", largestShares(result));
    metrics.put("segmentation.search_customers", result.searched());
    // The saved model's own silhouette, by ClusteringEvaluator on every customer.
    metrics.put("segmentation.silhouette", RunMetrics.rounded(result.chosen().silhouette()));
    metrics.put("segmentation.largest_share", RunMetrics.rounded(result.chosen().largestShare()));
    metrics.put("segmentation.balanced", result.chosen().accepted());
    return result;
  }

  private static Map<String, Object> largestShares(CustomerSegmenter.Result result) {
    Map<String, Object> shares = new LinkedHashMap<>();
    result
        .scores()
        .forEach(s -> shares.put(String.valueOf(s.k()), RunMetrics.rounded(s.largestShare())));
    return shares;
  }

  /** Every training customer in a segment, with the sizes and Davies–Bouldin index that gives. */
  private record Assigned(Dataset<Row> segmented, ClusterQuality quality) {}

  private Assigned assign(CustomerSegmenter.Result result, Dataset<Row> customers) {
    Dataset<Row> segmented = checkpoints.materialise(result.model().transform(customers));
    ClusterQuality quality =
        ClusterQuality.of(segmented, CustomerSegmenter.SCALED, CustomerSegmenter.SEGMENT);
    Map<String, Long> sizes = bySegmentId();
    quality.sizes().forEach((segment, size) -> sizes.put(String.valueOf(segment), size));
    metrics.put("segmentation.sizes", sizes);
    metrics.put("segmentation.davies_bouldin", RunMetrics.rounded(quality.daviesBouldin()));
    return new Assigned(segmented, quality);
  }

  // ---- classifiers -------------------------------------------------------------------------

  /**
   * Both variants: from the customer's mean basket (the notebook's), and from the first invoice,
   * each with its report on the held-out training customers.
   */
  private record Classifiers(
      PipelineModel fromHistory,
      PipelineModel fromFirstInvoice,
      ClassificationReport holdout,
      ClassificationReport firstInvoiceHoldout) {}

  /** A fitted classifier and its report on the held-out customers. */
  private record Fitted(PipelineModel model, ClassificationReport holdout) {}

  private Classifiers trainClassifiers(
      Dataset<Row> segmented, Dataset<Row> firstPurchases, int segments) {
    Column holdout = HoldoutSplit.heldOut(config.train().seed(), config.train().holdoutFraction());
    List<Fitted> fitted =
        ConcurrentJobs.run(
            2,
            List.of(
                () ->
                    fitAndReport(
                        segmented.withColumn(HOLDOUT, holdout), "classifier.holdout", segments),
                () ->
                    fitAndReport(
                        firstPurchases.withColumn(HOLDOUT, holdout),
                        "classifier.first_invoice.holdout",
                        segments)));
    metrics.put("classifier.features", config.classifier().features());
    return new Classifiers(
        fitted.get(0).model(),
        fitted.get(1).model(),
        fitted.get(0).holdout(),
        fitted.get(1).holdout());
  }

  private Fitted fitAndReport(Dataset<Row> labelled, String metricPath, int segments) {
    PipelineModel model =
        new SegmentClassifier(config.classifier().features(), config.classifier(), config.train())
            .fit(labelled.filter(col(HOLDOUT).equalTo(false)));
    return new Fitted(
        model, report(model.transform(labelled.filter(col(HOLDOUT))), metricPath, segments));
  }

  private ClassificationReport report(Dataset<Row> predictions, String metricPath, int segments) {
    ClassificationReport report =
        ClassificationReport.of(
            predictions, CustomerSegmenter.SEGMENT, SegmentClassifier.PREDICTED_SEGMENT, segments);
    metrics.put(metricPath, report.toMap());
    return report;
  }

  // ---- temporal test -----------------------------------------------------------------------

  /** Both classifiers on the later window's customers. */
  private record Temporal(
      long customers, ClassificationReport fromHistory, ClassificationReport fromFirstInvoice) {}

  /**
   * The notebook's test: customers of the later window, described the same way (invoice counts
   * scaled to the training window's length), get their "true" segment from the fitted segmentation
   * and a predicted one from the classifier.
   */
  private Temporal temporalTest(
      TrainingData data, PipelineModel segmentation, Classifiers classifiers, int segments) {
    TrainingWindow window = data.window();
    Dataset<Row> baskets = data.testBaskets();
    CustomerFeatures features = new CustomerFeatures(mix(), window.end());
    Dataset<Row> actual =
        checkpoints.materialise(
            segmentation.transform(scaleInvoiceCounts(features.apply(baskets), window)));
    long tested = checkpoints.rows(actual);
    metrics.put("customers.test", tested);
    ClassificationReport fromHistory =
        report(classifiers.fromHistory().transform(actual), "classifier.temporal", segments);

    Dataset<Row> firstInvoice =
        new FirstPurchases(mix(), window.end())
            .apply(baskets)
            .join(
                actual.select(FeatureColumns.CUSTOMER_ID, CustomerSegmenter.SEGMENT),
                FeatureColumns.CUSTOMER_ID);
    ClassificationReport fromFirstInvoice =
        report(
            classifiers.fromFirstInvoice().transform(firstInvoice),
            "classifier.first_invoice.temporal",
            segments);
    return new Temporal(tested, fromHistory, fromFirstInvoice);
  }

  private static Dataset<Row> scaleInvoiceCounts(Dataset<Row> customers, TrainingWindow window) {
    Column scaled = col(FeatureColumns.INVOICE_COUNT).multiply(window.invoiceCountScale());
    return customers
        .withColumn(FeatureColumns.INVOICE_COUNT, scaled)
        .withColumn(FeatureColumns.FREQUENCY, scaled);
  }

  // ---- anticipation ----------------------------------------------------------------------

  /**
   * Per segment what its customers bought after their first purchase, and how to predict it.
   *
   * @param backtest the backtest that chose the predictors, when it ran
   * @param fullFollowUp customers whose first purchase leaves a full horizon of follow-up
   */
  private record Anticipation(
      Dataset<Row> expectations,
      Optional<PipelineModel> regressor,
      Anticipator.Choice choice,
      Optional<AnticipationBacktest.Result> backtest,
      long fullFollowUp) {}

  private Anticipation anticipate(
      TrainingData data, Dataset<Row> customers, Dataset<Row> firstPurchases, int k) {
    Dataset<Row> expectations =
        checkpoints.materialise(new SegmentFollowUp().apply(firstPurchases));
    // The backtest decides whether the regressor is used; fitting it meanwhile costs nothing on
    // a cluster that the backtest's many small jobs leave mostly idle.
    ConcurrentJobs.Both<Optional<AnticipationBacktest.Result>, Optional<PipelineModel>> results =
        ConcurrentJobs.both(
            () ->
                config.anticipation().backtest()
                    ? Optional.of(
                        new AnticipationBacktest(config, checkpoints::materialise)
                            .run(data.firstPurchases(), customers, k))
                    : Optional.empty(),
            () ->
                mayUseRegressor()
                    ? Optional.of(
                        new FollowUpRegressor(mix(), config.anticipation(), config.train())
                            .fit(firstPurchases.filter(col(FeatureColumns.FULL_FOLLOWUP))))
                    : Optional.empty());
    Optional<AnticipationBacktest.Result> backtest = results.first();
    backtest.ifPresent(result -> result.writeTo(metrics));
    Anticipator.Choice choice =
        backtest.map(AnticipationBacktest.Result::choice).orElseGet(this::configuredChoice);
    Optional<PipelineModel> regressor =
        choice.needsRegressor() ? results.second() : Optional.empty();
    long fullFollowUp = firstPurchases.filter(col(FeatureColumns.FULL_FOLLOWUP)).count();
    metrics.put("anticipation.horizon", config.anticipation().horizon().toString());
    metrics.put("anticipation.predictor.invoices", AnticipationBacktest.label(choice.invoices()));
    metrics.put("anticipation.predictor.spend", AnticipationBacktest.label(choice.spend()));
    metrics.put("anticipation.customers_full_followup", fullFollowUp);
    return new Anticipation(expectations, regressor, choice, backtest, fullFollowUp);
  }

  private boolean mayUseRegressor() {
    Predictor configured = config.anticipation().predictor();
    return configured == Predictor.REGRESSOR
        || (configured == Predictor.AUTO && config.anticipation().backtest());
  }

  /** Without a backtest to decide, auto falls back to the segment median. */
  private Anticipator.Choice configuredChoice() {
    Predictor configured = config.anticipation().predictor();
    Predictor predictor = configured == Predictor.AUTO ? Predictor.SEGMENT_MEDIAN : configured;
    return new Anticipator.Choice(predictor, predictor);
  }

  // ---- outputs -----------------------------------------------------------------------------

  /** Writes every output of the run folder; returns each segment id's label. */
  private Map<Integer, String> write(
      TrainingData data,
      Dataset<Row> segmented,
      Lifetime lifetime,
      Dataset<Row> firstPurchases,
      SegmentIds.Stable segmentation,
      Classifiers classifiers,
      Anticipation anticipation) {
    Dataset<Row> profiles =
        new SegmentProfiler(
                mix(),
                data.categoryWords().names(),
                config.products().priceBandNames(),
                config.clv().horizon())
            .apply(segmented.join(lifetime.values(), FeatureColumns.CUSTOMER_ID));
    Map<Integer, String> labels = new TreeMap<>();
    profiles
        .collectAsList()
        .forEach(row -> labels.put(row.getInt(0), row.getAs(SegmentProfiler.LABEL)));
    metrics.put("segmentation.labels", byText(labels));
    ModelDirectory models = new ModelDirectory(output.pathOf(ModelDirectory.FOLDER));
    ConcurrentJobs.run(
        4,
        List.<Callable<Void>>of(
            () -> write(IngestJob.QUARANTINE, data.quarantine()),
            () -> write(SEGMENTS, segmentTable(segmented, lifetime, labels)),
            () -> write(SEGMENT_PROFILES, profiles),
            () -> write(PRODUCT_CATEGORIES, productCategoriesTable(data)),
            () -> write(FIRST_PURCHASES, firstPurchases),
            () -> {
              models.save(
                  new ModelDirectory.Contents(
                      data.categories(),
                      segmentation.result().model(),
                      classifiers.fromHistory(),
                      classifiers.fromFirstInvoice(),
                      anticipation.expectations(),
                      anticipation.regressor(),
                      segmented.select(FeatureColumns.CUSTOMER_ID, CustomerSegmenter.SEGMENT)));
              return null;
            }));
    output.writeText(
        ModelDirectory.FOLDER + "/" + ModelDirectory.DESCRIPTION,
        modelDescription(
                data.window(), segmentation, labels, anticipation.choice(), lifetime.model())
            .toJson());
    return labels;
  }

  private Void write(String table, Dataset<Row> rows) {
    output.writeTable(table, rows);
    return null;
  }

  /** The segmented customers with their expected future: one row each, as published. */
  private Dataset<Row> segmentTable(
      Dataset<Row> segmented, Lifetime lifetime, Map<Integer, String> labels) {
    List<Column> segmentColumns =
        new ArrayList<>(List.of(col(FeatureColumns.CUSTOMER_ID), col(CustomerSegmenter.SEGMENT)));
    FeatureColumns.all(mix()).forEach(name -> segmentColumns.add(col(name)));
    segmentColumns.add(
        SegmentProfiler.labelOf(labels, col(CustomerSegmenter.SEGMENT))
            .as(CustomerSegmenter.SEGMENT_LABEL));
    segmentColumns.add(lit(config.runId()).as("run_id"));
    segmentColumns.add(lit(modelVersion).as("model_version"));
    segmentColumns.add(col(LifetimeValue.P_ALIVE));
    segmentColumns.add(col(LifetimeValue.EXPECTED_PURCHASES));
    segmentColumns.add(col(LifetimeValue.EXPECTED_SPEND));
    segmentColumns.add(lit(config.clv().horizon().toString()).as(LifetimeValue.HORIZON));
    segmentColumns.add(col(ValueBands.VALUE_BAND));
    return segmented
        .join(lifetime.values(), FeatureColumns.CUSTOMER_ID)
        .select(segmentColumns.toArray(Column[]::new));
  }

  /** What a scorer needs to know besides the pipelines: features, window, labels, quality. */
  private RunMetrics modelDescription(
      TrainingWindow window,
      SegmentIds.Stable segmentation,
      Map<Integer, String> labels,
      Anticipator.Choice choice,
      LifetimeValue.Model lifetimeValue) {
    RunMetrics description =
        new RunMetrics()
            .put("format_version", ModelDirectory.FORMAT_VERSION)
            .put("model_version", modelVersion)
            .put("code_version", BuildInfo.version())
            .put("run_id", config.runId())
            .put("training_window.start", window.start().toString())
            .put("training_window.cutoff", window.cutoff().toString())
            .put("training_window.end", window.end().toString())
            .put("product_grouping", config.products().grouping().name().toLowerCase(Locale.ROOT))
            .put("product_categories", mix().categories())
            .put("price_bands", mix().priceBands())
            .put("features.segmentation", config.segments().features())
            .put("features.classifier", config.classifier().features())
            .put("segments.k", segmentation.result().k())
            .put("segments.labels", byText(labels))
            .put("segments.ids", SegmentIds.byIndex(segmentation.ids()))
            .put("anticipation.horizon", config.anticipation().horizon().toString())
            .put("anticipation.predictor.invoices", AnticipationBacktest.label(choice.invoices()))
            .put("anticipation.predictor.spend", AnticipationBacktest.label(choice.spend()))
            // Unrounded: score applies them.
            .put("clv.horizon", lifetimeValue.horizon().toString())
            .put("clv.bgnbd.r", lifetimeValue.purchases().r())
            .put("clv.bgnbd.alpha", lifetimeValue.purchases().alpha())
            .put("clv.bgnbd.a", lifetimeValue.purchases().a())
            .put("clv.bgnbd.b", lifetimeValue.purchases().b())
            .put("clv.gamma_gamma.p", lifetimeValue.spend().p())
            .put("clv.gamma_gamma.q", lifetimeValue.spend().q())
            .put("clv.gamma_gamma.gamma", lifetimeValue.spend().gamma())
            .put("clv.value_bands.medium", lifetimeValue.bands().medium())
            .put("clv.value_bands.high", lifetimeValue.bands().high());
    // For whoever inspects a model folder: the training run's figures it was chosen by.
    description.put(
        "metrics",
        metrics.sections(
            List.of("customers", "segmentation", "classifier", "products", "backtest")));
    return description;
  }

  private Dataset<Row> productCategoriesTable(TrainingData data) {
    Dataset<Row> words =
        data.categoryWords()
            .table()
            .withColumnRenamed(CategoryWords.NAME, "category_name")
            .withColumnRenamed(CategoryWords.TOP_WORDS, "category_top_words");
    return data.products()
        .select(
            col("stock_code"),
            col("description"),
            col(ProductTable.MEAN_UNIT_PRICE),
            col(ProductCategoryModel.PRICE_BAND)
                .cast(DataTypes.IntegerType)
                .as(ProductCategoryModel.PRICE_BAND),
            col(ProductCategoryModel.CATEGORY))
        .join(words, ProductCategoryModel.CATEGORY);
  }

  // ---- small helpers -----------------------------------------------------------------------

  private String customerCount(Dataset<Row> customers) {
    return RunMetrics.count(checkpoints.rows(customers), "customers");
  }

  /** Keyed by segment id as text, in numeric order (10 after 9, not after 1). */
  private static <V> Map<String, V> bySegmentId() {
    return new TreeMap<>(Comparator.comparingInt(Integer::parseInt));
  }

  private static <V> Map<String, V> byText(Map<Integer, V> bySegment) {
    Map<String, V> byText = bySegmentId();
    bySegment.forEach((segment, value) -> byText.put(String.valueOf(segment), value));
    return byText;
  }

  private ProductMix mix() {
    return config.products().mix();
  }
}
