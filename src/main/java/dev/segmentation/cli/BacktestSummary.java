package dev.segmentation.cli;

import dev.segmentation.evaluate.RunMetrics;
import java.io.PrintWriter;

/** The backtests' lines of a summary, shared by {@code train} and {@code backtest}. */
final class BacktestSummary {

  private BacktestSummary() {}

  static void print(PrintWriter out, RunMetrics metrics) {
    printAnticipation(out, metrics);
    printLifetimeValue(out, metrics);
  }

  private static void printLifetimeValue(PrintWriter out, RunMetrics metrics) {
    if (metrics.get("clv.backtest.customers") == null) {
      return;
    }
    out.printf(
        "clv backtest      %,d customers before %s, %s holdout days after%n",
        metrics.getLong("clv.backtest.customers"),
        metrics.get("clv.backtest.split"),
        metrics.get("clv.backtest.holdout_days"));
    for (String quantity : new String[] {"purchases", "spend"}) {
      out.printf(
          "  %-15s %s (BG/NBD%s); baselines past rate %s, segment mean %s%n",
          quantity + " MAE",
          metrics.get("clv.backtest." + quantity + "_mae"),
          quantity.equals("spend") ? " x Gamma-Gamma" : "",
          metrics.get("clv.backtest.baseline_past_rate_" + quantity + "_mae"),
          metrics.get("clv.backtest.baseline_segment_mean_" + quantity + "_mae"));
    }
  }

  private static void printAnticipation(PrintWriter out, RunMetrics metrics) {
    if (metrics.get("backtest.customers") == null) {
      return;
    }
    out.printf(
        "backtest          %s held-out customers, horizon %s: segment accuracy %s%n",
        metrics.get("backtest.customers"),
        metrics.get("backtest.horizon"),
        metrics.get("backtest.segment_accuracy"));
    out.printf(
        "  spend MAE       %s (%s); baselines mean %s, median %s, ratio %s%n",
        metrics.get("backtest.spend_mae"),
        metrics.get("backtest.predictor.spend"),
        metrics.get("backtest.baseline_mean_spend_mae"),
        metrics.get("backtest.baseline_median_spend_mae"),
        metrics.get("backtest.baseline_ratio_spend_mae"));
    out.printf(
        "  invoices MAE    %s (%s); baselines mean %s, median %s, ratio %s%n",
        metrics.get("backtest.invoices_mae"),
        metrics.get("backtest.predictor.invoices"),
        metrics.get("backtest.baseline_mean_invoices_mae"),
        metrics.get("backtest.baseline_median_invoices_mae"),
        metrics.get("backtest.baseline_ratio_invoices_mae"));
  }
}
