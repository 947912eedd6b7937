package dev.segmentation.evaluate;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The figures of one run, written as {@code metrics.json}. Keys are dotted paths ({@code
 * lines.set_aside.duplicate}) stored as nested JSON objects, so that {@code
 * metrics["lines"]["read"]} works for any reader.
 *
 * <p>Thread-safe: the steps a job runs side by side (the two classifiers, the backtest beside the
 * regressor, ...) record their figures at the same time.
 */
public final class RunMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(RunMetrics.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final Map<String, Object> root = new LinkedHashMap<>();

  /** Four decimals: enough for any quality figure, and stable to read in a diff. */
  public static double rounded(double value) {
    return Math.round(value * 10_000) / 10_000.0;
  }

  public synchronized RunMetrics put(String path, Object value) {
    String[] parts = path.split("\\.");
    Map<String, Object> node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      node = child(node, parts[i]);
    }
    node.put(parts[parts.length - 1], value);
    return this;
  }

  /** Top-level sections by name, as they stand (null for a section the run has not written). */
  public synchronized Map<String, Object> sections(List<String> names) {
    Map<String, Object> sections = new LinkedHashMap<>();
    names.forEach(name -> sections.put(name, root.get(name)));
    return sections;
  }

  /**
   * The value at a dotted path, or null: what metrics.json holds there, for checks of the file.
   * Steps pass their results on as typed records, never through here.
   */
  public synchronized Object get(String path) {
    Object node = root;
    for (String part : path.split("\\.")) {
      if (!(node instanceof Map<?, ?> map)) {
        return null;
      }
      node = map.get(part);
    }
    return node;
  }

  public long getLong(String path) {
    Object value = get(path);
    if (!(value instanceof Number number)) {
      throw new IllegalStateException("no number at metrics path " + path);
    }
    return number.longValue();
  }

  /** Runs one step and records its wall time under {@code steps_seconds.<step>}. */
  public <T> T time(String step, Supplier<T> work) {
    return time(step, work, result -> "");
  }

  /**
   * Runs one step as {@link #time(String, Supplier)} does; its end in the log also says what it
   * handled, such as {@code 72,120 customers} (see {@link #count}).
   */
  public <T> T time(String step, Supplier<T> work, Function<? super T, String> handled) {
    Step timer = start(step);
    T result = work.get();
    timer.done(handled.apply(result));
    return result;
  }

  /** A count for a step's log line, grouped by thousands: {@code 10,838,180 lines}. */
  public static String count(long count, String unit) {
    return String.format(Locale.ROOT, "%,d %s", count, unit);
  }

  /**
   * Starts timing a step whose end is not where it began, such as one that ends inside a stage's
   * callback; {@link Step#done} records it as {@link #time} would.
   */
  public Step start(String step) {
    LOG.info("step {} ...", step);
    return new Step(step, System.nanoTime());
  }

  /** A step being timed. */
  public final class Step {
    private final String name;
    private final long startNanos;

    private Step(String name, long startNanos) {
      this.name = name;
      this.startNanos = startNanos;
    }

    public void done() {
      done("");
    }

    /**
     * @param handled what the step handled, for the log line; empty to say nothing
     */
    public void done(String handled) {
      double seconds = Math.round((System.nanoTime() - startNanos) / 1e7) / 100.0;
      put("steps_seconds." + name, seconds);
      LOG.info("step {} done in {} s{}", name, seconds, handled.isEmpty() ? "" : ": " + handled);
    }
  }

  public void time(String step, Runnable work) {
    time(step, work, () -> "");
  }

  /** A step with no result; its end in the log says what it handled. */
  public void time(String step, Runnable work, Supplier<String> handled) {
    time(
        step,
        () -> {
          work.run();
          return null;
        },
        nothing -> handled.get());
  }

  public synchronized String toJson() {
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("metrics cannot be written as JSON", e);
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> child(Map<String, Object> node, String key) {
    Object existing = node.get(key);
    if (existing instanceof Map<?, ?>) {
      return (Map<String, Object>) existing;
    }
    Map<String, Object> created = new LinkedHashMap<>();
    node.put(key, created);
    return created;
  }
}
