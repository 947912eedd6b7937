package dev.segmentation.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.random.RandomGenerator;
import org.apache.commons.math3.random.Well19937c;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * Gamma-Gamma against its density written out directly, and a fit that recovers the parameters
 * Fader, Hardie and Lee report for CDNOW (p = 6.25, q = 3.74, γ = 15.44) from buyers simulated with
 * them.
 */
class GammaGammaTest {

  private static final GammaGamma.Parameters CDNOW = new GammaGamma.Parameters(6.25, 3.74, 15.44);

  /** Some with the same x: the likelihood sums their Gamma functions once per x. */
  private static final List<GammaGamma.Buyer> SOME_BUYERS =
      List.of(
          new GammaGamma.Buyer(1, 20),
          new GammaGamma.Buyer(4, 55.5),
          new GammaGamma.Buyer(1, 3.25),
          new GammaGamma.Buyer(7, 410),
          new GammaGamma.Buyer(4, 12),
          new GammaGamma.Buyer(12, 130));

  @Test
  void theLogLikelihoodIsTheDensityOfTheMeanSpend() {
    for (double[] buyer : new double[][] {{1, 35.0}, {3, 12.5}, {10, 80.0}}) {
      int x = (int) buyer[0];
      double m = buyer[1];
      double p = CDNOW.p();
      double q = CDNOW.q();
      double g = CDNOW.gamma();
      double density =
          Math.exp(Gamma.logGamma(p * x + q) - Gamma.logGamma(p * x) - Gamma.logGamma(q))
              * Math.pow(g, q)
              * Math.pow(m, p * x - 1)
              * Math.pow(x, p * x)
              / Math.pow(g + m * x, p * x + q);
      assertEquals(Math.log(density), GammaGamma.logLikelihood(CDNOW, x, m), 1e-9, "x = " + x);
    }
  }

  @Test
  void theBuyersLogLikelihoodIsTheSumOfEachBuyers() {
    double each = 0;
    for (GammaGamma.Buyer buyer : SOME_BUYERS) {
      each += GammaGamma.logLikelihood(CDNOW, buyer.x(), buyer.m());
    }
    assertEquals(each, GammaGamma.logLikelihood(CDNOW, SOME_BUYERS), 1e-9 * Math.abs(each));
  }

  @Test
  void theGradientIsTheLikelihoodsSlope() {
    List<GammaGamma.Buyer> buyers = SOME_BUYERS;
    double[] gradient = GammaGamma.gradient(CDNOW, buyers);
    double[] logs = CDNOW.logs();
    for (int i = 0; i < 3; i++) {
      double h = 1e-6;
      double[] up = logs.clone();
      double[] down = logs.clone();
      up[i] += h;
      down[i] -= h;
      double slope =
          (GammaGamma.logLikelihood(GammaGamma.Parameters.ofLogs(up), buyers)
                  - GammaGamma.logLikelihood(GammaGamma.Parameters.ofLogs(down), buyers))
              / (2 * h);
      assertEquals(slope, gradient[i], 1e-5, "parameter " + i);
    }
  }

  @Test
  void aFitRecoversTheCdnowParametersFromBuyersSimulatedWithThem() {
    RandomGenerator random = new Well19937c(20261202L);
    GammaDistribution scales = new GammaDistribution(random, CDNOW.q(), 1 / CDNOW.gamma());
    List<GammaGamma.Buyer> buyers = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      double nu = scales.sample();
      GammaDistribution spends = new GammaDistribution(random, CDNOW.p(), 1 / nu);
      int x = 1 + random.nextInt(8);
      double total = 0;
      for (int purchase = 0; purchase < x; purchase++) {
        total += spends.sample();
      }
      buyers.add(new GammaGamma.Buyer(x, total / x));
    }

    GammaGamma.Fit fit = GammaGamma.fit(buyers);

    GammaGamma.Parameters p = fit.parameters();
    Assertions.assertTrue(
        fit.logLikelihood() >= GammaGamma.logLikelihood(CDNOW, buyers) - 1e-6,
        fit + " against " + GammaGamma.logLikelihood(CDNOW, buyers));
    assertEquals(CDNOW.p(), p.p(), 0.10 * CDNOW.p(), fit.toString());
    assertEquals(CDNOW.q(), p.q(), 0.15 * CDNOW.q(), fit.toString());
    assertEquals(CDNOW.gamma(), p.gamma(), 0.20 * CDNOW.gamma(), fit.toString());
  }
}
