package dev.segmentation.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.segmentation.SparkTestBase;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.RepeatPurchases;
import dev.segmentation.model.BgNbd;
import dev.segmentation.model.GammaGamma;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * Four calibration customers, a ten-day holdout: the baselines' errors worked out by hand, the
 * model's from the formulas, and the calibration groups.
 */
class LifetimeValueBacktestTest extends SparkTestBase {

  private static final BgNbd.Parameters PURCHASES = new BgNbd.Parameters(0.5, 10, 0.5, 2);
  private static final GammaGamma.Parameters SPEND = new GammaGamma.Parameters(3, 4, 20);
  private static final LocalDate CUTOFF = LocalDate.parse("2011-10-01");
  private static final LocalDate END = LocalDate.parse("2011-10-11");
  private static final StructType CALIBRATION =
      new StructType()
          .add(FeatureColumns.CUSTOMER_ID, DataTypes.StringType)
          .add(RepeatPurchases.REPEAT_DAYS, DataTypes.IntegerType)
          .add(RepeatPurchases.RECENCY, DataTypes.DoubleType)
          .add(RepeatPurchases.AGE, DataTypes.DoubleType)
          .add(RepeatPurchases.REPEAT_SPEND, DataTypes.DoubleType)
          .add("segment", DataTypes.IntegerType);
  private static final StructType BASKETS =
      new StructType()
          .add(FeatureColumns.CUSTOMER_ID, DataTypes.StringType)
          .add(FeatureColumns.INVOICE_TS, DataTypes.TimestampType)
          .add(FeatureColumns.BASKET_AMOUNT, DataTypes.DoubleType);

  @Test
  void theModelAndBothBaselinesAreScoredOnWhatEachCustomerDid() {
    Dataset<Row> calibration =
        rows(
            CALIBRATION,
            // past rate over 10 days: 2/50*10 = 0.4 purchases, 0.4 * 30 = 12 spend
            new Object[] {"a", 2, 40.0, 50.0, 30.0, 0},
            new Object[] {"b", 0, 0.0, 20.0, 0.0, 0},
            // 0.4 and 4; and 0.45 and 0.45
            new Object[] {"c", 4, 90.0, 100.0, 10.0, 1},
            new Object[] {"e", 9, 150.0, 200.0, 1.0, 1});
    Dataset<Row> holdout =
        rows(
            BASKETS,
            // a: two purchase days (two baskets on the first), spend 35
            new Object[] {"a", ts("2011-10-02 09:00:00"), 10.0},
            new Object[] {"a", ts("2011-10-02 15:00:00"), 5.0},
            new Object[] {"a", ts("2011-10-05 10:00:00"), 20.0},
            // c: three days, 15
            new Object[] {"c", ts("2011-10-03 10:00:00"), 5.0},
            new Object[] {"c", ts("2011-10-04 10:00:00"), 5.0},
            new Object[] {"c", ts("2011-10-10 23:00:00"), 5.0},
            // first seen in the holdout: not a calibration customer
            new Object[] {"new", ts("2011-10-03 10:00:00"), 99.0});

    LifetimeValueBacktest.Result result =
        new LifetimeValueBacktest(PURCHASES, SPEND, CUTOFF, END).run(calibration, holdout);

    assertEquals(4, result.customers());
    assertEquals(10, result.holdoutDays());
    // |0.4-2| + |0-0| + |0.4-3| + |0.45-0| = 4.65; segment means 0.2 and 0.425: 1.8+0.2+2.575+0.425
    assertEquals(4.65 / 4, result.purchases().pastRate(), 1e-12);
    assertEquals(5.0 / 4, result.purchases().segmentMean(), 1e-12);
    // |12-35| + 0 + |4-15| + 0.45 = 34.45; segment means 6 and 2.225: 29+6+12.775+2.225
    assertEquals(34.45 / 4, result.spend().pastRate(), 1e-9);
    assertEquals(50.0 / 4, result.spend().segmentMean(), 1e-9);
    double[][] customers = {
      {2, 40, 50, 30, 2, 35}, {0, 0, 20, 0, 0, 0}, {4, 90, 100, 10, 3, 15}, {9, 150, 200, 1, 0, 0}
    };
    double purchasesError = 0;
    double spendError = 0;
    for (double[] c : customers) {
      double expected = PURCHASES.expectedPurchases(10, (int) c[0], c[1], c[2]);
      purchasesError += Math.abs(expected - c[4]) / 4;
      spendError += Math.abs(expected * SPEND.expectedSpend((int) c[0], c[3]) - c[5]) / 4;
    }
    assertEquals(purchasesError, result.purchases().model(), 1e-12);
    assertEquals(spendError, result.spend().model(), 1e-9);

    assertEquals(
        List.of("0", "2", "4", "7+"),
        result.calibration().stream().map(LifetimeValueBacktest.Group::frequency).toList());
    assertEquals(
        List.of(0.0, 2.0, 3.0, 0.0),
        result.calibration().stream().map(LifetimeValueBacktest.Group::actual).toList());
    assertEquals(
        List.of(0.0, 0.4, 0.4, 0.45),
        result.calibration().stream().map(LifetimeValueBacktest.Group::pastRate).toList());
    assertEquals(1.25, (double) result.toMap().get("baseline_segment_mean_purchases_mae"));
  }

  @Test
  void anEmptyHoldoutWindowIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new LifetimeValueBacktest(PURCHASES, SPEND, CUTOFF, CUTOFF));
  }

  private static Timestamp ts(String text) {
    return Timestamp.valueOf(text);
  }
}
