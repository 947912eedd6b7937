package dev.segmentation.job;

import static dev.segmentation.ingest.InvoiceColumns.INVOICE_TS;
import static org.apache.spark.sql.functions.array_max;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import dev.segmentation.anticipation.FollowUp;
import dev.segmentation.clean.LineCounts;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.features.BasketTable;
import dev.segmentation.features.DescriptionUses;
import dev.segmentation.features.FirstPurchases;
import dev.segmentation.features.ProductMix;
import dev.segmentation.features.ProductTable;
import dev.segmentation.model.CategoryWords;
import dev.segmentation.model.ProductCategories;
import dev.segmentation.model.ProductCategoryModel;
import java.util.List;
import java.util.Locale;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.evaluation.ClusteringEvaluator;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What {@code train} and {@code backtest} fit on: the training window, the product categories
 * fitted on the window's products, every positive basket categorised by them, and each customer's
 * first purchase with its follow-up. The line-level tables are released once the baskets are built;
 * only the (small) quarantine is kept, for the run's outputs.
 *
 * @param lines where every line read went
 * @param quarantine the malformed lines, materialised on their own
 * @param trainBaskets positive baskets before the cutoff
 * @param testBaskets positive baskets from the cutoff on
 * @param firstPurchases {@link FirstPurchases} with {@link FollowUp} over all the data
 */
record TrainingData(
    LineCounts lines,
    Dataset<Row> quarantine,
    TrainingWindow window,
    ProductCategories categories,
    Dataset<Row> products,
    CategoryWords.Described categoryWords,
    Dataset<Row> trainBaskets,
    Dataset<Row> testBaskets,
    Dataset<Row> firstPurchases) {

  private static final String IN_TRAINING_WINDOW = "in_training_window";

  static TrainingData prepare(
      SparkSession spark, JobConfig config, RunMetrics metrics, Checkpoints checkpoints) {
    PreparedLines lines =
        InvoicePreparation.prepare(
            spark, config, metrics, checkpoints, InvoicePreparation.SetAsideLines.COUNTED);
    TrainingWindow window = TrainingWindow.of(lines.kept(), config.train().cutoff());
    recordWindow(metrics, window);
    ProductStep products =
        metrics.time(
            "product_categories",
            () -> fitProductCategories(lines.kept(), window, config, metrics, checkpoints),
            fitted -> RunMetrics.count(checkpoints.rows(fitted.products()), "products"));

    ProductMix mix = config.products().mix();
    Dataset<Row> baskets =
        metrics.time(
            "baskets",
            () -> {
              Dataset<Row> lineProducts =
                  checkpoints.materialise(products.categories().categorise(products.all()));
              metrics.put(
                  "products.unseen_after_cutoff",
                  lineProducts.filter(col(ProductCategories.UNSEEN)).count());
              Dataset<Row> built =
                  checkpoints.materialise(
                      new BasketTable(mix)
                          .apply(ProductCategories.withCategories(lines.kept(), lineProducts)));
              checkpoints.release(lineProducts);
              return built;
            },
            built -> RunMetrics.count(checkpoints.rows(built), "baskets"));
    Dataset<Row> quarantine = lines.quarantine();
    lines.release(checkpoints);
    recordBasketCounts(baskets, window, metrics);
    Dataset<Row> allBaskets = baskets.filter(BasketTable.positive());
    Dataset<Row> trainBaskets = allBaskets.filter(beforeCutoff(window));
    Dataset<Row> testBaskets = allBaskets.filter(not(beforeCutoff(window)));

    Dataset<Row> firstPurchases =
        metrics.time(
            "first_purchases",
            () ->
                checkpoints.materialise(
                    new FollowUp(config.anticipation().horizon(), window.end())
                        .apply(
                            allBaskets, new FirstPurchases(mix, window.end()).apply(allBaskets))),
            firsts -> RunMetrics.count(checkpoints.rows(firsts), "customers"));
    return new TrainingData(
        lines.counts(),
        quarantine,
        window,
        products.categories(),
        products.products(),
        products.words(),
        trainBaskets,
        testBaskets,
        firstPurchases);
  }

  private static Column beforeCutoff(TrainingWindow window) {
    return col(INVOICE_TS).lt(lit(window.cutoffTime()));
  }

  /**
   * Baskets of each window, and those left out for a non-positive amount, under {@code
   * baskets.train.*} and {@code baskets.test.*}: one aggregation of four rows at most.
   */
  private static void recordBasketCounts(
      Dataset<Row> baskets, TrainingWindow window, RunMetrics metrics) {
    long[][] counts = new long[2][2]; // [train?][positive?]
    for (Row row :
        baskets.groupBy(beforeCutoff(window), BasketTable.positive()).count().collectAsList()) {
      boolean positive = !row.isNullAt(1) && row.getBoolean(1);
      counts[row.getBoolean(0) ? 1 : 0][positive ? 1 : 0] += row.getLong(2);
    }
    for (int train = 0; train < 2; train++) {
      String path = train == 1 ? "baskets.train" : "baskets.test";
      metrics.put(path + ".all", counts[train][0] + counts[train][1]);
      metrics.put(path + ".excluded_non_positive", counts[train][0]);
    }
  }

  /**
   * @param products the training window's products, categorised
   * @param all every window's products, not yet categorised
   */
  private record ProductStep(
      ProductCategories categories,
      Dataset<Row> products,
      CategoryWords.Described words,
      Dataset<Row> all) {}

  private static ProductStep fitProductCategories(
      Dataset<Row> lines,
      TrainingWindow window,
      JobConfig config,
      RunMetrics metrics,
      Checkpoints checkpoints) {
    // One pass over the lines counts each product's descriptions and prices in both windows: the
    // categories are fitted on the training window's products, and every product is categorised.
    Dataset<Row> uses =
        checkpoints.materialise(
            new DescriptionUses(beforeCutoff(window).as(IN_TRAINING_WINDOW)).apply(lines));
    Dataset<Row> products =
        checkpoints.materialise(new ProductTable().apply(uses.filter(col(IN_TRAINING_WINDOW))));
    PipelineModel model = new ProductCategoryModel(config.products(), config.train()).fit(products);
    Dataset<Row> categorised = checkpoints.materialise(model.transform(products));
    List<String> vocabulary = ProductCategoryModel.vocabulary(model);
    metrics.put("products.train", checkpoints.rows(categorised));
    metrics.put("products.vocabulary", vocabulary.size());
    // How well the categories part the products' words: cosine, as fits bags of words, over the
    // products with a known word (a bag without one has no direction).
    Column hasKnownWord =
        array_max(functions.vector_to_array(col(ProductCategoryModel.WORD_VECTOR), "float64"))
            .gt(0);
    metrics.put(
        "products.silhouette",
        RunMetrics.rounded(
            new ClusteringEvaluator()
                .setFeaturesCol(ProductCategoryModel.WORD_VECTOR)
                .setPredictionCol(ProductCategoryModel.CATEGORY)
                .setDistanceMeasure("cosine")
                .evaluate(categorised.filter(hasKnownWord))));
    CategoryWords.Described words =
        new CategoryWords(config.products()).describe(categorised, vocabulary);
    metrics.put("products.grouping", config.products().grouping().name().toLowerCase(Locale.ROOT));
    metrics.put("products.category_sizes", words.sizes());
    metrics.put("products.category_names", words.names());
    metrics.put("products.category_top_words", words.topWords());
    metrics.put("products.price_band_names", config.products().priceBandNames());
    return new ProductStep(
        new ProductCategories(model, categorised),
        categorised,
        words,
        new ProductTable().apply(uses));
  }

  private static void recordWindow(RunMetrics metrics, TrainingWindow window) {
    metrics.put("window.start", window.start().toString());
    metrics.put("window.cutoff", window.cutoff().toString());
    metrics.put("window.end", window.end().toString());
    metrics.put("window.invoice_count_scale", RunMetrics.rounded(window.invoiceCountScale()));
  }
}
