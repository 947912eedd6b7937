package dev.segmentation.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StrongestTopicTest extends SparkTestBase {

  @Test
  void eachRowGetsTheIndexOfItsLargestWeightTheLowestOnATie(@TempDir Path folder) throws Exception {
    StructType schema =
        new StructType().add("id", DataTypes.IntegerType).add("weights", SQLDataTypes.VectorType());
    Dataset<Row> weights =
        rows(
            schema,
            new Object[] {1, Vectors.dense(0.1, 0.7, 0.2)},
            new Object[] {2, Vectors.dense(0.5, 0.1, 0.4)},
            new Object[] {3, Vectors.dense(0.2, 0.4, 0.4)},
            new Object[] {4, Vectors.dense(0.0, 0.0, 0.0)});
    StrongestTopic stage = new StrongestTopic().setInputCol("weights").setOutputCol("topic");
    String path = folder.resolve("stage").toString();
    stage.write().save(path);

    for (StrongestTopic used : List.of(stage, StrongestTopic.load(path))) {
      List<Integer> topics =
          used.transform(weights)
              .orderBy("id")
              .select("topic")
              .as(org.apache.spark.sql.Encoders.INT())
              .collectAsList();
      assertEquals(List.of(1, 0, 1, 0), topics);
    }
  }
}
