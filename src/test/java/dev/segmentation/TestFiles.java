package dev.segmentation;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

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

  public static Path gzipText(Path dir, String name, String content) {
    return write(dir.resolve(name), content, true);
  }

  /**
   * A gzip file of the standard header and {@code lines} distinct lines, cut in the middle of its
   * compressed data: the header still reads, the end does not.
   */
  /** A spreadsheet workbook (a ZIP archive, as an XLSX is), whatever its name says. */
  public static Path workbook(Path dir, String name) {
    Path file = dir.resolve(name);
    try {
      Files.createDirectories(file.getParent());
      try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(file))) {
        zip.putNextEntry(new ZipEntry("xl/workbook.xml"));
        zip.write("<workbook/>".getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return file;
  }

  public static Path truncatedGzipCsv(Path dir, String name, int lines) {
    StringBuilder content = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < lines; i++) {
      content
          .append(600000 + i)
          .append(",85123A,WHITE HANGING HEART,")
          .append(i % 50 + 1)
          .append(",2010-12-01 08:26:00,2.55,")
          .append(12000 + i % 997)
          .append(".0,United Kingdom\n");
    }
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (OutputStream out = new GZIPOutputStream(bytes)) {
        out.write(content.toString().getBytes(StandardCharsets.UTF_8));
      }
      byte[] whole = bytes.toByteArray();
      Path file = dir.resolve(name);
      Files.createDirectories(file.getParent());
      return Files.write(file, Arrays.copyOf(whole, whole.length / 2));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A copy of the folder {@code from}, files and sub-folders, as {@code to}; returns {@code to}.
   */
  public static Path copyTree(Path from, Path to) {
    try (Stream<Path> paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
