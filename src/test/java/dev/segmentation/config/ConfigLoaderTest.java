package dev.segmentation.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.segmentation.ContractViolation;
import dev.segmentation.config.JobConfig.InputFormat;
import dev.segmentation.features.ProductMix;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path dir;

  @Test
  void defaultsComeFromThePackagedApplicationConf() {
    JobConfig config = TestConfigs.defaults();

    assertEquals(List.of("src/data/online-retail"), config.input().uris());
    assertEquals(InputFormat.CSV, config.input().format());
    assertEquals(new JobConfig.Csv(true, ',', '"', '"'), config.input().csv());
    assertEquals(
        List.of("yyyy-MM-dd HH:mm:ss", "M/d/yyyy H:mm", "M/d/yyyy H:mm:ss"),
        config.input().timestampPatterns());
    assertEquals("target/runs", config.output().root());
    assertTrue(config.cleaning().matchCancellations());
    assertEquals(14, config.cleaning().nonProductCodes().size());
    assertEquals("UTC", config.sparkConf().get("spark.sql.session.timeZone"));
    assertEquals("20261127-081500", config.runId(), "an empty run id becomes the UTC time");
  }

  @Test
  void setBeatsEnvironmentWhichBeatsOverlayWhichBeatsDefaults() throws IOException {
    File overlay =
        overlay(
            "segmentation.output.root = \"from-overlay\"",
            "segmentation.run-id = overlay-run",
            "segmentation.input.format = parquet",
            "spark.sql.shuffle.partitions = 3");
    Map<String, String> env =
        Map.of(
            "CONFIG_FORCE_segmentation_output_root", "from-env",
            "CONFIG_FORCE_segmentation_run__id", "env-run",
            "UNRELATED", "x");
    Map<String, String> set = Map.of("segmentation.run-id", "set-run");

    JobConfig config = TestConfigs.load(overlay, set, env);

    assertEquals("set-run", config.runId());
    assertEquals("from-env", config.output().root());
    assertEquals(InputFormat.PARQUET, config.input().format());
    assertEquals("3", config.sparkConf().get("spark.sql.shuffle.partitions"));
    assertEquals(List.of("src/data/online-retail"), config.input().uris());
  }

  @Test
  void theShippedOverlaysLoad() {
    JobConfig local = TestConfigs.load(new File("conf/local.conf"), Map.of(), Map.of());
    JobConfig emr = TestConfigs.load(new File("conf/emr.conf"), Map.of(), Map.of());
    JobConfig dataproc = TestConfigs.load(new File("conf/dataproc.conf"), Map.of(), Map.of());

    assertEquals("local[*]", local.sparkConf().get("spark.master"));
    assertTrue(emr.output().root().startsWith("s3://"));
    assertTrue(dataproc.output().root().startsWith("gs://"));
  }

  @Test
  void anySparkKeyCanBeSetIncludingHadoopOptionsAndQuotedKeys() throws IOException {
    File overlay = overlay("spark { speculation = true, \"speculation.multiplier\" = 2 }");
    JobConfig config =
        TestConfigs.load(
            overlay, Map.of("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000"), Map.of());

    assertEquals("http://127.0.0.1:9000", config.sparkConf().get("spark.hadoop.fs.s3a.endpoint"));
    assertEquals("true", config.sparkConf().get("spark.speculation"));
    assertEquals("2", config.sparkConf().get("spark.speculation.multiplier"));
  }

  @Test
  void listSettingsTakeCommaSeparatedValuesOnTheCommandLine() {
    JobConfig config =
        TestConfigs.withOverrides(Map.of("segmentation.input.uris", "s3a://bucket/a, hdfs://nn/b"));

    assertEquals(List.of("s3a://bucket/a", "hdfs://nn/b"), config.input().uris());
  }

  @Test
  void anUnknownKeyIsNamed() {
    ContractViolation set =
        assertThrows(
            ContractViolation.class,
            () -> TestConfigs.withOverrides(Map.of("segmentation.input.fromat", "csv")));
    ContractViolation outside =
        assertThrows(
            ContractViolation.class,
            () -> TestConfigs.withOverrides(Map.of("segmentaion.run-id", "x")));

    assertEquals("unknown configuration key segmentation.input.fromat", set.getMessage());
    assertTrue(outside.getMessage().startsWith("unknown configuration key segmentaion.run-id"));
  }

  @Test
  void anUnknownKeyInAnOverlayIsNamed() throws IOException {
    File overlay = overlay("segmentation.cleaning { match-cancelations = false }");

    ContractViolation error =
        assertThrows(ContractViolation.class, () -> TestConfigs.load(overlay, Map.of(), Map.of()));

    assertEquals(
        "unknown configuration key segmentation.cleaning.match-cancelations", error.getMessage());
  }

  @Test
  void wrongTypesAndImpossibleValuesAreNamed() {
    assertEquals(
        "invalid configuration: segmentation.input.format must be one of csv, parquet, got 'xml'",
        violation("segmentation.input.format", "xml"));
    assertTrue(
        violation("segmentation.cleaning.match-cancellations", "maybe")
            .contains("segmentation.cleaning.match-cancellations"));
    assertTrue(
        violation("segmentation.input.csv.header", "12").contains("segmentation.input.csv.header"));
    assertEquals(
        "invalid configuration: segmentation.input.csv.delimiter must be exactly one character, got ';;'",
        violation("segmentation.input.csv.delimiter", ";;"));
    assertTrue(
        violation("segmentation.run-id", "../etc")
            .startsWith("invalid configuration: segmentation.run-id must be"));
    assertTrue(
        violation("segmentation.input.timestamp-patterns", "yyyy-MM-dd bogus{")
            .startsWith(
                "invalid configuration: segmentation.input.timestamp-patterns: bad pattern"));
    assertEquals(
        "invalid configuration: segmentation.input.uris must name at least one path",
        violation("segmentation.input.uris", " , "));
  }

  @Test
  void corruptInputFilesFailTheRunUnlessSetToBeSkipped() {
    assertEquals(JobConfig.CorruptFiles.FAIL, TestConfigs.defaults().input().corruptFiles());
    assertEquals(
        JobConfig.CorruptFiles.SKIP,
        TestConfigs.withOverrides(Map.of("segmentation.input.corrupt-files", "skip"))
            .input()
            .corruptFiles());

    assertEquals(
        "invalid configuration: segmentation.input.corrupt-files must be one of fail, skip, "
            + "got 'ignore'",
        violation("segmentation.input.corrupt-files", "ignore"));
  }

  @Test
  void trainingSettingsAreTypedAndChecked() {
    JobConfig config = TestConfigs.defaults();

    assertEquals(LocalDate.parse("2011-10-01"), config.train().cutoff());
    assertEquals(JobConfig.Grouping.THEMES, config.products().grouping());
    assertEquals(8, config.products().categories());
    assertEquals(new ProductMix(8, 6), config.products().mix());
    assertEquals(
        List.of("under £1", "£1–2", "£2–3", "£3–5", "£5–10", "£10 and over"),
        config.products().priceBandNames());
    List<String> themeShares =
        IntStream.range(0, 8).mapToObj(theme -> "category_" + theme + "_share").toList();
    List<String> segmentFeatures =
        new ArrayList<>(List.of("invoice_count", "basket_min", "basket_max", "basket_mean"));
    segmentFeatures.addAll(themeShares);
    assertEquals(segmentFeatures, config.segments().features());
    List<String> classifierFeatures = new ArrayList<>(List.of("basket_mean"));
    classifierFeatures.addAll(themeShares);
    assertEquals(classifierFeatures, config.classifier().features());
    assertEquals(
        JobConfig.Grouping.NOTEBOOK,
        TestConfigs.withOverrides(Map.of("segmentation.products.grouping", "notebook"))
            .products()
            .grouping());
    assertEquals(
        "invalid configuration: segmentation.products.grouping must be one of themes, notebook, "
            + "got 'topics'",
        violation("segmentation.products.grouping", "topics"));
    assertEquals(
        "invalid configuration: segmentation.products.price-band-bounds must name at least one "
            + "bound",
        violation("segmentation.products.price-band-bounds", ""));
    assertTrue(config.segments().searchesK());
    assertEquals(
        JobConfig.Algorithm.BISECTING_KMEANS,
        TestConfigs.withOverrides(Map.of("segmentation.segments.algorithm", "bisecting-kmeans"))
            .segments()
            .algorithm());

    assertEquals(
        "invalid configuration: segmentation.train.cutoff must be a date such as "
            + "2011-10-01, got '2011-13-01'",
        violation("segmentation.train.cutoff", "2011-13-01"));
    assertTrue(
        violation("segmentation.segments.features", "invoice_count,basket_median")
            .startsWith(
                "invalid configuration: segmentation.segments.features names unknown feature "
                    + "'basket_median'"));
    assertEquals(
        "invalid configuration: segmentation.segments.k must be 0 (search) or at least 2, "
            + "got 1",
        violation("segmentation.segments.k", "1"));
    assertEquals(
        "invalid configuration: segmentation.train.holdout-fraction must be between 0 and "
            + "1 (exclusive), got 1.5",
        violation("segmentation.train.holdout-fraction", "1.5"));
    assertEquals(
        "invalid configuration: segmentation.train.rows-per-partition must be at least 1, "
            + "got 0",
        violation("segmentation.train.rows-per-partition", "0"));
    assertTrue(
        violation("segmentation.segments.algorithm", "dbscan")
            .contains(
                "segmentation.segments.algorithm must be one of kmeans, bisecting-kmeans, got 'dbscan'"));
    // Offered once, removed because MLlib's fit can hang: an old configuration stops at start-up.
    assertTrue(
        violation("segmentation.segments.algorithm", "gaussian-mixture")
            .contains(
                "segmentation.segments.algorithm must be one of kmeans, bisecting-kmeans, got 'gaussian-mixture'"));
    assertTrue(
        violation("segmentation.products.price-band-bounds", "1,5,2")
            .contains("segmentation.products.price-band-bounds must increase strictly"));
  }

  @Test
  void anticipationAndScoreSettingsAreTypedAndChecked() {
    JobConfig config = TestConfigs.defaults();

    assertEquals(Period.ofMonths(6), config.anticipation().horizon());
    assertEquals(JobConfig.Predictor.AUTO, config.anticipation().predictor());
    assertTrue(config.anticipation().backtest());
    assertEquals(0.2, config.anticipation().backtestHoldoutFraction());
    assertEquals("", config.score().model());
    assertFalse(config.score().knownCustomers());
    assertEquals(
        Period.ofYears(1),
        TestConfigs.withOverrides(Map.of("segmentation.anticipation.horizon", "1 year"))
            .anticipation()
            .horizon());
    assertEquals(
        JobConfig.Predictor.SEGMENT_MEDIAN,
        TestConfigs.withOverrides(Map.of("segmentation.anticipation.predictor", "segment-median"))
            .anticipation()
            .predictor());

    assertEquals(
        "invalid configuration: segmentation.anticipation.horizon must be positive, got P0D",
        violation("segmentation.anticipation.horizon", "0 days"));
    assertTrue(
        violation("segmentation.anticipation.horizon", "soon")
            .startsWith("invalid configuration: "),
        violation("segmentation.anticipation.horizon", "soon"));
    assertTrue(
        violation("segmentation.anticipation.horizon", "soon")
            .contains("segmentation.anticipation.horizon"));
    assertTrue(
        violation("segmentation.anticipation.predictor", "oracle")
            .contains(
                "segmentation.anticipation.predictor must be one of auto, segment-median, regressor"));
    assertEquals(
        "invalid configuration: segmentation.anticipation.backtest.holdout-fraction must be "
            + "between 0 and 1 (exclusive), got 0.0",
        violation("segmentation.anticipation.backtest.holdout-fraction", "0"));
  }

  @Test
  void lifetimeValueSettingsAreTypedAndChecked() {
    JobConfig.Clv clv = TestConfigs.defaults().clv();

    assertEquals(new JobConfig.Clv(Period.ofMonths(12), 200_000, true, Optional.empty()), clv);
    assertEquals(
        Optional.of(LocalDate.parse("2011-07-01")),
        TestConfigs.withOverrides(Map.of("segmentation.clv.backtest.split", "2011-07-01"))
            .clv()
            .backtestSplit());
    assertEquals(
        "invalid configuration: segmentation.clv.backtest.split must be a date such as 2011-10-01, "
            + "got 'mid-year'",
        violation("segmentation.clv.backtest.split", "mid-year"));
    assertEquals(
        "invalid configuration: segmentation.clv.horizon must be positive, got P0D",
        violation("segmentation.clv.horizon", "0 days"));
    assertEquals(
        "invalid configuration: segmentation.clv.spend-sample must be at least 100, got 5",
        violation("segmentation.clv.spend-sample", "5"));
  }

  @Test
  void materialiseSettingsAreTypedAndChecked() {
    assertEquals(
        new JobConfig.Materialise(JobConfig.MaterialiseMode.AUTO, ""),
        TestConfigs.defaults().materialise());
    assertEquals(
        new JobConfig.Materialise(JobConfig.MaterialiseMode.RELIABLE, "hdfs:///tmp/c"),
        TestConfigs.withOverrides(
                Map.of(
                    "segmentation.materialise.mode",
                    "reliable",
                    "segmentation.materialise.checkpoint-dir",
                    "hdfs:///tmp/c"))
            .materialise());

    assertEquals(
        "invalid configuration: segmentation.materialise.checkpoint-dir must be set when "
            + "segmentation.materialise.mode is reliable",
        violation("segmentation.materialise.mode", "reliable"));
    assertTrue(
        violation("segmentation.materialise.mode", "cache")
            .contains(
                "segmentation.materialise.mode must be one of auto, local, persist, reliable, got 'cache'"));
  }

  @Test
  void publishSettingsAreTypedAndChecked() throws IOException {
    JobConfig.Publish defaults = TestConfigs.defaults().publish();
    assertEquals(JobConfig.TableFormat.ICEBERG, defaults.format());
    assertEquals(
        new JobConfig.Catalog(
            "segmentation", "segmentation", "hadoop", Map.of("cache-enabled", "false")),
        defaults.catalog());
    assertEquals(new JobConfig.Retention(Duration.ofDays(30), 5), defaults.retention());

    JobConfig.Publish jdbc =
        TestConfigs.load(
                overlay(
                    "segmentation.publish {",
                    "  root = \"s3a://bucket/warehouse\"",
                    "  catalog { name = prod, type = jdbc, properties { uri = \"jdbc:postgresql://db/iceberg\", jdbc.user = etl } }",
                    "  retention { max-snapshot-age = 7d, min-snapshots = 2 }",
                    "}"),
                Map.of(),
                Map.of())
            .publish();
    assertEquals(
        Map.of("cache-enabled", "false", "uri", "jdbc:postgresql://db/iceberg", "jdbc.user", "etl"),
        jdbc.catalog().properties());
    assertEquals(new JobConfig.Retention(Duration.ofDays(7), 2), jdbc.retention());
    assertEquals(
        "",
        TestConfigs.withOverrides(
                Map.of(
                    "segmentation.publish.catalog.type",
                    "",
                    "segmentation.publish.catalog.properties.catalog-impl",
                    "com.example.Catalog"))
            .publish()
            .catalog()
            .type());

    assertEquals(
        "invalid configuration: segmentation.publish.catalog.type hadoop commits by an atomic rename, "
            + "which s3a:// does not have: use a jdbc, glue, rest or bigquery catalog for s3a://b/w",
        violation("segmentation.publish.root", "s3a://b/w"));
    assertEquals(
        "invalid configuration: segmentation.publish.catalog.properties.warehouse is set by "
            + "segmentation.publish.root",
        violation("segmentation.publish.catalog.properties.warehouse", "/w"));
    assertEquals(
        "invalid configuration: segmentation.publish.catalog.type give either a type or "
            + "properties.catalog-impl, not both and not neither",
        violation("segmentation.publish.catalog.type", ""));
    assertTrue(
        violation("segmentation.publish.catalog.name", "my-catalog")
            .contains("must be a plain identifier"));
    assertTrue(
        violation("segmentation.publish.format", "delta")
            .contains("segmentation.publish.format must be one of iceberg, parquet, got 'delta'"));
    assertEquals(
        "invalid configuration: segmentation.publish.retention.min-snapshots must be at least 1, got 0",
        violation("segmentation.publish.retention.min-snapshots", "0"));
    // Parquet has no catalog: an object store is its user's choice, with the documented limits.
    assertEquals(
        JobConfig.TableFormat.PARQUET,
        TestConfigs.withOverrides(
                Map.of(
                    "segmentation.publish.format",
                    "parquet",
                    "segmentation.publish.root",
                    "s3a://b/w"))
            .publish()
            .format());
  }

  @Test
  void messagesAreOneLine() {
    String message = violation("segmentation.cleaning.match-cancellations", "maybe");
    assertFalse(message.contains("\n"), message);
  }

  @Test
  void aMissingOverlayFileIsNamed() {
    ContractViolation error =
        assertThrows(
            ContractViolation.class,
            () -> TestConfigs.load(new File("conf/nope.conf"), Map.of(), Map.of()));

    assertEquals("configuration file not found: conf/nope.conf", error.getMessage());
  }

  @Test
  void secretsAreRedacted() {
    Map<String, String> redacted =
        Secrets.redact(
            Map.of(
                "spark.hadoop.fs.s3a.secret.key", "planted-secret",
                "spark.hadoop.fs.s3a.access.key", "AKIA-planted",
                "spark.hadoop.fs.s3a.session.token", "tok",
                "spark.sql.shuffle.partitions", "8"));

    assertEquals(Secrets.REDACTED, redacted.get("spark.hadoop.fs.s3a.secret.key"));
    assertEquals(Secrets.REDACTED, redacted.get("spark.hadoop.fs.s3a.access.key"));
    assertEquals(Secrets.REDACTED, redacted.get("spark.hadoop.fs.s3a.session.token"));
    assertEquals("8", redacted.get("spark.sql.shuffle.partitions"));
  }

  @Test
  void environmentNamesFollowTypesafeConvention() {
    assertEquals("segmentation.run-id", ConfigLoader.envNameToPath("segmentation_run__id"));
    assertEquals("spark.a_b.c", ConfigLoader.envNameToPath("spark_a___b_c"));
  }

  private static String violation(String key, String value) {
    return assertThrows(
            ContractViolation.class, () -> TestConfigs.withOverrides(Map.of(key, value)))
        .getMessage();
  }

  private File overlay(String... lines) throws IOException {
    Path file = dir.resolve("overlay.conf");
    Files.write(file, List.of(lines));
    return file.toFile();
  }
}
