package dev.segmentation.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The keys of a metrics.json as dotted paths, compared with the committed list under {@code
 * src/test/resources/metrics-keys/}: a key renamed, dropped or added by accident fails a test.
 * Numbers that name a segment, a k or a category read {@code <n>}; {@code config.spark} is one key
 * (it copies whatever Spark settings the run had).
 */
final class MetricsKeys {

  private MetricsKeys() {}

  static void assertDocumented(Path metricsJson, String subcommand) {
    try {
      Path committed = Path.of("src/test/resources/metrics-keys", subcommand + ".txt");
      List<String> expected =
          Files.readAllLines(committed).stream()
              .filter(line -> !line.isBlank() && !line.startsWith("#"))
              .toList();
      List<String> actual = of(new ObjectMapper().readTree(metricsJson.toFile()));
      assertEquals(
          String.join("\n", expected),
          String.join("\n", actual),
          "the keys of " + metricsJson + " differ from " + committed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> of(JsonNode metrics) {
    TreeSet<String> keys = new TreeSet<>();
    collect(metrics, "", keys);
    return List.copyOf(keys);
  }

  private static void collect(JsonNode node, String path, TreeSet<String> keys) {
    if (!node.isObject() || node.isEmpty() || path.equals("config.spark")) {
      keys.add(path);
      return;
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String name = field.getKey().matches("-?\\d+") ? "<n>" : field.getKey();
      collect(field.getValue(), path.isEmpty() ? name : path + "." + name, keys);
    }
  }
}
