package dev.segmentation.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.segmentation.ContractViolation;
import dev.segmentation.config.JobConfig.Algorithm;
import dev.segmentation.config.JobConfig.Anticipation;
import dev.segmentation.config.JobConfig.Catalog;
import dev.segmentation.config.JobConfig.Classifier;
import dev.segmentation.config.JobConfig.Cleaning;
import dev.segmentation.config.JobConfig.Clv;
import dev.segmentation.config.JobConfig.CorruptFiles;
import dev.segmentation.config.JobConfig.Csv;
import dev.segmentation.config.JobConfig.Gate;
import dev.segmentation.config.JobConfig.Grouping;
import dev.segmentation.config.JobConfig.Input;
import dev.segmentation.config.JobConfig.InputFormat;
import dev.segmentation.config.JobConfig.Materialise;
import dev.segmentation.config.JobConfig.MaterialiseMode;
import dev.segmentation.config.JobConfig.Output;
import dev.segmentation.config.JobConfig.Predictor;
import dev.segmentation.config.JobConfig.Products;
import dev.segmentation.config.JobConfig.Publish;
import dev.segmentation.config.JobConfig.Report;
import dev.segmentation.config.JobConfig.Retention;
import dev.segmentation.config.JobConfig.Score;
import dev.segmentation.config.JobConfig.Segments;
import dev.segmentation.config.JobConfig.StableIds;
import dev.segmentation.config.JobConfig.TableFormat;
import dev.segmentation.config.JobConfig.Train;
import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.ProductMix;
import java.io.File;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads the layered configuration once and turns it into a validated {@link JobConfig}.
 *
 * <p>Precedence, highest first: explicit overrides ({@code --set}), environment variables in
 * Typesafe Config's {@code CONFIG_FORCE_} convention, the overlay file ({@code --config}), and the
 * defaults of {@code application.conf} packaged in the jar. Every problem is reported as a {@link
 * ContractViolation} whose one-line message names the key.
 */
public final class ConfigLoader {

  public static final String NAMESPACE = "segmentation";
  public static final String SPARK = "spark";
  static final String ENV_PREFIX = "CONFIG_FORCE_";

  /** Free-form: whatever the chosen Iceberg catalog takes. */
  static final String CATALOG_PROPERTIES = "segmentation.publish.catalog.properties";

  /** Where a file "rename" copies, so an Iceberg Hadoop catalog cannot commit atomically. */
  private static final List<String> OBJECT_STORES =
      List.of("s3", "s3a", "s3n", "gs", "wasb", "wasbs", "abfs", "abfss", "oss");

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final DateTimeFormatter RUN_ID_CLOCK =
      DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

  private final Config defaults;
  private final Clock clock;

  private ConfigLoader(Config defaults, Clock clock) {
    this.defaults = defaults;
    this.clock = clock;
  }

  /** Defaults from the {@code application.conf} on the classpath (a copy of conf/). */
  public static ConfigLoader withPackagedDefaults() {
    return new ConfigLoader(ConfigFactory.parseResources("application.conf"), Clock.systemUTC());
  }

  ConfigLoader withClock(Clock fixed) {
    return new ConfigLoader(defaults, fixed);
  }

  /**
   * @param overlay the {@code --config} file, if any
   * @param overrides {@code --set} pairs, full keys to raw values
   * @param environment the process environment (only {@code CONFIG_FORCE_*} entries are used)
   */
  public JobConfig load(
      Optional<File> overlay, Map<String, String> overrides, Map<String, String> environment) {
    Config merged =
        fromOverrides(overrides)
            .withFallback(fromEnvironment(environment))
            .withFallback(overlay.map(ConfigLoader::parseOverlay).orElse(ConfigFactory.empty()))
            .withFallback(defaults);
    try {
      Config resolved = merged.resolve();
      rejectUnknownKeys(resolved);
      return toJobConfig(resolved);
    } catch (ConfigException e) {
      throw new ContractViolation("invalid configuration: " + oneLine(e.getMessage()), e);
    }
  }

  private static Config parseOverlay(File file) {
    if (!file.isFile()) {
      throw new ContractViolation("configuration file not found: " + file);
    }
    try {
      return ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw new ContractViolation("invalid configuration file: " + oneLine(e.getMessage()), e);
    }
  }

  /** Values stay strings; Typesafe Config converts them when a typed getter asks. */
  private Config fromOverrides(Map<String, String> overrides) {
    Map<String, Object> values = new LinkedHashMap<>();
    overrides.forEach(
        (key, raw) -> {
          String path = key.trim();
          if (!path.startsWith(NAMESPACE + ".") && !path.startsWith(SPARK + ".")) {
            throw new ContractViolation(
                "unknown configuration key " + path + " (keys start with segmentation. or spark.)");
          }
          values.put(path, isListSetting(path) ? splitList(raw) : raw);
        });
    return ConfigFactory.parseMap(values, "command line");
  }

  private Config fromEnvironment(Map<String, String> environment) {
    Map<String, Object> values = new TreeMap<>();
    environment.forEach(
        (name, raw) -> {
          if (name.startsWith(ENV_PREFIX)) {
            String path = envNameToPath(name.substring(ENV_PREFIX.length()));
            values.put(path, isListSetting(path) ? splitList(raw) : raw);
          }
        });
    return ConfigFactory.parseMap(values, "environment");
  }

  /** Typesafe Config's convention: "___" is "_", "__" is "-", "_" is ".". */
  static String envNameToPath(String name) {
    return name.replace("___", "\u0000")
        .replace("__", "-")
        .replace('_', '.')
        .replace('\u0000', '_');
  }

  private boolean isListSetting(String path) {
    return defaults.hasPath(path) && defaults.getValue(path).valueType() == ConfigValueType.LIST;
  }

  private static List<String> splitList(String raw) {
    return Arrays.stream(raw.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
  }

  private void rejectUnknownKeys(Config resolved) {
    for (Map.Entry<String, ConfigValue> entry : resolved.getConfig(NAMESPACE).entrySet()) {
      String path = NAMESPACE + "." + entry.getKey();
      if (!defaults.hasPathOrNull(path) && !path.startsWith(CATALOG_PROPERTIES + ".")) {
        throw new ContractViolation("unknown configuration key " + path);
      }
    }
  }

  /** Reads every value by its full path, so Typesafe Config's own errors name the full key. */
  private JobConfig toJobConfig(Config root) {
    Products products = products(root);
    return new JobConfig(
        runId(root),
        input(root),
        output(root),
        cleaning(root),
        train(root),
        products,
        segments(root, products.mix()),
        classifier(root, products.mix()),
        anticipation(root),
        clv(root),
        new Score(
            root.getString("segmentation.score.model").trim(),
            root.getBoolean("segmentation.score.known-customers")),
        new Report(root.getBoolean("segmentation.report.enabled")),
        new StableIds(
            root.getString("segmentation.stable-ids.previous-models").trim(),
            positive(root, "segmentation.stable-ids.max-distance")),
        publish(root),
        gate(root),
        materialise(root),
        sparkConf(root));
  }

  private static Train train(Config c) {
    LocalDate cutoff =
        date("segmentation.train.cutoff", c.getString("segmentation.train.cutoff").trim());
    double holdout = c.getDouble("segmentation.train.holdout-fraction");
    require(
        holdout > 0 && holdout < 1,
        "segmentation.train.holdout-fraction",
        "must be between 0 and 1 (exclusive), got " + holdout);
    long rowsPerPartition = c.getLong("segmentation.train.rows-per-partition");
    require(
        rowsPerPartition >= 1,
        "segmentation.train.rows-per-partition",
        "must be at least 1, got " + rowsPerPartition);
    return new Train(cutoff, c.getLong("segmentation.train.seed"), holdout, rowsPerPartition);
  }

  private static Products products(Config c) {
    int categories = atLeast(c, "segmentation.products.categories", 2);
    List<Double> bounds = c.getDoubleList("segmentation.products.price-band-bounds");
    require(
        !bounds.isEmpty(),
        "segmentation.products.price-band-bounds",
        "must name at least one bound");
    for (int i = 1; i < bounds.size(); i++) {
      require(
          bounds.get(i) > bounds.get(i - 1),
          "segmentation.products.price-band-bounds",
          "must increase strictly, got " + bounds);
    }
    return new Products(
        enumValue(
            c.getString("segmentation.products.grouping"),
            Grouping.class,
            "segmentation.products.grouping"),
        categories,
        atLeast(c, "segmentation.products.min-products-per-word", 1),
        c.getStringList("segmentation.products.ignored-words").stream()
            .map(w -> w.trim().toLowerCase(Locale.ROOT))
            .toList(),
        bounds,
        atLeast(c, "segmentation.products.top-words", 1));
  }

  private static Segments segments(Config c, ProductMix mix) {
    int k = c.getInt("segmentation.segments.k");
    require(
        k == 0 || k >= 2, "segmentation.segments.k", "must be 0 (search) or at least 2, got " + k);
    int kMin = atLeast(c, "segmentation.segments.k-min", 2);
    int kMax = c.getInt("segmentation.segments.k-max");
    require(
        kMax >= kMin,
        "segmentation.segments.k-max",
        "must be at least k-min (" + kMin + "), got " + kMax);
    double maxShare = c.getDouble("segmentation.segments.max-segment-share");
    require(
        maxShare > 0 && maxShare <= 1,
        "segmentation.segments.max-segment-share",
        "must be in (0, 1], got " + maxShare);
    return new Segments(
        enumValue(
            c.getString("segmentation.segments.algorithm"),
            Algorithm.class,
            "segmentation.segments.algorithm"),
        k,
        kMin,
        kMax,
        maxShare,
        tolerance(c),
        atLeast(c, "segmentation.segments.max-iterations", 1),
        atLeast(c, "segmentation.segments.parallel-fits", 1),
        atLeast(c, "segmentation.segments.search-sample", 100),
        atLeast(c, "segmentation.segments.search-starts", 1),
        featureNames(c, "segmentation.segments.features", mix));
  }

  private static double tolerance(Config c) {
    double tolerance = c.getDouble("segmentation.segments.silhouette-tolerance");
    require(
        tolerance >= 0 && tolerance < 2,
        "segmentation.segments.silhouette-tolerance",
        "must be in [0, 2), got " + tolerance);
    return tolerance;
  }

  private static Classifier classifier(Config c, ProductMix mix) {
    return new Classifier(
        featureNames(c, "segmentation.classifier.features", mix),
        atLeast(c, "segmentation.classifier.trees", 1),
        atLeast(c, "segmentation.classifier.max-depth", 1));
  }

  private static Anticipation anticipation(Config c) {
    Period horizon = c.getPeriod("segmentation.anticipation.horizon");
    require(
        !horizon.isNegative() && !horizon.isZero(),
        "segmentation.anticipation.horizon",
        "must be positive, got " + horizon);
    double holdout = c.getDouble("segmentation.anticipation.backtest.holdout-fraction");
    require(
        holdout > 0 && holdout < 1,
        "segmentation.anticipation.backtest.holdout-fraction",
        "must be between 0 and 1 (exclusive), got " + holdout);
    return new Anticipation(
        horizon,
        enumValue(
            c.getString("segmentation.anticipation.predictor"),
            Predictor.class,
            "segmentation.anticipation.predictor"),
        atLeast(c, "segmentation.anticipation.regressor.iterations", 1),
        atLeast(c, "segmentation.anticipation.regressor.max-depth", 1),
        c.getBoolean("segmentation.anticipation.backtest.enabled"),
        holdout);
  }

  private static Clv clv(Config c) {
    Period horizon = c.getPeriod("segmentation.clv.horizon");
    require(
        !horizon.isNegative() && !horizon.isZero(),
        "segmentation.clv.horizon",
        "must be positive, got " + horizon);
    String split = c.getString("segmentation.clv.backtest.split").trim();
    return new Clv(
        horizon,
        atLeast(c, "segmentation.clv.spend-sample", 100),
        c.getBoolean("segmentation.clv.backtest.enabled"),
        split.isEmpty()
            ? Optional.empty()
            : Optional.of(date("segmentation.clv.backtest.split", split)));
  }

  private static LocalDate date(String key, String raw) {
    try {
      return LocalDate.parse(raw);
    } catch (DateTimeParseException e) {
      throw new ContractViolation(
          "invalid configuration: "
              + key
              + " must be a date such as 2011-10-01, got '"
              + raw
              + "'");
    }
  }

  private Publish publish(Config c) {
    String key = "segmentation.publish.snapshot-date";
    String raw = c.getString(key).trim();
    LocalDate date =
        raw.isEmpty() ? LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC) : date(key, raw);
    String root = c.getString("segmentation.publish.root").trim();
    TableFormat format =
        enumValue(
            c.getString("segmentation.publish.format"),
            TableFormat.class,
            "segmentation.publish.format");
    Catalog catalog = catalog(c);
    if (format == TableFormat.ICEBERG && catalog.type().equals("hadoop")) {
      String scheme =
          root.contains(":")
              ? root.substring(0, root.indexOf(':')).toLowerCase(Locale.ROOT)
              : "file";
      require(
          !OBJECT_STORES.contains(scheme),
          "segmentation.publish.catalog.type",
          "hadoop commits by an atomic rename, which "
              + scheme
              + ":// does not have: use a jdbc, glue, "
              + "rest or bigquery catalog for "
              + root);
    }
    Duration maxAge = c.getDuration("segmentation.publish.retention.max-snapshot-age");
    require(
        !maxAge.isNegative() && !maxAge.isZero(),
        "segmentation.publish.retention.max-snapshot-age",
        "must be positive, got " + maxAge);
    return new Publish(
        root,
        date,
        format,
        catalog,
        new Retention(maxAge, atLeast(c, "segmentation.publish.retention.min-snapshots", 1)));
  }

  private static Catalog catalog(Config c) {
    String name = c.getString("segmentation.publish.catalog.name").trim();
    require(
        IDENTIFIER.matcher(name).matches(),
        "segmentation.publish.catalog.name",
        "must be a plain identifier such as segmentation, got '" + name + "'");
    String namespace = c.getString("segmentation.publish.catalog.namespace").trim();
    require(
        IDENTIFIER.matcher(namespace).matches(),
        "segmentation.publish.catalog.namespace",
        "must be a plain identifier such as segmentation, got '" + namespace + "'");
    Map<String, String> properties = new TreeMap<>();
    c.getConfig(CATALOG_PROPERTIES)
        .entrySet()
        .forEach(
            entry ->
                properties.put(
                    String.join(".", ConfigUtil.splitPath(entry.getKey())),
                    String.valueOf(entry.getValue().unwrapped())));
    for (String reserved : List.of("warehouse", "type")) {
      require(
          !properties.containsKey(reserved),
          CATALOG_PROPERTIES + "." + reserved,
          "is set by segmentation.publish." + (reserved.equals("type") ? "catalog.type" : "root"));
    }
    String type = c.getString("segmentation.publish.catalog.type").trim().toLowerCase(Locale.ROOT);
    require(
        type.isEmpty() != !properties.containsKey("catalog-impl"),
        "segmentation.publish.catalog.type",
        "give either a type or properties.catalog-impl, not both and not neither");
    return new Catalog(name, namespace, type, properties);
  }

  private static Gate gate(Config c) {
    return new Gate(
        c.getDouble("segmentation.gate.min-silhouette"),
        c.getDouble("segmentation.gate.min-temporal-accuracy"),
        share(c, "segmentation.gate.max-segment-share"),
        c.getLong("segmentation.gate.min-customers"),
        share(c, "segmentation.gate.max-quarantine-share"));
  }

  private static double positive(Config c, String key) {
    double value = c.getDouble(key);
    require(value > 0, key, "must be positive, got " + value);
    return value;
  }

  private static double share(Config c, String key) {
    double value = c.getDouble(key);
    require(value >= 0 && value <= 1, key, "must be a share in [0, 1], got " + value);
    return value;
  }

  private static List<String> featureNames(Config c, String key, ProductMix mix) {
    try {
      List<String> names = FeatureColumns.expand(c.getStringList(key), mix);
      require(!names.isEmpty(), key, "must name at least one feature");
      return names;
    } catch (IllegalArgumentException e) {
      throw new ContractViolation("invalid configuration: " + key + " " + e.getMessage());
    }
  }

  private static int atLeast(Config c, String key, int minimum) {
    int value = c.getInt(key);
    require(value >= minimum, key, "must be at least " + minimum + ", got " + value);
    return value;
  }

  private String runId(Config c) {
    String runId = c.getString("segmentation.run-id").trim();
    if (runId.isEmpty()) {
      return RUN_ID_CLOCK.format(clock.instant());
    }
    require(
        RUN_ID.matcher(runId).matches(),
        "segmentation.run-id",
        "must be letters, digits, '.', '_' or '-' (at most 128), got '" + runId + "'");
    return runId;
  }

  private static Input input(Config c) {
    List<String> uris =
        c.getStringList("segmentation.input.uris").stream().map(String::trim).toList();
    require(!uris.isEmpty(), "segmentation.input.uris", "must name at least one path");
    require(
        uris.stream().noneMatch(String::isEmpty), "segmentation.input.uris", "has an empty path");
    return new Input(
        uris,
        enumValue(
            c.getString("segmentation.input.format"),
            InputFormat.class,
            "segmentation.input.format"),
        csv(c),
        timestampPatterns(c.getStringList("segmentation.input.timestamp-patterns")),
        enumValue(
            c.getString("segmentation.input.corrupt-files"),
            CorruptFiles.class,
            "segmentation.input.corrupt-files"));
  }

  private static Csv csv(Config c) {
    return new Csv(
        c.getBoolean("segmentation.input.csv.header"),
        oneChar(c, "segmentation.input.csv.delimiter"),
        oneChar(c, "segmentation.input.csv.quote"),
        oneChar(c, "segmentation.input.csv.escape"));
  }

  private static List<String> timestampPatterns(List<String> patterns) {
    String key = "segmentation.input.timestamp-patterns";
    require(!patterns.isEmpty(), key, "must list at least one pattern");
    for (String pattern : patterns) {
      try {
        DateTimeFormatter.ofPattern(pattern);
      } catch (IllegalArgumentException e) {
        throw new ContractViolation(
            "invalid configuration: "
                + key
                + ": bad pattern '"
                + pattern
                + "': "
                + oneLine(e.getMessage()));
      }
    }
    return patterns;
  }

  private static Output output(Config c) {
    String root = c.getString("segmentation.output.root").trim();
    require(!root.isEmpty(), "segmentation.output.root", "must not be empty");
    return new Output(root);
  }

  private static Cleaning cleaning(Config c) {
    List<String> codes = c.getStringList("segmentation.cleaning.non-product-codes");
    require(
        codes.stream().noneMatch(String::isBlank),
        "segmentation.cleaning.non-product-codes",
        "has an empty code");
    return new Cleaning(codes, c.getBoolean("segmentation.cleaning.match-cancellations"));
  }

  private static Materialise materialise(Config c) {
    String key = "segmentation.materialise.mode";
    MaterialiseMode mode = enumValue(c.getString(key), MaterialiseMode.class, key);
    String dir = c.getString("segmentation.materialise.checkpoint-dir").trim();
    require(
        mode != MaterialiseMode.RELIABLE || !dir.isEmpty(),
        "segmentation.materialise.checkpoint-dir",
        "must be set when segmentation.materialise.mode is reliable");
    return new Materialise(mode, dir);
  }

  /** Flattens the spark subtree; quoted keys such as "speculation.multiplier" are allowed. */
  private static Map<String, String> sparkConf(Config root) {
    Map<String, String> conf = new TreeMap<>();
    if (!root.hasPath(SPARK)) {
      return conf;
    }
    root.getConfig(SPARK)
        .entrySet()
        .forEach(
            entry -> {
              List<String> parts = new ArrayList<>(List.of(SPARK));
              parts.addAll(ConfigUtil.splitPath(entry.getKey()));
              String value = String.valueOf(entry.getValue().unwrapped());
              conf.put(String.join(".", parts), value);
            });
    return conf;
  }

  private static <E extends Enum<E>> E enumValue(String raw, Class<E> type, String key) {
    try {
      return Enum.valueOf(type, raw.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      String allowed =
          String.join(
              ", ",
              Arrays.stream(type.getEnumConstants())
                  .map(v -> v.name().toLowerCase(Locale.ROOT).replace('_', '-'))
                  .toList());
      throw new ContractViolation(
          "invalid configuration: " + key + " must be one of " + allowed + ", got '" + raw + "'");
    }
  }

  private static char oneChar(Config c, String key) {
    String raw = c.getString(key);
    require(raw.length() == 1, key, "must be exactly one character, got '" + raw + "'");
    return raw.charAt(0);
  }

  private static void require(boolean condition, String key, String problem) {
    if (!condition) {
      throw new ContractViolation("invalid configuration: " + key + " " + problem);
    }
  }

  private static String oneLine(String message) {
    return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ").trim();
  }
}
