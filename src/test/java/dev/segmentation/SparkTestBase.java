package dev.segmentation;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import dev.segmentation.config.JobConfig;
import dev.segmentation.config.TestConfigs;
import dev.segmentation.storage.PosixLocalFileSystem;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeEach;

/**
 * One local Spark for the whole test JVM, from spark-testing-base. Its JUnit 4 lifecycle
 * annotations mean nothing to Jupiter, hence the explicit {@code runBefore()}; the context is
 * deliberately shared by every test class and stopped when the JVM exits.
 */
public abstract class SparkTestBase extends JavaDataFrameSuiteBase {

  @BeforeEach
  void startSpark() {
    runBefore();
  }

  @Override
  public SparkConf conf() {
    SparkConf conf =
        new SparkConf()
            .setMaster("local[2]")
            .setAppName("segmentation-tests")
            .set("spark.ui.enabled", "false")
            .set("spark.driver.host", "127.0.0.1")
            // As conf/local.conf: local disk without a chmod process per file written.
            .set("spark.hadoop.fs.file.impl", PosixLocalFileSystem.class.getName());
    // The job's own Spark defaults (UTC, java.time parser, ...) hold in tests too.
    TestConfigs.defaults()
        .sparkConf()
        .forEach(
            (key, value) -> {
              if (!key.equals("spark.sql.shuffle.partitions")) {
                conf.set(key, value);
              }
            });
    return conf.set("spark.sql.shuffle.partitions", "4");
  }

  protected JobConfig defaults() {
    return TestConfigs.defaults();
  }

  protected Dataset<Row> rows(StructType schema, Object[]... values) {
    List<Row> rows = Arrays.stream(values).map(RowFactory::create).toList();
    return spark().createDataFrame(rows, schema);
  }
}
