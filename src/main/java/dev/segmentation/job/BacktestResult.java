package dev.segmentation.job;

import dev.segmentation.anticipation.AnticipationBacktest;
import dev.segmentation.evaluate.LifetimeValueBacktest;
import dev.segmentation.evaluate.RunMetrics;
import java.util.Optional;

/**
 * {@code backtest} (and the backtests inside {@code train}): how well a first purchase anticipates
 * a new customer, and how well the lifetime-value models foresee a known one's next months.
 *
 * @param anticipation the first-purchase backtest, when it ran
 * @param lifetimeValue the BG/NBD and Gamma-Gamma backtest, when it ran
 */
public record BacktestResult(
    RunMetrics metrics,
    Optional<AnticipationBacktest.Result> anticipation,
    Optional<LifetimeValueBacktest.Result> lifetimeValue,
    String output)
    implements JobResult {}
