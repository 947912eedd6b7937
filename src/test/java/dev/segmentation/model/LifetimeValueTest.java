package dev.segmentation.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.segmentation.SparkTestBase;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.RepeatPurchases;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** The three per-customer figures are the models' formulas, row by row, for every customer. */
class LifetimeValueTest extends SparkTestBase {

  private static final BgNbd.Parameters PURCHASES =
      new BgNbd.Parameters(0.243, 4.414, 0.793, 2.426);
  private static final GammaGamma.Parameters SPEND = new GammaGamma.Parameters(6.25, 3.74, 15.44);
  private static final StructType SUMMARY =
      new StructType()
          .add(FeatureColumns.CUSTOMER_ID, DataTypes.StringType)
          .add(RepeatPurchases.REPEAT_DAYS, DataTypes.IntegerType)
          .add(RepeatPurchases.RECENCY, DataTypes.DoubleType)
          .add(RepeatPurchases.AGE, DataTypes.DoubleType)
          .add(RepeatPurchases.REPEAT_SPEND, DataTypes.DoubleType);

  @Test
  void eachCustomerGetsTheFormulasValues() {
    List<Row> rows =
        new LifetimeValue(PURCHASES, SPEND, 39)
            .apply(
                rows(
                    SUMMARY,
                    new Object[] {"once", 0, 0.0, 38.86, 0.0},
                    new Object[] {"paper", 2, 30.43, 38.86, 40.0},
                    new Object[] {"lapsed", 6, 3.0, 38.0, 12.5}))
            .orderBy(FeatureColumns.CUSTOMER_ID)
            .collectAsList();

    // In customer order: lapsed, once, paper.
    assertFigures(rows.get(0), 6, 3, 38, 12.5);
    assertFigures(rows.get(1), 0, 0, 38.86, 0);
    assertFigures(rows.get(2), 2, 30.43, 38.86, 40);
    assertEquals(1.0, rows.get(1).<Double>getAs(LifetimeValue.P_ALIVE));
    assertEquals(1.226, rows.get(2).<Double>getAs(LifetimeValue.EXPECTED_PURCHASES), 0.0005);
  }

  @Test
  void theSpendSampleIsTheSameBuyersOnAnyPartitioning() {
    // 40 repeat buyers with spends spread 10..49, two one-time buyers; a sample of 12.
    List<Object[]> customers = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      customers.add(new Object[] {"c" + i, 1 + i % 4, 20.0 + i % 7, 60.0, 10.0 + i});
    }
    customers.add(new Object[] {"once1", 0, 0.0, 30.0, 0.0});
    customers.add(new Object[] {"once2", 0, 0.0, 50.0, 0.0});
    Dataset<Row> summary = rows(SUMMARY, customers.toArray(Object[][]::new));

    LifetimeValue.Fitted one = LifetimeValue.fit(summary.repartition(1), 12, 7);
    LifetimeValue.Fitted seven = LifetimeValue.fit(summary.repartition(7), 12, 7);

    assertEquals(12, one.spend().customers());
    assertEquals(one.spend().parameters(), seven.spend().parameters());
    assertEquals(one.purchases().parameters(), seven.purchases().parameters());
    assertEquals(42, one.purchases().customers());
  }

  @Test
  void aSpendWithoutFiniteMeanIsRefused() {
    assertThrows(
        IllegalArgumentException.class,
        () -> new LifetimeValue(PURCHASES, new GammaGamma.Parameters(2, 0.9, 10), 39));
  }

  private static void assertFigures(Row row, int x, double tx, double t, double m) {
    double purchases = PURCHASES.expectedPurchases(39, x, tx, t);
    assertEquals(PURCHASES.pAlive(x, tx, t), row.<Double>getAs(LifetimeValue.P_ALIVE), 1e-12);
    assertEquals(purchases, row.<Double>getAs(LifetimeValue.EXPECTED_PURCHASES), 1e-12);
    assertEquals(
        purchases * SPEND.expectedSpend(x, m),
        row.<Double>getAs(LifetimeValue.EXPECTED_SPEND),
        1e-9);
  }
}
