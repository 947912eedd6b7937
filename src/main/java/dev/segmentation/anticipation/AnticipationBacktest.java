package dev.segmentation.anticipation;

import static dev.segmentation.features.FeatureColumns.BASKET_MEAN;
import static dev.segmentation.features.FeatureColumns.CUSTOMER_ID;
import static dev.segmentation.features.FeatureColumns.FOLLOWUP_INVOICES;
import static dev.segmentation.features.FeatureColumns.FOLLOWUP_SPEND;
import static dev.segmentation.features.FeatureColumns.FULL_FOLLOWUP;
import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.median;
import static org.apache.spark.sql.functions.when;

import dev.segmentation.config.JobConfig;
import dev.segmentation.config.JobConfig.Predictor;
import dev.segmentation.evaluate.HoldoutSplit;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.features.CustomerFeatures;
import dev.segmentation.model.CustomerSegmenter;
import dev.segmentation.model.SegmentClassifier;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Proves the anticipation on customers it never saw. Among the customers whose first purchase
 * leaves a full horizon of follow-up in the data, a seeded share is held out; segments,
 * first-invoice classifier, segment expectations and the follow-up regressor are fitted on everyone
 * else, exactly as {@code train} fits them; each held-out customer is then predicted from the first
 * invoice alone and compared with what they did. Three naive predictors fitted on the same
 * customers are the baselines. Everything lands under {@code backtest.*}.
 */
public final class AnticipationBacktest {

  private static final String HELD_OUT = "_held_out";
  private static final String ACTUAL_SEGMENT = "_actual_segment";

  private final JobConfig config;
  private final UnaryOperator<Dataset<Row>> materialise;

  /**
   * @param materialise keeps a table that is read more than once (the job's checkpoints)
   */
  public AnticipationBacktest(JobConfig config, UnaryOperator<Dataset<Row>> materialise) {
    this.config = config;
    this.materialise = materialise;
  }

  /**
   * Mean absolute errors of one quantity's predictors on the held-out customers.
   *
   * @param ratio the first basket times the fitted customers' mean ratio of follow-up spend to it
   *     (for invoices, which have no such ratio, the mean again)
   */
  public record Errors(
      double segmentMedian, double regressor, double mean, double median, double ratio) {

    /** The error of the predictor chosen. */
    public double of(Predictor predictor) {
      return predictor == Predictor.REGRESSOR ? regressor : segmentMedian;
    }
  }

  /**
   * What the backtest measured, and the predictors it chose.
   *
   * @param customers held-out customers predicted
   * @param customersWithSegment those of them the segmentation fitted without them could place
   * @param fitCustomers customers fitted on
   * @param fitFullFollowUp those of them with a full horizon of follow-up
   */
  public record Result(
      Period horizon,
      long fitCustomers,
      long fitFullFollowUp,
      long customers,
      long customersWithSegment,
      double segmentAccuracy,
      Errors spend,
      Errors invoices,
      Baselines baselines,
      Anticipator.Choice choice) {

    /** The figures under {@code backtest.*}, as the documentation names them. */
    public void writeTo(RunMetrics metrics) {
      metrics.put("backtest.horizon", horizon.toString());
      metrics.put("backtest.fit_customers", fitCustomers);
      metrics.put("backtest.fit_customers_full_followup", fitFullFollowUp);
      metrics.put("backtest.customers", customers);
      metrics.put("backtest.customers_with_segment", customersWithSegment);
      metrics.put("backtest.segment_accuracy", RunMetrics.rounded(segmentAccuracy));
      metrics.put("backtest.spend_mae", RunMetrics.rounded(spend.of(choice.spend())));
      metrics.put("backtest.invoices_mae", RunMetrics.rounded(invoices.of(choice.invoices())));
      metrics.put("backtest.predictor.spend", label(choice.spend()));
      metrics.put("backtest.predictor.invoices", label(choice.invoices()));
      metrics.put("backtest.segment_median_spend_mae", RunMetrics.rounded(spend.segmentMedian()));
      metrics.put(
          "backtest.segment_median_invoices_mae", RunMetrics.rounded(invoices.segmentMedian()));
      metrics.put("backtest.regressor_spend_mae", RunMetrics.rounded(spend.regressor()));
      metrics.put("backtest.regressor_invoices_mae", RunMetrics.rounded(invoices.regressor()));
      metrics.put("backtest.baseline_mean_spend_mae", RunMetrics.rounded(spend.mean()));
      metrics.put("backtest.baseline_mean_invoices_mae", RunMetrics.rounded(invoices.mean()));
      metrics.put("backtest.baseline_median_spend_mae", RunMetrics.rounded(spend.median()));
      metrics.put("backtest.baseline_median_invoices_mae", RunMetrics.rounded(invoices.median()));
      metrics.put("backtest.baseline_ratio_spend_mae", RunMetrics.rounded(spend.ratio()));
      metrics.put("backtest.baseline_ratio_invoices_mae", RunMetrics.rounded(invoices.ratio()));
      metrics.put("backtest.baselines.mean_spend", RunMetrics.rounded(baselines.meanSpend()));
      metrics.put("backtest.baselines.median_spend", RunMetrics.rounded(baselines.medianSpend()));
      metrics.put(
          "backtest.baselines.spend_per_first_basket",
          RunMetrics.rounded(baselines.spendPerFirstBasket()));
      metrics.put("backtest.baselines.mean_invoices", RunMetrics.rounded(baselines.meanInvoices()));
      metrics.put(
          "backtest.baselines.median_invoices", RunMetrics.rounded(baselines.medianInvoices()));
    }
  }

  /**
   * Runs the backtest for segments of {@code k}; its result holds the predictors to use.
   *
   * @param firstPurchases every customer's first purchase with its follow-up ({@link FollowUp})
   * @param customers the {@link CustomerFeatures} of the training window, as train computed them
   */
  public Result run(Dataset<Row> firstPurchases, Dataset<Row> customers, int k) {
    Column heldOut =
        col(FULL_FOLLOWUP)
            .and(
                HoldoutSplit.heldOut(
                    config.train().seed() + 1, config.anticipation().backtestHoldoutFraction()));
    Dataset<Row> firsts = materialise.apply(firstPurchases.withColumn(HELD_OUT, heldOut));
    Dataset<Row> heldOutIds = firsts.filter(col(HELD_OUT)).select(CUSTOMER_ID);

    // Segments of the customers that stay in, from their training-window baskets as in train.
    Dataset<Row> fitCustomers =
        materialise.apply(customers.join(heldOutIds, CUSTOMER_ID, "left_anti"));
    PipelineModel segmentation =
        new CustomerSegmenter(fixedK(k), config.train()).fit(fitCustomers).model();
    Dataset<Row> labels =
        segmentation.transform(fitCustomers).select(CUSTOMER_ID, CustomerSegmenter.SEGMENT);

    Dataset<Row> fitFirsts =
        materialise.apply(firsts.filter(col(HELD_OUT).equalTo(false)).join(labels, CUSTOMER_ID));
    Dataset<Row> fitEligible = fitFirsts.filter(col(FULL_FOLLOWUP));
    PipelineModel classifier =
        new SegmentClassifier(config.classifier().features(), config.classifier(), config.train())
            .fit(fitFirsts);
    Dataset<Row> expectations = materialise.apply(new SegmentFollowUp().apply(fitFirsts));
    PipelineModel regressor =
        new FollowUpRegressor(config.products().mix(), config.anticipation(), config.train())
            .fit(fitEligible);
    Baselines baselines = Baselines.of(fitEligible);

    Dataset<Row> actualSegments =
        segmentation
            .transform(customers.join(heldOutIds, CUSTOMER_ID))
            .select(col(CUSTOMER_ID), col(CustomerSegmenter.SEGMENT).as(ACTUAL_SEGMENT));
    Dataset<Row> predicted =
        new Anticipator(
                classifier,
                expectations,
                Optional.of(regressor),
                new Anticipator.Choice(Predictor.REGRESSOR, Predictor.REGRESSOR))
            .apply(firsts.filter(col(HELD_OUT)))
            .join(actualSegments, CUSTOMER_ID, "left");
    List<Column> errorColumns = errorColumns(baselines);
    Row errors =
        predicted
            .agg(
                errorColumns.get(0),
                errorColumns.subList(1, errorColumns.size()).toArray(Column[]::new))
            .first();
    return result(errors, baselines, fitCustomers.count(), fitEligible.count());
  }

  private JobConfig.Segments fixedK(int k) {
    JobConfig.Segments s = config.segments();
    return new JobConfig.Segments(
        s.algorithm(),
        k,
        s.kMin(),
        s.kMax(),
        s.maxSegmentShare(),
        s.silhouetteTolerance(),
        s.maxIterations(),
        s.parallelFits(),
        s.searchSample(),
        s.searchStarts(),
        s.features());
  }

  /** The naive predictors, fitted on the customers with full follow-up that stay in. */
  private record Baselines(
      double meanSpend,
      double meanInvoices,
      double medianSpend,
      double medianInvoices,
      double spendPerFirstBasket) {

    static Baselines of(Dataset<Row> eligible) {
      Row row =
          eligible
              .agg(
                  avg(col(FOLLOWUP_SPEND)),
                  avg(col(FOLLOWUP_INVOICES)),
                  median(col(FOLLOWUP_SPEND)),
                  median(col(FOLLOWUP_INVOICES)),
                  avg(col(FOLLOWUP_SPEND).divide(col(BASKET_MEAN))))
              .first();
      return new Baselines(
          row.getDouble(0), row.getDouble(1), row.getDouble(2), row.getDouble(3), row.getDouble(4));
    }
  }

  /** Customers, segment hits, then the absolute errors of every predictor, in one pass. */
  private static List<Column> errorColumns(Baselines b) {
    Column spend = col(FOLLOWUP_SPEND);
    Column invoices = col(FOLLOWUP_INVOICES);
    List<Column> columns = new ArrayList<>();
    columns.add(count(lit(1)));
    columns.add(
        avg(
            when(col(Anticipator.PREDICTED_SEGMENT).equalTo(col(ACTUAL_SEGMENT)), 1.0)
                .otherwise(0.0)));
    columns.add(mae(col(Anticipator.SEGMENT_MEDIAN_SPEND), spend));
    columns.add(mae(col(Anticipator.SEGMENT_MEDIAN_INVOICES), invoices));
    columns.add(mae(col(Anticipator.EXPECTED_SPEND), spend));
    columns.add(mae(col(Anticipator.EXPECTED_INVOICES), invoices));
    columns.add(mae(lit(b.meanSpend()), spend));
    columns.add(mae(lit(b.meanInvoices()), invoices));
    columns.add(mae(lit(b.medianSpend()), spend));
    columns.add(mae(lit(b.medianInvoices()), invoices));
    columns.add(mae(col(BASKET_MEAN).multiply(b.spendPerFirstBasket()), spend));
    columns.add(mae(lit(b.meanInvoices()), invoices));
    columns.add(count(col(ACTUAL_SEGMENT)));
    return columns;
  }

  private static Column mae(Column predicted, Column actual) {
    return avg(abs(predicted.minus(actual)));
  }

  private Result result(Row e, Baselines baselines, long fitCustomers, long fitFullFollowUp) {
    Errors spend =
        new Errors(e.getDouble(2), e.getDouble(4), e.getDouble(6), e.getDouble(8), e.getDouble(10));
    Errors invoices =
        new Errors(e.getDouble(3), e.getDouble(5), e.getDouble(7), e.getDouble(9), e.getDouble(11));
    Anticipator.Choice choice =
        new Anticipator.Choice(
            choose(invoices.segmentMedian(), invoices.regressor()),
            choose(spend.segmentMedian(), spend.regressor()));
    return new Result(
        config.anticipation().horizon(),
        fitCustomers,
        fitFullFollowUp,
        e.getLong(0),
        e.getLong(12),
        e.getDouble(1),
        spend,
        invoices,
        baselines,
        choice);
  }

  /** The configured predictor, or under auto the one with the smaller backtest error. */
  private Predictor choose(double segmentMedianError, double regressorError) {
    Predictor configured = config.anticipation().predictor();
    if (configured != Predictor.AUTO) {
      return configured;
    }
    return regressorError < segmentMedianError ? Predictor.REGRESSOR : Predictor.SEGMENT_MEDIAN;
  }

  public static String label(Predictor predictor) {
    return predictor.name().toLowerCase().replace('_', '-');
  }
}
