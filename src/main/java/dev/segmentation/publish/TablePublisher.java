package dev.segmentation.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * Publishes one snapshot of a table for warehouses: Parquet under
 * {@code <root>/<table>/snapshot_date=YYYY-MM-DD/}, with the {@code _SUCCESS} marker of the
 * write, and {@code <root>/<table>/_manifest.json} naming the current snapshot and the model
 * version behind each one.
 *
 * <p>Readers never see a half-written snapshot: the rows are written to
 * {@code _staging/snapshot_date=D/} (a hidden folder Spark, Hive and Trino skip), and only then
 * moved into place by renames, the old partition of the same date first moved to
 * {@code _trash/}. Other dates are never touched. The manifest is written last, to a temporary
 * file renamed over the old one, under a lock file so that runs for different dates do not lose
 * each other's entries. On HDFS and local disks a rename is atomic; on S3 a folder
 * rename copies the objects, so S3 readers should take the snapshot the manifest names.
 */
public final class TablePublisher {

  public static final String MANIFEST = "_manifest.json";
  public static final String SNAPSHOT_COLUMN = "snapshot_date";

  private static final long STALE_LOCK_MILLIS = 60_000;
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final SparkSession spark;
  private final Path table;
  private final Consumer<String> beforeStep;

  public TablePublisher(SparkSession spark, String root, String table) {
    this(spark, root, table, step -> { });
  }

  /** @param beforeStep told the name of each commit step before it runs (tests fail there) */
  TablePublisher(SparkSession spark, String root, String table, Consumer<String> beforeStep) {
    this.spark = Objects.requireNonNull(spark, "spark");
    this.table = new Path(new Path(root), table);
    this.beforeStep = Objects.requireNonNull(beforeStep, "beforeStep");
  }

  public String location() {
    return table.toString();
  }

  /**
   * Replaces the snapshot of {@code date} with {@code rows} and records it in the manifest with
   * {@code details} (model version, run id, ...). Returns the number of rows published.
   */
  public long publish(Dataset<Row> rows, LocalDate date, Map<String, Object> details) {
    String partition = SNAPSHOT_COLUMN + "=" + date;
    Path staging = new Path(new Path(table, "_staging"), partition);
    Path target = new Path(table, partition);
    Path trash = new Path(new Path(table, "_trash"), partition + "-" + UUID.randomUUID());
    FileSystem fs = fileSystem();
    try {
      // A leftover of a killed run for the same date; other dates stage elsewhere.
      fs.delete(staging, true);
      rows.write().mode(SaveMode.ErrorIfExists).parquet(staging.toString());
      long count = spark.read().parquet(staging.toString()).count();

      step("replace");
      if (fs.exists(target)) {
        fs.mkdirs(trash.getParent());
        rename(fs, target, trash);
      }
      rename(fs, staging, target);

      step("manifest");
      // Runs for other dates may update the manifest at the same time: one at a time.
      Path lock = new Path(table, "_manifest.lock");
      acquire(fs, lock);
      try {
        writeManifest(fs, date, count, details);
      } finally {
        fs.delete(lock, false);
      }
      fs.delete(trash, true);
      return count;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot publish " + partition + " of " + table, e);
    }
  }

  /** The table's manifest, if anything was ever published. */
  public Optional<JsonNode> manifest() {
    Path manifest = new Path(table, MANIFEST);
    try {
      FileSystem fs = fileSystem();
      return fs.exists(manifest) ? Optional.of(readManifest(fs, manifest)) : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + manifest, e);
    }
  }

  /**
   * Creating a file that must not exist is atomic on HDFS, and on local disks through
   * {@code PosixLocalFileSystem} (Hadoop's own local file system checks, then opens): whoever
   * creates the lock holds it. A lock older than {@link #STALE_LOCK_MILLIS} is from a killed run.
   */
  private static void acquire(FileSystem fs, Path lock) throws IOException {
    long deadline = System.currentTimeMillis() + 2 * STALE_LOCK_MILLIS;
    while (true) {
      try {
        fs.create(lock, false).close();
        return;
      } catch (org.apache.hadoop.fs.FileAlreadyExistsException held) {
        try {
          if (System.currentTimeMillis() - fs.getFileStatus(lock).getModificationTime() > STALE_LOCK_MILLIS) {
            fs.delete(lock, false);
          }
        } catch (java.io.FileNotFoundException released) {
          // taken and released meanwhile: try again
        }
        if (System.currentTimeMillis() > deadline) {
          throw new IOException("the manifest lock " + lock + " stayed taken", held);
        }
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while waiting for " + lock, e);
        }
      }
    }
  }

  private void step(String name) {
    beforeStep.accept(name);
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) {
      throw new IOException("rename " + from + " to " + to + " failed");
    }
  }

  private void writeManifest(FileSystem fs, LocalDate date, long rows, Map<String, Object> details)
      throws IOException {
    Path manifest = new Path(table, MANIFEST);
    ObjectNode root = fs.exists(manifest) ? (ObjectNode) readManifest(fs, manifest) : JSON.createObjectNode();
    ObjectNode snapshots = root.has("snapshots") ? (ObjectNode) root.get("snapshots") : JSON.createObjectNode();
    ObjectNode snapshot = JSON.valueToTree(details);
    snapshot.put("rows", rows);
    snapshot.put("published_at", Instant.now().toString());
    snapshot.put("location", new Path(table, SNAPSHOT_COLUMN + "=" + date).toString());
    snapshots.set(date.toString(), snapshot);
    String current = root.path("current_snapshot").asText("");
    if (current.isEmpty() || date.toString().compareTo(current) >= 0) {
      root.put("current_snapshot", date.toString());
      root.setAll(JSON.<ObjectNode>valueToTree(details));
    }
    root.put("table", table.getName());
    root.set("snapshots", snapshots);
    Path temporary = new Path(table, "_manifest." + UUID.randomUUID() + ".tmp");
    try (OutputStream out = fs.create(temporary, true)) {
      out.write(JSON.writeValueAsString(root).getBytes(StandardCharsets.UTF_8));
    }
    FileContext.getFileContext(table.toUri(), hadoop()).rename(temporary, manifest, Options.Rename.OVERWRITE);
  }

  private static JsonNode readManifest(FileSystem fs, Path manifest)
      throws IOException {
    try (InputStream in = fs.open(manifest)) {
      return JSON.readTree(in);
    }
  }

  private FileSystem fileSystem() {
    try {
      return table.getFileSystem(hadoop());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot reach " + table, e);
    }
  }

  private Configuration hadoop() {
    return spark.sparkContext().hadoopConfiguration();
  }
}
