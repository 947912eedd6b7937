package dev.segmentation;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;

/** Small hand-made input files. */
public final class TestFiles {

  public static final String HEADER =
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country";

  private TestFiles() {}

  /** A CSV file with the standard header followed by the given lines. */
  public static Path csv(Path dir, String name, String... lines) {
    return write(dir.resolve(name), withHeader(lines), false);
  }

  public static Path gzipCsv(Path dir, String name, String... lines) {
    return write(dir.resolve(name), withHeader(lines), true);
  }

  public static Path text(Path dir, String name, String content) {
    return write(dir.resolve(name), content, false);
  }

  private static String withHeader(String... lines) {
    return HEADER + "\n" + String.join("\n", lines) + (lines.length > 0 ? "\n" : "");
  }

  private static Path write(Path file, String content, boolean gzip) {
    try {
      Files.createDirectories(file.getParent());
      try (OutputStream raw = Files.newOutputStream(file);
          OutputStream out = gzip ? new GZIPOutputStream(raw) : raw) {
        out.write(content.getBytes(StandardCharsets.UTF_8));
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
