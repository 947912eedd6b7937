package dev.segmentation.job;

import static dev.segmentation.features.FeatureColumns.CUSTOMER_ID;
import static dev.segmentation.features.FeatureColumns.INVOICE_TS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import dev.segmentation.ContractViolation;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.LifetimeValueBacktest;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.features.CustomerFeatures;
import dev.segmentation.features.RepeatPurchases;
import dev.segmentation.model.BgNbd;
import dev.segmentation.model.CustomerSegmenter;
import dev.segmentation.model.GammaGamma;
import dev.segmentation.model.LifetimeValue;
import dev.segmentation.model.ValueBands;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The lifetime-value steps of {@code train} and {@code backtest}: BG/NBD and Gamma-Gamma fitted on
 * the {@link RepeatPurchases} summary of the training window and applied to its customers, and the
 * same models fitted before a split date and tested after it.
 */
final class LifetimeValueSteps {

  /**
   * The models and what they expect of every training customer.
   *
   * @param model what {@code score} applies
   * @param values customer id, {@link LifetimeValue}'s three columns and {@link
   *     ValueBands#VALUE_BAND}
   */
  record Lifetime(LifetimeValue.Model model, Dataset<Row> values) {}

  private final JobConfig config;
  private final RunMetrics metrics;
  private final Checkpoints checkpoints;
  private final LocalDate split;

  /** Checks the backtest's split date against the data's window at once, before any work. */
  LifetimeValueSteps(
      JobConfig config, RunMetrics metrics, Checkpoints checkpoints, TrainingWindow window) {
    this.config = config;
    this.metrics = metrics;
    this.checkpoints = checkpoints;
    this.split = split(config, window);
  }

  /** Fitted on the training window, applied to its customers over the configured horizon. */
  Lifetime fit(TrainingData data) {
    LocalDate cutoff = data.window().cutoff();
    Dataset<Row> summary =
        checkpoints.materialise(new RepeatPurchases(cutoff).apply(data.trainBaskets()));
    LifetimeValue.Fitted fitted = fitAndRecord(summary, "clv");
    metrics.put("clv.horizon", config.clv().horizon().toString());
    double horizonDays = ChronoUnit.DAYS.between(cutoff, cutoff.plus(config.clv().horizon()));
    Dataset<Row> valued =
        checkpoints.materialise(
            new LifetimeValue(
                    fitted.purchases().parameters(), fitted.spend().parameters(), horizonDays)
                .apply(summary)
                .select(
                    CUSTOMER_ID,
                    LifetimeValue.P_ALIVE,
                    LifetimeValue.EXPECTED_PURCHASES,
                    LifetimeValue.EXPECTED_SPEND));
    ValueBands bands = ValueBands.fit(valued);
    metrics.put("clv.value_bands.medium", RunMetrics.rounded(bands.medium()));
    metrics.put("clv.value_bands.high", RunMetrics.rounded(bands.high()));
    return new Lifetime(
        new LifetimeValue.Model(
            fitted.purchases().parameters(),
            fitted.spend().parameters(),
            bands,
            config.clv().horizon()),
        bands.apply(valued));
  }

  /**
   * The models fitted on the data before the split date, each of those customers predicted for the
   * rest of the data, next to the baselines. A customer's segment for the segment-mean baseline is
   * what {@code segmentation} makes of their baskets before the split, so that nothing after it
   * informs a prediction.
   */
  LifetimeValueBacktest.Result backtest(TrainingData data, PipelineModel segmentation) {
    Column before =
        col(INVOICE_TS).lt(lit(Timestamp.from(split.atStartOfDay().toInstant(ZoneOffset.UTC))));
    Dataset<Row> baskets = data.trainBaskets().unionByName(data.testBaskets());
    Dataset<Row> calibration = baskets.where(before);
    Dataset<Row> summary = checkpoints.materialise(new RepeatPurchases(split).apply(calibration));
    LifetimeValue.Fitted fitted = fitAndRecord(summary, "clv.backtest");
    Dataset<Row> segments =
        segmentation
            .transform(new CustomerFeatures(config.products().mix(), split).apply(calibration))
            .select(CUSTOMER_ID, CustomerSegmenter.SEGMENT);
    LifetimeValueBacktest.Result result =
        new LifetimeValueBacktest(
                fitted.purchases().parameters(),
                fitted.spend().parameters(),
                split,
                data.window().end())
            .run(summary.join(segments, CUSTOMER_ID), baskets.where(not(before)));
    result.toMap().forEach((key, value) -> metrics.put("clv.backtest." + key, value));
    return result;
  }

  private static LocalDate split(JobConfig config, TrainingWindow window) {
    LocalDate middle =
        window.start().plusDays(ChronoUnit.DAYS.between(window.start(), window.end()) / 2);
    LocalDate split = config.clv().backtestSplit().orElse(middle);
    if (!split.isAfter(window.start()) || !split.isBefore(window.end())) {
      throw new ContractViolation(
          "invalid configuration: segmentation.clv.backtest.split "
              + split
              + " must fall inside the data, which spans "
              + window.start()
              + " to "
              + window.end().minusDays(1));
    }
    return split;
  }

  /**
   * Both models on a summary; their parameters under {@code <prefix>.bgnbd} and {@code
   * .gamma_gamma}.
   */
  private LifetimeValue.Fitted fitAndRecord(Dataset<Row> summary, String prefix) {
    LifetimeValue.Fitted fitted =
        LifetimeValue.fit(summary, config.clv().spendSample(), config.train().seed());
    BgNbd.Parameters purchases = fitted.purchases().parameters();
    GammaGamma.Parameters spend = fitted.spend().parameters();
    metrics.put(prefix + ".bgnbd.r", RunMetrics.rounded(purchases.r()));
    metrics.put(prefix + ".bgnbd.alpha", RunMetrics.rounded(purchases.alpha()));
    metrics.put(prefix + ".bgnbd.a", RunMetrics.rounded(purchases.a()));
    metrics.put(prefix + ".bgnbd.b", RunMetrics.rounded(purchases.b()));
    metrics.put(
        prefix + ".bgnbd.log_likelihood", RunMetrics.rounded(fitted.purchases().logLikelihood()));
    metrics.put(prefix + ".bgnbd.customers", fitted.purchases().customers());
    metrics.put(prefix + ".bgnbd.cells", fitted.purchases().cells());
    metrics.put(prefix + ".gamma_gamma.p", RunMetrics.rounded(spend.p()));
    metrics.put(prefix + ".gamma_gamma.q", RunMetrics.rounded(spend.q()));
    metrics.put(prefix + ".gamma_gamma.gamma", RunMetrics.rounded(spend.gamma()));
    metrics.put(
        prefix + ".gamma_gamma.log_likelihood", RunMetrics.rounded(fitted.spend().logLikelihood()));
    metrics.put(prefix + ".gamma_gamma.buyers", fitted.spend().customers());
    metrics.put(
        prefix + ".spend_frequency_correlation",
        RunMetrics.rounded(fitted.spendFrequencyCorrelation()));
    return fitted;
  }
}
