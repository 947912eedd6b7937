package dev.segmentation.evaluate;

import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.ProductMix;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One name per segment, never shared within a run. A segment's name first says how often its
 * customers buy, how much per basket and which product category they favour, against the average
 * customer ("occasional mid-value buyers, mixed baskets"). Segments that this leaves with the same
 * name are then told apart by what sets each apart from its nearest namesake: the trait on which
 * the two differ most, in standard deviations of all customers ("..., more recent" against "...,
 * less recent"), repeated until every name is distinct.
 */
final class SegmentNames {

  /** A feature and how to say that a segment has more or less of it than another. */
  record Trait(String feature, String more, String less) {}

  private SegmentNames() {}

  /**
   * The traits names may use beyond the first words: recency, frequency, value, the share of each
   * product category and of each price band.
   */
  static List<Trait> traits(
      ProductMix mix, Map<Integer, String> categoryNames, List<String> priceBandNames) {
    List<Trait> traits = new ArrayList<>();
    traits.add(new Trait(FeatureColumns.DAYS_SINCE_LAST, "less recent", "more recent"));
    traits.add(new Trait(FeatureColumns.INVOICE_COUNT, "buy more often", "buy less often"));
    traits.add(new Trait(FeatureColumns.BASKET_MEAN, "bigger baskets", "smaller baskets"));
    traits.add(new Trait(FeatureColumns.DAYS_SINCE_FIRST, "longer-standing", "newer"));
    traits.add(new Trait(FeatureColumns.MONETARY, "more spend in all", "less spend in all"));
    for (int i = 0; i < mix.categories(); i++) {
      String name = categoryNames.getOrDefault(i, "category " + i);
      traits.add(new Trait(FeatureColumns.categoryShare(i), "more " + name, "less " + name));
    }
    for (int band = 0; band < mix.priceBands(); band++) {
      String name = priceBandNames.get(band);
      String items = name.startsWith("under ") ? "items " + name : "items at " + name;
      traits.add(new Trait(FeatureColumns.priceBandShare(band), "more " + items, "fewer " + items));
    }
    return traits;
  }

  /**
   * @param first each segment's first name, by segment id
   * @param said by segment id, the features its first name already speaks of ("mostly candle &
   *     glass"): not used again to tell it apart
   * @param zScores each segment's mean of each trait's feature, in standard deviations from the
   *     mean customer, in the order of {@code traits}
   * @return every segment's name, distinct
   */
  static Map<Integer, String> distinct(
      Map<Integer, String> first,
      Map<Integer, Set<String>> said,
      Map<Integer, double[]> zScores,
      List<Trait> traits) {
    Map<Integer, String> names = new TreeMap<>(first);
    Map<Integer, List<Integer>> used = new TreeMap<>();
    for (int segment : names.keySet()) {
      Set<String> features = said.getOrDefault(segment, Set.of());
      List<Integer> traitsSaid = new ArrayList<>();
      for (int trait = 0; trait < traits.size(); trait++) {
        if (features.contains(traits.get(trait).feature())) {
          traitsSaid.add(trait);
        }
      }
      used.put(segment, traitsSaid);
    }
    for (int round = 0; round < traits.size(); round++) {
      Map<String, List<Integer>> byName = byName(names);
      if (byName.values().stream().allMatch(group -> group.size() == 1)) {
        return names;
      }
      Map<Integer, String> next = new TreeMap<>(names);
      for (List<Integer> group : byName.values()) {
        if (group.size() > 1) {
          for (int segment : group) {
            int nearest = nearest(segment, group, zScores);
            int trait = mostDifferent(segment, nearest, zScores, used.get(segment), traits.size());
            if (trait < 0) {
              continue; // every trait said: the id will tell it apart
            }
            used.get(segment).add(trait);
            boolean more = zScores.get(segment)[trait] > zScores.get(nearest)[trait];
            Trait t = traits.get(trait);
            next.put(segment, names.get(segment) + ", " + (more ? t.more() : t.less()));
          }
        }
      }
      names = next;
    }
    // Segments equal on every trait: only their ids can tell them apart.
    Map<Integer, String> named = new TreeMap<>(names);
    for (List<Integer> group : byName(names).values()) {
      if (group.size() > 1) {
        group.forEach(segment -> named.compute(segment, (s, name) -> name + " (" + s + ")"));
      }
    }
    return named;
  }

  private static Map<String, List<Integer>> byName(Map<Integer, String> names) {
    Map<String, List<Integer>> byName = new LinkedHashMap<>();
    names.forEach(
        (segment, name) -> byName.computeIfAbsent(name, n -> new ArrayList<>()).add(segment));
    return byName;
  }

  private static int nearest(int segment, List<Integer> group, Map<Integer, double[]> zScores) {
    int nearest = -1;
    double best = Double.POSITIVE_INFINITY;
    for (int other : group) {
      double d =
          other == segment
              ? Double.POSITIVE_INFINITY
              : Silhouette.squaredDistance(zScores.get(segment), zScores.get(other));
      if (d < best) {
        best = d;
        nearest = other;
      }
    }
    return nearest;
  }

  private static int mostDifferent(
      int segment, int other, Map<Integer, double[]> zScores, List<Integer> used, int traits) {
    int chosen = -1;
    double largest = -1;
    for (int t = 0; t < traits; t++) {
      double difference = Math.abs(zScores.get(segment)[t] - zScores.get(other)[t]);
      if (!used.contains(t) && difference > largest) {
        largest = difference;
        chosen = t;
      }
    }
    return chosen;
  }
}
