package dev.segmentation.publish;

import static org.apache.spark.sql.functions.col;

import dev.segmentation.model.CustomerSegmenter;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The schema contracts of the tables published for warehouses, in one place. warehouse-tables.md
 * documents them column by column; a test fails when what is written drifts from them. They change
 * only together with that documentation, and a column is never renamed or retyped in place.
 */
public final class PublishedTables {

  /** One row per segmented customer and training snapshot. */
  public static final String SEGMENTS = "customer_segments";

  /** One row per scored customer and scoring snapshot. */
  public static final String PREDICTIONS = "segment_predictions";

  /** The partition column of both: the date a run published. */
  public static final String SNAPSHOT_COLUMN = "snapshot_date";

  /** A contract column: name, type, whether it may be null, and what it means. */
  public record ColumnContract(String name, DataType type, boolean nullable, String meaning) {}

  public static final List<ColumnContract> SEGMENTS_COLUMNS =
      List.of(
          new ColumnContract("customer_id", DataTypes.StringType, false, "the customer"),
          new ColumnContract(
              CustomerSegmenter.SEGMENT, DataTypes.IntegerType, false, "the segment id"),
          new ColumnContract(
              CustomerSegmenter.SEGMENT_LABEL,
              DataTypes.StringType,
              false,
              "the segment's readable label"),
          new ColumnContract(
              "invoice_count", DataTypes.DoubleType, false, "invoices in the training window"),
          new ColumnContract("basket_mean", DataTypes.DoubleType, false, "mean basket amount"),
          new ColumnContract(
              "monetary", DataTypes.DoubleType, false, "total spend in the training window"),
          new ColumnContract(
              "recency_days",
              DataTypes.DoubleType,
              false,
              "days from the last purchase to the cutoff"),
          new ColumnContract(
              "model_version", DataTypes.StringType, false, "the models that assigned the segment"),
          new ColumnContract("run_id", DataTypes.StringType, false, "the training run"),
          new ColumnContract(
              "p_alive",
              DataTypes.DoubleType,
              false,
              "probability the customer still buys (BG/NBD)"),
          new ColumnContract(
              "expected_purchases",
              DataTypes.DoubleType,
              false,
              "purchase days expected within the horizon after the cutoff"),
          new ColumnContract(
              "expected_spend", DataTypes.DoubleType, false, "their expected spend (Gamma-Gamma)"),
          new ColumnContract(
              "clv_horizon", DataTypes.StringType, false, "that horizon, ISO-8601 (P12M)"),
          new ColumnContract(
              "value_band",
              DataTypes.StringType,
              false,
              "high (top 20% of expected spend), medium (next 30%) or low"),
          new ColumnContract(
              SNAPSHOT_COLUMN, DataTypes.DateType, false, "the snapshot (partition)"));

  public static final List<ColumnContract> PREDICTIONS_COLUMNS =
      List.of(
          new ColumnContract("customer_id", DataTypes.StringType, false, "the new customer"),
          new ColumnContract(
              "first_invoice_no",
              DataTypes.StringType,
              false,
              "the first invoice, the prediction's only input"),
          new ColumnContract("first_invoice_ts", DataTypes.TimestampType, false, "its time (UTC)"),
          new ColumnContract(
              CustomerSegmenter.SEGMENT, DataTypes.IntegerType, false, "the most likely segment"),
          new ColumnContract(
              CustomerSegmenter.SEGMENT_LABEL, DataTypes.StringType, false, "its readable label"),
          new ColumnContract("segment_probability", DataTypes.DoubleType, false, "its probability"),
          new ColumnContract(
              "expected_invoices",
              DataTypes.DoubleType,
              false,
              "invoices expected after the first, within the horizon"),
          new ColumnContract("expected_spend", DataTypes.DoubleType, false, "their expected spend"),
          new ColumnContract(
              "horizon", DataTypes.StringType, false, "the horizon, ISO-8601 (P12M)"),
          new ColumnContract(
              "p_alive",
              DataTypes.DoubleType,
              false,
              "probability the customer still buys at the batch's end (BG/NBD)"),
          new ColumnContract(
              "expected_purchases",
              DataTypes.DoubleType,
              false,
              "purchase days expected within clv_horizon after the batch (BG/NBD)"),
          new ColumnContract(
              "clv_expected_spend",
              DataTypes.DoubleType,
              false,
              "their expected spend (Gamma-Gamma)"),
          new ColumnContract(
              "clv_horizon", DataTypes.StringType, false, "that horizon, ISO-8601 (P12M)"),
          new ColumnContract(
              "value_band",
              DataTypes.StringType,
              false,
              "high, medium or low, by the training run's thresholds"),
          new ColumnContract(
              "model_version", DataTypes.StringType, false, "the models that predicted"),
          new ColumnContract("run_id", DataTypes.StringType, false, "the scoring run"),
          new ColumnContract(
              SNAPSHOT_COLUMN, DataTypes.DateType, false, "the snapshot (partition)"));

  private PublishedTables() {}

  /** The contract of table {@code name}. */
  public static List<ColumnContract> columns(String name) {
    return switch (name) {
      case SEGMENTS -> SEGMENTS_COLUMNS;
      case PREDICTIONS -> PREDICTIONS_COLUMNS;
      default -> throw new IllegalArgumentException("no published table " + name);
    };
  }

  /**
   * The contract as a Spark schema: data columns, then the partition column; a column that may not
   * be null is not nullable (an Iceberg {@code required} field), and carries its meaning as the
   * column comment.
   */
  public static StructType schema(List<ColumnContract> columns) {
    return new StructType(
        columns.stream()
            .map(
                c ->
                    new StructField(c.name(), c.type(), c.nullable(), Metadata.empty())
                        .withComment(c.meaning()))
            .toArray(StructField[]::new));
  }

  /**
   * The rows to publish: the contract's data columns, in order (the partition comes from the path).
   */
  public static Dataset<Row> select(Dataset<Row> rows, List<ColumnContract> columns) {
    return rows.select(
        columns.stream()
            .filter(c -> !c.name().equals(SNAPSHOT_COLUMN))
            .map(c -> col(c.name()).cast(c.type()))
            .toArray(Column[]::new));
  }
}
