package dev.segmentation.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.segmentation.SparkTestBase;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ProductCategoryModelTest extends SparkTestBase {

  private static final StructType PRODUCTS =
      new StructType()
          .add("stock_code", DataTypes.StringType)
          .add("description", DataTypes.StringType)
          .add("mean_unit_price", DataTypes.DoubleType);

  /** Cards and candles, each kind at both ends of the price range. */
  private Dataset<Row> mixedPrices() {
    return rows(
        PRODUCTS,
        new Object[] {"C1", "CHRISTMAS CARD ROBIN", 0.5},
        new Object[] {"C2", "BIRTHDAY CARDS", 6.0},
        new Object[] {"C3", "PINK CARD WITH HEARTS", 0.4},
        new Object[] {"C4", "CARD, CHRISTMAS TREE", 7.5},
        new Object[] {"L1", "CANDLE HOLDER", 0.5},
        new Object[] {"L2", "WHITE CANDLES", 6.0},
        new Object[] {"L3", "CANDLE IN A JAR", 0.8},
        new Object[] {"L4", "BLUE CANDLE HOLDER", 8.2});
  }

  /** Cards cheap and candles dear: price and words agree. */
  private Dataset<Row> pricesByKind() {
    return rows(
        PRODUCTS,
        new Object[] {"C1", "CHRISTMAS CARD ROBIN", 0.5},
        new Object[] {"C2", "BIRTHDAY CARDS", 0.6},
        new Object[] {"C3", "PINK CARD WITH HEARTS", 0.4},
        new Object[] {"C4", "CARD, CHRISTMAS TREE", 0.5},
        new Object[] {"L1", "CANDLE HOLDER", 4.5},
        new Object[] {"L2", "WHITE CANDLES", 4.0},
        new Object[] {"L3", "CANDLE IN A JAR", 3.5},
        new Object[] {"L4", "BLUE CANDLE HOLDER", 4.2});
  }

  private static JobConfig.Products settings(String grouping) {
    return TestConfigs.withOverrides(
            Map.of(
                "segmentation.products.grouping", grouping,
                "segmentation.products.categories", "2",
                "segmentation.products.min-products-per-word", "2"))
        .products();
  }

  private static Map<String, Integer> column(Dataset<Row> categorised, String name) {
    Map<String, Integer> values = new HashMap<>();
    categorised
        .selectExpr("stock_code", "CAST(" + name + " AS INT)")
        .collectAsList()
        .forEach(r -> values.put(r.getString(0), r.getInt(1)));
    return values;
  }

  private static void assertCardsApartFromCandles(Map<String, Integer> category) {
    for (String card : List.of("C2", "C3", "C4")) {
      assertEquals(category.get("C1"), category.get(card), card);
    }
    for (String candle : List.of("L2", "L3", "L4")) {
      assertEquals(category.get("L1"), category.get(candle), candle);
    }
    assertNotEquals(category.get("C1"), category.get("L1"));
  }

  @Test
  void themesGroupProductsByTheirWordsWhateverTheyCost() {
    PipelineModel model =
        new ProductCategoryModel(settings("themes"), defaults().train()).fit(mixedPrices());
    Dataset<Row> categorised = model.transform(mixedPrices());

    assertCardsApartFromCandles(column(categorised, "category"));
    // Bands of [1, 2, 3, 5, 10]: under 1 is band 0, 5 to 10 is band 4.
    Map<String, Integer> band = column(categorised, "price_band");
    assertEquals(0, band.get("C1"));
    assertEquals(4, band.get("C2"));
    assertEquals(4, band.get("L4"));
    // Colour words are ignored; "cards"/"card" and "candles"/"candle" are one stem each.
    assertEquals(
        Set.of("card", "candl", "christma", "holder"),
        Set.copyOf(ProductCategoryModel.vocabulary(model)));
  }

  @Test
  void theNotebookGroupsByWordsAndPriceBand() {
    PipelineModel model =
        new ProductCategoryModel(settings("notebook"), defaults().train()).fit(pricesByKind());

    assertCardsApartFromCandles(column(model.transform(pricesByKind()), "category"));
    assertEquals(4, ProductCategoryModel.vocabulary(model).size());
  }
}
