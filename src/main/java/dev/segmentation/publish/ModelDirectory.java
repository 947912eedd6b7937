package dev.segmentation.publish;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segmentation.ConcurrentJobs;
import dev.segmentation.ContractViolation;
import dev.segmentation.anticipation.Anticipator;
import dev.segmentation.config.JobConfig.Predictor;
import dev.segmentation.features.ProductMix;
import dev.segmentation.model.BgNbd;
import dev.segmentation.model.GammaGamma;
import dev.segmentation.model.LifetimeValue;
import dev.segmentation.model.ProductCategories;
import dev.segmentation.model.ValueBands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Period;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code models/} folder of a training run, on any Hadoop file system: MLlib PipelineModels
 * (each loadable with {@code PipelineModel.load} from Java, Scala or PySpark, with this jar on the
 * classpath for the description stemmer), three small Parquet tables, and {@code model.json}
 * describing them. {@code score} needs nothing else.
 *
 * <pre>
 * product_categories/        PipelineModel  description and price to a product category
 * segmentation/              PipelineModel  customer features to a segment
 * classifier/                PipelineModel  mean basket and spend shares to a segment
 * classifier_first_invoice/  PipelineModel  the first invoice alone to a segment
 * followup_regressor/        PipelineModel  first invoice to follow-up (only when chosen)
 * products/                  Parquet        stock_code, category, price_band of every training product
 * segment_expectations/      Parquet        per segment: follow-up after the first purchase
 * known_customers/           Parquet        customer_id, segment of every segmented customer
 * model.json                                format version, window, features, choices, metrics,
 *                                           lifetime-value parameters
 * </pre>
 */
public final class ModelDirectory {

  public static final String FOLDER = "models";
  public static final String PRODUCT_CATEGORIES = "product_categories";
  public static final String SEGMENTATION = "segmentation";
  public static final String CLASSIFIER = "classifier";
  public static final String CLASSIFIER_FIRST_INVOICE = "classifier_first_invoice";
  public static final String FOLLOWUP_REGRESSOR = "followup_regressor";
  public static final String PRODUCTS = "products";
  public static final String SEGMENT_EXPECTATIONS = "segment_expectations";
  public static final String KNOWN_CUSTOMERS = "known_customers";
  public static final String DESCRIPTION = "model.json";

  /** Bumped when the folder's layout or the models' inputs change incompatibly. */
  public static final int FORMAT_VERSION = 4;

  /** What {@code train} saves. */
  public record Contents(
      ProductCategories productCategories,
      PipelineModel segmentation,
      PipelineModel classifier,
      PipelineModel classifierFirstInvoice,
      Dataset<Row> expectations,
      Optional<PipelineModel> followUpRegressor,
      Dataset<Row> knownCustomers) {}

  /** What {@code score} loads: enough to anticipate a new customer from the first invoice. */
  public record Loaded(
      String location,
      String modelVersion,
      ProductMix mix,
      Map<String, String> labels,
      Period horizon,
      ProductCategories productCategories,
      Dataset<Row> knownCustomers,
      Anticipator anticipator,
      LifetimeValue.Model lifetimeValue) {}

  private final Path root;

  public ModelDirectory(String root) {
    this.root = new Path(root);
  }

  public String pathOf(String entry) {
    return new Path(root, entry).toString();
  }

  /**
   * Every entry at once: MLlib saves a pipeline stage by stage, each stage a small Spark job or
   * two, so one after another the saves would leave the executors idle most of the time.
   */
  public void save(Contents contents) {
    List<Callable<Void>> saves =
        new ArrayList<>(
            List.of(
                () -> save(contents.productCategories().pipeline(), PRODUCT_CATEGORIES),
                () -> save(contents.segmentation(), SEGMENTATION),
                () -> save(contents.classifier(), CLASSIFIER),
                () -> save(contents.classifierFirstInvoice(), CLASSIFIER_FIRST_INVOICE),
                () -> saveTable(contents.productCategories().known(), PRODUCTS),
                () -> saveTable(contents.expectations(), SEGMENT_EXPECTATIONS),
                () -> saveTable(contents.knownCustomers(), KNOWN_CUSTOMERS)));
    contents
        .followUpRegressor()
        .ifPresent(model -> saves.add(() -> save(model, FOLLOWUP_REGRESSOR)));
    ConcurrentJobs.run(saves.size(), saves);
  }

  private Void save(PipelineModel model, String name) {
    try {
      model.write().overwrite().save(pathOf(name));
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot save model " + pathOf(name), e);
    }
  }

  private Void saveTable(Dataset<Row> table, String name) {
    table.write().mode(SaveMode.Overwrite).parquet(pathOf(name));
    return null;
  }

  /**
   * Loads a model folder, checking first that it is one: a missing folder, a missing entry or a
   * folder written by an incompatible version is a {@link ContractViolation} naming the problem.
   */
  public Loaded load(SparkSession spark) {
    JsonNode description = description(spark);
    int version = description.path("format_version").asInt(-1);
    if (version != FORMAT_VERSION) {
      throw new ContractViolation(
          "model directory "
              + root
              + " has format version "
              + version
              + "; this build reads version "
              + FORMAT_VERSION
              + ": train again with this build");
    }
    Anticipator.Choice choice =
        new Anticipator.Choice(predictor(description, "invoices"), predictor(description, "spend"));
    List<String> required =
        new ArrayList<>(
            List.of(
                PRODUCT_CATEGORIES,
                CLASSIFIER_FIRST_INVOICE,
                PRODUCTS,
                SEGMENT_EXPECTATIONS,
                KNOWN_CUSTOMERS));
    if (choice.needsRegressor()) {
      required.add(FOLLOWUP_REGRESSOR);
    }
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<String> missing = required.stream().filter(entry -> !exists(hadoop, entry)).toList();
    if (!missing.isEmpty()) {
      throw new ContractViolation(
          "model directory " + root + " is incomplete: missing " + String.join(", ", missing));
    }
    ProductCategories categories =
        new ProductCategories(
            PipelineModel.load(pathOf(PRODUCT_CATEGORIES)), spark.read().parquet(pathOf(PRODUCTS)));
    Optional<PipelineModel> regressor =
        choice.needsRegressor()
            ? Optional.of(PipelineModel.load(pathOf(FOLLOWUP_REGRESSOR)))
            : Optional.empty();
    Anticipator anticipator =
        new Anticipator(
            PipelineModel.load(pathOf(CLASSIFIER_FIRST_INVOICE)),
            spark.read().parquet(pathOf(SEGMENT_EXPECTATIONS)),
            regressor,
            choice);
    return new Loaded(
        root.toString(),
        description.path("model_version").asText(),
        new ProductMix(
            description.path("product_categories").asInt(),
            description.path("price_bands").asInt()),
        labels(description),
        period(description, "anticipation"),
        categories,
        spark.read().parquet(pathOf(KNOWN_CUSTOMERS)),
        anticipator,
        lifetimeValue(description));
  }

  private LifetimeValue.Model lifetimeValue(JsonNode description) {
    JsonNode clv = description.path("clv");
    try {
      return new LifetimeValue.Model(
          new BgNbd.Parameters(
              number(clv, "/bgnbd/r"),
              number(clv, "/bgnbd/alpha"),
              number(clv, "/bgnbd/a"),
              number(clv, "/bgnbd/b")),
          new GammaGamma.Parameters(
              number(clv, "/gamma_gamma/p"),
              number(clv, "/gamma_gamma/q"),
              number(clv, "/gamma_gamma/gamma")),
          new ValueBands(number(clv, "/value_bands/medium"), number(clv, "/value_bands/high")),
          period(description, "clv"));
    } catch (IllegalArgumentException e) {
      throw new ContractViolation(
          "model directory "
              + root
              + ": "
              + DESCRIPTION
              + " has invalid lifetime-value parameters (clv): "
              + e.getMessage());
    }
  }

  private double number(JsonNode node, String pointer) {
    JsonNode value = node.at(pointer);
    if (!value.isNumber()) {
      throw new ContractViolation(
          "model directory "
              + root
              + ": "
              + DESCRIPTION
              + " has no number at clv"
              + pointer.replace('/', '.'));
    }
    return value.asDouble();
  }

  /** Whether the folder holds a {@code model.json}. */
  public boolean exists(SparkSession spark) {
    Path path = new Path(root, DESCRIPTION);
    try {
      return path.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach " + root, e);
    }
  }

  /** {@code model.json}, checked to exist and parse. */
  public JsonNode description(SparkSession spark) {
    return readDescription(spark.sparkContext().hadoopConfiguration());
  }

  private JsonNode readDescription(Configuration hadoop) {
    Path path = new Path(root, DESCRIPTION);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      if (!fs.exists(root)) {
        throw new ContractViolation("model directory not found: " + root);
      }
      if (!fs.exists(path)) {
        throw new ContractViolation(
            "model directory " + root + " is incomplete: missing " + DESCRIPTION);
      }
      try (InputStream in = fs.open(path)) {
        return new ObjectMapper().readTree(in);
      }
    } catch (JsonProcessingException e) {
      throw new ContractViolation(
          "model directory " + root + ": " + DESCRIPTION + " is not valid JSON");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  /** An entry counts as present when its folder exists and is not empty. */
  private boolean exists(Configuration hadoop, String entry) {
    Path path = new Path(root, entry);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      return fs.exists(path) && fs.listStatus(path).length > 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path, e);
    }
  }

  private Predictor predictor(JsonNode description, String quantity) {
    String raw = description.path("anticipation").path("predictor").path(quantity).asText("");
    try {
      Predictor predictor = Predictor.valueOf(raw.toUpperCase(Locale.ROOT).replace('-', '_'));
      if (predictor != Predictor.AUTO) {
        return predictor;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    throw new ContractViolation(
        "model directory "
            + root
            + ": "
            + DESCRIPTION
            + " names no predictor for "
            + quantity
            + " (anticipation.predictor."
            + quantity
            + ")");
  }

  /** {@code <section>.horizon}. */
  private Period period(JsonNode description, String section) {
    String raw = description.path(section).path("horizon").asText("");
    try {
      return Period.parse(raw);
    } catch (DateTimeParseException e) {
      throw new ContractViolation(
          "model directory "
              + root
              + ": "
              + DESCRIPTION
              + " has no valid "
              + section
              + ".horizon, got '"
              + raw
              + "'");
    }
  }

  private static Map<String, String> labels(JsonNode description) {
    Map<String, String> labels = new TreeMap<>();
    description
        .path("segments")
        .path("labels")
        .fields()
        .forEachRemaining(entry -> labels.put(entry.getKey(), entry.getValue().asText()));
    return labels;
  }
}
