package dev.segmentation.config;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** Keeps credentials out of logs and metrics, whatever key they were given under. */
public final class Secrets {

  private static final Pattern SECRET_KEY =
      Pattern.compile(
          ".*(secret|password|passwd|token|credential|access\\.key|session\\.key|"
              + "signature|private).*");
  public static final String REDACTED = "*****";

  private Secrets() {}

  public static boolean isSecret(String key) {
    return SECRET_KEY.matcher(key.toLowerCase(Locale.ROOT)).matches();
  }

  /** A sorted copy with the value of every secret-looking key replaced. */
  public static Map<String, String> redact(Map<String, String> settings) {
    Map<String, String> safe = new TreeMap<>();
    settings.forEach((key, value) -> safe.put(key, isSecret(key) ? REDACTED : value));
    return safe;
  }
}
