package dev.segmentation.job;

import static dev.segmentation.ingest.InvoiceColumns.INVOICE_TS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.xxhash64;

import dev.segmentation.BuildInfo;
import dev.segmentation.ConcurrentJobs;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.ClassificationReport;
import dev.segmentation.evaluate.ClusterQuality;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.evaluate.SegmentProfiler;
import dev.segmentation.features.BasketTable;
import dev.segmentation.features.CustomerFeatures;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.ProductTable;
import dev.segmentation.model.CustomerSegmenter;
import dev.segmentation.model.ProductCategories;
import dev.segmentation.model.ProductCategoryModel;
import dev.segmentation.model.SegmentClassifier;
import dev.segmentation.publish.ModelDirectory;
import dev.segmentation.publish.RunOutput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * {@code train}: product categories, customer features, segments, the segment classifiers,
 * their evaluation, and every output under {@code <output>/<run-id>/}.
 */
public final class TrainJob {

  public static final String SEGMENTS = "segments";
  public static final String SEGMENT_PROFILES = "segment_profiles";
  public static final String PRODUCT_CATEGORIES = "product_categories";

  private static final String HOLDOUT = "_holdout";

  private final SparkSession spark;
  private final JobConfig config;
  private final RunMetrics metrics;
  private final RunOutput output;
  private final String modelVersion;

  private TrainJob(SparkSession spark, JobConfig config) {
    this.spark = spark;
    this.config = config;
    this.metrics = RunRecord.begin(config, "train");
    this.output = new RunOutput(spark, config.output().root(), config.runId());
    this.modelVersion = BuildInfo.version() + "+" + config.runId();
  }

  public static RunMetrics run(SparkSession spark, JobConfig config) {
    return new TrainJob(spark, config).run();
  }

  private RunMetrics run() {
    long start = System.nanoTime();
    PreparedLines lines = InvoicePreparation.prepare(spark, config, metrics);
    TrainingWindow window = TrainingWindow.of(lines.kept(), config.train().cutoff());
    recordWindow(window);
    Dataset<Row> trainLines = lines.kept().filter(col(INVOICE_TS).lt(lit(window.cutoffTime())));
    Dataset<Row> testLines = lines.kept().filter(col(INVOICE_TS).geq(lit(window.cutoffTime())));

    Categorised products = metrics.time("product_categories", () -> categoriseProducts(trainLines));
    Dataset<Row> baskets = positiveBaskets(
        ProductCategories.withCategories(trainLines, products.products()), "baskets.train");
    Dataset<Row> customers = metrics.time("customer_features", () -> Checkpoints.materialise(
        new CustomerFeatures(categories(), window.cutoff()).apply(baskets)));
    metrics.put("customers.train", customers.count());

    CustomerSegmenter.Result segmentation = metrics.time("k_search", () -> segment(customers));
    Dataset<Row> segmented = metrics.time("final_fit", () -> describeSegments(segmentation, customers));
    Classifiers classifiers = metrics.time("classifier", () -> trainClassifiers(segmented, baskets));
    metrics.time("evaluation", () -> temporalTest(window, testLines, products.categories(),
        segmentation.model(), classifiers));

    metrics.time("write", () -> write(lines, products, segmented, segmentation, classifiers, window));
    RunRecord.finish(metrics, output, start);
    return metrics;
  }

  // ---- product categories ------------------------------------------------------------------

  /** The fitted categories, the categorised training products, and each category's top words. */
  private record Categorised(ProductCategories categories, Dataset<Row> products,
      Dataset<Row> topWordsTable, Map<Integer, List<String>> topWords) {}

  private Categorised categoriseProducts(Dataset<Row> trainLines) {
    Dataset<Row> products = Checkpoints.materialise(new ProductTable().apply(trainLines));
    PipelineModel model = new ProductCategoryModel(config.products(), config.train().seed()).fit(products);
    Dataset<Row> categorised = Checkpoints.materialise(model.transform(products));
    metrics.put("products.train", categorised.count());
    metrics.put("products.vocabulary", ProductCategoryModel.vocabulary(model).size());
    metrics.put("products.silhouette", RunMetrics.rounded(new ClusteringEvaluator()
        .setFeaturesCol(ProductCategoryModel.FEATURES)
        .setPredictionCol(ProductCategoryModel.CATEGORY)
        .evaluate(categorised)));
    List<String> vocabulary = ProductCategoryModel.vocabulary(model);
    Dataset<Row> topWordsTable = Checkpoints.materialise(
        ProductCategoryModel.topWords(categorised, vocabulary, config.products().topWords()));
    Map<Integer, List<String>> topWords = new TreeMap<>();
    topWordsTable.collectAsList().forEach(row -> topWords.put(row.getInt(0), row.getList(1)));
    Map<String, Long> sizes = new TreeMap<>();
    categorised.groupBy(ProductCategoryModel.CATEGORY).count().collectAsList()
        .forEach(row -> sizes.put(String.valueOf(row.getInt(0)), row.getLong(1)));
    metrics.put("products.category_sizes", sizes);
    metrics.put("products.category_top_words", topWords);
    return new Categorised(new ProductCategories(model), categorised, topWordsTable, topWords);
  }

  // ---- customer features -------------------------------------------------------------------

  /** Baskets with a positive amount, cached; counts those left out under {@code metricPath}. */
  private Dataset<Row> positiveBaskets(Dataset<Row> categorisedLines, String metricPath) {
    Dataset<Row> baskets = metrics.time(metricPath.replace('.', '_'),
        () -> Checkpoints.materialise(new BasketTable(categories()).apply(categorisedLines)));
    long all = baskets.count();
    Dataset<Row> positive = baskets.filter(BasketTable.positive());
    long kept = positive.count();
    metrics.put(metricPath + ".all", all);
    metrics.put(metricPath + ".excluded_non_positive", all - kept);
    return positive;
  }

  // ---- segments ----------------------------------------------------------------------------

  private CustomerSegmenter.Result segment(Dataset<Row> customers) {
    CustomerSegmenter.Result result =
        new CustomerSegmenter(config.segments(), config.train().seed()).fit(customers);
    Map<String, Object> byK = new LinkedHashMap<>();
    for (CustomerSegmenter.KScore score : result.scores()) {
      byK.put(String.valueOf(score.k()), RunMetrics.rounded(score.silhouette()));
    }
    metrics.put("segmentation.algorithm", config.segments().algorithm().name().toLowerCase());
    metrics.put("segmentation.features", config.segments().features());
    metrics.put("segmentation.k", result.k());
    metrics.put("segmentation.silhouette_by_k", byK);
    metrics.put("segmentation.largest_share_by_k", largestShares(result));
    result.scores().stream().filter(s -> s.k() == result.k()).findFirst().ifPresent(s -> {
      metrics.put("segmentation.silhouette", RunMetrics.rounded(s.silhouette()));
      metrics.put("segmentation.balanced", s.accepted());
    });
    return result;
  }

  private static Map<String, Object> largestShares(CustomerSegmenter.Result result) {
    Map<String, Object> shares = new LinkedHashMap<>();
    result.scores().forEach(s -> shares.put(String.valueOf(s.k()), RunMetrics.rounded(s.largestShare())));
    return shares;
  }

  private Dataset<Row> describeSegments(CustomerSegmenter.Result result, Dataset<Row> customers) {
    Dataset<Row> segmented = Checkpoints.materialise(result.model().transform(customers));
    ClusterQuality quality = ClusterQuality.of(segmented, CustomerSegmenter.SCALED, CustomerSegmenter.SEGMENT);
    Map<String, Long> sizes = new TreeMap<>();
    quality.sizes().forEach((segment, size) -> sizes.put(String.valueOf(segment), size));
    metrics.put("segmentation.sizes", sizes);
    metrics.put("segmentation.davies_bouldin", RunMetrics.rounded(quality.daviesBouldin()));
    return segmented;
  }

  // ---- classifiers -------------------------------------------------------------------------

  /** Both variants: from the customer's mean basket (the notebook's), and from the first invoice. */
  private record Classifiers(PipelineModel fromHistory, PipelineModel fromFirstInvoice) {}

  private Classifiers trainClassifiers(Dataset<Row> segmented, Dataset<Row> baskets) {
    Column holdout = pmod(xxhash64(col(FeatureColumns.CUSTOMER_ID), lit(config.train().seed())), lit(10_000))
        .lt(lit(Math.round(config.train().holdoutFraction() * 10_000)));
    Dataset<Row> labels = segmented.select(col(FeatureColumns.CUSTOMER_ID), col(CustomerSegmenter.SEGMENT),
        holdout.as(HOLDOUT));
    Dataset<Row> history = segmented.withColumn(HOLDOUT, holdout);
    Dataset<Row> firstInvoice = new CustomerFeatures(categories(), config.train().cutoff())
        .apply(CustomerFeatures.firstBaskets(baskets))
        .join(labels, FeatureColumns.CUSTOMER_ID);

    List<PipelineModel> models = ConcurrentJobs.run(2, List.of(
        () -> fitAndReport(history, "classifier.holdout"),
        () -> fitAndReport(firstInvoice, "classifier.first_invoice.holdout")));
    metrics.put("classifier.features", config.classifier().features());
    return new Classifiers(models.get(0), models.get(1));
  }

  private PipelineModel fitAndReport(Dataset<Row> labelled, String metricPath) {
    PipelineModel model = new SegmentClassifier(config.classifier().features(), config.classifier(),
        config.train().seed()).fit(labelled.filter(col(HOLDOUT).equalTo(false)));
    report(model.transform(labelled.filter(col(HOLDOUT))), metricPath);
    return model;
  }

  private ClassificationReport report(Dataset<Row> predictions, String metricPath) {
    ClassificationReport report = ClassificationReport.of(predictions, CustomerSegmenter.SEGMENT,
        SegmentClassifier.PREDICTED_SEGMENT, segmentCount());
    metrics.put(metricPath, report.toMap());
    return report;
  }

  // ---- temporal test -----------------------------------------------------------------------

  /**
   * The notebook's test: customers of the later window, described the same way (invoice counts
   * scaled to the training window's length), get their "true" segment from the fitted
   * segmentation and a predicted one from the classifier.
   */
  private void temporalTest(TrainingWindow window, Dataset<Row> testLines,
      ProductCategories categories, PipelineModel segmentation, Classifiers classifiers) {
    Dataset<Row> baskets = positiveBaskets(categories.categoriseLines(testLines), "baskets.test");
    CustomerFeatures features = new CustomerFeatures(categories(), window.end());
    Dataset<Row> actual = Checkpoints.materialise(
        segmentation.transform(scaleInvoiceCounts(features.apply(baskets), window)));
    metrics.put("customers.test", actual.count());
    report(classifiers.fromHistory().transform(actual), "classifier.temporal");

    Dataset<Row> firstInvoice = features.apply(CustomerFeatures.firstBaskets(baskets))
        .join(actual.select(FeatureColumns.CUSTOMER_ID, CustomerSegmenter.SEGMENT), FeatureColumns.CUSTOMER_ID);
    report(classifiers.fromFirstInvoice().transform(firstInvoice), "classifier.first_invoice.temporal");
  }

  private static Dataset<Row> scaleInvoiceCounts(Dataset<Row> customers, TrainingWindow window) {
    Column scaled = col(FeatureColumns.INVOICE_COUNT).multiply(window.invoiceCountScale());
    return customers.withColumn(FeatureColumns.INVOICE_COUNT, scaled)
        .withColumn(FeatureColumns.FREQUENCY, scaled);
  }

  // ---- outputs -----------------------------------------------------------------------------

  private void write(PreparedLines lines, Categorised products, Dataset<Row> segmented,
      CustomerSegmenter.Result segmentation, Classifiers classifiers, TrainingWindow window) {
    Dataset<Row> profiles = new SegmentProfiler(categories(), products.topWords()).apply(segmented);
    Map<String, String> labels = new TreeMap<>();
    profiles.collectAsList().forEach(row -> labels.put(String.valueOf(row.getInt(0)),
        row.getAs(SegmentProfiler.LABEL)));
    metrics.put("segmentation.labels", labels);
    ModelDirectory models = new ModelDirectory(output.pathOf(ModelDirectory.FOLDER));
    ConcurrentJobs.run(4, List.<Callable<Void>>of(
        () -> write(IngestJob.QUARANTINE, lines.quarantine()),
        () -> write(SEGMENTS, segmentTable(segmented)),
        () -> write(SEGMENT_PROFILES, profiles),
        () -> write(PRODUCT_CATEGORIES, productCategoriesTable(products)),
        () -> {
          models.save(products.categories().pipeline(), segmentation.model(),
              classifiers.fromHistory(), classifiers.fromFirstInvoice());
          return null;
        }));
    output.writeText(ModelDirectory.FOLDER + "/" + ModelDirectory.DESCRIPTION,
        modelDescription(window, labels).toJson());
  }

  private Void write(String table, Dataset<Row> rows) {
    output.writeTable(table, rows);
    return null;
  }

  private Dataset<Row> segmentTable(Dataset<Row> segmented) {
    List<Column> segmentColumns = new ArrayList<>(List.of(col(FeatureColumns.CUSTOMER_ID),
        col(CustomerSegmenter.SEGMENT)));
    FeatureColumns.all(categories()).forEach(name -> segmentColumns.add(col(name)));
    segmentColumns.add(lit(config.runId()).as("run_id"));
    segmentColumns.add(lit(modelVersion).as("model_version"));
    return segmented.select(segmentColumns.toArray(Column[]::new));
  }

  /** What a scorer needs to know besides the pipelines: features, window, labels, quality. */
  private RunMetrics modelDescription(TrainingWindow window, Map<String, String> labels) {
    RunMetrics description = new RunMetrics()
        .put("format_version", ModelDirectory.FORMAT_VERSION)
        .put("model_version", modelVersion)
        .put("code_version", BuildInfo.version())
        .put("run_id", config.runId())
        .put("training_window.start", window.start().toString())
        .put("training_window.cutoff", window.cutoff().toString())
        .put("training_window.end", window.end().toString())
        .put("product_categories", categories())
        .put("features.segmentation", config.segments().features())
        .put("features.classifier", config.classifier().features())
        .put("segments.k", metrics.get("segmentation.k"))
        .put("segments.labels", labels);
    for (String key : List.of("customers", "segmentation", "classifier", "products")) {
      description.put("metrics." + key, metrics.get(key));
    }
    return description;
  }

  private Dataset<Row> productCategoriesTable(Categorised products) {
    Dataset<Row> words = products.topWordsTable()
        .withColumnRenamed("top_words", "category_top_words");
    return products.products()
        .select(col("stock_code"), col("description"), col(ProductTable.MEAN_UNIT_PRICE),
            col(ProductCategoryModel.PRICE_BAND).cast(DataTypes.IntegerType).as(ProductCategoryModel.PRICE_BAND),
            col(ProductCategoryModel.CATEGORY))
        .join(words, ProductCategoryModel.CATEGORY);
  }

  // ---- small helpers -----------------------------------------------------------------------

  private void recordWindow(TrainingWindow window) {
    metrics.put("window.start", window.start().toString());
    metrics.put("window.cutoff", window.cutoff().toString());
    metrics.put("window.end", window.end().toString());
    metrics.put("window.invoice_count_scale", RunMetrics.rounded(window.invoiceCountScale()));
  }

  private int categories() {
    return config.products().categories();
  }

  private int segmentCount() {
    return (int) metrics.getLong("segmentation.k");
  }
}
