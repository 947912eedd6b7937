package dev.segmentation.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees on the console of a run, in a JVM of its own with the shipped logging
 * configuration: each step's start and end with what it handled, no progress bar when the output is
 * not a terminal, and none of Spark's expected warnings.
 */
class ConsoleOutputTest {

  @TempDir Path runs;

  @Test
  void eachStepSaysWhenItStartsAndEndsAndWhatItHandled() throws IOException {
    JobProcess.Result result =
        JobProcess.run(
            Map.of(),
            List.of(
                "ingest",
                "--input",
                "src/data/online-retail/2011-03-01.csv.gz",
                "--output",
                runs.toString(),
                "--run-id",
                "console"));

    assertEquals(0, result.exitCode(), result.output());
    JsonNode lines =
        new ObjectMapper().readTree(runs.resolve("console/metrics.json").toFile()).get("lines");
    long setAside =
        lines.get("read").asLong() - lines.get("kept").asLong() - lines.get("quarantined").asLong();
    String output = result.output();
    for (String step : List.of("read", "clean", "write")) {
      assertTrue(output.contains("INFO  RunMetrics: step " + step + " ...\n"), output);
    }
    assertLine(output, "step read done in [0-9.]+ s: " + grouped(lines.get("read")) + " lines");
    assertLine(
        output,
        "step clean done in [0-9.]+ s: "
            + grouped(lines.get("kept"))
            + " lines kept, "
            + String.format(Locale.ROOT, "%,d", setAside)
            + " set aside, "
            + grouped(lines.get("quarantined"))
            + " quarantined");
    assertLine(output, "step write done in [0-9.]+ s: " + grouped(lines.get("read")) + " lines");
    assertFalse(output.contains("[Stage "), "a progress bar in a log:\n" + output);
    assertFalse(output.contains(" WARN "), "a warning on the console:\n" + output);
  }

  private static String grouped(JsonNode count) {
    return String.format(Locale.ROOT, "%,d", count.asLong());
  }

  private static void assertLine(String output, String regex) {
    assertTrue(
        Pattern.compile("INFO  RunMetrics: " + regex + "\n").matcher(output).find(),
        "no line /" + regex + "/ in:\n" + output);
  }
}
