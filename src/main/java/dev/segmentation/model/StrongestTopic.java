package dev.segmentation.model;

import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;

import dev.segmentation.features.OneColumnStage;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * An MLlib stage that turns an LDA topic distribution into one topic: the index of its largest
 * weight, the lowest index on a tie (so a product without any known word, whose distribution is all
 * zeros, gets topic 0). MLlib's LDA gives only the distribution; this makes it a category like a
 * clustering's prediction. Saved and loaded with the pipeline like any stage.
 */
public final class StrongestTopic extends OneColumnStage<StrongestTopic> {

  public StrongestTopic() {
    this(Identifiable$.MODULE$.randomUID("strongestTopic"));
  }

  public StrongestTopic(String uid) {
    super(uid, "vector column of topic weights", "int column: the topic of largest weight");
    setDefault(inputCol(), "topicDistribution");
    setDefault(outputCol(), "topic");
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Column weights = functions.vector_to_array(col($(inputCol())), "float64");
    Column strongest = array_position(weights, array_max(weights)).minus(1).cast(outputType());
    return dataset.withColumn($(outputCol()), strongest);
  }

  @Override
  protected DataType outputType() {
    return DataTypes.IntegerType;
  }

  public static MLReader<StrongestTopic> read() {
    return new DefaultParamsReader<>();
  }

  public static StrongestTopic load(String path) {
    return read().load(path);
  }
}
