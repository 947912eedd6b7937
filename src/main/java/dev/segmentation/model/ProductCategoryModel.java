package dev.segmentation.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;

import dev.segmentation.config.JobConfig;
import dev.segmentation.features.DescriptionStemmer;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.ProductTable;
import dev.segmentation.ingest.InvoiceColumns;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Product categories from description text and price, as an MLlib pipeline: words (letters only,
 * three or more) → without stop words, colours and sizes → Snowball stems → a binary bag of stems
 * used by enough products → plus a one-hot price band → KMeans.
 *
 * <p>Input: {@link ProductTable} rows. The fitted pipeline adds {@link #CATEGORY} (int) and
 * categorises any product, seen in training or not, from its description and price.
 */
public final class ProductCategoryModel {

  public static final String CATEGORY = FeatureColumns.CATEGORY;
  public static final String PRICE_BAND = "price_band";
  public static final String STEMS = "stems";
  public static final String FEATURES = "product_features";

  private static final String WORDS = "words";
  private static final String CONTENT_WORDS = "content_words";
  private static final String WORD_VECTOR = "word_vector";
  private static final String PRICE_BAND_VECTOR = "price_band_vector";

  private final JobConfig.Products settings;
  private final long seed;
  private final StablePartitions layout;

  /**
   * @param train the seed and the rows' layout, which make the fit repeatable
   */
  public ProductCategoryModel(JobConfig.Products settings, JobConfig.Train train) {
    this.settings = settings;
    this.seed = train.seed();
    this.layout = new StablePartitions(train.rowsPerPartition());
  }

  public PipelineModel fit(Dataset<Row> products) {
    Dataset<Row> stable = layout.layOut(products, InvoiceColumns.STOCK_CODE, products.count());
    return new Pipeline().setStages(stages()).fit(stable);
  }

  private PipelineStage[] stages() {
    RegexTokenizer tokenizer =
        new RegexTokenizer()
            .setInputCol(InvoiceColumns.DESCRIPTION)
            .setOutputCol(WORDS)
            .setToLowercase(true)
            .setPattern("[^a-z]+")
            .setMinTokenLength(3);
    Set<String> stopWords =
        new LinkedHashSet<>(Arrays.asList(StopWordsRemover.loadDefaultStopWords("english")));
    stopWords.addAll(settings.ignoredWords());
    StopWordsRemover remover =
        new StopWordsRemover()
            .setInputCol(WORDS)
            .setOutputCol(CONTENT_WORDS)
            .setStopWords(stopWords.toArray(String[]::new));
    DescriptionStemmer stemmer =
        new DescriptionStemmer().setInputCol(CONTENT_WORDS).setOutputCol(STEMS);
    CountVectorizer vectorizer =
        new CountVectorizer()
            .setInputCol(STEMS)
            .setOutputCol(WORD_VECTOR)
            .setMinDF(settings.minProductsPerWord())
            .setBinary(true);
    Bucketizer priceBands =
        new Bucketizer()
            .setInputCol(ProductTable.MEAN_UNIT_PRICE)
            .setOutputCol(PRICE_BAND)
            .setSplits(priceSplits())
            .setHandleInvalid("keep");
    OneHotEncoder priceBandVector =
        new OneHotEncoder()
            .setInputCols(new String[] {PRICE_BAND})
            .setOutputCols(new String[] {PRICE_BAND_VECTOR})
            .setDropLast(false)
            .setHandleInvalid("keep");
    VectorAssembler assembler =
        new VectorAssembler()
            .setInputCols(new String[] {WORD_VECTOR, PRICE_BAND_VECTOR})
            .setOutputCol(FEATURES);
    KMeans kmeans =
        new KMeans()
            .setK(settings.categories())
            .setSeed(seed)
            .setMaxIter(20)
            .setFeaturesCol(FEATURES)
            .setPredictionCol(CATEGORY);
    return new PipelineStage[] {
      tokenizer, remover, stemmer, vectorizer, priceBands, priceBandVector, assembler, kmeans
    };
  }

  private double[] priceSplits() {
    List<Double> bounds = settings.priceBandBounds();
    double[] splits = new double[bounds.size() + 2];
    splits[0] = Double.NEGATIVE_INFINITY;
    for (int i = 0; i < bounds.size(); i++) {
      splits[i + 1] = bounds.get(i);
    }
    splits[splits.length - 1] = Double.POSITIVE_INFINITY;
    return splits;
  }

  /** The stems a fitted pipeline knows (its vocabulary). */
  public static List<String> vocabulary(PipelineModel model) {
    for (var stage : model.stages()) {
      if (stage instanceof CountVectorizerModel vectorizer) {
        return Arrays.asList(vectorizer.vocabulary());
      }
    }
    throw new IllegalArgumentException("not a product category pipeline: no CountVectorizerModel");
  }

  /**
   * The most used known stems of each category: {@code category}, {@code top_words} (array, most
   * used first). A small table, one row per category.
   */
  public static Dataset<Row> topWords(Dataset<Row> categorised, List<String> vocabulary, int top) {
    Dataset<Row> uses =
        categorised
            .select(col(CATEGORY), explode(col(STEMS)).as("word"))
            .filter(col("word").isin(vocabulary.toArray()))
            .groupBy(col(CATEGORY), col("word"))
            .agg(count(lit(1)).as("products"));
    return uses.withColumn(
            "_rank",
            row_number()
                .over(
                    Window.partitionBy(col(CATEGORY)).orderBy(col("products").desc(), col("word"))))
        .filter(col("_rank").leq(top))
        .groupBy(col(CATEGORY))
        .agg(collect_list(struct(col("_rank"), col("word"))).as("_ranked"))
        .selectExpr(CATEGORY, "transform(array_sort(_ranked), x -> x.word) AS top_words");
  }
}
