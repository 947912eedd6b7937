package dev.segmentation.job;

import dev.segmentation.ContractViolation;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.JobConfig.MaterialiseMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Dataset$;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.LogicalRDD;
import org.apache.spark.sql.execution.LogicalRDD$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.ShuffleQueryStageExec;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Option;
import scala.collection.JavaConverters;
import scala.math.BigInt;

/**
 * Materialises the intermediate tables that several steps reuse, the way {@code
 * segmentation.materialise.mode} says, and owns the run's checkpoint folder.
 *
 * <ul>
 *   <li>{@code local}: what {@link Dataset#localCheckpoint} does. The plan is cut, so later jobs
 *       plan against a short plan (on small tables with many k-means iterations planning would cost
 *       more than computing), but a block lives only on the executor that computed it: a lost
 *       executor fails the run. Only for a local master, where there is no other executor.
 *   <li>{@code persist}: kept in memory and on executor disk as the local checkpoint keeps it, with
 *       the plan cut the same way, but the RDD keeps its lineage: a lost block is recomputed from
 *       the input, and a lost executor costs the time of that recomputation.
 *   <li>{@code reliable}: kept as {@code persist} keeps it and also written to the checkpoint
 *       folder, as {@link Dataset#checkpoint} writes it: a lost block is read back from there,
 *       nothing is recomputed, at the price of writing every table once.
 * </ul>
 */
final class Checkpoints implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);

  private final SparkSession spark;
  private final MaterialiseMode mode;
  private final Optional<Path> folder;

  /**
   * Rows of each table {@link #materialise} returned, by the id of the RDD its plan reads. Ids, not
   * the RDDs: a table nothing refers to any more is still freed by Spark's cleaner.
   */
  private final Map<Integer, Long> rowCounts = new ConcurrentHashMap<>();

  private Checkpoints(SparkSession spark, MaterialiseMode mode, Optional<Path> folder) {
    this.spark = spark;
    this.mode = mode;
    this.folder = folder;
  }

  /**
   * Resolves {@code auto} for this session's master and, when a checkpoint folder is configured,
   * makes {@code <checkpoint-dir>/<run-id>/} Spark's checkpoint directory (reliable checkpoints and
   * MLlib's tree learners use it). {@link #close} deletes that folder.
   */
  static Checkpoints open(SparkSession spark, JobConfig config) {
    JobConfig.Materialise settings = config.materialise();
    SparkContext context = spark.sparkContext();
    MaterialiseMode mode =
        switch (settings.mode()) {
          case AUTO -> context.isLocal() ? MaterialiseMode.LOCAL : MaterialiseMode.PERSIST;
          case LOCAL -> {
            if (!context.isLocal()) {
              throw new ContractViolation(
                  "invalid configuration: segmentation.materialise.mode local "
                      + "cannot survive a lost executor and is for a local master only, not "
                      + context.master()
                      + "; use persist or reliable");
            }
            yield MaterialiseMode.LOCAL;
          }
          default -> settings.mode();
        };
    Optional<Path> folder = Optional.empty();
    if (settings.hasCheckpointDir()) {
      Path runFolder = new Path(settings.checkpointDir(), config.runId());
      context.setCheckpointDir(runFolder.toString());
      folder = Optional.of(runFolder);
    }
    LOG.info(
        "intermediate tables: {}{}",
        mode.name().toLowerCase(Locale.ROOT),
        folder.map(f -> ", checkpoints in " + f).orElse(""));
    return new Checkpoints(spark, mode, folder);
  }

  /** The resolved mode, as configured: local, persist or reliable. */
  String mode() {
    return mode.name().toLowerCase(Locale.ROOT);
  }

  /** The table, computed once now; later jobs read it instead of its plan's inputs. */
  Dataset<Row> materialise(Dataset<Row> table) {
    return keep(table, mode);
  }

  /**
   * The rows of a table {@link #materialise} returned, counted when it was computed: a step can say
   * how many lines or customers it handled without another pass over them.
   */
  long rows(Dataset<Row> materialised) {
    Long rows = rowCounts.get(keeper(materialised).rdd().id());
    if (rows == null) {
      throw notMaterialised(materialised);
    }
    return rows;
  }

  /**
   * The table repartitioned by the columns, with its shuffle written now: every plan that reads the
   * result reads the same shuffle files, where a plan that read {@code table.repartition(by)} three
   * times would shuffle (and read the input) three times, because the optimiser pushes each read's
   * filters and column pruning below the exchange. Nothing is kept in memory. A lost executor's
   * shuffle files are recomputed from the input by Spark's scheduler, as for any shuffle.
   */
  Dataset<Row> shuffled(Dataset<Row> table, Column... by) {
    Dataset<Row> repartitioned = table.repartition(by);
    // With adaptive execution, the RDD of a plan is made by running its shuffle stages.
    RDD<InternalRow> rows = repartitioned.queryExecution().toRdd();
    SparkPlan finalPlan = finalPlan(repartitioned.queryExecution().executedPlan());
    rowCounts.put(rows.id(), recordsWritten(finalPlan));
    // The layout stated, so that plans reading the table by these columns add no shuffle of their
    // own (LogicalRDD.fromDataset would take it from the adaptive plan, which states none).
    LogicalRDD relation =
        new LogicalRDD(
            repartitioned.logicalPlan().output(),
            rows,
            finalPlan.outputPartitioning(),
            finalPlan.outputOrdering(),
            false,
            spark,
            Option.empty(),
            Option.empty());
    return Dataset$.MODULE$.ofRows(spark, relation);
  }

  private static SparkPlan finalPlan(SparkPlan plan) {
    return plan instanceof AdaptiveSparkPlanExec adaptive ? adaptive.executedPlan() : plan;
  }

  /** Rows written by the shuffles a finished adaptive plan ran (0 if it has not run). */
  private static long recordsWritten(SparkPlan finalPlan) {
    long written = 0;
    if (finalPlan instanceof ShuffleQueryStageExec stage) {
      written +=
          stage.shuffle().runtimeStatistics().rowCount().map(BigInt::longValue).getOrElse(() -> 0L);
    }
    for (SparkPlan child : JavaConverters.seqAsJavaList(finalPlan.children())) {
      written += recordsWritten(child);
    }
    return written;
  }

  /**
   * What {@link Dataset#localCheckpoint} and {@link Dataset#checkpoint} do, but with the rows kept
   * as their bytes, packed in large arrays ({@link RowChunks}): about half what the same rows cost
   * as Java objects, so at scale twice as many lines stay in executor memory instead of being
   * written to disk, and no serializer touches each row (the block manager sees a few arrays, not
   * millions of objects). Local: the blocks are marked as a local checkpoint, as {@code
   * localCheckpoint} marks them. Persist: the chunks keep their lineage, so lost blocks are
   * recomputed. Reliable: the chunks are also written to the checkpoint folder while they are kept,
   * as Spark's guide advises for RDD checkpoints (without the blocks the write would compute the
   * table a second time), and lost blocks are read back from there. Either way the new table's plan
   * is a leaf: {@link Dataset#persist} alone would keep the whole chain from the input files in
   * every later plan; on train's plans that grew past a 2 GB driver heap in a single explain
   * string. The two helpers are Spark-internal ({@code private[sql]} in Scala, public to Java);
   * {@code Dataset.checkpoint} uses the same.
   */
  private Dataset<Row> keep(Dataset<Row> table, MaterialiseMode keeping) {
    StructType schema = table.schema();
    JavaRDD<byte[]> chunks =
        RowChunks.pack(table.queryExecution().toRdd(), schema)
            .persist(StorageLevel.MEMORY_AND_DISK());
    switch (keeping) {
      case LOCAL -> chunks.rdd().localCheckpoint();
      case RELIABLE -> chunks.checkpoint();
      default -> {}
    }
    // The checkpoint is written when this job ends, from the blocks the job has just kept.
    long rows = chunks.map(RowChunks::rowsIn).fold(0L, Long::sum);
    RDD<InternalRow> unpacked = RowChunks.unpack(chunks, schema.size());
    rowCounts.put(unpacked.id(), rows);
    return Dataset$.MODULE$.ofRows(spark, LogicalRDD$.MODULE$.fromDataset(unpacked, table, false));
  }

  /**
   * Frees a table {@link #materialise} returned, without waiting for the driver's garbage collector
   * to let Spark's cleaner do it. Nothing may read the table afterwards.
   */
  void release(Dataset<Row> materialised) {
    RDD<InternalRow> unpacked = keeper(materialised).rdd();
    if (rowCounts.remove(unpacked.id()) == null) {
      throw notMaterialised(materialised);
    }
    // The plan reads the rows unpacked from the chunks, the RDD that holds the blocks.
    RDD<?> chunks = unpacked.dependencies().head().rdd();
    chunks.unpersist(false);
    if (chunks.getCheckpointFile().isDefined()) {
      delete(new Path(chunks.getCheckpointFile().get()));
    }
  }

  private static LogicalRDD keeper(Dataset<Row> materialised) {
    if (!(materialised.queryExecution().analyzed() instanceof LogicalRDD table)) {
      throw notMaterialised(materialised);
    }
    return table;
  }

  private static IllegalArgumentException notMaterialised(Dataset<Row> table) {
    return new IllegalArgumentException(
        "not a table materialised by this run: " + table.queryExecution().analyzed());
  }

  /** Deletes the run's checkpoint folder, if any. */
  @Override
  public void close() {
    folder.ifPresent(this::delete);
  }

  private void delete(Path path) {
    try {
      path.getFileSystem(spark.sparkContext().hadoopConfiguration()).delete(path, true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete checkpoint folder " + path, e);
    }
  }
}
