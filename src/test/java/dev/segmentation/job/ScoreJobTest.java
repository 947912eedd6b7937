package dev.segmentation.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segmentation.SparkTestBase;
import dev.segmentation.TestFiles;
import dev.segmentation.cli.SegmentCli;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.features.ProductMix;
import dev.segmentation.model.BgNbd;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code score} with the model trained on the bundled data, and every way its input can be bad. */
class ScoreJobTest extends SparkTestBase {

  /** The bundled data's last quarter: customers first seen after the training cutoff are new. */
  private static final String LAST_QUARTER = "src/data/online-retail/2011-1[0-2]-*.csv.gz";

  /** The default configuration's eight themes and six price bands. */
  private static final ProductMix MIX = new ProductMix(8, 6);

  @TempDir Path dir;

  @Test
  void scoresEveryNewCustomerOfABatchFromTheFirstInvoice() {
    RunMetrics metrics = ScoreJob.run(spark(), config(LAST_QUARTER, Map.of())).metrics();
    MetricsKeys.assertDocumented(dir.resolve("out/score/metrics.json"), "score");

    Dataset<Row> predictions = predictions();
    long scored = predictions.count();
    assertEquals(metrics.getLong("customers.new"), scored);
    Assertions.assertTrue(scored >= 300, "new customers " + scored);
    Assertions.assertTrue(
        metrics.getLong("customers.known") > 1_000, "known " + metrics.get("customers"));
    assertEquals(scored, predictions.select("customer_id").distinct().count());
    Dataset<Row> known =
        spark().read().parquet(BundledModel.models(spark()).resolve("known_customers").toString());
    assertEquals(0, predictions.join(known, "customer_id").count());
    assertEquals(0, predictions.filter("known_customer").count());

    long k = known.select("segment").distinct().count();
    assertEquals(
        0,
        predictions.filter("segment < 0 OR segment >= " + k + " OR segment_label IS NULL").count());
    assertEquals(
        0,
        predictions
            .filter(
                "segment_probability < segment_2_probability "
                    + "OR segment_2_probability < segment_3_probability OR segment_2 = segment "
                    + "OR segment_probability + segment_2_probability + segment_3_probability > 1.000001")
            .count());
    assertEquals(
        0,
        predictions
            .filter(
                "expected_invoices IS NULL OR expected_invoices < 0 "
                    + "OR expected_spend IS NULL OR expected_spend < 0")
            .count());
    assertEquals(
        0, predictions.filter("first_invoice_ts < timestamp'2011-10-01 00:00:00'").count());
    Assertions.assertTrue(predictions.filter("expected_spend > 0").count() > 0);
    assertEquals("P6M", predictions.select("horizon").first().getString(0));
    assertEquals(
        List.of(
            "customer_id",
            "first_invoice_no",
            "first_invoice_ts",
            "segment",
            "segment_label",
            "segment_probability",
            "segment_2",
            "segment_2_probability",
            "segment_3",
            "segment_3_probability",
            "expected_invoices",
            "expected_spend",
            "horizon",
            "p_alive",
            "expected_purchases",
            "clv_expected_spend",
            "clv_horizon",
            "value_band",
            "known_customer",
            "country",
            "basket_mean",
            "line_count",
            "quantity",
            "first_month",
            "category_0_share",
            "category_1_share",
            "category_2_share",
            "category_3_share",
            "category_4_share",
            "category_5_share",
            "category_6_share",
            "category_7_share",
            "price_band_0_share",
            "price_band_1_share",
            "price_band_2_share",
            "price_band_3_share",
            "price_band_4_share",
            "price_band_5_share",
            "run_id",
            "model_version"),
        List.of(predictions.columns()));
  }

  @Test
  void everyScoredCustomerGetsTheLifetimeValueOfTheSavedModels() throws IOException {
    ScoreJob.run(spark(), config(LAST_QUARTER, Map.of()));

    Dataset<Row> predictions = predictions();
    assertEquals(
        0,
        predictions
            .filter(
                "p_alive IS NULL OR p_alive < 0 OR p_alive > 1 OR expected_purchases IS NULL "
                    + "OR expected_purchases < 0 OR clv_expected_spend IS NULL OR clv_expected_spend < 0 "
                    + "OR clv_horizon != 'P12M' OR value_band NOT IN ('high', 'medium', 'low')")
            .count());
    // A customer with one purchase day in the batch (x = 0, so P(alive) = 1): expected purchases
    // are BG/NBD's with the saved parameters, from the age T in days at the batch's end.
    JsonNode clv =
        new ObjectMapper()
            .readTree(BundledModel.models(spark()).resolve("model.json").toFile())
            .get("clv");
    BgNbd.Parameters parameters =
        new BgNbd.Parameters(
            clv.at("/bgnbd/r").asDouble(),
            clv.at("/bgnbd/alpha").asDouble(),
            clv.at("/bgnbd/a").asDouble(),
            clv.at("/bgnbd/b").asDouble());
    List<Row> once =
        predictions
            .filter("p_alive = 1.0")
            .selectExpr(
                "datediff(date'2011-12-10', to_date(first_invoice_ts))", "expected_purchases")
            .collectAsList();
    Assertions.assertTrue(once.size() > 100, "one-day customers " + once.size());
    for (Row row : once) {
      // 12 months from 2011-12-10, through 29 February 2012: 366 days.
      assertEquals(
          parameters.expectedPurchases(366, 0, 0, row.getInt(0)),
          row.getDouble(1),
          1e-9,
          row.toString());
    }
  }

  @Test
  void aCustomerGetsTheSameFirstPurchaseFeaturesInScoreAsInTrain() {
    ScoreJob.run(
        spark(),
        config("src/data/online-retail", Map.of("segmentation.score.known-customers", "true")));

    Dataset<Row> trained =
        spark().read().parquet(BundledModel.run(spark()).resolve("first_purchases").toString());
    Dataset<Row> scored = predictions();
    Assertions.assertTrue(trained.count() > 3_000);
    Dataset<Row> both = trained.alias("t").join(scored.alias("s"), "customer_id");
    assertEquals(trained.count(), both.count());
    for (String exact :
        List.of(
            "first_invoice_no",
            "first_invoice_ts",
            "country",
            "line_count",
            "quantity",
            "first_month")) {
      assertEquals(
          0,
          both.filter(
                  functions.not(
                      functions.col("t." + exact).eqNullSafe(functions.col("s." + exact))))
              .count(),
          exact);
    }
    // Sums of the same amounts, added in whatever order the shuffle delivers them.
    List<String> sums = new ArrayList<>(List.of("basket_mean"));
    sums.addAll(MIX.shares());
    for (String close : sums) {
      assertEquals(
          0,
          both.filter(
                  functions
                      .abs(functions.col("t." + close).minus(functions.col("s." + close)))
                      .gt(1e-9))
              .count(),
          close);
    }
  }

  @Test
  void productsNeverSeenInTrainingStillScoreAndAreCounted() {
    TestFiles.csv(
        dir,
        "batch/new.csv",
        "900001,NEW-1,ZEBRA STRIPED UMBRELLA STAND,2,2012-01-05 10:00:00,12.50,99001,France",
        "900001,85123A,WHITE HANGING HEART T-LIGHT HOLDER,6,2012-01-05 10:00:00,2.55,99001,France",
        "900002,NEW-2,GLOW IN THE DARK YOYO,10,2012-01-06 11:00:00,0.85,99002,Germany");

    RunMetrics metrics =
        ScoreJob.run(spark(), config(dir.resolve("batch").toString(), Map.of())).metrics();

    assertEquals(3, metrics.getLong("products.batch"));
    assertEquals(2, metrics.getLong("products.unseen"));
    assertEquals(2, metrics.getLong("lines.unseen_products"));
    // Every line has a category and a price band, so the shares of each first basket add up to
    // 100% twice.
    assertEquals(
        List.of("99001 900001 100 100", "99002 900002 100 100"),
        predictions().orderBy("customer_id").collectAsList().stream()
            .map(
                r ->
                    r.getAs("customer_id")
                        + " "
                        + r.getAs("first_invoice_no")
                        + " "
                        + Math.round(sum(r, MIX.categoryShares()))
                        + " "
                        + Math.round(sum(r, MIX.priceBandShares())))
            .toList());
  }

  private static double sum(Row row, List<String> columns) {
    return columns.stream().mapToDouble(c -> row.<Double>getAs(c)).sum();
  }

  @Test
  void aMissingModelDirectoryExitsWithTwoNamingIt() {
    String missing = dir.resolve("no-model").toString();

    assertEquals(2, cli("--model", missing));
    assertEquals("error: model directory not found: " + missing, err.toString().strip());
  }

  @Test
  void anIncompleteModelDirectoryExitsWithTwoNamingWhatIsMissing() throws IOException {
    Path copy = copyOfModels();
    deleteRecursively(copy.resolve("classifier_first_invoice"));
    deleteRecursively(copy.resolve("segment_expectations"));

    assertEquals(2, cli("--model", copy.toString()));
    assertEquals(
        "error: model directory "
            + copy
            + " is incomplete: missing classifier_first_invoice, "
            + "segment_expectations",
        err.toString().strip());
  }

  @Test
  void aModelDirectoryOfAnotherFormatVersionExitsWithTwo() throws IOException {
    Path copy = copyOfModels();
    Path description = copy.resolve("model.json");
    Files.writeString(
        description,
        Files.readString(description)
            .replaceFirst("\"format_version\" : \\d+", "\"format_version\" : 1"));
    Files.deleteIfExists(copy.resolve(".model.json.crc"));

    assertEquals(2, cli("--model", copy.toString()));
    Assertions.assertTrue(
        err.toString()
            .strip()
            .startsWith(
                "error: model directory "
                    + copy
                    + " has format version 1; this build reads version 4"),
        err.toString());
  }

  @Test
  void aModelDescriptionWithoutLifetimeValueParametersExitsWithTwoNamingThem() throws IOException {
    Path copy = copyOfModels();
    Path description = copy.resolve("model.json");
    Files.writeString(
        description,
        Files.readString(description).replaceFirst("\"gamma\" : [0-9.eE-]+", "\"gamma\" : \"x\""));
    Files.deleteIfExists(copy.resolve(".model.json.crc"));

    assertEquals(2, cli("--model", copy.toString()));
    assertEquals(
        "error: model directory " + copy + ": model.json has no number at clv.gamma_gamma.gamma",
        err.toString().strip());
  }

  @Test
  void anEmptyBatchExitsWithTwoAndWritesNothing() {
    TestFiles.csv(dir, "empty/header-only.csv");

    assertEquals(
        2,
        cliWithInput(
            dir.resolve("empty").toString(), "--model", BundledModel.models(spark()).toString()));
    Assertions.assertTrue(
        err.toString().startsWith("error: no data lines in input"), err.toString());
    Assertions.assertFalse(Files.exists(dir.resolve("out/score/predictions")));
  }

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int cli(String... args) {
    return cliWithInput(LAST_QUARTER, args);
  }

  private int cliWithInput(String input, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "score",
                "--output",
                dir.resolve("out").toString(),
                "--run-id",
                "score",
                "--input",
                input));
    all.addAll(List.of(args));
    return SegmentCli.execute(
        new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
  }

  private JobConfig config(String input, Map<String, String> more) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put("segmentation.input.uris", input);
    overrides.put("segmentation.score.model", BundledModel.models(spark()).toString());
    return BundledModel.config(dir.resolve("out"), "score", overrides);
  }

  private Dataset<Row> predictions() {
    return spark().read().parquet(dir.resolve("out/score/predictions").toString());
  }

  private Path copyOfModels() {
    return TestFiles.copyTree(BundledModel.models(spark()), dir.resolve("models-copy"));
  }

  private static void deleteRecursively(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}
