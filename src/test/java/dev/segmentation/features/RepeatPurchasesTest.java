package dev.segmentation.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import dev.segmentation.model.BgNbd;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The BTYD summary on hand-made baskets: purchase days, not invoices; the window's end excluded.
 */
class RepeatPurchasesTest extends SparkTestBase {

  private static final StructType BASKETS =
      new StructType()
          .add(FeatureColumns.CUSTOMER_ID, DataTypes.StringType)
          .add(FeatureColumns.INVOICE_NO, DataTypes.StringType)
          .add(FeatureColumns.INVOICE_TS, DataTypes.TimestampType)
          .add(FeatureColumns.BASKET_AMOUNT, DataTypes.DoubleType);

  @Test
  void repeatDaysRecencyAgeAndRepeatSpendPerCustomer() {
    var baskets =
        rows(
            BASKETS,
            // Two invoices on the first day are one purchase; then two repeat days.
            new Object[] {"c1", "1", ts("2011-01-03 09:00"), 10.0},
            new Object[] {"c1", "2", ts("2011-01-03 15:30"), 5.0},
            new Object[] {"c1", "3", ts("2011-01-10 11:00"), 20.0},
            new Object[] {"c1", "4", ts("2011-02-01 11:00"), 30.0},
            new Object[] {"c2", "5", ts("2011-02-20 12:00"), 7.0},
            // The window ends on 2011-03-01: that day is not in it.
            new Object[] {"c3", "6", ts("2011-02-28 12:00"), 4.0},
            new Object[] {"c3", "7", ts("2011-03-01 08:00"), 9.0},
            new Object[] {"c4", "8", ts("2011-03-02 12:00"), 1.0});

    var table = new RepeatPurchases(LocalDate.parse("2011-03-01")).apply(baskets);
    List<String> summary =
        table.orderBy(FeatureColumns.CUSTOMER_ID).collectAsList().stream()
            .map(
                r ->
                    r.getString(0)
                        + " "
                        + r.getInt(1)
                        + " "
                        + r.getDouble(2)
                        + " "
                        + r.getDouble(3)
                        + " "
                        + r.getDouble(4))
            .toList();

    assertEquals(List.of("c1 2 29.0 57.0 25.0", "c2 0 0.0 9.0 0.0", "c3 0 0.0 1.0 0.0"), summary);
    // What BG/NBD is fitted on: customers counted by (x, t_x, T).
    assertEquals(
        List.of(
            new BgNbd.Cell(0, 0, 1, 1), new BgNbd.Cell(0, 0, 9, 1), new BgNbd.Cell(2, 29, 57, 1)),
        BgNbd.cells(table).stream()
            .sorted(Comparator.comparingInt(BgNbd.Cell::x).thenComparingDouble(BgNbd.Cell::t))
            .toList());
  }

  private static Timestamp ts(String minute) {
    return Timestamp.valueOf(minute + ":00");
  }
}
