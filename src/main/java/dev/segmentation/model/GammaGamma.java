package dev.segmentation.model;

import dev.segmentation.features.RepeatPurchases;
import java.io.Serializable;
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
    int n = buyers.size();
    MaximumLikelihood.Maximum best =
        MaximumLikelihood.maximise(
            3,
            logs -> logLikelihood(Parameters.ofLogs(logs), buyers) / n,
            logs -> MaximumLikelihood.scaled(gradient(Parameters.ofLogs(logs), buyers), 1.0 / n));
    Parameters fitted = Parameters.ofLogs(best.logs());
    return new Fit(fitted, logLikelihood(fitted, buyers), n, best.evaluations());
  }

  public static double logLikelihood(Parameters p, List<Buyer> buyers) {
    double sum = 0;
    for (Buyer buyer : buyers) {
      sum += logLikelihood(p, buyer.x(), buyer.m());
    }
    return sum;
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
    double[] sum = new double[3];
    for (Buyer buyer : buyers) {
      int x = buyer.x();
      double m = buyer.m();
      double px = p.p() * x;
      double both = Gamma.digamma(px + p.q());
      double spent = Math.log(p.gamma() + m * x);
      sum[0] += p.p() * x * (both - Gamma.digamma(px) + Math.log(m) + Math.log(x) - spent);
      sum[1] += p.q() * (both - Gamma.digamma(p.q()) + Math.log(p.gamma()) - spent);
      sum[2] += p.gamma() * (p.q() / p.gamma() - (px + p.q()) / (p.gamma() + m * x));
    }
    return sum;
  }
}
