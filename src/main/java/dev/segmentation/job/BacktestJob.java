package dev.segmentation.job;

import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.features.CustomerFeatures;
import dev.segmentation.model.CustomerSegmenter;
import dev.segmentation.publish.RunOutput;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code backtest} on its own: the data {@code train} would fit on, the number of segments (the
 * configured k, or the k search on every training customer), then the {@link Backtest}. Writes
 * {@code metrics.json} under {@code <output>/<run-id>/}.
 */
public final class BacktestJob {

  private BacktestJob() {}

  public static RunMetrics run(SparkSession spark, JobConfig config) {
    try (RunRecord run = RunRecord.begin(spark, config, "backtest")) {
      RunMetrics metrics = run.metrics();
      Checkpoints checkpoints = run.checkpoints();
      RunOutput output = new RunOutput(spark, config.output().root(), config.runId());
      TrainingData data = TrainingData.prepare(spark, config, metrics, checkpoints);
      int k = config.segments().k();
      Dataset<Row> customers = checkpoints.materialise(
          new CustomerFeatures(config.products().categories(), data.window().cutoff()).apply(data.trainBaskets()));
      if (config.segments().searchesK()) {
        k = metrics.time("k_search",
            () -> new CustomerSegmenter(config.segments(), config.train()).fit(customers).k(),
            chosen -> "k = " + chosen + ", " + RunMetrics.count(checkpoints.rows(customers), "customers"));
      }
      metrics.put("segmentation.k", k);
      int segments = k;
      metrics.time("backtest", () -> new Backtest(config, metrics, checkpoints).run(data, customers, segments),
          choice -> RunMetrics.count(checkpoints.rows(customers), "customers"));
      run.finish(output);
      return metrics;
    }
  }
}
