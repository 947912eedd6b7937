package dev.segmentation.cli;

/** Process exit codes; README documents them for schedulers. */
public enum ExitCode {
  SUCCESS(0),
  /** An unexpected failure: a bug, a lost executor, storage that went away. */
  FAILURE(1),
  /** Bad usage, a bad configuration value, or input that breaks the data contract. */
  CONTRACT(2),
  /** A training run missed a quality-gate threshold: its run folder is kept, nothing published. */
  GATE(3);

  private final int code;

  ExitCode(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }
}
