package dev.segmentation.features;

import dev.segmentation.anticipation.FollowUp;
import dev.segmentation.ingest.InvoiceColumns;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * The feature contracts, in one place.
 *
 * <p>Basket (one invoice of one customer; lines of one invoice with different countries, which real
 * invoices never have, would make a basket per country), from {@link BasketTable}:
 *
 * <pre>
 * customer_id, invoice_no   string
 * invoice_ts                timestamp  first line of the invoice
 * country                   string
 * basket_amount             double     sum of line amounts
 * line_count, quantity      long       lines and units bought
 * category_&lt;i&gt;_amount      double     part of basket_amount spent in product category i
 * price_band_&lt;i&gt;_amount    double     part of basket_amount spent on products of price band i
 * </pre>
 *
 * <p>Customer, from {@link CustomerFeatures}: {@code customer_id} and the {@link #all features}
 * below, all doubles.
 *
 * <p>First purchase, from {@link FirstPurchases}: the customer features of the first basket alone,
 * plus
 *
 * <pre>
 * first_invoice_no         string
 * first_invoice_ts         timestamp
 * country                  string
 * line_count, quantity     long       of the first basket
 * first_month              int        1 to 12
 * </pre>
 *
 * <p>Follow-up, from {@link FollowUp}: {@code customer_id} and
 *
 * <pre>
 * followup_invoices        double     baskets after the first one, within the horizon
 * followup_spend           double     their amount
 * full_followup            boolean    the data covers the whole horizon after the first purchase
 * </pre>
 */
public final class FeatureColumns {

  /**
   * Amounts of money as Spark sums them here: as decimals to a hundredth of a penny, so a sum or a
   * mean is exact and the same whatever order its rows are added in. Summed as doubles, the last
   * bits depend on that order, which on a cluster is the order shuffle blocks arrive in; a feature
   * one bit apart can move a tree's split and a forest's prediction.
   */
  private static final DataType MONEY = DataTypes.createDecimalType(18, 4);

  private static final double MONEY_UNITS = 10_000.0;

  /**
   * The exact sum of an amount column, as a double: whole hundredths of a penny summed as longs.
   * The same figure as a sum of decimal(18, 4), whose sum Spark keeps as a decimal(28, 4), in
   * Java's BigDecimal: on the lines of every basket that made this sum alone cost several times the
   * rest of the basket step.
   */
  public static Column sumOfMoney(Column amount) {
    return sumOfMoneyUnits(moneyUnits(amount));
  }

  /**
   * An amount as whole hundredths of a penny. Spark rounds a double through Java's BigDecimal (from
   * its decimal text), so where several sums take the same amount, it is rounded once per row in
   * this column and the sums add it up with {@link #sumOfMoneyUnits}.
   */
  public static Column moneyUnits(Column amount) {
    return functions.round(amount.multiply(MONEY_UNITS)).cast(DataTypes.LongType);
  }

  /** The sum of a {@link #moneyUnits} column, as an amount: the same as {@link #sumOfMoney}. */
  public static Column sumOfMoneyUnits(Column units) {
    return functions.sum(units).divide(MONEY_UNITS);
  }

  /** The exact mean of an amount column, as a double. */
  public static Column meanOfMoney(Column amount) {
    return functions.avg(amount.cast(MONEY)).cast(DataTypes.DoubleType);
  }

  // The columns a basket keeps from its lines carry the line contract's names.
  public static final String CUSTOMER_ID = InvoiceColumns.CUSTOMER_ID;
  public static final String INVOICE_NO = InvoiceColumns.INVOICE_NO;
  public static final String INVOICE_TS = InvoiceColumns.INVOICE_TS;
  public static final String COUNTRY = InvoiceColumns.COUNTRY;
  public static final String QUANTITY = InvoiceColumns.QUANTITY;

  /** A product's category (int), added to products and lines by the product category model. */
  public static final String CATEGORY = "category";

  /** A product's price band (int, 0 the cheapest), added with its category. */
  public static final String PRICE_BAND = "price_band";

  public static final String BASKET_AMOUNT = "basket_amount";
  public static final String LINE_COUNT = "line_count";

  /** Number of baskets (invoices). */
  public static final String INVOICE_COUNT = "invoice_count";

  public static final String BASKET_MIN = "basket_min";
  public static final String BASKET_MAX = "basket_max";
  public static final String BASKET_MEAN = "basket_mean";
  public static final String BASKET_SUM = "basket_sum";

  /** Days from the first purchase to the end of the window. */
  public static final String DAYS_SINCE_FIRST = "days_since_first";

  /** Days from the last purchase to the end of the window. */
  public static final String DAYS_SINCE_LAST = "days_since_last";

  /** Recency, frequency, monetary: the classic RFM triple, named as marketers know it. */
  public static final String RECENCY_DAYS = "recency_days";

  public static final String FREQUENCY = "frequency";
  public static final String MONETARY = "monetary";

  public static final String FIRST_INVOICE_NO = "first_invoice_no";
  public static final String FIRST_INVOICE_TS = "first_invoice_ts";
  public static final String FIRST_MONTH = "first_month";
  public static final String FOLLOWUP_INVOICES = "followup_invoices";
  public static final String FOLLOWUP_SPEND = "followup_spend";
  public static final String FULL_FOLLOWUP = "full_followup";

  private static final String CATEGORY_WILDCARD = "category_*_share";
  private static final String PRICE_BAND_WILDCARD = "price_band_*_share";

  private FeatureColumns() {}

  /** Part of a basket spent in product category {@code category}. */
  public static String categoryAmount(int category) {
    return "category_" + category + "_amount";
  }

  /** Percentage of a customer's spend in product category {@code category}. */
  public static String categoryShare(int category) {
    return "category_" + category + "_share";
  }

  /** Part of a basket spent on products of price band {@code band}. */
  public static String priceBandAmount(int band) {
    return "price_band_" + band + "_amount";
  }

  /** Percentage of a customer's spend on products of price band {@code band}. */
  public static String priceBandShare(int band) {
    return "price_band_" + band + "_share";
  }

  public static List<String> categoryShares(int categories) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < categories; i++) {
      names.add(categoryShare(i));
    }
    return names;
  }

  /** Every customer feature, in output order. */
  public static List<String> all(ProductMix mix) {
    List<String> names =
        new ArrayList<>(List.of(INVOICE_COUNT, BASKET_MIN, BASKET_MAX, BASKET_MEAN, BASKET_SUM));
    names.addAll(mix.shares());
    names.addAll(List.of(DAYS_SINCE_FIRST, DAYS_SINCE_LAST, RECENCY_DAYS, FREQUENCY, MONETARY));
    return names;
  }

  /**
   * Expands {@code category_*_share} and {@code price_band_*_share} and checks every name.
   *
   * @throws IllegalArgumentException naming the first unknown feature
   */
  public static List<String> expand(List<String> patterns, ProductMix mix) {
    Set<String> known = new LinkedHashSet<>(all(mix));
    Set<String> names = new LinkedHashSet<>();
    for (String pattern : patterns) {
      String name = pattern.trim();
      if (name.equals(CATEGORY_WILDCARD)) {
        names.addAll(mix.categoryShares());
      } else if (name.equals(PRICE_BAND_WILDCARD)) {
        names.addAll(mix.priceBandShares());
      } else if (known.contains(name)) {
        names.add(name);
      } else {
        throw new IllegalArgumentException(
            "names unknown feature '"
                + name
                + "'; known: "
                + String.join(", ", known)
                + ", "
                + CATEGORY_WILDCARD
                + ", "
                + PRICE_BAND_WILDCARD);
      }
    }
    return List.copyOf(names);
  }
}
