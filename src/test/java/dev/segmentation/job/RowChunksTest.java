package dev.segmentation.job;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.segmentation.SparkTestBase;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Dataset$;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.execution.LogicalRDD$;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class RowChunksTest extends SparkTestBase {

  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType, false)
          .add("text", DataTypes.StringType, true)
          .add("amount", DataTypes.DoubleType, true);

  @Test
  void rowsComeBackExactlyAcrossSeveralChunksAndOneLargerThanAChunk() {
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 30_000; id++) {
      // About 300 bytes a row: 9 MB in all, more than two full chunks.
      rows.add(RowFactory.create(id, "x".repeat(280) + id, id % 7 == 0 ? null : id / 4.0));
    }
    rows.add(RowFactory.create(30_000L, "y".repeat(RowChunks.CHUNK_BYTES + 10), 1.5));
    rows.add(RowFactory.create(30_001L, null, null));
    Dataset<Row> table = spark().createDataFrame(rows, SCHEMA).coalesce(1);

    JavaRDD<byte[]> chunks = RowChunks.pack(table.queryExecution().toRdd(), SCHEMA);
    List<byte[]> packed = chunks.collect();
    List<Row> back =
        Dataset$.MODULE$
            .ofRows(
                spark(),
                LogicalRDD$.MODULE$.fromDataset(
                    RowChunks.unpack(chunks, SCHEMA.size()), table, false))
            .collectAsList();

    Assertions.assertTrue(packed.size() >= 4, "chunks: " + packed.size());
    assertEquals(30_002L, packed.stream().mapToLong(RowChunks::rowsIn).sum());
    assertEquals(rows, back);
  }

  @Test
  void aSmallTableKeepsAFewBytesAndEmptyPartitionsKeepNothing() {
    Dataset<Row> table =
        spark()
            .createDataFrame(
                List.of(RowFactory.create(1L, "one", 1.0), RowFactory.create(2L, "two", null)),
                SCHEMA)
            .repartition(8);

    List<byte[]> packed = RowChunks.pack(table.queryExecution().toRdd(), SCHEMA).collect();

    assertEquals(2L, packed.stream().mapToLong(RowChunks::rowsIn).sum());
    Assertions.assertTrue(
        packed.size() <= 2, "one chunk per partition with rows: " + packed.size());
    packed.forEach(
        chunk ->
            Assertions.assertTrue(chunk.length < 200, "a chunk of " + chunk.length + " bytes"));
  }
}
