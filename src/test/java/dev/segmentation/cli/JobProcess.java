package dev.segmentation.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the job's main class in a JVM of its own, as spark-submit or scripts/segment would: its own
 * environment, its own Spark session, its own log output.
 */
public final class JobProcess {

  /** Exit code, everything it printed (stdout and stderr, logs included), and how long it took. */
  public record Result(int exitCode, String output, long millis) {}

  private JobProcess() {}

  public static Result run(Map<String, String> environment, List<String> args) {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "@conf/spark-jvm.options",
                "-Xmx2g",
                "-Dspark.master=local[2]",
                "-Dlog4j2.configurationFile=conf/log4j2.properties",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.segmentation.cli.SegmentCli"));
    command.addAll(args);
    try {
      Path output = Files.createTempFile("job", ".log");
      ProcessBuilder builder =
          new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
      builder.environment().putAll(environment);
      builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
      long start = System.nanoTime();
      Process process = builder.start();
      if (!process.waitFor(5, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new IllegalStateException("the job did not end within 5 minutes: " + args);
      }
      long millis = (System.nanoTime() - start) / 1_000_000;
      return new Result(
          process.exitValue(), Files.readString(output, StandardCharsets.UTF_8), millis);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
