package dev.segmentation.cli;

import dev.segmentation.BuildInfo;
import dev.segmentation.ContractViolation;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The driver's entry point, for spark-submit and for scripts/segment alike. */
@Command(
    name = "segment",
    mixinStandardHelpOptions = true,
    versionProvider = SegmentCli.Version.class,
    description = "Customer segmentation of invoice lines on Spark.",
    subcommands = {
      IngestCommand.class,
      TrainCommand.class,
      ScoreCommand.class,
      BacktestCommand.class,
      ReportCommand.class
    },
    footerHeading = "%nExit codes:%n",
    footer = {
      "  0  success",
      "  1  unexpected failure",
      "  2  bad usage, bad configuration value, or input that breaks the data contract",
      "  3  train: a quality-gate threshold was missed; nothing published"
    })
public final class SegmentCli implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentCli.class);

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is needed");
  }

  public static void main(String[] args) {
    int code = execute(args);
    SparkSessions.stopActive();
    System.exit(code);
  }

  /** Runs one command line and returns its exit code; leaves the Spark session running. */
  public static int execute(String... args) {
    return execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  public static int execute(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new SegmentCli()).setOut(out).setErr(err);
    cli.setExecutionExceptionHandler(
        (error, command, parsed) -> {
          if (error instanceof ContractViolation) {
            command.getErr().println("error: " + oneLine(error.getMessage()));
            command.getErr().flush();
            return ExitCode.CONTRACT.code();
          }
          LOG.error("unexpected failure", error);
          command
              .getErr()
              .println(
                  "error: unexpected failure: "
                      + describeFailure(error)
                      + "; the stack trace is in the log");
          command.getErr().flush();
          return ExitCode.FAILURE.code();
        });
    return cli.execute(args);
  }

  private static String oneLine(String message) {
    return message.replaceAll("\\s*\\R\\s*", " ").trim();
  }

  /**
   * The class and message of the deepest cause, which the outer exceptions only wrap, after the
   * outermost message when that adds context (which path, which step). First lines only: Spark's
   * messages go on with the failed task's stack trace.
   */
  static String describeFailure(Throwable error) {
    Throwable innermost = error;
    for (int depth = 0; innermost.getCause() != null && depth < 32; depth++) {
      innermost = innermost.getCause();
    }
    String message = firstLine(innermost.getMessage());
    String cause = innermost.getClass().getName() + (message.isEmpty() ? "" : ": " + message);
    String context = innermost == error ? "" : firstLine(error.getMessage());
    return context.isEmpty() || context.contains(innermost.getClass().getName())
        ? cause
        : context + ": " + cause;
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.strip().lines().findFirst().orElse("").strip();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"customer-segmentation " + BuildInfo.version()};
    }
  }
}
