package dev.segmentation.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A customer's value band from the expected spend: {@code high} for the top 20% of the customers
 * the model was fitted on, {@code medium} for the next 30%, {@code low} for the rest. The
 * thresholds are fitted once, on the training customers, and saved with the model, so a band means
 * the same in {@code train} and in {@code score}.
 *
 * @param medium the expected spend from which a customer is {@code medium} (the median)
 * @param high the expected spend from which a customer is {@code high} (the 80th percentile)
 */
public record ValueBands(double medium, double high) {

  public static final String VALUE_BAND = "value_band";
  public static final String HIGH = "high";
  public static final String MEDIUM = "medium";
  public static final String LOW = "low";

  /** Quantile error: exact below tens of thousands of customers, within 0.01% of rank above. */
  private static final double RELATIVE_ERROR = 1e-4;

  public ValueBands {
    if (!(medium >= 0 && high >= medium)) {
      throw new IllegalArgumentException(
          "value band thresholds must satisfy 0 <= medium <= high, got " + medium + ", " + high);
    }
  }

  /** The thresholds of the {@link LifetimeValue#EXPECTED_SPEND} of {@code valued}, in one pass. */
  public static ValueBands fit(Dataset<Row> valued) {
    double[] quantiles =
        valued
            .stat()
            .approxQuantile(LifetimeValue.EXPECTED_SPEND, new double[] {0.5, 0.8}, RELATIVE_ERROR);
    if (quantiles.length < 2) {
      throw new IllegalArgumentException("no customer to fit value bands on");
    }
    return new ValueBands(quantiles[0], quantiles[1]);
  }

  /** {@code valued} with {@link #VALUE_BAND} added. */
  public Dataset<Row> apply(Dataset<Row> valued) {
    return valued.withColumn(
        VALUE_BAND,
        when(col(LifetimeValue.EXPECTED_SPEND).geq(lit(high)), lit(HIGH))
            .when(col(LifetimeValue.EXPECTED_SPEND).geq(lit(medium)), lit(MEDIUM))
            .otherwise(lit(LOW)));
  }
}
