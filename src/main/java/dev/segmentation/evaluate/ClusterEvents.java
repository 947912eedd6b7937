package dev.segmentation.evaluate;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.Success$;
import org.apache.spark.TaskEndReason;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.storage.BlockUpdatedInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the cluster did to a run: executors that went away and the cached blocks they took with
 * them, tasks that failed, stages Spark submitted again to recompute lost output, and what did not
 * fit in memory (shuffle and sort spill, cached blocks kept on disk). A run that survives a lost
 * executor says so in its log and in {@code metrics.json} ({@code cluster.*}), instead of only
 * taking longer.
 */
public final class ClusterEvents extends SparkListener {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterEvents.class);

  private final List<String> removedExecutors = new CopyOnWriteArrayList<>();

  /** Cached blocks (materialised tables) by the executor that holds them. */
  private final Map<String, Set<String>> cachedBlocks = new HashMap<>();

  private final AtomicLong lostBlocks = new AtomicLong();
  private final Map<String, AtomicLong> failedTasks = new TreeMap<>();
  private final AtomicLong resubmittedStages = new AtomicLong();

  /** Shuffles whose every output has been written once. */
  private final Set<Object> writtenShuffles = ConcurrentHashMap.newKeySet();

  private final AtomicLong spilledToDisk = new AtomicLong();
  private final AtomicLong spilledFromMemory = new AtomicLong();

  /** Bytes of cached blocks on executor disk, by block, and the most there were at once. */
  private final Map<String, Long> cachedOnDisk = new HashMap<>();

  private long cachedOnDiskNow;
  private long cachedOnDiskPeak;

  private ClusterEvents() {}

  /** Starts listening to the session's scheduler; {@link #stop} ends it. */
  public static ClusterEvents listen(SparkContext context) {
    ClusterEvents events = new ClusterEvents();
    context.addSparkListener(events);
    return events;
  }

  @Override
  public void onBlockUpdated(SparkListenerBlockUpdated update) {
    BlockUpdatedInfo block = update.blockUpdatedInfo();
    if (!block.blockId().isRDD()) {
      return;
    }
    synchronized (cachedBlocks) {
      Set<String> held =
          cachedBlocks.computeIfAbsent(block.blockManagerId().executorId(), e -> new HashSet<>());
      if (block.storageLevel().isValid()) {
        held.add(block.blockId().name());
      } else {
        held.remove(block.blockId().name());
      }
      String key = block.blockManagerId().executorId() + "/" + block.blockId().name();
      Long before =
          block.diskSize() > 0 ? cachedOnDisk.put(key, block.diskSize()) : cachedOnDisk.remove(key);
      cachedOnDiskNow += block.diskSize() - (before == null ? 0 : before);
      cachedOnDiskPeak = Math.max(cachedOnDiskPeak, cachedOnDiskNow);
    }
  }

  @Override
  public void onExecutorRemoved(SparkListenerExecutorRemoved removed) {
    int blocks;
    synchronized (cachedBlocks) {
      blocks = cachedBlocks.getOrDefault(removed.executorId(), Set.of()).size();
      cachedBlocks.remove(removed.executorId());
    }
    lostBlocks.addAndGet(blocks);
    removedExecutors.add(removed.executorId() + ": " + removed.reason());
    LOG.warn(
        "executor {} lost ({}) with {} cached blocks of intermediate tables: Spark reruns its "
            + "tasks and recomputes those blocks and its shuffle output when they are needed",
        removed.executorId(),
        removed.reason(),
        blocks);
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd task) {
    if (task.taskMetrics() != null) {
      spilledToDisk.addAndGet(task.taskMetrics().diskBytesSpilled());
      spilledFromMemory.addAndGet(task.taskMetrics().memoryBytesSpilled());
    }
    TaskEndReason reason = task.reason();
    if (reason != Success$.MODULE$) {
      String kind = reason.getClass().getSimpleName().replace("$", "");
      synchronized (failedTasks) {
        failedTasks.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
      }
    }
  }

  @Override
  public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
    StageInfo stage = submitted.stageInfo();
    // A shuffle written once may be read by later jobs, each planning a stage of its own for it:
    // that stage runs (attempt 0) only when some of the shuffle's output is missing.
    boolean rewritesShuffle =
        stage.shuffleDepId().isDefined() && writtenShuffles.contains(stage.shuffleDepId().get());
    if (stage.attemptNumber() > 0 || rewritesShuffle) {
      resubmittedStages.incrementAndGet();
      LOG.warn(
          "stage {} attempt {}: recomputing output that was lost",
          stage.stageId(),
          stage.attemptNumber());
    }
  }

  @Override
  public void onStageCompleted(SparkListenerStageCompleted completed) {
    StageInfo stage = completed.stageInfo();
    if (stage.failureReason().isEmpty() && stage.shuffleDepId().isDefined()) {
      writtenShuffles.add(stage.shuffleDepId().get());
    }
  }

  /** Stops listening and records the counts under {@code cluster.*}. */
  public void stop(SparkContext context, RunMetrics metrics) {
    context.removeSparkListener(this);
    Map<String, Long> failed = new TreeMap<>();
    synchronized (failedTasks) {
      failedTasks.forEach((kind, count) -> failed.put(kind, count.get()));
    }
    metrics.put("cluster.executors_lost", removedExecutors.size());
    metrics.put("cluster.executors_lost_reasons", List.copyOf(removedExecutors));
    metrics.put("cluster.cached_blocks_lost", lostBlocks.get());
    metrics.put("cluster.failed_tasks", failed);
    metrics.put("cluster.resubmitted_stages", resubmittedStages.get());
    metrics.put("cluster.spill.disk_bytes", spilledToDisk.get());
    metrics.put("cluster.spill.memory_bytes", spilledFromMemory.get());
    synchronized (cachedBlocks) {
      metrics.put("cluster.spill.cached_on_disk_peak_bytes", cachedOnDiskPeak);
    }
  }
}
