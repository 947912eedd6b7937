package dev.segmentation.job;

import dev.segmentation.anticipation.AnticipationBacktest;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.LifetimeValueBacktest;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.features.CustomerFeatures;
import dev.segmentation.model.CustomerSegmenter;
import dev.segmentation.publish.RunOutput;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code backtest} on its own: the data {@code train} would fit on, the segments (of the configured
 * k, or the k search on every training customer), then the {@link AnticipationBacktest} and the
 * lifetime-value backtest. Writes {@code metrics.json} under {@code <output>/<run-id>/}.
 */
public final class BacktestJob {

  private BacktestJob() {}

  public static BacktestResult run(SparkSession spark, JobConfig config) {
    try (RunRecord run = RunRecord.begin(spark, config, "backtest")) {
      RunMetrics metrics = run.metrics();
      Checkpoints checkpoints = run.checkpoints();
      RunOutput output = new RunOutput(spark, config.output().root(), config.runId());
      TrainingData data = TrainingData.prepare(spark, config, metrics, checkpoints);
      LifetimeValueSteps lifetimeValue =
          new LifetimeValueSteps(config, metrics, checkpoints, data.window());
      Dataset<Row> customers =
          checkpoints.materialise(
              new CustomerFeatures(config.products().mix(), data.window().cutoff())
                  .apply(data.trainBaskets()));
      String counted = RunMetrics.count(checkpoints.rows(customers), "customers");
      CustomerSegmenter.Result segmentation =
          metrics.time(
              "k_search",
              () -> new CustomerSegmenter(config.segments(), config.train()).fit(customers),
              fitted -> "k = " + fitted.k() + ", " + counted);
      metrics.put("segmentation.k", segmentation.k());
      AnticipationBacktest.Result anticipation =
          metrics.time(
              "backtest",
              () ->
                  new AnticipationBacktest(config, checkpoints::materialise)
                      .run(data.firstPurchases(), customers, segmentation.k()),
              result -> counted);
      anticipation.writeTo(metrics);
      Optional<LifetimeValueBacktest.Result> lifetimeValueBacktest = Optional.empty();
      if (config.clv().backtest()) {
        lifetimeValueBacktest =
            Optional.of(
                metrics.time(
                    "clv_backtest",
                    () -> lifetimeValue.backtest(data, segmentation.model()),
                    result -> RunMetrics.count(result.customers(), "customers")));
      }
      return new BacktestResult(
          metrics, Optional.of(anticipation), lifetimeValueBacktest, run.finish(output));
    }
  }
}
