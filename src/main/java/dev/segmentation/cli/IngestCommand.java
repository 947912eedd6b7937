package dev.segmentation.cli;

import dev.segmentation.config.JobConfig;
import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.job.IngestJob;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(
    name = "ingest",
    mixinStandardHelpOptions = true,
    description = {
      "Read invoice lines (CSV or Parquet), quarantine malformed ones, clean the rest and write",
      "clean_lines, set_aside, quarantine and metrics.json under OUTPUT/RUN-ID/."
    })
final class IngestCommand implements Callable<Integer> {

  @Mixin CommonOptions common;

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    JobConfig config = common.load();
    RunMetrics metrics = IngestJob.run(SparkSessions.getOrCreate(config), config);
    printSummary(spec.commandLine().getOut(), metrics);
    return ExitCode.SUCCESS.code();
  }

  static void printSummary(PrintWriter out, RunMetrics metrics) {
    out.printf("lines read        %,d%n", metrics.getLong("lines.read"));
    out.printf("  kept            %,d%n", metrics.getLong("lines.kept"));
    out.printf("  quarantined     %,d  %s%n", metrics.getLong("lines.quarantined"),
        metrics.get("lines.malformed"));
    out.printf("  set aside       %s%n", metrics.get("lines.set_aside"));
    out.printf("output            %s%n", metrics.get("output"));
    out.flush();
  }
}
