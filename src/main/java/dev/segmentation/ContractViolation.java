package dev.segmentation;

/**
 * The run cannot go on because of what it was given: bad usage, a bad configuration value, or input
 * that breaks the data contract (missing path, missing column, no data). The message is one line
 * that names the problem; the command line turns it into exit code 2.
 */
public class ContractViolation extends RuntimeException {

  public ContractViolation(String message) {
    super(message);
  }

  public ContractViolation(String message, Throwable cause) {
    super(message, cause);
  }
}
