package dev.segmentation.clean;

import dev.segmentation.evaluate.RunMetrics;
import dev.segmentation.ingest.MalformedReason;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where every line read went: kept, quarantined (malformed, by reason) or set aside (by reason).
 * The counts add up by construction; {@link #of} refuses any that would not.
 *
 * @param malformed every {@link MalformedReason} in declaration order, zeros included
 * @param setAside every {@link SetAsideReason} in declaration order, zeros included
 * @param withCustomer well-formed lines that name a customer
 * @param afterDuplicates those lines once exact duplicates are set aside
 */
public record LineCounts(
    long read,
    long kept,
    long quarantined,
    Map<String, Long> malformed,
    Map<String, Long> setAside,
    long withCustomer,
    long afterDuplicates) {

  public LineCounts {
    malformed = Collections.unmodifiableMap(new LinkedHashMap<>(malformed));
    setAside = Collections.unmodifiableMap(new LinkedHashMap<>(setAside));
  }

  /**
   * @param kept lines that passed every cleaning rule
   * @param malformed quarantined lines by {@link MalformedReason#label()}; absent reasons count 0
   * @param setAside set-aside lines by {@link SetAsideReason#label()}; absent reasons count 0
   * @throws IllegalStateException when read != kept + quarantined + set aside
   */
  public static LineCounts of(
      long read, long kept, Map<String, Long> malformed, Map<String, Long> setAside) {
    Map<String, Long> byMalformedReason = new LinkedHashMap<>();
    for (MalformedReason reason : MalformedReason.values()) {
      byMalformedReason.put(reason.label(), malformed.getOrDefault(reason.label(), 0L));
    }
    Map<String, Long> bySetAsideReason = new LinkedHashMap<>();
    for (SetAsideReason reason : SetAsideReason.values()) {
      bySetAsideReason.put(reason.label(), setAside.getOrDefault(reason.label(), 0L));
    }
    long quarantined = sum(byMalformedReason);
    long setAsideTotal = sum(bySetAsideReason);
    if (read != kept + quarantined + setAsideTotal) {
      throw new IllegalStateException(
          "line counts do not add up: read "
              + read
              + " != kept "
              + kept
              + " + quarantined "
              + quarantined
              + " + set aside "
              + setAsideTotal);
    }
    long withCustomer =
        read - quarantined - bySetAsideReason.get(SetAsideReason.NO_CUSTOMER.label());
    return new LineCounts(
        read,
        kept,
        quarantined,
        byMalformedReason,
        bySetAsideReason,
        withCustomer,
        withCustomer - bySetAsideReason.get(SetAsideReason.DUPLICATE.label()));
  }

  public long setAsideTotal() {
    return sum(setAside);
  }

  /** The counts under {@code lines.*}, as the documentation names them. */
  public void writeTo(RunMetrics metrics) {
    metrics.put("lines.read", read);
    malformed.forEach((reason, count) -> metrics.put("lines.malformed." + reason, count));
    setAside.forEach((reason, count) -> metrics.put("lines.set_aside." + reason, count));
    metrics.put("lines.quarantined", quarantined);
    metrics.put("lines.with_customer", withCustomer);
    metrics.put("lines.after_duplicates", afterDuplicates);
    metrics.put("lines.kept", kept);
  }

  /** For a step's log line. */
  public String handled() {
    return RunMetrics.count(kept, "lines kept")
        + ", "
        + RunMetrics.count(setAsideTotal(), "set aside")
        + ", "
        + RunMetrics.count(quarantined, "quarantined");
  }

  private static long sum(Map<String, Long> counts) {
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }
}
