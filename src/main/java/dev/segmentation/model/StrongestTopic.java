package dev.segmentation.model;

import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.array_position;
import static org.apache.spark.sql.functions.col;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.functions;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * An MLlib stage that turns an LDA topic distribution into one topic: the index of its largest
 * weight, the lowest index on a tie (so a product without any known word, whose distribution is all
 * zeros, gets topic 0). MLlib's LDA gives only the distribution; this makes it a category like a
 * clustering's prediction. Saved and loaded with the pipeline like any stage.
 */
public final class StrongestTopic extends Transformer implements DefaultParamsWritable {

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> outputCol;

  public StrongestTopic() {
    this(Identifiable$.MODULE$.randomUID("strongestTopic"));
  }

  public StrongestTopic(String uid) {
    this.uid = uid;
    this.inputCol = new Param<>(this, "inputCol", "vector column of topic weights");
    this.outputCol = new Param<>(this, "outputCol", "int column: the topic of largest weight");
    setDefault(inputCol, "topicDistribution");
    setDefault(outputCol, "topic");
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public StrongestTopic setInputCol(String column) {
    set(inputCol, column);
    return this;
  }

  public StrongestTopic setOutputCol(String column) {
    set(outputCol, column);
    return this;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    Column weights = functions.vector_to_array(col($(inputCol)), "float64");
    Column strongest = array_position(weights, array_max(weights)).minus(1).cast("int");
    return dataset.withColumn($(outputCol), strongest);
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (!schema.getFieldIndex($(inputCol)).isDefined()) {
      throw new IllegalArgumentException("input column " + $(inputCol) + " does not exist");
    }
    return schema.add($(outputCol), DataTypes.IntegerType, true);
  }

  @Override
  public StrongestTopic copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public String uid() {
    return uid;
  }

  public static MLReader<StrongestTopic> read() {
    return new DefaultParamsReader<>();
  }

  public static StrongestTopic load(String path) {
    return read().load(path);
  }
}
