package dev.segmentation.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segmentation.SparkTestBase;
import dev.segmentation.cli.SegmentCli;
import dev.segmentation.publish.PublishedTables;
import dev.segmentation.publish.Warehouse;
import dev.segmentation.publish.WarehouseTable;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.iceberg.Schema;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code train} and {@code score} publish Iceberg tables that keep their documented contract, and a
 * run that misses the quality gate exits with 3, keeps its run folder and commits nothing, on local
 * disk, HDFS and S3.
 */
class GateAndPublishTest extends SparkTestBase {

  /** Three months of the bundled data: enough customers, a quick training. */
  private static final String INPUT =
      "src/data/online-retail/2010-12-*.csv.gz,src/data/online-retail/2011-0[12]-*.csv.gz";

  @TempDir Path dir;

  private Warehouse warehouse;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @Test
  void publishedTablesKeepTheirContract() throws Exception {
    assertEquals(
        0,
        run(
            "train",
            "--run-id",
            "train",
            "--set",
            "segmentation.gate.min-temporal-accuracy=0",
            "--set",
            "segmentation.gate.min-customers=0"),
        err.toString());
    Assertions.assertTrue(
        out.toString()
            .contains(
                "published         "
                    + warehouse.table(PublishedTables.SEGMENTS)
                    + ", snapshot 2011-03-31, "),
        out.toString());
    assertEquals(
        0,
        run(
            "score",
            "--run-id",
            "score",
            "--model",
            dir.resolve("runs/train/models").toString(),
            "--input",
            "src/data/online-retail/2011-03-0*.csv.gz"),
        err.toString());

    String readme = Files.readString(Path.of("src/site/markdown/warehouse-tables.md"));
    for (String table : List.of(PublishedTables.SEGMENTS, PublishedTables.PREDICTIONS)) {
      List<PublishedTables.ColumnContract> contract = PublishedTables.columns(table);
      // Read back through the catalog, as a warehouse would.
      Dataset<Row> published = spark().table(warehouse.table(table));
      assertEquals(
          fields(PublishedTables.schema(contract)),
          fields(published.schema()),
          table + " drifted from its contract");
      Schema iceberg = Spark3Util.loadIcebergTable(spark(), warehouse.table(table)).schema();
      Assertions.assertTrue(published.count() > 0, table);
      for (PublishedTables.ColumnContract column : contract) {
        assertEquals(
            !column.nullable(),
            iceberg.findField(column.name()).isRequired(),
            table + "." + column.name());
        Assertions.assertTrue(
            readme.contains(
                "| `"
                    + column.name()
                    + "` | "
                    + column.type().simpleString()
                    + " | "
                    + (column.nullable() ? "yes" : "no")
                    + " |"),
            "warehouse-tables.md documents " + table + "." + column.name());
      }
      Row snapshot =
          spark()
              .sql(
                  "SELECT summary['run_id'], summary['snapshot_date'], summary['model_version'] FROM "
                      + warehouse.table(table)
                      + ".snapshots")
              .first();
      assertEquals(
          table.equals(PublishedTables.SEGMENTS) ? "train" : "score", snapshot.getString(0));
      assertEquals("2011-03-31", snapshot.getString(1));
      assertEquals(
          published.select("model_version").distinct().first().getString(0), snapshot.getString(2));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "hdfs", "s3a"})
  void aRunThatMissesTheGateExitsWithThreeAndCommitsNothing(String store) {
    warehouse = Warehouse.on(store, dir, spark().sparkContext().hadoopConfiguration());
    String table = warehouse.table(PublishedTables.SEGMENTS);
    WarehouseTable.of(spark(), warehouse.publish("2011-03-31", Map.of()), PublishedTables.SEGMENTS)
        .publish(
            PublishedTables.select(
                spark()
                    .sql(
                        "SELECT 'c1' customer_id, 0 segment, 'label' segment_label, "
                            + "1.0 invoice_count, 2.0 basket_mean, 3.0 monetary, 4.0 recency_days, 'm0' model_version, "
                            + "'before' run_id, 0.5 p_alive, 1.0 expected_purchases, 9.0 expected_spend, 'P12M' clv_horizon, 'low' value_band"),
                PublishedTables.SEGMENTS_COLUMNS),
            LocalDate.parse("2011-03-31"),
            Map.of(WarehouseTable.RUN_ID, "before", WarehouseTable.MODEL_VERSION, "m0"));
    List<Row> before =
        spark().sql("SELECT snapshot_id FROM " + table + ".snapshots").collectAsList();

    assertEquals(
        3, run("train", "--run-id", "gated", "--set", "segmentation.gate.min-silhouette=0.99"));

    Assertions.assertTrue(
        err.toString().contains("quality gate failed: min-silhouette: silhouette "),
        err.toString());
    Assertions.assertTrue(Files.isDirectory(dir.resolve("runs/gated/models/segmentation")));
    Assertions.assertTrue(Files.isRegularFile(dir.resolve("runs/gated/metrics.json")));
    assertEquals(
        before, spark().sql("SELECT snapshot_id FROM " + table + ".snapshots").collectAsList());
    assertEquals(
        List.of("before"),
        spark().sql("SELECT DISTINCT run_id FROM " + table).collectAsList().stream()
            .map(r -> r.getString(0))
            .toList());
  }

  @Test
  void segmentIdsPersistAcrossRetrainingOnOverlappingWindows() throws IOException {
    assertEquals(
        0,
        run(
            "train",
            "--run-id",
            "first",
            "--set",
            "segmentation.gate.min-temporal-accuracy=0",
            "--set",
            "segmentation.gate.min-customers=0"),
        err.toString());
    // A month later, on a window shifted by a month: two of its three months overlap.
    List<String> secondRun =
        new ArrayList<>(
            List.of(
                "train",
                "--output",
                dir.resolve("runs").toString(),
                "--snapshot-date",
                "2011-04-30",
                "--run-id",
                "second",
                "--input",
                "src/data/online-retail/2011-0[123]-*.csv.gz",
                "--set",
                "segmentation.train.cutoff=2011-03-01",
                "--set",
                "segmentation.segments.k=4",
                "--set",
                "segmentation.anticipation.backtest.enabled=false",
                "--set",
                "segmentation.gate.min-temporal-accuracy=0",
                "--set",
                "segmentation.gate.min-customers=0",
                "--set",
                "segmentation.gate.min-silhouette=0",
                "--set",
                "segmentation.gate.max-segment-share=1"));
    secondRun.addAll(warehouseSettings());
    assertEquals(
        0,
        SegmentCli.execute(
            new PrintWriter(out, true),
            new PrintWriter(err, true),
            secondRun.toArray(String[]::new)),
        err.toString());

    JsonNode first =
        new ObjectMapper()
            .readTree(dir.resolve("runs/first/metrics.json").toFile())
            .get("segmentation");
    JsonNode second =
        new ObjectMapper()
            .readTree(dir.resolve("runs/second/metrics.json").toFile())
            .get("segmentation");
    assertEquals(
        dir.resolve("runs/first/models").toString(), second.get("ids_matched_to").asText());
    assertEquals("none", first.get("ids_matched_to").asText());
    Set<Integer> previousIds = new TreeSet<>();
    first.get("ids").forEach(id -> previousIds.add(id.asInt()));
    assertEquals(Set.of(0, 1, 2, 3), previousIds);
    double maxDistance = 3.0;
    Set<Integer> newIds = new TreeSet<>();
    int kept = 0;
    for (var entry = second.get("ids").fields(); entry.hasNext(); ) {
      var index = entry.next();
      int id = index.getValue().asInt();
      Assertions.assertTrue(newIds.add(id), "id " + id + " given twice: " + second.get("ids"));
      double distance =
          second.get("id_match_distances").path(index.getKey()).asDouble(Double.POSITIVE_INFINITY);
      if (previousIds.contains(id)) {
        kept++;
        Assertions.assertTrue(
            distance <= maxDistance, "kept id " + id + " at distance " + distance);
      } else {
        Assertions.assertTrue(
            id > 3 && distance > maxDistance, "new id " + id + " at distance " + distance);
      }
    }
    Assertions.assertTrue(
        kept >= 2, "segments that kept their id: " + kept + " of " + second.get("ids"));
    long customers = 0;
    for (var from = second.get("migration").fields(); from.hasNext(); ) {
      for (var cell = from.next().getValue().fields(); cell.hasNext(); ) {
        customers += cell.next().getValue().asLong();
      }
    }
    assertEquals(second.get("migration_customers").asLong(), customers);
    Assertions.assertTrue(customers > 300, "customers in both runs " + customers);
  }

  @Test
  void idsStartAfreshWithAWarningWhenThePreviousModelsAreGone() throws IOException {
    String[] permissive = {
      "--set",
      "segmentation.gate.min-temporal-accuracy=0",
      "--set",
      "segmentation.gate.min-customers=0"
    };
    assertEquals(
        0, run("train", concat(new String[] {"--run-id", "first"}, permissive)), err.toString());
    try (var paths = Files.walk(dir.resolve("runs/first/models"))) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }

    assertEquals(
        0, run("train", concat(new String[] {"--run-id", "again"}, permissive)), err.toString());

    JsonNode segmentation =
        new ObjectMapper()
            .readTree(dir.resolve("runs/again/metrics.json").toFile())
            .get("segmentation");
    assertEquals("none", segmentation.get("ids_matched_to").asText());
    assertEquals(
        dir.resolve("runs/first/models").toString(),
        segmentation.get("ids_previous_missing").asText());
  }

  /** The warehouse as a user gives it: --set for each publish setting. */
  private List<String> warehouseSettings() {
    if (warehouse == null) {
      warehouse = Warehouse.on("file", dir, spark().sparkContext().hadoopConfiguration());
    }
    List<String> settings = new ArrayList<>();
    warehouse
        .settings()
        .forEach((key, value) -> settings.addAll(List.of("--set", key + "=" + value)));
    return settings;
  }

  private static String[] concat(String[] first, String[] second) {
    String[] all = Arrays.copyOf(first, first.length + second.length);
    System.arraycopy(second, 0, all, first.length, second.length);
    return all;
  }

  /** Name, type and nullability of each column, in order (field metadata aside). */
  private static List<String> fields(StructType schema) {
    return Arrays.stream(schema.fields())
        .map(
            f ->
                f.name()
                    + " "
                    + f.dataType().simpleString()
                    + (f.nullable() ? " null" : " not null"))
        .toList();
  }

  private int run(String subcommand, String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                subcommand,
                "--output",
                dir.resolve("runs").toString(),
                "--snapshot-date",
                "2011-03-31"));
    all.addAll(warehouseSettings());
    if (subcommand.equals("train")) {
      all.addAll(
          List.of(
              "--input",
              INPUT,
              "--set",
              "segmentation.train.cutoff=2011-02-01",
              "--set",
              "segmentation.segments.k=4",
              "--set",
              "segmentation.anticipation.backtest.enabled=false",
              // Three months and four segments are about publishing, not quality: the gate's
              // silhouette floor is for the full data (a test's own --set comes later and wins).
              "--set",
              "segmentation.gate.min-silhouette=0"));
    }
    all.addAll(List.of(args));
    return SegmentCli.execute(
        new PrintWriter(out, true), new PrintWriter(err, true), all.toArray(String[]::new));
  }
}
