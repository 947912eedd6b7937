package dev.segmentation.clean;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;

import dev.segmentation.ingest.InvoiceColumns;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.plans.physical.ClusteredDistribution;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Option;
import scala.collection.JavaConverters;

/**
 * Of several open lines equal in all eight invoice columns, keeps the first and tags the rest.
 *
 * <p>Copies are found in one pass over each partition sorted by a hash of the line: copies share a
 * hash, so each line is compared with the lines before it of the same hash, column by column, and
 * two lines whose hashes collide are never taken for copies. Sorting by one {@code long} lets Spark
 * radix-sort; a window per distinct line sorts by all nine columns and copies them out of every
 * line to find where each window ends, half as much time again at scale. Copies sit in one
 * partition when the lines are partitioned by customer and stock code, as cleaning shuffles them;
 * lines partitioned otherwise are repartitioned so first.
 */
public final class DuplicateLineRule {

  static final String LINE_HASH = "_line_hash";
  private static final String IS_COPY = "_is_copy";

  public Dataset<Row> apply(Dataset<Row> lines) {
    List<String> identity = new ArrayList<>(InvoiceColumns.ALL);
    // Lines set aside earlier form groups of their own, so they never shadow an open line.
    identity.add(CleanColumns.SET_ASIDE_REASON);
    Dataset<Row> sorted =
        withCopiesTogether(lines)
            .withColumn(
                LINE_HASH,
                xxhash64(identity.stream().map(name -> col(name)).toArray(Column[]::new)))
            .sortWithinPartitions(LINE_HASH);
    CopyMarker marker = new CopyMarker(sorted.schema(), identity);
    JavaRDD<InternalRow> marked =
        sorted.queryExecution().toRdd().toJavaRDD().mapPartitions(marker::mark, true);
    Dataset<Row> flagged =
        lines
            .sparkSession()
            .internalCreateDataFrame(
                marked.rdd(), sorted.schema().add(IS_COPY, DataTypes.BooleanType, false), false);
    // Copies are equal in every column kept downstream, so which one stays does not matter.
    return SetAsideReason.DUPLICATE.tag(flagged, col(IS_COPY)).drop(LINE_HASH, IS_COPY);
  }

  /** The lines as they are if their plan puts lines of one customer and stock code together. */
  private static Dataset<Row> withCopiesTogether(Dataset<Row> lines) {
    List<Expression> product =
        List.of(
            lines.col(InvoiceColumns.CUSTOMER_ID).expr(),
            lines.col(InvoiceColumns.STOCK_CODE).expr());
    ClusteredDistribution together =
        new ClusteredDistribution(
            JavaConverters.asScalaBuffer(product).toSeq(), false, Option.empty());
    return lines.queryExecution().sparkPlan().outputPartitioning().satisfies(together)
        ? lines
        : lines.repartition(col(InvoiceColumns.CUSTOMER_ID), col(InvoiceColumns.STOCK_CODE));
  }

  /**
   * Marks each line of a partition sorted by {@link #LINE_HASH} that equals an earlier line of that
   * hash in the named columns: adds a boolean.
   */
  static final class CopyMarker implements Serializable {

    private final int hash;
    private final int[] columns;
    private final DataType[] types;

    CopyMarker(StructType schema, List<String> identity) {
      this.hash = schema.fieldIndex(LINE_HASH);
      this.columns = identity.stream().mapToInt(schema::fieldIndex).toArray();
      this.types =
          identity.stream().map(name -> schema.apply(name).dataType()).toArray(DataType[]::new);
    }

    Iterator<InternalRow> mark(Iterator<InternalRow> rows) {
      return new Iterator<>() {
        /** The distinct lines of the current hash, as copies: the sorter reuses its rows. */
        private final List<UnsafeRow> distinct = new ArrayList<>();

        private int distinctCount;
        private long currentHash;
        private final GenericInternalRow flag = new GenericInternalRow(1);
        private final JoinedRow flagged = new JoinedRow();

        @Override
        public boolean hasNext() {
          return rows.hasNext();
        }

        @Override
        public InternalRow next() {
          // Spark's sort hands out its rows as UnsafeRows.
          UnsafeRow line = (UnsafeRow) rows.next();
          long lineHash = line.getLong(hash);
          boolean sameHash = distinctCount > 0 && lineHash == currentHash;
          boolean copy = sameHash && isCopy(line);
          if (!sameHash) {
            currentHash = lineHash;
            distinctCount = 0;
          }
          if (!copy) {
            remember(line);
          }
          flag.setBoolean(0, copy);
          return flagged.apply(line, flag);
        }

        private boolean isCopy(UnsafeRow line) {
          for (int i = 0; i < distinctCount; i++) {
            if (sameColumns(line, distinct.get(i))) {
              return true;
            }
          }
          return false;
        }

        private void remember(UnsafeRow line) {
          if (distinctCount < distinct.size()) {
            distinct.get(distinctCount).copyFrom(line);
          } else {
            distinct.add(line.copy());
          }
          distinctCount++;
        }
      };
    }

    /** Rare: only lines of one hash are compared. */
    private boolean sameColumns(InternalRow a, InternalRow b) {
      for (int i = 0; i < columns.length; i++) {
        if (!Objects.equals(a.get(columns[i], types[i]), b.get(columns[i], types[i]))) {
          return false;
        }
      }
      return true;
    }
  }
}
