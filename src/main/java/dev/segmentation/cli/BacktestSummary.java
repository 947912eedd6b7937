package dev.segmentation.cli;

import dev.segmentation.evaluate.RunMetrics;
import java.io.PrintWriter;

/** The backtest's lines of a summary, shared by {@code train} and {@code backtest}. */
final class BacktestSummary {

  private BacktestSummary() {}

  static void print(PrintWriter out, RunMetrics metrics) {
    if (metrics.get("backtest.customers") == null) {
      return;
    }
    out.printf("backtest          %s held-out customers, horizon %s: segment accuracy %s%n",
        metrics.get("backtest.customers"), metrics.get("backtest.horizon"),
        metrics.get("backtest.segment_accuracy"));
    out.printf("  spend MAE       %s (%s); baselines mean %s, median %s, ratio %s%n",
        metrics.get("backtest.spend_mae"), metrics.get("backtest.predictor.spend"),
        metrics.get("backtest.baseline_mean_spend_mae"), metrics.get("backtest.baseline_median_spend_mae"),
        metrics.get("backtest.baseline_ratio_spend_mae"));
    out.printf("  invoices MAE    %s (%s); baselines mean %s, median %s, ratio %s%n",
        metrics.get("backtest.invoices_mae"), metrics.get("backtest.predictor.invoices"),
        metrics.get("backtest.baseline_mean_invoices_mae"), metrics.get("backtest.baseline_median_invoices_mae"),
        metrics.get("backtest.baseline_ratio_invoices_mae"));
  }
}
