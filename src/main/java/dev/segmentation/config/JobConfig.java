package dev.segmentation.config;

import dev.segmentation.features.ProductMix;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything a run needs, read and validated once at start-up by {@link ConfigLoader}. Stages
 * receive the part they need; none of them reads a raw configuration key.
 *
 * @param runId names the run folder under {@link Output#root()}
 * @param sparkConf Spark settings, full keys ({@code spark.sql.shuffle.partitions}) to values
 */
public record JobConfig(
    String runId,
    Input input,
    Output output,
    Cleaning cleaning,
    Train train,
    Products products,
    Segments segments,
    Classifier classifier,
    Anticipation anticipation,
    Clv clv,
    Score score,
    Report report,
    StableIds stableIds,
    Publish publish,
    Gate gate,
    Materialise materialise,
    Map<String, String> sparkConf) {

  public JobConfig {
    sparkConf = Map.copyOf(sparkConf);
  }

  /**
   * Where the invoice lines come from and how to read them.
   *
   * @param corruptFiles what a compressed CSV file that cannot be decompressed to its end does
   */
  public record Input(
      List<String> uris,
      InputFormat format,
      Csv csv,
      List<String> timestampPatterns,
      CorruptFiles corruptFiles) {

    public Input {
      uris = List.copyOf(uris);
      timestampPatterns = List.copyOf(timestampPatterns);
    }
  }

  public enum InputFormat {
    CSV,
    PARQUET
  }

  /** See {@code segmentation.input.corrupt-files} in application.conf. */
  public enum CorruptFiles {
    FAIL,
    SKIP
  }

  /** CSV dialect; each value is one character. */
  public record Csv(boolean header, char delimiter, char quote, char escape) {}

  /** Root under which each run writes its folder. */
  public record Output(String root) {}

  /**
   * Cleaning rules.
   *
   * @param nonProductCodes exact stock codes, or prefixes written with a trailing {@code *}
   * @param matchCancellations pair cancellations with the purchases they cancel
   */
  public record Cleaning(List<String> nonProductCodes, boolean matchCancellations) {

    public Cleaning {
      nonProductCodes = List.copyOf(nonProductCodes);
    }
  }

  /**
   * The training window and the randomness of a training run.
   *
   * @param cutoff lines before this day train; lines from it on form the temporal test
   */
  public record Train(LocalDate cutoff, long seed, double holdoutFraction, long rowsPerPartition) {}

  /**
   * Product categories and price bands.
   *
   * @param grouping what makes a product category
   * @param categories how many categories
   */
  public record Products(
      Grouping grouping,
      int categories,
      int minProductsPerWord,
      List<String> ignoredWords,
      List<Double> priceBandBounds,
      int topWords) {

    public Products {
      ignoredWords = List.copyOf(ignoredWords);
      priceBandBounds = List.copyOf(priceBandBounds);
    }

    /** The share columns these settings give customers and baskets. */
    public ProductMix mix() {
      return new ProductMix(categories, priceBandBounds.size() + 1);
    }

    /** Each price band as a marketer reads it: "under £1", "£1–2", ..., "£10 and over". */
    public List<String> priceBandNames() {
      List<String> names = new ArrayList<>();
      for (int band = 0; band <= priceBandBounds.size(); band++) {
        if (band == 0) {
          names.add("under £" + pounds(priceBandBounds.get(0)));
        } else if (band == priceBandBounds.size()) {
          names.add("£" + pounds(priceBandBounds.get(band - 1)) + " and over");
        } else {
          names.add(
              "£"
                  + pounds(priceBandBounds.get(band - 1))
                  + "–"
                  + pounds(priceBandBounds.get(band)));
        }
      }
      return names;
    }

    private static String pounds(double amount) {
      return BigDecimal.valueOf(amount).stripTrailingZeros().toPlainString();
    }
  }

  /** What makes a product category. */
  public enum Grouping {
    /** Themes of the description words (LDA); price is a dimension of its own. */
    THEMES,
    /** The notebook's method: k-means over the description words and a one-hot price band. */
    NOTEBOOK
  }

  public enum Algorithm {
    KMEANS,
    BISECTING_KMEANS
  }

  /**
   * Customer segmentation.
   *
   * @param k a fixed number of segments, or 0 to choose it in [kMin, kMax] by silhouette
   * @param features customer feature names, wildcards already expanded
   */
  public record Segments(
      Algorithm algorithm,
      int k,
      int kMin,
      int kMax,
      double maxSegmentShare,
      double silhouetteTolerance,
      int maxIterations,
      int parallelFits,
      int searchSample,
      int searchStarts,
      List<String> features) {

    public Segments {
      features = List.copyOf(features);
    }

    public boolean searchesK() {
      return k == 0;
    }
  }

  /** The random forest that predicts a segment from what a first purchase tells. */
  public record Classifier(List<String> features, int trees, int maxDepth) {

    public Classifier {
      features = List.copyOf(features);
    }
  }

  /** What predicts a new customer's follow-up purchases. */
  public enum Predictor {
    AUTO,
    SEGMENT_MEDIAN,
    REGRESSOR
  }

  /**
   * Anticipating what a new customer buys over the horizon after the first purchase.
   *
   * @param regressorIterations boosting iterations of each follow-up regressor
   * @param backtest whether {@code train} ends with the backtest
   * @param backtestHoldoutFraction share of the customers with full follow-up held out
   */
  public record Anticipation(
      Period horizon,
      Predictor predictor,
      int regressorIterations,
      int regressorMaxDepth,
      boolean backtest,
      double backtestHoldoutFraction) {}

  /**
   * Scoring a batch of invoice lines.
   *
   * @param model the models/ folder of a training run; empty when the subcommand needs none
   * @param knownCustomers also score customers the model segmented
   */
  public record Score(String model, boolean knownCustomers) {}

  /** The thresholds a training run must meet before it publishes anything. */
  public record Gate(
      double minSilhouette,
      double minTemporalAccuracy,
      double maxSegmentShare,
      long minCustomers,
      double maxQuarantineShare) {}

  /**
   * Known customers' future (BG/NBD and Gamma-Gamma).
   *
   * @param horizon how far past the cutoff the expected purchases and spend look
   * @param spendSample at most this many repeat buyers for the Gamma-Gamma fit
   * @param backtest whether train (and backtest) test the models fitted before a split date on the
   *     data after it
   * @param backtestSplit that date; empty: the middle of the data
   */
  public record Clv(
      Period horizon, int spendSample, boolean backtest, Optional<LocalDate> backtestSplit) {}

  /**
   * Publishing for warehouses.
   *
   * @param root the Iceberg catalog's warehouse or the Parquet tables' folder; empty: nothing is
   *     published
   * @param snapshotDate the snapshot a run publishes
   */
  public record Publish(
      String root,
      LocalDate snapshotDate,
      TableFormat format,
      Catalog catalog,
      Retention retention) {

    public boolean enabled() {
      return !root.isEmpty();
    }
  }

  public enum TableFormat {
    ICEBERG,
    PARQUET
  }

  /**
   * The Iceberg catalog the tables live in.
   *
   * @param name Spark's name for it ({@code spark.sql.catalog.<name>})
   * @param type Iceberg's catalog type; empty when {@code properties} name a {@code catalog-impl}
   * @param properties passed through to Iceberg as they are
   */
  public record Catalog(
      String name, String namespace, String type, Map<String, String> properties) {

    public Catalog {
      properties = Map.copyOf(properties);
    }
  }

  /**
   * Snapshots older than {@code maxSnapshotAge} are expired, never the newest {@code minSnapshots}.
   */
  public record Retention(Duration maxSnapshotAge, int minSnapshots) {}

  /**
   * Stable segment ids across retraining.
   *
   * @param previousModels a previous run's models/ folder; empty: the published table's
   * @param maxDistance how far (standardised units) a match may be
   */
  public record StableIds(String previousModels, double maxDistance) {}

  /**
   * @param enabled whether {@code train} ends with {@code report.html}
   */
  public record Report(boolean enabled) {}

  /**
   * How intermediate tables are kept between steps, and where Spark checkpoints.
   *
   * @param checkpointDir scratch folder every executor reaches; empty: none
   */
  public record Materialise(MaterialiseMode mode, String checkpointDir) {

    public boolean hasCheckpointDir() {
      return !checkpointDir.isEmpty();
    }
  }

  /** See {@code segmentation.materialise.mode} in application.conf. */
  public enum MaterialiseMode {
    AUTO,
    LOCAL,
    PERSIST,
    RELIABLE
  }
}
