package dev.segmentation.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segmentation.SparkTestBase;
import dev.segmentation.config.TestConfigs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/scale-data}, the generator the scale benchmark reads: exact line, customer and
 * invoice counts for three copies of a few bundled days, and the job's every line counter on the
 * copy is exactly three times its counter on the original.
 */
class ScaledDataTest extends SparkTestBase {

  private static final List<String> DAYS =
      List.of("2010-12-01.csv.gz", "2010-12-02.csv.gz", "2011-01-04.csv.gz");
  private static final Path BUNDLED = Path.of("src/data/online-retail");

  @TempDir Path dir;

  @Test
  void threeCopiesHaveThreeTimesTheLinesAndDistinctCustomersAndInvoices() throws Exception {
    Path source = fewDays();
    Path scaled = generate(3, source);

    for (String day : DAYS) {
      List<String> original = lines(source.resolve(day));
      List<String> copy = lines(scaled.resolve(day));
      assertEquals(original.get(0), copy.get(0), "the header, once");
      assertEquals(3 * (original.size() - 1) + 1, copy.size(), day);
      // Copy 0 is the original, byte for byte.
      assertEquals(original, copy.subList(0, original.size()));
    }
    Fields original = fields(source);
    Fields copy = fields(scaled);
    assertEquals(3 * original.customers.size(), copy.customers.size());
    assertEquals(3 * original.invoices.size(), copy.invoices.size());
    assertEquals(original.products, copy.products);
    assertEquals(original.dates, copy.dates);
    Assertions.assertTrue(copy.customers.contains("217850.0"), "copy 2 of customer 17850.0");
    Assertions.assertTrue(copy.invoices.contains("C2536379"), "copy 2 of cancellation C536379");
  }

  @Test
  void everyLineCounterOfTheJobTriples() throws Exception {
    Path source = fewDays();
    Path scaled = generate(3, source);

    JsonNode once = ingest(source, "once");
    JsonNode thrice = ingest(scaled, "thrice");

    // The three days as they are: every kind of line the scaling must keep apart is there.
    assertEquals(6_401, once.get("read").asLong());
    assertEquals(4_583, once.get("kept").asLong());
    assertEquals(1_629, once.at("/set_aside/no_customer").asLong());
    assertEquals(94, once.at("/set_aside/duplicate").asLong());
    assertEquals(5, once.at("/set_aside/cancellation_matched").asLong());
    assertEquals(77, once.at("/set_aside/cancellation_unmatched").asLong());
    assertTriple(once, thrice, "");
  }

  private static void assertTriple(JsonNode once, JsonNode thrice, String path) {
    if (once.isNumber()) {
      assertEquals(3 * once.asLong(), thrice.asLong(), "lines" + path);
      return;
    }
    Iterator<String> names = once.fieldNames();
    int fields = 0;
    while (names.hasNext()) {
      String name = names.next();
      assertTriple(once.get(name), thrice.get(name), path + "." + name);
      fields++;
    }
    assertEquals(fields, thrice.size(), "counters of lines" + path);
  }

  private JsonNode ingest(Path input, String runId) throws IOException {
    IngestJob.run(
        spark(),
        TestConfigs.withOverrides(
            Map.of(
                "segmentation.input.uris", input.toString(),
                "segmentation.output.root", dir.resolve("runs").toString(),
                "segmentation.run-id", runId)));
    return new ObjectMapper()
        .readTree(dir.resolve("runs").resolve(runId).resolve("metrics.json").toFile())
        .get("lines");
  }

  private Path fewDays() throws IOException {
    Path source = Files.createDirectories(dir.resolve("source"));
    for (String day : DAYS) {
      Files.copy(BUNDLED.resolve(day), source.resolve(day));
    }
    return source;
  }

  private Path generate(int copies, Path source) throws Exception {
    Path target = dir.resolve("x" + copies);
    Process process =
        new ProcessBuilder(
                "scripts/scale-data", String.valueOf(copies), target.toString(), source.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    Assertions.assertTrue(process.waitFor(2, TimeUnit.MINUTES), "scale-data did not end");
    assertEquals(0, process.exitValue(), output);
    assertEquals(DAYS.size(), Files.list(target).count());
    return target;
  }

  /** Distinct customers, invoices, products and dates of a folder's lines. */
  private record Fields(
      Set<String> customers, Set<String> invoices, Set<String> products, Set<String> dates) {}

  private static Fields fields(Path folder) throws IOException {
    Fields fields = new Fields(new HashSet<>(), new HashSet<>(), new HashSet<>(), new HashSet<>());
    for (String day : DAYS) {
      List<String> lines = lines(folder.resolve(day));
      for (String line : lines.subList(1, lines.size())) {
        String[] cells = line.split(",", -1);
        fields.invoices.add(cells[0]);
        fields.products.add(cells[1]);
        fields.dates.add(cells[cells.length - 4]);
        if (!cells[cells.length - 2].isEmpty()) {
          fields.customers.add(cells[cells.length - 2]);
        }
      }
    }
    return fields;
  }

  private static List<String> lines(Path gzip) throws IOException {
    List<String> lines = new ArrayList<>();
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gzip)), StandardCharsets.UTF_8))) {
      for (String line; (line = reader.readLine()) != null; ) {
        lines.add(line);
      }
    }
    return lines;
  }
}
