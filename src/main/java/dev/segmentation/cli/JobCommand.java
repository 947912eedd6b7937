package dev.segmentation.cli;

import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand that runs one job: read the configuration, start Spark, run, print a summary. */
abstract class JobCommand implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    JobConfig config = common.load(overrides());
    RunMetrics metrics = run(SparkSessions.getOrCreate(config), config);
    PrintWriter out = spec.commandLine().getOut();
    printSummary(out, metrics);
    out.flush();
    return ExitCode.SUCCESS.code();
  }

  /** Settings a subcommand's own options stand for. */
  Map<String, String> overrides() {
    return Map.of();
  }

  abstract RunMetrics run(SparkSession spark, JobConfig config);

  abstract void printSummary(PrintWriter out, RunMetrics metrics);
}
