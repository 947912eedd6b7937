package dev.segmentation.job;

import dev.segmentation.clean.LineCounts;
import dev.segmentation.evaluate.RunMetrics;

/** {@code ingest}: where every line went, and the run folder holding the tables. */
public record IngestResult(RunMetrics metrics, LineCounts lines, String output)
    implements JobResult {}
