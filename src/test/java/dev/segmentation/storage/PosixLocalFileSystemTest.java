package dev.segmentation.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.segmentation.SparkTestBase;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PosixLocalFileSystemTest extends SparkTestBase {

  @TempDir java.nio.file.Path dir;

  @Test
  void sparkOpensLocalPathsWithIt() throws IOException {
    FileSystem fs =
        FileSystem.get(URI.create("file:///"), spark().sparkContext().hadoopConfiguration());
    assertInstanceOf(PosixLocalFileSystem.class, fs);
  }

  @Test
  void setsThePermissionsItIsAskedFor() throws IOException {
    FileSystem fs = localFileSystem();
    Path folder = new Path(dir.resolve("a/b").toUri());
    fs.mkdirs(folder, new FsPermission((short) 0750));
    Path file = new Path(folder, "part-0");
    try (FSDataOutputStream out = fs.create(file)) {
      out.writeBytes("x\n");
    }
    fs.setPermission(file, new FsPermission((short) 0604));

    assertEquals("rwxr-x---", mode(dir.resolve("a/b")));
    assertEquals("rw----r--", mode(dir.resolve("a/b/part-0")));
    assertEquals("rw----r--", fs.getFileStatus(file).getPermission().toString());
    // The checksum file of LocalFileSystem is still written beside the data.
    assertEquals(List.of(".part-0.crc", "part-0"), listing(dir.resolve("a/b")));
  }

  @Test
  void renamingFilesOntoOneNameHasOneWinnerAndReplacesNothing() throws Exception {
    FileSystem fs = localFileSystem();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      for (int round = 0; round < 30; round++) {
        Path target = new Path(dir.resolve("v" + round + ".metadata.json").toUri());
        CyclicBarrier start = new CyclicBarrier(8);
        List<Future<Boolean>> tries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          Path source = write(fs, "tmp-" + round + "-" + i, "writer " + i);
          tries.add(
              pool.submit(
                  () -> {
                    start.await();
                    return fs.rename(source, target);
                  }));
        }
        List<Integer> winners = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          if (tries.get(i).get()) {
            winners.add(i);
          }
        }
        assertEquals(1, winners.size(), "round " + round + ": " + winners);
        assertEquals(
            List.of("writer " + winners.get(0)),
            Files.readAllLines(dir.resolve("v" + round + ".metadata.json")));
        for (int i = 0; i < 8; i++) {
          // The losers keep their file, the winner's moved with its checksum.
          assertEquals(
              i != winners.get(0),
              fs.exists(new Path(dir.resolve("tmp-" + round + "-" + i).toUri())));
        }
        Assertions.assertTrue(Files.exists(dir.resolve(".v" + round + ".metadata.json.crc")));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void foldersStillMoveAndMissingParentsRefuse() throws IOException {
    FileSystem fs = localFileSystem();
    Path file = write(fs, "staging/part-0", "rows");

    Assertions.assertTrue(
        fs.rename(
            new Path(dir.resolve("staging").toUri()), new Path(dir.resolve("table").toUri())));
    assertEquals(List.of("rows"), Files.readAllLines(dir.resolve("table/part-0")));
    Assertions.assertFalse(fs.exists(file));
    Path lone = write(fs, "lone", "x");
    Assertions.assertFalse(fs.rename(lone, new Path(dir.resolve("no/such/folder/lone").toUri())));
    Assertions.assertTrue(fs.exists(lone));
  }

  private Path write(FileSystem fs, String name, String text) throws IOException {
    Path path = new Path(dir.resolve(name).toUri());
    try (FSDataOutputStream out = fs.create(path, true)) {
      out.writeBytes(text + "\n");
    }
    return path;
  }

  @Test
  void mapsEveryModeBit() {
    assertEquals(
        "rwxrwxrwx",
        PosixFilePermissions.toString(PosixLocalFileSystem.Raw.modeBits((short) 0777)));
    assertEquals(
        "r---w---x",
        PosixFilePermissions.toString(PosixLocalFileSystem.Raw.modeBits((short) 0421)));
    // The sticky bit has no java.nio form and is dropped.
    assertEquals(
        "rwxr-xr-x",
        PosixFilePermissions.toString(PosixLocalFileSystem.Raw.modeBits((short) 01755)));
    assertEquals(
        "---------", PosixFilePermissions.toString(PosixLocalFileSystem.Raw.modeBits((short) 0)));
  }

  private FileSystem localFileSystem() throws IOException {
    FileSystem fs = new PosixLocalFileSystem();
    fs.initialize(URI.create("file:///"), spark().sparkContext().hadoopConfiguration());
    return fs;
  }

  private static String mode(java.nio.file.Path path) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(path));
  }

  private static List<String> listing(java.nio.file.Path folder) throws IOException {
    try (var files = Files.list(folder)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
