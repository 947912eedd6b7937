package dev.segmentation.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.distribution.BetaDistribution;
import org.apache.commons.math3.distribution.ExponentialDistribution;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.special.Beta;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * BG/NBD against the paper: the log-likelihood against its equation 6 computed directly (no log
 * space), the gradient against finite differences, and a fit that recovers the CDNOW parameters the
 * paper reports (r = 0.243, α = 4.414, a = 0.793, b = 2.426) from customers simulated with them.
 */
class BgNbdTest {

  private static final BgNbd.Parameters CDNOW = new BgNbd.Parameters(0.243, 4.414, 0.793, 2.426);

  @Test
  void theLogLikelihoodIsThePapersEquationSix() {
    double[][] customers = {
      {0, 0, 38.86}, {1, 1.71, 38.86}, {2, 30.43, 38.86}, {7, 29.43, 35.0}, {14, 33.86, 38.0}
    };
    for (double[] c : customers) {
      int x = (int) c[0];
      assertEquals(
          Math.log(paperLikelihood(CDNOW, x, c[1], c[2])),
          BgNbd.logLikelihood(CDNOW, x, c[1], c[2]),
          1e-10,
          "x = " + x);
    }
  }

  @Test
  void theGradientIsTheLikelihoodsSlope() {
    BgNbd.Parameters p = new BgNbd.Parameters(0.5, 3.0, 0.7, 2.0);
    for (double[] c : new double[][] {{0, 0, 30}, {3, 12.5, 30}, {9, 28, 31}}) {
      int x = (int) c[0];
      double[] gradient = BgNbd.gradient(p, x, c[1], c[2]);
      double[] logs = p.logs();
      for (int i = 0; i < 4; i++) {
        double h = 1e-6;
        double[] up = logs.clone();
        double[] down = logs.clone();
        up[i] += h;
        down[i] -= h;
        double slope =
            (BgNbd.logLikelihood(BgNbd.Parameters.ofLogs(up), x, c[1], c[2])
                    - BgNbd.logLikelihood(BgNbd.Parameters.ofLogs(down), x, c[1], c[2]))
                / (2 * h);
        assertEquals(slope, gradient[i], 1e-6, "x = " + x + ", parameter " + i);
      }
    }
  }

  @Test
  void aFitRecoversTheCdnowParametersFromCustomersSimulatedWithThem() {
    List<BgNbd.Cell> cells = simulate(CDNOW, 40_000, 20261202L);

    BgNbd.Fit fit = BgNbd.fit(cells);

    BgNbd.Parameters p = fit.parameters();
    // The maximum is at least as likely as the truth, and close to it: at 40,000 customers the
    // estimates' standard errors are a few percent for r and α, about 10% for a and b.
    Assertions.assertTrue(
        fit.logLikelihood() >= BgNbd.logLikelihood(CDNOW, cells) - 1e-6,
        fit + " against " + BgNbd.logLikelihood(CDNOW, cells));
    assertEquals(CDNOW.r(), p.r(), 0.10 * CDNOW.r(), fit.toString());
    assertEquals(CDNOW.alpha(), p.alpha(), 0.10 * CDNOW.alpha(), fit.toString());
    assertEquals(CDNOW.a(), p.a(), 0.25 * CDNOW.a(), fit.toString());
    assertEquals(CDNOW.b(), p.b(), 0.25 * CDNOW.b(), fit.toString());
    assertEquals(40_000, fit.customers());
  }

  @Test
  void expectedPurchasesAndPAliveAreThePapersFigures() {
    // The paper's example: 2 repeat purchases, the last at week 30.43, seen for 38.86 weeks,
    // expects 1.226 purchases in the next 39 weeks (section 5).
    assertEquals(1.226, CDNOW.expectedPurchases(39, 2, 30.43, 38.86), 0.0005);
    assertEquals(1.0, CDNOW.pAlive(0, 0, 38.86), 1e-15);
    // Alive odds fall as the last purchase recedes, for the same history length.
    Assertions.assertTrue(CDNOW.pAlive(2, 30.43, 38.86) > CDNOW.pAlive(2, 5.0, 38.86));
    assertEquals(0.0, CDNOW.expectedPurchases(0, 2, 30.43, 38.86), 1e-12);
  }

  @Test
  void theHypergeometricSeriesMeetsAClosedForm() {
    // 2F1(1, 1; 2; z) = -ln(1 - z) / z
    for (double z : new double[] {0.1, 0.5, 0.9, 0.99}) {
      assertEquals(-Math.log(1 - z) / z, BgNbd.hypergeometric(1, 1, 2, z), 1e-9, "z = " + z);
    }
    assertEquals(1.0, BgNbd.hypergeometric(3.2, 1.5, 4.1, 0), 0);
  }

  @Test
  void oneTimeBuyersAloneStillGiveAFiniteFit() {
    BgNbd.Fit fit = BgNbd.fit(List.of(new BgNbd.Cell(0, 0, 30, 500), new BgNbd.Cell(1, 10, 30, 5)));

    Assertions.assertTrue(Double.isFinite(fit.logLikelihood()), fit.toString());
    Assertions.assertTrue(fit.logLikelihood() < 0, fit.toString());
  }

  /** The paper's equation 6, term by term with plain Gamma and Beta functions. */
  private static double paperLikelihood(BgNbd.Parameters p, int x, double tx, double t) {
    double r = p.r();
    double alpha = p.alpha();
    double a = p.a();
    double b = p.b();
    double nbd = Math.exp(Gamma.logGamma(r + x) - Gamma.logGamma(r)) * Math.pow(alpha, r);
    double alive =
        Math.exp(Beta.logBeta(a, b + x) - Beta.logBeta(a, b)) * nbd / Math.pow(alpha + t, r + x);
    double gone =
        x == 0
            ? 0
            : Math.exp(Beta.logBeta(a + 1, b + x - 1) - Beta.logBeta(a, b))
                * nbd
                / Math.pow(alpha + tx, r + x);
    return alive + gone;
  }

  /**
   * Customers of the model itself, seen for T of 27 to 39 weeks (CDNOW's cohort joined over 12
   * weeks and was watched to week 39): a purchase rate and a drop-out probability each, then
   * purchases until they drop out or the window ends.
   */
  private static List<BgNbd.Cell> simulate(BgNbd.Parameters p, int customers, long seed) {
    RandomGenerator random = new Well19937c(seed);
    GammaDistribution rates = new GammaDistribution(random, p.r(), 1 / p.alpha());
    BetaDistribution dropOuts = new BetaDistribution(random, p.a(), p.b());
    Map<String, long[]> counts = new TreeMap<>();
    Map<String, BgNbd.Cell> keys = new TreeMap<>();
    for (int i = 0; i < customers; i++) {
      double lambda = rates.sample();
      double dropOut = dropOuts.sample();
      double age = 27 + random.nextInt(13);
      int x = 0;
      double tx = 0;
      double t = 0;
      ExponentialDistribution gaps = new ExponentialDistribution(random, 1 / lambda);
      while (true) {
        t += gaps.sample();
        if (t > age) {
          break;
        }
        x++;
        tx = t;
        if (random.nextDouble() < dropOut) {
          break;
        }
      }
      String key = x + " " + tx + " " + age;
      counts.computeIfAbsent(key, k -> new long[1])[0]++;
      keys.putIfAbsent(key, new BgNbd.Cell(x, tx, age, 0));
    }
    List<BgNbd.Cell> cells = new ArrayList<>();
    keys.forEach(
        (key, cell) ->
            cells.add(new BgNbd.Cell(cell.x(), cell.tx(), cell.t(), counts.get(key)[0])));
    return cells;
  }
}
