package dev.segmentation.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.SQLException;
import org.h2.tools.Server;

/**
 * A real SQL database for Iceberg's JDBC catalog: H2, served over TCP on 127.0.0.1 from the test
 * JVM, so that runs in other processes commit through the same catalog. Started once.
 */
public final class CatalogDatabase {

  private static Server shared;

  private CatalogDatabase() {}

  /** A JDBC URL of a database of its own, created on first connection. */
  public static synchronized String url(String name) {
    if (shared == null) {
      try {
        shared =
            Server.createTcpServer(
                    "-tcpPort",
                    "0",
                    "-ifNotExists",
                    "-baseDir",
                    Files.createTempDirectory("catalog-db").toString())
                .start();
        Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
      } catch (SQLException e) {
        throw new IllegalStateException("cannot start the H2 server", e);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    // As PostgreSQL, the catalog database of most Iceberg JDBC users: names in lower case, which
    // Iceberg looks up its own columns by.
    return "jdbc:h2:tcp://127.0.0.1:"
        + shared.getPort()
        + "/"
        + name
        + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE";
  }
}
