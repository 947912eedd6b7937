package dev.segmentation.cli;

import dev.segmentation.ContractViolation;
import dev.segmentation.config.JobConfig;
import dev.segmentation.ingest.InvoiceSource;
import dev.segmentation.job.JobResult;
import dev.segmentation.publish.WarehouseTable;
import java.io.PrintWriter;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** A subcommand that runs one job: read the configuration, start Spark, run, print a summary. */
abstract class JobCommand<R extends JobResult> implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Spec CommandSpec spec;

  @Override
  public final Integer call() {
    JobConfig config = common.load(overrides());
    R result = runNamingUnreadableInput(SparkSessions.getOrCreate(config), config);
    PrintWriter out = spec.commandLine().getOut();
    printSummary(out, result);
    out.flush();
    return exitCode(result).code();
  }

  /**
   * A damaged input file fails the Spark task that reads it, far from the source that knows the
   * files; here the failure is turned back into one that names the file.
   */
  private R runNamingUnreadableInput(SparkSession spark, JobConfig config) {
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
  ExitCode exitCode(R result) {
    return ExitCode.SUCCESS;
  }

  /** Settings a subcommand's own options stand for. */
  Map<String, String> overrides() {
    return Map.of();
  }

  /** One line per table the run published, if any. */
  static void printPublished(PrintWriter out, JobResult result) {
    for (WarehouseTable.Published table : result.published()) {
      out.printf(
          "published         %s, snapshot %s, %,d rows%n",
          table.table(), table.date(), table.rows());
    }
  }

  abstract R run(SparkSession spark, JobConfig config);

  abstract void printSummary(PrintWriter out, R result);
}
