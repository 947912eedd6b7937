package dev.segmentation.ingest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * Names the compressed input files that cannot be decompressed to their end, by reading each one
 * through in a Spark task, as Spark's own reader would.
 *
 * <p>Spark cannot tell: it names the file ("Encountered error while reading file ...") only when
 * the first line fails, a file truncated further on fails its task with a bare EOFException, and
 * {@code spark.sql.files.ignoreCorruptFiles} keeps the lines before the damage and counts nothing.
 */
final class CompressedFileCheck {

  private static final String HADOOP_CODECS = "org.apache.hadoop.io.compress.";
  private static final String JDK_CODECS = "java.util.zip.";
  private static final int MAX_CAUSES = 32;

  private CompressedFileCheck() {}

  /** The damaged files among {@code paths}, in their order, each with the decompressor's words. */
  static Map<String, String> problems(SparkSession spark, List<String> paths) {
    if (paths.isEmpty()) {
      return Map.of();
    }
    JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<HashMap<String, String>> settings = context.broadcast(hadoopSettings(spark));
    // One file per task up to a few tasks per core: files differ in size, tasks should not.
    int tasks = Math.min(paths.size(), 4 * Math.max(1, context.defaultParallelism()));
    List<Tuple2<String, String>> found;
    try {
      found =
          context
              .parallelize(paths, tasks)
              .mapPartitions((Iterator<String> files) -> problemsOf(files, settings.value()))
              .collect();
    } finally {
      settings.destroy();
    }
    Map<String, String> problems = new LinkedHashMap<>();
    found.forEach(problem -> problems.put(problem._1(), problem._2()));
    return problems;
  }

  /**
   * Whether a failure comes from decompressing an input: an I/O error thrown inside a codec. A
   * cause that did not survive the trip from an executor leaves its stack trace in the message.
   */
  static boolean isDecompressionFailure(Throwable failure) {
    Throwable error = failure;
    for (int depth = 0; error != null && depth < MAX_CAUSES; depth++) {
      if (error instanceof IOException && thrownByCodec(error)) {
        return true;
      }
      String message = String.valueOf(error.getMessage());
      if (message.contains("at " + HADOOP_CODECS) || message.contains("at " + JDK_CODECS)) {
        return true;
      }
      error = error.getCause();
    }
    return false;
  }

  /** "gzip" for .gz, else the codec's extension: the word a user knows the format by. */
  static String formatName(CompressionCodec codec) {
    String extension = codec.getDefaultExtension().replaceFirst("^\\.", "");
    return switch (extension) {
      case "gz" -> "gzip";
      case "bz2" -> "bzip2";
      default -> extension;
    };
  }

  /** The innermost message of a decompression error; the outer ones only wrap it. */
  static String complaint(Throwable error) {
    Throwable innermost = error;
    for (int depth = 0; innermost.getCause() != null && depth < MAX_CAUSES; depth++) {
      innermost = innermost.getCause();
    }
    String message = innermost.getMessage();
    return message == null || message.isBlank() ? innermost.getClass().getName() : message.strip();
  }

  /** Buffered, so that {@link #isEmpty} can look at the first byte. */
  static InputStream openRaw(Path file, Configuration hadoop) throws IOException {
    return new BufferedInputStream(file.getFileSystem(hadoop).open(file));
  }

  /** Spark reads an empty compressed file as no lines, where a codec would call it truncated. */
  static boolean isEmpty(InputStream raw) throws IOException {
    raw.mark(1);
    boolean empty = raw.read() < 0;
    raw.reset();
    return empty;
  }

  private static boolean thrownByCodec(Throwable error) {
    for (StackTraceElement frame : error.getStackTrace()) {
      String type = frame.getClassName();
      if (type.startsWith(HADOOP_CODECS) || type.startsWith(JDK_CODECS)) {
        return true;
      }
    }
    return false;
  }

  /** Runs in a task. */
  private static Iterator<Tuple2<String, String>> problemsOf(
      Iterator<String> files, Map<String, String> settings) {
    Configuration hadoop = new Configuration(false);
    settings.forEach(hadoop::set);
    CompressionCodecFactory codecs = new CompressionCodecFactory(hadoop);
    List<Tuple2<String, String>> problems = new ArrayList<>();
    while (files.hasNext()) {
      Path file = new Path(files.next());
      try (InputStream raw = openRaw(file, hadoop)) {
        if (!isEmpty(raw)) {
          codecs.getCodec(file).createInputStream(raw).transferTo(OutputStream.nullOutputStream());
        }
      } catch (IOException e) {
        if (!isDecompressionFailure(e)) {
          // Storage trouble is not the file's fault: the run fails as on any other read error.
          throw new IllegalStateException("cannot read input file " + file, e);
        }
        problems.add(new Tuple2<>(file.toString(), complaint(e)));
      }
    }
    return problems.iterator();
  }

  /** Hadoop's Configuration is not serialisable; its resolved entries are. */
  private static HashMap<String, String> hadoopSettings(SparkSession spark) {
    HashMap<String, String> settings = new HashMap<>();
    spark.sparkContext().hadoopConfiguration().forEach(e -> settings.put(e.getKey(), e.getValue()));
    return settings;
  }
}
