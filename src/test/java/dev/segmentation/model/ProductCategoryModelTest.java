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

  private Dataset<Row> products() {
    StructType schema =
        new StructType()
            .add("stock_code", DataTypes.StringType)
            .add("description", DataTypes.StringType)
            .add("mean_unit_price", DataTypes.DoubleType);
    return rows(
        schema,
        new Object[] {"C1", "CHRISTMAS CARD ROBIN", 0.5},
        new Object[] {"C2", "BIRTHDAY CARDS", 0.6},
        new Object[] {"C3", "PINK CARD WITH HEARTS", 0.4},
        new Object[] {"C4", "CARD, CHRISTMAS TREE", 0.5},
        new Object[] {"L1", "CANDLE HOLDER", 4.5},
        new Object[] {"L2", "WHITE CANDLES", 4.0},
        new Object[] {"L3", "CANDLE IN A JAR", 3.5},
        new Object[] {"L4", "BLUE CANDLE HOLDER", 4.2});
  }

  @Test
  void productsGroupByStemmedWordsAndPriceBand() {
    JobConfig.Products settings =
        TestConfigs.withOverrides(
                Map.of(
                    "segmentation.products.categories", "2",
                    "segmentation.products.min-products-per-word", "2"))
            .products();

    PipelineModel model = new ProductCategoryModel(settings, defaults().train()).fit(products());
    Dataset<Row> categorised = model.transform(products());

    Map<String, Integer> category = new HashMap<>();
    categorised
        .select("stock_code", "category")
        .collectAsList()
        .forEach(r -> category.put(r.getString(0), r.getInt(1)));
    for (String card : List.of("C2", "C3", "C4")) {
      assertEquals(category.get("C1"), category.get(card), card);
    }
    for (String candle : List.of("L2", "L3", "L4")) {
      assertEquals(category.get("L1"), category.get(candle), candle);
    }
    assertNotEquals(category.get("C1"), category.get("L1"));
    // Colour words are ignored; "cards"/"card" and "candles"/"candle" are one stem each.
    assertEquals(
        Set.of("card", "candl", "christma", "holder"),
        Set.copyOf(ProductCategoryModel.vocabulary(model)));
    assertEquals(4, ProductCategoryModel.vocabulary(model).size());

    Map<Integer, List<String>> top = new HashMap<>();
    ProductCategoryModel.topWords(categorised, ProductCategoryModel.vocabulary(model), 2)
        .collectAsList()
        .forEach(r -> top.put(r.getInt(0), r.getList(1)));
    assertEquals(List.of("card", "christma"), top.get(category.get("C1")));
    assertEquals(List.of("candl", "holder"), top.get(category.get("L1")));
  }
}
