package dev.segmentation.features;

import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;

/**
 * An MLlib stage that reads one column and adds one: the input and output column parameters, the
 * schema check and the copy every such stage of this project needs, as MLlib's own stages have them
 * from its {@code HasInputCol} and {@code HasOutputCol} traits. Saved and loaded with the pipeline
 * like any stage; a subclass needs a constructor taking the uid, for the reader.
 *
 * @param <T> the stage itself, so the setters chain
 */
public abstract class OneColumnStage<T extends OneColumnStage<T>> extends Transformer
    implements DefaultParamsWritable {

  private final String uid;
  private final Param<String> inputCol;
  private final Param<String> outputCol;

  protected OneColumnStage(String uid, String input, String output) {
    this.uid = uid;
    this.inputCol = new Param<>(this, "inputCol", input);
    this.outputCol = new Param<>(this, "outputCol", output);
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public T setInputCol(String column) {
    set(inputCol, column);
    return self();
  }

  public T setOutputCol(String column) {
    set(outputCol, column);
    return self();
  }

  /** The type of the column this stage adds. */
  protected abstract DataType outputType();

  @SuppressWarnings("unchecked")
  private T self() {
    return (T) this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    if (!schema.getFieldIndex($(inputCol)).isDefined()) {
      throw new IllegalArgumentException("input column " + $(inputCol) + " does not exist");
    }
    return schema.add($(outputCol), outputType(), true);
  }

  @Override
  public T copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  @Override
  public String uid() {
    return uid;
  }
}
