package dev.segmentation.model;

import static dev.segmentation.ingest.InvoiceColumns.STOCK_CODE;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.ProductTable;
import java.util.Objects;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * A fitted {@link ProductCategoryModel} put to use on invoice lines. A product seen in training
 * keeps the category and price band it got there; a product never seen gets those its description
 * words and price point give under the same model, and is marked unseen.
 */
public final class ProductCategories {

  /** Boolean on a categorised product: not among the products the model was trained on. */
  public static final String UNSEEN = "unseen_product";

  private final PipelineModel pipeline;
  private final Dataset<Row> known;

  /**
   * @param knownProducts the training products: {@code stock_code}, {@code category} and {@code
   *     price_band}
   */
  public ProductCategories(PipelineModel pipeline, Dataset<Row> knownProducts) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
    this.known = Objects.requireNonNull(knownProducts, "knownProducts").select(categorised());
  }

  /** {@code stock_code}, {@code category} and {@code price_band} as an int. */
  private static Column[] categorised() {
    return new Column[] {
      col(STOCK_CODE),
      col(FeatureColumns.CATEGORY),
      col(FeatureColumns.PRICE_BAND).cast(DataTypes.IntegerType).as(FeatureColumns.PRICE_BAND)
    };
  }

  public PipelineModel pipeline() {
    return pipeline;
  }

  /** The training products: {@code stock_code}, {@code category} and {@code price_band}. */
  public Dataset<Row> known() {
    return known;
  }

  /**
   * One row per product of a {@link ProductTable}: {@code stock_code}, {@code category}, {@code
   * price_band} and {@link #UNSEEN}. Only the unseen products (a small table) go through the text
   * pipeline.
   */
  public Dataset<Row> categorise(Dataset<Row> products) {
    Dataset<Row> seen =
        products
            .join(broadcast(known), STOCK_CODE)
            .select(
                col(STOCK_CODE),
                col(FeatureColumns.CATEGORY),
                col(FeatureColumns.PRICE_BAND),
                lit(false).as(UNSEEN));
    Dataset<Row> unseen =
        pipeline
            .transform(
                products.join(
                    broadcast(known),
                    products.col(STOCK_CODE).equalTo(known.col(STOCK_CODE)),
                    "left_anti"))
            .select(categorised())
            .withColumn(UNSEEN, lit(true));
    return seen.unionByName(unseen);
  }

  /**
   * Lines plus the {@code category} and {@code price_band} of their product, from {@link
   * #categorise} rows.
   */
  public static Dataset<Row> withCategories(Dataset<Row> lines, Dataset<Row> categorisedProducts) {
    // One row per product: small next to the lines, so it travels to every executor.
    return lines.join(
        broadcast(
            categorisedProducts.select(
                col(STOCK_CODE), col(FeatureColumns.CATEGORY), col(FeatureColumns.PRICE_BAND))),
        STOCK_CODE);
  }
}
