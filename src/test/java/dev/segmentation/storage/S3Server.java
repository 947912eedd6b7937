package dev.segmentation.storage;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder.EndpointConfiguration;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import dev.segmentation.LoopbackPorts;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;

/**
 * A real S3-compatible server on 127.0.0.1: S3Proxy (in-memory store) as its own process, started
 * once per test JVM from the jar Maven copies to {@code target/s3proxy/} and stopped at exit. Its
 * secret is random; tests that look for leaked credentials look for it.
 */
public final class S3Server {

  private static S3Server shared;

  private final String endpoint;
  private final String accessKey;
  private final String secretKey;
  private final Process process;

  private S3Server(String endpoint, String accessKey, String secretKey, Process process) {
    this.endpoint = endpoint;
    this.accessKey = accessKey;
    this.secretKey = secretKey;
    this.process = process;
  }

  public static synchronized S3Server shared() {
    if (shared == null) {
      shared = start();
      Runtime.getRuntime().addShutdownHook(new Thread(shared.process::destroy));
    }
    return shared;
  }

  public String endpoint() {
    return endpoint;
  }

  public String accessKey() {
    return accessKey;
  }

  public String secretKey() {
    return secretKey;
  }

  /** Creates a bucket (S3A never does); returns its s3a:// root. */
  public String bucket(String name) {
    AmazonS3 client =
        AmazonS3ClientBuilder.standard()
            .withEndpointConfiguration(new EndpointConfiguration(endpoint, "us-east-1"))
            .withPathStyleAccessEnabled(true)
            .withCredentials(
                new AWSStaticCredentialsProvider(new BasicAWSCredentials(accessKey, secretKey)))
            .build();
    if (!client.doesBucketExistV2(name)) {
      client.createBucket(name);
    }
    client.shutdown();
    return "s3a://" + name;
  }

  /** Endpoint settings, without credentials, as Spark keys a run passes with --set. */
  public Map<String, String> sparkSettings() {
    return Map.of(
        "spark.hadoop.fs.s3a.endpoint", endpoint,
        "spark.hadoop.fs.s3a.path.style.access", "true",
        "spark.hadoop.fs.s3a.connection.ssl.enabled", "false",
        // S3Proxy's multipart copy fails the ETag check S3A makes by default.
        "spark.hadoop.fs.s3a.change.detection.mode", "none");
  }

  /**
   * Points a Hadoop configuration at this server. Credentials go in the way a cluster's provider
   * chain would supply them to S3A, never through the job's own configuration.
   */
  public void configure(Configuration hadoop) {
    sparkSettings()
        .forEach((key, value) -> hadoop.set(key.substring("spark.hadoop.".length()), value));
    hadoop.set("fs.s3a.access.key", accessKey);
    hadoop.set("fs.s3a.secret.key", secretKey);
  }

  private static S3Server start() {
    String jar = System.getProperty("s3proxy.jar", "target/s3proxy/s3proxy.jar");
    if (!new File(jar).isFile()) {
      throw new IllegalStateException(
          "S3Proxy jar not found at " + jar + "; run the tests through Maven");
    }
    try {
      int port = LoopbackPorts.free();
      String endpoint = "http://127.0.0.1:" + port;
      String accessKey = "test-access-" + UUID.randomUUID().toString().substring(0, 8);
      String secretKey = "planted-secret-" + UUID.randomUUID();
      Path properties = Files.createTempFile("s3proxy", ".properties");
      Files.write(
          properties,
          List.of(
              "s3proxy.endpoint=" + endpoint,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + accessKey,
              "s3proxy.credential=" + secretKey,
              "jclouds.provider=transient",
              "jclouds.identity=" + accessKey,
              "jclouds.credential=" + secretKey));
      Path log = Path.of("target", "s3proxy", "s3proxy.log");
      Files.createDirectories(log.getParent());
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process process =
          new ProcessBuilder(java, "-jar", jar, "--properties", properties.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      awaitPort(port, process);
      return new S3Server(endpoint, accessKey, secretKey, process);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start S3Proxy", e);
    }
  }

  private static void awaitPort(int port, Process process) {
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "S3Proxy exited with " + process.exitValue() + "; see target/s3proxy/s3proxy.log");
      }
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
    process.destroy();
    throw new IllegalStateException("S3Proxy did not listen on port " + port + " within 60 s");
  }
}
