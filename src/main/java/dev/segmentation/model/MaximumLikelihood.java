package dev.segmentation.model;

import java.util.function.Function;
import org.apache.commons.math3.optim.InitialGuess;
import org.apache.commons.math3.optim.MaxEval;
import org.apache.commons.math3.optim.PointValuePair;
import org.apache.commons.math3.optim.SimpleValueChecker;
import org.apache.commons.math3.optim.nonlinear.scalar.GoalType;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunction;
import org.apache.commons.math3.optim.nonlinear.scalar.ObjectiveFunctionGradient;
import org.apache.commons.math3.optim.nonlinear.scalar.gradient.NonLinearConjugateGradientOptimizer;

/**
 * Maximises a log-likelihood over the logarithms of positive parameters, with Commons Math's
 * nonlinear conjugate gradient, from all parameters at 1. The function and its gradient are means
 * per customer: the same tolerances hold for a thousand customers or a hundred million.
 */
final class MaximumLikelihood {

  /** The maximum's point (the parameters' logarithms) and how many evaluations it took. */
  record Maximum(double[] logs, int evaluations) {}

  private MaximumLikelihood() {}

  static Maximum maximise(
      int parameters,
      Function<double[], Double> meanLogLikelihood,
      Function<double[], double[]> meanGradient) {
    NonLinearConjugateGradientOptimizer optimizer =
        new NonLinearConjugateGradientOptimizer(
            NonLinearConjugateGradientOptimizer.Formula.POLAK_RIBIERE,
            new SimpleValueChecker(1e-14, 1e-14),
            // The line search's own tolerances: with Commons Math's defaults (1e-8) it ends, and
            // the
            // optimisation with it, while the slope per customer is still of the order of 1e-3.
            1e-12,
            1e-14,
            1e-3,
            new NonLinearConjugateGradientOptimizer.IdentityPreconditioner());
    PointValuePair best =
        optimizer.optimize(
            new MaxEval(20_000),
            new ObjectiveFunction(meanLogLikelihood::apply),
            new ObjectiveFunctionGradient(meanGradient::apply),
            GoalType.MAXIMIZE,
            new InitialGuess(new double[parameters]));
    return new Maximum(best.getPoint(), optimizer.getEvaluations());
  }

  static double[] scaled(double[] values, double factor) {
    double[] scaled = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      scaled[i] = values[i] * factor;
    }
    return scaled;
  }
}
