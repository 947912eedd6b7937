package dev.segmentation.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.job.IngestJob;
import dev.segmentation.job.ScoreJob;
import dev.segmentation.job.TrainJob;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ingest}, {@code train} and {@code score} with input and output on a real S3 server
 * (s3a://) and a real HDFS (hdfs://) give exactly what they give on local files.
 */
class StorageEndToEndTest extends SparkTestBase {

  /** Three months train (cutoff after two), the fourth is the batch to score. */
  private static final List<String> TRAIN_FILES =
      List.of("2010-12-*.csv.gz", "2011-01-*.csv.gz", "2011-02-*.csv.gz");

  private static final String SCORE_FILES = "2011-03-*.csv.gz";

  @TempDir java.nio.file.Path dir;

  @Test
  void everySubcommandGivesTheSameOutputsOnS3AndHdfsAsOnLocalFiles() throws IOException {
    S3Server s3 = S3Server.shared();
    s3.configure(hadoop());
    Map<String, Run> runs = new LinkedHashMap<>();
    runs.put("file", runOn(dir.resolve("local").toUri().toString().replaceAll("/$", "")));
    runs.put("s3a", runOn(s3.bucket("segmentation-test") + "/e2e"));
    runs.put("hdfs", runOn(Hdfs.root() + "/e2e"));

    Run local = runs.get("file");
    Assertions.assertTrue(local.segments().count() > 500, "customers " + local.segments().count());
    Assertions.assertTrue(
        local.predictions().count() > 100, "scored " + local.predictions().count());
    for (String storage : List.of("s3a", "hdfs")) {
      Run other = runs.get(storage);
      assertSame(local.cleanLines(), other.cleanLines(), storage + " clean_lines");
      assertSame(local.segments(), other.segments(), storage + " segments");
      assertSame(local.predictions(), other.predictions(), storage + " predictions");
      for (String counter : List.of("lines.read", "lines.kept", "customers.train")) {
        assertEquals(
            local.train().get(counter), other.train().get(counter), storage + " " + counter);
      }
      Assertions.assertTrue(
          String.valueOf(other.train().get("output")).startsWith(storage + "://"),
          String.valueOf(other.train().get("output")));
    }
  }

  private record Run(
      Dataset<Row> cleanLines, Dataset<Row> segments, Dataset<Row> predictions, RunMetrics train) {}

  /** Uploads the input under {@code root}, then runs the three subcommands there. */
  private Run runOn(String root) throws IOException {
    String input = root + "/input";
    upload(input);
    String output = root + "/runs";
    IngestJob.run(spark(), config(output, "ingest", trainInputs(input), Map.of()));
    RunMetrics train =
        TrainJob.run(
                spark(),
                config(
                    output,
                    "train",
                    trainInputs(input),
                    Map.of(
                        "segmentation.train.cutoff", "2011-02-01",
                        "segmentation.segments.k", "4",
                        "segmentation.anticipation.backtest.enabled", "false")))
            .metrics();
    ScoreJob.run(
        spark(),
        config(
            output,
            "score",
            input + "/" + SCORE_FILES,
            Map.of("segmentation.score.model", output + "/train/models")));
    return new Run(
        spark().read().parquet(output + "/ingest/clean_lines"),
        spark().read().parquet(output + "/train/segments").drop("run_id", "model_version"),
        spark().read().parquet(output + "/score/predictions").drop("run_id", "model_version"),
        train);
  }

  private static String trainInputs(String input) {
    return String.join(",", TRAIN_FILES.stream().map(glob -> input + "/" + glob).toList());
  }

  private JobConfig config(
      String outputRoot, String runId, String inputs, Map<String, String> more) {
    Map<String, String> overrides = new HashMap<>(more);
    overrides.put("segmentation.input.uris", inputs);
    overrides.put("segmentation.output.root", outputRoot);
    overrides.put("segmentation.run-id", runId);
    return TestConfigs.withOverrides(overrides);
  }

  private void upload(String target) throws IOException {
    Path destination = new Path(target);
    FileSystem fs = destination.getFileSystem(hadoop());
    fs.mkdirs(destination);
    File[] files =
        new File("src/data/online-retail")
            .listFiles((folder, name) -> name.startsWith("2010-12") || name.startsWith("2011-0"));
    for (File file : files) {
      if (file.getName().compareTo("2011-04") < 0) {
        // A plain stream copy: S3A's copyFromLocalFile of Hadoop 3.3.4 fails on single files.
        try (OutputStream out = fs.create(new Path(destination, file.getName()), true)) {
          Files.copy(file.toPath(), out);
        }
      }
    }
  }

  private Configuration hadoop() {
    return spark().sparkContext().hadoopConfiguration();
  }

  private static void assertSame(Dataset<Row> expected, Dataset<Row> actual, String what) {
    assertEquals(expected.count(), actual.count(), what + ": rows");
    assertEquals(List.of(expected.columns()), List.of(actual.columns()), what + ": columns");
    assertEquals(0, expected.except(actual).count(), what + ": rows only in the local run");
    assertEquals(0, actual.except(expected).count(), what + ": rows only in the " + what);
  }
}
