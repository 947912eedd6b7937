package dev.segmentation.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.segmentation.SparkTestBase;
import dev.segmentation.TestFiles;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import dev.segmentation.evaluate.RunMetrics;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IngestJobTest extends SparkTestBase {

  @TempDir Path dir;

  @Test
  void writesEveryOutputAndCountsThatAddUp() throws Exception {
    TestFiles.csv(
        dir,
        "in/2010-12-01.csv",
        "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",
        "536365,85123A,HEART,6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom",
        "536366,22633,HAND WARMER,6,12/1/2010 8:28,1.85,17850.0,United Kingdom",
        "536367,POST,POSTAGE,1,2010-12-01 08:34:00,18.0,17850.0,United Kingdom",
        "536368,22960,JAM MAKING SET,6,2010-12-01 08:34:00,4.25,,United Kingdom",
        "C536369,85123A,HEART,-2,2010-12-01 09:00:00,2.55,17850.0,United Kingdom",
        "C536370,99999,GONE,-1,2010-12-01 09:00:00,2.55,17850.0,United Kingdom",
        "536371,22961,JAM,six,2010-12-01 08:34:00,4.25,17850.0,United Kingdom",
        "536372,22962,JAM,6,2010-12-01 08:34:00,4.25");
    JobConfig config =
        TestConfigs.withOverrides(
            Map.of(
                "segmentation.input.uris", dir.resolve("in").toString(),
                "segmentation.output.root", dir.resolve("runs").toString(),
                "segmentation.run-id", "r1"));

    RunMetrics metrics = IngestJob.run(spark(), config).metrics();
    MetricsKeys.assertDocumented(dir.resolve("runs/r1/metrics.json"), "ingest");

    JsonNode json = new ObjectMapper().readTree(dir.resolve("runs/r1/metrics.json").toFile());
    JsonNode lines = json.get("lines");
    assertEquals(9, lines.get("read").asLong());
    assertEquals(2, lines.get("kept").asLong());
    assertEquals(1, lines.get("malformed").get("wrong_field_count").asLong());
    assertEquals(1, lines.get("malformed").get("bad_quantity").asLong());
    assertEquals(1, lines.get("set_aside").get("no_customer").asLong());
    assertEquals(1, lines.get("set_aside").get("duplicate").asLong());
    assertEquals(1, lines.get("set_aside").get("non_product").asLong());
    assertEquals(1, lines.get("set_aside").get("cancellation_matched").asLong());
    assertEquals(1, lines.get("set_aside").get("cancellation_unmatched").asLong());
    assertEquals(
        lines.get("read").asLong(),
        sumOfLeaves(lines.get("malformed"))
            + sumOfLeaves(lines.get("set_aside"))
            + lines.get("kept").asLong());
    assertEquals("r1", json.get("run_id").asText());
    assertEquals(metrics.getLong("lines.read"), 9);

    List<String> kept =
        spark()
            .read()
            .parquet(dir.resolve("runs/r1/clean_lines").toString())
            .orderBy("invoice_no")
            .collectAsList()
            .stream()
            .map(
                r ->
                    r.getAs("invoice_no")
                        + " qc="
                        + r.getAs("quantity_cancelled")
                        + " amount="
                        + r.getAs("amount"))
            .collect(Collectors.toList());
    assertEquals(List.of("536365 qc=2 amount=10.2", "536366 qc=0 amount=11.100000000000001"), kept);

    List<Row> quarantine =
        spark()
            .read()
            .parquet(dir.resolve("runs/r1/quarantine").toString())
            .orderBy("reason")
            .collectAsList();
    assertEquals("bad_quantity", quarantine.get(0).getAs("reason"));
    assertEquals(
        "536371,22961,JAM,six,2010-12-01 08:34:00,4.25,17850.0,United Kingdom",
        quarantine.get(0).getAs("raw_line"));
    assertEquals("wrong_field_count", quarantine.get(1).getAs("reason"));
    assertEquals(5, spark().read().parquet(dir.resolve("runs/r1/set_aside").toString()).count());
  }

  private static long sumOfLeaves(JsonNode node) {
    long sum = 0;
    for (JsonNode value : node) {
      sum += value.asLong();
    }
    return sum;
  }
}
