package dev.segmentation.job;

import static dev.segmentation.ingest.InvoiceColumns.INVOICE_TS;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import dev.segmentation.ContractViolation;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The days the data covers, split at the cutoff: [start, cutoff) trains, [cutoff, end) tests.
 *
 * @param end the day after the last line
 */
public record TrainingWindow(LocalDate start, LocalDate cutoff, LocalDate end) {

  /** One aggregation over the lines; fails, naming the dates, when a side would be empty. */
  public static TrainingWindow of(Dataset<Row> lines, LocalDate cutoff) {
    Row range = lines.agg(min(col(INVOICE_TS)), max(col(INVOICE_TS))).first();
    if (range.isNullAt(0)) {
      throw new ContractViolation("no product purchase line is left after cleaning");
    }
    LocalDate start = day(range.getTimestamp(0));
    LocalDate end = day(range.getTimestamp(1)).plusDays(1);
    if (!cutoff.isAfter(start) || !cutoff.isBefore(end)) {
      throw new ContractViolation(
          "invalid configuration: segmentation.train.cutoff "
              + cutoff
              + " must fall inside the data, which spans "
              + start
              + " to "
              + end.minusDays(1));
    }
    return new TrainingWindow(start, cutoff, end);
  }

  public Timestamp cutoffTime() {
    return Timestamp.from(cutoff.atStartOfDay().toInstant(ZoneOffset.UTC));
  }

  public long trainingDays() {
    return ChronoUnit.DAYS.between(start, cutoff);
  }

  public long testDays() {
    return ChronoUnit.DAYS.between(cutoff, end);
  }

  /** Makes invoice counts of the test window comparable with the longer training window. */
  public double invoiceCountScale() {
    return (double) trainingDays() / testDays();
  }

  private static LocalDate day(Timestamp time) {
    return time.toInstant().atZone(ZoneOffset.UTC).toLocalDate();
  }
}
