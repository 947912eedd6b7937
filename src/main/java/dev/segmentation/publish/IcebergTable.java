package dev.segmentation.publish;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.segmentation.ContractViolation;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.Secrets;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.spark.actions.SparkActions;
import org.apache.spark.sql.DataFrameWriterV2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.analysis.NoSuchTableException;

/**
 * A table of an Iceberg catalog, written through Iceberg's Spark runtime. A publish is one commit
 * that deletes the rows of its date and adds the new ones: readers see the snapshot before it or
 * the one after, on any file system or object store, and a run that dies before the commit leaves
 * the table as it was. Runs for different dates commit at the same time: Iceberg retries the one
 * that loses the race on the newer metadata. The snapshot's summary carries the run's details, and
 * old snapshots are expired after each commit by the configured retention.
 */
final class IcebergTable implements WarehouseTable {

  /** The snapshot summary's key for the date a commit replaced. */
  static final String SNAPSHOT_DATE = PublishedTables.SNAPSHOT_COLUMN;

  private final SparkSession spark;
  private final JobConfig.Publish publish;
  private final TableIdentifier identifier;
  private final String name;

  IcebergTable(SparkSession spark, JobConfig.Publish publish, String table) {
    this.spark = spark;
    this.publish = publish;
    JobConfig.Catalog catalog = publish.catalog();
    this.identifier = TableIdentifier.of(catalog.namespace(), table);
    this.name = catalog.name() + "." + catalog.namespace() + "." + table;
    register(spark, publish);
  }

  @Override
  public Published publish(Dataset<Row> rows, LocalDate date, Map<String, String> details) {
    String runId = details.get(RUN_ID);
    Table table = createIfAbsent();
    DataFrameWriterV2<Row> write =
        rows.withColumn(PublishedTables.SNAPSHOT_COLUMN, lit(date)).writeTo(name);
    details.forEach((key, value) -> write.option("snapshot-property." + key, value));
    write.option("snapshot-property." + SNAPSHOT_DATE, date.toString());
    // A static overwrite of the date, not a dynamic one: a run with no rows must empty its date.
    try {
      write.overwrite(col(PublishedTables.SNAPSHOT_COLUMN).equalTo(lit(date)));
    } catch (NoSuchTableException e) {
      throw new IllegalStateException(name + " was dropped while this run published to it", e);
    }

    table.refresh();
    Snapshot committed = null;
    for (Snapshot snapshot : table.snapshots()) {
      Map<String, String> summary = snapshot.summary();
      if (runId.equals(summary.get(RUN_ID))
          && date.toString().equals(summary.get(SNAPSHOT_DATE))
          && (committed == null || snapshot.sequenceNumber() > committed.sequenceNumber())) {
        committed = snapshot;
      }
    }
    if (committed == null) {
      throw new IllegalStateException(
          name + " has no snapshot of run " + runId + " after its commit");
    }
    expireOldSnapshots(table);
    return new Published(
        name,
        table.location(),
        date,
        Long.parseLong(committed.summary().getOrDefault("added-records", "0")),
        String.valueOf(committed.snapshotId()));
  }

  @Override
  public Optional<Current> current() {
    Catalog catalog = catalog();
    if (!catalog.tableExists(identifier)) {
      return Optional.empty();
    }
    Snapshot snapshot = catalog.loadTable(identifier).currentSnapshot();
    if (snapshot == null || !snapshot.summary().containsKey(SNAPSHOT_DATE)) {
      return Optional.empty();
    }
    LocalDate date = LocalDate.parse(snapshot.summary().get(SNAPSHOT_DATE));
    Dataset<Row> rows =
        spark
            .read()
            .option("snapshot-id", snapshot.snapshotId())
            .table(name)
            .where(col(PublishedTables.SNAPSHOT_COLUMN).equalTo(lit(date)));
    return Optional.of(new Current(date, Map.copyOf(snapshot.summary()), rows));
  }

  private Table createIfAbsent() {
    Catalog catalog = catalog();
    Namespace namespace = identifier.namespace();
    if (catalog instanceof SupportsNamespaces namespaces
        && !namespaces.namespaceExists(namespace)) {
      try {
        namespaces.createNamespace(namespace);
      } catch (AlreadyExistsException createdMeanwhile) {
        // by a run publishing at the same time
      }
    }
    Schema schema =
        SparkSchemaUtil.convert(PublishedTables.schema(PublishedTables.columns(identifier.name())));
    if (catalog.tableExists(identifier)) {
      return withContractColumns(catalog.loadTable(identifier), schema);
    }
    PartitionSpec spec =
        PartitionSpec.builderFor(schema).identity(PublishedTables.SNAPSHOT_COLUMN).build();
    try {
      return catalog.createTable(
          identifier, schema, spec, Map.of(TableProperties.FORMAT_VERSION, "2"));
    } catch (AlreadyExistsException createdMeanwhile) {
      return catalog.loadTable(identifier);
    }
  }

  /**
   * Adds the contract's columns a table created by an earlier version lacks, as optional columns
   * (Iceberg adds no required column to a table that has rows): older snapshots read them as null.
   */
  private static Table withContractColumns(Table table, Schema contract) {
    boolean missing =
        contract.columns().stream()
            .anyMatch(column -> table.schema().findField(column.name()) == null);
    if (missing) {
      table.updateSchema().unionByNameWith(contract).commit();
    }
    return table;
  }

  /** Iceberg's own expiry: snapshot by snapshot, deleting only files no kept snapshot needs. */
  private void expireOldSnapshots(Table table) {
    long olderThan = System.currentTimeMillis() - publish.retention().maxSnapshotAge().toMillis();
    SparkActions.get(spark)
        .expireSnapshots(table)
        .expireOlderThan(olderThan)
        .retainLast(publish.retention().minSnapshots())
        .execute();
  }

  private Catalog catalog() {
    return Spark3Util.loadIcebergCatalog(spark, publish.catalog().name());
  }

  /**
   * Registers the catalog with this session. Spark builds a catalog the first time a query names
   * it, from the {@code spark.sql.catalog.<name>} settings of that moment, so they are set here,
   * before any use; a session that already has different ones is a configuration error.
   */
  private static void register(SparkSession spark, JobConfig.Publish publish) {
    settings(publish, spark.sparkContext().hadoopConfiguration())
        .forEach(
            (key, value) -> {
              Optional<String> existing =
                  Optional.ofNullable(spark.conf().getOption(key).getOrElse(() -> null));
              if (existing.isPresent() && !existing.get().equals(value)) {
                throw new ContractViolation(
                    "Spark catalog "
                        + publish.catalog().name()
                        + " is already configured with "
                        + key
                        + " = "
                        + (Secrets.isSecret(key) ? Secrets.REDACTED : existing.get())
                        + ", not what segmentation.publish gives: use another segmentation.publish.catalog.name");
              }
              spark.conf().set(key, value);
            });
  }

  /** Iceberg's {@code spark.sql.catalog.*} settings for the configured catalog. */
  static Map<String, String> settings(JobConfig.Publish publish, Configuration hadoop) {
    JobConfig.Catalog catalog = publish.catalog();
    String prefix = "spark.sql.catalog." + catalog.name();
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
    if (!catalog.type().isEmpty()) {
      settings.put(prefix + ".type", catalog.type());
    }
    settings.put(prefix + ".warehouse", warehouse(publish.root(), catalog.type(), hadoop));
    catalog.properties().forEach((key, value) -> settings.put(prefix + "." + key, value));
    return settings;
  }

  /**
   * A root without a scheme is a local folder, made absolute: tables record their location, and a
   * relative one would mean another folder to a reader started elsewhere. A REST catalog's
   * warehouse is a name, not a location.
   */
  private static String warehouse(String root, String type, Configuration hadoop) {
    if (type.equals("rest") || new Path(root).toUri().getScheme() != null) {
      return root;
    }
    Path path = new Path(root);
    try {
      return path.getFileSystem(hadoop).makeQualified(path).toString();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach " + root, e);
    }
  }
}
