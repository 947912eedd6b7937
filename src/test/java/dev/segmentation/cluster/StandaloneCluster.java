package dev.segmentation.cluster;

import dev.segmentation.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and workers, each its own JVM, started
 * from the Maven-resolved Spark jars. A folder whose {@code jars/} links those jars serves as
 * {@code SPARK_HOME}: workers put {@code $SPARK_HOME/jars/*} on the class path of the executor JVMs
 * they launch. The libraries the thin jar bundles are left out, so executors see the project only
 * through the submitted jar.
 */
final class StandaloneCluster implements AutoCloseable {

  /** Artifacts the thin jar carries (relocated); never on the cluster's own class path. */
  private static final List<String> BUNDLED =
      List.of("config-", "lucene-analysis-common-", "picocli-");

  private static final Pattern ALIVE = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

  private final Path home;
  private final int masterPort = LoopbackPorts.free();
  private final int masterUiPort = LoopbackPorts.free();
  private final Process master;
  private final List<Process> workers = new ArrayList<>();
  private final int cores;
  private final String memory;

  private StandaloneCluster(Path home, int workerCount, int cores, String memory) {
    this.home = home;
    this.cores = cores;
    this.memory = memory;
    this.master =
        start(
            "master",
            List.of(
                "org.apache.spark.deploy.master.Master",
                "--host",
                "127.0.0.1",
                "--port",
                String.valueOf(masterPort),
                "--webui-port",
                String.valueOf(masterUiPort)),
            Map.of());
    for (int i = 0; i < workerCount; i++) {
      workers.add(startWorker(i));
    }
    awaitWorkers(workerCount);
  }

  /** Starts a master and {@code workerCount} workers of {@code cores} and {@code memory} each. */
  static StandaloneCluster start(Path folder, int workerCount, int cores, String memory) {
    StandaloneCluster cluster =
        new StandaloneCluster(sparkHome(folder), workerCount, cores, memory);
    // Even when the test JVM ends without its @AfterAll, no cluster JVM outlives it.
    Runtime.getRuntime().addShutdownHook(new Thread(cluster::close));
    return cluster;
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The folder that serves as SPARK_HOME, its jars/ on every cluster JVM's class path. */
  Path home() {
    return home;
  }

  /** SIGKILL to the executor JVM of one worker; the worker itself stays up. */
  long killExecutor(int worker) {
    ProcessHandle executor =
        executorOf(worker)
            .orElseThrow(() -> new IllegalStateException("worker " + worker + " runs no executor"));
    executor.destroyForcibly();
    return executor.pid();
  }

  /** SIGKILL to a whole worker: its JVM and the executor it launched, as when a node is lost. */
  void killWorker(int worker) {
    Optional<ProcessHandle> executor = executorOf(worker);
    workers.get(worker).destroyForcibly();
    executor.ifPresent(ProcessHandle::destroyForcibly);
    awaitExit(workers.get(worker).toHandle());
    executor.ifPresent(StandaloneCluster::awaitExit);
  }

  /** Starts a worker again after {@link #killWorker} and waits until the master counts it. */
  void restartWorker(int worker) {
    workers.set(worker, startWorker(worker));
    awaitWorkers(workers.size());
  }

  @Override
  public void close() {
    for (Process worker : workers) {
      worker.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
      worker.destroyForcibly();
    }
    master.destroyForcibly();
  }

  // ---- processes ---------------------------------------------------------------------------

  private Process startWorker(int index) {
    Path workDir = home.resolveSibling("work-" + index);
    return start(
        "worker-" + index,
        List.of(
            "org.apache.spark.deploy.worker.Worker",
            "--host",
            "127.0.0.1",
            "--cores",
            String.valueOf(cores),
            "--memory",
            memory,
            "--webui-port",
            String.valueOf(LoopbackPorts.free()),
            masterUrl()),
        Map.of("SPARK_WORKER_DIR", workDir.toString()));
  }

  private Process start(String name, List<String> mainAndArgs, Map<String, String> environment) {
    List<String> command =
        new ArrayList<>(
            List.of(
                SparkSubmission.java(),
                "@conf/spark-jvm.options",
                "-Xmx512m",
                "-cp",
                home.resolve("jars") + "/*"));
    command.addAll(mainAndArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(home.resolveSibling(name + ".log").toFile());
    builder.environment().putAll(SparkSubmission.sparkEnvironment(home));
    builder.environment().putAll(environment);
    try {
      return builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
  }

  private Optional<ProcessHandle> executorOf(int worker) {
    return workers
        .get(worker)
        .toHandle()
        .children()
        .filter(
            child ->
                child
                    .info()
                    .arguments()
                    .map(List::of)
                    .orElse(List.of())
                    .contains("org.apache.spark.executor.CoarseGrainedExecutorBackend"))
        .findFirst();
  }

  private static void awaitExit(ProcessHandle process) {
    process.onExit().orTimeout(30, TimeUnit.SECONDS).join();
  }

  /** Polls the master's JSON status page until it counts this many alive workers. */
  private void awaitWorkers(int count) {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/")).build();
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      try {
        last = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        Matcher alive = ALIVE.matcher(last);
        if (alive.find() && Integer.parseInt(alive.group(1)) >= count) {
          return;
        }
      } catch (IOException e) {
        last = String.valueOf(e);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
      sleep(500);
    }
    throw new IllegalStateException(
        count + " workers did not register within 90 s; master says " + last);
  }

  // ---- set-up ------------------------------------------------------------------------------

  /**
   * {@code folder/home/jars/} with a link to every jar of the job's class path but the bundled
   * ones.
   */
  private static Path sparkHome(Path folder) {
    Path jars = folder.resolve("home").resolve("jars");
    try {
      Files.createDirectories(jars);
      for (String entry : Files.readString(Path.of("target/classpath.txt")).trim().split(":")) {
        Path jar = Path.of(entry);
        String name = jar.getFileName().toString();
        if (BUNDLED.stream().noneMatch(name::startsWith) && !Files.exists(jars.resolve(name))) {
          Files.createSymbolicLink(jars.resolve(name), jar.toAbsolutePath());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return jars.getParent();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
