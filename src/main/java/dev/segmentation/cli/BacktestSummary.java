package dev.segmentation.cli;

import static dev.segmentation.evaluate.RunMetrics.rounded;

import dev.segmentation.anticipation.AnticipationBacktest;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.LifetimeValueBacktest;
import dev.segmentation.job.BacktestResult;
import java.io.PrintWriter;

/** The backtests' lines of a summary, shared by {@code train} and {@code backtest}. */
final class BacktestSummary {

  private BacktestSummary() {}

  static void print(PrintWriter out, BacktestResult result) {
    result.anticipation().ifPresent(backtest -> printAnticipation(out, backtest));
    result.lifetimeValue().ifPresent(backtest -> printLifetimeValue(out, backtest));
  }

  private static void printLifetimeValue(PrintWriter out, LifetimeValueBacktest.Result backtest) {
    out.printf(
        "clv backtest      %,d customers before %s, %s holdout days after%n",
        backtest.customers(), backtest.split(), backtest.holdoutDays());
    printErrors(out, "purchases", "", backtest.purchases());
    printErrors(out, "spend", " x Gamma-Gamma", backtest.spend());
  }

  private static void printErrors(
      PrintWriter out, String quantity, String model, LifetimeValueBacktest.Errors errors) {
    out.printf(
        "  %-15s %s (BG/NBD%s); baselines past rate %s, segment mean %s%n",
        quantity + " MAE",
        rounded(errors.model()),
        model,
        rounded(errors.pastRate()),
        rounded(errors.segmentMean()));
  }

  private static void printAnticipation(PrintWriter out, AnticipationBacktest.Result backtest) {
    out.printf(
        "backtest          %s held-out customers, horizon %s: segment accuracy %s%n",
        backtest.customers(), backtest.horizon(), rounded(backtest.segmentAccuracy()));
    printErrors(out, "spend MAE", backtest.spend(), backtest.choice().spend());
    printErrors(out, "invoices MAE", backtest.invoices(), backtest.choice().invoices());
  }

  private static void printErrors(
      PrintWriter out,
      String label,
      AnticipationBacktest.Errors errors,
      JobConfig.Predictor predictor) {
    out.printf(
        "  %-15s %s (%s); baselines mean %s, median %s, ratio %s%n",
        label,
        rounded(errors.of(predictor)),
        AnticipationBacktest.label(predictor),
        rounded(errors.mean()),
        rounded(errors.median()),
        rounded(errors.ratio()));
  }
}
