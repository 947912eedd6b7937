package dev.segmentation.model;

import dev.segmentation.ConcurrentJobs;
import dev.segmentation.config.JobConfig;
import dev.segmentation.features.FeatureColumns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.clustering.BisectingKMeans;
import org.apache.spark.ml.clustering.BisectingKMeansModel;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.KMeansModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.StandardScalerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Customer segments as one MLlib pipeline: VectorAssembler → StandardScaler → a clusterer (KMeans
 * or BisectingKMeans). With no fixed k, every k of the configured range is scored by silhouette on
 * the same standardised, cached features, and the k with the best silhouette wins among those whose
 * largest segment stays within the allowed share. For k-means the range is searched in Spark tasks
 * on a bounded sample ({@link KMeansSearch}) and MLlib fits the chosen k once; the alternatives are
 * fitted by MLlib for every k.
 *
 * <p>Input: {@code customer_id} and the configured {@link FeatureColumns}. The fitted pipeline adds
 * {@link #SCALED} (vector), {@link #SEGMENT_INDEX} and {@link #SEGMENT} (int): a last
 * SQLTransformer maps the clusterer's index to the segment's stable id (the same number until
 * {@link #withIds} matches it to a previous run's segments, see {@code
 * dev.segmentation.ids.SegmentIds}).
 */
public final class CustomerSegmenter {

  public static final String FEATURE_VECTOR = "segment_features";
  public static final String SCALED = "scaled_features";

  /** The segment id of a customer, in every table that has one. */
  public static final String SEGMENT = "segment";

  /** The segment's readable label, beside {@link #SEGMENT} wherever a table shows it. */
  public static final String SEGMENT_LABEL = "segment_label";

  /** The clusterer's own index of a segment; {@link #SEGMENT} is the stable id mapped from it. */
  public static final String SEGMENT_INDEX = "segment_index";

  private static final Logger LOG = LoggerFactory.getLogger(CustomerSegmenter.class);

  private final JobConfig.Segments settings;
  private final long seed;
  private final StablePartitions layout;

  /**
   * @param train the seed and the rows' layout, which make the fit repeatable
   */
  public CustomerSegmenter(JobConfig.Segments settings, JobConfig.Train train) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.seed = train.seed();
    this.layout = new StablePartitions(train.rowsPerPartition());
  }

  /** How one k did. {@code largestShare} is the share of customers in its largest segment. */
  public record KScore(int k, double silhouette, double largestShare, boolean accepted) {}

  /**
   * The chosen pipeline, its k, every k tried, the saved model's own score on every customer, and
   * how many customers the k search fitted on (all of them unless the k-means search sampled).
   */
  public record Result(
      PipelineModel model, int k, List<KScore> scores, KScore chosen, long searched) {

    public Result withModel(PipelineModel other) {
      return new Result(other, k, scores, chosen, searched);
    }
  }

  public Result fit(Dataset<Row> customers) {
    PipelineModel scaling =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new VectorAssembler()
                      .setInputCols(settings.features().toArray(String[]::new))
                      .setOutputCol(FEATURE_VECTOR),
                  // Unit variance only: distances do not change with centring, and BisectingKMeans
                  // seeds
                  // each split at its centre ± 1e-4 × the centre's norm, which is 0 on centred
                  // data.
                  new StandardScaler()
                      .setInputCol(FEATURE_VECTOR)
                      .setOutputCol(SCALED)
                      .setWithMean(false)
                      .setWithStd(true)
                })
            .fit(customers);
    long total = customers.count();
    Dataset<Row> scaled =
        layout
            .layOut(scaling.transform(customers), FeatureColumns.CUSTOMER_ID, total)
            .select(SCALED)
            .persist(StorageLevel.MEMORY_AND_DISK());
    // Materialised once here, not by whichever of several concurrent fits gets to it first.
    scaled.count();
    try {
      Searched searched = search(scaled, total);
      Fitted chosen = searched.chosen();
      List<Transformer> stages = new ArrayList<>(List.of(scaling.stages()));
      stages.add(chosen.model());
      stages.add(idStage(identityIds(chosen.score().k())));
      PipelineModel pipeline = new PipelineModel(scaling.uid(), stages.toArray(Transformer[]::new));
      return new Result(
          pipeline, chosen.score().k(), searched.scores(), chosen.score(), searched.customers());
    } finally {
      scaled.unpersist(false);
    }
  }

  private record Fitted(KScore score, Model<?> model) {}

  private record Searched(List<KScore> scores, Fitted chosen, long customers) {}

  /**
   * k-means searches k in Spark tasks on a sample ({@link KMeansSearch}) and fits MLlib once; the
   * alternatives, and a fixed k, are fitted by MLlib for every k.
   */
  private Searched search(Dataset<Row> scaled, long total) {
    if (!settings.searchesK()) {
      Fitted fitted = fitOne(scaled, settings.k());
      return new Searched(List.of(fitted.score()), fitted, total);
    }
    List<Integer> ks = IntStream.rangeClosed(settings.kMin(), settings.kMax()).boxed().toList();
    if (settings.algorithm() == JobConfig.Algorithm.KMEANS) {
      KMeansSearch.Result result =
          KMeansSearch.builder()
              .sampleLimit(settings.searchSample())
              .starts(settings.searchStarts())
              .maxIterations(settings.maxIterations())
              .seed(seed)
              .build()
              .search(scaled, SCALED, total, ks);
      List<KScore> scores =
          result.scores().stream().map(searched -> score(searched, "search sample")).toList();
      return new Searched(scores, fitOne(scaled, choose(scores).k()), result.sampled());
    }
    List<Fitted> fits = fitAll(scaled, ks);
    KScore best = choose(fits.stream().map(Fitted::score).toList());
    Fitted chosen = fits.stream().filter(f -> f.score() == best).findFirst().orElseThrow();
    return new Searched(fits.stream().map(Fitted::score).toList(), chosen, total);
  }

  /** Accepted when it can be scored and its largest segment stays within the allowed share. */
  private KScore score(KMeansSearch.Score fitted, String on) {
    boolean accepted = fitted.usable() && fitted.largestShare() <= settings.maxSegmentShare();
    LOG.info(
        "k={} silhouette={} largest segment={}% ({})",
        fitted.k(),
        String.format("%.4f", fitted.silhouette()),
        String.format("%.1f", 100 * fitted.largestShare()),
        on);
    return new KScore(fitted.k(), fitted.silhouette(), fitted.largestShare(), accepted);
  }

  private List<Fitted> fitAll(Dataset<Row> scaled, List<Integer> ks) {
    List<Callable<Fitted>> fits =
        ks.stream().map(k -> (Callable<Fitted>) () -> fitOne(scaled, k)).toList();
    return ConcurrentJobs.run(settings.parallelFits(), fits);
  }

  /** An MLlib fit on every customer, scored by {@code ClusteringEvaluator}. */
  private Fitted fitOne(Dataset<Row> scaled, int k) {
    Model<?> model = clusterer(k).fit(scaled);
    long[] sizes = segmentSizes(model);
    double silhouette =
        KMeansSearch.Score.usable(sizes)
            ? new ClusteringEvaluator()
                .setFeaturesCol(SCALED)
                .setPredictionCol(SEGMENT_INDEX)
                .evaluate(model.transform(scaled))
            : -1;
    return new Fitted(score(new KMeansSearch.Score(k, silhouette, sizes), "every customer"), model);
  }

  /** Segment sizes, from the summary MLlib keeps of every fit. */
  private static long[] segmentSizes(Model<?> model) {
    long[] sizes;
    if (model instanceof KMeansModel kmeans) {
      sizes = kmeans.summary().clusterSizes();
    } else if (model instanceof BisectingKMeansModel bisecting) {
      sizes = bisecting.summary().clusterSizes();
    } else {
      throw new IllegalArgumentException("unexpected clustering model " + model.getClass());
    }
    return sizes;
  }

  /**
   * The smallest accepted k whose silhouette is within the tolerance of the best accepted one; if
   * no k is accepted, the most balanced one.
   */
  private KScore choose(List<KScore> scores) {
    List<KScore> accepted = scores.stream().filter(KScore::accepted).toList();
    if (accepted.isEmpty()) {
      LOG.warn(
          "no k keeps every segment within {} of customers; taking the most balanced",
          settings.maxSegmentShare());
      return scores.stream().min(Comparator.comparingDouble(KScore::largestShare)).orElseThrow();
    }
    double best = accepted.stream().mapToDouble(KScore::silhouette).max().orElseThrow();
    return accepted.stream()
        .filter(s -> s.silhouette() >= best - settings.silhouetteTolerance())
        .min(Comparator.comparingInt(KScore::k))
        .orElseThrow();
  }

  /** Ids equal to the indices: the first run, or no previous model to match. */
  public static Map<Integer, Integer> identityIds(int segments) {
    Map<Integer, Integer> ids = new TreeMap<>();
    for (int i = 0; i < segments; i++) {
      ids.put(i, i);
    }
    return ids;
  }

  /**
   * The same fitted pipeline, with segment ids mapped from the clusterer's indices by {@code ids}.
   */
  public static PipelineModel withIds(PipelineModel pipeline, Map<Integer, Integer> ids) {
    Transformer[] stages = pipeline.stages().clone();
    stages[stages.length - 1] = idStage(ids);
    return new PipelineModel(pipeline.uid(), stages);
  }

  /** Each segment's centre in the features' own units, by the clusterer's index. */
  public static double[][] centres(PipelineModel pipeline) {
    Transformer clusterer = pipeline.stages()[pipeline.stages().length - 2];
    Vector[] scaled;
    if (clusterer instanceof KMeansModel kmeans) {
      scaled = kmeans.clusterCenters();
    } else if (clusterer instanceof BisectingKMeansModel bisecting) {
      scaled = bisecting.clusterCenters();
    } else {
      throw new IllegalArgumentException("unexpected clustering model " + clusterer.getClass());
    }
    double[] std = scale(pipeline);
    double[][] centres = new double[scaled.length][];
    for (int i = 0; i < scaled.length; i++) {
      // A copy: toArray() of a dense vector is the model's own array.
      double[] centre = scaled[i].toArray().clone();
      for (int f = 0; f < centre.length; f++) {
        centre[f] *= std[f];
      }
      centres[i] = centre;
    }
    return centres;
  }

  /** The standard deviation of each feature, as the pipeline's scaler learnt it. */
  public static double[] scale(PipelineModel pipeline) {
    return ((StandardScalerModel) pipeline.stages()[1]).std().toArray();
  }

  private static SQLTransformer idStage(Map<Integer, Integer> ids) {
    StringBuilder mapping = new StringBuilder("CASE CAST(" + SEGMENT_INDEX + " AS INT)");
    new TreeMap<>(ids)
        .forEach((index, id) -> mapping.append(" WHEN ").append(index).append(" THEN ").append(id));
    mapping.append(" END");
    return new SQLTransformer()
        .setStatement("SELECT *, CAST(" + mapping + " AS INT) AS " + SEGMENT + " FROM __THIS__");
  }

  private Estimator<? extends Model<?>> clusterer(int k) {
    return switch (settings.algorithm()) {
      case KMEANS ->
          new KMeans()
              .setK(k)
              .setSeed(seed)
              .setMaxIter(settings.maxIterations())
              .setFeaturesCol(SCALED)
              .setPredictionCol(SEGMENT_INDEX);
      case BISECTING_KMEANS ->
          new BisectingKMeans()
              .setK(k)
              .setSeed(seed)
              .setMaxIter(settings.maxIterations())
              .setFeaturesCol(SCALED)
              .setPredictionCol(SEGMENT_INDEX);
    };
  }
}
