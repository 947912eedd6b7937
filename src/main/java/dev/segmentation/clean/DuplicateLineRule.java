package dev.segmentation.clean;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.xxhash64;

import dev.segmentation.ingest.InvoiceColumns;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/** Of several open lines equal in all eight invoice columns, keeps the first and tags the rest. */
public final class DuplicateLineRule {

  private static final String COPY_NUMBER = "_copy_number";

  public Dataset<Row> apply(Dataset<Row> lines) {
    List<Column> identity = new ArrayList<>();
    InvoiceColumns.ALL.forEach(name -> identity.add(col(name)));
    // Lines set aside earlier form groups of their own, so they never shadow an open line.
    identity.add(col(CleanColumns.SET_ASIDE_REASON));
    // A hash of the line leads the keys: the sort the window needs then compares one long for
    // almost every pair of lines instead of up to nine strings; the columns themselves still
    // decide, so two lines whose hashes collide are never taken for copies. Copies are equal in
    // every column kept downstream, so which one stays does not matter.
    Column hash = xxhash64(identity.toArray(Column[]::new));
    List<Column> keys = new ArrayList<>(List.of(hash));
    keys.addAll(identity);
    WindowSpec copies = Window.partitionBy(keys.toArray(Column[]::new)).orderBy(hash);
    Dataset<Row> numbered = lines.withColumn(COPY_NUMBER, row_number().over(copies));
    return SetAsideReason.DUPLICATE.tag(numbered, col(COPY_NUMBER).gt(1)).drop(COPY_NUMBER);
  }
}
