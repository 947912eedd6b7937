package dev.segmentation.model;

import static org.apache.spark.sql.functions.col;

import dev.segmentation.features.RepeatPurchases;
import java.io.Serializable;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.commons.math3.special.Gamma;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The BG/NBD model (Fader, Hardie and Lee, "Counting your customers the easy way", 2005): while
 * alive, a customer buys at a Poisson rate drawn from Gamma(r, α); after each purchase they drop
 * out with a probability drawn from Beta(a, b). Fitted by maximum likelihood on the {@link
 * RepeatPurchases} summary.
 *
 * <p>The likelihood is a sum over customers of a function of (x, t<sub>x</sub>, T) alone, so the
 * customers are first counted by distinct triple in one distributed aggregation; the optimiser then
 * works on those counts, however many customers they stand for. Everything is computed in log space
 * (the likelihood's two terms joined by log-sum-exp), over the parameters' logarithms, so that they
 * stay positive and a → 0 or one-time buyers (x = 0, no second term) need no special case.
 */
public final class BgNbd {

  /** The four parameters. */
  public record Parameters(double r, double alpha, double a, double b) implements Serializable {

    public Parameters {
      if (!(r > 0 && alpha > 0 && a > 0 && b > 0)) {
        throw new IllegalArgumentException("BG/NBD parameters must be positive: " + this);
      }
    }

    double[] logs() {
      return new double[] {Math.log(r), Math.log(alpha), Math.log(a), Math.log(b)};
    }

    static Parameters ofLogs(double[] logs) {
      return new Parameters(
          Math.exp(logs[0]), Math.exp(logs[1]), Math.exp(logs[2]), Math.exp(logs[3]));
    }

    /**
     * The probability that a customer with repeat days x, recency t<sub>x</sub> and age T is alive.
     */
    public double pAlive(int x, double tx, double t) {
      return 1 / (1 + dropOutOdds(x, tx, t));
    }

    /**
     * The purchases expected over the next {@code horizon} (days) of a customer with repeat days x,
     * recency t<sub>x</sub> and age T: equation 10 of the paper.
     */
    public double expectedPurchases(double horizon, int x, double tx, double t) {
      double z = horizon / (alpha + t + horizon);
      double bracket =
          1
              - Math.pow((alpha + t) / (alpha + t + horizon), r + x)
                  * hypergeometric(r + x, b + x, a + b + x - 1, z);
      return (a + b + x - 1) / (a - 1) * bracket / (1 + dropOutOdds(x, tx, t));
    }

    /** The odds that the customer dropped out after the last purchase rather than being alive. */
    private double dropOutOdds(int x, double tx, double t) {
      return x == 0 ? 0 : a / (b + x - 1) * Math.pow((alpha + t) / (alpha + tx), r + x);
    }
  }

  /**
   * Gauss's hypergeometric function 2F1(a, b; c; z) for 0 ≤ z < 1, by its series, term by term
   * until a term no longer changes the sum (the way the BTYD literature evaluates it; z is horizon
   * / (α + T + horizon), below 1 by construction).
   */
  static double hypergeometric(double a, double b, double c, double z) {
    if (!(z >= 0 && z < 1)) {
      throw new IllegalArgumentException("2F1 needs 0 <= z < 1, got " + z);
    }
    double term = 1;
    double sum = 1;
    for (int j = 0; j < 1_000_000; j++) {
      term *= (a + j) * (b + j) / ((c + j) * (j + 1)) * z;
      sum += term;
      if (Math.abs(term) <= 1e-15 * Math.abs(sum)) {
        return sum;
      }
    }
    throw new IllegalStateException(
        "2F1(" + a + ", " + b + "; " + c + "; " + z + ") did not converge");
  }

  /** Customers with the same repeat days x, recency t<sub>x</sub> and age T. */
  public record Cell(int x, double tx, double t, long customers) {}

  /**
   * The fitted parameters, the log-likelihood of all customers at them, and how many customers and
   * distinct cells it was fitted on.
   */
  public record Fit(
      Parameters parameters, double logLikelihood, long customers, int cells, int evaluations) {}

  private BgNbd() {}

  /**
   * Customers of a {@link RepeatPurchases} summary, counted by (x, t<sub>x</sub>, T), in that
   * order: the sums over them, and so the fit, come out the same to the last bit however the
   * cluster partitioned the customers.
   */
  public static List<Cell> cells(Dataset<Row> summary) {
    return summary
        .groupBy(
            col(RepeatPurchases.REPEAT_DAYS),
            col(RepeatPurchases.RECENCY),
            col(RepeatPurchases.AGE))
        .count()
        .collectAsList()
        .stream()
        .map(row -> new Cell(row.getInt(0), row.getDouble(1), row.getDouble(2), row.getLong(3)))
        .sorted(
            Comparator.comparingInt(Cell::x)
                .thenComparingDouble(Cell::tx)
                .thenComparingDouble(Cell::t))
        .toList();
  }

  /** Maximum likelihood, from r = α = a = b = 1 (see {@link MaximumLikelihood}). */
  public static Fit fit(List<Cell> cells) {
    Objects.requireNonNull(cells, "cells");
    long customers = cells.stream().mapToLong(Cell::customers).sum();
    if (customers == 0) {
      throw new IllegalArgumentException("no customers to fit BG/NBD on");
    }
    MaximumLikelihood.Maximum best =
        MaximumLikelihood.maximise(
            4,
            logs -> logLikelihood(Parameters.ofLogs(logs), cells) / customers,
            logs ->
                MaximumLikelihood.scaled(
                    gradient(Parameters.ofLogs(logs), cells), 1.0 / customers));
    Parameters fitted = Parameters.ofLogs(best.logs());
    return new Fit(
        fitted, logLikelihood(fitted, cells), customers, cells.size(), best.evaluations());
  }

  /** The log-likelihood of all the cells' customers. */
  public static double logLikelihood(Parameters p, List<Cell> cells) {
    double sum = 0;
    for (Cell cell : cells) {
      sum += cell.customers() * logLikelihood(p, cell.x(), cell.tx(), cell.t());
    }
    return sum;
  }

  /** One customer's log-likelihood (equation 6 of the paper, in log space). */
  public static double logLikelihood(Parameters p, int x, double tx, double t) {
    Terms terms = new Terms(p, x, tx, t);
    return terms.a1 + terms.a2 + terms.logSum;
  }

  /** The gradient of the cells' log-likelihood over (ln r, ln α, ln a, ln b). */
  static double[] gradient(Parameters p, List<Cell> cells) {
    double[] sum = new double[4];
    for (Cell cell : cells) {
      double[] one = gradient(p, cell.x(), cell.tx(), cell.t());
      for (int i = 0; i < 4; i++) {
        sum[i] += cell.customers() * one[i];
      }
    }
    return sum;
  }

  /** One customer's gradient over (ln r, ln α, ln a, ln b). */
  static double[] gradient(Parameters p, int x, double tx, double t) {
    Terms terms = new Terms(p, x, tx, t);
    double w3 = terms.w3;
    double w4 = 1 - w3;
    double r = p.r();
    double alpha = p.alpha();
    double a = p.a();
    double b = p.b();
    double dr =
        Gamma.digamma(r + x)
            - Gamma.digamma(r)
            + Math.log(alpha)
            - w3 * Math.log(alpha + t)
            - (x > 0 ? w4 * Math.log(alpha + tx) : 0);
    double dAlpha =
        r / alpha - w3 * (r + x) / (alpha + t) - (x > 0 ? w4 * (r + x) / (alpha + tx) : 0);
    double abx = Gamma.digamma(a + b) - Gamma.digamma(a + b + x);
    double da = abx + (x > 0 ? w4 / a : 0);
    double db = abx + Gamma.digamma(b + x) - Gamma.digamma(b) - (x > 0 ? w4 / (b + x - 1) : 0);
    return new double[] {r * dr, alpha * dAlpha, a * da, b * db};
  }

  /**
   * The pieces of one customer's likelihood: A1 + A2 + ln(e^A3 + [x > 0] e^A4), and the share w3 of
   * the first of the two terms, which the gradient weighs with.
   */
  private static final class Terms {
    final double a1;
    final double a2;
    final double logSum;
    final double w3;

    Terms(Parameters p, int x, double tx, double t) {
      a1 = Gamma.logGamma(p.r() + x) - Gamma.logGamma(p.r()) + p.r() * Math.log(p.alpha());
      a2 =
          Gamma.logGamma(p.a() + p.b())
              + Gamma.logGamma(p.b() + x)
              - Gamma.logGamma(p.b())
              - Gamma.logGamma(p.a() + p.b() + x);
      double a3 = -(p.r() + x) * Math.log(p.alpha() + t);
      if (x == 0) {
        logSum = a3;
        w3 = 1;
      } else {
        double a4 =
            Math.log(p.a()) - Math.log(p.b() + x - 1) - (p.r() + x) * Math.log(p.alpha() + tx);
        double max = Math.max(a3, a4);
        logSum = max + Math.log(Math.exp(a3 - max) + Math.exp(a4 - max));
        w3 = Math.exp(a3 - logSum);
      }
    }
  }
}
