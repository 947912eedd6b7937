package dev.segmentation.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import dev.segmentation.config.TestConfigs;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class CategoryWordsTest extends SparkTestBase {

  private static final List<String> VOCABULARY =
      List.of("christma", "tree", "star", "vintag", "bag", "jumbo");

  private Dataset<Row> categorised() {
    StructType schema =
        new StructType()
            .add("stock_code", DataTypes.StringType)
            .add("category", DataTypes.IntegerType)
            .add("content_words", DataTypes.createArrayType(DataTypes.StringType))
            .add("stems", DataTypes.createArrayType(DataTypes.StringType));
    return rows(
        schema,
        product("A1", 0, "christmas tree", "christma tree"),
        product("A2", 0, "christmas trees", "christma tree"),
        product("A3", 0, "christmas star", "christma star"),
        product("A4", 0, "vintage tree", "vintag tree"),
        product("B1", 1, "vintage bag", "vintag bag"),
        product("B2", 1, "vintage bags", "vintag bag"),
        product("B3", 1, "jumbo bag", "jumbo bag"),
        product("B4", 1, "vintage star", "vintag star"));
  }

  private static Object[] product(String code, int category, String words, String stems) {
    return new Object[] {
      code, category, List.of(words.split(" ")).toArray(), List.of(stems.split(" ")).toArray()
    };
  }

  private CategoryWords.Described describe(String grouping) {
    return new CategoryWords(
            TestConfigs.withOverrides(
                    Map.of(
                        "segmentation.products.grouping",
                        grouping,
                        "segmentation.products.top-words",
                        "2"))
                .products())
        .describe(categorised(), VOCABULARY);
  }

  @Test
  void aThemeIsNamedByItsMostDistinctiveWordsAsTheProductsSpellThem() {
    CategoryWords.Described themes = describe("themes");

    // Theme 1: "bag" and "vintage" are in three of its four products, but "vintage" is also in
    // theme 0, so "bag" is the more distinctive. Words in fewer than three products name nothing.
    assertEquals(Map.of(0, "christmas & tree", 1, "bag & vintage"), themes.names());
    assertEquals(
        Map.of(0, List.of("christmas", "tree"), 1, List.of("bag", "vintage")), themes.topWords());
    List<Row> table = themes.table().orderBy("category").collectAsList();
    assertEquals("bag & vintage", table.get(1).getString(1));
    assertEquals(List.of("bag", "vintage"), table.get(1).getList(2));
  }

  @Test
  void aNotebookCategoryIsNamedByItsNumberAndMostUsedWords() {
    assertEquals(
        Map.of(0, "category 0 (christmas, tree)", 1, "category 1 (bag, vintage)"),
        describe("notebook").names());
  }

  @Test
  void themesThatWouldShareANameTakeOneMoreWordAndAThemeWithoutWordsItsNumber() {
    assertEquals(
        Map.of(0, "heart & box & tin", 1, "heart & box & card", 2, "bag", 3, "theme 3"),
        CategoryWords.distinct(
            Map.of(
                0, List.of("heart", "box", "tin"),
                1, List.of("heart", "box", "card"),
                2, List.of("bag"),
                3, List.of())));
  }
}
