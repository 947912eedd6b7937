package dev.segmentation.ids;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SegmentIdMatchingTest {

  private static final double[] UNIT = {1, 1};

  @Test
  void theOptimalAssignmentBeatsTheGreedyOne() {
    // Greedy would give row 0 column 0 (cost 1) and row 1 column 1 (cost 10): 11 in all.
    double[][] cost = {{1, 2}, {2, 10}};

    assertArrayEquals(new int[] {1, 0}, SegmentIdMatching.assign(cost));
  }

  @Test
  void rectangularMatricesLeaveTheCostliestRowUnassigned() {
    // Rows 0 and 2 take the two columns for 1.5; any pair with row 1 costs at least 2.
    double[][] cost = {{5, 1}, {1, 5}, {0.5, 0.6}};

    assertArrayEquals(new int[] {1, -1, 0}, SegmentIdMatching.assign(cost));
  }

  @Test
  void shuffledSegmentsGetTheirPreviousIdsAndANewOneGetsTheNextFreeId() {
    Map<Integer, double[]> previous =
        Map.of(
            3, new double[] {0, 0},
            7, new double[] {10, 0},
            9, new double[] {0, 10});
    double[][] centres = {{10.2, 0}, {0, 9.9}, {0.1, 0.1}, {50, 50}};

    SegmentIdMatching.Matching matching = SegmentIdMatching.match(centres, previous, UNIT, 2.0);

    assertEquals(Map.of(0, 7, 1, 9, 2, 3, 3, 10), matching.ids());
    assertEquals(0.2, matching.distances().get(0), 1e-9);
    assertEquals(3, matching.distances().size());
  }

  @Test
  void aMatchFartherThanTheLimitGetsANewId() {
    Map<Integer, double[]> previous = Map.of(0, new double[] {0, 0}, 1, new double[] {10, 10});
    double[][] centres = {{0, 0.5}, {20, 20}};

    assertEquals(Map.of(0, 0, 1, 2), SegmentIdMatching.match(centres, previous, UNIT, 2.0).ids());
    // In units of a wider spread the same centres are close enough.
    assertEquals(
        Map.of(0, 0, 1, 1),
        SegmentIdMatching.match(centres, previous, new double[] {10, 10}, 2.0).ids());
  }
}
