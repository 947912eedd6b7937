package dev.segmentation.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import dev.segmentation.config.TestConfigs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Iceberg publishing on local disk and HDFS (Hadoop catalog) and on S3 (JDBC catalog): one commit
 * per publish that replaces only its own date, readers that see one snapshot or the next, runs in
 * other processes that publish at the same time or die before their commit, retention.
 */
class IcebergTableTest extends SparkTestBase {

  private static final String MONDAY = "2026-11-23";
  private static final String TUESDAY = "2026-11-24";

  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(strings = {"file", "hdfs", "s3a"})
  void eachPublishIsOneCommitThatReplacesOnlyItsDate(String store) {
    Warehouse warehouse = warehouse(store);
    publish(warehouse, MONDAY, "r1", 3);
    publish(warehouse, TUESDAY, "r2", 2);
    WarehouseTable.Published rerun = publish(warehouse, MONDAY, "r3", 4);
    publish(warehouse, MONDAY, "r3", 4);

    assertEquals(
        Map.of(MONDAY + " r3", 4L, TUESDAY + " r2", 2L),
        rowsByDateAndRun(warehouse.table(PublishedTables.SEGMENTS)));
    assertEquals(4L, rerun.rows());
    List<Row> snapshots =
        spark()
            .sql(
                "SELECT snapshot_id, summary['run_id'], summary['snapshot_date'], "
                    + "summary['model_version'] FROM "
                    + warehouse.table(PublishedTables.SEGMENTS)
                    + ".snapshots ORDER BY committed_at")
            .collectAsList();
    assertEquals(
        List.of(
            "r1 " + MONDAY + " model-r1",
            "r2 " + TUESDAY + " model-r2",
            "r3 " + MONDAY + " model-r3",
            "r3 " + MONDAY + " model-r3"),
        snapshots.stream().map(r -> r.get(1) + " " + r.get(2) + " " + r.get(3)).toList());
    assertEquals(rerun.snapshotId(), String.valueOf(snapshots.get(2).getLong(0)));

    // Time travel: the snapshot before the rerun, by id and by time.
    String table = warehouse.table(PublishedTables.SEGMENTS);
    assertEquals(
        Map.of(MONDAY + " r1", 3L, TUESDAY + " r2", 2L),
        rowsByDateAndRun(table + " VERSION AS OF " + snapshots.get(1).getLong(0)));
    String committed =
        spark()
            .sql(
                "SELECT CAST(committed_at AS STRING) FROM "
                    + table
                    + ".snapshots WHERE snapshot_id = "
                    + snapshots.get(0).getLong(0))
            .first()
            .getString(0);
    assertEquals(
        Map.of(MONDAY + " r1", 3L),
        rowsByDateAndRun(table + " TIMESTAMP AS OF '" + committed + "'"));

    WarehouseTable.Current current = table(warehouse).current().orElseThrow();
    assertEquals(LocalDate.parse(MONDAY), current.date());
    assertEquals("r3", current.details().get(WarehouseTable.RUN_ID));
    assertEquals(4L, current.rows().count());

    // A run with no rows for a date empties it.
    publish(warehouse, TUESDAY, "r4", 0);
    assertEquals(Map.of(MONDAY + " r3", 4L), rowsByDateAndRun(table));
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "hdfs", "s3a"})
  void aReaderSeesTheOldSnapshotOrTheNewNeverAMix(String store) {
    Warehouse warehouse = warehouse(store);
    String table = warehouse.table(PublishedTables.SEGMENTS);
    publish(warehouse, TUESDAY, "other", 5);
    publish(warehouse, MONDAY, "old", 300);
    Map<String, Long> before = rowsByDateAndRun(table);
    Map<String, Long> after = Map.of(MONDAY + " new", 2000L, TUESDAY + " other", 5L);

    AtomicBoolean published = new AtomicBoolean();
    CompletableFuture<WarehouseTable.Published> writer =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return table(warehouse)
                    .publish(
                        PublishingProcess.segmentRows(spark(), "new", 2000, 40),
                        LocalDate.parse(MONDAY),
                        Map.of(
                            WarehouseTable.RUN_ID,
                            "new",
                            WarehouseTable.MODEL_VERSION,
                            "model-new"));
              } finally {
                published.set(true);
              }
            });
    List<Map<String, Long>> seen = new ArrayList<>();
    while (!published.get()) {
      seen.add(rowsByDateAndRun(table));
    }
    writer.join();
    seen.add(rowsByDateAndRun(table));

    Assertions.assertTrue(seen.size() >= 3, "polls " + seen.size());
    assertEquals(before, seen.get(0));
    assertEquals(after, seen.get(seen.size() - 1));
    boolean switched = false;
    for (Map<String, Long> view : seen) {
      Assertions.assertTrue(view.equals(before) || view.equals(after), "a reader saw " + view);
      Assertions.assertFalse(
          switched && view.equals(before), "a reader went back to the old snapshot");
      switched |= view.equals(after);
    }
  }

  /**
   * Three runs in processes of their own, as scheduled runs and backfills are: one is killed after
   * it wrote its data files and before its commit; then two for different dates, held in their last
   * task until both are ready, commit at the same moment.
   */
  @ParameterizedTest
  @ValueSource(strings = {"file", "hdfs", "s3a"})
  void aKilledRunCommitsNothingAndTwoRunsCommittingAtOnceBothLand(String store) throws Exception {
    Warehouse warehouse = warehouse(store);
    String table = warehouse.table(PublishedTables.SEGMENTS);
    publish(warehouse, "2026-11-22", "kept", 7);
    // Each task writes its own file (no shuffle before the write, as Iceberg's default hash
    // distribution would make): the killed run's other files exist while its task 0 waits.
    spark().sql("ALTER TABLE " + table + " SET TBLPROPERTIES ('write.distribution-mode' = 'none')");
    List<Row> snapshots =
        spark().sql("SELECT snapshot_id FROM " + table + ".snapshots").collectAsList();
    Set<String> filesBefore = dataFiles(warehouse, "2026-11-22");
    Path go = dir.resolve("go");
    Process doomed =
        PublishingProcess.start(
            warehouse,
            "2026-11-22",
            "doomed",
            40,
            dir.resolve("doomed.held"),
            dir.resolve("never"),
            dir);
    Process monday =
        PublishingProcess.start(
            warehouse, MONDAY, "monday", 30, dir.resolve("monday.held"), go, dir);
    Process tuesday =
        PublishingProcess.start(
            warehouse, TUESDAY, "tuesday", 20, dir.resolve("tuesday.held"), go, dir);

    awaitHold("doomed", doomed);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (dataFiles(warehouse, "2026-11-22").size() < filesBefore.size() + 3
        && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(100);
    }
    Set<String> written = new HashSet<>(dataFiles(warehouse, "2026-11-22"));
    written.removeAll(filesBefore);
    Assertions.assertTrue(written.size() >= 3, "the doomed run wrote " + written);
    doomed.destroyForcibly().waitFor();
    assertEquals(
        snapshots, spark().sql("SELECT snapshot_id FROM " + table + ".snapshots").collectAsList());
    assertEquals(Map.of("2026-11-22 kept", 7L), rowsByDateAndRun(table));

    awaitHold("monday", monday);
    awaitHold("tuesday", tuesday);
    Files.createFile(go);
    assertEquals(0, exit(monday), log("monday"));
    assertEquals(0, exit(tuesday), log("tuesday"));

    assertEquals(
        Map.of("2026-11-22 kept", 7L, MONDAY + " monday", 30L, TUESDAY + " tuesday", 20L),
        rowsByDateAndRun(table));
    assertEquals(
        List.of("kept", "monday", "tuesday"),
        spark()
            .sql("SELECT summary['run_id'] FROM " + table + ".snapshots ORDER BY committed_at")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .sorted()
            .toList());
    // The killed run's files are in no snapshot: Iceberg's remove_orphan_files takes them later.
    List<String> referenced =
        spark().sql("SELECT file_path FROM " + table + ".all_data_files").collectAsList().stream()
            .map(r -> r.getString(0))
            .toList();
    for (String file : written) {
      Assertions.assertTrue(referenced.stream().noneMatch(path -> path.endsWith(file)), file);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"file", "hdfs", "s3a"})
  void retentionExpiresOldSnapshotsThroughIceberg(String store) throws IOException {
    Warehouse warehouse = warehouse(store);
    Map<String, String> retention =
        Map.of(
            "segmentation.publish.retention.max-snapshot-age",
            "1ms",
            "segmentation.publish.retention.min-snapshots",
            "2");
    String table = warehouse.table(PublishedTables.SEGMENTS);
    publish(warehouse, MONDAY, "r1", 3);
    Set<String> firstFiles = dataFiles(warehouse, MONDAY);
    for (String runId : List.of("r2", "r3", "r4")) {
      WarehouseTable.of(spark(), warehouse.publish(MONDAY, retention), PublishedTables.SEGMENTS)
          .publish(
              PublishingProcess.segmentRows(spark(), runId, 3, 1),
              LocalDate.parse(MONDAY),
              Map.of(WarehouseTable.RUN_ID, runId, WarehouseTable.MODEL_VERSION, "model-" + runId));
    }

    assertEquals(
        List.of("r3", "r4"),
        spark()
            .sql("SELECT summary['run_id'] FROM " + table + ".snapshots ORDER BY committed_at")
            .collectAsList()
            .stream()
            .map(r -> r.getString(0))
            .toList());
    Set<String> left = dataFiles(warehouse, MONDAY);
    for (String file : firstFiles) {
      Assertions.assertFalse(
          left.contains(file), "the first snapshot's file is still there: " + file);
    }
    assertEquals(Map.of(MONDAY + " r4", 3L), rowsByDateAndRun(table));
  }

  @Test
  void aTableOfAnEarlierContractGainsTheNewColumns() {
    Warehouse warehouse = warehouse("file");
    WarehouseTable table = table(warehouse);
    List<PublishedTables.ColumnContract> earlier =
        PublishedTables.SEGMENTS_COLUMNS.stream()
            .filter(
                c ->
                    !List.of(
                            "p_alive",
                            "expected_purchases",
                            "expected_spend",
                            "clv_horizon",
                            "value_band")
                        .contains(c.name()))
            .toList();
    Schema schema = SparkSchemaUtil.convert(PublishedTables.schema(earlier));
    Spark3Util.loadIcebergCatalog(
            spark(), warehouse.settings().get("segmentation.publish.catalog.name"))
        .buildTable(TableIdentifier.of("segmentation", PublishedTables.SEGMENTS), schema)
        .withPartitionSpec(PartitionSpec.builderFor(schema).identity("snapshot_date").build())
        .create();

    table.publish(
        PublishingProcess.segmentRows(spark(), "r1", 3, 1),
        LocalDate.parse(MONDAY),
        Map.of(WarehouseTable.RUN_ID, "r1", WarehouseTable.MODEL_VERSION, "model-r1"));

    Dataset<Row> published = spark().table(warehouse.table(PublishedTables.SEGMENTS));
    Assertions.assertTrue(
        List.of(published.columns()).containsAll(List.of("p_alive", "clv_horizon")));
    assertEquals(3L, published.where("p_alive = 0.5 AND clv_horizon = 'P12M'").count());
  }

  @Test
  void theCatalogSettingsGoToIcebergWithAnAbsoluteWarehouse() {
    Map<String, String> settings =
        IcebergTable.settings(
            TestConfigs.withOverrides(
                    Map.of(
                        "segmentation.publish.root",
                        "target/wh",
                        "segmentation.publish.catalog.name",
                        "lake",
                        "segmentation.publish.catalog.type",
                        "jdbc",
                        "segmentation.publish.catalog.properties.uri",
                        "jdbc:h2:mem:x"))
                .publish(),
            spark().sparkContext().hadoopConfiguration());

    assertEquals(
        Map.of(
            "spark.sql.catalog.lake",
            "org.apache.iceberg.spark.SparkCatalog",
            "spark.sql.catalog.lake.type",
            "jdbc",
            "spark.sql.catalog.lake.warehouse",
            Path.of("target/wh")
                .toAbsolutePath()
                .toUri()
                .toString()
                .replaceAll("/$", "")
                .replace("file:///", "file:/"),
            "spark.sql.catalog.lake.uri",
            "jdbc:h2:mem:x",
            "spark.sql.catalog.lake.cache-enabled",
            "false"),
        settings);
  }

  private Warehouse warehouse(String store) {
    return Warehouse.on(store, dir, spark().sparkContext().hadoopConfiguration());
  }

  private WarehouseTable table(Warehouse warehouse) {
    return WarehouseTable.of(
        spark(), warehouse.publish(MONDAY, Map.of()), PublishedTables.SEGMENTS);
  }

  private WarehouseTable.Published publish(
      Warehouse warehouse, String date, String runId, int rows) {
    return table(warehouse)
        .publish(
            PublishingProcess.segmentRows(spark(), runId, rows, 2),
            LocalDate.parse(date),
            Map.of(WarehouseTable.RUN_ID, runId, WarehouseTable.MODEL_VERSION, "model-" + runId));
  }

  /** "date run" to rows, of a table or a time-travel expression. */
  private Map<String, Long> rowsByDateAndRun(String table) {
    Dataset<Row> counts =
        spark()
            .sql(
                "SELECT CAST(snapshot_date AS STRING), run_id, count(*) FROM "
                    + table
                    + " GROUP BY 1, 2");
    Map<String, Long> byDateAndRun = new TreeMap<>();
    counts
        .collectAsList()
        .forEach(r -> byDateAndRun.put(r.getString(0) + " " + r.getString(1), r.getLong(2)));
    return byDateAndRun;
  }

  /** Names of the data files of one date of the segment table, on whatever storage. */
  private Set<String> dataFiles(Warehouse warehouse, String date) throws IOException {
    String location =
        spark()
            .sql("DESCRIBE TABLE EXTENDED " + warehouse.table(PublishedTables.SEGMENTS))
            .where("col_name = 'Location'")
            .first()
            .getString(1);
    org.apache.hadoop.fs.Path data =
        new org.apache.hadoop.fs.Path(location, "data/snapshot_date=" + date);
    FileSystem fs = data.getFileSystem(spark().sparkContext().hadoopConfiguration());
    Set<String> names = new HashSet<>();
    if (fs.exists(data)) {
      RemoteIterator<LocatedFileStatus> files = fs.listFiles(data, true);
      while (files.hasNext()) {
        String name = files.next().getPath().getName();
        if (name.endsWith(".parquet")) {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** Waits for the run {@code runId} to create {@code file} (its hold file). */
  private void awaitHold(String runId, Process process) throws InterruptedException, IOException {
    Path file = dir.resolve(runId + ".held");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(file)) {
      if (!process.isAlive()) {
        Assertions.fail("the run ended before " + file.getFileName() + ":\n" + log(runId));
      }
      Assertions.assertTrue(
          System.nanoTime() < deadline, "no " + file.getFileName() + " within 120 s");
      TimeUnit.MILLISECONDS.sleep(50);
    }
  }

  private static int exit(Process process) throws InterruptedException {
    if (!process.waitFor(3, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      return -1;
    }
    return process.exitValue();
  }

  private String log(String runId) throws IOException {
    return Files.readString(dir.resolve(runId + ".log"));
  }
}
