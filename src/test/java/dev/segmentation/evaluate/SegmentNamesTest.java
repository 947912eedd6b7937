package dev.segmentation.evaluate;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.features.ProductMix;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SegmentNamesTest {

  private static final List<SegmentNames.Trait> TRAITS =
      SegmentNames.traits(new ProductMix(2, 1), Map.of(0, "heart & light"), List.of("any price"));

  @Test
  void theTraitsAreRecencyFrequencyValueTenureSpendEachCategoryAndEachPriceBand() {
    assertEquals(
        List.of(
            "more recent",
            "buy less often",
            "smaller baskets",
            "newer",
            "less spend in all",
            "less heart & light",
            "less category 1",
            "fewer items at any price"),
        TRAITS.stream().map(SegmentNames.Trait::less).toList());
  }

  @Test
  void distinctFirstNamesStayAsTheyAre() {
    Map<Integer, String> first = Map.of(0, "occasional buyers", 1, "frequent buyers");

    assertEquals(
        first,
        SegmentNames.distinct(first, Map.of(), Map.of(0, new double[8], 1, new double[8]), TRAITS));
  }

  @Test
  void namesakesAreToldApartByTheTraitOnWhichTheyDifferMost() {
    // 0 and 5 share a name and differ most in recency (days since the last purchase); 3 does not.
    Map<Integer, String> first =
        Map.of(0, "occasional buyers", 3, "one-time buyers", 5, "occasional buyers");
    Map<Integer, double[]> z =
        Map.of(
            0, new double[] {-0.6, 0.1, 0, 0, 0, 0, 0, 0},
            3, new double[] {1, -1, 0, 0, 0, 0, 0, 0},
            5, new double[] {0.8, 0.2, 0, 0, 0, 0, 0, 0});

    assertEquals(
        Map.of(
            0, "occasional buyers, more recent",
            3, "one-time buyers",
            5, "occasional buyers, less recent"),
        SegmentNames.distinct(first, Map.of(), z, TRAITS));
  }

  @Test
  void threeNamesakesTakeAsManyRoundsAsTheyNeed() {
    // 1 and 2 are nearest and split on frequency; 0, nearest to 1, splits on recency against it,
    // which leaves 1 and 2 with one word each after the first round, all distinct after the second.
    Map<Integer, String> first = Map.of(0, "buyers", 1, "buyers", 2, "buyers");
    Map<Integer, double[]> z =
        Map.of(
            0, new double[] {2, 0, 0, 0, 0, 0, 0, 0},
            1, new double[] {0, 0.5, 0, 0, 0, 0, 0, 0},
            2, new double[] {0, -0.5, 0, 0, 0, 0, 0, 0});

    Map<Integer, String> names = SegmentNames.distinct(first, Map.of(), z, TRAITS);

    assertEquals(3, names.values().stream().distinct().count(), names.toString());
    assertEquals("buyers, less recent", names.get(0));
    assertEquals("buyers, buy more often", names.get(1));
    assertEquals("buyers, buy less often", names.get(2));
  }

  @Test
  void segmentsEqualOnEveryTraitFallBackToTheirIds() {
    Map<Integer, String> first = Map.of(4, "buyers", 7, "buyers");

    assertEquals(
        "buyers, more recent, buy less often, smaller baskets, newer, less spend in all, "
            + "less heart & light, less category 1, fewer items at any price (4)",
        SegmentNames.distinct(first, Map.of(), Map.of(4, new double[8], 7, new double[8]), TRAITS)
            .get(4));
  }

  @Test
  void aCategoryTheFirstNameSpeaksOfDoesNotTellNamesakesApart() {
    // Both favour category 0, 1 far more so; without it they differ only in frequency.
    Map<Integer, String> first =
        Map.of(0, "buyers, mostly heart & light", 1, "buyers, mostly heart & light");
    Map<Integer, double[]> z =
        Map.of(
            0, new double[] {0, 0.2, 0, 0, 0, 1, 0, 0},
            1, new double[] {0, -0.2, 0, 0, 0, 3, 0, 0});
    Map<Integer, Set<String>> said =
        Map.of(0, Set.of("category_0_share"), 1, Set.of("category_0_share"));

    assertEquals(
        Map.of(
            0, "buyers, mostly heart & light, buy more often",
            1, "buyers, mostly heart & light, buy less often"),
        SegmentNames.distinct(first, said, z, TRAITS));
  }
}
