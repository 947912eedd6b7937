package dev.segmentation.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** The options of the subcommands that publish a table for warehouses. */
final class PublishOptions {

  @Option(
      names = "--publish-root",
      paramLabel = "URI",
      description =
          "Table root for warehouses (segmentation.publish.root); empty: publish nothing.")
  String root;

  @Option(
      names = "--snapshot-date",
      paramLabel = "YYYY-MM-DD",
      description =
          "The snapshot to publish (segmentation.publish.snapshot-date; default: today, UTC).")
  String snapshotDate;

  Map<String, String> overrides() {
    Map<String, String> overrides = new LinkedHashMap<>();
    if (root != null) {
      overrides.put("segmentation.publish.root", root);
    }
    if (snapshotDate != null) {
      overrides.put("segmentation.publish.snapshot-date", snapshotDate);
    }
    return overrides;
  }
}
