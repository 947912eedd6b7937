package dev.segmentation.model;

import static dev.segmentation.features.FeatureColumns.CUSTOMER_ID;
import static dev.segmentation.features.RepeatPurchases.AGE;
import static dev.segmentation.features.RepeatPurchases.RECENCY;
import static dev.segmentation.features.RepeatPurchases.REPEAT_DAYS;
import static dev.segmentation.features.RepeatPurchases.REPEAT_SPEND;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.xxhash64;

import dev.segmentation.features.RepeatPurchases;
import java.io.Serializable;
import java.time.LocalDate;
import java.time.Period;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.api.java.UDF4;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * What a known customer is expected to do next: the probability of being alive (BG/NBD), the
 * purchase days expected over the horizon (BG/NBD) and their expected spend (those purchases times
 * the Gamma-Gamma spend per purchase). Fitted on the {@link RepeatPurchases} summary of the
 * training window; applied to the same summary, one row per customer, never null.
 */
public final class LifetimeValue implements Serializable {

  public static final String P_ALIVE = "p_alive";
  public static final String EXPECTED_PURCHASES = "expected_purchases";
  public static final String EXPECTED_SPEND = "expected_spend";

  /** The horizon of the two expectations, ISO-8601 (P12M), beside them in the outputs. */
  public static final String HORIZON = "clv_horizon";

  private final BgNbd.Parameters purchases;
  private final GammaGamma.Parameters spend;
  private final double horizonDays;

  public LifetimeValue(
      BgNbd.Parameters purchases, GammaGamma.Parameters spend, double horizonDays) {
    this.purchases = Objects.requireNonNull(purchases, "purchases");
    this.spend = Objects.requireNonNull(spend, "spend");
    if (!(spend.q() > 1)) {
      // The mean spend per purchase, γp / (q - 1), is infinite: no customer's spend can be
      // expected.
      throw new IllegalArgumentException(
          "Gamma-Gamma fitted q = " + spend.q() + " <= 1: spend has no finite mean");
    }
    if (!(horizonDays > 0)) {
      throw new IllegalArgumentException(
          "the horizon must be positive, got " + horizonDays + " days");
    }
    this.horizonDays = horizonDays;
  }

  /**
   * What {@code train} saves with its models and {@code score} applies: both models' parameters,
   * the value bands, and the horizon.
   */
  public record Model(
      BgNbd.Parameters purchases, GammaGamma.Parameters spend, ValueBands bands, Period horizon)
      implements Serializable {

    /**
     * A {@link RepeatPurchases} summary of the window that ends at {@code end} to its customers'
     * three figures over the horizon from {@code end}, their value band and the horizon.
     */
    public Dataset<Row> apply(Dataset<Row> summary, LocalDate end) {
      double horizonDays = ChronoUnit.DAYS.between(end, end.plus(horizon));
      return bands
          .apply(new LifetimeValue(purchases, spend, horizonDays).apply(summary))
          .withColumn(HORIZON, lit(horizon.toString()));
    }
  }

  /**
   * The two models fitted on a summary.
   *
   * @param spendSample at most this many repeat buyers, chosen by a hash of their id and {@code
   *     seed}, for Gamma-Gamma: its likelihood does not reduce to counts, and the buyers go to the
   *     driver
   */
  public record Fitted(
      BgNbd.Fit purchases, GammaGamma.Fit spend, double spendFrequencyCorrelation) {}

  public static Fitted fit(Dataset<Row> summary, int spendSample, long seed) {
    BgNbd.Fit purchases = BgNbd.fit(BgNbd.cells(summary));
    Dataset<Row> repeatBuyers = summary.where(col(REPEAT_DAYS).gt(0).and(col(REPEAT_SPEND).gt(0)));
    long count = repeatBuyers.count();
    // By a seeded hash of the customer id, not Spark's sample(): the same buyers on any
    // partitioning, so a cluster fits what local mode fits.
    Dataset<Row> sample =
        count <= spendSample
            ? repeatBuyers
            : repeatBuyers
                .orderBy(xxhash64(col(CUSTOMER_ID), lit(seed)), col(CUSTOMER_ID))
                .limit(spendSample);
    List<GammaGamma.Buyer> buyers =
        sample.select(REPEAT_DAYS, REPEAT_SPEND).collectAsList().stream()
            .map(row -> new GammaGamma.Buyer(row.getInt(0), row.getDouble(1)))
            // In a fixed order, for the same fit to the last bit on any partitioning.
            .sorted(
                Comparator.comparingInt(GammaGamma.Buyer::x)
                    .thenComparingDouble(GammaGamma.Buyer::m))
            .toList();
    // Gamma-Gamma assumes the spend per purchase does not depend on how often one buys.
    double correlation = repeatBuyers.stat().corr(REPEAT_DAYS, REPEAT_SPEND);
    return new Fitted(purchases, GammaGamma.fit(buyers), correlation);
  }

  /** The summary with the three columns added. */
  public Dataset<Row> apply(Dataset<Row> summary) {
    BgNbd.Parameters p = purchases;
    GammaGamma.Parameters g = spend;
    double horizon = horizonDays;
    UserDefinedFunction alive =
        udf(
            (UDF3<Integer, Double, Double, Double>) (x, tx, t) -> p.pAlive(x, tx, t),
            DataTypes.DoubleType);
    UserDefinedFunction expected =
        udf(
            (UDF3<Integer, Double, Double, Double>)
                (x, tx, t) -> p.expectedPurchases(horizon, x, tx, t),
            DataTypes.DoubleType);
    UserDefinedFunction spent =
        udf(
            (UDF4<Integer, Double, Double, Double, Double>)
                (x, tx, t, m) -> p.expectedPurchases(horizon, x, tx, t) * g.expectedSpend(x, m),
            DataTypes.DoubleType);
    return summary
        .withColumn(P_ALIVE, alive.apply(col(REPEAT_DAYS), col(RECENCY), col(AGE)))
        .withColumn(EXPECTED_PURCHASES, expected.apply(col(REPEAT_DAYS), col(RECENCY), col(AGE)))
        .withColumn(
            EXPECTED_SPEND,
            spent.apply(col(REPEAT_DAYS), col(RECENCY), col(AGE), col(REPEAT_SPEND)));
  }
}
