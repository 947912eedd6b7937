package dev.segmentation.job;

import dev.segmentation.evaluate.RunMetrics;

/** {@code report}: where {@code report.html} was written. */
public record ReportResult(RunMetrics metrics, String report, String output) implements JobResult {}
