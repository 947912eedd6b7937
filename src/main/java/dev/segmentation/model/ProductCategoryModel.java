package dev.segmentation.model;

import dev.segmentation.config.JobConfig;
import dev.segmentation.config.JobConfig.Grouping;
import dev.segmentation.features.DescriptionStemmer;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.ProductTable;
import dev.segmentation.ingest.InvoiceColumns;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.clustering.KMeans;
import org.apache.spark.ml.clustering.LDA;
import org.apache.spark.ml.feature.Bucketizer;
import org.apache.spark.ml.feature.CountVectorizer;
import org.apache.spark.ml.feature.CountVectorizerModel;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.RegexTokenizer;
import org.apache.spark.ml.feature.StopWordsRemover;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Product categories from description text, as an MLlib pipeline: words (letters only, three or
 * more) → without stop words, colours and sizes → Snowball stems → a binary bag of stems used by
 * enough products, and a price band from the mean unit price. Then, by {@link Grouping}:
 *
 * <ul>
 *   <li>themes: LDA topics of the bags of stems, each product in its strongest topic. Price plays
 *       no part, so a category is a kind of product, whatever it costs.
 *   <li>notebook: KMeans over the bag of stems and the one-hot price band, as the notebook does. On
 *       the bundled data its categories are the price bands again: the one-hot band outweighs the
 *       sparse words.
 * </ul>
 *
 * <p>Input: {@link ProductTable} rows. The fitted pipeline adds {@link #CATEGORY} (int) and {@link
 * #PRICE_BAND} (double, 0 the cheapest) and categorises any product, seen in training or not, from
 * its description and price.
 */
public final class ProductCategoryModel {

  public static final String CATEGORY = FeatureColumns.CATEGORY;
  public static final String PRICE_BAND = FeatureColumns.PRICE_BAND;
  public static final String STEMS = "stems";

  /** A product's binary bag of known stems: what the categories are made from. */
  public static final String WORD_VECTOR = "word_vector";

  /** The description's words as the stems were made from them, in the same order. */
  public static final String CONTENT_WORDS = "content_words";

  private static final String WORDS = "words";
  private static final String TOPIC_WEIGHTS = "topic_weights";

  /**
   * LDA's online optimiser draws 5% of the products per iteration: 50 iterations see each product
   * about two and a half times, after which the themes of the bundled data no longer change.
   */
  private static final int TOPIC_ITERATIONS = 50;

  private static final String NOTEBOOK_FEATURES = "product_features";
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
    List<PipelineStage> stages = new ArrayList<>(textStages());
    stages.add(
        new Bucketizer()
            .setInputCol(ProductTable.MEAN_UNIT_PRICE)
            .setOutputCol(PRICE_BAND)
            .setSplits(priceSplits())
            .setHandleInvalid("keep"));
    stages.addAll(settings.grouping() == Grouping.THEMES ? themeStages() : notebookStages());
    return stages.toArray(PipelineStage[]::new);
  }

  private List<PipelineStage> themeStages() {
    LDA topics =
        new LDA()
            .setK(settings.categories())
            .setSeed(seed)
            .setMaxIter(TOPIC_ITERATIONS)
            .setFeaturesCol(WORD_VECTOR)
            .setTopicDistributionCol(TOPIC_WEIGHTS);
    StrongestTopic strongest =
        new StrongestTopic().setInputCol(TOPIC_WEIGHTS).setOutputCol(CATEGORY);
    return List.of(topics, strongest);
  }

  private List<PipelineStage> notebookStages() {
    OneHotEncoder priceBandVector =
        new OneHotEncoder()
            .setInputCols(new String[] {PRICE_BAND})
            .setOutputCols(new String[] {PRICE_BAND_VECTOR})
            .setDropLast(false)
            .setHandleInvalid("keep");
    VectorAssembler assembler =
        new VectorAssembler()
            .setInputCols(new String[] {WORD_VECTOR, PRICE_BAND_VECTOR})
            .setOutputCol(NOTEBOOK_FEATURES);
    KMeans kmeans =
        new KMeans()
            .setK(settings.categories())
            .setSeed(seed)
            .setMaxIter(20)
            .setFeaturesCol(NOTEBOOK_FEATURES)
            .setPredictionCol(CATEGORY);
    return List.of(priceBandVector, assembler, kmeans);
  }

  private List<PipelineStage> textStages() {
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
    return List.of(tokenizer, remover, stemmer, vectorizer);
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
}
