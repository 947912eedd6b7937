package dev.segmentation.evaluate;

import static dev.segmentation.features.FeatureColumns.BASKET_AMOUNT;
import static dev.segmentation.features.FeatureColumns.CUSTOMER_ID;
import static dev.segmentation.features.FeatureColumns.INVOICE_TS;
import static dev.segmentation.features.RepeatPurchases.AGE;
import static dev.segmentation.features.RepeatPurchases.REPEAT_DAYS;
import static dev.segmentation.features.RepeatPurchases.REPEAT_SPEND;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.RepeatPurchases;
import dev.segmentation.model.BgNbd;
import dev.segmentation.model.CustomerSegmenter;
import dev.segmentation.model.GammaGamma;
import dev.segmentation.model.LifetimeValue;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * BG/NBD and Gamma-Gamma fitted on the calibration window (before the cutoff) against what the
 * customers of that window did in the holdout window (from the cutoff to the end of the data):
 * purchase days and spend, per customer, predicted for the holdout's length.
 *
 * <p>Two baselines predict the same quantities without the models: the customer's own past rate
 * (repeat purchase days, and their spend, per day of the customer's age, times the holdout's
 * length) and the mean of that past rate over the customer's segment. The calibration groups
 * compare mean predicted and actual purchases by calibration frequency, as the BTYD literature
 * plots them.
 */
public final class LifetimeValueBacktest {

  /** Calibration frequencies 0 to this one each form a group; higher ones share the last. */
  static final int LAST_GROUP = 7;

  private static final String ACTUAL_PURCHASES = "_actual_purchases";
  private static final String ACTUAL_SPEND = "_actual_spend";
  private static final String RATE_PURCHASES = "_rate_purchases";
  private static final String RATE_SPEND = "_rate_spend";
  private static final String SEGMENT_PURCHASES = "_segment_purchases";
  private static final String SEGMENT_SPEND = "_segment_spend";
  private static final String GROUP = "_group";

  private final BgNbd.Parameters purchases;
  private final GammaGamma.Parameters spend;
  private final LocalDate cutoff;
  private final long holdoutDays;

  /** The models fitted before {@code cutoff}, tested on [cutoff, end). */
  public LifetimeValueBacktest(
      BgNbd.Parameters purchases, GammaGamma.Parameters spend, LocalDate cutoff, LocalDate end) {
    this.purchases = Objects.requireNonNull(purchases, "purchases");
    this.spend = Objects.requireNonNull(spend, "spend");
    this.cutoff = Objects.requireNonNull(cutoff, "cutoff");
    this.holdoutDays = ChronoUnit.DAYS.between(cutoff, end);
    if (holdoutDays <= 0) {
      throw new IllegalArgumentException(
          "the holdout window [" + cutoff + ", " + end + ") is empty");
    }
  }

  /** Mean absolute errors of the model and of the two baselines. */
  public record Errors(double model, double pastRate, double segmentMean) {}

  /** Mean purchase days in the holdout of the customers with one calibration frequency. */
  public record Group(
      String frequency,
      long customers,
      double actual,
      double model,
      double pastRate,
      double segmentMean) {}

  /**
   * @param split the first day of the holdout
   */
  public record Result(
      LocalDate split,
      long customers,
      long holdoutDays,
      Errors purchases,
      Errors spend,
      List<Group> calibration) {

    /** The figures under {@code clv.backtest.*}, named as the documentation gives them. */
    public Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("split", split.toString());
      map.put("customers", customers);
      map.put("holdout_days", holdoutDays);
      put(map, "purchases", purchases);
      put(map, "spend", spend);
      List<Map<String, Object>> groups = new ArrayList<>();
      for (Group g : calibration) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("frequency", g.frequency());
        row.put("customers", g.customers());
        row.put("actual", RunMetrics.rounded(g.actual()));
        row.put("model", RunMetrics.rounded(g.model()));
        row.put("baseline_past_rate", RunMetrics.rounded(g.pastRate()));
        row.put("baseline_segment_mean", RunMetrics.rounded(g.segmentMean()));
        groups.add(row);
      }
      map.put("calibration", groups);
      return map;
    }

    private static void put(Map<String, Object> map, String quantity, Errors errors) {
      map.put(quantity + "_mae", RunMetrics.rounded(errors.model()));
      map.put("baseline_past_rate_" + quantity + "_mae", RunMetrics.rounded(errors.pastRate()));
      map.put(
          "baseline_segment_mean_" + quantity + "_mae", RunMetrics.rounded(errors.segmentMean()));
    }
  }

  /**
   * @param calibration the {@link RepeatPurchases} summary before the cutoff with each customer's
   *     {@code segment}
   * @param holdoutBaskets positive baskets from the cutoff on (customers first seen there are left
   *     out: the models say nothing about them)
   */
  public Result run(Dataset<Row> calibration, Dataset<Row> holdoutBaskets) {
    Dataset<Row> predicted = predictions(calibration, holdoutBaskets);
    Row errors =
        predicted
            .agg(
                count(lit(1)),
                avg(abs(col(LifetimeValue.EXPECTED_PURCHASES).minus(col(ACTUAL_PURCHASES)))),
                avg(abs(col(RATE_PURCHASES).minus(col(ACTUAL_PURCHASES)))),
                avg(abs(col(SEGMENT_PURCHASES).minus(col(ACTUAL_PURCHASES)))),
                avg(abs(col(LifetimeValue.EXPECTED_SPEND).minus(col(ACTUAL_SPEND)))),
                avg(abs(col(RATE_SPEND).minus(col(ACTUAL_SPEND)))),
                avg(abs(col(SEGMENT_SPEND).minus(col(ACTUAL_SPEND)))))
            .first();
    if (errors.getLong(0) == 0) {
      throw new IllegalArgumentException("no customer in the calibration window to backtest");
    }
    List<Group> groups =
        predicted
            .groupBy(least(col(REPEAT_DAYS), lit(LAST_GROUP)).as(GROUP))
            .agg(
                count(lit(1)),
                avg(ACTUAL_PURCHASES),
                avg(LifetimeValue.EXPECTED_PURCHASES),
                avg(RATE_PURCHASES),
                avg(SEGMENT_PURCHASES))
            .orderBy(GROUP)
            .collectAsList()
            .stream()
            .map(
                g ->
                    new Group(
                        g.getInt(0) == LAST_GROUP ? LAST_GROUP + "+" : String.valueOf(g.getInt(0)),
                        g.getLong(1),
                        g.getDouble(2),
                        g.getDouble(3),
                        g.getDouble(4),
                        g.getDouble(5)))
            .toList();
    return new Result(
        cutoff,
        errors.getLong(0),
        holdoutDays,
        new Errors(errors.getDouble(1), errors.getDouble(2), errors.getDouble(3)),
        new Errors(errors.getDouble(4), errors.getDouble(5), errors.getDouble(6)),
        groups);
  }

  /** One row per calibration customer: what they did in the holdout, and the three predictions. */
  private Dataset<Row> predictions(Dataset<Row> calibration, Dataset<Row> holdoutBaskets) {
    Dataset<Row> actual =
        holdoutBaskets
            .groupBy(CUSTOMER_ID)
            .agg(
                count_distinct(to_date(col(INVOICE_TS))).cast("double").as(ACTUAL_PURCHASES),
                FeatureColumns.sumOfMoney(col(BASKET_AMOUNT)).as(ACTUAL_SPEND));
    Column perDay = lit((double) holdoutDays).divide(col(AGE));
    Dataset<Row> rated =
        new LifetimeValue(purchases, spend, holdoutDays)
            .apply(calibration)
            .withColumn(RATE_PURCHASES, col(REPEAT_DAYS).multiply(perDay))
            .withColumn(RATE_SPEND, col(REPEAT_DAYS).multiply(col(REPEAT_SPEND)).multiply(perDay));
    Dataset<Row> segmentMeans =
        rated
            .groupBy(CustomerSegmenter.SEGMENT)
            .agg(avg(RATE_PURCHASES).as(SEGMENT_PURCHASES), avg(RATE_SPEND).as(SEGMENT_SPEND));
    return rated
        .join(broadcast(segmentMeans), CustomerSegmenter.SEGMENT)
        .join(actual, CUSTOMER_ID, "left")
        .na()
        .fill(0.0, new String[] {ACTUAL_PURCHASES, ACTUAL_SPEND});
  }
}
