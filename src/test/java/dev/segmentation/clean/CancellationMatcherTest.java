package dev.segmentation.clean;

import static dev.segmentation.clean.Lines.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.joins.BroadcastHashJoinExec;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

class CancellationMatcherTest extends SparkTestBase {

  private final CancellationMatcher matcher = new CancellationMatcher(true);

  @Test
  void oneCounterpartTakesThePartialQuantity() {
    Lines lines = new Lines().add("100", "A", 10, "10:00", 1.0).add("C200", "A", -4, "11:00", 1.0);

    assertEquals(
        List.of("100 A 10 cancelled=4 -> null", "C200 A -4 cancelled=null -> cancellation_matched"),
        match(lines));
  }

  @Test
  void ofSeveralCounterpartsTheLatestEarlierOneIsCancelled() {
    Lines lines =
        new Lines()
            .add("100", "A", 10, "09:00", 1.0)
            .add("101", "A", 10, "10:00", 1.0)
            .add("C200", "A", -5, "11:00", 1.0)
            .add("102", "A", 10, "12:00", 1.0);

    assertEquals(
        List.of(
            "100 A 10 cancelled=0 -> null",
            "101 A 10 cancelled=5 -> null",
            "102 A 10 cancelled=0 -> null",
            "C200 A -5 cancelled=null -> cancellation_matched"),
        match(lines));
  }

  @Test
  void aLaterPurchaseTooSmallToCoverItIsSkipped() {
    Lines lines =
        new Lines()
            .add("100", "A", 10, "09:00", 1.0)
            .add("101", "A", 2, "10:00", 1.0)
            .add("C200", "A", -5, "11:00", 1.0);

    assertEquals(
        List.of(
            "100 A 10 cancelled=5 -> null",
            "101 A 2 cancelled=0 -> null",
            "C200 A -5 cancelled=null -> cancellation_matched"),
        match(lines));
  }

  @Test
  void amongPurchasesOfTheSameTimeTheLargerQuantityIsCancelled() {
    Lines lines =
        new Lines()
            .add("100", "A", 5, "09:00", 1.0)
            .add("100", "A", 10, "09:00", 1.0)
            .add("C200", "A", -3, "11:00", 1.0);

    assertEquals(
        List.of(
            "100 A 10 cancelled=3 -> null",
            "100 A 5 cancelled=0 -> null",
            "C200 A -3 cancelled=null -> cancellation_matched"),
        match(lines));
  }

  @Test
  void withoutCounterpartTheCancellationIsUnmatched() {
    Lines lines =
        new Lines()
            .add("100", "A", 10, "09:00", 1.0)
            .add("C200", "B", -1, "11:00", 1.0)
            .add("C201", "A", -11, "11:00", 1.0)
            .add("C202", "A", -1, "11:00", 1.0, "99999");

    assertEquals(
        List.of(
            "100 A 10 cancelled=0 -> null",
            "C200 B -1 cancelled=null -> cancellation_unmatched",
            "C201 A -11 cancelled=null -> cancellation_unmatched",
            "C202 A -1 cancelled=null -> cancellation_unmatched"),
        match(lines));
  }

  @Test
  void aCancellationBeforeAnyPurchaseIsUnmatched() {
    Lines lines = new Lines().add("C200", "A", -3, "09:00", 1.0).add("100", "A", 10, "10:00", 1.0);

    assertEquals(
        List.of(
            "100 A 10 cancelled=0 -> null", "C200 A -3 cancelled=null -> cancellation_unmatched"),
        match(lines));
  }

  @Test
  void severalCancellationsOfOnePurchaseAddUpToAtMostItsQuantity() {
    Lines lines =
        new Lines()
            .add("100", "A", 10, "09:00", 1.0)
            .add("C200", "A", -6, "10:00", 1.0)
            .add("C201", "A", -6, "11:00", 1.0);

    assertEquals(
        List.of(
            "100 A 10 cancelled=10 -> null",
            "C200 A -6 cancelled=null -> cancellation_matched",
            "C201 A -6 cancelled=null -> cancellation_matched"),
        match(lines));
  }

  @Test
  void linesAlreadySetAsideTakeNoPart() {
    Lines lines = new Lines().add("100", "D", 1, "09:00", 5.0).add("C200", "D", -1, "10:00", 5.0);

    assertEquals(
        List.of("100 D 1 cancelled=null -> non_product", "C200 D -1 cancelled=null -> non_product"),
        describe(matcher.apply(new NonProductRule(List.of("D")).apply(lines.toDataset(spark())))));
  }

  @Test
  void whenSwitchedOffEveryCancellationIsSetAsideUnpaired() {
    Lines lines = new Lines().add("100", "A", 10, "09:00", 1.0).add("C200", "A", -6, "10:00", 1.0);

    assertEquals(
        List.of("100 A 10 cancelled=0 -> null", "C200 A -6 cancelled=null -> cancellation"),
        describe(new CancellationMatcher(false).apply(lines.toDataset(spark()))));
  }

  @Test
  void everyLineIsLookedUpByOneLongKey() {
    Lines lines = new Lines().add("100", "A", 10, "10:00", 1.0).add("C200", "A", -4, "11:00", 1.0);

    List<BroadcastHashJoinExec> joins = new ArrayList<>();
    collectJoins(matcher.apply(lines.toDataset(spark())).queryExecution().sparkPlan(), joins);

    // The pairing joins a few candidate lines by customer and stock code; every line is looked
    // up twice: in the products with a cancellation (semi join) and in the tags (outer join).
    List<BroadcastHashJoinExec> lookups =
        joins.stream().filter(join -> !join.joinType().toString().equals("Inner")).toList();
    assertEquals(
        Set.of("LeftSemi", "LeftOuter"),
        lookups.stream().map(join -> join.joinType().toString()).collect(Collectors.toSet()));
    for (BroadcastHashJoinExec lookup : lookups) {
      assertEquals(1, lookup.leftKeys().size(), lookup.simpleStringWithNodeId());
      assertEquals(DataTypes.LongType, lookup.leftKeys().head().dataType());
    }
  }

  private static void collectJoins(SparkPlan plan, List<BroadcastHashJoinExec> joins) {
    if (plan instanceof BroadcastHashJoinExec join) {
      joins.add(join);
    }
    JavaConverters.seqAsJavaList(plan.children()).forEach(child -> collectJoins(child, joins));
  }

  private List<String> match(Lines lines) {
    return describe(matcher.apply(lines.toDataset(spark())));
  }
}
