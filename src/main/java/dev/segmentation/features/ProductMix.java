package dev.segmentation.features;

import java.util.ArrayList;
import java.util.List;

/**
 * How a customer's spend is split: across the product categories (what the products are) and across
 * the price bands (what they cost). Together they fix the share columns of baskets and customers,
 * so every stage that builds or reads those columns takes one of these.
 *
 * @param categories product categories, numbered from 0
 * @param priceBands price bands, numbered from 0 (cheapest)
 */
public record ProductMix(int categories, int priceBands) {

  public ProductMix {
    if (categories < 1) {
      throw new IllegalArgumentException("categories must be positive, got " + categories);
    }
    if (priceBands < 1) {
      throw new IllegalArgumentException("price bands must be positive, got " + priceBands);
    }
  }

  /** The share of every category, then of every price band: percentages of a customer's spend. */
  public List<String> shares() {
    List<String> names = new ArrayList<>(categoryShares());
    names.addAll(priceBandShares());
    return names;
  }

  public List<String> categoryShares() {
    return FeatureColumns.categoryShares(categories);
  }

  public List<String> priceBandShares() {
    List<String> names = new ArrayList<>();
    for (int band = 0; band < priceBands; band++) {
      names.add(FeatureColumns.priceBandShare(band));
    }
    return names;
  }
}
