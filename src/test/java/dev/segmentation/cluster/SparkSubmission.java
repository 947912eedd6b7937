package dev.segmentation.cluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code spark-submit} of the thin jar, as a user runs it: Spark's own {@code SparkSubmit} in a JVM
 * of its own (client deploy mode, so this JVM is the driver), the jar {@code mvn package} built,
 * the job's command line. Optionally does something to the cluster when the driver logs a line,
 * such as killing an executor when a step starts.
 */
final class SparkSubmission {

  /** JVM options for short runs on 2 cores, as scripts/segment uses: the quick compiler only. */
  static final List<String> SHORT_RUN_JVM =
      List.of("-XX:TieredStopAtLevel=1", "-XX:+UseParallelGC", "-XX:ReservedCodeCacheSize=512m");

  /** Exit code and everything the driver printed. */
  record Result(int exitCode, String output) {}

  private final Path sparkHome;
  private final String master;
  private final List<String> conf = new ArrayList<>();
  private String trigger;
  private Runnable action;

  private SparkSubmission(Path sparkHome, String master) {
    this.sparkHome = sparkHome;
    this.master = master;
  }

  /** A submission to {@code master}: a cluster's {@code spark://} URL, or {@code local[2]}. */
  static SparkSubmission to(Path sparkHome, String master) {
    return new SparkSubmission(sparkHome, master)
        .conf("spark.executor.cores", "1")
        .conf("spark.executor.memory", "2g")
        // Start with every executor, as the run's first step would otherwise wait for them.
        .conf("spark.scheduler.minRegisteredResourcesRatio", "1.0")
        .conf("spark.executor.extraJavaOptions", String.join(" ", executorJvmOptions()));
  }

  SparkSubmission conf(String key, String value) {
    conf.add("--conf");
    conf.add(key + "=" + value);
    return this;
  }

  /** Runs {@code action} once, as soon as the driver prints a line containing {@code text}. */
  SparkSubmission when(String text, Runnable action) {
    this.trigger = text;
    this.action = action;
    return this;
  }

  Result run(Path log, String... jobArgs) {
    List<String> command = new ArrayList<>(List.of(java(), "@conf/spark-jvm.options", "-Xmx2g"));
    command.addAll(SHORT_RUN_JVM);
    command.addAll(
        List.of(
            "-Dlog4j2.configurationFile=conf/log4j2.properties",
            "-cp",
            sparkHome.resolve("jars") + "/*",
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            master,
            "--deploy-mode",
            "client",
            "--class",
            "dev.segmentation.cli.SegmentCli"));
    command.addAll(conf);
    command.add(System.getProperty("project.jar"));
    command.addAll(List.of(jobArgs));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(sparkEnvironment(sparkHome));
    try {
      Process process = builder.start();
      // A hung run must not hold the suite: reading its output would block until it ends.
      CompletableFuture.delayedExecutor(12, TimeUnit.MINUTES).execute(process::destroyForcibly);
      StringBuilder output = new StringBuilder();
      try (BufferedReader lines =
              new BufferedReader(
                  new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
          Writer file = Files.newBufferedWriter(log)) {
        boolean fired = false;
        for (String line; (line = lines.readLine()) != null; ) {
          output.append(line).append('\n');
          file.write(line + "\n");
          file.flush();
          if (!fired && trigger != null && line.contains(trigger)) {
            fired = true;
            action.run();
          }
        }
      }
      if (!process.waitFor(1, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException(
            "spark-submit did not exit after closing its output: " + log);
      }
      return new Result(process.exitValue(), output.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * What Spark's launcher scripts would set: the Spark folder, the Scala version, loopback only.
   */
  static Map<String, String> sparkEnvironment(Path sparkHome) {
    return Map.of(
        "SPARK_HOME",
        sparkHome.toAbsolutePath().toString(),
        "SPARK_SCALA_VERSION",
        "2.12",
        "SPARK_LOCAL_IP",
        "127.0.0.1");
  }

  static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** Java 17's module opens and UTC, as for the driver, and the quick compiler. */
  private static List<String> executorJvmOptions() {
    try {
      List<String> options =
          new ArrayList<>(
              Files.readAllLines(Path.of("conf/spark-jvm.options")).stream()
                  .map(String::trim)
                  .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                  .toList());
      options.addAll(SHORT_RUN_JVM);
      return options;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
