package dev.segmentation.ingest;

import java.util.Locale;

/** Why a line went to quarantine, checked in this order; the first that applies wins. */
public enum MalformedReason {
  WRONG_FIELD_COUNT,
  MISSING_INVOICE_NO,
  MISSING_STOCK_CODE,
  BAD_QUANTITY,
  BAD_INVOICE_DATE,
  BAD_UNIT_PRICE,
  BAD_CUSTOMER_ID;

  /** The value written in the quarantine table and used as the metrics key. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
