package dev.segmentation.evaluate;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.stddev_pop;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import dev.segmentation.features.FeatureColumns;
import dev.segmentation.features.ProductMix;
import dev.segmentation.model.CustomerSegmenter;
import dev.segmentation.model.LifetimeValue;
import dev.segmentation.model.ValueBands;
import java.time.Period;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * One row per segment that a marketer can read: size, share of customers and of revenue, the mean
 * of every feature, the expected future of its customers (mean and 10th, 50th and 90th percentiles
 * of expected spend and of P(alive), the share in the high value band), a short label ("frequent
 * high-value buyers, mostly light & holder") and a sentence describing it. Two aggregations; k + 1
 * rows reach the driver.
 */
public final class SegmentProfiler {

  public static final String LABEL = "label";
  public static final String DESCRIPTION = "description";
  public static final String HIGH_VALUE_SHARE = "high_value_share";

  /** The expected-future columns summarised per segment by mean and {@link #PERCENTILES}. */
  public static final List<String> FUTURE =
      List.of(LifetimeValue.EXPECTED_SPEND, LifetimeValue.P_ALIVE);

  public static final List<Integer> PERCENTILES = List.of(10, 50, 90);

  /** percentile_approx's accuracy: exact up to 10,000 customers a segment, 0.01% of rank above. */
  private static final int PERCENTILE_ACCURACY = 10_000;

  private final ProductMix mix;
  private final Map<Integer, String> categoryNames;
  private final List<String> priceBandNames;
  private final Period horizon;

  /**
   * @param categoryNames each product category's name, by category
   * @param priceBandNames each price band's name, cheapest first
   * @param horizon the horizon of the expected purchases and spend, for the sentence
   */
  public SegmentProfiler(
      ProductMix mix,
      Map<Integer, String> categoryNames,
      List<String> priceBandNames,
      Period horizon) {
    this.mix = Objects.requireNonNull(mix, "mix");
    this.categoryNames = Map.copyOf(categoryNames);
    this.priceBandNames = List.copyOf(priceBandNames);
    if (this.priceBandNames.size() != mix.priceBands()) {
      throw new IllegalArgumentException(
          mix.priceBands() + " price bands, but names for " + priceBandNames.size());
    }
    this.horizon = horizon;
  }

  public static String meanOf(String feature) {
    return "mean_" + feature;
  }

  /** The column of a percentile of an expected-future column: {@code expected_spend_p90}. */
  public static String percentileOf(String column, int percentile) {
    return column + "_p" + percentile;
  }

  /** The label of the segment in {@code segment}, from the segment → label map of a run. */
  public static Column labelOf(Map<?, String> labels, Column segment) {
    List<Column> entries = new ArrayList<>();
    labels.forEach(
        (id, label) -> {
          entries.add(lit(String.valueOf(id)));
          entries.add(lit(label));
        });
    return element_at(functions.map(entries.toArray(Column[]::new)), segment.cast("string"));
  }

  /**
   * Input: {@code segment}, {@link FeatureColumns#all}, {@link LifetimeValue}'s columns and {@link
   * ValueBands#VALUE_BAND}.
   */
  public Dataset<Row> apply(Dataset<Row> segmented) {
    List<String> features = FeatureColumns.all(mix);
    List<Column> perSegment =
        new ArrayList<>(
            List.of(
                count(lit(1)).as("customers"), sum(col(FeatureColumns.MONETARY)).as("revenue")));
    features.forEach(f -> perSegment.add(avg(col(f)).as(meanOf(f))));
    perSegment.add(
        avg(col(LifetimeValue.EXPECTED_PURCHASES)).as(meanOf(LifetimeValue.EXPECTED_PURCHASES)));
    Column fractions =
        functions.array(PERCENTILES.stream().map(p -> lit(p / 100.0)).toArray(Column[]::new));
    for (String future : FUTURE) {
      perSegment.add(avg(col(future)).as(meanOf(future)));
      perSegment.add(
          functions.percentile_approx(col(future), fractions, lit(PERCENTILE_ACCURACY)).as(future));
    }
    perSegment.add(
        avg(when(col(ValueBands.VALUE_BAND).equalTo(ValueBands.HIGH), 1.0).otherwise(0.0))
            .as(HIGH_VALUE_SHARE));
    List<Row> segments =
        segmented
            .groupBy(col(CustomerSegmenter.SEGMENT))
            .agg(perSegment.get(0), perSegment.subList(1, perSegment.size()).toArray(Column[]::new))
            .orderBy(CustomerSegmenter.SEGMENT)
            .collectAsList();

    List<Column> overall = new ArrayList<>();
    features.forEach(
        f -> {
          overall.add(avg(col(f)).as("avg_" + f));
          overall.add(stddev_pop(col(f)).as("std_" + f));
        });
    Row all =
        segmented
            .agg(overall.get(0), overall.subList(1, overall.size()).toArray(Column[]::new))
            .first();

    long customers = segments.stream().mapToLong(r -> r.getLong(1)).sum();
    double revenue = segments.stream().mapToDouble(r -> r.getDouble(2)).sum();
    Map<Integer, String> names = names(segments, all);
    List<Row> profiles = new ArrayList<>();
    for (Row segment : segments) {
      profiles.add(profile(segment, all, features, customers, revenue, names));
    }
    return SparkSession.active().createDataFrame(profiles, schema(features));
  }

  /** Every segment's name, distinct within the run (see {@link SegmentNames}). */
  private Map<Integer, String> names(List<Row> segments, Row all) {
    List<SegmentNames.Trait> traits = SegmentNames.traits(mix, categoryNames, priceBandNames);
    Map<Integer, String> first = new TreeMap<>();
    Map<Integer, Set<String>> said = new TreeMap<>();
    Map<Integer, double[]> zScores = new TreeMap<>();
    for (Row segment : segments) {
      first.put(segment.getInt(0), label(segment, all));
      int favourite = favouriteCategory(segment, all);
      said.put(
          segment.getInt(0),
          favourite < 0 ? Set.of() : Set.of(FeatureColumns.categoryShare(favourite)));
      zScores.put(
          segment.getInt(0),
          traits.stream().mapToDouble(t -> zScore(segment, all, t.feature())).toArray());
    }
    return SegmentNames.distinct(first, said, zScores, traits);
  }

  private Row profile(
      Row segment,
      Row all,
      List<String> features,
      long customers,
      double revenue,
      Map<Integer, String> names) {
    List<Object> values = new ArrayList<>();
    values.add(segment.getInt(0));
    values.add(segment.getLong(1));
    values.add(RunMetrics.rounded((double) segment.getLong(1) / customers));
    values.add(RunMetrics.rounded(segment.getDouble(2) / revenue));
    for (String feature : features) {
      values.add(segment.<Double>getAs(meanOf(feature)));
    }
    values.add(segment.<Double>getAs(meanOf(LifetimeValue.EXPECTED_PURCHASES)));
    for (String future : FUTURE) {
      values.add(segment.<Double>getAs(meanOf(future)));
      List<Double> percentiles = segment.getList(segment.fieldIndex(future));
      values.addAll(percentiles);
    }
    values.add(RunMetrics.rounded(segment.getAs(HIGH_VALUE_SHARE)));
    values.add(names.get(segment.getInt(0)));
    values.add(describe(segment, all, customers, revenue));
    return RowFactory.create(values.toArray());
  }

  private String label(Row segment, Row all) {
    double invoices = segment.getAs(meanOf(FeatureColumns.INVOICE_COUNT));
    double frequency = zScore(segment, all, FeatureColumns.INVOICE_COUNT);
    String often =
        invoices < 1.5
            ? "one-time"
            : frequency >= 1 ? "very frequent" : frequency >= 0.25 ? "frequent" : "occasional";
    double value = zScore(segment, all, FeatureColumns.BASKET_MEAN);
    String worth =
        value >= 1
            ? "high-value"
            : value >= 0.25 ? "above-average" : value <= -0.25 ? "low-value" : "mid-value";
    return often + " " + worth + " buyers, " + categoryPhrase(segment, all);
  }

  /** The category this segment favours most against the average customer, if clearly. */
  private String categoryPhrase(Row segment, Row all) {
    int favourite = favouriteCategory(segment, all);
    if (favourite < 0) {
      return "mixed baskets";
    }
    return "mostly " + categoryName(favourite);
  }

  private String categoryName(int category) {
    return categoryNames.getOrDefault(category, "category " + category);
  }

  /** The category this segment favours most against the average customer, or -1. */
  private int favouriteCategory(Row segment, Row all) {
    int favourite = -1;
    double lead = 0;
    for (int i = 0; i < mix.categories(); i++) {
      String share = FeatureColumns.categoryShare(i);
      double difference = segment.<Double>getAs(meanOf(share)) - all.<Double>getAs("avg_" + share);
      if (difference > lead) {
        lead = difference;
        favourite = i;
      }
    }
    return lead < 10 ? -1 : favourite;
  }

  /**
   * What a marketer would do for this segment rather than for the average customer: one move,
   * chosen from how often they buy, how recently, and what their baskets are worth.
   */
  private String action(Row segment, Row all) {
    double invoices = segment.getAs(meanOf(FeatureColumns.INVOICE_COUNT));
    double recency = zScore(segment, all, FeatureColumns.DAYS_SINCE_LAST);
    double frequency = zScore(segment, all, FeatureColumns.INVOICE_COUNT);
    double value = zScore(segment, all, FeatureColumns.BASKET_MEAN);
    String move;
    if (recency >= 0.5) {
      move = "Win them back before they are lost: a reminder with what they bought before.";
    } else if (invoices < 1.5) {
      move = "Turn the first order into a habit: a second-purchase offer soon after it.";
    } else if (value >= 1 || frequency >= 1) {
      move = "Keep them close without discounts: early access, service and loyalty perks.";
    } else if (value <= -0.25) {
      move = "Lift the basket: bundles and free-shipping thresholds just above their usual order.";
    } else {
      move = "Grow the relationship: regular news of bestsellers and seasonal ranges.";
    }
    int favourite = favouriteCategory(segment, all);
    return favourite < 0 ? move : move + " Lead with " + categoryName(favourite) + ".";
  }

  private String describe(Row segment, Row all, long customers, double revenue) {
    StringBuilder text =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%d customers (%.1f%% of customers, %.1f%% of revenue): on average %.1f invoices of "
                    + "%.2f each, the last one %.0f days before the end of the window.",
                segment.getLong(1),
                100.0 * segment.getLong(1) / customers,
                100.0 * segment.getDouble(2) / revenue,
                segment.<Double>getAs(meanOf(FeatureColumns.INVOICE_COUNT)),
                segment.<Double>getAs(meanOf(FeatureColumns.BASKET_MEAN)),
                segment.<Double>getAs(meanOf(FeatureColumns.DAYS_SINCE_LAST))));
    List<String> byCategory = new ArrayList<>();
    for (int i = 0; i < mix.categories(); i++) {
      byCategory.add(percent(categoryName(i), segment, FeatureColumns.categoryShare(i)));
    }
    List<String> byBand = new ArrayList<>();
    for (int band = 0; band < mix.priceBands(); band++) {
      byBand.add(percent(priceBandNames.get(band), segment, FeatureColumns.priceBandShare(band)));
    }
    text.append(" Spend by product category: ").append(String.join(", ", byCategory));
    text.append("; by price band: ").append(String.join(", ", byBand)).append('.');
    text.append(
        String.format(
            Locale.ROOT,
            " Over the next %s: %.1f purchase days and %.2f spend expected "
                + "per customer (median %.2f), %.0f%% in the high value band; P(alive) %.2f on average.",
            horizonText(),
            segment.<Double>getAs(meanOf(LifetimeValue.EXPECTED_PURCHASES)),
            segment.<Double>getAs(meanOf(LifetimeValue.EXPECTED_SPEND)),
            segment
                .getList(segment.fieldIndex(LifetimeValue.EXPECTED_SPEND))
                .get(PERCENTILES.indexOf(50)),
            100 * segment.<Double>getAs(HIGH_VALUE_SHARE),
            segment.<Double>getAs(meanOf(LifetimeValue.P_ALIVE))));
    text.append(' ').append(action(segment, all));
    return text.toString();
  }

  private static String percent(String name, Row segment, String share) {
    return String.format(Locale.ROOT, "%s %.0f%%", name, segment.<Double>getAs(meanOf(share)));
  }

  /** "12 months", "1 year 6 months", "90 days": the horizon as configured, in words. */
  private String horizonText() {
    List<String> parts = new ArrayList<>();
    addUnit(parts, horizon.getYears(), "year");
    addUnit(parts, horizon.getMonths(), "month");
    addUnit(parts, horizon.getDays(), "day");
    return String.join(" ", parts);
  }

  private static void addUnit(List<String> parts, int amount, String unit) {
    if (amount > 0) {
      parts.add(amount + " " + unit + (amount == 1 ? "" : "s"));
    }
  }

  private static double zScore(Row segment, Row all, String feature) {
    double std = all.<Double>getAs("std_" + feature);
    double mean = all.<Double>getAs("avg_" + feature);
    return std == 0 ? 0 : (segment.<Double>getAs(meanOf(feature)) - mean) / std;
  }

  private static StructType schema(List<String> features) {
    StructType schema =
        new StructType()
            .add(CustomerSegmenter.SEGMENT, DataTypes.IntegerType, false)
            .add("customers", DataTypes.LongType, false)
            .add("customer_share", DataTypes.DoubleType, false)
            .add("revenue_share", DataTypes.DoubleType, false);
    for (String feature : features) {
      schema = schema.add(meanOf(feature), DataTypes.DoubleType, true);
    }
    schema = schema.add(meanOf(LifetimeValue.EXPECTED_PURCHASES), DataTypes.DoubleType, false);
    for (String future : FUTURE) {
      schema = schema.add(meanOf(future), DataTypes.DoubleType, false);
      for (int percentile : PERCENTILES) {
        schema = schema.add(percentileOf(future, percentile), DataTypes.DoubleType, false);
      }
    }
    schema = schema.add(HIGH_VALUE_SHARE, DataTypes.DoubleType, false);
    return schema
        .add(LABEL, DataTypes.StringType, false)
        .add(DESCRIPTION, DataTypes.StringType, false);
  }
}
