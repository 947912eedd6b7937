package dev.segmentation.config;

import java.io.File;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

/** Configurations for tests, built through the real loader. */
public final class TestConfigs {

  private TestConfigs() {}

  public static ConfigLoader loader() {
    return ConfigLoader.withPackagedDefaults()
        .withClock(Clock.fixed(Instant.parse("2026-11-27T08:15:00Z"), ZoneOffset.UTC));
  }

  public static JobConfig defaults() {
    return withOverrides(Map.of());
  }

  public static JobConfig withOverrides(Map<String, String> overrides) {
    return loader().load(Optional.empty(), overrides, Map.of());
  }

  public static JobConfig load(
      File overlay, Map<String, String> overrides, Map<String, String> env) {
    return loader().load(Optional.ofNullable(overlay), overrides, env);
  }
}
