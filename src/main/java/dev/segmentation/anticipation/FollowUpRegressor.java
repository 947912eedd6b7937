package dev.segmentation.anticipation;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.log1p;

import dev.segmentation.config.JobConfig;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.ProductMix;
import dev.segmentation.model.StablePartitions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Predicts the follow-up (invoices and spend within the horizon) from the first purchase alone, as
 * one MLlib pipeline: StringIndexer and OneHotEncoder (country) → VectorAssembler → one
 * GBTRegressor per quantity → SQLTransformer.
 *
 * <p>Each regressor learns log(1 + quantity) with absolute loss, and the last stage turns its
 * prediction back. Absolute loss aims at the median, the value that minimises the mean absolute
 * error the backtest reports; the log scale matters because MLlib's boosting moves each prediction
 * by at most the step size per iteration (it does not re-fit leaf medians), which on spends in the
 * hundreds leaves the first, mean-fitted tree almost alone. Measured on the bundled data's backtest
 * split: raw spend 1,011 MAE, log spend 813 to 852, median baseline 862.
 *
 * <p>Input to {@link #fit}: {@link dev.segmentation.features.FirstPurchases} rows with the {@link
 * dev.segmentation.anticipation.FollowUp} columns. The fitted pipeline adds {@link #INVOICES} and
 * {@link #SPEND} (doubles).
 */
public final class FollowUpRegressor {

  public static final String INVOICES = "regressor_invoices";
  public static final String SPEND = "regressor_spend";

  private static final String COUNTRY_INDEX = "country_index";
  private static final String COUNTRY_VECTOR = "country_vector";
  private static final String FEATURES = "regressor_features";

  private final ProductMix mix;
  private final JobConfig.Anticipation settings;
  private final long seed;
  private final StablePartitions layout;

  /**
   * @param train the seed and the rows' layout, which make the fit repeatable
   */
  public FollowUpRegressor(ProductMix mix, JobConfig.Anticipation settings, JobConfig.Train train) {
    this.mix = Objects.requireNonNull(mix, "mix");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.seed = train.seed();
    this.layout = new StablePartitions(train.rowsPerPartition());
  }

  /**
   * The numeric first-purchase facts the regressor reads: amount, lines, units, month and the split
   * across categories and price bands (the country comes in one-hot besides).
   */
  public static List<String> firstPurchaseFeatures(ProductMix mix) {
    List<String> names =
        new ArrayList<>(
            List.of(
                FeatureColumns.BASKET_MEAN,
                FeatureColumns.LINE_COUNT,
                FeatureColumns.QUANTITY,
                FeatureColumns.FIRST_MONTH));
    names.addAll(mix.shares());
    return names;
  }

  private List<String> features() {
    List<String> names = new ArrayList<>(firstPurchaseFeatures(mix));
    names.add(COUNTRY_VECTOR);
    return names;
  }

  public PipelineModel fit(Dataset<Row> firstPurchases) {
    Dataset<Row> laidOut =
        layout
            .layOut(firstPurchases, FeatureColumns.CUSTOMER_ID, firstPurchases.count())
            .withColumn(
                logOf(FeatureColumns.FOLLOWUP_INVOICES),
                log1p(col(FeatureColumns.FOLLOWUP_INVOICES)))
            .withColumn(
                logOf(FeatureColumns.FOLLOWUP_SPEND), log1p(col(FeatureColumns.FOLLOWUP_SPEND)));
    return new Pipeline()
        .setStages(
            new PipelineStage[] {
              // Countries not seen in training get an index of their own instead of failing;
              // one-hot,
              // because trees cap the values of one categorical feature (maxBins) and a data set
              // can
              // have any number of countries.
              new StringIndexer()
                  .setInputCol(FeatureColumns.COUNTRY)
                  .setOutputCol(COUNTRY_INDEX)
                  .setHandleInvalid("keep")
                  .setStringOrderType("frequencyDesc"),
              new OneHotEncoder()
                  .setInputCol(COUNTRY_INDEX)
                  .setOutputCol(COUNTRY_VECTOR)
                  .setHandleInvalid("keep"),
              new VectorAssembler()
                  .setInputCols(features().toArray(String[]::new))
                  .setOutputCol(FEATURES),
              boosted(logOf(FeatureColumns.FOLLOWUP_INVOICES), logOf(INVOICES)),
              boosted(logOf(FeatureColumns.FOLLOWUP_SPEND), logOf(SPEND)),
              new SQLTransformer()
                  .setStatement(
                      "SELECT *, "
                          + "greatest(expm1("
                          + logOf(INVOICES)
                          + "), 0D) AS "
                          + INVOICES
                          + ", "
                          + "greatest(expm1("
                          + logOf(SPEND)
                          + "), 0D) AS "
                          + SPEND
                          + " FROM __THIS__")
            })
        .fit(laidOut);
  }

  private static String logOf(String column) {
    return column + "_log";
  }

  private GBTRegressor boosted(String label, String prediction) {
    return new GBTRegressor()
        .setFeaturesCol(FEATURES)
        .setLabelCol(label)
        .setPredictionCol(prediction)
        .setLossType("absolute")
        .setMaxIter(settings.regressorIterations())
        .setMaxDepth(settings.regressorMaxDepth())
        .setSeed(seed);
  }
}
