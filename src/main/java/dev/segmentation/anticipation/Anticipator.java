package dev.segmentation.anticipation;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;

import dev.segmentation.config.JobConfig.Predictor;
import dev.segmentation.model.CustomerSegmenter;
import dev.segmentation.model.SegmentClassifier;
import java.util.Objects;
import java.util.Optional;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * From a first purchase to a segment and the follow-up to expect: the first-invoice {@link
 * SegmentClassifier}, the {@link SegmentFollowUp} of the predicted segment, and, where it was
 * chosen, the {@link FollowUpRegressor}. The backtest and {@code score} both predict through this
 * class.
 *
 * <p>Input: {@link dev.segmentation.features.FirstPurchases} rows. Output: the same rows plus the
 * classifier's columns ({@link #PREDICTED_SEGMENT} as int), the segment medians, the regressor's
 * predictions when there is a regressor, and {@link #EXPECTED_INVOICES} and {@link #EXPECTED_SPEND}
 * from the chosen predictors.
 */
public final class Anticipator {

  public static final String PREDICTED_SEGMENT = SegmentClassifier.PREDICTED_SEGMENT;
  public static final String SEGMENT_MEDIAN_INVOICES = "segment_median_invoices";
  public static final String SEGMENT_MEDIAN_SPEND = "segment_median_spend";
  public static final String EXPECTED_INVOICES = "expected_invoices";
  public static final String EXPECTED_SPEND = "expected_spend";

  /** Which predictor gives each expected quantity: segment median or regressor, never auto. */
  public record Choice(Predictor invoices, Predictor spend) {
    public Choice {
      if (invoices == Predictor.AUTO || spend == Predictor.AUTO) {
        throw new IllegalArgumentException("a choice names a predictor, not auto");
      }
    }

    public boolean needsRegressor() {
      return invoices == Predictor.REGRESSOR || spend == Predictor.REGRESSOR;
    }
  }

  private final PipelineModel classifier;
  private final Dataset<Row> expectations;
  private final Optional<PipelineModel> regressor;
  private final Choice choice;

  public Anticipator(
      PipelineModel classifier,
      Dataset<Row> expectations,
      Optional<PipelineModel> regressor,
      Choice choice) {
    this.classifier = Objects.requireNonNull(classifier, "classifier");
    this.expectations = Objects.requireNonNull(expectations, "expectations");
    this.regressor = Objects.requireNonNull(regressor, "regressor");
    this.choice = Objects.requireNonNull(choice, "choice");
    if (choice.needsRegressor() && regressor.isEmpty()) {
      throw new IllegalArgumentException("the choice " + choice + " needs a regressor");
    }
  }

  public Dataset<Row> apply(Dataset<Row> firstPurchases) {
    Dataset<Row> classified =
        classifier
            .transform(firstPurchases)
            .withColumn(PREDICTED_SEGMENT, col(PREDICTED_SEGMENT).cast(DataTypes.IntegerType));
    // One row per segment: travels to every executor.
    Dataset<Row> medians =
        broadcast(
            expectations.select(
                col(CustomerSegmenter.SEGMENT).as(PREDICTED_SEGMENT),
                col(SegmentFollowUp.INVOICES_MEDIAN).as(SEGMENT_MEDIAN_INVOICES),
                col(SegmentFollowUp.SPEND_MEDIAN).as(SEGMENT_MEDIAN_SPEND)));
    Dataset<Row> withMedians = classified.join(medians, PREDICTED_SEGMENT, "left");
    Dataset<Row> predicted = regressor.map(r -> r.transform(withMedians)).orElse(withMedians);
    return predicted
        .withColumn(
            EXPECTED_INVOICES,
            pick(choice.invoices(), SEGMENT_MEDIAN_INVOICES, FollowUpRegressor.INVOICES))
        .withColumn(
            EXPECTED_SPEND, pick(choice.spend(), SEGMENT_MEDIAN_SPEND, FollowUpRegressor.SPEND));
  }

  /** A follow-up is never negative, whatever the boosted trees add up to. */
  private static Column pick(Predictor predictor, String segmentMedian, String regressorColumn) {
    Column value = predictor == Predictor.REGRESSOR ? col(regressorColumn) : col(segmentMedian);
    return greatest(value, lit(0.0));
  }
}
