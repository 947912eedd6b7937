package dev.segmentation.publish;

import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import dev.segmentation.storage.CatalogDatabase;
import dev.segmentation.storage.Hdfs;
import dev.segmentation.storage.PosixLocalFileSystem;
import dev.segmentation.storage.S3Server;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;

/**
 * Where a test publishes: an Iceberg catalog on local disk or HDFS (the Hadoop catalog), or on S3
 * (S3Proxy) with a JDBC catalog in a real database (H2, over TCP). Each warehouse has a catalog
 * name of its own, since a Spark session builds a catalog once per name.
 *
 * @param settings the {@code segmentation.publish.*} overrides
 * @param sparkConf what another JVM needs to reach the storage (credentials included: tests only)
 */
public record Warehouse(String store, Map<String, String> settings, Map<String, String> sparkConf) {

  private static final AtomicInteger CATALOGS = new AtomicInteger();

  /** {@code file}, {@code hdfs} or {@code s3a}; {@code dir} is a local scratch folder. */
  public static Warehouse on(String store, Path dir, Configuration hadoop) {
    String catalog = "wh" + CATALOGS.incrementAndGet();
    Map<String, String> settings = new LinkedHashMap<>();
    Map<String, String> sparkConf = new LinkedHashMap<>();
    settings.put("segmentation.publish.catalog.name", catalog);
    switch (store) {
      case "file" -> {
        settings.put("segmentation.publish.root", dir.resolve("warehouse").toUri().toString());
        sparkConf.put("spark.hadoop.fs.file.impl", PosixLocalFileSystem.class.getName());
      }
      case "hdfs" ->
          settings.put(
              "segmentation.publish.root", Hdfs.root() + "/warehouse-" + UUID.randomUUID());
      case "s3a" -> {
        S3Server s3 = S3Server.shared();
        s3.configure(hadoop);
        settings.put("segmentation.publish.root", s3.bucket("warehouse") + "/" + UUID.randomUUID());
        settings.put("segmentation.publish.catalog.type", "jdbc");
        settings.put("segmentation.publish.catalog.properties.uri", CatalogDatabase.url(catalog));
        settings.put("segmentation.publish.catalog.properties.jdbc.schema-version", "V1");
        sparkConf.putAll(s3.sparkSettings());
        sparkConf.put("spark.hadoop.fs.s3a.access.key", s3.accessKey());
        sparkConf.put("spark.hadoop.fs.s3a.secret.key", s3.secretKey());
      }
      default -> throw new IllegalArgumentException(store);
    }
    return new Warehouse(store, Map.copyOf(settings), Map.copyOf(sparkConf));
  }

  public JobConfig.Publish publish(String snapshotDate, Map<String, String> more) {
    Map<String, String> overrides = new LinkedHashMap<>(settings);
    overrides.put("segmentation.publish.snapshot-date", snapshotDate);
    overrides.putAll(more);
    return TestConfigs.withOverrides(overrides).publish();
  }

  /** The Spark name of a table of this warehouse. */
  public String table(String name) {
    return settings.get("segmentation.publish.catalog.name") + ".segmentation." + name;
  }
}
