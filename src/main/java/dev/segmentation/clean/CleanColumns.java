package dev.segmentation.clean;

import static dev.segmentation.ingest.InvoiceColumns.COUNTRY;
import static dev.segmentation.ingest.InvoiceColumns.CUSTOMER_ID;
import static dev.segmentation.ingest.InvoiceColumns.DESCRIPTION;
import static dev.segmentation.ingest.InvoiceColumns.INVOICE_NO;
import static dev.segmentation.ingest.InvoiceColumns.INVOICE_TS;
import static dev.segmentation.ingest.InvoiceColumns.QUANTITY;
import static dev.segmentation.ingest.InvoiceColumns.STOCK_CODE;
import static dev.segmentation.ingest.InvoiceColumns.UNIT_PRICE;

import java.util.List;

/**
 * The cleaned-line contract. {@link LineCleaner} returns every well-formed line with these columns;
 * kept lines have a null {@code set_aside_reason}.
 *
 * <pre>
 * the eight invoice columns of InvoiceColumns, then
 * quantity_cancelled  int     units later cancelled by matched cancellation lines (0 if none)
 * amount              double  unit_price * (quantity - quantity_cancelled)
 * set_aside_reason    string  null when kept, else a SetAsideReason label
 * </pre>
 */
public final class CleanColumns {

  public static final String QUANTITY_CANCELLED = "quantity_cancelled";
  public static final String AMOUNT = "amount";
  public static final String SET_ASIDE_REASON = "set_aside_reason";

  /** Columns of a kept line, in output order. */
  public static final List<String> KEPT =
      List.of(
          INVOICE_NO,
          STOCK_CODE,
          DESCRIPTION,
          QUANTITY,
          QUANTITY_CANCELLED,
          UNIT_PRICE,
          AMOUNT,
          INVOICE_TS,
          CUSTOMER_ID,
          COUNTRY);

  private CleanColumns() {}
}
