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
    long start = System.nanoTime();
    RunMetrics metrics = RunRecord.begin(config, "backtest");
    RunOutput output = new RunOutput(spark, config.output().root(), config.runId());
    TrainingData data = TrainingData.prepare(spark, config, metrics);
    int k = config.segments().k();
    Dataset<Row> customers = Checkpoints.materialise(
        new CustomerFeatures(config.products().categories(), data.window().cutoff()).apply(data.trainBaskets()));
    if (config.segments().searchesK()) {
      k = metrics.time("k_search",
          () -> new CustomerSegmenter(config.segments(), config.train().seed()).fit(customers).k());
    }
    metrics.put("segmentation.k", k);
    int segments = k;
    metrics.time("backtest", () -> new Backtest(config, metrics).run(data, customers, segments));
    RunRecord.finish(metrics, output, start);
    return metrics;
  }
}
