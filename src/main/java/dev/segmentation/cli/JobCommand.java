package dev.segmentation.cli;

import dev.segmentation.ContractViolation;
import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.ingest.InvoiceSource;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
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
    RunMetrics metrics = runNamingUnreadableInput(SparkSessions.getOrCreate(config), config);
    PrintWriter out = spec.commandLine().getOut();
    printSummary(out, metrics);
    out.flush();
    return exitCode(metrics).code();
  }

  /**
   * A damaged input file fails the Spark task that reads it, far from the source that knows the
   * files; here the failure is turned back into one that names the file.
   */
  private RunMetrics runNamingUnreadableInput(SparkSession spark, JobConfig config) {
    try {
      return run(spark, config);
    } catch (Exception failure) {
      // Scala code throws the checked SparkException undeclared, hence Exception.
      Optional<ContractViolation> unreadable =
          new InvoiceSource(spark, config.input()).unreadableInput(failure);
      if (unreadable.isPresent()) {
        throw unreadable.get();
      }
      throw failure;
    }
  }

  /** Success, unless the subcommand's own checks say otherwise. */
  ExitCode exitCode(RunMetrics metrics) {
    return ExitCode.SUCCESS;
  }

  /** Settings a subcommand's own options stand for. */
  Map<String, String> overrides() {
    return Map.of();
  }

  /** One line per table the run published, if any. */
  static void printPublished(PrintWriter out, RunMetrics metrics) {
    if (metrics.get("publish") instanceof Map<?, ?> tables) {
      tables.forEach(
          (table, details) -> {
            Map<?, ?> d = (Map<?, ?>) details;
            out.printf(
                "published         %s, snapshot %s, %,d rows%n",
                d.get("table"), d.get("snapshot_date"), ((Number) d.get("rows")).longValue());
          });
    }
  }

  abstract RunMetrics run(SparkSession spark, JobConfig config);

  abstract void printSummary(PrintWriter out, RunMetrics metrics);
}
