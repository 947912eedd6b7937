package dev.segmentation.job;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.segmentation.ContractViolation;
import dev.segmentation.SparkTestBase;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code backtest} on its own, on the bundled data's first four months and a short horizon. */
class BacktestJobTest extends SparkTestBase {

  @TempDir Path dir;

  @Test
  void holdsOutCustomersWithFullFollowUpAndReportsEveryError() {
    JobConfig config =
        BundledModel.config(
            dir,
            "backtest",
            Map.of(
                "segmentation.input.uris",
                    "src/data/online-retail/2010-12-*.csv.gz,src/data/online-retail/2011-0[1-3]-*.csv.gz",
                "segmentation.train.cutoff", "2011-03-01",
                "segmentation.segments.k", "4",
                "segmentation.anticipation.horizon", "1 month",
                "segmentation.anticipation.regressor.iterations", "5"));

    RunMetrics metrics = BacktestJob.run(spark(), config).metrics();

    assertEquals(4L, metrics.getLong("segmentation.k"));
    long heldOut = metrics.getLong("backtest.customers");
    long withFullFollowUp = metrics.getLong("backtest.fit_customers_full_followup");
    // One in five of those with a full month of follow-up, give or take the hash.
    Assertions.assertTrue(
        heldOut > 0.1 * (heldOut + withFullFollowUp)
            && heldOut < 0.3 * (heldOut + withFullFollowUp),
        "held out " + heldOut + " of " + (heldOut + withFullFollowUp));
    assertEquals(heldOut, metrics.getLong("backtest.customers_with_segment"));
    double accuracy = ((Number) metrics.get("backtest.segment_accuracy")).doubleValue();
    Assertions.assertTrue(accuracy > 0 && accuracy <= 1, "accuracy " + accuracy);
    for (String quantity : new String[] {"spend", "invoices"}) {
      for (String predictor :
          new String[] {
            "segment_median", "regressor", "baseline_mean", "baseline_median", "baseline_ratio"
          }) {
        Assertions.assertTrue(
            ((Number) metrics.get("backtest." + predictor + "_" + quantity + "_mae")).doubleValue()
                >= 0,
            predictor + " " + quantity);
      }
      Object chosen = metrics.get("backtest.predictor." + quantity);
      double chosenError = ((Number) metrics.get("backtest." + quantity + "_mae")).doubleValue();
      assertEquals(
          ((Number)
                  metrics.get(
                      "backtest." + chosen.toString().replace('-', '_') + "_" + quantity + "_mae"))
              .doubleValue(),
          chosenError);
    }
    Assertions.assertTrue(dir.resolve("backtest/metrics.json").toFile().isFile());

    // Lifetime value, split in the middle of the four months (2010-12-01 to 2011-03-31).
    assertEquals("2011-01-30", metrics.get("clv.backtest.split"));
    assertEquals(61L, metrics.getLong("clv.backtest.holdout_days"));
    Assertions.assertTrue(
        metrics.getLong("clv.backtest.customers") > 500,
        "customers " + metrics.get("clv.backtest"));
    for (String quantity : new String[] {"purchases", "spend"}) {
      for (String predictor : new String[] {"", "baseline_past_rate_", "baseline_segment_mean_"}) {
        Assertions.assertTrue(
            ((Number) metrics.get("clv.backtest." + predictor + quantity + "_mae")).doubleValue()
                > 0,
            predictor + quantity);
      }
    }
  }

  @Test
  void aLifetimeValueSplitOutsideTheDataIsNamed() {
    JobConfig config =
        BundledModel.config(
            dir,
            "split",
            Map.of(
                "segmentation.input.uris", "src/data/online-retail/2010-12-0[1-3].csv.gz",
                "segmentation.train.cutoff", "2010-12-02",
                "segmentation.segments.k", "3",
                "segmentation.anticipation.backtest.enabled", "false",
                "segmentation.clv.backtest.split", "2012-01-01"));

    ContractViolation violation =
        assertThrows(ContractViolation.class, () -> BacktestJob.run(spark(), config));

    assertEquals(
        "invalid configuration: segmentation.clv.backtest.split 2012-01-01 must fall inside the data, "
            + "which spans 2010-12-01 to 2010-12-03",
        violation.getMessage());
  }
}
