package dev.segmentation.features;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.tartarus.snowball.ext.EnglishStemmer;
import scala.collection.Seq;

/**
 * An MLlib stage that reduces words to their Snowball (Porter 2) English stem, so "hearts" and
 * "heart", "decoration" and "decorative" count as one word. MLlib has no stemmer; the stemming
 * itself is Lucene's Snowball implementation. Saved and loaded with the pipeline like any stage.
 */
public final class DescriptionStemmer extends OneColumnStage<DescriptionStemmer> {

  private static final ThreadLocal<EnglishStemmer> STEMMER =
      ThreadLocal.withInitial(EnglishStemmer::new);

  public DescriptionStemmer() {
    this(Identifiable$.MODULE$.randomUID("descriptionStemmer"));
  }

  public DescriptionStemmer(String uid) {
    super(uid, "array<string> column of words", "array<string> column of stems");
    setDefault(inputCol(), "words");
    setDefault(outputCol(), "stems");
  }

  /** The stem of one lower-case word. */
  public static String stem(String word) {
    EnglishStemmer stemmer = STEMMER.get();
    stemmer.setCurrent(word);
    stemmer.stem();
    return stemmer.getCurrent();
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    transformSchema(dataset.schema());
    UserDefinedFunction stems =
        udf((UDF1<Seq<String>, List<String>>) DescriptionStemmer::stems, outputType());
    return dataset.withColumn($(outputCol()), stems.apply(col($(inputCol()))));
  }

  private static List<String> stems(Seq<String> words) {
    if (words == null) {
      return null;
    }
    List<String> result = new ArrayList<>(words.size());
    words.foreach(word -> result.add(stem(word)));
    return result;
  }

  @Override
  protected DataType outputType() {
    return DataTypes.createArrayType(DataTypes.StringType);
  }

  public static MLReader<DescriptionStemmer> read() {
    return new DefaultParamsReader<>();
  }

  public static DescriptionStemmer load(String path) {
    return read().load(path);
  }
}
