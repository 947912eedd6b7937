package dev.segmentation.report;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The figures of a training run's {@code metrics.json} that the report shows, read once into
 * fields; the names are the documented keys (src/site/markdown/outputs.md). A section the run did
 * not write (a backtest that was off, the migration of a first run) is null.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TrainMetrics(
    @JsonProperty("run_id") String runId,
    @JsonProperty("code_version") String codeVersion,
    String subcommand,
    Customers customers,
    Segmentation segmentation,
    Classifier classifier,
    Backtest backtest,
    Clv clv,
    Products products,
    Lines lines) {

  private static final ObjectMapper JSON =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, false);

  public static TrainMetrics read(InputStream json) throws IOException {
    return JSON.readValue(json, TrainMetrics.class);
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Customers(long train) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Segmentation(
      int k,
      double silhouette,
      @JsonProperty("davies_bouldin") double daviesBouldin,
      @JsonProperty("silhouette_by_k") LinkedHashMap<Integer, Double> silhouetteByK,
      List<String> features,
      Map<Integer, Map<Integer, Long>> migration) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Classifier(
      Report holdout, Report temporal, @JsonProperty("first_invoice") FirstInvoice firstInvoice) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record FirstInvoice(Report holdout, Report temporal) {}

  /** One classifier on one test: {@code evaluate.ClassificationReport} as written. */
  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Report(
      long customers,
      double accuracy,
      @JsonProperty("majority_share") double majorityShare,
      @JsonProperty("confusion_matrix") long[][] confusion) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Backtest(
      long customers,
      String horizon,
      @JsonProperty("segment_accuracy") double segmentAccuracy,
      Map<String, String> predictor,
      @JsonProperty("spend_mae") double spendMae,
      @JsonProperty("invoices_mae") double invoicesMae,
      @JsonProperty("baseline_mean_spend_mae") double baselineMeanSpendMae,
      @JsonProperty("baseline_median_spend_mae") double baselineMedianSpendMae,
      @JsonProperty("baseline_ratio_spend_mae") double baselineRatioSpendMae,
      @JsonProperty("baseline_mean_invoices_mae") double baselineMeanInvoicesMae,
      @JsonProperty("baseline_median_invoices_mae") double baselineMedianInvoicesMae,
      @JsonProperty("baseline_ratio_invoices_mae") double baselineRatioInvoicesMae) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Clv(
      String horizon,
      @JsonProperty("value_bands") ValueBands valueBands,
      @JsonProperty("backtest") ClvBacktest backtest) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ValueBands(double medium, double high) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record ClvBacktest(
      String split,
      long customers,
      @JsonProperty("holdout_days") int holdoutDays,
      @JsonProperty("purchases_mae") double purchasesMae,
      @JsonProperty("baseline_past_rate_purchases_mae") double pastRatePurchasesMae,
      @JsonProperty("baseline_segment_mean_purchases_mae") double segmentMeanPurchasesMae,
      @JsonProperty("spend_mae") double spendMae,
      @JsonProperty("baseline_past_rate_spend_mae") double pastRateSpendMae,
      @JsonProperty("baseline_segment_mean_spend_mae") double segmentMeanSpendMae,
      List<CalibrationGroup> calibration) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record CalibrationGroup(
      String frequency,
      long customers,
      double actual,
      double model,
      @JsonProperty("baseline_past_rate") double pastRate,
      @JsonProperty("baseline_segment_mean") double segmentMean) {}

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Products(
      @JsonProperty("category_sizes") Map<Integer, Long> categorySizes,
      @JsonProperty("category_names") Map<Integer, String> categoryNames,
      @JsonProperty("category_top_words") Map<Integer, List<String>> categoryTopWords,
      @JsonProperty("price_band_names") List<String> priceBandNames) {

    public Products {
      categoryNames = categoryNames == null ? Map.of() : categoryNames;
      priceBandNames = priceBandNames == null ? List.of() : priceBandNames;
    }

    /** A category's name, or its number in a run from before categories had names. */
    public String categoryName(int category) {
      return categoryNames.getOrDefault(category, "category " + category);
    }

    /** A price band's name, or its number in a run from before bands had names. */
    public String priceBandName(int band) {
      return band < priceBandNames.size() ? priceBandNames.get(band) : "price band " + band;
    }
  }

  @JsonIgnoreProperties(ignoreUnknown = true)
  public record Lines(
      long read,
      @JsonProperty("with_customer") long withCustomer,
      @JsonProperty("after_duplicates") long afterDuplicates,
      long kept,
      @JsonProperty("set_aside") LinkedHashMap<String, Long> setAside,
      LinkedHashMap<String, Long> malformed) {}
}
