package dev.segmentation.publish;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;

/**
 * The {@code models/} folder of a training run: four MLlib PipelineModels, each loadable with
 * {@code PipelineModel.load} (from Java or Scala, with this jar on the classpath for the
 * description stemmer), and {@code model.json} describing them.
 */
public final class ModelDirectory {

  public static final String FOLDER = "models";
  public static final String PRODUCT_CATEGORIES = "product_categories";
  public static final String SEGMENTATION = "segmentation";
  public static final String CLASSIFIER = "classifier";
  public static final String CLASSIFIER_FIRST_INVOICE = "classifier_first_invoice";
  public static final String DESCRIPTION = "model.json";
  /** Bumped when the folder's layout or the models' inputs change incompatibly. */
  public static final int FORMAT_VERSION = 1;

  private final Path root;

  public ModelDirectory(String root) {
    this.root = new Path(root);
  }

  public String pathOf(String model) {
    return new Path(root, model).toString();
  }

  public void save(PipelineModel productCategories, PipelineModel segmentation,
      PipelineModel classifier, PipelineModel classifierFirstInvoice) {
    save(productCategories, PRODUCT_CATEGORIES);
    save(segmentation, SEGMENTATION);
    save(classifier, CLASSIFIER);
    save(classifierFirstInvoice, CLASSIFIER_FIRST_INVOICE);
  }

  private void save(PipelineModel model, String name) {
    try {
      model.write().overwrite().save(pathOf(name));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save model " + pathOf(name), e);
    }
  }
}
