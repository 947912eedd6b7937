package dev.segmentation.model;

import static org.apache.spark.sql.functions.arrays_zip;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;

import dev.segmentation.config.JobConfig;
import dev.segmentation.config.JobConfig.Grouping;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.ingest.InvoiceColumns;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The words that describe each product category: its most used known words and a short name. Words
 * are shown as the descriptions spell them, each stem by the word it most often comes from
 * ("necklac" as "necklace").
 *
 * <p>A theme's name is its two most distinctive words, ranked by relevance (Sievert and Shirley,
 * 2014: 0.6 × log p(word | theme) + 0.4 × log lift), so a word used everywhere ("vintage") does not
 * name every theme; a third word is added where two themes would share a name. A notebook category
 * is named by its number and its most used words, since its products share a price band more than a
 * kind.
 *
 * <p>Input: products as {@link ProductCategoryModel}'s fitted pipeline gives them. Two small
 * aggregations, at most categories × vocabulary rows, reach the driver.
 */
public final class CategoryWords {

  public static final String NAME = "name";
  public static final String TOP_WORDS = "top_words";

  /** How much a word's frequency within the theme counts against its lift, from the paper. */
  private static final double RELEVANCE_WEIGHT = 0.6;

  /** A word must be used by at least this many products of a theme to name it. */
  private static final int MIN_NAMING_PRODUCTS = 3;

  /**
   * @param table {@code category}, {@link #NAME}, {@link #TOP_WORDS} (array, most used first)
   * @param sizes products by category
   */
  public record Described(
      Dataset<Row> table,
      Map<Integer, String> names,
      Map<Integer, List<String>> topWords,
      Map<Integer, Long> sizes) {}

  private final Grouping grouping;
  private final int top;

  public CategoryWords(JobConfig.Products settings) {
    this.grouping = Objects.requireNonNull(settings, "settings").grouping();
    this.top = settings.topWords();
  }

  public Described describe(Dataset<Row> categorised, List<String> vocabulary) {
    Dataset<Row> uses =
        categorised
            .select(
                col(InvoiceColumns.STOCK_CODE),
                col(FeatureColumns.CATEGORY),
                explode(
                        arrays_zip(
                            col(ProductCategoryModel.CONTENT_WORDS),
                            col(ProductCategoryModel.STEMS)))
                    .as("pair"))
            .select(
                col(InvoiceColumns.STOCK_CODE),
                col(FeatureColumns.CATEGORY),
                col("pair." + ProductCategoryModel.CONTENT_WORDS).as("word"),
                col("pair." + ProductCategoryModel.STEMS).as("stem"))
            .filter(col("stem").isin(vocabulary.toArray()));
    Map<String, String> spelling = spellings(uses);
    Map<Integer, Map<String, Long>> productsByStem = new TreeMap<>();
    for (Row row :
        uses.groupBy(col(FeatureColumns.CATEGORY), col("stem"))
            .agg(countDistinct(col(InvoiceColumns.STOCK_CODE)))
            .collectAsList()) {
      productsByStem
          .computeIfAbsent(row.getInt(0), c -> new HashMap<>())
          .put(row.getString(1), row.getLong(2));
    }
    Map<Integer, Long> sizes = new TreeMap<>();
    categorised
        .groupBy(col(FeatureColumns.CATEGORY))
        .count()
        .collectAsList()
        .forEach(row -> sizes.put(row.getInt(0), row.getLong(1)));

    Map<Integer, List<String>> topWords = new TreeMap<>();
    sizes
        .keySet()
        .forEach(
            category ->
                topWords.put(
                    category,
                    spelled(mostUsed(productsByStem.getOrDefault(category, Map.of())), spelling)));
    Map<Integer, String> names =
        grouping == Grouping.THEMES
            ? themeNames(productsByStem, sizes, spelling)
            : notebookNames(topWords);
    return new Described(table(names, topWords), names, topWords, sizes);
  }

  /** The word each stem most often comes from; on a tie, the first in alphabetical order. */
  private static Map<String, String> spellings(Dataset<Row> uses) {
    Map<String, String> spelling = new HashMap<>();
    Map<String, Long> best = new HashMap<>();
    for (Row row : uses.groupBy(col("stem"), col("word")).agg(count(lit(1))).collectAsList()) {
      String stem = row.getString(0);
      String word = row.getString(1);
      long times = row.getLong(2);
      Long current = best.get(stem);
      if (current == null
          || times > current
          || (times == current && word.compareTo(spelling.get(stem)) < 0)) {
        best.put(stem, times);
        spelling.put(stem, word);
      }
    }
    return spelling;
  }

  private List<String> mostUsed(Map<String, Long> products) {
    return products.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .limit(top)
        .map(Map.Entry::getKey)
        .toList();
  }

  private static List<String> spelled(List<String> stems, Map<String, String> spelling) {
    return stems.stream().map(stem -> spelling.getOrDefault(stem, stem)).toList();
  }

  private static Map<Integer, String> notebookNames(Map<Integer, List<String>> topWords) {
    Map<Integer, String> names = new TreeMap<>();
    topWords.forEach(
        (category, words) ->
            names.put(
                category,
                "category "
                    + category
                    + (words.isEmpty()
                        ? ""
                        : " ("
                            + String.join(", ", words.subList(0, Math.min(3, words.size())))
                            + ")")));
    return names;
  }

  private static Map<Integer, String> themeNames(
      Map<Integer, Map<String, Long>> productsByStem,
      Map<Integer, Long> sizes,
      Map<String, String> spelling) {
    long allProducts = sizes.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Long> productsOfStem = new HashMap<>();
    productsByStem
        .values()
        .forEach(byStem -> byStem.forEach((s, n) -> productsOfStem.merge(s, n, Long::sum)));
    Map<Integer, List<String>> ranked = new TreeMap<>();
    sizes.forEach(
        (theme, size) -> {
          Map<String, Long> byStem = productsByStem.getOrDefault(theme, Map.of());
          Comparator<String> byRelevance =
              Comparator.comparingDouble(
                  (String stem) -> {
                    double inTheme = (double) byStem.get(stem) / size;
                    double overall = (double) productsOfStem.get(stem) / allProducts;
                    return RELEVANCE_WEIGHT * Math.log(inTheme)
                        + (1 - RELEVANCE_WEIGHT) * Math.log(inTheme / overall);
                  });
          ranked.put(
              theme,
              byStem.keySet().stream()
                  .filter(stem -> byStem.get(stem) >= MIN_NAMING_PRODUCTS)
                  .sorted(byRelevance.reversed().thenComparing(Comparator.naturalOrder()))
                  .map(stem -> spelling.getOrDefault(stem, stem))
                  .toList());
        });
    return distinct(ranked);
  }

  /** Two words a name; a third, and so on, only where names would be shared. */
  static Map<Integer, String> distinct(Map<Integer, List<String>> ranked) {
    Map<Integer, Integer> length = new TreeMap<>();
    ranked.keySet().forEach(theme -> length.put(theme, 2));
    while (true) {
      Map<Integer, String> names = new TreeMap<>();
      ranked.forEach(
          (theme, words) -> {
            List<String> used = words.subList(0, Math.min(length.get(theme), words.size()));
            names.put(theme, used.isEmpty() ? "theme " + theme : String.join(" & ", used));
          });
      Map<String, List<Integer>> byName = new HashMap<>();
      names.forEach(
          (theme, name) -> byName.computeIfAbsent(name, n -> new ArrayList<>()).add(theme));
      Set<Integer> grow = new HashSet<>();
      byName.values().stream()
          .filter(themes -> themes.size() > 1)
          .flatMap(List::stream)
          .filter(theme -> length.get(theme) < ranked.get(theme).size())
          .forEach(grow::add);
      if (grow.isEmpty()) {
        // Themes equal on every word they have: only their numbers tell them apart.
        byName.values().stream()
            .filter(themes -> themes.size() > 1)
            .flatMap(List::stream)
            .forEach(theme -> names.put(theme, names.get(theme) + " (" + theme + ")"));
        return names;
      }
      grow.forEach(theme -> length.merge(theme, 1, Integer::sum));
    }
  }

  private static Dataset<Row> table(Map<Integer, String> names, Map<Integer, List<String>> words) {
    StructType schema =
        new StructType()
            .add(FeatureColumns.CATEGORY, DataTypes.IntegerType, false)
            .add(NAME, DataTypes.StringType, false)
            .add(TOP_WORDS, DataTypes.createArrayType(DataTypes.StringType), false);
    List<Row> rows = new ArrayList<>();
    names.forEach(
        (category, name) ->
            rows.add(RowFactory.create(category, name, words.get(category).toArray())));
    return SparkSession.active().createDataFrame(rows, schema);
  }
}
