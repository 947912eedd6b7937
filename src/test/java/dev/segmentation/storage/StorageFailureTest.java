package dev.segmentation.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.LoopbackPorts;
import dev.segmentation.SparkTestBase;
import dev.segmentation.cli.JobProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

/**
 * The job as its own process against the real S3 server: credentials from the environment never
 * show in its output, logs, metrics or errors; an unreachable endpoint fails soon, clearly.
 */
class StorageFailureTest extends SparkTestBase {

  private static final String SAMPLE = "src/data/online-retail/2011-03-01.csv.gz";

  @Test
  void credentialsFromTheEnvironmentNeverShowInOutputLogsMetricsOrErrors() throws IOException {
    S3Server s3 = S3Server.shared();
    s3.configure(hadoop());
    String bucket = s3.bucket("leak-check");
    org.apache.hadoop.fs.Path input =
        new org.apache.hadoop.fs.Path(bucket + "/input/2011-03-01.csv.gz");
    FileSystem fs = input.getFileSystem(hadoop());
    try (OutputStream out = fs.create(input, true)) {
      Files.copy(Path.of(SAMPLE), out);
    }
    Map<String, String> environment =
        Map.of("AWS_ACCESS_KEY_ID", s3.accessKey(), "AWS_SECRET_ACCESS_KEY", s3.secretKey());

    JobProcess.Result ok =
        JobProcess.run(environment, ingest(s3.endpoint(), bucket + "/input", bucket + "/runs"));
    JobProcess.Result missing =
        JobProcess.run(
            environment, ingest(s3.endpoint(), bucket + "/no-such-folder", bucket + "/runs"));

    assertEquals(0, ok.exitCode(), ok.output());
    assertEquals(2, missing.exitCode(), missing.output());
    Assertions.assertTrue(
        missing
            .output()
            .contains("error: input path does not exist: " + bucket + "/no-such-folder"),
        missing.output());
    String metrics;
    try (InputStream in =
        fs.open(new org.apache.hadoop.fs.Path(bucket + "/runs/leak/metrics.json"))) {
      metrics = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Assertions.assertTrue(metrics.contains("\"read\" : "), metrics);
    for (String text : List.of(ok.output(), missing.output(), metrics)) {
      Assertions.assertFalse(text.contains(s3.secretKey()), "the secret leaked: " + text);
    }
  }

  @Test
  void anUnreachableEndpointFailsWithinTwoMinutesNamingThePath() throws IOException {
    int closedPort = LoopbackPorts.free();

    JobProcess.Result result =
        JobProcess.run(
            Map.of("AWS_ACCESS_KEY_ID", "unused", "AWS_SECRET_ACCESS_KEY", "unused"),
            ingest("http://127.0.0.1:" + closedPort, "s3a://nowhere/input", "s3a://nowhere/runs"));

    assertEquals(1, result.exitCode(), result.output());
    Assertions.assertTrue(result.millis() < 120_000, "took " + result.millis() + " ms");
    Assertions.assertTrue(
        result.output().contains("error: unexpected failure: ")
            && result.output().contains("cannot list input path s3a://nowhere/input"),
        result.output());
  }

  private static List<String> ingest(String endpoint, String input, String output) {
    List<String> args =
        new ArrayList<>(
            List.of("ingest", "--input", input, "--output", output, "--run-id", "leak"));
    Map<String, String> settings =
        new TreeMap<>(
            Map.of(
                "spark.hadoop.fs.s3a.endpoint", endpoint,
                "spark.hadoop.fs.s3a.path.style.access", "true",
                "spark.hadoop.fs.s3a.connection.ssl.enabled", "false",
                "spark.hadoop.fs.s3a.change.detection.mode", "none"));
    settings.forEach((key, value) -> args.addAll(List.of("--set", key + "=" + value)));
    return args;
  }

  private Configuration hadoop() {
    return spark().sparkContext().hadoopConfiguration();
  }
}
