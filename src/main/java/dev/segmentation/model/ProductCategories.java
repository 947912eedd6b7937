package dev.segmentation.model;

import static dev.segmentation.ingest.InvoiceColumns.STOCK_CODE;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import dev.segmentation.features.ProductTable;
import java.util.Objects;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** A fitted {@link ProductCategoryModel} put to use on products and on invoice lines. */
public final class ProductCategories {

  private final PipelineModel pipeline;

  public ProductCategories(PipelineModel pipeline) {
    this.pipeline = Objects.requireNonNull(pipeline, "pipeline");
  }

  public PipelineModel pipeline() {
    return pipeline;
  }

  /** {@link ProductTable} rows plus {@code category}, {@code price_band} and {@code stems}. */
  public Dataset<Row> categoriseProducts(Dataset<Row> products) {
    return pipeline.transform(products);
  }

  /**
   * Lines plus the {@code category} of their product. Products are described by these lines
   * themselves, so a product never seen in training still gets the category its words and
   * price point to.
   */
  public Dataset<Row> categoriseLines(Dataset<Row> lines) {
    Dataset<Row> categories = categoriseProducts(new ProductTable().apply(lines))
        .select(col(STOCK_CODE), col(ProductCategoryModel.CATEGORY));
    return withCategories(lines, categories);
  }

  /** Lines joined with an already categorised product table (one row per stock code). */
  public static Dataset<Row> withCategories(Dataset<Row> lines, Dataset<Row> categorisedProducts) {
    // One row per product: small next to the lines, so it travels to every executor.
    return lines.join(broadcast(categorisedProducts
        .select(col(STOCK_CODE), col(ProductCategoryModel.CATEGORY))), STOCK_CODE);
  }
}
