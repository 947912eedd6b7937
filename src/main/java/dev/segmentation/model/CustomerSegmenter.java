package dev.segmentation.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;

import dev.segmentation.config.JobConfig;
import dev.segmentation.features.FeatureColumns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.clustering.BisectingKMeans;
import org.apache.spark.ml.clustering.GaussianMixture;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Customer segments as one MLlib pipeline: VectorAssembler → StandardScaler → a clusterer
 * (KMeans, BisectingKMeans or GaussianMixture). With no fixed k, every k of the configured range
 * is fitted on the same standardised, cached features, and the k with the best silhouette wins
 * among those whose largest segment stays within the allowed share.
 *
 * <p>Input: {@code customer_id} and the configured {@link FeatureColumns}. The fitted pipeline
 * adds {@link #SCALED} (vector) and {@link #SEGMENT} (int).
 */
public final class CustomerSegmenter {

  public static final String FEATURE_VECTOR = "segment_features";
  public static final String SCALED = "scaled_features";
  public static final String SEGMENT = "segment";

  private static final Logger LOG = LoggerFactory.getLogger(CustomerSegmenter.class);

  private final JobConfig.Segments settings;
  private final long seed;
  private final int parallelFits;

  /** @param parallelFits how many k are fitted at once (Spark runs their jobs side by side) */
  public CustomerSegmenter(JobConfig.Segments settings, long seed, int parallelFits) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.seed = seed;
    this.parallelFits = Math.max(1, parallelFits);
  }

  /** How one k did. {@code largestShare} is the share of customers in its largest segment. */
  public record KScore(int k, double silhouette, double largestShare, boolean accepted) {}

  /** The chosen pipeline, its k, and every k tried. */
  public record Result(PipelineModel model, int k, List<KScore> scores) {}

  public Result fit(Dataset<Row> customers) {
    PipelineModel scaling = new Pipeline().setStages(new PipelineStage[] {
        new VectorAssembler()
            .setInputCols(settings.features().toArray(String[]::new))
            .setOutputCol(FEATURE_VECTOR),
        new StandardScaler()
            .setInputCol(FEATURE_VECTOR)
            .setOutputCol(SCALED)
            .setWithMean(true)
            .setWithStd(true)
    }).fit(customers);
    Dataset<Row> scaled = scaling.transform(customers).select(SCALED)
        .persist(StorageLevel.MEMORY_AND_DISK());
    long total = scaled.count();

    List<Integer> ks = settings.searchesK()
        ? IntStream.rangeClosed(settings.kMin(), settings.kMax()).boxed().toList()
        : List.of(settings.k());
    List<Fitted> fits = fitAll(scaled, ks, total);
    scaled.unpersist(false);

    Fitted best = choose(fits);
    List<Transformer> stages = new ArrayList<>(List.of(scaling.stages()));
    stages.add(best.model());
    PipelineModel pipeline = new PipelineModel(scaling.uid(), stages.toArray(Transformer[]::new));
    return new Result(pipeline, best.score().k(), fits.stream().map(Fitted::score).toList());
  }

  private record Fitted(KScore score, Model<?> model) {}

  private List<Fitted> fitAll(Dataset<Row> scaled, List<Integer> ks, long total) {
    ExecutorService pool = Executors.newFixedThreadPool(Math.min(parallelFits, ks.size()));
    try {
      List<Future<Fitted>> futures = new ArrayList<>();
      for (int k : ks) {
        futures.add(pool.submit(() -> fitOne(scaled, k, total)));
      }
      List<Fitted> fits = new ArrayList<>();
      for (Future<Fitted> future : futures) {
        fits.add(future.get());
      }
      return fits;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while fitting segments", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException runtime
          ? runtime : new IllegalStateException(e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }

  private Fitted fitOne(Dataset<Row> scaled, int k, long total) {
    Model<?> model = clusterer(k).fit(scaled);
    Dataset<Row> assigned = model.transform(scaled);
    double silhouette = new ClusteringEvaluator()
        .setFeaturesCol(SCALED)
        .setPredictionCol(SEGMENT)
        .evaluate(assigned);
    long largest = assigned.groupBy(col(SEGMENT)).agg(count(lit(1)).as("n"))
        .agg(max("n")).first().getLong(0);
    double largestShare = (double) largest / total;
    boolean accepted = largestShare <= settings.maxSegmentShare();
    LOG.info("k={} silhouette={} largest segment={}%", k, String.format("%.4f", silhouette),
        String.format("%.1f", 100 * largestShare));
    return new Fitted(new KScore(k, silhouette, largestShare, accepted), model);
  }

  /** Best silhouette among accepted k; if none is accepted, the most balanced one. */
  private static Fitted choose(List<Fitted> fits) {
    return fits.stream()
        .filter(f -> f.score().accepted())
        .max(Comparator.comparingDouble((Fitted f) -> f.score().silhouette())
            .thenComparing(f -> -f.score().k()))
        .orElseGet(() -> fits.stream()
            .min(Comparator.comparingDouble((Fitted f) -> f.score().largestShare()))
            .orElseThrow());
  }

  private Estimator<? extends Model<?>> clusterer(int k) {
    return switch (settings.algorithm()) {
      case KMEANS -> new KMeans().setK(k).setSeed(seed).setMaxIter(settings.maxIterations())
          .setFeaturesCol(SCALED).setPredictionCol(SEGMENT);
      case BISECTING_KMEANS -> new BisectingKMeans().setK(k).setSeed(seed)
          .setMaxIter(settings.maxIterations()).setFeaturesCol(SCALED).setPredictionCol(SEGMENT);
      case GAUSSIAN_MIXTURE -> new GaussianMixture().setK(k).setSeed(seed)
          .setMaxIter(settings.maxIterations()).setFeaturesCol(SCALED).setPredictionCol(SEGMENT)
          .setProbabilityCol("segment_probability");
    };
  }

}
