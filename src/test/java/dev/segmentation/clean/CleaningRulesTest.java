package dev.segmentation.clean;

import static dev.segmentation.clean.Lines.describe;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

class CleaningRulesTest extends SparkTestBase {

  @Test
  void linesWithoutCustomerAreSetAside() {
    Dataset<Row> lines =
        new Lines()
            .add("1", "A", 1, "10:00", 1.0, "17850")
            .add("2", "A", 1, "10:00", 1.0, null)
            .toDataset(spark());

    assertEquals(
        List.of("1 A 1 -> null", "2 A 1 -> no_customer"),
        describe(new MissingCustomerRule().apply(lines)));
  }

  @Test
  void exactDuplicatesKeepOneCopy() {
    Dataset<Row> lines =
        new Lines()
            .add("1", "A", 1, "10:00", 1.0)
            .add("1", "A", 1, "10:00", 1.0)
            .add("1", "A", 1, "10:00", 1.0)
            .add("1", "A", 2, "10:00", 1.0)
            .add("1", "A", 1, "10:00", 1.5)
            .toDataset(spark());

    assertEquals(
        List.of(
            "1 A 1 -> duplicate",
            "1 A 1 -> duplicate",
            "1 A 1 -> null",
            "1 A 1 -> null",
            "1 A 2 -> null"),
        describe(new DuplicateLineRule().apply(lines)));
  }

  @Test
  void copiesInDifferentPartitionsAreFound() {
    Lines lines = new Lines();
    for (int i = 0; i < 6; i++) {
      lines.add("1", "A", 1, "10:00", 1.0).add(String.valueOf(i + 2), "A", 1, "10:00", 1.0);
    }
    Dataset<Row> spread = lines.toDataset(spark()).repartition(4);

    Dataset<Row> tagged = new DuplicateLineRule().apply(spread);

    assertEquals(5, tagged.filter(col(CleanColumns.SET_ASIDE_REASON).equalTo("duplicate")).count());
    assertEquals(12, tagged.count());
  }

  @Test
  void linesWhoseHashesCollideAreNotCopies() {
    StructType schema =
        new StructType()
            .add("code", DataTypes.StringType)
            .add("quantity", DataTypes.IntegerType)
            .add(DuplicateLineRule.LINE_HASH, DataTypes.LongType);
    UnsafeProjection unsafe = UnsafeProjection.create(schema);
    List<InternalRow> sortedByHash = new ArrayList<>();
    for (Object[] line :
        List.of(
            new Object[] {"x", 1, 7L},
            new Object[] {"y", 2, 7L},
            new Object[] {"x", 1, 7L},
            new Object[] {"y", 2, 7L},
            new Object[] {"x", 2, 7L},
            new Object[] {"x", 1, 8L})) {
      line[0] = UTF8String.fromString((String) line[0]);
      sortedByHash.add(unsafe.apply(new GenericInternalRow(line)).copy());
    }

    List<Boolean> copies = new ArrayList<>();
    new DuplicateLineRule.CopyMarker(schema, List.of("code", "quantity"))
        .mark(sortedByHash.iterator())
        .forEachRemaining(marked -> copies.add(marked.getBoolean(schema.size())));

    assertEquals(List.of(false, false, true, true, false, false), copies);
  }

  @Test
  void aLineSetAsideEarlierKeepsItsFirstReason() {
    Dataset<Row> lines =
        new Lines()
            .add("1", "A", 1, "10:00", 1.0, null)
            .add("1", "A", 1, "10:00", 1.0, null)
            .toDataset(spark());

    Dataset<Row> tagged = new DuplicateLineRule().apply(new MissingCustomerRule().apply(lines));

    assertEquals(List.of("1 A 1 -> no_customer", "1 A 1 -> no_customer"), describe(tagged));
  }

  @Test
  void nonProductCodesMatchExactlyOrByPrefixAndCase() {
    Dataset<Row> lines =
        new Lines()
            .add("1", "POST", 1, "10:00", 18.0)
            .add("2", "POSTAGE", 1, "10:00", 1.0)
            .add("3", "m", 1, "10:00", 1.0)
            .add("4", "gift_0001_20", 1, "10:00", 20.0)
            .add("5", "DCGS0003", 1, "10:00", 1.0)
            .add("6", "85123A", 1, "10:00", 2.55)
            .toDataset(spark());

    Dataset<Row> tagged =
        new NonProductRule(List.of("POST", "m", "gift_0001_*", "DCGS*")).apply(lines);

    assertEquals(
        List.of(
            "1 POST 1 -> non_product",
            "2 POSTAGE 1 -> null",
            "3 m 1 -> non_product",
            "4 gift_0001_20 1 -> non_product",
            "5 DCGS0003 1 -> non_product",
            "6 85123A 1 -> null"),
        describe(tagged));
  }
}
