package dev.segmentation.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ProductFeaturesTest extends SparkTestBase {

  @Test
  void aProductTakesItsMostUsedDescriptionAndMeanPositivePrice() {
    Dataset<Row> lines =
        rows(
            lineSchema(),
            new Object[] {"A", "RED HEART", 2.0},
            new Object[] {"A", "RED HEART", 4.0},
            new Object[] {"A", "HEART, RED", 0.0},
            new Object[] {"B", null, 1.5});

    assertEquals(
        List.of("A|RED HEART|3.0", "B||1.5"), products(new DescriptionUses().apply(lines)));
  }

  @Test
  void oneCountOfUsesByWindowMakesEachWindowsProductsAndEveryProduct() {
    Dataset<Row> lines =
        rows(
            lineSchema().add("early", DataTypes.BooleanType),
            new Object[] {"A", "RED HEART", 2.0, true},
            new Object[] {"A", "RED HEART", 2.0, true},
            new Object[] {"A", "HEART, RED", 0.0, true},
            new Object[] {"A", "HEART, RED", 4.0, false},
            new Object[] {"A", "HEART, RED", 6.0, false},
            new Object[] {"B", null, 1.5, false});

    Dataset<Row> uses = new DescriptionUses(functions.col("early").as("window")).apply(lines);

    assertEquals(
        List.of(
            "A|HEART, RED|false|2|10.0|2",
            "A|HEART, RED|true|1|null|0",
            "A|RED HEART|true|2|4.0|2",
            "B||false|1|1.5|1"),
        uses.orderBy("stock_code", "description", "window").collectAsList().stream()
            .map(r -> r.mkString("|"))
            .toList());
    assertEquals(List.of("A|RED HEART|2.0"), products(uses.filter("window")));
    assertEquals(List.of("A|HEART, RED|3.5", "B||1.5"), products(uses));
  }

  private static StructType lineSchema() {
    return new StructType()
        .add("stock_code", DataTypes.StringType)
        .add("description", DataTypes.StringType)
        .add("unit_price", DataTypes.DoubleType);
  }

  /** stock code|description|mean unit price, by stock code. */
  private static List<String> products(Dataset<Row> uses) {
    return new ProductTable()
        .apply(uses).orderBy("stock_code").collectAsList().stream()
            .map(r -> r.mkString("|"))
            .toList();
  }

  @Test
  void stemsReduceWordsToTheirSnowballRoot() {
    assertEquals("heart", DescriptionStemmer.stem("hearts"));
    assertEquals("decor", DescriptionStemmer.stem("decoration"));
    assertEquals("candl", DescriptionStemmer.stem("candles"));
    assertEquals("vintag", DescriptionStemmer.stem("vintage"));
  }

  @Test
  void theStemmerIsAnMllibStageThatSavesAndLoads() throws Exception {
    StructType schema =
        new StructType().add("words", DataTypes.createArrayType(DataTypes.StringType));
    Dataset<Row> words = rows(schema, new Object[] {new String[] {"hearts", "lights"}});
    DescriptionStemmer stemmer =
        new DescriptionStemmer().setInputCol("words").setOutputCol("stems");
    String path = tempDir().getAbsolutePath() + "/stemmer-" + System.nanoTime();

    stemmer.write().save(path);
    DescriptionStemmer loaded = DescriptionStemmer.load(path);

    assertEquals(List.of("heart", "light"), loaded.transform(words).first().getList(1));
    assertEquals(stemmer.uid(), loaded.uid());
  }
}
