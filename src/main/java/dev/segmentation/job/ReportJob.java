package dev.segmentation.job;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.stddev_pop;

import dev.segmentation.ContractViolation;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.evaluate.SegmentProfiler;
import dev.segmentation.evaluate.Silhouette;
import dev.segmentation.model.CustomerSegmenter;
import dev.segmentation.model.LifetimeValue;
import dev.segmentation.model.ProductCategoryModel;
import dev.segmentation.publish.ModelDirectory;
import dev.segmentation.publish.RunOutput;
import dev.segmentation.report.HtmlReport;
import dev.segmentation.report.ReportData;
import dev.segmentation.report.TrainMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.feature.PCA;
import org.apache.spark.ml.feature.PCAModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code report}, and the last step of {@code train}: {@code report.html} in a training run's
 * folder, from its metrics, its small tables and a bounded, seeded sample of its customers. Only
 * aggregates and the sample reach the driver.
 */
public final class ReportJob {

  public static final String REPORT = "report.html";

  /** Customers drawn for the scatter plot and the silhouette distributions. */
  static final int SAMPLE = 2_000;

  /** Segment ids as text in numeric order (10 after 9). */
  private static final Comparator<String> BY_NUMBER = Comparator.comparingInt(Integer::parseInt);

  /** Segment names ("segment 10") in numeric order. */
  private static final Comparator<String> BY_NAME_NUMBER =
      Comparator.comparingInt(name -> Integer.parseInt(name.substring(name.lastIndexOf(' ') + 1)));

  private ReportJob() {}

  /**
   * The subcommand: the report of the run folder {@code <output>/<run-id>/} of an earlier train.
   */
  public static ReportResult run(SparkSession spark, JobConfig config) {
    RunOutput output = new RunOutput(spark, config.output().root(), config.runId());
    String report = write(spark, output, config.train().seed());
    return new ReportResult(
        new RunMetrics().put("report", report).put("output", output.location()),
        report,
        output.location());
  }

  /** Writes the report into the run folder; returns its location. */
  static String write(SparkSession spark, RunOutput run, long seed) {
    TrainMetrics metrics = readMetrics(spark, run);
    if (!"train".equals(metrics.subcommand())) {
      throw new ContractViolation(
          "no training run at "
              + run.location()
              + ": its metrics.json is missing or not from train");
    }
    List<String> features = metrics.segmentation().features();
    Dataset<Row> segments = spark.read().parquet(run.pathOf(TrainJob.SEGMENTS));
    List<Row> profiles =
        spark
            .read()
            .parquet(run.pathOf(TrainJob.SEGMENT_PROFILES))
            .orderBy(CustomerSegmenter.SEGMENT)
            .collectAsList();
    List<ReportData.Segment> rows =
        profiles.stream()
            .map(
                p ->
                    new ReportData.Segment(
                        p.getInt(p.fieldIndex(CustomerSegmenter.SEGMENT)),
                        p.getAs(SegmentProfiler.LABEL),
                        p.getAs(SegmentProfiler.DESCRIPTION),
                        p.getAs("customers"),
                        p.getAs("customer_share"),
                        p.getAs("revenue_share")))
            .toList();

    Sample sample = sample(segments, run, seed);
    ReportData data =
        new ReportData(
            metrics,
            rows,
            features,
            zScores(segments, profiles, features),
            sample.projection(),
            sample.silhouettes(),
            sample.expectedSpend(),
            sample.pAlive(),
            categories(spark, run, metrics));
    String location = run.pathOf(REPORT);
    run.writeText(REPORT, HtmlReport.render(data));
    return location;
  }

  private static TrainMetrics readMetrics(SparkSession spark, RunOutput run) {
    Path path = new Path(run.pathOf(RunRecord.METRICS));
    try {
      FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(path)) {
        throw new ContractViolation(
            "no training run at " + run.location() + ": " + RunRecord.METRICS + " is missing");
      }
      try (InputStream in = fs.open(path)) {
        return TrainMetrics.read(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  /** Each segment's feature means in standard deviations from the mean customer. */
  private static double[][] zScores(
      Dataset<Row> segments, List<Row> profiles, List<String> features) {
    List<Column> aggregates = new ArrayList<>();
    features.forEach(
        f -> {
          aggregates.add(avg(col(f)));
          aggregates.add(stddev_pop(col(f)));
        });
    Row overall =
        segments
            .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
            .first();
    double[][] z = new double[profiles.size()][features.size()];
    for (int s = 0; s < profiles.size(); s++) {
      for (int f = 0; f < features.size(); f++) {
        double mean = overall.getDouble(2 * f);
        double std = overall.getDouble(2 * f + 1);
        double value = profiles.get(s).getAs(SegmentProfiler.meanOf(features.get(f)));
        z[s][f] = std == 0 ? 0 : (value - mean) / std;
      }
    }
    return z;
  }

  private record Sample(
      Map<String, List<double[]>> projection,
      Map<String, List<Double>> silhouettes,
      Map<String, List<Double>> expectedSpend,
      Map<String, List<Double>> pAlive) {}

  /**
   * Customers in standardised features, two principal components fitted on all of them with MLlib's
   * PCA, then a seeded sample of at most {@link #SAMPLE} brought to the driver.
   */
  private static Sample sample(Dataset<Row> segments, RunOutput run, long seed) {
    PipelineModel segmentation =
        PipelineModel.load(
            new ModelDirectory(run.pathOf(ModelDirectory.FOLDER))
                .pathOf(ModelDirectory.SEGMENTATION));
    Dataset<Row> scaled =
        segmentation
            .transform(segments.drop(CustomerSegmenter.SEGMENT))
            .select(
                CustomerSegmenter.SEGMENT,
                CustomerSegmenter.SCALED,
                LifetimeValue.EXPECTED_SPEND,
                LifetimeValue.P_ALIVE);
    PCAModel pca =
        new PCA().setK(2).setInputCol(CustomerSegmenter.SCALED).setOutputCol("_pcs").fit(scaled);
    long customers = scaled.count();
    double fraction = Math.min(1.0, 1.2 * SAMPLE / Math.max(1, customers));
    List<Row> drawn =
        pca.transform(scaled.sample(false, fraction, seed)).limit(SAMPLE).collectAsList();

    Map<String, List<double[]>> projection = new TreeMap<>(BY_NAME_NUMBER);
    Map<String, List<Double>> expectedSpend = new TreeMap<>(BY_NUMBER);
    Map<String, List<Double>> pAlive = new TreeMap<>(BY_NUMBER);
    List<double[]> points = new ArrayList<>();
    List<Integer> labels = new ArrayList<>();
    for (Row row : drawn) {
      int segment = row.getInt(0);
      double[] pcs = ((Vector) row.getAs("_pcs")).toArray();
      projection.computeIfAbsent(name(segment), s -> new ArrayList<>()).add(pcs);
      expectedSpend
          .computeIfAbsent(String.valueOf(segment), s -> new ArrayList<>())
          .add(row.getDouble(2));
      pAlive.computeIfAbsent(String.valueOf(segment), s -> new ArrayList<>()).add(row.getDouble(3));
      points.add(((Vector) row.get(1)).toArray());
      labels.add(segment);
    }
    return new Sample(projection, silhouettes(points, labels), expectedSpend, pAlive);
  }

  /** Each sampled customer's silhouette, by segment name. */
  private static Map<String, List<Double>> silhouettes(
      List<double[]> points, List<Integer> labels) {
    double[] silhouettes = Silhouette.of(points, labels);
    Map<String, List<Double>> bySegment = new TreeMap<>(BY_NAME_NUMBER);
    for (int i = 0; i < silhouettes.length; i++) {
      bySegment.computeIfAbsent(name(labels.get(i)), s -> new ArrayList<>()).add(silhouettes[i]);
    }
    return bySegment;
  }

  private static List<ReportData.Category> categories(
      SparkSession spark, RunOutput run, TrainMetrics metrics) {
    Map<Integer, Map<Integer, Long>> bands = new TreeMap<>();
    for (Row row :
        spark
            .read()
            .parquet(run.pathOf(TrainJob.PRODUCT_CATEGORIES))
            .groupBy(ProductCategoryModel.CATEGORY, ProductCategoryModel.PRICE_BAND)
            .count()
            .collectAsList()) {
      bands.computeIfAbsent(row.getInt(0), c -> new TreeMap<>()).put(row.getInt(1), row.getLong(2));
    }
    List<ReportData.Category> categories = new ArrayList<>();
    TrainMetrics.Products products = metrics.products();
    bands.forEach(
        (category, byBand) ->
            categories.add(
                new ReportData.Category(
                    category,
                    products.categoryName(category),
                    products.categorySizes().getOrDefault(category, 0L),
                    products.categoryTopWords().getOrDefault(category, List.of()),
                    new LinkedHashMap<>(byBand))));
    return categories;
  }

  private static String name(int segment) {
    return "segment " + segment;
  }
}
