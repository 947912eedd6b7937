package dev.segmentation.features;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class ProductFeaturesTest extends SparkTestBase {

  @Test
  void aProductTakesItsMostUsedDescriptionAndMeanPositivePrice() {
    StructType schema =
        new StructType()
            .add("stock_code", DataTypes.StringType)
            .add("description", DataTypes.StringType)
            .add("unit_price", DataTypes.DoubleType);
    Dataset<Row> lines =
        rows(
            schema,
            new Object[] {"A", "RED HEART", 2.0},
            new Object[] {"A", "RED HEART", 4.0},
            new Object[] {"A", "HEART, RED", 0.0},
            new Object[] {"B", null, 1.5});

    List<String> products =
        new ProductTable()
            .apply(lines).orderBy("stock_code").collectAsList().stream()
                .map(
                    r ->
                        r.getAs("stock_code")
                            + "|"
                            + r.getAs("description")
                            + "|"
                            + r.getAs("mean_unit_price"))
                .collect(Collectors.toList());

    assertEquals(List.of("A|RED HEART|3.0", "B||1.5"), products);
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
