package dev.segmentation.model;

import dev.segmentation.features.RepeatPurchases;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.special.Gamma;

/**
 * The Gamma-Gamma model of spend per purchase (Fader, Hardie and Lee, "RFM and CLV: using iso-value
 * curves", 2005; Colombo and Jiang, 1999): a customer's purchases are worth Gamma(p, ν) each, with
 * ν drawn from Gamma(q, γ) across customers. Fitted by maximum likelihood on the repeat buyers of
 * the {@link RepeatPurchases} summary: their repeat days x and the mean spend m of those days;
 * one-time buyers carry no information about it.
 */
public final class GammaGamma {

  /** The three parameters. */
  public record Parameters(double p, double q, double gamma) implements Serializable {

    public Parameters {
      if (!(p > 0 && q > 0 && gamma > 0)) {
        throw new IllegalArgumentException("Gamma-Gamma parameters must be positive: " + this);
      }
    }

    double[] logs() {
      return new double[] {Math.log(p), Math.log(q), Math.log(gamma)};
    }

    static Parameters ofLogs(double[] logs) {
      return new Parameters(Math.exp(logs[0]), Math.exp(logs[1]), Math.exp(logs[2]));
    }

    /** The expected spend per purchase of a customer with x repeat purchases of mean m. */
    public double expectedSpend(int x, double m) {
      return (gamma + m * x) * p / (p * x + q - 1);
    }
  }

  /** A repeat buyer: x repeat purchases of mean spend m. */
  public record Buyer(int x, double m) {}

  /** The fitted parameters and the log-likelihood of the repeat buyers at them. */
  public record Fit(Parameters parameters, double logLikelihood, long customers, int evaluations) {}

  private GammaGamma() {}

  /** Maximum likelihood, from p = q = γ = 1 (see {@link MaximumLikelihood}). */
  public static Fit fit(List<Buyer> buyers) {
    Objects.requireNonNull(buyers, "buyers");
    if (buyers.isEmpty()) {
      throw new IllegalArgumentException("no repeat buyers to fit Gamma-Gamma on");
    }
    Sample sample = new Sample(buyers);
    int n = buyers.size();
    MaximumLikelihood.Maximum best =
        MaximumLikelihood.maximise(
            3,
            logs -> sample.logLikelihood(Parameters.ofLogs(logs)) / n,
            logs -> MaximumLikelihood.scaled(sample.gradient(Parameters.ofLogs(logs)), 1.0 / n));
    Parameters fitted = Parameters.ofLogs(best.logs());
    return new Fit(fitted, sample.logLikelihood(fitted), n, best.evaluations());
  }

  public static double logLikelihood(Parameters p, List<Buyer> buyers) {
    return new Sample(buyers).logLikelihood(p);
  }

  /** One buyer's log-likelihood of the mean m of x purchases. */
  public static double logLikelihood(Parameters p, int x, double m) {
    double px = p.p() * x;
    return Gamma.logGamma(px + p.q())
        - Gamma.logGamma(px)
        - Gamma.logGamma(p.q())
        + p.q() * Math.log(p.gamma())
        + (px - 1) * Math.log(m)
        + px * Math.log(x)
        - (px + p.q()) * Math.log(p.gamma() + m * x);
  }

  /** The gradient over (ln p, ln q, ln γ). */
  static double[] gradient(Parameters p, List<Buyer> buyers) {
    return new Sample(buyers).gradient(p);
  }

  /**
   * The buyers as the likelihood needs them. Only ln(γ + m x) depends on both the parameters and a
   * buyer's own mean; the Gamma functions depend on x alone, which takes a few dozen values, so
   * they are computed once per value of x and weighed by its buyers: a handful of Gamma functions
   * per evaluation instead of several per buyer, which made this fit the slowest part of the
   * lifetime-value step on hundreds of thousands of buyers.
   */
  private static final class Sample {

    /** Each distinct x, how many buyers have it and the sum of their ln m. */
    private final int[] distinctX;

    private final long[] buyersWithX;
    private final double[] logMeanSums;

    /** Every buyer's x and m. */
    private final int[] x;

    private final double[] m;

    Sample(List<Buyer> buyers) {
      x = buyers.stream().mapToInt(Buyer::x).toArray();
      m = buyers.stream().mapToDouble(Buyer::m).toArray();
      distinctX = Arrays.stream(x).distinct().sorted().toArray();
      buyersWithX = new long[distinctX.length];
      logMeanSums = new double[distinctX.length];
      for (int i = 0; i < x.length; i++) {
        int at = Arrays.binarySearch(distinctX, x[i]);
        buyersWithX[at]++;
        logMeanSums[at] += Math.log(m[i]);
      }
    }

    double logLikelihood(Parameters p) {
      double logQ = Gamma.logGamma(p.q());
      double sum = 0;
      for (int at = 0; at < distinctX.length; at++) {
        double px = p.p() * distinctX[at];
        sum +=
            buyersWithX[at]
                    * (Gamma.logGamma(px + p.q())
                        - Gamma.logGamma(px)
                        - logQ
                        + p.q() * Math.log(p.gamma())
                        + px * Math.log(distinctX[at]))
                + (px - 1) * logMeanSums[at];
      }
      for (int i = 0; i < x.length; i++) {
        sum -= (p.p() * x[i] + p.q()) * Math.log(p.gamma() + m[i] * x[i]);
      }
      return sum;
    }

    double[] gradient(Parameters p) {
      double digammaQ = Gamma.digamma(p.q());
      double[] sum = new double[3];
      for (int at = 0; at < distinctX.length; at++) {
        int value = distinctX[at];
        double px = p.p() * value;
        double both = Gamma.digamma(px + p.q());
        sum[0] +=
            p.p()
                * value
                * (buyersWithX[at] * (both - Gamma.digamma(px) + Math.log(value))
                    + logMeanSums[at]);
        sum[1] += p.q() * buyersWithX[at] * (both - digammaQ + Math.log(p.gamma()));
        sum[2] += buyersWithX[at] * p.q();
      }
      for (int i = 0; i < x.length; i++) {
        double total = p.gamma() + m[i] * x[i];
        double spent = Math.log(total);
        sum[0] -= p.p() * x[i] * spent;
        sum[1] -= p.q() * spent;
        sum[2] -= p.gamma() * (p.p() * x[i] + p.q()) / total;
      }
      return sum;
    }
  }
}
